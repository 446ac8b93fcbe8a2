"""A company's fingerprint changes with its tables and settings, and only with them.

A workshop's lab keeps the checked tables for hours (crmlib/lab.py); a kernel uses them
only while the source still has the fingerprint taken before the check
(crmlib/data/fingerprint.py, crmlib.data.checked.seal).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from crmlib.data.checked import offered_to_kernels, read_checked, seal
from crmlib.data.checked_in_engine import keep_checked_tables
from crmlib.data.company import open_settings
from crmlib.data.database import parse_source
from crmlib.data.fingerprint import source_fingerprint


def later(path: Path) -> None:
    """Give ``path`` a later time of change, as an edit a second later would."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def test_a_folder_changes_with_its_tables_and_mapping_not_its_answers(sample_copy: Path):
    first = source_fingerprint(sample_copy)
    assert first == source_fingerprint(sample_copy)
    # workshop answers are saved in a subfolder: not the tables
    (sample_copy / "assessments" / "new.yml").write_text("a: 1\n")
    assert source_fingerprint(sample_copy) == first
    later(sample_copy / "transactions.csv")
    second = source_fingerprint(sample_copy)
    assert second != first
    (sample_copy / "mapping.yml").write_text("transactions: {}\n")
    assert source_fingerprint(sample_copy) != second


def test_a_duckdb_file_changes_when_a_table_is_written(sample_duckdb: str, tmp_path: Path):
    source = parse_source(sample_duckdb)
    copy = tmp_path / "company.duckdb"
    shutil.copy(source.path, copy)
    url = f"duckdb://{copy}"
    first = source_fingerprint(url)
    assert first == source_fingerprint(url)
    with duckdb.connect(str(copy)) as con:
        con.execute("DELETE FROM transactions WHERE rowid = 0")
    assert source_fingerprint(url) != first


def test_a_postgresql_server_has_none():
    # its write-ahead log moves on reads too; nothing the workbook can trust
    assert source_fingerprint("postgresql://someone@127.0.0.1:1/nothing") is None


def test_sealed_tables_are_read_until_the_source_changes(sample_copy: Path, tmp_path: Path):
    fingerprint = source_fingerprint(sample_copy)
    folder = tmp_path / "checked"
    keep_checked_tables(open_settings(sample_copy), folder, str(sample_copy))
    seal(folder, fingerprint)
    with offered_to_kernels(folder):
        assert read_checked(sample_copy) is not None
        later(sample_copy / "customers.csv")
        # a kernel started now reads the source again
        assert read_checked(sample_copy) is None

"""A company checked in its engine and kept a table at a time is the loaded company.

``render`` and ``batch`` check a database or Parquet company in its engine, then read,
parse and write its tables for the kernels one at a time
(crmlib/data/checked_in_engine.py). The kernels must read back exactly what the loaded
path (``load_company`` then ``write_checked``) would have handed them: every table, its
types, its values, its digest (the caches are keyed by it), its source and whether the
customers were derived.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmlib.cli import main
from crmlib.data.checked import offered_to_kernels, read_checked, write_checked
from crmlib.data.checked_in_engine import keep_checked_tables
from crmlib.data.company import load_company, open_settings
from crmlib.data.database import parse_source, write_tables

ROOT = Path(__file__).resolve().parents[2]


def assert_kept_as_loaded(source: str, tmp_path: Path, rows: int = 1_000_000) -> None:
    company = load_company(source)
    loaded = write_checked(
        company.tables, company.sources, company.customers_derived, source, tmp_path / "loaded"
    )
    engine = tmp_path / "engine"
    keep_checked_tables(open_settings(source), engine, source, rows=rows)
    with offered_to_kernels(loaded):
        expected = read_checked(source)
    with offered_to_kernels(engine):
        kept = read_checked(source)
    assert expected is not None and kept is not None
    assert set(kept.tables) == set(expected.tables)
    for name, frame in expected.tables.items():
        pd.testing.assert_frame_equal(kept.tables[name], frame, check_exact=True, obj=name)
    assert kept.digests == expected.digests
    assert kept.sources == expected.sources
    assert kept.customers_derived == expected.customers_derived
    assert_columns_mapped(kept.tables, engine)


def assert_columns_mapped(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """Each number and date column a kernel reads is a view of its table's mapped file.

    Only a column without missing values can be: Arrow marks them apart, and NumPy needs
    them written into the values (NaN, NaT), so such a column is copied whole or in parts.

    A table written in parts and read back in parts would be joined into a private copy
    in every kernel (the lines' amounts and dates: 315 MiB at a million customers).
    """
    mapped: dict[str, list[tuple[int, int]]] = {}
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6:
            low, high = (int(end, 16) for end in fields[0].split("-"))
            mapped.setdefault(fields[5], []).append((low, high))
    for name, frame in tables.items():
        ranges = mapped[str(folder / f"{name}.arrow")]
        for column in frame.columns:
            values = frame[column].to_numpy()
            if values.dtype.kind not in "fiuM" or not len(values) or frame[column].hasnans:
                continue
            address = values.__array_interface__["data"][0]
            assert any(low <= address < high for low, high in ranges), (name, column)


@pytest.mark.parametrize("rows", [1_000_000, 997])
def test_the_sample_in_duckdb(sample_duckdb, tmp_path, rows):
    # 997 rows at a time: every large table in parts, none a multiple of the part
    assert_kept_as_loaded(sample_duckdb, tmp_path, rows)


@pytest.mark.slow
def test_the_sample_in_postgres(sample_postgres, tmp_path):
    assert_kept_as_loaded(sample_postgres, tmp_path, rows=5_000)


def test_a_folder_of_parquet_files(sample_parquet, tmp_path):
    assert_kept_as_loaded(str(sample_parquet), tmp_path)


def test_customers_derived_from_the_lines(tmp_path):
    # CDNOW has transactions only: the customers are the lines' distinct ids
    company = load_company(ROOT / "data" / "cdnow")
    url = f"duckdb://{tmp_path / 'cdnow.duckdb'}"
    write_tables(parse_source(url), [("transactions", company.transactions)])
    assert_kept_as_loaded(url, tmp_path, rows=10_000)


def test_render_says_what_the_engine_found_and_starts_no_notebook(sample_company, tmp_path, capsys):
    # a purchase line naming a customer the customers table does not have
    lines = sample_company.transactions.copy()
    lines.loc[3, "customer_id"] = "C999999"
    url = f"duckdb://{tmp_path / 'broken.duckdb'}"
    write_tables(
        parse_source(url), [("customers", sample_company.customers), ("transactions", lines)]
    )
    said = {}
    for command in (["validate"], ["render", "00_start_here", "--out", str(tmp_path / "out")]):
        with pytest.raises(SystemExit) as done:
            main([*command, "--data", url])
        said[command[0]] = (done.value.code, capsys.readouterr().err.strip())
    # the engine's message, the one validate gives, in one line
    assert said["render"] == said["validate"]
    code, message = said["render"]
    assert code == 2 and len(message.splitlines()) == 1 and "C999999" in message
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_render_from_duckdb_never_loads_the_company_whole(
    sample_duckdb, tmp_path, capsys, monkeypatch
):
    import crmlib.data.company

    def whole(*args, **kwargs):
        raise AssertionError("the render loaded the company whole")

    # the render's own process; its kernels read the tables it kept
    monkeypatch.setattr(crmlib.data.company, "load_company", whole)
    with pytest.raises(SystemExit) as done:
        main(["render", "00_start_here", "--data", sample_duckdb, "--out", str(tmp_path)])
    assert done.value.code == 0, capsys.readouterr().err
    assert list(tmp_path.rglob("00_start_here*.html"))


def test_a_batch_client_in_duckdb_is_checked_in_the_engine(sample_duckdb, tmp_path, monkeypatch):
    import crmlib.data.company
    from crmlib.batch.jobs import check_client

    monkeypatch.setattr(crmlib.data.company, "load_company", None)  # never called
    assert check_client(sample_duckdb, None, str(tmp_path / "kept")) is None
    with offered_to_kernels(tmp_path / "kept"):
        kept = read_checked(sample_duckdb)
    assert kept is not None and set(kept.tables) >= {"customers", "transactions"}
    error = check_client(sample_duckdb, "2025-13-01", str(tmp_path / "other"))
    assert error is not None and "observation_end" in error and "\n" not in error

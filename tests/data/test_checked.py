"""The tables a render checked, handed to its kernels: read back exactly, or not at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from nbformat import v4

from crmlib.analytics.base_cache import table_digest
from crmlib.data.checked import (
    CHECKED_ENV,
    offered_to_kernels,
    read_checked,
    source_key,
    write_checked,
)
from crmlib.data.company import load_company


def checked_folder(company, source, folder: Path) -> Path:
    return write_checked(company.tables, company.sources, company.customers_derived, source, folder)


@pytest.mark.parametrize("company_dir", ["sample", "cdnow"])
def test_the_tables_come_back_with_their_types_values_and_digests(company_dir, tmp_path):
    source = Path(__file__).resolve().parents[2] / "data" / company_dir
    company = load_company(source)
    folder = checked_folder(company, source, tmp_path / "checked")
    with offered_to_kernels(folder):
        back = read_checked(source)
    assert back is not None
    assert list(back.tables) == list(company.tables)
    for name, frame in company.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_exact=True, obj=name)
        assert list(back.tables[name].dtypes.astype(str)) == list(frame.dtypes.astype(str))
        # the customer-base cache is keyed by these: a kernel must find the same base
        assert table_digest(back.tables[name]) == table_digest(frame)
    assert back.sources == company.sources
    assert back.customers_derived == company.customers_derived


def test_a_kernel_loads_the_same_company_from_the_checked_tables(sample_duckdb, tmp_path):
    direct = load_company(sample_duckdb, observation_end="2025-06-30", language="nl")
    folder = checked_folder(direct, sample_duckdb, tmp_path / "checked")
    with offered_to_kernels(folder):
        handed = load_company(sample_duckdb, observation_end="2025-06-30", language="nl")
    for field in ("name", "currency", "data_dir", "database", "observation_end", "language"):
        assert getattr(handed, field) == getattr(direct, field), field
    assert handed.sources == direct.sources
    for name, frame in direct.tables.items():
        pd.testing.assert_frame_equal(handed.tables[name], frame, check_exact=True, obj=name)


def test_a_company_with_only_transactions_keeps_its_derived_customers(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    pd.DataFrame(
        {"customer_id": ["a", "b", "a"], "date": ["2024-01-02", "2024-02-03", "2024-03-04"],
         "amount": [10.0, 20.0, 5.0]}
    ).to_csv(folder / "transactions.csv", index=False)  # fmt: skip
    company = load_company(folder)
    assert company.customers_derived
    checked = checked_folder(company, folder, tmp_path / "checked")
    with offered_to_kernels(checked):
        handed = load_company(folder)
    assert handed.customers_derived
    assert "customers" not in handed.sources
    pd.testing.assert_frame_equal(handed.customers, company.customers)


def test_tables_checked_for_another_source_are_not_read(sample_dir, sample_copy, tmp_path):
    company = load_company(sample_dir)
    folder = checked_folder(company, sample_dir, tmp_path / "checked")
    with offered_to_kernels(folder):
        assert read_checked(sample_copy) is None
        assert read_checked(sample_dir) is not None
    # the same folder named another way is the same source
    assert source_key(sample_dir / ".." / sample_dir.name) == source_key(sample_dir)


def test_without_the_variable_nothing_is_read(sample_dir, tmp_path, monkeypatch):
    company = load_company(sample_dir)
    checked_folder(company, sample_dir, tmp_path / "checked")
    monkeypatch.delenv(CHECKED_ENV, raising=False)
    assert read_checked(sample_dir) is None


@pytest.mark.parametrize("damage", ["manifest", "table", "format", "folder"])
def test_a_damaged_folder_is_ignored_and_the_source_read(damage, sample_copy, tmp_path):
    company = load_company(sample_copy)
    folder = checked_folder(company, sample_copy, tmp_path / "checked")
    if damage == "manifest":
        (folder / "checked.json").write_text("{not json", encoding="utf-8")
    elif damage == "table":
        (folder / "transactions.arrow").write_bytes(b"not arrow")
    elif damage == "format":
        manifest = json.loads((folder / "checked.json").read_text(encoding="utf-8"))
        manifest["format"] = 0
        (folder / "checked.json").write_text(json.dumps(manifest), encoding="utf-8")
    else:
        folder = tmp_path / "gone"
    with offered_to_kernels(folder):
        assert read_checked(sample_copy) is None
        # and a change to the source since is then seen
        (sample_copy / "channels.csv").unlink()
        assert load_company(sample_copy).channels is None


def test_the_variable_is_put_back_after_the_render(tmp_path, monkeypatch):
    monkeypatch.setenv(CHECKED_ENV, "earlier")
    with offered_to_kernels(tmp_path):
        assert os.environ[CHECKED_ENV] == str(tmp_path)
    assert os.environ[CHECKED_ENV] == "earlier"


@pytest.mark.slow
@pytest.mark.parametrize("options", [[], ["--pseudonymise"]], ids=["as-is", "pseudonymised"])
def test_a_renders_kernels_read_the_tables_it_checked(sample_dir, tmp_path, options):
    """End to end: the kernel of a real render is offered the checked tables and takes them
    (of the pseudonymised copy, when the render makes one)."""
    result = _render_probe(
        tmp_path,
        sample_dir,
        'data_dir: str = ""  # the company',
        "from crmlib.data.checked import read_checked\n"
        "assert read_checked(data_dir) is not None, 'the checked tables were not offered'\n",
        *options,
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "out").rglob("probe*.html"))


def test_a_kernel_keeps_the_digests_the_render_computed(sample_dir, tmp_path, monkeypatch):
    import crmlib.digest

    company = load_company(sample_dir)
    expected = {name: table_digest(frame) for name, frame in company.tables.items()}
    folder = checked_folder(company, sample_dir, tmp_path / "checked")

    def hashing_again(table):
        raise AssertionError("a kernel hashed a table the render had digested")

    monkeypatch.setattr(crmlib.digest, "_digest_table", hashing_again)
    with offered_to_kernels(folder):
        handed = load_company(sample_dir)
    assert {name: table_digest(frame) for name, frame in handed.tables.items()} == expected


@pytest.mark.slow
def test_a_full_temporary_folder_costs_time_not_the_reports(
    sample_dir, tmp_path, monkeypatch, capsys
):
    import crmlib.data.checked
    from crmlib.cli import main

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(crmlib.data.checked, "write_checked", full)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:
        main(["render", "00_start_here", "--data", str(sample_dir), "--out", str(out),
              "--format", "html"])  # fmt: skip
    _, err = capsys.readouterr()
    assert done.value.code == 0, err
    assert "note: the checked tables could not be kept" in err
    assert "No space left on device" in err and "TMPDIR" in err
    assert (out / "00_start_here.html").is_file()


@pytest.mark.slow
def test_a_pseudonymised_company_keeps_its_own_name(sample_copy, tmp_path):
    """The copy lies in a folder of the render's; without a name in company.yml, the
    company is still named after its own folder, as in a render without pseudonyms."""
    info = sample_copy / "company.yml"
    settings = yaml.safe_load(info.read_text(encoding="utf-8"))
    settings.pop("name")
    info.write_text(yaml.safe_dump(settings), encoding="utf-8")
    result = _render_probe(
        tmp_path,
        sample_copy,
        'data_dir: str = ""  # the company\ncompany: str = ""  # name',
        "from crmlib.notebook import open_company\n"
        "name = open_company(data_dir, company).name\n"
        f"assert name == {sample_copy.name!r}, name\n",
        "--pseudonymise",
    )
    assert result.returncode == 0, result.stderr


def _render_probe(tmp_path, data, parameters: str, probe: str, *options: str):
    """``crm-workbook render`` of a notebook of a parameters cell and a probe cell."""
    notebook = v4.new_notebook()
    cell = v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [cell, v4.new_code_cell(probe)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    path = tmp_path / "probe.ipynb"
    nbformat.write(notebook, path)
    return subprocess.run(
        [sys.executable, "-m", "crmlib", "render", str(path), "--data", str(data),
         "--out", str(tmp_path / "out"), "--format", "html", *options],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip

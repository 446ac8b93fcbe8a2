"""The crm-workbook command, run as a user runs it: a real process, real exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crmlib", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_validate_prints_a_quality_summary(sample_dir: Path):
    result = run("validate", "--data", str(sample_dir))
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout
    assert "transactions" in result.stdout and "first_date" in result.stdout
    assert "Completeness per column" in result.stdout


def test_validate_broken_transactions_exits_2_with_one_line(sample_copy: Path):
    path = sample_copy / "transactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    amount = header.index("amount")
    broken = lines[5].split(",")
    broken[amount] = "twelve"
    lines[5] = ",".join(broken)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", "--data", str(sample_copy))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "error: transactions.csv, column 'amount', row 6: 1 value are not numbers"
    )
    assert "Traceback" not in result.stderr


def test_validate_missing_folder(tmp_path: Path):
    result = run("validate", "--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "the data folder does not exist" in result.stderr


def test_unknown_notebook_is_a_usage_error(sample_dir: Path, tmp_path: Path):
    result = run("render", "99_nothing", "--data", str(sample_dir), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "no notebook '99_nothing'" in result.stderr


def test_bad_format_is_a_usage_error(sample_dir: Path, tmp_path: Path):
    result = run(
        "render",
        "00_start_here",
        "--data",
        str(sample_dir),
        "--out",
        str(tmp_path),
        "--format",
        "docx",
    )
    assert result.returncode == 2
    assert "unknown format 'docx'" in result.stderr


def test_unknown_parameter_name_is_a_usage_error(sample_dir: Path, tmp_path: Path):
    result = run(
        "render",
        "00_start_here",
        "--data",
        str(sample_dir),
        "--out",
        str(tmp_path),
        "-p",
        "valu_share",
        "0.5",
    )
    assert result.returncode == 2
    assert "unknown parameter 'valu_share'" in result.stderr
    assert "value_share" in result.stderr


def test_parameter_values_are_typed():
    from crmlib.cli import parse_parameter_value

    assert parse_parameter_value("0.5") == 0.5
    assert parse_parameter_value("12") == 12
    assert parse_parameter_value("false") is False
    assert parse_parameter_value("2025-06-30") == "2025-06-30"
    assert parse_parameter_value("De Linde") == "De Linde"


def test_sample_writes_a_loadable_company(tmp_path: Path):
    result = run("sample", "--out", str(tmp_path / "co"), "--customers", "120", "--seed", "3")
    assert result.returncode == 0, result.stderr
    from crmlib.data.company import load_company

    assert len(load_company(tmp_path / "co").customers) == 120


def test_sample_rejects_tiny_bases(tmp_path: Path):
    result = run("sample", "--out", str(tmp_path), "--customers", "3")
    assert result.returncode == 2


@pytest.mark.slow
def test_render_html_and_pdf(sample_dir: Path, tmp_path: Path):
    result = run(
        "render",
        "00_start_here",
        "--data",
        str(sample_dir),
        "--out",
        str(tmp_path),
        "--format",
        "html,pdf",
        "-p",
        "value_share",
        "0.5",
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "00_start_here.html").read_text(encoding="utf-8")
    assert "Tuincentrum Groenhuis" in html
    assert "of the customers bring 50% of the revenue" in html
    assert (tmp_path / "00_start_here.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_render_failure_exits_non_zero_and_keeps_the_notebook(sample_dir: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    result = run(
        "render",
        "00_start_here",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "out"),
        "-p",
        "value_share",
        "7",
    )
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "00_start_here" in result.stderr and "ParameterError" in result.stderr
    assert not (tmp_path / "out" / "00_start_here.html").exists()
    assert list((tmp_path / "out").glob("00_start_here*.ipynb"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_segments_writes_one_row_per_customer(sample_dir: Path, tmp_path: Path, suffix: str):
    import pandas as pd

    out = tmp_path / f"segments{suffix}"
    result = run("segments", "--data", str(sample_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    customers = pd.read_csv(sample_dir / "customers.csv")
    assert len(table) == len(customers)
    assert table["customer_id"].is_unique
    assert {"rfm_segment", "is_ssc", "clv", "value_tier", "value_category"} <= set(table.columns)


def test_segments_agrees_with_the_customer_base(sample_dir: Path, tmp_path: Path):
    """The export is the base the reports read: same SSCs, value categories and tiers."""
    import pandas as pd

    from crmlib.analytics.base import customer_base
    from crmlib.data.company import load_company
    from crmlib.render.consistency import export_figures

    out = tmp_path / "segments.csv"
    result = run("segments", "--data", str(sample_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    exported = export_figures(pd.read_csv(out))
    stated = {f.id: f.value for f in customer_base(load_company(sample_dir)).figures()}
    assert exported["ssc_count"] == stated["ssc_count"] == 1000
    for figure_id, value in exported.items():
        assert stated[figure_id] == value, figure_id
    assert {k for k in stated if k.startswith(("value_category_count.", "tier_count."))} <= set(
        exported
    )


def test_segments_refuses_other_file_types(sample_dir: Path, tmp_path: Path):
    result = run("segments", "--data", str(sample_dir), "--out", str(tmp_path / "x.json"))
    assert result.returncode == 2
    assert "must end in .csv or .xlsx" in result.stderr

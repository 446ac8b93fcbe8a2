"""The crm-workbook command, run as a user runs it: a real process, real exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4


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


def test_notebook_saved_without_kernel_or_language_renders(sample_dir: Path, tmp_path: Path):
    # another editor may save a notebook with no kernelspec and no language_info
    notebook = v4.new_notebook()
    parameters = v4.new_code_cell("data_dir: str = ''  # the company\ngreeting: str = 'hi'")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, v4.new_code_cell("print(greeting.upper())")]
    path = tmp_path / "plain.ipynb"
    nbformat.write(notebook, path)
    result = run(
        "render",
        str(path),
        "--data",
        str(sample_dir),
        "--out",
        str(tmp_path / "reports"),
        "-p",
        "greeting",
        "hello from the parameters",
    )
    assert result.returncode == 0, result.stderr
    assert "HELLO FROM THE PARAMETERS" in (tmp_path / "reports" / "plain.html").read_text()


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


def test_sample_into_a_database_says_where_tables_and_settings_went(tmp_path: Path):
    url = f"duckdb://{tmp_path / 'co.duckdb'}"  # duckdb:///tmp/...
    result = run("sample", "--out", url, "--customers", "120", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert f"written to {url} (its settings and workshop answers in {tmp_path})" in result.stdout
    from crmlib.data.company import load_company

    assert len(load_company(url).customers) == 120


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
def test_render_failure_exits_non_zero_and_keeps_the_notebook(
    sample_dir: Path, tmp_path: Path, root: Path
):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    # A value given with -p is checked before the kernel starts; a notebook whose own
    # default is out of range fails inside it.
    notebook = json.loads((root / "notebooks" / "00_start_here.ipynb").read_text())
    for cell in notebook["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            source = "".join(cell["source"])
            cell["source"] = source.replace("value_share: float = 0.8", "value_share: float = 7.0")
    (tmp_path / "00_start_here.ipynb").write_text(json.dumps(notebook))
    result = run(
        "render",
        str(tmp_path / "00_start_here.ipynb"),
        "--data",
        str(data),
        "--out",
        str(tmp_path / "out"),
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


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single line of a user error: exit 2, nothing on stdout, no traceback."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.rstrip("\n")


def test_validate_cdnow_from_its_original_file(root: Path):
    result = run("validate", "--data", str(root / "data" / "cdnow"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert (
        "Customers: there is no customers table, so the customers are the 2,357 distinct "
        "customer ids of CDNOW_sample.txt."
    ) in lines
    assert "Currency: USD." in lines
    (transactions,) = [line for line in lines if line.startswith("transactions ")]
    assert transactions.split() == [
        "transactions",
        "CDNOW_sample.txt",
        "6919",
        "5",
        "1997-01-01",
        "1998-06-30",
        "100.0",
        "%",
    ]
    assert "Completeness per column (columns with gaps):" in lines


def test_validate_warns_in_one_line_without_a_currency(tmp_path: Path):
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\nC1,2024-01-02,5\n")
    result = run("validate", "--data", str(tmp_path))
    assert result.returncode == 0
    assert result.stderr == (
        "warning: no currency is given, so reports write amounts without one. Fix: add "
        "'currency: EUR' (an ISO 4217 code) to company.yml, or pass -p currency\n"
    )
    assert "Currency:" not in result.stdout


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            "observation_end: 1998-02-30",
            "error: parameter observation_end (in company.yml): '1998-02-30' is not a calendar "
            "date (February 1998 has no day 30). Fix: write a calendar date as yyyy-mm-dd, "
            "e.g. 2025-12-31",
        ),
        (
            "currency: XYZ",
            "error: parameter currency (in company.yml): 'XYZ' is not an ISO 4217 currency "
            "code. Fix: write a three-letter code such as EUR, USD or GBP",
        ),
    ],
)
def test_validate_bad_company_yml_exits_2_with_one_line(
    sample_copy: Path, setting: str, expected: str
):
    (sample_copy / "company.yml").write_text(f"name: Groenhuis\n{setting}\n")
    assert one_error_line(run("validate", "--data", str(sample_copy))) == expected


def test_validate_bad_mapping_option_exits_2_with_one_line(tmp_path: Path):
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\nC1,2024-01-02,5\n")
    (tmp_path / "mapping.yml").write_text("transactions:\n  date_format: yyyymmdd\n")
    assert one_error_line(run("validate", "--data", str(tmp_path))) == (
        "error: mapping.yml, table 'transactions': option date_format 'yyyymmdd' is not a date "
        "format. Fix: write it with strftime codes, e.g. '%Y%m%d', '%d-%m-%Y' or '%m/%d/%y' "
        "(in quotes)"
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "observation_end",
            "2025-13-01",
            "error: parameter observation_end (given with -p): '2025-13-01' is not a calendar "
            "date (there is no month 13). Fix: write a calendar date as yyyy-mm-dd, e.g. 2025-12-31",
        ),
        (
            "observation_end",
            "1998-02-30",
            "error: parameter observation_end (given with -p): '1998-02-30' is not a calendar "
            "date (February 1998 has no day 30). Fix: write a calendar date as yyyy-mm-dd, "
            "e.g. 2025-12-31",
        ),
        (
            "currency",
            "XYZ",
            "error: parameter currency (given with -p): 'XYZ' is not an ISO 4217 currency code. "
            "Fix: write a three-letter code such as EUR, USD or GBP",
        ),
        (
            "ssc_share",
            "1.5",
            "error: parameter ssc_share (given with -p): '1.5' is out of range (it must be "
            "above 0 and at most 1). Fix: give a value above 0 and at most 1, e.g. 0.2 for 20%",
        ),
        (
            "value_metric",
            "profit",
            "error: parameter value_metric (given with -p): 'profit' is not one of the choices. "
            "Fix: use margin or revenue",
        ),
        (
            "horizon_months",
            "a year",
            "error: parameter horizon_months (given with -p): 'a year' is not a whole number. "
            "Fix: give a whole number, e.g. 12",
        ),
    ],
)
def test_render_bad_parameter_exits_2_with_one_line_before_any_kernel(
    sample_dir: Path, tmp_path: Path, name: str, value: str, expected: str
):
    result = run(
        "render", "01_idic", "--data", str(sample_dir), "--out", str(tmp_path), "-p", name, value
    )
    assert one_error_line(result) == expected
    assert not any(tmp_path.iterdir())  # nothing executed, nothing kept


def test_render_bad_data_dir_parameter(sample_dir: Path, tmp_path: Path):
    result = run(
        "render",
        "00_start_here",
        "--data",
        str(sample_dir),
        "--out",
        str(tmp_path),
        "-p",
        "data_dir",
        str(tmp_path / "nowhere"),
    )
    assert one_error_line(result).startswith("error: parameter data_dir (given with -p): ")
    assert "does not exist" in result.stderr


def test_batch_bad_parameter_in_clients_file_exits_2_with_one_line(root: Path, tmp_path: Path):
    clients = tmp_path / "clients.yml"
    clients.write_text(
        "notebooks: [00_start_here]\n"
        f"clients:\n  - name: De Linde\n    data: {root / 'data' / 'sample'}\n"
        "    parameters: {observation_end: 2025-13-01}\n"
    )
    result = run("batch", str(clients), "--out", str(tmp_path / "out"))
    assert one_error_line(result) == (
        f"error: {clients}, client 1 ('De Linde'), parameter 'observation_end': '2025-13-01' is "
        "not a calendar date (there is no month 13). Fix: write a calendar date as yyyy-mm-dd, "
        "e.g. 2025-12-31"
    )


def write_notebook(path: Path, *cells: str) -> Path:
    """A small notebook taking the parameters ``render`` passes, then ``cells``."""
    parameters = v4.new_code_cell('data_dir = ""\ninteractive = True')
    parameters.metadata["tags"] = ["parameters"]
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [v4.new_markdown_cell(f"# {path.stem}"), parameters]
    nb.cells += [v4.new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_render_says_what_it_wrote_when_one_notebook_of_a_set_fails(
    sample_dir: Path, tmp_path: Path
):
    first = write_notebook(tmp_path / "nb" / "a_first.ipynb", "print('first')")
    broken = write_notebook(tmp_path / "nb" / "b_broken.ipynb", "x = 1", "{}['missing']")
    last = write_notebook(tmp_path / "nb" / "c_last.ipynb", "print('last')")
    out = tmp_path / "out"
    result = run(
        "render", str(first), str(broken), str(last), "--data", str(sample_dir),
        "--out", str(out), "--format", "html,pdf",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"wrote {out / 'a_first.html'}",
        f"wrote {out / 'a_first.pdf'}",
        f"wrote {out / 'c_last.html'}",
        f"wrote {out / 'c_last.pdf'}",
    ]
    for line in result.stdout.splitlines():
        assert Path(line.removeprefix("wrote ")).is_file()
    # one line for the failure: the notebook, the cell, the error
    assert result.stderr.splitlines() == [
        "error: b_broken.ipynb failed in cell 4: KeyError: 'missing' "
        f"(executed notebook kept at {out / 'b_broken.failed.ipynb'})"
    ]


@pytest.mark.slow
def test_render_set_whose_failures_are_the_users_to_fix_exits_2_and_says_what_it_wrote(
    sample_dir: Path, tmp_path: Path
):
    good = write_notebook(tmp_path / "nb" / "a_good.ipynb", "print('fine')")
    bad = write_notebook(
        tmp_path / "nb" / "b_bad.ipynb",
        "from crmlib.errors import ParameterError\n"
        "raise ParameterError('value_share must lie between 0 and 1. Fix: give e.g. 0.8')",
    )
    out = tmp_path / "out"
    result = run("render", str(good), str(bad), "--data", str(sample_dir), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert result.stdout == f"wrote {out / 'a_good.html'}\n"
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: b_bad.ipynb failed in cell 3: ParameterError: value_share")


@pytest.mark.slow
def test_render_time_out_per_cell_stops_the_notebook_and_names_the_option(
    sample_dir: Path, tmp_path: Path
):
    slow = write_notebook(
        tmp_path / "nb" / "slow.ipynb", "print('started')", "import time\ntime.sleep(60)"
    )
    out = tmp_path / "out"
    result = run(
        "render", str(slow), "--data", str(sample_dir), "--out", str(out), "--timeout", "2"
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: slow.ipynb timed out in cell 4: a cell ran longer than 2 s. Fix: allow more "
        "time per cell with --timeout SECONDS (timeout: in a clients file; 0 for no limit), "
        f"or use a smaller data set (executed notebook kept at {out / 'slow.failed.ipynb'})"
    ]


@pytest.mark.parametrize(
    ("given", "passed"), [([], 600), (["--timeout", "0"], None), (["--timeout", "90.5"], 90.5)]
)
def test_render_passes_the_time_out_on_and_zero_means_none(
    sample_dir: Path, tmp_path: Path, monkeypatch, given, passed
):
    import crmlib.render
    from crmlib.cli import main

    seen = {}

    def fake_render_many(paths, out_dir, **options):
        seen.update(options)
        return []

    monkeypatch.setattr(crmlib.render, "render_many", fake_render_many)
    with pytest.raises(SystemExit) as done:
        main(["render", "00_start_here", "--data", str(sample_dir), "--out", str(tmp_path), *given])
    assert done.value.code == 0
    assert seen["execution_timeout"] == passed
    assert seen["parameters"]["interactive"] is False  # reports never show widgets


def test_render_refuses_a_negative_time_out(sample_dir: Path, tmp_path: Path):
    result = run("render", "00_start_here", "--data", str(sample_dir), "--out", str(tmp_path),
                 "--timeout", "-1")  # fmt: skip
    assert result.returncode == 2
    assert "--timeout" in result.stderr


def test_segments_runs_on_revenue_only_data_and_leaves_the_unknown_empty(
    sample_dir: Path, tmp_path: Path
):
    """No cost, no margin rate, no consent, no interactions: runs on revenue, never 0."""
    import shutil

    import pandas as pd

    data = tmp_path / "revenue_only"
    shutil.copytree(sample_dir, data)
    for name in ("interactions.csv", "campaigns.csv"):
        (data / name).unlink()
    for name, column in (
        ("transactions.csv", "cost"),
        ("customers.csv", "consent_marketing"),
        ("products.csv", "margin_rate"),
    ):
        table = pd.read_csv(data / name, dtype=str)
        table.drop(columns=[column]).to_csv(data / name, index=False)
    out = tmp_path / "segments.csv"
    result = run("segments", "--data", str(data), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "value is revenue" in result.stderr
    exported = pd.read_csv(out)
    assert len(exported) == 5000
    for column in ("gross_margin", "cost_to_serve", "profit", "n_contacts", "consent_marketing"):
        assert exported[column].isna().all(), column
    # the value columns say revenue, not margin
    assert "expected_revenue_12m" in exported.columns
    assert not {"expected_margin_12m", "annual_margin"} & set(exported.columns)
    assert exported["current_value"].sum() == pytest.approx(exported["revenue"].sum())


def test_pptx_is_a_report_format():
    import click

    from crmlib.cli import parse_formats

    assert parse_formats("pdf, PPTX") == ("pdf", "pptx")
    with pytest.raises(click.BadParameter, match="use html, pdf, pptx"):
        parse_formats("docx")

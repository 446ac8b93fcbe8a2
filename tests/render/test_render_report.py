"""Rendering notebooks end to end: papermill runs a kernel, reports land on disk.

Each test notebook is built here with nbformat: a ``parameters`` cell, a markdown
cell, a printed number that depends on a parameter, a matplotlib figure, a DataFrame,
a warning on stderr, a file read relative to the notebook, and an optional failing
cell that raises one of crmlib's user errors.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import weasyprint
from bs4 import BeautifulSoup
from nbformat import v4
from pypdf import PdfReader

from crmlib.errors import RenderError
from crmlib.render import (
    NotebookExecutionError,
    RenderResult,
    ReportSetError,
    render_many,
    render_notebook,
)

pytestmark = pytest.mark.slow

COMPANY = "<script>alert(1)</script> Bakery"

FAILING_CELL = """\
from crmlib.errors import DataValidationError
if fail:
    raise DataValidationError(
        "transactions.csv", "amounts must be numbers", column="amount", rows=[3, 9],
        fix="remove the currency signs",
    )
print("after the check")"""


def write_notebook(folder: Path, name: str, *, failing: bool = False) -> Path:
    """A small workbook notebook; with ``failing``, its ``fail`` parameter is on."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "greeting.txt").write_text("GREETING-FROM-DATA-FOLDER")
    parameters = v4.new_code_cell(f"n_customers = 120\nfail = {failing}")
    parameters.metadata["tags"] = ["parameters"]
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        v4.new_markdown_cell("# Customer value\n\nWhy the best customers matter."),
        parameters,
        v4.new_code_cell(
            "import sys\nfrom pathlib import Path\n"
            "import matplotlib.pyplot as plt\nimport pandas as pd"
        ),
        v4.new_code_cell("print(f'Customers analysed: {n_customers * 2}')"),
        v4.new_code_cell("print(Path('greeting.txt').read_text())"),
        v4.new_code_cell("print('STDERR-WARNING-TEXT', file=sys.stderr)"),
        v4.new_code_cell("fig, ax = plt.subplots()\nax.bar(['MVC', 'MGC'], [3, 5])\nplt.show()"),
        v4.new_code_cell("pd.DataFrame({'segment': ['MVC', 'MGC'], 'share': [0.2, 0.8]})"),
        v4.new_code_cell(FAILING_CELL),
    ]
    path = folder / name
    nbformat.write(nb, path)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temporary files of atomic writes (hidden, named after their target)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> RenderResult:
    root = tmp_path_factory.mktemp("rendered")
    notebook = write_notebook(root / "notebooks", "01_value.ipynb")
    # kept from an earlier failed run; a good run makes it obsolete
    (root / "reports").mkdir()
    (root / "reports" / "01_value.failed.ipynb").write_text("{}")
    with pytest.MonkeyPatch.context() as patch:
        # a headless environment must not cost the report its figures
        patch.setenv("MPLBACKEND", "Agg")
        # the notebook's folder, not the caller's, is where its relative paths point
        patch.chdir(root)
        return render_notebook(
            notebook,
            root / "reports",
            parameters={"n_customers": 21},
            formats=("html", "pdf"),
            company=COMPANY,
            report_date="7 March 2025",
        )


def test_reports_are_named_after_the_notebook(rendered):
    out_dir = rendered.outputs["html"].parent
    assert rendered.outputs == {"html": out_dir / "01_value.html", "pdf": out_dir / "01_value.pdf"}
    # every report writes the figures it states beside it (none in this notebook)
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "01_value.figures.json",
        "01_value.html",
        "01_value.pdf",
    ]
    assert (out_dir / "01_value.figures.json").read_text() == '{\n  "figures": []\n}\n'
    assert rendered.executed is None
    assert rendered.seconds > 0


def test_html_report_shows_results_not_code(rendered):
    html = rendered.outputs["html"].read_text()
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text()
    # the injected parameter changed what the notebook printed (default would be 240)
    assert "Customers analysed: 42" in text
    assert "Customers analysed: 240" not in text
    assert "GREETING-FROM-DATA-FOLDER" in text
    assert "STDERR-WARNING-TEXT" not in html
    for code in ("n_customers = 21", "n_customers = 120", "plt.subplots", "import pandas"):
        assert code not in html
    assert soup.select("table.dataframe")
    assert soup.find_all("script") == []
    (figure,) = soup.find_all("img")
    assert figure["src"].startswith("data:image/png;base64,")


def test_html_report_title_block(rendered):
    html = rendered.outputs["html"].read_text()
    header = BeautifulSoup(html, "html.parser").select_one("header.crm-report-header")
    assert header.select_one(".crm-report-company").get_text() == COMPANY
    assert header.select_one(".crm-report-model").get_text() == "Customer value"
    assert header.select_one(".crm-report-date").get_text() == "7 March 2025"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bakery" in html


def test_pdf_report_is_a4(rendered):
    reader = PdfReader(rendered.outputs["pdf"])
    assert len(reader.pages) >= 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595, abs=1)
    assert float(box.height) == pytest.approx(842, abs=1)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Customers analysed: 42" in text
    assert "Page 1 of" in text


def test_failed_pdf_leaves_the_previous_reports_intact(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path / "notebooks", "02_qci.ipynb")
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    (out_dir / "02_qci.pdf").write_bytes(b"%PDF- previous report")
    (out_dir / "02_qci.html").write_text("previous html report")

    def write_half_then_fail(self, target=None, **options):
        with open(target, "wb") as handle:
            handle.write(b"%PDF-1.7 half a report")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_half_then_fail)
    with pytest.raises(RenderError, match="No space left on device") as caught:
        render_notebook(notebook, out_dir, formats=("html", "pdf"))
    assert (out_dir / "02_qci.pdf").read_bytes() == b"%PDF- previous report"
    assert (out_dir / "02_qci.html").read_text() == "previous html report"
    assert leftovers(out_dir) == []
    # the notebook itself ran fine; what it computed is kept for a second try
    assert caught.value.kept == str(out_dir / "02_qci.failed.ipynb")
    assert (out_dir / "02_qci.failed.ipynb").is_file()


@pytest.fixture(scope="module")
def report_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("set")
    good = write_notebook(root / "notebooks", "03_payne_frow.ipynb")
    bad = write_notebook(root / "notebooks", "01_idic.ipynb", failing=True)
    out_dir = root / "reports"
    out_dir.mkdir()
    (out_dir / "01_idic.html").write_text("report of an earlier good run")
    with pytest.raises(ReportSetError) as caught:
        render_many(
            [bad, good],
            out_dir,
            parameters={"n_customers": 5},
            formats="html",
            company="Acme",
            keep_executed=True,
            progress=False,
        )
    return caught.value, out_dir


def test_report_set_goes_on_after_a_failure(report_set):
    error, out_dir = report_set
    assert [result.notebook.name for result in error.results] == ["03_payne_frow.ipynb"]
    html = (out_dir / "03_payne_frow.html").read_text()
    assert "Customers analysed: 10" in html
    assert error.results[0].executed == out_dir / "03_payne_frow.executed.ipynb"
    executed = nbformat.read(error.results[0].executed, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "n_customers = 5" in injected[0].source


def test_report_set_error_has_one_line_per_failure(report_set):
    error, _ = report_set
    lines = str(error).splitlines()
    assert lines[0] == "1 of 2 notebooks failed:"
    assert lines[1:] == [str(failure) for failure in error.failures]
    assert error.user_error


def test_failing_cell_is_named_in_one_line(report_set):
    error, out_dir = report_set
    (failure,) = error.failures
    assert isinstance(failure, NotebookExecutionError)
    assert isinstance(failure, RenderError)
    message = str(failure)
    assert "\n" not in message
    kept = out_dir / "01_idic.failed.ipynb"
    assert message == (
        f"01_idic.ipynb failed in cell {failure.execution_count}: DataValidationError: "
        "transactions.csv, column 'amount', rows 3, 9: amounts must be numbers. "
        f"Fix: remove the currency signs (executed notebook kept at {kept})"
    )
    assert failure.ename == "DataValidationError"
    assert failure.user_error  # a crmlib user error inside the notebook: exit code 2
    assert failure.notebook == "01_idic.ipynb"
    assert failure.kept == str(kept)


def test_failed_notebook_is_kept_with_papermills_error_banner(report_set):
    error, out_dir = report_set
    (failure,) = error.failures
    kept = nbformat.read(out_dir / "01_idic.failed.ipynb", as_version=4)
    assert "An Exception was encountered at" in kept.cells[0].source
    assert f"In [{failure.execution_count}]" in kept.cells[0].source
    # papermill put an anchor right before the failing cell, then the banner on top
    assert "encountered an exception here" in kept.cells[failure.cell_index + 1].source
    failed_cell = kept.cells[failure.cell_index + 2]
    assert failed_cell.execution_count == failure.execution_count
    assert [o.ename for o in failed_cell.outputs if o.output_type == "error"] == [
        "DataValidationError"
    ]
    # the earlier report is not replaced by a failed run, nor is a new one written
    assert (out_dir / "01_idic.html").read_text() == "report of an earlier good run"
    assert not (out_dir / "01_idic.executed.ipynb").exists()


def test_plain_exception_in_a_cell_is_not_a_user_error(tmp_path):
    notebook = write_notebook(tmp_path, "05_idol.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(v4.new_code_cell("{}['missing']"))
    nbformat.write(nb, notebook)
    with pytest.raises(NotebookExecutionError, match="05_idol.ipynb failed in cell") as caught:
        render_notebook(notebook, tmp_path / "reports")
    assert caught.value.ename == "KeyError"
    assert not caught.value.user_error
    assert not (tmp_path / "reports" / "05_idol.html").exists()


def test_cell_running_past_the_time_out_stops_the_render(tmp_path):
    notebook = tmp_path / "04_value_chain.ipynb"
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        v4.new_code_cell("print('started')"),
        v4.new_code_cell("import time; time.sleep(60)"),
    ]
    nbformat.write(nb, notebook)
    with pytest.raises(RenderError, match="04_value_chain.ipynb timed out in cell 2") as caught:
        render_notebook(notebook, tmp_path / "reports", execution_timeout=1)
    assert not caught.value.user_error
    kept = nbformat.read(tmp_path / "reports" / "04_value_chain.failed.ipynb", as_version=4)
    assert kept.cells[0].outputs[0].text == "started\n"

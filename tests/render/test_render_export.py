"""HTML and PDF export of an executed notebook, without running a kernel.

The notebook here is built as papermill would leave it after a run: an
injected-parameters cell, outputs of every kind a report meets (stdout and stderr
streams, a PNG figure, a DataFrame, a widget view, JavaScript) and an exercise.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import matplotlib
import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat import v4
from pypdf import PdfReader

from crmlib.render import ReportError, render_notebook
from crmlib.render.execute import is_user_error
from crmlib.render.export import (
    OfflineURLFetcher,
    ReportHTMLExporter,
    TitleBlock,
    format_report_date,
    make_self_contained,
    notebook_model_name,
    notebook_to_html,
    write_pdf,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

EVIL_COMPANY = "<script>alert(1)</script> & Söhne"


def _png_base64() -> str:
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar(["MVC", "MGC"], [3, 5])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _tagged(cell: nbformat.NotebookNode, *tags: str) -> nbformat.NotebookNode:
    cell.metadata["tags"] = list(tags)
    return cell


def _code(source: str, *outputs: nbformat.NotebookNode, tags: tuple[str, ...] = ()):
    cell = v4.new_code_cell(source, execution_count=1)
    cell.outputs = list(outputs)
    return _tagged(cell, *tags) if tags else cell


@pytest.fixture(scope="module")
def executed_notebook() -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    stdout = v4.new_output("stream", name="stdout", text="Customers analysed: 42\n")
    stderr = v4.new_output("stream", name="stderr", text="FutureWarning: STDERR-NOISE\n")
    figure = v4.new_output(
        "display_data", data={"image/png": _png_base64(), "text/plain": "<Figure>"}
    )
    table = v4.new_output(
        "execute_result",
        data={
            "text/html": "<table class='dataframe'><tr><th>segment</th><td>MVC</td></tr></table>",
            "text/plain": "segment MVC",
        },
        execution_count=5,
    )
    widget = v4.new_output(
        "display_data",
        data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2},
            "text/plain": "IntSlider(value=WIDGET-FALLBACK)",
        },
    )
    script = v4.new_output("display_data", data={"application/javascript": "window.JS_OUTPUT = 1;"})
    nb.cells = [
        v4.new_markdown_cell("# Customer value\n\nWhy the top customers matter."),
        _code("n_customers = 120  # PARAMETERS-DEFAULT", tags=("parameters",)),
        _code("n_customers = 21  # INJECTED-VALUE", tags=("injected-parameters",)),
        _code("print(f'Customers analysed: {n_customers * 2}')", stdout, stderr),
        _code("fig, ax = plt.subplots()  # FIGURE-CODE", figure),
        _code("pd.DataFrame(table)", table),
        _code("slider = widgets.IntSlider()", widget, script),
        _tagged(v4.new_markdown_cell("## Exercise\n\nEXERCISE-QUESTION"), "exercise"),
        _code(
            "answer = 42",
            v4.new_output("stream", name="stdout", text="EXERCISE-OUTPUT"),
            tags=("exercise",),
        ),
        _code(
            "print('REMOVED-CELL')",
            v4.new_output("stream", name="stdout", text="REMOVED-CELL"),
            tags=("remove-cell",),
        ),
        _code("x = 1  # NO-OUTPUT-CELL"),
    ]
    return nb


@pytest.fixture(scope="module")
def html(executed_notebook) -> str:
    title = TitleBlock(model="IDIC", date="7 March 2025", company=EVIL_COMPANY)
    return notebook_to_html(executed_notebook, title, name="01_idic")


@pytest.fixture(scope="module")
def soup(html) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_html_hides_code_and_parameters(html, soup):
    assert not soup.select(".jp-InputArea-editor")
    assert not soup.select(".jp-InputPrompt")
    for marker in (
        "FIGURE-CODE",
        "pd.DataFrame",
        "PARAMETERS-DEFAULT",
        "INJECTED-VALUE",
        "NO-OUTPUT-CELL",
        "print(f",
    ):
        assert marker not in html
    # the results of the code stay
    assert "Customers analysed: 42" in soup.get_text()
    assert soup.select("table.dataframe")


def test_html_drops_stderr_widgets_javascript_and_exercises(html):
    for marker in (
        "STDERR-NOISE",
        "WIDGET-FALLBACK",
        "JS_OUTPUT",
        "widget-state",
        "EXERCISE-QUESTION",
        "EXERCISE-OUTPUT",
        "REMOVED-CELL",
    ):
        assert marker not in html


def test_html_embeds_figures_as_png_data_urls(soup):
    images = soup.find_all("img")
    assert len(images) == 1
    assert images[0]["src"].startswith("data:image/png;base64,")
    assert images[0]["alt"] == "Figure"


def test_title_block_escapes_the_company_name(html, soup):
    header = soup.select_one("header.crm-report-header")
    assert header.select_one(".crm-report-company").get_text() == EVIL_COMPANY
    assert header.select_one(".crm-report-model").get_text() == "IDIC"
    assert header.select_one(".crm-report-date").get_text() == "7 March 2025"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Söhne" in html
    assert "<script>alert(1)" not in html
    assert soup.title.get_text() == f"IDIC — {EVIL_COMPANY}"


def test_title_block_without_company(executed_notebook):
    page = notebook_to_html(executed_notebook, TitleBlock(model="QCI", date="1 May 2025"))
    header = BeautifulSoup(page, "html.parser").select_one("header.crm-report-header")
    assert header.select_one(".crm-report-company") is None
    assert header.select_one(".crm-report-model").get_text() == "QCI"


def _external_references(soup: BeautifulSoup) -> list[str]:
    found = []
    for tag in soup.find_all(["script", "link", "img", "iframe", "source", "embed", "object"]):
        for attribute in ("src", "href", "data", "srcset"):
            value = tag.get(attribute)
            if value and re.match(r"\s*(https?:)?//", str(value), re.IGNORECASE):
                found.append(f"<{tag.name} {attribute}={value}>")
    for style in soup.find_all("style"):
        found += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", style.get_text())
    return found


def test_html_references_nothing_external(soup):
    assert _external_references(soup) == []
    # nothing to run either: a report never depends on JavaScript
    assert soup.find_all("script") == []
    # JupyterLab's stylesheet and the report's own are inlined
    styles = " ".join(style.get_text() for style in soup.find_all("style"))
    assert "--jp-content-font-family" in styles
    assert "@page" in styles and "A4" in styles


def test_make_self_contained_strips_what_a_notebook_output_could_bring():
    page = """<!DOCTYPE html><html><head>
    <script src="https://cdn.example.org/require.js"></script>
    <link rel="stylesheet" href="http://fonts.example.org/font.css">
    <style>@import url("https://fonts.example.org/x.css"); .a { background: url(https://t.example.org/p.gif); }
    .b { background: url(data:image/png;base64,AAAA); }</style>
    </head><body>
    <img src="https://t.example.org/pixel.gif" alt="tracker">
    <img src="data:image/png;base64,AAAA" alt="kept">
    <iframe src="https://www.example.org/embed"></iframe>
    <div style="background-image: url('//cdn.example.org/bg.png')">text stays</div>
    <a href="https://www.example.org/more">a link stays</a>
    <script>alert('inline')</script>
    </body></html>"""
    cleaned = BeautifulSoup(make_self_contained(page), "html.parser")
    assert _external_references(cleaned) == []
    assert [img["alt"] for img in cleaned.find_all("img")] == ["kept"]
    assert cleaned.find_all(["script", "link", "iframe"]) == []
    assert "example.org/bg.png" not in str(cleaned)
    assert "data:image/png;base64,AAAA" in cleaned.find("style").get_text()
    assert cleaned.find("a")["href"] == "https://www.example.org/more"
    assert "text stays" in cleaned.get_text()


def test_markdown_image_next_to_the_notebook_is_embedded(tmp_path):
    (tmp_path / "logo.png").write_bytes(base64.b64decode(_png_base64()))
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Logo\n\n![company logo](logo.png)")]
    page = notebook_to_html(nb, TitleBlock(model="Logo", date="today"), resources_path=tmp_path)
    (image,) = BeautifulSoup(page, "html.parser").find_all("img")
    assert image["src"].startswith("data:image/png;base64,")


def test_one_exporter_serves_many_reports(executed_notebook):
    exporter = ReportHTMLExporter()
    first = notebook_to_html(executed_notebook, TitleBlock("IDIC", "d", "Alpha"), exporter=exporter)
    second = notebook_to_html(executed_notebook, TitleBlock("QCI", "d", "Beta"), exporter=exporter)
    assert "Alpha" in first and "Beta" not in first
    assert "Beta" in second and "Alpha" not in second


def test_pdf_is_a4_with_page_numbers(html, tmp_path):
    target = tmp_path / "report.pdf"
    write_pdf(html, target)
    reader = PdfReader(target)
    assert len(reader.pages) >= 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert width == pytest.approx(595.28, abs=1)
    assert height == pytest.approx(841.89, abs=1)
    text = reader.pages[0].extract_text()
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "Customers analysed: 42" in text
    assert "STDERR-NOISE" not in text
    assert len(reader.pages[0].images) == 1  # the figure


def test_pdf_embeds_data_urls_but_fetches_nothing_else(tmp_path):
    png = base64.b64decode(_png_base64())
    (tmp_path / "local.png").write_bytes(png)
    page = (
        "<html><body><p>images</p>"
        f'<img src="file://{tmp_path / "local.png"}">'
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        "</body></html>"
    )
    target = tmp_path / "images.pdf"
    write_pdf(page, target)
    # only the embedded image made it: the local file was refused like any URL
    assert len(PdfReader(target).pages[0].images) == 1


def test_offline_fetcher_refuses_network_urls():
    fetcher = OfflineURLFetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://www.example.org/font.woff2")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_model_name_from_metadata_heading_or_default():
    nb = v4.new_notebook()
    nb.cells = [
        _tagged(v4.new_markdown_cell("# Exercise: try it"), "exercise"),
        v4.new_markdown_cell("Intro text\n\n## The *IDIC* model ##"),
    ]
    assert notebook_model_name(nb, default="01_idic") == "The IDIC model"
    nb.metadata["crm_workbook"] = {"model": "IDIC (Peppers & Rogers)"}
    assert notebook_model_name(nb, default="01_idic") == "IDIC (Peppers & Rogers)"
    assert notebook_model_name(v4.new_notebook(), default="01_idic") == "01_idic"


def test_report_date_format_does_not_depend_on_locale():
    assert format_report_date(dt.date(2025, 3, 7)) == "7 March 2025"
    assert format_report_date("Q1 2025") == "Q1 2025"
    assert format_report_date() == format_report_date(dt.date.today())


def test_crmlib_errors_count_as_user_errors():
    assert is_user_error("DataValidationError")
    assert is_user_error("MissingDataError")
    assert is_user_error("CrmlibError")
    assert not is_user_error("ValueError")
    assert not is_user_error("KeyError")


def test_missing_notebook_is_a_user_error(tmp_path):
    with pytest.raises(ReportError, match="notebook not found") as caught:
        render_notebook(tmp_path / "nope.ipynb", tmp_path / "reports")
    assert caught.value.user_error
    assert not (tmp_path / "reports").exists()


def test_unknown_format_is_a_user_error_before_anything_runs(tmp_path):
    notebook = tmp_path / "00_start_here.ipynb"
    nbformat.write(v4.new_notebook(), notebook)
    with pytest.raises(ReportError, match="unknown report format 'docx'") as caught:
        render_notebook(notebook, tmp_path / "reports", formats="html,docx")
    assert caught.value.user_error
    assert not (tmp_path / "reports").exists()


def test_unknown_kernel_is_a_user_error(tmp_path):
    notebook = tmp_path / "00_start_here.ipynb"
    nbformat.write(v4.new_notebook(), notebook)
    with pytest.raises(ReportError, match="kernel 'no-such-kernel' is not installed") as caught:
        render_notebook(notebook, tmp_path / "reports", kernel_name="no-such-kernel")
    assert caught.value.user_error


def test_unreadable_notebook_is_a_user_error(tmp_path):
    notebook = tmp_path / "broken.ipynb"
    notebook.write_text("{ not json")
    with pytest.raises(ReportError, match="not a readable Jupyter notebook") as caught:
        render_notebook(notebook, tmp_path / "reports")
    assert caught.value.user_error


def test_event_handlers_and_script_urls_are_removed_everywhere():
    from crmlib.render.export import make_self_contained

    page = (
        '<html><body><table><tr><td><a href="javascript:alert(1)">x</a>'
        '<svg onload="alert(2)"></svg><img src="data:image/png;base64,AA" onerror="alert(3)">'
        '<a href=" java\tscript:alert(4)">y</a><a href="https://example.org">ok</a>'
        '<div ONMOUSEOVER="alert(5)">z</div></td></tr></table></body></html>'
    )
    cleaned = make_self_contained(page)
    assert "alert" not in cleaned
    assert 'href="https://example.org"' in cleaned
    assert "data:image/png;base64,AA" in cleaned

"""Every rendered report reads as a client document: no Python printout, no notebook
plumbing, no empty figure.

The unit tests feed the scanner hand-made pages; the slow test scans the seven reports
of the sample company, of CDNOW (transactions only, so the customers are only ids) and of
the sample without cost, consent, interactions or campaigns, rendered once per session
by ``rendered_sets``.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from crmlib.render.export import REMOVED_CELL_TAGS
from crmlib.render.scan import PLUMBING_PHRASES, figure_problem, scan_report


def png(pixels: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype("uint8")).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def chart() -> str:
    pixels = np.full((40, 60, 3), 255)
    pixels[10:30, 20:28] = (31, 96, 140)  # a bar
    return png(pixels)


def page(body: str, title: str = "IDIC — Tuincentrum Groenhuis") -> str:
    return (
        f"<html><head><title>{title}</title><style>p {{ color: red; }}</style></head>"
        '<body><header class="crm-report-header"><p class="crm-report-company">'
        "Tuincentrum Groenhuis</p><p>IDIC</p></header>"
        f"<main>{body}</main></body></html>"
    )


CLEAN = page(
    "<h1>IDIC: Identify, Differentiate, Interact, Customize</h1>"
    "<p>Each cell of the heatmap is a response rate; the next step is the plan. In a "
    "workshop, discuss the plan's rules with the client.</p>"
    "<table><tr><th>table</th><th>first date</th></tr><tr><td>customers</td>"
    "<td>no dates</td></tr></table>"
    "<ul><li>None of the five dimensions could be checked.</li></ul>"
    f'<img alt="Figure" src="{chart()}">'
)


def kinds(html: str) -> set[tuple[str, str]]:
    return {(finding.kind, finding.what) for finding in scan_report(html)}


def test_a_clean_report_passes():
    assert scan_report(CLEAN) == []


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "<pre>ValueConcentration(curve=       customer_id  share\n0  C0001  0.1\n\n"
            "[5000 rows x 4 columns], customer_share=0.35)</pre>",
            {("repr", "object repr"), ("repr", "pandas shape")},
        ),
        ("<pre>MVC    12\nBZ      3\nName: count, dtype: int64</pre>", {("repr", "pandas dtype")}),
        (
            "<p>&lt;crmlib.models.idic.Result object at 0x7f3a2c&gt;</p>",
            {("repr", "object address")},
        ),
        ("<table><tr><td>NaT</td><td>nan</td></tr></table>", {("repr", "missing value")}),
        ("<p>The share is np.float64(0.25).</p>", {("repr", "numpy repr")}),
        ("<h2>Parameters</h2>", {("plumbing", "parameters")}),
        ("<p>The next cell opens the company's data.</p>", {("plumbing", "cell talk")}),
        ("<p>After saving, run the cells below it again.</p>", {("plumbing", "cell talk")}),
        ("<p>In a workshop: run <code>make lab</code>.</p>", {("plumbing", "command")}),
        ("<p><code>crm-workbook render 01_idic</code></p>", {("plumbing", "command")}),
        ("<p>In a workshop, move the slider.</p>", {("plumbing", "slider")}),
        ("<p>This notebook walks the data.</p>", {("plumbing", "notebook talk")}),
        ("<p>Add needs.csv to /home/ann/clients/acme.</p>", {("plumbing", "file path")}),
        ("<p>Start with IDIC (<code>01_idic</code>).</p>", {("plumbing", "code")}),
        ("<p>The top <code>ssc_share</code> by value.</p>", {("plumbing", "code name")}),
        ("<table><tr><th>value_tier</th></tr></table>", {("plumbing", "code name")}),
        ("<h1>CRM strategy report: cdnow cdnow</h1>", {("plumbing", "word twice in a title")}),
        (f'<img src="{png(np.full((30, 30, 3), 255))}">', {("figure", "blank")}),
        ('<img src="data:image/png;base64,bm90IGEgcG5n">', {("figure", "does not decode")}),
        ('<img src="chart.png">', {("figure", "not embedded")}),
    ],
)
def test_each_kind_of_slip_is_caught(body, expected):
    assert expected <= kinds(page(body))


def test_style_and_title_are_not_read_as_text():
    # the page title repeats the band's company; that is not a word said twice
    assert scan_report(page("<p>Fine.</p>", title="IDIC — cdnow").replace("Groenhuis", "")) == []


def test_figures_that_show_something_pass():
    assert figure_problem(chart()) is None
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>'
    assert figure_problem("data:image/svg+xml;base64," + base64.b64encode(svg).decode()) is None


def test_the_export_removes_notebook_only_cells():
    assert "notebook-only" in REMOVED_CELL_TAGS
    assert PLUMBING_PHRASES  # the one list the scan and the notebooks' tagging follow


@pytest.mark.slow
@pytest.mark.parametrize("company", ["sample", "cdnow", "revenue_only"])
def test_every_report_reads_as_a_client_document(company, rendered_sets, root):
    rendered = rendered_sets(company)
    # the report set: 00-06 (07_comparing_models is for teaching, not for a client)
    stems = sorted(path.stem for path in (root / "notebooks").glob("0[0-6]_*.ipynb"))
    assert len(stems) == 7
    found = {stem: [str(finding) for finding in scan_report(rendered.html(stem))] for stem in stems}
    lines = [f"{stem}: {line}" for stem, lines in found.items() for line in lines]
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def test_the_export_writes_identifier_headers_as_words():
    from crmlib.render.export import headers_in_words

    table = (
        "<table><tr><th>value_tier</th><th>MVC</th><th>customers</th></tr>"
        "<tr><th>gold</th><td>customer_id</td></tr></table>"
    )
    html = headers_in_words(page(table))
    assert "<th>value tier</th>" in html and "<th>MVC</th>" in html
    assert "<td>customer_id</td>" in html  # cells are data, left as they are
    assert scan_report(html) == []

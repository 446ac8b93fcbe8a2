"""figures.json beside each report: collected from outputs, dropped from the page."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat import v4

from crmlib.figures import FIGURES_MIME, Figure
from crmlib.notebook.figures import figure_span, format_value
from crmlib.render.consistency import check_report_set
from crmlib.render.export import TitleBlock, notebook_to_html
from crmlib.render.figures import collect_figures, report_notebook, write_figures_json

SSC = Figure("ssc_count", "Strategically significant customers", 1000, "customers", "2025")
SHARE = Figure("top20_share", "Top 20% share", 0.8492, "share", "2025")
CTS = Figure.unavailable("cost_to_serve", "Cost to serve", "EUR", "no channels table", "2025")


def executed_notebook(*figure_groups: list[Figure], text: str = "") -> nbformat.NotebookNode:
    nb = v4.new_notebook()
    nb.cells.append(v4.new_markdown_cell("# Test model"))
    for group in figure_groups:
        cell = v4.new_code_cell("publish(...)")
        cell.outputs = [
            v4.new_output(
                "display_data", data={FIGURES_MIME: {"figures": [f.to_dict() for f in group]}}
            )
        ]
        nb.cells.append(cell)
    if text:
        cell = v4.new_code_cell("say_figures(...)")
        cell.outputs = [v4.new_output("display_data", data={"text/html": text})]
        nb.cells.append(cell)
    return nb


def test_figures_are_collected_once_per_id_in_order():
    nb = executed_notebook([SSC, SHARE], [SSC, CTS])
    figures = collect_figures(nb)
    assert [f["id"] for f in figures] == ["ssc_count", "top20_share", "cost_to_serve"]
    assert figures[2]["value"] is None and figures[2]["status"] == "unavailable"


def test_a_notebook_that_contradicts_itself_is_refused():
    other = Figure("ssc_count", "SSC", 1280, "customers", "2025")
    with pytest.raises(ValueError, match="stated twice"):
        collect_figures(executed_notebook([SSC], [other]))


def test_the_report_drops_the_raw_output_and_ends_with_the_definitions():
    nb = executed_notebook([SSC, SHARE], text=f"<p>We count {figure_span(SSC)} SSCs.</p>")
    shown, figures = report_notebook(nb)
    assert len(nb.cells) == 3  # the executed notebook is left as it was
    html = notebook_to_html(shown, TitleBlock("Test", "1 May 2025"))
    assert FIGURES_MIME not in html and "vnd.crm-workbook" not in html
    soup = BeautifulSoup(html, "html.parser")
    card = soup.select_one("section.crm-definitions")
    assert card is not None and card.h2.get_text() == "Definitions used"
    assert [dt.get_text() for dt in card.select("dt")] == [
        "Strategically significant customers (SSC)",
        "Share of value held by the top 20%",
    ]
    # the span survives the page's sanitising, with its id, raw value and text
    span = soup.select_one("span.crm-figure")
    assert span["data-figure"] == "ssc_count" and span["data-value"] == "1000"
    assert span.get_text() == "1,000"
    assert soup.get_text().rstrip().endswith(".")  # the card closes the report


def test_a_report_without_figures_gets_no_card():
    shown, figures = report_notebook(executed_notebook())
    assert figures == []
    assert "crm-definitions" not in notebook_to_html(shown, TitleBlock("Test", "1 May 2025"))


def test_figures_json_is_written_whole(tmp_path):
    target = write_figures_json(tmp_path / "01_idic.figures.json", [SSC.to_dict()])
    assert json.loads(target.read_text()) == {"figures": [SSC.to_dict()]}
    assert [p.name for p in tmp_path.iterdir()] == ["01_idic.figures.json"]


def test_values_are_formatted_for_the_reader():
    assert format_value(SSC) == "1,000"
    assert format_value(SHARE) == "85%"
    assert format_value(CTS) == "not available"
    assert format_value(Figure("revenue", "Revenue", 21272.3, "EUR", "2025")) == "EUR 21,272"
    assert 'class="crm-figure crm-unavailable"' in figure_span(CTS)


@pytest.mark.slow
def test_a_rendered_report_writes_its_figures_json(tmp_path: Path):
    from crmlib.render import render_notebook

    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        v4.new_markdown_cell("# Figures"),
        v4.new_code_cell(
            "from crmlib.figures import Figure\n"
            "from crmlib.notebook.figures import publish, say_figures\n"
            "ssc = Figure('ssc_count', 'SSC', 1000, 'customers', '2025')\n"
            "say_figures('The base holds {ssc} *strategically significant* customers.', ssc=ssc)\n"
            "publish([Figure('top20_share', 'Top 20%', 0.85, 'share', '2025')])"
        ),
    ]
    source = tmp_path / "figures_demo.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / "reports"
    render_notebook(source, out, formats=("html",))
    figures = json.loads((out / "figures_demo.figures.json").read_text())["figures"]
    assert [(f["id"], f["value"]) for f in figures] == [("ssc_count", 1000), ("top20_share", 0.85)]
    html = (out / "figures_demo.html").read_text()
    assert "vnd.crm-workbook" not in html
    assert '<span class="crm-figure" data-figure="ssc_count" data-value="1000">1,000</span>' in html
    assert "Definitions used" in html
    assert check_report_set(out) == []

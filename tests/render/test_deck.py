"""The strategy report's slide deck, and the content it is made of."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from nbformat import v4
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from crmlib.figures import REPORT_MIME
from crmlib.render.deck import DeckError, plain, write_deck
from crmlib.render.figures import report_content, write_figures_json


def _png() -> str:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


ACTIONS = [
    {
        "title": "Remove the barrier: the legal basis is unclear",
        "lever": "readiness",
        "customers": None,
        "cost": 2000.0,
        "net_low": None,
        "net_base": None,
        "net_high": None,
        "gated_by": [],
        "when": "first 90 days",
    },
    {
        "title": "Win back the 545 lapsed customers",
        "lever": "retention",
        "customers": 545,
        "cost": 1090.0,
        "net_low": 1841.0,
        "net_base": 4771.0,
        "net_high": 7702.0,
        "gated_by": ["Remove the barrier: the legal basis is unclear"],
        "when": "this year",
    },
]


def _content() -> dict:
    return {
        "summary": {
            "company": "Groenhuis",
            "currency": "EUR",
            "situation": ["- Buyers: **2,891**", "- Retention rate: **60%**"],
            "decisions": ["**Remove the 1 blocker first**", "**Fund the first 90 days**"],
            "portfolio": "The 2 actions are worth **EUR 4,771 a year**.",
            "first_90_days": ["Remove the barrier (legal)"],
        },
        "portfolio": {
            "actions": ACTIONS,
            "portfolio": {"net_low": 1841.0, "net_base": 4771.0, "net_high": 7702.0},
        },
        "verdicts": [
            {
                "model": "IDIC",
                "headline": "1,000 SSC bring 85%",
                "findings": ["a", "b"],
                "image": _png(),
            },
            {"model": "QCI", "headline": "Retention first", "findings": [], "image": None},
        ],  # fmt: skip
    }


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_deck_has_the_slides_with_editable_text(tmp_path: Path):
    target = tmp_path / "deck.pptx"
    write_deck(_content(), target, title="CRM strategy report", company="Groenhuis", date="today")
    deck = Presentation(str(target))
    slides = list(deck.slides)
    # title, summary, two models, portfolio, roadmap
    assert len(slides) == 6
    assert "CRM strategy report" in _texts(slides[0]) and "Groenhuis" in _texts(slides[0])
    summary = _texts(slides[1])
    assert "Executive summary" in summary and "Buyers: 2,891" in summary
    assert "**" not in summary and "EUR 4,771 a year" in summary
    kinds = [s.shape_type for s in slides[2].shapes]
    assert MSO_SHAPE_TYPE.PICTURE in kinds and MSO_SHAPE_TYPE.TEXT_BOX in kinds
    assert "1,000 SSC bring 85%" in _texts(slides[2])
    assert MSO_SHAPE_TYPE.PICTURE not in [s.shape_type for s in slides[3].shapes]
    tables = [s for s in slides[4].shapes if s.has_table]
    assert len(tables) == 1
    table = tables[0].table
    assert table.cell(2, 0).text == "Win back the 545 lapsed customers"
    assert table.cell(2, 4).text == "EUR 4,771 (EUR 1,841 to EUR 7,702)"
    assert table.cell(1, 4).text == "not estimated"  # unknown, not 0
    assert table.cell(1, 2).text == "not counted"
    roadmap = _texts(slides[5])
    assert roadmap.index("Remove the barrier") < roadmap.index("Then the year")
    assert "#2 Win back the 545 lapsed customers (after #1)" in roadmap


def test_a_report_without_summary_makes_no_deck(tmp_path: Path):
    with pytest.raises(DeckError, match="only the strategy report"):
        write_deck({"verdicts": []}, tmp_path / "x.pptx", title="t", company="c", date="d")
    assert not (tmp_path / "x.pptx").exists()


def test_plain_text_drops_markdown_and_figure_spans():
    span = '<span class="crm-figure" data-figure="buyers" data-value="2">2</span>'
    assert plain(f"**Buyers**: {span} \\*really\\* A &amp; B") == "Buyers: 2 *really* A & B"


def test_report_content_pairs_each_verdict_with_the_next_image():
    nb = v4.new_notebook()
    image = _png()
    cell = v4.new_code_cell("")
    cell.outputs = [
        v4.new_output("display_data", {REPORT_MIME: {"kind": "verdict", "model": "IDIC"}}),
        v4.new_output("display_data", {"text/markdown": "### IDIC"}),
        v4.new_output("display_data", {"image/png": image}),
        v4.new_output("display_data", {REPORT_MIME: {"kind": "verdict", "model": "QCI"}}),
        v4.new_output("display_data", {REPORT_MIME: {"kind": "portfolio", "actions": []}}),
    ]
    nb.cells = [cell]
    content = report_content(nb)
    assert [v["model"] for v in content["verdicts"]] == ["IDIC", "QCI"]
    assert content["verdicts"][0]["image"] == image and content["verdicts"][1]["image"] is None
    assert content["portfolio"] == {"actions": []} and "summary" not in content


def test_figures_json_carries_the_portfolio(tmp_path: Path):
    target = tmp_path / "06.figures.json"
    payload = _content()["portfolio"]
    write_figures_json(target, [], payload)
    written = json.loads(target.read_text())
    assert written["actions"][1]["gated_by"] == [ACTIONS[0]["title"]]
    assert written["portfolio"] == {"net_low": 1841.0, "net_base": 4771.0, "net_high": 7702.0}
    write_figures_json(target, [])
    assert set(json.loads(target.read_text())) == {"figures"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_deck_converts_to_pdf_with_libreoffice(tmp_path: Path):
    target = tmp_path / "deck.pptx"
    write_deck(_content(), target, title="CRM strategy report", company="Groenhuis", date="today")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "deck.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_strategy_report_renders_a_deck_and_its_portfolio(tmp_path: Path, sample_dir: Path):
    from crmlib.render import render_notebook

    notebook = Path(__file__).resolve().parents[2] / "notebooks" / "06_strategy_report.ipynb"
    out = tmp_path / "reports"
    result = render_notebook(
        notebook, out, parameters={"data_dir": str(sample_dir)}, formats=("html", "pptx")
    )
    assert set(result.outputs) == {"html", "pptx"}
    figures = json.loads((out / "06_strategy_report.figures.json").read_text())
    total = figures["portfolio"]
    assert total["net_low"] <= total["net_base"] <= total["net_high"]
    for action in figures["actions"]:
        assert {"title", "lever", "customers", "cost", "net_low", "net_base", "net_high",
                "gated_by"} <= set(action)  # fmt: skip
    deck = Presentation(str(out / "06_strategy_report.pptx"))
    titles = [_texts(s).split("\n")[0] for s in deck.slides]
    assert titles[1] == "Executive summary" and titles[-1] == "The roadmap"
    assert {"IDIC", "QCI", "Payne & Frow", "Customer IDOL"} <= set(titles)
    html = (out / "06_strategy_report.html").read_text()
    for plumbing in ("The next cell", "Parameters</h2>", "make lab"):
        assert plumbing not in html

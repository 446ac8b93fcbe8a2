"""The strategy report as an editable slide deck (PowerPoint, with python-pptx).

The deck is made from what the executed notebook published (see
:func:`crmlib.render.figures.report_content`): the executive summary, each model's
verdict with the diagram the notebook drew, the portfolio and the roadmap. Nothing is
computed again. Every text is a real text box or table, so a consultant can edit it.

Slides: title; executive summary; one per model (diagram and verdict); the portfolio
(a table with the de-duplicated total); the roadmap (the first 90 days, then the year).
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from typing import Any

from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from crmlib.formatting import count, money
from crmlib.text import translate

#: 16:9 slides.
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
#: Rows of the portfolio table on one slide (the rest go to a continuation slide).
TABLE_ROWS = 7


class DeckError(ValueError):
    """The notebook published nothing a deck can be made of."""


def plain(text: str) -> str:
    """Markdown with figure spans as plain slide text: no tags, emphasis or escapes."""
    text = html.unescape(re.sub(r"<[^>]+>", "", str(text)))
    # escaped characters are literal: keep them aside while the emphasis marks go
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(1))
        return f"\x00{len(kept) - 1}\x00"

    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", keep, text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)
    text = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return text.strip()


def _title(slide, text: str) -> None:
    box = slide.shapes.add_textbox(MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8))
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text
    frame.paragraphs[0].runs[0].font.size = Pt(28)
    frame.paragraphs[0].runs[0].font.bold = True


def _text(slide, left, top, width, height, paragraphs: list[tuple[str, int, bool]]) -> None:
    """A text box of (text, size in points, bold) paragraphs, wrapping."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    # a long text shrinks to its box when PowerPoint or LibreOffice lays it out
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for number, (text, size, bold) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        paragraph.space_after = Pt(4)


def _blank(deck):
    return deck.slides.add_slide(deck.slide_layouts[6])


def _money(value: Any, currency: str) -> str:
    return money(float(value), currency) if value is not None else translate("not known")


def _range(entry: dict[str, Any], currency: str) -> str:
    if entry.get("net_base") is None:
        return translate("not estimated")
    return translate("{base} ({low} to {high})").format(
        base=money(entry["net_base"], currency),
        low=money(entry["net_low"], currency),
        high=money(entry["net_high"], currency),
    )


def _names(models: str) -> str:
    """Model names on a slide; a joined list ("IDIC, QCI") name by name."""
    return ", ".join(translate(name) for name in str(models).split(", "))


def _lever(lever: str) -> str:
    """A lever (a key such as ``cost_to_serve``) in words on a slide."""
    return translate(str(lever).replace("_", " "))


def _summary_slide(deck, summary: dict[str, Any]) -> None:
    slide = _blank(deck)
    _title(slide, translate("Executive summary"))
    column = (WIDTH - 3 * MARGIN) / 2
    top, height = Inches(1.2), HEIGHT - Inches(1.6)
    left = [(translate("The situation in five figures"), 16, True)]
    left += [(plain(line).lstrip("- "), 12, False) for line in summary.get("situation", [])]
    left += [(translate("Decisions requested of the board"), 16, True)]
    left += [(f"{i}. {plain(d)}", 12, False) for i, d in enumerate(summary.get("decisions", []), 1)]
    right = [
        (translate("The portfolio"), 16, True),
        (plain(summary.get("portfolio", "")), 12, False),
    ]
    right += [(translate("The first 90 days"), 16, True)]
    right += [(plain(line), 12, False) for line in summary.get("first_90_days", [])]
    _text(slide, MARGIN, top, column, height, left)
    _text(slide, 2 * MARGIN + column, top, column, height, right)


def _verdict_slide(deck, verdict: dict[str, Any]) -> None:
    slide = _blank(deck)
    _title(slide, plain(_names(verdict.get("model", ""))))
    top = Inches(1.2)
    text_left = MARGIN
    text_width = WIDTH - 2 * MARGIN
    if verdict.get("image"):
        picture = io.BytesIO(base64.b64decode(verdict["image"]))
        shape = slide.shapes.add_picture(picture, MARGIN, top, height=HEIGHT - Inches(1.7))
        if shape.width > Emu(int(WIDTH * 0.55)):
            # a wide diagram: scale it to the left half and keep its proportions
            ratio = (WIDTH * 0.55) / shape.width
            shape.width, shape.height = int(shape.width * ratio), int(shape.height * ratio)
        text_left = MARGIN + shape.width + Inches(0.3)
        text_width = WIDTH - text_left - MARGIN
    paragraphs = [(plain(verdict.get("headline", "")), 16, True)]
    paragraphs += [(plain(f), 12, False) for f in verdict.get("findings", [])]
    _text(slide, text_left, top, text_width, HEIGHT - Inches(1.7), paragraphs)


def _portfolio_slides(deck, content: dict[str, Any], currency: str) -> None:
    found = content.get("portfolio") or {}
    actions = found.get("actions", [])
    total = found.get("portfolio", {})
    header = [
        translate("Action"),
        translate("Lever"),
        translate("Customers"),
        translate("Cost / year"),
        translate("Net / year (low to high)"),
        translate("Gated by"),
    ]
    widths = [4.6, 1.3, 1.1, 1.4, 2.4, 1.5]
    chunks = [actions[i : i + TABLE_ROWS] for i in range(0, len(actions), TABLE_ROWS)] or [[]]
    for number, chunk in enumerate(chunks):
        slide = _blank(deck)
        _title(
            slide,
            translate("The action portfolio (continued)")
            if number
            else translate("The action portfolio"),
        )
        summary = (
            translate("Net value a year, each customer-euro counted once: {range}.").format(
                range=_range(total, currency)
            )
            if total.get("net_base") is not None
            else translate("No action could be valued net: the total is not estimated.")
        )
        _text(slide, MARGIN, Inches(1.0), WIDTH - 2 * MARGIN, Inches(0.5), [(summary, 14, True)])
        rows = len(chunk) + 1
        shape = slide.shapes.add_table(
            rows, len(header), MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(0.4) * rows
        )
        table = shape.table
        for column, width in enumerate(widths):
            table.columns[column].width = Inches(width)
        for column, text in enumerate(header):
            table.cell(0, column).text = text
        for row, entry in enumerate(chunk, start=1):
            values = [
                plain(entry["title"]),
                _lever(entry["lever"]),
                count(entry["customers"])
                if entry.get("customers") is not None
                else translate("not counted"),
                _money(entry.get("cost"), currency),
                _range(entry, currency),
                "; ".join(plain(g) for g in entry.get("gated_by", [])),
            ]
            for column, text in enumerate(values):
                table.cell(row, column).text = text
        for row in range(rows):
            for column in range(len(header)):
                for paragraph in table.cell(row, column).text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(10)


def _roadmap_slide(deck, content: dict[str, Any]) -> None:
    """The first 90 days and the year; each action by its rank in the portfolio table."""
    actions = (content.get("portfolio") or {}).get("actions", [])
    rank_of = {a["title"]: rank for rank, a in enumerate(actions, start=1)}

    def line(rank: int, action: dict[str, Any]) -> tuple[str, int, bool]:
        gates = ", ".join(f"#{rank_of[g]}" for g in action.get("gated_by", []) if g in rank_of)
        text = f"#{rank} {plain(action['title'])}"
        if gates:
            text += " " + translate("(after {gates})").format(gates=gates)
        return (text, 11, False)

    slide = _blank(deck)
    _title(slide, translate("The roadmap"))
    column = (WIDTH - 3 * MARGIN) / 2
    top, height = Inches(1.2), HEIGHT - Inches(1.6)
    first = [(translate("The first 90 days"), 16, True)]
    first += [line(r, a) for r, a in enumerate(actions, 1) if a.get("when") == "first 90 days"]
    year = [(translate("Then the year"), 16, True)]
    year += [line(r, a) for r, a in enumerate(actions, 1) if a.get("when") == "this year"]
    _text(slide, MARGIN, top, column, height, first)
    _text(slide, 2 * MARGIN + column, top, column, height, year)


def write_deck(
    content: dict[str, Any],
    target: str | os.PathLike[str],
    *,
    title: str,
    company: str,
    date: str,
    currency: str = "",
) -> None:
    """Write the deck of ``content`` (:func:`~crmlib.render.figures.report_content`).

    Raises
    ------
    DeckError
        When the notebook published no summary or portfolio: only the strategy report
        makes a deck.
    """
    if not content.get("summary") or not content.get("portfolio"):
        raise DeckError(
            "this report publishes no summary and portfolio; only the strategy report "
            "(06_strategy_report) makes a slide deck"
        )
    summary = content["summary"]
    currency = currency or summary.get("currency", "")
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    slide = _blank(deck)
    _text(
        slide,
        MARGIN,
        Inches(2.5),
        WIDTH - 2 * MARGIN,
        Inches(2.5),
        [(title, 40, True), (company, 24, False), (date, 16, False)],
    )
    _summary_slide(deck, summary)
    for verdict in content.get("verdicts", []):
        _verdict_slide(deck, verdict)
    _portfolio_slides(deck, content, currency)
    _roadmap_slide(deck, content)
    deck.save(os.fspath(target))

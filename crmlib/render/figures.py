"""The figures of a report: collected from the executed notebook, written beside the HTML.

A notebook publishes the figures it states as display outputs of the MIME type
:data:`crmlib.figures.FIGURES_MIME` (see :mod:`crmlib.notebook.figures`). Here, for one
executed notebook:

- :func:`collect_figures` gathers them (one entry per id; the same id stated twice with
  different values is an error: the report would contradict itself);
- :func:`report_notebook` returns a copy without those outputs and ends it with a short
  "Definitions used" card, the definitions behind the figures it shows;
- :func:`write_figures_json` writes ``<stem>.figures.json`` atomically.
"""

from __future__ import annotations

import copy
import html
import json
import os
from pathlib import Path
from typing import Any

import nbformat

from crmlib.analytics.vocabulary import definitions_for
from crmlib.atomic import atomic_write_text
from crmlib.figures import FIGURES_MIME, REPORT_MIME, Figure, figures_document
from crmlib.text import translate

#: Suffix of the figures file next to a report.
FIGURES_SUFFIX = ".figures.json"


def figures_path(out_dir: str | os.PathLike[str], stem: str) -> Path:
    """Where the figures of report ``stem`` go: ``<out_dir>/<stem>.figures.json``."""
    return Path(out_dir) / f"{stem}{FIGURES_SUFFIX}"


def collect_figures(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """Every figure the executed notebook published, in order, each id once.

    Raises
    ------
    ValueError
        When one id is published twice with different values, or a figure is malformed.
    """
    found: list[Figure] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            payload = (output.get("data") or {}).get(FIGURES_MIME)
            if payload is None:
                continue
            entries = payload.get("figures", []) if isinstance(payload, dict) else payload
            found += [Figure.from_dict(entry) for entry in entries]
    return figures_document(found)["figures"]


def _without_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None and (FIGURES_MIME in data or REPORT_MIME in data):
                data.pop(FIGURES_MIME, None)
                data.pop(REPORT_MIME, None)
                if not data:
                    continue
            kept.append(output)
        cell.outputs = kept
    return clean


def definitions_card(figures: list[dict[str, Any]]) -> str:
    """The "Definitions used" card as HTML: one line per definition behind ``figures``."""
    # the vocabulary keeps its texts in English (catalogue ids): translated here, on the page
    items = "".join(
        f"<dt>{html.escape(translate(d.label))}</dt><dd>{html.escape(translate(d.formula))} "
        "<em>"
        + html.escape(translate("Window: {window}.").format(window=translate(d.window)))
        + "</em></dd>"
        for d in definitions_for(entry["id"] for entry in figures)
    )
    heading = html.escape(translate("Definitions used"))
    return f'<section class="crm-definitions">\n<h2>{heading}</h2>\n<dl>{items}</dl>\n</section>'


def report_notebook(
    nb: nbformat.NotebookNode,
) -> tuple[nbformat.NotebookNode, list[dict[str, Any]]]:
    """The notebook as its report shows it, and the figures it states.

    The copy has no figure outputs and, when it states figures, ends with the
    "Definitions used" card. ``nb`` is not modified.
    """
    figures = collect_figures(nb)
    clean = _without_figures(nb)
    if figures:
        clean.cells.append(nbformat.v4.new_markdown_cell(definitions_card(figures)))
    return clean, figures


def report_content(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The structured content an executed notebook published (empty when none).

    Returns
    -------
    dict
        ``portfolio`` (``{"actions": [...], "portfolio": {...}}``, the last published),
        ``summary`` (the last published) and ``verdicts`` (in order, each with the
        ``image`` of the first PNG shown after it, base64, or None).
    """
    content: dict[str, Any] = {"verdicts": []}
    current: dict[str, Any] | None = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            payload = data.get(REPORT_MIME)
            if isinstance(payload, dict):
                kind = payload.get("kind")
                body = {k: v for k, v in payload.items() if k != "kind"}
                if kind == "verdict":
                    current = {**body, "image": None}
                    content["verdicts"].append(current)
                elif kind in ("portfolio", "summary"):
                    content[kind] = body
                continue
            if current is not None and current["image"] is None and "image/png" in data:
                image = data["image/png"]
                current["image"] = "".join(image) if isinstance(image, list) else image
    return content


def write_figures_json(
    target: str | os.PathLike[str],
    figures: list[dict[str, Any]],
    portfolio: dict[str, Any] | None = None,
) -> Path:
    """Write ``{"figures": [...]}`` to ``target``, whole or not at all.

    With ``portfolio`` (the strategy report's), its ``actions`` and ``portfolio`` keys
    are written beside the figures.
    """
    document = figures_document(figures)
    if portfolio:
        document["actions"] = portfolio.get("actions", [])
        document["portfolio"] = portfolio.get("portfolio", {})
    return atomic_write_text(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")

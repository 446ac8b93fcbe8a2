"""Check that a report set states every figure one way.

:func:`check_report_set` reads the ``<stem>.figures.json`` files of a report folder and
lists every contradiction:

- two reports state the same definition id with different values (or windows);
- a figure shown in a report's text (a ``<span class="crm-figure" data-figure=ID
  data-value=RAW>``) is missing from that report's ``figures.json`` or has another
  value there;
- the ``segments`` export disagrees with the reports on the SSC count, a value category
  or a value tier.

An empty list means the set is consistent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
from bs4 import BeautifulSoup

from crmlib.figures import values_equal
from crmlib.render.figures import FIGURES_SUFFIX


def read_figures(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The figures of one ``figures.json``, by id."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in document["figures"]}


def html_figures(html: str) -> list[tuple[str, Any]]:
    """Every figure span in a report's HTML: (id, raw value)."""
    soup = BeautifulSoup(html, features="html.parser")
    found = []
    for span in soup.select("span.crm-figure"):
        raw = span.get("data-value")
        found.append((span.get("data-figure", ""), json.loads(raw) if raw else None))
    return found


def export_figures(table: pd.DataFrame) -> dict[str, Any]:
    """The figures a ``segments`` export implies: SSC count, categories, tiers."""
    out: dict[str, Any] = {"ssc_count": int(table["is_ssc"].astype(bool).sum())}
    for name, size in table["value_category"].value_counts().items():
        out[f"value_category_count.{name}"] = int(size)
    for name, size in table["value_tier"].value_counts().items():
        out[f"tier_count.{name}"] = int(size)
    return out


def check_report_set(
    folder: str | os.PathLike[str], export: pd.DataFrame | None = None
) -> list[str]:
    """Every contradiction in a report folder (and against a segments export).

    Parameters
    ----------
    folder : path-like
        The report folder: ``<stem>.figures.json`` and ``<stem>.html`` files.
    export : DataFrame, optional
        The ``segments`` export of the same company.

    Returns
    -------
    list of str
        One line per problem; empty when the set is consistent.
    """
    folder = Path(folder)
    problems: list[str] = []
    stated: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(folder.glob(f"*{FIGURES_SUFFIX}")):
        stem = path.name[: -len(FIGURES_SUFFIX)]
        figures = read_figures(path)
        for figure_id, entry in figures.items():
            earlier = stated.get(figure_id)
            if earlier is None:
                stated[figure_id] = (stem, entry)
            elif not values_equal(earlier[1]["value"], entry["value"]) or (
                earlier[1]["window"] != entry["window"]
            ):
                problems.append(
                    f"{figure_id}: {earlier[0]} states {earlier[1]['value']} "
                    f"({earlier[1]['window']}), {stem} states {entry['value']} ({entry['window']})"
                )
        report = folder / f"{stem}.html"
        if report.exists():
            for figure_id, value in html_figures(report.read_text(encoding="utf-8")):
                if figure_id not in figures:
                    problems.append(
                        f"{stem}: the text shows {figure_id}, its figures.json lacks it"
                    )
                elif not values_equal(figures[figure_id]["value"], value):
                    problems.append(
                        f"{stem}: the text shows {figure_id} = {value}, its figures.json "
                        f"says {figures[figure_id]['value']}"
                    )
    for report in sorted(folder.glob("*.html")):
        if not (folder / f"{report.stem}{FIGURES_SUFFIX}").exists():
            shown = html_figures(report.read_text(encoding="utf-8"))
            if shown:
                problems.append(f"{report.stem}: the text shows figures but has no figures.json")
    if export is not None:
        for figure_id, value in export_figures(export).items():
            if figure_id in stated and not values_equal(stated[figure_id][1]["value"], value):
                problems.append(
                    f"{figure_id}: the segments export has {value}, {stated[figure_id][0]} "
                    f"states {stated[figure_id][1]['value']}"
                )
    return problems

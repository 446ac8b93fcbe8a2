"""Publish the figures a notebook states, so its report can be checked by a machine.

Two ways, both of which end in the report's ``<stem>.figures.json``:

- :func:`publish` shows figures as a display output of the MIME type
  :data:`crmlib.figures.FIGURES_MIME`. A notebook front end does not draw it; the report
  renderer collects it and leaves it out of the HTML and PDF.
- :func:`cite` writes one figure into a sentence as
  ``<span class="crm-figure" data-figure="ID" data-value="RAW">formatted</span>`` and
  publishes it at the same time, so every figure in a report's text is in its
  ``figures.json`` with the same value. :func:`state` fills a whole sentence.

An unavailable figure is written as "not available" with its reason, never as 0.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

from crmlib.figures import FIGURES_MIME, REPORT_MIME, Figure, format_value
from crmlib.notebook import escape
from crmlib.text import translate


def publish(figures: Iterable[Figure]) -> list[Figure]:
    """Show ``figures`` as one machine-readable display output (invisible in a report).

    Returns
    -------
    list of Figure
        The figures published.
    """
    from IPython.display import display

    shown = list(figures)
    if shown:
        display({FIGURES_MIME: {"figures": [f.to_dict() for f in shown]}}, raw=True)
    return shown


def figure_span(figure: Figure, decimals: int | None = None) -> str:
    """The HTML span of one figure (without publishing it)."""
    raw = html.escape(json.dumps(figure.value), quote=True)
    text = html.escape(format_value(figure, decimals))
    status = f" crm-{figure.status}" if figure.status != "ok" else ""
    title = f' title="{html.escape(figure.reason, quote=True)}"' if figure.reason else ""
    return (
        f'<span class="crm-figure{status}" data-figure="{html.escape(figure.id, quote=True)}" '
        f'data-value="{raw}"{title}>{text}</span>'
    )


def cite(figure: Figure, decimals: int | None = None) -> str:
    """Write ``figure`` into a sentence (as an HTML span) and publish it.

    Examples
    --------
    >>> say("The top 20% bring " + cite(base.figure("top20_share")) + ".")  # doctest: +SKIP
    """
    publish([figure])
    return figure_span(figure, decimals)


def state(template: str, **values: Any) -> str:
    """Fill ``template``: Figure values become cited spans, other values are escaped.

    The template is translated first (it is the catalogue's message id, like a
    :func:`crmlib.text.sentence` template) and is not escaped (it is the notebook's own
    text).
    """
    filled = {
        name: cite(value) if isinstance(value, Figure) else escape(value)
        for name, value in values.items()
    }
    return translate(template).format(**filled)


def say_figures(template: str, **values: Any) -> None:
    """:func:`state` shown as a paragraph whose figures the report can check.

    The sentence is Markdown, shown as HTML made here: nbconvert's Markdown filter
    (with embedded images) closes an inline ``<span>`` before its text, which would
    leave every figure span empty in the report.
    """
    import mistune
    from IPython.display import display

    text = state(template, **values)
    display({"text/html": mistune.html(text), "text/markdown": text}, raw=True)


def say_cited(text: str) -> None:
    """Show a paragraph whose figures were already written with :func:`cite`.

    For the sentences a model's text module builds with ``cite=cite``: shown as HTML
    made here, like :func:`say_figures`, so that the figure spans keep their text.
    """
    import mistune
    from IPython.display import display

    display({"text/html": mistune.html(text), "text/markdown": text}, raw=True)


def publish_content(kind: str, payload: dict[str, Any]) -> None:
    """Show structured report content (invisible in a report) for the renderer to collect.

    ``kind`` is ``"portfolio"`` (goes into ``figures.json``), ``"summary"`` or
    ``"verdict"`` (the slide deck's text; the next image after a verdict is its diagram).
    """
    from IPython.display import display

    display({REPORT_MIME: {"kind": kind, **payload}}, raw=True)

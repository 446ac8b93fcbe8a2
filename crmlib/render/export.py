"""Export an executed notebook to a self-contained HTML report and an A4 PDF.

What a reader sees: a title band (company, model, date), the narrative, the printed
results, tables and figures. What they never see: code, the parameters cells, exercises
for students, cells tagged ``notebook-only`` (how to work the notebook: parameter
sections, sliders, commands; :mod:`crmlib.render.scan` names what else would give a
report away as a notebook), warnings on stderr, widgets (which need a live kernel), and
anything a browser or the PDF renderer would fetch from the network.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import weasyprint
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from weasyprint.urls import URLFetcher

from crmlib.formatting import day
from crmlib.i18n import SOURCE_LANGUAGE, current_language, current_locale, gettext

#: The folder of the report template (shipped with crmlib as package data).
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAME = "crm_report"

#: Cells with any of these tags are left out of a report entirely.
REMOVED_CELL_TAGS = frozenset(
    {
        "injected-parameters",  # papermill's cell with the values of this run
        "parameters",  # the notebook's defaults: code, not content
        "exercise",  # exercises are for students, not clients
        "notebook-only",  # how to work the notebook: parameters, sliders, commands, cell talk
        "remove-cell",  # parameters talk, "the next cell", commands: not for a client
    }
)

#: Outputs of cells with this tag are left out (the cell's work still happens).
REMOVED_OUTPUT_TAGS = frozenset({"remove-output"})

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_JAVASCRIPT = "application/javascript"

# Attributes by which HTML loads a resource; <a href> is navigation, not a fetch.
_RESOURCE_ATTRIBUTES = ("src", "srcset", "href", "xlink:href", "data", "poster", "background")
# Elements that show nothing once their resource is refused.
_EMBED_ELEMENTS = frozenset(
    {
        "script",
        "link",
        "img",
        "iframe",
        "frame",
        "embed",
        "object",
        "video",
        "audio",
        "source",
        "track",
        "image",
        "base",
    }
)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:|#)[^)]*?\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+[^;]+;", re.IGNORECASE)

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class TitleBlock:
    """The title band of a report. Plain text; the template escapes it.

    Attributes
    ----------
    model : str
        The CRM model, e.g. ``"IDIC"``.
    date : str
        The report date as shown, e.g. ``"7 March 2025"``.
    company : str or None
        The client; left out of the band when None.
    """

    model: str
    date: str
    company: str | None = None

    @property
    def title(self) -> str:
        """The page title: model and company."""
        return f"{self.model} — {self.company}" if self.company else self.model


def format_report_date(report_date: dt.date | str | None = None) -> str:
    """Format a report date the same way whatever the machine's locale.

    Parameters
    ----------
    report_date : date or str, optional
        A date, or text used as is. Defaults to today.

    Returns
    -------
    str
        E.g. ``"7 March 2025"``.
    """
    if report_date is None:
        report_date = dt.date.today()
    if isinstance(report_date, str):
        return report_date
    if current_locale():
        # In a report's own language and locale: "3 december 2026".
        return day(report_date)
    return f"{report_date.day} {_MONTHS[report_date.month - 1]} {report_date.year}"


def notebook_model_name(nb: nbformat.NotebookNode, default: str) -> str:
    """The CRM model a notebook presents.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.
    default : str
        Used when the notebook names no model (e.g. its file stem).

    Returns
    -------
    str
        ``metadata.crm_workbook.model`` if set, else the text of the first markdown
        heading in a cell that the report keeps, else ``default``.
    """
    model = nb.get("metadata", {}).get("crm_workbook", {}).get("model")
    if isinstance(model, str) and model.strip():
        return model.strip()
    for cell in nb.cells:
        if cell.cell_type != "markdown" or REMOVED_CELL_TAGS & set(_tags(cell)):
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
            if match:
                # inline emphasis and code marks are markup, not part of the name
                return re.sub(r"[*`]", "", match.group(1)).strip()
    return default


class ReportCleanupPreprocessor(Preprocessor):
    """Take out what a client's report must not show, and set the page title.

    Drops stderr streams (warnings, progress bars), widget views (they need a live
    kernel; notebooks show a static fallback when not interactive), JavaScript outputs
    and the saved widget state, then code cells left with no output (their input is
    hidden anyway).
    """

    def preprocess(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any]
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        """Clean ``nb`` (nbconvert passes a copy) for the report."""
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [kept for kept in map(_report_output, cell.outputs) if kept]
        nb.cells = [cell for cell in nb.cells if cell.cell_type != "code" or cell.outputs]
        nb.metadata.pop("widgets", None)
        block = resources.get("crm_report") or {}
        if block.get("title"):
            nb.metadata["title"] = block["title"]
        return nb, resources


def _report_output(output: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    if output.output_type == "stream":
        return output if output.get("name") != "stderr" else None
    data = output.get("data")
    if data is None:
        return output
    if _WIDGET_VIEW in data:
        return None
    data.pop(_JAVASCRIPT, None)
    return output if data else None


class ReportHTMLExporter(HTMLExporter):
    """nbconvert's lab HTML exporter, set up for client reports.

    Uses the ``crm_report`` template (lab look, title band, print stylesheet), hides
    every code input and prompt, removes tagged cells, and makes the page
    self-contained: no ``<script>``, no ``<link>``, and no element or stylesheet that
    would load anything but an embedded ``data:`` URL.
    """

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("template_name", TEMPLATE_NAME)
        kw.setdefault("extra_template_basedirs", [str(TEMPLATES_DIR)])
        kw.setdefault("exclude_input", True)
        kw.setdefault("exclude_input_prompt", True)
        kw.setdefault("exclude_output_prompt", True)
        kw.setdefault("exclude_anchor_links", True)
        # images referenced by markdown cells are read from disk and embedded
        kw.setdefault("embed_images", True)
        super().__init__(**kw)
        self.register_preprocessor(
            TagRemovePreprocessor(
                remove_cell_tags=set(REMOVED_CELL_TAGS),
                remove_all_outputs_tags=set(REMOVED_OUTPUT_TAGS),
            ),
            enabled=True,
        )
        self.register_preprocessor(ReportCleanupPreprocessor(), enabled=True)

    def from_notebook_node(  # type: ignore[override]
        self,
        nb: nbformat.NotebookNode,
        resources: dict[str, Any] | None = None,
        **kw: Any,
    ) -> tuple[str, dict[str, Any]]:
        """Convert ``nb`` and strip every reference to an external resource."""
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return make_self_contained(headers_in_words(html)), resources


# A table header that is a column identifier (``customer_id``, ``value_tier``).
_IDENTIFIER_HEADER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def headers_in_words(html: str) -> str:
    """Write table headers that are column identifiers as words: ``value_tier`` -> ``value tier``.

    Tables in a report come from data frames, whose column and index names are the
    code's. A reader reads words, in the report's language: in another language than
    English every header the catalogue knows is translated (``value tier`` ->
    ``waardeklasse``). The cells themselves are left as they are.

    Parameters
    ----------
    html : str
        A report page.

    Returns
    -------
    str
        The page with every such ``<th>`` text in words.
    """
    translating = current_language() != SOURCE_LANGUAGE
    if "_" not in html and not translating:
        return html
    soup = BeautifulSoup(html, features="html.parser")
    changed = False
    for header in soup.find_all("th"):
        if header.find(True):
            continue  # a header with markup of its own was written in words already
        text = header.get_text().strip()
        words = text.replace("_", " ") if _IDENTIFIER_HEADER.match(text) else text
        if translating and words:
            words = gettext(words)
        if words != text:
            header.string = words
            changed = True
    return str(soup) if changed else html


def make_self_contained(html: str) -> str:
    """Remove everything in ``html`` that would run script or fetch a resource.

    Removes ``<script>`` and ``<link>`` elements, elements embedding a resource
    that is not a ``data:`` URL, and ``url(...)`` / ``@import`` in styles that point
    anywhere but a ``data:`` URL. Links (``<a href>``) stay: following one is the
    reader's choice, not a fetch. Event-handler attributes (``onload``, ``onerror``,
    ...) and script URLs (``javascript:``, ``vbscript:``) are removed everywhere:
    names in client data can carry them into a table, and a report must stay inert
    even if one slipped past the escaping at the source.

    Parameters
    ----------
    html : str
        A complete HTML page.

    Returns
    -------
    str
        The page, safe to open offline and to hand to the PDF renderer.
    """
    soup = BeautifulSoup(html, features="html.parser")
    for element in soup.find_all(["script", "link", "base"]):
        element.decompose()
    for element in soup.find_all(True):
        if element.decomposed:
            continue
        for attribute in [a for a in element.attrs if a.lower().startswith("on")]:
            del element[attribute]
        for attribute in [a for a in element.attrs if _is_script_url(element.get(a))]:
            del element[attribute]
        if element.name == "a":
            continue
        refused = False
        for attribute in _RESOURCE_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None and not _is_embedded(value):
                del element[attribute]
                refused = True
        if refused and element.name in _EMBED_ELEMENTS:
            element.decompose()
            continue
        if element.get("style"):
            element["style"] = _offline_css(element["style"])
    for style in soup.find_all("style"):
        if style.string and ("url(" in style.string or "@import" in style.string):
            style.string = _offline_css(style.string)
    return str(soup)


def _is_script_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    scheme = "".join(ch for ch in value.strip().lower() if ch > " ")
    return scheme.startswith(("javascript:", "vbscript:", "data:text/html"))


def _is_embedded(value: str | list[str]) -> bool:
    text = " ".join(value) if isinstance(value, list) else value
    text = text.strip().lower()
    return not text or text.startswith(("data:", "#"))


def _offline_css(css: str) -> str:
    return _CSS_URL.sub("none", _CSS_IMPORT.sub("", css))


def notebook_to_html(
    nb: nbformat.NotebookNode,
    title: TitleBlock,
    *,
    resources_path: str | os.PathLike[str] | None = None,
    name: str = "report",
    exporter: ReportHTMLExporter | None = None,
    language: str = "en",
) -> str:
    """Render an executed notebook as a self-contained HTML report.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook. It is not modified.
    title : TitleBlock
        Company, model and date for the title band.
    resources_path : path-like, optional
        Folder against which images linked from markdown cells are resolved and
        embedded (the notebook's working folder).
    name : str
        Name of the notebook, used when nothing else gives a page title.
    exporter : ReportHTMLExporter, optional
        An exporter to reuse across many reports; a new one by default.
    language : str
        The report's language, on the page as ``<html lang="...">`` (screen readers,
        hyphenation and spelling follow it).

    Returns
    -------
    str
        The HTML page.
    """
    exporter = exporter if exporter is not None else ReportHTMLExporter()
    exporter.language_code = language
    resources = {
        "metadata": {"name": name, "path": str(resources_path or "")},
        "crm_report": {
            "company": title.company,
            "model": title.model,
            "date": title.date,
            "title": title.title,
        },
    }
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    return html


class OfflineURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves ``data:`` URLs and refuses everything else.

    A report is rendered from self-contained HTML; anything it would fetch (a web
    font, a tracking pixel, a local file) is refused, and WeasyPrint leaves it out.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)


def write_pdf(html: str, target: str | os.PathLike[str]) -> None:
    """Render report HTML to an A4 PDF file.

    The page size, margins and page numbers come from the report stylesheet's
    ``@page`` rules. Write to a temporary path and rename it (see
    :func:`crmlib.atomic.atomic_path`) so a failure leaves no partial file.

    Parameters
    ----------
    html : str
        A page from :func:`notebook_to_html`.
    target : path-like
        The PDF file to write.
    """
    weasyprint.HTML(string=html, url_fetcher=OfflineURLFetcher()).write_pdf(target)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))

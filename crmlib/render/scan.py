"""Read a rendered report as its client would, and name what does not belong in it.

A report is for a board, not for the person who ran the notebook. Three kinds of slip
make it look unfinished, and :func:`scan_report` finds each in the HTML page:

``repr``
    Python's own printout of an object: ``ValueConcentration(curve=...)``, a pandas
    ``dtype:`` or ``[5000 rows x 4 columns]`` footer, ``<... object at 0x...>``, ``nan``.
``plumbing``
    Talk about the notebook instead of the company: a "Parameters" section, "the next
    cell", "run the notebook again", the word notebook itself (a client reads a report),
    commands (``make lab``, ``crm-workbook``), slider instructions, notebook names
    (``01_idic``), and parameter or column names in code type or as a table header.
``figure``
    A figure that is not a picture of anything: an image that does not decode, or one
    blank from edge to edge.

Notebooks keep such text in cells tagged ``notebook-only``, which the export leaves out
(:data:`crmlib.render.export.REMOVED_CELL_TAGS`); the phrases live here, once, so the
test of every report and the render's own warning read the same list.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass

import numpy as np
from bs4 import BeautifulSoup
from PIL import Image, UnidentifiedImageError

#: Text that only makes sense inside the notebook, as (what it is, pattern). Patterns are
#: matched case-insensitively against the visible text of each paragraph, list item,
#: table cell and printed output.
PLUMBING_PHRASES: tuple[tuple[str, str], ...] = (
    ("cell talk", r"\b(?:next|previous|following|this|that) cells?\b(?! (?:of|in) the)"),
    ("cell talk", r"\bcells? (?:above|below|after|before)\b(?! the (?:average|target))"),
    ("cell talk", r"\brun\b[^.;:]{0,40}\b(?:cells?|notebook)\b"),
    ("cell talk", r"\bre-?run\b"),
    ("notebook talk", r"\bnotebooks?\b"),
    ("command", r"\bmake lab\b"),
    ("command", r"\bcrm-workbook\b"),
    ("command", r"\bpapermill\b"),
    ("command", r"\bjupyter(?:lab)?\b"),
    ("command", r"(?<![\w-])-p \w+"),
    ("slider", r"\bsliders?\b"),
    ("parameters", r"\bparameters? cell\b"),
    ("parameters", r"\b(?:the|a|as|from the|in the) parameters?\b"),
    ("code", r"\b0\d_[a-z][a-z_]*\b"),
    ("code", r"\bcrmlib\b"),
    ("code", r"\b[a-z_]+\.[a-z_]+\([^)]*\)"),
    ("code", r"\bcompany\.yml\b"),
    # a path on the machine that rendered the report says nothing to the client
    ("file path", r"(?<![\w.~:/])(?:/[\w.-]+){3,}|\b[A-Z]:\\[\w.-]"),
)

#: Python's printout of an object, as (what it is, pattern); matched case-sensitively.
REPR_PATTERNS: tuple[tuple[str, str], ...] = (
    ("object repr", r"\b[A-Z][A-Za-z0-9_]*\((?:[a-z_][a-z0-9_]*=|\)|['\"\[{<])"),
    ("numpy repr", r"\bnp\.[a-z0-9_]+\("),
    ("pandas dtype", r"\bdtype[:=]"),
    ("pandas shape", r"\[\d[\d,]* rows x \d+ columns\]"),
    ("pandas name", r"(?:^|\n|\s)Name: [^\n,]*, (?:dtype|Length)"),
    ("object address", r"\bobject at 0x[0-9a-fA-F]+"),
    ("missing value", r"(?<![\w-])(?:nan|NaN|NaT|<NA>|None)(?![\w-])(?! of\b)"),
)

# A word said twice in a row in a title or heading ("cdnow cdnow").
_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)
# The blocks whose text a reader reads as one piece.
_TEXT_BLOCKS = (
    "p", "li", "td", "th", "dt", "dd", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
)  # fmt: skip
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Inline code in narrative: a parameter or column name in code type is the notebook's word.
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:[._][A-Za-z0-9_]+)+$")


@dataclass(frozen=True)
class Finding:
    """One thing in a report that a client should not see.

    Attributes
    ----------
    kind : str
        ``"repr"``, ``"plumbing"`` or ``"figure"``.
    what : str
        What was found, e.g. ``"pandas shape"`` or ``"slider"``.
    excerpt : str
        The text around it (or the figure's number), to find it in the report.
    """

    kind: str
    what: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.kind} ({self.what}): {self.excerpt}"


_PLUMBING = tuple((what, re.compile(p, re.IGNORECASE)) for what, p in PLUMBING_PHRASES)
_REPRS = tuple((what, re.compile(p)) for what, p in REPR_PATTERNS)


def scan_report(html: str) -> list[Finding]:
    """Every repr, piece of notebook plumbing and empty figure in a report page.

    Parameters
    ----------
    html : str
        A report page as :func:`crmlib.render.export.notebook_to_html` writes it.

    Returns
    -------
    list of Finding
        In page order within each kind; empty for a clean report.
    """
    soup = BeautifulSoup(html, features="html.parser")
    for hidden in soup.find_all(["style", "script", "template"]):
        hidden.decompose()
    findings: list[Finding] = []
    findings += _scan_titles(soup)
    for block, text in _text_blocks(soup):
        if block.name in _HEADINGS and text.lower().rstrip(":") == "parameters":
            findings.append(Finding("plumbing", "parameters", f"heading {text!r}"))
        findings += _matches("repr", _REPRS, text)
        findings += _matches("plumbing", _PLUMBING, text)
        if block.name == "th" and _IDENTIFIER.match(text):
            findings.append(Finding("plumbing", "code name", f"table header {text!r}"))
        for code in block.find_all("code") if block.name != "pre" else ():
            word = code.get_text().strip()
            if _IDENTIFIER.match(word) and code.find_parent(_TEXT_BLOCKS) is block:
                findings.append(Finding("plumbing", "code name", _excerpt(text, word)))
    for number, img in enumerate(soup.find_all("img"), start=1):
        problem = figure_problem(img.get("src", ""))
        if problem:
            findings.append(Finding("figure", problem, f"figure {number}"))
    # two patterns can find the same slip; it is named once
    return list(dict.fromkeys(findings))


def figure_problem(src: str) -> str | None:
    """Why an embedded figure shows nothing, or None when it shows something.

    Parameters
    ----------
    src : str
        The ``src`` of an ``<img>``: a ``data:`` URL with base64 PNG, JPEG or SVG.

    Returns
    -------
    str or None
        ``"not embedded"``, ``"does not decode"`` or ``"blank"``.
    """
    match = re.match(r"data:image/([\w+.-]+);base64,(.*)$", src.strip(), re.DOTALL)
    if not match:
        return "not embedded"
    try:
        payload = base64.b64decode(match.group(2), validate=False)
    except (binascii.Error, ValueError):
        return "does not decode"
    if match.group(1).startswith("svg"):
        # an SVG is text: a drawing has at least one shape in it
        shapes = re.search(rb"<(?:path|rect|circle|line|polyline|polygon|text|image)\b", payload)
        return None if shapes else "blank"
    try:
        with Image.open(io.BytesIO(payload)) as image:
            pixels = np.asarray(image.convert("RGB"), dtype=float)
    except (UnidentifiedImageError, OSError, ValueError):
        return "does not decode"
    return "blank" if pixels.size == 0 or float(pixels.var()) == 0.0 else None


def _scan_titles(soup: BeautifulSoup) -> list[Finding]:
    titles = [soup.title] if soup.title else []
    titles += soup.select(".crm-report-header p") + soup.find_all(_HEADINGS)
    found = []
    for element in titles:
        text = " ".join(element.get_text(" ").split())
        match = _DOUBLED.search(text)
        if match:
            found.append(Finding("plumbing", "word twice in a title", text))
    return found


def _text_blocks(soup: BeautifulSoup) -> list[tuple]:
    """Each text block with its own text: the strings for which it is the nearest block.

    A list item holding a nested list keeps its own words, and no word is read twice.
    Printed output (``pre``) keeps its line breaks; other text is one line.
    """
    owned: dict[int, tuple] = {}
    root = soup.body or soup
    for string in root.find_all(string=True):
        block = string.find_parent(_TEXT_BLOCKS) or root
        pre = string.find_parent("pre")
        block = pre if pre is not None else block
        entry = owned.setdefault(id(block), (block, []))
        entry[1].append(str(string))
    blocks = []
    for block, parts in owned.values():
        joined = "".join(parts)
        text = joined if block.name == "pre" else " ".join(joined.split())
        if text.strip():
            blocks.append((block, text))
    return blocks


def _matches(kind: str, patterns, text: str) -> list[Finding]:
    found = []
    for what, pattern in patterns:
        for match in pattern.finditer(text):
            found.append(Finding(kind, what, _excerpt(text, match.group(0), match.start())))
    return found


def _excerpt(text: str, found: str, at: int | None = None, width: int = 60) -> str:
    at = max(text.find(found), 0) if at is None else at
    start, end = max(at - width, 0), min(at + len(found) + width, len(text))
    return (
        ("…" if start else "")
        + " ".join(text[start:end].split())
        + ("…" if end < len(text) else "")
    )

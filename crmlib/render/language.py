"""English left in a report that should read in another language.

A translated report can still carry English: a computed sentence whose template has no
translation yet, a narrative cell left out, a table header or a label written in the code
without :func:`crmlib.text.translate`. :func:`english_left` finds it three ways:

- the English templates of the catalogue (every ``msgid``; the ``{fields}`` match any
  value) found in the page's text;
- sentences of the English notebooks' narrative found in it;
- a sentence of five words or more made mostly of English function words ("the",
  "with", "which"...), for text that is in neither (a label in a chart's data).

Charts are images: their words are checked where they are made (the catalogue test).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

from crmlib.i18n.catalogue import po_path
from crmlib.paths import NOTEBOOKS_DIR

# Words English uses all the time and Dutch never (so "is", "in", "of" and "over" are
# left out: Dutch has them too).
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "with",
        "which",
        "that",
        "this",
        "these",
        "those",
        "from",
        "their",
        "they",
        "there",
        "where",
        "when",
        "what",
        "would",
        "should",
        "could",
        "been",
        "being",
        "were",
        "was",
        "are",
        "has",
        "have",
        "having",
        "than",
        "then",
        "only",
        "each",
        "every",
        "into",
        "onto",
        "upon",
        "about",
        "after",
        "before",
        "between",
        "through",
        "without",
        "within",
        "because",
        "while",
        "who",
        "whose",
        "whom",
        "not",
        "no",
        "yes",
        "more",
        "most",
        "less",
        "least",
        "both",
        "either",
        "neither",
        "such",
        "it",
        "its",
        "it's",
        "our",
        "your",
        "you",
        "we",
        "us",
    ]
)
_DUTCH = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "met",
        "die",
        "dat",
        "deze",
        "dit",
        "voor",
        "niet",
        "zijn",
        "wordt",
        "worden",
        "werd",
        "heeft",
        "hebben",
        "naar",
        "bij",
        "door",
        "als",
        "ook",
        "nog",
        "dan",
        "meer",
        "minder",
        "elke",
        "alle",
        "welke",
        "wie",
        "wat",
        "waar",
        "wanneer",
        "hoe",
        "omdat",
        "terwijl",
        "zonder",
        "tussen",
        "na",
        "tot",
        "uit",
        "er",
        "te",
        "om",
        "maar",
        "klanten",
        "klant",
    ]
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_FIELD = re.compile(r"\{[^{}]*\}")
_MARKUP = re.compile(r"[*_`#>|]|\[([^\]]*)\]\([^)]*\)")
_BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "caption")


def visible_text(html: str) -> list[str]:
    """The text blocks a reader sees on the page (no scripts, styles or image data)."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head"]):
        hidden.decompose()
    # Text marked as English on purpose (the glossary's English column) and the client's
    # own words (workshop notes, translate="no") are not left over.
    for quoted in soup.select('body [lang="en"], body [translate="no"]'):
        quoted.decompose()
    blocks = []
    for element in soup.find_all(_BLOCKS):
        if element.find(_BLOCKS):
            continue  # its inner blocks are read on their own
        text = " ".join(element.get_text(" ").split())
        if text:
            blocks.append(text)
    return blocks


@functools.cache
def _template_patterns(language: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The catalogue's English templates as patterns (their fields match any value), each
    with its longest literal piece: a cheap test before the pattern is tried."""
    from babel.messages.pofile import read_po

    path = po_path(language)
    if not path.is_file():
        return ()
    with path.open("rb") as handle:
        catalog = read_po(handle)
    patterns = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            literal = _plain(_FIELD.sub(" ", english))
            # short labels ("MVC", "Total") are the same or unclear in both languages
            if len(_WORD.findall(literal)) < 4 or english in strings:
                continue
            pieces = [_plain(part) for part in _FIELD.split(english)]
            anchor = max(pieces, key=len).lower()
            pattern = r"\s*.+?\s*".join(re.escape(piece) for piece in pieces)
            patterns.append((anchor, re.compile(pattern.replace(r"\ ", r"\s+"), re.IGNORECASE)))
    return tuple(patterns)


@functools.cache
def _narrative_sentences(folder: Path = NOTEBOOKS_DIR) -> frozenset[str]:
    """The sentences of the English notebooks' markdown cells (six words or more)."""
    sentences = set()
    for notebook in sorted(folder.glob("[0-9]*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for sentence in _SENTENCE_END.split(_plain(cell.source)):
                if len(_WORD.findall(sentence)) >= 6:
                    sentences.add(sentence.strip().lower())
    return frozenset(sentences)


def _plain(text: str) -> str:
    """Markdown as the reader sees it: no emphasis marks, links as their words."""
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or " ", text).split())


def looks_english(sentence: str) -> bool:
    """Five words or more, at least three English function words, more than Dutch ones."""
    words = [w.lower() for w in _WORD.findall(sentence)]
    if len(words) < 5:
        return False
    english = sum(w in _ENGLISH for w in words)
    dutch = sum(w in _DUTCH for w in words)
    return english >= 3 and english > dutch


# A reference in a list of sources: "Surname, X. ... (2005)". Its title stays in the
# language it was published in.
_CITATION = re.compile(r"\b[A-Z][\w'-]+, (?:[A-Z]\.\s?)+.*\((?:\d{4}[a-z]?|n\.d\.)\)")


def english_left(html: str, language: str = "nl") -> list[str]:
    """The sentences of a ``language`` report that are still English (empty: none)."""
    templates = _template_patterns(language)
    narrative = _narrative_sentences()
    found = []
    for block in visible_text(html):
        plain = _plain(block)
        if _CITATION.search(plain):
            continue
        for sentence in _SENTENCE_END.split(plain):
            lowered = sentence.strip().lower()
            if (
                lowered in narrative
                or looks_english(sentence)
                or any(
                    anchor in lowered and pattern.search(sentence) for anchor, pattern in templates
                )
            ):
                found.append(sentence.strip())
    return found

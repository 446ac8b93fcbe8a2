"""The message catalogue: every computed text of crmlib has its Dutch, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import crmlib
from crmlib.i18n import LANGUAGES
from crmlib.i18n.catalogue import KEYWORDS, po_path

PACKAGE = Path(crmlib.__file__).resolve().parent
_FIELD = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?:[:!][^{}]*)?\}")


def _keywords() -> dict:
    """KEYWORDS in the form Babel's extractor takes (the same list as `make messages`)."""
    from babel.messages.frontend import parse_keywords

    return parse_keywords(list(KEYWORDS))


@pytest.fixture(scope="module")
def messages() -> dict:
    """Every message id in crmlib's code, with where it is used."""
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords=_keywords(), comment_tags=()
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_has_its_translation(messages, language):
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message, where in messages.items():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        translated = entry is not None and not entry.fuzzy and entry.string
        if isinstance(message, tuple) and translated:
            translated = all(entry.string)
        if not translated:
            missing.append(f"{where[0]}: {key!r}")
    assert not missing, (
        f"{len(missing)} text(s) without {language} translation, e.g. "
        + "; ".join(missing[:6])
        + ". Fix: make messages, then fill in their msgstr in "
        + str(po_path(language).relative_to(PACKAGE.parent))
    )


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_a_translation_keeps_every_placeholder(language):
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle)
    wrong = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        fields = set(_FIELD.findall(ids[-1])) | set(_FIELD.findall(ids[0]))
        for text in strings:
            if text and set(_FIELD.findall(text)) != fields:
                wrong.append(f"{ids[0]!r} -> {text!r}")
            # a word cut to one letter (a singular message turned plural, split by letter)
            if text and len(text) == 1 and len(ids[0]) > 1:
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, "translations that lose or add a {field}, or are cut short: " + "; ".join(
        wrong[:5]
    )


def test_a_template_in_a_language_is_filled_like_the_english(monkeypatch):
    """The catalogue is read through Babel until compiled; sentences fill the Dutch."""
    from crmlib.i18n import Setting, activate
    from crmlib.text import lead

    activate(Setting("nl", "nl_BE"))
    assert lead("De Linde & Zn") == "**Wat dit betekent voor De Linde &amp; Zn.**"


def test_a_compiled_catalogue_answers_like_its_source(tmp_path, monkeypatch):
    """``make translations`` output gives the same words as the .po, plural words too."""
    import shutil

    from crmlib.i18n import catalogue

    folder = tmp_path / "locale"
    shutil.copytree(catalogue.LOCALE_DIR, folder)
    compiled = catalogue.compile_catalogues(folder)
    assert compiled and all(path.is_file() for path in compiled)
    monkeypatch.setattr(catalogue, "LOCALE_DIR", folder)
    catalogue.translations.cache_clear()
    try:
        mo = catalogue.translations("nl")
        assert type(mo).__name__ == "_CompiledTranslations"
        assert mo.gettext("customer") == "klant"
        assert mo.ngettext("customer", "customers", 3) == "klanten"
        assert mo.gettext("and") == "en"
    finally:
        catalogue.translations.cache_clear()

"""The message catalogues: one gettext catalogue per language, for every computed text.

The English templates in the code are the message ids. ``make messages`` extracts them
(Babel's ``pybabel extract`` with the keywords in :data:`KEYWORDS`) into
``crmlib/locale/crmlib.pot`` and merges new ones into each language's ``crmlib.po``;
a translator fills in the ``msgstr`` lines; ``make translations`` compiles them into
``crmlib.mo``. A compiled catalogue is read when it is newer than its ``.po``, else the
``.po`` itself (through Babel), so a fresh checkout works before anything is compiled.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
from collections.abc import Callable
from pathlib import Path

#: The folder of the catalogues: ``<language>/LC_MESSAGES/crmlib.po``.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

#: The gettext domain of the workbook.
DOMAIN = "crmlib"

#: The functions whose string arguments are messages, in ``pybabel extract -k`` form.
KEYWORDS = ("sentence", "markdown", "translate", "N_", "gettext", "plural:2,3,3t")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class _PoTranslations(gettext.NullTranslations):
    """A catalogue read straight from its ``.po`` file (no compiled ``.mo`` yet)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        from babel.messages.pofile import read_po

        with path.open("rb") as handle:
            catalog = read_po(handle)
        self._singular: dict[str, str] = {}
        self._plural: dict[tuple[str, str], tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy or not message.string:
                continue
            if isinstance(message.id, tuple):
                forms = tuple(message.string)
                if all(forms):
                    self._plural[(message.id[0], message.id[1])] = forms
                    # the same words asked for one at a time: translate("customer")
                    self._singular.setdefault(message.id[0], forms[0])
                    self._singular.setdefault(message.id[1], forms[-1])
            else:
                self._singular[message.id] = message.string

    def gettext(self, message: str) -> str:
        return self._singular.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plural.get((singular, plural))
        if forms is None:
            return singular if n == 1 else plural
        # Dutch and English share the rule "one, else many" (a language with other
        # plural rules needs the catalogue's Plural-Forms expression here).
        index = 0 if n == 1 else 1
        return forms[min(index, len(forms) - 1)]


class _CompiledTranslations(gettext.GNUTranslations):
    """A compiled catalogue whose plural messages also answer for their words alone."""

    def _parse(self, fp) -> None:
        super()._parse(fp)
        for key, text in list(self._catalog.items()):
            if isinstance(key, tuple) and key[1] == 0:
                self._catalog.setdefault(key[0], text)

    # the plural id itself ("customers") is not stored by msgfmt's format: a .po read
    # answers it, a compiled catalogue falls back to the English word


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language`` (English and a missing catalogue translate nothing)."""
    po = po_path(language)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _CompiledTranslations(handle)
    if po.exists():
        return _PoTranslations(po)
    return gettext.NullTranslations()


def catalogue_digest(language: str) -> str:
    """A digest of ``language``'s catalogue ("-" when it has none), for cache keys."""
    po = po_path(language)
    if not po.is_file():
        return "-"
    return _digest(po, po.stat().st_mtime_ns)


@functools.cache
def _digest(path: Path, mtime_ns: int) -> str:
    # keyed by the modification time: the file is read again only when it changed
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def gettext_for(language: str) -> Callable[[str], str]:
    """The translate function of ``language`` (for a test or a second language at once)."""
    return translations(language).gettext


def compile_catalogues(folder: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``<language>/LC_MESSAGES/crmlib.po`` into its ``.mo`` (``make translations``).

    Babel's own ``pybabel compile`` checks ``%`` formats, which these templates do not
    use ("20% of" is text to them, ``{share}`` the placeholder); the tests check the
    ``{placeholders}`` of every translation instead.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent.parent)}")

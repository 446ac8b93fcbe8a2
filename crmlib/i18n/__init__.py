"""The report's language and locale: which words and which number formats a reader gets.

A company writes ``language: nl`` and ``locale: nl_BE`` in its company.yml; a render or
batch run may override the language (``--lang``), and a notebook takes it as its
``language`` parameter. :func:`activate` makes one language and locale current for the
process (a notebook kernel renders one report, in one language):

- :mod:`crmlib.text` translates every template through the language's message
  catalogue (gettext, in ``crmlib/locale/<language>/LC_MESSAGES/crmlib.po``);
- :mod:`crmlib.formatting` writes amounts, shares, counts and dates in the locale's
  format, through Babel (``€ 12.615``, ``17 %`` and ``2 december 2026`` in nl_BE).

English without a locale is the default and keeps the workbook's own formats
(``EUR 12,615``, ``17%``, ``2 Dec 2026``), so a report written before languages
existed reads the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from crmlib.errors import ParameterError

#: The languages the workbook speaks, English first (the default and the source).
LANGUAGES = ("en", "nl")

#: The language of every source text (templates, notebooks, instruments).
SOURCE_LANGUAGE = "en"

# The locale a language gets when the company names none: its country's, where the
# language is spoken there, else the language's main one.
_DEFAULT_LOCALE = {"nl": "nl_NL", "en": ""}
_COUNTRY_LOCALE = {("nl", "BE"): "nl_BE", ("nl", "NL"): "nl_NL"}


@dataclass(frozen=True)
class Setting:
    """One language with one locale (empty: the workbook's own English formats)."""

    language: str = SOURCE_LANGUAGE
    locale: str = ""


_current = Setting()
_catalogue = None  # the gettext catalogue of the language in force; None: English


def check_language(value: object, *, origin: str = "") -> str:
    """``value`` as a language code the workbook speaks; empty means "not given"."""
    text = str(value or "").strip().lower()
    if text and text not in LANGUAGES:
        where = f" {origin}" if origin else ""
        raise ParameterError(
            f"language {value!r}{where} is not one the workbook speaks. Fix: use one of "
            f"{', '.join(LANGUAGES)} (or leave it empty for English)"
        )
    return text


def check_locale(value: object, *, origin: str = "") -> str:
    """``value`` as a Babel locale identifier (``nl_BE``, ``en_GB``); empty stays empty."""
    text = str(value or "").strip().replace("-", "_")
    if not text:
        return ""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(text)
    except (ValueError, UnknownLocaleError):
        where = f" {origin}" if origin else ""
        raise ParameterError(
            f"locale {value!r}{where} is not a known locale. Fix: write it as "
            "language_COUNTRY, e.g. nl_BE, nl_NL or en_GB"
        ) from None
    return text


def resolve(
    language: object = "",
    locale: object = "",
    *,
    company_language: object = "",
    company_locale: object = "",
    country: object = "",
) -> Setting:
    """The language and locale of a report.

    The given ``language`` wins over the company's; the company's locale is used only
    when it belongs to that language (a Dutch company rendered in English for a
    foreign board gets English formats, not Belgian ones), else the language's locale
    for the company's ``country``.
    """
    chosen = check_language(language) or check_language(company_language) or SOURCE_LANGUAGE
    explicit = check_locale(locale)
    if explicit:
        return Setting(chosen, explicit)
    from_company = check_locale(company_locale, origin="in company.yml")
    if from_company and from_company.split("_")[0].lower() == chosen:
        return Setting(chosen, from_company)
    country_code = str(country or "").strip().upper()
    return Setting(chosen, _COUNTRY_LOCALE.get((chosen, country_code), _DEFAULT_LOCALE[chosen]))


def activate(setting: Setting | None = None, /, **kwargs: object) -> Setting:
    """Make ``setting`` (or :func:`resolve` of ``kwargs``) current; return it.

    Text goes through the language's catalogue from then on, numbers through the
    locale. ``activate()`` without arguments returns to English.
    """
    global _current, _catalogue
    from crmlib.i18n.catalogue import translations

    chosen = setting if setting is not None else resolve(**kwargs)
    _catalogue = translations(chosen.language)
    _current = chosen
    return chosen


def gettext(message: str) -> str:
    """``message`` in the language in force (itself where the catalogue lacks it)."""
    return _catalogue.gettext(message) if _catalogue is not None else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a plural message for ``n`` in the language in force."""
    if _catalogue is None:
        return singular if n == 1 else plural
    return _catalogue.ngettext(singular, plural, n)


def current() -> Setting:
    """The language and locale in force."""
    return _current


def cache_token() -> str:
    """What a text written now depends on: the language, the locale and the catalogue.

    Part of every cache key whose entries hold sentences (a customer base's reasons, a
    model's verdict), so a Dutch text is never read by an English report, nor an old
    translation reused.
    """
    from crmlib.i18n.catalogue import catalogue_digest

    return f"{_current.language};{_current.locale};{catalogue_digest(_current.language)}"


def current_language() -> str:
    return _current.language


def current_locale() -> str:
    """The Babel locale in force; empty for the workbook's own English formats."""
    return _current.locale


@contextmanager
def using(setting: Setting | None) -> Iterator[Setting]:
    """Run a block in ``setting`` (None: the one in force) and restore the previous one.

    The render process writes titles, dates and slides in the report's language while
    the next report of a batch may be in another.
    """
    previous = _current
    chosen = activate(setting) if setting is not None else previous
    try:
        yield chosen
    finally:
        activate(previous)

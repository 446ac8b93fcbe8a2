"""Numbers as people read them in a report: money, shares, counts, dates.

The locale in force (:func:`crmlib.i18n.current_locale`) decides the format, through
Babel and the CLDR data it carries: ``€ 12.615``, ``17 %`` and ``2 december 2026`` in
nl_BE, ``€12,615`` in en_GB. Without a locale (English, the default) the workbook keeps
its own formats: ``EUR 12,615``, ``17%``, ``31 Dec 2025``.
"""

from __future__ import annotations

import functools
import math

import pandas as pd

from crmlib.i18n import current_locale, gettext

# Dutch writes a space before the percent sign (Taalunie: "17 %"); CLDR's nl pattern
# has none, so the Dutch locales get this one.
_PERCENT_PATTERNS = {"nl": "#,##0 %"}

# CLDR puts no-break spaces between sign and number (``€\xa012.615``); reports, charts,
# slides and exports write a plain space, so a reader's search for "€ 12.615" finds it.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@functools.cache
def _pattern(kind: str, locale: str, decimals: int):
    """The locale's number pattern of ``kind`` with exactly ``decimals`` places.

    Cached: a report formats thousands of numbers in a handful of patterns.
    """
    from babel import Locale
    from babel.numbers import parse_pattern

    language = locale.split("_")[0]
    if kind == "percent" and language in _PERCENT_PATTERNS:
        text = _PERCENT_PATTERNS[language]
    else:
        cldr = Locale.parse(locale)
        formats = {
            "currency": cldr.currency_formats["standard"],
            "percent": cldr.percent_formats[None],
            "decimal": cldr.decimal_formats[None],
        }
        text = formats[kind].pattern
    pattern = parse_pattern(text)
    pattern.frac_prec = (decimals, decimals)
    return pattern


def money(value: float, currency: str | None = "", decimals: int = 0) -> str:
    """``money(1234567.8, "EUR")`` -> ``'EUR 1,234,568'``; missing values -> ``'n/a'``.

    Without a currency (``""`` or None: the company's currency is not known) the amount
    is a plain number, ``'1,234,568'``, rather than one in a wrong currency. In nl_BE
    the same amount reads ``'€ 1.234.568'``.
    """
    if _missing(value):
        return _not_available()
    locale = current_locale()
    if locale:
        if not currency:
            return decimal(value, decimals)
        pattern = _pattern("currency", locale, decimals)
        text = pattern.apply(value, locale, currency=currency, currency_digits=False)
        return text.translate(_SPACES)
    sign = "-" if value < 0 else ""
    code = f"{currency} " if currency else ""
    return f"{sign}{code}{abs(value):,.{decimals}f}"


def percent(share: float, decimals: int = 0) -> str:
    """``percent(0.2345)`` -> ``'23%'`` (``'23 %'`` in Dutch); missing values -> ``'n/a'``."""
    if _missing(share):
        return _not_available()
    locale = current_locale()
    if locale:
        return _pattern("percent", locale, decimals).apply(share, locale).translate(_SPACES)
    return f"{share * 100:.{decimals}f}%"


def count(value: float) -> str:
    """``count(12345)`` -> ``'12,345'`` (``'12.345'`` in Dutch)."""
    locale = current_locale()
    if locale:
        return _pattern("decimal", locale, 0).apply(int(round(value)), locale)
    return f"{int(round(value)):,}"


def decimal(value: float, decimals: int = 2) -> str:
    """``decimal(1234.5)`` -> ``'1,234.50'`` (``'1.234,50'`` in Dutch)."""
    if _missing(value):
        return _not_available()
    locale = current_locale()
    if locale:
        return _pattern("decimal", locale, decimals).apply(value, locale)
    return f"{value:,.{decimals}f}"


def day(value) -> str:
    """A date as ``'31 Dec 2025'`` (``'31 december 2025'`` in Dutch); missing -> ``'n/a'``."""
    if value is None or pd.isna(value):
        return _not_available()
    locale = current_locale()
    if locale:
        from babel.dates import format_date

        return format_date(pd.Timestamp(value).date(), "long", locale=locale)
    return pd.Timestamp(value).strftime("%d %b %Y").lstrip("0")


def _not_available() -> str:
    # The one word for a figure the data cannot give, in the language in force
    # (``gettext`` is one of the catalogue's extraction keywords).
    return gettext("n/a")

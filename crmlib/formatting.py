"""Numbers as people read them in a report: money, shares, counts, dates."""

from __future__ import annotations

import math

import pandas as pd


def money(value: float, currency: str | None = "", decimals: int = 0) -> str:
    """``money(1234567.8, "EUR")`` -> ``'EUR 1,234,568'``; missing values -> ``'n/a'``.

    Without a currency (``""`` or None: the company's currency is not known) the amount
    is a plain number, ``'1,234,568'``, rather than one in a wrong currency.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "-" if value < 0 else ""
    code = f"{currency} " if currency else ""
    return f"{sign}{code}{abs(value):,.{decimals}f}"


def percent(share: float, decimals: int = 0) -> str:
    """``percent(0.2345)`` -> ``'23%'``; missing values -> ``'n/a'``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "n/a"
    return f"{share * 100:.{decimals}f}%"


def count(value: float) -> str:
    """``count(12345)`` -> ``'12,345'``."""
    return f"{int(round(value)):,}"


def day(value) -> str:
    """A date as ``'31 Dec 2025'``; missing values -> ``'n/a'``."""
    if value is None or pd.isna(value):
        return "n/a"
    return pd.Timestamp(value).strftime("%d %b %Y").lstrip("0")

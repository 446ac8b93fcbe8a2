"""The one chart style: the palette, a fresh axes, and the money axis.

Every chart module takes its colours and these helpers from here, so a change of house
style (or a locale's number format on the axes) is made once. The label helpers translate
the label they are given (the edge where it is shown): a chart passes its English label.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from crmlib.formatting import count, money, percent
from crmlib.text import translate

#: The workbook's accent: the company's own figures, the main series.
BLUE = "#1f5f8b"
LIGHT = "#7fb3d5"
RED = "#c0392b"
GREEN = "#27ae60"
AMBER = "#f39c12"
ORANGE = "#e67e22"
PURPLE = "#8e44ad"
GREY = "#7f8c8d"
SILVER = "#95a5a6"

#: Colours of a categorical series, in order (channels, cohorts, models).
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, RED, "#16a085", GREY, "#d4ac0d")


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.5, 4.0)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``figsize``."""
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]


def thousands() -> FuncFormatter:
    """Tick labels as whole numbers with thousands separators: ``12,615``."""
    return FuncFormatter(lambda value, _: count(value))


def shares(decimals: int = 0) -> FuncFormatter:
    """Shares (0.2) on an axis as percentages in the locale's format: ``20%``, ``20 %``."""
    return FuncFormatter(lambda value, _: percent(value, decimals))


def money_ticks(currency: str | None) -> FuncFormatter:
    """Tick labels as amounts with their currency: ``EUR 12,615`` (``12,615`` without one)."""
    return FuncFormatter(lambda value, _: money(value, currency))


def in_currency(label: str, currency: str | None) -> str:
    """``label`` with the currency in parentheses: ``"revenue (EUR)"``.

    Charts take the currency from the company (``data.currency``); when it is not known
    (None or ``""``) the label stays plain rather than showing ``()`` or a wrong currency.
    """
    label = translate(label)
    return f"{label} ({currency})" if currency else label


def currency_words(label: str, currency: str | None) -> str:
    """``label`` led by the currency, ``"EUR per customer"``; ``"per customer"`` without one."""
    label = translate(label)
    return f"{currency} {label}" if currency else label


def money_axis(ax: Axes, label: str, axis: str = "y") -> Axes:
    """Whole amounts on the ``axis`` ("x" or "y") of ``ax``, labelled ``label``.

    The label names the currency ("EUR per customer"), so the ticks need not repeat it.
    """
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(thousands())
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(translate(label))
    return ax

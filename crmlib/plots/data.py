"""Charts of the data audit: activity over time and completeness."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from crmlib.plots.style import BLUE, LIGHT, RED, in_currency, shares
from crmlib.text import translate


def plot_monthly_activity(
    activity: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Bars of revenue per month, from :func:`crmlib.data.quality.monthly_activity`,
    with the customers who bought on a second axis (buyers, not the glossary's active
    customers, who include those with only a contact)."""
    ax = ax or plt.subplots(figsize=(8, 3.5))[1]
    months = activity.index
    ax.bar(months, activity["revenue"], width=20, color=LIGHT, label=translate("revenue"))
    ax.set_ylabel(in_currency(translate("revenue"), currency))
    twin = ax.twinx()
    twin.plot(
        months,
        activity["active_customers"],
        color=BLUE,
        marker=".",
        label=translate("buyers"),
    )
    twin.set_ylabel(translate("buyers"))
    twin.set_ylim(bottom=0)
    ax.set_title(translate("Revenue and buyers per month"))
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left")
    return ax


def plot_completeness(
    columns: pd.DataFrame, ax: Axes | None = None, *, threshold: float = 0.9
) -> Axes:
    """Horizontal bars of completeness per column, from
    :func:`crmlib.data.quality.column_completeness`; columns below ``threshold`` in red."""
    ax = ax or plt.subplots(figsize=(7, max(3.0, 0.22 * len(columns))))[1]
    labels = columns["table"] + "." + columns["column"].astype(str)
    colours = [RED if c < threshold else BLUE for c in columns["completeness"].fillna(0)]
    positions = range(len(columns))
    ax.barh(list(positions), columns["completeness"].fillna(0), color=colours)
    ax.set_yticks(list(positions), labels=labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
    ax.xaxis.set_major_formatter(shares())
    ax.set_xlim(0, 1)
    ax.set_xlabel(translate("filled"))
    ax.set_title(translate("Completeness per column"))
    return ax

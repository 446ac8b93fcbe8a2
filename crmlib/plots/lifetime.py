"""The holdout comparison of the lifetime-value models, as a chart and a table.

The customer base chooses its purchase model (BG/NBD, MBG/NBD or Pareto/NBD) by how well
each, fitted on the calibration period, predicts the purchases of the holdout period that
follows (:func:`crmlib.analytics.model_choice.choose_purchase_model`). These functions
show that comparison: each model's predicted holdout purchases against the actual ones,
with its error, and the chosen model marked.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlib.errors import ParameterError
from crmlib.formatting import count
from crmlib.plots.base import require_columns
from crmlib.plots.style import BLUE, GREY, LIGHT, RED, new_axes, thousands
from crmlib.text import N_, number, translate

_COLUMNS = ("model", "status", "predicted", "actual", "total_error_pct", "mae", "chosen")

#: A fit's status (:class:`crmlib.analytics.model_choice` gives one of these) as words.
FIT_STATUS_WORDS = (N_("ok"), N_("caveat"), N_("unavailable"))


def holdout_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison as a table a reader can scan, one row per model.

    Parameters
    ----------
    comparison : DataFrame
        ``LifetimeFit.comparison`` / ``ModelChoice.comparison``. Not modified.

    Returns
    -------
    DataFrame
        Indexed by model: ``predicted`` and ``actual`` holdout purchases (whole numbers),
        ``error on the total`` (signed %, e.g. "+4.4%"), ``error per customer`` (mean
        absolute error in purchases), ``fit`` (the model's fit status) and ``chosen``
        ("chosen" or empty). A model that could not be fitted shows "not available".
    """
    require_columns(comparison, _COLUMNS, "holdout comparison")

    def shown(value: float, word: Callable[[float], str]) -> str:
        return translate("not available") if pd.isna(value) else word(value)

    rows = {
        str(row["model"]): {
            translate("predicted"): shown(row["predicted"], count),
            translate("actual"): shown(row["actual"], count),
            translate("error on the total"): shown(
                row["total_error_pct"], lambda v: number(v, 1, sign=True) + "%"
            ),
            translate("error per customer"): shown(row["mae"], lambda v: number(v, 3)),
            translate("fit"): translate(str(row["status"])),
            translate("chosen"): translate("chosen") if bool(row["chosen"]) else "",
        }
        for _, row in comparison.iterrows()
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = translate("model")
    return table


def plot_holdout_comparison(
    comparison: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Holdout purchases: predicted by each model and actual"),
) -> Axes:
    """Bars of each model's predicted holdout purchases, a line at the actual number.

    The chosen model's bar is dark, the others light; a model that could not be fitted
    gets no bar and is labelled so. Each bar carries its error on the total and its mean
    absolute error per customer.

    Parameters
    ----------
    comparison : DataFrame
        ``LifetimeFit.comparison``; must hold at least one model (an empty comparison
        has nothing to draw: say why instead).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    require_columns(comparison, _COLUMNS, "holdout comparison")
    if comparison.empty:
        raise ParameterError(
            "the holdout comparison is empty (the history was too short to compare the "
            "models); say why instead of drawing an empty chart"
        )
    ax = new_axes(ax, (7.0, 4.0))
    names = comparison["model"].astype(str).tolist()
    predicted = pd.to_numeric(comparison["predicted"], errors="coerce").to_numpy(dtype=float)
    chosen = comparison["chosen"].astype(bool).to_numpy()
    positions = np.arange(len(names))
    heights = np.nan_to_num(predicted, nan=0.0)
    colors = [BLUE if c else LIGHT for c in chosen]
    bars = ax.bar(positions, heights, color=colors, width=0.6)
    actual = pd.to_numeric(comparison["actual"], errors="coerce").dropna()
    if len(actual):
        ax.axhline(
            float(actual.iloc[0]), color=RED, linewidth=1.5, label=translate("actual purchases")
        )
        ax.legend(loc="lower right")
    top = float(np.nanmax([*heights, *actual.to_numpy(dtype=float), 1.0]))
    for bar, (_, row), is_chosen in zip(bars, comparison.iterrows(), chosen, strict=True):
        if pd.isna(row["predicted"]):
            text, y = translate("could not be fitted"), 0.02 * top
        else:
            text = translate("{error}% on the total\nMAE {mae}").format(
                error=number(row["total_error_pct"], 1, sign=True), mae=number(row["mae"], 3)
            )
            if is_chosen:
                text = translate("chosen") + "\n" + text
            y = float(row["predicted"]) + 0.02 * top
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            y,
            text,
            ha="center",
            va="bottom",
            fontsize=8,
            color=BLUE if is_chosen else GREY,
            fontweight="bold" if is_chosen else "normal",
        )
    ax.set_xticks(positions, names)
    ax.set_ylim(0, top * 1.3)
    ax.yaxis.set_major_formatter(thousands())
    ax.set_ylabel(translate("purchases in the holdout period"))
    ax.set_title(translate(title))
    return ax

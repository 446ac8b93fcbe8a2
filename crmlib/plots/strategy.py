"""Charts of the strategy report: the action plan's expected values."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from crmlib.plots.style import BLUE, GREEN, GREY, PURPLE, RED, in_currency, new_axes

#: Colours of the models in the action chart, in the order they appear.
MODEL_COLOURS = (BLUE, GREEN, PURPLE, "#d35400", RED, GREY)


def plot_action_values(
    plan: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Horizontal bars of the actions' expected value per year, coloured by model."""
    valued = plan.dropna(subset=["expected_value"])
    ax = new_axes(ax, (8, max(2.5, 0.45 * len(valued) + 1)))
    labels = [
        f"{rank}. {text[:60]}{'...' if len(text) > 60 else ''}"
        for rank, text in valued["action"].items()
    ]
    models = list(dict.fromkeys(plan["model"]))
    colour_of = {m: MODEL_COLOURS[i % len(MODEL_COLOURS)] for i, m in enumerate(models)}
    colours = [colour_of[m] for m in valued["model"]]
    ax.barh(range(len(valued)), valued["expected_value"], color=colours)
    ax.set_yticks(range(len(valued)), labels=labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(in_currency("expected value per year", currency))
    ax.set_title("Actions with an estimated value")
    for model in dict.fromkeys(valued["model"]):
        ax.bar(0, 0, color=colour_of[model], label=model)
    if len(valued):
        ax.legend(loc="lower right", fontsize=8)
    return ax

"""The comparison of the five models: which idea each model acts on, and how urgently."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from crmlib.plots.style import AMBER, GREEN, LIGHT, new_axes
from crmlib.text import translate

#: Priority 1, 2, 3 as colours: first is the strongest.
PRIORITY_COLOURS = ListedColormap([GREEN, AMBER, LIGHT])


def plot_priority_grid(grid: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Theme x model: the most urgent priority each model gives each theme (blank: no action).

    Parameters
    ----------
    grid : DataFrame
        :func:`crmlib.models.crosswalk.priority_grid`.
    """
    ax = new_axes(ax, (8, max(2.5, 0.5 * len(grid) + 1.2)))
    values = grid.to_numpy(dtype=float)
    ax.imshow(
        np.ma.masked_invalid(values), cmap=PRIORITY_COLOURS, vmin=0.5, vmax=3.5, aspect="auto"
    )
    for (i, j), value in np.ndenumerate(values):
        ax.text(j, i, "-" if np.isnan(value) else f"{value:.0f}", ha="center", va="center")
    ax.set_xticks(
        range(len(grid.columns)),
        [translate(str(c)) for c in grid.columns],
        rotation=20,
        ha="right",
    )
    # the ideas and models are keys of the grid: translated only as labels
    ax.set_yticks(range(len(grid.index)), [translate(str(i)) for i in grid.index])
    ax.set_title(
        translate("The most urgent priority each model gives each idea (1 = first, - = none)")
    )
    return ax

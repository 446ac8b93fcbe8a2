"""Charts of customer value."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter


def plot_pareto(curve: pd.DataFrame, ax: Axes | None = None, *, value_share: float = 0.8,
                title: str = "Pareto curve of customer value") -> Axes:
    """Draw the Pareto (Lorenz) curve from :func:`crmlib.analytics.pareto.pareto_curve`.

    Marks the share of customers that brings ``value_share`` of the value, and draws
    the diagonal of a base in which every customer is worth the same.
    """
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    x = [0.0, *curve["customer_share"].tolist()]
    y = [0.0, *curve["value_share"].tolist()] if len(curve) else [0.0]
    ax.plot(x, y, color="#1f5f8b", linewidth=2, label="customers ranked by value")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="equal value")
    reached = curve[curve["value_share"] >= value_share]
    if not reached.empty:
        share = float(reached["customer_share"].iloc[0])
        ax.axvline(share, color="#c0392b", linewidth=1)
        ax.axhline(value_share, color="#c0392b", linewidth=1)
        ax.annotate(f"{share:.0%} of customers bring {value_share:.0%}",
                    xy=(share, value_share), xytext=(share + 0.05, value_share - 0.2),
                    arrowprops={"arrowstyle": "->", "color": "#c0392b"}, color="#c0392b")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of customers")
    ax.set_ylabel("share of value")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return ax

"""Charts of customer value: Pareto curve, RFM grid, BG/NBD matrices, CLV and tiers.

Every function takes ``ax=None`` (a new figure is made) and returns the ``Axes`` it drew
on, so a notebook can place charts side by side and a test can read them back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlib.analytics.bgnbd import bgnbd_conditional_expected, bgnbd_probability_alive
from crmlib.errors import ParameterError
from crmlib.formatting import count, decimal, percent
from crmlib.plots.base import require_columns as _need
from crmlib.plots.style import BLUE, GREY, RED, new_axes, shares
from crmlib.text import N_, translate


def plot_pareto(
    curve: pd.DataFrame,
    ax: Axes | None = None,
    *,
    value_share: float = 0.8,
    title: str = N_("Pareto curve of customer value"),
) -> Axes:
    """Draw the Pareto (Lorenz) curve from :func:`crmlib.analytics.pareto.pareto_curve`.

    Marks the share of customers that brings ``value_share`` of the value, and draws
    the diagonal of a base in which every customer is worth the same.
    """
    ax = new_axes(ax, (6, 4))
    x = [0.0, *curve["customer_share"].tolist()]
    y = [0.0, *curve["value_share"].tolist()] if len(curve) else [0.0]
    ax.plot(x, y, color=BLUE, linewidth=2, label=translate("customers ranked by value"))
    ax.plot(
        [0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label=translate("equal value")
    )
    reached = curve[curve["value_share"] >= value_share]
    if not reached.empty:
        share = float(reached["customer_share"].iloc[0])
        ax.axvline(share, color=RED, linewidth=1)
        ax.axhline(value_share, color=RED, linewidth=1)
        ax.annotate(
            translate("{customers} of customers bring {value}").format(
                customers=percent(share), value=percent(value_share)
            ),
            xy=(share, value_share),
            xytext=(share + 0.05, value_share - 0.2),
            arrowprops={"arrowstyle": "->", "color": RED},
            color=RED,
        )
    ax.xaxis.set_major_formatter(shares())
    ax.yaxis.set_major_formatter(shares())
    ax.set_xlim(0, 1)
    ax.set_xlabel(translate("share of customers"))
    ax.set_ylabel(translate("share of value"))
    ax.set_title(translate(title))
    ax.legend(loc="lower right")
    return ax


def rfm_grid(
    scores: pd.DataFrame,
    *,
    value_col: str | None = None,
    r_col: str = "r_score",
    f_col: str = "f_score",
    bins: int | None = None,
) -> pd.DataFrame:
    """The R x F grid behind :func:`plot_rfm_heatmap`: customers (or a mean) per cell.

    Returns
    -------
    DataFrame
        Index ``r_score`` from ``bins`` down to 1, columns ``f_score`` 1 to ``bins``;
        the number of customers per cell, or the mean of ``value_col`` (NaN for an
        empty cell).
    """
    _need(scores, [r_col, f_col] + ([value_col] if value_col else []), "RFM heatmap")
    valid = scores[scores[r_col].notna() & scores[f_col].notna()]
    r = valid[r_col].astype(int)
    f = valid[f_col].astype(int)
    bins = int(bins or max(int(r.max()) if len(r) else 1, int(f.max()) if len(f) else 1, 2))
    levels = list(range(1, bins + 1))
    if value_col is None:
        grid = pd.crosstab(r, f).reindex(index=levels, columns=levels, fill_value=0)
    else:
        values = pd.to_numeric(valid[value_col], errors="coerce")
        grid = values.groupby([r, f]).mean().unstack().reindex(index=levels, columns=levels)
    grid = grid.iloc[::-1]
    grid.index.name, grid.columns.name = "r_score", "f_score"
    return grid


def plot_rfm_heatmap(
    scores: pd.DataFrame,
    ax: Axes | None = None,
    *,
    value_col: str | None = None,
    r_col: str = "r_score",
    f_col: str = "f_score",
    bins: int | None = None,
    segment_col: str | None = "segment",
    title: str | None = None,
) -> Axes:
    """Heatmap of the R x F grid: customers per cell, or the mean of ``value_col``.

    Recency runs from the best score at the top to the worst at the bottom, frequency
    from the worst on the left to the best on the right, so champions sit top right
    and lost customers bottom left. Each cell shows its number; with ``segment_col``
    (from :func:`crmlib.analytics.rfm.rfm_segments`) it also shows the segment name.

    Parameters
    ----------
    scores : DataFrame
        From :func:`crmlib.analytics.rfm.rfm_scores` or ``rfm_segments``.
    ax : Axes, optional
        Where to draw.
    value_col : str, optional
        Show the mean of this column per cell (e.g. ``"monetary"``) instead of counts.
    r_col, f_col : str
        Score columns.
    bins : int, optional
        Number of scores; by default the largest score present.
    segment_col : str or None, default "segment"
        Column with the segment names to write in the cells, when present.
    title : str, optional
        Chart title.
    """
    ax = new_axes(ax, (6, 5))
    grid = rfm_grid(scores, value_col=value_col, r_col=r_col, f_col=f_col, bins=bins)
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="Blues", aspect="auto")
    names = None
    if segment_col and segment_col in scores.columns:
        valid = scores.dropna(subset=[r_col, f_col])
        names = valid.groupby([valid[r_col].astype(int), valid[f_col].astype(int)])[
            segment_col
        ].first()
    top = (
        np.nanmax(grid.to_numpy(dtype=float))
        if grid.size and np.isfinite(grid.to_numpy(dtype=float)).any()
        else 0
    )
    for i, r in enumerate(grid.index):
        for j, f in enumerate(grid.columns):
            value = grid.iloc[i, j]
            text = (
                "" if pd.isna(value) else (f"{int(value)}" if value_col is None else count(value))
            )
            if names is not None and (r, f) in names.index:
                text += f"\n{names.loc[(r, f)]}"
            dark = not pd.isna(value) and top and value > 0.6 * top
            ax.text(
                j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black"
            )
    ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns])
    ax.set_yticks(range(len(grid.index)), [str(r) for r in grid.index])
    ax.set_xlabel(translate("F score (frequency)"))
    ax.set_ylabel(translate("R score (recency)"))
    label = (
        translate("customers")
        if value_col is None
        else translate("mean {column}").format(column=translate(value_col))
    )
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_title(
        translate(title) if title else translate("RFM grid: {label} per cell").format(label=label)
    )
    return ax


def plot_rfm_segments(
    segmented: pd.DataFrame,
    ax: Axes | None = None,
    *,
    segment_col: str = "segment",
    title: str = N_("Customers per RFM segment"),
) -> Axes:
    """Horizontal bars: the number of customers in each segment, largest on top."""
    _need(segmented, [segment_col], "RFM segment")
    ax = new_axes(ax, (6, 4))
    counts = segmented[segment_col].value_counts().sort_values()
    ax.barh([translate(str(i)) for i in counts.index], counts.to_numpy(), color=BLUE)
    for y, n in enumerate(counts.to_numpy()):
        ax.text(n, y, f" {count(n)}", va="center", fontsize=8)
    ax.set_xlabel(translate("customers"))
    ax.set_title(translate(title))
    return ax


def _history_grid(bg: object, max_frequency: int | None, max_recency: int | None):
    params = bg._params()
    max_frequency = int(max_frequency if max_frequency is not None else bg.max_frequency_)
    max_recency = int(max_recency if max_recency is not None else np.ceil(bg.max_T_))
    if max_frequency < 1 or max_recency < 1:
        raise ParameterError("max_frequency and max_recency must be 1 or more")
    frequency = np.arange(max_frequency + 1, dtype=float)[None, :]
    recency = np.arange(max_recency + 1, dtype=float)[:, None]
    return params, frequency, recency, float(max_recency)


def _matrix_plot(matrix: np.ndarray, ax: Axes, title: str, label: str, cmap: str) -> Axes:
    image = ax.imshow(matrix, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest")
    ax.set_xlabel(translate("historical frequency (repeat purchases)"))
    ax.set_ylabel(translate("recency (age at last purchase)"))
    ax.figure.colorbar(image, ax=ax, label=translate(label))
    ax.set_title(translate(title))
    return ax


def plot_frequency_recency_matrix(
    bg: object,
    t: float = 1.0,
    ax: Axes | None = None,
    *,
    max_frequency: int | None = None,
    max_recency: int | None = None,
    title: str | None = None,
) -> Axes:
    """Expected purchases in the next ``t`` periods by frequency (across) and recency (up).

    For a customer whose age T equals ``max_recency``: the top right (frequent and
    recent) buys most; the bottom right (frequent, but long ago) has probably left.

    Parameters
    ----------
    bg : BetaGeoModel
        A fitted model.
    t : float, default 1
        Periods ahead.
    ax : Axes, optional
        Where to draw.
    max_frequency, max_recency : int, optional
        Grid size; by default the largest frequency and age the model was fitted on.
    title : str, optional
        Chart title.
    """
    ax = new_axes(ax, (6, 5))
    params, frequency, recency, age = _history_grid(bg, max_frequency, max_recency)
    matrix = bgnbd_conditional_expected(params, np.float64(t), frequency, recency, age)
    return _matrix_plot(
        matrix,
        ax,
        title or translate("Expected purchases in the next {t} periods").format(t=f"{t:g}"),
        N_("expected purchases"),
        "viridis",
    )


def plot_probability_alive_matrix(
    bg: object,
    ax: Axes | None = None,
    *,
    max_frequency: int | None = None,
    max_recency: int | None = None,
    title: str = N_("Probability that the customer is alive"),
) -> Axes:
    """Probability alive by frequency (across) and recency (up), for age ``max_recency``.

    Parameters
    ----------
    bg : BetaGeoModel
        A fitted model.
    ax : Axes, optional
        Where to draw.
    max_frequency, max_recency : int, optional
        Grid size; by default the largest frequency and age the model was fitted on.
    title : str
        Chart title.
    """
    ax = new_axes(ax, (6, 5))
    params, frequency, recency, age = _history_grid(bg, max_frequency, max_recency)
    matrix = bgnbd_probability_alive(params, frequency + 0 * recency, recency + 0 * frequency, age)
    ax = _matrix_plot(matrix, ax, title, N_("probability alive"), "RdYlGn")
    ax.images[-1].set_clim(0, 1)
    return ax


def plot_clv_distribution(
    clv: pd.Series,
    ax: Axes | None = None,
    *,
    bins: int = 30,
    clip_quantile: float = 0.99,
    title: str = N_("Distribution of customer lifetime value"),
) -> Axes:
    """Histogram of CLV with its mean and median.

    Parameters
    ----------
    clv : Series
        One CLV per customer (missing values are left out).
    ax : Axes, optional
        Where to draw.
    bins : int, default 30
        Number of bars.
    clip_quantile : float, default 0.99
        The few largest values are gathered in the last bar, so that they do not
        squeeze the rest into one bar; 1 shows the full range.
    title : str
        Chart title.
    """
    if not 0 < clip_quantile <= 1:
        raise ParameterError(f"clip_quantile must be between 0 and 1, got {clip_quantile}")
    ax = new_axes(ax, (6, 4))
    values = pd.to_numeric(pd.Series(clv), errors="coerce").dropna().to_numpy(dtype=float)
    if values.size == 0:
        ax.text(
            0.5,
            0.5,
            translate("no CLV to show"),
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_title(translate(title))
        return ax
    top = float(np.quantile(values, clip_quantile))
    shown = np.minimum(values, top) if top > values.min() else values
    ax.hist(shown, bins=bins, color=BLUE, alpha=0.85)
    mean, median = float(values.mean()), float(np.median(values))
    ax.axvline(
        mean,
        color=RED,
        linewidth=1.5,
        label=translate("mean {value}").format(value=decimal(mean, 2)),
    )
    ax.axvline(
        median,
        color=GREY,
        linewidth=1.5,
        linestyle="--",
        label=translate("median {value}").format(value=decimal(median, 2)),
    )
    ax.set_xlabel(
        translate("CLV (top {share} gathered at the right)").format(
            share=percent(1 - clip_quantile)
        )
        if clip_quantile < 1 and top < values.max()
        else "CLV"
    )
    ax.set_ylabel(translate("customers"))
    ax.set_title(translate(title))
    ax.legend(loc="upper right")
    return ax


#: Reading order of IDIC's value categories in charts.
CATEGORY_ORDER = ("MVC", "MGC", "other", "BZ")

#: The tiers and categories as words in charts (the values themselves stay the keys).
TIER_NAMES = (N_("platinum"), N_("gold"), N_("silver"), N_("bronze"), N_("other"))


def plot_value_tiers(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    tier_col: str = "value_tier",
    value_col: str = "current_value",
    order: list[str] | None = None,
    title: str = N_("Share of customers and of value per tier"),
) -> Axes:
    """Paired bars per tier (or value category): share of customers vs share of value.

    Works for the ``value_tier`` and the ``value_category`` column of
    :func:`crmlib.analytics.segments.customer_segments`. Tiers appear in ``order``
    when given, else in their categorical order, else (MVC, MGC, other, BZ) for value
    categories, else by value.

    Parameters
    ----------
    table : DataFrame
        One row per customer.
    ax : Axes, optional
        Where to draw.
    tier_col, value_col : str
        Columns with the tier and the value.
    order : list of str, optional
        The tiers to show, in this order.
    title : str
        Chart title.
    """
    _need(table, [tier_col, value_col], "value tier")
    ax = new_axes(ax, (6, 4))
    values = pd.to_numeric(table[value_col], errors="coerce").fillna(0.0)
    tiers = table[tier_col]
    grouped = values.groupby(tiers, observed=False, sort=False)
    summary = pd.DataFrame({"customers": grouped.size(), "value": grouped.sum()})
    if order is not None:
        summary = summary.reindex(order, fill_value=0)
    elif isinstance(tiers.dtype, pd.CategoricalDtype):
        summary = summary.reindex(tiers.cat.categories, fill_value=0)
    elif set(summary.index) <= set(CATEGORY_ORDER):
        summary = summary.reindex([c for c in CATEGORY_ORDER if c in summary.index])
    else:
        summary = summary.sort_values("value", ascending=False)
    total_value = float(values.sum())
    customer_share = summary["customers"] / max(len(table), 1)
    value_share = summary["value"] / total_value if total_value else summary["value"] * 0.0
    positions = np.arange(len(summary))
    width = 0.38
    ax.bar(
        positions - width / 2,
        customer_share.to_numpy(),
        width,
        color=GREY,
        label=translate("share of customers"),
    )
    ax.bar(
        positions + width / 2,
        value_share.to_numpy(),
        width,
        color=BLUE,
        label=translate("share of value"),
    )
    # tiers and categories are values the code groups on: translated only as labels
    ax.set_xticks(positions, [translate(str(i)) for i in summary.index])
    ax.yaxis.set_major_formatter(shares())
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(translate("share"))
    ax.set_title(translate(title))
    ax.legend(loc="upper right")
    return ax

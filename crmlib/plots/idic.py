"""Charts of the IDIC notebook: data coverage, value map, needs, channels, response, affinity.

Every function takes ``ax=None`` (a new figure is made) and returns the ``Axes`` it drew
on. Inputs are the tables made by :mod:`crmlib.models.idic` and the analytics it uses.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm, TwoSlopeNorm
from matplotlib.ticker import FuncFormatter

from crmlib.errors import MissingDataError
from crmlib.formatting import count, percent
from crmlib.plots.base import require_columns as _need
from crmlib.plots.style import BLUE, GREEN, GREY, RED, new_axes
from crmlib.text import N_, number, translate

#: A colour per value category, the same in every chart.
CATEGORY_COLOURS = {"MVC": BLUE, "MGC": GREEN, "other": "#b0b7bd", "BZ": RED}

#: Colours of channels in the stacked bars (cycled for channels beyond these).
_CHANNEL_COLOURS = (BLUE, "#5dade2", GREEN, "#f5b041", "#af7ac5", RED, GREY)


# Tick labels in the locale's formats (``20 %``, ``8.000`` in Dutch), like the bar labels.
# (a new formatter per axis: matplotlib ties each formatter to one axis)
def _percent_ticks() -> FuncFormatter:
    return FuncFormatter(lambda value, _: percent(value))


def _count_ticks() -> FuncFormatter:
    return FuncFormatter(lambda value, _: count(value))


def _wrap(label: object, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _with_currency(label: str, currency: str) -> str:
    """An axis label in the report's language, with the currency where it is known."""
    return f"{translate(label)} ({currency})" if currency else translate(label)


def plot_data_coverage(
    coverage: pd.Series,
    ax: Axes | None = None,
    *,
    threshold: float = 0.5,
    title: str = N_("What the company knows about its customers"),
    unrecorded: Sequence[str] = (),
) -> Axes:
    """Horizontal bars: the share of customers for whom each kind of data exists.

    Bars below ``threshold`` are red: that knowledge is missing for most customers.
    A kind in ``unrecorded`` (the tables have no column or table for it,
    :attr:`crmlib.models.idic.Identification.unrecorded`) is written "not in the data"
    instead of drawn as a 0% bar: unknown, not none.
    """
    ax = new_axes(ax, (7, 4))
    values = coverage.iloc[::-1]
    absent = set(unrecorded)
    shown = np.array([label not in absent for label in values.index], dtype=bool)
    positions = np.arange(len(values))
    colours = [RED if v < threshold else BLUE for v in values[shown]]
    ax.barh(positions[shown], values[shown].to_numpy(), color=colours)
    for y, (label, v) in enumerate(values.items()):
        if label in absent:
            ax.text(0.01, y, translate("not in the data"), va="center", fontsize=8, color=GREY)
        else:
            ax.text(min(v, 1.0) + 0.01, y, percent(v), va="center", fontsize=8)
    # the kinds of data are the coverage's keys: named in the reader's language here only
    ax.set_yticks(positions, [translate(str(i)) for i in values.index])
    ax.set_ylim(-0.5, len(values) - 0.5)
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_xlabel(translate("share of customers"))
    ax.set_title(translate(title))
    return ax


def plot_value_map(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    current_col: str = "value",
    expected_col: str = "expected_value",
    category_col: str = "value_category",
    currency: str = "",
    title: str = N_("Current and expected value per customer"),
) -> Axes:
    """Scatter of current value (across) against expected value (up), coloured by category.

    Both axes are symmetric-log (linear between -10 and 10), so the many small
    customers and the few large ones are both visible, and negative (below-zero) values
    stay on the chart. The diagonal
    marks customers expected to bring what they bring now: above it is growth.
    """
    _need(table, [current_col, expected_col, category_col], "value map")
    ax = new_axes(ax, (6.5, 5))
    data = table[[current_col, expected_col, category_col]].dropna(subset=[current_col])
    data = data.assign(**{expected_col: data[expected_col].fillna(0.0)})
    for category, colour in CATEGORY_COLOURS.items():
        part = data[data[category_col] == category]
        if len(part):
            ax.scatter(
                part[current_col],
                part[expected_col],
                s=8,
                alpha=0.55,
                color=colour,
                label=f"{translate(category)} ({count(len(part))})",
                linewidths=0,
            )
    both = np.r_[data[current_col].to_numpy(float), data[expected_col].to_numpy(float)]
    top = max(float(np.nanmax(np.abs(both))) if both.size else 1.0, 10.0)
    for axis, values in (("x", data[current_col]), ("y", data[expected_col])):
        low, high = float(values.min()), float(values.max())
        # symmetric-log axes, linear within +-10, with ticks at 0 and powers of ten
        getattr(ax, f"set_{axis}scale")("symlog", linthresh=10)
        powers = 10.0 ** np.arange(1, int(np.ceil(np.log10(top))) + 1)
        ticks = np.r_[-powers[::-1], 0.0, powers]
        ticks = ticks[(ticks >= min(low, 0) * 1.5 - 1) & (ticks <= max(high, 0) * 1.5 + 1)]
        getattr(ax, f"set_{axis}ticks")(ticks, [count(t) for t in ticks])
        getattr(ax, f"set_{axis}lim")(min(low, 0) * 1.3 - 1, max(high, 0) * 1.3 + 1)
    ax.plot([-top, top], [-top, top], color=GREY, linestyle="--", linewidth=1)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel(_with_currency(N_("current value"), currency))
    ax.set_ylabel(_with_currency(N_("expected value"), currency))
    ax.set_title(translate(title))
    ax.legend(loc="upper left", fontsize=8, markerscale=2)
    return ax


def plot_category_bars(
    summary: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Share of customers and of value per category"),
) -> Axes:
    """Paired bars per value category: share of customers and share of current value.

    ``summary`` is :func:`crmlib.models.idic.category_summary`. A negative value share
    (below-zero customers) points down.
    """
    _need(summary, ["customer_share", "value_share"], "value category")
    ax = new_axes(ax, (6, 4))
    positions = np.arange(len(summary))
    width = 0.38
    ax.bar(
        positions - width / 2,
        summary["customer_share"].to_numpy(float),
        width,
        color=GREY,
        label=translate("share of customers"),
    )
    ax.bar(
        positions + width / 2,
        summary["value_share"].fillna(0).to_numpy(float),
        width,
        color=[CATEGORY_COLOURS.get(str(c), BLUE) for c in summary.index],
        label=translate("share of value"),
    )
    for x, v in zip(positions, summary["value_share"].fillna(0), strict=True):
        ax.text(x + width / 2, max(v, 0) + 0.01, percent(v), ha="center", fontsize=8)
    ax.set_xticks(positions, [translate(str(i)) for i in summary.index])
    ax.yaxis.set_major_formatter(_percent_ticks())
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title(translate(title))
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_needs_heatmap(
    profile: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Needs per value category (mean score, 1-5)"),
) -> Axes:
    """Heatmap of the needs profile: rows are segments, columns need dimensions.

    ``profile`` is :func:`crmlib.analytics.needs.needs_profile`; ``respondents`` and
    ``nps`` are left out of the colours (NPS is written in the row label).
    """
    dims = [c for c in profile.columns if c not in ("respondents", "nps")]
    if not dims:
        raise MissingDataError(translate("the needs chart needs need-dimension columns"))
    ax = new_axes(ax, (8, 0.6 * len(profile) + 1.8))
    values = profile[dims].to_numpy(float)
    image = ax.imshow(values, cmap="Blues", vmin=1, vmax=5, aspect="auto")
    for (row, col), value in np.ndenumerate(values):
        ax.text(
            col,
            row,
            number(value, 1),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if value > 3.6 else "black",
        )
    labels = [
        f"{translate(str(index))}  (NPS {number(profile.loc[index, 'nps'], 0)})"
        if "nps" in profile.columns and pd.notna(profile.loc[index, "nps"])
        else translate(str(index))
        for index in profile.index
    ]
    ax.set_yticks(range(len(profile)), labels)
    ax.set_xticks(range(len(dims)), [d.replace("_", "\n") for d in dims], fontsize=8)
    scale = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    scale.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, 1)))
    ax.set_title(translate(title))
    return ax


def plot_channel_mix(
    mix: pd.DataFrame, ax: Axes | None = None, *, title: str = N_("Contacts per channel")
) -> Axes:
    """Stacked horizontal bars: each segment's contacts split by channel (rows sum to 1).

    ``mix`` is :func:`crmlib.analytics.contacts.channel_mix` with segments; None (no
    interactions) raises MissingDataError, so a notebook step can skip.
    """
    if mix is None:
        raise MissingDataError(translate("the channel mix needs the interactions table"))
    ax = new_axes(ax, (7.5, 0.5 * len(mix) + 1.8))
    left = np.zeros(len(mix))
    rows = [translate(str(i)) for i in mix.index][::-1]
    for index, channel in enumerate(mix.columns):
        share = mix[channel].to_numpy(float)[::-1]
        colour = _CHANNEL_COLOURS[index % len(_CHANNEL_COLOURS)]
        ax.barh(rows, share, left=left, color=colour, label=str(channel))
        for y, (start, width) in enumerate(zip(left, share, strict=True)):
            if width >= 0.08:
                ax.text(
                    start + width / 2,
                    y,
                    percent(width),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white",
                )
        left += share
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_xlabel(translate("share of the segment's contacts"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8, frameon=False)
    ax.set_title(translate(title))
    return ax


def plot_service(
    service: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str = "",
    title: str = N_("Margin and cost to serve per customer a year"),
) -> Axes:
    """Paired bars per segment: yearly margin and yearly cost to serve per customer.

    ``service`` is :func:`crmlib.models.idic.interact.segment_service`. The value axis is
    logarithmic, because an MVC's margin can be a hundred times a BZ's; the label
    above each pair is the cost as a share of the margin.
    """
    _need(service, ["margin_per_customer_year", "cost_to_serve_per_customer_year"], "service")
    if service["cost_to_serve_per_customer_year"].isna().all():
        raise MissingDataError(
            translate("the cost to serve needs the interactions and channels tables")
        )
    ax = new_axes(ax, (6.5, 4))
    positions = np.arange(len(service))
    width = 0.38
    margin = service["margin_per_customer_year"].to_numpy(float)
    cost = service["cost_to_serve_per_customer_year"].to_numpy(float)
    ax.bar(
        positions - width / 2,
        np.clip(margin, 0.01, None),
        width,
        color=BLUE,
        label=translate("margin"),
    )
    ax.bar(
        positions + width / 2,
        np.clip(cost, 0.01, None),
        width,
        color=RED,
        label=translate("cost to serve"),
    )
    for x, m, c in zip(positions, margin, cost, strict=True):
        if np.isfinite(m) and np.isfinite(c) and m > 0:
            ax.text(
                x,
                max(m, c) * 1.15,
                translate("cost {share}\nof margin").format(share=percent(c / m)),
                ha="center",
                fontsize=7,
            )
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: count(v) if v >= 1 else number(v, None))
    )
    ax.set_xticks(positions, [translate(str(i)) for i in service.index])
    ax.set_ylabel(_with_currency(N_("per customer a year"), currency))
    ax.set_ylim(top=max(np.nanmax(np.r_[margin, cost, 1.0]) * 4, 10))
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(translate(title))
    return ax


def plot_response_heatmap(
    lessons: pd.DataFrame,
    ax: Axes | None = None,
    *,
    by: str = "offer",
    title: str = N_("Campaign response against the segment's average"),
) -> Axes:
    """Heatmap of response rates: rows are offers (or channels), columns segments.

    ``lessons`` is :func:`crmlib.analytics.campaigns.response_lessons`. The colour is
    the difference from the segment's average rate (green above, red below); each cell
    gives the rate and the number sent, with an arrow where the difference is clear
    (the 95 % interval excludes the average). Cells with too few sends are hatched.
    None (no campaign history) raises MissingDataError, so a notebook step can skip.
    """
    if lessons is None:
        raise MissingDataError(
            translate("campaign response needs the campaigns table with offers and responses")
        )
    _need(lessons, ["segment", by, "response_rate", "difference", "sent", "verdict"], "response")
    segments = list(pd.unique(lessons["segment"]))
    if set(segments) <= set(CATEGORY_COLOURS):
        segments = [c for c in CATEGORY_COLOURS if c in segments]
    groups = list(pd.unique(lessons[by]))
    ax = new_axes(ax, (1.6 * len(segments) + 4, 0.45 * len(groups) + 1.5))
    diff = (
        lessons.pivot(index=by, columns="segment", values="difference")
        .reindex(index=groups, columns=segments)
        .to_numpy(float)
    )
    limit = max(float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 0.0, 0.01)
    shown = np.where(
        lessons.pivot(index=by, columns="segment", values="verdict")
        .reindex(index=groups, columns=segments)
        .to_numpy(dtype=object)
        == "too few sent",
        np.nan,
        diff,
    )
    ax.imshow(
        shown,
        cmap="RdYlGn",
        norm=TwoSlopeNorm(vcenter=0.0, vmin=-limit, vmax=limit),
        aspect="auto",
    )
    marks = {"above": " ▲", "below": " ▼"}
    for r in lessons.to_dict("records"):
        row, col = groups.index(r[by]), segments.index(r["segment"])
        ax.text(
            col,
            row,
            f"{percent(r['response_rate'])}{marks.get(r['verdict'], '')}\nn={count(r['sent'])}",
            ha="center",
            va="center",
            fontsize=7,
            fontweight="bold" if r["verdict"] in marks else "normal",
        )
        if r["verdict"] == "too few sent":
            ax.add_patch(
                plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, hatch="///", edgecolor=GREY)
            )
    ax.set_xticks(range(len(segments)), [translate(str(s)) for s in segments])
    ax.set_yticks(range(len(groups)), [_wrap(g, 34) for g in groups], fontsize=7)
    ax.set_title(translate(title))
    return ax


def plot_lift_heatmap(
    matrix: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Bought together in one visit (lift)"),
) -> Axes:
    """Heatmap of a lift matrix (:func:`crmlib.analytics.affinity.lift_matrix`).

    Colours are on a log scale centred on 1 (chance): blue pairs go together, red
    pairs avoid each other; the diagonal is empty.
    """
    ax = new_axes(ax, (7, 6))
    values = matrix.to_numpy(float)
    finite = values[np.isfinite(values) & (values > 0)]
    spread = float(np.max(np.abs(np.log(finite)))) if finite.size else 1.0
    spread = max(spread, 0.1)
    image = ax.imshow(
        np.where(values > 0, values, np.nan),
        cmap="RdBu",
        norm=LogNorm(vmin=np.exp(-spread), vmax=np.exp(spread)),
        aspect="auto",
    )
    for (row, col), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(col, row, number(value, 1), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(matrix.shape[1]), [_wrap(c, 12) for c in matrix.columns], fontsize=7)
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index], fontsize=8)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    bar = ax.figure.colorbar(
        image, ax=ax, fraction=0.04, pad=0.02, label=translate("lift (1 = chance)")
    )
    ticks = [t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8) if np.exp(-spread) <= t <= np.exp(spread)]
    bar.set_ticks(ticks, labels=[number(t, None) for t in ticks])
    bar.minorticks_off()
    ax.set_title(translate(title))
    return ax


def plot_plan_value(
    value: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str = "",
    title: str = N_("Expected margin of the plan per year"),
) -> Axes:
    """Bars per segment of the plan's expected yearly value (:func:`plan_value`).

    Bars below zero (hatched) are segments where a contact is expected to cost more
    than it brings.
    Without any estimate (no campaign history) it raises MissingDataError.
    """
    _need(value, ["expected_value"], "plan value")
    if value["expected_value"].isna().all():
        raise MissingDataError(
            translate(
                "the value of the plan needs campaign history with responses (the take-up rate)"
            )
        )
    ax = new_axes(ax, (6, 3.5))
    amounts = value["expected_value"].fillna(0.0)
    colours = [CATEGORY_COLOURS.get(str(s), BLUE) for s in amounts.index]
    bars = ax.bar(
        [translate(str(s)) for s in amounts.index], amounts.to_numpy(float), color=colours
    )
    for bar, v in zip(bars, amounts, strict=True):
        if v < 0:
            bar.set_hatch("///")
            bar.set_edgecolor("black")
    for x, v in enumerate(amounts):
        ax.text(x, v, count(v), ha="center", va="bottom" if v >= 0 else "top", fontsize=8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(_with_currency(N_("per year"), currency))
    ax.yaxis.set_major_formatter(_count_ticks())
    ax.set_title(translate(title))
    return ax


def plot_ssc_curve(
    curve: pd.DataFrame,
    ssc_share: float,
    ax: Axes | None = None,
    *,
    title: str = N_("The 20/80 view: cumulative share of value"),
) -> Axes:
    """The Pareto curve with the strategically significant customers marked.

    ``curve`` is :func:`crmlib.analytics.pareto.pareto_curve`. With margin after the
    cost of serving, the curve can rise above 100 % and come back down (the "whale
    curve"): the customers on the way down cost more than they bring.
    """
    _need(curve, ["customer_share", "value_share"], "SSC curve")
    ax = new_axes(ax, (6, 4))
    x = np.r_[0.0, curve["customer_share"].to_numpy(float)]
    y = np.r_[0.0, curve["value_share"].to_numpy(float)]
    ax.plot(x, y, color=BLUE, linewidth=2, label=translate("customers ranked by value"))
    ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", linewidth=1, label=translate("equal value"))
    if len(curve) and np.isfinite(y).any():
        at = int(np.searchsorted(x, ssc_share - 1e-12))
        at = min(max(at, 1), len(x) - 1)
        share = y[at]
        ax.fill_between(x[: at + 1], 0, y[: at + 1], color=BLUE, alpha=0.12)
        ax.axvline(x[at], color=RED, linewidth=1)
        ax.annotate(
            translate("top {customers} bring {value}").format(
                customers=percent(x[at]), value=percent(share)
            ),
            xy=(x[at], share),
            xytext=(min(x[at] + 0.08, 0.6), max(share - 0.25, 0.1)),
            arrowprops={"arrowstyle": "->", "color": RED},
            color=RED,
        )
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.yaxis.set_major_formatter(_percent_ticks())
    ax.set_xlim(0, 1)
    ax.set_xlabel(translate("share of customers, most valuable first"))
    ax.set_ylabel(translate("share of value"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(translate(title))
    return ax

"""Charts of the customer lifecycle: acquisition, cohorts, lapse, penetration, cost to serve.

Every function takes a table from :mod:`crmlib.analytics.lifecycle` (or
:mod:`crmlib.analytics.experience`) and ``ax=None``, and returns the ``Axes`` it drew on.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from crmlib.analytics.lifecycle.cohorts import average_retention_curve
from crmlib.formatting import count, money, percent
from crmlib.plots.base import require_columns as _need
from crmlib.plots.style import (
    BLUE,
    GREEN,
    GREY,
    LIGHT,
    ORANGE,
    PURPLE,
    RED,
    in_currency,
    money_axis,
    new_axes,
)
from crmlib.text import label as words
from crmlib.text import number, translate

_DIVERGING = ("RdYlGn", "RdYlBu", "RdBu", "coolwarm")
_PALETTE = (BLUE, ORANGE, GREEN, PURPLE, RED, "#16a085", GREY, "#d4ac0d")


def _share_tick(value: float, _position: object = None) -> str:
    """A share on an axis, written in the report's locale (one decimal only where needed)."""
    whole = abs(value * 100 - round(value * 100)) < 1e-9
    return percent(value, 0 if whole else 1)


def _share_axis() -> FuncFormatter:
    """Axis ticks of shares (0-1) as percentages, in the report's locale (one per axis)."""
    return FuncFormatter(_share_tick)


def _category_words() -> dict[str, str]:
    """The category values of the models' tables that are words, in the reader's language.

    Built when drawn (the language is the report's); other values (channels, processes,
    product categories) are the company's own names and are shown as they are.
    """
    return {
        "platinum": translate("platinum"),
        "gold": translate("gold"),
        "silver": translate("silver"),
        "bronze": translate("bronze"),
        "all": translate("all"),
        "acquisition": translate("acquisition"),
        "retention": translate("retention"),
        "penetration": translate("penetration"),
        "efficiency": translate("efficiency"),
    }


def _shown(values) -> list[str]:
    """Index or column values as a reader sees them: model words translated, names kept."""
    known = _category_words()
    return [known.get(str(value), str(value)) for value in values]


def _axis_name(name: object) -> str:
    """A table's index or column name as an axis label, in the reader's language."""
    known = {
        "value_tier": translate("value tier"),
        "segment": translate("segment"),
        "process": translate("process"),
        "channel": translate("channel"),
        "category": translate("category"),
        "bought": translate("bought"),
        "also_bought": translate("also bought"),
        "acquisition_channel": translate("acquisition channel"),
        "first_channel": translate("first channel"),
    }
    text = str(name or "")
    return known.get(text, words(text))


def plot_acquisition(
    table: pd.DataFrame, ax: Axes | None = None, *, title: str | None = None
) -> Axes:
    """Stacked bars of new customers per period, from :func:`~crmlib.analytics.lifecycle.acquisition`."""
    ax = new_axes(ax)
    labels = [f"{p:%Y-%m}" if isinstance(p, pd.Timestamp) else str(p) for p in table.index]
    positions = np.arange(len(table))
    bottom = np.zeros(len(table))
    for index, column in enumerate(table.columns):
        values = table[column].to_numpy(dtype=float)
        ax.bar(
            positions,
            values,
            bottom=bottom,
            color=_PALETTE[index % len(_PALETTE)],
            label=_shown([column])[0],
            width=0.8,
        )
        bottom += values
    step = max(1, len(labels) // 12)
    ax.set_xticks(positions[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(translate("new customers"))
    ax.set_title(translate("New customers per period") if title is None else title)
    if len(table.columns) > 1:
        ax.legend(
            fontsize=8,
            title=_axis_name(table.columns.name),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
        )
    return ax


def _shares(table: pd.DataFrame) -> pd.DataFrame:
    return table[[c for c in table.columns if c != "cohort_size"]]


def plot_cohort_heatmap(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    max_age: int | None = None,
    title: str | None = None,
) -> Axes:
    """The cohort table as a heatmap, from :func:`~crmlib.analytics.lifecycle.cohort_retention`.

    Rows are cohorts (with their size), columns the periods since the first purchase;
    cells beyond the data stay blank. Column 0 (always 100 %) is left out.
    """
    _need(table, ["cohort_size"], "cohort heatmap")
    shares = _shares(table).drop(columns=[0], errors="ignore")
    if max_age is not None:
        shares = shares[[c for c in shares.columns if c <= max_age]]
    n_rows, n_cols = shares.shape
    ax = new_axes(
        ax, (max(6.0, min(11.0, 0.35 * n_cols + 3)), max(3.0, min(10.0, 0.28 * n_rows + 1.5)))
    )
    values = shares.to_numpy(dtype=float)
    image = ax.imshow(
        np.ma.masked_invalid(values),
        aspect="auto",
        cmap="Blues",
        vmin=0,
        vmax=max(0.01, np.nanmax(values)),
    )
    if n_rows <= 24 and n_cols <= 16:
        top = np.nanmax(values)
        for (row, col), value in np.ndenumerate(values):
            if not np.isnan(value):
                ax.text(
                    col,
                    row,
                    percent(value),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if value > 0.6 * top else "black",
                )
    step_y = max(1, n_rows // 24)
    ax.set_yticks(
        range(0, n_rows, step_y),
        [
            translate("{cohort} (n={size})").format(cohort=label, size=count(size))
            for label, size in zip(shares.index, table["cohort_size"], strict=True)
        ][::step_y],
        fontsize=7,
    )
    step_x = max(1, n_cols // 16)
    ax.set_xticks(range(0, n_cols, step_x), [str(c) for c in shares.columns][::step_x], fontsize=7)
    ax.set_xlabel(translate("periods since the first purchase"))
    ax.set_ylabel(translate("cohort (first purchase)"))
    ax.figure.colorbar(image, ax=ax, format=_share_axis(), fraction=0.04)
    ax.set_title(translate("Cohort retention: share still buying") if title is None else title)
    return ax


def plot_retention_curves(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    n_cohorts: int = 6,
    title: str | None = None,
) -> Axes:
    """Retention curves of the oldest cohorts, with the weighted average of all cohorts.

    From :func:`~crmlib.analytics.lifecycle.cohort_retention`. The oldest cohorts are
    drawn because they have the longest curves; the bold line averages every cohort,
    as far as at least three cohorts reach.
    """
    _need(table, ["cohort_size"], "retention curves")
    ax = new_axes(ax)
    shares = _shares(table)
    for index, (label, row) in enumerate(shares.head(n_cohorts).iterrows()):
        row = row.dropna()
        ax.plot(
            row.index.astype(int),
            row.to_numpy(dtype=float),
            color=_PALETTE[index % len(_PALETTE)],
            linewidth=1,
            alpha=0.8,
            label=str(label),
        )
    mean = average_retention_curve(table, min_cohorts=3).dropna()
    ax.plot(
        mean.index.astype(int),
        mean.to_numpy(),
        color="black",
        linewidth=2.5,
        label=translate("all cohorts"),
    )
    ax.yaxis.set_major_formatter(_share_axis())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(translate("periods since the first purchase"))
    ax.set_ylabel(translate("share of the cohort buying"))
    ax.set_title(translate("Retention curves per cohort") if title is None else title)
    ax.legend(fontsize=7, ncol=2)
    return ax


def plot_lapse(
    rhythm: pd.DataFrame, ax: Axes | None = None, *, max_points: int = 3000, seed: int = 0
) -> Axes:
    """Each customer's own purchase interval against the days since their last purchase.

    From :func:`~crmlib.analytics.lifecycle.purchase_rhythm`. Above the line a customer
    has waited more than k of their own intervals: lapsed (red). One-time buyers sit
    at the base's interval (crosses). A large base is sampled to ``max_points``.
    """
    _need(rhythm, ["mean_interval_days", "days_since_last", "lapsed", "rhythm"], "lapse")
    ax = new_axes(ax, (7.0, 4.5))
    data = rhythm
    if len(data) > max_points:
        data = data.sample(max_points, random_state=seed)
    base = rhythm.attrs.get("base_interval_days", float(rhythm["mean_interval_days"].median()))
    k = rhythm.attrs.get("k", np.nan)
    floor = rhythm.attrs.get("min_days", 0)
    interval = data["mean_interval_days"].fillna(base).clip(lower=1).to_numpy(dtype=float)
    since = data["days_since_last"].clip(lower=1).to_numpy(dtype=float)
    lapsed = data["lapsed"].to_numpy(dtype=bool)
    one_time = (data["rhythm"] == "base").to_numpy(dtype=bool)
    jitter = np.exp(np.random.default_rng(seed).normal(0, 0.05, len(data)))
    interval = np.where(one_time, interval * jitter, interval)
    groups = (
        (
            ~one_time,
            "o",
            {
                False: translate("repeat buyers, active ({customers})"),
                True: translate("repeat buyers, lapsed ({customers})"),
            },
        ),
        (
            one_time,
            "x",
            {
                False: translate("one-time buyers, active ({customers})"),
                True: translate("one-time buyers, lapsed ({customers})"),
            },
        ),
    )
    for mask, marker, names in groups:
        for flag, colour in ((False, BLUE), (True, RED)):
            chosen = mask & (lapsed == flag)
            ax.scatter(
                interval[chosen],
                since[chosen],
                s=6 if marker == "o" else 10,
                marker=marker,
                color=colour,
                alpha=0.45,
                linewidths=0.6,
                label=names[flag].format(
                    customers=count(int(chosen.sum() * len(rhythm) / len(data)))
                ),
            )
    xs = np.geomspace(1, max(interval.max(), 2), 100)
    ax.plot(
        xs,
        np.maximum(k * xs, floor),
        color="black",
        linewidth=1.5,
        label=translate("threshold: {k} × own interval").format(k=number(k, None)),
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(translate("own mean interval between purchases (days)"))
    ax.set_ylabel(translate("days since the last purchase"))
    ax.set_title(translate("Lapse by purchase rhythm (k = {k})").format(k=number(k, None)))
    ax.legend(fontsize=7, loc="lower right")
    return ax


def plot_probability_alive(
    alive: pd.DataFrame,
    ax: Axes | None = None,
    *,
    lapsed: pd.Series | None = None,
    bins: int = 20,
    title: str | None = None,
) -> Axes:
    """Histogram of the probability alive, split by lapse status when given.

    The title names the purchase model ``alive.attrs["model"]`` (BG/NBD when not given).
    """
    _need(alive, ["probability_alive"], "probability alive")
    ax = new_axes(ax)
    edges = np.linspace(0, 1, bins + 1)
    values = alive["probability_alive"]
    if lapsed is None:
        ax.hist(values.to_numpy(dtype=float), bins=edges, color=BLUE)
    else:
        flag = lapsed.reindex(values.index).fillna(False).to_numpy(dtype=bool)
        ax.hist(
            [values[~flag].to_numpy(dtype=float), values[flag].to_numpy(dtype=float)],
            bins=edges,
            stacked=True,
            color=[BLUE, RED],
            label=[translate("active by rhythm"), translate("lapsed by rhythm")],
        )
        ax.legend(fontsize=8, loc="upper center")
    ax.xaxis.set_major_formatter(_share_axis())
    ax.set_xlabel(translate("probability that the customer is still active"))
    ax.set_ylabel(translate("customers"))
    model = str(alive.attrs.get("model", "BG/NBD"))  # the purchase model chosen for the company
    ax.set_title(
        translate("Probability alive ({model})").format(model=model) if title is None else title
    )
    return ax


def plot_retention_value(
    curve: pd.DataFrame,
    value: pd.Series,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
) -> Axes:
    """The retention formula's value per customer across retention rates (today, target).

    The formula's value is a textbook shortcut, labelled as such: the workbook's lifetime
    value is the shared base's (a stated horizon, discounted, net of cost to serve).

    From :func:`~crmlib.analytics.lifecycle.retention_curve` and
    :func:`~crmlib.analytics.lifecycle.retention_uplift_value`.
    """
    _need(curve, ["retention_rate", "clv"], "retention value")
    ax = new_axes(ax)
    ax.plot(
        curve["retention_rate"],
        curve["clv"],
        color=BLUE,
        linewidth=2,
        label=translate("value per customer"),
    )
    for key, clv_key, colour, template in (
        ("retention_rate", "clv_now", GREY, translate("today: {rate} → {value}")),
        ("target_rate", "clv_target", GREEN, translate("target: {rate} → {value}")),
    ):
        ax.scatter([value[key]], [value[clv_key]], color=colour, zorder=3, s=40)
        ax.annotate(
            template.format(rate=percent(value[key]), value=money(value[clv_key], currency)),
            xy=(value[key], value[clv_key]),
            xytext=(-60, 40 if key == "target_rate" else 15),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=colour,
            arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.8},
        )
    ax.xaxis.set_major_formatter(_share_axis())
    ax.set_xlabel(translate("yearly retention rate"))
    money_axis(
        ax, in_currency(translate("value per customer by the retention formula"), currency), "y"
    )
    ax.set_title(translate("What retention is worth: margin × r / (1 + d − r)"))
    return ax


def plot_table_heatmap(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    fmt: str | Callable[[float], str] = percent,
    cmap: str = "Blues",
    vmin: float | None = None,
    vmax: float | None = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
) -> Axes:
    """A table of numbers as an annotated heatmap (category penetration, cross-sell,
    spend mix, satisfaction per process and channel). Empty cells stay blank.

    ``fmt`` writes a cell's number (a function such as :func:`crmlib.formatting.percent`, or
    a ``str.format`` pattern). The index and column values that are model words (value
    tiers, ``all``, activities) are translated; the company's own names are kept.
    """
    write = fmt.format if isinstance(fmt, str) else fmt
    values = table.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    ax = new_axes(
        ax, (max(5.0, min(11.0, 0.75 * n_cols + 2.5)), max(2.5, min(9.0, 0.42 * n_rows + 1.5)))
    )
    finite = values[np.isfinite(values)]
    low = vmin if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    high = vmax if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap, vmin=low, vmax=high)
    middle = (low + high) / 2
    for (row, col), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(
                col,
                row,
                write(value),
                ha="center",
                va="center",
                fontsize=7,
                # white on the dark end of a one-colour map; a diverging map is light mid-range
                color="white" if cmap not in _DIVERGING and value > middle else "black",
            )
    ax.set_xticks(range(n_cols), _shown(table.columns), rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(n_rows), _shown(table.index), fontsize=8)
    ax.set_xlabel(xlabel or _axis_name(table.columns.name))
    ax.set_ylabel(ylabel or _axis_name(table.index.name))
    ax.set_title(title)
    return ax


def plot_recent_activity(activity: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars of the share of customers who bought in the last 3, 6, 12, 24 months.

    A window the data's history does not cover (``covered`` false, share NaN) gets no
    bar but the words "longer than the data": its share is unknown.
    """
    _need(activity, ["share"], "recent activity")
    ax = new_axes(ax, (6.0, 3.5))
    labels = [translate("last {months} months").format(months=m) for m in activity.index]
    shares = activity["share"].to_numpy(dtype=float)
    known = ~np.isnan(shares)
    positions = np.arange(len(labels))
    bars = ax.bar(positions[known], shares[known], color=BLUE)
    ax.set_xticks(positions, labels)
    ax.tick_params(axis="x", labelsize=8)  # room for longer words in other languages
    ax.bar_label(bars, labels=[percent(s) for s in shares[known]], fontsize=8)
    for position in positions[~known]:
        ax.text(position, 0.02, translate("longer than\nthe data"), ha="center", va="bottom",
                fontsize=8, color=GREY)  # fmt: skip
    ax.yaxis.set_major_formatter(_share_axis())
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(translate("share of customers who bought"))
    ax.set_title(translate("Recent purchase activity"))
    return ax


def plot_campaign_response(response: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Response rate per campaign in the order sent, from
    :func:`~crmlib.analytics.lifecycle.campaign_response`, with the overall rate."""
    _need(response, ["sent", "responses", "response_rate"], "campaign response")
    ax = new_axes(ax, (7.0, 3.5))
    labels = [str(i) for i in response.index]
    ax.bar(labels, response["response_rate"].to_numpy(dtype=float), color=LIGHT)
    overall = response["responses"].sum() / response["sent"].sum()
    ax.axhline(
        overall,
        color=BLUE,
        linestyle="--",
        linewidth=1,
        label=translate("overall {rate}").format(rate=percent(overall, 1)),
    )
    ax.yaxis.set_major_formatter(_share_axis())
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.set_ylabel(translate("response rate"))
    ax.set_title(translate("Campaign response"))
    ax.legend(fontsize=8)
    return ax


def plot_cost_to_serve(
    costs: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Cost to serve per channel, from :func:`~crmlib.analytics.lifecycle.channel_costs`,
    each bar labelled with the cost per contact and the number of contacts."""
    _need(costs, ["contacts", "cost_per_contact", "cost"], "cost to serve")
    ax = new_axes(ax, (7.0, 3.5))
    labels = [str(i) for i in costs.index]
    bars = ax.barh(labels, costs["cost"].to_numpy(dtype=float), color=BLUE)
    ax.bar_label(
        bars,
        labels=[
            f" {money(c, currency, 2)} × {count(n)}"
            for c, n in zip(costs["cost_per_contact"], costs["contacts"], strict=True)
        ],
        fontsize=8,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, costs["cost"].max() * 1.35 if len(costs) and costs["cost"].max() > 0 else 1)
    money_axis(ax, in_currency(translate("cost of contacts"), currency), "x")
    ax.set_title(translate("Cost to serve per channel"))
    return ax


def plot_improvement_potential(
    potential: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Horizontal bars of the value per year of each activity's improvement, largest on top."""
    _need(potential, ["value_per_year"], "improvement potential")
    ax = new_axes(ax, (7.0, 2.8))
    # unvalued activities (no margin) sit at the bottom, marked as such
    ordered = potential.sort_values("value_per_year", ascending=True, na_position="first")
    raw = ordered["value_per_year"].to_numpy(dtype=float)
    values = np.nan_to_num(raw)
    colours = [GREEN if v == values.max() and v > 0 else BLUE for v in values]
    bars = ax.barh(_shown(ordered.index), values, color=colours)
    not_valued = " " + translate("not valued")
    ax.bar_label(
        bars,
        labels=[not_valued if np.isnan(r) else f" {money(r, currency)}" for r in raw],
        fontsize=8,
    )
    ax.set_xlim(min(0, values.min() * 1.3), max(values.max() * 1.35, 1))
    ax.axvline(0, color="black", linewidth=0.8)
    money_axis(ax, in_currency(translate("value per year"), currency), "x")
    ax.set_title(translate("Improvement potential per activity"))
    return ax


def _one_decimal(value: float) -> str:
    return number(value, 1)


def plot_satisfaction_matrix(matrix: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean satisfaction per process (rows) and touchpoint (columns), red 1 to green 5,
    from :func:`crmlib.analytics.experience.satisfaction_matrix`."""
    return plot_table_heatmap(
        matrix,
        ax,
        fmt=_one_decimal,
        cmap="RdYlGn",
        vmin=1,
        vmax=5,
        title=translate("Mean satisfaction (1-5)"),
    )


def plot_segment_needs(needs: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean need score (1-5) per segment and need, from a needs profile without its
    respondent and NPS columns."""
    return plot_table_heatmap(
        needs, ax, fmt=_one_decimal, title=translate("Mean need score (1-5) per segment")
    )


def plot_spend_mix(spend: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The share of each segment's spend per category, from
    :func:`crmlib.analytics.lifecycle.category_spend`."""
    return plot_table_heatmap(spend, ax, title=translate("Share of spend per category"))


def plot_category_penetration(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The share of each segment's buyers who bought in each category, from
    :func:`crmlib.analytics.lifecycle.penetration`."""
    return plot_table_heatmap(
        table, ax, title=translate("Share of buyers who bought in the category")
    )


def plot_category_affinity(affinity: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Of the buyers of the row's category, the share who also bought the column's, from
    :func:`crmlib.analytics.lifecycle.category_affinity`."""
    return plot_table_heatmap(
        affinity, ax, title=translate("Of the buyers of A (row), the share who also bought B")
    )

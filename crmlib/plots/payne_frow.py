"""Charts of the Payne & Frow notebook: segments, value exchange, channels, data, KPIs, readiness.

Every chart takes the result of a :mod:`crmlib.models.payne_frow` function (or one of its
tables) and ``ax=None``, and returns the ``Axes`` it drew on (:func:`plot_kpi_trends`
draws small multiples and returns its array of axes). The notebook's live views, which
compute, draw and say a result for one setting, are in :mod:`crmlib.notebook.views`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from crmlib.analytics.kpis import KPIS, Standard
from crmlib.diagrams.shapes import INK, score_colour, text_colour
from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.plots.style import (
    AMBER,
    BLUE,
    GREEN,
    LIGHT,
    PURPLE,
    RED,
    SILVER,
    currency_words,
    in_currency,
    money_axis,
    new_axes,
    thousands,
)
from crmlib.text import N_, translate

CHANNEL_COLOURS = (BLUE, LIGHT, GREEN, AMBER, PURPLE, RED, SILVER)

#: The words of a standard's kind (:data:`crmlib.analytics.kpis.STANDARD_KINDS`) as a legend says them.
STANDARD_KINDS = {
    "at least": N_("at least"),
    "at most": N_("at most"),
    "growth at least": N_("growth at least"),
}


class _Percent(PercentFormatter):
    """Shares on an axis in the locale's percent format (``20 %`` in Dutch), with the
    decimals matplotlib would choose for the axis's range."""

    def format_pct(self, x, display_range):
        english = super().format_pct(x, display_range)
        digits = english.rstrip("%").split(".")
        return percent(x / self.xmax, len(digits[1]) if len(digits) > 1 else 0)


def plot_segment_strategy(
    segments: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Segments: customers, current value and expected value"),
) -> Axes:
    """Paired bars per segment (:attr:`Strategy.segments`): share of customers, of current
    value and of expected value; the target segments' names are marked with a star."""
    ax = new_axes(ax)
    positions = np.arange(len(segments))
    series = [
        ("customer_share", N_("share of customers"), SILVER),
        ("value_share", N_("share of current value"), LIGHT),
        ("expected_value_share", N_("share of expected value"), BLUE),
    ]
    shown = [s for s in series if segments[s[0]].notna().any()]
    width = 0.8 / len(shown)
    for index, (column, label, colour) in enumerate(shown):
        offset = (index - (len(shown) - 1) / 2) * width
        ax.bar(
            positions + offset,
            segments[column].to_numpy(),
            width,
            color=colour,
            label=translate(label),
        )
    labels = [
        f"★ {translate(str(name))}" if target else translate(str(name))
        for name, target in zip(segments.index, segments["target"], strict=True)
    ]
    ax.set_xticks(positions, labels)
    for tick, target in zip(ax.get_xticklabels(), segments["target"], strict=True):
        tick.set_fontweight("bold" if target else "normal")
    ax.yaxis.set_major_formatter(_Percent(1.0))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(translate("share of the base"))
    ax.set_title(translate(title))
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=len(shown),
        fontsize=8,
        frameon=False,
        title=translate("★ target segment"),
        title_fontsize=8,
    )
    return ax


def plot_growth_gap(strategy, ax: Axes | None = None, *, currency: str | None = None) -> Axes:
    """Last year's revenue, next year's forecast (today's customers plus last year's pace of
    acquisition) and the growth goal (a dashed line), from :class:`Strategy`."""
    ax = new_axes(ax, (6.5, 3.8))
    s = strategy
    ax.bar(0, s.revenue_last, color=SILVER, width=0.6)
    ax.bar(0, s.revenue_new, color=LIGHT, width=0.6, label=translate("from new customers"))
    if pd.notna(s.revenue_expected):
        ax.bar(
            1,
            s.revenue_expected,
            color=BLUE,
            width=0.6,
            label=translate("today's customers (forecast)"),
        )
        ax.bar(
            1,
            s.revenue_new,
            bottom=s.revenue_expected,
            color=LIGHT,
            width=0.6,
            hatch="//",
            edgecolor="white",
            label=translate("new customers at last year's pace"),
        )
    ax.axhline(s.revenue_goal, color=RED, linestyle="--", linewidth=1.5)
    ax.annotate(
        translate("goal: {growth}").format(
            growth=("+" if s.growth_goal > 0 else "") + percent(s.growth_goal, 1)
        ),
        (-0.58, s.revenue_goal),
        xytext=(0, 4),
        textcoords="offset points",
        color=RED,
        ha="left",
        fontsize=8,
    )
    ax.set_xticks([0, 1], [translate("last 12 months"), translate("next 12 months")])
    ax.set_xlim(-0.6, 1.6)
    money_axis(ax, in_currency(translate("revenue"), currency))
    ax.set_title(translate("Revenue: last year, the forecast and the growth goal"))
    ax.set_ylim(
        0, max(s.revenue_goal, s.revenue_last, s.forecast if pd.notna(s.forecast) else 0) * 1.12
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8, frameon=False)
    return ax


def plot_value_exchange(
    segments: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    value_word: str = "margin after cost to serve",
) -> Axes:
    """Both sides of the exchange per segment (:attr:`ValueCreation.segments`): the value the
    organisation receives as bars (current value of the window, expected value of the next
    12 months), the value the customer receives as dots (contact satisfaction 1-5, or the
    NPS) on a second axis. ``value_word`` names current value (:attr:`ValueCreation.value_word`):
    "revenue" on revenue-only data."""
    ax = new_axes(ax)
    positions = np.arange(len(segments))
    width = 0.38
    ax.bar(
        positions - width / 2,
        segments["profit_per_customer"],
        width,
        color=LIGHT,
        label=translate("{value} per customer, the window").format(value=translate(value_word)),
    )
    if segments["expected_value_per_customer"].notna().any():
        ax.bar(
            positions + width / 2,
            segments["expected_value_per_customer"],
            width,
            color=BLUE,
            label=(
                translate("expected revenue per customer, next 12 months")
                if value_word == "revenue"
                else translate("expected margin per customer, next 12 months")
            ),
        )
    ax.set_xticks(positions, [translate(str(s)) for s in segments.index])
    ax.axhline(0, color="black", linewidth=0.8)
    money_axis(ax, currency_words(translate("per customer"), currency))
    handles, labels = ax.get_legend_handles_labels()
    side = None
    if "satisfaction" in segments.columns and segments["satisfaction"].notna().any():
        side = ("satisfaction", translate("contact satisfaction (1-5)"), (1, 5))
    elif "nps" in segments.columns and segments["nps"].notna().any():
        side = ("nps", translate("NPS (-100 to 100)"), (-100, 100))
    if side is not None:
        twin = ax.twinx()
        twin.plot(positions, segments[side[0]], "o-", color=RED, label=side[1])
        twin.set_ylim(*side[2])
        twin.set_ylabel(side[1])
        more = twin.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(handles, labels, loc="upper right", fontsize=8)
    ax.set_title(translate("Value for the organisation (bars) and for the customer (dots)"))
    return ax


def plot_retention_economics(value, ax: Axes | None = None, *, currency: str | None = None) -> Axes:
    """The value a year that retention keeps among the target set, against the retention
    rate, with today's rate and the rate five points higher marked.

    The line is ``r x retained base x current value per buyer`` of the target segments
    (the customer base's figures); the base's own lifetime value is stated elsewhere, so
    the chart draws no second lifetime-value formula.
    """
    v = value
    # today's rate of the target set: what the same segments kept a window earlier
    today_rate = v.target_retention_rate
    if pd.isna(v.lift_margin_per_year) or pd.isna(today_rate):
        raise MissingDataError(
            v.skipped.get("retention economics")
            or translate(
                "it needs a retention rate and buyers of the year before in the target segments"
            )
        )
    ax = new_axes(ax, (6.5, 3.8))
    per_point = v.target_retained_base * v.target_profit_per_customer
    top = min(1.0, max(0.8, today_rate + 0.2))
    rates = np.linspace(0, top, 96)
    kept = translate("{value} kept a year").format(value=translate(v.value_word))
    ax.plot(rates, rates * per_point, color=BLUE, linewidth=2, label=kept)
    today = translate("today")
    ax.plot(today_rate, today_rate * per_point, "o", color=RED, label=today)
    lifted = min(today_rate + v.retention_lift, 1.0)
    ax.plot(lifted, lifted * per_point, "o", color=GREEN, label=translate("+5 points"))
    ax.annotate(
        "+" + money(v.lift_margin_per_year),
        (lifted, lifted * per_point),
        xytext=(6, -4),
        textcoords="offset points",
        color=GREEN,
    )
    ax.xaxis.set_major_formatter(_Percent(1.0))
    ax.set_xlabel(translate("retention rate (share of the year before's buyers who buy again)"))
    money_axis(ax, currency_words(translate("a year"), currency))
    aimed = (
        ", ".join(translate(str(t)) for t in v.target_segments)
        if v.target_segments
        else translate("all customers")
    )
    ax.set_title(
        translate("Retention economics: {aimed} ({buyers} buyers this year)").format(
            aimed=aimed, buyers=count(v.target_retained_base)
        )
    )
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_acquisition_retention(
    value, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Per customer: the cost of winning one, the yearly cost of keeping one, the yearly
    current value and the lifetime value (when forecast). A rule-of-thumb acquisition
    cost is hatched."""
    v = value
    if pd.isna(v.acquisition_cost):
        raise MissingDataError(
            v.skipped.get("acquisition") or translate("the acquisition cost is not known")
        )
    ax = new_axes(ax, (6.5, 3.6))
    revenue = v.value_word == "revenue"
    bars = [
        (translate("cost to win"), v.acquisition_cost, RED),
        (translate("cost to keep, a year"), v.retention_cost, AMBER),
        (
            translate("revenue, a year") if revenue else translate("margin, a year"),
            v.profit_per_customer,
            LIGHT,
        ),
    ]
    if pd.notna(v.lifetime_value):
        # the customer base's lifetime value per buyer; left out when not forecast
        lifetime = translate("lifetime revenue") if revenue else translate("lifetime margin")
        bars.append((lifetime, v.lifetime_value, BLUE))
    labels = [b[0] for b in bars]
    drawn = ax.barh(labels, [b[1] for b in bars], color=[b[2] for b in bars])
    if v.acquisition_cost_source == "5x rule of thumb":
        drawn[0].set_hatch("//")
        drawn[0].set_edgecolor("white")
        labels[0] = translate("cost to win (5x rule of thumb)")
        ax.set_yticks(range(len(labels)), labels)
    for bar, (_, amount, _) in zip(drawn, bars, strict=True):
        if pd.notna(amount):
            ax.annotate(
                money(amount),
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    ax.invert_yaxis()
    money_axis(ax, currency_words(translate("per customer"), currency), axis="x")
    ax.set_title(translate("Acquisition versus retention"))
    return ax


def plot_channel_mix(
    mix: pd.DataFrame, ax: Axes | None = None, *, title: str = N_("Channel mix per segment")
) -> Axes:
    """Stacked bars: each segment's share of contacts (or purchases) per channel, from
    :func:`crmlib.analytics.contacts.channel_mix`."""
    ax = new_axes(ax, (7.5, 0.5 * len(mix) + 1.8))
    left = np.zeros(len(mix))
    positions = np.arange(len(mix))
    for index, channel in enumerate(mix.columns):
        shares = mix[channel].to_numpy(dtype=float)
        colour = CHANNEL_COLOURS[index % len(CHANNEL_COLOURS)]
        ax.barh(positions, shares, left=left, color=colour, label=str(channel))
        for y, (start, width) in enumerate(zip(left, shares, strict=True)):
            if width >= 0.08:
                ax.text(
                    start + width / 2,
                    y,
                    percent(width),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=text_colour(colour),
                )
        left += shares
    ax.set_yticks(positions, [translate(str(s)) for s in mix.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_Percent(1.0))
    ax.set_title(translate(title))
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=min(len(mix.columns), 6),
        fontsize=8,
        frameon=False,
    )
    return ax


def plot_continuity(flow, ax: Axes | None = None) -> Axes:
    """Per customer process, the share of contact episodes settled in one contact, repeated
    in one channel, and crossing channels (:class:`Continuity`)."""
    table = flow.by_process
    ax = new_axes(ax, (7.5, 0.45 * len(table) + 1.9))
    parts = [
        ("one_contact", N_("settled in one contact"), GREEN),
        ("same_channel_repeat", N_("repeated in the same channel"), AMBER),
        ("cross_channel", N_("crossed channels"), RED),
    ]
    positions = np.arange(len(table))
    left = np.zeros(len(table))
    for column, label, colour in parts:
        shares = (table[column] / table["episodes"]).to_numpy(dtype=float)
        ax.barh(positions, shares, left=left, color=colour, label=translate(label))
        left += shares
    for y, rate in enumerate(table["cross_channel_rate"]):
        ax.text(1.01, y, percent(rate), va="center", fontsize=8, color=RED)
    ax.set_yticks(positions, [f"{p} ({count(n)})" for p, n in table["episodes"].items()])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_Percent(1.0))
    ax.set_xlabel(translate("share of contact episodes (episodes in brackets)"))
    ax.set_title(
        translate("Continuity per process: contacts within {days} days as one episode").format(
            days=count(flow.window_days)
        )
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8, frameon=False)
    return ax


def plot_channel_costs(
    costs: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Contact cost per channel over the last 12 months (:func:`channel_costs`), each bar
    labelled with its cost per contact and per resolved question."""
    ax = new_axes(ax, (7.5, 0.45 * len(costs) + 1.5))
    positions = np.arange(len(costs))
    ax.barh(positions, costs["total_cost"], color=BLUE)
    for y, row in enumerate(costs.itertuples()):
        label = translate("{amount} a contact").format(
            amount=money(row.cost_per_contact, decimals=2)
        )
        if pd.notna(row.cost_per_resolved):
            label += translate(", {amount} a resolved question").format(
                amount=money(row.cost_per_resolved, decimals=2)
            )
        ax.annotate(
            label,
            (row.total_cost, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
    ax.set_yticks(positions, [str(c) for c in costs.index])
    ax.invert_yaxis()
    ax.set_xlim(0, costs["total_cost"].max() * 1.8)
    money_axis(ax, in_currency(translate("last 12 months"), currency), axis="x")
    ax.set_title(translate("Contact cost per channel"))
    return ax


def plot_table_completeness(tables: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Completeness per table (:func:`crmlib.analytics.data_support.table_quality`), with
    each table's least filled column."""
    ax = new_axes(ax, (7.0, 0.4 * len(tables) + 1.4))
    positions = np.arange(len(tables))
    colours = [RED if c < 0.9 else BLUE for c in tables["completeness"]]
    ax.barh(positions, tables["completeness"], color=colours)
    for y, row in enumerate(tables.itertuples()):
        ax.text(
            0.01,
            y,
            translate("weakest: {column} ({fill})").format(
                column=row.weakest_column, fill=percent(row.weakest_fill)
            ),
            va="center",
            fontsize=7.5,
            color="white",
        )
    ax.set_yticks(positions, [str(t) for t in tables.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.axvline(0.9, color="grey", linestyle="--", linewidth=1)
    ax.xaxis.set_major_formatter(_Percent(1.0))
    ax.set_title(translate("Completeness per table (share of filled cells)"))
    return ax


def plot_customer_picture(
    aspects: pd.Series,
    ax: Axes | None = None,
    *,
    unmeasured: Sequence[str] = (),
    uncounted: Sequence[str] = (),
) -> Axes:
    """The mean completeness of the six aspects of the customer picture.

    Parameters
    ----------
    aspects : Series
        The six aspects and ``completeness`` (0-1), as
        :attr:`crmlib.models.payne_frow.Information.aspects`.
    unmeasured : sequence of str
        Aspects the data holds nothing of: written "not in the data", not drawn as 0.
    uncounted : sequence of str
        Aspects that only repeat "has bought": drawn in grey and marked as not counted
        in the overall completeness (the dashed line).
    """
    ax = new_axes(ax, (7.0, 3.2))
    shown = aspects.drop("completeness", errors="ignore")
    absent, plain = set(unmeasured), set(uncounted)
    for y, (aspect, value) in enumerate(shown.items()):
        if aspect in absent:
            ax.text(0.01, y, translate("not in the data"), va="center", fontsize=8, color=INK)
            continue
        colour = SILVER if aspect in plain else score_colour(value)
        ax.barh(y, value, color=colour)
        if aspect in plain:
            # written inside the bar: the words are longer than the room beside it
            words = translate("{share}, not counted: it repeats who bought")
            ax.text(0.02, y, words.format(share=percent(value)), va="center", fontsize=8,
                    color=INK)  # fmt: skip
        else:
            ax.text(min(value, 0.9) + 0.01, y, percent(value), va="center", fontsize=8)
    # the aspects' words are marked for the catalogue with the Payne & Frow model
    names = [translate(a.replace("_", " ")) for a in shown.index]
    ax.set_yticks(np.arange(len(shown)), names)
    ax.set_ylim(len(shown) - 0.5, -0.5)  # every row its room, drawn or written, top down
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_Percent(1.0))
    if "completeness" in aspects:
        counted = len(shown) - len(absent & set(shown.index)) - len(plain & set(shown.index))
        label = (
            translate("overall {share}")
            if counted == len(shown)
            else translate("overall {share}, over {n} of {total} aspects")
        )
        ax.axvline(
            aspects["completeness"],
            color="black",
            linestyle="--",
            linewidth=1,
            label=label.format(share=percent(aspects["completeness"]), n=counted, total=len(shown)),
        )
        ax.legend(loc="lower right", fontsize=8)
    ax.set_title(translate("How complete the customer picture is, per aspect"))
    return ax


#: The KPIs shown in the trend chart by default.
TREND_KPIS = (
    "revenue",
    "margin_per_customer",
    "retention_rate",
    "new_customers",
    "cost_to_serve_share",
    "satisfaction",
)


def plot_kpi_trends(
    history: pd.DataFrame,
    standards: Sequence[Standard] = (),
    axes=None,
    *,
    kpis: Sequence[str] = TREND_KPIS,
    currency: str | None = None,
):
    """Small multiples: one KPI per panel over the periods of :func:`kpi_history`, with its
    standard as a dashed line where the standard is a level.

    Returns
    -------
    ndarray of Axes
    """
    shown = [k for k in kpis if k in history.columns and history[k].notna().any()]
    if not shown:
        raise MissingDataError(translate("it needs at least one measured KPI"))
    columns = 3
    rows = int(np.ceil(len(shown) / columns))
    if axes is None:
        axes = plt.subplots(rows, columns, figsize=(10, 2.9 * rows), squeeze=False)[1]
    flat = np.asarray(axes).ravel()
    levels = {s.kpi: s for s in standards if s.kind in ("at least", "at most")}
    labels = [str(p) for p in history.index]
    for ax, kpi in zip(flat, shown, strict=False):
        values = history[kpi]
        ax.plot(labels, values.to_numpy(), "o-", color=BLUE)
        if kpi in levels:
            ax.axhline(
                levels[kpi].value,
                color=RED,
                linestyle="--",
                linewidth=1,
                label=translate("standard: {kind}").format(
                    kind=translate(STANDARD_KINDS.get(levels[kpi].kind, levels[kpi].kind))
                ),
            )
            ax.legend(fontsize=7, loc="best")
        unit = KPIS[kpi].unit
        if unit == "share":
            ax.yaxis.set_major_formatter(_Percent(1.0, decimals=0))
        elif unit in ("money", "count"):
            ax.yaxis.set_major_formatter(thousands())
        title = translate(KPIS[kpi].label)
        title = in_currency(title, currency) if unit == "money" else title
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in flat[len(shown) :]:
        ax.set_visible(False)
    flat[0].figure.tight_layout()
    return axes


def plot_scorecard(card: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The change of each KPI on the period before (:func:`scorecard`), green when it is
    good news and red when bad; ✔ or ✘ marks a KPI that meets or misses its standard.

    A KPI whose change cannot be measured is marked "n/a" and gets no bar. A scorecard
    without any measured change raises ValueError: there is nothing to draw, and the
    caller says so in words instead.
    """
    ax = new_axes(ax, (7.5, 0.38 * len(card) + 1.4))
    change = card["relative_change"].astype(float).clip(-1, 1)
    known = change.notna().to_numpy()
    if not known.any():
        raise ValueError("no KPI on the scorecard has a measured change to draw")
    colours = [SILVER if pd.isna(b) else GREEN if b else RED for b in card["better"]]
    positions = np.arange(len(card))
    # a change that cannot be measured gets no bar (a zero bar would read as "flat")
    ax.barh(positions[known], change[known], color=np.asarray(colours, dtype=object)[known])
    for position in positions[~known]:
        ax.text(0.01, position, translate("n/a"), va="center", fontsize=7, color=SILVER)
    labels = []
    for row in card.itertuples():
        mark = "" if pd.isna(row.meets) else (" ✔" if row.meets else " ✘")
        labels.append(f"{translate(row.label)}{mark}")
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(_Percent(1.0, decimals=0))
    before, now = card.attrs.get("periods", (None, None))
    ax.set_xlabel(
        translate("change, {now} on {before}").format(now=now, before=before)
        if before
        else translate("change")
    )
    ax.legend(
        handles=[
            Patch(color=GREEN, label=translate("better")),
            Patch(color=RED, label=translate("worse")),
            Patch(color=SILVER, label=translate("flat")),
        ],
        loc="lower right",
        fontsize=7,
    )
    ax.set_title(translate("KPI scorecard (✔ meets its standard, ✘ misses it)"))
    return ax


def plot_maturity(readiness, ax: Axes | None = None) -> Axes:
    """The five maturity levels as a ladder, the company's level highlighted."""
    item = readiness.answers.instrument.item("maturity_level")
    ax = new_axes(ax, (7.0, 3.0))
    for level in item.levels:
        here = readiness.maturity == level.level
        colour = BLUE if here else "#dfe6ec"
        ax.bar(level.level, level.level, color=colour, width=0.85)
        ax.text(
            level.level,
            level.level + 0.1,
            level.title.replace(" ", "\n", 1),
            ha="center",
            va="bottom",
            fontsize=7.5,
            fontweight="bold" if here else "normal",
        )
    ax.set_xticks([lv.level for lv in item.levels])
    ax.set_yticks([])
    ax.set_ylim(0, len(item.levels) + 1.4)
    ax.set_xlabel(translate("maturity level"))
    ax.set_title(
        translate("CRM maturity: level {level}").format(level=readiness.maturity)
        if readiness.maturity
        else translate("CRM maturity: not assessed")
    )
    return ax


def plot_elements(readiness, ax: Axes | None = None) -> Axes:
    """The four elements' scores, with the readiness verdict's floor and target."""
    elements = readiness.elements
    ax = new_axes(ax, (7.0, 2.8))
    positions = np.arange(len(elements))
    scores = elements["score"].astype(float)
    ax.barh(positions, scores.fillna(0.0), color=[score_colour(s) for s in scores])
    for y, (score, row) in enumerate(zip(scores, elements.itertuples(), strict=True)):
        label = (
            translate("not scored")
            if pd.isna(score)
            else f"{percent(score)} ({count(row.answered)}/{count(row.total)})"
        )
        ax.text((0 if pd.isna(score) else score) + 0.01, y, label, va="center", fontsize=8)
    ax.set_yticks(positions, [translate(t) for t in elements["title"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    ax.axvline(
        readiness.element_floor, color=RED, linestyle=":", linewidth=1, label=translate("floor")
    )
    ax.axvline(
        readiness.element_target,
        color=GREEN,
        linestyle="--",
        linewidth=1,
        label=translate("target"),
    )
    ax.xaxis.set_major_formatter(_Percent(1.0))
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title(
        translate("The four elements: {verdict}").format(verdict=translate(readiness.verdict))
    )
    return ax


def plot_process_scores(scores: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Each process measured on the data and scored in the workshop (:func:`process_scores`)."""
    ax = new_axes(ax, (7.5, 3.4))
    positions = np.arange(len(scores))
    height = 0.38
    ax.barh(
        positions - height / 2,
        scores["measured"].fillna(0.0),
        height,
        color=BLUE,
        label=translate("measured on the data"),
    )
    ax.barh(
        positions + height / 2,
        scores["assessed"].fillna(0.0),
        height,
        color=AMBER,
        label=translate("scored in the workshop"),
    )
    for y, row in enumerate(scores.itertuples()):
        for offset, value in ((-height / 2, row.measured), (height / 2, row.assessed)):
            text = translate("n/a") if pd.isna(value) else percent(value)
            ax.text(
                (0 if pd.isna(value) else value) + 0.01, y + offset, text, va="center", fontsize=7
            )
    ax.set_yticks(positions, [translate(t) for t in scores["title"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(_Percent(1.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8, frameon=False)
    ax.set_title(translate("The five processes: data and workshop"))
    return ax

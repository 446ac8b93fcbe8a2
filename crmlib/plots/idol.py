"""Charts of the Customer IDOL notebook: the customer picture, differentiation,
the five orchestration dimensions and segment migration.

Every function takes the table made by the matching function of
:mod:`crmlib.models` or :mod:`crmlib.analytics`, draws on ``ax`` (a new figure when
None) and returns the ``Axes``, so tests can read the chart back.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from crmlib.formatting import count, day, money, percent
from crmlib.plots.base import require_columns as _need
from crmlib.plots.style import (
    BLUE,
    GREEN,
    LIGHT,
    ORANGE,
    RED,
    SILVER,
    in_currency,
    money_ticks,
    new_axes,
)
from crmlib.text import N_, translate
from crmlib.text import label as words_of

#: Colours of the moves in migration charts.
MOVE_COLOURS = {"up": GREEN, "same": SILVER, "down": RED, "joined": BLUE}

#: The category values these charts show (aspects, tiers, knowledge levels, moves,
#: dimensions, value measures), marked for the catalogue: the charts translate each one
#: where it is drawn, the tables keep the English value the code reads.
SHOWN_WORDS = (
    N_("personal"),
    N_("product ownership"),
    N_("profitability"),
    N_("behaviour"),
    N_("needs"),
    N_("contact"),
    N_("completeness"),
    N_("platinum"),
    N_("gold"),
    N_("silver"),
    N_("bronze"),
    N_("poorly known"),
    N_("partly known"),
    N_("well known"),
    N_("up"),
    N_("same"),
    N_("down"),
    N_("joined"),
    N_("inactive"),
    N_("channels"),
    N_("customer processes"),
    N_("contact moments"),
    N_("products"),
    N_("customers"),
    N_("profit"),
    N_("revenue"),
    # the customer processes the checks know (open issues, routine contacts)
    N_("sales"),
    N_("information"),
    N_("billing"),
    N_("complaint"),
    N_("warranty"),
    N_("delivery"),
    # the usual channel names; a company's own names pass unchanged
    N_("call centre"),
    N_("store"),
    N_("webshop"),
    N_("e-mail"),
    N_("chat"),
    N_("social media"),
)


def shown(name: object) -> str:
    """A category value or column name as the reader reads it, in the report language."""
    return translate(words_of(name))


def _percent_ticks() -> FuncFormatter:
    """Axis ticks as shares in the report's number format (``20%``, ``20 %`` in Dutch)."""
    return FuncFormatter(lambda value, _: percent(value))


def _heatmap(
    ax: Axes,
    values: np.ndarray,
    texts: list[list[str]],
    rows: Sequence,
    columns: Sequence,
    cmap: str,
    vmin: float | None = None,
    vmax: float | None = None,
):
    masked = np.ma.masked_invalid(values.astype(float))
    image = ax.imshow(masked, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(len(columns)), [shown(c) for c in columns], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [shown(r) for r in rows])
    low, high = image.get_clim()
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if not texts[i][j]:
                continue
            level = (values[i, j] - low) / (high - low) if high > low else 0.0
            colour = "white" if np.isfinite(level) and level > 0.6 else "black"
            ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=7.5, color=colour)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return image


# -- identification ---------------------------------------------------------------------------


def plot_aspect_completeness(
    aspects: pd.Series,
    by_tier: pd.DataFrame | None = None,
    ax: Axes | None = None,
    *,
    title: str = "",
) -> Axes:
    """Bars: mean completeness per aspect over all customers; dots: per value tier.

    Parameters
    ----------
    aspects : Series
        Completeness (0-1) per aspect (``Identification.aspects``); ``completeness``
        is drawn as a dashed line.
    by_tier : DataFrame, optional
        Rows: tiers; columns: the aspects (``Identification.by_tier``).
    """
    ax = new_axes(ax)
    names = [a for a in aspects.index if a != "completeness"]
    if not title:
        title = (
            N_("Completeness of the six aspects of the customer picture")
            if len(names) >= 6
            else translate(
                "Completeness of the customer picture: the {aspects} of 6 aspects the data shows"
            ).format(aspects=count(len(names)))
        )
    positions = np.arange(len(names))
    ax.barh(
        positions,
        aspects[names].to_numpy(dtype=float),
        color=LIGHT,
        label=translate("all customers"),
    )
    if by_tier is not None and len(by_tier):
        markers = ["D", "o", "s", "^", "v", "P"]
        colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.8, len(by_tier)))
        for index, (tier, row) in enumerate(by_tier.iterrows()):
            ax.scatter(
                row[names].to_numpy(dtype=float),
                positions,
                marker=markers[index % len(markers)],
                color=colours[index],
                zorder=3,
                s=28,
                label=shown(tier),
            )
    if "completeness" in aspects.index:
        ax.axvline(float(aspects["completeness"]), color=BLUE, linestyle="--", linewidth=1)
    ax.set_yticks(positions, [shown(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.02)
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_xlabel(translate("share of the aspect known"))
    ax.set_title(translate(title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=7.5, ncol=6)
    return ax


def plot_knowledge_by_tier(
    knowledge: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("How well each value tier is known"),
) -> Axes:
    """Stacked bars per value tier: the shares of poorly, partly and well known customers."""
    ax = new_axes(ax, (7.5, 3.2))
    shares = knowledge.div(knowledge.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    colours = [RED, ORANGE, GREEN][-len(shares.columns) :]
    left = np.zeros(len(shares))
    positions = np.arange(len(shares))
    for colour, level in zip(colours, shares.columns, strict=False):
        width = shares[level].to_numpy(dtype=float)
        ax.barh(positions, width, left=left, color=colour, label=shown(level))
        for y, (x0, w, n) in enumerate(zip(left, width, knowledge[level], strict=True)):
            if w >= 0.06:
                ax.text(x0 + w / 2, y, count(n), ha="center", va="center", fontsize=7.5)
        left += width
    ax.set_yticks(positions, [shown(t) for t in shares.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_title(translate(title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, fontsize=8)
    return ax


# -- differentiation --------------------------------------------------------------------------


def plot_silhouette(
    selection: pd.DataFrame,
    k: int,
    ax: Axes | None = None,
    *,
    title: str = N_("Needs segments: separation per number of segments"),
) -> Axes:
    """Bars of the silhouette per number of segments; the chosen ``k`` in dark blue."""
    _need(selection, ["silhouette"], "silhouette")
    ax = new_axes(ax, (5, 3.5))
    ks = selection.index.to_numpy()
    colours = [BLUE if int(value) == int(k) else LIGHT for value in ks]
    ax.bar(ks, selection["silhouette"].to_numpy(dtype=float), color=colours)
    ax.set_xticks(ks)
    ax.set_xlabel(translate("number of needs segments (k)"))
    ax.set_ylabel(translate("mean silhouette (higher: better separated)"))
    ax.set_title(translate(title))
    return ax


def plot_needs_value_grid(
    counts: pd.DataFrame,
    mean_value: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    title: str = N_("Needs segments against value tiers"),
    value_label: str = "profit",
) -> Axes:
    """Heatmap of the needs-by-value grid: colour by mean value, customers in each cell.

    ``value_label`` names the value ("profit", or "revenue" when the data has no cost).
    """
    ax = new_axes(ax, (7, 3.6))
    values = mean_value.reindex_like(counts).to_numpy(dtype=float)
    texts = [
        [
            translate("{customers} cust.").format(customers=count(n)) + "\n" + money(v, currency)
            if n
            else ""
            for n, v in zip(row_n, row_v, strict=True)
        ]
        for row_n, row_v in zip(counts.to_numpy(), values, strict=True)
    ]
    image = _heatmap(ax, values, texts, counts.index, counts.columns, "Blues")
    ax.figure.colorbar(
        image,
        ax=ax,
        label=in_currency(
            translate("mean {value}, analysis window").format(value=translate(value_label)),
            currency,
        ),
    )
    ax.set_title(translate(title))
    return ax


def plot_granularity(
    tradeoff: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    grid_groups: int | None = None,
    title: str = N_("How close to one-to-one? Value against the cost of treatments"),
) -> Axes:
    """Value captured, cost and net value per number of groups (log scale), with the optimum.

    The measured part is drawn solid; the step to one-to-one, whose fit is 1 by
    definition, dashed. The vertical range follows the value at stake, so the cost of
    one-to-one runs off the chart (its figure is in the legend).
    """
    _need(tradeoff, ["n_groups", "value", "cost", "net", "measured", "optimum"], "granularity")
    ax = new_axes(ax, (8, 4.2))
    measured = tradeoff[tradeoff["measured"].to_numpy(dtype=bool)]
    x = tradeoff["n_groups"].to_numpy(dtype=float)
    for column, colour, label in (
        ("value", GREEN, N_("value captured")),
        ("cost", RED, N_("cost of treatments")),
        ("net", BLUE, N_("net value")),
    ):
        ax.plot(
            measured["n_groups"],
            measured[column],
            color=colour,
            linewidth=2,
            label=translate(label),
        )
        ax.plot(x[-2:], tradeoff[column].to_numpy()[-2:], color=colour, linestyle="--")
    best = tradeoff[tradeoff["optimum"].to_numpy(dtype=bool)].iloc[0]
    ax.scatter([best["n_groups"]], [best["net"]], color=BLUE, s=60, zorder=4)
    ax.annotate(
        translate("optimum: {groups} groups\nnet {net}").format(
            groups=count(best["n_groups"]), net=money(best["net"], currency)
        ),
        xy=(best["n_groups"], best["net"]),
        xytext=(18, -34),
        textcoords="offset points",
        fontsize=8,
        arrowprops={"arrowstyle": "-", "color": BLUE},
    )
    if grid_groups and (tradeoff["n_groups"] == grid_groups).any():
        grid = tradeoff[tradeoff["n_groups"] == grid_groups].iloc[0]
        ax.axvline(grid_groups, color=SILVER, linestyle=":", linewidth=1)
        ax.annotate(
            translate("needs x value grid"),
            xy=(grid_groups, grid["value"]),
            xytext=(4, 12),
            textcoords="offset points",
            fontsize=7.5,
            color="dimgrey",
        )
    last = tradeoff.iloc[-1]
    ax.plot(
        [],
        [],
        " ",
        label=translate("one-to-one: {groups} groups, cost {cost}").format(
            groups=count(last["n_groups"]), cost=money(last["cost"], currency)
        ),
    )
    stake = float(tradeoff["value"].max())
    top = max(stake, float(measured["cost"].min()), 1.0)
    ax.set_ylim(-0.6 * top, 1.25 * top)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel(translate("number of customer groups, each with its own treatment (log scale)"))
    ax.yaxis.set_major_formatter(money_ticks(currency))
    ax.set_ylabel(translate("per year"))
    ax.set_title(translate(title))
    ax.legend(loc="lower left", fontsize=7.5)
    return ax


def plot_look_alikes(
    members: pd.DataFrame,
    pair: Sequence[str] = (),
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    title: str = N_("Look-alike customers, very different value"),
    value_label: str = "profit",
) -> Axes:
    """One row per look-alike group: each member's value as a dot; ``pair`` highlighted.

    ``value_label`` names the value ("profit", or "revenue" when the data has no cost).
    """
    _need(members, ["group", "customer_id", "value"], "look-alike")
    groups = list(dict.fromkeys(members["group"]))
    ax = new_axes(ax, (8, 0.45 * len(groups) + 1.6))
    position = {g: i for i, g in enumerate(groups)}
    y = members["group"].map(position).to_numpy(dtype=float)
    ax.scatter(members["value"], y, color=SILVER, s=16, alpha=0.7, label=translate("a customer"))
    chosen = members["customer_id"].isin(list(pair)).to_numpy(dtype=bool)
    if chosen.any():
        picked = members[chosen]
        ax.scatter(
            picked["value"],
            y[chosen],
            color=RED,
            s=50,
            zorder=3,
            label=translate("the pair in the text"),
        )
        for _, row in picked.iterrows():
            ax.annotate(
                str(row["customer_id"]),
                xy=(row["value"], position[row["group"]]),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                color=RED,
            )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(groups)), groups, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(money_ticks(currency))
    ax.set_xlabel(translate("{value}, analysis window").format(value=translate(value_label)))
    ax.set_title(translate(title))
    ax.legend(loc="lower right", fontsize=7.5)
    return ax


# -- orchestration ----------------------------------------------------------------------------


def plot_handover_matrix(
    matrix: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Channels: handovers where the history did not follow"),
) -> Axes:
    """Heatmap from channel (rows) to channel (columns): the share of handovers lost.

    Each cell reads ``lost share (handovers)``; pairs without handovers are blank.
    """
    _need(matrix, ["from_channel", "to_channel", "handovers", "lost_rate"], "handover")
    ax = new_axes(ax, (6.5, 4.5))
    channels = sorted(set(matrix["from_channel"]) | set(matrix["to_channel"]))
    rate = matrix.pivot(index="from_channel", columns="to_channel", values="lost_rate")
    size = matrix.pivot(index="from_channel", columns="to_channel", values="handovers")
    rate = rate.reindex(index=channels, columns=channels)
    size = size.reindex(index=channels, columns=channels)
    texts = [
        [f"{percent(r)}\n({count(n)})" if n == n else "" for r, n in zip(rr, nn, strict=True)]
        for rr, nn in zip(rate.to_numpy(), size.to_numpy(), strict=True)
    ]
    image = _heatmap(ax, rate.to_numpy(), texts, channels, channels, "Reds", 0.0, 1.0)
    ax.figure.colorbar(image, ax=ax, format=_percent_ticks(), label=translate("history lost"))
    ax.set_xlabel(translate("to channel"))
    ax.set_ylabel(translate("from channel"))
    ax.set_title(translate(title))
    return ax


def plot_process_sync(
    overview: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Customer processes: repeats, unresolved issues and pushes"),
) -> Axes:
    """Paired bars per process: repeat rate and share never resolved; pushes while open as text."""
    _need(overview, ["episodes", "repeat_rate", "unresolved_rate", "pushed"], "process")
    ax = new_axes(ax, (7.5, 0.5 * len(overview) + 1.5))
    positions = np.arange(len(overview))
    height = 0.38
    ax.barh(
        positions - height / 2,
        overview["repeat_rate"].to_numpy(dtype=float),
        height,
        color=LIGHT,
        label=translate("more than one contact"),
    )
    ax.barh(
        positions + height / 2,
        overview["unresolved_rate"].fillna(0).to_numpy(dtype=float),
        height,
        color=RED,
        label=translate("never resolved"),
    )
    top = float(np.nanmax(overview[["repeat_rate", "unresolved_rate"]].to_numpy(dtype=float)))
    for y, (_, row) in enumerate(overview.iterrows()):
        if row["pushed"]:
            ax.text(
                top * 1.05,
                y,
                translate("{pushed} pushed while open").format(pushed=count(row["pushed"])),
                va="center",
                fontsize=7.5,
                color=ORANGE,
            )
    labels = [
        f"{shown(p)} ({count(n)})"
        for p, n in zip(overview.index, overview["episodes"], strict=True)
    ]
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(top * 1.6, 0.05))
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_xlabel(translate("share of the process's episodes (episodes in brackets)"))
    ax.set_title(translate(title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=7.5, ncol=2)
    return ax


def plot_repeat_contacts(
    moments: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Contact moments: contacts needed per question"),
) -> Axes:
    """Stacked bars per process: the shares of episodes settled in 1, 2, or 3+ contacts."""
    _need(moments, ["episodes", "one", "two", "three_plus"], "repeat contact")
    ax = new_axes(ax, (7.5, 0.45 * len(moments) + 1.5))
    shares = moments[["one", "two", "three_plus"]].div(moments["episodes"], axis=0)
    positions = np.arange(len(moments))
    left = np.zeros(len(moments))
    for column, colour, label in (
        ("one", GREEN, N_("1 contact")),
        ("two", ORANGE, N_("2 contacts")),
        ("three_plus", RED, N_("3 or more")),
    ):
        width = shares[column].to_numpy(dtype=float)
        ax.barh(positions, width, left=left, color=colour, label=translate(label))
        left += width
    ax.set_yticks(positions, [shown(p) for p in moments.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_xlabel(translate("share of episodes"))
    ax.set_title(translate(title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8)
    return ax


def plot_offer_conflicts(
    per_campaign: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Products: offers that clash with what the customer has"),
) -> Axes:
    """Stacked bars per campaign: the share of its offers to customers who just bought or
    returned the category."""
    _need(per_campaign, ["category", "offers", "just_bought", "returned"], "offer conflict")
    ax = new_axes(ax, (9, 3.8))
    positions = np.arange(len(per_campaign))
    offers = per_campaign["offers"].replace(0, np.nan).to_numpy(dtype=float)
    bought = per_campaign["just_bought"].to_numpy(dtype=float) / offers
    returned = per_campaign["returned"].to_numpy(dtype=float) / offers
    ax.bar(
        positions, np.nan_to_num(bought), color=ORANGE, label=translate("just bought the category")
    )
    ax.bar(
        positions,
        np.nan_to_num(returned),
        bottom=np.nan_to_num(bought),
        color=RED,
        label=translate("returned it"),
    )
    labels = [
        f"{c}\n" + "\n".join(textwrap.wrap(str(cat), 13))
        for c, cat in zip(per_campaign.index, per_campaign["category"], strict=True)
    ]
    ax.set_xticks(positions, labels, fontsize=7.5)
    top = float(np.nanmax(np.nan_to_num(bought + returned))) if len(positions) else 0.0
    ax.set_ylim(0, max(top * 1.35, 0.01))
    ax.yaxis.set_major_formatter(_percent_ticks())
    ax.set_ylabel(translate("share of the campaign's offers"))
    ax.set_title(translate(title))
    ax.legend(loc="upper right", fontsize=7.5, ncol=2)
    return ax


def plot_household_mix(
    households: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    title: str = N_("Related customers: best and worst member of each household"),
) -> Axes:
    """Scatter of each household's best against its worst member's profit; mixed ones red.

    A mixed household has a top customer and a loss-making one: the lower right.
    """
    _need(households, ["best_value", "worst_value", "mixed"], "household")
    ax = new_axes(ax, (7, 4.2))
    mixed = households["mixed"].to_numpy(dtype=bool)
    ax.scatter(
        households.loc[~mixed, "best_value"],
        households.loc[~mixed, "worst_value"],
        color=SILVER,
        s=14,
        alpha=0.6,
        label=translate("household or account"),
    )
    ax.scatter(
        households.loc[mixed, "best_value"],
        households.loc[mixed, "worst_value"],
        color=RED,
        s=22,
        label=translate("top customer beside a loss-making one"),
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_yscale("symlog", linthresh=10)
    ax.set_xscale("symlog", linthresh=10)
    ax.xaxis.set_major_formatter(money_ticks(currency))
    ax.yaxis.set_major_formatter(money_ticks(currency))
    ax.set_xlabel(translate("best member: profit, last 12 months (symmetric log scale)"))
    ax.set_ylabel(translate("worst member"))
    ax.set_title(translate(title))
    ax.legend(loc="upper left", fontsize=7.5)
    return ax


def plot_orchestration_scorecard(
    scorecard: pd.DataFrame,
    assessed: pd.Series | None = None,
    ax: Axes | None = None,
    *,
    title: str = N_("Orchestration: mismatch rate per dimension"),
) -> Axes:
    """Bars of the measured mismatch rate per dimension, with the workshop's practice
    score (0-100 %) as a diamond where it was assessed; dimensions not checked are
    labelled so."""
    _need(scorecard, ["rate"], "orchestration scorecard")
    ax = new_axes(ax, (7.5, 3.6))
    positions = np.arange(len(scorecard))
    rates = scorecard["rate"].to_numpy(dtype=float)
    ax.barh(positions, np.nan_to_num(rates), color=RED, label=translate("mismatches (data)"))
    for y, rate in enumerate(rates):
        text = percent(rate) if np.isfinite(rate) else translate("not checked: no data")
        ax.text((rate if np.isfinite(rate) else 0) + 0.01, y, text, va="center", fontsize=7.5)
    if assessed is not None and assessed.notna().any():
        scores = assessed.reindex(scorecard.index).to_numpy(dtype=float) / 100
        ax.scatter(
            scores,
            positions,
            marker="D",
            color=BLUE,
            zorder=3,
            label=translate("practice score (workshop)"),
        )
    ax.set_yticks(positions, [shown(d) for d in scorecard.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent_ticks())
    ax.set_title(translate(title))
    ax.legend(loc="lower right", fontsize=7.5)
    return ax


# -- learning ------------------------------------------------------------------------------------


def plot_transition_matrix(
    rates: pd.DataFrame,
    counts: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Segment migration: where each segment went"),
) -> Axes:
    """Heatmap of the transition shares (rows: before; columns: after), with customers."""
    ax = new_axes(ax, (6.5, 4.8))
    values = rates.to_numpy(dtype=float)
    texts = [
        [f"{percent(r)}\n{count(n)}" if n else "" for r, n in zip(rr, nn, strict=True)]
        for rr, nn in zip(values, counts.reindex_like(rates).to_numpy(), strict=True)
    ]
    image = _heatmap(ax, values, texts, rates.index, rates.columns, "Blues", 0.0, 1.0)
    ax.figure.colorbar(image, ax=ax, format=_percent_ticks(), label=translate("share of the row"))
    ax.set_xlabel(translate("segment now"))
    ax.set_ylabel(translate("segment then"))
    ax.set_title(translate(title))
    return ax


def _smooth(start: float, end: float, x: np.ndarray) -> np.ndarray:
    s = 3 * x**2 - 2 * x**3
    return start + (end - start) * s


def plot_migration_flows(
    flows: pd.DataFrame,
    order: Sequence[str],
    ax: Axes | None = None,
    *,
    first: str = N_("then"),
    second: str = N_("now"),
    title: str = N_("Segment migration: the flows"),
) -> Axes:
    """A flow chart (Sankey-like): segments then on the left, now on the right, bands
    as wide as the customers who moved; green up, red down, grey stayed, blue joined."""
    _need(flows, ["before", "after", "move", "customers"], "migration flow")
    ax = new_axes(ax, (7.5, 5))
    left_states = [s for s in [*order, "joined"] if s in set(flows["before"])]
    right_states = [s for s in order if s in set(flows["after"])]
    total = float(flows["customers"].sum())
    gap = 0.02 * total

    def positions(states, column):
        sizes = flows.groupby(column)["customers"].sum()
        tops, y = {}, 0.0
        for state in states:
            tops[state] = y
            y += float(sizes.get(state, 0)) + gap
        return tops, sizes

    left_top, left_size = positions(left_states, "before")
    right_top, right_size = positions(right_states, "after")
    left_used = dict.fromkeys(left_states, 0.0)
    right_used = dict.fromkeys(right_states, 0.0)
    x = np.linspace(0.08, 0.92, 60)
    ranked = {s: i for i, s in enumerate(order)}
    ordered = flows.assign(
        _l=flows["before"].map({s: i for i, s in enumerate(left_states)}),
        _r=flows["after"].map(ranked),
    ).sort_values(["_l", "_r"])
    for _, flow in ordered.iterrows():
        width = float(flow["customers"])
        y0 = left_top[flow["before"]] + left_used[flow["before"]]
        y1 = right_top[flow["after"]] + right_used[flow["after"]]
        left_used[flow["before"]] += width
        right_used[flow["after"]] += width
        ax.fill_between(
            x,
            _smooth(y0, y1, (x - x[0]) / (x[-1] - x[0])),
            _smooth(y0 + width, y1 + width, (x - x[0]) / (x[-1] - x[0])),
            color=MOVE_COLOURS.get(flow["move"], SILVER),
            alpha=0.45,
            linewidth=0,
        )
    for states, tops, sizes, xpos, align in (
        (left_states, left_top, left_size, 0.07, "right"),
        (right_states, right_top, right_size, 0.93, "left"),
    ):
        for state in states:
            size = float(sizes.get(state, 0))
            ax.add_patch(
                plt.Rectangle(
                    (xpos - 0.01 if align == "right" else xpos - 0.0, tops[state]),
                    0.01,
                    size,
                    color="dimgrey",
                )
            )
            ax.text(
                xpos - 0.015 if align == "right" else xpos + 0.015,
                tops[state] + size / 2,
                f"{shown(state)} ({count(size)})",
                ha=align,
                va="center",
                fontsize=8,
            )
    height = max(
        max((left_top[s] + float(left_size.get(s, 0)) for s in left_states), default=0),
        max((right_top[s] + float(right_size.get(s, 0)) for s in right_states), default=0),
    )
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(height + gap, -gap)
    ax.set_xticks([0.07, 0.93], [translate(first), translate(second)])
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.legend(
        handles=[Patch(color=c, alpha=0.6, label=shown(m)) for m, c in MOVE_COLOURS.items()],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=4,
        fontsize=8,
    )
    ax.set_title(translate(title))
    return ax


def plot_value_shift(
    value: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    title: str = N_("What the moves did to value, by segment then"),
    value_label: str = "profit",
) -> Axes:
    """Paired bars per segment at the first date: its value then and now.

    ``value_label`` names the value ("profit", or "revenue" when the data has no cost).
    """
    _need(value, ["value_before", "value_after"], "value shift")
    ax = new_axes(ax, (7.5, 3.8))
    positions = np.arange(len(value))
    width = 0.38
    ax.bar(
        positions - width / 2,
        value["value_before"],
        width,
        color=SILVER,
        label=translate("12 months to then"),
    )
    ax.bar(
        positions + width / 2,
        value["value_after"],
        width,
        color=BLUE,
        label=translate("12 months to now"),
    )
    ax.set_xticks(positions, [shown(s) for s in value.index])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(money_ticks(currency))
    ax.set_ylabel(translate(value_label))
    ax.set_title(translate(title))
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_movers(
    movers: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Needs segments on the move"),
) -> Axes:
    """Diverging bars per group: the share that moved up (right) and down (left)."""
    _need(movers, ["up", "down"], "movers")
    ax = new_axes(ax, (7, 0.5 * len(movers) + 1.5))
    positions = np.arange(len(movers))
    ax.barh(positions, movers["up"].to_numpy(dtype=float), color=GREEN, label=translate("moved up"))
    ax.barh(
        positions, -movers["down"].to_numpy(dtype=float), color=RED, label=translate("moved down")
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(positions, [shown(g) for g in movers.index])
    ax.invert_yaxis()
    limit = float(np.nanmax(movers[["up", "down"]].to_numpy(dtype=float))) * 1.15 or 1.0
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(abs(v))))
    ax.set_title(translate(title))
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_response_matrix(
    matrix: pd.DataFrame,
    ax: Axes | None = None,
    *,
    title: str = N_("Response rate per campaign and segment"),
) -> Axes:
    """Heatmap of response rates: campaigns (rows) by segment (columns); blank when too few."""
    ax = new_axes(ax, (7, 0.4 * len(matrix) + 1.8))
    values = matrix.to_numpy(dtype=float)
    texts = [[percent(v) if v == v else "" for v in row] for row in values]
    image = _heatmap(ax, values, texts, matrix.index, matrix.columns, "Greens", 0.0)
    ax.figure.colorbar(image, ax=ax, format=_percent_ticks(), label=translate("responded"))
    ax.set_title(translate(title))
    return ax


# -- composite figures and live views -------------------------------------------------------


def plot_needs_segments(grid, *, currency: str | None = None) -> list[Axes]:
    """Two figures: the silhouette per k (why this many segments) and the needs-by-value
    grid, from :func:`crmlib.models.idol.differentiate.needs_grid`. Returns their axes."""
    return [
        plot_silhouette(grid.segments.selection, grid.segments.k),
        plot_needs_value_grid(
            grid.counts,
            grid.mean_value,
            currency=currency,
            value_label=getattr(grid, "value_label", "profit"),
        ),
    ]


def plot_migration(migration) -> list[Axes]:
    """Two figures: the transition matrix and the flow chart of a
    :class:`crmlib.models.idol.learn.Migration`. Returns their axes."""
    return [
        plot_transition_matrix(migration.rates, migration.matrix),
        plot_migration_flows(
            migration.flows,
            migration.order,
            first=day(migration.first),
            second=day(migration.second),
        ),
    ]

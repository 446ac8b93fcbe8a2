"""Charts of Buttle's CRM value chain: portfolio matrix, strategic types, intimacy,
network, proposition, relationship measures and the stage scores.

Every function takes the table a :mod:`crmlib.models.value_chain` step returns and
``ax=None`` (a new figure is made), and returns the ``Axes`` it drew on. The tables keep
their English names and categories (the code reads them); every word drawn is translated
here, where it is drawn.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from crmlib.diagrams.shapes import score_colour
from crmlib.formatting import count, decimal, percent
from crmlib.plots.style import AMBER, BLUE, GREEN, RED, SILVER, in_currency, new_axes
from crmlib.text import N_, label, translate

_LIGHT = "#9ec3dc"
_INK = "#2c3e50"
# The quadrants' names (crmlib.analytics.portfolio) are marked here, where they are drawn.
QUADRANT_COLOURS = {
    N_("invest"): BLUE,
    N_("protect"): GREEN,
    N_("develop"): AMBER,
    N_("maintain"): "#bdc3c7",
    N_("core"): GREEN,
    N_("demanding"): BLUE,
    N_("cost risk"): RED,
    N_("low touch"): "#bdc3c7",
}

# The customer groups the charts compare, as their tables name them.
GROUPS = {"SSC": N_("SSC"), "other": N_("other"), "all": N_("all")}


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _words(name: object) -> str:
    """A category or element name as the reader sees it: in words, in the report language."""
    return translate(label(name))


# An offer element is named "category: plants" or "channel: store" (crmlib.analytics.proposition).
_ELEMENT_KINDS = {"category": N_("category"), "channel": N_("channel")}


def element_name(element: object) -> str:
    """An offer element as the reader sees it: its kind translated, its name (data) as it is."""
    kind, sep, name = str(element).partition(": ")
    if sep and kind in _ELEMENT_KINDS:
        return f"{translate(_ELEMENT_KINDS[kind])}: {name}"
    return str(element)


def _percent_axis(axis) -> None:
    # the locale's percentages ("20 %" in Dutch), as in the text
    axis.set_major_formatter(FuncFormatter(lambda value, _: percent(value)))


def plot_portfolio_matrix(
    matrix: pd.DataFrame,
    quadrants: pd.DataFrame,
    ax: Axes | None = None,
    *,
    currency: str | None = None,
    title: str = N_("Customer portfolio matrix"),
    highlight: pd.Series | None = None,
    highlight_label: str = N_("cost magnets"),
) -> Axes:
    """Each customer as a dot, current value against the matrix's y axis, by quadrant.

    Both axes are symmetric-logarithmic, so that a few large customers do not squeeze
    the many small ones into a corner; the red lines are the cuts between high and
    low. Each quadrant is labelled with its customers and its share of current value.

    Parameters
    ----------
    matrix : DataFrame
        From :func:`crmlib.analytics.portfolio.portfolio_matrix` (its ``attrs`` hold
        the cuts and, optionally, ``y_label``).
    quadrants : DataFrame
        From :func:`crmlib.analytics.portfolio.quadrant_summary`.
    highlight : Series of bool, optional
        Customers to ring in black (e.g. the cost magnets), indexed like ``matrix``.
    highlight_label : str
        Their name in the legend.

    ``title`` and ``highlight_label`` are English and translated here.
    """
    ax = new_axes(ax, (6.5, 4.8))
    for name in quadrants.index:
        members = matrix[(matrix["quadrant"] == name).to_numpy(dtype=bool)]
        ax.scatter(
            members["x"].fillna(0.0),
            members["y"].fillna(0.0),
            s=6,
            alpha=0.5,
            color=QUADRANT_COLOURS.get(name, SILVER),
            label=translate(name),
            rasterized=True,
        )
    if highlight is not None:
        ringed = matrix[highlight.reindex(matrix.index).fillna(False).to_numpy(dtype=bool)]
        if len(ringed):
            rings = ax.scatter(
                ringed["x"].fillna(0.0),
                ringed["y"].fillna(0.0),
                s=22,
                facecolors="none",
                edgecolors=_INK,
                linewidths=0.7,
                label=translate(highlight_label),
            )
            ax.legend(handles=[rings], loc="lower center", fontsize=7, frameon=False)
    for cut, line in (
        (matrix.attrs.get("x_cut"), ax.axvline),
        (matrix.attrs.get("y_cut"), ax.axhline),
    ):
        if cut is not None and np.isfinite(cut):
            line(cut, color=RED, linewidth=1)
    ax.set_xscale("symlog", linthresh=10)
    ax.set_yscale("symlog", linthresh=10)
    if len(matrix) and matrix["y"].fillna(0).min() >= 0:
        # nothing below zero (expected value, cost): keep just room for the labels there
        ax.set_ylim(bottom=-12)
    corners = {0: (0.02, "left"), 1: (0.98, "right")}
    sides = matrix.attrs.get("sides", {})
    for name, row in quadrants.iterrows():
        # each label sits in the outer corner of its own quadrant
        high_x, high_y = sides.get(name, (False, False))
        x, align = corners[int(high_x)]
        share = row["value_share"]
        text = "\n".join(
            [translate(name), translate("{n} customers").format(n=count(row["customers"]))]
        )
        if pd.notna(share):
            text += "\n" + translate("{share} of value").format(share=percent(share))
        ax.text(
            x,
            0.97 if high_y else 0.03,
            text,
            transform=ax.transAxes,
            ha=align,
            va="top" if high_y else "bottom",
            fontsize=8,
            color=QUADRANT_COLOURS.get(name, _INK),
            fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.5},
        )
    ax.set_xlabel(in_currency(translate("current value, last period"), currency))
    y_label = matrix.attrs.get("y_label") or label(matrix.attrs.get("y_col", "y"))
    ax.set_ylabel(in_currency(translate(y_label), currency))
    ax.set_title(translate(title))
    return ax


def plot_strategic_types(counts: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The SSCs and the customers of each of Buttle's value-chain types (one bar each; the
    types overlap the SSCs); types the data cannot define are grey.

    Parameters
    ----------
    counts : DataFrame
        Indexed by type: ``customers``, ``value_share``, ``status`` ("measured" or
        "not measurable"), as :meth:`crmlib.models.value_chain.Portfolio.type_counts`.
    """
    ax = new_axes(ax, (6, 4))
    labels = list(counts.index)[::-1]
    rows = counts.loc[labels]
    values = rows["customers"].astype("Float64").fillna(0).to_numpy(dtype=float)
    measured = (rows["status"] == "measured").to_numpy(dtype=bool)
    colours = [BLUE if m else SILVER for m in measured]
    positions = np.arange(len(labels))
    ax.barh(positions, values, color=colours)
    top = values.max() if len(values) and values.max() > 0 else 1.0
    for position, value, is_measured, share in zip(
        positions, values, measured, rows["value_share"], strict=True
    ):
        if is_measured:
            text = count(value)
            if pd.notna(share):
                text += " " + translate("({share} of value)").format(share=percent(share))
        else:
            text = translate("not measurable from the data")
        ax.text(value + top * 0.02, position, text, va="center", fontsize=8, color=_INK)
    ax.set_yticks(positions)
    ax.set_yticklabels([_wrap(translate(name), 24) for name in labels], fontsize=8)
    ax.set_xlim(0, top * 1.6)
    ax.set_xlabel(translate("customers"))
    ax.set_title(translate("SSCs and Buttle's value-chain types (types overlap)"))
    return ax


def plot_intimacy(
    aspects: pd.DataFrame, ax: Axes | None = None, unmeasured: Sequence[str] = ()
) -> Axes:
    """Completeness of each aspect of the customer picture: SSCs against the others.

    Parameters
    ----------
    aspects : DataFrame
        Rows ``SSC`` and ``other``; columns the six aspects and ``completeness``
        (0-1), as :attr:`crmlib.models.value_chain.Intimacy.aspects`.
    unmeasured : sequence of str
        Aspects the data holds nothing of (:attr:`Intimacy.unmeasured`): written "not
        in the data" instead of drawn as empty bars.
    """
    ax = new_axes(ax, (7.5, 3.8))
    columns = list(aspects.columns)
    positions = np.arange(len(columns))
    absent = np.array([c in set(unmeasured) for c in columns], dtype=bool)
    height = 0.38
    for offset, (group, colour) in zip(
        (-height / 2, height / 2), (("SSC", BLUE), ("other", _LIGHT)), strict=True
    ):
        if group not in aspects.index:
            continue
        values = aspects.loc[group, columns].to_numpy(dtype=float)
        ax.barh(
            positions[~absent] + offset,
            values[~absent],
            height=height,
            color=colour,
            label=translate(GROUPS[group]),
        )
    for position in positions[absent]:
        ax.text(0.01, position, translate("not in the data"), va="center", fontsize=7, color=_INK)
    ax.set_yticks(positions)
    ax.set_yticklabels([_words(c) for c in columns], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(translate("share of the picture that is known"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(translate("What the company knows: SSCs against other customers"))
    return ax


def plot_touchpoints(touchpoints: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Share of SSCs and of other customers with a record at each touchpoint.

    Parameters
    ----------
    touchpoints : DataFrame
        From :func:`crmlib.models.value_chain.touchpoint_knowledge`.

    Raises
    ------
    ValueError
        Without touchpoints: there is nothing to draw, and the caller says so in words.
    """
    if touchpoints.empty:
        raise ValueError("no touchpoint to draw: the data records no channel")
    ax = new_axes(ax, (7.5, 0.35 * max(len(touchpoints), 3) + 1.2))
    positions = np.arange(len(touchpoints))
    height = 0.38
    ax.barh(
        positions - height / 2,
        touchpoints["ssc_reached"],
        height=height,
        color=BLUE,
        label=translate(GROUPS["SSC"]),
    )
    ax.barh(
        positions + height / 2,
        touchpoints["other_reached"],
        height=height,
        color=_LIGHT,
        label=translate(GROUPS["other"]),
    )
    for position, feedback in zip(positions, touchpoints["feedback_share"], strict=True):
        if pd.notna(feedback):
            ax.text(
                1.01,
                position,
                translate("{share} rated").format(share=percent(feedback)),
                va="center",
                fontsize=7,
                color=_INK,
                transform=ax.get_yaxis_transform(),
            )
    ax.set_yticks(positions)
    ax.set_yticklabels(touchpoints.index, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(translate("share of customers with a record there"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(translate("Touchpoints: where the company meets its SSCs"))
    return ax


def plot_party_alignment(parties: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Alignment on customer data per party of the network (workshop score, % of maximum).

    Parameters
    ----------
    parties : DataFrame
        Indexed by party, with ``percent`` (NaN when not scored), as
        :attr:`crmlib.models.value_chain.Network.parties`.
    """
    ax = new_axes(ax, (6.5, 3.0))
    positions = np.arange(len(parties))
    values = parties["percent"].to_numpy(dtype=float)
    colours = [score_colour(v / 100) if np.isfinite(v) else SILVER for v in values]
    ax.barh(positions, np.nan_to_num(values), color=colours)
    for position, value in zip(positions, values, strict=True):
        text = percent(value / 100) if np.isfinite(value) else translate("not scored")
        ax.text((value if np.isfinite(value) else 0) + 1.5, position, text, va="center", fontsize=8)
    ax.set_yticks(positions)
    ax.set_yticklabels([_words(p) for p in parties.index], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel(translate("alignment on customer data (% of maximum)"))
    ax.set_title(translate("Network alignment per party"))
    return ax


def plot_supplier_value(
    suppliers: pd.DataFrame, ax: Axes | None = None, *, top: int = 10, currency: str | None = None
) -> Axes:
    """Revenue of the suppliers whose products carry most SSC revenue, split SSC / other.

    Parameters
    ----------
    suppliers : DataFrame
        From :func:`crmlib.models.value_chain.supplier_value`.
    top : int, default 10
        Suppliers shown.
    """
    ax = new_axes(ax, (7.5, 0.32 * min(top, len(suppliers)) + 1.3))
    shown = suppliers.sort_values("share_of_ssc_revenue", ascending=False).head(top)
    positions = np.arange(len(shown))
    ssc = shown["ssc_revenue"].to_numpy(dtype=float)
    other = shown["revenue"].to_numpy(dtype=float) - ssc
    ax.barh(positions, ssc, color=BLUE, label=translate("bought by SSCs"))
    ax.barh(positions, other, left=ssc, color=_LIGHT, label=translate("bought by others"))
    for position, total, share in zip(
        positions, ssc + other, shown["share_of_ssc_revenue"], strict=True
    ):
        note = translate("{share} of SSC revenue").format(share=percent(share))
        ax.text(total, position, f"  {note}", va="center", fontsize=7, color=_INK)
    ax.set_yticks(positions)
    ax.set_yticklabels(shown.index, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, (ssc + other).max() * 1.35 if len(shown) else 1)
    ax.set_xlabel(in_currency(translate("revenue, last period"), currency))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(translate("Suppliers and the SSC value their products carry"))
    return ax


def plot_needs_offer(
    association: pd.DataFrame,
    ax: Axes | None = None,
    *,
    need_map: dict[str, list[str]] | None = None,
) -> Axes:
    """Heatmap of the correlation between each need and each offer element's revenue share.

    Parameters
    ----------
    association : DataFrame
        From :func:`crmlib.analytics.proposition.needs_offer_association`.
    need_map : dict, optional
        Need -> elements; these cells are outlined (the map the fit uses).
    """
    ax = new_axes(ax, (0.55 * association.shape[1] + 2.5, 0.4 * association.shape[0] + 2.2))
    values = association.to_numpy(dtype=float)
    limit = max(np.nanmax(np.abs(values)) if np.isfinite(values).any() else 0.1, 0.1)
    image = ax.imshow(values, cmap="RdBu", vmin=-limit, vmax=limit, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(
                column,
                row,
                decimal(value, 2),
                ha="center",
                va="center",
                fontsize=6.5,
                color=_INK if abs(value) < limit * 0.6 else "white",
            )
    ax.set_xticks(np.arange(association.shape[1]))
    ax.set_xticklabels(
        [_wrap(element_name(c), 16) for c in association.columns], rotation=90, fontsize=7
    )
    ax.set_yticks(np.arange(association.shape[0]))
    ax.set_yticklabels([_words(n) for n in association.index], fontsize=8)
    rows, columns = list(association.index), list(association.columns)
    for need, elements in (need_map or {}).items():
        for element in elements:
            if need in rows and element in columns:
                ax.add_patch(
                    Rectangle(
                        (columns.index(element) - 0.5, rows.index(need) - 0.5),
                        1,
                        1,
                        fill=False,
                        edgecolor=_INK,
                        linewidth=1.6,
                    )
                )
    plt.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label=translate("Spearman correlation"))
    ax.set_title(translate("Which parts of the offer go with which needs"))
    return ax


def plot_proposition_fit(profile: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The offer-needs fit of each needs segment, with its SSC share as a label.

    Parameters
    ----------
    profile : DataFrame
        Indexed by segment, with ``fit`` and ``ssc_share``, as
        :attr:`crmlib.models.value_chain.Proposition.profile`.
    """
    ax = new_axes(ax, (6.5, 0.5 * len(profile) + 1.4))
    shown = profile.sort_values("fit")
    positions = np.arange(len(shown))
    fits = shown["fit"].to_numpy(dtype=float)
    ax.barh(positions, np.nan_to_num(fits), color=[score_colour(f) for f in fits])
    for position, fit, ssc in zip(positions, fits, shown["ssc_share"], strict=True):
        said = percent(fit) if np.isfinite(fit) else translate("no distinctive need")
        ssc_said = translate("({share} SSCs)").format(share=percent(ssc))
        ax.text(
            (fit if np.isfinite(fit) else 0) + 0.02,
            position,
            f"{said}  {ssc_said}",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(positions)
    ax.set_yticklabels([_wrap(s, 26) for s in shown.index], fontsize=8)
    ax.set_xlim(0, 1.3)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(translate("offer-needs fit"))
    ax.set_title(translate("How well the offer fits each needs segment"))
    return ax


def plot_relationship_measures(measures: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Each lifecycle measure per segment as a bar, with its target as a black tick.

    Parameters
    ----------
    measures : DataFrame
        From :attr:`crmlib.models.value_chain.Relationships.measures`. Acquisition
        (new customers per customer lost) is drawn on the same axis as the shares.
    """
    ax = new_axes(ax, (7.5, 0.38 * len(measures) + 1.3))
    positions = np.arange(len(measures))
    values = measures["value"].to_numpy(dtype=float)
    colours = [
        BLUE if s == "SSC" else (_LIGHT if s == "other" else SILVER) for s in measures["segment"]
    ]
    ax.barh(positions, np.nan_to_num(values), color=colours)
    ax.scatter(
        measures["target"],
        positions,
        marker="|",
        s=260,
        color=_INK,
        zorder=3,
        label=translate("target"),
    )
    for position, value, target in zip(positions, values, measures["target"], strict=True):
        if np.isfinite(value):
            ax.text(
                max(value, target) + 0.03,
                position,
                percent(value) if value <= 1.5 else decimal(value, 2),
                va="center",
                fontsize=8,
                color=RED if value < target else _INK,
            )
    labels = [
        f"{translate(m)} ({translate(GROUPS.get(s, s))})"
        for m, s in zip(measures["measure"], measures["segment"], strict=True)
    ]
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    upper = np.nanmax(np.r_[values, measures["target"].to_numpy(dtype=float), 1.0])
    ax.set_xlim(0, upper * 1.2)
    ax.set_xlabel(translate("share of customers (acquisition: new per lost customer)"))
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(translate("Relationship management against targets"))
    return ax


def plot_stage_scores(
    scores: pd.DataFrame, ax: Axes | None = None, *, limiting: str | None = None
) -> Axes:
    """Every stage's score (0-1), primary stages first; the limiting stage is outlined.

    Parameters
    ----------
    scores : DataFrame
        From :meth:`crmlib.models.value_chain.ValueChain.stage_scores`. A ``partial``
        score (over part of what its stage measures) is drawn grey, not as a grade.
    limiting : str, optional
        The stage to outline; only when another stage of its kind is scored to compare
        it with (one scored stage limits nothing).
    """
    ax = new_axes(ax, (7.5, 0.34 * len(scores) + 1.4))
    positions = np.arange(len(scores))
    values = scores["score"].to_numpy(dtype=float)
    partial = (
        scores["partial"].to_numpy(dtype=bool)
        if "partial" in scores.columns
        else np.zeros(len(scores), dtype=bool)
    )
    colours = [
        score_colour(v) if np.isfinite(v) and not part else SILVER
        for v, part in zip(values, partial, strict=True)
    ]
    bars = ax.barh(positions, np.nan_to_num(values), color=colours)
    if limiting is not None and limiting in scores.index:
        kind = scores.loc[limiting, "kind"]
        if int(scores.loc[scores["kind"] == kind, "score"].notna().sum()) < 2:
            limiting = None
    for bar, name in zip(bars, scores.index, strict=True):
        if name == limiting:
            bar.set_edgecolor(_INK)
            bar.set_linewidth(2)
    for position, value, basis, part in zip(
        positions, values, scores["basis"], partial, strict=True
    ):
        if not np.isfinite(value):
            text = translate("not scored")
        elif part:
            text = translate("{score} (data, over part of the picture)").format(
                score=percent(value)
            )
        else:
            text = f"{percent(value)} ({translate(basis)})"
        ax.text(
            (value if np.isfinite(value) else 0) + 0.02, position, text, va="center", fontsize=8
        )
    primary = int((scores["kind"] == "primary").sum())
    if 0 < primary < len(scores):
        ax.axhline(primary - 0.5, color=SILVER, linewidth=1, linestyle="--")
    ax.set_yticks(positions)
    ax.set_yticklabels([translate(name) for name in scores.index], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.3)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(translate("score (primary stages above the line, supporting conditions below)"))
    ax.set_title(translate("The value chain stage by stage"))
    return ax

"""Customer portfolio analysis: the portfolio matrix and the strategic customer types.

Buttle's CRM value chain starts with *customer portfolio analysis*: find the
strategically significant customers (SSCs), the customers who bring the most value,
and understand them well enough to maximise their lifetime value. This module works on
the per-customer table of :func:`crmlib.analytics.segments.customer_segments` (or any
table with the same value columns).

The portfolio matrix
--------------------
Two measures split the customers into four quadrants, each with a treatment. The
"high" side of an axis is the top ``share`` of all customers on that measure (ties at
the cut are all in, and only values above 0 count as high), the rule of the SSC flag
(:func:`crmlib.analytics.pareto.flag_ssc`). Two grids are offered:

- **current value against potential** (``y_col="clv"``): the expected margin of the
  next period against the margin of the last one. High/high *invest*, high current
  only *protect*, high potential only *develop*, low/low *maintain*;
- **current value against cost to serve** (``y_col="cost_to_serve"``): high value and
  low cost *core*, high value and high cost *demanding*, low value and high cost *cost
  risk*, low/low *low touch*. It follows the customer profitability matrix of Shapiro,
  Rangan, Moriarty & Ross (1987, "Manage customers for profits (not just sales)",
  Harvard Business Review), with margin in place of price.

The quadrant names are the workbook's.

The strategic types
-------------------
Buttle (*Customer Relationship Management: Concepts and Technologies*) names the types
of strategically significant customer: customers with a high future lifetime value,
high-volume customers, benchmark customers (whom others follow), customers who inspire
change in the supplier, customers who absorb fixed costs, and door-openers (to new
markets or networks). The Dutch source the workbook follows lists "cost magnets"; the
workbook reads them as Buttle's customers who absorb fixed costs, since a significant
customer is one the company needs, not one that loses it money. Each type is defined
where the data allows (:data:`STRATEGIC_TYPES`):

- **high future lifetime value**: the top ``future_share`` of customers by expected
  lifetime value (the base's ``lifetime_value``, over its stated horizon), value above 0;
- **high volume**: the top ``volume_share`` of customers by purchases (days with a
  purchase in the base's window), at least one purchase;
- **absorbs fixed costs**: the fewest customers, from the largest contribution
  (margin after cost to serve) down, who together bring ``absorb_share`` of the total
  positive contribution: the customers whose contribution pays most of the fixed costs.
  How much of the fixed costs they cover needs the fixed-cost total, which the data
  model does not hold;
- **benchmark customer**, **inspires change** and **door-opener** need data the data
  model does not hold (who follows or was referred by whom, the ideas customers bring,
  the markets or networks a customer opened): they are reported as not measurable,
  never as none. A later member of the same household is not evidence of a door
  opened, so the household order is not used.

A customer who costs much to serve against the margin it brings (a *cost magnet* in the
sense of :func:`cost_magnets`) is a cost-to-serve finding, not a type of significance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.pareto import flag_ssc
from crmlib.analytics.summary import require_columns as _require_columns
from crmlib.errors import ParameterError

#: Quadrant names per y axis, keyed by (high current value, high y).
QUADRANTS: dict[str, dict[tuple[bool, bool], str]] = {
    "clv": {
        (True, True): "invest",
        (True, False): "protect",
        (False, True): "develop",
        (False, False): "maintain",
    },
    "cost_to_serve": {
        (True, False): "core",
        (True, True): "demanding",
        (False, True): "cost risk",
        (False, False): "low touch",
    },
}

#: What each quadrant asks for, per y axis.
QUADRANT_TREATMENTS: dict[str, str] = {
    "invest": "valuable now and later: invest in the relationship",
    "protect": "valuable now, less expected: protect against lapse",
    "develop": "little value now, more expected: develop with up- and cross-sell",
    "maintain": "little value now or expected: serve at low cost",
    "core": "valuable and cheap to serve: keep and reward",
    "demanding": "valuable but costly to serve: keep, and steer contacts to cheaper channels",
    "cost risk": "little value at a high cost to serve: reduce the cost or raise the value",
    "low touch": "little value at a low cost: serve through low-cost channels",
}


@dataclass(frozen=True)
class TypeDefinition:
    """One of Buttle's strategic customer types, as the workbook defines it.

    Attributes
    ----------
    key : str
        Column name in :func:`strategic_types` (e.g. ``"cost_magnet"``).
    label : str
        Name for people.
    definition : str
        How the workbook recognises the type in the data.
    source : str
        Whether the type is confirmed in the workbook's sources or is its reading.
    needs : str
        The data the definition needs.
    """

    key: str
    label: str
    definition: str
    source: str
    needs: str


_READING = "the workbook's reading of Buttle"

#: The strategic types, in the order they are reported.
STRATEGIC_TYPES: tuple[TypeDefinition, ...] = (
    TypeDefinition(
        "high_future_value",
        "high future lifetime value",
        "top share of customers by expected lifetime value over the stated horizon "
        "(BG/NBD and Gamma-Gamma)",
        _READING,
        "repeat purchases in the transactions, to fit the lifetime-value models",
    ),
    TypeDefinition(
        "high_volume",
        "high volume",
        "top share of customers by purchases in the window",
        _READING,
        "purchases in the transactions",
    ),
    TypeDefinition(
        "absorbs_fixed_costs",
        "absorbs fixed costs",
        "the fewest customers, largest contribution first, who together bring the given "
        "share of the total positive contribution (margin after cost to serve)",
        "the workbook's reading of Buttle, for the source's 'cost magnets'",
        "a margin per purchase (cost or margin rate); how much of the fixed costs they "
        "cover needs the fixed-cost total, which the data model does not hold",
    ),
    TypeDefinition(
        "benchmark",
        "benchmark customer",
        "a customer other customers follow, typically a B2B reference account",
        _READING,
        "who follows or was referred by whom (a referrer per customer, or reference "
        "accounts named by sales); the data model records neither",
    ),
    TypeDefinition(
        "inspiration",
        "inspires change",
        "a customer whose ideas and demands change the offer or the processes",
        _READING,
        "the ideas and suggestions each customer brought (e.g. a contact process "
        "'suggestion'); the data model does not record them",
    ),
    TypeDefinition(
        "door_opener",
        "door-opener",
        "a customer who opened a new market or network (a referral, a new sector or region)",
        _READING,
        "who introduced whom, or which market or network a customer opened; the data "
        "model records neither (a later member of the same household is no evidence)",
    ),
)


def _shares_checked(**shares: float) -> None:
    for name, share in shares.items():
        if not 0 < share <= 1:
            raise ParameterError(f"{name} must be between 0 and 1, got {share}")


def portfolio_matrix(
    table: pd.DataFrame,
    *,
    x_col: str = "current_value",
    y_col: str = "clv",
    x_share: float = 0.2,
    y_share: float = 0.2,
    quadrant_names: dict[tuple[bool, bool], str] | None = None,
) -> pd.DataFrame:
    """Place every customer in a quadrant of the portfolio matrix.

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``x_col`` and ``y_col``; not modified.
    x_col, y_col : str
        The two measures; missing values count as 0 (not high).
    x_share, y_share : float, default 0.2
        The share of all customers counted high on each axis (top by value, ties at
        the cut all in, only values above 0).
    quadrant_names : dict, optional
        Name per (high x, high y); default :data:`QUADRANTS` for ``y_col`` (``clv``
        or ``cost_to_serve``), else "high/high", "high/low", ...

    Returns
    -------
    DataFrame
        Indexed like ``table``: ``x``, ``y`` (the measures as floats), ``high_x``,
        ``high_y`` (bool) and ``quadrant`` (str). ``attrs`` holds ``x_cut`` and
        ``y_cut``, the lowest value counted high on each axis (NaN when none is),
        the column names, ``quadrants`` (the names in grid order) and ``sides``
        (name -> (high x, high y)).

    Raises
    ------
    MissingDataError
        If a column is missing.
    ParameterError
        If a share is not in (0, 1].
    """
    _shares_checked(x_share=x_share, y_share=y_share)
    _require_columns(table, "customer table", [x_col, y_col])
    x = pd.to_numeric(table[x_col], errors="coerce").astype(float)
    y = pd.to_numeric(table[y_col], errors="coerce").astype(float)
    high_x = flag_ssc(x, x_share).to_numpy(dtype=bool)
    high_y = flag_ssc(y, y_share).to_numpy(dtype=bool)
    names = quadrant_names or QUADRANTS.get(
        y_col,
        {
            (True, True): "high/high",
            (True, False): "high/low",
            (False, True): "low/high",
            (False, False): "low/low",
        },
    )
    # the quadrant's name by its number (high x twice, high y once): no Python per customer
    by_number = np.empty(4, dtype=object)
    for (side_x, side_y), name in names.items():
        by_number[2 * side_x + side_y] = name
    quadrant = by_number[2 * high_x.astype(np.intp) + high_y.astype(np.intp)]
    out = pd.DataFrame(
        {"x": x, "y": y, "high_x": high_x, "high_y": high_y, "quadrant": quadrant},
        index=table.index,
    )
    out["quadrant"] = out["quadrant"].astype(str)
    out.attrs = {
        "x_col": x_col,
        "y_col": y_col,
        "x_cut": float(x[high_x].min()) if high_x.any() else float("nan"),
        "y_cut": float(y[high_y].min()) if high_y.any() else float("nan"),
        "quadrants": list(dict.fromkeys(names.values())),
        "sides": {name: side for side, name in names.items()},
    }
    return out


def quadrant_summary(matrix: pd.DataFrame, value: pd.Series | None = None) -> pd.DataFrame:
    """Customers and value per quadrant of :func:`portfolio_matrix`.

    Parameters
    ----------
    matrix : DataFrame
        From :func:`portfolio_matrix`.
    value : Series, optional
        The value to add up per quadrant, indexed like ``matrix``; default its ``x``.

    Returns
    -------
    DataFrame
        Indexed by quadrant (every quadrant of the grid, in its order):
        ``customers``, ``customer_share``, ``value``, ``value_share`` (of the total
        value; NaN when the total is 0 or below), ``mean_y`` and ``treatment``.
    """
    value = matrix["x"] if value is None else value.reindex(matrix.index).fillna(0.0)
    grouped = pd.DataFrame({"quadrant": matrix["quadrant"], "value": value, "y": matrix["y"]})
    out = grouped.groupby("quadrant").agg(
        customers=("value", "size"), value=("value", "sum"), mean_y=("y", "mean")
    )
    names = matrix.attrs.get("quadrants")
    if names:
        # every quadrant shows, empty ones too, in the order of the grid
        out = out.reindex(names)
        out[["customers", "value"]] = out[["customers", "value"]].fillna(0)
    total = float(value.sum())
    out["customer_share"] = out["customers"] / max(len(matrix), 1)
    out["value_share"] = out["value"] / total if total > 0 else np.nan
    out["treatment"] = [QUADRANT_TREATMENTS.get(q, "") for q in out.index]
    out.index.name = "quadrant"
    out["customers"] = out["customers"].astype(np.int64)
    return out[["customers", "customer_share", "value", "value_share", "mean_y", "treatment"]]


def high_future_value(clv: pd.Series, share: float = 0.2) -> pd.Series:
    """The customers with a high expected lifetime value: the top ``share`` by CLV.

    Missing CLVs (no model) count as 0, so they are never high. Ties at the cut are
    all in, and only a CLV above 0 counts.

    Returns
    -------
    Series of bool
        Indexed like ``clv``, named ``high_future_value``.
    """
    _shares_checked(future_share=share)
    return flag_ssc(clv, share).rename("high_future_value")


def cost_magnets(
    table: pd.DataFrame,
    *,
    share: float = 0.05,
    ratio: float = 0.5,
    cost_col: str = "cost_to_serve",
    margin_col: str = "gross_margin",
) -> pd.Series:
    """Customers who draw a disproportionate share of the cost to serve.

    A cost-to-serve finding, not one of Buttle's types of significant customer (see the
    module's notes).

    A cost magnet is among the top ``share`` of customers by cost to serve (ties at
    the cut all in, cost above 0) *and* costs at least ``ratio`` times the gross margin
    they bring (a customer with no margin and any cost qualifies).

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``cost_col`` and ``margin_col``; not modified.
    share : float, default 0.05
        Share of customers with the highest cost to serve that are candidates.
    ratio : float, default 0.5
        The least cost to serve, as a multiple of the gross margin.

    Returns
    -------
    Series of bool
        Indexed like ``table``, named ``cost_magnet``.
    """
    _shares_checked(cost_share=share)
    if ratio < 0:
        raise ParameterError(f"the cost ratio must be 0 or more, got {ratio}")
    _require_columns(table, "customer table", [cost_col, margin_col])
    cost = pd.to_numeric(table[cost_col], errors="coerce").fillna(0.0).astype(float)
    margin = pd.to_numeric(table[margin_col], errors="coerce").fillna(0.0).astype(float)
    top = flag_ssc(cost, share).to_numpy(dtype=bool)
    heavy = cost.to_numpy() >= ratio * margin.clip(lower=0.0).to_numpy()
    return pd.Series(top & heavy, index=table.index, name="cost_magnet")


def high_volume(purchases: pd.Series, share: float = 0.2) -> pd.Series:
    """The high-volume customers: the top ``share`` by purchases.

    Ties at the cut are all in, and only customers with a purchase count (the rule of
    :func:`crmlib.analytics.pareto.flag_ssc`). Missing counts are never high.

    Returns
    -------
    Series of bool
        Indexed like ``purchases``, named ``high_volume``.
    """
    _shares_checked(volume_share=share)
    counts = pd.to_numeric(purchases, errors="coerce").fillna(0.0).astype(float)
    return flag_ssc(counts, share).rename("high_volume")


def fixed_cost_absorbers(contribution: pd.Series, share: float = 0.5) -> pd.Series:
    """The customers who carry most of the contribution toward the fixed costs.

    Customers are taken from the largest contribution down until together they bring
    at least ``share`` of the total *positive* contribution (customers below zero add
    nothing to cover fixed costs, so they are left out of the total). Customers tied
    with the last one taken are in too.

    Example: contributions 60, 25, 10, 5, -20 and ``share`` 0.5: the positive total is
    100, and the first customer alone brings 60 % of it, so only that customer absorbs
    fixed costs; with ``share`` 0.8 the first two (85 %).

    Returns
    -------
    Series of bool
        Indexed like ``contribution``, named ``absorbs_fixed_costs``; all False when no
        customer has a positive contribution.
    """
    _shares_checked(absorb_share=share)
    values = pd.to_numeric(contribution, errors="coerce").astype(float)
    positive = values[values > 0].sort_values(ascending=False, kind="mergesort")
    flags = pd.Series(False, index=values.index, name="absorbs_fixed_costs")
    total = float(positive.sum())
    if total <= 0:
        return flags
    reached = positive.cumsum() / total >= share - 1e-12
    cut = float(positive[reached.to_numpy()].iloc[0])
    flags[values >= cut] = True
    return flags


@dataclass(frozen=True)
class StrategicTypes:
    """Buttle's strategic customer types, as far as the data can define them.

    Attributes
    ----------
    flags : DataFrame
        Indexed by customer: one bool column per type that could be defined (see
        :data:`STRATEGIC_TYPES`).
    summary : DataFrame
        One row per type of :data:`STRATEGIC_TYPES`: ``label``, ``measured`` (bool),
        ``customers``, ``customer_share``, ``current_value``, ``value_share`` (of
        the total current value), ``definition``, ``source`` and ``reason`` (for a
        type not measured: what is missing and what its definition needs; else empty).
    """

    flags: pd.DataFrame
    summary: pd.DataFrame

    @property
    def measured(self) -> list[str]:
        """The keys of the types the data could define."""
        return self.summary.index[self.summary["measured"]].tolist()


def strategic_types(
    table: pd.DataFrame,
    *,
    future_share: float = 0.2,
    volume_share: float = 0.2,
    absorb_share: float = 0.5,
    margin_measured: bool = True,
    value_col: str = "current_value",
    future_col: str = "lifetime_value",
    volume_col: str = "purchases",
) -> StrategicTypes:
    """Flag each customer's strategic types and summarise them.

    Parameters
    ----------
    table : DataFrame
        Indexed by customer id, with ``value_col``, ``future_col`` and ``volume_col``
        (as :meth:`crmlib.analytics.base.CustomerBase.segments_table` gives them, with
        ``customer_id`` as index); not modified.
    future_share : float, default 0.2
        Share of customers counted as high future lifetime value.
    volume_share : float, default 0.2
        Share of customers counted as high volume.
    absorb_share : float, default 0.5
        Share of the total positive contribution that the customers who absorb fixed
        costs bring together (see :func:`fixed_cost_absorbers`).
    margin_measured : bool, default True
        False when current value is revenue (no margin per purchase), so the
        contribution, and the customers who absorb fixed costs, are not defined.
    value_col : str, default "current_value"
        The current value (contribution) added up per type.

    Returns
    -------
    StrategicTypes
        The types that need data the data model does not hold are in the summary as not
        measured, with the reason: unknown, never none.
    """
    flags = pd.DataFrame(index=table.index)
    reasons: dict[str, str] = {}
    future = (
        table[future_col] if future_col in table.columns else pd.Series(np.nan, index=table.index)
    )
    if future.notna().any():
        flags["high_future_value"] = high_future_value(future, future_share).to_numpy()
    else:
        reasons["high_future_value"] = "no lifetime-value forecast"
    if volume_col in table.columns and table[volume_col].notna().any():
        flags["high_volume"] = high_volume(table[volume_col], volume_share).to_numpy()
    else:
        reasons["high_volume"] = "no purchase counts"
    if margin_measured and value_col in table.columns:
        flags["absorbs_fixed_costs"] = fixed_cost_absorbers(
            table[value_col], absorb_share
        ).to_numpy()
    else:
        reasons["absorbs_fixed_costs"] = "no margin, so no contribution"
    for definition in STRATEGIC_TYPES:
        if definition.key not in flags.columns:
            # what is missing, then what the definition needs
            found = reasons.get(definition.key)
            reasons[definition.key] = (found + ": " if found else "") + f"needs {definition.needs}"

    value = pd.to_numeric(table[value_col], errors="coerce").fillna(0.0)
    total = float(value.sum())
    rows = []
    for definition in STRATEGIC_TYPES:
        measured = definition.key in flags.columns
        members = flags[definition.key].to_numpy(dtype=bool) if measured else None
        member_value = float(value[members].sum()) if measured else np.nan
        rows.append(
            {
                "type": definition.key,
                "label": definition.label,
                "measured": measured,
                "customers": int(members.sum()) if measured else np.nan,
                "customer_share": float(members.mean()) if measured and len(members) else np.nan,
                "current_value": member_value,
                "value_share": member_value / total if measured and total > 0 else np.nan,
                "definition": definition.definition,
                "source": definition.source,
                "reason": reasons.get(definition.key, ""),
            }
        )
    summary = pd.DataFrame(rows).set_index("type")
    summary["customers"] = summary["customers"].astype("Int64")
    return StrategicTypes(flags=flags, summary=summary)

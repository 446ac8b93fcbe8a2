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
Buttle names several kinds of SSC. Only *cost magnets* is confirmed in the sources the
workbook is built on; the other definitions are the workbook's reading of Buttle and
are marked so in :data:`STRATEGIC_TYPES`, each with the data it needs:

- **high future lifetime value**: the top ``future_share`` of customers by expected
  lifetime value (``clv``, BG/NBD and Gamma-Gamma), value above 0;
- **cost magnet**: a customer who draws a disproportionate share of the cost to serve:
  among the top ``cost_share`` by cost to serve *and* a cost to serve of at least
  ``cost_ratio`` times their gross margin (so the contacts eat much of what they bring);
- **door-opener**: the first customer of a household or business account
  (``related_id``) after whom other members joined on a later day (by ``signup_date``,
  else the first purchase), the workbook's reading of "a customer who opens the door
  to others";
- **benchmark customer** (a customer others follow, typically a B2B reference
  account) and **inspiration** (a customer whose ideas improve the offer) cannot be
  defined from the data model: it records neither who follows or was referred by whom,
  nor the ideas customers bring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.pareto import flag_ssc
from crmlib.analytics.summary import require_columns as _require_columns
from crmlib.errors import MissingDataError, ParameterError

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


_READING = "the workbook's reading of Buttle (not in the confirmed sources)"

#: The strategic types, in the order they are reported.
STRATEGIC_TYPES: tuple[TypeDefinition, ...] = (
    TypeDefinition(
        "high_future_value",
        "high future lifetime value",
        "top share of customers by expected lifetime value (BG/NBD and Gamma-Gamma)",
        _READING,
        "repeat purchases in the transactions, to fit the lifetime-value models",
    ),
    TypeDefinition(
        "cost_magnet",
        "cost magnet",
        "among the top share by cost to serve, and a cost to serve of at least the "
        "given ratio of the customer's gross margin",
        "confirmed in the workbook's sources",
        "interactions and the cost per contact of each channel",
    ),
    TypeDefinition(
        "door_opener",
        "door-opener",
        "first customer of a household or account after whom other members joined on a later day",
        _READING,
        "related_id in customers, and signup_date (or purchases) for the order",
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
        "inspiration",
        "a customer whose ideas and feedback improve the offer",
        _READING,
        "the ideas and suggestions each customer brought (e.g. a contact process "
        "'suggestion'); the data model does not record them",
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
    quadrant = [names[(bool(a), bool(b))] for a, b in zip(high_x, high_y, strict=True)]
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


def door_openers(
    customers: pd.DataFrame,
    transactions: pd.DataFrame | None = None,
    *,
    min_followers: int = 1,
) -> pd.DataFrame:
    """The first customer of each household or account, and who joined after them.

    Members of a ``related_id`` group are put in the order they joined: their
    ``signup_date``, else their first purchase date (from ``transactions``); ties go
    by customer id. The first member is the group's *opener*; the members who joined
    on a later day are its *followers*. An opener with at least ``min_followers``
    followers is a door-opener.

    Parameters
    ----------
    customers : DataFrame
        With ``customer_id`` and ``related_id``, and ``signup_date`` or purchases in
        ``transactions``; not modified.
    transactions : DataFrame, optional
        For the first purchase date of customers without a ``signup_date``.
    min_followers : int, default 1
        Followers needed to count as a door-opener.

    Returns
    -------
    DataFrame
        Indexed by customer_id (every customer): ``related_id``, ``joined`` (date),
        ``opener`` (the customer id of the group's first member, missing outside
        groups), ``followers`` (for an opener, the members who joined later; 0
        otherwise), ``is_follower`` and ``door_opener`` (bool).

    Raises
    ------
    MissingDataError
        Without ``related_id``, or without any join date (no ``signup_date`` and no
        transactions).
    """
    if min_followers < 1:
        raise ParameterError(f"min_followers must be 1 or more, got {min_followers}")
    if "related_id" not in customers.columns:
        raise MissingDataError(
            "door-openers need related_id in customers (the household or account of each customer)"
        )
    frame = customers.set_index("customer_id")
    joined = (
        pd.to_datetime(frame["signup_date"])
        if "signup_date" in frame.columns
        else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    )
    if transactions is not None and len(transactions):
        first = transactions.groupby("customer_id")["date"].min()
        joined = joined.fillna(first.reindex(frame.index))
    elif "signup_date" not in frame.columns:
        raise MissingDataError(
            "door-openers need the order in which customers joined: signup_date in "
            "customers, or their purchases"
        )
    related = frame["related_id"].astype("string")
    out = pd.DataFrame(
        {"related_id": related, "joined": joined.astype("datetime64[ns]")}, index=frame.index
    )
    out.index.name = "customer_id"
    grouped = out[related.notna().to_numpy(dtype=bool) & out["joined"].notna().to_numpy()]
    ordered = grouped.reset_index().sort_values(
        ["related_id", "joined", "customer_id"], kind="mergesort"
    )
    head = ordered.groupby("related_id", sort=False).head(1).set_index("related_id")
    opener = ordered["related_id"].map(head["customer_id"])
    opener_joined = ordered["related_id"].map(head["joined"])
    follows = (ordered["joined"] > opener_joined).to_numpy(dtype=bool)
    out["opener"] = pd.Series(opener.to_numpy(), index=ordered["customer_id"].to_numpy()).reindex(
        out.index
    )
    out["opener"] = out["opener"].astype("string")
    out["is_follower"] = False
    follower_ids = ordered.loc[follows, "customer_id"]
    out.loc[follower_ids.to_numpy(), "is_follower"] = True
    counts = opener[follows].value_counts()
    out["followers"] = counts.reindex(out.index, fill_value=0).astype(np.int64).to_numpy()
    out["door_opener"] = out["followers"].to_numpy() >= min_followers
    return out[["related_id", "joined", "opener", "followers", "is_follower", "door_opener"]]


@dataclass(frozen=True)
class StrategicTypes:
    """Buttle's strategic customer types, as far as the data can define them.

    Attributes
    ----------
    flags : DataFrame
        Indexed by customer: one bool column per type that could be defined (see
        :data:`STRATEGIC_TYPES`), plus ``followers`` and ``followers_value`` (the
        current value of the customers who joined after a door-opener) when
        door-openers are defined.
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
    customers: pd.DataFrame | None = None,
    transactions: pd.DataFrame | None = None,
    *,
    future_share: float = 0.2,
    cost_share: float = 0.05,
    cost_ratio: float = 0.5,
    cost_measured: bool = True,
    min_followers: int = 1,
    value_col: str = "current_value",
    cost_col: str = "cost_to_serve",
    margin_col: str = "gross_margin",
) -> StrategicTypes:
    """Flag each customer's strategic types and summarise them.

    Parameters
    ----------
    table : DataFrame
        Indexed by customer id, with ``value_col``, ``clv``, ``cost_col`` and
        ``margin_col`` (as :func:`crmlib.analytics.segments.customer_segments`
        gives them, with ``customer_id`` as index); not modified.
    customers, transactions : DataFrame, optional
        For door-openers (``related_id`` and the order of joining).
    future_share : float, default 0.2
        Share of customers counted as high future lifetime value.
    cost_share, cost_ratio : float
        See :func:`cost_magnets`.
    cost_measured : bool, default True
        False when the cost to serve could not be measured (no interactions or
        channels), so cost magnets are not defined.
    min_followers : int, default 1
        See :func:`door_openers`.
    value_col : str, default "current_value"
        The current value added up per type.
    cost_col, margin_col : str
        The cost to serve and gross margin compared for cost magnets (measure both
        over the same period, e.g. the last twelve months).

    Returns
    -------
    StrategicTypes
    """
    flags = pd.DataFrame(index=table.index)
    reasons: dict[str, str] = {}
    clv = table["clv"] if "clv" in table.columns else pd.Series(np.nan, index=table.index)
    if clv.notna().any():
        flags["high_future_value"] = high_future_value(clv, future_share).to_numpy()
    else:
        reasons["high_future_value"] = "no lifetime-value forecast"
    if cost_measured and {cost_col, margin_col} <= set(table.columns):
        flags["cost_magnet"] = cost_magnets(
            table, share=cost_share, ratio=cost_ratio, cost_col=cost_col, margin_col=margin_col
        ).to_numpy()
    else:
        reasons["cost_magnet"] = "no cost to serve"
    try:
        if customers is None:
            raise MissingDataError("door-openers need the customers table")
        doors = door_openers(customers, transactions, min_followers=min_followers)
    except MissingDataError:
        reasons["door_opener"] = "no household or account per customer, or no join order"
    else:
        doors = doors.reindex(table.index)
        value = pd.to_numeric(table[value_col], errors="coerce").fillna(0.0)
        followers = doors[doors["is_follower"].fillna(False).to_numpy(dtype=bool)]
        brought = value.reindex(followers.index).groupby(followers["opener"].to_numpy()).sum()
        flags["door_opener"] = doors["door_opener"].fillna(False).to_numpy(dtype=bool)
        flags["followers"] = doors["followers"].fillna(0).astype(np.int64).to_numpy()
        flags["followers_value"] = brought.reindex(table.index, fill_value=0.0).to_numpy()
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

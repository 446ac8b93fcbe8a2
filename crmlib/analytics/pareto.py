"""Pareto (Lorenz) analysis and strategically significant customers.

The cross-cutting idea of every model in the workbook: about 20 % of the customers
bring about 80 % of the value. These functions measure how true that is for a
company, and flag the customers at the top.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import ParameterError


def _sorted_values(values: pd.Series) -> pd.Series:
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    values = pd.to_numeric(values, errors="raise").fillna(0.0).astype(float)
    return values.sort_values(ascending=False, kind="mergesort")


def pareto_curve(values: pd.Series) -> pd.DataFrame:
    """The cumulative share of value against the cumulative share of customers.

    Customers are ranked from most to least valuable. Negative values (customers who
    cost more than they bring) stay in, so the curve can rise above 100 % and come
    back down, which is the point for margin.

    Parameters
    ----------
    values : Series
        One value per customer (revenue, margin or CLV), indexed by customer.

    Returns
    -------
    DataFrame
        Indexed by customer in rank order, with columns ``rank`` (1 = most valuable),
        ``value``, ``customer_share`` and ``value_share`` (both 0-1, cumulative).
    """
    ranked = _sorted_values(values)
    total = ranked.sum()
    n = len(ranked)
    out = pd.DataFrame({"rank": np.arange(1, n + 1), "value": ranked.to_numpy()}, index=ranked.index)
    out["customer_share"] = out["rank"] / n if n else []
    out["value_share"] = ranked.cumsum().to_numpy() / total if total > 0 else 0.0
    return out


def customer_share_for_value(values: pd.Series, value_share: float = 0.8) -> float:
    """The smallest share of customers that together bring ``value_share`` of the value.

    Parameters
    ----------
    values : Series
        One value per customer.
    value_share : float, default 0.8
        The share of total value to reach, between 0 and 1.

    Returns
    -------
    float
        A share between 0 and 1 (0.2 means the top 20 % of customers bring it).
        NaN when there is no positive value at all.
    """
    if not 0 < value_share <= 1:
        raise ParameterError(f"value_share must be between 0 and 1, got {value_share}")
    curve = pareto_curve(values)
    if curve.empty or curve["value"].sum() <= 0:
        return float("nan")
    reached = curve["value_share"].to_numpy() >= value_share - 1e-12
    first = int(np.argmax(reached))
    return float(curve["customer_share"].iloc[first])


def flag_ssc(values: pd.Series, share: float = 0.2) -> pd.Series:
    """Flag the strategically significant customers: the top ``share`` by value.

    Parameters
    ----------
    values : Series
        One value per customer.
    share : float, default 0.2
        The share of customers to flag, between 0 and 1. The count is rounded up, so
        a small base still gets at least one SSC.

    Returns
    -------
    Series of bool
        Indexed like ``values``: True for the strategically significant customers.
    """
    if not 0 < share <= 1:
        raise ParameterError(f"the SSC share must be between 0 and 1, got {share}")
    ranked = _sorted_values(values)
    n_top = int(np.ceil(share * len(ranked)))
    flags = pd.Series(False, index=ranked.index, name="is_ssc")
    flags.iloc[:n_top] = True
    return flags.reindex(values.index)

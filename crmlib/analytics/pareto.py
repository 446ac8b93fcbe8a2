"""Pareto (Lorenz) analysis and strategically significant customers.

The cross-cutting idea of every model in the workbook: about 20 % of the customers
bring about 80 % of the value. These functions measure how true that is for a
company, and flag the customers at the top (Buttle's strategically significant
customers, SSC).

Conventions shared by every function here:

- a missing value counts as 0 (a customer who brought nothing);
- negative values (customers who cost more than they bring, when the value is margin)
  stay in: they pull the total down, so the curve can rise above 100 % and come back;
- customers with equal value are ranked in the order of ``values`` (a stable sort), and
  decisions at a cut (SSC, tiers) treat equal values alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlib.analytics.summary import count as _count
from crmlib.errors import DataValidationError, ParameterError


def _clean_values(values: pd.Series, name: str = "values") -> pd.Series:
    """Values as floats (missing = 0), with a clear error for text that is not a number."""
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna().to_numpy() & values.notna().to_numpy()
    if bad.any():
        raise DataValidationError(
            name,
            f"{_count(int(bad.sum()), 'value', 'are')} not a number",
            column=str(values.name or name),
            rows=(np.flatnonzero(bad)[:50] + 2).tolist(),
            fix="enter the values as numbers",
        )
    numbers = numbers.astype(np.float64).fillna(0.0)
    if np.isinf(numbers.to_numpy()).any():
        raise DataValidationError(
            name,
            "some values are infinite",
            column=str(values.name or name),
            rows=(np.flatnonzero(np.isinf(numbers.to_numpy()))[:50] + 2).tolist(),
            fix="replace them with finite numbers",
        )
    return numbers


def _sorted_values(values: pd.Series) -> pd.Series:
    return _clean_values(values).sort_values(ascending=False, kind="mergesort")


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
        ``value_share`` is NaN when the total value is 0 or below (shares of a total
        that is not positive mean nothing).
    """
    ranked = _sorted_values(values)
    total = float(ranked.sum())
    n = len(ranked)
    out = pd.DataFrame(
        {"rank": np.arange(1, n + 1), "value": ranked.to_numpy()}, index=ranked.index
    )
    out["customer_share"] = out["rank"] / n if n else np.zeros(0)
    out["value_share"] = ranked.cumsum().to_numpy() / total if total > 0 else np.nan
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
        NaN when the total value is 0 or below.
    """
    if not 0 < value_share <= 1:
        raise ParameterError(f"value_share must be between 0 and 1, got {value_share}")
    curve = pareto_curve(values)
    if curve.empty or curve["value"].sum() <= 0:
        return float("nan")
    reached = curve["value_share"].to_numpy() >= value_share - 1e-12
    first = int(np.argmax(reached))
    return float(curve["customer_share"].iloc[first])


def value_share_of_top(values: pd.Series, customer_share: float = 0.2) -> float:
    """The share of total value brought by the top ``customer_share`` of customers.

    The mirror of :func:`customer_share_for_value`: "the top 20 % bring 74 %". The
    number of top customers is rounded up.

    Returns
    -------
    float
        NaN when the total value is 0 or below, or there are no customers.
    """
    if not 0 < customer_share <= 1:
        raise ParameterError(f"customer_share must be between 0 and 1, got {customer_share}")
    curve = pareto_curve(values)
    if curve.empty or curve["value"].sum() <= 0:
        return float("nan")
    n_top = int(np.ceil(customer_share * len(curve) - 1e-9))
    return float(curve["value_share"].iloc[max(n_top, 1) - 1])


#: The top 20%'s share of value from which value is called concentrated "as the 20/80 rule
#: expects" (the rule's 80% with a margin: 70%), in every report that says so.
CONCENTRATED_TOP20_SHARE = 0.7


def follows_20_80(top20_share: float) -> bool:
    """Whether value is concentrated as the 20/80 rule expects: one rule for every report.

    Parameters
    ----------
    top20_share : float
        The top 20%'s share of value (:func:`value_share_of_top`).
    """
    return bool(top20_share >= CONCENTRATED_TOP20_SHARE)


def pareto_table(
    values: pd.Series, customer_shares: Sequence[float] = (0.01, 0.05, 0.1, 0.2, 0.5)
) -> pd.DataFrame:
    """How much of the value the top 1 %, 5 %, 10 %, 20 %, 50 % of customers bring.

    Returns
    -------
    DataFrame
        One row per share: ``customer_share``, ``n_customers`` (rounded up) and
        ``value_share``.
    """
    n = len(values)
    rows = [
        {
            "customer_share": float(share),
            "n_customers": max(int(np.ceil(share * n - 1e-9)), 1) if n else 0,
            "value_share": value_share_of_top(values, share),
        }
        for share in customer_shares
    ]
    return pd.DataFrame(rows, columns=["customer_share", "n_customers", "value_share"])


def gini(values: pd.Series) -> float:
    """Gini coefficient of the value: 0 when all are worth the same, near 1 when one is all.

    Negative values are counted as 0 here (the coefficient is not defined for them).

    Returns
    -------
    float
        NaN when there is no positive value.
    """
    clean = np.sort(_clean_values(values).clip(lower=0.0).to_numpy())
    n = len(clean)
    total = clean.sum()
    if n == 0 or total <= 0:
        return float("nan")
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks @ clean) / (n * total)) - (n + 1) / n)


def flag_ssc(
    values: pd.Series, share: float = 0.2, *, value_share: float | None = None
) -> pd.Series:
    """Flag the strategically significant customers: the top ``share`` by value.

    Parameters
    ----------
    values : Series
        One value per customer.
    share : float, default 0.2
        The share of customers to flag, between 0 and 1. The count is rounded up, so
        a small base still gets at least one SSC.
    value_share : float, optional
        Instead of a share of customers: flag the smallest top group that together
        brings this share of the value (e.g. 0.8 for "the customers behind 80 %").

    Returns
    -------
    Series of bool
        Indexed like ``values``, named ``is_ssc``. Only customers with a value above 0
        can be SSC, and customers tied with the last one flagged are flagged too (so the
        count can exceed the share when values tie at the cut).
    """
    if not 0 < share <= 1:
        raise ParameterError(f"the SSC share must be between 0 and 1, got {share}")
    clean = _clean_values(values)
    if value_share is not None:
        if not 0 < value_share <= 1:
            raise ParameterError(f"value_share must be between 0 and 1, got {value_share}")
        curve = pareto_curve(clean)
        if curve.empty or curve["value"].sum() <= 0:
            n_top = 0
        else:
            reached = curve["value_share"].to_numpy() >= value_share - 1e-12
            n_top = int(np.argmax(reached)) + 1
    else:
        n_top = int(np.ceil(share * len(clean) - 1e-9))
    if n_top == 0 or clean.empty:
        return pd.Series(False, index=clean.index, name="is_ssc")
    # the cut is the n-th largest value: a partial sort finds it (the base is flagged
    # again for every share a slider or an exercise tries)
    k = min(n_top, len(clean)) - 1
    cut = -np.partition(-clean.to_numpy(), k)[k]
    return ((clean >= cut) & (clean > 0)).rename("is_ssc")

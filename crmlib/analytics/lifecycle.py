"""The customer lifecycle: acquisition, retention (cohorts) and penetration.

QCI's customer management activities (acquisition, retention, penetration), Buttle's
relationship management and Payne & Frow's performance assessment all measure the
lifecycle. Periods follow pandas' period aliases: ``"M"`` months, ``"Q"`` quarters,
``"Y"`` years. A customer is *active* in a period when they bought in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import MissingDataError, ParameterError

PERIODS = {"M": "month", "Q": "quarter", "Y": "year"}


def _check_freq(freq: str) -> str:
    if freq not in PERIODS:
        raise ParameterError(f"period '{freq}' is not one of M (month), Q (quarter), Y (year)")
    return freq


def _purchases(transactions: pd.DataFrame, end=None) -> pd.DataFrame:
    """Purchase lines up to ``end``, returns left out (a return is not a visit)."""
    data = transactions
    if "is_return" in data.columns:
        data = data[~data["is_return"].fillna(False).to_numpy(dtype=bool)]
    if end is not None:
        data = data[data["date"] <= pd.Timestamp(end)]
    return data


def first_purchases(
    transactions: pd.DataFrame, products: pd.DataFrame | None = None, *, end=None
) -> pd.DataFrame:
    """Each customer's first purchase: date, channel and product category.

    Returns
    -------
    DataFrame
        Indexed by customer_id: ``first_date``, ``first_channel`` (when transactions
        have a channel) and ``first_category`` (when products have a category).
    """
    data = _purchases(transactions, end).sort_values(["customer_id", "date"], kind="mergesort")
    first = data.drop_duplicates("customer_id").set_index("customer_id")
    out = pd.DataFrame({"first_date": first["date"]})
    if "channel" in first.columns:
        out["first_channel"] = first["channel"]
    if (
        products is not None
        and {"product_id", "category"} <= set(products.columns)
        and "product_id" in first.columns
    ):
        out["first_category"] = first["product_id"].map(
            products.set_index("product_id")["category"]
        )
    return out


def acquisition(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    freq: str = "Q",
    end=None,
    by: str | None = "first_channel",
) -> pd.DataFrame:
    """New customers per period (by their first purchase), split by first channel or category.

    Parameters
    ----------
    by : {"first_channel", "first_category", None}
        The split; None gives one column ``new_customers``.

    Returns
    -------
    DataFrame
        Rows: periods (period start dates); columns: the split's values (or
        ``new_customers``); values: counts of new customers.
    """
    first = first_purchases(transactions, products, end=end)
    period = first["first_date"].dt.to_period(_check_freq(freq)).dt.to_timestamp()
    if by is None:
        out = period.value_counts().sort_index().to_frame("new_customers")
    else:
        if by not in first.columns:
            raise MissingDataError(
                f"acquisition by {by.replace('_', ' ')} needs that column in the data"
            )
        out = pd.crosstab(period, first[by].fillna("unknown"))
    out.index.name = "period"
    return out


def active_periods(transactions: pd.DataFrame, freq: str = "Q", end=None) -> pd.DataFrame:
    """One row per customer and period in which they bought: ``customer_id``, ``period``."""
    data = _purchases(transactions, end)
    periods = data["date"].dt.to_period(_check_freq(freq))
    return (
        pd.DataFrame({"customer_id": data["customer_id"].to_numpy(), "period": periods.to_numpy()})
        .drop_duplicates()
        .reset_index(drop=True)
    )


def cohort_retention(transactions: pd.DataFrame, freq: str = "Q", end=None) -> pd.DataFrame:
    """The cohort table: the share of each cohort still buying k periods after its first.

    A cohort is the customers whose first purchase fell in the same period. Cells the
    observation period has not reached yet are NaN, not zero.

    Returns
    -------
    DataFrame
        Rows: cohorts (period of first purchase, as text such as ``2024Q1``), with a
        ``cohort_size`` column; then columns ``0, 1, 2, ...`` (periods since the first),
        each the share of the cohort active in that period (column 0 is 1.0).
    """
    active = active_periods(transactions, freq, end)
    if active.empty:
        raise MissingDataError("cohort retention needs purchases")
    cohort = active.groupby("customer_id")["period"].transform("min")
    age = (active["period"] - cohort).map(lambda offset: offset.n).astype(int)
    last = active["period"].max() if end is None else pd.Timestamp(end).to_period(freq)
    counts = pd.crosstab(cohort.astype(str), age)
    sizes = counts[0]
    shares = counts.div(sizes, axis=0)
    horizon = {str(c): (last - c).n for c in cohort.unique()}
    for label in shares.index:
        shares.loc[label, shares.columns > horizon[label]] = np.nan
    shares.insert(0, "cohort_size", sizes)
    shares.index.name = "cohort"
    shares.columns.name = None
    return shares


def period_retention(
    transactions: pd.DataFrame, freq: str = "Y", end=None, segments: pd.Series | None = None
) -> pd.DataFrame:
    """Retention from one period to the next: of those who bought in t-1, who bought in t.

    Parameters
    ----------
    segments : Series, optional
        A segment per customer; adds one column per segment.

    Returns
    -------
    DataFrame
        Indexed by period t (from the second period on): ``customers_before``
        (active in t-1), ``retained`` (of those, active in t), ``retention_rate``;
        with segments, ``retention_rate_<segment>`` columns too.
    """
    active = active_periods(transactions, freq, end)
    by_period = active.groupby("period")["customer_id"].apply(set)
    periods = sorted(by_period.index)
    rows = []
    for before, now in zip(periods[:-1], periods[1:], strict=True):
        base, kept = by_period[before], by_period[before] & by_period[now]
        row = {
            "period": str(now),
            "customers_before": len(base),
            "retained": len(kept),
            "retention_rate": len(kept) / len(base) if base else np.nan,
        }
        if segments is not None:
            labels = segments.reindex(list(base))
            kept_mask = labels.index.isin(list(kept))
            for segment, mask in labels.groupby(labels, observed=True).groups.items():
                members = labels.index.isin(mask)
                row[f"retention_rate_{segment}"] = (
                    kept_mask[members].mean() if members.any() else np.nan
                )
        rows.append(row)
    return pd.DataFrame(rows).set_index("period")


def penetration(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    *,
    end=None,
    segments: pd.Series | None = None,
) -> dict[str, pd.DataFrame]:
    """How far customers' buying reaches across the range: categories per customer,
    cross-sell and category penetration.

    Returns
    -------
    dict of DataFrame
        ``"per_customer"``: indexed by customer_id, ``categories`` and ``products``
        bought. ``"summary"``: per segment (or ``"all"``), ``buyers``,
        ``categories_per_buyer``, ``cross_sell_rate`` (share buying 2+ categories).
        ``"category_penetration"``: segments × categories, the share of the segment's
        buyers who bought in the category.
    """
    if (
        products is None
        or not {"product_id", "category"} <= set(products.columns)
        or "product_id" not in transactions.columns
    ):
        raise MissingDataError(
            "penetration needs product_id in transactions and category in products"
        )
    data = _purchases(transactions, end)
    category = data["product_id"].map(products.set_index("product_id")["category"])
    lines = pd.DataFrame(
        {
            "customer_id": data["customer_id"].to_numpy(),
            "category": category.to_numpy(),
            "product_id": data["product_id"].to_numpy(),
        }
    ).dropna()
    per_customer = lines.groupby("customer_id").agg(
        categories=("category", "nunique"), products=("product_id", "nunique")
    )
    group = (
        segments.reindex(per_customer.index).astype(object).fillna("unassigned")
        if segments is not None
        else pd.Series("all", index=per_customer.index)
    )
    summary = per_customer.groupby(group).agg(
        buyers=("categories", "size"), categories_per_buyer=("categories", "mean")
    )
    summary["cross_sell_rate"] = (per_customer["categories"] >= 2).groupby(group).mean()
    bought = lines.drop_duplicates(["customer_id", "category"])
    bought_group = bought["customer_id"].map(group)
    counts = pd.crosstab(bought_group, bought["category"])
    category_penetration = counts.div(summary["buyers"], axis=0)
    for frame in (summary, category_penetration):
        frame.index.name = "segment"
    return {
        "per_customer": per_customer,
        "summary": summary,
        "category_penetration": category_penetration,
    }

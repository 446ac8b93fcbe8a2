"""The customer lifecycle: acquisition, retention (cohorts, lapse), penetration, efficiency.

QCI's customer management activities (acquisition, retention, penetration and, in the
published assessment, efficiency), Buttle's relationship management and Payne & Frow's
performance assessment all measure the lifecycle. Periods follow pandas' period
aliases: ``"M"`` months, ``"Q"`` quarters, ``"Y"`` years. A customer is *active* in a
period when they bought in it; a return line is not a purchase.

Definitions used throughout (each function repeats the ones it uses):

- **Acquisition.** A customer is new in the period of their first purchase.
- **Retention.** Cohort retention: the share of a cohort (customers with their first
  purchase in the same period) that buys again k periods later. Window retention: of
  the customers who bought in the 12 months before the last 12, the share who bought in
  the last 12 (the ``r`` of the retention formula ``m * r / (1 + d - r)``).
- **Lapse.** A customer has lapsed when the days since their last purchase exceed
  ``k`` times their own mean interval between purchase days (never less than
  ``min_days``). One-time buyers have no rhythm of their own, so the base's rhythm
  stands in: the median of the repeat buyers' mean intervals.
- **Penetration.** Categories and products per customer, the cross-sell rate (share
  buying in two or more categories), category penetration, and share of wallet when
  the yearly spend of a customer in the market (the wallet) is known.
- **Efficiency.** The cost to serve: each contact costs its channel's
  ``cost_per_contact``, summed per channel and per segment.
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
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    end=None,
    customers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each customer's first purchase: date, channel, product and product category.

    Parameters
    ----------
    transactions : DataFrame
        Purchase lines (customer_id, date; channel and product_id when present).
    products : DataFrame, optional
        The catalogue, for the first product's category.
    end : date-like, optional
        Leave out purchases after this day.
    customers : DataFrame, optional
        The customer table; its ``acquisition_channel`` (the channel that brought the
        customer in, e.g. a referral or a fair) is added when present.

    Returns
    -------
    DataFrame
        Indexed by customer_id: ``first_date``, ``first_channel`` (when transactions
        have a channel), ``first_product`` (when they have a product_id),
        ``first_category`` (when products have a category) and
        ``acquisition_channel`` (when ``customers`` has it).
    """
    data = _purchases(transactions, end).sort_values(["customer_id", "date"], kind="mergesort")
    first = data.drop_duplicates("customer_id").set_index("customer_id")
    out = pd.DataFrame({"first_date": first["date"]})
    if "channel" in first.columns:
        out["first_channel"] = first["channel"]
    if "product_id" in first.columns:
        out["first_product"] = first["product_id"]
    if (
        products is not None
        and {"product_id", "category"} <= set(products.columns)
        and "product_id" in first.columns
    ):
        out["first_category"] = first["product_id"].map(
            products.drop_duplicates("product_id").set_index("product_id")["category"]
        )
    if customers is not None and {"customer_id", "acquisition_channel"} <= set(customers.columns):
        channel = customers.drop_duplicates("customer_id").set_index("customer_id")
        out["acquisition_channel"] = out.index.map(channel["acquisition_channel"])
    return out


def acquisition(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    freq: str = "Q",
    end=None,
    by: str | None = "first_channel",
    customers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """New customers per period (by their first purchase), split by first channel or category.

    Parameters
    ----------
    by : {"first_channel", "first_category", "first_product", "acquisition_channel", None}
        The split; None gives one column ``new_customers``. ``acquisition_channel``
        needs ``customers`` with that column.
    customers : DataFrame, optional
        The customer table (see :func:`first_purchases`).

    Returns
    -------
    DataFrame
        Rows: periods (period start dates); columns: the split's values (or
        ``new_customers``); values: counts of new customers.

    Raises
    ------
    MissingDataError
        If the data lacks the column of the split.
    """
    first = first_purchases(transactions, products, end=end, customers=customers)
    period = first["first_date"].dt.to_period(_check_freq(freq)).dt.to_timestamp()
    if by is None:
        out = period.value_counts().sort_index().to_frame("new_customers")
    else:
        if by not in first.columns:
            raise MissingDataError(
                f"acquisition by {by.replace('_', ' ')} needs that column in the data"
            )
        out = pd.crosstab(period, first[by].astype(object).fillna("unknown"))
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


def average_retention_curve(table: pd.DataFrame, min_cohorts: int = 1) -> pd.Series:
    """The cohort-size-weighted mean share still buying, per period since the first purchase.

    Each period averages only the cohorts the data has reached by then.

    Parameters
    ----------
    table : DataFrame
        From :func:`cohort_retention`.
    min_cohorts : int, default 1
        Periods reached by fewer cohorts are NaN: one old cohort is not an average.

    Returns
    -------
    Series
        Indexed by periods since the first purchase (0, 1, ...), named ``retention``.
    """
    shares = table[[c for c in table.columns if c != "cohort_size"]]
    sizes = table["cohort_size"].to_numpy(dtype=float)
    values = shares.to_numpy(dtype=float)
    weights = np.where(np.isnan(values), 0.0, sizes[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(np.nan_to_num(values) * weights, axis=0) / weights.sum(axis=0)
    reached = (~np.isnan(values)).sum(axis=0)
    mean = np.where(reached >= min_cohorts, mean, np.nan)
    return pd.Series(mean, index=shares.columns, name="retention")


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


# ---------------------------------------------------------------------------------------
# Retention: windows, lapse by purchase rhythm, probability alive, the value of retention


def _end_of(data: pd.DataFrame, end) -> pd.Timestamp:
    if end is not None:
        return pd.Timestamp(end).normalize()
    if data.empty:
        raise MissingDataError("this step needs purchases")
    return pd.Timestamp(data["date"].max()).normalize()


def _check_months(months: int) -> int:
    if int(months) != months or months < 1:
        raise ParameterError(f"months must be a whole number above 0, got {months}")
    return int(months)


def _group_of(index: pd.Index, segments: pd.Series | None) -> pd.Series:
    if segments is None:
        return pd.Series("all", index=index, dtype=object)
    return segments.reindex(index).astype(object).fillna("unassigned")


def window_retention(
    transactions: pd.DataFrame,
    *,
    end=None,
    months: int = 12,
    segments: pd.Series | None = None,
) -> pd.DataFrame:
    """Retention between the last two windows of ``months`` (default: the last two years).

    The customers who bought in the window before last are the base; the retention
    rate is the share of them who bought in the last window too. This is the ``r`` of
    the retention formula (:func:`crmlib.analytics.clv.retention_clv`) and equals
    :func:`crmlib.analytics.clv.observed_retention_rate` on purchase lines.

    Parameters
    ----------
    end : date-like, optional
        The last day of the last window; default the last purchase.
    months : int, default 12
        The length of each window.
    segments : Series, optional
        A segment per customer id; adds a row per segment (customers without one are
        ``"unassigned"``).

    Returns
    -------
    DataFrame
        Indexed by segment, ``"all"`` last: ``customers_before`` (active in the window
        before last), ``retained`` (of those, active in the last window),
        ``retention_rate``, ``active_last`` (active in the last window) and
        ``new_last`` (whose first purchase fell in the last window).
    """
    months = _check_months(months)
    data = _purchases(transactions, end)
    stop = _end_of(data, end)
    start_last = stop - pd.DateOffset(months=months)
    start_before = start_last - pd.DateOffset(months=months)
    day = data["date"].dt.normalize()
    ids = data["customer_id"]
    before = pd.Index(ids[((day > start_before) & (day <= start_last)).to_numpy(bool)].unique())
    last = pd.Index(ids[((day > start_last) & (day <= stop)).to_numpy(bool)].unique())
    first = day.groupby(ids.to_numpy()).min()
    new = pd.Index(first.index[(first > start_last).to_numpy(bool)])
    everyone = before.union(last)
    flags = pd.DataFrame(
        {
            "before": everyone.isin(before),
            "retained": everyone.isin(before) & everyone.isin(last),
            "last": everyone.isin(last),
            "new": everyone.isin(new),
        },
        index=everyone,
    )
    group = _group_of(everyone, segments)
    parts = [flags.groupby(group.to_numpy()).sum()] if segments is not None else []
    parts.append(flags.sum().to_frame("all").T)
    counts = pd.concat(parts).astype(int)
    out = pd.DataFrame(
        {
            "customers_before": counts["before"],
            "retained": counts["retained"],
            "retention_rate": counts["retained"] / counts["before"].where(counts["before"] > 0),
            "active_last": counts["last"],
            "new_last": counts["new"],
        }
    )
    out.index.name = "segment"
    out.attrs = {"end": stop, "months": months}
    return out


def purchase_rhythm(
    transactions: pd.DataFrame, *, end=None, k: float = 2.0, min_days: int = 30
) -> pd.DataFrame:
    """Lapse by each customer's own purchase rhythm.

    A customer has *lapsed* when the days since their last purchase exceed ``k``
    times their own mean interval between purchase days. Two rules keep the test
    fair:

    - **One-time buyers** have no interval of their own, so the base's rhythm stands
      in: the median of the repeat buyers' mean intervals.
    - **A floor of ``min_days``**: two purchases a few days apart would otherwise make
      a customer "lapsed" within a week.

    Parameters
    ----------
    transactions : DataFrame
        Purchase lines (customer_id, date); returns are left out.
    end : date-like, optional
        The day the analysis looks from; default the last purchase.
    k : float, default 2.0
        The lapse multiple: lapsed after ``k`` of one's own intervals without a purchase.
    min_days : int, default 30
        The shortest lapse threshold, in days.

    Returns
    -------
    DataFrame
        Indexed by customer_id: ``purchase_days`` (distinct days with a purchase),
        ``first_date``, ``last_date``, ``mean_interval_days`` (NaN for one-time
        buyers), ``rhythm`` (``"own"`` or ``"base"``), ``threshold_days``,
        ``days_since_last`` and ``lapsed``. ``attrs`` holds ``k``, ``min_days``,
        ``base_interval_days`` and ``end``.

    Raises
    ------
    ParameterError
        If ``k`` is not above 0 or ``min_days`` is negative.
    MissingDataError
        If nobody bought on two different days (there is no rhythm to measure).
    """
    if not k > 0:
        raise ParameterError(f"the lapse multiple k must be above 0, got {k}")
    if min_days < 0:
        raise ParameterError(f"min_days must be 0 or more, got {min_days}")
    data = _purchases(transactions, end)
    stop = _end_of(data, end)
    visits = pd.DataFrame(
        {"customer_id": data["customer_id"].to_numpy(), "day": data["date"].dt.normalize()}
    ).drop_duplicates()
    days = visits.groupby("customer_id")["day"]
    out = pd.DataFrame(
        {"purchase_days": days.size(), "first_date": days.min(), "last_date": days.max()}
    )
    repeat = (out["purchase_days"] >= 2).to_numpy(dtype=bool)
    if not repeat.any():
        raise MissingDataError(
            "lapse by purchase rhythm needs customers who bought on two different days"
        )
    span = (out["last_date"] - out["first_date"]).dt.days.astype(float)
    out["mean_interval_days"] = (span / (out["purchase_days"] - 1)).where(repeat)
    base = float(out.loc[repeat, "mean_interval_days"].median())
    out["rhythm"] = np.where(repeat, "own", "base")
    interval = out["mean_interval_days"].fillna(base)
    out["threshold_days"] = np.maximum(k * interval, float(min_days))
    out["days_since_last"] = (stop - out["last_date"]).dt.days.astype(int)
    out["lapsed"] = (out["days_since_last"] > out["threshold_days"]).to_numpy(dtype=bool)
    out.attrs = {"k": float(k), "min_days": int(min_days), "base_interval_days": base, "end": stop}
    return out


def lapse_summary(rhythm: pd.DataFrame, segments: pd.Series | None = None) -> pd.DataFrame:
    """Lapsed customers per buyer type (repeat / one-time) or per segment.

    Parameters
    ----------
    rhythm : DataFrame
        From :func:`purchase_rhythm`.
    segments : Series, optional
        A segment per customer id; without it the rows are ``"repeat buyers"`` and
        ``"one-time buyers"``.

    Returns
    -------
    DataFrame
        Indexed by group, ``"all"`` last: ``customers``, ``lapsed``, ``lapse_rate``
        and ``median_threshold_days``.
    """
    if segments is None:
        group = pd.Series(
            np.where(rhythm["rhythm"] == "own", "repeat buyers", "one-time buyers"),
            index=rhythm.index,
        )
    else:
        group = _group_of(rhythm.index, segments)
    frame = rhythm.assign(group=group.to_numpy())
    rows = {name: part for name, part in [*frame.groupby("group", sort=True), ("all", frame)]}
    out = pd.DataFrame(
        {
            "customers": {n: len(p) for n, p in rows.items()},
            "lapsed": {n: int(p["lapsed"].sum()) for n, p in rows.items()},
            "median_threshold_days": {
                n: float(p["threshold_days"].median()) for n, p in rows.items()
            },
        }
    )
    out.insert(2, "lapse_rate", out["lapsed"] / out["customers"])
    out.index.name = "group"
    return out


def alive_probabilities(transactions: pd.DataFrame, *, end=None, freq: str = "W") -> pd.DataFrame:
    """The probability that each customer is still active, from the BG/NBD model.

    The model (Fader, Hardie & Lee 2005) is fitted with :class:`crmlib.BetaGeoModel`
    on :func:`crmlib.summarize_transactions` of the purchase lines (returns left out).

    Returns
    -------
    DataFrame
        Indexed by customer_id: ``frequency``, ``recency``, ``T`` (in periods of
        ``freq``) and ``probability_alive``. ``attrs["params"]`` holds the fitted
        r, alpha, a, b.

    Raises
    ------
    MissingDataError
        When the model cannot be fitted (e.g. nobody bought twice).
    """
    from crmlib.analytics.bgnbd import BetaGeoModel
    from crmlib.analytics.summary import summarize_transactions
    from crmlib.errors import ModelFitError

    data = _purchases(transactions, end)
    stop = _end_of(data, end)
    summary = summarize_transactions(data, amount_col=None, freq=freq, observation_end=stop)
    try:
        model = BetaGeoModel().fit(summary)
    except ModelFitError as error:
        raise MissingDataError(
            f"probability alive needs a BG/NBD fit, which failed: {error}"
        ) from None
    out = summary[["frequency", "recency", "T"]].copy()
    out["probability_alive"] = np.asarray(
        model.probability_alive(
            summary["frequency"].to_numpy(float),
            summary["recency"].to_numpy(float),
            summary["T"].to_numpy(float),
        ),
        dtype=float,
    )
    out.index.name = "customer_id"
    out.attrs = {"params": dict(model.params_), "freq": freq, "end": stop}
    return out


def retention_uplift_value(
    margin: float,
    retention_rate: float,
    *,
    customers: int,
    uplift: float = 0.05,
    discount_rate: float = 0.1,
) -> pd.Series:
    """What a rise in the retention rate is worth, by the retention CLV formula.

    A customer who brings ``margin`` a year and stays each year with probability
    ``r`` is worth ``margin * r / (1 + d - r)`` (:func:`crmlib.analytics.clv.retention_clv`).
    Raising ``r`` by ``uplift`` raises that value for each of ``customers``; in the
    first year alone it keeps ``uplift * customers`` more customers, each bringing
    ``margin``.

    Parameters
    ----------
    margin : float
        Yearly margin of a retained customer.
    retention_rate : float
        Current yearly retention rate (0-1).
    customers : int
        The customers the rate applies to (the base of the retention rate).
    uplift : float, default 0.05
        The rise, as a share (0.05 = 5 points). The target is capped at 1.
    discount_rate : float, default 0.1
        Yearly discount rate ``d``.

    Returns
    -------
    Series
        ``retention_rate``, ``target_rate``, ``uplift`` (after the cap), ``margin``,
        ``clv_now`` and ``clv_target`` (per customer), ``clv_gain`` (per customer),
        ``customers``, ``lifetime_gain`` (``customers * clv_gain``),
        ``extra_retained`` (customers kept in the first year) and
        ``first_year_gain`` (``extra_retained * margin``).

    Raises
    ------
    ParameterError
        For a rate outside 0-1, a negative uplift or discount rate.
    """
    from crmlib.analytics.clv import retention_clv

    if uplift < 0:
        raise ParameterError(f"uplift must be 0 or more, got {uplift}")
    if not discount_rate > 0:
        raise ParameterError(
            f"discount_rate must be above 0 (at 0 a retention of 1 is worth infinitely much), "
            f"got {discount_rate}"
        )
    target = min(float(retention_rate) + float(uplift), 1.0)
    now = float(retention_clv(float(margin), float(retention_rate), float(discount_rate)))
    after = float(retention_clv(float(margin), target, float(discount_rate)))
    extra = (target - float(retention_rate)) * customers
    return pd.Series(
        {
            "retention_rate": float(retention_rate),
            "target_rate": target,
            "uplift": target - float(retention_rate),
            "margin": float(margin),
            "clv_now": now,
            "clv_target": after,
            "clv_gain": after - now,
            "customers": float(customers),
            "lifetime_gain": (after - now) * customers,
            "extra_retained": extra,
            "first_year_gain": extra * float(margin),
        },
        name="retention_value",
    )


def retention_curve(margin: float, *, discount_rate: float = 0.1, rates=None) -> pd.DataFrame:
    """The retention CLV per customer across retention rates, for the value chart.

    Returns
    -------
    DataFrame
        ``retention_rate`` and ``clv`` (``margin * r / (1 + d - r)``).
    """
    from crmlib.analytics.clv import retention_clv

    rates = np.linspace(0.0, 0.95, 96) if rates is None else np.asarray(rates, dtype=float)
    return pd.DataFrame(
        {"retention_rate": rates, "clv": retention_clv(float(margin), rates, discount_rate)}
    )


# ---------------------------------------------------------------------------------------
# Acquisition quality


def acquisition_quality(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    by: str | None = "first_channel",
    end=None,
    months: int = 12,
    start=None,
    margin: pd.Series | None = None,
    customers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What new customers bring in their first ``months``, per way they came in.

    Only customers whose first ``months`` lie wholly before ``end`` count, so every
    one is measured over a window of the same length.

    Parameters
    ----------
    by : str or None
        A column of :func:`first_purchases` (``first_channel``, ``first_category``,
        ``acquisition_channel``); None gives only the ``"all"`` row.
    start : date-like, optional
        Count only customers whose first purchase is after this day (e.g. the most
        recent complete year of newcomers).
    margin : Series, optional
        The margin of every transaction line, indexed like ``transactions`` (from
        :func:`crmlib.analytics.profitability.transaction_margin`).

    Returns
    -------
    DataFrame
        Indexed by the split's values, ``"all"`` last: ``customers``, ``repeat_rate``
        (share who bought again on another day within the window),
        ``first_year_revenue`` and, with ``margin``, ``first_year_margin`` (means
        per customer; "first year" is the window of ``months``).

    Raises
    ------
    MissingDataError
        When the split's column is missing or no customer has a complete window.
    """
    months = _check_months(months)
    data = _purchases(transactions, end)
    stop = _end_of(data, end)
    first = first_purchases(transactions, products, end=stop, customers=customers)
    if by is not None and by not in first.columns:
        raise MissingDataError(f"acquisition quality by {by.replace('_', ' ')} needs that column")
    complete = first["first_date"] <= stop - pd.DateOffset(months=months)
    if start is not None:
        complete &= first["first_date"] > pd.Timestamp(start)
    first = first[complete.to_numpy(dtype=bool)]
    if first.empty:
        raise MissingDataError(
            f"acquisition quality needs customers whose first {months} months are observed"
        )
    lines = data[data["customer_id"].isin(first.index).to_numpy(dtype=bool)]
    first_date = lines["customer_id"].map(first["first_date"])
    inside = (lines["date"] < first_date + pd.DateOffset(months=months)).to_numpy(dtype=bool)
    lines, first_date = lines[inside], first_date[inside]
    frame = pd.DataFrame(
        {
            "customer_id": lines["customer_id"].to_numpy(),
            "revenue": lines["amount"].to_numpy(dtype=float),
            "later_day": (lines["date"].dt.normalize() > first_date.dt.normalize()).to_numpy(bool),
        }
    )
    if margin is not None:
        frame["margin"] = margin.reindex(lines.index).to_numpy(dtype=float)
    per_customer = frame.groupby("customer_id").agg(
        revenue=("revenue", "sum"),
        repeat=("later_day", "any"),
        **({"margin": ("margin", "sum")} if margin is not None else {}),
    )
    per_customer = per_customer.reindex(first.index).fillna(
        {"revenue": 0.0, "repeat": False, **({"margin": 0.0} if margin is not None else {})}
    )
    rows = [("all", per_customer)]
    if by is not None:
        group = first[by].astype(object).fillna("unknown").to_numpy()
        rows = [*per_customer.groupby(group, sort=True), *rows]
    out = pd.DataFrame(
        {
            name: {
                "customers": len(part),
                "repeat_rate": float(part["repeat"].astype(bool).mean()),
                "first_year_revenue": float(part["revenue"].mean()),
                **(
                    {"first_year_margin": float(part["margin"].mean())}
                    if margin is not None
                    else {}
                ),
            }
            for name, part in rows
        }
    ).T
    out["customers"] = out["customers"].astype(int)
    out.index.name = by or "group"
    return out


# ---------------------------------------------------------------------------------------
# Penetration beyond category counts


def _category_lines(
    transactions: pd.DataFrame, products: pd.DataFrame | None, start, end, step: str
) -> pd.DataFrame:
    if (
        products is None
        or not {"product_id", "category"} <= set(products.columns)
        or "product_id" not in transactions.columns
    ):
        raise MissingDataError(f"{step} needs product_id in transactions and category in products")
    data = _purchases(transactions, end)
    if start is not None:
        data = data[(data["date"] > pd.Timestamp(start)).to_numpy(dtype=bool)]
    category = data["product_id"].map(
        products.drop_duplicates("product_id").set_index("product_id")["category"]
    )
    return pd.DataFrame(
        {
            "customer_id": data["customer_id"].to_numpy(),
            "category": category.to_numpy(),
            # amount is only needed for the spend mix; cross-sell counts buyers
            "amount": (
                data["amount"].to_numpy(dtype=float)
                if "amount" in data.columns
                else np.full(len(data), np.nan)
            ),
        }
    ).dropna(subset=["category"])


def category_affinity(
    transactions: pd.DataFrame, products: pd.DataFrame, *, end=None
) -> pd.DataFrame:
    """Cross-sell between categories: of the buyers of A, the share who also bought B.

    Returns
    -------
    DataFrame
        Rows ``bought`` (A) and columns ``also_bought`` (B), both the categories;
        the diagonal is NaN.
    """
    lines = _category_lines(transactions, products, None, end, "category cross-sell")
    owned = pd.crosstab(lines["customer_id"], lines["category"]).gt(0).astype(float)
    both = owned.T @ owned
    buyers = pd.Series(np.diag(both.to_numpy()), index=both.index)
    share = both.div(buyers, axis=0)
    values = share.to_numpy(copy=True)
    np.fill_diagonal(values, np.nan)
    out = pd.DataFrame(values, index=share.index, columns=share.columns)
    out.index.name, out.columns.name = "bought", "also_bought"
    return out


def category_spend(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    *,
    segments: pd.Series | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """What each segment buys: its spend per category as a share of its spend.

    Returns
    -------
    DataFrame
        Rows: segments (or ``"all"``); columns: categories; values: shares of the
        segment's spend (rows sum to 1).
    """
    lines = _category_lines(transactions, products, start, end, "spend per category")
    group = _group_of(pd.Index(lines["customer_id"]), segments).to_numpy()
    spend = (
        lines.groupby([group, lines["category"].to_numpy()])["amount"].sum().unstack(fill_value=0.0)
    )
    share = spend.div(spend.sum(axis=1).where(lambda s: s != 0), axis=0)
    share.index.name, share.columns.name = "segment", "category"
    return share


def share_of_wallet(
    transactions: pd.DataFrame,
    wallet_per_customer: float,
    *,
    end=None,
    months: int = 12,
    segments: pd.Series | None = None,
) -> pd.DataFrame:
    """Share of wallet: what customers spend here against what they spend in the market.

    The wallet is an estimate, given from outside the data: what one customer spends a
    year on what the company sells, here and elsewhere. A customer's share is their
    spend over the last ``months`` (scaled to a year) divided by the wallet, capped at
    1; the headroom is the part of the wallet spent elsewhere.

    Parameters
    ----------
    wallet_per_customer : float
        A customer's yearly spend in the market. 0 means unknown.

    Returns
    -------
    DataFrame
        Indexed by segment, ``"all"`` last: ``buyers`` (active in the window),
        ``spend_per_buyer`` (a year), ``wallet_per_customer``, ``share_of_wallet``
        (mean of the customers' shares) and ``headroom`` (yearly spend left
        elsewhere by the buyers, summed).

    Raises
    ------
    MissingDataError
        When the wallet is unknown (0) or nobody bought in the window.
    """
    if not wallet_per_customer or wallet_per_customer <= 0:
        raise MissingDataError(
            "share of wallet needs an estimate of what a customer spends a year in the market, "
            "here and elsewhere (the parameter wallet_per_customer); the data holds only the "
            "spend here"
        )
    months = _check_months(months)
    data = _purchases(transactions, end)
    stop = _end_of(data, end)
    window = data[(data["date"] > stop - pd.DateOffset(months=months)).to_numpy(dtype=bool)]
    if window.empty:
        raise MissingDataError(f"share of wallet needs purchases in the last {months} months")
    spend = window.groupby("customer_id")["amount"].sum().astype(float) * 12 / months
    spend = spend[spend > 0]
    share = (spend / wallet_per_customer).clip(upper=1.0)
    headroom = (wallet_per_customer - spend).clip(lower=0.0)
    frame = pd.DataFrame({"spend": spend, "share": share, "headroom": headroom})
    group = _group_of(frame.index, segments)
    rows = ([*frame.groupby(group.to_numpy(), sort=True)] if segments is not None else []) + [
        ("all", frame)
    ]
    out = pd.DataFrame(
        {
            name: {
                "buyers": len(part),
                "spend_per_buyer": float(part["spend"].mean()),
                "wallet_per_customer": float(wallet_per_customer),
                "share_of_wallet": float(part["share"].mean()),
                "headroom": float(part["headroom"].sum()),
            }
            for name, part in rows
        }
    ).T
    out["buyers"] = out["buyers"].astype(int)
    out.index.name = "segment"
    return out


# ---------------------------------------------------------------------------------------
# Efficiency: the cost to serve


def _contacts_in(interactions: pd.DataFrame, start, end) -> pd.DataFrame:
    data = interactions
    if "date" in data.columns:
        keep = np.ones(len(data), dtype=bool)
        if start is not None:
            keep &= (data["date"] > pd.Timestamp(start)).to_numpy(dtype=bool)
        if end is not None:
            keep &= (data["date"] <= pd.Timestamp(end)).to_numpy(dtype=bool)
        data = data[keep]
    return data


def channel_costs(
    interactions: pd.DataFrame, channels: pd.DataFrame, *, start=None, end=None
) -> pd.DataFrame:
    """The cost to serve per channel: contacts times the channel's cost per contact.

    Parameters
    ----------
    start, end : date-like, optional
        Count contacts after ``start`` up to and including ``end``.

    Returns
    -------
    DataFrame
        Indexed by channel, most costly first: ``contacts``, ``customers`` (served in
        the channel), ``cost_per_contact``, ``cost`` and ``cost_share``.

    Raises
    ------
    DataValidationError
        When a contact's channel has no cost (see
        :func:`crmlib.analytics.profitability.cost_to_serve`).
    """
    from crmlib.analytics.profitability import cost_to_serve

    data = _contacts_in(interactions, start, end)
    cost_to_serve(data, channels)  # checks every channel has a cost, naming the rows if not
    rate = (
        channels.assign(channel=channels["channel"].astype(str).str.strip())
        .drop_duplicates("channel")
        .set_index("channel")["cost_per_contact"]
        .astype(float)
    )
    used = data["channel"].astype(str).str.strip()
    grouped = data.groupby(used.to_numpy())
    out = pd.DataFrame({"contacts": grouped.size(), "customers": grouped["customer_id"].nunique()})
    out["cost_per_contact"] = out.index.map(rate).astype(float)
    out["cost"] = out["contacts"] * out["cost_per_contact"]
    total = out["cost"].sum()
    out["cost_share"] = out["cost"] / total if total > 0 else np.nan
    out.index.name = "channel"
    return out.sort_values("cost", ascending=False)


def segment_costs(
    interactions: pd.DataFrame,
    channels: pd.DataFrame,
    segments: pd.Series,
    *,
    margin: pd.Series | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """The cost to serve per segment, against the margin the segment brings.

    Parameters
    ----------
    segments : Series
        A segment for every customer to count (indexed by customer_id); customers
        without contacts count with a cost of 0.
    margin : Series, optional
        The gross margin per customer over the same period, for ``cost_to_margin``.

    Returns
    -------
    DataFrame
        Indexed by segment, ``"all"`` last: ``customers``, ``contacts``,
        ``contacts_per_customer``, ``cost``, ``cost_per_customer`` and, with
        ``margin``, ``margin_per_customer`` and ``cost_to_margin`` (cost over margin).
    """
    from crmlib.analytics.profitability import cost_to_serve

    data = _contacts_in(interactions, start, end)
    served = cost_to_serve(data, channels).reindex(segments.index, fill_value=0)
    frame = served.assign(segment=segments.astype(object).fillna("unassigned").to_numpy())
    if margin is not None:
        frame["margin"] = margin.reindex(segments.index).fillna(0.0).to_numpy(dtype=float)
    rows = [*frame.groupby("segment", sort=True), ("all", frame)]
    out = pd.DataFrame(
        {
            name: {
                "customers": len(part),
                "contacts": int(part["n_contacts"].sum()),
                "cost": float(part["cost_to_serve"].sum()),
                **({"margin": float(part["margin"].sum())} if margin is not None else {}),
            }
            for name, part in rows
        }
    ).T
    out["customers"] = out["customers"].astype(int)
    out["contacts"] = out["contacts"].astype(int)
    out.insert(2, "contacts_per_customer", out["contacts"] / out["customers"])
    out["cost_per_customer"] = out["cost"] / out["customers"]
    if margin is not None:
        out["margin_per_customer"] = out.pop("margin") / out["customers"]
        out["cost_to_margin"] = out["cost_per_customer"] / out["margin_per_customer"].where(
            out["margin_per_customer"] > 0
        )
    out.index.name = "segment"
    return out


# ---------------------------------------------------------------------------------------
# Readiness: how ready the base is to buy, as far as the data shows it


def recent_activity(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    end=None,
    windows=(3, 6, 12, 24),
) -> pd.DataFrame:
    """The share of customers who bought within the last 3, 6, 12 and 24 months.

    Parameters
    ----------
    customers : DataFrame, optional
        The customer table; the shares are then of every customer, buyers or not
        (otherwise of the customers who ever bought).
    windows : sequence of int
        Window lengths in months.

    Returns
    -------
    DataFrame
        Indexed by ``months``: ``buyers`` (who bought in the window) and ``share``.
    """
    data = _purchases(transactions, end)
    stop = _end_of(data, end)
    last = data.groupby("customer_id")["date"].max()
    base = (
        customers["customer_id"].nunique()
        if customers is not None and "customer_id" in customers.columns
        else len(last)
    )
    rows = []
    for months in windows:
        months = _check_months(months)
        buyers = int((last > stop - pd.DateOffset(months=months)).sum())
        rows.append(
            {"months": months, "buyers": buyers, "share": buyers / base if base else np.nan}
        )
    return pd.DataFrame(rows).set_index("months")


def campaign_response(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Response per campaign, in the order sent: how ready customers are to act on an offer.

    Returns
    -------
    DataFrame
        Indexed by campaign_id: ``sent_date`` (the first, when known), ``offer``
        (when known), ``sent``, ``responses``, ``response_rate`` and ``revenue``
        (when known).

    Raises
    ------
    MissingDataError
        Without a campaigns table with campaign_id and responded.
    """
    if campaigns is None or not {"campaign_id", "responded"} <= set(campaigns.columns):
        raise MissingDataError("campaign response needs the campaigns table with responded")
    data = campaigns.assign(responded=campaigns["responded"].astype("boolean").fillna(False))
    grouped = data.groupby("campaign_id", sort=False)
    out = pd.DataFrame({"sent": grouped.size(), "responses": grouped["responded"].sum()})
    out["responses"] = out["responses"].astype(int)
    out["response_rate"] = out["responses"] / out["sent"]
    if "revenue" in data.columns:
        out["revenue"] = grouped["revenue"].sum().astype(float)
    if "offer" in data.columns:
        out.insert(0, "offer", grouped["offer"].first())
    if "sent_date" in data.columns:
        out.insert(0, "sent_date", grouped["sent_date"].min())
        out = out.sort_values("sent_date", kind="mergesort")
    return out

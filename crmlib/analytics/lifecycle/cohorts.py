"""Acquisition, cohorts and retention: who is new when, and who comes back.

- **Acquisition.** A customer is new in the period of their first purchase.
- **Retention.** Cohort retention: the share of a cohort (customers with their first
  purchase in the same period) that buys again k periods later. Window retention: of
  the customers who bought in the 12 months before the last 12, the share who bought in
  the last 12 (the ``r`` of the retention formula ``m * r / (1 + d - r)``).

Periods follow pandas' period aliases: ``"M"`` months, ``"Q"`` quarters, ``"Y"`` years.
A return line is not a purchase.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle._common import check_freq, check_months, end_of, group_of
from crmlib.analytics.purchases import (
    last_purchase_day,
    purchase_lines,
    purchase_mask,
    purchase_table,
)
from crmlib.analytics.summary import line_customers, table_customers
from crmlib.data.frames_engine import exact_sum, run, small_table
from crmlib.errors import MissingDataError, ParameterError
from crmlib.loaded import derived, is_loaded
from crmlib.text import translate
from crmlib.text_columns import frame_values, isin


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
    if all(t is None or is_loaded(t) for t in (products, customers)):
        # an acquisition view asks for the first purchases of the same lines three
        # times (volumes, sources, first-year quality): a loaded company's are kept
        key = (None if end is None else pd.Timestamp(end), id(products), id(customers))
        kept = derived(
            transactions,
            "first purchases",
            key,
            lambda: _first_purchases(transactions, products, end, customers),
        )
        return kept.copy()
    return _first_purchases(transactions, products, end, customers)


def _first_purchases(transactions, products, end, customers) -> pd.DataFrame:
    keep = purchase_mask(transactions, end)
    dates = transactions["date"]
    if dates.isna().to_numpy()[keep].any() or transactions["customer_id"].isna().any():
        data = transactions.loc[keep]
        ordered = data.sort_values(["customer_id", "date"], kind="mergesort")
        first = ordered.drop_duplicates("customer_id").set_index("customer_id")
    else:
        # each customer's earliest purchase line (the first in the table on a tie),
        # found by customer number over the kept lines: no copy of the lines themselves
        rows = np.flatnonzero(keep)
        customer, ids = table_customers(transactions, "transactions")
        earliest = pd.Series(dates.to_numpy()[rows]).groupby(customer[rows], sort=True).idxmin()
        picked = rows[earliest.to_numpy()]
        columns = [c for c in ("date", "channel", "product_id") if c in transactions.columns]
        first = transactions[columns].take(picked)
        # the ids in the table's own type, as grouping by the ids themselves gives them
        first.index = ids.take(earliest.index.to_numpy()).rename("customer_id")
        if not first.index.is_monotonic_increasing:
            first = first.sort_index(kind="stable")
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
    freq = check_freq(freq)
    first = first_purchases(transactions, products, end=end, customers=customers)
    period = first["first_date"].dt.to_period(freq).dt.to_timestamp()
    if by is None:
        out = period.value_counts().sort_index().to_frame("new_customers")
    else:
        if by not in first.columns:
            raise MissingDataError(
                f"acquisition by {by.replace('_', ' ')} needs that column in the data"
            )
        out = pd.crosstab(period, first[by].astype(object).fillna("unknown"))
    if len(out):
        # a period the lines cover in which nobody bought for the first time won no
        # one: a measured 0, shown rather than left out
        last = pd.Timestamp(end) if end is not None else transactions["date"].max()
        covered = pd.period_range(period.min(), last, freq=freq).to_timestamp()
        out = out.reindex(covered.union(out.index), fill_value=0)
    out.index.name = "period"
    return out


def active_periods(transactions: pd.DataFrame, freq: str = "Q", end=None) -> pd.DataFrame:
    """One row per customer and period in which they bought: ``customer_id``, ``period``."""
    freq = check_freq(freq)
    keep = purchase_mask(transactions, end)
    rows = np.flatnonzero(keep)
    customer, labels = line_customers(transactions, "transactions", missing_is_customer=True)
    ordinal = period_ordinals(transactions["date"].iloc[rows], freq)
    # distinct (customer, period) pairs found as pairs of numbers, in the order they
    # first occur; then the ids and periods of those rows
    first = (
        pd.DataFrame({"customer": customer[rows], "period": ordinal})
        .drop_duplicates()
        .index.to_numpy()
    )
    return pd.DataFrame(
        {
            "customer_id": frame_values(labels.take(customer[rows[first]])),
            "period": pd.PeriodIndex.from_ordinals(ordinal[first], freq=freq).array,
        }
    )


def period_ordinals(dates: pd.Series, freq: str) -> np.ndarray:
    """pandas' period ordinals (periods since 1970; NaT's for a missing date) of dates.

    Months, quarters and calendar years counted on the dates' own numbers, as
    ``dates.dt.to_period(freq).asi8`` gives them, without a Period object per date.
    """
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)  # periods of the local day, as to_period
    months = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    missing = np.isnat(months)
    count = months.astype(np.int64)
    if freq == "Q":
        count = count // 3
    elif freq == "Y":
        count = count // 12
    return np.where(missing, np.iinfo(np.int64).min, count)


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
    freq = check_freq(freq)
    counts, latest = _cohort_counts(transactions, freq, end)
    if counts.empty:
        raise MissingDataError(translate("cohort retention needs purchases"))
    last = (
        pd.Period(ordinal=latest, freq=freq) if end is None else pd.Timestamp(end).to_period(freq)
    )
    # a cohort's label is its period as text (2024Q1): numbered periods sort as their text
    starts = pd.PeriodIndex.from_ordinals(counts.index.to_numpy(), freq=last.freq)
    counts.index = starts.astype(str)
    sizes = counts[0]
    shares = counts.div(sizes, axis=0)
    horizon = (last.ordinal - starts.asi8).astype(int)
    ages = shares.columns.to_numpy()
    shares = shares.mask(ages[None, :] > horizon[:, None])
    shares.insert(0, "cohort_size", sizes)
    shares.index.name = "cohort"
    shares.columns.name = None
    return shares


def _first_year(
    transactions: pd.DataFrame,
    first: pd.DataFrame,
    end,
    months: int,
    margin: pd.Series | None,
) -> pd.DataFrame:
    """Per new customer of ``first`` (in its order): the revenue (and margin) of their
    purchase lines in the ``months`` from their first purchase, and whether they bought
    again on another day in them. Grouped by DuckDB: one row per customer comes back,
    and no copy of the purchase lines is made.
    """
    import ibis

    extra = None
    if margin is not None:
        extra = {"margin": margin.reindex(transactions.index).to_numpy(dtype=float)}
    columns = ["customer_id", "date", "amount", *(["margin"] if margin is not None else [])]
    lines = purchase_table(transactions, columns, end, extra)
    newcomers = small_table(
        {
            "newcomer": first.index.astype("str").to_numpy(),
            "first_date": first["first_date"].to_numpy(dtype="datetime64[ns]"),
        }
    )
    lines = lines.join(newcomers, lines.customer_id.cast("string") == newcomers.newcomer)
    lines = lines.filter(lines.date < lines.first_date + ibis.interval(months=months))
    sums = {
        "revenue": exact_sum(lines.amount),
        "repeat": (lines.date.cast("date") > lines.first_date.cast("date")).any(),
    }
    if margin is not None:
        sums["margin"] = exact_sum(lines.margin)
    found = run(lines.group_by("newcomer").aggregate(**sums)).set_index("newcomer")
    found = found.reindex(first.index.astype("str"))
    out = pd.DataFrame(
        {
            "revenue": found["revenue"].fillna(0.0).to_numpy(dtype=float),
            "repeat": found["repeat"].fillna(False).to_numpy(dtype=bool),
        },
        index=first.index,
    )
    if margin is not None:
        out["margin"] = found["margin"].fillna(0.0).to_numpy(dtype=float)
    return out


def _cohort_counts(transactions: pd.DataFrame, freq: str, end) -> tuple[pd.DataFrame, int]:
    """Customers per cohort (rows: the period ordinal of their first purchase) and age
    (columns: periods since), counted by DuckDB: only this small table comes back.

    A customer is counted once per period they bought in, as :func:`active_periods`
    lists them; periods are pandas' ordinals (periods since 1970). Also returns the
    latest period with a purchase.
    """
    import ibis

    lines = purchase_table(transactions, ["customer_id", "date"], end)
    day = lines.date.cast("date")
    months = (day.year() - 1970) * 12 + day.month() - 1
    years = day.year() - 1970
    ordinal = {"M": months, "Q": years * 4 + (day.month() - 1) // 3, "Y": years}[freq]
    pairs = lines.select("customer_id", period=ordinal).filter(ibis._.period.notnull()).distinct()
    # a window, not a join: a line without a customer id is one customer, as in pandas
    pairs = pairs.mutate(cohort=pairs.period.min().over(group_by=pairs.customer_id))
    counted = pairs.group_by("cohort", age=pairs.period - pairs.cohort).aggregate(n=ibis._.count())
    found = run(counted)
    if found.empty:
        return pd.DataFrame(), 0
    latest = int((found["cohort"] + found["age"]).max())
    table = found.pivot(index="cohort", columns="age", values="n").fillna(0).astype(np.int64)
    table = table.sort_index().sort_index(axis=1)
    table.index = table.index.astype(np.int64)
    table.columns = table.columns.astype(int)
    return table, latest


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
    if len(periods) < 2:
        raise MissingDataError(
            translate(
                "period retention compares a period with the one before: it needs purchases "
                "in at least two periods ({freq}), and these lines have them in {count}"
            ).format(freq=freq, count=len(periods))
        )
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
            kept_mask = isin(labels.index, pd.Index(list(kept)))
            for segment, mask in labels.groupby(labels, observed=True).groups.items():
                members = isin(labels.index, mask)
                row[f"retention_rate_{segment}"] = (
                    kept_mask[members].mean() if members.any() else np.nan
                )
        rows.append(row)
    return pd.DataFrame(rows).set_index("period")


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
    months = check_months(months)
    data = purchase_lines(transactions, end)
    stop = end_of(data, end)
    start_last = stop - pd.DateOffset(months=months)
    start_before = start_last - pd.DateOffset(months=months)
    day = data["date"].dt.normalize()
    # customers numbered once: the flags per customer are arrays indexed by that number
    customer, ids = pd.factorize(data["customer_id"])
    known = customer >= 0

    def bought(mask) -> np.ndarray:
        flag = np.zeros(len(ids), dtype=bool)
        flag[customer[mask.to_numpy(dtype=bool) & known]] = True
        return flag

    before = bought((day > start_before) & (day <= start_last))
    last = bought((day > start_last) & (day <= stop))
    first = pd.Series(day.to_numpy()[known]).groupby(customer[known]).min()
    first_day = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    first_day[first.index.to_numpy()] = first.to_numpy(dtype="datetime64[ns]")
    index = pd.Index(ids)
    return retention_counts(
        pd.Series(before, index=index),
        pd.Series(last, index=index),
        pd.Series(first_day, index=index),
        end=stop,
        months=months,
        segments=segments,
    )


def retention_counts(
    before: pd.Series,
    last: pd.Series,
    first_purchase: pd.Series,
    *,
    end,
    months: int = 12,
    segments: pd.Series | None = None,
) -> pd.DataFrame:
    """:func:`window_retention` from each customer's flags rather than the lines.

    Parameters
    ----------
    before, last : Series of bool
        Per customer id: bought in the window before last, bought in the last window
        (the customer base's ``bought_previous_window`` and ``is_buyer`` when its window
        is ``months`` long).
    first_purchase : Series
        Per customer id, the day of the first purchase (NaT: never bought).
    end : date-like
        The last day of the last window.
    months, segments
        As for :func:`window_retention`.
    """
    months = check_months(months)
    stop = pd.Timestamp(end).normalize()
    start_last = stop - pd.DateOffset(months=months)
    before = before.to_numpy(dtype=bool)
    last = last.to_numpy(dtype=bool)
    new = (pd.to_datetime(first_purchase) > start_last).to_numpy(dtype=bool)
    everyone = before | last
    flags = pd.DataFrame(
        {
            "before": before[everyone],
            "retained": (before & last)[everyone],
            "last": last[everyone],
            "new": new[everyone],
        },
        index=pd.Index(first_purchase.index[everyone]),
    )
    everyone = flags.index
    group = group_of(everyone, segments)
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
    months = check_months(months)
    stop = end_of(transactions, end) if end is not None else last_purchase_day(transactions)
    first = first_purchases(transactions, products, end=stop, customers=customers)
    if by is not None and by not in first.columns:
        raise MissingDataError(
            translate("acquisition quality by {column} needs that column").format(
                column=by.replace("_", " ")
            )
        )
    complete = first["first_date"] <= stop - pd.DateOffset(months=months)
    if start is not None:
        complete &= first["first_date"] > pd.Timestamp(start)
    first = first[complete.to_numpy(dtype=bool)]
    if first.empty:
        raise MissingDataError(
            f"acquisition quality needs customers whose first {months} months are observed"
        )
    per_customer = _first_year(transactions, first, end, months, margin)
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

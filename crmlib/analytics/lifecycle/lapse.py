"""Lapse and purchase rhythm: who has stopped buying, judged by their own rhythm.

- **Lapse.** A customer has lapsed when the days since their last purchase exceed
  ``k`` times their own mean interval between purchase days (never less than
  ``min_days``). One-time buyers have no rhythm of their own, so the base's rhythm
  stands in: the median of the repeat buyers' mean intervals.

Also the probability that a customer is still alive (BG/NBD) and the recent activity
that shows how ready the base is to buy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle._common import check_months, end_of, group_of
from crmlib.analytics.purchases import last_purchase_day, purchase_lines, purchase_table
from crmlib.data.frames_engine import run
from crmlib.errors import MissingDataError, ParameterError
from crmlib.loaded import derived
from crmlib.text import translate


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
    stop = end_of(transactions, end) if end is not None else last_purchase_day(transactions)
    # the rhythm is asked for several multiples k of the same lines (the slider, the
    # exercises): only the threshold depends on k
    when = None if end is None else pd.Timestamp(end)
    out = derived(
        transactions, "purchase_days", when, lambda: _purchase_days(transactions, end)
    ).copy()
    repeat = (out["purchase_days"] >= 2).to_numpy(dtype=bool)
    if not repeat.any():
        raise MissingDataError(
            translate("lapse by purchase rhythm needs customers who bought on two different days")
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


def _purchase_days(transactions: pd.DataFrame, end) -> pd.DataFrame:
    """Per customer (in id order): ``purchase_days``, ``first_date`` and ``last_date`` of
    their purchase lines up to ``end``, counted by DuckDB (one row per customer back)."""
    lines = purchase_table(transactions, ["customer_id", "date"], end)
    day = lines.date.cast("date")
    counted = lines.group_by("customer_id").aggregate(
        purchase_days=day.nunique(), first_date=day.min(), last_date=day.max()
    )
    found = run(counted).dropna(subset=["customer_id"])
    found = found.set_index("customer_id").sort_index(kind="mergesort")
    found.index = pd.Index(found.index, dtype="str", name="customer_id")
    for column in ("first_date", "last_date"):
        found[column] = pd.to_datetime(found[column]).astype("datetime64[ns]")
    found["purchase_days"] = found["purchase_days"].astype(np.int64)
    return found[["purchase_days", "first_date", "last_date"]]


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
        group = group_of(rhythm.index, segments)
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

    data = purchase_lines(transactions, end)
    stop = end_of(data, end)
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
        Indexed by ``months``: ``buyers`` (who bought in the window), ``share`` and
        ``covered`` (whether the purchase lines reach back to the window's start). A
        window longer than the data's history has no buyers or share (NaN): who bought
        before the first line cannot be seen, so its share is unknown, not 100%.
    """
    data = purchase_lines(transactions, end)
    stop = end_of(data, end)
    last = data.groupby("customer_id")["date"].max()
    base = (
        customers["customer_id"].nunique()
        if customers is not None and "customer_id" in customers.columns
        else len(last)
    )
    return activity_shares(last, data["date"].min(), base, end=stop, windows=windows)


def activity_shares(
    last_purchase: pd.Series,
    first_day,
    customers: int,
    *,
    end,
    windows=(3, 6, 12, 24),
) -> pd.DataFrame:
    """:func:`recent_activity` from each customer's last purchase rather than the lines.

    Parameters
    ----------
    last_purchase : Series
        The day of each customer's last purchase up to ``end`` (NaT for one who never
        bought), as the customer base holds it (``last_purchase``).
    first_day : date-like
        The day of the first purchase line: a window reaching before it is not covered.
    customers : int
        How many customers the shares are of.
    end : date-like
        The observation end.
    windows : sequence of int
        Window lengths in months.
    """
    stop = pd.Timestamp(end).normalize()
    first_day = pd.Timestamp(first_day).normalize()
    last = pd.to_datetime(last_purchase).dropna()
    rows = []
    for months in windows:
        months = check_months(months)
        start = stop - pd.DateOffset(months=months)
        # the window (start, stop] is covered when the lines begin on its first day
        covered = bool(first_day <= start + pd.Timedelta(days=1))
        buyers = int((last > start).sum())
        rows.append(
            {
                "months": months,
                "buyers": buyers if covered else np.nan,
                "share": buyers / customers if customers and covered else np.nan,
                "covered": covered,
            }
        )
    return pd.DataFrame(rows).set_index("months")

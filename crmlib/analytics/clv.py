"""Customer lifetime value: predictive (BG/NBD + Gamma-Gamma) and historical (retention).

Two ways to put a number on what a customer is worth, shown side by side in the IDIC
and value-chain notebooks:

- **Predictive CLV.** :class:`BetaGeoModel` (Fader, Hardie & Lee 2005) forecasts each
  customer's purchases and the probability that they are still active;
  :class:`GammaGammaModel` (Fader & Hardie 2013) forecasts the value per purchase.
  :func:`customer_lifetime_value` combines them month by month over a horizon and
  discounts the result to today.
- **Historical (retention) CLV.** The textbook formula for a customer who brings a
  margin ``m`` a year and stays each year with probability ``r``:
  ``m * r / (1 + d - r)`` at discount rate ``d`` (:func:`retention_clv`).

The models are maximum-likelihood fits written with numpy and scipy. There is no
dependency on ``lifetimes``, which has been archived since 2020 and no longer works with
current pandas, nor on ``pymc-marketing``, which brings about 800 MB of Bayesian stack
and takes about 18 s per fit here, where these fits take well under a second (see
``benchmarks/bgnbd_vs_lifetimes.py``). The published CDNOW estimates are reproduced in
the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.bgnbd import (
    BetaGeoModel,
    discounted_expected_purchases,
    simulate_summary,
)
from crmlib.analytics.gamma_gamma import GammaGammaModel
from crmlib.analytics.summary import (
    PERIODS_PER_MONTH,
    check_frequency,
    check_summary,
    day_number,
    require_columns,
    to_day_numbers,
)
from crmlib.errors import ParameterError
from crmlib.text_columns import isin

__all__ = [
    "BetaGeoModel",
    "GammaGammaModel",
    "clv_comparison",
    "customer_lifetime_value",
    "discounted_expected_purchases",
    "observed_retention_rate",
    "retention_clv",
    "simulate_summary",
]


def customer_lifetime_value(
    bg: BetaGeoModel,
    summary: pd.DataFrame,
    horizon_months: int = 12,
    discount_rate_monthly: float = 0.01,
    freq: str = "W",
    *,
    gg: GammaGammaModel | None = None,
    margin_rate: float | pd.Series = 1.0,
    periods_per_month: float | None = None,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> pd.DataFrame:
    """Predictive lifetime value of every customer in a summary, over a horizon.

    Parameters
    ----------
    bg : BetaGeoModel
        A fitted BG/NBD model (fitted on this summary or an earlier one of the base).
    summary : DataFrame
        One row per customer, from :func:`crmlib.summarize_transactions` (with
        ``monetary_value``).
    horizon_months : int, default 12
        Months ahead.
    discount_rate_monthly : float, default 0.01
        Discount rate per month (0.01 a month is about 12.7 % a year).
    freq : {"D", "W", "M"}, default "W"
        The period unit of the summary.
    gg : GammaGammaModel, optional
        A fitted Gamma-Gamma model; by default one is fitted on the repeat buyers of
        ``summary``.
    margin_rate : float or Series, default 1.0
        Share of revenue that is margin (one rate, or one per customer indexed like
        ``summary``). 1.0 gives CLV as revenue, as ``lifetimes`` does.
    periods_per_month : float, optional
        Periods per month; defaults to the calendar average for ``freq``.
    frequency_col, recency_col, T_col, monetary_col : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed like ``summary``, with columns:

        - ``expected_purchases``: purchases expected over the horizon (undiscounted);
        - ``probability_alive``: probability that the customer is still active;
        - ``expected_average_value``: expected value per purchase (Gamma-Gamma);
        - ``clv``: discounted expected value over the horizon, times ``margin_rate``.

    Raises
    ------
    ModelFitError
        If no Gamma-Gamma model is given and one cannot be fitted (no repeat buyers).
    ParameterError, DataValidationError, MissingDataError
        For a bad horizon, rate or summary.
    """
    check_frequency(freq)
    frequency, recency, T, monetary = check_summary(
        summary,
        frequency_col=frequency_col,
        recency_col=recency_col,
        T_col=T_col,
        monetary_col=monetary_col,
    )
    if gg is None:
        gg = GammaGammaModel().fit(summary, frequency_col=frequency_col, monetary_col=monetary_col)
    rate = _per_customer(margin_rate, summary.index, "margin_rate")
    step = PERIODS_PER_MONTH[freq] if periods_per_month is None else periods_per_month
    discounted = discounted_expected_purchases(
        bg,
        frequency,
        recency,
        T,
        horizon_months=horizon_months,
        discount_rate_monthly=discount_rate_monthly,
        freq=freq,
        periods_per_month=step,
    )
    plain = discounted_expected_purchases(
        bg,
        frequency,
        recency,
        T,
        horizon_months=horizon_months,
        discount_rate_monthly=0.0,
        freq=freq,
        periods_per_month=step,
    )
    value = np.asarray(gg.conditional_expected_average_value(frequency, monetary))
    return pd.DataFrame(
        {
            "expected_purchases": plain,
            "probability_alive": np.asarray(bg.probability_alive(frequency, recency, T)),
            "expected_average_value": value,
            "clv": discounted * value * rate,
        },
        index=summary.index,
    )


def _per_customer(value: float | pd.Series, index: pd.Index, name: str) -> np.ndarray:
    if isinstance(value, pd.Series):
        aligned = value.reindex(index)
        if aligned.isna().any():
            raise ParameterError(f"{name} has no value for some customers of the summary")
        return aligned.to_numpy(dtype=np.float64)
    if not np.isfinite(value):
        raise ParameterError(f"{name} must be a number, got {value}")
    return np.full(len(index), float(value))


def retention_clv(
    margin: float | np.ndarray | pd.Series,
    retention_rate: float | np.ndarray | pd.Series,
    discount_rate: float | np.ndarray | pd.Series,
    horizon_years: int | None = None,
) -> float | np.ndarray | pd.Series:
    """The textbook (historical) lifetime value: ``margin * r / (1 + d - r)``.

    A customer brings ``margin`` a year for as long as they stay; each year they stay
    with probability ``r``; next year's money is worth ``1 / (1 + d)`` of today's. The
    sum over all future years of ``margin * (r / (1 + d)) ** t`` is the formula. With
    ``horizon_years`` the sum stops there, to compare with a predictive CLV over the
    same horizon.

    Parameters
    ----------
    margin : float, array or Series
        Margin per customer per year (the same period as the rates).
    retention_rate : float, array or Series
        Share of customers who stay from one year to the next, 0 to 1 (below 1 for the
        infinite sum to be finite when ``d`` is 0).
    discount_rate : float, array or Series
        Discount rate per year, 0 or more.
    horizon_years : int, optional
        Years to sum; None for the infinite sum (the textbook formula).

    Returns
    -------
    float, ndarray or Series
        In the shape of the broadcast inputs.

    Raises
    ------
    ParameterError
        For a retention rate outside 0-1, a negative discount rate, or an infinite sum
        that does not converge (retention 1 and no discount).
    """
    r = np.asarray(retention_rate, dtype=np.float64)
    d = np.asarray(discount_rate, dtype=np.float64)
    if np.any(~np.isfinite(r) | (r < 0) | (r > 1)):
        raise ParameterError("retention_rate must be between 0 and 1")
    if np.any(~np.isfinite(d) | (d < 0)):
        raise ParameterError("discount_rate must be 0 or more")
    ratio = r / (1.0 + d)
    if horizon_years is None:
        if np.any(ratio >= 1):
            raise ParameterError(
                "with a retention rate of 1 and no discount the lifetime value is infinite; "
                "give a discount rate above 0 or a horizon_years"
            )
        factor = ratio / (1.0 - ratio)  # equals r / (1 + d - r)
    else:
        if int(horizon_years) != horizon_years or horizon_years < 0:
            raise ParameterError(f"horizon_years must be a whole number, got {horizon_years}")
        n = int(horizon_years)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(
                np.isclose(ratio, 1.0), float(n), ratio * (1.0 - ratio**n) / (1.0 - ratio)
            )
    result = np.asarray(margin, dtype=np.float64) * factor
    for like in (margin, retention_rate, discount_rate):
        if isinstance(like, pd.Series) and result.shape == like.shape:
            return pd.Series(result, index=like.index, name="historical_clv")
    return float(result) if result.ndim == 0 else result


def observed_retention_rate(
    tx: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    observation_end: object = None,
    window_months: int = 12,
    groups: pd.Series | None = None,
) -> float | pd.Series:
    """Share of last window's active customers who bought again in this window.

    The customers who bought in the window before last (e.g. the 12 months before the
    last 12) are the base; the retention rate is the share of them who bought in the
    last window too. This is the ``r`` of the textbook formula.

    Parameters
    ----------
    tx : DataFrame
        Transactions; not modified.
    customer_col, date_col : str
        Column names.
    observation_end : date-like, optional
        End of the last window; defaults to the last transaction date.
    window_months : int, default 12
        Length of each window in months.
    groups : Series, optional
        A group per customer (indexed by customer id), e.g. the RFM segment; the rate
        is then given per group.

    Returns
    -------
    float or Series
        NaN (for a group) when nobody was active in the window before last.

    Raises
    ------
    MissingDataError, DataValidationError
        For missing columns or bad dates.
    ParameterError
        For a bad window.
    """
    require_columns(tx, "transactions", [customer_col, date_col])
    if int(window_months) != window_months or window_months < 1:
        raise ParameterError(f"window_months must be a whole number above 0, got {window_months}")
    days = to_day_numbers(tx[date_col], "transactions", date_col)
    if observation_end is None:
        end = pd.Timestamp(int(days.max()) if len(days) else 0, unit="D")
    else:
        end = pd.Timestamp(observation_end).tz_localize(None).normalize()
    start_last = end - pd.DateOffset(months=int(window_months))
    start_before = start_last - pd.DateOffset(months=int(window_months))
    end_day, last_day, before_day = (
        day_number(stamp, "observation_end") for stamp in (end, start_last, start_before)
    )
    customers = tx[customer_col]
    before = pd.Index(customers[(days > before_day) & (days <= last_day)].unique())
    last = pd.Index(customers[(days > last_day) & (days <= end_day)].unique())
    retained = pd.Series(isin(before, last), index=before)
    if groups is None:
        return float(retained.mean()) if len(retained) else float("nan")
    group_of = groups.reindex(before)
    rates = retained.groupby(group_of.to_numpy(), dropna=True).mean()
    rates.index.name = groups.name
    return rates.reindex(pd.unique(groups.dropna())).rename("retention_rate")


def clv_comparison(
    table: pd.DataFrame,
    retention_rate: float | pd.Series,
    discount_rate: float = 0.1,
    *,
    margin_col: str = "annual_margin",
    predictive_col: str = "clv",
    group_col: str | None = None,
    horizon_years: int | None = None,
) -> pd.DataFrame:
    """Historical (retention) CLV next to predictive CLV, per customer or per segment.

    Parameters
    ----------
    table : DataFrame
        One row per customer with the yearly margin and the predictive CLV, e.g. from
        :func:`crmlib.analytics.segments.customer_segments` (``annual_margin``,
        ``clv``). Not modified.
    retention_rate : float or Series
        One rate for everybody, or one per group (indexed by group), e.g. from
        :func:`observed_retention_rate`.
    discount_rate : float, default 0.1
        Discount rate per year for the retention formula.
    margin_col, predictive_col : str
        Columns with the yearly margin and the predictive CLV.
    group_col : str, optional
        Compare per group (e.g. ``"rfm_segment"``) instead of per customer.
    horizon_years : int, optional
        Stop the retention sum after this many years (None: the textbook infinite sum).
        The predictive CLV covers its own horizon; say which when showing both.

    Returns
    -------
    DataFrame
        Per customer (indexed like ``table``): ``annual_margin``, ``retention_rate``,
        ``historical_clv``, ``predictive_clv`` and ``difference`` (predictive minus
        historical). Per group: ``n_customers`` and the means of those columns per
        customer, indexed by group, largest group first.

    Raises
    ------
    MissingDataError
        If a column is missing.
    ParameterError
        If a group has no retention rate, or a rate is out of range.
    """
    require_columns(table, "customer table", [margin_col, predictive_col, group_col])
    margin = pd.to_numeric(table[margin_col], errors="coerce").astype(float)
    predictive = pd.to_numeric(table[predictive_col], errors="coerce").astype(float)
    if group_col is None:
        if isinstance(retention_rate, pd.Series):
            raise ParameterError(
                "a retention rate per group needs group_col naming the group column"
            )
        rate = pd.Series(float(retention_rate), index=table.index)
    elif isinstance(retention_rate, pd.Series):
        rate = table[group_col].map(retention_rate).astype(float)
        missing = table[group_col][rate.isna()].unique()
        if len(missing):
            shown = ", ".join(map(str, missing[:5]))
            raise ParameterError(f"retention_rate has no rate for the groups: {shown}")
    else:
        rate = pd.Series(float(retention_rate), index=table.index)
    historical = retention_clv(margin.to_numpy(), rate.to_numpy(), discount_rate, horizon_years)
    out = pd.DataFrame(
        {
            "annual_margin": margin.to_numpy(),
            "retention_rate": rate.to_numpy(),
            "historical_clv": historical,
            "predictive_clv": predictive.to_numpy(),
        },
        index=table.index,
    )
    out["difference"] = out["predictive_clv"] - out["historical_clv"]
    if group_col is None:
        return out
    grouped = out.groupby(table[group_col].to_numpy(), sort=False)
    summary = grouped.mean()
    summary.insert(0, "n_customers", grouped.size())
    summary.index.name = group_col
    return summary.sort_values("n_customers", ascending=False, kind="stable")

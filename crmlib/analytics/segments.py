"""One row per customer with every value measure: the table a CRM system imports.

:func:`customer_segments` puts the workbook's value analytics side by side for each
customer, so that the segments found in the notebooks can be acted on in the CRM system
(``crm-workbook segments --data DIR --out FILE.csv``): RFM scores and segment, revenue
and margin, cost to serve and profit, the strategically significant customers, BG/NBD
and Gamma-Gamma forecasts, value tier and IDIC's value category.

Measures and windows (all up to ``observation_end``):

- revenue, margin, cost to serve and profit cover the whole history;
- ``current_value`` is the profit of the last ``horizon_months`` months, and ``clv``
  the expected (discounted) margin of the next ``horizon_months`` months, so their
  difference, ``growth_potential``, compares windows of one length;
- ``annual_margin`` is the profit of the last 12 months, the margin of the textbook
  retention formula (:func:`crmlib.analytics.clv.clv_comparison`);
- SSC, value tier and value category are decided on ``current_value``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmlib.analytics.bgnbd import BetaGeoModel, discounted_expected_purchases
from crmlib.analytics.gamma_gamma import GammaGammaModel
from crmlib.analytics.pareto import flag_ssc
from crmlib.analytics.profitability import (
    DEFAULT_TIERS,
    customer_profitability,
    value_categories,
    value_tiers,
)
from crmlib.analytics.rfm import rfm_analysis
from crmlib.analytics.summary import (
    check_frequency,
    summarize_transactions,
    to_day_numbers,
)
from crmlib.analytics.summary import (
    day_number as _day_number,
)
from crmlib.analytics.summary import (
    require_columns as _require_columns,
)
from crmlib.errors import ModelFitError, ParameterError
from crmlib.text import translate

#: The columns of :func:`customer_segments`, in order.
SEGMENT_COLUMNS = (
    "customer_id",
    "first_purchase",
    "last_purchase",
    "recency_days",
    "purchase_days",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_code",
    "rfm_segment",
    "revenue",
    "gross_margin",
    "n_contacts",
    "cost_to_serve",
    "profit",
    "annual_margin",
    "current_value",
    "is_ssc",
    "expected_purchases",
    "probability_alive",
    "expected_average_value",
    "clv",
    "growth_potential",
    "value_tier",
    "value_category",
)

NO_PURCHASE_SEGMENT = "no purchase"

_ROUNDING = {
    **dict.fromkeys(
        (
            "monetary",
            "revenue",
            "gross_margin",
            "cost_to_serve",
            "profit",
            "annual_margin",
            "current_value",
            "expected_average_value",
            "clv",
            "growth_potential",
        ),
        2,
    ),
    "expected_purchases": 3,
    "probability_alive": 4,
}


def _window(
    table: pd.DataFrame | None, date_col: str, start_day: int | None, end_day: int, name: str
) -> pd.DataFrame | None:
    """Rows of ``table`` with start_day < date <= end_day (all rows if it has no dates)."""
    if table is None or date_col not in table.columns:
        return table
    days = to_day_numbers(table[date_col], name, date_col)
    keep = days <= end_day
    if start_day is not None:
        keep &= days > start_day
    return table.loc[keep]


def _profit_in(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None,
    interactions: pd.DataFrame | None,
    channels: pd.DataFrame | None,
    start_day: int | None,
    end_day: int,
    customer_col: str,
    date_col: str,
    amount_col: str,
) -> pd.DataFrame:
    tx = _window(transactions, date_col, start_day, end_day, "transactions")
    contacts = _window(interactions, "date", start_day, end_day, "interactions")
    return customer_profitability(
        tx, products, contacts, channels, customer_col=customer_col, amount_col=amount_col
    )


def customer_segments(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    observation_end: object = None,
    ssc_share: float = 0.2,
    horizon_months: int = 12,
    freq: str = "W",
    discount_rate_monthly: float = 0.01,
    rfm_bins: int = 5,
    segment_map: Mapping[tuple[int, int], str] | None = None,
    mvc_share: float = 0.2,
    mgc_share: float = 0.2,
    tiers: Sequence[tuple[str, float]] = DEFAULT_TIERS,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Every value measure per customer, one row each, ready for CRM import.

    Parameters
    ----------
    transactions : DataFrame
        Transaction lines (``customer_id``, ``date``, ``amount``, and ``cost`` or a
        ``product_id`` whose product has a ``margin_rate``). Not modified.
    customers : DataFrame, optional
        The customer table; customers without purchases get a row too (segment
        "no purchase").
    interactions, channels : DataFrame, optional
        Contacts and the cost per contact of each channel, for the cost to serve.
    products : DataFrame, optional
        Products with ``margin_rate``, for lines without a cost.
    observation_end : date-like, optional
        The day the analysis looks from; defaults to the last transaction date.
        Later transactions and contacts are left out.
    ssc_share : float, default 0.2
        Share of customers flagged as strategically significant (by current value).
    horizon_months : int, default 12
        Window of the current value and horizon of the CLV, in months.
    freq : {"D", "W", "M"}, default "W"
        Period unit of the BG/NBD summary.
    discount_rate_monthly : float, default 0.01
        Discount rate of the CLV, per month.
    rfm_bins : int, default 5
        Scores per RFM dimension.
    segment_map : mapping, optional
        Custom R x F segment grid (see :func:`crmlib.analytics.rfm.segment_grid`).
    mvc_share, mgc_share : float, default 0.2
        Share of customers placed as MVC and as MGC.
    tiers : sequence of (name, cumulative share)
        Value tiers (see :func:`crmlib.analytics.profitability.value_tiers`).
    customer_col, date_col, amount_col : str
        Column names in ``transactions`` (and ``customer_col`` in the other tables).

    Returns
    -------
    DataFrame
        One row per customer, sorted by customer id, with a plain index and the
        columns of ``SEGMENT_COLUMNS`` (the first is named like ``customer_col``):

        - ``first_purchase``, ``last_purchase`` (dates), ``recency_days``,
          ``purchase_days`` (days with a purchase), ``monetary`` (total amount);
        - ``r_score``, ``f_score``, ``m_score`` (1-``rfm_bins``), ``rfm_code``,
          ``rfm_segment``;
        - ``revenue``, ``gross_margin``, ``n_contacts``, ``cost_to_serve``, ``profit``
          (whole history); ``annual_margin`` (profit of the last 12 months);
          ``current_value`` (profit of the last ``horizon_months``);
        - ``is_ssc``;
        - ``expected_purchases`` (next ``horizon_months``, undiscounted),
          ``probability_alive``, ``expected_average_value`` (per purchase),
          ``clv`` (discounted expected margin over the horizon: expected revenue
          times the customer's own margin rate, or the base's when their revenue is
          not positive);
        - ``growth_potential`` (``clv`` minus the gross margin of the last
          ``horizon_months``: both before cost to serve, so a customer who is costly to
          serve does not look growable), ``value_tier`` and ``value_category`` (MVC,
          MGC, BZ or other).

        Money is rounded to cents, expected purchases to 3 decimals and probabilities
        to 4.

        The forecast columns are empty when a model cannot be fitted (e.g. nobody made
        a repeat purchase); a warning says why, and so does
        ``DataFrame.attrs["notes"]``, next to the settings used.

    Raises
    ------
    MissingDataError, DataValidationError, ParameterError
        For missing tables or columns, bad values, or bad settings.
    """
    check_frequency(freq)
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise ParameterError(f"horizon_months must be a whole number above 0, got {horizon_months}")
    _require_columns(transactions, "transactions", [customer_col, date_col, amount_col])
    days = to_day_numbers(transactions[date_col], "transactions", date_col)
    if len(days) == 0:
        raise ParameterError("transactions is empty: there is nothing to segment")
    if observation_end is None:
        end = pd.Timestamp(int(days.max()), unit="D")
    else:
        end = pd.Timestamp(observation_end)
        end = (end.tz_localize(None) if end.tzinfo else end).normalize()
    end_day = _day_number(end, "observation_end")
    horizon_start = _day_number(end - pd.DateOffset(months=int(horizon_months)), "observation_end")
    year_start = _day_number(end - pd.DateOffset(months=12), "observation_end")
    notes: list[str] = []

    rfm = rfm_analysis(transactions, customer_col, date_col, amount_col, end, rfm_bins, segment_map)
    args = (transactions, products, interactions, channels)
    cols = (customer_col, date_col, amount_col)
    whole = _profit_in(*args, None, end_day, *cols)
    if whole.attrs.get("cost_to_serve", "").startswith("not"):
        notes.append(translate("cost to serve not measured: no interactions or channels table"))
    recent = _profit_in(*args, horizon_start, end_day, *cols)
    year = recent if horizon_months == 12 else _profit_in(*args, year_start, end_day, *cols)

    ids = rfm.index.union(whole.index)
    if customers is not None:
        _require_columns(customers, "customers", [customer_col])
        ids = ids.union(pd.Index(customers[customer_col].dropna().unique()))
    out = pd.DataFrame(index=ids)
    out.index.name = customer_col
    out["first_purchase"] = rfm["first_purchase"]
    out["last_purchase"] = rfm["last_purchase"]
    out["recency_days"] = rfm["recency"].astype("Int64")
    out["purchase_days"] = rfm["frequency"].reindex(ids).fillna(0).astype(np.int64)
    out["monetary"] = rfm["monetary"].reindex(ids).fillna(0.0)
    for column in ("r_score", "f_score", "m_score"):
        out[column] = rfm[column].reindex(ids).astype("Int64")
    out["rfm_code"] = rfm["rfm_code"].reindex(ids).astype("str")
    out["rfm_segment"] = rfm["segment"].reindex(ids).fillna(NO_PURCHASE_SEGMENT).astype("str")
    for column in ("revenue", "gross_margin", "n_contacts", "cost_to_serve", "profit"):
        out[column] = whole[column].reindex(ids).fillna(0)
    out["n_contacts"] = out["n_contacts"].astype(np.int64)
    out["annual_margin"] = year["profit"].reindex(ids).fillna(0.0)
    out["current_value"] = recent["profit"].reindex(ids).fillna(0.0)
    out["is_ssc"] = flag_ssc(out["current_value"], ssc_share)

    forecast = _forecast(
        transactions, out, end, horizon_months, freq, discount_rate_monthly, cols, notes
    )
    for column in ("expected_purchases", "probability_alive", "expected_average_value", "clv"):
        out[column] = forecast[column].reindex(ids)
    past = recent["gross_margin"].reindex(ids).fillna(0.0).astype(float)
    out = out.join(
        value_categories(
            out.assign(_past=past),
            mvc_share=mvc_share,
            mgc_share=mgc_share,
            past_col="_past",
        )
    )
    out["value_tier"] = value_tiers(out["current_value"], tiers)

    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    # an import table in cents and sensible precision, not 17 digits of float noise
    out = out.round(_ROUNDING)
    out = out.reset_index()
    out = out[[customer_col, *SEGMENT_COLUMNS[1:]]]
    out.attrs = {
        "observation_end": end.date().isoformat(),
        "horizon_months": int(horizon_months),
        "freq": freq,
        "discount_rate_monthly": float(discount_rate_monthly),
        "notes": notes,
    }
    return out


def _forecast(
    transactions: pd.DataFrame,
    table: pd.DataFrame,
    end: pd.Timestamp,
    horizon_months: int,
    freq: str,
    discount_rate_monthly: float,
    cols: tuple[str, str, str],
    notes: list[str],
) -> pd.DataFrame:
    """BG/NBD and Gamma-Gamma forecasts per customer; empty columns when a model fails."""
    customer_col, date_col, amount_col = cols
    summary = summarize_transactions(
        transactions, customer_col, date_col, amount_col, freq=freq, observation_end=end
    )
    empty = pd.DataFrame(
        np.nan,
        index=summary.index,
        columns=["expected_purchases", "probability_alive", "expected_average_value", "clv"],
    )
    try:
        bg = BetaGeoModel().fit(summary)
    except ModelFitError as exc:
        notes.append(translate("no purchase forecast: {why}").format(why=exc))
        return empty
    x = summary["frequency"].to_numpy(dtype=np.float64)
    rec = summary["recency"].to_numpy()
    age = summary["T"].to_numpy()
    out = empty.copy()
    out["expected_purchases"] = discounted_expected_purchases(
        bg, x, rec, age, horizon_months=horizon_months, discount_rate_monthly=0.0, freq=freq
    )
    out["probability_alive"] = np.asarray(bg.probability_alive(x, rec, age))
    # returns can make a period's value 0 or negative; Gamma-Gamma models positive values
    usable = summary[(summary["frequency"] == 0) | (summary["monetary_value"] > 0)]
    try:
        gg = GammaGammaModel().fit(usable)
    except ModelFitError as exc:
        notes.append(translate("no value forecast: {error}").format(error=exc))
        return out
    value = np.asarray(
        gg.conditional_expected_average_value(x, summary["monetary_value"].to_numpy())
    )
    value = np.where((x > 0) & (summary["monetary_value"].to_numpy() <= 0), np.nan, value)
    out["expected_average_value"] = value
    discounted = discounted_expected_purchases(
        bg,
        x,
        rec,
        age,
        horizon_months=horizon_months,
        discount_rate_monthly=discount_rate_monthly,
        freq=freq,
    )
    revenue = table["revenue"].reindex(summary.index).to_numpy()
    margin = table["gross_margin"].reindex(summary.index).to_numpy()
    base_rate = float(margin.sum() / revenue.sum()) if revenue.sum() > 0 else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(revenue > 0, margin / revenue, base_rate)
    out["clv"] = discounted * value * rate
    return out

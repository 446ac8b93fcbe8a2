"""IDIC's Differentiate phase: customers by current and expected value, and by needs.

Peppers & Rogers differentiate customers because they are not worth the same: by
current and expected lifetime value into most valuable (MVC), most growable (MGC) and
below-zero (BZ) customers, and by needs. The strategically significant customers (the
20/80 view) and the value tiers come from the workbook's shared ideas; the lifetime
value forecast from BG/NBD and Gamma-Gamma (Fader, Hardie & Lee), which goes further
than the IDIC sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.base import customer_base
from crmlib.analytics.needs import NeedsSegments, need_dimensions, needs_profile, needs_segments
from crmlib.analytics.pareto import customer_share_for_value, flag_ssc, pareto_curve
from crmlib.analytics.profitability import DEFAULT_TIERS, value_categories, value_tiers
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError

#: What Peppers & Rogers say to do with each value category (the plan's goal).
GOALS = {
    "MVC": "retain",
    "MGC": "develop",
    "BZ": "make profitable or serve for less",
    "other": "maintain at a fitting cost",
}

#: Reading order of the value categories in tables and charts.
CATEGORIES = ("MVC", "MGC", "other", "BZ")

VALUE_METRICS = ("margin", "revenue")

#: The note of a value table made without any cost (margin then equals revenue).
NO_COST_NOTE = (
    "the data has no cost per line and no product margins, so margin is counted as revenue"
)


@dataclass(frozen=True)
class Differentiation:
    """Customers differentiated by current and expected value.

    Attributes
    ----------
    table : DataFrame
        One row per customer: the columns of
        :func:`crmlib.analytics.segments.customer_segments`, plus ``value`` (current
        value in the chosen metric over the last ``horizon_months``) and
        ``expected_value`` (expected value over the next ``horizon_months``, in the
        same metric), with ``is_ssc``, ``value_tier`` and ``value_category`` decided on
        them. Never shown whole in a report.
    value_metric : str
        The metric used ("margin": margin after the cost of serving; or "revenue").
    ssc_share, horizon_months, discount_rate : float, int, float
        The settings.
    notes : list of str
        What the models could not do (e.g. no lifetime-value forecast), in words.
    """

    table: pd.DataFrame
    value_metric: str
    ssc_share: float
    horizon_months: int
    discount_rate: float
    notes: list[str] = field(default_factory=list)

    @property
    def segments(self) -> pd.Series:
        """The value category per customer id."""
        return self.table.set_index("customer_id")["value_category"]

    @property
    def ssc_count(self) -> int:
        return int(self.table["is_ssc"].sum())

    @property
    def ssc_value_share(self) -> float:
        """The SSCs' share of the total current value (above 1 when the rest lose money)."""
        total = float(self.table["value"].sum())
        if total <= 0:
            return float("nan")
        return float(self.table.loc[self.table["is_ssc"], "value"].sum()) / total

    @property
    def customer_share_80(self) -> float:
        """The share of customers that brings 80 % of the current value."""
        return customer_share_for_value(self.table["value"], 0.8)

    def curve(self) -> pd.DataFrame:
        """The Pareto curve of current value."""
        return pareto_curve(self.table.set_index("customer_id")["value"])

    def count(self, category: str) -> int:
        return int((self.table["value_category"] == category).sum())


def yearly_to_monthly(rate: float) -> float:
    """A yearly discount rate as the monthly rate that compounds to it."""
    if not np.isfinite(rate) or rate <= -1:
        raise ParameterError(f"the discount rate must be above -1 (-100%), got {rate}")
    return float((1.0 + rate) ** (1.0 / 12.0) - 1.0)


def _window_revenue(transactions: pd.DataFrame, end: pd.Timestamp, months: int) -> pd.Series:
    start = end - pd.DateOffset(months=int(months))
    dates = transactions["date"]
    inside = ((dates > start) & (dates <= end)).to_numpy(dtype=bool, na_value=False)
    lines = transactions.loc[inside]
    return pd.to_numeric(lines["amount"]).groupby(lines["customer_id"].astype(str)).sum()


def value_table(
    company: Company, *, horizon_months: int = 12, discount_rate: float = 0.1, **settings
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`customer_segments` on the company's tables, and notes on what it could not do.

    Without a cost per line or product margins, margin cannot be measured: every sale
    then counts at its full amount (and a note says so), so the value analysis still
    runs, on revenue. The discount rate is yearly.

    Returns
    -------
    (DataFrame, list of str)
        The per-customer table (``customer_id`` as text) and the notes.
    """
    base = customer_base(
        company,
        window_months=int(horizon_months),
        discount_rate=discount_rate,
        **settings,
    )
    table = base.segments_table(legacy=True)
    notes = base.notes
    if base.value_metric == "revenue":
        notes.append(NO_COST_NOTE)
    table["customer_id"] = table["customer_id"].astype(str)
    return table, notes


def differentiate(
    company: Company,
    *,
    value_metric: str = "margin",
    ssc_share: float = 0.2,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    mgc_share: float = 0.2,
    segments_table: tuple[pd.DataFrame, list[str]] | None = None,
) -> Differentiation:
    """Differentiate: current and expected value, SSCs, value tiers and value categories.

    Current value is the margin after the cost of serving (or the revenue) of the last
    ``horizon_months``; expected value is the BG/NBD + Gamma-Gamma forecast for the
    next ``horizon_months``, discounted at ``discount_rate`` a year (the lifetime-value
    models of Fader, Hardie & Lee, which go further than the IDIC sources). The
    strategically significant customers are the top ``ssc_share`` by current value,
    and in this notebook they are also Peppers & Rogers' MVC. MGC are the next
    ``mgc_share`` by growth potential (expected minus current value); BZ are the
    customers whose margin did not cover their cost to serve, whatever the metric,
    because "below zero" is a statement about profit.

    Parameters
    ----------
    company : Company
    value_metric : {"margin", "revenue"}
    ssc_share : float, default 0.2
    horizon_months : int, default 12
    discount_rate : float, default 0.1
        Yearly.
    mgc_share : float, default 0.2
    segments_table : (DataFrame, list of str), optional
        :func:`value_table` for the same horizon and discount rate, computed before
        (a live control that only moves the SSC share need not refit the models).

    Raises
    ------
    ParameterError
        For a metric other than margin or revenue, or shares outside 0-1.
    """
    if value_metric not in VALUE_METRICS:
        raise ParameterError(f"value_metric must be 'margin' or 'revenue', got {value_metric!r}")
    if not 0 < ssc_share < 1:
        raise ParameterError(f"ssc_share must be between 0 and 1, got {ssc_share}")
    table, notes = segments_table or value_table(
        company, horizon_months=horizon_months, discount_rate=discount_rate
    )
    table = table.copy()
    metric = value_metric
    if NO_COST_NOTE in notes:
        metric = "revenue"
    if metric == "margin":
        table["value"] = table["current_value"]
        table["expected_value"] = table["clv"]
    else:
        revenue = _window_revenue(company.transactions, company.observation_end, horizon_months)
        table["value"] = table["customer_id"].map(revenue).fillna(0.0).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(table["revenue"] > 0, table["gross_margin"] / table["revenue"], np.nan)
        base_rate = table["gross_margin"].sum() / max(table["revenue"].sum(), 1e-9)
        rate = np.where(np.isnan(rate) | (rate <= 0), base_rate, rate)
        table["expected_value"] = table["clv"] / rate
    below_zero = table["current_value"].to_numpy() < 0
    ranked = pd.DataFrame(
        {
            # below-zero customers rank last whatever the metric (see the docstring)
            "current": np.where(below_zero, -1.0, table["value"].to_numpy(dtype=float)),
            "future": table["expected_value"].to_numpy(dtype=float),
        },
        index=table.index,
    )
    categories = value_categories(
        ranked, current_col="current", future_col="future", mvc_share=ssc_share, mgc_share=mgc_share
    )
    table["value_category"] = categories["value_category"].to_numpy()
    table["growth_potential"] = table["expected_value"] - table["value"]
    table["is_ssc"] = flag_ssc(table["value"], ssc_share).to_numpy()
    table["value_tier"] = value_tiers(table["value"], DEFAULT_TIERS).to_numpy()
    return Differentiation(
        table=table,
        value_metric=metric,
        ssc_share=float(ssc_share),
        horizon_months=int(horizon_months),
        discount_rate=float(discount_rate),
        notes=notes,
    )


def category_summary(result: Differentiation) -> pd.DataFrame:
    """Per value category: size, value, expected value and the goal.

    Returns
    -------
    DataFrame
        Indexed by category (MVC, MGC, other, BZ): ``customers``, ``customer_share``,
        ``value`` (sum), ``value_share``, ``mean_value``, ``mean_expected_value``,
        ``mean_growth`` and ``goal``.
    """
    table = result.table
    grouped = table.groupby("value_category")
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "value": grouped["value"].sum(),
            "mean_value": grouped["value"].mean(),
            "mean_expected_value": grouped["expected_value"].mean(),
            "mean_growth": grouped["growth_potential"].mean(),
        }
    ).reindex(list(CATEGORIES))
    out["customers"] = out["customers"].fillna(0).astype(np.int64)
    out["value"] = out["value"].fillna(0.0)
    out.insert(1, "customer_share", out["customers"] / max(len(table), 1))
    total = float(table["value"].sum())
    out.insert(3, "value_share", out["value"] / total if total > 0 else np.nan)
    out["goal"] = [GOALS[c] for c in out.index]
    out.index.name = "value_category"
    return out


def tier_summary(result: Differentiation) -> pd.DataFrame:
    """Per value tier: customers, their share, value and value share."""
    table = result.table
    grouped = table.groupby("value_tier", observed=False, sort=False)
    out = pd.DataFrame({"customers": grouped.size(), "value": grouped["value"].sum()})
    out = out.reindex([name for name, _ in DEFAULT_TIERS], fill_value=0)
    out.insert(1, "customer_share", out["customers"] / max(len(table), 1))
    total = float(table["value"].sum())
    out["value_share"] = out["value"] / total if total > 0 else np.nan
    out.index.name = "value_tier"
    return out


@dataclass(frozen=True)
class NeedsView:
    """Differentiation by needs, next to value.

    Attributes
    ----------
    profile : DataFrame
        :func:`crmlib.analytics.needs.needs_profile` per value category.
    segments : NeedsSegments
        Needs-based segments of the respondents.
    mix : DataFrame
        Share of each value category's respondents in each needs segment (rows:
        value categories; columns: needs segments; rows sum to 1).
    respondents : int
        Customers who answered the survey.
    customers : int
        All customers.
    """

    profile: pd.DataFrame
    segments: NeedsSegments
    mix: pd.DataFrame
    respondents: int
    customers: int


def needs_by_value(company: Company, result: Differentiation) -> NeedsView:
    """Differentiate by needs: the survey's profile per value category and needs segments.

    Raises
    ------
    MissingDataError
        Without a needs survey with need-dimension columns.
    """
    needs = company.require("needs", "customer_id", step="Differentiation by needs")
    if not need_dimensions(needs):
        raise MissingDataError(
            "Differentiation by needs needs need-dimension columns (scores 1-5) in the needs table"
        )
    needs = needs.assign(customer_id=needs["customer_id"].astype(str))
    categories = result.segments
    profile = needs_profile(needs, categories)
    profile = profile.reindex([c for c in CATEGORIES if c in profile.index])
    found = needs_segments(needs)
    category = categories.reindex(found.labels.index)
    mix = pd.crosstab(category, found.labels, normalize="index")
    mix = mix.reindex([c for c in CATEGORIES if c in mix.index])
    mix.index.name = "value_category"
    return NeedsView(
        profile=profile,
        segments=found,
        mix=mix,
        respondents=int(needs["customer_id"].nunique()),
        customers=len(result.table),
    )

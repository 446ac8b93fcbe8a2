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

from crmlib.analytics.base import CustomerBase, customer_base
from crmlib.analytics.needs import NeedsSegments, need_dimensions, needs_profile, needs_segments
from crmlib.analytics.pareto import customer_share_for_value, pareto_curve
from crmlib.analytics.profitability import DEFAULT_TIERS
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import Figure
from crmlib.text import N_, translate

#: What Peppers & Rogers say to do with each value category (the plan's goal).
GOALS = {
    "MVC": N_("retain"),
    "MGC": N_("develop"),
    "BZ": N_("make profitable or serve for less"),
    "other": N_("maintain at a fitting cost"),
}
# the category names as a reader sees them (translated where shown; the keys stay English)
_CATEGORY_WORDS = (N_("other"),)

#: Reading order of the value categories in tables and charts.
CATEGORIES = ("MVC", "MGC", "other", "BZ")

VALUE_METRICS = ("margin", "revenue")


@dataclass(frozen=True)
class Differentiation:
    """Customers differentiated by current and expected value.

    Attributes
    ----------
    table : DataFrame
        One row per customer: the shared base's columns
        (:meth:`crmlib.analytics.base.CustomerBase.segments_table`), plus ``value`` (its
        current value over the last ``horizon_months``) and ``expected_value`` (its
        expected twelve-month margin, or revenue), with the base's ``is_ssc``,
        ``value_tier`` and ``value_category``, and ``lifetime_value`` (the base's
        expected lifetime value over ``lifetime_months``). Never shown whole in a report.
    value_metric : str
        The metric used ("margin": margin after the cost of serving; or "revenue").
    ssc_share, horizon_months, discount_rate : float, int, float
        The settings.
    notes : list of str
        What the models could not do (e.g. no lifetime-value forecast), in words.
    base : CustomerBase
        The shared base read; its figures are what the report states.
    """

    table: pd.DataFrame
    value_metric: str
    ssc_share: float
    horizon_months: int
    discount_rate: float
    notes: list[str] = field(default_factory=list)
    base: CustomerBase | None = field(default=None, repr=False)
    lifetime_months: int = 36

    def figure(self, figure_id: str) -> Figure:
        """A company-level figure of the base this differentiation reads."""
        if self.base is None:
            raise KeyError(f"no customer base behind this differentiation ({figure_id!r})")
        return self.base.figure(figure_id)

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

    @property
    def bz_known(self) -> bool:
        """Whether below-zero customers can be told: not on revenue, nor without contact costs."""
        if self.base is None:
            return True
        return self.base.figure("value_category_count.BZ").status == "ok"

    def shown_categories(self) -> pd.DataFrame:
        """:func:`category_summary` without a below-zero row the data cannot tell."""
        summary = category_summary(self)
        return summary if self.bz_known else summary.drop(index="BZ")


def yearly_to_monthly(rate: float) -> float:
    """A yearly discount rate as the monthly rate that compounds to it."""
    if not np.isfinite(rate) or rate <= -1:
        raise ParameterError(f"the discount rate must be above -1 (-100%), got {rate}")
    return float((1.0 + rate) ** (1.0 / 12.0) - 1.0)


def value_base(
    company: Company,
    *,
    value_metric: str = "margin",
    ssc_share: float = 0.2,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    mgc_share: float = 0.2,
) -> CustomerBase:
    """The shared customer base with this notebook's value settings.

    ``horizon_months`` is the base's analysis window (the current value's months); the
    expected value is the base's expected twelve-month margin. Margin is asked for only
    where the data can give it: on revenue-only data the base ranks on revenue and says
    so (``base.value_metric``), rather than failing.

    Raises
    ------
    ParameterError
        For a metric other than margin or revenue, or shares outside 0-1.
    """
    if value_metric not in VALUE_METRICS:
        raise ParameterError(f"value_metric must be 'margin' or 'revenue', got {value_metric!r}")
    if not 0 < ssc_share < 1:
        raise ParameterError(f"ssc_share must be between 0 and 1, got {ssc_share}")
    settings = {
        "window_months": int(horizon_months),
        "ssc_share": float(ssc_share),
        "mgc_share": float(mgc_share),
        "discount_rate": float(discount_rate),
    }
    # "margin" is the base's own default where margin can be computed: asking for it as
    # the default (None) gives the very base the other notebooks read, and on data
    # without cost the base ranks on revenue and says so
    return customer_base(
        company, value_metric=None if value_metric == "margin" else value_metric, **settings
    )


def from_base(base: CustomerBase) -> Differentiation:
    """The differentiation the base already holds: SSCs, tiers and value categories.

    Nothing is re-ranked here: the SSC flag, the value tier and the value category are
    the base's, so every report states the same counts.
    """
    table = base.segments_table()
    table["customer_id"] = table["customer_id"].astype(str)
    table["value"] = table["current_value"].astype(float)
    table["expected_value"] = table["expected_margin_12m"].astype(float)
    # the lifetime value of the base's horizon (36 months by default), discounted and
    # after the cost to serve: the value Peppers & Rogers differentiate on
    table["lifetime_value"] = table["lifetime_value"].astype(float)
    # the base's notes already say when value is revenue (no cost in the data)
    return Differentiation(
        table=table,
        value_metric=base.value_metric,
        ssc_share=float(base.settings.ssc_share),
        horizon_months=int(base.settings.window_months),
        discount_rate=float(base.settings.discount_rate),
        notes=base.notes,
        base=base,
        lifetime_months=int(base.settings.horizon_months),
    )


def differentiate(
    company: Company,
    *,
    value_metric: str = "margin",
    ssc_share: float = 0.2,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    mgc_share: float = 0.2,
    base: CustomerBase | None = None,
) -> Differentiation:
    """Differentiate: current and expected value, SSCs, value tiers and value categories.

    Everything comes from the shared customer base (:mod:`crmlib.analytics.base`):
    current value is the margin after cost to serve (revenue when the data has no cost)
    of the last ``horizon_months``; expected value the base's expected twelve-month
    margin (BG/NBD and Gamma-Gamma, Fader, Hardie & Lee). The strategically significant
    customers are the top ``ssc_share`` by current value, and in this notebook they are
    also Peppers & Rogers' MVC; MGC, BZ and the tiers are the base's definitions (see
    :mod:`crmlib.analytics.vocabulary`).

    Parameters
    ----------
    company : Company
    value_metric : {"margin", "revenue"}
        "margin" falls back to revenue where the data has no cost.
    ssc_share : float, default 0.2
    horizon_months : int, default 12
    discount_rate : float, default 0.1
        Yearly.
    mgc_share : float, default 0.2
    base : CustomerBase, optional
        A base the caller holds (the strategy report's); its settings win.

    Raises
    ------
    ParameterError
        For a metric other than margin or revenue, or shares outside 0-1.
    """
    if base is None:
        base = value_base(
            company,
            value_metric=value_metric,
            ssc_share=ssc_share,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
            mgc_share=mgc_share,
        )
    return from_base(base)


def category_summary(result: Differentiation) -> pd.DataFrame:
    """Per value category: size, value, expected value and the goal.

    Returns
    -------
    DataFrame
        Indexed by category (MVC, MGC, other, BZ): ``customers``, ``customer_share``,
        ``value`` (sum), ``value_share``, ``mean_value``, ``mean_expected_value``,
        ``mean_growth`` (expected gross value of the next 12 months minus the gross value
        of the past 12), ``mean_lifetime_value`` (over ``lifetime_months``) and ``goal``.
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
            "mean_lifetime_value": grouped["lifetime_value"].mean(),
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
    needs = company.require("needs", "customer_id", step=N_("Differentiation by needs"))
    if not need_dimensions(needs):
        raise MissingDataError(
            translate(
                "Differentiation by needs needs need-dimension columns (scores 1-5) in the "
                "needs table"
            )
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

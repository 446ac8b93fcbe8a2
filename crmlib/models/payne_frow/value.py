"""Payne & Frow's second process: value creation.

Value creation looks at both sides of the exchange: the value the customer receives
(satisfaction, NPS and what each segment buys) and the value the organisation receives
(margin, lifetime value, retention economics, and acquisition against retention cost).

The process score (0-1, this workbook's operationalisation) is the mean of the
customer's side (mean contact satisfaction on 1-5, rescaled to 0-1, or else the NPS
rescaled from -100..100) and the organisation's side (the share of last year's buyers
who were profitable after cost to serve).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.clv import observed_retention_rate, retention_clv
from crmlib.analytics.kpis import contact_costs
from crmlib.analytics.needs import need_dimensions, needs_profile, net_promoter_score
from crmlib.data.company import Company
from crmlib.errors import ParameterError
from crmlib.models.payne_frow.common import (
    Parts,
    customer_base,
    in_last_year,
    mean_or_none,
    share,
)
from crmlib.models.payne_frow.strategy import segment_order
from crmlib.models.steps import attempt

#: The rule of thumb behind a missing acquisition cost: winning a customer costs about
#: five times as much as keeping one.
ACQUISITION_MULTIPLE = 5.0

#: The retention lift the economics are shown for (5 percentage points).
RETENTION_LIFT = 0.05


@dataclass(frozen=True)
class ValueCreation(Parts):
    """Both sides of the exchange, per segment, and the retention economics.

    Attributes
    ----------
    segment_col : str
    segments : DataFrame or None
        Indexed by segment. The customer's side: ``satisfaction`` (mean score of the
        last 12 months' contacts), ``resolution_rate``, ``nps`` and ``respondents``
        (needs survey), ``top_category`` (the category the segment buys most above
        the average). The organisation's side: ``customers``, ``profit_per_customer``
        (margin after cost to serve, last 12 months), ``cost_to_serve_per_customer``
        (last 12 months), ``expected_value_per_customer`` (CLV), ``probability_alive``.
        Columns are NaN when their data is absent.
    retention_rate : float
        Share of the customers who bought in the year before last who bought again last
        year.
    retained_base : int
        Customers who bought in the year before last.
    active_customers, new_customers, lost_customers : int
        Buyers of the last 12 months; of them, first-time buyers; buyers of the year
        before who did not buy again.
    profit_per_customer : float
        Mean margin after cost to serve of last year's buyers.
    discount_rate : float
    lifetime_value, lifetime_value_lifted : float
        The retention formula ``m r / (1 + d - r)`` at today's retention and at
        retention plus :data:`RETENTION_LIFT`.
    lift_margin_per_year : float
        The margin a year that :data:`RETENTION_LIFT` more retention keeps.
    retention_cost : float
        Yearly cost of keeping one customer: the measured cost to serve per buyer, or
        the parameter; NaN when neither is known.
    retention_cost_source, acquisition_cost_source : str
        Where each figure comes from ("measured cost to serve", "parameter",
        "5x rule of thumb" or "not known").
    acquisition_cost : float
        Cost of winning one customer; NaN when not known.
    profitable_share : float
        Share of last year's buyers with a profit above 0.
    score : float or None
        See the module docstring.
    """

    segment_col: str
    segments: pd.DataFrame | None
    retention_rate: float
    retained_base: int
    active_customers: int
    new_customers: int
    lost_customers: int
    profit_per_customer: float
    discount_rate: float
    lifetime_value: float
    lifetime_value_lifted: float
    lift_margin_per_year: float
    retention_cost: float
    retention_cost_source: str
    acquisition_cost: float
    acquisition_cost_source: str
    profitable_share: float
    score: float | None
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def replacement_cost(self) -> float:
        """What winning back as many customers as were lost last year would cost."""
        return self.lost_customers * self.acquisition_cost

    @property
    def payback_months(self) -> float:
        """Months of a customer's profit that pay back the cost of winning them."""
        return share(self.acquisition_cost, self.profit_per_customer / 12)

    @property
    def cost_ratio(self) -> float:
        """Acquisition cost per customer over the yearly retention cost per customer."""
        return share(self.acquisition_cost, self.retention_cost)

    @property
    def retention_lift(self) -> float:
        """The rise in retention (a share) behind ``lifetime_value_lifted``."""
        return RETENTION_LIFT


def _customer_side(company: Company, labels: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(pd.unique(labels), name=labels.name))
    end = company.observation_end
    if company.interactions is not None and "satisfaction" in company.interactions.columns:
        contacts = in_last_year(company.interactions, "date", end)
        group = contacts["customer_id"].map(labels)
        out["satisfaction"] = contacts["satisfaction"].groupby(group).mean()
        if "resolved" in contacts.columns:
            out["resolution_rate"] = contacts["resolved"].astype("boolean").groupby(group).mean()
    if company.needs is not None and "nps" in company.needs.columns:
        profile = needs_profile(company.needs, labels) if need_dimensions(company.needs) else None
        if profile is not None:
            out["nps"] = profile["nps"]
            out["respondents"] = profile["respondents"]
    if (
        company.products is not None
        and {"product_id", "category"} <= set(company.products.columns)
        and "product_id" in company.transactions.columns
    ):
        tx = in_last_year(company.transactions, "date", end)
        category = tx["product_id"].map(company.products.set_index("product_id")["category"])
        spend = tx["amount"].groupby([tx["customer_id"].map(labels), category]).sum()
        mix = spend.unstack(fill_value=0.0)
        mix = mix.div(mix.sum(axis=1), axis=0)
        overall = spend.groupby(level=1).sum()
        lift = mix / (overall / overall.sum())
        out["top_category"] = lift.idxmax(axis=1)
    return out


def _company_side(company: Company, base: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    table = base.set_index("customer_id")
    grouped = table.groupby(labels, observed=True)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "profit_per_customer": grouped["annual_margin"].mean(),
            "expected_value_per_customer": grouped["clv"].mean(),
            "probability_alive": grouped["probability_alive"].mean(),
        }
    )
    if company.interactions is not None and company.channels is not None:
        contacts = in_last_year(company.interactions, "date", company.observation_end)
        cost = contact_costs(contacts, company.channels).groupby(contacts["customer_id"]).sum()
        cost = cost.reindex(table.index, fill_value=0.0)
        out["cost_to_serve_per_customer"] = cost.groupby(labels).mean()
    else:
        out["cost_to_serve_per_customer"] = np.nan
    return out


def _retention_cost(company: Company, active: int, given: float) -> tuple[float, str]:
    if given > 0:
        return float(given), "parameter"
    if company.interactions is None or company.channels is None or active == 0:
        return float("nan"), "not known"
    contacts = in_last_year(company.interactions, "date", company.observation_end)
    return float(contact_costs(contacts, company.channels).sum()) / active, (
        "measured cost to serve"
    )


def _lifetime_value(profit: float, rate: float, discount_rate: float) -> float:
    """The retention formula, NaN when an input is missing or the sum does not converge."""
    if pd.isna(profit) or pd.isna(rate):
        return float("nan")
    try:
        return float(retention_clv(profit, rate, discount_rate))
    except ParameterError:
        return float("nan")


def value_creation(
    company: Company,
    *,
    segment_col: str = "value_tier",
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    acquisition_cost: float = 0.0,
    retention_cost: float = 0.0,
) -> ValueCreation:
    """The value the customer receives and the value the organisation receives.

    Parameters
    ----------
    company : Company
    segment_col : {"value_tier", "value_category"}
        The segments (as in :attr:`Strategy.segment_col`).
    horizon_months : int, default 12
        Horizon of the expected value.
    discount_rate : float, default 0.1
        Yearly discount rate of the retention formula.
    acquisition_cost : float, default 0
        Cost of winning one new customer. 0 means not known: the workbook then uses
        :data:`ACQUISITION_MULTIPLE` times the retention cost, a rule of thumb.
    retention_cost : float, default 0
        Yearly cost of keeping one customer. 0 means: measure it as the cost to serve
        per buyer of the last 12 months (interactions x cost per contact).

    Returns
    -------
    ValueCreation
    """
    if discount_rate < 0:
        raise ParameterError(f"discount_rate must be 0 or more, got {discount_rate}")
    if acquisition_cost < 0 or retention_cost < 0:
        raise ParameterError("acquisition_cost and retention_cost must be 0 (unknown) or more")
    if segment_col not in ("value_tier", "value_category"):
        raise ParameterError(f"segment_col must be value_tier or value_category, got {segment_col}")
    skipped: dict[str, str] = {}
    end = company.observation_end
    tx = company.transactions[(company.transactions["date"] <= end).to_numpy(dtype=bool)]
    year = end - pd.DateOffset(months=12)
    last = set(tx.loc[(tx["date"] > year).to_numpy(dtype=bool), "customer_id"])
    before_mask = ((tx["date"] > year - pd.DateOffset(months=12)) & (tx["date"] <= year)).to_numpy(
        dtype=bool
    )
    before = set(tx.loc[before_mask, "customer_id"])
    earlier = set(tx.loc[(tx["date"] <= year).to_numpy(dtype=bool), "customer_id"])
    rate = observed_retention_rate(tx, observation_end=end)
    base = attempt(skipped, "segments", customer_base, company, horizon_months=horizon_months)
    segments = None
    profit = profitable = float("nan")
    if base is not None:
        table = base.set_index("customer_id")
        labels = table[segment_col].astype(str).rename(segment_col)
        segments = _company_side(company, base, labels).join(_customer_side(company, labels))
        segments = segments.loc[[s for s in segment_order(segment_col) if s in segments.index]]
        buyers = table.loc[table.index.isin(list(last)), "annual_margin"]
        profit = float(buyers.mean()) if len(buyers) else float("nan")
        profitable = float((buyers > 0).mean()) if len(buyers) else float("nan")
    lifetime = _lifetime_value(profit, rate, discount_rate)
    lifetime_lifted = _lifetime_value(profit, min(rate + RETENTION_LIFT, 1.0), discount_rate)
    keep_cost, keep_source = _retention_cost(company, len(last), retention_cost)
    if acquisition_cost > 0:
        win_cost, win_source = float(acquisition_cost), "parameter"
    elif pd.notna(keep_cost):
        win_cost, win_source = ACQUISITION_MULTIPLE * keep_cost, "5x rule of thumb"
    else:
        win_cost, win_source = float("nan"), "not known"
        skipped["acquisition"] = (
            "it needs the interactions and channels tables "
            "(for the cost to serve) or the acquisition_cost or retention_cost parameter"
        )
    customer_side = None
    if segments is not None and "satisfaction" in segments.columns:
        contacts = in_last_year(company.interactions, "date", end)
        customer_side = (contacts["satisfaction"].mean() - 1) / 4
    elif segments is not None and "nps" in segments.columns:
        customer_side = (net_promoter_score(company.needs["nps"]) + 100) / 200
    score = mean_or_none([customer_side, profitable])
    return ValueCreation(
        segment_col=segment_col,
        segments=segments,
        retention_rate=float(rate),
        retained_base=len(before),
        active_customers=len(last),
        new_customers=len(last - earlier),
        lost_customers=len(before - last),
        profit_per_customer=profit,
        discount_rate=float(discount_rate),
        lifetime_value=float(lifetime),
        lifetime_value_lifted=float(lifetime_lifted),
        lift_margin_per_year=RETENTION_LIFT * len(before) * profit
        if pd.notna(profit)
        else float("nan"),
        retention_cost=keep_cost,
        retention_cost_source=keep_source,
        acquisition_cost=win_cost,
        acquisition_cost_source=win_source,
        profitable_share=profitable,
        score=None if score is None else float(np.clip(score, 0, 1)),
        skipped=skipped,
    )

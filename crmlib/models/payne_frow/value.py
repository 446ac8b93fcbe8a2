"""Payne & Frow's second process: value creation.

Value creation looks at both sides of the exchange: the value the customer receives
(satisfaction, NPS and what each segment buys) and the value the organisation receives
(current value, expected and lifetime value, retention economics, and acquisition
against retention cost).

Every value figure is the customer base's (:func:`crmlib.analytics.base.customer_base`):
current value, cost to serve, the retention rate, the expected twelve-month margin and
the lifetime value, over the base's one window and with the base's definitions
(:mod:`crmlib.analytics.vocabulary`). The retention economics value five points more
retention over the customers the action aims at: the buyers of the year before in the
target segments.

The process score (0-1, this workbook's operationalisation) is the mean of the
customer's side (mean contact satisfaction on 1-5, rescaled to 0-1, or else the NPS
rescaled from -100..100) and the organisation's side (the share of the window's buyers
with a current value above 0, when that value is net of a measured cost to serve).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.base import CustomerBase
from crmlib.analytics.lifecycle import spend_by_category
from crmlib.analytics.needs import need_dimensions, needs_profile, net_promoter_score
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.errors import ParameterError
from crmlib.figures import Figure
from crmlib.models.payne_frow.common import (
    Parts,
    in_last_year,
    mean_or_none,
    share,
    shared_base,
)
from crmlib.models.payne_frow.strategy import segment_order
from crmlib.text import N_, translate

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
        window's contacts), ``resolution_rate``, ``nps`` and ``respondents`` (needs
        survey), ``top_category`` (the category the segment buys most above the
        average). The organisation's side, from the base: ``customers``,
        ``profit_per_customer`` (mean current value), ``cost_to_serve_per_customer``
        (NaN when the data has no contact costs), ``expected_value_per_customer``
        (expected twelve-month margin), ``probability_alive``.
    retention_rate : float
        The base's retention rate (NaN when the year before is not in the data).
    retained_base : int
        Buyers of the year before (the base's previous window).
    active_customers, new_customers, lost_customers : int
        The window's buyers; of them, first-time buyers; buyers of the year before who
        did not buy again.
    profit_per_customer : float
        Mean current value of the window's buyers (margin after cost to serve, or
        revenue on revenue-only data: see ``value_word``).
    value_word : str
        What current value measures here, for labels.
    discount_rate : float
    lifetime_value : float
        The base's lifetime value per buyer of the window (its horizon, discounted, net
        of cost to serve where known); NaN when the models gave no forecast.
    target_segments : tuple of str
        The segments the retention action aims at (empty: every customer).
    target_customers : int
        Customers in the target segments.
    target_retained_base : int
        Of them, buyers of the window: whom more retention would keep next year.
    target_profit_per_customer : float
        Mean current value of the target segments' buyers of the window.
    target_retention_rate : float
        The retention those segments had a window earlier: of the customers in them by
        the previous window's value tier who bought then, the share who bought again.
        Judging this year's retention by this year's tiers would be circular (a customer
        ranked high on this year's purchases bought this year); the base's rate when the
        segments are not value tiers. NaN when the previous window is not covered.
    target_rate_basis : str
        "segments" (measured as above) or "base" (the whole base's rate).
    lift_margin_per_year : float
        The value a year that :data:`RETENTION_LIFT` more retention keeps over the
        target set: lift x ``target_retained_base`` x ``target_profit_per_customer``.
    retention_cost : float
        Yearly cost of keeping one customer: the base's cost to serve per buyer, or
        the parameter; NaN when neither is known.
    retention_cost_source, acquisition_cost_source : str
        Where each figure comes from ("measured cost to serve", "parameter",
        "5x rule of thumb" or "not known").
    acquisition_cost : float
        Cost of winning one customer; NaN when not known.
    profitable_share : float
        Share of the window's buyers with a current value above 0; NaN on revenue-only
        data, where it would say nothing about profit.
    score : float or None
        See the module docstring.
    figures : tuple of Figure
        The figures the process states (the base's and this model's own).
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
    lift_margin_per_year: float
    retention_cost: float
    retention_cost_source: str
    acquisition_cost: float
    acquisition_cost_source: str
    profitable_share: float
    score: float | None
    value_word: str = "margin after cost to serve"
    target_segments: tuple[str, ...] = ()
    target_customers: int = 0
    target_retained_base: int = 0
    target_profit_per_customer: float = float("nan")
    target_ids: tuple[str, ...] = ()
    target_retention_rate: float = float("nan")
    target_rate_basis: str = "base"
    figures: tuple[Figure, ...] = ()
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def replacement_cost(self) -> float:
        """What winning back as many customers as were lost last year would cost."""
        return self.lost_customers * self.acquisition_cost

    @property
    def payback_months(self) -> float:
        """Months of a customer's current value that pay back the cost of winning them."""
        return share(self.acquisition_cost, self.profit_per_customer / 12)

    @property
    def cost_ratio(self) -> float:
        """Acquisition cost per customer over the yearly retention cost per customer."""
        return share(self.acquisition_cost, self.retention_cost)

    @property
    def retention_lift(self) -> float:
        """The rise in retention (a share) the economics are shown for."""
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
        # every line of the last twelve months, returns netted, of the labelled customers
        mix = spend_by_category(
            company.transactions,
            company.products,
            labels,
            start=end - pd.DateOffset(months=12),
            end=end,
            purchases_only=False,
            unassigned=False,
        )
        overall = mix.sum(axis=0)
        mix = mix.div(mix.sum(axis=1), axis=0)
        lift = mix / (overall / overall.sum())
        out["top_category"] = lift.idxmax(axis=1)
    return out


def _company_side(table: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    grouped = table.groupby(labels, observed=True)
    return pd.DataFrame(
        {
            "customers": grouped.size(),
            "profit_per_customer": grouped["current_value"].mean(),
            "expected_value_per_customer": grouped["expected_margin_12m"].mean(),
            "probability_alive": grouped["probability_alive"].mean(),
            # NaN when the data has no contact costs: unknown is not zero
            "cost_to_serve_per_customer": grouped["cost_to_serve"].mean(),
        }
    )


def _value_word(base: CustomerBase) -> str:
    # the words are kept in English (compared in code) and translated where shown
    if base.value_metric == "revenue":
        return N_("revenue")
    return N_("margin after cost to serve") if base.meta["cost_to_serve_known"] else N_("margin")


def _per_buyer(base: CustomerBase, buyers: pd.DataFrame) -> Figure:
    """The base's lifetime value per buyer of the window, with the base figure's status."""
    total = base.figure("lifetime_value")
    label = definition("lifetime_value_per_buyer").label
    if base.value_metric == "revenue":
        label = label.replace("Lifetime value", "Lifetime revenue")
    values = buyers["lifetime_value"].dropna()
    if total.status == "unavailable" or values.empty:
        return Figure.unavailable(
            "lifetime_value_per_buyer",
            label,
            base.currency,
            total.reason or "the lifetime-value models gave no forecast",
            total.window,
        )
    return Figure(
        "lifetime_value_per_buyer",
        label,
        float(values.mean()),
        base.currency,
        total.window,
        total.status,
        total.reason,
    )


def value_creation(
    company: Company,
    *,
    base: CustomerBase | None = None,
    segment_col: str = "value_tier",
    target_segments: tuple[str, ...] | list[str] = (),
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    acquisition_cost: float | None = 0.0,
    retention_cost: float = 0.0,
) -> ValueCreation:
    """The value the customer receives and the value the organisation receives.

    Parameters
    ----------
    company : Company
    base : CustomerBase, optional
        The customer base; by default the company's own with a window of
        ``horizon_months`` and ``discount_rate``.
    segment_col : {"value_tier", "value_category"}
        The segments (as in :attr:`Strategy.segment_col`).
    target_segments : sequence of str
        The segments the retention action aims at (:attr:`Strategy.targets`); empty
        aims it at every customer.
    horizon_months : int, default 12
        The base's window (current value, cost to serve, retention).
    discount_rate : float, default 0.1
        Yearly discount rate of the base's lifetime value.
    acquisition_cost : float, default 0
        Cost of winning one new customer. 0 means not known: the workbook then uses
        :data:`ACQUISITION_MULTIPLE` times the retention cost, a rule of thumb.
    retention_cost : float, default 0
        Yearly cost of keeping one customer. 0 means: the base's cost to serve per buyer
        of the window (interactions x cost per contact).

    Returns
    -------
    ValueCreation
    """
    if discount_rate < 0:
        raise ParameterError(f"discount_rate must be 0 or more, got {discount_rate}")
    # None (as the QCI notebook declares it) is unknown, like 0 here
    acquisition_cost = 0.0 if acquisition_cost is None else acquisition_cost
    if acquisition_cost < 0 or retention_cost < 0:
        raise ParameterError("acquisition_cost and retention_cost must be 0 (unknown) or more")
    if segment_col not in ("value_tier", "value_category"):
        raise ParameterError(f"segment_col must be value_tier or value_category, got {segment_col}")
    if base is None:
        base = shared_base(company, horizon_months=horizon_months, discount_rate=discount_rate)
    skipped: dict[str, str] = {}
    table = base.table
    buyer = table["is_buyer"].to_numpy(dtype=bool)
    before = table["bought_previous_window"].to_numpy(dtype=bool)
    start = pd.Timestamp(base.window.split("..")[0])
    new = buyer & (pd.to_datetime(table["first_purchase"]) >= start).to_numpy(dtype=bool)
    buyers = table[buyer]
    labels = table[segment_col].astype(str).rename(segment_col)
    segments = _company_side(table, labels).join(_customer_side(company, labels))
    segments = segments.loc[[s for s in segment_order(segment_col) if s in segments.index]]
    values = buyers["current_value"]
    profit = float(values.mean()) if len(values) else float("nan")
    profitable = float((values > 0).mean()) if len(values) else float("nan")
    if base.value_metric == "revenue":
        # on revenue every buyer is above 0: the share says nothing about profit
        profitable = float("nan")
        skipped["profitability"] = translate(
            "it needs the margin: a cost per transaction line, or "
            "product_id in transactions and a margin_rate per product"
        )
    retention = base.figure("retention_rate")
    rate = float(retention.value) if retention.value is not None else float("nan")
    lifetime = _per_buyer(base, buyers)

    # the retention action aims at the target segments' buyers of the window: keeping
    # more of them next year; value it over them alone
    aimed = tuple(str(t) for t in target_segments)
    in_target = labels.isin(aimed).to_numpy(dtype=bool) if aimed else np.ones(len(table), bool)
    target_buyers = in_target & buyer
    target_before = int(target_buyers.sum())
    target_values = table.loc[target_buyers, "current_value"]
    target_profit = float(target_values.mean()) if len(target_values) else float("nan")
    # their retention today is what the same segments kept a window earlier: by the
    # previous window's tiers (this window's tiers are made of this window's buyers)
    target_rate, rate_basis = rate, "base"
    if aimed and segment_col == "value_tier" and "previous_value_tier" in table.columns:
        was_target = table["previous_value_tier"].astype(str).isin(aimed).to_numpy(dtype=bool)
        cohort = was_target & before
        rate_basis = "segments"
        target_rate = (
            float((cohort & buyer).sum() / cohort.sum())
            if pd.notna(rate) and cohort.any()
            else float("nan")
        )
    lift = (
        RETENTION_LIFT * target_before * target_profit
        if pd.notna(target_rate) and target_before and pd.notna(target_profit)
        else float("nan")
    )
    if pd.isna(rate):
        skipped["retention economics"] = retention.reason

    if retention_cost > 0:
        keep_cost, keep_source = float(retention_cost), "parameter"
    elif pd.notna(base.retention_cost):
        # the base's one definition: the kept customers' yearly cost to serve
        keep_cost = base.retention_cost
        keep_source = "measured cost to serve"
    else:
        keep_cost, keep_source = float("nan"), "not known"
    if acquisition_cost > 0:
        win_cost, win_source = float(acquisition_cost), "parameter"
    elif pd.notna(keep_cost):
        win_cost, win_source = ACQUISITION_MULTIPLE * keep_cost, "5x rule of thumb"
    else:
        win_cost, win_source = float("nan"), "not known"
        skipped["acquisition"] = translate(
            "it needs the interactions and channels tables "
            "(for the cost to serve), or the company's own cost of winning or keeping a customer"
        )
    customer_side = None
    if "satisfaction" in segments.columns:
        contacts = in_last_year(company.interactions, "date", company.observation_end)
        customer_side = (contacts["satisfaction"].mean() - 1) / 4
    elif "nps" in segments.columns:
        customer_side = (net_promoter_score(company.needs["nps"]) + 100) / 200
    # a margin above 0 before an unmeasured cost to serve says little of profit (nearly
    # every buyer has one): it does not score the organisation's side
    organisation_side = profitable if base.meta.get("cost_to_serve_known") else None
    score = mean_or_none([customer_side, organisation_side])
    lift_label = definition("retention_lift_value").label
    if base.value_metric == "revenue":
        lift_label += " (revenue)"
    lift_figure = (
        Figure(
            "retention_lift_value", lift_label, float(lift), base.currency, retention.window,
            retention.status, retention.reason,
        )
        if pd.notna(lift)
        else Figure.unavailable(
            "retention_lift_value", lift_label, base.currency,
            retention.reason or "no buyer in the target segments, or no retention measured for them",
            retention.window,
        )
    )  # fmt: skip
    figures = (
        base.figure("buyers"),
        lift_figure,
        retention,
        base.figure("cost_to_serve"),
        base.figure("expected_margin_12m"),
        base.figure("lifetime_value"),
        lifetime,
    )
    return ValueCreation(
        segment_col=segment_col,
        segments=segments,
        retention_rate=rate,
        retained_base=int(before.sum()),
        active_customers=int(buyer.sum()),
        new_customers=int(new.sum()),
        lost_customers=int((before & ~buyer).sum()),
        profit_per_customer=profit,
        discount_rate=float(base.settings.discount_rate),
        lifetime_value=float(lifetime.value) if lifetime.value is not None else float("nan"),
        lift_margin_per_year=float(lift),
        retention_cost=keep_cost,
        retention_cost_source=keep_source,
        acquisition_cost=win_cost,
        acquisition_cost_source=win_source,
        profitable_share=profitable,
        score=None if score is None else float(np.clip(score, 0, 1)),
        value_word=_value_word(base),
        target_segments=aimed,
        target_customers=int(in_target.sum()),
        target_retained_base=target_before,
        target_profit_per_customer=target_profit,
        target_ids=tuple(str(c) for c in table.loc[target_buyers, "customer_id"])
        if "customer_id" in table.columns
        else tuple(str(c) for c in table.index[target_buyers]),
        target_retention_rate=target_rate,
        target_rate_basis=rate_basis,
        figures=figures,
        skipped=skipped,
    )

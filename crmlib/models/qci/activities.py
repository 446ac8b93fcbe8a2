"""QCI's acquisition, penetration and efficiency activities measured on data (retention,
the fourth, is in :mod:`crmlib.models.qci.retention`). The year measured is the 12 months
up to the company's observation end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics.lifecycle.cohorts import acquisition, acquisition_quality, first_purchases
from crmlib.analytics.lifecycle.costs import channel_costs, segment_costs
from crmlib.analytics.lifecycle.wallet import category_affinity, penetration, share_of_wallet
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.figures import Figure
from crmlib.models.qci.customers import YEAR, CustomerBase, tier_order
from crmlib.text import N_

# ---------------------------------------------------------------------------------------
# Acquisition


@dataclass(frozen=True)
class AcquisitionView:
    """New customers: how many, where they came in, and what their first year brings.

    Attributes
    ----------
    per_period : DataFrame
        New customers per period, split by ``source`` (see
        :func:`crmlib.analytics.lifecycle.acquisition`).
    source : str or None
        The split: ``acquisition_channel`` (customers table) or ``first_channel``
        (the channel of the first purchase); None without either.
    quality : DataFrame or None
        :func:`crmlib.analytics.lifecycle.acquisition_quality` per source, for the
        newcomers of the year before last (their first year is complete).
    first_categories : Series
        The share of last year's new customers per category of their first purchase.
    new_last_year, new_year_before : int
        New customers in the year measured and in the year before.
    first_year_margin : float or None
        The mean first-year margin of a new customer (the year-before-last newcomers).
    data_start : str
        The first day of the data (``""`` when not known).
    year_coverage, year_before_coverage : float
        The share of the year measured and of the year before that the data covers: a
        customer is "new" only against history, and the year-on-year change needs the
        year before fully inside the data.
    """

    per_period: pd.DataFrame
    source: str | None
    quality: pd.DataFrame | None
    first_categories: pd.Series
    new_last_year: int
    new_year_before: int
    first_year_margin: float | None
    data_start: str = ""
    year_coverage: float = 1.0
    year_before_coverage: float = 1.0
    #: Newcomers of the ``quality`` cohort per source (rows) and customer type (columns);
    #: None without a source or a customer type.
    types: pd.DataFrame | None = None

    def type_confound(self, source: str) -> tuple[str, float, float] | None:
        """Whether ``source`` brought nearly one customer type alone: (type, its share
        of the source's newcomers, its share of the other ways in's), when at least 90%
        of the source's newcomers are of a type that is at most half of the others'. The
        source's margin may then be the type's rather than the way in's. None otherwise.
        """
        types = self.types
        if types is None or source not in types.index or len(types.index) < 2:
            return None
        mine, rest = types.loc[source], types.drop(index=source).sum()
        if mine.sum() == 0 or rest.sum() == 0:
            return None
        kind = str(mine.idxmax())
        share, elsewhere = float(mine[kind] / mine.sum()), float(rest[kind] / rest.sum())
        return (kind, share, elsewhere) if share >= 0.9 and elsewhere <= 0.5 else None

    @property
    def growth(self) -> float | None:
        """The change in new customers on the year before; None when it cannot be compared."""
        if self.year_before_coverage < 1 or self.year_coverage < 1 or not self.new_year_before:
            return None
        return self.new_last_year / self.new_year_before - 1


def acquisition_view(company: Company, base: CustomerBase, *, freq: str = "Q") -> AcquisitionView:
    """Acquisition on the company's data: volumes, sources, first categories, first year."""
    tx, end = company.transactions, base.end
    first = first_purchases(tx, company.products, end=end, customers=company.customers)
    source = next((c for c in ("acquisition_channel", "first_channel") if c in first.columns), None)
    per_period = acquisition(
        tx, company.products, freq=freq, end=end, by=source, customers=company.customers
    )
    last_year = (first["first_date"] > base.year_start).to_numpy(dtype=bool)
    before = (
        (first["first_date"] > base.year_start - pd.DateOffset(months=YEAR)) & ~last_year
    ).to_numpy(dtype=bool)
    categories = (
        first.loc[last_year, "first_category"].value_counts(normalize=True)
        if "first_category" in first.columns
        else pd.Series(dtype=float)
    )
    try:
        quality = acquisition_quality(
            tx,
            company.products,
            by=source,
            end=end,
            months=YEAR,
            start=base.year_start - pd.DateOffset(months=YEAR),
            margin=base.line_margin,
            customers=company.customers,
        )
    except MissingDataError:
        quality = None
    first_year = (
        float(quality.loc["all", "first_year_margin"])
        if quality is not None and "first_year_margin" in quality.columns
        else None
    )
    types = None
    if source and "type" in company.customers.columns:
        # the cohort the quality table reads: the newcomers of the year before last
        kinds = company.customers.drop_duplicates("customer_id").set_index("customer_id")["type"]
        cohort = first.loc[before]
        types = pd.crosstab(
            cohort[source].astype(str).to_numpy(),
            kinds.reindex(cohort.index).astype(str).to_numpy(),
        )
    return AcquisitionView(
        per_period=per_period,
        source=source,
        quality=quality.drop(index="all") if quality is not None and source else quality,
        first_categories=categories,
        new_last_year=int(last_year.sum()),
        new_year_before=int(before.sum()),
        first_year_margin=first_year,
        **_coverage(base),
        types=types,
    )


def _coverage(base: CustomerBase) -> dict:
    """The data's coverage of the year measured and of the year before (shared base)."""
    if base.shared is None:
        return {}
    meta = base.shared.meta
    return {
        "data_start": str(meta["data_start"]),
        "year_coverage": float(meta["window_coverage"]),
        "year_before_coverage": float(meta["previous_coverage"]),
    }


# ---------------------------------------------------------------------------------------
# Penetration


@dataclass(frozen=True)
class PenetrationView:
    """How far last year's buyers reach across the range.

    Attributes
    ----------
    summary : DataFrame
        Per value tier and ``all``: ``buyers``, ``categories_per_buyer``,
        ``cross_sell_rate`` (2+ categories), over last year's purchases.
    category_penetration : DataFrame
        Tiers × categories: the share of the tier's buyers who bought in the category.
    affinity : DataFrame
        :func:`crmlib.analytics.lifecycle.category_affinity` over last year.
    cross_sell_rate : float
        The share of last year's buyers who bought in two or more categories.
    active : int
        Last year's buyers.
    margin_single, margin_multi : float or None
        Mean margin last year of single- and multi-category buyers.
    wallet : DataFrame or None
        :func:`crmlib.analytics.lifecycle.share_of_wallet` when a wallet is given.
    single_buyers : Index
        Last year's buyers of one category only: whom a cross-sell action reaches.
    """

    summary: pd.DataFrame
    category_penetration: pd.DataFrame
    affinity: pd.DataFrame
    cross_sell_rate: float
    active: int
    margin_single: float | None
    margin_multi: float | None
    wallet: pd.DataFrame | None
    single_buyers: pd.Index = field(default_factory=lambda: pd.Index([], dtype=object))


def penetration_view(
    company: Company, base: CustomerBase, *, wallet_per_customer: float = 0.0
) -> PenetrationView:
    """Categories per customer, cross-sell, category penetration per tier, share of wallet."""
    products = company.require("products", "category", step=N_("Penetration"))
    tx, year = company.transactions, {"start": base.year_start, "end": base.end}
    tiers = base.tier
    overall = penetration(tx, products, **year)
    # without value tiers (revenue-only data) the only segment is "all" itself
    result = overall if tiers is None else penetration(tx, products, **year, segments=tiers)
    summary = (
        overall["summary"] if tiers is None else pd.concat([result["summary"], overall["summary"]])
    )
    order = tier_order(summary.index)
    summary = summary.reindex(order)
    per_customer = overall["per_customer"]
    multi = per_customer["categories"] >= 2
    margin_single = margin_multi = None
    if base.annual is not None:
        profit = base.annual["profit"].reindex(per_customer.index)
        margin_single = float(profit[~multi].mean()) if (~multi).any() else None
        margin_multi = float(profit[multi].mean()) if multi.any() else None
    try:
        wallet = share_of_wallet(
            company.transactions, wallet_per_customer, end=base.end, months=YEAR, segments=tiers
        )
    except MissingDataError:
        wallet = None
    return PenetrationView(
        summary=summary,
        category_penetration=result["category_penetration"].reindex(
            [t for t in order if t in result["category_penetration"].index]
        ),
        affinity=category_affinity(tx, products, **year),
        cross_sell_rate=float(multi.mean()),
        active=len(per_customer),
        margin_single=margin_single,
        margin_multi=margin_multi,
        wallet=wallet,
        single_buyers=per_customer.index[~multi.to_numpy(dtype=bool)],
    )


def best_cross_sell(affinity: pd.DataFrame, min_share: float = 0.0) -> tuple[str, str, float]:
    """The category pair with the lowest cross-sell from a popular category: the gap.

    Returns the (bought, not yet bought, share) pair where the share of A-buyers who
    also bought B is lowest, among the pairs whose B is bought by at least the median
    share of A-buyers elsewhere (so the gap is not simply a niche category).
    """
    stacked = affinity.stack().rename("share").reset_index()
    popular = affinity.mean(axis=0)
    common = popular[popular >= popular.median()].index
    pool = stacked[stacked["also_bought"].isin(common) & (stacked["share"] >= min_share)]
    row = pool.sort_values("share", kind="mergesort").iloc[0]
    return str(row["bought"]), str(row["also_bought"]), float(row["share"])


# ---------------------------------------------------------------------------------------
# Efficiency


@dataclass(frozen=True)
class EfficiencyView:
    """The cost to serve last year, per channel and per value tier.

    Attributes
    ----------
    channels : DataFrame
        :func:`crmlib.analytics.lifecycle.channel_costs`.
    tiers : DataFrame or None
        :func:`crmlib.analytics.lifecycle.segment_costs` per value tier, with margin.
    total_cost : float
    cost_to_serve : Figure or None
        The shared base's ``cost_to_serve`` over the same year: the total a report
        states (None without a shared base).
    """

    channels: pd.DataFrame
    tiers: pd.DataFrame | None
    total_cost: float
    cost_to_serve: Figure | None = None


def efficiency_view(company: Company, base: CustomerBase) -> EfficiencyView:
    """Cost to serve per channel and per value tier over the year measured."""
    step = "Efficiency (cost to serve)"
    interactions = company.require("interactions", "channel", step=step)
    channels = company.require("channels", "channel", "cost_per_contact", step=step)
    by_channel = channel_costs(interactions, channels, start=base.year_start, end=base.end)
    tiers = None
    if base.tier is not None and base.annual is not None:
        tiers = segment_costs(
            interactions,
            channels,
            base.tier,
            margin=base.annual["gross_margin"],
            start=base.year_start,
            end=base.end,
        )
        tiers = tiers.reindex(tier_order(tiers.index))
    shared = base.figure("cost_to_serve") if base.shared is not None else None
    return EfficiencyView(by_channel, tiers, float(by_channel["cost"].sum()), shared)

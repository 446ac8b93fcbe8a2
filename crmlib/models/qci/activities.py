"""QCI's acquisition, penetration and efficiency activities measured on data (retention,
the fourth, is in :mod:`crmlib.models.qci.retention`). The year measured is the 12 months
up to the company's observation end.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.lifecycle.cohorts import acquisition, acquisition_quality, first_purchases
from crmlib.analytics.lifecycle.costs import channel_costs, segment_costs
from crmlib.analytics.lifecycle.wallet import category_affinity, penetration, share_of_wallet
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.models.qci.customers import (
    YEAR,
    CustomerBase,
    _in_year,
    available,
    tier_order,
)
from crmlib.text import capitalise, escape

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
    """

    per_period: pd.DataFrame
    source: str | None
    quality: pd.DataFrame | None
    first_categories: pd.Series
    new_last_year: int
    new_year_before: int
    first_year_margin: float | None


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
    return AcquisitionView(
        per_period=per_period,
        source=source,
        quality=quality.drop(index="all") if quality is not None and source else quality,
        first_categories=categories,
        new_last_year=int(last_year.sum()),
        new_year_before=int(before.sum()),
        first_year_margin=first_year,
    )


def describe_acquisition(view: AcquisitionView, currency: str) -> str:
    """The acquisition finding: volume and trend, the main sources, the first year."""
    parts = [
        f"In the last 12 months {count(view.new_last_year)} customers bought for the first time"
    ]
    if view.new_year_before:
        change = view.new_last_year / view.new_year_before - 1
        parts[0] += f", {'up' if change >= 0 else 'down'} {percent(abs(change))} on the year before"
    parts[0] += "."
    if len(view.first_categories):
        top = view.first_categories.head(2)
        parts.append(
            "Their first purchase was most often in "
            + " and ".join(f"{escape(c)} ({percent(s)})" for c, s in top.items())
            + "."
        )
    quality = view.quality
    if quality is not None and len(quality) > 1 and "first_year_margin" in quality.columns:
        ranked = quality[quality["customers"] >= 10].sort_values("first_year_margin")
        if len(ranked) >= 2:
            best, worst = ranked.index[-1], ranked.index[0]
            parts.append(
                f"Of the customers won the year before last (their first year is complete), "
                f"those who came in through {escape(best)} brought {money(ranked['first_year_margin'].iloc[-1], currency)} "
                f"of margin in their first year and {percent(ranked.loc[best, 'repeat_rate'])} "
                f"bought again; through {escape(worst)}, "
                f"{money(ranked['first_year_margin'].iloc[0], currency)} and "
                f"{percent(ranked.loc[worst, 'repeat_rate'])}."
            )
    if view.first_year_margin is not None:
        parts.append(
            f"A new customer brings {money(view.first_year_margin, currency)} of margin in the "
            "first year on average."
        )
    return " ".join(parts)


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
    """

    summary: pd.DataFrame
    category_penetration: pd.DataFrame
    affinity: pd.DataFrame
    cross_sell_rate: float
    active: int
    margin_single: float | None
    margin_multi: float | None
    wallet: pd.DataFrame | None


def penetration_view(
    company: Company, base: CustomerBase, *, wallet_per_customer: float = 0.0
) -> PenetrationView:
    """Categories per customer, cross-sell, category penetration per tier, share of wallet."""
    products = company.require("products", "category", step="Penetration")
    year = _in_year(company.transactions, base.year_start, base.end)
    tiers = base.tier
    result = penetration(year, products, end=base.end, segments=tiers)
    overall = penetration(year, products, end=base.end)
    summary = pd.concat([result["summary"], overall["summary"]])
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
        affinity=category_affinity(year, products, end=base.end),
        cross_sell_rate=float(multi.mean()),
        active=len(per_customer),
        margin_single=margin_single,
        margin_multi=margin_multi,
        wallet=wallet,
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


def describe_penetration(view: PenetrationView, currency: str) -> str:
    """The penetration finding: categories per buyer, cross-sell by tier, the gap."""
    summary = view.summary
    parts = [
        f"Last year's {count(view.active)} buyers bought in "
        f"{summary.loc['all', 'categories_per_buyer']:.1f} categories on average; "
        f"{percent(view.cross_sell_rate)} bought in two or more."
    ]
    tiers = summary.drop(index=["all", "unassigned"], errors="ignore")
    if len(tiers) >= 2:
        parts.append(
            "Categories per buyer by value tier: "
            + ", ".join(f"{escape(t)} {r.categories_per_buyer:.1f}" for t, r in tiers.iterrows())
            + "."
        )
    if view.margin_single is not None and view.margin_multi is not None:
        parts.append(
            f"Single-category buyers brought {money(view.margin_single, currency)} of margin "
            f"after contact costs, buyers of several categories {money(view.margin_multi, currency)}."
        )
    if view.affinity.notna().to_numpy().any():
        bought, other, share = best_cross_sell(view.affinity)
        parts.append(
            f"The widest cross-sell gap between popular categories: only {percent(share)} of "
            f"{escape(bought)} buyers also bought {escape(other)}."
        )
    return " ".join(parts)


def describe_wallet(view: PenetrationView, currency: str) -> str:
    """Share of wallet, or what it would need."""
    if view.wallet is None:
        return (
            "*Share of wallet is skipped: it needs an estimate of what a customer spends a year in "
            "the market, here and elsewhere (the parameter wallet\\_per\\_customer, 0 = unknown); "
            "the data holds only the spend here.*"
        )
    w = view.wallet.loc["all"]
    return (
        f"Against a wallet of {money(w['wallet_per_customer'], currency)} a year, last year's "
        f"buyers spent {money(w['spend_per_buyer'], currency)} here: a share of wallet of "
        f"{percent(w['share_of_wallet'])}, leaving {money(w['headroom'], currency)} a year spent "
        "elsewhere by the company's own buyers."
    )


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
    """

    channels: pd.DataFrame
    tiers: pd.DataFrame | None
    total_cost: float


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
    return EfficiencyView(by_channel, tiers, float(by_channel["cost"].sum()))


def describe_efficiency(view: EfficiencyView, currency: str) -> str:
    """The efficiency finding: the costliest channel, cost per tier against margin."""
    channels = view.channels
    top = channels.index[0]
    cheapest = channels["cost_per_contact"].idxmin()
    parts = [
        f"Contacts cost {money(view.total_cost, currency)} last year. {capitalise(escape(top))} took the "
        f"largest share ({percent(channels.loc[top, 'cost_share'])}, at "
        f"{money(channels.loc[top, 'cost_per_contact'], currency, 2)} a contact); {escape(cheapest)} "
        f"is the cheapest at {money(channels.loc[cheapest, 'cost_per_contact'], currency, 2)}."
    ]
    tiers = view.tiers
    if tiers is not None and "cost_to_margin" in tiers.columns:
        body = tiers.drop(index="all", errors="ignore").dropna(subset=["cost_to_margin"])
        if len(body):
            heavy = body["cost_to_margin"].idxmax()
            parts.append(
                f"Per value tier the contact cost per customer runs from "
                f"{money(body['cost_per_customer'].min(), currency, 2)} to "
                f"{money(body['cost_per_customer'].max(), currency, 2)}; it weighs most on "
                f"{escape(heavy)} customers, at {percent(body.loc[heavy, 'cost_to_margin'])} of their margin."
            )
    return " ".join(parts)


def wallet_table(view: PenetrationView | None) -> pd.DataFrame:
    """Share of wallet per value tier, or a MissingDataError saying what it needs."""
    view = available(view, "the penetration step (products with categories)")
    if view.wallet is None:
        raise MissingDataError(
            "it needs an estimate of what a customer spends a year in the market, here and "
            "elsewhere (the parameter wallet_per_customer, 0 = unknown); the data holds only "
            "the spend here"
        )
    return view.wallet

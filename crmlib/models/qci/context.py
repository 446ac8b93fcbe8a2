"""The outer rings of QCI: the customer's external environment and readiness to buy, and
the proposition per segment (what each value tier buys and values).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle.costs import campaign_response
from crmlib.analytics.lifecycle.lapse import alive_probabilities, recent_activity
from crmlib.analytics.lifecycle.wallet import category_spend
from crmlib.analytics.needs import need_dimensions, needs_profile
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import count, percent
from crmlib.models.qci.customers import CustomerBase, available, tier_order
from crmlib.models.qci.questionnaire import Assessment
from crmlib.text import capitalise, escape, lead

#: The QCI item on the customer's external environment (the outer ring).
ENVIRONMENT_ITEM = "ap_customer_environment"


# ---------------------------------------------------------------------------------------
# External environment and customer readiness


@dataclass(frozen=True)
class Readiness:
    """How ready the customers are to buy, as far as the data and the workshop show it.

    Attributes
    ----------
    activity : DataFrame
        :func:`crmlib.analytics.lifecycle.recent_activity` over every customer.
    alive : DataFrame or None
        :func:`crmlib.analytics.lifecycle.alive_probabilities`; None when the BG/NBD
        model cannot be fitted (``alive_note`` says why).
    alive_note : str or None
    campaigns : DataFrame or None
        :func:`crmlib.analytics.lifecycle.campaign_response`; None without campaigns.
    environment_score : float or None
        The workshop's reality score (%) of the QCI practice of recording customers'
        buying readiness and pain points; None when not scored.
    """

    activity: pd.DataFrame
    alive: pd.DataFrame | None
    alive_note: str | None
    campaigns: pd.DataFrame | None
    environment_score: float | None

    def require_alive(self) -> pd.DataFrame:
        """The probability alive per buyer, or a MissingDataError saying why it is missing."""
        if self.alive is None:
            raise MissingDataError(self.alive_note or "it needs purchases")
        return self.alive

    def require_campaigns(self) -> pd.DataFrame:
        """The response per campaign, or a MissingDataError when there are no campaigns."""
        if self.campaigns is None or self.campaigns.empty:
            raise MissingDataError("it needs the campaigns table with responded")
        return self.campaigns

    @property
    def likely_alive(self) -> float:
        """The share of buyers with a probability alive of 0.5 or more."""
        if self.alive is None:
            return float("nan")
        return float((self.alive["probability_alive"] >= 0.5).mean())


def readiness(company: Company, scored: Assessment | None = None) -> Readiness:
    """Recent purchase activity, the probability alive, campaign response, the workshop item."""
    activity = recent_activity(company.transactions, company.customers, end=company.observation_end)
    try:
        alive, note = alive_probabilities(company.transactions, end=company.observation_end), None
    except MissingDataError as missing:
        alive, note = None, str(missing)
    campaigns = campaign_response(company.campaigns) if company.campaigns is not None else None
    score = scored.item_percent(ENVIRONMENT_ITEM) if scored is not None else None
    return Readiness(activity, alive, note, campaigns, score)


def describe_activity(result: Readiness) -> str:
    """Recent purchase activity in one sentence."""
    a = result.activity["share"]
    return (
        f"{percent(a.get(12, np.nan))} of all customers bought in the last 12 months, "
        f"{percent(a.get(3, np.nan))} in the last 3; {percent(1 - a.get(24, np.nan))} have not "
        "bought for two years or more."
    )


def describe_alive(result: Readiness) -> str:
    """The probability-alive distribution in one or two sentences."""
    if result.alive is None:
        return f"*The probability alive is skipped: {escape(result.alive_note)}.*"
    p = result.alive["probability_alive"]
    return (
        f"The BG/NBD model puts {percent(result.likely_alive)} of the {count(len(p))} buyers at a "
        f"probability of 50% or more that they are still active (median {percent(p.median())}); "
        f"{percent(float((p < 0.2).mean()))} are below 20%, most of them gone for good."
    )


def describe_campaigns(result: Readiness) -> str:
    """Campaign responsiveness: the overall rate, the best and worst, the trend."""
    c = result.campaigns
    if c is None or c.empty:
        return "*Campaign responsiveness is skipped: it needs the campaigns table.*"
    overall = c["responses"].sum() / c["sent"].sum()
    best, worst = c["response_rate"].idxmax(), c["response_rate"].idxmin()
    text_ = (
        f"{count(c['sent'].sum())} offers in {count(len(c))} campaigns drew a response from "
        f"{percent(overall, 1)}, from {percent(c.loc[worst, 'response_rate'], 1)} "
        f"({escape(worst)}) to {percent(c.loc[best, 'response_rate'], 1)} ({escape(best)})."
    )
    if len(c) >= 4:
        half = len(c) // 2
        early = c.iloc[:half]["responses"].sum() / c.iloc[:half]["sent"].sum()
        late = c.iloc[half:]["responses"].sum() / c.iloc[half:]["sent"].sum()
        trend = "risen" if late > early else "fallen"
        text_ += (
            f" Response has {trend} from {percent(early, 1)} in the earlier half of the "
            f"campaigns to {percent(late, 1)} in the later half."
        )
    return text_


def means_readiness(company: Company, result: Readiness) -> str:
    """What this means: how ready the base is, and what the workshop says of the rest."""
    a = result.activity["share"]
    parts = [lead(company.name)]
    if result.alive is not None:
        parts.append(
            f"About {percent(result.likely_alive)} of the people who ever bought are still "
            f"within reach, against {percent(a.get(12, np.nan))} who actually bought last year: "
        )
        parts[-1] += (
            "the gap is the room for reactivation before customers drift away for good."
            if result.likely_alive > a.get(12, 0)
            else "nearly everyone still alive is already buying, so growth must come from new "
            "customers and from buying more."
        )
    if result.campaigns is not None and len(result.campaigns):
        overall = result.campaigns["responses"].sum() / result.campaigns["sent"].sum()
        parts.append(
            f"Offers move about {percent(overall, 1)} of those who receive them, the measure of "
            "readiness to act on an offer."
        )
    if result.environment_score is None:
        parts.append(
            "The data cannot show customers' pain points and plans; the workshop has not scored "
            "whether they are recorded (QCI practice: buying readiness and pain points)."
        )
    else:
        parts.append(
            f"Pain points and plans are outside the data; the workshop scores their recording at "
            f"{result.environment_score:.0f}% in reality."
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------
# The proposition per segment


@dataclass(frozen=True)
class Proposition:
    """What each value tier buys and values.

    Attributes
    ----------
    needs : DataFrame or None
        :func:`crmlib.analytics.needs.needs_profile` per tier, with an ``all`` row.
    spend : DataFrame or None
        :func:`crmlib.analytics.lifecycle.category_spend` over last year per tier,
        with an ``all`` row.
    distinctive : DataFrame
        Per tier: ``need`` (scored most above the average), ``need_lift`` (points),
        ``category`` (the largest share of spend against the average) and
        ``category_index`` (its share over the average share).
    """

    needs: pd.DataFrame | None
    spend: pd.DataFrame | None
    distinctive: pd.DataFrame


def proposition(company: Company, base: CustomerBase) -> Proposition:
    """The needs profile and the spend mix per value tier.

    Raises
    ------
    MissingDataError
        Without value tiers (no margin) or without both a needs survey and products.
    """
    if base.tier is None:
        raise MissingDataError("the proposition by segment needs value tiers, so margins")
    needs = spend = None
    if company.needs is not None and need_dimensions(company.needs):
        per_tier = needs_profile(company.needs, base.tier)
        needs = pd.concat([per_tier, needs_profile(company.needs)])
        needs = needs.reindex(tier_order(needs.index))
    if company.has("products", "category") and "product_id" in company.transactions.columns:
        year = company.transactions
        kwargs = {"start": base.year_start, "end": base.end}
        spend = pd.concat(
            [
                category_spend(year, company.products, segments=base.tier, **kwargs),
                category_spend(year, company.products, **kwargs),
            ]
        ).fillna(0.0)
        spend = spend.reindex(tier_order(spend.index))
    if needs is None and spend is None:
        raise MissingDataError(
            "the proposition by segment needs the needs survey or products with categories"
        )
    rows = {}
    tiers = [t for t in (needs if needs is not None else spend).index if t != "all"]
    for tier in tiers:
        row = {}
        if needs is not None and tier in needs.index:
            dims = need_dimensions(company.needs)
            lift = needs.loc[tier, dims] - needs.loc["all", dims]
            row["need"], row["need_lift"] = str(lift.idxmax()), float(lift.max())
        if spend is not None and tier in spend.index:
            index = spend.loc[tier] / spend.loc["all"].where(spend.loc["all"] > 0)
            row["category"], row["category_index"] = str(index.idxmax()), float(index.max())
        rows[tier] = row
    distinctive = pd.DataFrame.from_dict(rows, orient="index")
    distinctive.index.name = "segment"
    return Proposition(needs, spend, distinctive)


def describe_proposition(result: Proposition) -> str:
    """Per tier: the need it values most above the average and the category it favours."""
    parts = []
    for tier, row in result.distinctive.iterrows():
        bits = []
        if isinstance(row.get("need"), str):
            need = escape(row["need"].replace("_", " "))
            bits.append(
                f"values {need} most above the average ({row['need_lift']:+.1f} points)"
                if row["need_lift"] >= 0.2
                else f"values much what the average customer values (at most "
                f"{row['need_lift']:+.1f} points more, on {need})"
            )
        if isinstance(row.get("category"), str):
            bits.append(
                f"spends relatively most on {escape(row['category'])} "
                f"({row['category_index']:.1f} times the average share)"
            )
        if bits:
            parts.append(f"**{capitalise(escape(tier))}** {' and '.join(bits)}.")
    if result.needs is not None and "nps" in result.needs.columns:
        nps = result.needs["nps"].drop(index="all", errors="ignore").dropna()
        if len(nps) >= 2:
            parts.append(
                f"NPS runs from {nps.min():+.0f} ({escape(nps.idxmin())}) to {nps.max():+.0f} "
                f"({escape(nps.idxmax())})."
            )
    return " ".join(parts)


def means_proposition(company: Company, result: Proposition) -> str:
    """What this means: whether the tiers want different things, so deserve different offers."""
    parts = [lead(company.name)]
    if result.needs is not None:
        dims = [c for c in result.needs.columns if c not in ("respondents", "nps")]
        tiers = result.needs.drop(index="all", errors="ignore")[dims]
        spread = float((tiers.max() - tiers.min()).max()) if len(tiers) >= 2 else 0.0
        if spread >= 0.5:
            parts.append(
                f"The tiers differ by up to {spread:.1f} points on a need: one proposition for all "
                "would miss what the most valuable customers want. Build the offer per tier around "
                "its distinctive need."
            )
        else:
            parts.append(
                f"The tiers value much the same things (at most {spread:.1f} points apart): the "
                "proposition can stay common, and differ in service level and reward rather than "
                "in content."
            )
    if result.spend is not None:
        parts.append(
            "The categories a tier favours are where its offers and cross-sell should start."
        )
    return " ".join(parts)


def segment_needs(offer: Proposition | None) -> pd.DataFrame:
    """Mean need scores per value tier (need dimensions only), for the heatmap."""
    offer = available(offer, "value tiers and the needs survey or products")
    if offer.needs is None:
        raise MissingDataError("it needs the needs survey with need dimensions (scores 1-5)")
    return offer.needs.drop(columns=["respondents", "nps"], errors="ignore")


def segment_spend(offer: Proposition | None) -> pd.DataFrame:
    """The share of last year's spend per category, per value tier, for the heatmap."""
    offer = available(offer, "value tiers and the needs survey or products")
    if offer.spend is None:
        raise MissingDataError("it needs products with categories")
    return offer.spend

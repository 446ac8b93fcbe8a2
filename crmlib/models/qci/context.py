"""The outer rings of QCI: the customer's external environment and readiness to buy, and
the proposition per segment (what each value tier buys and values).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.base import CustomerBase as SharedBase
from crmlib.analytics.base import customer_base as shared_base
from crmlib.analytics.lifecycle.costs import campaign_response
from crmlib.analytics.lifecycle.lapse import activity_shares
from crmlib.analytics.lifecycle.wallet import category_spend
from crmlib.analytics.needs import need_dimensions, needs_profile
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.models.qci.customers import CustomerBase, available, tier_order
from crmlib.models.qci.questionnaire import Assessment
from crmlib.text import N_, translate

#: The QCI items on the customer's external environment (the outer ring): customers'
#: readiness and pain points, their view of competitors, and their markets. The
#: company's transaction data cannot show any of these; only the workshop can.
ENVIRONMENT_ITEMS = ("ap_customer_environment", "ap_competitor_view", "ap_market_view")
ENVIRONMENT_ITEM = ENVIRONMENT_ITEMS[0]


def environment_score(scored: Assessment | None) -> tuple[float | None, int]:
    """The mean reality score (%) of the external-environment items the workshop scored,
    and how many it scored; (None, 0) when none (unknown, never 0)."""
    if scored is None:
        return None, 0
    values = [scored.item_percent(item) for item in ENVIRONMENT_ITEMS]
    known = [v for v in values if v is not None]
    return (sum(known) / len(known) if known else None), len(known)


# ---------------------------------------------------------------------------------------
# External environment and customer readiness


def alive_model(alive: pd.DataFrame | None) -> str:
    """The purchase model (BG/NBD, MBG/NBD or Pareto/NBD) a probability alive comes from."""
    return str(alive.attrs.get("model", "BG/NBD")) if alive is not None else "BG/NBD"


@dataclass(frozen=True)
class Readiness:
    """How ready the customers are to buy, as far as the data and the workshop show it.

    Attributes
    ----------
    activity : DataFrame
        :func:`crmlib.analytics.lifecycle.recent_activity` over every customer, counted
        from the shared base's last purchase per customer.
    alive : DataFrame or None
        ``probability_alive`` per buyer, from the shared customer base's lifetime-value
        fit (fitted once per company); None when the fit failed (``alive_note`` says why).
        ``attrs["model"]`` names the purchase model (see :func:`alive_model`).
    alive_note : str or None
    alive_caveat : str
        Why the fit's probabilities are doubtful (e.g. they do not tell active from
        lapsed customers apart); "" when the fit is sound. Nothing built on a doubtful
        fit is stated as fact.
    history_months : float or None
        Months of purchase history up to the observation end (from the first day of
        the data): an activity window longer than that cannot be read.
    campaigns : DataFrame or None
        :func:`crmlib.analytics.lifecycle.campaign_response`; None without campaigns.
    environment_score : float or None
        The workshop's mean reality score (%) of the external-environment practices
        (:data:`ENVIRONMENT_ITEMS`: customer readiness and pain points, competitor view,
        market changes); None when none was scored. The probability alive is a
        behavioural measure of the base, not of the external environment.
    environment_items : int
        How many of those practices the workshop scored.
    """

    activity: pd.DataFrame
    alive: pd.DataFrame | None
    alive_note: str | None
    campaigns: pd.DataFrame | None
    environment_score: float | None
    alive_caveat: str = ""
    history_months: float | None = None
    environment_items: int = 0

    @property
    def alive_model(self) -> str:
        """The purchase model the probability alive comes from."""
        return alive_model(self.alive)

    def require_alive(self) -> pd.DataFrame:
        """The probability alive per buyer, or a MissingDataError saying why it is missing."""
        if self.alive is None:
            raise MissingDataError(self.alive_note or translate("it needs purchases"))
        return self.alive

    def require_campaigns(self) -> pd.DataFrame:
        """The response per campaign, or a MissingDataError when there are no campaigns."""
        if self.campaigns is None or self.campaigns.empty:
            raise MissingDataError(translate("it needs the campaigns table with responded"))
        return self.campaigns

    @property
    def likely_alive(self) -> float:
        """The share of buyers with a probability alive of 0.5 or more."""
        if self.alive is None:
            return float("nan")
        return float((self.alive["probability_alive"] >= 0.5).mean())


def readiness(
    company: Company, scored: Assessment | None = None, shared: SharedBase | None = None
) -> Readiness:
    """Recent purchase activity, the probability alive, campaign response, the workshop item.

    The probability alive is the shared base's (``shared``, by default the company's own
    memoised base), with the fit's status: no second fit here. ``alive.attrs["model"]``
    names the purchase model it comes from (BG/NBD, MBG/NBD or Pareto/NBD).
    """
    if shared is None:
        shared = shared_base(company)
    table = shared.table
    # from each customer's last purchase in the base, not from the lines again
    activity = activity_shares(
        table["last_purchase"],
        table["first_purchase"].min(),
        len(table),
        end=shared.settings.observation_end,
    )
    fit = shared.meta["fit"]
    reasons = "; ".join(fit["reasons"])
    alive_caveat = ""
    # the people who ever bought: the lifetime summary also holds customers whose only
    # lines are of 0 (a free item, a cancelled order), whom no report counts as buyers
    known = table.loc[table["first_purchase"].notna(), "probability_alive"].dropna()
    if fit["status"] == "unavailable" or known.empty:
        alive = None
        note = (
            translate("probability alive needs a lifetime-value fit: {reasons}").format(
                reasons=reasons
            )
            if reasons
            else translate("probability alive needs a lifetime-value fit")
        )
    else:
        alive, note = known.to_frame("probability_alive"), None
        alive.index.name = "customer_id"
        # the purchase model chosen for the company, so charts and sentences name it
        alive.attrs["model"] = str(fit.get("purchase_model") or "BG/NBD")
        alive_caveat = reasons if fit["status"] == "caveat" else ""
    campaigns = campaign_response(company.campaigns) if company.campaigns is not None else None
    score, items = environment_score(scored)
    start = pd.Timestamp(shared.meta["data_start"])
    history = (shared.settings.observation_end - start).days / 30.4375
    return Readiness(activity, alive, note, campaigns, score, alive_caveat, history, items)


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
        raise MissingDataError(
            translate("the proposition by segment needs value tiers, so margins")
        )
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
            translate(
                "the proposition by segment needs the needs survey or products with categories"
            )
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


def segment_needs(offer: Proposition | None) -> pd.DataFrame:
    """Mean need scores per value tier (need dimensions only), for the heatmap."""
    offer = available(offer, N_("value tiers and the needs survey or products"))
    if offer.needs is None:
        raise MissingDataError(
            translate("it needs the needs survey with need dimensions (scores 1-5)")
        )
    return offer.needs.drop(columns=["respondents", "nps"], errors="ignore")


def segment_spend(offer: Proposition | None) -> pd.DataFrame:
    """The share of last year's spend per category, per value tier, for the heatmap."""
    offer = available(offer, N_("value tiers and the needs survey or products"))
    if offer.spend is None:
        raise MissingDataError(translate("it needs products with categories"))
    return offer.spend

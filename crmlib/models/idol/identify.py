"""Customer IDOL, Identification: how complete the picture of each customer is.

The approach asks for a complete picture of every customer in six aspects (personal
data with name, address, city and phone; product ownership; profitability;
behaviour; needs; contact). :func:`crmlib.analytics.profile.customer_picture` scores
each aspect per customer; this module sets that against the value each customer
brings, so the report can say whether the customers who matter most are the ones the
company knows best.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.base import customer_base
from crmlib.analytics.profile import ASPECTS, aspect_summary, customer_picture, knowledge_levels
from crmlib.analytics.profitability import DEFAULT_TIERS
from crmlib.data.company import Company
from crmlib.text import join

#: Value tiers from the top down, as customer_segments names them.
TIERS = tuple(name for name, _ in DEFAULT_TIERS)

#: Aspect names as a reader says them.
ASPECT_LABELS = {
    "personal": "personal data",
    "product_ownership": "product ownership",
    "profitability": "profitability",
    "behaviour": "behaviour",
    "needs": "needs",
    "contact": "contact data",
}

#: What closes the gap in each aspect.
ASPECT_FIXES = {
    "personal": "ask for name, address, city and phone (and birth date) at the till, in the "
    "webshop account and on every sign-up form",
    "product_ownership": "tie every sale to a customer number (loyalty card, webshop "
    "account, invoice), so purchases are known per customer",
    "profitability": "record the cost price of every sale or the margin of every product, so "
    "profit per customer can be measured",
    "behaviour": "build purchase history: most customers have bought on too few days to show "
    "a rhythm; a second purchase is both a sale and knowledge",
    "needs": "widen the needs survey, or ask one or two need questions at every contact",
    "contact": "collect e-mail, phone and the marketing consent at every touchpoint, and log "
    "every contact",
}


def customer_values(company: Company) -> pd.DataFrame:
    """Every value measure per customer (see :func:`crmlib.analytics.segments.customer_segments`).

    Computed as of ``company.observation_end``, with contacts priced by channel when
    the company has interactions and channels. What could not be measured (e.g. the
    cost to serve) is listed in ``attrs["notes"]`` rather than warned about.

    Returns
    -------
    DataFrame
        Indexed by customer_id, with the columns of ``customer_segments``.
    """
    table = customer_base(company).segments_table(legacy=True)
    notes = table.attrs.get("notes", [])
    table = table.set_index("customer_id")
    table.attrs["notes"] = notes
    return table


@dataclass(frozen=True)
class Identification:
    """How well the company knows its customers.

    Attributes
    ----------
    picture : DataFrame
        Per customer: the six aspect scores and ``completeness`` (not for display).
    aspects : Series
        Mean completeness (0-1) per aspect, and ``completeness`` overall.
    by_tier : DataFrame
        Rows: value tiers (top first); columns: the six aspects and ``completeness``.
    knowledge : DataFrame
        Rows: value tiers; columns: poorly, partly and well known; values: customers.
    levels : Series
        Customers per knowledge level (poorly, partly, well known).
    top_unknown : DataFrame
        The ten most valuable customers (by profit of the last 12 months) who are not
        well known: ``customer_id``, ``value_tier``, ``current_value``,
        ``completeness`` and ``gaps`` (their aspects below half).
    top_customers : int
        Customers in the platinum and gold tiers.
    top_not_well_known : int
        How many of those are not well known.
    """

    picture: pd.DataFrame
    aspects: pd.Series
    by_tier: pd.DataFrame
    knowledge: pd.DataFrame
    levels: pd.Series
    top_unknown: pd.DataFrame
    top_customers: int
    top_not_well_known: int

    @property
    def well_known_share(self) -> float:
        """The share of customers who are well known."""
        return float(self.levels.get("well known", 0) / max(self.levels.sum(), 1))

    @property
    def weakest_aspect(self) -> str:
        """The aspect with the lowest mean completeness."""
        return str(self.aspects[list(ASPECTS)].idxmin())


def identify(company: Company, values: pd.DataFrame) -> Identification:
    """Score the six aspects per customer and set them against value tiers.

    Parameters
    ----------
    company : Company
    values : DataFrame
        From :func:`customer_values`.
    """
    picture = customer_picture(
        company.customers,
        company.transactions,
        products=company.products,
        interactions=company.interactions,
        needs=company.needs,
    )
    tier = values["value_tier"].astype(str).reindex(picture.index).rename("value_tier")
    aspects = aspect_summary(picture).loc["all"]
    by_tier = aspect_summary(picture, tier).reindex([t for t in TIERS if t in set(tier)])
    level = knowledge_levels(picture)
    knowledge = pd.crosstab(tier, level).reindex(index=by_tier.index, fill_value=0)
    knowledge = knowledge.reindex(columns=list(level.cat.categories), fill_value=0)
    levels = level.value_counts().reindex(list(level.cat.categories), fill_value=0)

    top = tier.isin(TIERS[:2]).to_numpy(dtype=bool)
    not_well = (level != "well known").to_numpy(dtype=bool)
    frame = picture.loc[top & not_well, [*ASPECTS, "completeness"]].copy()
    frame["value_tier"] = tier[top & not_well]
    frame["current_value"] = values["current_value"].reindex(frame.index)
    frame = frame.sort_values("current_value", ascending=False).head(10)
    frame["gaps"] = [
        join([ASPECT_LABELS[a] for a in ASPECTS if row[a] < 0.5]) or "no aspect below half"
        for _, row in frame.iterrows()
    ]
    top_unknown = frame.reset_index()[
        ["customer_id", "value_tier", "current_value", "completeness", "gaps"]
    ]
    return Identification(
        picture=picture,
        aspects=aspects,
        by_tier=by_tier,
        knowledge=knowledge,
        levels=levels,
        top_unknown=top_unknown,
        top_customers=int(top.sum()),
        top_not_well_known=int((top & not_well).sum()),
    )

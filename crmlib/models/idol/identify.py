"""Customer IDOL, Identification: how complete the picture of each customer is.

The approach asks for a complete picture of every customer in six aspects (personal
data with name, address, city and phone; product ownership; profitability;
behaviour; needs; contact). :func:`crmlib.analytics.profile.customer_picture` scores
each aspect per customer; this module sets that against the value each customer
brings, so the report can say whether the customers who matter most are the ones the
company knows best.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics.profile import (
    ASPECTS,
    aspect_summary,
    customer_picture,
    knowledge_levels,
    unmeasured_aspects,
    weakest_aspect,
)
from crmlib.analytics.profitability import DEFAULT_TIERS
from crmlib.data.company import Company
from crmlib.models.contract import resolve_base
from crmlib.text import N_, join, translate

#: Value tiers from the top down, as customer_segments names them.
TIERS = tuple(name for name, _ in DEFAULT_TIERS)

#: Aspect names as a reader says them.
ASPECT_LABELS = {
    "personal": N_("personal data"),
    "product_ownership": N_("product ownership"),
    "profitability": N_("profitability"),
    "behaviour": N_("behaviour"),
    "needs": N_("needs"),
    "contact": N_("contact data"),
}

#: The headings of the table of valuable customers who are not well known: words as a report shows them (its headers in words), marked for the
#: catalogue so the report can show them in its language; the code reads the columns.
TOP_UNKNOWN_WORDS = (N_("current value"), N_("gaps"))

#: What closes the gap in each aspect.
ASPECT_FIXES = {
    "personal": N_(
        "ask for name, address, city and phone (and birth date) at the till, in the "
        "webshop account and on every sign-up form"
    ),
    "product_ownership": N_(
        "tie every sale to a customer number (loyalty card, webshop "
        "account, invoice), so purchases are known per customer"
    ),
    "profitability": N_(
        "record the cost price of every sale or the margin of every product, so "
        "profit per customer can be measured"
    ),
    "behaviour": N_(
        "build purchase history: most customers have bought on too few days to show "
        "a rhythm; a second purchase is both a sale and knowledge"
    ),
    "needs": N_("widen the needs survey, or ask one or two need questions at every contact"),
    "contact": N_(
        "collect e-mail, phone and the marketing consent at every touchpoint, and log every contact"
    ),
}


def customer_values(company: Company, base: object | None = None) -> pd.DataFrame:
    """The customer base's per-customer table, indexed by customer_id.

    Every value measure comes from the one customer base
    (:func:`crmlib.analytics.base.customer_base`): current value, value tier, SSC flag
    and value category over the base's window. What the data cannot measure (cost,
    cost to serve, contacts) stays empty, never 0. ``attrs`` carries the base's
    ``value_metric``, ``window``, ``window_months`` and ``notes``.

    Parameters
    ----------
    company : Company
    base : CustomerBase, optional
        The base to read (the analysis passes its own); else the company's, memoised.

    Returns
    -------
    DataFrame
        Indexed by customer_id, with the columns of the base.
    """
    base = resolve_base(company, base)
    table = base.segments_table()
    attrs = dict(table.attrs)
    table = table.set_index("customer_id")
    table.attrs = attrs
    return table


def measured_aspects(company: Company) -> dict[str, str]:
    """The aspects the data holds nothing of, each with the data that would show it
    (:func:`crmlib.analytics.profile.unmeasured_aspects` of the company's tables)."""
    return unmeasured_aspects(
        company.customers,
        company.transactions,
        products=company.products,
        interactions=company.interactions,
        needs=company.needs,
    )


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
    unmeasured : dict
        Aspects the data holds nothing of, with the data that would show them; they are
        left out of ``aspects``, ``by_tier`` and the completeness.
    tautological : list of str
        Measured aspects that only repeat "has bought"
        (:func:`crmlib.analytics.profile.tautological_aspects`):
        shown in ``aspects`` but left out of the completeness and the knowledge levels.
    value_label : str
        What the value tiers rank on ("profit" or "revenue").
    window : str
        The base's window.
    """

    picture: pd.DataFrame
    aspects: pd.Series
    by_tier: pd.DataFrame
    knowledge: pd.DataFrame
    levels: pd.Series
    top_unknown: pd.DataFrame
    top_customers: int
    top_not_well_known: int
    unmeasured: dict[str, str] = field(default_factory=dict)
    tautological: list[str] = field(default_factory=list)
    value_label: str = "profit"
    window: str = ""

    @property
    def measured(self) -> list[str]:
        """The aspects the data can show, in the approach's order."""
        return [a for a in ASPECTS if a not in self.unmeasured]

    @property
    def counted(self) -> list[str]:
        """The aspects the completeness counts: measured and not near-tautological."""
        return [a for a in self.measured if a not in self.tautological]

    @property
    def well_known_share(self) -> float:
        """The share of customers who are well known."""
        return float(self.levels.get("well known", 0) / max(self.levels.sum(), 1))

    @property
    def weakest_aspect(self) -> str:
        """The aspect to complete first (:func:`crmlib.analytics.profile.weakest_aspect`)."""
        return weakest_aspect(self.aspects, self.unmeasured, self.tautological)


def identify(company: Company, values: pd.DataFrame) -> Identification:
    """Score the aspects the data can show per customer and set them against value tiers.

    Aspects the data holds nothing of (:func:`measured_aspects`) are left out of the
    scores and the completeness, and listed in ``unmeasured``: unknown is not zero.
    Aspects that only repeat "has bought"
    (:func:`crmlib.analytics.profile.tautological_aspects`) are shown but
    not counted in the completeness, so a purchase is not read as knowing the customer.

    Parameters
    ----------
    company : Company
    values : DataFrame
        From :func:`customer_values`.
    """
    customers = company.customers
    if customers is None:
        customers = pd.DataFrame({"customer_id": values.index.astype(str)})
    picture = customer_picture(
        customers,
        company.transactions,
        products=company.products,
        interactions=company.interactions,
        needs=company.needs,
    )
    # the picture counts its completeness over the aspects the data shows (one definition)
    unmeasured, tautological = picture.attrs["unmeasured"], picture.attrs["tautological"]
    counted = picture.attrs["counted"]
    measured = [a for a in ASPECTS if a not in unmeasured]
    tier = values["value_tier"].astype(str).reindex(picture.index).rename("value_tier")
    columns = [*measured, "completeness"]
    aspects = aspect_summary(picture).loc["all", columns]
    present = set(tier.dropna().unique())  # a few tiers, not a Python string per customer
    by_tier = aspect_summary(picture, tier).reindex([t for t in TIERS if t in present])
    by_tier = by_tier[columns]
    level = knowledge_levels(picture)
    knowledge = pd.crosstab(tier, level).reindex(index=by_tier.index, fill_value=0)
    knowledge = knowledge.reindex(columns=list(level.cat.categories), fill_value=0)
    levels = level.value_counts().reindex(list(level.cat.categories), fill_value=0)

    top = tier.isin(TIERS[:2]).to_numpy(dtype=bool)
    not_well = (level != "well known").to_numpy(dtype=bool)
    frame = picture.loc[top & not_well, columns].copy()
    frame["value_tier"] = tier[top & not_well]
    frame["current_value"] = values["current_value"].reindex(frame.index)
    frame = frame.sort_values("current_value", ascending=False).head(10)
    frame["gaps"] = [
        join([translate(ASPECT_LABELS[a]) for a in counted if row[a] < 0.5])
        or translate("no aspect below half")
        for _, row in frame.iterrows()
    ]
    top_unknown = frame.reset_index()[
        ["customer_id", "value_tier", "current_value", "completeness", "gaps"]
    ]
    metric = values.attrs.get("value_metric", "margin")
    return Identification(
        picture=picture,
        aspects=aspects,
        by_tier=by_tier,
        knowledge=knowledge,
        levels=levels,
        top_unknown=top_unknown,
        top_customers=int(top.sum()),
        top_not_well_known=int((top & not_well).sum()),
        unmeasured=unmeasured,
        tautological=tautological,
        value_label="revenue" if metric == "revenue" else "profit",
        window=str(values.attrs.get("window", "")),
    )

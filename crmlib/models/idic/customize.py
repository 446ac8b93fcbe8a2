"""IDIC's Customize phase: what each segment and each top customer should be offered next,
and what the plan is expected to bring.

Peppers & Rogers' Customize builds the offer to measure from what the interactions
documented. Here the documentation is the purchase history: what customers with the
same products went on to buy (item-to-item affinity, see
:mod:`crmlib.analytics.affinity`, after Linden, Smith & York 2003) and what is bought
together in one visit (market-basket lift). The expected value of the plan
(:func:`plan_value`) combines the reachable customers with the response and the basket
of past campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.affinity import (
    NextPurchase,
    co_purchase,
    lift_matrix,
    next_best_products,
    next_purchase_rates,
    segment_next_best,
    with_product_details,
)
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.models.idic.differentiate import CATEGORIES, Differentiation
from crmlib.models.idic.interact import Interaction
from crmlib.text import N_, translate
from crmlib.text_columns import isin


@dataclass(frozen=True)
class Customization:
    """What to offer whom.

    Attributes
    ----------
    affinity : NextPurchase
        The bought-next rates between products.
    top_recommendations : DataFrame
        :func:`crmlib.analytics.affinity.next_best_products` for the top customers (the
        list for every customer is summed up per segment, then let go: at a million
        customers it is three million rows of text).
    by_segment : DataFrame
        :func:`crmlib.analytics.affinity.segment_next_best` per value category.
    top_customers : DataFrame
        The top customers by current value, indexed by customer id: ``value_category``,
        ``value``, ``expected_value``, ``reachable`` and ``next 1`` .. ``next n``
        (product names, or ids without names).
    pairs : DataFrame or None
        Category pairs bought together in one visit
        (:func:`crmlib.analytics.affinity.co_purchase`); None without categories.
    """

    affinity: NextPurchase
    top_recommendations: pd.DataFrame
    by_segment: pd.DataFrame
    top_customers: pd.DataFrame
    pairs: pd.DataFrame | None


def customize(
    company: Company, result: Differentiation, *, top_n: int = 3, top_customers: int = 10
) -> Customization:
    """Customize: next best products per customer, per value category and for the top.

    Parameters
    ----------
    company : Company
    result : Differentiation
        The value table (its categories are the segments; its value ranks the top).
    top_n : int, default 3
        Products per customer and per segment.
    top_customers : int, default 10
        How many top customers to list (a report shows at most ten).

    Raises
    ------
    MissingDataError
        Without ``product_id`` in transactions.
    """
    transactions = company.transactions
    products = company.products
    end = company.observation_end
    affinity = next_purchase_rates(transactions, products, end=end)
    ids = result.table["customer_id"].astype(str)
    # every customer's list is summed up per segment; the products' names are added to
    # the sums and to the top customers' lists, not to every customer's
    recommendations = next_best_products(
        transactions,
        products,
        customers=ids,
        top_n=top_n,
        end=end,
        affinity=affinity,
        details=False,
    )
    by_segment = segment_next_best(recommendations, result.segments, top_n=top_n)
    by_segment = with_product_details(by_segment, products)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    by_segment = by_segment.sort_values(
        ["segment", "rank"], key=lambda s: s.map(order) if s.name == "segment" else s
    ).reset_index(drop=True)
    top = result.table.nlargest(top_customers, "value", keep="first").set_index("customer_id")
    ranks = np.sort(recommendations["rank"].unique())
    chosen = recommendations[isin(recommendations["customer_id"], top.index.astype(str))]
    del recommendations
    chosen = with_product_details(chosen, products)
    label = "name" if "name" in chosen.columns else "product_id"
    wide = chosen.pivot(index="customer_id", columns="rank", values=label).reindex(columns=ranks)
    wide.columns = [f"next {r}" for r in wide.columns]
    table = top[["value_category", "value", "expected_value"]].copy()
    # the base's consent: NA where it is not recorded (unknown, not a refusal)
    table["reachable"] = top["consent_marketing"].astype("boolean").to_numpy()
    table = table.join(wide)
    pairs = None
    if products is not None and "category" in products.columns:
        pairs = co_purchase(transactions, products, level="category", within="basket", end=end)
    return Customization(
        affinity=affinity,
        top_recommendations=chosen.reset_index(drop=True),
        by_segment=by_segment,
        top_customers=table,
        pairs=pairs,
    )


def require_customization(custom: Customization | None, what: str) -> Customization:
    """``custom``, or MissingDataError when the Customize step could not run."""
    if custom is None:
        # the reason is read in the report (a skipped step says it): in the report's language
        raise MissingDataError(
            translate(
                "{what} needs to know which products were bought (product_id in transactions)"
            ).format(what=translate(what))
        )
    return custom


def lift_table(custom: Customization | None) -> pd.DataFrame:
    """The category x category lift of products bought in one visit.

    Raises
    ------
    MissingDataError
        Without products or without their categories.
    """
    custom = require_customization(custom, N_("Bought together"))
    if custom.pairs is None:
        raise MissingDataError(
            translate("Bought together needs the products table with a category column")
        )
    return lift_matrix(custom.pairs)


def plan_value(interaction: Interaction) -> pd.DataFrame:
    """The expected yearly value of the plan per segment, and how it is estimated.

    For each segment: reachable customers x planned contacts a year x (take-up x
    basket margin - cost per contact), where take-up is the smoothed past response to
    the segment's chosen offer, the basket margin is the average revenue of a campaign
    response in the segment (or, without campaign revenue, of a purchase day) times the
    segment's margin rate over the last year, and the cost per contact is the chosen
    channel's (0 when unknown).

    Returns
    -------
    DataFrame
        Indexed by segment: ``reachable``, ``frequency``, ``take_up``,
        ``basket_revenue``, ``basket_basis`` ("campaign responses" or "purchases"),
        ``margin_rate``, ``basket_margin``, ``cost_per_contact``,
        ``value_per_contact`` and ``expected_value`` (per year; NaN without take-up).
    """
    plan, service = interaction.plan, interaction.service
    revenue = service["revenue_per_customer_year"]
    margin = service["margin_per_customer_year"]
    total_rate = margin.mul(service["customers"]).sum() / max(
        revenue.mul(service["customers"]).sum(), 1e-9
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (margin / revenue).where(revenue > 0, total_rate)
    if not np.isfinite(total_rate):
        rate = rate.fillna(1.0)
    from_campaigns = service["revenue_per_response"].notna()
    basket = service["revenue_per_response"].where(from_campaigns, service["basket_revenue"])
    out = pd.DataFrame(
        {
            "reachable": plan["reachable"],
            "frequency": plan["frequency"],
            "take_up": plan["take_up"],
            "basket_revenue": basket.reindex(plan.index),
            "basket_basis": np.where(
                from_campaigns.reindex(plan.index).fillna(False),
                N_("campaign responses"),
                N_("purchases"),
            ),
            "margin_rate": rate.reindex(plan.index),
        }
    )
    out["basket_margin"] = out["basket_revenue"] * out["margin_rate"]
    out["cost_per_contact"] = plan["cost_per_contact"].fillna(0.0)
    out["value_per_contact"] = out["take_up"] * out["basket_margin"] - out["cost_per_contact"]
    out["expected_value"] = out["reachable"] * out["frequency"] * out["value_per_contact"]
    out.index.name = "segment"
    return out


def plan_total(value: pd.DataFrame) -> float | None:
    """The plan's expected margin a year over the segments where a contact pays.

    Segments where a contact is expected to cost more than it brings are left out: for
    them the plan is to serve for less, not to send the offer. None without any estimate.
    """
    known = value.dropna(subset=["expected_value"])
    if known.empty:
        return None
    return float(known.loc[known["value_per_contact"] >= 0, "expected_value"].sum())

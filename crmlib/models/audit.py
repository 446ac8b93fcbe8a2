"""The data audit of the start notebook: what the data holds, and a first look at value.

Each function returns the figures a notebook shows and a sentence computed from them,
so that a report's conclusions are never written in advance.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.pareto import customer_share_for_value, pareto_curve, value_share_of_top
from crmlib.data.company import Company
from crmlib.data.quality import (
    column_completeness,
    customer_revenue,
    monthly_activity,
    table_overview,
)
from crmlib.formatting import count, day, money, percent
from crmlib.text import escape


@dataclass(frozen=True)
class ValueConcentration:
    """How concentrated customer value is.

    Attributes
    ----------
    curve : DataFrame
        The Pareto curve (see :func:`crmlib.analytics.pareto.pareto_curve`).
    value_share : float
        The share of value asked about (e.g. 0.8).
    customer_share : float
        The share of customers that brings ``value_share`` of the value.
    top20_share : float
        The share of value brought by the top 20 % of customers.
    buyers : int
        Customers with any revenue in the period.
    customers : int
        All customers.
    """

    curve: pd.DataFrame
    value_share: float
    customer_share: float
    top20_share: float
    buyers: int
    customers: int


def value_concentration(company: Company, value_share: float = 0.8) -> ValueConcentration:
    """The Pareto view of revenue per customer, over every customer (buyers or not)."""
    revenue = customer_revenue(company)
    curve = pareto_curve(revenue)
    return ValueConcentration(
        curve=curve,
        value_share=value_share,
        customer_share=customer_share_for_value(revenue, value_share),
        top20_share=value_share_of_top(revenue, 0.2),
        buyers=int((revenue > 0).sum()),
        customers=len(revenue),
    )


def describe_tables(company: Company) -> str:
    """One paragraph on what the data folder holds and the period it covers."""
    overview = table_overview(company)
    tx = overview.loc["transactions"]
    missing = [
        t
        for t in ("products", "interactions", "channels", "needs", "campaigns")
        if t not in overview.index
    ]
    text = (
        f"**{escape(company.name)}** has {count(overview.loc['customers', 'rows'])} customers and "
        f"{count(tx['rows'])} transaction lines from {day(tx['first_date'])} to "
        f"{day(tx['last_date'])}; the analysis runs to {day(company.observation_end)}."
    )
    if missing:
        text += (
            " The folder has no "
            + ", ".join(missing)
            + " table"
            + ("s" if len(missing) > 1 else "")
            + ", so the steps that need them will say what they would need and move on."
        )
    else:
        text += " Every table of the data model is present."
    return text


def describe_completeness(company: Company, threshold: float = 0.9) -> str:
    """One paragraph naming the columns filled below ``threshold``."""
    columns = column_completeness(company)
    weak = columns[columns["completeness"] < threshold].sort_values("completeness")
    if weak.empty:
        return f"Every column is at least {percent(threshold)} filled: the customer picture is complete."
    names = ", ".join(
        f"{escape(r.table)}.{escape(r.column)} ({percent(r.completeness)})"
        for r in weak.head(6).itertuples()
    )
    more = f" and {len(weak) - 6} more" if len(weak) > 6 else ""
    subject = "1 column is" if len(weak) == 1 else f"{len(weak)} columns are"
    return (
        f"{subject} filled below {percent(threshold)}: {names}{more}. "
        "Gaps in contact data limit who can be reached; gaps in dates or amounts limit the "
        "value analysis."
    )


def describe_activity(company: Company) -> str:
    """One paragraph on the revenue trend: the last twelve months against the twelve before."""
    activity = monthly_activity(company)
    end = company.observation_end.to_period("M").to_timestamp()
    last = activity.loc[(activity.index > end - pd.DateOffset(months=12)) & (activity.index <= end)]
    before = activity.loc[
        (activity.index > end - pd.DateOffset(months=24))
        & (activity.index <= end - pd.DateOffset(months=12))
    ]
    busiest = activity["revenue"].idxmax()
    text = (
        f"Over {len(activity)} months, revenue peaked in {busiest:%B %Y} "
        f"({money(activity['revenue'].max(), company.currency)})."
    )
    if len(before) >= 12 and before["revenue"].sum() > 0:
        change = last["revenue"].sum() / before["revenue"].sum() - 1
        direction = "up" if change >= 0 else "down"
        text += (
            f" The last twelve months brought {money(last['revenue'].sum(), company.currency)}, "
            f"{direction} {percent(abs(change))} on the twelve months before; "
            f"on average {count(last['active_customers'].mean())} customers bought each month."
        )
    return text


def describe_concentration(concentration: ValueConcentration) -> str:
    """One paragraph on the 20/80 rule as it holds for this company."""
    c = concentration
    text = (
        f"{percent(c.customer_share)} of the customers bring {percent(c.value_share)} of the revenue, "
        f"and the top 20% bring {percent(c.top20_share)}. "
        f"{count(c.customers - c.buyers)} of {count(c.customers)} customers bought nothing in the period."
    )
    if c.customer_share <= 0.3:
        text += (
            " Value is concentrated, as the 20/80 rule expects: a small group of strategically "
            "significant customers deserves its own treatment."
        )
    else:
        text += (
            " Value is spread more evenly than the 20/80 rule expects: differentiation will "
            "rest more on needs and growth potential than on current value alone."
        )
    return text


def weakest_table(company: Company) -> str:
    """The table with the lowest share of filled cells."""
    return str(table_overview(company)["completeness"].idxmin())

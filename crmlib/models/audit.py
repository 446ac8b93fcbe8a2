"""The data audit of the start notebook: what the data holds, and a first look at value.

Each function returns the figures a notebook shows and a sentence computed from them,
so that a report's conclusions are never written in advance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.pareto import customer_share_for_value, pareto_curve, value_share_of_top
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.data.quality import (
    column_completeness,
    customer_revenue,
    monthly_activity,
    table_overview,
)
from crmlib.figures import Figure
from crmlib.formatting import count, day, money, percent
from crmlib.text import escape


@dataclass(frozen=True)
class ValueConcentration:
    """How concentrated revenue is over the whole history (not the base's window).

    This is the audit's own view, with its own definitions
    (``revenue_concentration_history``, ``revenue_top20_history``): all revenue up to the
    observation end, before any cost. The base's ``concentration_80`` and
    ``top20_share`` rank customers by current value over the analysis window instead.

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
    window : str
        The period, ``first day..observation end`` (empty when there is no purchase).
    """

    curve: pd.DataFrame
    value_share: float
    customer_share: float
    top20_share: float
    buyers: int
    customers: int
    window: str = ""

    def __repr__(self) -> str:
        # a notebook that displays the object by accident shows a sentence, not a repr
        return (
            f"{self.customer_share:.0%} of the customers bring {self.value_share:.0%} of "
            f"the revenue ({self.window})"
        )

    def figures(self) -> list[Figure]:
        """The two figures this view states, under their own definitions."""
        share = round(self.value_share * 100)
        concentration = definition("revenue_concentration_history")
        top = definition("revenue_top20_history")
        return [
            Figure(
                f"revenue_concentration_history.{share}",
                f"{concentration.label}: {share}% of revenue",
                self.customer_share,
                "share",
                self.window,
            ),
            Figure("revenue_top20_history", top.label, self.top20_share, "share", self.window),
        ]


def value_concentration(company: Company, value_share: float = 0.8) -> ValueConcentration:
    """The Pareto view of revenue per customer, over every customer (buyers or not)."""
    revenue = customer_revenue(company)
    curve = pareto_curve(revenue)
    dates = company.transactions["date"]
    dates = dates[dates <= company.observation_end]
    window = f"{dates.min():%Y-%m-%d}..{company.observation_end:%Y-%m-%d}" if len(dates) else ""
    return ValueConcentration(
        window=window,
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
        text = f"Every column the folder holds is at least {percent(threshold)} filled."
        if getattr(company, "customers_derived", False):
            # filled columns say nothing of the customer picture when the customers are ids
            text += (
                " The customers are only the ids in the transactions, so nothing is known of "
                "them beyond their purchases."
            )
        return text
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


def describe_concentration(
    concentration: ValueConcentration, cite: Callable[[Figure], str] | None = None
) -> str:
    """One paragraph on the 20/80 rule as it holds for this company, over its whole history.

    Parameters
    ----------
    concentration : ValueConcentration
    cite : callable, optional
        Writes a :class:`Figure` into the text; a notebook passes
        :func:`crmlib.notebook.figures.cite` so the report can check the figure. By
        default the value is formatted as a plain percentage.
    """
    c = concentration
    shares, top = c.figures()
    show = cite or (lambda figure: percent(figure.value))
    text = (
        f"Over the whole history ({c.window}), {show(shares)} of the customers bring "
        f"{percent(c.value_share)} of the revenue, and the top 20% bring {show(top)}. "
        f"{count(c.customers - c.buyers)} of {count(c.customers)} customers bought nothing in "
        "that period."
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


def overview_view(overview: pd.DataFrame) -> pd.DataFrame:
    """The table overview as a report shows it: dates as days, completeness in percent.

    A table without a date column has no period: it reads "no dates", never a blank
    or a missing-value marker.

    Parameters
    ----------
    overview : DataFrame
        From :func:`crmlib.data.quality.table_overview`.

    Returns
    -------
    DataFrame
        Columns file, rows, columns, first date, last date and filled, indexed by table.
    """

    def when(value) -> str:
        return day(value) if pd.notna(value) else "no dates"

    return pd.DataFrame(
        {
            "file": overview["file"],
            "rows": overview["rows"].map(count),
            "columns": overview["columns"],
            "first date": overview["first_date"].map(when),
            "last date": overview["last_date"].map(when),
            "filled": overview["completeness"].map(percent),
        },
        index=overview.index.rename("table"),
    )


def weakest_table(company: Company) -> str:
    """The table with the lowest share of filled cells."""
    return str(table_overview(company)["completeness"].idxmin())

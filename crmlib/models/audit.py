"""The data audit of the start notebook: what the data holds, and a first look at value.

Each function returns the figures a notebook shows and a sentence computed from them,
so that a report's conclusions are never written in advance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.pareto import (
    customer_share_for_value,
    follows_20_80,
    pareto_curve,
    value_share_of_top,
)
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
from crmlib.i18n import current_locale
from crmlib.text import N_, Safe, escape, listing, sentence, translate


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
        return sentence(
            "{customers} of the customers bring {value} of the revenue ({window})",
            customers=percent(self.customer_share),
            value=percent(self.value_share),
            window=self.window,
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
    text = sentence(
        "**{company}** has {customers} customers and {lines} transaction lines from {first} "
        "to {last}; the analysis runs to {end}.",
        company=company.name,
        customers=count(overview.loc["customers", "rows"]),
        lines=count(tx["rows"]),
        first=day(tx["first_date"]),
        last=day(tx["last_date"]),
        end=day(company.observation_end),
    )
    if len(missing) == 1:
        text += " " + sentence(
            "The folder has no {tables} table, so the steps that need it will say what they "
            "would need and move on.",
            tables=missing[0],
        )
    elif missing:
        text += " " + sentence(
            "The folder has no {tables} tables, so the steps that need them will say what "
            "they would need and move on.",
            tables=", ".join(missing),
        )
    else:
        text += " " + translate("Every table of the data model is present.")
    assumed = set(getattr(company, "assumed", ()))
    said = []
    if "name" in assumed:
        said.append(
            sentence("the name **{company}** is its folder's or database's", company=company.name)
        )
    if "observation_end" in assumed:
        said.append(
            sentence("the analysis ends on the last sale, {end}", end=day(company.observation_end))
        )
    if "currency" in assumed:
        said.append(sentence("the amounts carry no currency"))
    if said:
        text += " " + sentence(
            "The company's settings do not say otherwise, so the workbook assumes: "
            "{assumptions}. The company's name, observation end and currency can be set "
            "where they are wrong.",
            assumptions=listing(said, "; "),
        )
    return text


def describe_completeness(company: Company, threshold: float = 0.9) -> str:
    """One paragraph naming the columns filled below ``threshold``."""
    columns = column_completeness(company)
    weak = columns[columns["completeness"] < threshold].sort_values("completeness")
    if weak.empty:
        text = sentence(
            "Every column the folder holds is at least {threshold} filled.",
            threshold=percent(threshold),
        )
        if getattr(company, "customers_derived", False):
            # filled columns say nothing of the customer picture when the customers are ids
            text += " " + translate(
                "The customers are only the ids in the transactions, so nothing is known of "
                "them beyond their purchases."
            )
        return text
    names = Safe(
        ", ".join(
            f"{escape(r.table)}.{escape(r.column)} ({percent(r.completeness)})"
            for r in weak.head(6).itertuples()
        )
    )
    if len(weak) > 6:
        names = sentence("{names} and {n} more", names=names, n=count(len(weak) - 6))
    if len(weak) == 1:
        first = sentence(
            "1 column is filled below {threshold}: {names}.",
            threshold=percent(threshold),
            names=names,
        )
    else:
        first = sentence(
            "{n} columns are filled below {threshold}: {names}.",
            n=count(len(weak)),
            threshold=percent(threshold),
            names=names,
        )
    return (
        first
        + " "
        + translate(
            "Gaps in contact data limit who can be reached; gaps in dates or amounts limit the "
            "value analysis."
        )
    )


def _month(value: pd.Timestamp) -> str:
    """A month as words in the locale in force ("March 2025", "maart 2025")."""
    locale = current_locale()
    if locale:
        from babel.dates import format_date

        return format_date(value.date(), "MMMM y", locale=locale)
    return f"{value:%B %Y}"


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
    text = sentence(
        "Over {months} months, revenue peaked in {month} ({revenue}).",
        months=count(len(activity)),
        month=_month(busiest),
        revenue=money(activity["revenue"].max(), company.currency),
    )
    if len(before) >= 12 and before["revenue"].sum() > 0:
        change = last["revenue"].sum() / before["revenue"].sum() - 1
        template = (
            N_(
                "The last twelve months brought {revenue}, up {change} on the twelve months "
                "before; on average {customers} customers bought each month."
            )
            if change >= 0
            else N_(
                "The last twelve months brought {revenue}, down {change} on the twelve "
                "months before; on average {customers} customers bought each month."
            )
        )
        text += " " + sentence(
            template,
            revenue=money(last["revenue"].sum(), company.currency),
            change=percent(abs(change)),
            customers=count(last["active_customers"].mean()),
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
    text = sentence(
        "Over the whole history ({window}), {shares} of the customers bring {value} of the "
        "revenue, and the top 20% bring {top}. {idle} of {customers} customers bought nothing "
        "in that period.",
        window=c.window,
        shares=Safe(show(shares)),
        value=percent(c.value_share),
        top=Safe(show(top)),
        idle=count(c.customers - c.buyers),
        customers=count(c.customers),
    )
    if follows_20_80(c.top20_share):
        text += " " + translate(
            "Value is concentrated, as the 20/80 rule expects: a small group of strategically "
            "significant customers deserves its own treatment."
        )
    else:
        text += " " + translate(
            "Value is spread more evenly than the 20/80 rule expects: differentiation will "
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
        Columns file, rows, columns, first date, last date and filled, indexed by table
        (the headers in the reader's language; the table names are the file names).
    """

    def when(value) -> str:
        return day(value) if pd.notna(value) else translate("no dates")

    return pd.DataFrame(
        {
            translate("file"): overview["file"],
            translate("rows"): overview["rows"].map(count),
            translate("columns"): overview["columns"],
            translate("first date"): overview["first_date"].map(when),
            translate("last date"): overview["last_date"].map(when),
            translate("filled"): overview["completeness"].map(percent),
        },
        index=overview.index.rename(translate("table")),
    )


def weakest_table(company: Company) -> str:
    """The table with the lowest share of filled cells."""
    return str(table_overview(company)["completeness"].idxmin())

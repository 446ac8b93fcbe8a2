"""The value chain's tables as a report shows them: text, with at most ten customers.

The tables a stage returns keep English column names and categories (the code reads
them); here, where they become text for the reader, every heading and category is
translated and every number is written in the report's locale.
"""

from __future__ import annotations

import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.formatting import count, decimal, percent
from crmlib.models.value_chain.portfolio import Portfolio, top_customers
from crmlib.models.value_chain.relationships import Relationships
from crmlib.models.value_chain.stages import Proposition
from crmlib.models.value_chain.words import shown
from crmlib.text import N_, label, number, translate

#: The headings the tables show as they are (a column's name in words), marked for the
#: catalogue; the others are renamed below.
HEADINGS = (
    N_("customer id"),
    N_("customers"),
    N_("status"),
    N_("type"),
    N_("segment"),
    N_("respondents"),
    N_("fit"),
    N_("process cost rate"),
    N_("value share"),
    N_("cohort"),
    N_("acquisition channel"),
    N_("supplier"),
)

#: Whether a value-chain type could be counted (``status`` of the type counts).
STATUSES = (N_("measured"), N_("not measurable"))


def _named(template: str, currency: str) -> str:
    """A column name (already translated) with its currency (escaped where it is shown)."""
    return template.format(currency=currency)


def readable_table(
    frame: pd.DataFrame,
    *,
    shares: tuple[str, ...] = (),
    amounts: tuple[str, ...] = (),
    counts: tuple[str, ...] = (),
    rename: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` as text for a report: shares as percentages, amounts and
    counts with thousands separators, missing values blank, column names in words, in
    the report's language (``rename`` gives English names, translated here too)."""
    out = frame.copy()
    for column in shares:
        out[column] = [percent(v) if pd.notna(v) else "" for v in frame[column]]
    for column in amounts:
        out[column] = [decimal(v, 0) if pd.notna(v) else "" for v in frame[column]]
    for column in counts:
        out[column] = [count(v) if pd.notna(v) else "" for v in frame[column]]
    names = {c: label(c) for c in out.columns}
    names.update(rename or {})
    out = out.rename(columns={c: shown(name) for c, name in names.items()})
    out.index.name = shown(label(out.index.name)) if out.index.name else None
    return out


def top_customers_table(portfolio: Portfolio, n: int = 10) -> pd.DataFrame:
    """The ``n`` (at most ten) SSCs with the highest current value, as text.

    The cost to serve is left out when the data cannot measure it (no column of blanks
    or zeros); ``value-chain types`` names each customer's Buttle types.
    """
    top = top_customers(portfolio, n)
    names = (
        ("high_future_value", N_("high future value")),
        ("high_volume", N_("high volume")),
        ("absorbs_fixed_costs", N_("absorbs fixed costs")),
        ("cost_magnet", N_("cost magnet")),
    )
    types = [
        ", ".join(
            shown(name) for column, name in names if column in top.columns and bool(row[column])
        )
        for _, row in top.iterrows()
    ]
    currency = portfolio.currency

    def named(words: str) -> str:
        words = translate(words)
        return f"{words} ({currency})" if currency else words

    current = {
        "revenue": N_("current revenue"),
        "margin": N_("current margin"),
        "margin after cost to serve": N_("current margin after cost to serve"),
    }[portfolio.value_word]
    expected = N_("expected revenue") if not portfolio.margin_measured else N_("expected margin")
    columns = {
        named(current): top["current_value"],
        named(expected): top["clv"],
    }
    if portfolio.cost_measured:
        columns[named(N_("cost to serve"))] = top["recent_cost_to_serve"]
    amounts = tuple(columns)
    columns[translate("IDIC category")] = top["value_category"]
    columns[translate("value-chain types")] = types
    table = pd.DataFrame(columns, index=top.index)
    return readable_table(table, amounts=amounts)


def type_counts_table(portfolio: Portfolio) -> pd.DataFrame:
    """Customers and share of current value of the SSCs and of each value-chain type, as text."""
    counts = portfolio.type_counts()
    table = readable_table(
        counts,
        shares=("value_share",),
        counts=("customers",),
        rename={"value_share": N_("share of current value")},
    )
    table[translate("status")] = [shown(s) for s in counts["status"]]
    return table


def needs_table(proposition: Proposition) -> pd.DataFrame:
    """Mean need scores (1-5): needs as rows, segments (and the average) as columns."""
    means = proposition.fit.needs.T
    table = means.apply(lambda column: [decimal(v, 1) if pd.notna(v) else "" for v in column])
    table.index = [label(n) for n in means.index]
    table.index.name = translate("need")
    table.columns.name = None
    # the last column, "all", is the average respondent (crmlib.analytics.proposition)
    table = table.rename(columns={"all": translate("all")})
    return table


def profile_table(proposition: Proposition, currency: str) -> pd.DataFrame:
    """Per needs segment: respondents, SSC share, value, cost to serve, NPS and fit, as text."""
    profile = proposition.profile
    table = readable_table(
        profile,
        shares=("ssc_share", "fit", "process_cost_rate", "value_share"),
        amounts=("revenue_per_customer", "cost_to_serve_per_customer"),
        counts=("respondents",),
        rename={
            "ssc_share": N_("SSCs"),
            "revenue_per_customer": _named(
                translate("revenue per customer ({currency})"), currency
            ),
            "cost_to_serve_per_customer": _named(
                translate("cost to serve per customer ({currency})"), currency
            ),
            "nps": N_("NPS"),
        },
    )
    nps = translate("NPS")
    if nps in table.columns:
        table[nps] = [number(v, 0, sign=True) if pd.notna(v) else "" for v in profile["nps"]]
    return table


def cohort_table(relationships: Relationships) -> pd.DataFrame:
    """The cohort retention table as text: years since the first purchase as columns."""
    cohorts = relationships.cohorts
    years = [c for c in cohorts.columns if c != "cohort_size"]
    return readable_table(
        cohorts,
        shares=tuple(years),
        counts=("cohort_size",),
        rename={"cohort_size": N_("customers")}
        | {y: translate("year {n}").format(n=y) for y in years},
    )


def sources_table(relationships: Relationships) -> pd.DataFrame:
    """Per acquisition channel: customers and the share of them who are SSCs now, as text."""
    if relationships.ssc_by_source is None:
        raise MissingDataError(
            translate("the SSCs per acquisition channel need acquisition_channel in customers")
        )
    return readable_table(
        relationships.ssc_by_source,
        shares=("ssc_share",),
        counts=("customers",),
        rename={"ssc_share": N_("SSCs now")},
    )


def suppliers_table(suppliers: pd.DataFrame, currency: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` suppliers whose products carry most SSC revenue, as text."""
    top = suppliers.sort_values("share_of_ssc_revenue", ascending=False, kind="mergesort").head(n)
    return readable_table(
        top[["revenue", "margin", "revenue_share", "share_of_ssc_revenue", "ssc_dependence"]],
        shares=("revenue_share", "share_of_ssc_revenue", "ssc_dependence"),
        amounts=("revenue", "margin"),
        rename={
            "revenue": _named(translate("revenue ({currency})"), currency),
            "margin": _named(translate("margin ({currency})"), currency),
            "revenue_share": N_("share of revenue"),
            "share_of_ssc_revenue": N_("share of SSC revenue"),
            "ssc_dependence": N_("bought by SSCs"),
        },
    )

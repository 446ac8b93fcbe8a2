"""The value chain's tables as a report shows them: text, with at most ten customers."""

from __future__ import annotations

import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.formatting import count, percent
from crmlib.models.value_chain.portfolio import Portfolio, top_customers
from crmlib.models.value_chain.relationships import Relationships
from crmlib.models.value_chain.stages import Proposition
from crmlib.text import label, translate


def _named(template: str, currency: str) -> str:
    """A column name with its currency (a table heading: escaped where it is shown)."""
    return translate(template).format(currency=currency)


def readable_table(
    frame: pd.DataFrame,
    *,
    shares: tuple[str, ...] = (),
    amounts: tuple[str, ...] = (),
    counts: tuple[str, ...] = (),
    rename: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` as text for a report: shares as percentages, amounts and
    counts with thousands separators, missing values blank, column names in words."""
    out = frame.copy()
    for column in shares:
        out[column] = [percent(v) if pd.notna(v) else "" for v in frame[column]]
    for column in amounts:
        out[column] = [f"{v:,.0f}" if pd.notna(v) else "" for v in frame[column]]
    for column in counts:
        out[column] = [count(v) if pd.notna(v) else "" for v in frame[column]]
    names = {c: str(c).replace("_", " ") for c in out.columns}
    names.update(rename or {})
    out = out.rename(columns=names)
    out.index.name = str(out.index.name).replace("_", " ") if out.index.name else None
    return out


def top_customers_table(portfolio: Portfolio, n: int = 10) -> pd.DataFrame:
    """The ``n`` (at most ten) SSCs with the highest current value, as text.

    The cost to serve is left out when the data cannot measure it (no column of blanks
    or zeros); ``value-chain types`` names each customer's Buttle types.
    """
    top = top_customers(portfolio, n)
    names = (
        ("high_future_value", "high future value"),
        ("high_volume", "high volume"),
        ("absorbs_fixed_costs", "absorbs fixed costs"),
        ("cost_magnet", "cost magnet"),
    )
    types = [
        ", ".join(name for column, name in names if column in top.columns and bool(row[column]))
        for _, row in top.iterrows()
    ]
    currency = portfolio.currency

    def named(words: str) -> str:
        return f"{words} ({currency})" if currency else words

    expected = "expected revenue" if not portfolio.margin_measured else "expected margin"
    columns = {
        named(f"current {portfolio.value_word}"): top["current_value"],
        named(expected): top["clv"],
    }
    if portfolio.cost_measured:
        columns[named("cost to serve")] = top["recent_cost_to_serve"]
    amounts = tuple(columns)
    columns["IDIC category"] = top["value_category"]
    columns["value-chain types"] = types
    table = pd.DataFrame(columns, index=top.index)
    return readable_table(table, amounts=amounts)


def type_counts_table(portfolio: Portfolio) -> pd.DataFrame:
    """Customers and share of current value of the SSCs and of each value-chain type, as text."""
    return readable_table(
        portfolio.type_counts(),
        shares=("value_share",),
        counts=("customers",),
        rename={"value_share": "share of current value"},
    )


def needs_table(proposition: Proposition) -> pd.DataFrame:
    """Mean need scores (1-5): needs as rows, segments (and the average) as columns."""
    table = proposition.fit.needs.T.round(1)
    table.index = [label(n) for n in table.index]
    table.index.name = "need"
    table.columns.name = None
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
            "ssc_share": "SSCs",
            "revenue_per_customer": _named("revenue per customer ({currency})", currency),
            "cost_to_serve_per_customer": _named(
                "cost to serve per customer ({currency})", currency
            ),
            "nps": "NPS",
        },
    )
    if "NPS" in table.columns:
        table["NPS"] = [f"{v:+.0f}" if pd.notna(v) else "" for v in profile["nps"]]
    return table


def cohort_table(relationships: Relationships) -> pd.DataFrame:
    """The cohort retention table as text: years since the first purchase as columns."""
    cohorts = relationships.cohorts
    years = [c for c in cohorts.columns if c != "cohort_size"]
    return readable_table(
        cohorts,
        shares=tuple(years),
        counts=("cohort_size",),
        rename={"cohort_size": "customers"} | {y: translate("year {n}").format(n=y) for y in years},
    )


def sources_table(relationships: Relationships) -> pd.DataFrame:
    """Per acquisition channel: customers and the share of them who are SSCs now, as text."""
    if relationships.ssc_by_source is None:
        raise MissingDataError(
            "the SSCs per acquisition channel need acquisition_channel in customers"
        )
    return readable_table(
        relationships.ssc_by_source,
        shares=("ssc_share",),
        counts=("customers",),
        rename={"ssc_share": "SSCs now"},
    )


def suppliers_table(suppliers: pd.DataFrame, currency: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` suppliers whose products carry most SSC revenue, as text."""
    top = suppliers.sort_values("share_of_ssc_revenue", ascending=False, kind="mergesort").head(n)
    return readable_table(
        top[["revenue", "margin", "revenue_share", "share_of_ssc_revenue", "ssc_dependence"]],
        shares=("revenue_share", "share_of_ssc_revenue", "ssc_dependence"),
        amounts=("revenue", "margin"),
        rename={
            "revenue": _named("revenue ({currency})", currency),
            "margin": _named("margin ({currency})", currency),
            "revenue_share": "share of revenue",
            "share_of_ssc_revenue": "share of SSC revenue",
            "ssc_dependence": "bought by SSCs",
        },
    )

"""The QCI notebook's tables as a report shows them: numbers written, columns chosen.

The element modules (customers, context, experience, activities, retention) return
numbers (tested); these functions turn them into the tables a reader sees: shares as
percentages, money with its currency, counts whole, and the columns a table shows.
"""

from __future__ import annotations

import re

import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.models.qci.activities import PenetrationView
from crmlib.models.qci.customers import available
from crmlib.models.qci.experience import Experience
from crmlib.models.qci.words import known_words
from crmlib.text import N_, label, number, translate

_PERCENT_NAMES = (
    "current",
    "target",
    "coverage",
    "promoters",
    "detractors",
    "cost_to_margin",
    "first_contact_resolution",
    "share_of_wallet",
    "mean_alive",
    "likely_alive",
)


_COUNT_NAMES = (
    "customers",
    "contacts",
    "episodes",
    "buyers",
    "respondents",
    "sent",
    "responses",
    "rated",
    "retained",
    "customers_before",
    "active_last",
    "new_last",
    "repeat_episodes",
    "extra_contacts",
    "nps_respondents",
    "rank",
)


_MONEY_WORDS = ("revenue", "margin", "cost", "value_", "headroom", "spend", "wallet")


#: Columns already in percent units (0-100), such as the workshop scores.
_POINTS_NAMES = ("intention", "reality", "practice_score", "percent")


def _kind(column: str) -> str:
    name = str(column)
    if name in _POINTS_NAMES:
        return "points"
    if name.endswith(("_rate", "_share")) or name in _PERCENT_NAMES:
        return "percent"
    if name in _COUNT_NAMES:
        return "count"
    if any(word in name for word in _MONEY_WORDS) or name == "value_each":
        return "money"
    return "number"


def _headers() -> dict[str, str]:
    """The column and index names the QCI tables show, in the reader's language.

    Built when shown: the names stay the identifiers the code reads, and only the table a
    reader sees carries the words. A name not listed is shown with its underscores as spaces.
    """
    return {
        # index names
        "segment": translate("segment"),
        "value_tier": translate("value tier"),
        "process": translate("process"),
        "channel": translate("channel"),
        "acquisition_channel": translate("acquisition channel"),
        "first_channel": translate("first channel"),
        "activity": translate("activity"),
        "basis": translate("basis"),
        # columns
        "buyers": translate("buyers"),
        "categories_per_buyer": translate("categories per buyer"),
        "cross_sell_rate": translate("cross sell rate"),
        "contacts": translate("contacts"),
        "satisfaction": translate("satisfaction"),
        "resolution_rate": translate("resolution rate"),
        "first_contact_resolution": translate("first contact resolution"),
        "repeat_rate": translate("repeat rate"),
        "nps": translate("nps"),
        "episodes": translate("episodes"),
        "repeat_episodes": translate("repeat episodes"),
        "extra_contacts": translate("extra contacts"),
        "extra_cost": translate("extra cost"),
        "satisfaction_single": translate("satisfaction single"),
        "satisfaction_repeat": translate("satisfaction repeat"),
        "customers": translate("customers"),
        "first_year_revenue": translate("first year revenue"),
        "first_year_margin": translate("first year margin"),
        "customers_before": translate("customers before"),
        "retained": translate("retained"),
        "retention_rate": translate("retention rate"),
        "intention": translate("intention"),
        "reality": translate("reality"),
        "current": translate("current"),
        "target": translate("target"),
        "value_each": translate("value each"),
        "value_per_year": translate("value per year"),
        "practice_score": translate("practice score"),
        "rank": translate("rank"),
        "acquisition_cost": translate("acquisition cost"),
        "first": translate("first"),
        "spend_per_buyer": translate("spend per buyer"),
        "wallet_per_customer": translate("wallet per customer"),
        "share_of_wallet": translate("share of wallet"),
        "headroom": translate("headroom"),
        "contacts_per_customer": translate("contacts per customer"),
        "cost": translate("cost"),
        "cost_per_customer": translate("cost per customer"),
        "margin_per_customer": translate("margin per customer"),
        "cost_to_margin": translate("cost to margin"),
    }


#: The bases of :func:`~crmlib.models.qci.sensitivity.acquisition_cost_range` that are
#: multiples of a newcomer's first-year margin.
_MULTIPLE = re.compile(r"^(?P<multiple>[0-9.]+) × a newcomer's first-year margin$")


def shown(value: object, words: dict[str, str] | None = None) -> str:
    """A table value as a reader sees it: the model's words translated, names as they are.

    Channels, processes and categories are the company's own names and are kept.
    """
    text = str(value)
    words = known_words() if words is None else words
    if text in words:
        return words[text]
    multiple = _MULTIPLE.match(text)
    if multiple:
        return translate("{multiple} × a newcomer's first-year margin").format(
            multiple=number(float(multiple["multiple"]), None)
        )
    return text


def header(name: object, headers: dict[str, str] | None = None) -> str:
    """A column or index name as a table shows it, in the reader's language."""
    headers = _headers() if headers is None else headers
    return headers.get(str(name), label(name))


def readable(frame: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """A summary table with its numbers written for a report: shares as percentages,
    money with the currency, counts whole, other numbers to one decimal.

    Columns are recognised by name (``*_rate`` and ``*_share`` are shares, names with
    revenue, margin, cost, spend or wallet are money, workshop scores are already in
    percent). Money keeps cents only in a column whose amounts are all below 100.
    Missing values are left blank. Headers, and the model's own words among the index
    and text values (value tiers, ``all``, activities), are in the reader's language;
    the numbers are read by the original column names.
    """
    headers, words = _headers(), known_words()
    out = pd.DataFrame(
        index=frame.index.map(lambda i: shown(i, words) if isinstance(i, str) else i)
    )
    for column in frame.columns:
        kind = _kind(column)
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().all() and frame[column].notna().any():
            out[header(column, headers)] = [shown(v, words) for v in frame[column]]
            continue
        cents = 2 if kind == "money" and values.abs().max() < 100 else 0
        writers = {
            "percent": percent,
            "points": lambda v: percent(v / 100),
            "count": count,
            "money": lambda v, c=cents: money(v, currency, c),
            "number": lambda v: number(v, 1),
        }
        out[header(column, headers)] = [
            "" if pd.isna(v) else writers[kind](float(v)) for v in values
        ]
    out.index.name = None if frame.index.name is None else header(frame.index.name, headers)
    return out


def experience_table(result: Experience | None, by: str = "process") -> pd.DataFrame:
    """The experience measures side by side per process (or channel), for the report."""
    result = available(result, N_("the interactions table with channel and process"))
    table = result.by_process if by == "process" else result.by_channel
    columns = [
        "contacts",
        "satisfaction",
        "resolution_rate",
        "first_contact_resolution",
        "repeat_rate",
        "nps",
    ]
    return table[columns]


def wallet_table(view: PenetrationView | None) -> pd.DataFrame:
    """Share of wallet per value tier, or a MissingDataError saying what it needs."""
    view = available(view, N_("the penetration step (products with categories)"))
    if view.wallet is None:
        raise MissingDataError(
            translate(
                "it needs an estimate of what a customer spends a year in the market, here and "
                "elsewhere, which the consultant brings in; the data holds only the spend here"
            )
        )
    return view.wallet

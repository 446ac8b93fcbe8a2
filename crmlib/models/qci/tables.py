"""The QCI notebook's tables as a report shows them: numbers written, columns chosen.

The element modules (customers, context, experience, activities, retention) return
numbers (tested); these functions turn them into the tables a reader sees: shares as
percentages, money with its currency, counts whole, and the columns a table shows.
"""

from __future__ import annotations

import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.models.qci.activities import PenetrationView
from crmlib.models.qci.customers import available
from crmlib.models.qci.experience import Experience

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


def readable(frame: pd.DataFrame, currency: str = "EUR") -> pd.DataFrame:
    """A summary table with its numbers written for a report: shares as percentages,
    money with the currency, counts whole, other numbers to one decimal.

    Columns are recognised by name (``*_rate`` and ``*_share`` are shares, names with
    revenue, margin, cost, spend or wallet are money, workshop scores are already in
    percent). Money keeps cents only in a column whose amounts are all below 100.
    Missing values are left blank.
    """
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        kind = _kind(column)
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().all() and frame[column].notna().any():
            out[str(column).replace("_", " ")] = frame[column].astype(str).to_numpy()
            continue
        cents = 2 if kind == "money" and values.abs().max() < 100 else 0
        writers = {
            "percent": percent,
            "points": lambda v: f"{v:.0f}%",
            "count": count,
            "money": lambda v, c=cents: money(v, currency, c),
            "number": lambda v: f"{v:,.1f}",
        }
        out[str(column).replace("_", " ")] = [
            "" if pd.isna(v) else writers[kind](float(v)) for v in values
        ]
    out.index.name = frame.index.name
    return out


def experience_table(result: Experience | None, by: str = "process") -> pd.DataFrame:
    """The experience measures side by side per process (or channel), for the report."""
    result = available(result, "the interactions table with channel and process")
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
    view = available(view, "the penetration step (products with categories)")
    if view.wallet is None:
        raise MissingDataError(
            "it needs an estimate of what a customer spends a year in the market, here and "
            "elsewhere, which the consultant brings in; the data holds only "
            "the spend here"
        )
    return view.wallet

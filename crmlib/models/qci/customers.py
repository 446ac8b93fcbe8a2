"""What every step of the QCI notebook shares: the year measured, the customers' value
in it, the value tiers used as segments, and the helper that skips a step built on a
skipped one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.base import CustomerBase as SharedBase
from crmlib.analytics.base import customer_base as shared_base
from crmlib.analytics.profitability import transaction_margin
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.figures import Figure
from crmlib.text import translate

#: The value tiers, from the most valuable down.
TIER_ORDER = ("platinum", "gold", "silver", "bronze")
#: The rule of thumb: keeping a customer costs about a fifth of winning one.
RETENTION_COST_RATIO = 5.0
#: Months in the year measured.
YEAR = 12


# ---------------------------------------------------------------------------------------
# The customer base: last year's value per customer, and value tiers as segments


@dataclass(frozen=True)
class CustomerBase:
    """Last year's value per customer, shared by every step of the notebook.

    A view of the workbook's one customer base (:mod:`crmlib.analytics.base`): the year
    measured is the base's analysis window, and the value per customer, the cost to serve
    and the value tiers are the base's.

    Attributes
    ----------
    end, year_start : Timestamp
        The year measured: after ``year_start`` up to and including ``end``.
    annual : DataFrame or None
        Per customer (every customer of the base): ``revenue``, ``gross_margin``,
        ``n_contacts``, ``cost_to_serve``, ``profit`` over the year. None when the data
        has no margin (no cost, no product margin rate).
    tier : Series or None
        The base's value tier per customer (platinum, gold, silver, bronze): the
        segments of this notebook.
    prior_tier : Series or None
        The base's value tier of the window before (``previous_value_tier``: the year
        before, by the same rules), for retention per tier (a tier measured on last year
        would put every retained customer in the top).
    line_margin : Series or None
        The margin of every transaction line.
    notes : tuple of str
        What could not be measured, and why.
    shared : crmlib.analytics.base.CustomerBase or None
        The shared base read; its figures are what the report states.
    """

    end: pd.Timestamp
    year_start: pd.Timestamp
    annual: pd.DataFrame | None
    tier: pd.Series | None
    prior_tier: pd.Series | None
    line_margin: pd.Series | None
    notes: tuple[str, ...] = ()
    shared: SharedBase | None = None

    def figure(self, figure_id: str) -> Figure:
        """A company-level figure of the shared base (e.g. ``"retention_rate"``)."""
        if self.shared is None:
            raise KeyError(f"no shared customer base behind this view ({figure_id!r})")
        return self.shared.figure(figure_id)


def customer_base(company: Company, shared: SharedBase | None = None) -> CustomerBase:
    """Last year's value per customer and the value tiers, from the shared customer base.

    Parameters
    ----------
    company : Company
    shared : crmlib.analytics.base.CustomerBase, optional
        The base to read (the one :func:`crmlib.models.qci.analyse` resolved); by
        default the company's own, memoised, with a 12-month window.
    """
    if shared is None:
        shared = shared_base(company, window_months=YEAR)
    end = shared.settings.observation_end
    start = end - pd.DateOffset(months=shared.settings.window_months)
    notes = list(shared.notes)
    if not shared.meta["margin_known"]:
        return CustomerBase(end, start, None, None, None, None, tuple(notes), shared)
    margin = transaction_margin(company.transactions, company.products)
    table = shared.table
    annual = table[["revenue", "gross_margin", "n_contacts", "cost_to_serve"]].copy()
    if shared.meta["cost_to_serve_known"]:
        annual["profit"] = table["profit"]
    else:
        # cost to serve not measured: profit is the margin, and the notes say so
        annual["n_contacts"] = annual["n_contacts"].fillna(0)
        annual["cost_to_serve"] = 0.0
        annual["profit"] = annual["gross_margin"]
    tier = table["value_tier"].astype(str)
    prior_tier = table["previous_value_tier"].astype(str)
    return CustomerBase(end, start, annual, tier, prior_tier, margin, tuple(notes), shared)


def tier_order(index) -> list:
    """Value tiers from the top down, then any other segment, then ``"all"``."""
    known = [t for t in TIER_ORDER if t in index]
    rest = [i for i in index if i not in known and i != "all"]
    return known + rest + (["all"] if "all" in index else [])


def available(value, need: str):
    """``value``, or a MissingDataError saying what an earlier, skipped step needed.

    A notebook step that builds on an earlier one calls this, so that it is skipped
    with a reason (rather than failing) when the earlier step was skipped.
    """
    if value is None:
        raise MissingDataError(translate("it needs {need}").format(need=translate(need)))
    return value

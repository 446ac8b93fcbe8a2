"""Customer KPIs per period, and a scorecard that compares two periods against standards.

Payne & Frow's *performance assessment* ties the shareholder results of CRM to standards,
metrics and key performance indicators, and follows them over time. Their shareholder
results are four: **employee value**, **customer value** (the value the customer
receives), **shareholder value** (the value the organisation receives from its customers)
and **cost reduction**. QCI's "measuring the effect" asks the same. This module measures
the KPIs on the company's tables for consecutive periods of equal length, ending at a
chosen day (by default the 12 months to the observation end, then the 12 before, and so
on), and compares the last two periods: the change, its direction, and whether the later
period meets its standard.

A *period* runs from the day after its start to its end, both given as dates:
``start < date <= end``. A period is kept only when the transactions cover all of it but
at most ``slack_days`` at its start, so a partial first year is not read as a decline.

The KPIs (columns of :func:`kpi_history`), with the shareholder result each serves and
what it measures of it:

=========================  ==================  =====================  =====================
KPI                        shareholder result  measure                measured as
=========================  ==================  =====================  =====================
revenue                    shareholder value   revenue                sum of amounts
                                                                      (returns netted)
gross_margin               shareholder value   margin                 amount - cost, or
                                                                      amount x margin rate
active_customers           shareholder value   customer base          customers with a
                                                                      purchase in the period
new_customers              shareholder value   acquisition            first purchase in it
retention_rate             shareholder value   retention              share of the previous
                                                                      period's active who
                                                                      bought again
revenue_per_customer       shareholder value   value per customer     revenue / active
margin_per_customer        shareholder value   value per customer     margin / active
cost_to_serve              cost reduction      cost to serve          contacts x the
                                                                      channel's cost
cost_to_serve_share        cost reduction      cost to serve          cost to serve / margin
satisfaction               customer value      customer experience    mean satisfaction
resolution_rate            customer value      customer experience    share of contacts that
                                                                      resolved the question
campaign_response_rate     customer value      relevance of offers    share of offers that
                                                                      got a response
=========================  ==================  =====================  =====================

**Employee value** has no KPI here: the company's tables (customers, transactions,
contacts) hold nothing about employees. :data:`RESULTS` lists it, so a report can say that
the data does not show it and take it from the workshop (Payne & Frow's employee
engagement), never as zero.

A KPI whose data is absent is NaN (no cost and no margin rates: no margin; no
interactions: no satisfaction). ``new_customers`` and ``retention_rate`` are NaN in the
first period, which has no earlier period to compare with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.profitability import transaction_margin
from crmlib.analytics.purchases import purchase_mask
from crmlib.analytics.summary import line_customers
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count, day, decimal, money, percent
from crmlib.text import N_, translate


@dataclass(frozen=True)
class Kpi:
    """What a KPI is and how to read it.

    Attributes
    ----------
    name : str
        Its column in :func:`kpi_history`.
    label : str
        How a report names it.
    result : str
        The shareholder result it serves, one of Payne & Frow's :data:`RESULTS`.
    unit : {"money", "share", "count", "score"}
        How its values are written.
    higher_is_better : bool
        Whether a rise is good news.
    measure : str
        What it measures of that result (e.g. "retention" of shareholder value).
    """

    name: str
    label: str
    result: str
    unit: str
    higher_is_better: bool = True
    measure: str = ""

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"{self.name}: {self.result!r} is not one of {RESULTS}")

    def format(self, value: float, currency: str = "EUR") -> str:
        """The value as a report writes it (``n/a`` when missing)."""
        if value is None or pd.isna(value):
            return translate("n/a")
        if self.unit == "money":
            return money(value, currency)
        if self.unit == "share":
            return percent(value, 1)
        if self.unit == "count":
            return count(value)
        return decimal(value, 2)


#: Payne & Frow's shareholder results, in their order.
RESULTS = (
    N_("employee value"),
    N_("customer value"),
    N_("shareholder value"),
    N_("cost reduction"),
)

_SV, _CV, _CR = N_("shareholder value"), N_("customer value"), N_("cost reduction")

#: The KPIs of :func:`kpi_history`, in the order of the scorecard.
KPIS: dict[str, Kpi] = {
    k.name: k
    for k in (
        Kpi("revenue", N_("Revenue"), _SV, "money", measure=N_("revenue")),
        Kpi("gross_margin", N_("Gross margin"), _SV, "money", measure=N_("margin")),
        # buyers of the period (the glossary's "buyers"); its id is kept for saved standards
        Kpi("active_customers", N_("Buyers"), _SV, "count", measure=N_("customer base")),
        Kpi("new_customers", N_("New customers"), _SV, "count", measure=N_("acquisition")),
        Kpi("retention_rate", N_("Retention rate"), _SV, "share", measure=N_("retention")),
        Kpi("revenue_per_customer", N_("Revenue per customer"), _SV, "money",
            measure=N_("value per customer")),
        Kpi("margin_per_customer", N_("Margin per customer"), _SV, "money",
            measure=N_("value per customer")),
        Kpi("cost_to_serve", N_("Cost to serve"), _CR, "money", higher_is_better=False,
            measure=N_("cost to serve")),
        Kpi("cost_to_serve_share", N_("Cost to serve / margin"), _CR, "share",
            higher_is_better=False, measure=N_("cost to serve")),
        Kpi("satisfaction", N_("Contact satisfaction"), _CV, "score", measure=N_("customer experience")),
        Kpi("resolution_rate", N_("Contacts resolved"), _CV, "share", measure=N_("customer experience")),
        Kpi("campaign_response_rate", N_("Campaign response"), _CV, "share",
            measure=N_("relevance of offers")),
    )
}  # fmt: skip

#: Kinds of standard: the later value at least / at most a level, or its growth at least.
STANDARD_KINDS = ("at least", "at most", "growth at least")


@dataclass(frozen=True)
class Standard:
    """A standard a KPI should meet in the later period.

    Attributes
    ----------
    kpi : str
        The KPI's name (a key of :data:`KPIS`).
    kind : {"at least", "at most", "growth at least"}
        ``at least``/``at most`` compare the later period's value with ``value``;
        ``growth at least`` compares its relative change on the earlier period.
    value : float
        The level or the growth (0.05 = 5 %).
    """

    kpi: str
    kind: str
    value: float

    def __post_init__(self) -> None:
        if self.kpi not in KPIS:
            raise ParameterError(f"'{self.kpi}' is not a KPI; use one of {', '.join(KPIS)}")
        if self.kind not in STANDARD_KINDS:
            raise ParameterError(
                f"a standard's kind must be one of {', '.join(STANDARD_KINDS)}, got '{self.kind}'"
            )
        if not np.isfinite(self.value):
            raise ParameterError(f"the standard for {self.kpi} must be a number")

    def met(self, previous: float, current: float) -> bool | None:
        """Whether ``current`` meets the standard; None when it cannot be judged."""
        if current is None or pd.isna(current):
            return None
        if self.kind == "at least":
            return bool(current >= self.value)
        if self.kind == "at most":
            return bool(current <= self.value)
        if previous is None or pd.isna(previous) or previous <= 0:
            return None
        return bool(current / previous - 1 >= self.value)

    def describe(self, currency: str = "EUR") -> str:
        """The standard in words, e.g. ``'at least 65.0%'`` or ``'growth at least 5%'``."""
        if self.kind == "growth at least":
            return f"growth at least {percent(self.value, 1)}"
        return f"{self.kind} {KPIS[self.kpi].format(self.value, currency)}"


def default_standards(
    *,
    growth_goal: float = 0.05,
    retention_standard: float = 0.65,
    satisfaction_standard: float = 4.0,
    cost_to_serve_standard: float = 0.10,
) -> list[Standard]:
    """The standards the Payne & Frow notebook judges against, from its parameters.

    Revenue and gross margin should grow at least by the business strategy's growth
    goal; retention, contact satisfaction and the cost to serve (as a share of gross
    margin) each have a level. The defaults are working standards for a retailer, to be
    replaced by the company's own targets:

    - retention 65 %: about two in three of last year's buyers buy again;
    - satisfaction 4.0 on a 1-5 scale: the average contact ends "satisfied";
    - cost to serve at most 10 % of gross margin.
    """
    if not 0 <= retention_standard <= 1:
        raise ParameterError(
            f"retention_standard must be between 0 and 1, got {retention_standard}"
        )
    if not 0 <= cost_to_serve_standard <= 1:
        raise ParameterError(
            f"cost_to_serve_standard must be between 0 and 1, got {cost_to_serve_standard}"
        )
    return [
        Standard("revenue", "growth at least", growth_goal),
        Standard("gross_margin", "growth at least", growth_goal),
        Standard("retention_rate", "at least", retention_standard),
        Standard("cost_to_serve_share", "at most", cost_to_serve_standard),
        Standard("satisfaction", "at least", satisfaction_standard),
    ]


def _period_label(start: pd.Timestamp, end: pd.Timestamp, months: int) -> str:
    first = start + pd.Timedelta(days=1)
    if months == 12 and first.month == 1 and first.day == 1 and end.month == 12 and end.day == 31:
        return str(end.year)
    return f"{first:%b %Y}-{end:%b %Y}"


def period_windows(
    first_date, end, *, months: int = 12, slack_days: int = 7, periods: int | None = None
) -> pd.DataFrame:
    """Consecutive periods of ``months`` months ending at ``end``, as far back as the data goes.

    Parameters
    ----------
    first_date : date-like
        The first day with data.
    end : date-like
        The last day of the latest period.
    months : int, default 12
        The length of each period.
    slack_days : int, default 7
        A period is kept when the data starts at most this many days after its first day.
    periods : int, optional
        Keep at most this many (the latest).

    Returns
    -------
    DataFrame
        One row per period, oldest first: ``label`` (``"2025"`` for a calendar year,
        else e.g. ``"Jul 2024-Jun 2025"``), ``start`` (exclusive) and ``end`` (inclusive).
    """
    if int(months) != months or months < 1:
        raise ParameterError(f"months must be a whole number above 0, got {months}")
    first, last = pd.Timestamp(first_date).normalize(), pd.Timestamp(end).normalize()
    rows = []
    stop = last
    while True:
        start = stop - pd.DateOffset(months=int(months))
        if first > start + pd.Timedelta(days=1 + slack_days):
            break
        rows.append({"label": _period_label(start, stop, months), "start": start, "end": stop})
        stop = start
        if periods is not None and len(rows) >= periods:
            break
    return pd.DataFrame(rows[::-1], columns=["label", "start", "end"])


def _in(frame: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    dates = frame[column]
    return frame[((dates > start) & (dates <= end)).to_numpy(dtype=bool)]


def contact_costs(interactions: pd.DataFrame, channels: pd.DataFrame) -> pd.Series:
    """The cost of every contact: its channel's ``cost_per_contact`` (NaN for an unknown channel).

    Returns
    -------
    Series of float
        Indexed like ``interactions``.

    Raises
    ------
    MissingDataError
        When channels lacks channel or cost_per_contact, or interactions lacks channel.
    """
    if not {"channel", "cost_per_contact"} <= set(channels.columns):
        raise MissingDataError(
            translate("the cost per contact needs channel and cost_per_contact in channels")
        )
    if "channel" not in interactions.columns:
        raise MissingDataError(translate("the cost per contact needs the channel of each contact"))
    cost_of = channels.set_index(channels["channel"].astype(str).str.strip())["cost_per_contact"]
    cost_of = cost_of[~cost_of.index.duplicated()]
    return interactions["channel"].astype(str).str.strip().map(cost_of).astype(float)


def kpi_history(
    transactions: pd.DataFrame,
    *,
    end,
    products: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    months: int = 12,
    periods: int | None = None,
) -> pd.DataFrame:
    """Every KPI of :data:`KPIS` for consecutive periods ending at ``end``.

    Parameters
    ----------
    transactions : DataFrame
        With customer_id, date and amount; ``cost`` (or ``product_id`` with products'
        ``margin_rate``) for the margin; ``is_return`` when present. Not modified.
    end : date-like
        The last day of the latest period.
    products, interactions, channels, campaigns : DataFrame, optional
        For the margin, the cost to serve, satisfaction, resolution and campaign KPIs.
    months : int, default 12
        Period length.
    periods : int, optional
        Keep at most this many periods (the latest).

    Returns
    -------
    DataFrame
        Indexed by period label (oldest first), one column per KPI (see the module
        docstring); ``attrs["windows"]`` holds the periods of :func:`period_windows`.

    Raises
    ------
    MissingDataError
        When the transactions do not cover one whole period before ``end``.
    """
    for column in ("customer_id", "date", "amount"):
        if column not in transactions.columns:
            raise MissingDataError(
                translate("the KPIs need the column {column} in transactions").format(column=column)
            )
    has_date = transactions["date"].notna().to_numpy(dtype=bool)
    # the dated lines: a view of the table itself when every line has a date (a boolean
    # selection would copy ten million lines with all their columns)
    dated = transactions if has_date.all() else transactions[has_date]
    if dated.empty:
        raise MissingDataError(translate("the KPIs need dated transactions"))
    windows = period_windows(dated["date"].min(), end, months=months, periods=periods)
    if windows.empty:
        raise MissingDataError(
            translate(
                "the KPIs need transactions covering at least {months} months up to {end}"
            ).format(months=count(months), end=day(end))
        )
    try:
        margin = transaction_margin(dated, products)
    except MissingDataError:
        margin = None
    # the purchase lines as a mask, their customers as numbers: no copy of the lines
    purchase = purchase_mask(dated)
    # a missing id counts as one buyer, and has no first purchase
    number, labels = line_customers(dated, "transactions", missing_is_customer=True)
    dates, amount = dated["date"], dated["amount"]
    first = purchase & dated["customer_id"].notna().to_numpy(dtype=bool)
    first_purchase = pd.Series(dates.to_numpy()[first]).groupby(number[first]).min()
    contacts = None
    if interactions is not None and {"date", "channel"} <= set(interactions.columns):
        contacts = interactions
        contact_cost = None
        if channels is not None and {"channel", "cost_per_contact"} <= set(channels.columns):
            contact_cost = contact_costs(contacts, channels)
    rows = []
    previous_active: np.ndarray | None = None
    for index, window in enumerate(windows.itertuples()):
        lines = ((dates > window.start) & (dates <= window.end)).to_numpy(dtype=bool)
        # the buyers of the period as flags over customer numbers, not as sets of ids
        active = np.zeros(len(labels), dtype=bool)
        active[number[lines & purchase]] = True
        revenue = float(amount[lines].sum())
        gross = float(margin[lines].sum()) if margin is not None else np.nan
        n_active = int(active.sum())
        row = {
            "revenue": revenue,
            "gross_margin": gross,
            "active_customers": n_active,
            "new_customers": np.nan,
            "retention_rate": np.nan,
            "revenue_per_customer": revenue / n_active if n_active else np.nan,
            "margin_per_customer": gross / n_active if n_active else np.nan,
            "cost_to_serve": np.nan,
            "cost_to_serve_share": np.nan,
            "satisfaction": np.nan,
            "resolution_rate": np.nan,
            "campaign_response_rate": np.nan,
        }
        if index > 0:
            firsts = first_purchase[
                ((first_purchase > window.start) & (first_purchase <= window.end)).to_numpy(
                    dtype=bool
                )
            ]
            row["new_customers"] = len(firsts)
            if previous_active is not None and previous_active.any():
                row["retention_rate"] = int((previous_active & active).sum()) / int(
                    previous_active.sum()
                )
        if contacts is not None:
            contact_day = contacts["date"]
            seen = ((contact_day > window.start) & (contact_day <= window.end)).to_numpy(dtype=bool)
            if contact_cost is not None:
                row["cost_to_serve"] = float(contact_cost[seen].sum())
                if gross > 0:
                    row["cost_to_serve_share"] = row["cost_to_serve"] / gross
            if "satisfaction" in contacts.columns:
                scores = contacts["satisfaction"][seen]
                if scores.notna().any():
                    row["satisfaction"] = float(scores.mean())
            if "resolved" in contacts.columns:
                resolved = contacts["resolved"][seen]
                if resolved.notna().any():
                    row["resolution_rate"] = float(resolved.astype("boolean").mean())
        if (
            campaigns is not None
            and {"sent_date", "responded"} <= set(campaigns.columns)
            and len(sent := _in(campaigns, "sent_date", window.start, window.end))
        ):
            row["campaign_response_rate"] = float(sent["responded"].astype("boolean").mean())
        rows.append(row)
        previous_active = active
    history = pd.DataFrame(rows, index=pd.Index(windows["label"], name="period"))
    history = history[list(KPIS)].astype(float)
    history.attrs["windows"] = windows
    history.attrs["months"] = int(months)
    return history


def _direction(previous: float, current: float, tolerance: float) -> str:
    if pd.isna(previous) or pd.isna(current):
        return "n/a"
    scale = abs(previous) if previous else 1.0
    change = (current - previous) / scale
    if abs(change) < tolerance:
        return "flat"
    return "up" if change > 0 else "down"


def scorecard(
    history: pd.DataFrame,
    standards: Sequence[Standard] = (),
    *,
    flat_tolerance: float = 0.005,
    currency: str = "EUR",
) -> pd.DataFrame:
    """Compare the last two periods of :func:`kpi_history`, KPI by KPI, against standards.

    Parameters
    ----------
    history : DataFrame
        From :func:`kpi_history` (at least one period).
    standards : sequence of Standard
        At most one per KPI; KPIs without one are followed for their trend only.
    flat_tolerance : float, default 0.005
        A relative change smaller than this (0.5 %) counts as flat.
    currency : str
        For the written standards.

    Returns
    -------
    DataFrame
        Indexed by KPI name, for the KPIs measured in the later period: ``label``,
        ``result`` (Payne & Frow's shareholder result), ``measure``, ``previous`` and ``current`` (values of the
        two periods; ``previous`` NaN with one period), ``change`` (current - previous),
        ``relative_change``, ``direction`` ("up", "down", "flat", "n/a"),
        ``better`` (nullable boolean: the change is good news; missing when flat or
        unknown), ``standard`` (text, empty when none) and ``meets`` (nullable boolean:
        missing when there is no standard or it cannot be judged).
        ``attrs["periods"]`` holds the two period labels compared.
    """
    if history.empty:
        raise MissingDataError(translate("the scorecard needs at least one period of KPIs"))
    by_kpi = {}
    for standard in standards:
        if standard.kpi in by_kpi:
            raise ParameterError(f"there are two standards for {standard.kpi}")
        by_kpi[standard.kpi] = standard
    current_row = history.iloc[-1]
    previous_row = (
        history.iloc[-2] if len(history) > 1 else pd.Series(np.nan, index=history.columns)
    )
    rows = []
    for name, kpi in KPIS.items():
        if name not in history.columns or pd.isna(current_row[name]):
            continue
        previous, current = float(previous_row[name]), float(current_row[name])
        direction = _direction(previous, current, flat_tolerance)
        better = (
            pd.NA if direction in ("flat", "n/a") else (direction == "up") == kpi.higher_is_better
        )
        standard = by_kpi.get(name)
        met = standard.met(previous, current) if standard else None
        rows.append(
            {
                "kpi": name,
                "label": kpi.label,
                "result": kpi.result,
                "measure": kpi.measure,
                "previous": previous,
                "current": current,
                "change": current - previous,
                "relative_change": current / previous - 1 if previous else np.nan,
                "direction": direction,
                "better": better,
                "standard": standard.describe(currency) if standard else "",
                "meets": pd.NA if met is None else met,
            }
        )
    card = pd.DataFrame(rows).set_index("kpi")
    card["better"] = card["better"].astype("boolean")
    card["meets"] = card["meets"].astype("boolean")
    card.attrs["periods"] = (
        str(history.index[-2]) if len(history) > 1 else None,
        str(history.index[-1]),
    )
    return card

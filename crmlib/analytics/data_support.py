"""Which analyses a company's data supports, and the quality of each table.

Payne & Frow's *information management* process asks whether the data repository can
carry the analyses the CRM strategy needs. :func:`data_support` answers it as a table:
for every analysis the workbook runs, what it needs, whether the data has it ("yes",
"partly" or "no", with what was found) and what to add. :func:`table_quality` describes
each table's completeness and its known weak spots.

An input counts as available when its column is filled for at least ``min_fill`` of
the rows (90 % by default); below that but above zero it is "partly" available. An
analysis is as available as its weakest required input; where inputs are alternatives
(a cost per line *or* a margin rate per product) the best one counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.needs import need_dimensions
from crmlib.analytics.profile import days_per_customer, probable_duplicates
from crmlib.data.company import Company
from crmlib.formatting import count, percent
from crmlib.text import N_, translate

#: Availability levels, from worst to best.
LEVELS = ("no", "partly", "yes")

Check = tuple[str, str]  # (level, what was found)


def _words(template: str, **values: object) -> str:
    """``template`` in the report's language, filled as plain text (a table cell, where
    Markdown escapes would show)."""
    return translate(template).format(**values)


def _fill(frame: pd.DataFrame, column: str) -> float:
    if not len(frame):
        return 0.0
    values = frame[column]
    filled = values.notna()
    if pd.api.types.is_string_dtype(values):
        filled &= values.astype("string").str.strip().ne("").fillna(False)
    return float(filled.mean())


def _columns(company: Company, table: str, *columns: str, min_fill: float = 0.9) -> Check:
    """The worst availability of ``columns`` in ``table``."""
    frame = getattr(company, table, None)
    if frame is None:
        return "no", _words(N_("no {table} table"), table=table)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return "no", _words(N_("{table} has no {columns}"), table=table, columns=", ".join(missing))
    if not len(frame):
        return "no", _words(N_("{table} is empty"), table=table)
    fills = {c: _fill(frame, c) for c in columns}
    worst = min(fills, key=fills.get)
    share = fills[worst]
    where = _words(
        N_("{table}.{column} filled for {share}"), table=table, column=worst, share=percent(share)
    )
    if share >= min_fill:
        return "yes", where
    return ("partly" if share > 0 else "no"), where


def _all(*checks: Check) -> Check:
    level = min((c[0] for c in checks), key=LEVELS.index)
    found = "; ".join(c[1] for c in checks if c[0] != "yes") or "; ".join(c[1] for c in checks)
    return level, found


def _any(*checks: Check) -> Check:
    return max(checks, key=lambda c: LEVELS.index(c[0]))


def _months_of_history(company: Company) -> float:
    dates = company.transactions["date"].dropna()
    dates = dates[dates <= company.observation_end]
    if dates.empty:
        return 0.0
    return (company.observation_end - dates.min()).days / 30.44


def _history(company: Company, months: int) -> Check:
    have = _months_of_history(company)
    found = _words(N_("{months} months of transactions"), months=count(have))
    if have >= months - 0.5:
        return "yes", found
    return ("partly" if have >= months / 2 else "no"), found


def _repeat_buyers(company: Company, minimum: int = 50) -> Check:
    # a repeat buyer bought on two days or more: the customer picture's count of days
    repeaters = int((days_per_customer(company.transactions) >= 2).sum())
    found = _words(N_("{n} repeat buyers"), n=count(repeaters))
    if repeaters >= minimum:
        return "yes", found
    return ("partly" if repeaters > 0 else "no"), found


def _respondents(company: Company, minimum: int = 50) -> Check:
    if company.needs is None:
        return "no", translate("no needs table")
    dims = need_dimensions(company.needs)
    if not dims:
        return "no", translate("the needs table has no need-dimension columns")
    n = int(company.needs[dims].dropna().shape[0])
    found = _words(
        N_("{n} respondents on {dimensions} need dimensions"),
        n=count(n),
        dimensions=count(len(dims)),
    )
    if n >= minimum:
        return "yes", found
    return ("partly" if n > 0 else "no"), found


def _not_in_data_model(what: str) -> Callable[[Company], Check]:
    return lambda company: (
        "no",
        _words(N_("the data model holds no {what}"), what=translate(what)),
    )


@dataclass(frozen=True)
class Analysis:
    """One analysis the workbook runs, and what it needs from the data.

    Attributes
    ----------
    name : str
        The analysis.
    process : str
        The Payne & Frow process it serves.
    needs : str
        Its inputs in words.
    check : callable
        ``check(company) -> (level, found)``.
    add : str
        What to add when it is not fully supported.
    """

    name: str
    process: str
    needs: str
    check: Callable[[Company], Check]
    add: str


#: The analyses, in the order of the five processes.
ANALYSES: tuple[Analysis, ...] = (
    Analysis(
        N_("Value concentration (20/80, SSCs)"),
        N_("strategy development"),
        N_("revenue per customer"),
        lambda c: _columns(c, "transactions", "customer_id", "amount"),
        N_("transactions with customer_id and amount"),
    ),
    Analysis(
        N_("Value tiers and categories (MVC, MGC, BZ)"),
        N_("strategy development"),
        N_("margin per transaction line: a cost, or a product margin rate"),
        lambda c: _any(
            _columns(c, "transactions", "cost"),
            _all(_columns(c, "transactions", "product_id"), _columns(c, "products", "margin_rate")),
        ),
        N_("a cost column in transactions, or margin_rate in products"),
    ),
    Analysis(
        N_("Needs of the target segments"),
        N_("strategy development"),
        N_("a needs survey with need dimensions (50+ respondents)"),
        _respondents,
        N_("a needs survey: one row per respondent, one 1-5 column per need"),
    ),
    Analysis(
        N_("Predictive lifetime value (BG/NBD, Gamma-Gamma)"),
        N_("value creation"),
        N_("12+ months of purchases and 50+ repeat buyers"),
        lambda c: _all(_history(c, 12), _repeat_buyers(c)),
        N_("a longer purchase history"),
    ),
    Analysis(
        N_("Cost to serve"),
        N_("value creation"),
        N_("contacts per channel and a cost per contact"),
        lambda c: _all(
            _columns(c, "interactions", "channel"), _columns(c, "channels", "cost_per_contact")
        ),
        N_("interactions.csv with a channel per contact, channels.csv with cost_per_contact"),
    ),
    Analysis(
        N_("Satisfaction and NPS by segment"),
        N_("value creation"),
        N_("a satisfaction score per contact, or an NPS survey"),
        lambda c: _any(_columns(c, "interactions", "satisfaction"), _columns(c, "needs", "nps")),
        N_("a satisfaction score (1-5) per contact, or nps in the needs survey"),
    ),
    Analysis(
        N_("Acquisition versus retention cost"),
        N_("value creation"),
        N_("the spend on winning new customers"),
        _not_in_data_model(N_("acquisition spend")),
        N_(
            "marketing spend per acquisition channel and year (meanwhile: the "
            "acquisition_cost parameter)"
        ),
    ),
    Analysis(
        N_("Channel mix per segment"),
        N_("multichannel integration"),
        N_("a channel per contact or per purchase"),
        lambda c: _any(
            _columns(c, "interactions", "channel"), _columns(c, "transactions", "channel")
        ),
        N_("the channel of each contact (interactions) or purchase (transactions.channel)"),
    ),
    Analysis(
        N_("Channel hopping and cross-channel repeats"),
        N_("multichannel integration"),
        N_("dated contacts with a channel and a customer process"),
        lambda c: _columns(c, "interactions", "date", "channel", "process"),
        N_("the customer process (sales, billing, complaint, ...) of every contact"),
    ),
    Analysis(
        N_("First-contact resolution"),
        N_("multichannel integration"),
        N_("whether each contact resolved the question"),
        lambda c: _columns(c, "interactions", "resolved"),
        N_("a resolved yes/no per contact"),
    ),
    Analysis(
        N_("Household and account view"),
        N_("information management"),
        N_("the household or account of each customer"),
        lambda c: _columns(c, "customers", "related_id", min_fill=0.2),
        N_("related_id: the household or account a customer belongs to"),
    ),
    Analysis(
        N_("Reachable customers"),
        N_("information management"),
        N_("e-mail or phone, and marketing consent"),
        lambda c: _all(
            _any(_columns(c, "customers", "email"), _columns(c, "customers", "phone")),
            _columns(c, "customers", "consent_marketing"),
        ),
        N_("e-mail addresses and a recorded marketing consent"),
    ),
    Analysis(
        N_("Year-on-year KPIs and retention"),
        N_("performance assessment"),
        N_("24+ months of purchases"),
        lambda c: _history(c, 24),
        N_("two full years of transactions"),
    ),
    Analysis(
        N_("Campaign response"),
        N_("performance assessment"),
        N_("offers sent with their response"),
        lambda c: _columns(c, "campaigns", "sent_date", "responded"),
        N_("campaigns.csv: one row per offer sent, with responded yes/no"),
    ),
)


def data_support(company: Company, analyses: tuple[Analysis, ...] = ANALYSES) -> pd.DataFrame:
    """Which analyses the company's data supports.

    Parameters
    ----------
    company : Company
    analyses : tuple of Analysis
        Default: :data:`ANALYSES`.

    Returns
    -------
    DataFrame
        One row per analysis, in order: ``analysis``, ``process``, ``needs``,
        ``available`` ("yes", "partly" or "no"), ``found`` (what the data has) and
        ``what_to_add`` (empty when available).
    """
    rows = []
    for analysis in analyses:
        level, found = analysis.check(company)
        rows.append(
            {
                # the words in the report's language; the level stays a code (logic reads it)
                "analysis": translate(analysis.name),
                "process": translate(analysis.process),
                "needs": translate(analysis.needs),
                "available": level,
                "found": found,
                "what_to_add": "" if level == "yes" else translate(analysis.add),
            }
        )
    return pd.DataFrame(
        rows, columns=["analysis", "process", "needs", "available", "found", "what_to_add"]
    )


def support_share(support: pd.DataFrame) -> float:
    """The share of analyses supported, counting "partly" as half (0-1)."""
    if support.empty:
        return float("nan")
    points = support["available"].map({"yes": 1.0, "partly": 0.5, "no": 0.0})
    return float(points.mean())


def _issues(company: Company, table: str, frame: pd.DataFrame) -> list[str]:
    issues = []
    if table == "customers":
        doubles = probable_duplicates(frame)
        if len(doubles):
            issues.append(
                _words(
                    N_("{records} records in {groups} probable duplicate groups"),
                    records=count(len(doubles)),
                    groups=count(doubles["group"].nunique()),
                )
            )
    elif table == "transactions":
        if "is_return" in frame.columns:
            returns = frame["is_return"].fillna(False).to_numpy(dtype=bool).mean()
            if returns > 0:
                issues.append(_words(N_("{share} of lines are returns"), share=percent(returns, 1)))
        if "cost" in frame.columns:
            no_cost = frame["cost"].isna().mean()
            if no_cost > 0:
                issues.append(
                    _words(N_("{share} of lines have no cost"), share=percent(no_cost, 1))
                )
        later = (frame["date"] > company.observation_end).mean()
        if later > 0:
            issues.append(
                _words(
                    N_("{share} of lines fall after the observation end"), share=percent(later, 1)
                )
            )
    elif table == "interactions":
        for column, what in (
            ("process", N_("process")),
            ("satisfaction", N_("satisfaction score")),
        ):
            if column in frame.columns and frame[column].isna().mean() > 0:
                issues.append(
                    _words(
                        N_("{share} of contacts have no {what}"),
                        share=percent(frame[column].isna().mean()),
                        what=translate(what),
                    )
                )
    elif table == "needs":
        share = frame["customer_id"].nunique() / max(len(company.customers), 1)
        issues.append(
            _words(N_("the survey covers {share} of the customers"), share=percent(share))
        )
    return issues


def table_quality(company: Company) -> pd.DataFrame:
    """Completeness and known weak spots of every table the company has.

    Returns
    -------
    DataFrame
        Indexed by table: ``rows``, ``completeness`` (share of filled cells, 0-1),
        ``weakest_column`` and ``weakest_fill`` (the least filled column and its share)
        and ``issues`` (computed remarks: probable duplicates, returns, lines without
        cost, survey coverage; empty when none).
    """
    rows = []
    for table, frame in company.tables.items():
        fills = {column: _fill(frame, column) for column in frame.columns}
        weakest = min(fills, key=fills.get) if fills else ""
        rows.append(
            {
                "table": table,
                "rows": len(frame),
                "completeness": float(sum(fills.values()) / len(fills)) if fills else float("nan"),
                "weakest_column": weakest,
                "weakest_fill": fills.get(weakest, float("nan")),
                "issues": "; ".join(_issues(company, table, frame)),
            }
        )
    return pd.DataFrame(rows).set_index("table")

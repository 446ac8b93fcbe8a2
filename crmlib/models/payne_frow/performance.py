"""Payne & Frow's fifth process: performance assessment.

**Performance assessment** ties the shareholder results to standards and follows them
over time: the KPI scorecard of :mod:`crmlib.analytics.kpis`, comparing the 12 months to
``kpi_end`` with the 12 months before. Payne & Frow name four shareholder results:
employee value, customer value, shareholder value and cost reduction. The company's
tables show the last three; employee value is not in them, so it comes from the
readiness workshop (practice ``pp_employee_value``) or stays unknown, never zero. Its
process score is the share of KPIs with a standard that meet it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics.kpis import (
    RESULTS,
    Standard,
    default_standards,
    kpi_history,
    scorecard,
)
from crmlib.analytics.vocabulary import definition, targets
from crmlib.data.company import Company
from crmlib.errors import ParameterError
from crmlib.figures import Figure
from crmlib.models.payne_frow.common import Parts, shared_base
from crmlib.models.payne_frow.elements import practice_score, readiness
from crmlib.models.steps import attempt
from crmlib.text import translate


@dataclass(frozen=True)
class Performance(Parts):
    """The KPI scorecard and its trend.

    Attributes
    ----------
    history : DataFrame
        :func:`crmlib.analytics.kpis.kpi_history` of 12-month periods up to ``end``.
    scorecard : DataFrame or None
        :func:`crmlib.analytics.kpis.scorecard` of the last two periods.
    standards : tuple of Standard
    end : Timestamp
        The last day of the later period.
    score : float or None
        The share of KPIs with a standard that meet it.
    employee_value : float or None
        The readiness workshop's score (0-1) of measuring employee value
        (``pp_employee_value``); None when not scored: the data does not show it.
    figures : tuple of Figure
        ``kpi_standards.judged`` and ``kpi_standards.met`` (unavailable without a
        scorecard), and the customer base's ``retention_rate`` when the later period
        ends at the observation end (it is then the scorecard's retention KPI).
    """

    history: pd.DataFrame | None
    scorecard: pd.DataFrame | None
    standards: tuple[Standard, ...]
    end: pd.Timestamp
    score: float | None
    skipped: dict[str, str] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()
    employee_value: float | None = None

    @property
    def results(self) -> pd.Series:
        """KPIs on the scorecard per Payne & Frow shareholder result (employee value 0 KPIs:
        the data holds none; the workshop's view is :attr:`employee_value`)."""
        counts = (
            self.scorecard["result"].value_counts()
            if self.scorecard is not None
            else pd.Series(dtype=int)
        )
        return counts.reindex(list(RESULTS), fill_value=0).astype(int)

    @property
    def judged(self) -> pd.DataFrame:
        """The scorecard rows whose standard could be judged."""
        if self.scorecard is None:
            return pd.DataFrame()
        return self.scorecard[self.scorecard["meets"].notna()]

    @property
    def missed(self) -> list[str]:
        """The KPIs that miss their standard, in scorecard order."""
        judged = self.judged
        return [] if judged.empty else list(judged.index[~judged["meets"].astype(bool)])


def kpi_end_date(company: Company, kpi_end: str = "") -> pd.Timestamp:
    """The end of the KPI comparison: ``kpi_end``, or the observation end when empty."""
    if not str(kpi_end or "").strip():
        return company.observation_end
    try:
        end = pd.Timestamp(kpi_end).normalize()
    except (TypeError, ValueError):
        raise ParameterError(f"kpi_end '{kpi_end}' is not a date; write it as yyyy-mm-dd") from None
    if end > company.observation_end:
        raise ParameterError(
            f"kpi_end {end:%Y-%m-%d} lies after the observation end "
            f"{company.observation_end:%Y-%m-%d}; choose an earlier day"
        )
    return end


def performance_assessment(
    company: Company,
    *,
    kpi_end: str = "",
    growth_goal: float = 0.05,
    retention_standard: float | None = None,
    satisfaction_standard: float = 4.0,
    cost_to_serve_standard: float = 0.10,
    horizon_months: int = 12,
) -> Performance:
    """The KPI scorecard: the 12 months to ``kpi_end`` against the 12 before, and the trend.

    Parameters
    ----------
    company : Company
    kpi_end : str
        Last day of the later period (yyyy-mm-dd); empty for the observation end.
    growth_goal, retention_standard, satisfaction_standard, cost_to_serve_standard : float
        The standards (see :func:`crmlib.analytics.kpis.default_standards`). The
        retention standard is by default the client's retention target
        (``company.yml`` ``targets: retention``, :func:`crmlib.analytics.vocabulary.targets`).
    horizon_months : int, default 12
        The window of the report's customer base. When it is 12 and ``kpi_end`` is the
        observation end, the scorecard's retention rate is the base's and is stated as
        its figure; with another window the base states a retention rate of its own.
    """
    if retention_standard is None:
        retention_standard = targets(company)["retention"]
    end = kpi_end_date(company, kpi_end)
    standards = tuple(
        default_standards(
            growth_goal=growth_goal,
            retention_standard=retention_standard,
            satisfaction_standard=satisfaction_standard,
            cost_to_serve_standard=cost_to_serve_standard,
        )
    )
    skipped: dict[str, str] = {}
    history = attempt(
        skipped,
        "history",
        kpi_history,
        company.transactions,
        end=end,
        products=company.products,
        interactions=company.interactions,
        channels=company.channels,
        campaigns=company.campaigns,
    )
    card = None
    score = None
    if history is not None:
        card = scorecard(history, standards, currency=company.currency)
        judged = card["meets"].dropna()
        score = float(judged.astype(bool).mean()) if len(judged) else None
    else:
        skipped["scorecard"] = skipped["history"]
    workshop = attempt(skipped, "employee_value", readiness, company)
    employee = None if workshop is None else practice_score(workshop, "pp_employee_value")
    return Performance(
        history=history,
        scorecard=card,
        standards=standards,
        end=end,
        score=score,
        skipped=skipped,
        figures=tuple(_standard_figures(card, end, skipped.get("scorecard", "")))
        + (_base_retention(company, end) if int(horizon_months) == 12 else ()),
        employee_value=employee,
    )


def _base_retention(company: Company, end: pd.Timestamp) -> tuple[Figure, ...]:
    """The base's retention rate, when the KPI period is the base's window: one figure,
    stated once, whichever section states it."""
    if end != company.observation_end:
        return ()
    found: dict[str, str] = {}
    base = attempt(found, "base", shared_base, company, horizon_months=12)
    return () if base is None else (base.figure("retention_rate"),)


def _standard_figures(card: pd.DataFrame | None, end: pd.Timestamp, reason: str) -> list[Figure]:
    label = definition("kpi_standards").label
    start = end - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    window = f"{start.date()}..{end.date()}"
    if card is None:
        return [
            Figure.unavailable(f"kpi_standards.{key}", f"{label}: {key}", "KPIs", reason, window)
            for key in ("judged", "met")
        ]
    judged = card["meets"].dropna()
    return [
        Figure("kpi_standards.judged", f"{label}: judged", len(judged), "KPIs", window),
        Figure("kpi_standards.met", f"{label}: met", int(judged.astype(bool).sum()), "KPIs",
               window),
    ]  # fmt: skip


def kpi_end_options(company: Company, *, step_months: int = 3, n: int = 8) -> list[str]:
    """Ends of KPI periods to choose from in a workshop, newest first.

    The observation end, then the month ends ``step_months`` apart before it, as long as
    two full years of transactions come before them (the later year and the year it is
    compared with).
    """
    first = company.transactions["date"].min()
    options = []
    end = company.observation_end
    month_end = end == end + pd.offsets.MonthEnd(0)
    while len(options) < n and end - pd.DateOffset(months=24) >= first - pd.Timedelta(days=8):
        options.append(end.strftime("%Y-%m-%d"))
        end = (end - pd.DateOffset(months=step_months)).normalize()
        if month_end:
            end = end + pd.offsets.MonthEnd(0)
    return options


def kpi_change(performance: Performance, kpi: str) -> float:
    """A KPI's change on the period before (later minus earlier); NaN when not measured."""
    card = performance.scorecard
    if card is None or kpi not in card.index:
        return float("nan")
    return float(card.loc[kpi, "change"])


def scorecard_gap(card: pd.DataFrame) -> str:
    """Why no KPI on the scorecard has a change: no period before, or no KPI in both."""
    before, now = card.attrs.get("periods", (None, None))
    if before is None:
        return translate("the data has no whole period before {now} to compare with").format(
            now=now
        )
    return translate("no KPI was measured in both {before} and {now}").format(
        before=before, now=now
    )

"""Payne & Frow's strategic framework for CRM: five processes on four elements.

Payne and Frow (2005) describe CRM as five cross-functional processes: strategy
development, value creation, multichannel integration, information management and
performance assessment. Four elements carry them: CRM readiness (maturity level and
barriers), change management, project management and employee engagement. Without the
elements the processes fail.

The notebook ``03_payne_frow`` walks through them with these functions. Each process is
measured on the company's data in its own module, and re-exported here:

- :func:`strategy_development`, :func:`value_creation`
  (:mod:`~crmlib.models.payne_frow_value`);
- :func:`multichannel_integration` (:mod:`~crmlib.models.payne_frow_channels`);
- :func:`information_management`, :func:`performance_assessment`
  (:mod:`~crmlib.models.payne_frow_measures`);
- the elements, from the readiness workshop: :func:`readiness`
  (:mod:`~crmlib.models.payne_frow_readiness`).

This module brings them together: the process scores (measured on the data and scored in
the workshop), the framework diagram's figures, the conclusion (readiness verdict, weakest
process, first three actions) and the :func:`verdict` for the strategy report.

What goes beyond the published framework is this workbook's operationalisation and is
said where it is used: the 0-1 process scores, the readiness verdict's thresholds, the
rules that order the actions, and the 5x rule of thumb for a missing acquisition cost.
"""

from __future__ import annotations

import pandas as pd

from crmlib.data.company import Company
from crmlib.formatting import percent
from crmlib.models.payne_frow_base import (
    ELEMENTS,
    MODEL,
    PROCESSES,
    customer_base,
)
from crmlib.models.payne_frow_channels import (
    Continuity,
    Multichannel,
    channel_costs,
    contacts_last_year,
    continuity,
    describe_continuity,
    describe_multichannel,
    multichannel_integration,
)
from crmlib.models.payne_frow_conclusion import (
    Conclusion,
    Results,
    conclusion,
    describe_conclusion,
    describe_processes,
    diagram_stages,
    process_scores,
)
from crmlib.models.payne_frow_measures import (
    Information,
    Performance,
    describe_information,
    describe_performance,
    information_management,
    kpi_change,
    kpi_end_date,
    kpi_end_options,
    performance_assessment,
    quality_table,
    scorecard_table,
    support_table,
)
from crmlib.models.payne_frow_readiness import (
    ELEMENT_FLOOR,
    ELEMENT_TARGET,
    INSTRUMENT,
    Readiness,
    describe_element,
    describe_readiness,
    element_items,
    first_gap,
    readiness,
    readiness_from_answers,
)
from crmlib.models.payne_frow_strategy import (
    Strategy,
    describe_strategy,
    parse_targets,
    strategy_development,
    strategy_table,
)
from crmlib.models.payne_frow_value import (
    ACQUISITION_MULTIPLE,
    RETENTION_LIFT,
    ValueCreation,
    describe_value,
    value_creation,
)
from crmlib.models.verdict import ModelVerdict

__all__ = [
    "ACQUISITION_MULTIPLE",
    "ELEMENTS",
    "ELEMENT_FLOOR",
    "ELEMENT_TARGET",
    "INSTRUMENT",
    "MODEL",
    "PROCESSES",
    "RETENTION_LIFT",
    "Conclusion",
    "Continuity",
    "Information",
    "Multichannel",
    "Performance",
    "Readiness",
    "Results",
    "Strategy",
    "ValueCreation",
    "assess",
    "channel_costs",
    "conclusion",
    "contacts_last_year",
    "continuity",
    "customer_base",
    "describe_conclusion",
    "describe_continuity",
    "describe_element",
    "describe_information",
    "describe_multichannel",
    "describe_performance",
    "describe_processes",
    "describe_readiness",
    "describe_strategy",
    "describe_value",
    "diagram_stages",
    "element_items",
    "first_gap",
    "information_management",
    "kpi_change",
    "kpi_end_date",
    "kpi_end_options",
    "multichannel_integration",
    "parse_targets",
    "performance_assessment",
    "process_scores",
    "quality_table",
    "scorecard_table",
    "strategy_table",
    "support_table",
    "readiness",
    "readiness_from_answers",
    "strategy_development",
    "value_creation",
    "verdict",
]


def assess(
    company: Company,
    *,
    growth_goal: float = 0.05,
    target_segments: str = "",
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    acquisition_cost: float = 0.0,
    retention_cost: float = 0.0,
    repeat_window_days: int = 14,
    kpi_end: str = "",
    retention_standard: float = 0.65,
    satisfaction_standard: float = 4.0,
    cost_to_serve_standard: float = 0.10,
) -> Results:
    """Every process and element for a company, with the notebook's parameters."""
    strategy = strategy_development(
        company,
        growth_goal=growth_goal,
        target_segments=target_segments,
        horizon_months=horizon_months,
    )
    column = strategy.segment_col
    return Results(
        strategy=strategy,
        value=value_creation(
            company,
            segment_col=column,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
            acquisition_cost=acquisition_cost,
            retention_cost=retention_cost,
        ),
        multichannel=multichannel_integration(
            company,
            segment_col=column,
            window_days=repeat_window_days,
            horizon_months=horizon_months,
        ),
        information=information_management(company),
        performance=performance_assessment(
            company,
            kpi_end=kpi_end,
            growth_goal=growth_goal,
            retention_standard=retention_standard,
            satisfaction_standard=satisfaction_standard,
            cost_to_serve_standard=cost_to_serve_standard,
        ),
        readiness=readiness(company),
    )


def verdict(company: Company, **parameters) -> ModelVerdict:
    """The Payne & Frow verdict for the strategy report, with the notebook's parameters.

    Parameters
    ----------
    company : Company
    **parameters
        The model parameters of the notebook (see :func:`assess`): growth_goal,
        target_segments, horizon_months, discount_rate, acquisition_cost,
        retention_cost, repeat_window_days, kpi_end, retention_standard,
        satisfaction_standard, cost_to_serve_standard.
    """
    results = assess(company, **parameters)
    result = conclusion(results, company)
    scores = result.scores
    headline = f"CRM readiness: {result.verdict}"
    if result.weakest_process is not None:
        headline += (
            f"; the weakest of the five processes is {PROCESSES[result.weakest_process].lower()}"
            f" ({percent(scores.loc[result.weakest_process, 'score'])})"
        )
    headline += "."
    r = results.readiness
    findings = []
    if r.assessed:
        findings.append(
            f"Maturity level {r.maturity} ({(r.maturity_title or 'not scored').lower()}), "
            f"{len(r.barriers)} barriers present" + (f"; {r.reasons[0]}" if r.reasons else "") + "."
        )
    else:
        findings.append("The readiness workshop has not been held.")
    if pd.notna(results.value.retention_rate):
        findings.append(
            f"{percent(results.value.retention_rate)} of the year before's buyers bought again."
        )
    s = results.strategy
    if s.segments is not None:
        findings.append(
            f"Target segments {', '.join(s.targets)} hold {percent(s.target_value_share)} of "
            "the expected value."
        )
    p = results.performance
    if len(p.judged):
        findings.append(f"{len(p.judged) - len(p.missed)} of {len(p.judged)} KPI standards met.")
    if results.multichannel.continuity is not None:
        flow = results.multichannel.continuity
        findings.append(
            f"{percent(flow.cross_channel_rate)} of contact episodes crossed channels within "
            f"{flow.window_days} days."
        )
    figures = {f"score_{p}": float(scores.loc[p, "score"]) for p in PROCESSES}
    figures.update({f"element_{e}": float(r.elements.loc[e, "score"]) for e in ELEMENTS})
    figures["maturity_level"] = float(r.maturity) if r.maturity is not None else float("nan")
    figures["barriers_present"] = float(len(r.barriers))
    figures["retention_rate"] = float(results.value.retention_rate)
    figures["customers"] = float(len(company.customers))
    return ModelVerdict(
        model=MODEL,
        headline=headline,
        findings=findings[:4],
        figures=figures,
        actions=result.actions,
    )

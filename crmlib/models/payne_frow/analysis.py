"""Payne & Frow's entry point: one company and its parameters in, :class:`Results` out.

This is the one place where the model meets the shared customer base.
"""

from __future__ import annotations

from crmlib.data.company import Company
from crmlib.models.contract import resolve_base
from crmlib.models.payne_frow.conclude import Results
from crmlib.models.payne_frow.elements import readiness
from crmlib.models.payne_frow.information import information_management
from crmlib.models.payne_frow.multichannel import multichannel_integration
from crmlib.models.payne_frow.performance import performance_assessment
from crmlib.models.payne_frow.strategy import strategy_development
from crmlib.models.payne_frow.value import value_creation


def analyse(
    company: Company,
    base: object | None = None,
    *,
    growth_goal: float = 0.05,
    target_segments: str = "",
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    acquisition_cost: float | None = None,
    retention_cost: float = 0.0,
    repeat_window_days: int = 14,
    kpi_end: str = "",
    retention_standard: float | None = None,
    satisfaction_standard: float = 4.0,
    cost_to_serve_standard: float = 0.10,
) -> Results:
    """Every process and element for a company, with the notebook's parameters.

    ``base`` is the shared per-customer base (by default the company's own, with a
    window of ``horizon_months``; see :mod:`crmlib.models.contract`). The retention
    standard is by default the client's retention target
    (:func:`crmlib.analytics.vocabulary.targets`).
    """
    base = resolve_base(
        company, base, window_months=int(horizon_months), discount_rate=float(discount_rate)
    )
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
            base=base,
            segment_col=column,
            target_segments=strategy.targets,
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
            horizon_months=horizon_months,
        ),
        readiness=readiness(company),
        company=company,
    )


def assess(company: Company, **parameters) -> Results:
    """The former name of :func:`analyse` (without a shared base)."""
    return analyse(company, **parameters)

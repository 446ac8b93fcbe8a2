"""The Customer IDOL analysis of one company: the four elements together.

:func:`analyse` runs every element (each one the data cannot support is skipped with its
reason); this is the one place where the model meets the shared customer base.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.models.contract import resolve_base
from crmlib.models.idol.differentiate import (
    Granularity,
    LookAlikes,
    NeedsGrid,
    granularity,
    granularity_tradeoff,
    look_alikes,
    needs_grid,
)
from crmlib.models.idol.identify import (
    Identification,
    customer_values,
    identify,
)
from crmlib.models.idol.learn import (
    Migration,
    Practices,
    Responses,
    learn_from_responses,
    migrate,
    practices,
)
from crmlib.models.idol.orchestrate import (
    Orchestration,
    orchestrate,
)
from crmlib.models.steps import attempt
from crmlib.text import sentence, translate


@dataclass
class IdolAnalysis:
    """Every element of the approach for one company; parts the data cannot support are
    None, with the reason in ``skipped``."""

    values: pd.DataFrame
    identification: Identification
    grid: NeedsGrid | None
    granularity: Granularity
    tradeoff: pd.DataFrame
    look: LookAlikes | None
    orchestration: Orchestration
    scorecard: pd.DataFrame
    migration: Migration | None
    responses: Responses | None
    practices: Practices
    cost_per_treatment: float
    skipped: dict[str, str] = field(default_factory=dict)
    company: Company | None = None


def available(result, name: str):
    """``result``, or MissingDataError when an earlier step that makes it was skipped.

    Lets a notebook cell that builds on a skipped step say so and go on.
    """
    if result is None:
        raise MissingDataError(
            sentence("it builds on {name}, which was skipped above", name=translate(name))
        )
    return result


def group_approach(
    company: Company,
    values: pd.DataFrame,
    grid: NeedsGrid | None = None,
    *,
    tailoring_uplift: float = 0.1,
) -> Granularity:
    """The customer-group approach on needs and value (or value alone without a survey).

    See :func:`crmlib.models.idol.differentiate.granularity`.
    """
    return granularity(
        values,
        company.needs if grid is not None else None,
        tailoring_uplift=tailoring_uplift,
        grid_groups=grid.cells if grid is not None else None,
    )


def analyse(
    company: Company,
    base: object | None = None,
    *,
    window_days: int = 14,
    migration_months: int = 12,
    migration_by: str = "value_tier",
    cost_per_treatment: float = 500.0,
    tailoring_uplift: float = 0.1,
    recent_days: int = 30,
) -> IdolAnalysis:
    """Run the four elements on ``company`` with the notebook's parameters.

    ``base`` is the shared customer base (the strategy report passes one); None reads
    the company's own (see :mod:`crmlib.models.contract`). Every value measure, tier,
    SSC flag and window comes from it.
    """
    base = resolve_base(company, base)
    skipped: dict[str, str] = {}
    values = customer_values(company, base)
    identification = identify(company, values)
    grid = attempt(skipped, "needs segments", lambda: needs_grid(company, values))
    labels = grid.segments.labels if grid is not None else None
    fit = group_approach(company, values, grid, tailoring_uplift=tailoring_uplift)
    look = attempt(skipped, "look-alikes", lambda: look_alikes(company, values))
    orchestration = orchestrate(
        company, values, window_days=window_days, recent_days=recent_days, base=base
    )
    skipped.update(orchestration.skipped)
    migration = attempt(
        skipped,
        "migration",
        lambda: migrate(company, migration_months, migration_by, labels, base),
    )
    responses = attempt(
        skipped, "campaign responses", lambda: learn_from_responses(company, values, labels)
    )
    return IdolAnalysis(
        values=values,
        identification=identification,
        grid=grid,
        granularity=fit,
        tradeoff=granularity_tradeoff(fit, cost_per_treatment),
        look=look,
        orchestration=orchestration,
        scorecard=orchestration.scorecard(),
        migration=migration,
        responses=responses,
        practices=practices(company),
        cost_per_treatment=float(cost_per_treatment),
        skipped=skipped,
        company=company,
    )

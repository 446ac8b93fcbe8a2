"""The Customer IDOL approach: Identification, Differentiation, Orchestration, Learning.

A simple framework for describing CRM strategy, popular around 2000. It answers the key
questions of CRM: which customers are served, for which products and processes,
through which channels, and to what quality standard. Each element is a module:

- :mod:`crmlib.models.idol.identify`: the six aspects of the customer picture;
- :mod:`crmlib.models.idol.differentiate`: needs and value, and how close to
  one-to-one the company can afford to go;
- :mod:`crmlib.models.idol.orchestrate`: synchronisation across channels, customer
  processes, contact moments, products and related customers;
- :mod:`crmlib.models.idol.learn`: segment migration, campaign responses and the
  assessed learning practices.

:func:`analyse` (:mod:`~crmlib.models.idol.analysis`) runs every element (each one the
data cannot support is skipped with its reason); in :mod:`~crmlib.models.idol.conclude`,
:func:`diagram_stages` puts the
company's figures on the IDOL diagram, :func:`conclusion` says where the biggest gaps
and the moving segments are, and :func:`verdict` hands the result to the strategy
report.
"""

from __future__ import annotations

from crmlib.analytics.orchestration import DIMENSIONS
from crmlib.models.idol.analysis import IdolAnalysis, analyse, available, group_approach
from crmlib.models.idol.conclude import (
    MODEL,
    assessed_orchestration,
    conclusion,
    diagram,
    diagram_stages,
    verdict,
    verdict_of,
)
from crmlib.models.idol.differentiate import (
    Granularity,
    LookAlikes,
    NeedsGrid,
    granularity,
    granularity_tradeoff,
    look_alikes,
    needs_grid,
    optimum,
    value_label,
)
from crmlib.models.idol.figures import (
    granularity_figures,
    household_figures,
    identification_figures,
    migration_figures,
    moment_figures,
    orchestration_figures,
    value_shift_figures,
    value_statement,
    value_total,
)
from crmlib.models.idol.identify import (
    ASPECT_FIXES,
    ASPECT_LABELS,
    Identification,
    customer_values,
    identify,
    measured_aspects,
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
    PRACTICE_AREAS,
    REMEDIES,
    Orchestration,
    biggest_gaps,
    categories_table,
    orchestrate,
)
from crmlib.models.idol.text import (
    describe_channels,
    describe_customers,
    describe_granularity,
    describe_identification,
    describe_knowledge_by_tier,
    describe_look_alikes,
    describe_migration,
    describe_moments,
    describe_movers,
    describe_needs_grid,
    describe_practices,
    describe_processes,
    describe_products,
    describe_responses,
    describe_scorecard,
    describe_unmeasured,
    describe_value_shift,
    describe_values,
    meaning_differentiation,
    meaning_identification,
    meaning_learning,
    meaning_orchestration,
)

Result = IdolAnalysis

__all__ = [
    "Result",
    "diagram",
    "verdict_of",
    "Granularity",
    "LookAlikes",
    "NeedsGrid",
    "ASPECT_FIXES",
    "ASPECT_LABELS",
    "Identification",
    "Migration",
    "Practices",
    "Responses",
    "PRACTICE_AREAS",
    "REMEDIES",
    "Orchestration",
    "DIMENSIONS",
    "MODEL",
    "biggest_gaps",
    "categories_table",
    "IdolAnalysis",
    "analyse",
    "assessed_orchestration",
    "conclusion",
    "customer_values",
    "describe_channels",
    "describe_customers",
    "describe_granularity",
    "describe_identification",
    "describe_knowledge_by_tier",
    "describe_look_alikes",
    "describe_migration",
    "describe_moments",
    "describe_movers",
    "describe_needs_grid",
    "describe_practices",
    "describe_processes",
    "describe_products",
    "describe_responses",
    "describe_scorecard",
    "describe_unmeasured",
    "granularity_figures",
    "household_figures",
    "value_shift_figures",
    "identification_figures",
    "orchestration_figures",
    "measured_aspects",
    "migration_figures",
    "moment_figures",
    "value_statement",
    "value_total",
    "describe_value_shift",
    "describe_values",
    "available",
    "group_approach",
    "diagram_stages",
    "granularity",
    "granularity_tradeoff",
    "identify",
    "learn_from_responses",
    "look_alikes",
    "meaning_differentiation",
    "meaning_identification",
    "meaning_learning",
    "meaning_orchestration",
    "migrate",
    "needs_grid",
    "optimum",
    "orchestrate",
    "practices",
    "value_label",
    "verdict",
]

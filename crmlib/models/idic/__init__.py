"""Peppers & Rogers' IDIC model on a company's data: Identify, Differentiate, Interact,
Customize.

This module is what the notebook ``01_idic`` and the strategy report use. Each phase is
a function that returns the figures its section shows, with a ``describe_*`` function
that turns them into the section's conclusion, so a report's "what this means"
paragraphs are computed, never written in advance:

============  =====================================  ===================================
phase         computed by                            module
============  =====================================  ===================================
Identify      :func:`identify`                       :mod:`crmlib.models.idic.identify`
Differentiate :func:`differentiate`,                 :mod:`crmlib.models.idic.differentiate`
              :func:`needs_by_value`
Interact      :func:`segment_service`,               :mod:`crmlib.models.idic.service`,
              :func:`interact` (plan: PlanRules)     :mod:`crmlib.models.idic.interact`
Customize     :func:`customize`, :func:`plan_value`  :mod:`crmlib.models.idic.customize`
============  =====================================  ===================================

The report tables (formatted, at most ten customers) are in :mod:`crmlib.models.idic.tables`.

:func:`analyse` runs the four phases (:mod:`crmlib.models.idic.analysis`); the diagram's
figures (:func:`diagram`), the verdict for the strategy report (:func:`verdict`) and the
cycle's conclusion (:func:`describe_cycle`) are in :mod:`crmlib.models.idic.conclude`.
The live value explorer of the workshop is :class:`crmlib.notebook.views.ValueExplorer`.
"""

from __future__ import annotations

from crmlib.models.idic.analysis import IdicResult, analyse
from crmlib.models.idic.conclude import (
    MODEL,
    describe_cycle,
    diagram,
    stages,
    verdict,
    verdict_from,
)
from crmlib.models.idic.customize import (
    Customization,
    customize,
    lift_table,
    plan_total,
    plan_value,
)
from crmlib.models.idic.differentiate import (
    CATEGORIES,
    GOALS,
    Differentiation,
    NeedsView,
    category_summary,
    differentiate,
    from_base,
    needs_by_value,
    tier_summary,
    value_base,
)
from crmlib.models.idic.identify import (
    Identification,
    data_coverage,
    identify,
    unknown_customer_references,
)
from crmlib.models.idic.interact import Interaction, PlanRules, interact, segment_service
from crmlib.models.idic.learning import Learning, describe_learning, learning_relationship
from crmlib.models.idic.tables import (
    category_view,
    duplicates_view,
    plan_view,
    references_view,
    report_table,
    segment_picks,
    service_view,
    tier_view,
    top_customer_view,
)
from crmlib.models.idic.text import (
    REACH_STATEMENT,
    VALUE_STATEMENT,
    describe_customize,
    describe_differentiate,
    describe_identify,
    describe_lessons,
    describe_needs,
    describe_plan,
    describe_plan_value,
    describe_regression,
    describe_service,
    describe_value_settings,
    value_figures,
    value_statement,
)
from crmlib.text import sentence

Result = IdicResult

__all__ = [
    "IdicResult",
    "Result",
    "analyse",
    "diagram",
    "CATEGORIES",
    "GOALS",
    "MODEL",
    "Customization",
    "Differentiation",
    "Identification",
    "Interaction",
    "NeedsView",
    "PlanRules",
    "category_summary",
    "category_view",
    "duplicates_view",
    "references_view",
    "report_table",
    "tier_view",
    "customize",
    "data_coverage",
    "describe_customize",
    "describe_cycle",
    "describe_differentiate",
    "describe_regression",
    "describe_identify",
    "describe_lessons",
    "describe_needs",
    "describe_plan",
    "describe_plan_value",
    "describe_service",
    "differentiate",
    "identify",
    "interact",
    "Learning",
    "describe_learning",
    "learning_relationship",
    "needs_by_value",
    "plan_total",
    "plan_value",
    "plan_view",
    "segment_picks",
    "segment_service",
    "stages",
    "tier_summary",
    "unknown_customer_references",
    "value_base",
    "from_base",
    "lift_table",
    "top_customer_view",
    "service_view",
    "describe_value_settings",
    "REACH_STATEMENT",
    "VALUE_STATEMENT",
    "value_figures",
    "value_statement",
    "what_this_means",
    "verdict",
    "verdict_from",
]


def what_this_means(company, *paragraphs: str) -> str:
    """A section's conclusion: a heading naming the company, then the computed paragraphs.

    The paragraphs come from the ``describe_*`` functions, which escape the user's text
    (names, offers, products) themselves.
    """
    return (
        sentence("#### What this means for {company}", company=company.name)
        + "\n\n"
        + "\n\n".join(paragraphs)
    )

"""The QCI (Quality Competitive Index) model: customer management from the outside in.

QCI is a customer *management* model. It reads from the customer's external environment
and readiness, through the customer experience and the proposition, to the customer
management activities (acquisition, retention, penetration and efficiency), carried by
people, technology and processes, and checked by measuring the effect. The notebook
``02_qci`` measures on the company's data what data can measure, and takes the rest from
the QCI assessment instrument scored in a workshop.

The steps live in modules by ring, and are re-exported here so that a notebook needs only
``from crmlib.models import qci``:

- :mod:`crmlib.models.qci.customers`: the year measured, value per customer, value tiers;
- :mod:`crmlib.models.qci.context`: external environment and readiness, proposition;
- :mod:`crmlib.models.qci.experience`: the customer experience;
- :mod:`crmlib.models.qci.activities`: acquisition, penetration, efficiency;
- :mod:`crmlib.models.qci.retention`: retention, lapse, the value of retention;
- :mod:`crmlib.models.qci.questionnaire`: the workshop assessment and its benchmarks;
- :mod:`crmlib.models.qci.conclude`: improvement potential and the diagram;
- :mod:`crmlib.models.qci.tables`: the tables as a report shows them.

:func:`analyse` runs them all (:mod:`crmlib.models.qci.analysis`); :func:`verdict` and
:func:`diagram` (in :mod:`crmlib.models.qci.conclude`) read its result.
"""

from __future__ import annotations

from crmlib.models.qci.activities import (
    AcquisitionView,
    EfficiencyView,
    PenetrationView,
    acquisition_view,
    best_cross_sell,
    efficiency_view,
    penetration_view,
)
from crmlib.models.qci.analysis import QciResult, analyse
from crmlib.models.qci.conclude import (
    ACTIVITIES,
    MODEL,
    QciDiagram,
    describe_diagram,
    describe_potential,
    diagram,
    improvement_potential,
    means_activities,
    means_conclusion,
    means_diagram,
    verdict,
)
from crmlib.models.qci.context import (
    Proposition,
    Readiness,
    proposition,
    readiness,
    segment_needs,
    segment_spend,
)
from crmlib.models.qci.customers import (
    RETENTION_COST_RATIO,
    TIER_ORDER,
    CustomerBase,
    available,
    customer_base,
)
from crmlib.models.qci.experience import (
    Experience,
    customer_experience,
    processes,
    weakest_process,
)
from crmlib.models.qci.questionnaire import AREA_OWNERS, Assessment, assessment
from crmlib.models.qci.retention import (
    LapseView,
    RetentionValue,
    RetentionView,
    implied_acquisition_cost,
    lapse_view,
    retention_formula_figure,
    retention_value,
    retention_view,
)
from crmlib.models.qci.sensitivity import acquisition_cost_range, describe_acquisition_range
from crmlib.models.qci.tables import experience_table, readable, wallet_table
from crmlib.models.qci.text import (
    base_statement,
    describe_acquisition,
    describe_activity,
    describe_alive,
    describe_assessment,
    describe_base,
    describe_campaigns,
    describe_cohorts,
    describe_efficiency,
    describe_lapse,
    describe_penetration,
    describe_proposition,
    describe_repeats,
    describe_retention,
    describe_retention_value,
    describe_touchpoints,
    describe_wallet,
    means_assessment,
    means_experience,
    means_proposition,
    means_readiness,
)

Result = QciResult

__all__ = [
    "retention_formula_figure",
    "base_statement",
    "MODEL",
    "QciResult",
    "Result",
    "analyse",
    "ACTIVITIES",
    "AREA_OWNERS",
    "RETENTION_COST_RATIO",
    "acquisition_cost_range",
    "describe_acquisition_range",
    "TIER_ORDER",
    "AcquisitionView",
    "Assessment",
    "CustomerBase",
    "EfficiencyView",
    "Experience",
    "LapseView",
    "PenetrationView",
    "Proposition",
    "QciDiagram",
    "Readiness",
    "RetentionValue",
    "RetentionView",
    "acquisition_view",
    "assessment",
    "available",
    "best_cross_sell",
    "customer_base",
    "customer_experience",
    "describe_acquisition",
    "describe_activity",
    "describe_alive",
    "describe_assessment",
    "describe_base",
    "describe_campaigns",
    "describe_cohorts",
    "describe_diagram",
    "describe_efficiency",
    "describe_lapse",
    "describe_penetration",
    "describe_potential",
    "describe_proposition",
    "describe_repeats",
    "describe_retention",
    "describe_retention_value",
    "describe_touchpoints",
    "describe_wallet",
    "diagram",
    "efficiency_view",
    "experience_table",
    "implied_acquisition_cost",
    "improvement_potential",
    "lapse_view",
    "means_activities",
    "means_assessment",
    "means_conclusion",
    "means_diagram",
    "means_experience",
    "means_proposition",
    "means_readiness",
    "penetration_view",
    "processes",
    "proposition",
    "readable",
    "readiness",
    "retention_value",
    "retention_view",
    "segment_needs",
    "segment_spend",
    "verdict",
    "wallet_table",
    "weakest_process",
]

"""Payne & Frow's strategic framework for CRM: five processes on four elements.

Payne and Frow (2005) describe CRM as five cross-functional processes: strategy
development, value creation, multichannel integration, information management and
performance assessment. Four elements carry them: CRM readiness (maturity level and
barriers), change management, project management and employee engagement. Without the
elements the processes fail.

The notebook ``03_payne_frow`` walks through them with these functions. Each process is
measured on the company's data in its own module, and re-exported here:

- :func:`strategy_development` (:mod:`~crmlib.models.payne_frow.strategy`),
  :func:`value_creation` (:mod:`~crmlib.models.payne_frow.value`);
- :func:`multichannel_integration` (:mod:`~crmlib.models.payne_frow.multichannel`);
- :func:`information_management` (:mod:`~crmlib.models.payne_frow.information`),
  :func:`performance_assessment` (:mod:`~crmlib.models.payne_frow.performance`);
- the elements, from the readiness workshop: :func:`readiness`
  (:mod:`~crmlib.models.payne_frow.elements`).

Each process states its figures (``figures``: the customer base's and the model's own,
by their vocabulary id); :mod:`~crmlib.models.payne_frow.text` words the results with
:func:`crmlib.text.sentence` and cites those figures, and
:mod:`~crmlib.models.payne_frow.tables` gives the report tables.

This module brings them together: the process scores (measured on the data and scored in
the workshop), the framework diagram's figures, the conclusion (readiness verdict, weakest
process, first three actions) and the :func:`verdict` for the strategy report;
:func:`analyse` runs them all.

What goes beyond the published framework is this workbook's operationalisation and is
said where it is used: the 0-1 process scores, the readiness verdict's thresholds, the
rules that order the actions, and the 5x rule of thumb for a missing acquisition cost.
"""

from __future__ import annotations

from crmlib.models.payne_frow.analysis import analyse, assess
from crmlib.models.payne_frow.common import (
    ELEMENTS,
    MODEL,
    PROCESSES,
    customer_base,
)
from crmlib.models.payne_frow.conclude import (
    Conclusion,
    Results,
    conclusion,
    describe_conclusion,
    describe_processes,
    diagram,
    diagram_stages,
    process_scores,
    verdict,
)
from crmlib.models.payne_frow.elements import (
    ELEMENT_FLOOR,
    ELEMENT_TARGET,
    INSTRUMENT,
    Readiness,
    element_items,
    first_gap,
    practice_score,
    readiness,
    readiness_from_answers,
)
from crmlib.models.payne_frow.information import (
    Information,
    data_currency,
    information_management,
    single_customer_view,
)
from crmlib.models.payne_frow.multichannel import (
    Continuity,
    Multichannel,
    channel_costs,
    contact_history,
    contacts_last_year,
    continuity,
    multichannel_integration,
)
from crmlib.models.payne_frow.performance import (
    Performance,
    kpi_change,
    kpi_end_date,
    kpi_end_options,
    performance_assessment,
    scorecard_gap,
)
from crmlib.models.payne_frow.strategy import (
    Strategy,
    parse_targets,
    strategy_development,
)
from crmlib.models.payne_frow.tables import (
    quality_table,
    scorecard_table,
    strategy_table,
    support_table,
)
from crmlib.models.payne_frow.text import (
    describe_baseline,
    describe_continuity,
    describe_element,
    describe_information,
    describe_multichannel,
    describe_performance,
    describe_readiness,
    describe_strategy,
    describe_value,
)
from crmlib.models.payne_frow.value import (
    ACQUISITION_MULTIPLE,
    RETENTION_LIFT,
    ValueCreation,
    value_creation,
)

Result = Results

__all__ = [
    "Result",
    "analyse",
    "diagram",
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
    "contact_history",
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
    "describe_baseline",
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
    "scorecard_gap",
    "process_scores",
    "quality_table",
    "scorecard_table",
    "strategy_table",
    "support_table",
    "readiness",
    "practice_score",
    "data_currency",
    "single_customer_view",
    "readiness_from_answers",
    "strategy_development",
    "value_creation",
    "verdict",
]

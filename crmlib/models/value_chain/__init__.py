"""Buttle's CRM value chain on a company's data: five primary stages on five conditions.

The chain (Buttle, after Porter) identifies and prioritises the activities that create
the most customer value. :func:`analyse` sets up a :class:`ValueChain` (the
``Result``) for one company: it runs each stage once, keeps each result (or the reason a
stage could not run), scores every stage from 0 to 1 and names the stage that limits
value most. :func:`diagram` gives the figures on Buttle's diagram and :func:`verdict`
the conclusion for the strategy report. The notebook ``04_value_chain`` shows each
stage.

How each stage is scored (0 = weak, 1 = strong)
------------------------------------------------
Each score says how well the company does the stage, on a 0-1 scale, never how well the
data lets the workbook analyse it.

========================  ==============================================================
stage                     score
========================  ==============================================================
portfolio analysis        whether the company acts on its portfolio: the share of the
                          window's campaign offers that reached the SSCs and MGCs,
                          rescaled so that a random choice of customers scores 0 and
                          offers only to them score 1 (not scored without campaigns)
customer intimacy         the mean completeness of the SSCs' customer picture
network development       the network-alignment score of the workshop assessment
value proposition         the offer-needs fit of the needs segments, weighted by the
                          share of value each segment brings
relationship management   the mean attainment of the targets (value / target, at most 1);
                          not scored when the year before is less than half inside the
                          data, with a caveat when only part of it is
supporting conditions     each condition's score in the workshop assessment
========================  ==============================================================

The stage that limits value most is the primary stage with the lowest score: the chain
is read as a chain, so its weakest link bounds what the later stages can deliver. Ties
go to the earlier stage, which feeds the others. A stage without a score (no data, no
workshop answers) is left out of the comparison and said so. These scores are the
workbook's; the sources name the stages without scoring them.

The SSCs, their share of value and the retention targets are the customer base's and the
client's (:mod:`crmlib.analytics.base`, :func:`crmlib.analytics.vocabulary.targets`), the
same in every report. Buttle's types of strategically significant customer are this
model's own, stated under ``buttle_ssc_type`` and never as the SSC count.
"""

from __future__ import annotations

from crmlib.models.value_chain.analysis import analyse
from crmlib.models.value_chain.chain import (
    MODEL,
    PRIMARY_STAGES,
    ValueChain,
    limiting_stage,
)
from crmlib.models.value_chain.conclude import (
    describe_chain,
    describe_scores,
    diagram,
    verdict,
    verdict_of,
)
from crmlib.models.value_chain.portfolio import (
    MATRIX_AXES,
    Portfolio,
    portfolio_analysis,
    top_customers,
)
from crmlib.models.value_chain.relationships import (
    Conditions,
    Relationships,
    Targets,
    relationship_management,
    supporting_conditions,
)
from crmlib.models.value_chain.stages import (
    CONDITIONS,
    Intimacy,
    Network,
    Proposition,
    customer_intimacy,
    network_development,
    supplier_table,
    supplier_value,
    touchpoint_knowledge,
    value_proposition,
)
from crmlib.models.value_chain.tables import (
    cohort_table,
    needs_table,
    profile_table,
    readable_table,
    sources_table,
    suppliers_table,
    top_customers_table,
    type_counts_table,
)
from crmlib.models.value_chain.text import (
    describe_conditions,
    describe_intimacy,
    describe_network,
    describe_portfolio,
    describe_proposition,
    describe_relationships,
)

Result = ValueChain

__all__ = [
    "Result",
    "analyse",
    "diagram",
    "CONDITIONS",
    "MATRIX_AXES",
    "MODEL",
    "PRIMARY_STAGES",
    "Conditions",
    "Intimacy",
    "Network",
    "Portfolio",
    "Proposition",
    "Relationships",
    "Targets",
    "ValueChain",
    "cohort_table",
    "customer_intimacy",
    "describe_chain",
    "describe_conditions",
    "describe_intimacy",
    "describe_network",
    "describe_portfolio",
    "describe_proposition",
    "describe_relationships",
    "describe_scores",
    "limiting_stage",
    "needs_table",
    "network_development",
    "portfolio_analysis",
    "profile_table",
    "readable_table",
    "relationship_management",
    "sources_table",
    "supplier_table",
    "supplier_value",
    "suppliers_table",
    "supporting_conditions",
    "top_customers",
    "top_customers_table",
    "touchpoint_knowledge",
    "type_counts_table",
    "value_proposition",
    "verdict",
    "verdict_of",
]

"""Payne & Frow's fourth process: information management.

**Information management** is the data repository and the analysis it carries. The
workbook measures the completeness and quality of each table, how complete the picture
of each customer is (:func:`crmlib.analytics.profile.customer_picture`), and which of
the workbook's analyses the data supports (:func:`crmlib.analytics.data_support.data_support`).
Its process score (0-1) is the mean of the customers' picture completeness and the share
of analyses supported ("partly" counting half).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics.data_support import data_support, support_share, table_quality
from crmlib.analytics.profile import ASPECTS, customer_picture, knowledge_levels
from crmlib.data.company import Company
from crmlib.models.payne_frow.common import Parts, readable


@dataclass(frozen=True)
class Information(Parts):
    """The data repository: table quality, the customer picture, what the data supports.

    Attributes
    ----------
    tables : DataFrame
        :func:`crmlib.analytics.data_support.table_quality`.
    aspects : Series
        The mean completeness (0-1) of each of the six aspects of the customer picture,
        and ``completeness``, their mean.
    knowledge : Series
        The share of customers poorly, partly and well known.
    support : DataFrame
        :func:`crmlib.analytics.data_support.data_support`.
    score : float
        See the module docstring.
    """

    tables: pd.DataFrame
    aspects: pd.Series
    knowledge: pd.Series
    support: pd.DataFrame
    score: float
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def weakest_aspect(self) -> str:
        return str(self.aspects[list(ASPECTS)].idxmin())

    @property
    def counts(self) -> dict[str, int]:
        """How many analyses are fully, partly and not supported."""
        found = self.support["available"].value_counts()
        return {level: int(found.get(level, 0)) for level in ("yes", "partly", "no")}


def information_management(company: Company) -> Information:
    """Table quality, the customer picture and the analyses the data supports."""
    end = company.observation_end
    tx = company.transactions[(company.transactions["date"] <= end).to_numpy(dtype=bool)]
    interactions = company.interactions
    if interactions is not None and "date" in interactions.columns:
        interactions = interactions[(interactions["date"] <= end).to_numpy(dtype=bool)]
    picture = customer_picture(
        company.customers,
        tx,
        products=company.products,
        interactions=interactions,
        needs=company.needs,
    )
    aspects = picture[[*ASPECTS, "completeness"]].mean()
    knowledge = knowledge_levels(picture).value_counts(normalize=True, sort=False)
    support = data_support(company)
    return Information(
        tables=table_quality(company),
        aspects=aspects,
        knowledge=knowledge,
        support=support,
        score=float((aspects["completeness"] + support_share(support)) / 2),
    )


def support_table(information: Information) -> pd.DataFrame:
    """Which analyses the data supports, as a report shows it."""
    return readable(
        information.support,
        {
            "analysis": "analysis",
            "needs": "needs",
            "available": "available?",
            "found": "found",
            "what_to_add": "what to add",
        },
    ).set_index("analysis")


def quality_table(information: Information) -> pd.DataFrame:
    """Completeness and weak spots per table, as a report shows it."""
    return readable(
        information.tables,
        {
            "rows": "rows",
            "completeness": "filled",
            "weakest_column": "least filled column",
            "weakest_fill": "its fill",
            "issues": "remarks",
        },
        shares=("completeness", "weakest_fill"),
    )

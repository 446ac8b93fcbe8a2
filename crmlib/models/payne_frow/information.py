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
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.figures import Figure
from crmlib.models.payne_frow.common import Parts


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
    figures : tuple of Figure
        ``table_completeness`` (mean and least) and ``analyses_supported`` (yes,
        partly, no).
    """

    tables: pd.DataFrame
    aspects: pd.Series
    knowledge: pd.Series
    support: pd.DataFrame
    score: float
    skipped: dict[str, str] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()

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
    tables = table_quality(company)
    at_end = end.date().isoformat()
    fill = definition("table_completeness").label
    supported = definition("analyses_supported").label
    found = support["available"].value_counts()
    figures = [
        Figure("table_completeness.mean", f"{fill}: mean", float(tables["completeness"].mean()),
               "share", at_end),
        Figure("table_completeness.least", f"{fill}: least filled table",
               float(tables["completeness"].min()), "share", at_end),
    ] + [
        Figure(f"analyses_supported.{level}", f"{supported}: {level}", int(found.get(level, 0)),
               "analyses", at_end)
        for level in ("yes", "partly", "no")
    ]  # fmt: skip
    return Information(
        tables=tables,
        aspects=aspects,
        knowledge=knowledge,
        support=support,
        score=float((aspects["completeness"] + support_share(support)) / 2),
        figures=tuple(figures),
    )

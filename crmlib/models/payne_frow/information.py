"""Payne & Frow's fourth process: information management.

**Information management** is the data repository and the analysis it carries. The
workbook measures:

- the completeness and quality of each table, and how complete the picture of each
  customer is (:func:`crmlib.analytics.profile.customer_picture`);
- data currency (:func:`data_currency`): how far each table's latest record lies behind
  the observation end, and the share of customers with any record in the last 12 months;
- a single customer view (:func:`single_customer_view`): customer ids that repeat,
  customers recorded twice under two ids (the same name and postcode, as IDIC counts
  them), and records in other tables whose customer id is not in the customers table;
- which of the workbook's analyses the data supports
  (:func:`crmlib.analytics.data_support.data_support`). Which analysis tools the company
  itself uses is not in its data: the readiness workshop asks it (``pp_analysis_tools``).

Its process score (0-1) is the mean of the customers' picture completeness, the share of
analyses supported ("partly" counting half), the share of customers with a current
record and the share of customers not recorded twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics.data_support import data_support, support_share, table_quality
from crmlib.analytics.profile import (
    ASPECTS,
    completeness_words,
    customer_picture,
    knowledge_levels,
    probable_duplicates,
    weakest_aspect,
)
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.figures import Figure
from crmlib.loaded import rows_kept
from crmlib.models.payne_frow.common import Parts
from crmlib.models.payne_frow.elements import practice_score, readiness
from crmlib.text_columns import isin

#: Tables with a customer id and the date that says when their record was made.
DATED = {
    "transactions": "date",
    "interactions": "date",
    "needs": "survey_date",
    "campaigns": "sent_date",
    "customers": "signup_date",
}


def data_currency(company: Company) -> tuple[pd.DataFrame, float]:
    """How current the data is at the observation end.

    Returns
    -------
    (DataFrame, float)
        Per table with a date (:data:`DATED`): ``latest`` (its latest date up to the
        observation end) and ``days_behind`` (days from it to the observation end); and
        the share of customers with a purchase, contact, survey or offer in the 12 months
        up to the observation end (NaN without customers).
    """
    end = company.observation_end
    start = end - pd.DateOffset(months=12)
    rows, recent = {}, []
    for table, column in DATED.items():
        frame = getattr(company, table)
        if frame is None or column not in frame.columns:
            continue
        dates = pd.to_datetime(frame[column], errors="coerce")
        dates = dates[dates <= end]
        latest = dates.max() if len(dates.dropna()) else pd.NaT
        rows[table] = {
            "latest": latest,
            "days_behind": float((end - latest).days) if pd.notna(latest) else float("nan"),
        }
        if table != "customers" and "customer_id" in frame.columns:
            inside = frame.loc[dates.index[(dates > start).to_numpy(dtype=bool)], "customer_id"]
            recent.append(inside.dropna().astype(str))
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["latest", "days_behind"])
    table.index.name = "table"
    ids = company.customers["customer_id"].dropna().astype(str).unique()
    # the ids seen lately, as one column (not a Python set of ten million strings)
    seen = pd.concat(recent, ignore_index=True) if recent else pd.Series([], dtype=str)
    share = float(isin(pd.Index(ids), seen).mean()) if len(ids) else float("nan")
    return table, share


def single_customer_view(company: Company) -> dict[str, float]:
    """Whether one customer is one record across the tables.

    Returns
    -------
    dict
        ``customers`` (records), ``repeated_ids`` (records whose customer_id occurs more
        than once), ``likely_duplicates`` (records sharing a folded name and postcode
        with a record under another id: :func:`crmlib.analytics.profile.probable_duplicates`,
        as IDIC counts them), ``surplus_records`` (those records
        minus one per group: the records a merge would remove), ``duplicate_share``
        (surplus records over records), ``unmatched_records`` and ``matched_share``
        (records of the other tables whose customer_id is in the customers table, over
        all their records; NaN without other tables) and ``customers_derived`` (no
        customers table: the match holds by construction). Without names and postcodes
        the duplicates are unknown (NaN), not zero.
    """
    customers = company.customers.reset_index(drop=True)
    ids = customers["customer_id"].astype("string")
    n = len(customers)
    if {"name", "postcode"} <= set(customers.columns):
        # the workbook's one definition of a probable duplicate (IDIC's Identify counts
        # the same records): the same folded name and postcode under different ids
        doubled = probable_duplicates(customers)
        in_group = len(doubled)
        surplus = int(in_group - doubled["group"].nunique())
        share = surplus / n if n else float("nan")
    else:
        in_group, surplus, share = float("nan"), float("nan"), float("nan")
    total, unmatched = 0, 0
    known = pd.Index(ids.dropna().unique())
    for table in DATED:
        frame = getattr(company, table)
        if table == "customers" or frame is None or "customer_id" not in frame.columns:
            continue
        values = frame["customer_id"].dropna().astype(str)
        total += len(values)
        unmatched += int((~isin(values, known)).sum())
    return {
        "customers": len(customers),
        "repeated_ids": int(ids.duplicated(keep=False).sum()),
        "likely_duplicates": in_group,
        "surplus_records": surplus,
        "duplicate_share": share,
        "unmatched_records": unmatched,
        "matched_share": 1 - unmatched / total if total else float("nan"),
        # no customers table: the ids are the other tables' own, so every record matches
        # by construction and the share says nothing
        "customers_derived": bool(getattr(company, "customers_derived", False)),
    }


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
    currency : DataFrame
        :func:`data_currency` per table.
    current_share : float
        The share of customers with a record in the last 12 months.
    customer_view : dict
        :func:`single_customer_view`.
    analysis_tools : float or None
        The workshop's score (0-1) of the analysis tools in use (``pp_analysis_tools``);
        None when not scored: the data does not show it.
    score : float
        See the module docstring.
    figures : tuple of Figure
        ``table_completeness`` (mean and least) and ``analyses_supported`` (yes,
        partly, no).
    completeness_words : str
        The picture's completeness in words (:func:`crmlib.analytics.profile.completeness_words`).
    unmeasured : tuple of str
        The aspects the data holds nothing of: scored 0, not counted in the completeness.
    tautological : tuple of str
        The aspects that only repeat "has bought"
        (:func:`crmlib.analytics.profile.tautological_aspects`): shown, not counted.
    """

    tables: pd.DataFrame
    aspects: pd.Series
    knowledge: pd.Series
    support: pd.DataFrame
    currency: pd.DataFrame
    current_share: float
    customer_view: dict
    analysis_tools: float | None
    score: float
    skipped: dict[str, str] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()
    completeness_words: str = ""
    unmeasured: tuple[str, ...] = ()
    tautological: tuple[str, ...] = ()

    @property
    def weakest_aspect(self) -> str:
        """The aspect to complete first (:func:`crmlib.analytics.profile.weakest_aspect`)."""
        return weakest_aspect(self.aspects, self.unmeasured, self.tautological)

    @property
    def counts(self) -> dict[str, int]:
        """How many analyses are fully, partly and not supported."""
        found = self.support["available"].value_counts()
        return {level: int(found.get(level, 0)) for level in ("yes", "partly", "no")}


def information_management(company: Company) -> Information:
    """Table quality, the customer picture and the analyses the data supports."""
    end = company.observation_end
    tx = rows_kept(company.transactions, (company.transactions["date"] <= end).to_numpy(dtype=bool))
    interactions = company.interactions
    if interactions is not None and "date" in interactions.columns:
        interactions = rows_kept(interactions, (interactions["date"] <= end).to_numpy(dtype=bool))
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
    currency, current = data_currency(company)
    view = single_customer_view(company)
    workshop = readiness(company)
    parts = [
        aspects["completeness"],
        support_share(support),
        current,
        1 - view["duplicate_share"],
    ]
    known = [float(p) for p in parts if pd.notna(p)]
    return Information(
        tables=tables,
        aspects=aspects,
        knowledge=knowledge,
        support=support,
        currency=currency,
        current_share=current,
        customer_view=view,
        analysis_tools=practice_score(workshop, "pp_analysis_tools"),
        score=sum(known) / len(known),
        figures=tuple(figures),
        completeness_words=completeness_words(picture),
        unmeasured=tuple(picture.attrs["unmeasured"]),
        tautological=tuple(picture.attrs["tautological"]),
    )

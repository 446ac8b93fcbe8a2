"""IDIC's Identify phase: what the company knows about each customer, and identity doubts.

Peppers & Rogers start with knowing each customer across every touchpoint: name,
address, purchase history, contacts. This module measures which of that data exists per
customer (with :func:`crmlib.analytics.profile.customer_picture`) and where identity is
in doubt: probable duplicates, and records that point to unknown customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.profile import customer_picture, probable_duplicates
from crmlib.data.company import Company
from crmlib.text import N_
from crmlib.text_columns import isin

#: The tables whose customer_id must exist in customers (the loader checks them all).
REFERRING_TABLES = ("transactions", "interactions", "needs", "campaigns")


# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identification:
    """What the company knows about each customer, and where identity is in doubt.

    Attributes
    ----------
    customers : int
        Records in the customer table.
    coverage : Series
        Share of customers (0-1) for whom each kind of data exists, by label
        ("name", "address", "phone", "e-mail", "marketing consent", "purchase history",
        "repeat purchases", "contact history", "campaign history", "needs survey").
        Kinds the data model cannot hold for this company (no such column or table)
        are 0.
    picture : DataFrame
        Per customer: :func:`crmlib.analytics.profile.customer_picture`.
    completeness : float
        The mean completeness of the six aspects of the customer picture.
    unrecorded : tuple of str
        The kinds of data in ``coverage`` that the tables cannot hold at all.
    duplicates : DataFrame
        :func:`crmlib.analytics.profile.probable_duplicates`: records that share a
        folded name and postcode.
    unknown_references : DataFrame
        Per table that refers to customers: ``rows`` and ``unknown`` (rows whose
        customer_id is not in customers).
    households : int
        Households or accounts (``related_id``) with more than one customer record.
    duplicates_checked : bool
        Whether the customer table has both names and postcodes, so that duplicates
        could be looked for at all (no duplicates found means nothing without them).
    consent_known : bool
        Whether the customer table records marketing consent (``consent_marketing``).
    customers_derived : bool
        Whether the customers are only the ids in the transactions (the company has no
        customer table); then no row can point to an unknown customer, and the check of
        ``unknown_references`` says nothing.
    """

    customers: int
    coverage: pd.Series
    picture: pd.DataFrame
    completeness: float
    unrecorded: tuple[str, ...]
    duplicates: pd.DataFrame
    unknown_references: pd.DataFrame
    households: int
    duplicates_checked: bool = True
    consent_known: bool = True
    customers_derived: bool = False

    @property
    def duplicate_groups(self) -> int:
        return int(self.duplicates["group"].nunique()) if len(self.duplicates) else 0

    @property
    def unknown(self) -> int:
        """Rows, over every table, that point to a customer not in the customer table."""
        return int(self.unknown_references["unknown"].sum())


def unknown_customer_references(company: Company) -> pd.DataFrame:
    """Rows of each table that refer to a customer missing from the customer table.

    The loader refuses a folder where any such row exists (see
    :func:`crmlib.data.validation.check_references`), so on loaded data every count is
    0; the table documents that the check was made, and on which rows.

    Returns
    -------
    DataFrame
        Indexed by table: ``rows`` and ``unknown``.
    """
    known = pd.Index(company.customers["customer_id"].astype(str))
    rows = {}
    for table in REFERRING_TABLES:
        frame = getattr(company, table)
        if frame is None or "customer_id" not in frame.columns:
            continue
        ids = frame["customer_id"].dropna().astype(str)
        rows[table] = {"rows": len(frame), "unknown": int((~isin(ids, known)).sum())}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["rows", "unknown"])
    out.index.name = "table"
    return out.astype(np.int64)


def data_coverage(company: Company, picture: pd.DataFrame | None = None) -> pd.Series:
    """The share of customers for whom each kind of data exists (see :class:`Identification`)."""
    customers = company.customers
    picture = (
        picture
        if picture is not None
        else customer_picture(
            customers,
            company.transactions,
            products=company.products,
            interactions=company.interactions,
            needs=company.needs,
        )
    )
    n = max(len(picture), 1)
    consent = (
        customers["consent_marketing"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "consent_marketing" in customers.columns
        else np.zeros(len(customers), dtype=bool)
    )
    campaigns = company.campaigns
    had_campaign = (
        isin(picture.index, campaigns["customer_id"].astype(str))
        if campaigns is not None and "customer_id" in campaigns.columns
        else np.zeros(len(picture), dtype=bool)
    )
    values = {
        "name": picture["has_name"].sum(),
        "address": picture["has_address"].sum(),
        "phone": picture["has_phone"].sum(),
        "e-mail": picture["has_email"].sum(),
        "marketing consent": consent.sum(),
        "purchase history": (picture["purchase_days"] > 0).sum(),
        "repeat purchases": (picture["purchase_days"] > 1).sum(),
        "contact history": (picture["contacts"] > 0).sum(),
        "campaign history": had_campaign.sum(),
        "needs survey": picture["in_needs_survey"].sum(),
    }
    return pd.Series({k: float(v) / n for k, v in values.items()}, name="share")


#: Where each kind of data of :func:`data_coverage` comes from: (table, column or None).
#: The kinds are keys the code reads; N_ marks them for the catalogue, and they are
#: translated where a chart or a text shows them.
SOURCES = {
    N_("name"): ("customers", "name"),
    N_("address"): ("customers", "address"),
    N_("phone"): ("customers", "phone"),
    N_("e-mail"): ("customers", "email"),
    N_("marketing consent"): ("customers", "consent_marketing"),
    N_("purchase history"): ("transactions", None),
    N_("repeat purchases"): ("transactions", None),
    N_("contact history"): ("interactions", None),
    N_("campaign history"): ("campaigns", None),
    N_("needs survey"): ("needs", None),
}


def unrecorded_data(company: Company) -> list[str]:
    """The kinds of data the company's tables cannot hold at all (no such table or column)."""
    return [
        label
        for label, (table, column) in SOURCES.items()
        if not (company.has(table, column) if column else company.has(table))
    ]


def duplicates_checkable(customers: pd.DataFrame) -> bool:
    """Whether duplicates can be looked for: some record has both a name and a postcode."""
    if not {"name", "postcode"} <= set(customers.columns):
        return False
    return bool((customers["name"].notna() & customers["postcode"].notna()).any())


def identify(company: Company) -> Identification:
    """Identify: the data per customer across touchpoints, and the identity problems."""
    picture = customer_picture(
        company.customers,
        company.transactions,
        products=company.products,
        interactions=company.interactions,
        needs=company.needs,
    )
    households = 0
    if "related_id" in company.customers.columns:
        sizes = company.customers["related_id"].dropna().value_counts()
        households = int((sizes > 1).sum())
    return Identification(
        customers=len(company.customers),
        coverage=data_coverage(company, picture),
        picture=picture,
        completeness=float(picture["completeness"].mean()) if len(picture) else float("nan"),
        unrecorded=tuple(unrecorded_data(company)),
        duplicates=probable_duplicates(company.customers),
        unknown_references=unknown_customer_references(company),
        households=households,
        duplicates_checked=duplicates_checkable(company.customers),
        consent_known="consent_marketing" in company.customers.columns,
        customers_derived=bool(getattr(company, "customers_derived", False)),
    )

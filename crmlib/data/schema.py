"""The canonical data model: tables, their columns and the type of each column.

A company's data is a folder with one file per table (CSV, XLSX or Parquet). Only the
columns that a step needs are required; the rest are used when present. Columns not
named here are kept as they are (e.g. the need dimensions of the survey).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmlib.text import N_

# Column kinds, each parsed by crmlib.data.parsing:
#   id     - an identifier, kept as text (leading zeros matter: "00123" != "123")
#   text   - free text
#   date   - a calendar date (ISO, or dd-mm-yyyy as Dutch and Belgian Excel writes it);
#            a time of day is dropped (crmlib.data.parsing.calendar_days)
#   number - a decimal number (decimal point or decimal comma)
#   int    - a whole number
#   bool   - yes/no, true/false, ja/nee, 1/0
COLUMN_KINDS = ("id", "text", "date", "number", "int", "bool")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    required: bool = False
    # column -> (table, column) it must refer to
    references: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _cols(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            N_("One row per customer (a person or an account)."),
            _cols(
                ("customer_id", "id", True, "unique customer number"),
                ("name", "text", False, "full name or company name"),
                ("type", "text", False, "B2C or B2B"),
                ("address", "text", False, "street and number"),
                ("postcode", "text", False, "postcode"),
                ("city", "text", False, "city"),
                ("phone", "text", False, "primary phone number"),
                ("email", "text", False, "e-mail address"),
                ("birth_date", "date", False, "date of birth (B2C)"),
                ("gender", "text", False, "gender as recorded"),
                ("signup_date", "date", False, "first registration"),
                ("related_id", "id", False, "household or account the customer belongs to"),
                ("consent_marketing", "bool", False, "may receive marketing"),
                (
                    "acquisition_channel",
                    "text",
                    False,
                    "channel through which the customer came in",
                ),
            ),
            key="customer_id",
            # A customers file must hold records; a folder without one gets the distinct
            # customer ids of its transactions (crmlib.data.company).
            required=True,
        ),
        Table(
            "transactions",
            N_("One row per purchase line (or per receipt)."),
            _cols(
                ("transaction_id", "id", False, "unique line or receipt number"),
                ("customer_id", "id", True, "who bought"),
                ("date", "date", True, "when"),
                ("product_id", "id", False, "what"),
                ("quantity", "number", False, "how many (negative for returns)"),
                ("amount", "number", True, "revenue incl. discounts, excl. VAT"),
                ("cost", "number", False, "cost of goods sold"),
                ("channel", "text", False, "store, webshop, call centre, ..."),
                ("is_return", "bool", False, "the line is a return"),
            ),
            key="transaction_id",
            required=True,
            references={
                "customer_id": ("customers", "customer_id"),
                "product_id": ("products", "product_id"),
            },
        ),
        Table(
            "products",
            N_("The product catalogue."),
            _cols(
                ("product_id", "id", True, "unique product number"),
                ("name", "text", False, "product name"),
                ("category", "text", False, "product category"),
                ("margin_rate", "number", False, "gross margin as a fraction of the price"),
                ("price", "number", False, "list price"),
                ("supplier", "text", False, "supplier or product source"),
            ),
            key="product_id",
        ),
        Table(
            "interactions",
            N_("One row per contact between the company and a customer."),
            _cols(
                ("interaction_id", "id", False, "unique contact number"),
                ("customer_id", "id", True, "who"),
                ("date", "date", True, "when"),
                ("channel", "text", True, "store, webshop, call centre, e-mail, ..."),
                ("process", "text", False, "sales, information, billing, warranty, complaint, ..."),
                ("direction", "text", False, "inbound or outbound"),
                ("resolved", "bool", False, "the question was resolved in this contact"),
                (
                    "satisfaction",
                    "number",
                    False,
                    "satisfaction score given after the contact (1-5)",
                ),
            ),
            key="interaction_id",
            references={
                "customer_id": ("customers", "customer_id"),
                "channel": ("channels", "channel"),
            },
        ),
        Table(
            "channels",
            N_("The contact channels and what a contact costs in each."),
            _cols(
                ("channel", "text", True, "channel name as used in interactions"),
                ("cost_per_contact", "number", True, "average cost of one contact"),
            ),
            key="channel",
        ),
        Table(
            "needs",
            N_("A needs survey: one row per respondent, one column per need dimension (1-5)."),
            _cols(
                ("customer_id", "id", True, "respondent"),
                ("survey_date", "date", False, "when answered"),
                ("nps", "number", False, "likelihood to recommend, 0-10"),
            ),
            key="customer_id",
            references={"customer_id": ("customers", "customer_id")},
        ),
        Table(
            "campaigns",
            N_("One row per campaign offer sent to a customer."),
            _cols(
                ("campaign_id", "id", True, "campaign"),
                ("customer_id", "id", True, "recipient"),
                ("offer", "text", False, "what was offered"),
                ("channel", "text", False, "how it was sent"),
                ("sent_date", "date", False, "when it was sent"),
                ("responded", "bool", False, "the customer responded"),
                ("revenue", "number", False, "revenue attributed to the response"),
            ),
            references={"customer_id": ("customers", "customer_id")},
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

# Columns of the needs table that are not need dimensions.
NEEDS_META_COLUMNS = ("customer_id", "survey_date", "nps")

"""A data-quality audit of a company's tables: rows, periods and completeness."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.data.company import Company
from crmlib.loaded import derived

# The column that dates each table's records.
DATE_COLUMNS = {
    "customers": "signup_date",
    "transactions": "date",
    "interactions": "date",
    "needs": "survey_date",
    "campaigns": "sent_date",
}


@dataclass(frozen=True)
class TableStats:
    """What the audit reads of one table.

    Attributes
    ----------
    source : str
        The file or database table it came from, or how it was made.
    rows : int
    filled : Series
        Filled (not missing) values per column, in the table's column order.
    first_date, last_date : Timestamp
        The range of the table's date column (:data:`DATE_COLUMNS`); NaT without one.
    """

    source: str
    rows: int
    filled: pd.Series
    first_date: pd.Timestamp
    last_date: pd.Timestamp


def table_stats(company: Company) -> dict[str, TableStats]:
    """The audit's counts of each table of a loaded company."""
    stats = {}
    for table, frame in company.tables.items():
        date_column = DATE_COLUMNS.get(table)
        dates = (
            frame[date_column]
            if date_column in frame.columns
            else pd.Series(dtype="datetime64[ns]")
        )
        stats[table] = TableStats(
            source=company.source_name(table),
            rows=len(frame),
            filled=frame.notna().sum(),
            first_date=dates.min(),
            last_date=dates.max(),
        )
    return stats


def table_overview(company: Company) -> pd.DataFrame:
    """One row per table the company has.

    Returns
    -------
    DataFrame
        Indexed by table, with columns ``file``, ``rows``, ``columns``, ``first_date``,
        ``last_date`` (of the table's date column, if it has one) and ``completeness``
        (share of filled cells, 0-1).
    """
    return overview_of(table_stats(company))


def overview_of(stats: dict[str, TableStats]) -> pd.DataFrame:
    """:func:`table_overview` of counts made by pandas or by a database engine."""
    rows = []
    for table, stat in stats.items():
        cells = stat.rows * len(stat.filled)
        rows.append(
            {
                "table": table,
                "file": stat.source,
                "rows": stat.rows,
                "columns": len(stat.filled),
                "first_date": stat.first_date,
                "last_date": stat.last_date,
                "completeness": float(stat.filled.sum() / cells) if cells else float("nan"),
            }
        )
    return pd.DataFrame(rows).set_index("table")


def column_completeness(company: Company) -> pd.DataFrame:
    """The share of filled values in every column of every table.

    Returns
    -------
    DataFrame
        Columns ``table``, ``column``, ``filled`` (count), ``rows`` and
        ``completeness`` (0-1), in table order.
    """
    return completeness_of(table_stats(company))


def completeness_of(stats: dict[str, TableStats]) -> pd.DataFrame:
    """:func:`column_completeness` of counts made by pandas or by a database engine."""
    parts = [
        pd.DataFrame(
            {
                "table": table,
                "column": stat.filled.index,
                "filled": stat.filled.to_numpy(dtype="int64"),
                "rows": stat.rows,
            }
        )
        for table, stat in stats.items()
    ]
    out = pd.concat(parts, ignore_index=True)
    out["completeness"] = (out["filled"] / out["rows"]).where(out["rows"] > 0)
    return out


def data_quality(company: Company) -> dict[str, pd.DataFrame]:
    """The whole audit: ``{"tables": table_overview, "columns": column_completeness}``."""
    return {"tables": table_overview(company), "columns": column_completeness(company)}


def monthly_activity(company: Company) -> pd.DataFrame:
    """Transactions, active customers and revenue per calendar month.

    Returns
    -------
    DataFrame
        Indexed by month (period start), with columns ``transactions``,
        ``active_customers`` and ``revenue``.
    """
    # the chart and the sentence beside it both ask for it
    return derived(company.transactions, "monthly_activity", None, lambda: _monthly(company)).copy()


def _monthly(company: Company) -> pd.DataFrame:
    tx = company.transactions
    month = tx["date"].dt.to_period("M").dt.to_timestamp()
    grouped = tx.assign(month=month).groupby("month")
    return pd.DataFrame(
        {
            "transactions": grouped.size(),
            "active_customers": grouped["customer_id"].nunique(),
            "revenue": grouped["amount"].sum(),
        }
    )


def customer_revenue(company: Company) -> pd.Series:
    """Revenue per customer up to the observation end, including customers who never bought."""
    # the audit asks for it once per view of the concentration (chart, figures, exercise)
    key = (company.observation_end, id(company.customers))
    kept = derived(company.transactions, "customer_revenue", key, lambda: _revenue(company))
    return kept.copy()


def _revenue(company: Company) -> pd.Series:
    tx = company.transactions
    tx = tx[tx["date"] <= company.observation_end]
    revenue = tx.groupby("customer_id")["amount"].sum()
    ids = company.customers["customer_id"]
    return (
        revenue.reindex(ids.to_numpy(), fill_value=0.0).rename("revenue").rename_axis("customer_id")
    )

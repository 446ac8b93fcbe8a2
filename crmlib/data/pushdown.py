"""The per-customer purchase summary computed inside the database engine.

For a company in a database, the transaction lines need not come into memory to be
reduced to four numbers per customer: the engine groups them itself and sends back one
row per customer. The expression is written once with Ibis and compiled to each
engine's SQL (DuckDB and PostgreSQL are tested; any engine Ibis speaks can run it).

The definitions are those of :func:`crmlib.analytics.summary.summarize_transactions`
(frequency, recency, T and monetary value in day, week or month periods); a test holds
the two to the same numbers on the sample company.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from crmlib.data.database import connect, parse_source, quiet, table_expression
from crmlib.errors import DataValidationError, ParameterError
from crmlib.money import mean_money

#: The period units, as in :mod:`crmlib.analytics.summary`.
FREQUENCIES = ("D", "W", "M")


def period_numbers(dates, freq: str):
    """Period numbers (days, Monday weeks or calendar months since 1970) of a date column."""
    day = dates.cast("date")  # a date column, or a timestamp's day
    if freq == "D":
        return day.epoch_days()
    if freq == "W":
        # 1970-01-01 was a Thursday: shifting by 3 days puts week starts on Mondays
        return (day.epoch_days() + 3) // 7
    return (day.year() - 1970) * 12 + day.month() - 1


def _end_period(end: pd.Timestamp, freq: str) -> int:
    day = int(np.datetime64(end.date(), "D").astype(np.int64))
    if freq == "D":
        return day
    if freq == "W":
        return (day + 3) // 7
    return (end.year - 1970) * 12 + end.month - 1


def summary_expression(
    transactions,
    *,
    freq: str = "W",
    observation_end: pd.Timestamp,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
):
    """The Ibis expression of the per-customer summary of a transactions table.

    Parameters
    ----------
    transactions : ibis Table
        One row per purchase line, with customer, date and amount columns.
    freq : {"D", "W", "M"}
    observation_end : Timestamp
        Lines after this day are left out; ``T`` runs to its period.

    Returns
    -------
    ibis Table
        One row per customer: ``customer_id``, ``frequency``, ``recency``, ``T``,
        ``monetary_value``, in customer order.
    """
    import ibis

    if freq not in FREQUENCIES:
        raise ParameterError(f"freq must be one of {', '.join(FREQUENCIES)}, got {freq!r}")
    end = pd.Timestamp(observation_end).normalize()
    t = transactions
    lines = t.filter(t[date_col].cast("date") <= ibis.date(end.date())).select(
        customer=t[customer_col].cast("string"),
        period=period_numbers(t[date_col], freq),
        amount=t[amount_col].cast("float64"),
    )
    # one row per customer and period with a purchase: several purchases in one period
    # count once, their amounts are added up
    periods = lines.group_by(["customer", "period"]).aggregate(value=lines.amount.sum())
    # the repeat value is all periods' value less the first period's (no window needed)
    summary = periods.group_by("customer").aggregate(
        n_periods=periods.count(),
        first=periods.period.min(),
        last=periods.period.max(),
        total=periods.value.sum(),
        first_value=periods.value.argmin(periods.period),
    )
    frequency = summary.n_periods - 1
    return summary.select(
        customer_id=summary.customer,
        frequency=frequency,
        recency=(summary["last"] - summary["first"]).cast("float64"),
        T=(ibis.literal(_end_period(end, freq)) - summary["first"]).cast("float64"),
        # the mean is taken in pandas, of the rounded total (see finish_summary)
        repeat_value=summary.total - summary.first_value,
    ).order_by("customer_id")


def customer_summary(
    data: str | os.PathLike[str],
    *,
    freq: str = "W",
    observation_end=None,
    mapping=None,
) -> pd.DataFrame:
    """The per-customer summary of a database company's transactions, computed in the engine.

    Parameters
    ----------
    data : str
        A database URL (see :mod:`crmlib.data.database`).
    freq : {"D", "W", "M"}, default "W"
    observation_end : date-like, optional
        Defaults to the last transaction date (asked of the engine too).
    mapping : TableMapping, optional
        The transactions' entry of mapping.yml (a table or a query, renamed columns).

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``: ``frequency`` (int), ``recency``, ``T``,
        ``monetary_value`` (float), as :func:`crmlib.analytics.summary.summarize_transactions`
        gives them; only these rows leave the engine.
    """
    source = parse_source(data)
    if source is None:
        raise ParameterError(f"customer_summary needs a database URL, got {data!r}")
    con = connect(source)
    try:
        with quiet():
            expression, label = table_expression(con, source, "transactions", mapping)
            if expression is None:
                raise DataValidationError(
                    "transactions",
                    f"no table for this table in {source.url}",
                    fix="create a table named transactions, or name it in mapping.yml",
                )
            renamed = {v: k for k, v in (mapping.columns if mapping else {}).items()}
            columns = {c: renamed.get(c, c) for c in ("customer_id", "date", "amount")}
            if observation_end is None:
                observation_end = expression[columns["date"]].max().execute()
            frame = summary_expression(
                expression,
                freq=freq,
                observation_end=pd.Timestamp(observation_end),
                customer_col=columns["customer_id"],
                date_col=columns["date"],
                amount_col=columns["amount"],
            ).to_pandas()
    finally:
        con.disconnect()
    frame = finish_summary(frame)
    frame["customer_id"] = frame["customer_id"].astype("string")
    return frame.set_index("customer_id")


def finish_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The summary expression's rows as the in-memory summary gives them.

    ``frequency`` as whole numbers; ``monetary_value`` the mean repeat value, of the
    repeat total rounded as every sum of money is (:func:`crmlib.money.mean_money`), so
    that the engine's order of adding up gives the same means as NumPy's.
    """
    frame = frame.copy()
    frame["frequency"] = frame["frequency"].astype(np.int64)
    frame["monetary_value"] = mean_money(
        frame.pop("repeat_value").astype(float).to_numpy(), frame["frequency"].to_numpy()
    )
    return frame

"""A company checked inside a database engine: ``validate`` without reading the lines.

``crm-workbook validate --data <database URL>`` asks the engine for what the checks
need (counts, the first offending rows, a few example values, the filled values per
column, the range of each table's dates) instead of reading every table into memory.
A folder of Parquet files goes the same way: an in-memory DuckDB reads the files. At
five million customers (48 million lines) a DuckDB company is checked holding 3.7 GiB
instead of 12.4 (``benchmarks/validate.py``).

The rules and their wording are those of the folder's checks
(:mod:`crmlib.data.validation`, :mod:`crmlib.data.parsing`, :mod:`crmlib.data.company`):
each finding goes through the same message function, and a test holds the two paths to
the same message on each kind of broken table and to the same summary on the sample.
Rows are numbered in the engine's scan order, as the tables are when they are read.

Parsing text by the Dutch-Excel rules (``31-12-2025``, ``1.234,50``, ``ja``/``nee``) is
pandas' job here, and so is reading CSV and Excel files. So the engine checks a company
in a database or in Parquet files whose columns already have the types their kinds need
(dates as dates, amounts as numbers, flags as booleans, ids as text or whole numbers);
:func:`engine_check` returns None for any other, and ``validate`` then reads and parses
the tables as ``render`` does.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.data.company import (
    Settings,
    buyerless_customer_error,
    missing_transactions_error,
    open_settings,
    table_file,
)
from crmlib.data.database import connect, quiet, table_expression
from crmlib.data.mapping import apply_mapping, check_applies
from crmlib.data.parsing import EARLIEST_DATE, bad_values_error
from crmlib.data.quality import DATE_COLUMNS, TableStats
from crmlib.data.readers import RawTable
from crmlib.data.schema import NEEDS_META_COLUMNS, TABLE_NAMES, TABLES
from crmlib.data.validation import (
    check_required_columns,
    empty_values_error,
    no_records_error,
    shared_key_error,
    unflagged_negative_error,
    unknown_reference_error,
)
from crmlib.errors import DataValidationError
from crmlib.progress import step_bar

#: The name of the row-position column added to each table (0-based, scan order).
_POSITION = "__crm_row"
#: Offending rows fetched per finding: the message shows five, and counts the rest.
_ROWS_SHOWN = DataValidationError.max_rows_shown


@dataclass(frozen=True)
class EngineCheck:
    """A company checked in its engine: what ``validate`` prints.

    Attributes
    ----------
    name, currency : str
    observation_end : Timestamp
    customers_derived : bool
        No customers table: the customers are the lines' distinct ids.
    transactions_source : str
        The transactions' table or query, as messages name it.
    stats : dict of TableStats
        The audit's counts per table, in the company's table order.
    """

    name: str
    currency: str
    observation_end: pd.Timestamp
    customers_derived: bool
    transactions_source: str
    stats: dict[str, TableStats]


def engine_check(data: str | os.PathLike[str], *, progress: bool = False) -> EngineCheck | None:
    """Check a database company, or a folder of Parquet files, in DuckDB or its engine.

    Parameters
    ----------
    data : str or path-like
        A database URL or a company folder.
    progress : bool, default False
        Show a progress bar (tqdm) on stderr: at millions of lines the checks take
        a minute.

    Returns
    -------
    EngineCheck or None
        None when a table is a CSV or Excel file, or when a column needs parsing from
        text (the caller then loads the company instead).

    Raises
    ------
    DataValidationError
        On the first rule broken, with the message the loaded checks give.
    """
    settings = open_settings(data)
    steps = len(TABLE_NAMES) + 2
    bar = step_bar(steps, "checks", progress)
    with _connected(settings) as con, bar:
        return _check(con, settings, bar)


@contextlib.contextmanager
def _connected(settings: Settings):
    """The company's engine, quiet: its database, or an in-memory DuckDB for a folder."""
    import ibis

    source = settings.database
    con = connect(source) if source is not None else ibis.duckdb.connect()
    try:
        with quiet():
            if source is None:
                con.raw_sql("SET enable_progress_bar = false")
            yield con
    finally:
        con.disconnect()


@contextlib.contextmanager
def engine_tables(data: str | os.PathLike[str]) -> Iterator[tuple[Settings, dict] | None]:
    """The company's tables as engine expressions, renamed as mapping.yml says.

    Yields (the company's settings, {table: expression}) for a database company or a
    folder of Parquet files (read by an in-memory DuckDB), or None when a table is a CSV
    or Excel file or a column needs parsing from text (the caller then loads the
    company). The connection closes when the block ends. The tables are not checked
    here: :func:`engine_check` does that.
    """
    settings = open_settings(data)
    with _connected(settings) as con:
        tables = {}
        try:
            for table in TABLE_NAMES:
                found = _table(con, settings, table)
                if found is not None:
                    tables[table] = found[0]
        except _Unsupported:
            yield None
            return
        yield settings, tables


class _Unsupported(Exception):
    """A table the engine cannot check as pandas would: the company is loaded instead."""


def _check(con, settings, bar) -> EngineCheck | None:
    tables: dict = {}
    labels: dict[str, str] = {}
    header_rows: dict[str, int] = {}
    counts: dict[str, int] = {}
    # table by table, as the loaded checks read, parse and check them
    for table in TABLE_NAMES:
        bar.set_description(table)
        try:
            found = _table(con, settings, table)
        except _Unsupported:
            return None
        if found is None:
            if table == "transactions":
                raise missing_transactions_error(settings.data_dir, settings.database)
            continue
        expression, label, rows_before, origin = found
        tables[table], labels[table], header_rows[table] = expression, label, rows_before
        counts[table] = _check_table(expression, table, label, rows_before, origin)
        bar.update()
    bar.update(len(TABLE_NAMES) - bar.n)  # the tables the company does not have
    bar.set_description("references")
    derived = "customers" not in tables
    if derived:
        labels["customers"] = f"the customers derived from {labels['transactions']}"
        _check_buyers(tables, labels, header_rows)
    _check_references(tables, labels, header_rows, derived)
    _check_returns(tables["transactions"], labels["transactions"], header_rows["transactions"])
    bar.update()
    bar.set_description("summary")
    stats = {
        table: _stats(expr, table, labels[table], counts[table]) for table, expr in tables.items()
    }
    if derived:
        ids = ids_as_parsed(tables["transactions"].customer_id)
        n = int(ids.nunique().execute())
        stats["customers"] = TableStats(
            source=f"derived from {labels['transactions']}",
            rows=n,
            filled=pd.Series({"customer_id": n}),
            first_date=pd.NaT,
            last_date=pd.NaT,
        )
    # in the loaded company's table order, where derived customers come first too
    stats = {table: stats[table] for table in TABLE_NAMES if table in stats}
    bar.update()
    end = settings.observation_end
    if end is None:
        last = stats["transactions"].last_date
        end = last.normalize() if pd.notna(last) else pd.Timestamp.today().normalize()
    default_name = (
        settings.database.name
        if settings.database is not None
        else Path(settings.data_dir).resolve().name
    )
    return EngineCheck(
        name=str(settings.info.get("name") or default_name),
        currency=settings.currency,
        observation_end=end,
        customers_derived=derived,
        transactions_source=labels["transactions"],
        stats=stats,
    )


def _table(con, settings, table: str):
    """The table's expression, renamed as mapping.yml says; its label and header rows.

    Returns None when the company has no such table; raises _Unsupported for a file
    DuckDB does not read as pandas would, or a column that needs parsing from text.
    """
    table_mapping = settings.mapping.get(table)
    if settings.database is not None:
        if table_mapping is not None:
            check_applies(table_mapping, table, settings.database.url)
        expression, label = table_expression(con, settings.database, table, table_mapping)
        if expression is None:
            return None
        label, rows_before, kind = (
            Path(label).name,
            0,
            ("query" if table_mapping is not None and table_mapping.query else "table"),
        )
    else:
        path = table_file(settings.data_dir, table, settings.mapping)
        if path is None:
            return None
        if path.suffix.lower() not in (".parquet", ".pq"):
            raise _Unsupported(path.name)  # CSV and Excel keep their Dutch-Excel reading
        if table_mapping is not None:
            check_applies(table_mapping, table, path)
        expression = con.read_parquet(path)
        label, rows_before, kind = path.name, RawTable.header_rows, "file"
    # the mapping's own check and message, on the column names alone
    apply_mapping(pd.DataFrame(columns=list(expression.columns)), table_mapping, label, kind)
    if table_mapping is not None and table_mapping.columns:
        expression = expression.rename({new: old for old, new in table_mapping.columns.items()})
    if not all(_native(table, name, dtype) for name, dtype in expression.schema().items()):
        raise _Unsupported(label)
    return expression, label, rows_before, kind


def _kind(table: str, name: str) -> str | None:
    column = TABLES[table].column(name)
    if column is not None:
        return column.kind
    if table == "needs" and name not in NEEDS_META_COLUMNS:
        return "number"  # a survey's need scores
    return None


def _native(table: str, name: str, dtype) -> bool:
    """Whether the engine's type is what the column's kind is parsed into."""
    kind = _kind(table, name)
    if kind is None:
        return True  # kept as read
    if kind in ("id", "text"):
        return dtype.is_string() or (kind == "id" and dtype.is_integer())
    if kind == "date":
        # a time zone is dropped when parsed: leave that to pandas
        return dtype.is_date() or (dtype.is_timestamp() and dtype.timezone is None)
    if kind == "number":
        return dtype.is_numeric() or dtype.is_boolean()
    if kind == "int":
        return dtype.is_integer()
    return dtype.is_boolean()  # bool


#: Python's whitespace (what ``str.strip`` removes), as a bracket expression both
#: DuckDB's and PostgreSQL's regular expressions read.
_SPACE = "[" + "".join(chr(i) for i in range(0x3001) if chr(i).isspace()) + "]"
_AT_AN_EDGE = f"^{_SPACE}|{_SPACE}$"


def ids_as_parsed(column):
    """Ids as the parsed table holds them: text, trimmed, an empty one missing."""
    import ibis

    if column.type().is_integer():
        return column.cast("string")
    # a regular expression finds the few values to trim faster than trimming them all
    trimmed = column.re_replace(f"^{_SPACE}+", "").re_replace(f"{_SPACE}+$", "")
    return ibis.ifelse(column.re_search(_AT_AN_EDGE), trimmed, column).nullif("")


def _missing(expression, table: str, name: str):
    """Whether a value is missing once parsed (blank text, NaN numbers, NULL)."""
    column = expression[name]
    kind = _kind(table, name)
    if kind in ("id", "text") and column.type().is_string():
        return column.isnull() | column.re_search(f"^{_SPACE}*$")
    if column.type().is_floating():
        return column.isnull() | column.isnan()
    return column.isnull()


def _positioned(expression):
    import ibis

    return expression.mutate(**{_POSITION: ibis.row_number()})


def _first(positioned, predicate, value=None) -> tuple[list[int], pd.Series]:
    """The positions of the first offending rows, and the first three offending values."""
    columns = [_POSITION] if value is None else [_POSITION, value]
    first = (
        positioned.filter(predicate).select(*columns).order_by(_POSITION).limit(_ROWS_SHOWN)
    ).to_pandas()
    values = first[value].iloc[:3] if value is not None else pd.Series(dtype=object)
    return first[_POSITION].astype(np.int64).tolist(), values


def _date_rules(today: pd.Timestamp) -> tuple:
    """parse_dates' range rules: (the test of a day, what is wrong, the fix)."""
    return (
        (
            lambda day: day < EARLIEST_DATE.to_pydatetime(),
            "lie before 1900",
            "correct the year (a typing slip such as 0225 for 2025?)",
        ),
        (
            lambda day: day >= today.to_pydatetime(),
            "lie in the future",
            "correct the dates, or check that the export's date format is day-first",
        ),
    )


def _check_table(expression, table: str, source: str, header_rows: int, origin: str) -> int:
    """The checks of :func:`crmlib.data.validation.parse_table`; returns the row count.

    Every count is made in one pass over the table; the positions of offending rows
    are asked for only when there are some, in the order parse_table checks.
    """
    schema = TABLES[table]
    columns = list(expression.columns)
    check_required_columns(pd.DataFrame(columns=columns), table, source)
    rules = _date_rules(pd.Timestamp.today().normalize() + pd.Timedelta(days=1))
    dates = [name for name in columns if _kind(table, name) == "date"]
    counts = {"rows": expression.count()}
    for name in dates:
        day = expression[name].cast("timestamp")
        for i, (outside, _, _) in enumerate(rules):
            counts[f"date_{name}_{i}"] = outside(day).sum()
    for name in schema.required_columns:
        counts[f"missing_{name}"] = _missing(expression, table, name).sum()
    found = expression.aggregate(**counts).to_pandas().iloc[0]
    found = {k: int(0 if pd.isna(v) else v) for k, v in found.items()}
    rows = found["rows"]
    if rows == 0 and schema.required:
        raise no_records_error(source, origin)
    positioned = _positioned(expression)
    for name in dates:
        for i, (outside, problem, fix) in enumerate(rules):
            count = found[f"date_{name}_{i}"]
            if count:
                positions, examples = _first(
                    positioned, outside(positioned[name].cast("timestamp")), name
                )
                raise bad_values_error(
                    source,
                    name,
                    examples=pd.to_datetime(examples),
                    positions=positions,
                    count=count,
                    problem=problem,
                    fix=fix,
                    header_rows=header_rows,
                )
    for name in schema.required_columns:
        count = found[f"missing_{name}"]
        if count:
            positions, _ = _first(positioned, _missing(positioned, table, name))
            raise empty_values_error(source, name, positions, count, header_rows)
    if schema.key is not None and schema.key in columns:
        _check_key(expression, schema.key, source, header_rows)
    return rows


def _check_key(expression, key: str, source: str, header_rows: int) -> None:
    """Every id of the key column once (parse_table's check_unique_key)."""
    ids = ids_as_parsed(expression[key])
    found = expression.aggregate(n=ids.count(), distinct=ids.nunique()).to_pandas().iloc[0]
    if int(found["n"]) == int(found["distinct"]):
        return
    keyed = _positioned(expression).mutate(__crm_id=ids)
    keyed = keyed.filter(keyed.__crm_id.notnull())
    repeated = (
        keyed.group_by("__crm_id").aggregate(__crm_n=keyed.count()).filter(lambda t: t.__crm_n > 1)
    )
    doubled = keyed.filter(keyed.__crm_id.isin(repeated.__crm_id))
    count = int(doubled.count().execute())
    first = doubled.select(_POSITION, "__crm_id").order_by(_POSITION).limit(_ROWS_SHOWN)
    first = first.to_pandas()
    raise shared_key_error(
        source,
        key,
        first["__crm_id"].iloc[0],
        first[_POSITION].astype(np.int64).tolist(),
        count,
        header_rows,
    )


def _unknown(expression, column: str, known) -> tuple[int, list[int], list]:
    """Rows whose id is not among ``known``: their number, first positions, first ids."""
    ids = ids_as_parsed(expression[column])
    count = int(expression.filter(ids.notnull() & ~ids.isin(known)).count().execute())
    if not count:
        return 0, [], []
    lines = _positioned(expression).mutate(__crm_id=ids)
    unknown = lines.filter(lines.__crm_id.notnull() & ~lines.__crm_id.isin(known))
    positions = (
        unknown.select(_POSITION).order_by(_POSITION).limit(_ROWS_SHOWN).to_pandas()[_POSITION]
    )
    # the first three distinct ids, in the order they first appear
    examples = (
        unknown.group_by("__crm_id")
        .aggregate(__crm_first=unknown[_POSITION].min())
        .order_by("__crm_first")
        .limit(3)
        .to_pandas()["__crm_id"]
    )
    return count, positions.astype(np.int64).tolist(), examples.tolist()


def _check_buyers(tables: dict, labels: dict[str, str], header_rows: dict[str, int]) -> None:
    """Without a customers table, other tables may only name customers who bought."""
    known = ids_as_parsed(tables["transactions"].customer_id)
    for table, expression in tables.items():
        target = TABLES[table].references.get("customer_id")
        if table == "transactions" or target is None or "customer_id" not in expression.columns:
            continue
        count, positions, examples = _unknown(expression, "customer_id", known)
        if count:
            raise buyerless_customer_error(
                labels[table],
                transactions_source=labels["transactions"],
                examples=examples,
                positions=positions,
                count=count,
                header_rows=header_rows[table],
            )


def _check_references(
    tables: dict, labels: dict[str, str], header_rows: dict[str, int], derived: bool
) -> None:
    """Ids that point to another table exist there (when both tables are present)."""
    for table, expression in tables.items():
        for column, (target, target_column) in TABLES[table].references.items():
            if column not in expression.columns:
                continue
            if target == "customers" and derived:
                continue  # checked by _check_buyers; the lines name their own customers
            if target not in tables:
                continue
            known = ids_as_parsed(tables[target][target_column])
            count, positions, examples = _unknown(expression, column, known)
            if count:
                raise unknown_reference_error(
                    labels[table],
                    column,
                    target_source=labels[target],
                    target_column=target_column,
                    examples=examples,
                    positions=positions,
                    count=count,
                    header_rows=header_rows[table],
                )


def _check_returns(transactions, source: str, header_rows: int) -> None:
    """Negative quantities and amounts only on lines flagged as returns."""

    def unflagged(lines, column):
        negative = lines[column] < 0
        if "is_return" in lines.columns:
            return negative & ~lines.is_return.fillna(False)
        return negative

    positioned = _positioned(transactions)
    for column in ("quantity", "amount"):
        if column not in transactions.columns:
            continue
        count = int(transactions.filter(unflagged(transactions, column)).count().execute())
        if count:
            positions, _ = _first(positioned, unflagged(positioned, column))
            raise unflagged_negative_error(source, column, positions, count, header_rows)


def _stats(expression, table: str, source: str, rows: int) -> TableStats:
    """Rows, filled values per column and the date range, in one query."""
    columns = list(expression.columns)
    measures = {
        f"filled_{i}": (~_missing(expression, table, name)).sum() for i, name in enumerate(columns)
    }
    date_column = DATE_COLUMNS.get(table)
    dated = date_column in columns
    if dated:
        # calendar days, as the loaded tables hold them (crmlib.data.parsing.calendar_days)
        day = expression[date_column].cast("date").cast("timestamp")
        measures["first_date"], measures["last_date"] = day.min(), day.max()
    row = expression.aggregate(**measures).to_pandas().iloc[0]
    filled = pd.Series(
        [
            int(0 if pd.isna(row[f"filled_{i}"]) else row[f"filled_{i}"])
            for i in range(len(columns))
        ],
        index=pd.Index(columns),
        dtype="int64",
    )
    return TableStats(
        source=source,
        rows=rows,
        filled=filled,
        first_date=_stamp(row["first_date"]) if dated else pd.NaT,
        last_date=_stamp(row["last_date"]) if dated else pd.NaT,
    )


def _stamp(value) -> pd.Timestamp:
    """A date from the engine as pandas holds the parsed column's (nanoseconds)."""
    stamp = pd.Timestamp(value)
    return stamp if pd.isna(stamp) else stamp.as_unit("ns")

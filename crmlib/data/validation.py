"""The rules every loaded table must keep, checked in one place.

Each rule raises :class:`~crmlib.errors.DataValidationError` naming the file, the
column, the first offending rows (as spreadsheet rows, the header being row 1) and the
fix. Soft problems that a model step reports on rather than refuses (a missing phone
number, two records that look like one person) are left to the steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.parsing import parse_column, spreadsheet_rows
from crmlib.data.readers import RawTable
from crmlib.data.schema import NEEDS_META_COLUMNS, TABLES
from crmlib.errors import DataValidationError
from crmlib.text_columns import has_duplicates, isin


def check_required_columns(frame: pd.DataFrame, table: str, source: str, hint: str = "") -> None:
    """Every column the schema marks as required is present."""
    missing = [c for c in TABLES[table].required_columns if c not in frame.columns]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        names = ", ".join(f"'{c}'" for c in missing)
        raise DataValidationError(
            source,
            f"the required {noun} {names} {'is' if len(missing) == 1 else 'are'} missing{hint}",
            column=missing[0],
            fix=f"add it, or map your export's column to '{missing[0]}' in mapping.yml",
        )


def no_records_error(source: str, origin: str = "file") -> DataValidationError:
    """A required table without rows: a file's header alone, an empty table or query."""
    if origin == "table":
        return DataValidationError(
            source,
            "the table has no rows",
            fix="load its rows, or name the table that holds them in mapping.yml",
        )
    if origin == "query":
        return DataValidationError(
            source,
            "the query returns no rows",
            fix="check the query's conditions in mapping.yml",
        )
    return DataValidationError(
        source,
        "the file has a header but no records",
        fix="export the table again with its records",
    )


def parse_table(raw: RawTable, table: str) -> pd.DataFrame:
    """Parse the known columns of a raw table by their kinds; keep other columns as read.

    The need dimensions of the ``needs`` table (every column but the metadata) are
    parsed as numbers, since they are survey scores.
    """
    schema = TABLES[table]
    source = raw.path.name
    frame = raw.frame
    check_required_columns(frame, table, source, raw.hint)
    if frame.empty and schema.required:
        raise no_records_error(source, raw.origin)
    out = parse_columns(raw, table)
    check_required_values(out, table, source, raw.header_rows)
    check_unique_key(out, table, source, raw.header_rows)
    return out


def parse_columns(raw: RawTable, table: str) -> pd.DataFrame:
    """The known columns of a raw table parsed by their kinds, without the table's checks.

    A column the engine stores in its kind's type (all a company checked in its engine
    has: dates as dates, amounts as numbers) is parsed value by value, so such a table
    parsed a part at a time is the table parsed whole. :func:`parse_table` adds the
    checks that need every row (required values, a unique key), which a company checked
    in its engine has already passed.
    """
    schema = TABLES[table]
    source = raw.path.name
    frame = raw.frame
    parsed = {}
    for name in frame.columns:
        column = schema.column(name)
        kind = column.kind if column else None
        if table == "needs" and column is None and name not in NEEDS_META_COLUMNS:
            kind = "number"
        values = frame[name]
        parsed[name] = (
            parse_column(
                values,
                kind,
                table=source,
                column=name,
                decimal=raw.decimal,
                header_rows=raw.header_rows,
                thousands=raw.thousands,
                date_format=raw.date_format,
            )
            if kind
            else values
        )
    return pd.DataFrame(parsed, index=pd.RangeIndex(len(frame)))


def check_required_values(
    frame: pd.DataFrame, table: str, source: str, header_rows: int = 1
) -> None:
    """Required columns have a value in every row."""
    for name in TABLES[table].required_columns:
        empty = frame[name].isna().to_numpy()
        if empty.any():
            positions = np.flatnonzero(empty)
            raise empty_values_error(source, name, positions, len(positions), header_rows)


def empty_values_error(
    source: str, column: str, positions, count: int, header_rows: int
) -> DataValidationError:
    """A required column without a value in ``count`` rows (the first at ``positions``)."""
    return DataValidationError(
        source,
        f"{count} rows have no value",
        column=column,
        rows=spreadsheet_rows(positions, header_rows),
        fix="fill in the value or remove the rows",
        row_count=count,
    )


def check_unique_key(frame: pd.DataFrame, table: str, source: str, header_rows: int = 1) -> None:
    """The table's key column (when present) holds every id once."""
    key = TABLES[table].key
    if key is None or key not in frame.columns:
        return
    ids = frame[key]
    if not has_duplicates(ids):
        return
    doubled = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
    if doubled.any():
        positions = np.flatnonzero(doubled)
        raise shared_key_error(
            source, key, frame[key].iloc[positions[0]], positions, len(positions), header_rows
        )


def shared_key_error(
    source: str, key: str, first, positions, count: int, header_rows: int
) -> DataValidationError:
    """``count`` rows whose key another row has too (``first``: the first such key)."""
    return DataValidationError(
        source,
        f"{count} rows share an id (e.g. '{first}' appears more than once)",
        column=key,
        rows=spreadsheet_rows(positions, header_rows),
        fix=f"give every row its own {key}, or remove the duplicate rows",
        row_count=count,
    )


def check_references(
    tables: dict[str, pd.DataFrame],
    sources: dict[str, str],
    header_rows: dict[str, int] | None = None,
) -> None:
    """Ids that point to another table exist there (when both tables are present).

    For instance every transaction's customer_id must be a customer in customers.
    """
    header_rows = header_rows or {}
    for table, frame in tables.items():
        for column, (target, target_column) in TABLES[table].references.items():
            if column not in frame.columns or target not in tables:
                continue
            known = tables[target][target_column]
            values = frame[column]
            unknown = values.notna().to_numpy(dtype=bool) & ~isin(values, known)
            if unknown.any():
                positions = np.flatnonzero(unknown)
                raise unknown_reference_error(
                    sources[table],
                    column,
                    target_source=sources[target],
                    target_column=target_column,
                    examples=pd.unique(values[unknown])[:3],
                    positions=positions,
                    count=len(positions),
                    header_rows=header_rows.get(table, 1),
                )


def unknown_reference_error(
    source: str,
    column: str,
    *,
    target_source: str,
    target_column: str,
    examples,
    positions,
    count: int,
    header_rows: int,
) -> DataValidationError:
    """``count`` rows whose ``column`` names a record ``target_source`` does not have."""
    shown = ", ".join(f"'{v}'" for v in examples)
    return DataValidationError(
        source,
        f"{count} rows refer to a {target_column} that is not in {target_source} (e.g. {shown})",
        column=column,
        rows=spreadsheet_rows(positions, header_rows),
        fix=f"add the missing records to {target_source} or correct the ids",
        row_count=count,
    )


def check_returns(transactions: pd.DataFrame, source: str, header_rows: int = 1) -> None:
    """Negative quantities and amounts are only allowed on lines flagged as returns.

    A zero amount is allowed (a free item or a fully discounted line).
    """
    flagged = (
        transactions["is_return"].fillna(False).to_numpy(dtype=bool)
        if "is_return" in transactions.columns
        else np.zeros(len(transactions), dtype=bool)
    )
    for column in ("quantity", "amount"):
        if column not in transactions.columns:
            continue
        negative = (transactions[column] < 0).fillna(False).to_numpy(dtype=bool) & ~flagged
        if negative.any():
            positions = np.flatnonzero(negative)
            raise unflagged_negative_error(source, column, positions, len(positions), header_rows)


def unflagged_negative_error(
    source: str, column: str, positions, count: int, header_rows: int
) -> DataValidationError:
    """``count`` lines with a negative ``column`` that are not flagged as returns."""
    return DataValidationError(
        source,
        f"{count} lines have a negative {column} but are not flagged as returns",
        column=column,
        rows=spreadsheet_rows(positions, header_rows),
        fix=f"add a column 'is_return' set to true on returned lines, or correct the {column}",
        row_count=count,
    )

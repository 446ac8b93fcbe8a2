"""Turn raw text columns into typed columns, or say exactly which rows are wrong.

Exports from real CRM and till systems arrive as text: dates as 31-12-2025 or
2025-12-31, amounts as 1.234,50 or 1234.50, yes/no flags in Dutch or English. Each
parser works on the distinct values of a column (a column of ten million dates has a
few thousand distinct ones), so the cost is in the number of distinct values.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from crmlib.errors import DataValidationError

# The header is spreadsheet row 1, so record i (0-based) is row i + 2.
HEADER_ROWS = 1

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)

EARLIEST_DATE = pd.Timestamp("1900-01-01")

TRUE_WORDS = frozenset({"true", "yes", "y", "ja", "j", "1", "1.0", "waar", "x", "t", "oui", "vrai"})
FALSE_WORDS = frozenset({"false", "no", "n", "nee", "0", "0.0", "onwaar", "f", "non", "faux"})

_CURRENCY = re.compile(r"[\s\u00a0\u202f€$£]|EUR|USD|GBP", flags=re.IGNORECASE)
_THOUSANDS_DOT = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(,\d{3})+$")


def spreadsheet_rows(
    positions: np.ndarray | list[int], header_rows: int = HEADER_ROWS
) -> list[int]:
    """Spreadsheet row numbers of 0-based record positions (the header is row 1)."""
    return [int(p) + header_rows + 1 for p in positions]


def _blank(values: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(values) or values.dtype == object:
        return values.isna() | values.astype("string").str.strip().eq("")
    return values.isna()


def _bad(
    table: str,
    column: str,
    values: pd.Series,
    bad_mask: np.ndarray,
    problem: str,
    fix: str,
    header_rows: int,
) -> DataValidationError:
    positions = np.flatnonzero(bad_mask)
    return bad_values_error(
        table,
        column,
        examples=values.iloc[positions[:3]],
        positions=positions,
        count=len(positions),
        problem=problem,
        fix=fix,
        header_rows=header_rows,
    )


def _example(value) -> str:
    """A value as a message quotes it: a date as yyyy-mm-dd (with its time if it has one)."""
    if isinstance(value, (np.datetime64, pd.Timestamp, dt.datetime)) and not pd.isna(value):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else str(stamp)
    return str(value)


def bad_values_error(
    table: str,
    column: str,
    *,
    examples: pd.Series,
    positions,
    count: int,
    problem: str,
    fix: str,
    header_rows: int,
) -> DataValidationError:
    """The message for values that break a column's rule, wherever they were found.

    ``examples`` are the first three offending values, ``positions`` the 0-based
    record positions of (at least the first five) offending rows, ``count`` all of them.
    """
    shown = ", ".join(repr(_example(v)) for v in pd.unique(examples))
    noun = "value" if count == 1 else "values"
    return DataValidationError(
        table,
        f"{count} {noun} {problem} (e.g. {shown})",
        column=column,
        rows=spreadsheet_rows(positions, header_rows),
        fix=fix,
        row_count=count,
    )


def _spread(text: pd.Series, distinct: pd.Series, parsed: np.ndarray, missing) -> np.ndarray:
    """Give every value of ``text`` the parsed value of its distinct value (blanks: ``missing``)."""
    positions = pd.Index(distinct.to_numpy()).get_indexer(text.to_numpy())
    out = np.append(parsed, np.array([missing], dtype=parsed.dtype))
    return out[positions]  # position -1 (a blank) picks the appended missing value


def _dates_in_format(distinct: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series]:
    """Parse with one format. Returns the dates (NaT where unread) and a mask of
    values that have the format but a year pandas cannot hold (e.g. 0224)."""
    try:
        dates = pd.to_datetime(distinct, format=fmt, errors="coerce")
        # pandas may hold years before 1677 at a coarser resolution: check the range
        # before converting to nanoseconds, which would wrap such dates silently.
        ancient = (dates < EARLIEST_DATE).fillna(False).astype(bool)
        return dates.mask(ancient).astype("datetime64[ns]"), ancient
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        dates, ancient = [], []
        for value in distinct:
            try:
                stamp = dt.datetime.strptime(value, fmt)
            except ValueError:
                dates.append(pd.NaT)
                ancient.append(False)
                continue
            inside = stamp.year >= EARLIEST_DATE.year
            dates.append(pd.Timestamp(stamp) if inside else pd.NaT)
            ancient.append(not inside)
        return (
            pd.Series(dates, index=distinct.index, dtype="datetime64[ns]"),
            pd.Series(ancient, index=distinct.index, dtype=bool),
        )


#: A value that starts or ends with whitespace, by any definition Arrow's trim or
#: Python's ``str.strip`` use (a superset: a value it finds is simply trimmed).
_EDGE_SPACE = r"^[\s\v\x{85}\x{1c}-\x{1f}\p{Z}]|[\s\v\x{85}\x{1c}-\x{1f}\p{Z}]$"


def _stripped(text: pd.Series) -> pd.Series:
    """``text.str.strip()``, skipped when no value has whitespace at either end.

    Trimming copies every value of a column (ten million ids); finding none to trim
    reads them once, and is the common case for a database or Parquet export.
    """
    array = text.array
    if getattr(array.dtype, "storage", "") == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pa.chunked_array(pa.array(array))
        if not pc.any(pc.match_substring_regex(values, _EDGE_SPACE)).as_py():
            return text
    return text.str.strip()


def parse_id(values: pd.Series) -> pd.Series:
    """Identifiers as text. Whole floats from spreadsheets (123.0) become '123'."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    if pd.api.types.is_integer_dtype(values):
        return values.astype("string")
    text = _stripped(values.astype("string"))
    return text.mask(text.eq(""))


def parse_text(values: pd.Series) -> pd.Series:
    """Free text, stripped; empty cells become missing."""
    text = _stripped(values.astype("string"))
    return text.mask(text.eq(""))


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped text; whole numbers (19970101 read as a number) without '.0'."""
    if pd.api.types.is_float_dtype(values):
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    return _stripped(values.astype("string"))


def parse_dates(
    values: pd.Series,
    *,
    table: str,
    column: str,
    header_rows: int = HEADER_ROWS,
    date_format: str | None = None,
) -> pd.Series:
    """Parse a date column written as ISO dates or as dd-mm-yyyy (Dutch and Belgian Excel).

    Day-first is assumed for every non-ISO date, so 01-02-2025 is always the first of
    February, never the second of January; dates must fall between 1900 and today.

    Parameters
    ----------
    date_format : str, optional
        The one strftime format of the column (from mapping.yml, e.g. ``%Y%m%d`` or
        ``%m/%d/%y``); every value must have it.

    Raises
    ------
    DataValidationError
        If some non-empty values cannot be read with that format.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = pd.to_datetime(values)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        out = out.astype("datetime64[ns]")
        checked = check_date_range(out, table=table, column=column, header_rows=header_rows)
        return calendar_days(checked)
    blank = _blank(values).to_numpy()
    text = _as_text(values)
    distinct = pd.Series(pd.unique(text[~blank]), dtype="string")
    if date_format is not None:
        return calendar_days(
            _dates_with_format(
                values, text, distinct, blank, date_format, table, column, header_rows
            )
        )
    # Each value takes the first format that reads it. No month-first format is on the
    # list, so no value can be read two ways, and a column that mixes ISO dates with
    # dd-mm-yyyy (two exports pasted together) still reads correctly.
    best = np.full(len(distinct), np.datetime64("NaT"), dtype="datetime64[ns]")
    ancient = np.zeros(len(distinct), dtype=bool)
    for fmt in DATE_FORMATS:
        todo = np.isnat(best) & ~ancient
        if not todo.any():
            break
        dates, too_old = _dates_in_format(distinct[todo], fmt)
        best[todo] = dates.to_numpy(dtype="datetime64[ns]")
        ancient[todo] = too_old.to_numpy(dtype=bool)
    out = pd.Series(_spread(text, distinct, best, np.datetime64("NaT", "ns")), index=values.index)
    too_old = _spread(text, distinct, ancient, False)
    checked = _checked_dates(
        out,
        values,
        too_old,
        blank,
        ("are not dates", "write dates as yyyy-mm-dd or dd-mm-yyyy"),
        table=table,
        column=column,
        header_rows=header_rows,
    )
    return calendar_days(checked)


def calendar_days(dates: pd.Series) -> pd.Series:
    """Dates with a time of day (``2025-12-31 14:05``) as their calendar day.

    Every table's date is a calendar date (see :mod:`crmlib.data.schema`): periods,
    windows and the observation end are whole days. A time kept in the lines would put
    a contact or a sale made at 14:05 on the observation end after that end, outside
    every window, since the end is that day's midnight. Contacts of one day keep the
    order of the rows, in which the threads of contacts read them.
    """
    values = dates.to_numpy(dtype="datetime64[ns]")
    days = values.astype("datetime64[D]").astype("datetime64[ns]")
    timed = (days != values) & ~np.isnat(values)
    if not timed.any():
        return dates
    return pd.Series(days, index=dates.index, name=dates.name)


def _dates_with_format(
    values: pd.Series,
    text: pd.Series,
    distinct: pd.Series,
    blank: np.ndarray,
    date_format: str,
    table: str,
    column: str,
    header_rows: int,
) -> pd.Series:
    """Parse every value with the one format mapping.yml gives."""
    dates, ancient = _dates_in_format(distinct, date_format)
    best = dates.to_numpy(dtype="datetime64[ns]")
    out = pd.Series(_spread(text, distinct, best, np.datetime64("NaT", "ns")), index=values.index)
    too_old = _spread(text, distinct, ancient.to_numpy(dtype=bool), False)
    return _checked_dates(
        out,
        values,
        too_old,
        blank,
        (
            f"are not dates in the format {date_format} that mapping.yml gives",
            "correct the values, or the date_format in mapping.yml",
        ),
        table=table,
        column=column,
        header_rows=header_rows,
    )


def _checked_dates(
    out: pd.Series,
    values: pd.Series,
    too_old: np.ndarray,
    blank: np.ndarray,
    not_dates: tuple[str, str],
    *,
    table: str,
    column: str,
    header_rows: int,
) -> pd.Series:
    """Refuse years before 1900 and values that are not dates, then check the range.

    ``not_dates`` is the (what, fix) pair of the message for values that did not parse.
    """
    if too_old.any():
        raise _bad(
            table,
            column,
            values,
            too_old,
            "lie before 1900",
            "correct the year (a typing slip such as 0225 for 2025?)",
            header_rows,
        )
    bad = out.isna().to_numpy() & ~blank
    if bad.any():
        raise _bad(table, column, values, bad, *not_dates, header_rows)
    return check_date_range(out, values, table=table, column=column, header_rows=header_rows)


def check_date_range(
    dates: pd.Series,
    raw: pd.Series | None = None,
    *,
    table: str,
    column: str,
    header_rows: int = HEADER_ROWS,
) -> pd.Series:
    """Refuse dates before 1900 or after today: typing slips such as 0225 or 2205."""
    raw = dates if raw is None else raw
    today = pd.Timestamp.today().normalize() + pd.Timedelta(days=1)
    too_old = (dates < EARLIEST_DATE).fillna(False).to_numpy(dtype=bool)
    if too_old.any():
        raise _bad(
            table,
            column,
            raw,
            too_old,
            "lie before 1900",
            "correct the year (a typing slip such as 0225 for 2025?)",
            header_rows,
        )
    future = (dates >= today).fillna(False).to_numpy(dtype=bool)
    if future.any():
        raise _bad(
            table,
            column,
            raw,
            future,
            "lie in the future",
            "correct the dates, or check that the export's date format is day-first",
            header_rows,
        )
    return dates


def _normalise_number_text(text: pd.Series, decimal: str) -> pd.Series:
    """Rewrite '€ 1.234,50', '1,234.50' and '1234,5' as plain '1234.50'-style text."""
    text = text.str.replace(_CURRENCY, "", regex=True)
    has_comma = text.str.contains(",", regex=False)
    has_dot = text.str.contains(".", regex=False)
    both = has_comma & has_dot
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    out = text.copy()
    # Both separators: the last one is the decimal separator.
    european = both & comma_last
    out[european] = text[european].str.replace(".", "", regex=False).str.replace(",", ".")
    out[both & ~comma_last] = text[both & ~comma_last].str.replace(",", "", regex=False)
    # Only commas: a decimal comma, unless the column uses a decimal point and the value
    # has the shape of thousands (1,234,567).
    only_comma = has_comma & ~has_dot
    thousands = text.str.match(_THOUSANDS_COMMA) & only_comma
    as_thousands = thousands if decimal == "." else thousands & False
    out[only_comma & ~as_thousands] = text[only_comma & ~as_thousands].str.replace(",", ".")
    out[as_thousands] = text[as_thousands].str.replace(",", "", regex=False)
    # Only dots: a decimal point, unless the column uses a decimal comma and the value
    # has the shape of thousands (1.234.567).
    if decimal == ",":
        dotted = (has_dot & ~has_comma) & text.str.match(_THOUSANDS_DOT)
        out[dotted] = text[dotted].str.replace(".", "", regex=False)
    return out


def _strict_number_text(text: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """Rewrite numbers written with the given separators as plain '1234.50' text.

    A value whose thousands groups are not groups of three (``12.50`` with thousands
    '.') is left unreadable rather than guessed.
    """
    text = text.str.replace(_CURRENCY, "", regex=True)
    if thousands and not thousands.isspace():
        t, d = re.escape(thousands), re.escape(decimal)
        grouped = text.str.contains(thousands, regex=False)
        shape = rf"^[-+]?\d{{1,3}}({t}\d{{3}})+({d}\d*)?$"
        wrong = grouped & ~text.str.match(shape)
        text = text.str.replace(thousands, "", regex=False).mask(wrong, "not a number")
    other = "," if decimal == "." else "."
    text = text.mask(text.str.contains(other, regex=False), "not a number")
    return text.str.replace(decimal, ".", regex=False)


def parse_numbers(
    values: pd.Series,
    *,
    table: str,
    column: str,
    decimal: str = ".",
    header_rows: int = HEADER_ROWS,
    thousands: str | None = None,
) -> pd.Series:
    """Parse a number column: decimal point or comma, thousands separators, currency signs.

    Parameters
    ----------
    values : Series
        The raw column.
    decimal : {".", ","}
        The file's decimal separator as far as the reader can tell (a semicolon-separated
        CSV uses the decimal comma); it decides ambiguous values such as ``1.234``.
    thousands : str, optional
        The thousands separator mapping.yml gives (``""`` for none). Given, every value
        must be written with exactly these separators; without it each value's own
        shape decides.

    Raises
    ------
    DataValidationError
        If some non-empty values are not numbers.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    blank = _blank(values).to_numpy()
    text = values.astype("string").str.strip()
    distinct = pd.Series(pd.unique(text[~blank]), dtype="string")
    if thousands is None:
        normalised = _normalise_number_text(distinct, decimal)
    else:
        normalised = _strict_number_text(distinct, decimal, thousands)
    parsed = pd.to_numeric(normalised, errors="coerce").astype(float)
    # 'inf' and '1e400' are not amounts anyone meant; refuse them like any other text.
    parsed = parsed.where(np.isfinite(parsed))
    out = pd.Series(_spread(text, distinct, parsed.to_numpy(), np.nan), index=values.index)
    bad = np.isnan(out.to_numpy()) & ~blank
    if bad.any() and thousands is not None:
        written = f"'{thousands}' for thousands" if thousands else "no thousands separator"
        raise _bad(
            table,
            column,
            values,
            bad,
            f"are not numbers written with '{decimal}' as decimal separator and {written}",
            "correct the values, or the decimal and thousands options in mapping.yml",
            header_rows,
        )
    if bad.any():
        raise _bad(
            table,
            column,
            values,
            bad,
            "are not numbers",
            "write plain numbers such as 1234.50 or 1234,50",
            header_rows,
        )
    return out


def parse_integers(
    values: pd.Series,
    *,
    table: str,
    column: str,
    decimal: str = ".",
    header_rows: int = HEADER_ROWS,
    thousands: str | None = None,
) -> pd.Series:
    """Parse a whole-number column (nullable ``Int64``)."""
    numbers = parse_numbers(
        values,
        table=table,
        column=column,
        decimal=decimal,
        header_rows=header_rows,
        thousands=thousands,
    )
    fractional = (numbers.notna() & (numbers != np.floor(numbers))).to_numpy()
    if fractional.any():
        raise _bad(
            table,
            column,
            values,
            fractional,
            "are not whole numbers",
            "write whole numbers only",
            header_rows,
        )
    return numbers.round().astype("Int64")


def parse_booleans(
    values: pd.Series, *, table: str, column: str, header_rows: int = HEADER_ROWS
) -> pd.Series:
    """Parse yes/no flags (true/false, yes/no, ja/nee, 1/0, x) into nullable ``boolean``."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    blank = _blank(values).to_numpy()
    words = values.astype("string").str.strip().str.lower()
    is_true = words.isin(TRUE_WORDS).to_numpy()
    is_false = words.isin(FALSE_WORDS).to_numpy()
    bad = ~(is_true | is_false | blank)
    if bad.any():
        raise _bad(
            table,
            column,
            values,
            bad,
            "are not yes/no values",
            "write true/false, yes/no, ja/nee or 1/0",
            header_rows,
        )
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[is_true] = True
    out[is_false] = False
    return out


def parse_column(
    values: pd.Series,
    kind: str,
    *,
    table: str,
    column: str,
    decimal: str = ".",
    header_rows: int = HEADER_ROWS,
    thousands: str | None = None,
    date_format: str | None = None,
) -> pd.Series:
    """Parse one column by its kind in :mod:`crmlib.data.schema`.

    ``thousands`` and ``date_format`` are what mapping.yml says about the file (None:
    worked out from the values).
    """
    if kind == "id":
        return parse_id(values)
    if kind == "text":
        return parse_text(values)
    if kind == "date":
        return parse_dates(
            values,
            table=table,
            column=column,
            header_rows=header_rows,
            date_format=date_format,
        )
    numbers = {"decimal": decimal, "header_rows": header_rows, "thousands": thousands}
    if kind == "number":
        return parse_numbers(values, table=table, column=column, **numbers)
    if kind == "int":
        return parse_integers(values, table=table, column=column, **numbers)
    if kind == "bool":
        return parse_booleans(values, table=table, column=column, header_rows=header_rows)
    raise ValueError(f"unknown column kind {kind!r}")

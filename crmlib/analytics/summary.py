"""Per-customer purchase summaries: the input of the lifetime-value models.

A transaction log (one row per purchase line) is reduced to four numbers per customer,
with the definitions of the BG/NBD and Gamma-Gamma literature (and of the ``lifetimes``
package, so that summaries made elsewhere can be reused):

``frequency``
    The number of *repeat* purchase periods: the number of distinct periods (days, weeks
    or months) in which the customer bought, minus one. Several purchases in one period
    count once, so a customer with one busy Saturday is not mistaken for a regular.
``recency``
    The customer's age at the last purchase: periods between the first and the last
    purchase period. 0 for a one-time buyer.
``T``
    The customer's age at the end of the observation: periods between the first
    purchase period and the period that holds ``observation_end``.
``monetary_value``
    The mean value of the repeat purchase periods (the amounts within a period are
    added up; the first period is left out). 0 for one-time buyers.

The work is done with a handful of whole-array numpy operations on integer customer
codes, never a Python loop per customer, so that ten million transactions take about a
second (see ``benchmarks/summary_vs_duckdb.py``).

This module also holds the checks that every consumer of a summary runs
(:func:`check_summary`), so the models and the value analyses give the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlib.errors import DataValidationError, MissingDataError, ParameterError
from crmlib.loaded import derived
from crmlib.money import mean_money
from crmlib.text import N_
from crmlib.text_columns import numbered_ids

#: The period units a summary can be made in, with their names in messages.
FREQUENCIES = {"D": N_("day"), "W": N_("week"), "M": N_("month")}

#: Average number of periods in a calendar month (365.25 days / 12), for turning a
#: horizon in months into periods of the summary.
PERIODS_PER_MONTH = {"D": 365.25 / 12, "W": 365.25 / 12 / 7, "M": 1.0}

SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")

_INT32_MAX = np.iinfo(np.int32).max


# ----------------------------------------------------------------------------------------
# Input checks (one place for the transactions and one for a summary)
# ----------------------------------------------------------------------------------------


def count(n: int, noun: str, verb: str = "") -> str:
    """ "1 value is" / "3 values are": counts in messages read as plain English."""
    if verb == "are":
        return f"{n} {noun} is" if n == 1 else f"{n} {noun}s are"
    if verb == "have":
        return f"{n} {noun} has" if n == 1 else f"{n} {noun}s have"
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sheet_rows(mask: np.ndarray) -> list[int]:
    """Spreadsheet row numbers (header = row 1) of the True positions of ``mask``."""
    return (np.flatnonzero(mask)[:50] + 2).tolist()


def check_frequency(freq: str) -> str:
    """Return ``freq`` if it is a supported period unit, else raise ParameterError."""
    if freq not in FREQUENCIES:
        choices = ", ".join(f"'{k}' ({v})" for k, v in FREQUENCIES.items())
        raise ParameterError(f"freq must be one of {choices}, got {freq!r}")
    return freq


def require_columns(table: pd.DataFrame, name: str, columns: Sequence[str | None]) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        have = ", ".join(map(str, table.columns[:12]))
        raise MissingDataError(
            f"{name} has no column {', '.join(repr(c) for c in missing)} (it has: {have}). "
            f"Fix: rename the column in the data mapping, or name it with the *_col argument"
        )


def to_day_numbers(dates: pd.Series, table: str, column: str) -> np.ndarray:
    """Calendar days since 1970-01-01 (int64) of a date column, after checking it.

    Text is parsed as dates; time-zone-aware dates are taken in their local time, so a
    purchase at 23:30 in Brussels falls on the Brussels day.

    Raises
    ------
    DataValidationError
        If some values are missing or are not dates.
    """
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    if not pd.api.types.is_datetime64_dtype(dates.dtype):
        parsed = pd.to_datetime(dates, errors="coerce", format="mixed")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
        dates = parsed
    values = dates.to_numpy()
    bad = np.isnat(values)
    if bad.any():
        raise DataValidationError(
            table,
            f"{_count(int(bad.sum()), 'value', 'are')} missing or not a date",
            column=column,
            rows=_sheet_rows(bad),
            fix="fill in the date (YYYY-MM-DD) or remove the row",
        )
    unit, count = np.datetime_data(values.dtype)
    ticks_per_day = int(np.timedelta64(1, "D") / np.timedelta64(count, unit))
    # floor division keeps dates before 1970 on the right day
    return values.view(np.int64) // ticks_per_day


def day_number(value: object, name: str) -> int:
    """Day number (days since 1970-01-01) of a date-like parameter ``name``."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a date, got {value!r}") from exc
    if stamp is pd.NaT:
        raise ParameterError(f"{name} must be a date, got {value!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return int(stamp.to_datetime64().astype("datetime64[D]").astype(np.int64))


# The names these helpers had before they were shared; kept for the callers that still
# use them.
_count = count
_sheet_rows = sheet_rows
_require_columns = require_columns
_day_number = day_number


def amounts_of(tx: pd.DataFrame, column: str, table: str) -> np.ndarray:
    """The amounts of a column as float64, after checking that each is a number."""
    column_values = tx[column]
    if column_values.dtype == np.float64:
        values = column_values.to_numpy()  # no copy for the common case
    else:
        values = pd.to_numeric(column_values, errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataValidationError(
            table,
            f"{_count(int(bad.sum()), 'value', 'are')} missing or not a number",
            column=column,
            rows=_sheet_rows(bad),
            fix="fill in the amount as a number (use 0 for a free item) or remove the row",
        )
    return values


def check_customers(ids: pd.Series, table: str, column: str) -> None:
    """Raise DataValidationError naming the rows without a customer id."""
    missing = ids.isna().to_numpy()
    if missing.any():
        raise DataValidationError(
            table,
            f"{_count(int(missing.sum()), 'row', 'have')} no customer",
            column=column,
            rows=_sheet_rows(missing),
            fix="fill in the customer id or remove the row",
        )


def _integer_codes(values: np.ndarray) -> tuple[np.ndarray, int, tuple]:
    """Codes for whole numbers: an offset when they are dense enough, else factorised."""
    low, high = int(values.min()), int(values.max())
    if high - low < max(2 * len(values), 1 << 16):
        codes = values - low
        return codes.astype(np.intp, copy=False), high - low + 1, ("offset", low)
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.intp, copy=False), len(uniques), ("lookup", pd.Index(uniques))


def _customer_codes(ids: pd.Series, table: str, column: str) -> tuple[np.ndarray, int, tuple]:
    """Dense integer codes for the customers, their count, and a way back to the ids.

    Whole-number ids that are not too sparse are used as codes directly (id minus the
    smallest id), which needs no hashing at all; numbered text ids (``C000123``) go the
    same way through their numbers; anything else is factorised.
    """
    check_customers(ids, table, column)
    numbered = numbered_ids(ids)
    if numbered is not None:
        numbers, prefix, width = numbered
        codes, n_codes, inner = _integer_codes(numbers)
        return codes, n_codes, ("numbered", inner, prefix, width, ids.dtype)
    if len(ids) and pd.api.types.is_integer_dtype(ids.dtype) and ids.dtype != np.uint64:
        codes, n_codes, inner = _integer_codes(ids.to_numpy(dtype=np.int64))
        if inner[0] == "offset":
            return codes, n_codes, ("offset", inner[1], ids.dtype)
        return codes, n_codes, inner
    codes, uniques = pd.factorize(ids, sort=False)
    return codes.astype(np.intp, copy=False), len(uniques), ("lookup", uniques)


def customer_numbers(ids: pd.Series, table: str, column: str) -> tuple[np.ndarray, pd.Index]:
    """Each row's customer as a number from 0, and the customer id of every number.

    The numbers are those of the per-customer summary: no hashing for whole-number ids
    and for numbered text ids (``C000123``), which most CRM exports have.

    Raises
    ------
    DataValidationError
        Naming the rows without a customer id.
    """
    codes, n_codes, mapping = _customer_codes(ids, table, column)
    return codes, _labels(mapping, np.arange(n_codes), column)


def table_customers(table: pd.DataFrame, name: str) -> tuple[np.ndarray, pd.Index]:
    """:func:`customer_numbers` of a table's ``customer_id``, kept with a loaded table.

    The steps that group a company's lines or contacts by customer share one numbering
    per table and kernel (see :mod:`crmlib.loaded`).
    """
    return derived(
        table,
        "customer numbers",
        None,
        lambda: customer_numbers(table["customer_id"], name, "customer_id"),
    )


def customer_ids(ids: pd.Index, numbers: np.ndarray) -> pd.Index:
    """The customer ids of these customer numbers (from :func:`customer_numbers`).

    Text ids come as pandas' ``str`` whatever text type the table holds (one text type
    for per-customer tables, as in the customer base); other ids keep their type.
    """
    chosen = ids.take(np.asarray(numbers, dtype=np.intp))
    if chosen.dtype == object:
        return pd.Index(chosen.to_numpy(dtype=object), name=ids.name)
    if isinstance(chosen.dtype, pd.StringDtype):
        return chosen.astype("str")
    return chosen


def line_customers(
    table: pd.DataFrame, name: str, *, missing_is_customer: bool = False
) -> tuple[np.ndarray, pd.Index]:
    """Each row's customer number and the id of every number, for rows that may lack an id.

    Without missing ids these are the table's kept :func:`table_customers`. With them the
    ids are factorised: a row without one gets -1, or with ``missing_is_customer`` one
    number of its own (counted as one customer, as ``groupby(dropna=False)`` counts it).
    """
    ids = table["customer_id"]
    if ids.isna().any():
        number, labels = pd.factorize(ids, use_na_sentinel=not missing_is_customer)
        return number, pd.Index(labels)
    return table_customers(table, name)


def amount_per_customer(transactions: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """The ``amount`` of the chosen lines summed per customer (lines without one left out).

    Indexed by customer id in id order, as grouping the chosen lines by their ids gives
    it, so means over these customers add up in the same order whatever the ids; the
    lines are grouped by customer number, without a copy of them.
    """
    number, labels = line_customers(transactions, "transactions")
    rows = rows & (number >= 0)
    summed = transactions["amount"][rows].groupby(number[rows], sort=True).sum()
    out = pd.Series(summed.to_numpy(), index=customer_ids(labels, summed.index.to_numpy()))
    return out if out.index.is_monotonic_increasing else out.sort_index(kind="stable")


def _labels(mapping: tuple, present_codes: np.ndarray, name: str) -> pd.Index:
    """The customer ids of the present codes, in the type of the input column."""
    kind = mapping[0]
    if kind == "offset":
        _, low, dtype = mapping
        return pd.Index(present_codes.astype(np.int64) + low, name=name).astype(dtype)
    if kind == "numbered":
        import pyarrow as pa
        import pyarrow.compute as pc

        _, inner, prefix, width, dtype = mapping
        if inner[0] == "offset":
            numbers = present_codes.astype(np.int64) + inner[1]
        else:
            numbers = inner[1].take(present_codes).to_numpy(dtype=np.int64)
        padded = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
        text = pc.binary_join_element_wise(prefix, padded, "") if prefix else padded
        return pd.Index(pd.array(text, dtype=dtype), name=name)
    return pd.Index(mapping[1].take(present_codes), name=name)


def check_summary(
    summary: pd.DataFrame,
    *,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str | None = None,
    table: str = "summary",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Check a per-customer summary and return its columns as float arrays.

    Parameters
    ----------
    summary : DataFrame
        One row per customer, e.g. from :func:`summarize_transactions`.
    frequency_col, recency_col, T_col : str
        Column names of the repeat-purchase count, the age at the last purchase and the
        age at the end of the observation.
    monetary_col : str, optional
        Column of the mean repeat-purchase value, checked when given.
    table : str
        Name of the table in messages.

    Returns
    -------
    frequency, recency, T, monetary_value : ndarray
        ``monetary_value`` is None when ``monetary_col`` is None.

    Raises
    ------
    MissingDataError
        If a column is missing.
    DataValidationError
        If values are missing, negative, fractional frequencies, recency larger than T,
        or a one-time buyer with a recency other than 0.
    """
    _require_columns(summary, table, [frequency_col, recency_col, T_col, monetary_col])

    def numbers(col: str) -> np.ndarray:
        values = pd.to_numeric(summary[col], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        bad = ~np.isfinite(values)
        if bad.any():
            raise DataValidationError(
                table,
                "Some values are missing or are not numbers",
                column=col,
                rows=_sheet_rows(bad),
                fix="fill them in or remove those customers",
            )
        return values

    frequency = numbers(frequency_col)
    recency = numbers(recency_col)
    T = numbers(T_col)
    for col, values in ((frequency_col, frequency), (recency_col, recency), (T_col, T)):
        bad = values < 0
        if bad.any():
            raise DataValidationError(
                table,
                f"Some values in {col} are negative",
                column=col,
                rows=_sheet_rows(bad),
                fix=f"{col} counts periods and cannot be below 0",
            )
    bad = frequency != np.round(frequency)
    if bad.any():
        raise DataValidationError(
            table,
            f"Some values in {frequency_col} are not whole numbers",
            column=frequency_col,
            rows=_sheet_rows(bad),
            fix="frequency counts repeat purchase periods: 0, 1, 2, ...",
        )
    # a little slack for summaries rounded to two decimals, like the published CDNOW one
    bad = recency > T + 1e-9 * np.maximum(T, 1.0)
    if bad.any():
        raise DataValidationError(
            table,
            f"Some values in {recency_col} are larger than {T_col}",
            column=recency_col,
            rows=_sheet_rows(bad),
            fix="recency (age at the last purchase) cannot exceed T (age at the end of the "
            "observation); check that both are measured from the first purchase in one unit",
        )
    bad = (frequency == 0) & (recency != 0)
    if bad.any():
        raise DataValidationError(
            table,
            f"Some one-time buyers ({frequency_col} 0) have a {recency_col} other than 0",
            column=recency_col,
            rows=_sheet_rows(bad),
            fix="recency is 0 for a customer with no repeat purchase",
        )
    monetary = numbers(monetary_col) if monetary_col is not None else None
    return frequency, recency, T, monetary


# ----------------------------------------------------------------------------------------
# Periods
# ----------------------------------------------------------------------------------------


def to_periods(days: np.ndarray, freq: str) -> np.ndarray:
    """Period numbers of day numbers (days since 1970-01-01) in unit ``freq``.

    Weeks run Monday to Sunday (ISO weeks, as pandas' ``"W"``); months are calendar
    months. Differences of period numbers are whole periods.
    """
    check_frequency(freq)
    days = np.asarray(days, dtype=np.int64)
    if freq == "D":
        periods = days
    elif freq == "W":
        # 1970-01-01 was a Thursday: shifting by 3 days puts week starts on Mondays
        periods = days + 3
        periods //= 7
    else:
        periods = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return periods


def _period_stats(
    codes: np.ndarray, n_codes: int, periods: np.ndarray, amounts: np.ndarray | None
) -> dict[str, np.ndarray]:
    """First and last period, number of distinct periods and repeat value per code."""
    first = np.full(n_codes, np.iinfo(periods.dtype).max, dtype=periods.dtype)
    np.minimum.at(first, codes, periods)
    last = np.full(n_codes, np.iinfo(periods.dtype).min, dtype=periods.dtype)
    np.maximum.at(last, codes, periods)
    present = last >= first
    # position of each row's period within its customer's active span (0 = first period)
    offset = first[codes]
    np.subtract(periods, offset, out=offset)
    span = np.where(present, last.astype(np.int64) - first + 1, 0)
    n_periods = _distinct_periods(codes, offset, span, present)
    stats = {"present": present, "first": first, "last": last, "n_periods": n_periods}
    if amounts is not None:
        repeat_value = np.bincount(
            codes, weights=np.where(offset > 0, amounts, 0.0), minlength=n_codes
        )
        stats["repeat_value"] = repeat_value
    return stats


def _segment_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sums of ``values`` between consecutive ``starts`` (the last runs to the end).

    ``np.add.reduceat`` with a wider accumulator first copies its whole input to that
    type; working through it a few million elements at a time keeps that copy small.
    """
    out = np.empty(len(starts), dtype=np.int64)
    chunk = 1 << 22
    first = 0
    while first < len(starts):
        stop_segment = int(np.searchsorted(starts, starts[first] + chunk, side="left"))
        stop_segment = max(stop_segment, first + 1)
        stop = starts[stop_segment] if stop_segment < len(starts) else len(values)
        out[first:stop_segment] = np.add.reduceat(
            values[starts[first] : stop], starts[first:stop_segment] - starts[first], dtype=np.int64
        )
        first = stop_segment
    return out


def _distinct_periods(
    codes: np.ndarray, offset: np.ndarray, span: np.ndarray, present: np.ndarray
) -> np.ndarray:
    """Number of distinct periods per present code.

    Each customer gets a small "seen" map over their own active span (first to last
    period), so counting distinct periods needs no sort and no hash table. The map is a
    byte per period when the spans are short (weeks, months), a bit per period when
    they are long (days over years), and a sort of packed keys when even the bits
    would take more memory than two columns of the transactions. Temporaries are
    updated in place to keep the peak memory low.
    """
    n_rows = len(codes)
    total = int(span.sum())
    starts = np.zeros(len(span), dtype=np.int64)
    if total <= 4 * n_rows + (1 << 20):
        np.cumsum(span[:-1], out=starts[1:])
        index = starts[codes]
        index += offset
        seen = np.zeros(total, dtype=np.uint8)
        seen[index] = 1
        del index
        return _segment_sums(seen, starts[present])
    n_bytes = (span + 7) >> 3
    total_bytes = int(n_bytes.sum())
    if total_bytes <= 16 * n_rows:
        np.cumsum(n_bytes[:-1], out=starts[1:])
        index = starts[codes]
        index += offset >> 3
        bit = np.left_shift(np.uint8(1), (offset & 7).astype(np.uint8))
        bits = np.zeros(total_bytes, dtype=np.uint8)
        np.bitwise_or.at(bits, index, bit)
        del index, bit
        np.bitwise_count(bits, out=bits)
        return _segment_sums(bits, starts[present])
    # sort (code, offset) keys: rows of one customer end up together, in period order
    width = int(span.max())
    keys = codes.astype(np.int64)
    keys *= width
    keys += offset
    keys.sort()
    new = np.empty(n_rows, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    del keys
    np.cumsum(np.bincount(codes, minlength=len(span))[:-1], out=starts[1:])
    block_starts = starts[present]
    new[block_starts] = True  # each customer's first row opens a period
    return _segment_sums(new, block_starts)


def _summary_frame(
    stats: dict[str, np.ndarray], mapping: tuple, end_period: int, index_name: str
) -> pd.DataFrame:
    present = stats["present"]
    present_codes = np.flatnonzero(present)
    first = stats["first"][present].astype(np.int64)
    n_periods = stats["n_periods"]
    frequency = n_periods - 1
    data = {
        "frequency": frequency,
        "recency": (stats["last"][present] - first).astype(np.float64),
        "T": (end_period - first).astype(np.float64),
    }
    if "repeat_value" in stats:
        repeat = stats["repeat_value"][present]
        data["monetary_value"] = mean_money(repeat, frequency)
    return pd.DataFrame(data, index=_labels(mapping, present_codes, index_name))


def _prepare(
    tx: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None, table: str
) -> tuple[np.ndarray, int, tuple, np.ndarray, np.ndarray | None]:
    _require_columns(tx, table, [customer_col, date_col, amount_col])
    days = to_day_numbers(tx[date_col], table, date_col)
    amounts = amounts_of(tx, amount_col, table) if amount_col is not None else None
    codes, n_codes, mapping = _customer_codes(tx[customer_col], table, customer_col)
    return codes, n_codes, mapping, days, amounts


def _compact_periods(days: np.ndarray, freq: str) -> np.ndarray:
    periods = to_periods(days, freq)
    # 32-bit periods halve the memory of the per-row work; day numbers fit easily
    if (
        len(periods)
        and abs(int(periods.min())) < _INT32_MAX
        and abs(int(periods.max())) < _INT32_MAX
    ):
        return periods.astype(np.int32)
    return periods


# ----------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------


def summarize_transactions(
    tx: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    freq: str = "W",
    observation_end: object = None,
) -> pd.DataFrame:
    """Reduce a transaction log to frequency, recency, T and monetary value per customer.

    Parameters
    ----------
    tx : DataFrame
        One row per purchase (line). It is not modified.
    customer_col, date_col, amount_col : str
        Columns with the customer id, the purchase date and the amount. Set
        ``amount_col=None`` to leave out ``monetary_value``.
    freq : {"D", "W", "M"}, default "W"
        The period unit: days, weeks (Monday to Sunday) or calendar months.
    observation_end : date-like, optional
        The end of the observation. Transactions after it are left out. Defaults to the
        last transaction date.

    Returns
    -------
    DataFrame
        Indexed by customer (named like ``customer_col``), one row per customer with a
        purchase on or before ``observation_end``. Columns:

        - ``frequency`` (int): repeat purchase periods (distinct periods with a purchase,
          minus one);
        - ``recency`` (float): periods from the first to the last purchase period;
        - ``T`` (float): periods from the first purchase period to the period of
          ``observation_end``;
        - ``monetary_value`` (float): mean value of the repeat purchase periods, 0 for
          one-time buyers (only when ``amount_col`` is given).

        Rows are in ascending customer order for whole-number ids and for numbered text
        ids of one length (``C000123``), and in order of first appearance otherwise.

    Raises
    ------
    MissingDataError
        If a named column is missing.
    DataValidationError
        If customers, dates or amounts are missing or malformed (the rows are named).
    ParameterError
        If ``freq`` is not supported, or ``observation_end`` is not a date or comes
        before every transaction.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-15",
    ...                                            "2024-01-08"]),
    ...                    "amount": [10.0, 5.0, 30.0, 20.0]})
    >>> summarize_transactions(tx, freq="W", observation_end="2024-01-29")
                 frequency  recency    T  monetary_value
    customer_id
    a                    1      2.0  4.0            30.0
    b                    0      0.0  3.0             0.0
    """
    check_frequency(freq)
    codes, n_codes, mapping, days, amounts = _prepare(
        tx, customer_col, date_col, amount_col, "transactions"
    )
    end_day = (
        _day_number(observation_end, "observation_end")
        if observation_end is not None
        else (int(days.max()) if len(days) else 0)
    )
    keep = days <= end_day
    if len(days) and not keep.any():
        raise ParameterError(
            f"observation_end ({observation_end}) is before the first transaction; "
            "choose a later date"
        )
    if not keep.all():
        codes, days = codes[keep], days[keep]
        amounts = amounts[keep] if amounts is not None else None
    del keep
    periods = _compact_periods(days, freq)
    del days  # the periods replace the days: free them before the heavy part
    end_period = int(to_periods(np.array([end_day]), freq)[0])
    stats = _period_stats(codes, n_codes, periods, amounts)
    return _summary_frame(stats, mapping, end_period, customer_col)


def calibration_and_holdout(
    tx: pd.DataFrame,
    calibration_end: object,
    observation_end: object = None,
    freq: str = "W",
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
) -> pd.DataFrame:
    """Split the history into a calibration period and a holdout period, per customer.

    Fit a model on the ``*_cal`` columns and compare its forecast for
    ``duration_holdout`` periods with ``frequency_holdout``.

    The holdout consists of the whole periods after the period that holds
    ``calibration_end``, up to and including the period of ``observation_end``. A
    purchase made after ``calibration_end`` but still inside its period belongs to
    neither side, so that a period is never counted twice; choose ``calibration_end``
    at the end of a period (a Sunday for weeks, the last day of a month for months) to
    use every purchase.

    Parameters
    ----------
    tx : DataFrame
        One row per purchase (line). It is not modified.
    calibration_end : date-like
        The last day of the calibration period.
    observation_end : date-like, optional
        The last day of the holdout period. Defaults to the last transaction date.
    freq : {"D", "W", "M"}, default "W"
        The period unit.
    customer_col, date_col, amount_col : str
        Column names, as in :func:`summarize_transactions`.

    Returns
    -------
    DataFrame
        Indexed by customer: one row per customer who bought in the calibration period
        (customers who first bought in the holdout are left out, as the models only
        forecast customers they know). Columns ``frequency_cal``, ``recency_cal``,
        ``T_cal``, ``monetary_value_cal`` (see :func:`summarize_transactions`),
        ``frequency_holdout`` (distinct holdout periods with a purchase),
        ``monetary_value_holdout`` (mean value of those periods, 0 if none) and
        ``duration_holdout`` (the number of holdout periods). The monetary columns are
        there only when ``amount_col`` is given.

    Raises
    ------
    ParameterError
        If ``calibration_end`` is not before ``observation_end``, or the holdout holds
        no whole period.
    MissingDataError, DataValidationError
        As :func:`summarize_transactions`.
    """
    check_frequency(freq)
    codes, n_codes, mapping, days, amounts = _prepare(
        tx, customer_col, date_col, amount_col, "transactions"
    )
    cal_day = _day_number(calibration_end, "calibration_end")
    end_day = (
        _day_number(observation_end, "observation_end")
        if observation_end is not None
        else (int(days.max()) if len(days) else cal_day)
    )
    first_day = int(days.min()) if len(days) else None
    cal_period, duration = holdout_periods(
        calibration_end, observation_end, cal_day, end_day, first_day, freq
    )
    periods = _compact_periods(days, freq)
    in_cal = days <= cal_day
    cal_stats = _period_stats(
        codes[in_cal], n_codes, periods[in_cal], amounts[in_cal] if amounts is not None else None
    )
    calibration = _summary_frame(cal_stats, mapping, cal_period, customer_col)
    calibration.columns = [f"{c}_cal" for c in calibration.columns]

    in_holdout = (periods > cal_period) & (days <= end_day)
    hold_codes = codes[in_holdout]
    hold_stats = _period_stats(hold_codes, n_codes, periods[in_holdout], None)
    known = cal_stats["present"]
    frequency_holdout = np.zeros(n_codes, dtype=np.int64)
    frequency_holdout[hold_stats["present"]] = hold_stats["n_periods"]
    calibration["frequency_holdout"] = frequency_holdout[known]
    if amounts is not None:
        # every holdout period is a "repeat" period here, so take all of them
        value = np.bincount(hold_codes, weights=amounts[in_holdout], minlength=n_codes)
        mean_value = np.divide(
            value, frequency_holdout, out=np.zeros(n_codes), where=frequency_holdout > 0
        )
        calibration["monetary_value_holdout"] = mean_value[known]
    calibration["duration_holdout"] = float(duration)
    return calibration


def holdout_periods(
    calibration_end: object,
    observation_end: object,
    cal_day: int,
    end_day: int,
    first_day: int | None,
    freq: str,
) -> tuple[int, int]:
    """The calibration's last period and the number of holdout periods of a split.

    ``cal_day``, ``end_day`` and ``first_day`` are day numbers (days since 1970) of the
    calibration end, the holdout's end and the first transaction (None: none).

    Raises
    ------
    ParameterError
        If the calibration does not end before the holdout, the holdout holds no whole
        period, or the calibration ends before the first transaction.
    """
    if end_day <= cal_day:
        raise ParameterError(
            f"calibration_end ({calibration_end}) must come before observation_end "
            f"({observation_end if observation_end is not None else 'the last transaction'})"
        )
    cal_period = int(to_periods(np.array([cal_day]), freq)[0])
    end_period = int(to_periods(np.array([end_day]), freq)[0])
    duration = end_period - cal_period
    if duration < 1:
        raise ParameterError(
            f"the holdout from {calibration_end} to {observation_end} holds no whole "
            f"{FREQUENCIES[freq]}; choose a later observation_end or a shorter freq"
        )
    if first_day is None or first_day > cal_day:
        raise ParameterError(
            f"calibration_end ({calibration_end}) is before the first transaction; "
            "choose a later date"
        )
    return cal_period, duration


def check_history(
    frequency: object, recency: object, T: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check the purchase histories a model is asked to predict for.

    The three inputs broadcast against each other (scalars, arrays, Series), as for a
    grid of frequencies and recencies in a matrix plot.

    Returns
    -------
    frequency, recency, T : ndarray of float, broadcast to one shape

    Raises
    ------
    DataValidationError
        If values are missing or negative, a frequency is not whole, or recency is
        larger than T.
    """
    try:
        arrays = np.broadcast_arrays(
            *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        )
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"frequency, recency and T must be numbers or arrays of one shape: {exc}"
        ) from exc
    frequency, recency, T = (np.array(a) for a in arrays)
    for name, values in (("frequency", frequency), ("recency", recency), ("T", T)):
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            raise DataValidationError(
                "history",
                f"Some values in {name} are missing or negative",
                column=name,
                rows=_sheet_rows(bad.ravel()),
                fix=f"{name} counts periods: 0 or more",
            )
    bad = frequency != np.round(frequency)
    if bad.any():
        raise DataValidationError(
            "history",
            "Some values in frequency are not whole numbers",
            column="frequency",
            rows=_sheet_rows(bad.ravel()),
            fix="frequency counts repeat purchase periods",
        )
    bad = recency > T + 1e-9 * np.maximum(T, 1.0)
    if bad.any():
        raise DataValidationError(
            "history",
            "Some values in recency are larger than T",
            column="recency",
            rows=_sheet_rows(bad.ravel()),
            fix="recency (age at the last purchase) cannot exceed T (age now)",
        )
    return frequency, recency, T

"""Vectorised helpers of the sample generator: drawing categories and building text.

A million customers and ten million purchase lines need ids, names and phone numbers;
formatting them one by one in Python would dominate the run time. These helpers build
them as fixed-width byte arrays in numpy and join them with pyarrow's string kernels.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def digit_bytes(numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as an ``(n, width)`` uint8 array."""
    rest = np.asarray(numbers, dtype=np.int64).copy()
    out = np.empty((rest.size, width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        out[:, position] = 48 + rest % 10
        rest //= 10
    return out


def fixed_text(*parts: str | tuple[np.ndarray, int]) -> pa.Array:
    """Concatenate constant strings and zero-padded numbers into one string array.

    Parameters
    ----------
    *parts : str or (ndarray, int)
        A constant (ASCII) piece, or numbers with the width to pad them to.

    Returns
    -------
    pyarrow.Array
        One string per number, e.g. ``fixed_text("C", (ids, 6))`` gives "C000123".
    """
    length = next(len(part[0]) for part in parts if isinstance(part, tuple))
    blocks = []
    for part in parts:
        if isinstance(part, str):
            constant = np.frombuffer(part.encode("ascii"), dtype=np.uint8)
            blocks.append(np.broadcast_to(constant, (length, constant.size)))
        else:
            blocks.append(digit_bytes(part[0], part[1]))
    matrix = np.ascontiguousarray(np.concatenate(blocks, axis=1))
    return pa.array(matrix.view(f"S{matrix.shape[1]}").ravel()).cast(pa.string())


def pick(labels: Sequence[str], index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """The label at each index, or null where ``missing`` is true."""
    indices = pa.array(np.asarray(index, dtype=np.int32), mask=missing)
    return pa.array(list(labels), type=pa.string()).take(indices)


def join(*parts: pa.Array | str, separator: str = "") -> pa.Array:
    """Join string arrays (and constants) element-wise; a null part gives a null result."""
    return pc.binary_join_element_wise(*parts, separator)


def with_missing(values: pa.Array, missing: np.ndarray) -> pa.Array:
    """Set the values to null where ``missing`` is true."""
    return pc.if_else(pa.array(missing), pa.scalar(None, type=values.type), values)


def slug(text: str) -> str:
    """Lower-case ASCII letters only, as in an e-mail address ("D'Hooghe" -> "dhooghe")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(character for character in ascii_text.lower() if character.isalnum())


# The generated tables carry the dtypes that crmlib.data.parsing gives each column kind,
# so a company in memory and the same company loaded from disk behave alike.


def to_series(values: pa.Array | Sequence[str]) -> pd.Series:
    """Text (kinds id and text): the nullable ``string`` dtype, backed by pyarrow."""
    return pd.Series(values, dtype="string")


def to_dates(start: np.datetime64, days: np.ndarray) -> pd.Series:
    """Dates (kind date) as ``datetime64[ns]``, from day numbers counted from ``start``."""
    return pd.Series((start + np.asarray(days).astype("timedelta64[D]")).astype("datetime64[ns]"))


def to_flags(values: np.ndarray) -> pd.Series:
    """Flags (kind bool) as the nullable ``boolean`` dtype."""
    return pd.Series(pd.array(np.asarray(values, dtype=bool), dtype="boolean"))


def id_width(count: int, minimum: int) -> int:
    """Digits needed to number ``count`` items, at least ``minimum``."""
    return max(minimum, len(str(count)))


def choose(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of a (rows x categories) matrix of weights."""
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(len(probabilities)) * cumulative[:, -1]
    return np.minimum((cumulative < draws[:, None]).sum(axis=1), probabilities.shape[1] - 1)


def zipf_weights(count: int, offset: float, power: float) -> np.ndarray:
    """Rank weights for name lists ordered from common to rare."""
    weights = 1.0 / (np.arange(count) + offset) ** power
    return weights / weights.sum()


def csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the workbook writes CSV: ISO dates, true/false, whole numbers."""
    # CSV in the workbook's house style: ISO dates, true/false, whole numbers without
    # ".0" (quantities, scores), blanks for missing values.
    columns = {}
    for name, column in table.items():
        if pd.api.types.is_bool_dtype(column):
            text = np.where(column.fillna(False).to_numpy(dtype=bool), "true", "false")
            columns[name] = pd.Series(text, index=table.index, dtype="str").where(column.notna())
        elif pd.api.types.is_datetime64_any_dtype(column):
            days = column.to_numpy().astype("datetime64[D]")
            text = np.datetime_as_string(days, unit="D")
            columns[name] = pd.Series(text, index=table.index, dtype="str").where(column.notna())
        elif pd.api.types.is_float_dtype(column):
            values = column.to_numpy()
            finite = values[~np.isnan(values)]
            whole = bool(np.all(finite == np.round(finite))) and bool(
                np.all(np.abs(finite) < 2**53)
            )
            columns[name] = column.astype("Int64") if whole else column
        else:
            columns[name] = column
    return pd.DataFrame(columns, index=table.index)

"""Write tables for spreadsheets and CRM imports: whole or not at all, and formula-safe.

A customer table goes from the workbook into a CRM system or into someone's Excel. Two
things can go wrong there, and :func:`write_table` prevents both:

- **A half-written file.** The file is written next to the target and renamed over it
  only when complete (:func:`crmlib.atomic.atomic_path`).
- **Formula injection.** A name such as ``=HYPERLINK("http://...")`` typed into a web
  form would run as a formula when the export is opened in a spreadsheet. Following
  the OWASP advice on CSV injection, every text cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (or their full-width forms) gets a leading
  apostrophe, so the spreadsheet shows it as text. Real numbers stay numbers: numeric
  columns are not touched, and neither is text that is just a number such as ``-12.5``
  (it cannot hold a formula).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from crmlib.atomic import atomic_path
from crmlib.errors import ParameterError

#: First characters that make a spreadsheet read a cell as a formula (OWASP), with the
#: full-width forms that some spreadsheet programs also accept.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


def neutralize_cell(value: object) -> object:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        A cell value. Only text is changed.

    Returns
    -------
    object
        ``"'" + value`` for text starting with a formula trigger (unless it is a plain
        number), otherwise ``value`` unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def _is_text(series: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(series.dtype)
        or pd.api.types.is_string_dtype(series.dtype)
        or isinstance(series.dtype, pd.CategoricalDtype)
    )


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell, column name and index label made formula-safe.

    Numeric, boolean and date columns are returned as they are; categorical columns
    come back as text.

    Parameters
    ----------
    df : DataFrame
        The table; not modified.

    Returns
    -------
    DataFrame
    """
    out = df.copy()
    for position in range(df.shape[1]):
        series = df.iloc[:, position]
        if _is_text(series):
            values = series.astype(object).to_numpy()
            out.isetitem(
                position,
                pd.Series([neutralize_cell(v) for v in values], index=df.index, dtype=object),
            )
    out.columns = pd.Index([neutralize_cell(c) for c in df.columns], name=df.columns.name)
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels(
            [
                level.map(neutralize_cell) if _is_text(level.to_series()) else level
                for level in out.index.levels
            ]
        )
    elif _is_text(out.index.to_series()):
        out.index = pd.Index(
            [neutralize_cell(v) for v in out.index], name=neutralize_cell(out.index.name)
        )
    return out


def _has_meaningful_index(df: pd.DataFrame) -> bool:
    index = df.index
    default = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    return not default or any(name is not None for name in index.names)


# control characters that the XLSX format cannot hold (tab, newline and return it can)
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Make values storable in XLSX.

    Excel cannot store time zones, pandas' missing markers or control characters (a
    stray one from a copied form field would otherwise stop the whole export).
    """
    out = df.copy()
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if _is_text(series):
            out.isetitem(
                position,
                series.map(lambda v: _XLSX_ILLEGAL.sub("", v) if isinstance(v, str) else v),
            )
        elif isinstance(series.dtype, pd.DatetimeTZDtype):
            out.isetitem(position, series.dt.tz_convert("UTC").dt.tz_localize(None))
        elif pd.api.types.is_extension_array_dtype(series.dtype) and not _is_text(series):
            # nullable integers and booleans: <NA> must become an empty cell
            out.isetitem(position, series.astype(object).where(series.notna(), None))
    return out


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    index: bool | None = None,
    sheet_name: str = "customers",
    encoding: str = "utf-8",
    sep: str = ",",
) -> Path:
    """Write ``df`` to a .csv or .xlsx file atomically, with spreadsheet formulas neutralised.

    Parameters
    ----------
    df : DataFrame
        The table; not modified.
    path : path-like
        Target file; the suffix (.csv or .xlsx) chooses the format. Missing folders are
        created. An existing file is replaced only once the new one is complete.
    index : bool, optional
        Write the index as the first column(s). By default it is written when it
        carries information (it has a name, or is not the plain 0, 1, 2, ... numbering).
    sheet_name : str, default "customers"
        Worksheet name (.xlsx).
    encoding : str, default "utf-8"
        Text encoding (.csv). Use "utf-8-sig" for Excel to detect UTF-8 by itself.
    sep : str, default ","
        Field separator (.csv). Use ";" for Excel with a decimal comma (Dutch, Belgian).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ParameterError
        If the suffix is not .csv or .xlsx, or ``df`` is not a DataFrame.
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"write_table needs a DataFrame, got {type(df).__name__}")
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParameterError(
            f"cannot write '{target.name}': the file name must end in .csv or .xlsx"
        )
    write_index = _has_meaningful_index(df) if index is None else bool(index)
    safe = neutralize_formulas(df)
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            # CRLF line ends (RFC 4180) also make the writer quote text holding a bare
            # carriage return, which spreadsheets would otherwise read as a new row
            safe.to_csv(tmp, index=write_index, encoding=encoding, sep=sep, lineterminator="\r\n")
        else:
            _excel_ready(safe).to_excel(
                tmp, index=write_index, sheet_name=sheet_name[:31], engine="openpyxl"
            )
    return target


__all__ = ["FORMULA_TRIGGERS", "neutralize_cell", "neutralize_formulas", "write_table"]

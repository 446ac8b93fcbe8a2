"""Read one table from a CSV, XLSX or Parquet file into a frame of raw columns.

CSV files are read as text so that the parsers in :mod:`crmlib.data.parsing` can say
which rows are wrong. The reader works out what Excel does not write down: the
encoding (UTF-8 with or without BOM, UTF-16, or Windows-1252 as Dutch and Belgian
Excel saves it) and the separator (a semicolon where the decimal separator is a comma).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmlib.errors import DataValidationError

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file, before parsing.

    Attributes
    ----------
    frame : DataFrame
        The columns as read (text for CSV; native types for XLSX and Parquet).
    path : Path
        The file it came from.
    decimal : str
        The decimal separator the file uses, as far as can be told.
    header_rows : int
        How many rows stand above the first record (for spreadsheet row numbers).
    """

    frame: pd.DataFrame
    path: Path
    decimal: str = "."
    header_rows: int = 1


def detect_encoding(head: bytes, truncated: bool = False) -> str:
    """Guess a CSV file's encoding from its first bytes.

    ``truncated`` says the bytes are a sample cut from a longer file, whose last
    character may have been cut in half.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still UTF-8.
        if not truncated or error.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """Guess the separator of a CSV sample: semicolon, comma, tab or pipe."""
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        header = lines[0]
        counts = {d: header.count(d) for d in ";,\t|"}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def _check_header(columns: list[str], path: Path) -> None:
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        key = str(name).strip()
        if not key or key.lower().startswith("unnamed:"):
            raise DataValidationError(
                path.name, f"column {position} has no name in the header", rows=[1],
                fix="give every column a name in the first row",
            )
        if key in seen:
            raise DataValidationError(
                path.name, "the header names this column twice", column=key, rows=[1],
                fix="rename or remove one of the two columns",
            )
        seen.add(key)


def read_csv(path: Path) -> RawTable:
    """Read a CSV file as text columns, detecting encoding and separator."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataValidationError(path.name, "the file is empty",
                                  fix="export the table again with a header row and records")
    encoding = detect_encoding(head, truncated=len(head) == _SNIFF_BYTES)
    sample = head.decode(encoding, errors="replace")
    if encoding == "utf-8-sig":
        sample = sample.lstrip("\ufeff")
    delimiter = detect_delimiter(sample)
    header = next(csv.reader(io.StringIO(sample), delimiter=delimiter))
    _check_header([h.strip() for h in header], path)
    frame = pd.read_csv(
        path, sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False,
        na_values=[""], skipinitialspace=False,
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, path, decimal="," if delimiter == ";" else ".")


def read_excel(path: Path, sheet: str | int | None = None) -> RawTable:
    """Read one sheet of an Excel workbook (the first, unless named)."""
    frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
    _check_header([str(c) for c in frame.columns], path)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty and not len(frame.columns):
        raise DataValidationError(path.name, "the sheet is empty",
                                  fix="put the header in the first row of the first sheet")
    return RawTable(frame.infer_objects(), path)


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file with its own column types."""
    return RawTable(pd.read_parquet(path), path)


def read_table_file(path: Path, sheet: str | int | None = None) -> RawTable:
    """Read a table file by its suffix."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path, sheet)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path)
    raise DataValidationError(
        path.name, f"files of type '{suffix}' cannot be read",
        fix="save the table as .csv, .xlsx or .parquet",
    )


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``data_dir`` (e.g. transactions.csv), if any.

    Raises
    ------
    DataValidationError
        If more than one file could hold the table.
    """
    candidates = sorted(
        p for p in data_dir.iterdir()
        if p.is_file() and p.stem.lower() == table and p.suffix.lower() in SUFFIXES
    )
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise DataValidationError(
            table, f"several files could hold this table ({names})",
            fix="keep one of them in the data folder",
        )
    return candidates[0] if candidates else None

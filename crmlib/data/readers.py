"""Read one table from a CSV, XLSX or Parquet file into a frame of raw columns.

CSV files are read as text so that the parsers in :mod:`crmlib.data.parsing` can say
which rows are wrong. The reader works out what Excel does not write down: the
encoding (UTF-8 with or without BOM, UTF-16, or Windows-1252 as Dutch and Belgian
Excel saves it) and the separator (a semicolon where the decimal separator is a comma).
"""

from __future__ import annotations

import csv
import io
import re
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
    hint : str
        A note for error messages when the file looks misread (e.g. an unrecognised
        separator).
    """

    frame: pd.DataFrame
    path: Path
    decimal: str = "."
    header_rows: int = 1
    hint: str = ""


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
    """Guess the separator of a CSV sample: semicolon, comma, tab or pipe.

    The header decides when exactly one candidate occurs in it (column names rarely
    hold separators, where data cells often hold commas); otherwise the csv module's
    sniffer looks at the first lines.
    """
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    in_header = [d for d in ";,\t|" if d in lines[0]]
    if len(in_header) == 1:
        return in_header[0]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ";,\t|"}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def _check_header(columns: list[str], path: Path) -> None:
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        key = str(name).strip()
        if not key or key.lower().startswith("unnamed:"):
            raise DataValidationError(
                path.name,
                f"column {position} has no name in the header",
                rows=[1],
                fix="give every column a name in the first row",
            )
        if key in seen:
            raise DataValidationError(
                path.name,
                "the header names this column twice",
                column=key,
                rows=[1],
                fix="rename or remove one of the two columns",
            )
        seen.add(key)


def decode_mixed(data: bytes) -> str:
    """Decode a file that is not UTF-8 throughout.

    If no line is UTF-8 with accents, the file is Windows-1252 throughout. If some
    lines are and others are not, two exports were pasted together: each line is read
    in its own encoding, where one encoding for the file would garble one half.
    """
    lines = data.splitlines(keepends=True)
    utf8_lines = 0
    for line in lines:
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8_lines += 1
            except UnicodeDecodeError:
                continue
    if utf8_lines == 0:
        return data.decode("cp1252", errors="replace")
    decoded = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors="replace"))
    return "".join(decoded).lstrip("\ufeff")


def _ragged_rows(error: Exception, path: Path, delimiter: str, width: int) -> DataValidationError:
    """pandas' tokenizer error, said as a spreadsheet row and a fix."""
    match = re.search(r"line (\d+), saw (\d+)", str(error))
    rows = [int(match.group(1))] if match else None
    found = (
        f" has {match.group(2)} cells where the header has {width}"
        if match
        else " has more cells than the header"
    )
    name = {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}[delimiter]
    return DataValidationError(
        path.name,
        f"a row{found} (read with the {name} as separator)",
        rows=rows,
        fix=f"put quotes around cells that contain a {name}, or export with another separator",
    )


def _other_separator_hint(columns: list[str]) -> str:
    if len(columns) == 1:
        for separator, name in (
            (";", "semicolons"),
            (",", "commas"),
            ("\t", "tabs"),
            ("|", "pipes"),
        ):
            if separator in columns[0]:
                return f" (the header seems to be separated by {name}, which were not recognised)"
    return ""


def read_csv(path: Path) -> RawTable:
    """Read a CSV file as text columns, detecting encoding and separator."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataValidationError(
            path.name,
            "the file is empty",
            fix="export the table again with a header row and records",
        )
    encoding = detect_encoding(head, truncated=len(head) == _SNIFF_BYTES)
    sample = head.decode(encoding, errors="replace")
    if encoding == "utf-8-sig":
        sample = sample.lstrip("\ufeff")
    delimiter = detect_delimiter(sample)
    header = next(csv.reader(io.StringIO(sample), delimiter=delimiter))
    _check_header([h.strip() for h in header], path)
    options = {"sep": delimiter, "dtype": str, "keep_default_na": False, "na_values": [""]}
    try:
        if encoding == "cp1252":
            frame = pd.read_csv(io.StringIO(decode_mixed(path.read_bytes())), **options)
        else:
            try:
                frame = pd.read_csv(path, encoding=encoding, **options)
            except UnicodeDecodeError:
                frame = pd.read_csv(io.StringIO(decode_mixed(path.read_bytes())), **options)
    except pd.errors.ParserError as error:
        raise _ragged_rows(error, path, delimiter, len(header)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(
        frame,
        path,
        decimal="," if delimiter == ";" else ".",
        hint=_other_separator_hint(list(frame.columns)),
    )


def _locate_header(sheet: pd.DataFrame, scan_rows: int = 20) -> int:
    """The row holding the header: the first row as wide as the table, all text.

    Spreadsheets often carry a title or a date in the first rows above the header.
    """
    head = sheet.head(scan_rows)
    widths = head.notna().sum(axis=1)
    if widths.empty or widths.max() == 0:
        return 0
    for position, (index, width) in enumerate(widths.items()):
        cells = head.loc[index].dropna()
        if width >= 0.8 * widths.max() and all(isinstance(v, str) for v in cells):
            return position
    return 0


def _sheet_table(sheet: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    position = _locate_header(sheet)
    header = [
        str(c).strip() if pd.notna(c) else f"Unnamed: {i}"
        for i, c in enumerate(sheet.iloc[position])
    ]
    body = sheet.iloc[position + 1 :].reset_index(drop=True)
    body.columns = header
    body = body.dropna(how="all", axis=1).dropna(how="all", axis=0).reset_index(drop=True)
    return body, position + 1


def read_excel(
    path: Path, sheet: str | int | None = None, wanted: tuple[str, ...] = ()
) -> RawTable:
    """Read a table from an Excel workbook.

    Parameters
    ----------
    sheet : str or int, optional
        The sheet to read. Without it: the first sheet whose header holds every
        column in ``wanted``, else the first sheet.
    wanted : tuple of str
        Columns the table needs, used to find the right sheet and header row.
    """
    try:
        sheets = pd.read_excel(
            path, sheet_name=None if sheet is None else [sheet], header=None, dtype=object
        )
    except ValueError as error:
        raise DataValidationError(
            path.name, f"cannot read the sheet ({error})", fix="check the sheet name in mapping.yml"
        ) from None
    tables = {name: _sheet_table(frame) for name, frame in sheets.items()}
    chosen = next(
        (name for name, (body, _) in tables.items() if set(wanted) <= set(body.columns)),
        next(iter(tables)),
    )
    frame, header_rows = tables[chosen]
    if not len(frame.columns):
        raise DataValidationError(
            path.name,
            f"the sheet '{chosen}' is empty",
            fix="put the header in the first row of the sheet",
        )
    _check_header([str(c) for c in frame.columns], path)
    return RawTable(frame.infer_objects(), path, header_rows=header_rows)


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file with its own column types."""
    return RawTable(pd.read_parquet(path), path)


def read_table_file(
    path: Path, sheet: str | int | None = None, wanted: tuple[str, ...] = ()
) -> RawTable:
    """Read a table file by its suffix (``wanted`` columns help find an Excel sheet)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path, sheet, wanted)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path)
    raise DataValidationError(
        path.name,
        f"files of type '{suffix}' cannot be read",
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
        p
        for p in data_dir.iterdir()
        if p.is_file() and p.stem.lower() == table and p.suffix.lower() in SUFFIXES
    )
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates)
        raise DataValidationError(
            table,
            f"several files could hold this table ({names})",
            fix="keep one of them in the data folder",
        )
    return candidates[0] if candidates else None

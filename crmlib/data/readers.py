"""Read one table from a CSV, XLSX or Parquet file into a frame of raw columns.

CSV files are read as text so that the parsers in :mod:`crmlib.data.parsing` can say
which rows are wrong. The reader works out what Excel does not write down: the
encoding (UTF-8 with or without BOM, UTF-16, or Windows-1252 as Dutch and Belgian
Excel saves it) and the separator (a semicolon where the decimal separator is a comma;
runs of spaces in a fixed-width export). Whatever mapping.yml says about the file
(:class:`FileLayout`) is taken as it is instead.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmlib.errors import DataValidationError

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
_SNIFF_BYTES = 64 * 1024

#: The separator of files whose columns are set apart by runs of spaces or tabs.
WHITESPACE = "whitespace"

_SEPARATOR_NAMES = {
    ";": "semicolon",
    ",": "comma",
    "\t": "tab",
    "|": "pipe",
    " ": "space",
    WHITESPACE: "runs of spaces",
}


@dataclass(frozen=True)
class FileLayout:
    """How a file is written, as far as mapping.yml says; None means "work it out".

    Attributes
    ----------
    separator : str or None
        One character, or :data:`WHITESPACE` for runs of spaces and tabs.
    decimal : {".", ","} or None
        The decimal separator of numbers written as text.
    thousands : str or None
        The thousands separator; ``""`` for none. Given, numbers are read strictly.
    encoding : str or None
        The text encoding (a Python codec name).
    header : tuple of str or None
        The column names of a file without a header row; None: the file's first row
        (after ``skip_rows``) names the columns.
    skip_rows : int or None
        Rows above the header (or above the first record of a file without one).
    sheet : str or int or None
        The Excel sheet.
    """

    separator: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    encoding: str | None = None
    header: tuple[str, ...] | None = None
    skip_rows: int | None = None
    sheet: str | int | None = None


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
    thousands : str or None
        The thousands separator the mapping gives (None: worked out per value).
    date_format : str or None
        The date format the mapping gives (None: ISO or dd-mm-yyyy).
    origin : {"file", "table", "query"}
        Where the rows come from: a file, or a database's table or query (messages
        name it so).
    """

    frame: pd.DataFrame
    path: Path
    decimal: str = "."
    header_rows: int = 1
    hint: str = ""
    thousands: str | None = None
    date_format: str | None = None
    origin: str = "file"


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
    """Guess the separator of a CSV sample: semicolon, comma, tab, pipe or whitespace.

    The header decides when exactly one candidate occurs in it (column names rarely
    hold separators, where data cells often hold commas); otherwise the csv module's
    sniffer looks at the first lines. A file with none of these characters whose lines
    all split on runs of spaces into the same number (two or more) of cells is
    whitespace-separated (:data:`WHITESPACE`), as fixed-width exports are.
    """
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    if _whitespace_separated(lines):
        return WHITESPACE
    in_header = [d for d in ";,\t|" if d in lines[0]]
    if len(in_header) == 1:
        return in_header[0]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ";,\t|"}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def _whitespace_separated(lines: list[str]) -> bool:
    if any(d in line for line in lines for d in ";,\t|"):
        return False
    # The last line of a sample may be cut off in the middle.
    widths = {len(line.split()) for line in lines[:-1] or lines}
    return len(widths) == 1 and widths.pop() >= 2


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
    name = _SEPARATOR_NAMES.get(delimiter, repr(delimiter))
    if delimiter == WHITESPACE:
        return DataValidationError(
            path.name,
            f"a row{found} (read with {name} as separator)",
            rows=rows,
            fix="name the file's separator in mapping.yml (e.g. separator: ';'), "
            "or export with another separator",
        )
    return DataValidationError(
        path.name,
        f"a row{found} (read with the {name} as separator)",
        rows=rows,
        fix=f"put quotes around cells that contain a {name}, or export with another separator",
    )


def _looks_like_data(value: str) -> bool:
    text = str(value).strip().replace(",", ".").lstrip("-+")
    return bool(re.fullmatch(r"[\d./:-]+", text))


def _other_separator_hint(columns: list[str]) -> str:
    if columns and all(_looks_like_data(c) for c in columns):
        return (
            " (the first row looks like data, not a header: if the file has none, "
            "list the column names under 'header:' in mapping.yml)"
        )
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


def _decode_head(head: bytes, encoding: str, path: Path, truncated: bool) -> str:
    """The first bytes in the encoding mapping.yml gives, or a clear error."""
    try:
        return head.decode(encoding)
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is not an error.
        if truncated and error.start >= len(head) - 3:
            return head[: error.start].decode(encoding)
        row = head[: error.start].count(b"\n") + 1
        raise DataValidationError(
            path.name,
            f"cannot be read as {encoding} (byte 0x{head[error.start]:02x} is not {encoding})",
            rows=[row],
            fix="correct the encoding in mapping.yml (e.g. cp1252 for Windows files), "
            "or leave it out to have it detected",
        ) from None


def _first_row(lines: list[str], delimiter: str) -> list[str]:
    if not lines:
        return []
    if delimiter == WHITESPACE:
        return lines[0].split()
    return next(csv.reader(io.StringIO(lines[0]), delimiter=delimiter), [])


def read_csv(path: Path, layout: FileLayout | None = None) -> RawTable:
    """Read a CSV file as text columns, detecting encoding and separator.

    Parameters
    ----------
    path : Path
        The file.
    layout : FileLayout, optional
        What mapping.yml says about the file; what it leaves out is detected.

    Raises
    ------
    DataValidationError
        For an empty file, a header with a nameless or doubled column, a header list
        whose length is not the file's width, rows with more cells than the header,
        or bytes that are not in the given encoding.
    """
    layout = layout or FileLayout()
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataValidationError(
            path.name,
            "the file is empty",
            fix="export the table again with a header row and records",
        )
    truncated = len(head) == _SNIFF_BYTES
    if layout.encoding:
        encoding = layout.encoding
        sample = _decode_head(head, encoding, path, truncated)
    else:
        encoding = detect_encoding(head, truncated=truncated)
        sample = head.decode(encoding, errors="replace")
    if encoding in ("utf-8-sig", "utf_8_sig"):
        sample = sample.lstrip("\ufeff")
    skip = layout.skip_rows or 0
    lines = sample.splitlines()[skip:]
    delimiter = layout.separator or detect_delimiter("\n".join(lines))
    first = [cell.strip() for cell in _first_row([ln for ln in lines if ln.strip()], delimiter)]
    names = list(layout.header) if layout.header else None
    if names is None:
        _check_header(first, path)
    elif first and len(first) != len(names):
        raise DataValidationError(
            path.name,
            f"the file has {len(first)} columns, but 'header' in mapping.yml names {len(names)}",
            rows=[skip + 1],
            fix="list one name for each column under 'header:' in mapping.yml",
        )
    options = {
        "sep": r"\s+" if delimiter == WHITESPACE else delimiter,
        "dtype": str,
        "keep_default_na": False,
        "na_values": [""],
        "skiprows": skip,
        "header": None if names else 0,
        "names": names,
    }
    try:
        if layout.encoding:
            frame = _read_in_encoding(path, encoding, options)
        elif encoding == "cp1252":
            frame = pd.read_csv(io.StringIO(decode_mixed(path.read_bytes())), **options)
        else:
            try:
                frame = pd.read_csv(path, encoding=encoding, **options)
            except UnicodeDecodeError:
                frame = pd.read_csv(io.StringIO(decode_mixed(path.read_bytes())), **options)
    except pd.errors.ParserError as error:
        raise _ragged_rows(error, path, delimiter, len(names or first)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    guessed = "," if delimiter == ";" else "."
    return RawTable(
        frame,
        path,
        decimal=layout.decimal or _implied_decimal(layout.thousands) or guessed,
        header_rows=skip + (0 if names else 1),
        hint="" if names else _other_separator_hint(list(frame.columns)),
        thousands=layout.thousands,
    )


def _read_in_encoding(path: Path, encoding: str, options: dict) -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding=encoding, **options)
    except UnicodeDecodeError as error:
        data = path.read_bytes()
        row = data[: error.start].count(b"\n") + 1 if error.start < len(data) else None
        raise DataValidationError(
            path.name,
            f"cannot be read as {encoding} (byte 0x{data[error.start]:02x} is not {encoding})"
            if row
            else f"cannot be read as {encoding}",
            rows=[row] if row else None,
            fix="correct the encoding in mapping.yml (e.g. cp1252 for Windows files), "
            "or leave it out to have it detected",
        ) from None


def _implied_decimal(thousands: str | None) -> str | None:
    """The decimal separator a thousands separator implies (',' for '.', '.' for ',')."""
    return {".": ",", ",": "."}.get(thousands or "")


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


def _sheet_with_layout(sheet: pd.DataFrame, layout: FileLayout, path: Path) -> tuple:
    """A sheet read as mapping.yml says: rows skipped, then a header row or given names."""
    skip = layout.skip_rows or 0
    rows = sheet.iloc[skip:].reset_index(drop=True)
    if layout.header is None:
        header = [
            str(c).strip() if pd.notna(c) else f"Unnamed: {i}"
            for i, c in enumerate(rows.iloc[0] if len(rows) else [])
        ]
        body = rows.iloc[1:].reset_index(drop=True)
        body.columns = header
        body = body.dropna(how="all", axis=1).dropna(how="all", axis=0)
        return body.reset_index(drop=True), skip + 1
    body = rows.dropna(how="all", axis=1).dropna(how="all", axis=0).reset_index(drop=True)
    if body.shape[1] != len(layout.header):
        raise DataValidationError(
            path.name,
            f"the sheet has {body.shape[1]} columns, but 'header' in mapping.yml names "
            f"{len(layout.header)}",
            rows=[skip + 1],
            fix="list one name for each column under 'header:' in mapping.yml",
        )
    body.columns = list(layout.header)
    return body, skip


def read_excel(
    path: Path,
    sheet: str | int | None = None,
    wanted: tuple[str, ...] = (),
    layout: FileLayout | None = None,
) -> RawTable:
    """Read a table from an Excel workbook.

    Parameters
    ----------
    sheet : str or int, optional
        The sheet to read. Without it: the first sheet whose header holds every
        column in ``wanted``, else the first sheet.
    wanted : tuple of str
        Columns the table needs, used to find the right sheet and header row.
    layout : FileLayout, optional
        What mapping.yml says: the rows above the header (else the header row is
        found), the column names of a sheet without a header, the sheet.
    """
    layout = layout or FileLayout()
    sheet = layout.sheet if layout.sheet is not None else sheet
    try:
        sheets = pd.read_excel(
            path, sheet_name=None if sheet is None else [sheet], header=None, dtype=object
        )
    except ValueError as error:
        raise DataValidationError(
            path.name, f"cannot read the sheet ({error})", fix="check the sheet name in mapping.yml"
        ) from None
    if layout.header is not None or layout.skip_rows is not None:
        tables = {name: _sheet_with_layout(frame, layout, path) for name, frame in sheets.items()}
    else:
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
    return RawTable(
        frame.infer_objects(),
        path,
        decimal=layout.decimal or _implied_decimal(layout.thousands) or ".",
        header_rows=header_rows,
        thousands=layout.thousands,
    )


def read_parquet(path: Path, layout: FileLayout | None = None) -> RawTable:
    """Read a Parquet file with its own column types (text numbers as ``layout`` says)."""
    layout = layout or FileLayout()
    return RawTable(
        pd.read_parquet(path),
        path,
        decimal=layout.decimal or _implied_decimal(layout.thousands) or ".",
        thousands=layout.thousands,
    )


def read_table_file(
    path: Path,
    sheet: str | int | None = None,
    wanted: tuple[str, ...] = (),
    layout: FileLayout | None = None,
) -> RawTable:
    """Read a table file by its suffix (``wanted`` columns help find an Excel sheet)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, layout)
    if suffix in (".xlsx", ".xlsm"):
        return read_excel(path, sheet, wanted, layout)
    if suffix in (".parquet", ".pq"):
        return read_parquet(path, layout)
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

"""The mapping: how a real export's files are read and its columns renamed.

A ``mapping.yml`` in the data folder describes, per table, the file as it is and how
its columns become canonical columns::

    customers:
      file: Klanten export.csv
      columns:
        KlantNr: customer_id
        Naam: name
        Woonplaats: city
    transactions:
      file: CDNOW_sample.txt
      separator: whitespace          # a character, tab, or whitespace (runs of spaces/tabs)
      header: [master_id, sample_id, date, cds, dollars]   # the file has no header row
      date_format: '%Y%m%d'
      currency: USD
      columns: {sample_id: customer_id, cds: quantity, dollars: amount}

Every option but ``columns`` describes the file; what is left out is worked out from
the file itself (encoding, separator, decimal separator, header row, date format).
Tables and columns that are not mentioned are read under their canonical names. Each
option is checked here, so a typing slip is one line naming the table, the option, the
value and the fix.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from crmlib.data.readers import WHITESPACE, FileLayout
from crmlib.data.schema import TABLES
from crmlib.errors import DataValidationError
from crmlib.parameters import InvalidParameterError, check_currency

MAPPING_FILE = "mapping.yml"

#: The options of a table in mapping.yml.
OPTIONS = (
    "file",
    "columns",
    "separator",
    "decimal",
    "thousands",
    "encoding",
    "header",
    "skip_rows",
    "date_format",
    "sheet",
    "currency",
    "table",
    "query",
)

# The options that describe how a file of each kind is read.
_TEXT_ONLY = ("separator", "encoding")
_TEXT_AND_EXCEL = ("header", "skip_rows")
_EXCEL_ONLY = ("sheet",)
_DATABASE_ONLY = ("table", "query")
# What a table read from a database may say: where it is, and how its columns are named.
_DATABASE = ("table", "query", "columns", "date_format", "currency")

_SEPARATOR_WORDS = {"tab": "\t", "\\t": "\t", "whitespace": WHITESPACE, "space": " "}
_THOUSANDS = {".": ".", ",": ",", "'": "'", " ": " ", "space": " ", "\u00a0": " ", "none": ""}


@dataclass(frozen=True)
class TableMapping:
    """One table's entry in mapping.yml, checked.

    Attributes
    ----------
    file : str or None
        The file to read, relative to the data folder; None: found by the table's name.
    columns : dict
        Source column -> canonical column.
    layout : FileLayout
        How the file is written (separator, decimal, encoding, header, ...); None in a
        field means "work it out from the file".
    date_format : str or None
        The strftime format of the table's date columns; None: ISO or dd-mm-yyyy.
    currency : str
        The ISO 4217 code of the table's amounts; empty when not given.
    table : str or None
        For a database: the table (``schema.table`` too) that holds the canonical table.
    query : str or None
        For a database: the SQL query whose rows are the canonical table.
    given : tuple of str
        The options the entry sets (to refuse those that do not apply to the file).
    """

    file: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    layout: FileLayout = field(default_factory=FileLayout)
    date_format: str | None = None
    currency: str = ""
    given: tuple[str, ...] = ()
    table: str | None = None
    query: str | None = None

    @property
    def sheet(self) -> str | int | None:
        """The Excel sheet named in the mapping, if any."""
        return self.layout.sheet


class _OptionError(DataValidationError):
    def __init__(self, table: str, option: str, value: Any, problem: str, fix: str) -> None:
        if isinstance(value, str):
            shown = repr(value)
        else:  # as the user wrote it in YAML: 12, false, [a, a]
            shown = yaml.safe_dump(value, default_flow_style=True, width=1000)
            shown = " ".join(shown.split()).removesuffix("...").strip()
        super().__init__(
            f"{MAPPING_FILE}, table '{table}'", f"option {option} {shown} {problem}", fix=fix
        )


def load_mapping(path: Path | None) -> dict[str, TableMapping]:
    """Read and check a mapping file; no file means no renaming.

    Raises
    ------
    DataValidationError
        If the file is not valid YAML, names an unknown table or option, gives an
        option a value it cannot take, or maps two source columns onto the same
        canonical column.
    """
    if path is None or not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise DataValidationError(
            path.name,
            "is not valid YAML",
            rows=[line + 1] if line is not None else None,
            fix="check the indentation and the colons near that line",
        ) from None
    if not isinstance(raw, dict):
        raise DataValidationError(
            path.name,
            "must map table names to their settings",
            fix="start each table on its own line, e.g. 'customers:'",
        )
    mapping: dict[str, TableMapping] = {}
    for table, settings in raw.items():
        if table not in TABLES:
            known = ", ".join(TABLES)
            raise DataValidationError(
                path.name, f"names an unknown table '{table}'", fix=f"use one of: {known}"
            )
        mapping[table] = table_mapping(table, settings)
    return mapping


def table_mapping(table: str, settings: Any) -> TableMapping:
    """Check one table's settings from mapping.yml.

    Raises
    ------
    DataValidationError
        Naming the table, the option, the value and the fix.
    """
    settings = settings or {}
    if not isinstance(settings, dict):
        raise DataValidationError(
            f"{MAPPING_FILE}, table '{table}'",
            "must hold options such as 'file:' and 'columns:'",
            fix=f"write the options indented under '{table}:'",
        )
    unknown = [str(k) for k in settings if k not in OPTIONS]
    if unknown:
        raise DataValidationError(
            f"{MAPPING_FILE}, table '{table}'",
            f"option '{unknown[0]}' is not known",
            fix=f"use only: {', '.join(OPTIONS)}",
        )
    file = settings.get("file")
    if file is not None and (not isinstance(file, str) or not file.strip()):
        raise _OptionError(table, "file", file, "is not a file name", "write the file's name")
    columns = _columns(table, settings.get("columns"))
    source_table = _database_text(table, "table", settings.get("table"))
    query = _database_text(table, "query", settings.get("query"))
    given = [k for k in ("file", "table", "query") if settings.get(k) is not None]
    if len(given) > 1:
        raise DataValidationError(
            f"{MAPPING_FILE}, table '{table}'",
            f"gives both '{given[0]}' and '{given[1]}'",
            fix="give one of file (a data folder), table or query (a database)",
        )
    layout = FileLayout(
        separator=_separator(table, settings.get("separator")),
        decimal=_decimal(table, settings.get("decimal")),
        thousands=_thousands(table, settings.get("thousands"), settings.get("decimal")),
        encoding=_encoding(table, settings.get("encoding")),
        header=_header(table, settings.get("header", True)),
        skip_rows=_skip_rows(table, settings.get("skip_rows")),
        sheet=_sheet(table, settings.get("sheet")),
    )
    try:
        currency = check_currency(settings.get("currency"))
    except InvalidParameterError as error:
        raise _OptionError(
            table, "currency", settings.get("currency"), error.problem, error.fix
        ) from None
    return TableMapping(
        file=file.strip() if isinstance(file, str) else None,
        columns=columns,
        layout=layout,
        date_format=_date_format(table, settings.get("date_format")),
        currency=currency,
        given=tuple(str(k) for k in settings),
        table=source_table,
        query=query,
    )


def _database_text(table: str, option: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        example = "table: sales" if option == "table" else 'query: "select ... from sales"'
        raise _OptionError(
            table, option, value, f"is not a {option}", f"write it as text, e.g. {example}"
        )
    return value.strip()


def _columns(table: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _OptionError(
            table,
            "columns",
            value,
            "is not a mapping of the file's columns to canonical names",
            "write e.g. 'columns: {KlantNr: customer_id, Naam: name}'",
        )
    columns = {str(k).strip(): str(v).strip() for k, v in value.items()}
    targets = pd.Series(list(columns.values()), dtype=object)
    doubled = targets[targets.duplicated()].tolist()
    if doubled:
        raise DataValidationError(
            MAPPING_FILE,
            f"maps two columns of '{table}' onto the same name",
            column=doubled[0],
            fix="map exactly one source column to each canonical column",
        )
    return columns


def _separator(table: str, value: Any) -> str | None:
    if value is None:
        return None
    fix = "write one character such as ';' or ',' in quotes, or tab, or whitespace"
    if not isinstance(value, str):
        raise _OptionError(table, "separator", value, "is not a separator", fix)
    word = _SEPARATOR_WORDS.get(value.strip().lower()) if value.strip() else None
    if word is not None:
        return word
    if len(value) != 1:
        raise _OptionError(
            table, "separator", value, "is not one character, tab or whitespace", fix
        )
    if value.isalnum() or value in '"\r\n':
        raise _OptionError(table, "separator", value, "cannot separate columns", fix)
    return value


def _decimal(table: str, value: Any) -> str | None:
    if value is None:
        return None
    if value not in (".", ","):
        raise _OptionError(
            table,
            "decimal",
            value,
            "is not a decimal separator",
            "write decimal: '.' or decimal: ',' (in quotes)",
        )
    return value


def _thousands(table: str, value: Any, decimal: Any) -> str | None:
    if value is None:
        return None
    if value is False or value == "":
        return ""
    key = value.lower() if isinstance(value, str) else value
    if key not in _THOUSANDS:
        raise _OptionError(
            table,
            "thousands",
            value,
            "is not a thousands separator",
            "write thousands: '.', ',', \"'\", space, or none (in quotes)",
        )
    thousands = _THOUSANDS[key]
    if thousands and thousands == decimal:
        raise _OptionError(
            table,
            "thousands",
            value,
            "is the same as the decimal separator",
            "give the two different separators, e.g. decimal: ',' and thousands: '.'",
        )
    return thousands


def _encoding(table: str, value: Any) -> str | None:
    if value is None:
        return None
    fix = "write an encoding such as utf-8, cp1252 (Windows, Western Europe) or latin-1"
    if not isinstance(value, str) or not value.strip():
        raise _OptionError(table, "encoding", value, "is not an encoding", fix)
    try:
        info = codecs.lookup(value.strip())
    except LookupError:
        raise _OptionError(
            table, "encoding", value, "is not an encoding Python knows", fix
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise _OptionError(table, "encoding", value, "is not a text encoding", fix)
    return info.name


def _header(table: str, value: Any) -> tuple[str, ...] | None:
    fix = "write header: true when the first row names the columns, else list the names, e.g. header: [id, date, amount]"
    if value is True:
        return None
    if value is False or value is None:
        raise _OptionError(
            table,
            "header",
            value,
            "leaves the columns without names",
            "list the file's column names in order, e.g. header: [id, date, amount]",
        )
    if not isinstance(value, list) or not value:
        raise _OptionError(table, "header", value, "is not true or a list of names", fix)
    names = [str(name).strip() if name is not None else "" for name in value]
    if not all(names):
        raise _OptionError(table, "header", value, "has an empty name", "name every column")
    doubled = pd.Series(names)[pd.Series(names).duplicated()].tolist()
    if doubled:
        raise _OptionError(
            table, "header", value, f"names '{doubled[0]}' twice", "give every column its own name"
        )
    return tuple(names)


def _skip_rows(table: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _OptionError(
            table,
            "skip_rows",
            value,
            "is not a number of rows",
            "write the number of rows above the header (or the first record), e.g. skip_rows: 2",
        )
    return value


def _sheet(table: str, value: Any) -> str | int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _OptionError(
        table,
        "sheet",
        value,
        "is not a sheet name or number",
        "write the sheet's name (e.g. sheet: Blad1) or its position from 0",
    )


def _date_format(table: str, value: Any) -> str | None:
    """A strftime format that reads a whole date (year, month and day) back as written."""
    if value is None:
        return None
    fix = "write it with strftime codes, e.g. '%Y%m%d', '%d-%m-%Y' or '%m/%d/%y' (in quotes)"
    if not isinstance(value, str) or "%" not in value:
        raise _OptionError(table, "date_format", value, "is not a date format", fix)
    # A day with every part different (2001-02-03 04:05:06) written and read back shows
    # whether the format is valid and gives a whole date.
    sample = dt.datetime(2001, 2, 3, 4, 5, 6)
    try:
        back = dt.datetime.strptime(sample.strftime(value), value)
    except ValueError:
        raise _OptionError(table, "date_format", value, "is not a date format", fix) from None
    if back.date() != sample.date():
        raise _OptionError(
            table,
            "date_format",
            value,
            "does not give a whole date (year, month and day)",
            fix,
        )
    return value


def check_applies(table_mapping: TableMapping, table: str, path: Path | str) -> None:
    """Refuse options that do not apply to the kind of file the table is read from.

    ``path`` is the file, or a database URL (a ``str``) for a table read from a database.

    Raises
    ------
    DataValidationError
        E.g. ``sheet`` for a CSV file, ``separator`` for an Excel workbook, ``query``
        for a file or ``file`` for a database.
    """
    if isinstance(path, str):
        wrong = [option for option in table_mapping.given if option not in _DATABASE]
        if wrong:
            raise DataValidationError(
                f"{MAPPING_FILE}, table '{table}'",
                f"option {wrong[0]} does not apply to the database {path}",
                fix=f"remove '{wrong[0]}' from mapping.yml; for a database give 'table:' "
                "or 'query:', with 'columns:'",
            )
        return
    suffix = path.suffix.lower()
    text = suffix in (".csv", ".txt", ".tsv")
    excel = suffix in (".xlsx", ".xlsm")
    applicable = (
        set(OPTIONS)
        - set(_TEXT_ONLY)
        - set(_TEXT_AND_EXCEL)
        - set(_EXCEL_ONLY)
        - set(_DATABASE_ONLY)
    )
    if text:
        applicable |= set(_TEXT_ONLY) | set(_TEXT_AND_EXCEL)
    if excel:
        applicable |= set(_TEXT_AND_EXCEL) | set(_EXCEL_ONLY)
    wrong = [option for option in table_mapping.given if option not in applicable]
    if wrong:
        kind = "an Excel workbook" if excel else "a Parquet file" if not text else "a text file"
        raise DataValidationError(
            f"{MAPPING_FILE}, table '{table}'",
            f"option {wrong[0]} does not apply to {path.name}, which is {kind}",
            fix=f"remove '{wrong[0]}' from mapping.yml",
        )


def apply_mapping(
    frame: pd.DataFrame, table_mapping: TableMapping | None, source: str, kind: str = "file"
) -> pd.DataFrame:
    """Rename the columns of ``frame`` as the mapping says.

    Raises
    ------
    DataValidationError
        If a mapped source column is not in the file.
    """
    if table_mapping is None or not table_mapping.columns:
        return frame
    missing = [c for c in table_mapping.columns if c not in frame.columns]
    if missing:
        present = ", ".join(map(str, frame.columns[:12]))
        raise DataValidationError(
            source,
            f"the mapping names a column the {kind} does not have",
            column=missing[0],
            fix=f"correct mapping.yml; the {kind}'s columns are: {present}",
        )
    return frame.rename(columns=table_mapping.columns)

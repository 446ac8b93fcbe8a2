"""Load a company's data folder into one object: tables, name, currency, period.

A data folder holds one file per canonical table (``customers.csv``,
``transactions.xlsx``, ``interactions.parquet``, ...), an optional ``company.yml``
(name, currency, observation end) and an optional ``mapping.yml`` that describes a real
export's files and renames their columns. Only transactions are required: without a
customers table, the customers are the distinct ids of the transactions. A step that
needs another table, or a customer attribute, asks for it with :meth:`Company.require`
and says what it misses.

The currency is an ISO 4217 code, given as a parameter, in company.yml, or in
mapping.yml for the file's amounts. With none given it is empty, and reports write
amounts without a currency rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from crmlib.data.checked import read_checked
from crmlib.data.database import DatabaseSource, connect, parse_source, read_table
from crmlib.data.mapping import (
    MAPPING_FILE,
    TableMapping,
    apply_mapping,
    check_applies,
    load_mapping,
)
from crmlib.data.parsing import spreadsheet_rows
from crmlib.data.readers import RawTable, find_table_file, read_table_file
from crmlib.data.schema import TABLE_NAMES, TABLES
from crmlib.data.validation import check_references, check_returns, parse_table
from crmlib.digest import keep_digest
from crmlib.errors import DataValidationError, MissingDataError
from crmlib.i18n import Setting, check_language, resolve
from crmlib.loaded import mark_loaded
from crmlib.memory import release_memory
from crmlib.parameters import check_currency, check_date, load_yaml
from crmlib.text import translate
from crmlib.text_columns import isin

COMPANY_FILE = "company.yml"


@dataclass
class Company:
    """A company's customer data, validated and typed.

    Attributes
    ----------
    name : str
        From ``company.yml`` (default: the folder's name).
    currency : str
        An ISO 4217 code: given, else ``company.yml``'s, else the one mapping.yml gives
        for the files' amounts; empty when none is known (amounts are then written
        without a currency).
    data_dir : Path
        The folder the data came from.
    observation_end : Timestamp
        The last day the data covers: given, else ``company.yml``'s, else the last
        transaction date.
    customers, transactions, products, interactions, channels, needs, campaigns : DataFrame or None
        The canonical tables; None when the folder does not have one.
    sources : dict
        The file each table was read from (a derived customers table has none).
    customers_derived : bool
        True when the folder has no customers table and ``customers`` holds only the
        distinct ``customer_id`` of the transactions.
    database : str
        The database URL the tables came from (no password); empty for a folder. The
        ``data_dir`` of a database company is its settings folder (company.yml,
        mapping.yml, assessments/).
    language, locale : str
        The language of its reports (``en`` or ``nl``) and the locale of their numbers
        and dates (``nl_BE``; empty: the workbook's English formats): given, else
        ``company.yml``'s ``language`` and ``locale``, else English (see :mod:`crmlib.i18n`).
    """

    name: str
    currency: str
    data_dir: Path
    observation_end: pd.Timestamp
    customers: pd.DataFrame
    transactions: pd.DataFrame
    products: pd.DataFrame | None = None
    interactions: pd.DataFrame | None = None
    channels: pd.DataFrame | None = None
    needs: pd.DataFrame | None = None
    campaigns: pd.DataFrame | None = None
    sources: dict[str, Path] = field(default_factory=dict)
    customers_derived: bool = False
    database: str = ""
    language: str = "en"
    locale: str = ""
    #: What no setting gave and the workbook took instead: "name" (the folder's or the
    #: database's), "observation_end" (the last sale) and "currency" (none). A report
    #: says so, since a reader cannot tell an assumed setting from a given one.
    assumed: tuple[str, ...] = ()

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables the company has, by name."""
        return {t: getattr(self, t) for t in TABLE_NAMES if getattr(self, t) is not None}

    def has(self, table: str, *columns: str) -> bool:
        """Whether the company has ``table`` with all of ``columns``."""
        frame = getattr(self, table, None)
        return frame is not None and all(c in frame.columns for c in columns)

    def require(self, table: str, *columns: str, step: str = "this step") -> pd.DataFrame:
        """Return ``table``, or raise :class:`MissingDataError` saying what ``step`` needs."""
        frame = getattr(self, table, None)
        if frame is None:
            where = (
                translate("add a table named {table} to {database}, or map one in mapping.yml")
                if self.database
                else translate("add {table}.csv to the company's data folder ({folder})")
            ).format(table=table, database=self.database, folder=self.data_dir.name)
            what = translate(TABLES[table].description)
            raise MissingDataError(
                translate("{step} needs the {table} table ({what}); {where}").format(
                    step=translate(step),
                    table=table,
                    what=what[:1].lower() + what[1:].rstrip("."),
                    where=where,
                )
            )
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            names = ", ".join(missing)
            if table == "customers" and self.customers_derived:
                where = (
                    f"a customers table with customer_id and {names} to {self.database}"
                    if self.database
                    else f"customers.csv with customer_id and {names} to the company's data folder "
                    f"({self.data_dir.name})"
                )
                raise MissingDataError(
                    translate(
                        "{step} needs the column(s) {names} of a customers table; there is none, "
                        "so the customers are only the ids in the transactions; add {where}"
                    ).format(step=translate(step), names=names, where=where)
                )
            source = self.sources.get(table)
            raise MissingDataError(
                translate("{step} needs the column(s) {names} in {table}").format(
                    step=translate(step), names=names, table=source.name if source else table
                )
            )
        return frame

    def source_name(self, table: str) -> str:
        """The file a table came from, or how it was made (a derived customers table)."""
        if table == "customers" and self.customers_derived:
            return f"derived from {self.sources['transactions'].name}"
        return self.sources[table].name


def read_company_info(data_dir: str | os.PathLike[str]) -> dict:
    """The settings in ``company.yml`` (name, currency, observation_end, ...), if any."""
    path = Path(data_dir) / COMPANY_FILE
    if not path.exists():
        return {}
    try:
        # dates stay text, so that an impossible one is reported, not raised by PyYAML
        info = load_yaml(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError:
        raise DataValidationError(
            COMPANY_FILE,
            "is not valid YAML",
            fix="write it as 'name: ...' and 'currency: ...' lines",
        ) from None
    if not isinstance(info, dict):
        raise DataValidationError(
            COMPANY_FILE,
            "must hold 'key: value' lines",
            fix="write it as 'name: ...' and 'currency: ...' lines",
        )
    return info


def _to_timestamp(value, origin: str) -> pd.Timestamp | None:
    """A date given as yyyy-mm-dd text or a date object, checked to be a calendar date."""
    if value is not None and not isinstance(value, str | dt.date):
        value = pd.Timestamp(value)  # numpy and pandas dates
    day = check_date(value, name="observation_end", origin=origin)
    return None if day is None else pd.Timestamp(day).normalize()


def _currency(given, info: dict, mapping: dict[str, TableMapping]) -> str:
    """The company's currency: given, else company.yml's, else the mapping's; may be empty."""
    if given:
        return check_currency(given)
    from_info = check_currency(info.get("currency"), origin="in company.yml")
    in_mapping = {t: m.currency for t, m in mapping.items() if m.currency}
    codes = sorted(set(in_mapping.values()))
    if len(codes) > 1:
        raise DataValidationError(
            MAPPING_FILE,
            f"gives two currencies ({', '.join(codes)}) for the tables' amounts",
            fix="give every table's amounts in one currency",
        )
    if from_info and codes and codes[0] != from_info:
        raise DataValidationError(
            COMPANY_FILE,
            f"says the currency is {from_info}, but mapping.yml gives {codes[0]} for the "
            f"amounts of {', '.join(in_mapping)}",
            fix="correct one of the two, or leave the currency out of one of them",
        )
    return from_info or (codes[0] if codes else "")


def table_file(data_dir: Path, table: str, mapping) -> Path | None:
    """The file that holds ``table`` in a company folder: mapping.yml's, or found by name."""
    table_mapping = mapping.get(table)
    if table_mapping is not None and table_mapping.file:
        path = data_dir / table_mapping.file
        if not path.exists():
            raise DataValidationError(
                MAPPING_FILE,
                f"names the file '{table_mapping.file}' for {table}, which is not in {data_dir}",
                fix="correct the file name in mapping.yml",
            )
        return path
    return find_table_file(data_dir, table)


def missing_transactions_error(data_dir: Path, database: DatabaseSource | None):
    """No transactions table: what to add, in the folder or the database."""
    where = data_dir if database is None else database.url
    return DataValidationError(
        "transactions",
        f"no {'file' if database is None else 'table'} for this table in {where}",
        fix="add transactions.csv (or .xlsx/.parquet), or name its file in mapping.yml"
        if database is None
        else "create a table named transactions, or name its table or "
        "query in mapping.yml (transactions: {table: ...})",
    )


def _read_raw(data_dir: Path, table: str, mapping) -> RawTable | None:
    table_mapping = mapping.get(table)
    path = table_file(data_dir, table, mapping)
    if path is None:
        return None
    if table_mapping is None:
        wanted = tuple(TABLES[table].required_columns)
        return read_table_file(path, None, wanted)
    check_applies(table_mapping, table, path)
    renamed = {v: k for k, v in table_mapping.columns.items()}
    wanted = tuple(renamed.get(c, c) for c in TABLES[table].required_columns)
    raw = read_table_file(path, table_mapping.sheet, wanted, table_mapping.layout)
    frame = apply_mapping(raw.frame, table_mapping, path.name)
    return replace(raw, frame=frame, date_format=table_mapping.date_format)


def _read_database_raw(con, source: DatabaseSource, table: str, mapping) -> RawTable | None:
    table_mapping = mapping.get(table)
    if table_mapping is not None:
        check_applies(table_mapping, table, source.url)
    return read_table(con, source, table, table_mapping)


def customers_from_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    """The customers table of a folder without one: the distinct ids of the transactions.

    Returns
    -------
    DataFrame
        One column, ``customer_id``, in the order the ids first appear.
    """
    ids = pd.unique(transactions["customer_id"].dropna())
    return pd.DataFrame({"customer_id": pd.array(ids, dtype="string")})


def _check_known_customers(
    tables: dict[str, pd.DataFrame], sources: dict[str, str], header_rows: dict[str, int]
) -> None:
    """With derived customers, other tables may only name customers who bought."""
    known = tables["customers"]["customer_id"]
    for table, frame in tables.items():
        target = TABLES[table].references.get("customer_id")
        if table == "transactions" or target is None or "customer_id" not in frame.columns:
            continue
        values = frame["customer_id"]
        unknown = values.notna().to_numpy(dtype=bool) & ~isin(values, known)
        if unknown.any():
            positions = np.flatnonzero(unknown)
            raise buyerless_customer_error(
                sources[table],
                transactions_source=sources["transactions"],
                examples=pd.unique(values[unknown])[:3],
                positions=positions,
                count=len(positions),
                header_rows=header_rows.get(table, 1),
            )


def buyerless_customer_error(
    source: str, *, transactions_source: str, examples, positions, count: int, header_rows: int
) -> DataValidationError:
    """Rows naming a customer who never bought, when the customers come from the lines."""
    shown = ", ".join(f"'{v}'" for v in examples)
    return DataValidationError(
        source,
        f"{count} rows name a customer with no transactions (e.g. {shown}); without a "
        f"customers table the customers are those in {transactions_source}",
        column="customer_id",
        rows=spreadsheet_rows(positions, header_rows),
        fix="add a customers table that lists every customer, or correct the ids",
        row_count=count,
    )


def company_setting(data_dir: str | os.PathLike[str], language: str | None = None) -> Setting:
    """The language and locale of a company's reports, from its company.yml alone.

    For a batch that plans many clients' reports without loading their tables;
    ``language`` (a render's ``--lang`` or a client's) wins over company.yml's.
    """
    database = parse_source(data_dir)
    folder = Path(data_dir).expanduser() if database is None else database.folder
    info = read_company_info(folder) if folder is not None and Path(folder).is_dir() else {}
    return _setting(info, language)


def _setting(info: dict, language: str | None) -> Setting:
    """The reports' language and locale: ``language`` given, else company.yml's ``info``."""
    return resolve(
        check_language(language, origin="(the language parameter)"),
        company_language=check_language(info.get("language"), origin="in company.yml"),
        company_locale=info.get("locale"),
        country=info.get("country"),
    )


@dataclass(frozen=True)
class Settings:
    """What a company's settings say, read and checked before any table is.

    Attributes
    ----------
    database : DatabaseSource or None
        The database, when ``data_dir`` was a URL.
    data_dir : Path or str
        The folder (expanded), or the URL as given.
    settings_dir : Path or None
        Where company.yml, mapping.yml and the answers are.
    info : dict
        company.yml.
    mapping : dict
        mapping.yml, per table.
    observation_end : Timestamp or None
        Given or in company.yml; None means the last transaction date.
    currency : str
    setting : Setting
        The reports' language and locale.
    """

    database: DatabaseSource | None
    data_dir: Path | str
    settings_dir: Path | None
    info: dict
    mapping: dict
    observation_end: pd.Timestamp | None
    currency: str
    setting: Setting


def open_settings(
    data_dir: str | os.PathLike[str],
    observation_end=None,
    currency: str | None = None,
    language: str | None = None,
) -> Settings:
    """Check the folder or database URL and read its settings (see :func:`load_company`)."""
    database = parse_source(data_dir)
    if database is None:
        data_dir = Path(data_dir).expanduser()
        if not data_dir.is_dir():
            raise DataValidationError(
                str(data_dir),
                "the data folder does not exist",
                fix="pass the folder that holds customers.csv and transactions.csv",
            )
        settings_dir: Path | None = data_dir
    else:
        settings_dir = database.folder
        if database.path is not None and not database.path.is_file():
            connect(database)  # says the file does not exist
        if settings_dir is not None and not settings_dir.is_dir():
            raise DataValidationError(
                database.url,
                f"the settings folder {settings_dir} does not exist",
                fix="give ?folder= the folder that holds company.yml and mapping.yml",
            )
    info = read_company_info(settings_dir) if settings_dir else {}
    mapping = load_mapping(settings_dir / MAPPING_FILE) if settings_dir else {}
    # The settings are checked before the tables are read: a typing slip is found at once.
    end = _to_timestamp(observation_end, "") or _to_timestamp(
        info.get("observation_end"), "in company.yml"
    )
    company_currency = _currency(currency, info, mapping)
    setting = _setting(info, language)
    return Settings(database, data_dir, settings_dir, info, mapping, end, company_currency, setting)


def load_company(
    data_dir: str | os.PathLike[str],
    *,
    observation_end=None,
    name: str | None = None,
    currency: str | None = None,
    language: str | None = None,
) -> Company:
    """Load and validate every table in ``data_dir``.

    In a kernel started by ``crm-workbook render``, the tables the render already
    checked are read back from its Arrow files instead (see :mod:`crmlib.data.checked`).

    Parameters
    ----------
    data_dir : path-like or str
        The company's data folder, or a database URL (``duckdb:///path/company.duckdb``,
        ``postgresql://user@host:port/dbname``; see :mod:`crmlib.data.database`).
    observation_end : date-like, optional
        The last day to analyse (``yyyy-mm-dd`` or a date); later transactions are kept
        but steps that look at a period use this as its end. Defaults to
        ``company.yml``'s, else the last transaction date.
    name : str, optional
        Overrides ``company.yml``.
    currency : str, optional
        An ISO 4217 code; overrides ``company.yml`` and mapping.yml.
    language : str, optional
        ``en`` or ``nl``; overrides ``company.yml``'s ``language``.

    Raises
    ------
    DataValidationError
        On the first table that breaks a rule, naming file, column, rows and fix.
    InvalidParameterError
        For an observation end that is not a calendar date, or a currency that is not
        an ISO 4217 code (given, or in company.yml).
    """
    opened = open_settings(data_dir, observation_end, currency, language)
    database, data_dir, settings_dir = opened.database, opened.data_dir, opened.settings_dir
    info, mapping, end = opened.info, opened.mapping, opened.observation_end
    company_currency, setting = opened.currency, opened.setting
    checked = read_checked(data_dir)
    if checked is not None:
        # checked by the render that started this kernel: read back, not checked again
        tables, sources, derived = checked.tables, checked.sources, checked.customers_derived
    else:
        tables, sources, derived = _read_and_check(data_dir, database, mapping)

    assumed = tuple(
        setting
        for setting, missing in (
            ("name", not (name or info.get("name"))),
            ("observation_end", end is None),
            ("currency", not company_currency),
        )
        if missing
    )
    if end is None:
        last = tables["transactions"]["date"].max()
        end = last.normalize() if pd.notna(last) else pd.Timestamp.today().normalize()
    if database is None:
        default_name, home = data_dir.resolve().name, data_dir
    else:
        # Without a settings folder, workshop answers are kept in the current folder.
        default_name, home = database.name, settings_dir or Path.cwd()
    # reading and checking made copies of every table: give their pages back
    release_memory()
    for frame in tables.values():
        mark_loaded(frame)
    if checked is not None:
        for table, digest in checked.digests.items():
            if table in tables:
                keep_digest(tables[table], digest)
    return Company(
        name=str(name or info.get("name") or default_name),
        currency=company_currency,
        data_dir=home,
        database=database.url if database is not None else "",
        observation_end=end,
        sources=sources,
        customers_derived=derived,
        language=setting.language,
        locale=setting.locale,
        assumed=assumed,
        **tables,
    )


def read_raw_tables(
    data_dir: Path, database: DatabaseSource | None, mapping: dict[str, TableMapping]
) -> Iterator[tuple[str, RawTable]]:
    """Each table the folder or database has, read as it is stored, one at a time.

    In the company's table order; a table it does not have is left out, and a company
    without transactions is an error. The caller parses each (see :func:`parse_table`)
    before the next is read.
    """
    con = connect(database) if database is not None else None
    try:
        for table in TABLE_NAMES:
            if database is None:
                raw = _read_raw(data_dir, table, mapping)
            else:
                raw = _read_database_raw(con, database, table, mapping)
            if raw is None:
                if table == "transactions":
                    raise missing_transactions_error(data_dir, database)
                continue
            yield table, raw
            del raw
    finally:
        if con is not None:
            con.disconnect()


def _read_and_check(
    data_dir: Path, database: DatabaseSource | None, mapping: dict[str, TableMapping]
) -> tuple[dict[str, pd.DataFrame], dict[str, Path], bool]:
    """Read every table from the folder or database, parse it and check it.

    Returns the tables, the file or table each came from, and whether the customers
    were derived from the transactions.
    """
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, Path] = {}
    header_rows: dict[str, int] = {}
    for table, raw in read_raw_tables(data_dir, database, mapping):
        tables[table] = parse_table(raw, table)
        sources[table] = raw.path
        header_rows[table] = raw.header_rows
    source_names = {t: p.name for t, p in sources.items()}
    derived = "customers" not in tables
    if derived:
        tables["customers"] = customers_from_transactions(tables["transactions"])
        source_names["customers"] = f"the customers derived from {source_names['transactions']}"
        _check_known_customers(tables, source_names, header_rows)
    check_references(tables, source_names, header_rows)
    check_returns(tables["transactions"], source_names["transactions"], header_rows["transactions"])
    return tables, sources, derived

"""Load a company's data folder into one object: tables, name, currency, period.

A data folder holds one file per canonical table (``customers.csv``,
``transactions.xlsx``, ``interactions.parquet``, ...), an optional ``company.yml``
(name, currency, observation end) and an optional ``mapping.yml`` that renames a real
export's columns. Only customers and transactions are required; a step that needs
another table asks for it with :meth:`Company.require` and says what it misses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from crmlib.data.mapping import MAPPING_FILE, apply_mapping, load_mapping
from crmlib.data.readers import RawTable, find_table_file, read_table_file
from crmlib.data.schema import TABLE_NAMES, TABLES
from crmlib.data.validation import check_references, check_returns, parse_table
from crmlib.errors import DataValidationError, MissingDataError, ParameterError

COMPANY_FILE = "company.yml"


@dataclass
class Company:
    """A company's customer data, validated and typed.

    Attributes
    ----------
    name, currency : str
        From ``company.yml`` (defaults: the folder's name, EUR).
    data_dir : Path
        The folder the data came from.
    observation_end : Timestamp
        The last day the data covers: given, else ``company.yml``'s, else the last
        transaction date.
    customers, transactions, products, interactions, channels, needs, campaigns : DataFrame or None
        The canonical tables; None when the folder does not have one.
    sources : dict
        The file each table was read from.
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
            raise MissingDataError(
                f"{step} needs the {table} table ({TABLES[table].description.lower().rstrip('.')}); "
                f"add {table}.csv to {self.data_dir}"
            )
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            names = ", ".join(missing)
            raise MissingDataError(
                f"{step} needs the column(s) {names} in {self.sources[table].name}"
            )
        return frame


def read_company_info(data_dir: str | os.PathLike[str]) -> dict:
    """The settings in ``company.yml`` (name, currency, observation_end, ...), if any."""
    path = Path(data_dir) / COMPANY_FILE
    if not path.exists():
        return {}
    try:
        info = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
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


def _to_timestamp(value, what: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ParameterError(f"{what} '{value}' is not a date; write it as yyyy-mm-dd") from None


def _read_raw(data_dir: Path, table: str, mapping) -> RawTable | None:
    table_mapping = mapping.get(table)
    if table_mapping is not None and table_mapping.file:
        path = data_dir / table_mapping.file
        if not path.exists():
            raise DataValidationError(
                MAPPING_FILE,
                f"names the file '{table_mapping.file}' for {table}, which is not in {data_dir}",
                fix="correct the file name in mapping.yml",
            )
    else:
        path = find_table_file(data_dir, table)
    if path is None:
        return None
    renamed = {v: k for k, v in table_mapping.columns.items()} if table_mapping else {}
    wanted = tuple(renamed.get(c, c) for c in TABLES[table].required_columns)
    raw = read_table_file(path, table_mapping.sheet if table_mapping else None, wanted)
    frame = apply_mapping(raw.frame, table_mapping, path.name)
    return RawTable(frame, raw.path, raw.decimal, raw.header_rows, raw.hint)


def load_company(
    data_dir: str | os.PathLike[str],
    *,
    observation_end=None,
    name: str | None = None,
    currency: str | None = None,
) -> Company:
    """Load and validate every table in ``data_dir``.

    Parameters
    ----------
    data_dir : path-like
        The company's data folder.
    observation_end : date-like, optional
        The last day to analyse; later transactions are kept but steps that look at a
        period use this as its end. Defaults to ``company.yml``'s, else the last
        transaction date.
    name, currency : str, optional
        Override ``company.yml``.

    Raises
    ------
    DataValidationError
        On the first table that breaks a rule, naming file, column, rows and fix.
    """
    data_dir = Path(data_dir).expanduser()
    if not data_dir.is_dir():
        raise DataValidationError(
            str(data_dir),
            "the data folder does not exist",
            fix="pass the folder that holds customers.csv and transactions.csv",
        )
    info = read_company_info(data_dir)
    mapping = load_mapping(data_dir / MAPPING_FILE)
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, Path] = {}
    header_rows: dict[str, int] = {}
    for table in TABLE_NAMES:
        raw = _read_raw(data_dir, table, mapping)
        if raw is None:
            if TABLES[table].required:
                raise DataValidationError(
                    table,
                    f"no file for this table in {data_dir}",
                    fix=f"add {table}.csv (or .xlsx/.parquet), or name its file in mapping.yml",
                )
            continue
        tables[table] = parse_table(raw, table)
        sources[table] = raw.path
        header_rows[table] = raw.header_rows
    source_names = {t: p.name for t, p in sources.items()}
    check_references(tables, source_names, header_rows)
    check_returns(tables["transactions"], source_names["transactions"], header_rows["transactions"])

    end = _to_timestamp(observation_end, "observation_end") or _to_timestamp(
        info.get("observation_end"), "observation_end in company.yml"
    )
    if end is None:
        last = tables["transactions"]["date"].max()
        end = last.normalize() if pd.notna(last) else pd.Timestamp.today().normalize()
    return Company(
        name=str(name or info.get("name") or data_dir.resolve().name),
        currency=str(currency or info.get("currency") or "EUR"),
        data_dir=data_dir,
        observation_end=end,
        sources=sources,
        **tables,
    )

"""The column mapping: how a real CRM export's files and columns become canonical tables.

A ``mapping.yml`` in the data folder names, per table, the file to read and how its
columns are renamed::

    customers:
      file: Klanten export.csv
      columns:
        KlantNr: customer_id
        Naam: name
        Woonplaats: city
    transactions:
      file: Verkopen.xlsx
      sheet: Blad1
      columns: {Klant: customer_id, Datum: date, Bedrag: amount}

Tables and columns that are not mentioned are read under their canonical names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from crmlib.data.schema import TABLES
from crmlib.errors import DataValidationError

MAPPING_FILE = "mapping.yml"


@dataclass(frozen=True)
class TableMapping:
    file: str | None = None
    sheet: str | int | None = None
    columns: dict[str, str] = field(default_factory=dict)


def load_mapping(path: Path | None) -> dict[str, TableMapping]:
    """Read and check a mapping file; no file means no renaming.

    Raises
    ------
    DataValidationError
        If the file is not valid YAML, names an unknown table, or maps two source
        columns onto the same canonical column.
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
        settings = settings or {}
        columns = {
            str(k).strip(): str(v).strip() for k, v in (settings.get("columns") or {}).items()
        }
        targets = pd.Series(list(columns.values()))
        doubled = targets[targets.duplicated()].tolist()
        if doubled:
            raise DataValidationError(
                path.name,
                f"maps two columns of '{table}' onto the same name",
                column=doubled[0],
                fix="map exactly one source column to each canonical column",
            )
        mapping[table] = TableMapping(settings.get("file"), settings.get("sheet"), columns)
    return mapping


def apply_mapping(
    frame: pd.DataFrame, table_mapping: TableMapping | None, source: str
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
            "the mapping names a column the file does not have",
            column=missing[0],
            fix=f"correct mapping.yml; the file's columns are: {present}",
        )
    return frame.rename(columns=table_mapping.columns)

"""What tells whether a company's source has changed since its tables were checked.

A workshop's JupyterLab checks the company once and keeps its tables for every kernel the
lab starts (``make lab DATA=...``, see :mod:`crmlib.lab`). A lab runs for hours, and the
client's data or its mapping.yml may be corrected in the meantime; a kernel then has to
read the source again rather than show what it was. So the kept tables carry the
source's fingerprint, taken before the check, and a kernel uses them only while the
source still has it:

- a folder: every file in it (name, size, time of the last change), mapping.yml and
  company.yml included; its subfolders (the workshop answers) are not the tables;
- a DuckDB file: the file and its write-ahead log, and the files of its settings folder.

A PostgreSQL server has none the workbook can trust: its write-ahead log also moves when
a table is first read (hint bits, with data checksums) or vacuumed, and its per-table
counts lag behind a change and miss some (a truncated table). So it has None, and each
kernel reads it itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from crmlib.data.database import parse_source


def source_fingerprint(data_dir: str | os.PathLike[str]) -> str | None:
    """A digest that changes when the company's tables or settings may have changed."""
    database = parse_source(data_dir)
    if database is None:
        parts = _files(Path(data_dir).expanduser())
    else:
        parts = _files(database.folder) if database.folder is not None else []
        if database.engine == "duckdb":
            assert database.path is not None
            for path in (database.path, database.path.with_name(database.path.name + ".wal")):
                parts.append(_stamp(path))
        else:
            return None
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _files(folder: Path) -> list:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return [[str(folder), "missing"]]
    return [
        _stamp(Path(entry.path))
        for entry in entries
        if entry.is_file() and not entry.name.startswith(".")
    ]


def _stamp(path: Path) -> list:
    try:
        status = path.stat()
    except FileNotFoundError:
        return [path.name, "missing"]
    return [path.name, status.st_size, status.st_mtime_ns]

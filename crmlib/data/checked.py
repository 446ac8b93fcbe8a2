"""A company checked once by ``render``, handed to the report set's kernels to read back.

``crm-workbook render`` reads and checks a company before any kernel starts, so a bad
file is one clear line. Every notebook's kernel then read and checked the same company
again: 12 to 20 s per notebook at a million customers, seven times for the report set.
Instead the render writes the checked tables once, as Arrow IPC files in a private
folder, and names that folder in the kernels' environment (:data:`CHECKED_ENV`). In a
kernel, :func:`crmlib.data.company.load_company` given the same source takes the tables
from there (memory-mapped, about 2 s at a million customers) without checking them
again.

- The tables are the data as the render checked it, so every report of one set
  describes the same data, even when the source changes while they run.
- Only the tables come from the folder. Each kernel still reads company.yml and
  mapping.yml and applies its own parameters (observation end, currency, language).
- Each table's content digest is computed once, by the render, and kept with the table
  in every kernel (the customer-base cache is keyed by it).
- A folder that is missing, unreadable or made for another source is ignored, and the
  company is read from its source as usual. A notebook opened in JupyterLab never sees
  one: the variable is set only for the kernels of one render.

Arrow IPC rather than Parquet: it is written and mapped without encoding, and brings
back each table's pandas types exactly (checked in the tests, digests included).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from crmlib.atomic import atomic_path, atomic_write_bytes
from crmlib.data.database import parse_source
from crmlib.data.fingerprint import source_fingerprint
from crmlib.digest import table_digest

#: Names the folder of checked tables a render hands to its kernels.
CHECKED_ENV = "CRM_WORKBOOK_CHECKED"

_MANIFEST = "checked.json"
# Raised when the layout of the folder changes: an older folder is then not read.
_FORMAT = 1


@dataclass(frozen=True)
class CheckedTables:
    """The tables of a checked company, and what :class:`Company` keeps about them."""

    tables: dict[str, pd.DataFrame]
    sources: dict[str, Path]
    customers_derived: bool
    #: each table's content digest, computed by the render (see :mod:`crmlib.digest`)
    digests: dict[str, str]


def source_key(data_dir: str | os.PathLike[str]) -> str:
    """What names a company's source: a database URL as given, a folder by its full path."""
    if parse_source(data_dir) is not None:
        return str(data_dir)
    return str(Path(data_dir).expanduser().resolve())


def write_checked(
    tables: Mapping[str, pd.DataFrame],
    sources: Mapping[str, os.PathLike[str] | str],
    customers_derived: bool,
    source: str | os.PathLike[str],
    folder: Path,
) -> Path:
    """Write a checked company's tables into ``folder`` for kernels reading ``source``.

    The manifest is written last, so a folder whose writing was cut short is never read.
    Returns ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    digests = {name: write_checked_table(folder, name, frame) for name, frame in tables.items()}
    return write_manifest(folder, source, sources, customers_derived, digests)


def write_checked_table(folder: Path, name: str, frame: pd.DataFrame) -> str:
    """Write one checked table into ``folder``; returns its content digest.

    A table is written as soon as it is checked, so a caller that reads a company a
    table at a time holds one table, never the whole company.
    """
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=None)
    with (
        atomic_path(folder / f"{name}.arrow") as tmp,
        pa.OSFile(str(tmp), "wb") as sink,
        pa.ipc.new_file(sink, table.schema) as out,
    ):
        out.write_table(table)
    del table
    # the kernels' base and verdict caches are keyed by these: hashed once, here
    return table_digest(frame)


def write_checked_parts(folder: Path, name: str, parts: Iterable[pd.DataFrame]) -> str:
    """Write one checked table given in parts (rows in order); returns its content digest.

    Each part is written before the next is made, so the table is never whole in this
    process. The file then holds the table as one record batch, as
    :func:`write_checked_table` writes it (see :func:`_one_batch`). The digest is that of
    the table whole, computed from the written file, memory-mapped.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.arrow"
    with atomic_path(path) as tmp:
        with pa.OSFile(str(tmp), "wb") as sink:
            out = None
            try:
                for part in parts:
                    # no index kept: the parts' ranges are not the table's (read back, the
                    # table gets its own); the columns' pandas types are kept, as whole
                    table = pa.Table.from_pandas(part, preserve_index=False)
                    if out is None:
                        schema = table.schema
                        out = pa.ipc.new_file(sink, schema)
                    out.write_table(table.cast(schema))
                    del table, part
                if out is None:
                    raise ValueError(f"the table {name} came without a part")
            finally:
                if out is not None:
                    out.close()
        _one_batch(tmp)
    return table_digest(_read_table(path))


def _one_batch(path: Path) -> None:
    """Rewrite the Arrow file at ``path`` as one record batch, a column at a time.

    A kernel maps the file and takes each number and date column as a view of its pages
    (:func:`_read_table`), but only when the column is one piece: a column in parts is
    joined into a private copy in every kernel that opens the company (315 MiB of the
    lines' amounts, costs, quantities and dates at a million customers, each time).
    Joined here once instead, through one file per column: this process holds one
    column at a time, the disk briefly twice the table.
    """
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        if reader.num_record_batches <= 1:
            return
        schema = reader.schema
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as scratch:
        arrays = []
        for number, field in enumerate(schema):
            # the parts are mapped afresh for each column, so the pages this process has
            # read are those of one column, not of the whole table
            with pa.memory_map(str(path)) as source:
                parts = pa.ipc.open_file(source).read_all().column(number)
            one = pa.record_batch([parts.combine_chunks()], schema=pa.schema([field]))
            del parts
            column_path = Path(scratch) / f"{number}.arrow"
            with (
                pa.OSFile(str(column_path), "wb") as sink,
                pa.ipc.new_file(sink, one.schema) as out,
            ):
                out.write_batch(one)
            del one
            with pa.memory_map(str(column_path)) as mapped:
                arrays.append(pa.ipc.open_file(mapped).get_batch(0).column(0))
        # the parts go before the whole is written: the disk holds the table twice, not three times
        path.unlink()
        batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as out:
            out.write_batch(batch)
        del batch, arrays


def write_manifest(
    folder: Path,
    source: str | os.PathLike[str],
    sources: Mapping[str, os.PathLike[str] | str],
    customers_derived: bool,
    digests: Mapping[str, str],
) -> Path:
    """Name the tables written in ``folder`` (``digests``' keys): the folder is then read.

    Written last, so a folder whose writing was cut short is never read.
    """
    manifest = {
        "format": _FORMAT,
        "source": source_key(source),
        "tables": list(digests),
        "sources": {name: str(path) for name, path in sources.items()},
        "customers_derived": bool(customers_derived),
        "digests": dict(digests),
    }
    atomic_write_bytes(folder / _MANIFEST, json.dumps(manifest, indent=1).encode())
    return folder


def seal(folder: Path, fingerprint: str) -> None:
    """Have the tables in ``folder`` read only while the source has ``fingerprint``.

    A render's tables are read whatever happens to the source, so that every report of a
    set describes the same data; a workshop's lab, open for hours, seals its tables with
    the fingerprint taken before they were checked (:mod:`crmlib.data.fingerprint`).
    """
    path = folder / _MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["fingerprint"] = fingerprint
    atomic_write_bytes(path, json.dumps(manifest, indent=1).encode())


def read_checked(data_dir: str | os.PathLike[str]) -> CheckedTables | None:
    """The checked tables a render handed this process for ``data_dir``, if any.

    None when no folder is named in :data:`CHECKED_ENV`, when it was made for another
    source, when the source has changed since a lab sealed it (:func:`seal`), or when it
    cannot be read: the caller then reads the source itself.
    """
    given = os.environ.get(CHECKED_ENV, "").strip()
    if not given:
        return None
    folder = Path(given)
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != _FORMAT or manifest.get("source") != source_key(data_dir):
            return None
        fingerprint = manifest.get("fingerprint")
        if fingerprint is not None and source_fingerprint(data_dir) != fingerprint:
            # kept by a workshop's lab, and the source or its settings changed since
            return None
        tables = {name: _read_table(folder / f"{name}.arrow") for name in manifest["tables"]}
        sources = {name: Path(path) for name, path in manifest["sources"].items()}
        derived = bool(manifest["customers_derived"])
        digests = {str(name): str(value) for name, value in manifest["digests"].items()}
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        # a folder that went away or was damaged costs time, never the report
        return None
    return CheckedTables(tables, sources, derived, digests)


def read_checked_table(folder: Path, name: str) -> pd.DataFrame:
    """One table written in ``folder``, memory-mapped (see :func:`_read_table`)."""
    return _read_table(folder / f"{name}.arrow")


def _read_table(path: Path) -> pd.DataFrame:
    # Memory-mapped: columns stay in the file's pages, which the system shares and can
    # drop, rather than in a private copy per kernel. Text columns are Arrow in pandas
    # too; split_blocks keeps each number and date column a read-only view of its pages
    # (without it pandas gathers them into one new block: a private copy of every number
    # of the lines, 1.5 GB at five million customers). Copy-on-Write copies a column
    # only if a step changes it.
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all().to_pandas(split_blocks=True)


@contextlib.contextmanager
def offered_to_kernels(folder: Path) -> Iterator[None]:
    """Name ``folder`` in the environment the kernels started inside this block inherit."""
    previous = os.environ.get(CHECKED_ENV)
    os.environ[CHECKED_ENV] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(CHECKED_ENV, None)
        else:
            os.environ[CHECKED_ENV] = previous

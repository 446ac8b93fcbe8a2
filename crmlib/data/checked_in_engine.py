"""A company checked in its engine, then kept for a render's kernels one table at a time.

``render`` and ``batch`` check a company before any notebook runs, and keep the checked
tables for the kernels (:mod:`crmlib.data.checked`). For a database, or a folder of
Parquet files, the checks now run inside the engine, as ``validate``'s do
(:func:`crmlib.data.engine_checks.engine_check`): a broken table is one clear line
before a single line of the company is read into memory, and the checks across tables
(every reference, every return) are the engine's joins.

Only then are the tables read for the kernels, one at a time, and a database's a
million rows at a time: each part is read as :func:`crmlib.data.company.load_company`
reads the table, parsed by the same code (:func:`crmlib.data.validation.parse_columns`)
and written to the table's Arrow file before the next part is read. The render
therefore holds one part of one table, never the company, and does not repeat in pandas
the checks the engine has made. The kernels read the loaded path's tables: same reading,
same parsing, the same digests (a test holds them equal, in parts of 997 rows too).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

from crmlib.data.checked import (
    read_checked_table,
    write_checked_parts,
    write_checked_table,
    write_manifest,
)
from crmlib.data.company import (
    Settings,
    customers_from_transactions,
    open_settings,
    read_raw_tables,
)
from crmlib.data.database import connect, read_table_parts
from crmlib.data.engine_checks import EngineCheck, engine_check
from crmlib.data.readers import RawTable
from crmlib.data.schema import TABLE_NAMES
from crmlib.data.validation import parse_columns
from crmlib.memory import release_memory


def check_in_engine(
    data: str | os.PathLike[str],
    *,
    observation_end=None,
    language: str | None = None,
    progress: bool = False,
) -> tuple[Settings, EngineCheck] | None:
    """Check a database or Parquet company in its engine, as ``validate`` does.

    The given observation end and language are checked first, as loading checks them.
    Returns the company's settings and what the engine found, or None when the engine
    cannot check it (CSV or Excel files, columns stored as text): load it then.

    Raises
    ------
    DataValidationError, InvalidParameterError
        The first rule broken, in the loaded checks' words.
    """
    settings = open_settings(data, observation_end=observation_end, language=language)
    found = engine_check(data, progress=progress)
    return None if found is None else (settings, found)


def keep_checked_tables(
    settings: Settings, folder: Path, source: str | os.PathLike[str], rows: int = 1_000_000
) -> dict[str, str]:
    """Read, parse and write each table of a company the engine has checked.

    A database's tables are read ``rows`` rows at a time, each part parsed and written
    before the next is read; a Parquet file is read whole, one table at a time.

    Parameters
    ----------
    settings : Settings
        The company's settings (:func:`crmlib.data.company.open_settings`).
    folder : Path
        The private folder the kernels are told of (:data:`crmlib.data.checked.CHECKED_ENV`).
    source : str or path-like
        The source the kernels will be given as ``data_dir``.
    rows : int
        The rows of a database table read at a time.

    Returns
    -------
    dict
        Each kept table's digest, as the kernels will know it.

    Raises
    ------
    OSError
        When the folder has no room: nothing is then named in it, and the kernels read
        the source themselves.
    """
    sources: dict[str, Path] = {}
    digests: dict[str, str] = {}
    for table, path, parts in _table_parts(settings, rows):
        parsed = (parse_columns(raw, table) for raw in parts)
        digests[table] = write_checked_parts(folder, table, parsed)
        sources[table] = path
        release_memory()
    derived = "customers" not in digests
    if derived:
        # no customers table: they are the lines' distinct ids, as the loader makes them
        customers = customers_from_transactions(read_checked_table(folder, "transactions"))
        digests = {"customers": write_checked_table(folder, "customers", customers), **digests}
    write_manifest(folder, source, sources, derived, digests)
    return digests


def _table_parts(settings: Settings, rows: int) -> Iterator[tuple[str, Path, Iterator[RawTable]]]:
    """Each table the company has: its name, where it came from, its raw parts in order."""
    database = settings.database
    if database is None:
        for table, raw in read_raw_tables(settings.data_dir, None, settings.mapping):
            yield table, raw.path, iter([raw])
            del raw
        return
    con = connect(database)
    try:
        for table in TABLE_NAMES:
            parts = read_table_parts(con, database, table, settings.mapping.get(table), rows)
            first = next(parts, None)
            if first is not None:
                yield table, first.path, itertools.chain([first], parts)
                del first
    finally:
        con.disconnect()

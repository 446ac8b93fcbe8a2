"""A company checked in its engine, then kept for a render's kernels one table at a time.

``render`` and ``batch`` check a company before any notebook runs, and keep the checked
tables for the kernels (:mod:`crmlib.data.checked`). For a database, or a folder of
Parquet files, the checks now run inside the engine, as ``validate``'s do
(:func:`crmlib.data.engine_checks.engine_check`): a broken table is one clear line
before a single line of the company is read into memory, and the checks across tables
(every reference, every return) are the engine's joins.

Only then are the tables read for the kernels, one at a time: each is read as
:func:`crmlib.data.company.load_company` reads it, parsed by the same code, written as
its Arrow file and let go before the next is read. The render therefore holds one
table, never the whole company, and does not repeat in pandas the checks across tables
the engine has made. The files are the loaded path's, byte for byte in content: same
reading, same parsing (a test holds the tables and their digests equal).
"""

from __future__ import annotations

import os
from pathlib import Path

from crmlib.data.checked import write_checked_table, write_manifest
from crmlib.data.company import Settings, customers_from_transactions, read_raw_tables
from crmlib.data.validation import parse_table
from crmlib.memory import release_memory


def keep_checked_tables(settings: Settings, folder: Path, source: str | os.PathLike[str]) -> None:
    """Read, parse and write each table of a company the engine has checked.

    Parameters
    ----------
    settings : Settings
        The company's settings (:func:`crmlib.data.company.open_settings`).
    folder : Path
        The private folder the kernels are told of (:data:`crmlib.data.checked.CHECKED_ENV`).
    source : str or path-like
        The source the kernels will be given as ``data_dir``.

    Raises
    ------
    OSError
        When the folder has no room: nothing is then named in it, and the kernels read
        the source themselves.
    """
    sources: dict[str, Path] = {}
    digests: dict[str, str] = {}
    derived = None
    for table, raw in read_raw_tables(settings.data_dir, settings.database, settings.mapping):
        frame = parse_table(raw, table)
        if table == "transactions" and "customers" not in digests:
            # no customers table: they are the lines' distinct ids, as the loader makes them
            derived = customers_from_transactions(frame)
        digests[table] = write_checked_table(folder, table, frame)
        sources[table] = raw.path
        del frame, raw
        release_memory()
    if derived is not None:
        digests = {"customers": write_checked_table(folder, "customers", derived), **digests}
    write_manifest(folder, source, sources, derived is not None, digests)

"""A company checked once, its tables kept for the notebooks' kernels that will read it.

``crm-workbook render`` and a workshop's JupyterLab (``make lab DATA=...``) check the
company before any notebook runs, so a bad table is one clear line. They then keep the
checked tables in a private folder that the kernels are told of
(:mod:`crmlib.data.checked`): each kernel maps them instead of reading and checking the
source again. A database or Parquet company is checked in its engine and its tables are
kept a table at a time, with the notebooks' customer bases built in the engine beside
them; any other company is loaded and written whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crmlib.analytics.base_engine import keep_for_kernels
from crmlib.data import checked as checked_tables
from crmlib.data.checked_in_engine import check_in_engine
from crmlib.data.company import load_company
from crmlib.i18n import Setting
from crmlib.memory import release_memory
from crmlib.privacy import pseudonymised_copy


@dataclass(frozen=True)
class KeptCompany:
    """What the kernels are told of a company checked and kept for them.

    Attributes
    ----------
    folder : Path or None
        The checked tables (name it to the kernels with
        :func:`crmlib.data.checked.offered_to_kernels`); None when only checked.
    source : str
        What the kernels are given as ``data_dir``: the source as checked, a folder by its
        full path (the pseudonymised copy's, when asked).
    name : str
        The company's name.
    setting : Setting
        The language and locale of its reports.
    kept : bool
        Whether the tables were kept; when not (only checked, or no room), each kernel
        reads the source.
    """

    folder: Path | None
    source: str
    name: str
    setting: Setting
    kept: bool


def no_room_note(folder: str | os.PathLike[str], error: OSError) -> str:
    """The line that says the checked tables could not be kept: it costs time only."""
    return (
        f"note: the checked tables could not be kept in {folder} ({error}); "
        "each notebook reads the data itself. Fix: free space there, or set "
        "TMPDIR to a folder with room"
    )


def keep_company(
    data_dir: str | os.PathLike[str],
    folder: Path | None,
    *,
    observation_end: object = None,
    language: str | None = None,
    pseudonymise_in: Path | None = None,
    progress: bool = False,
    no_room: Callable[[OSError], None] = lambda error: None,
) -> KeptCompany:
    """Check the company in ``data_dir`` and keep its tables in ``folder``.

    With ``folder`` None the company is only checked (a batch on a cluster, whose
    kernels may run on other machines). With ``pseudonymise_in``, a pseudonymised copy
    is written there and checked, and the kernels are given the copy. ``no_room`` is
    told when ``folder`` has no room for the tables: that costs time (each kernel reads
    the source), never the reports.

    Raises
    ------
    DataValidationError, InvalidParameterError
        The first rule the company or a setting breaks, in one line.
    """
    # A database or Parquet company is checked in its engine, without reading its lines.
    in_engine = (
        None
        if pseudonymise_in is not None
        else check_in_engine(
            data_dir, observation_end=observation_end, language=language, progress=progress
        )
    )
    if in_engine is None:
        company = load_company(data_dir, observation_end=observation_end, language=language)
        setting, name = Setting(company.language, company.locale), company.name
    else:
        settings, found = in_engine
        setting, name = settings.setting, found.name
    source = data_dir if isinstance(data_dir, str) else str(Path(data_dir).resolve())
    if in_engine is None and pseudonymise_in is not None:
        # outside the guard below: without the copy, no kernel may read the source
        source = str(pseudonymised_copy(company, pseudonymise_in).resolve())
        del company
        release_memory()
        # the copy is read and checked once, here, as each kernel would read it
        company = load_company(source)
    if folder is None:
        return KeptCompany(folder, source, name, setting, kept=False)
    try:
        if in_engine is not None:
            # read and written a table at a time: this process never holds the company;
            # and the notebooks' customer base is built in the engine, from the lines
            # where they lie, before any kernel starts
            keep_for_kernels(
                settings, folder, source, observation_end=observation_end, progress=progress
            )
        else:
            tables, sources, derived = company.tables, company.sources, company.customers_derived
            # this process does not hold a large company in memory while the kernels run
            del company
            checked_tables.write_checked(tables, sources, derived, source, folder)
            del tables
            release_memory()
    except OSError as error:
        no_room(error)
        return KeptCompany(folder, source, name, setting, kept=False)
    return KeptCompany(folder, source, name, setting, kept=True)

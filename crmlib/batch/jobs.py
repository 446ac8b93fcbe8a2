"""What a worker does: check a client's data folder, render one (client, notebook) report.

These functions run in worker processes: local pool workers, or Dask workers on other
machines. They take and return plain, picklable values and never raise for a failed
report. A failure comes back as a :class:`JobOutcome` with a one-line error, because
crmlib's exceptions carry keyword-only details that do not survive pickling.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import crmlib
from crmlib.errors import CrmlibError

#: Status of a report rendered in this run.
RENDERED = "rendered"
#: Status of a report whose inputs did not change since it was last rendered.
UP_TO_DATE = "up to date"
#: Status of a report that failed (its data folder, a cell, the kernel, the export).
FAILED = "failed"
#: Status of a report not rendered because the batch was interrupted.
CANCELLED = "cancelled"

# papermill changes the process's working folder while a notebook runs; a worker with
# several threads (a Dask worker, say) must therefore render one report at a time.
_RENDER_LOCK = threading.Lock()

_MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class Job:
    """One report to render: a notebook for a client.

    Attributes
    ----------
    key : str
        ``<client slug>/<notebook stem>``.
    client : str
        The client's name, for the report's title band.
    notebook : str
        The notebook file (absolute path).
    out_dir : str
        The client's report folder (absolute path).
    parameters : dict
        The effective notebook parameters.
    formats : tuple of str
        Report formats.
    report_date : date or str
        The date in the title band, the same for the whole batch.
    crmlib_version : str
        The crmlib version the batch was planned with; a worker with another version
        refuses the job rather than render it with other code.
    execution_timeout : float or None
        Seconds one cell may run; None for no limit.
    language, locale : str
        The report's language and the locale of its numbers (see :mod:`crmlib.i18n`).
    checked : str or None
        The folder where the client's check kept its checked tables; the report's
        kernels read them from there (see :mod:`crmlib.data.checked`).
    """

    key: str
    client: str
    notebook: str
    out_dir: str
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    report_date: dt.date | str
    crmlib_version: str
    execution_timeout: float | None = 600
    language: str = "en"
    locale: str = ""
    checked: str | None = None

    @property
    def stem(self) -> str:
        """The notebook's stem, also the name of its reports."""
        return Path(self.notebook).stem


@dataclass(frozen=True)
class JobOutcome:
    """What became of one job.

    Attributes
    ----------
    key : str
        The job's key.
    status : str
        :data:`RENDERED` or :data:`FAILED`.
    seconds : float
        Wall-clock time of the job in the worker.
    error : str or None
        One line: what failed and, for a failed cell, which cell and where the
        executed notebook was kept.
    outputs : dict of str to str
        Report file per format.
    kept : str or None
        The executed notebook kept after a failure.
    """

    key: str
    status: str
    seconds: float
    error: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    kept: str | None = None


def prepare_worker(log_path: str | None = None) -> None:
    """Make a pool worker ready: ignore Ctrl-C, quiet papermill, import the renderer.

    Used as the pool's initializer, so every report after a worker's first finds
    papermill, nbconvert and WeasyPrint already imported.

    Parameters
    ----------
    log_path : str, optional
        File that takes the worker's stdout and stderr, and so those of the kernels
        it starts (which inherit them): their own log lines (a kernel that died, a
        kernel left behind by a stopped worker) are diagnostics for the log, not
        lines for the terminal, where the progress bar and the outcome are.
    """
    # The command decides what Ctrl-C means: it cancels, stops the workers and keeps
    # the record; a worker interrupted on its own would leave a half-failed report.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_path is not None:
        log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
    _quiet_papermill()
    import crmlib.data.company  # noqa: F401
    import crmlib.render  # noqa: F401


def check_client(
    data_dir: str,
    observation_end: Any = None,
    keep_in: str | None = None,
    language: str | None = None,
) -> str | None:
    """Validate a client's data folder before any of its notebooks runs.

    Parameters
    ----------
    data_dir : str
        The client's data folder.
    observation_end : date-like, optional
        The client's ``observation_end`` parameter, checked as the notebooks read it.
    keep_in : str, optional
        A private folder to keep the checked tables in, so that the client's kernels
        read them back instead of reading and checking the data again, once per
        notebook (see :mod:`crmlib.data.checked`). A folder without room costs time,
        not the reports: the kernels then read the data themselves. A database or
        Parquet client's customer base is then built in its engine, for its kernels.
    language : str, optional
        The language of the client's reports: the base holds sentences in it.

    Returns
    -------
    str or None
        The one-line validation error, or None when the data is valid.
    """
    from crmlib.render.kept import keep_company

    def no_room(exc: OSError) -> None:
        # stderr is the batch log: a note for whoever wonders why it was slower
        print(
            f"note: the checked tables of {data_dir} could not be kept in {keep_in} "
            f"({exc}); its notebooks read the data themselves",
            file=sys.stderr,
            flush=True,
        )

    try:
        # checked as a render checks (a database or Parquet company in its engine, its
        # tables kept a table at a time): the batch never holds a client's whole company
        keep_company(
            data_dir,
            Path(keep_in) if keep_in is not None else None,
            observation_end=observation_end or None,
            language=language,
            no_room=no_room,
        )
    except CrmlibError as exc:
        return _one_line(str(exc))
    except Exception as exc:
        # A file the loader does not expect must cost this client, not the batch.
        return _one_line(f"reading the data folder failed: {type(exc).__name__}: {exc}")
    return None


def run_job(job: Job) -> JobOutcome:
    """Render one report with :func:`crmlib.render.render_notebook`.

    Parameters
    ----------
    job : Job

    Returns
    -------
    JobOutcome
        Rendered, or failed with a one-line error. A failed cell's executed notebook
        is kept in the client's folder as ``<notebook>.failed.ipynb``.
    """
    started = time.perf_counter()
    if job.crmlib_version != crmlib.__version__:
        return JobOutcome(
            job.key,
            FAILED,
            0.0,
            error=f"this worker has crmlib {crmlib.__version__}, the batch needs "
            f"{job.crmlib_version}. Fix: install the same crmlib on every worker",
        )
    _quiet_papermill()
    from crmlib.data.checked import offered_to_kernels
    from crmlib.i18n import Setting
    from crmlib.render import ReportError, render_notebook

    # the kernels take the tables the client's check kept, if it could keep them
    offered = offered_to_kernels(Path(job.checked)) if job.checked else contextlib.nullcontext()
    try:
        with _RENDER_LOCK, offered:
            result = render_notebook(
                job.notebook,
                job.out_dir,
                parameters=job.parameters,
                formats=job.formats,
                company=job.client,
                report_date=job.report_date,
                execution_timeout=job.execution_timeout,
                setting=Setting(job.language, job.locale),
            )
    except ReportError as exc:
        return JobOutcome(
            job.key,
            FAILED,
            time.perf_counter() - started,
            error=_one_line(str(exc)),
            kept=exc.kept,
        )
    except Exception as exc:
        return JobOutcome(
            job.key,
            FAILED,
            time.perf_counter() - started,
            error=_one_line(f"{job.stem}: unexpected {type(exc).__name__}: {exc}"),
        )
    return JobOutcome(
        job.key,
        RENDERED,
        time.perf_counter() - started,
        outputs={fmt: str(path) for fmt, path in result.outputs.items()},
    )


def _quiet_papermill() -> None:
    # The batch reports each outcome once; papermill's own warnings (e.g. a parameter
    # a notebook does not declare) would only break up the progress bar.
    logging.getLogger("papermill").setLevel(logging.ERROR)


def _one_line(text: str) -> str:
    text = re.sub(r"\s*\n\s*", " ", text.strip())
    if len(text) > _MAX_ERROR_CHARS:
        text = text[: _MAX_ERROR_CHARS - 1] + "…"
    return text

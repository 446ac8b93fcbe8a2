"""Run a batch: plan it, render what is not up to date in parallel, write the summary.

Locally, reports render in a pool of worker processes (``concurrent.futures`` with the
``forkserver`` start method where there is one, else ``spawn``). Each worker imports
the renderer once and renders report after report, one kernel per notebook. Processes
rather than threads, because papermill changes the process's working folder while a
notebook runs.

A failed report does not stop the others. When a worker process dies (killed, out of
memory) the pool breaks and takes every running report with it; those reports run
again one at a time in a fresh pool, so the one that kills its worker is found and
reported, and the others are rendered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

import crmlib
from crmlib.batch.clients import BatchSpec, data_digest, load_clients
from crmlib.batch.errors import BatchInterrupted
from crmlib.batch.jobs import CANCELLED, FAILED, RENDERED, UP_TO_DATE, Job, prepare_worker
from crmlib.batch.manifest import (
    Manifest,
    file_digest,
    inputs_digest,
    report_inputs,
)
from crmlib.batch.scheduler import BatchRow, BatchScheduler, PlannedReport, Task
from crmlib.batch.summary import SUMMARY_NAME, write_summary
from crmlib.errors import CrmlibError
from crmlib.i18n import SOURCE_LANGUAGE, Setting
from crmlib.i18n.narrative import translation_path

#: File name of the log of the worker processes and their kernels, in the output folder.
LOG_NAME = "batch.log"

# Modules the fork server imports once, so each worker it forks starts warm.
_PRELOAD = ["crmlib.batch.jobs", "crmlib.data.company", "crmlib.render"]

# Seconds a worker gets to stop after SIGTERM before it is killed.
_STOP_GRACE = 5.0


@dataclass(frozen=True)
class BatchResult:
    """The outcome of a batch.

    Attributes
    ----------
    rows : tuple of BatchRow
        One per (client, notebook), in the clients file's order.
    summary : Path
        The summary CSV.
    manifest : Path
        The manifest of input digests.
    manifest_unreadable : bool
        True when an earlier manifest could not be read, so every report was rendered.
    """

    rows: tuple[BatchRow, ...]
    summary: Path
    manifest: Path
    manifest_unreadable: bool = False

    @property
    def rendered(self) -> list[BatchRow]:
        """Reports rendered in this run."""
        return [row for row in self.rows if row.status == RENDERED]

    @property
    def up_to_date(self) -> list[BatchRow]:
        """Reports skipped because their inputs did not change."""
        return [row for row in self.rows if row.status == UP_TO_DATE]

    @property
    def failed(self) -> list[BatchRow]:
        """Reports that failed."""
        return [row for row in self.rows if row.status == FAILED]

    @property
    def cancelled(self) -> list[BatchRow]:
        """Reports not rendered because the batch was interrupted."""
        return [row for row in self.rows if row.status == CANCELLED]

    @property
    def ok(self) -> bool:
        """Whether every report is rendered or up to date."""
        return not self.failed and not self.cancelled


def default_jobs() -> int:
    """The number of worker processes by default: the cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def plan_batch(
    spec: BatchSpec,
    out_dir: str | os.PathLike[str],
    *,
    manifest: Manifest,
    force: bool = False,
    report_date: dt.date | str | None = None,
    timeout: float | None = None,
    language: str | None = None,
) -> list[PlannedReport]:
    """Every (client, notebook) report of a batch, with its inputs and whether it is current.

    Parameters
    ----------
    spec : BatchSpec
        The checked clients file.
    out_dir : path-like
        The batch's output folder; each client's reports go to ``<out_dir>/<slug>``.
    manifest : Manifest
        The record of earlier runs.
    force : bool
        Count no report as up to date.
    report_date : date or str, optional
        The date in the reports' title band, the same for every report (defaults to
        today); text is shown as it is.
    timeout : float, optional
        Seconds one cell may run, 0 for no limit; None takes the clients file's
        ``timeout``. Not an input of the report: changing it renders nothing again.
    language : str, optional
        The language of every report (``--lang``), over each client's ``language``
        parameter and company.yml's.

    Returns
    -------
    list of PlannedReport
        In the clients file's order, each client's notebooks in the file's order.
    """
    out_dir = Path(out_dir).resolve()
    if report_date is None:
        report_date = dt.date.today()
    seconds = spec.timeout if timeout is None else timeout
    notebook_digests = {nb.path: file_digest(nb.path) for nb in spec.notebooks}
    data_digests: dict[Path, str] = {}
    reports = []
    for client in spec.clients:
        if client.data_dir not in data_digests:
            data_digests[client.data_dir] = data_digest(client.data_dir, exclude=[out_dir])
        report_dir = out_dir / client.slug
        for notebook in spec.notebooks:
            parameters = spec.parameters_for(client, notebook)
            setting = _setting(client.data_dir, language or parameters.get("language"))
            notebook_digest = notebook_digests[notebook.path]
            if setting.language != SOURCE_LANGUAGE:
                parameters = {**parameters, "language": setting.language}
                # A corrected translation renders the report again.
                translation = translation_path(setting.language, notebook.stem)
                if translation.is_file():
                    notebook_digest += file_digest(translation)
            inputs = report_inputs(
                notebook_digest=notebook_digest,
                data_digest=data_digests[client.data_dir],
                parameters=parameters,
                formats=spec.formats,
                client=client.name,
                version=crmlib.__version__,
            )
            digest = inputs_digest(inputs)
            key = f"{client.slug}/{notebook.stem}"
            job = Job(
                key=key,
                client=client.name,
                notebook=str(notebook.path),
                out_dir=str(report_dir),
                parameters=parameters,
                formats=spec.formats,
                report_date=report_date,
                crmlib_version=crmlib.__version__,
                execution_timeout=seconds or None,
                language=setting.language,
                locale=setting.locale,
            )
            current = not force and manifest.is_up_to_date(key, digest, report_dir)
            reports.append(PlannedReport(client, notebook, job, inputs, digest, current))
    return reports


def _setting(data_dir: Path | str, language: object) -> Setting:
    """A client's report language; English when company.yml's is unreadable (the client's
    own check then reports that, in its rows, without stopping the batch)."""
    # Imported here: planning a batch must not load pandas (see test_dask).
    from crmlib.data.company import company_setting

    try:
        return company_setting(data_dir, str(language) if language else None)
    except CrmlibError:
        return Setting()


def pseudonymised_spec(spec: BatchSpec, folder: Path) -> BatchSpec:
    """The same batch, each client's data replaced by a pseudonymised copy in ``folder``.

    A client whose data cannot be loaded keeps its own folder, so its validation error
    is reported as usual and no kernel starts for it.
    """
    from crmlib.data.company import load_company
    from crmlib.errors import DataValidationError
    from crmlib.privacy import pseudonymised_copy

    clients = []
    for client in spec.clients:
        try:
            company = load_company(client.data_dir)
        except DataValidationError:
            clients.append(client)
            continue
        copy = pseudonymised_copy(company, folder / client.slug)
        clients.append(dataclasses.replace(client, data_dir=copy))
    return dataclasses.replace(spec, clients=tuple(clients))


def run_batch(
    clients: BatchSpec | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    progress: bool | None = None,
    report_date: dt.date | str | None = None,
    pseudonymise: bool = False,
    timeout: float | None = None,
    language: str | None = None,
) -> BatchResult:
    """Render the reports of many clients, in parallel, skipping what is up to date.

    Parameters
    ----------
    clients : BatchSpec or path-like
        A clients file, or one read with :func:`crmlib.batch.load_clients`.
    out_dir : path-like
        The output folder: ``<out_dir>/<client slug>/<notebook>.html|.pdf``, the
        summary ``batch-summary.csv``, the manifest ``.batch-manifest.json``, and
        ``batch.log`` with what the worker processes and their kernels wrote (local
        runs).
    jobs : int, optional
        Worker processes on this machine; defaults to the number of cores. Not used
        with ``scheduler``, where the cluster's workers decide.
    force : bool
        Render every report, even those whose inputs did not change.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``) to run the reports on,
        instead of this machine. Needs the ``dask`` extra, and workers that have
        crmlib installed and see the notebooks, data and output folders at the same
        paths.
    progress : bool or None
        Show a progress bar over all reports on stderr; None shows it when stderr is
        a terminal.
    report_date : date or str, optional
        The date in the reports' title band, the same for every report (defaults to
        today); text is shown as it is.
    pseudonymise : bool
        Run the notebooks on pseudonymised copies of the clients' data (see
        :mod:`crmlib.privacy`), kept in ``<out_dir>/.pseudonymised/<client slug>``.
    timeout : float, optional
        Seconds one cell may run, 0 for no limit; None takes the clients file's
        ``timeout`` (600 s when it has none).
    language : str, optional
        The language of every report, over the clients' own (see :func:`plan_batch`).

    Returns
    -------
    BatchResult
        Every report's outcome; :attr:`BatchResult.ok` when none failed.

    Raises
    ------
    ClientsFileError
        The clients file is malformed (nothing was rendered).
    DaskNotInstalledError, ClusterConnectionError
        ``scheduler`` was given, but Dask is not installed or the scheduler cannot be
        reached (nothing was rendered).
    BatchInterrupted
        Ctrl-C: pending reports were cancelled and running ones stopped; the summary
        and the manifest record what was finished. A ``KeyboardInterrupt``.
    """
    spec = clients if isinstance(clients, BatchSpec) else load_clients(clients)
    if scheduler is not None:
        from crmlib.batch.dask_runner import import_distributed

        import_distributed()  # no Dask is a usage error, before any work
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    if pseudonymise:
        spec = pseudonymised_spec(spec, out_dir / ".pseudonymised")
    manifest = Manifest.load(out_dir)
    reports = plan_batch(
        spec,
        out_dir,
        manifest=manifest,
        force=force,
        report_date=report_date,
        timeout=timeout,
        language=language,
    )
    summary_path = out_dir / SUMMARY_NAME
    bar = tqdm(
        total=len(reports),
        initial=sum(report.up_to_date for report in reports),
        desc="reports",
        unit="report",
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
    )
    # On this machine, each client's check keeps the tables it checked for the client's
    # kernels (private to this user, removed with the client's last report); workers on
    # other machines would not see them, so there every kernel reads the data itself.
    checked_root = None if scheduler is not None else Path(tempfile.mkdtemp(prefix="crm-batch-"))
    batch = BatchScheduler(reports, manifest, progress=bar, checked_root=checked_root)

    def result() -> BatchResult:
        rows = batch.rows()
        write_summary(
            ((row.client, row.notebook, row.status, row.seconds, row.error) for row in rows),
            summary_path,
        )
        return BatchResult(tuple(rows), summary_path, manifest.path, manifest.unreadable)

    try:
        if batch.to_render:
            if scheduler is not None:
                from crmlib.batch.dask_runner import run_on_dask

                run_on_dask(batch, scheduler)
            else:
                workers = min(jobs or default_jobs(), batch.to_render)
                run_local(batch, workers, out_dir / LOG_NAME)
    except KeyboardInterrupt:
        bar.close()
        with _ignoring_interrupts():
            interrupted = result()
        raise BatchInterrupted(interrupted) from None
    finally:
        bar.close()
        if checked_root is not None:
            shutil.rmtree(checked_root, ignore_errors=True)
    return result()


def run_local(batch: BatchScheduler, workers: int, log_path: Path | None = None) -> None:
    """Run a batch's tasks in a pool of local worker processes until none is left.

    Parameters
    ----------
    batch : BatchScheduler
    workers : int
        Worker processes.
    log_path : Path, optional
        Started afresh; takes the workers' and their kernels' own output (see
        :func:`crmlib.batch.jobs.prepare_worker`). None leaves it on this process's
        stdout and stderr.

    Raises
    ------
    KeyboardInterrupt
        After cancelling pending tasks and stopping the workers (and with them their
        kernels).
    """
    if log_path is not None:
        log_path.write_bytes(b"")
    ours_before = set(multiprocessing.active_children())
    pool = _LocalPool(batch, workers, log_path)
    try:
        pool.run()
    except BaseException:
        pool.executor.shutdown(wait=False, cancel_futures=True)
        _stop_workers(ours_before)
        raise
    pool.executor.shutdown(wait=True)


class _LocalPool:
    """Feed a process pool from the scheduler, and survive workers that die.

    At most ``workers`` tasks are handed to the pool at a time, so that when it
    breaks, the tasks it takes with it are exactly those that were running. They
    become suspects and run again one at a time, alone, in a new pool: one that breaks
    it again is the cause and becomes a failed row; the others finish normally.
    """

    def __init__(self, batch: BatchScheduler, workers: int, log_path: Path | None) -> None:
        self.batch = batch
        self.workers = workers
        self.log_path = log_path
        self.context = _start_context()
        self.executor = self._new_executor()
        self.running: dict[Future, Task] = {}
        self.suspects: deque[Task] = deque()
        self.unsent: deque[Task] = deque()  # taken from the scheduler, not yet in a pool
        self.alone: set[Future] = set()  # suspects running on their own

    def run(self) -> None:
        while True:
            self._submit_ready()
            if not self.running:
                return
            done, _ = wait(self.running, return_when=FIRST_COMPLETED)
            if not self._collect(done):
                self._replace_executor()

    def _submit_ready(self) -> None:
        if self.suspects:
            if not self.running:
                task = self.suspects.popleft()
                future = self._submit(task)
                if future is None:
                    self.suspects.appendleft(task)
                else:
                    self.alone.add(future)
            return
        if self.alone:
            return
        while len(self.running) < self.workers:
            task = self.unsent.popleft() if self.unsent else self.batch.next_task()
            if task is None:
                return
            if self._submit(task) is None:
                self.unsent.appendleft(task)
                return

    def _submit(self, task: Task) -> Future | None:
        try:
            future = self.executor.submit(task.function, *task.args)
        except BrokenProcessPool:
            # a worker died after its last result came in
            self._replace_executor()
            return None
        self.running[future] = task
        return future

    def _collect(self, done: set[Future]) -> bool:
        """Hand finished tasks to the scheduler; False when the pool broke."""
        intact = True
        for future in done:
            task = self.running.pop(future)
            alone = future in self.alone
            self.alone.discard(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                intact = False
                if alone:
                    self.batch.fail(
                        task,
                        f"the worker process died while {task.describe} (it was killed, "
                        f"or ran out of memory{self._log_note})",
                    )
                else:
                    self.suspects.append(task)
            except Exception as exc:
                self.batch.fail(task, f"{task.describe} failed: {type(exc).__name__}: {exc}")
            else:
                self.batch.complete(task, result)
        return intact

    def _replace_executor(self) -> None:
        # A broken pool fails every task it still holds at once.
        done, _ = wait(self.running)
        self._collect(done)
        self.executor.shutdown(wait=True)
        self.executor = self._new_executor()

    @property
    def _log_note(self) -> str:
        return f"; see {self.log_path}" if self.log_path is not None else ""

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self.context,
            initializer=prepare_worker,
            initargs=(str(self.log_path) if self.log_path is not None else None,),
        )


def _start_context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one (workers start warm), else spawn; never plain fork.

    Forking the command itself would copy its threads (the progress bar's monitor,
    the pool's manager) into the workers.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Takes effect when the fork server starts, i.e. in this process's first batch.
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _stop_workers(before: set[multiprocessing.process.BaseProcess]) -> None:
    """Stop the pool's worker processes; their kernels exit when they see them gone."""
    workers = [p for p in multiprocessing.active_children() if p not in before]
    for process in workers:
        with contextlib.suppress(OSError):
            process.terminate()
    for process in workers:
        process.join(_STOP_GRACE)
        if process.is_alive():
            with contextlib.suppress(OSError):
                process.kill()
            process.join()


@contextlib.contextmanager
def _ignoring_interrupts() -> Iterator[None]:
    """Let a second Ctrl-C not cut the summary short while it is written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: Callable | int | None = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

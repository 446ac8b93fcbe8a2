"""The bookkeeping of a batch, the same whichever workers run it.

The scheduler hands out tasks: first a check of each client's data folder, then that
client's reports, one task per (client, notebook). It takes back their outcomes,
records rendered reports in the manifest as they finish, and keeps one row per report
for the summary. A driver (:mod:`crmlib.batch.runner` for a local process pool,
:mod:`crmlib.batch.dask_runner` for a Dask cluster) only moves tasks to workers and
results back.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmlib.batch.clients import ClientSpec, NotebookSpec
from crmlib.batch.jobs import (
    CANCELLED,
    FAILED,
    RENDERED,
    UP_TO_DATE,
    Job,
    JobOutcome,
    check_client,
    run_job,
)
from crmlib.batch.manifest import Manifest

#: Kind of a task that validates a client's data folder.
CHECK = "check"
#: Kind of a task that renders one report.
RENDER = "render"


@dataclass(frozen=True)
class PlannedReport:
    """One (client, notebook) report of the batch, with the digest of its inputs.

    Attributes
    ----------
    client : ClientSpec
    notebook : NotebookSpec
    job : Job
        What a worker needs to render it.
    inputs : dict
        The report's inputs, as recorded in the manifest.
    digest : str
        Their digest.
    up_to_date : bool
        Whether the manifest says the report was rendered from these inputs and its
        files are there (and the batch is not forced).
    """

    client: ClientSpec
    notebook: NotebookSpec
    job: Job
    inputs: dict[str, Any]
    digest: str
    up_to_date: bool


@dataclass(frozen=True)
class Task:
    """A unit of work for a worker: ``function(*args)``.

    Attributes
    ----------
    kind : str
        :data:`CHECK` or :data:`RENDER`.
    key : str
        The client's slug for a check; the report's key for a render.
    function : callable
        A module-level function of :mod:`crmlib.batch.jobs`, so it pickles by name.
    args : tuple
    """

    kind: str
    key: str
    function: Callable[..., Any]
    args: tuple[Any, ...]

    @property
    def describe(self) -> str:
        """What the task does, in a few words (for messages)."""
        if self.kind == CHECK:
            return "checking the data folder"
        return f"rendering {self.key.rsplit('/', 1)[-1]}"


@dataclass(frozen=True)
class BatchRow:
    """The outcome of one report, a row of the summary.

    Attributes
    ----------
    client : str
        The client's name.
    slug : str
        The client's report folder name.
    notebook : str
        The notebook's stem.
    status : str
        ``"rendered"``, ``"up to date"``, ``"failed"`` or ``"cancelled"``.
    seconds : float or None
        How long rendering took, when it ran in this batch.
    error : str or None
        One line: what failed, and where.
    outputs : tuple of Path
        The report files, for a rendered or up-to-date report.
    kept : Path or None
        The executed notebook kept after a failure.
    """

    client: str
    slug: str
    notebook: str
    status: str
    seconds: float | None = None
    error: str | None = None
    outputs: tuple[Path, ...] = ()
    kept: Path | None = None


class BatchScheduler:
    """Hand out a batch's tasks and collect their outcomes.

    Parameters
    ----------
    reports : sequence of PlannedReport
        Every report of the batch, in summary order.
    manifest : Manifest
        Updated (and written) after each finished report.
    progress : tqdm or None
        Advanced by one for every report that finishes, however it finishes.
    checked_root : Path, optional
        A private folder on the machine that runs the checks and the reports. Each
        client's check keeps the tables it checked in ``<checked_root>/<slug>``, its
        reports' kernels read them from there, and the folder is removed once the
        client's last report has finished. None (workers on other machines): every
        kernel reads the client's data itself.
    """

    def __init__(
        self,
        reports: Sequence[PlannedReport],
        manifest: Manifest,
        progress: Any = None,
        checked_root: Path | None = None,
    ) -> None:
        self._reports = {report.job.key: report for report in reports}
        self._manifest = manifest
        self._progress = progress
        self._checked_root = checked_root
        self._rows: dict[str, BatchRow] = {}
        self._waiting: dict[str, list[PlannedReport]] = {}
        # reports not yet finished, per client: the client's checked tables go with the last
        self._unfinished: Counter[str] = Counter()
        self._renders: deque[Task] = deque()
        self._checks: deque[Task] = deque()
        for report in reports:
            if report.up_to_date:
                entry = manifest.reports[report.job.key]
                self._rows[report.job.key] = self._row(
                    report,
                    UP_TO_DATE,
                    outputs=tuple(Path(report.job.out_dir) / name for name in entry["outputs"]),
                )
                continue
            waiting = self._waiting.setdefault(report.client.slug, [])
            if not waiting:
                client = report.client
                observation_end = report.job.parameters.get("observation_end")
                keep_in = self._checked_folder(client.slug)
                self._checks.append(
                    Task(
                        CHECK,
                        client.slug,
                        check_client,
                        (str(client.data_dir), observation_end, keep_in, report.job.language),
                    )
                )
            waiting.append(report)
            self._unfinished[report.client.slug] += 1

    @property
    def to_render(self) -> int:
        """How many reports are not up to date."""
        return len(self._reports) - self.up_to_date

    @property
    def up_to_date(self) -> int:
        """How many reports were up to date before the batch started."""
        return sum(report.up_to_date for report in self._reports.values())

    def next_task(self) -> Task | None:
        """The next task to run, or None when none is ready now.

        Reports of clients whose data was checked come before checks of further
        clients, so that each client's report set is complete early. None does not
        mean the batch is done: a running check may still release reports.
        """
        if self._renders:
            return self._renders.popleft()
        if self._checks:
            return self._checks.popleft()
        return None

    def complete(self, task: Task, result: Any) -> None:
        """Take the result of a task that ran.

        Parameters
        ----------
        task : Task
        result : str or None, or JobOutcome
            For a check, the validation error or None; for a render, its outcome.
        """
        if task.kind == CHECK:
            reports = self._waiting.pop(task.key, [])
            if result is None:
                checked = self._checked_folder(task.key)
                self._renders.extend(
                    Task(
                        RENDER,
                        report.job.key,
                        run_job,
                        (dataclasses.replace(report.job, checked=checked),),
                    )
                    for report in reports
                )
            else:
                for report in reports:
                    self._finish(report, self._row(report, FAILED, error=str(result)))
            return
        report = self._reports[task.key]
        outcome: JobOutcome = result
        if outcome.status == RENDERED:
            self._manifest.record(
                task.key,
                client=report.client.name,
                notebook=report.notebook.stem,
                digest=report.digest,
                inputs=report.inputs,
                outputs=[Path(path).name for path in outcome.outputs.values()],
                seconds=outcome.seconds,
            )
            row = self._row(
                report,
                RENDERED,
                seconds=outcome.seconds,
                outputs=tuple(Path(path) for path in outcome.outputs.values()),
            )
        else:
            # its old reports, if any, no longer match the inputs: render it next time
            self._manifest.forget(task.key)
            row = self._row(
                report,
                FAILED,
                seconds=outcome.seconds,
                error=outcome.error,
                kept=Path(outcome.kept) if outcome.kept else None,
            )
        self._finish(report, row)

    def fail(self, task: Task, message: str) -> None:
        """Note a task that could not run to the end (e.g. its worker died).

        Parameters
        ----------
        task : Task
        message : str
            One line saying what happened.
        """
        if task.kind == CHECK:
            for report in self._waiting.pop(task.key, []):
                self._finish(report, self._row(report, FAILED, error=message))
            return
        report = self._reports[task.key]
        self._manifest.forget(task.key)
        self._finish(report, self._row(report, FAILED, error=message))

    def rows(self) -> list[BatchRow]:
        """One row per report, in the clients file's order; unfinished ones cancelled."""
        return [
            self._rows.get(key) or self._row(report, CANCELLED)
            for key, report in self._reports.items()
        ]

    def _checked_folder(self, slug: str) -> str | None:
        return None if self._checked_root is None else str(self._checked_root / slug)

    def _finish(self, report: PlannedReport, row: BatchRow) -> None:
        self._rows[report.job.key] = row
        slug = report.client.slug
        self._unfinished[slug] -= 1
        if not self._unfinished[slug] and (folder := self._checked_folder(slug)):
            # a large client's tables are not kept on disk past its last report
            shutil.rmtree(folder, ignore_errors=True)
        if self._progress is not None:
            self._progress.set_postfix_str(f"{report.client.slug}/{report.notebook.stem}")
            self._progress.update(1)

    @staticmethod
    def _row(report: PlannedReport, status: str, **details: Any) -> BatchRow:
        return BatchRow(
            client=report.client.name,
            slug=report.client.slug,
            notebook=report.notebook.stem,
            status=status,
            **details,
        )

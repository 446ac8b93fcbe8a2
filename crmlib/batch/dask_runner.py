"""Run a batch on an existing Dask cluster (``crm-workbook batch ... --scheduler ADDRESS``).

The same tasks as on one machine (:mod:`crmlib.batch.jobs`) go to the cluster with
``Client.submit``; their results come back as they complete and go through the same
bookkeeping (:class:`~crmlib.batch.scheduler.BatchScheduler`): the manifest is written
on this machine after every finished report, and the summary at the end.

What the cluster needs:

- Dask's ``distributed`` on this machine and the workers:
  ``pip install 'crm-strategy-workbook[dask]'``;
- the same crmlib version on every worker (a worker with another version refuses the
  job, and the report fails with a message saying so);
- the notebooks, the clients' data folders and the output folder at the same paths on
  every worker (a shared file system), since reports are written by the workers.

A worker process renders one report at a time even when it has several threads,
because papermill changes the process's working folder; start workers with
``--nthreads 1`` and as many processes (``--nworkers``) as they have cores.
"""

from __future__ import annotations

import uuid
from concurrent.futures import CancelledError
from typing import Any

from crmlib.batch.errors import ClusterConnectionError, DaskNotInstalledError
from crmlib.batch.scheduler import BatchScheduler, Task

#: Seconds to wait for the scheduler to answer before giving up.
CONNECT_TIMEOUT = 10.0


def import_distributed() -> Any:
    """Import Dask's ``distributed``, or say how to install it.

    Returns
    -------
    module
        ``distributed``.

    Raises
    ------
    DaskNotInstalledError
        Dask is not installed (the ``dask`` extra).
    """
    try:
        import distributed
    except ImportError as exc:
        raise DaskNotInstalledError() from exc
    return distributed


def run_on_dask(
    batch: BatchScheduler, address: str, *, connect_timeout: float = CONNECT_TIMEOUT
) -> None:
    """Run a batch's tasks on the Dask cluster at ``address`` until none is left.

    Parameters
    ----------
    batch : BatchScheduler
    address : str
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    connect_timeout : float
        Seconds to wait for the scheduler.

    Raises
    ------
    DaskNotInstalledError
        Dask is not installed.
    ClusterConnectionError
        The scheduler cannot be reached; nothing was run.
    KeyboardInterrupt
        After cancelling the tasks still queued on the cluster. A report already
        running on a worker runs to its end; the manifest does not count it, so the
        next run renders it again.
    """
    distributed = import_distributed()
    try:
        client = distributed.Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        raise ClusterConnectionError(address, _one_line(exc)) from None
    outstanding: dict[str, tuple[Any, Task]] = {}
    completed = distributed.as_completed(loop=client.loop)

    def submit_ready() -> None:
        while (task := batch.next_task()) is not None:
            # Unique keys: a report rendered again must run again, not be taken from
            # the cluster's memory of an earlier batch.
            key = f"crm-{task.kind}-{task.key.replace('/', '.')}-{uuid.uuid4().hex[:12]}"
            future = client.submit(task.function, *task.args, key=key, pure=False, retries=0)
            outstanding[future.key] = (future, task)
            completed.add(future)

    try:
        submit_ready()
        for future in completed:
            _, task = outstanding.pop(future.key)
            try:
                result = future.result()
            except (Exception, CancelledError) as exc:
                # e.g. KilledWorker: the workers running it died again and again
                batch.fail(
                    task,
                    f"{task.describe} on the cluster failed: "
                    f"{type(exc).__name__}: {_one_line(exc)}",
                )
            else:
                batch.complete(task, result)
            future.release()
            submit_ready()
    except BaseException:
        client.cancel([future for future, _ in outstanding.values()])
        raise
    finally:
        client.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__

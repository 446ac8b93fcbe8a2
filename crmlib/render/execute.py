"""Execute one parameterized notebook with papermill, keeping it when it fails.

The executed notebook goes to a temporary folder. When execution fails, it is kept
next to the reports as ``<stem>.failed.ipynb`` (for a failing cell with papermill's
error banner at the top and before that cell), and a :class:`ReportError` with a
one-line message is raised.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
import papermill
import zmq
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from crmlib import errors as crmlib_errors
from crmlib.atomic import atomic_path
from crmlib.render.errors import NotebookExecutionError, ReportError

#: Suffix of an executed notebook kept after a failure: ``01_idic.failed.ipynb``.
FAILED_SUFFIX = ".failed.ipynb"

#: Seconds one cell may run by default (``--timeout`` of ``render`` and ``batch``).
DEFAULT_TIMEOUT = 600

# A one-line message stays readable; the full text is in the kept notebook.
_MAX_EVALUE_CHARS = 500

# A kernel that dies before it answers has run nothing, so starting it again is safe.
# Kernels started at the same moment (a batch's workers) can race for the same local
# ports, and one of them then exits at once; a second start gets fresh ports.
_KERNEL_STARTS = 3
_KERNEL_RESTART_PAUSE = 1.0

# jupyter_client's messages for a kernel that never answered (client.wait_for_ready)
_NOT_STARTED = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def read_notebook(notebook: Path) -> nbformat.NotebookNode:
    """Read a notebook file, turning the ways it can be unreadable into a user error.

    Parameters
    ----------
    notebook : Path
        The ``.ipynb`` file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, as nbformat 4.

    Raises
    ------
    ReportError
        With ``user_error=True`` when the file is missing or not a notebook.
    """
    if not notebook.is_file():
        raise ReportError(
            f"{notebook}: notebook not found. Fix: check the path and file name",
            notebook=notebook.name,
            user_error=True,
        )
    try:
        return nbformat.read(notebook, as_version=4)
    except (OSError, ValueError, nbformat.ValidationError) as exc:
        # nbformat's NotJSONError is a ValueError
        raise ReportError(
            f"{notebook}: not a readable Jupyter notebook ({_one_line(str(exc))})",
            notebook=notebook.name,
            user_error=True,
        ) from exc


def failed_notebook_path(notebook: Path, out_dir: Path) -> Path:
    """Where the executed notebook is kept when rendering ``notebook`` fails."""
    return out_dir / f"{notebook.stem}{FAILED_SUFFIX}"


def execute_notebook(
    notebook: Path,
    *,
    out_dir: Path,
    parameters: Mapping[str, Any] | None = None,
    cwd: Path | None = None,
    kernel_name: str = "python3",
    execution_timeout: float | None = DEFAULT_TIMEOUT,
    log_output: bool = False,
) -> nbformat.NotebookNode:
    """Run ``notebook`` with papermill and return the executed notebook.

    Parameters
    ----------
    notebook : Path
        The notebook to run. It is not modified.
    out_dir : Path
        The report folder: a failed run keeps its executed notebook here as
        ``<stem>.failed.ipynb``.
    parameters : mapping, optional
        Values papermill injects after the notebook's ``parameters`` cell.
    cwd : Path, optional
        Working folder of the kernel; defaults to the notebook's folder, so a relative
        default data path in the notebook works.
    kernel_name : str
        Jupyter kernel to run the notebook with.
    execution_timeout : float or None
        Seconds one cell may run before the run is stopped; None for no limit.
    log_output : bool
        Send the cells' output to the ``papermill`` logger while they run.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, with the injected-parameters cell and every output.

    Raises
    ------
    NotebookExecutionError
        A cell raised; the message names the notebook, the cell, the error and where
        the executed notebook was kept. ``user_error`` is true when the error is one
        of crmlib's user errors (bad data, a bad parameter, a missing table).
    ReportError
        The kernel is unknown (a user error), did not start in three tries, died, or
        a cell ran past the time-out.
    """
    notebook = Path(notebook)
    cwd = Path(cwd) if cwd is not None else notebook.resolve().parent
    extra_arguments = _kernel_arguments(notebook, kernel_name)
    for attempt in range(_KERNEL_STARTS):
        if attempt:
            time.sleep(_KERNEL_RESTART_PAUSE)
        try:
            return _execute_once(
                notebook,
                out_dir=out_dir,
                parameters=parameters,
                cwd=cwd,
                kernel_name=kernel_name,
                execution_timeout=execution_timeout,
                log_output=log_output,
                extra_arguments=extra_arguments,
            )
        except RuntimeError as exc:
            if not _never_started(exc):
                raise
            last = exc
    raise ReportError(
        f"{notebook.name}: the Jupyter kernel {kernel_name!r} did not start "
        f"({_KERNEL_STARTS} tries; the last said: {_one_line(str(last))}). Fix: "
        f"check that the kernel runs on its own (jupyter console --kernel "
        f"{kernel_name}) and that the machine has memory free",
        notebook=notebook.name,
    ) from last


def _never_started(exc: RuntimeError) -> bool:
    """Whether jupyter_client gave up on a kernel that never answered: no cell ran."""
    return str(exc).startswith(_NOT_STARTED)


def _execute_once(
    notebook: Path,
    *,
    out_dir: Path,
    parameters: Mapping[str, Any] | None,
    cwd: Path,
    kernel_name: str,
    execution_timeout: float | None,
    log_output: bool,
    extra_arguments: list[str],
) -> nbformat.NotebookNode:
    """One papermill run of ``notebook``; see :func:`execute_notebook`."""
    with tempfile.TemporaryDirectory(prefix="crm-render-") as scratch:
        executed_path = Path(scratch) / notebook.name
        try:
            return papermill.execute_notebook(
                str(notebook),
                str(executed_path),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name,
                # the workbook's kernels run Python; a notebook saved without a
                # language (by another editor) still gets its parameters injected
                language="python",
                cwd=str(cwd),
                execution_timeout=execution_timeout,
                log_output=log_output,
                progress_bar=False,
                extra_arguments=extra_arguments,
                config=_client_config(),
                kernel_manager_class=QuietKernelManager,
            )
        except PapermillExecutionError as exc:
            kept = _keep(executed_path, notebook, out_dir)
            raise _cell_failure(exc, notebook, kept) from exc
        except CellTimeoutError as exc:
            kept = _keep(executed_path, notebook, out_dir)
            cell = _last_started_cell(kept)
            raise ReportError(
                f"{notebook.name} timed out{cell}: a cell ran longer than "
                f"{execution_timeout:g} s. Fix: allow more time per cell with --timeout "
                f"SECONDS (timeout: in a clients file; 0 for no limit), or use a smaller "
                f"data set{_kept_note(kept)}",
                notebook=notebook.name,
                kept=_str(kept),
            ) from exc
        except DeadKernelError as exc:
            kept = _keep(executed_path, notebook, out_dir)
            cell = _last_started_cell(kept)
            raise ReportError(
                f"{notebook.name}: the kernel died{cell} (often out of memory){_kept_note(kept)}",
                notebook=notebook.name,
                kept=_str(kept),
            ) from exc
        except RuntimeError as exc:
            if _never_started(exc):
                raise  # no cell ran: nothing to keep, and the caller starts it again
            _keep(executed_path, notebook, out_dir)
            raise
        except BaseException:
            # Whatever else stopped the run (an interrupt, a bug), the partial notebook
            # is the only record of how far it got.
            _keep(executed_path, notebook, out_dir)
            raise


def is_user_error(ename: str) -> bool:
    """Whether an exception class name, as a kernel reports it, is a crmlib user error.

    Parameters
    ----------
    ename : str
        The ``ename`` of a notebook error output, e.g. ``"DataValidationError"``.

    Returns
    -------
    bool
        True for :class:`crmlib.errors.CrmlibError` and every subclass of it.
    """
    return ename in _user_error_names()


def _user_error_names() -> set[str]:
    names = set()
    pending = [
        value
        for value in vars(crmlib_errors).values()
        if inspect.isclass(value) and issubclass(value, crmlib_errors.CrmlibError)
    ]
    # subclasses defined elsewhere in crmlib, as far as they are imported here
    while pending:
        cls = pending.pop()
        if cls.__name__ not in names:
            names.add(cls.__name__)
            pending.extend(cls.__subclasses__())
    return names


class QuietKernelManager(AsyncKernelManager):
    """A kernel whose own console output stays out of the command's terminal.

    The kernel process writes notices to its stderr (start-up warnings, and the
    "KeyboardInterrupt caught in kernel" that papermill's shutdown after a failed cell
    causes). Everything a report needs travels in the notebook; the command line
    speaks in one line per outcome.
    """

    async def _async_pre_start_kernel(self, **kw):
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        return await super()._async_pre_start_kernel(**kw)


def _kernel_arguments(notebook: Path, kernel_name: str) -> list[str]:
    """Command-line arguments for the kernel; checks that the kernel exists."""
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise ReportError(
            f"{notebook.name}: Jupyter kernel {kernel_name!r} is not installed. Fix: "
            "install it (python -m ipykernel install --user) or choose another kernel",
            notebook=notebook.name,
            user_error=True,
        ) from exc
    if any("ipykernel" in part for part in spec.argv):
        # A report's figures must be the inline backend's PNGs, even when the
        # environment says MPLBACKEND=Agg (which the kernel would otherwise inherit).
        return ["--matplotlib=inline"]
    return []


def _client_config() -> Config:
    """Configuration of papermill's notebook client and the kernel manager it creates."""
    config = Config()
    if zmq.has("curve"):
        # Client data travels between this process and the kernel; encrypt it where
        # the kernel supports it, rather than send it in clear over local TCP.
        config.KernelManager.transport_encryption = "auto"
    return config


def _keep(executed_path: Path, notebook: Path, out_dir: Path) -> Path | None:
    """Copy the executed notebook (if papermill got to write it) into the report folder.

    Returns where it was kept, or None when there was nothing to keep or no room.
    """
    if not executed_path.is_file():
        return None
    kept = failed_notebook_path(notebook, out_dir)
    try:
        with atomic_path(kept) as tmp:
            tmp.write_bytes(executed_path.read_bytes())
    except OSError:
        # not being able to keep the evidence must not hide the error itself
        return None
    return kept


def _cell_failure(
    exc: PapermillExecutionError, notebook: Path, kept: Path | None
) -> NotebookExecutionError:
    cell = exc.exec_count if exc.exec_count is not None else f"#{exc.cell_index}"
    error = f"{exc.ename}: {_one_line(exc.evalue)}" if exc.evalue else exc.ename
    return NotebookExecutionError(
        f"{notebook.name} failed in cell {cell}: {error}{_kept_note(kept)}",
        notebook=notebook.name,
        kept=_str(kept),
        cell_index=exc.cell_index,
        execution_count=exc.exec_count,
        ename=exc.ename,
        evalue=exc.evalue,
        user_error=is_user_error(exc.ename),
    )


def _last_started_cell(kept: Path | None) -> str:
    """`` in cell n`` for the cell running when execution stopped, if it can be told."""
    if kept is None:
        return ""
    try:
        executed = nbformat.read(kept, as_version=4)
    except (OSError, ValueError):
        return ""
    started = [
        (index, cell)
        for index, cell in enumerate(executed.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return ""
    index, cell = started[-1]
    count = cell.get("execution_count")
    return f" in cell {count}" if count is not None else f" in cell #{index}"


def _kept_note(kept: Path | None) -> str:
    return f" (executed notebook kept at {kept})" if kept is not None else ""


def _str(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def _one_line(text: str) -> str:
    text = re.sub(r"\s*\n\s*", " ", text.strip())
    if len(text) > _MAX_EVALUE_CHARS:
        text = text[: _MAX_EVALUE_CHARS - 1] + "…"
    return text

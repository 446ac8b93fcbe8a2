"""The errors of report rendering, all of them :class:`crmlib.errors.RenderError`.

Each carries ``user_error``: true when the user can fix the cause (bad data or a bad
parameter inside the notebook, a missing notebook, an unknown format or kernel), so the
command line exits with 2 and prints the one-line message; false when the notebook or
the machine is at fault (a bug in a cell, a dead kernel, a time-out, an export failure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from crmlib.errors import RenderError

if TYPE_CHECKING:
    from crmlib.render.report import RenderResult


class ReportError(RenderError):
    """A notebook could not be turned into its report.

    Parameters
    ----------
    message : str
        One line naming the notebook, what failed and where the executed notebook was
        kept, if it was.
    notebook : str
        File name of the notebook.
    kept : str, optional
        Path of the executed notebook kept for inspection.
    user_error : bool
        Whether the user can fix the cause (exit code 2) rather than a bug or a fault
        of the machine.
    """

    def __init__(
        self,
        message: str,
        *,
        notebook: str = "",
        kept: str | None = None,
        user_error: bool = False,
    ) -> None:
        super().__init__(message, notebook=notebook, kept=kept)
        self.user_error = user_error


class NotebookExecutionError(ReportError):
    """A cell of the notebook raised an exception while papermill executed it.

    Attributes
    ----------
    cell_index : int
        Index of the failing cell in the executed notebook (the injected-parameters
        cell counts, papermill's error banner does not).
    execution_count : int or None
        The cell's execution count, the ``In [n]`` shown in the kept notebook.
    ename, evalue : str
        The exception's class name and message, as the kernel reported them.
    """

    def __init__(
        self,
        message: str,
        *,
        notebook: str,
        kept: str | None,
        cell_index: int,
        execution_count: int | None,
        ename: str,
        evalue: str,
        user_error: bool,
    ) -> None:
        super().__init__(message, notebook=notebook, kept=kept, user_error=user_error)
        self.cell_index = cell_index
        self.execution_count = execution_count
        self.ename = ename
        self.evalue = evalue


class ReportSetError(ReportError):
    """Some notebooks of a report set failed; the others were rendered.

    The message has a summary line, then one line per failed notebook (each failure's
    own message).

    Attributes
    ----------
    failures : list of ReportError
        One error per failed notebook, in the order the notebooks were given.
    results : list of RenderResult
        The reports that were rendered.
    """

    def __init__(
        self, failures: Sequence[ReportError], results: Sequence[RenderResult], total: int
    ) -> None:
        self.failures = list(failures)
        self.results = list(results)
        noun = "notebook" if total == 1 else "notebooks"
        lines = [f"{len(self.failures)} of {total} {noun} failed:"]
        lines += [str(failure) for failure in self.failures]
        super().__init__(
            "\n".join(lines),
            notebook=", ".join(failure.notebook for failure in self.failures),
            # exit 2 only when every failure is one the user can fix
            user_error=all(failure.user_error for failure in self.failures),
        )

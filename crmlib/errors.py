"""The one exception hierarchy of crmlib.

Every error a user can cause (a bad file, a bad parameter, a missing table) is a
``CrmlibError``. The command line turns these into one clear line and exit code 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class CrmlibError(Exception):
    """Base class of every error a user of the workbook can cause and fix."""


class DataValidationError(CrmlibError, ValueError):
    """A table breaks a rule of the data model.

    The message names the table, the column, the first offending rows and the fix,
    on one line. The parts stay available as attributes for programs.

    Parameters
    ----------
    table : str
        The table (or file) at fault, e.g. ``"transactions"`` or ``"transactions.csv"``.
    problem : str
        What is wrong, in plain words.
    column : str, optional
        The column at fault.
    rows : sequence of int, optional
        Spreadsheet row numbers at fault (the header is row 1, the first record row 2).
    fix : str, optional
        What the user should do about it.
    row_count : int, optional
        How many rows are at fault, when ``rows`` holds only the first of them (as a
        database engine sends them back); defaults to ``len(rows)``.
    """

    max_rows_shown = 5

    def __init__(
        self,
        table: str,
        problem: str,
        *,
        column: str | None = None,
        rows: Sequence[int] | None = None,
        fix: str | None = None,
        row_count: int | None = None,
    ) -> None:
        self.table = table
        self.column = column
        self.rows = [int(r) for r in rows] if rows is not None else []
        self.row_count = len(self.rows) if row_count is None else int(row_count)
        self.problem = problem
        self.fix = fix
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = self.table
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[: self.max_rows_shown])
            more = self.row_count - self.max_rows_shown
            shown += f" and {more} more" if more > 0 else ""
            noun = "row" if self.row_count == 1 else "rows"
            where += f", {noun} {shown}"
        message = f"{where}: {self.problem}"
        if self.fix:
            message += f". Fix: {self.fix}"
        return message


class MissingDataError(CrmlibError, LookupError):
    """A step needs a table or column that the company's data does not have.

    Notebooks catch this to say what the step would need and go on.
    """


class ParameterError(CrmlibError, ValueError):
    """A parameter given to a notebook, a function or the command line is out of range."""


class NotFittedError(CrmlibError, AttributeError):
    """A model was asked for predictions or parameters before ``fit`` was called."""


class ModelFitError(CrmlibError, RuntimeError):
    """A model cannot be fitted to the data given, for a reason the message explains."""


class InstrumentError(CrmlibError, ValueError):
    """An assessment instrument (questionnaire YAML) or an answers file is malformed."""


class AnswersChangedError(CrmlibError, RuntimeError):
    """An assessment's answers file changed on disk after the workshop form was opened.

    Saving would overwrite answers that another form (or a colleague) saved in the
    meantime. Re-open the form to load them, or save with ``force=True``.
    """


class RenderError(CrmlibError, RuntimeError):
    """A notebook failed while being executed or exported to a report.

    Attributes
    ----------
    notebook : str
        The notebook that failed.
    kept : str or None
        Where the executed notebook, with its error banner, was kept.
    """

    def __init__(self, message: str, *, notebook: str = "", kept: str | None = None) -> None:
        self.notebook = notebook
        self.kept = kept
        super().__init__(message)

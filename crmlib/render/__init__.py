"""From notebook to report: papermill executes, nbconvert exports, files land atomically.

Modules: :mod:`~crmlib.render.execute` runs a notebook (and keeps it when it fails),
:mod:`~crmlib.render.export` turns it into self-contained HTML and A4 PDF,
:mod:`~crmlib.render.report` ties them together for one notebook or a report set, and
:mod:`~crmlib.render.errors` holds the errors, all of them ``crmlib.errors.RenderError``.
"""

from crmlib.render.errors import NotebookExecutionError, ReportError, ReportSetError
from crmlib.render.report import RenderResult, render_many, render_notebook

__all__ = [
    "NotebookExecutionError",
    "RenderResult",
    "ReportError",
    "ReportSetError",
    "render_many",
    "render_notebook",
]

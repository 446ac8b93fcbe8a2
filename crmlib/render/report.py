"""Render notebooks into reports: one notebook, or the report set of one client.

A report file is named after its notebook (``01_idic.ipynb`` gives ``01_idic.html`` and
``01_idic.pdf``) and is written whole or not at all. The files in the report folder:

``<stem>.html``, ``<stem>.pdf``
    The reports.
``<stem>.failed.ipynb``
    The executed notebook of the last failed render, with papermill's error banner at
    the top and above the failing cell. A later successful render removes it.
``<stem>.executed.ipynb``
    The executed notebook of a successful render, only when asked for.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from tqdm.auto import tqdm

from crmlib.atomic import atomic_path, atomic_write_text
from crmlib.errors import ParameterError
from crmlib.i18n import SOURCE_LANGUAGE, Setting, using
from crmlib.i18n.narrative import file_name, translated_notebook
from crmlib.render.deck import write_deck
from crmlib.render.errors import ReportError, ReportSetError
from crmlib.render.execute import (
    DEFAULT_TIMEOUT,
    execute_notebook,
    failed_notebook_path,
    read_notebook,
)
from crmlib.render.export import (
    ReportHTMLExporter,
    TitleBlock,
    format_report_date,
    notebook_model_name,
    notebook_to_html,
    write_pdf,
)
from crmlib.render.figures import (
    figures_path,
    report_content,
    report_notebook,
    write_figures_json,
)
from crmlib.text import translate

#: The report formats, in the order they are written. ``pptx`` is the slide deck of a
#: report that publishes one (the strategy report); other reports have none and skip it.
FORMATS = ("pdf", "html", "pptx")

#: Suffix of an executed notebook kept after a successful render.
EXECUTED_SUFFIX = ".executed.ipynb"


@dataclass(frozen=True)
class RenderResult:
    """What one rendered notebook produced.

    Attributes
    ----------
    notebook : Path
        The source notebook.
    outputs : dict of str to Path
        Report file per format, e.g. ``{"html": Path("reports/01_idic.html")}``.
    executed : Path or None
        The executed notebook, when it was kept.
    seconds : float
        Wall-clock time of execution and export.
    """

    notebook: Path
    outputs: dict[str, Path]
    executed: Path | None
    seconds: float


def render_notebook(
    notebook: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
    formats: Sequence[str] | str = ("html",),
    company: str | None = None,
    model: str | None = None,
    report_date: dt.date | str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    kernel_name: str = "python3",
    execution_timeout: float | None = DEFAULT_TIMEOUT,
    log_output: bool = False,
    keep_executed: bool = False,
    setting: Setting | None = None,
) -> RenderResult:
    """Execute a notebook with papermill and export it as a client report.

    Parameters
    ----------
    notebook : path-like
        The parameterized notebook. It is not modified.
    out_dir : path-like
        The report folder; created if missing. Reports are ``<stem>.html`` and
        ``<stem>.pdf``.
    parameters : mapping, optional
        Values injected after the notebook's ``parameters`` cell. Paths are passed as
        text.
    formats : sequence of str or str
        ``"html"`` and/or ``"pdf"`` (A4); a comma-separated string is accepted.
    company : str, optional
        The client's name for the title band; left out when None.
    model : str, optional
        The model's name for the title band; defaults to the notebook's metadata
        ``crm_workbook.model``, else its first markdown heading, else its stem.
    report_date : date or str, optional
        The date in the title band; defaults to today.
    cwd : path-like, optional
        Working folder of the kernel; defaults to the notebook's folder, so a relative
        default data path in the notebook works.
    kernel_name : str
        Jupyter kernel to run the notebook with.
    execution_timeout : float or None
        Seconds one cell may run (600 by default); None for no limit.
    log_output : bool
        Send the cells' output to the ``papermill`` logger while they run.
    keep_executed : bool
        Also keep the executed notebook as ``<stem>.executed.ipynb``.
    setting : crmlib.i18n.Setting, optional
        The report's language and locale (English by default). In another language the
        notebook runs with its translated narrative (:mod:`crmlib.i18n.narrative`) and
        its ``language`` parameter, and the report's file name is the translated one.

    Returns
    -------
    RenderResult

    Raises
    ------
    crmlib.render.errors.NotebookExecutionError
        A cell raised. The executed notebook is kept as ``<stem>.failed.ipynb``; the
        one-line message names the notebook, the cell, the error and that path.
        ``user_error`` is true when the cell raised one of crmlib's user errors.
    crmlib.render.errors.ReportError
        The notebook is missing or unreadable, a format or the kernel is unknown
        (these with ``user_error=True``), the kernel died, a cell timed out, or the
        export failed. Existing reports are left as they were.
    """
    setting = setting or Setting()
    with using(setting):
        date_text = format_report_date(report_date)
    return _render(
        Path(notebook),
        Path(out_dir),
        parameters=parameters,
        formats=_check_formats(formats, Path(notebook).name),
        company=company,
        model=model,
        report_date=date_text,
        setting=setting,
        cwd=Path(cwd) if cwd is not None else None,
        kernel_name=kernel_name,
        execution_timeout=execution_timeout,
        log_output=log_output,
        keep_executed=keep_executed,
        exporter=None,
    )


def render_many(
    notebooks: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    parameters: Mapping[str, Any] | None = None,
    formats: Sequence[str] | str = ("html",),
    company: str | None = None,
    report_date: dt.date | str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    kernel_name: str = "python3",
    execution_timeout: float | None = DEFAULT_TIMEOUT,
    log_output: bool = False,
    keep_executed: bool = False,
    progress: bool = True,
    setting: Setting | None = None,
) -> list[RenderResult]:
    """Render the report set of one client, one notebook after the other.

    A failed notebook does not stop the others. When any failed, the function raises
    at the end, after every other report was written.

    Parameters
    ----------
    notebooks : iterable of path-like
        The notebooks, rendered in this order. Their stems must differ, as the reports
        share ``out_dir``.
    out_dir : path-like
        The report folder.
    parameters, formats, company, cwd, kernel_name, execution_timeout, log_output, keep_executed
        As for :func:`render_notebook`, the same for every notebook. Each report's
        model name comes from its own notebook.
    report_date : date or str, optional
        Defaults to today, taken once so the whole set carries the same date.
    progress : bool
        Show a progress bar (tqdm) on stderr.
    setting : crmlib.i18n.Setting, optional
        The language and locale of the whole set (see :func:`render_notebook`).

    Returns
    -------
    list of RenderResult
        One per notebook, in order, when all succeeded.

    Raises
    ------
    crmlib.render.errors.ReportSetError
        Some notebooks failed. Its message is a summary line and then one line per
        failure; ``failures`` holds each error and ``results`` the reports that were
        rendered. ``user_error`` is true when every failure is a user error.
    crmlib.render.errors.ReportError
        Before anything runs: an unknown format, or two notebooks with the same stem.
    """
    paths = [Path(notebook) for notebook in notebooks]
    _check_unique_stems(paths)
    chosen = _check_formats(formats, "report set")
    setting = setting or Setting()
    with using(setting):
        date_text = format_report_date(report_date)
    # one exporter for the set: its templates are loaded once
    exporter = ReportHTMLExporter()
    results: list[RenderResult] = []
    failures: list[ReportError] = []
    with tqdm(total=len(paths), desc="reports", unit="notebook", disable=not progress) as bar:
        for path in paths:
            bar.set_postfix_str(path.name, refresh=True)
            try:
                results.append(
                    _render(
                        path,
                        Path(out_dir),
                        parameters=parameters,
                        formats=chosen,
                        company=company,
                        model=None,
                        report_date=date_text,
                        cwd=Path(cwd) if cwd is not None else None,
                        kernel_name=kernel_name,
                        execution_timeout=execution_timeout,
                        log_output=log_output,
                        keep_executed=keep_executed,
                        exporter=exporter,
                        setting=setting,
                    )
                )
            except ReportError as exc:
                failures.append(exc)
            except Exception as exc:
                # a bug must not cost the client the rest of the set; its traceback
                # stays reachable as the cause
                failure = ReportError(
                    f"{path.name}: unexpected {type(exc).__name__}: {exc}",
                    notebook=path.name,
                )
                failure.__cause__ = exc
                failures.append(failure)
            bar.update()
    if failures:
        raise ReportSetError(failures, results, total=len(paths))
    return results


def _render(
    notebook: Path,
    out_dir: Path,
    *,
    parameters: Mapping[str, Any] | None,
    formats: tuple[str, ...],
    company: str | None,
    model: str | None,
    report_date: str,
    cwd: Path | None,
    kernel_name: str,
    execution_timeout: float | None,
    log_output: bool,
    keep_executed: bool,
    exporter: ReportHTMLExporter | None,
    setting: Setting | None = None,
) -> RenderResult:
    """The one path every report takes: execute, export, write atomically."""
    setting = setting or Setting()
    with tempfile.TemporaryDirectory(prefix="crm-translated-") as scratch, using(setting):
        source = notebook
        read_notebook(notebook)  # a missing or broken file is the user's to fix
        cwd = cwd if cwd is not None else notebook.resolve().parent
        values = _plain_parameters(parameters)
        if setting.language != SOURCE_LANGUAGE:
            notebook = _translated(notebook, setting.language, Path(scratch))
            values = {**values, "language": setting.language}
        return _render_in_language(
            notebook,
            out_dir,
            source=source,
            parameters=values,
            formats=formats,
            company=company,
            model=model,
            report_date=report_date,
            cwd=cwd,
            kernel_name=kernel_name,
            execution_timeout=execution_timeout,
            log_output=log_output,
            keep_executed=keep_executed,
            exporter=exporter,
            language=setting.language,
        )


def _translated(notebook: Path, language: str, folder: Path) -> Path:
    """``notebook`` in ``language``, saved in ``folder`` under its translated name."""
    try:
        nb = translated_notebook(notebook, language)
    except ParameterError as exc:
        raise ReportError(
            f"{notebook.name}: {exc}", notebook=notebook.name, user_error=True
        ) from exc
    target = folder / f"{file_name(language, notebook.stem)}.ipynb"
    _write_notebook(nb, target)
    return target


def _render_in_language(
    notebook: Path,
    out_dir: Path,
    *,
    source: Path,
    parameters: dict[str, Any],
    formats: tuple[str, ...],
    company: str | None,
    model: str | None,
    report_date: str,
    cwd: Path,
    kernel_name: str,
    execution_timeout: float | None,
    log_output: bool,
    keep_executed: bool,
    exporter: ReportHTMLExporter | None,
    language: str,
) -> RenderResult:
    """Execute ``notebook`` (the source, or its translation) and write its reports."""
    started = time.perf_counter()
    executed = execute_notebook(
        notebook,
        out_dir=out_dir,
        parameters=parameters,
        cwd=cwd,
        kernel_name=kernel_name,
        execution_timeout=execution_timeout,
        log_output=log_output,
    )
    title = TitleBlock(
        model=model or notebook_model_name(executed, default=notebook.stem),
        date=report_date,
        company=company,
    )
    outputs: dict[str, Path] = {}
    stage = "building the HTML report"
    try:
        shown, figures = report_notebook(executed)
        content = report_content(executed)
        html = notebook_to_html(
            shown,
            title,
            resources_path=cwd,
            name=notebook.stem,
            exporter=exporter,
            language=language,
        )
        # The PDF first: if it fails, the HTML of the previous run still matches it.
        for fmt in formats:
            target = out_dir / f"{notebook.stem}.{fmt}"
            stage = f"writing {target}"
            if fmt == "pdf":
                with atomic_path(target) as tmp:
                    write_pdf(html, tmp)
            elif fmt == "pptx":
                if not content.get("summary"):
                    continue  # only the strategy report publishes a deck
                summary = content["summary"]
                with atomic_path(target) as tmp:
                    write_deck(
                        content,
                        tmp,
                        title=translate("CRM strategy report"),
                        company=company or summary.get("company", ""),
                        date=report_date,
                        currency=summary.get("currency", ""),
                    )
            else:
                atomic_write_text(target, html)
            outputs[fmt] = target
        stage = "writing the figures"
        write_figures_json(figures_path(out_dir, notebook.stem), figures, content.get("portfolio"))
    except Exception as exc:
        # the notebook ran: keep what it computed, so the failure can be looked into
        kept: Path | None = failed_notebook_path(notebook, out_dir)
        try:
            _write_notebook(executed, kept)
        except OSError:
            kept = None
        note = f" (executed notebook kept at {kept})" if kept is not None else ""
        raise ReportError(
            f"{notebook.name}: {stage} failed: {type(exc).__name__}: {exc}{note}",
            notebook=notebook.name,
            kept=str(kept) if kept is not None else None,
        ) from exc
    executed_path = None
    if keep_executed:
        executed_path = out_dir / f"{notebook.stem}{EXECUTED_SUFFIX}"
        _write_notebook(executed, executed_path)
    # a failure kept from an earlier run no longer describes these reports
    failed_notebook_path(notebook, out_dir).unlink(missing_ok=True)
    return RenderResult(
        notebook=source,
        outputs={fmt: outputs[fmt] for fmt in sorted(outputs)},
        executed=executed_path,
        seconds=time.perf_counter() - started,
    )


def _check_formats(formats: Sequence[str] | str, where: str) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = formats.split(",")
    wanted = {fmt.strip().lower() for fmt in formats if fmt.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        problem = (
            "unknown report format " + ", ".join(repr(fmt) for fmt in unknown)
            if unknown
            else "no report format given"
        )
        raise ReportError(
            f"{where}: {problem}. Fix: choose html, pdf, pptx or a list such as pdf,pptx",
            notebook=where,
            user_error=True,
        )
    return tuple(fmt for fmt in FORMATS if fmt in wanted)


def _check_unique_stems(paths: Sequence[Path]) -> None:
    seen: dict[str, Path] = {}
    for path in paths:
        other = seen.setdefault(path.stem, path)
        if other != path:
            raise ReportError(
                f"{other} and {path} would both write the report {path.stem}. Fix: "
                "render them into different folders",
                notebook=path.name,
                user_error=True,
            )


def _plain_parameters(parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters papermill can write into a cell: paths become text."""
    return {
        name: os.fspath(value) if isinstance(value, os.PathLike) else value
        for name, value in (parameters or {}).items()
    }


def _write_notebook(nb: nbformat.NotebookNode, target: Path) -> None:
    atomic_write_text(target, nbformat.writes(nb))

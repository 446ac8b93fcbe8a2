"""``crm-workbook batch CLIENTS.yml --out DIR``: the command over :func:`run_batch`.

It says what it wrote, whatever the outcome: one ``wrote PATH`` line on stdout per
report file rendered in this run, one ``failed: CLIENT / NOTEBOOK: ERROR`` line on
stderr per failed report (for a failed cell: the notebook, the cell and the error),
then a summary line.

Exit codes: 0 when every report is rendered or up to date; 1 when some failed (the
others are rendered, and the summary names each failure); 2 for a bad clients file or
an unusable ``--scheduler``, with one line and nothing rendered; 130 after Ctrl-C.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crmlib.batch.errors import BatchInterrupted
from crmlib.batch.runner import BatchResult, run_batch
from crmlib.i18n import LANGUAGES


@click.command("batch")
@click.argument("clients_file", metavar="CLIENTS.yml", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder: one sub-folder per client, plus batch-summary.csv.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Reports rendered at the same time on this machine [default: number of cores; "
    "not used with --scheduler].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render every report, also those whose inputs did not change.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
    "(needs: pip install 'crm-strategy-workbook[dask]').",
)
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace customers' names, e-mail, phone and address by stable pseudonyms.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar [default: when writing to a terminal].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Seconds one cell may run before its notebook is stopped; 0 for no limit "
    "[default: the clients file's 'timeout:', else 600].",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of every report [default: each client's 'language' parameter, else "
    "its company.yml's, else English].",
)
def batch(
    clients_file: Path,
    out_dir: Path,
    jobs: int | None,
    force: bool,
    scheduler: str | None,
    pseudonymise: bool,
    progress: bool | None,
    timeout: float | None,
    language: str | None,
) -> None:
    """Render the reports of many clients in parallel, from a CLIENTS.yml file.

    Each client gets DIR/<client>/<notebook>.html (and .pdf). A failed client does
    not stop the others. A second run renders only reports whose notebook, data,
    parameters or formats changed. See data/clients.example.yml for the file.
    """
    try:
        result = run_batch(
            clients_file,
            out_dir,
            jobs=jobs,
            force=force,
            scheduler=scheduler,
            progress=progress,
            pseudonymise=pseudonymise,
            timeout=timeout,
            language=language,
        )
    except BatchInterrupted as stop:
        done = stop.result
        say_written(done, out_dir)
        click.echo(
            f"Interrupted: {len(done.rendered)} rendered, {len(done.cancelled)} cancelled; "
            f"run the same command again to render the rest (summary: {done.summary}).",
            err=True,
        )
        # SystemExit rather than ctx.exit: it keeps its code whether or not click
        # runs in standalone mode.
        sys.exit(130)
    if result.manifest_unreadable:
        click.echo(
            f"note: {result.manifest} could not be read, so every report was rendered.",
            err=True,
        )
    say_written(result, out_dir)
    for row in result.failed:
        click.echo(f"failed: {row.client} / {row.notebook}: {row.error}", err=True)
    clients = len({row.slug for row in result.rows})
    click.echo(
        f"{_counted(len(result.rows), 'report')} for {_counted(clients, 'client')}: "
        f"{len(result.rendered)} rendered, "
        f"{len(result.up_to_date)} up to date, {len(result.failed)} failed. "
        f"Summary: {result.summary}"
    )
    if result.failed:
        sys.exit(1)


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def say_written(result: BatchResult, out_dir: Path) -> None:
    """One ``wrote PATH`` line per report file rendered in this run, under ``out_dir`` as given."""
    root = out_dir.resolve()
    for row in result.rendered:
        for path in row.outputs:
            shown = out_dir / path.relative_to(root) if path.is_relative_to(root) else path
            click.echo(f"wrote {shown}")

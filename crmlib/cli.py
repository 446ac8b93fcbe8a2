"""The ``crm-workbook`` command line: a thin layer over crmlib.

Every command parses its arguments and hands them to a library function. A user
error (bad data, a bad parameter, a missing file) prints one line and exits with 2;
a report that failed to render exits with 1.

``render`` and ``batch`` say what they wrote, on success and on failure alike: one
``wrote PATH`` line on stdout per report file written, and one line on stderr per
failed report, naming the notebook, the cell and the error.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import signal
import sys
from pathlib import Path

import click

from crmlib.batch.command import batch
from crmlib.errors import CrmlibError, RenderError
from crmlib.i18n import LANGUAGES
from crmlib.paths import NOTEBOOKS_DIR

#: The planted cases of ``sample --case`` (names only, so the help needs no import of pandas).
PLANTED_CASES = ("campaign-audience", "channel-handover", "churn-tier", "data-gap")


def resolve_notebook(name: str) -> Path:
    """A notebook path, or a name such as ``00_start_here`` looked up in notebooks/."""
    path = Path(name)
    if path.suffix != ".ipynb":
        path = path.with_suffix(".ipynb")
    if path.exists():
        return path
    candidate = NOTEBOOKS_DIR / path.name
    if candidate.exists():
        return candidate
    known = ", ".join(sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")))
    raise click.BadParameter(f"no notebook '{name}' (known: {known})", param_hint="NOTEBOOK")


def parse_parameter_value(text: str):
    """Read a ``-p NAME VALUE`` value as YAML (numbers, booleans), keeping dates as text."""
    from crmlib.parameters import parse_cli_value

    return parse_cli_value(text)


def check_parameter_names(notebooks: list[Path], names: list[str]) -> None:
    """Refuse a ``-p`` name that none of the notebooks declares (a typo would be ignored)."""
    from crmlib.parameters import declared_specs

    # read from the parameters cell itself: papermill's inspection needs a kernel named
    # in the notebook, which a notebook saved by another editor may not have
    declared = set(declared_specs(notebooks))
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise click.BadParameter(
            f"unknown parameter '{unknown[0]}' (the notebooks take: {', '.join(sorted(declared))})",
            param_hint="-p",
        )


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in ("html", "pdf", "pptx")]
    if unknown or not formats:
        raise click.BadParameter(
            f"unknown format '{unknown[0] if unknown else text}'; use html, pdf, pptx or a "
            "list such as pdf,pptx",
            param_hint="--format",
        )
    return formats


class DataSource(click.ParamType):
    """A data folder (a Path) or a database URL (kept as text: a Path would fold '///')."""

    name = "FOLDER|URL"

    def convert(self, value, param, ctx):
        from crmlib.parameters import is_database_url

        if isinstance(value, Path) or not is_database_url(value):
            return Path(value)
        from crmlib.data.database import anchored

        # a relative DuckDB file is the one in the current folder, wherever a kernel runs
        return anchored(str(value), Path.cwd())


data_option = click.option(
    "--data",
    "data_dir",
    required=True,
    type=DataSource(),
    help="The company's data folder, or a database: duckdb:///path/company.duckdb or "
    "postgresql://user@host:port/dbname (password from PGPASSWORD or ~/.pgpass).",
)

#: ``--lang`` of render and batch: the reports' language, over company.yml's.
lang_option = click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the reports (default: company.yml's language, else English). "
    "Numbers follow company.yml's locale, else the language's for the company's country.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="crm-strategy-workbook")
def cli() -> None:
    """CRM Strategy Workbook: CRM strategy models on a company's own customer data."""


def company_notes(
    *, customers_derived: bool, customers: int, transactions_source: str, currency: str
) -> list[str]:
    """What ``validate`` says about where the customers and the currency come from."""
    notes = []
    if customers_derived:
        notes.append(
            f"Customers: there is no customers table, so the customers are the "
            f"{customers:,} distinct customer ids of {transactions_source}."
        )
    if currency:
        notes.append(f"Currency: {currency}.")
    return [*notes, ""] if notes else []


@cli.command()
@data_option
def validate(data_dir: Path | str) -> None:
    """Check a data folder or database and print a data-quality summary.

    A database, or a folder of Parquet files, whose columns already have their types
    (dates as dates, amounts as numbers) is checked inside the database or DuckDB:
    only counts and the offending rows are read, so a large company needs little
    memory. CSV and Excel files are read and checked in memory.
    """
    from crmlib.data.company import load_company
    from crmlib.data.engine_checks import engine_check
    from crmlib.data.quality import completeness_of, overview_of, table_stats

    checked = engine_check(data_dir, progress=sys.stderr.isatty())
    if checked is None:
        company = load_company(data_dir)
        name, end, currency = company.name, company.observation_end, company.currency
        stats = table_stats(company)
        notes = company_notes(
            customers_derived=company.customers_derived,
            customers=len(company.customers),
            transactions_source=company.sources["transactions"].name,
            currency=currency,
        )
    else:
        name, end, currency, stats = (
            checked.name,
            checked.observation_end,
            checked.currency,
            checked.stats,
        )
        notes = company_notes(
            customers_derived=checked.customers_derived,
            customers=stats["customers"].rows,
            transactions_source=checked.transactions_source,
            currency=currency,
        )
    overview = overview_of(stats)
    click.echo(f"{name}: data in {data_dir} is valid (observation end {end:%Y-%m-%d}).\n")
    for line in notes:
        click.echo(line)
    if not currency:
        click.echo(
            "warning: no currency is given, so reports write amounts without one. Fix: add "
            "'currency: EUR' (an ISO 4217 code) to company.yml, or pass -p currency",
            err=True,
        )
    shown = overview.assign(
        first_date=overview["first_date"].dt.strftime("%Y-%m-%d").fillna(""),
        last_date=overview["last_date"].dt.strftime("%Y-%m-%d").fillna(""),
        completeness=(overview["completeness"] * 100).round(1).astype(str) + " %",
    )
    click.echo(shown.to_string())
    columns = completeness_of(stats)
    incomplete = columns[columns["completeness"] < 1]
    click.echo("\nCompleteness per column (columns with gaps):")
    if incomplete.empty:
        click.echo("  every column is complete")
    for row in incomplete.itertuples():
        click.echo(
            f"  {row.table}.{row.column}: {row.completeness:.1%} filled "
            f"({row.rows - row.filled} of {row.rows} empty)"
        )


@cli.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=DataSource(),
    help="Folder to write the company's tables into, or a database "
    "(duckdb:///path/company.duckdb; company.yml goes beside the file).",
)
@click.option(
    "--customers",
    "n_customers",
    default=5000,
    show_default=True,
    type=click.IntRange(min=10),
    help="Number of customers.",
)
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default=None,
    help="File format of a folder (default: csv below 200,000 customers, else parquet).",
)
@click.option(
    "--block-size",
    "block_size",
    default=250_000,
    show_default=True,
    type=click.IntRange(min=20),
    help="Most customers drawn at once; a larger company is drawn and written block by "
    "block, so memory holds one block.",
)
@click.option(
    "--case",
    "case",
    type=click.Choice(sorted(PLANTED_CASES)),
    default=None,
    help="Plant a known problem for students to diagnose; the truth goes to case.yml.",
)
def sample(
    out_dir: Path | str,
    n_customers: int,
    seed: int,
    fmt: str | None,
    block_size: int,
    case: str | None,
) -> None:
    """Generate a deterministic sample company (a garden-and-home retailer)."""
    from crmlib.sample import create_sample_company
    from crmlib.sample.cases import create_case

    if case is not None:
        if not isinstance(out_dir, Path):
            raise click.BadParameter(
                "a planted case is written as a folder; give --out a folder path",
                param_hint="--out",
            )
        path = create_case(out_dir, case, n_customers=n_customers, seed=seed)
        click.echo(f"Sample company with {n_customers:,} customers and the case '{case}' "
                   f"planted written to {path} (the ground truth is in case.yml)")  # fmt: skip
        return
    path = create_sample_company(
        out_dir,
        n_customers=n_customers,
        seed=seed,
        fmt=fmt,
        block_size=block_size,
        progress=n_customers > block_size,
    )
    if isinstance(out_dir, Path):
        click.echo(f"Sample company with {n_customers:,} customers written to {path}")
    else:
        # the tables went into the database; the folder holds company.yml and the answers
        click.echo(
            f"Sample company with {n_customers:,} customers written to {out_dir} "
            f"(its settings and workshop answers in {path})"
        )


@cli.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the student copies (in students/) and the answer key.",
)
@click.option(
    "--data",
    "data_dir",
    default=str(NOTEBOOKS_DIR.parent / "data" / "sample"),
    show_default=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Company the answer key is computed on.",
)
@click.option("--no-key", is_flag=True, help="Write the student copies only.")
@click.option("--no-pdf", is_flag=True, help="Write the answer key without its PDF.")
def classroom(out_dir: Path, data_dir: Path, no_key: bool, no_pdf: bool) -> None:
    """Student copies of the notebooks without solutions, and an answer key."""
    from crmlib import classroom as teaching

    for path in teaching.write_student_copies(out_dir):
        click.echo(f"wrote {path}")
    if not no_key:
        for path in teaching.write_answer_key(out_dir, data_dir, pdf=not no_pdf):
            click.echo(f"wrote {path}")


@cli.command()
@click.argument("notebooks", nargs=-1, required=True)
@data_option
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the reports.",
)
@click.option(
    "--format",
    "formats",
    default="html",
    show_default=True,
    help="Report formats, comma-separated: html, pdf, pptx (the strategy report's "
    "slide deck; other reports have none).",
)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="A notebook parameter (repeatable).",
)
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace customers' names, e-mail, phone and address by stable pseudonyms.",
)
@click.option(
    "--timeout",
    "timeout",
    type=click.FloatRange(min=0),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="Seconds one cell may run before the notebook is stopped; 0 for no limit.",
)
@lang_option
def render(
    notebooks: tuple[str, ...],
    data_dir: Path | str,
    out_dir: Path,
    formats: str,
    parameters: tuple[tuple[str, str], ...],
    pseudonymise: bool,
    timeout: float,
    language: str | None,
) -> None:
    """Run NOTEBOOK(s) for a company and write HTML/PDF reports.

    Prints one line per report written and one per failed notebook. Exit code: 0 when
    every report was written; 1 when some notebooks failed (the others' reports are
    written); 2 when the failures are all the user's to fix (bad data or parameters).
    """
    import tempfile

    from crmlib.data.checked import offered_to_kernels
    from crmlib.render import ReportSetError, render_many
    from crmlib.render.kept import keep_company, no_room_note

    paths = [resolve_notebook(n) for n in notebooks]
    chosen = parse_formats(formats)
    values = {name: parse_parameter_value(value) for name, value in parameters}
    check_parameter_names(paths, list(values))
    # Every value is checked before a kernel starts: one line for a bad one.
    from crmlib.parameters import check_parameters, declared_specs

    values = check_parameters(values, declared_specs(paths), origin="given with -p")
    observation_end = values.get("observation_end")
    language = language or values.get("language") or None
    with tempfile.TemporaryDirectory(prefix="crm-render-") as private:
        # Checked once, up front: a bad file is one clear line, not a failed kernel. The
        # kernels read the tables checked here instead of reading and checking them
        # again, once per notebook (see crmlib.data.checked).
        kept = keep_company(
            data_dir,
            Path(private) / "checked",
            observation_end=observation_end,
            language=language,
            pseudonymise_in=Path(private) / "data" if pseudonymise else None,
            progress=sys.stderr.isatty(),
            no_room=lambda error: click.echo(no_room_note(private, error), err=True),
        )
        name, setting, source, checked = kept.name, kept.setting, kept.source, kept.folder
        # the copy's folder is not the company's: its name goes with it, unless given
        named = {"company": name} if pseudonymise else {}
        values = {"data_dir": source, "interactive": False, **named, **values}
        failures = []
        try:
            with offered_to_kernels(checked):
                results = render_many(
                    paths,
                    out_dir,
                    parameters=values,
                    formats=chosen,
                    company=name,
                    execution_timeout=timeout or None,
                    progress=sys.stderr.isatty(),
                    setting=setting,
                )
        except ReportSetError as error:
            results, failures = error.results, error.failures
    for result in results:
        for path in result.outputs.values():
            click.echo(f"wrote {path}")
    for failure in failures:
        click.echo(f"error: {failure}", err=True)
    if failures:
        # SystemExit rather than ctx.exit: it keeps its code in and out of standalone mode.
        sys.exit(2 if all(failure.user_error for failure in failures) else 1)


@cli.command()
@data_option
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write: .csv or .xlsx.",
)
@click.option(
    "--ssc-share",
    default=0.2,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Share of customers flagged as strategically significant.",
)
@click.option(
    "--horizon-months",
    default=36,
    show_default=True,
    type=click.IntRange(min=1),
    help="Horizon of the lifetime value.",
)
def segments(data_dir: Path | str, out_file: Path, ssc_share: float, horizon_months: int) -> None:
    """Write one row per customer (RFM, SSC flag, CLV, value tier) for a CRM import.

    A database, or a folder of Parquet files, is checked and summarised inside its
    engine: only one row per customer is read, never the transaction lines. CSV and
    Excel files are read and computed in memory. Both give the same customer base as
    the reports.
    """
    from crmlib.analytics.base import customer_base
    from crmlib.analytics.base_engine import engine_customer_base
    from crmlib.data.company import load_company
    from crmlib.data.engine_checks import engine_check
    from crmlib.export import write_table

    if out_file.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter("the file must end in .csv or .xlsx", param_hint="--out")
    progress = sys.stderr.isatty()
    checked = engine_check(data_dir, progress=progress)
    base = None
    if checked is not None:
        base = engine_customer_base(
            data_dir,
            observation_end=checked.observation_end,
            ssc_share=ssc_share,
            horizon_months=horizon_months,
            progress=progress,
        )
    if base is None:
        company = load_company(data_dir)
        # the one customer base the reports read, so the export agrees with them
        base = customer_base(company, ssc_share=ssc_share, horizon_months=horizon_months)
    table = base.segments_table()
    if base.value_metric == "revenue":
        # revenue-only data: the value columns hold revenue, so their names say so; the
        # margin, cost and consent columns stay empty (unknown), never 0
        table = table.rename(
            columns={
                "annual_margin": "annual_revenue",
                "expected_margin_12m": "expected_revenue_12m",
            }
        )
    write_table(table, out_file)
    for note in dict.fromkeys(base.notes):
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {len(table):,} customers to {out_file}")


cli.add_command(batch)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``crm-workbook``."""
    # The command speaks for itself in one line per outcome; papermill's own log lines
    # (a warning about parameters, nbclient's "Timeout waiting for execute reply" that
    # comes through papermill's logger) are checked and said here instead.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    if hasattr(signal, "SIGUSR1"):
        # `kill -USR1 <pid>` prints where every thread of a render or batch that seems
        # stuck is, on stderr, and the command goes on. The process's own stderr: the
        # command may run where sys.stderr is replaced by one without a file descriptor
        # (a test's captured output), and a diagnostic never stops the command.
        with contextlib.suppress(AttributeError, ValueError, OSError, RuntimeError):
            faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)
    try:
        code = cli.main(args=argv, prog_name="crm-workbook", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except RenderError as error:
        # One line per failed notebook, each naming the cell and the error.
        for failure in getattr(error, "failures", None) or [error]:
            click.echo(f"error: {failure}", err=True)
        sys.exit(2 if getattr(error, "user_error", False) else 1)
    except CrmlibError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    # Without standalone mode, click returns a command's ctx.exit(n) code instead of raising.
    sys.exit(code if isinstance(code, int) else 0)

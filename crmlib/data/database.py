"""Company data from a database: a DuckDB file or a PostgreSQL server.

``--data`` takes a database URL as well as a folder:

- ``duckdb:///path/to/company.duckdb`` (opened read-only, so several reports can read
  it at once);
- ``postgresql://user@host:port/dbname`` (``postgres://`` too).

The connection goes through Ibis, one expression layer over both engines, so the
aggregations pushed into the engine (:mod:`crmlib.data.pushdown`) are written once and
compiled to each engine's SQL.

Credentials never stand in the URL: the PostgreSQL client library takes them from
the environment (``PGPASSWORD``, ``PGUSER``, ``PGSSLMODE``, ...) or from
``~/.pgpass`` (``PGPASSFILE``). A URL with a password is refused, so that a clients
file or a report never holds one.

A database company has a settings folder for what is not a table: ``company.yml``,
``mapping.yml`` and the workshop answers (``assessments/``). For a DuckDB file it is the
folder that holds the file; for any URL ``?folder=/path`` names it. In mapping.yml a
table may then be a database table (``transactions: {table: sales}``) or a query
(``transactions: {query: "select ... from sales where ...", columns: {...}}``); without
a mapping, the canonical table names (customers, transactions, ...) are read.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd

from crmlib.data.readers import RawTable
from crmlib.errors import DataValidationError
from crmlib.parameters import is_database_url

__all__ = [
    "DatabaseSource",
    "connect",
    "parse_source",
    "read_table",
    "table_expression",
    "write_tables",
]

_ENGINES = {"duckdb": "duckdb", "postgresql": "postgres", "postgres": "postgres"}

#: Rows sent to the engine per insert when a company is written into a database.
CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class DatabaseSource:
    """A database URL, checked.

    Attributes
    ----------
    url : str
        The URL as the engine takes it (without ``folder=``); it holds no password.
    engine : {"duckdb", "postgres"}
    path : Path or None
        The DuckDB file.
    folder : Path or None
        The settings folder (company.yml, mapping.yml, assessments/), if there is one.
    name : str
        A default company name: the file's stem or the database's name.
    """

    url: str
    engine: str
    path: Path | None
    folder: Path | None
    name: str

    def __str__(self) -> str:
        return self.url


def parse_source(text: str | os.PathLike[str]) -> DatabaseSource | None:
    """The database a ``--data`` value names, or None for a folder.

    Raises
    ------
    DataValidationError
        For a URL that holds a password, a DuckDB URL without a file, or an unknown
        query option.
    """
    if not is_database_url(text):
        return None
    text = str(text)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    engine = _ENGINES[scheme]
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    folder_text = options.pop("folder", None)
    shown = urlunsplit((parts.scheme, _without_password(parts.netloc), parts.path, "", ""))
    if parts.password is not None:
        raise DataValidationError(
            shown,
            "the URL holds a password",
            fix="leave it out of the URL and set PGPASSWORD in the environment, "
            "or put it in ~/.pgpass",
        )
    folder = Path(folder_text).expanduser() if folder_text else None
    if engine == "duckdb":
        if options:
            raise DataValidationError(
                shown,
                f"the option '{next(iter(options))}' is not known for a DuckDB file",
                fix="use only ?folder=/path (the folder with company.yml and mapping.yml)",
            )
        # duckdb:///abs/path (three slashes) or duckdb://rel/path, as SQLAlchemy writes them
        raw = parts.netloc + parts.path if parts.netloc else parts.path
        if not raw or raw == "/":
            raise DataValidationError(
                shown,
                "names no DuckDB file",
                fix="write duckdb:///path/to/company.duckdb",
            )
        path = Path(raw).expanduser()
        return DatabaseSource(
            url=f"duckdb://{path}",
            engine=engine,
            path=path,
            folder=folder or path.parent,
            name=path.stem,
        )
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(options), ""))
    return DatabaseSource(
        url=url, engine=engine, path=None, folder=folder, name=parts.path.strip("/") or "postgres"
    )


def anchored(text: str, base: Path) -> str:
    """A database URL whose relative DuckDB file and settings folder are made absolute.

    ``duckdb:///tmp/company.duckdb`` (three slashes) is the file /tmp/company.duckdb;
    ``duckdb://company.duckdb`` is relative to ``base``. Fixing it here means a notebook
    kernel in another working folder opens the same file.
    """
    source = parse_source(text)
    if source is None:
        return text
    parts = urlsplit(text)
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    if options.get("folder") and not Path(options["folder"]).expanduser().is_absolute():
        options["folder"] = str((base / Path(options["folder"]).expanduser()).resolve())
    query = urlencode(options, safe="/")
    if source.path is not None:
        path = source.path if source.path.is_absolute() else (base / source.path).resolve()
        return f"duckdb://{path}" + (f"?{query}" if query else "")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _without_password(netloc: str) -> str:
    if "@" not in netloc:
        return netloc
    user, host = netloc.rsplit("@", 1)
    return f"{user.split(':', 1)[0]}@{host}"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the deprecation notes Ibis's own calls raise (they would show in reports)."""
    with warnings.catch_warnings():
        for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
            warnings.filterwarnings("ignore", category=category)
        yield


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(error).__name__


def connect(source: DatabaseSource, *, create: bool = False):
    """An Ibis connection to ``source`` (a DuckDB file is opened read-only unless ``create``).

    Raises
    ------
    DataValidationError
        One line naming the URL, what failed and the fix, when the file is missing or
        the server cannot be reached or refuses the login.
    """
    import ibis

    if source.engine == "duckdb":
        assert source.path is not None
        if not create and not source.path.is_file():
            raise DataValidationError(
                source.url,
                "the DuckDB file does not exist",
                fix="give the path of an existing .duckdb file, or write one with "
                "'crm-workbook sample --out duckdb:///path/company.duckdb'",
            )
        import duckdb

        try:
            con = ibis.duckdb.connect(database=str(source.path), read_only=not create)
        except duckdb.Error as error:
            raise DataValidationError(
                source.url,
                f"cannot open the DuckDB file ({_first_line(error)})",
                fix="check that it is a DuckDB database and that no program is writing to it",
            ) from None
        # DuckDB draws a progress bar on the terminal for a long query, in the middle of
        # the command's own output (or a notebook's)
        con.raw_sql("SET enable_progress_bar = false")
        return con
    import psycopg

    try:
        # libpq reads the user, password, SSL mode and the rest from the environment
        # (PG*) and from ~/.pgpass for whatever the URL leaves out.
        connection = psycopg.connect(source.url, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise DataValidationError(
            source.url,
            f"cannot connect ({_first_line(error)})",
            fix="check that the server runs and the host, port, user and database are "
            "right; give the password in PGPASSWORD or ~/.pgpass",
        ) from None
    # A parallel scan returns rows in any order; one worker keeps the stored order, so
    # every read of a table gives the rows as the folder's file would.
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    return ibis.postgres.from_connection(connection)


def _split_name(name: str) -> tuple[str, str | None]:
    """``schema.table`` -> (table, schema); a plain name has no schema."""
    if "." in name:
        schema, table = name.rsplit(".", 1)
        return table, schema
    return name, None


def _tables_of(con) -> list[str]:
    with quiet():
        return sorted(con.list_tables())


def table_expression(con, source: DatabaseSource, table: str, table_mapping) -> tuple:
    """The Ibis expression of a canonical table and its label, or (None, "") if absent.

    Raises
    ------
    DataValidationError
        If mapping.yml names a table the database does not have, or a query that the
        engine refuses.
    """
    if table_mapping is not None and table_mapping.query:
        label = f"the query for {table}"
        try:
            return con.sql(table_mapping.query), label
        except Exception as error:  # each engine raises its own error class
            raise DataValidationError(
                f"mapping.yml, table '{table}'",
                f"the query fails in {source.url} ({_first_line(error)})",
                fix="correct the query in mapping.yml",
            ) from None
    named = table_mapping.table if table_mapping is not None and table_mapping.table else None
    name, schema = _split_name(named or table)
    try:
        with quiet():
            present = (
                name in con.list_tables(database=schema) if schema else name in _tables_of(con)
            )
    except Exception as error:
        raise DataValidationError(
            source.url,
            f"cannot list the tables ({_first_line(error)})",
            fix="check that the user may read the database's catalogue",
        ) from None
    if not present:
        if named is None:
            return None, ""
        tables = ", ".join(_tables_of(con)[:20]) or "none"
        raise DataValidationError(
            f"mapping.yml, table '{table}'",
            f"names the database table '{named}', which is not in {source.url}",
            fix=f"correct the table name; the database's tables are: {tables}",
        )
    return con.table(name, database=schema), named or table


def _owned(table):
    """``table`` copied into Arrow's own memory, so that the engine's buffers are let go.

    DuckDB hands its result over in buffers of its own, which the columns then keep
    alive: a kernel of a million customers held 0.8 GB more than the same tables read
    from Parquet. One contiguous copy per column is Arrow's; a column too large for one
    chunk stays as the engine gave it.
    """
    import pyarrow as pa

    try:
        return table.combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowCapacityError):
        return table


def read_table(con, source: DatabaseSource, table: str, table_mapping) -> RawTable | None:
    """Read a canonical table from the database as a raw table, ready for parsing.

    The columns keep the engine's types (as a Parquet file's do); mapped columns are
    renamed. Rows are numbered from 1 in messages (a database table has no header).
    """
    return next(read_table_parts(con, source, table, table_mapping), None)


def read_table_parts(
    con, source: DatabaseSource, table: str, table_mapping, rows: int | None = None
) -> Iterator[RawTable]:
    """A canonical table read as raw tables of ``rows`` rows each (None: one, whole).

    Each part is renamed as mapping.yml says, in the engine's scan order. A table the
    database has gives at least one part, also without rows; one it does not have gives
    none. For a caller that parses and writes each part before the next is read, and so
    never holds a table of ten million lines.
    """
    from crmlib.data.mapping import apply_mapping

    expression, label = table_expression(con, source, table, table_mapping)
    if expression is None:
        return
    kind = "query" if table_mapping is not None and table_mapping.query else "table"

    def fetched(read):
        try:
            with quiet():
                return read()
        except Exception as error:
            raise DataValidationError(
                label,
                f"cannot be read from {source.url} ({_first_line(error)})",
                fix="check the table or the query in mapping.yml",
            ) from None

    def raw(arrow) -> RawTable:
        # through Arrow: the engine's columns arrive as pandas' Arrow-backed types, five
        # times faster than Ibis's own pandas conversion (object text) at ten million
        # lines, with the same types
        frame = apply_mapping(_owned(arrow).to_pandas(), table_mapping, label, kind)
        return RawTable(
            frame,
            Path(label),
            header_rows=0,
            date_format=table_mapping.date_format if table_mapping is not None else None,
            origin=kind,
        )

    if rows is not None:
        import pyarrow as pa

        batches = iter(fetched(lambda: expression.to_pyarrow_batches(chunk_size=rows)))
        batch = fetched(lambda: next(batches, None))
        if batch is not None:
            while batch is not None:
                yield raw(pa.Table.from_batches([batch]))
                batch = fetched(lambda: next(batches, None))
            return
    # whole, or a table without rows (no batch to read its columns from)
    yield raw(fetched(expression.to_pyarrow))


def _engine_ready(chunk: pd.DataFrame) -> pd.DataFrame:
    """Columns in types every engine stores as the loader reads them back."""
    columns = {}
    for name, column in chunk.items():
        if isinstance(column.dtype, pd.StringDtype):
            columns[name] = column.astype(object).where(column.notna(), None)
        else:
            columns[name] = column
    return pd.DataFrame(columns, index=chunk.index)


def write_tables(
    source: DatabaseSource,
    chunks: Iterable[tuple[str, pd.DataFrame]],
) -> list[str]:
    """Write tables into the database, a chunk at a time; each table is replaced whole.

    The rows are stored in the order given, so a later read gives them back in it (as
    the folder's file would): DuckDB keeps the insertion order; PostgreSQL does when
    a table is created and filled in one transaction (COPY then appends every row
    instead of filling gaps left on earlier pages).

    Parameters
    ----------
    chunks : iterable of (table name, DataFrame)
        Chunks of tables; the first chunk of a table creates it (replacing an older
        one), the next ones are appended. Only one chunk is held at a time.

    Returns
    -------
    list of str
        The tables written, in the order they were created.
    """
    if source.engine == "postgres":
        return _write_postgres(source, chunks)
    con = connect(source, create=True)
    created: list[str] = []
    try:
        with quiet():
            for name, chunk in chunks:
                for part in _parts(chunk):
                    if name not in created:
                        con.create_table(name, obj=part, overwrite=True)
                        created.append(name)
                    else:
                        _append_duckdb(con, name, part)
    finally:
        with contextlib.suppress(Exception):
            con.disconnect()
    return created


def _append_duckdb(con, name: str, part: pd.DataFrame) -> None:
    """Append rows to a DuckDB table through a view registered for this one INSERT.

    Ibis's ``insert`` keeps memory for every chunk until the connection closes (about
    75 MB per million purchase lines), so a company of fifty million lines would not
    be written in bounded memory; a view dropped after each chunk is.
    """
    raw = con.con
    view = "crm_workbook_chunk"
    raw.register(view, part)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        raw.execute(f"INSERT INTO {quoted} BY NAME SELECT * FROM {view}")
    finally:
        raw.unregister(view)


def _parts(chunk: pd.DataFrame) -> Iterator[pd.DataFrame]:
    for start in range(0, max(len(chunk), 1), CHUNK_ROWS):
        yield _engine_ready(chunk.iloc[start : start + CHUNK_ROWS])


def _write_postgres(source: DatabaseSource, chunks: Iterable[tuple[str, pd.DataFrame]]) -> list:
    import ibis
    import pyarrow as pa
    import sqlglot.expressions as sge
    from psycopg import sql

    con = connect(source)
    connection = con.con
    created: list[str] = []
    try:
        with connection.transaction(), connection.cursor() as cursor:
            for name, chunk in chunks:
                for part in _parts(chunk):
                    if name not in created:
                        # the DDL from the frame's Ibis schema, compiled for PostgreSQL
                        table = sge.to_identifier(name, quoted=True)
                        drop = sge.Drop(kind="TABLE", this=table, exists=True)
                        columns = ibis.memtable(part).schema().to_sqlglot_column_defs("postgres")
                        create = sge.Create(
                            kind="TABLE", this=sge.Schema(this=table, expressions=columns)
                        )
                        cursor.execute(drop.sql("postgres"))
                        cursor.execute(create.sql("postgres"))
                        created.append(name)
                    arrow = pa.Table.from_pandas(part, preserve_index=False)
                    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, part.columns))
                    )
                    with cursor.copy(statement) as copy:
                        for row in zip(*(c.to_pylist() for c in arrow.columns), strict=True):
                            copy.write_row(row)
    except Exception as error:
        raise DataValidationError(
            source.url,
            f"cannot write the tables ({_first_line(error)})",
            fix="check that the user may create tables in the database",
        ) from None
    finally:
        with contextlib.suppress(Exception):
            con.disconnect()
    return created

"""Loaded tables grouped by an in-process DuckDB, read through Arrow where they lie.

A kernel holds the company's tables in pandas, their text columns in Arrow. A step that
reduces millions of purchase lines to a table per customer, per channel or per supplier
need not copy the lines into NumPy and group them there: an in-process DuckDB reads the
columns where they lie (Arrow, no copy), groups them on every core and sends back the
small table. Measured on a million customers (9.6 million lines), the value chain's
revenue per customer and offer element took 15.2 s and 2.0 GiB on top of the company in
pandas, and takes 3.1 s and 1.2 GiB in DuckDB (``benchmarks/README.md``, run S).

The steps are written with Ibis, as those that run in the company's own database
(:mod:`crmlib.data.line_facts`), so the same expression runs on a loaded table and on a
database table. DuckDB scanning a pandas frame directly would turn every Arrow string
into a Python object first (20 s for the lines' channels); handing it the Arrow arrays
does not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pandas as pd

from crmlib.data.database import quiet


def arrow_columns(frame: pd.DataFrame, columns: Iterable[str], extra=None):
    """The named columns of ``frame`` as an Arrow table, sharing Arrow text's memory.

    ``extra`` maps further column names to arrays of one value per row of ``frame``
    (a margin per line, say).
    """
    import pyarrow as pa

    # NaN in a given array is a missing value, as pandas' sums skip it
    arrays = {
        name: pa.chunked_array([pa.array(values, from_pandas=True)])
        for name, values in (extra or {}).items()
    }
    for name in columns:
        column = frame[name]
        try:
            arrays[name] = pa.chunked_array(pa.array(column.array))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # a column of mixed Python objects (hand-built): as text, as a cell would read
            arrays[name] = pa.chunked_array(
                pa.array(column.map(lambda v: None if pd.isna(v) else str(v)), type=pa.string())
            )
    return pa.table(arrays)


def engine_table(frame: pd.DataFrame, columns: Iterable[str], extra=None):
    """An Ibis table over the named columns of a loaded table (and ``extra`` ones, see
    :func:`arrow_columns`), for :func:`run`."""
    import ibis

    return ibis.memtable(arrow_columns(frame, columns, extra))


def small_table(columns: dict):
    """An Ibis table of a few given columns (arrays or Series of equal length): a
    catalogue, the offers sent, the new customers and their first day."""
    return engine_table(pd.DataFrame(columns), list(columns))


@functools.cache
def _connection():
    import ibis

    con = ibis.duckdb.connect()
    # no progress bar drawn in the middle of a notebook's output
    con.raw_sql("SET enable_progress_bar = false")
    # DuckDB's allocator keeps freed pages for its next query; in a kernel that goes on
    # with pandas they are memory nobody uses (about 300 MB after the value chain's
    # steps at a million customers). Its background threads hand them back.
    con.raw_sql("SET allocator_background_threads = true")
    # an expression over loaded tables run with ``.execute()`` runs here too
    ibis.set_backend(con)
    return con


@functools.cache
def _fsum():
    import ibis

    @ibis.udf.agg.builtin
    def fsum(value: float) -> float:
        """DuckDB's compensated (Kahan) sum."""

    return fsum


def exact_sum(column, where=None):
    """The sum of a money column, compensated as pandas' grouped sum is.

    A plain floating sum of a supplier's million lines is off by a few hundred-thousandths
    of a euro, and differs with the order the engine's threads add them in; the
    compensated sum gives the cents, as the loaded path did (NULL where no line counts).
    """
    return _fsum()(column.cast("float64"), where=where)


def members(values, ids):
    """Whether each of ``values`` (an Ibis column) is one of ``ids`` (the SSCs' ids, say),
    as text: a semi-join in the engine."""
    import ibis
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pc.unique(pa.chunked_array(pa.array(pd.Index(ids).astype("str").array)))
    table = ibis.memtable(pa.table({"member": distinct}))
    return values.cast("string").isin(table.member)


def kept(expression):
    """``expression`` computed once and held by the engine as a table, for several queries
    to read (it is dropped when the returned table is no longer referenced)."""
    _connection()  # the engine the loaded tables' expressions run on
    with quiet():
        return expression.cache()


def run(expression) -> pd.DataFrame:
    """The result of an Ibis expression over :func:`engine_table` tables, as pandas."""
    with quiet():
        return _connection().to_pyarrow(expression).to_pandas()

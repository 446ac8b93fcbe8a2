"""The sample company: Tuincentrum Groenhuis, a Flemish garden-and-home retailer.

Four stores (Brugge, Gent, Knokke-Heist, Kortrijk), a webshop and a call centre; prices
in euro. The generator draws a deterministic company of any size, from a thousand to
millions of customers (block by block above 250,000), with every table of the data
model, and with structure for every CRM model to find:

- customers with households and business accounts (related customers), realistic gaps
  in phone, e-mail and birth date, and a handful of probable duplicate records;
- purchases from a buy-till-you-die process (BG/NBD) with Gamma-Gamma spend, seasonal
  and with category affinities, so value is Pareto-like and lifetime-value models fit;
- contacts with channel hopping, weak channel/process pairs and a few cost magnets who
  end below zero after the cost to serve;
- a needs survey drawn from latent needs segments, and campaigns sent only to
  customers who consented to marketing.

The same seed gives the same tables and byte-identical files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from crmlib.atomic import atomic_path, atomic_write_text
from crmlib.errors import ParameterError
from crmlib.parameters import is_database_url
from crmlib.sample._blocks import (
    BLOCK_SIZE,
    block_chunks,
    check_block_size,
    draw_blocks,
    write_blocks_to_folder,
)
from crmlib.sample._draw import draw_tables
from crmlib.sample._purchases import day_weights
from crmlib.sample._tools import csv_ready

__all__ = [
    "BLOCK_SIZE",
    "create_sample_company",
    "generate_company",
    "generate_company_blocks",
    "write_company",
    "write_company_database",
]

COMPANY_NAME = "Tuincentrum Groenhuis"
COUNTRY = "BE"
OBSERVED_YEARS = 4
MIN_CUSTOMERS = 10
PARQUET_FROM = 200_000
FORMATS = ("csv", "parquet")


def _observation_end(observation_end: str) -> np.datetime64:
    try:
        end = pd.Timestamp(observation_end)
    except (ValueError, TypeError) as error:
        raise ParameterError(
            f"observation_end must be a date as yyyy-mm-dd, got {observation_end!r}"
        ) from error
    if end is pd.NaT or end != end.normalize():
        raise ParameterError(
            f"observation_end must be a date as yyyy-mm-dd without a time, got {observation_end!r}"
        )
    return np.datetime64(end.date(), "D")


def _check_size(n_customers: int, seed: int) -> None:
    if isinstance(n_customers, bool) or not isinstance(n_customers, int | np.integer):
        raise ParameterError(f"n_customers must be a whole number, got {n_customers!r}")
    if n_customers < MIN_CUSTOMERS:
        raise ParameterError(
            f"n_customers must be at least {MIN_CUSTOMERS}, got {n_customers}; "
            "a smaller company has too little data for the models"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a whole number of 0 or more, got {seed!r}")


def generate_company(
    n_customers: int = 5000, seed: int = 42, observation_end: str = "2025-12-31"
) -> dict[str, pd.DataFrame]:
    """Draw the sample company's tables.

    Parameters
    ----------
    n_customers : int, default 5000
        Number of customers (at least 10). The other tables grow in proportion: about
        ten purchase lines and two contacts per customer.
    seed : int, default 42
        Random seed. The same seed and size give identical tables.
    observation_end : str, default "2025-12-31"
        Last day of the data (yyyy-mm-dd). Customers signed up over the four years
        up to it; campaigns ran in the last two.

    Returns
    -------
    dict of str to DataFrame
        One table per name in ``crmlib.data.schema.TABLE_NAMES`` (customers,
        transactions, products, interactions, channels, needs, campaigns), with the
        schema's column names and, in ``needs``, one column per need dimension
        (whole scores 1-5). The dtypes are those the loader gives each column kind:
        ids and text ``string``, dates ``datetime64[ns]``, numbers ``float64``,
        flags ``boolean``.

    Raises
    ------
    ParameterError
        When ``n_customers`` is below 10, ``seed`` is negative or ``observation_end``
        is not a date.
    """
    _check_size(n_customers, seed)
    start, day_weight = _observed_days(observation_end)
    tables = draw_tables(int(n_customers), np.random.SeedSequence(seed), start, day_weight)
    tables["customers"].attrs["generated_by"] = {"n_customers": int(n_customers), "seed": int(seed)}
    return tables


def _observed_days(observation_end: str) -> tuple[np.datetime64, np.ndarray]:
    """First observed day and the store traffic of every observed day."""
    end = _observation_end(observation_end)
    first = pd.Timestamp(end) - pd.DateOffset(years=OBSERVED_YEARS) + pd.Timedelta(days=1)
    start = np.datetime64(first.date(), "D")
    n_days = int((end - start).astype(np.int64)) + 1
    return start, day_weights(start, n_days)


def generate_company_blocks(
    n_customers: int,
    seed: int = 42,
    observation_end: str = "2025-12-31",
    *,
    block_size: int = BLOCK_SIZE,
    progress: bool = False,
) -> Iterator[dict[str, pd.DataFrame]]:
    """Draw a large sample company block by block, for memory bounded by one block.

    The customers are split into near-equal blocks of at most ``block_size``
    consecutive ids. Each block is drawn from its own child of the seed's
    ``numpy.random.SeedSequence``, so households, business accounts and duplicate
    records stay within a block, and then numbered into the company's id ranges
    (customers, households, accounts, receipts, contacts). A company of at most
    ``block_size`` customers is one block, drawn exactly as :func:`generate_company`
    draws it.

    Parameters
    ----------
    n_customers : int
        Number of customers (at least 10).
    seed : int, default 42
        Random seed. The same seed, size and block size give identical blocks.
    observation_end : str, default "2025-12-31"
        Last day of the data (yyyy-mm-dd).
    block_size : int, default 250,000
        Most customers per block (at least 20 when the company is split).
    progress : bool, default False
        Show a progress bar (tqdm) on stderr.

    Yields
    ------
    dict of str to DataFrame
        One block's tables, as :func:`generate_company` returns them; only the first
        block carries the shared tables ``products`` and ``channels``.

    Raises
    ------
    ParameterError
        For a bad size, seed, block size or date.
    """
    _check_size(n_customers, seed)
    check_block_size(block_size)
    if n_customers <= block_size:
        yield generate_company(n_customers, seed, observation_end)
        return
    start, day_weight = _observed_days(observation_end)
    yield from draw_blocks(
        int(n_customers), seed, start, day_weight, block_size=block_size, progress=progress
    )


def write_company(
    tables: dict[str, pd.DataFrame],
    out_dir: str | os.PathLike[str],
    *,
    fmt: str = "csv",
    name: str = COMPANY_NAME,
    currency: str = "EUR",
    observation_end: str = "2025-12-31",
) -> list[Path]:
    """Write a company's tables, one file each, and its ``company.yml``.

    Every file is written atomically: a reader never sees half a table.

    Parameters
    ----------
    tables : dict of str to DataFrame
        The tables, e.g. from :func:`generate_company`.
    out_dir : path-like
        The folder to write into (created if needed).
    fmt : {"csv", "parquet"}, default "csv"
        CSV is UTF-8 with a comma separator, ISO dates (yyyy-mm-dd), true/false and
        blanks for missing values; Parquet keeps the column types.
    name : str, default "Tuincentrum Groenhuis"
        Company name, for ``company.yml``.
    currency : str, default "EUR"
        Currency of the amounts, for ``company.yml``.
    observation_end : str, default "2025-12-31"
        Last day of the data, for ``company.yml``.

    Returns
    -------
    list of Path
        The files written: one per table, then ``company.yml``.

    Raises
    ------
    ParameterError
        When ``fmt`` is not "csv" or "parquet", or a table is not a DataFrame.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    for table_name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            raise ParameterError(
                f"table {table_name!r} must be a pandas DataFrame, got {type(table).__name__}"
            )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table_name, table in tables.items():
        target = out / f"{table_name}.{fmt}"
        with atomic_path(target) as temporary:
            if fmt == "csv":
                csv_ready(table).to_csv(
                    temporary, index=False, encoding="utf-8", lineterminator="\n"
                )
            else:
                table.to_parquet(temporary, index=False, engine="pyarrow")
        written.append(target)

    written.append(_write_company_info(_generated_by(tables), out, name, currency, observation_end))
    return written


def _generated_by(tables: dict[str, pd.DataFrame]) -> dict:
    customers = tables.get("customers")
    generated_by = dict(customers.attrs.get("generated_by", {})) if customers is not None else {}
    generated_by["n_customers"] = int(len(customers)) if customers is not None else 0
    generated_by.setdefault("seed", None)
    return generated_by


def _write_company_info(
    generated_by: dict, out: Path, name: str, currency: str, observation_end: str
) -> Path:
    """Write ``company.yml``: name, currency, country, observation end, how it was drawn."""
    description = (
        f"{name}: a garden-and-home retailer in Flanders with four stores (Brugge, Gent, "
        "Knokke-Heist, Kortrijk), a webshop and a call centre. Sample data for the CRM "
        "Strategy Workbook, drawn by crmlib.sample."
    )
    company = {
        "name": name,
        "currency": currency,
        "country": COUNTRY,
        "observation_end": str(_observation_end(observation_end)),
        "description": description,
        "generated_by": {
            "n_customers": generated_by["n_customers"],
            "seed": generated_by["seed"],
        },
    }
    text = yaml.safe_dump(company, sort_keys=False, allow_unicode=True, width=88)
    return atomic_write_text(out / "company.yml", text)


def write_company_database(
    tables: dict[str, pd.DataFrame],
    url: str,
    *,
    name: str = COMPANY_NAME,
    currency: str = "EUR",
    observation_end: str = "2025-12-31",
) -> Path:
    """Write a company's tables into a database, and its ``company.yml`` beside them.

    Each table replaces the one of its name and is sent in chunks of rows, so no copy
    of a whole table is made on the way; the rows keep the order of the folder's files.
    ``company.yml`` goes into the database's settings folder (a DuckDB file's folder,
    or the URL's ``?folder=``).

    Returns
    -------
    Path
        The settings folder.

    Raises
    ------
    ParameterError
        For a PostgreSQL URL without ``?folder=``.
    """
    folder = _write_database(url, tables.items())
    _write_company_info(_generated_by(tables), folder, name, currency, observation_end)
    return folder


def _write_database(url: str, chunks: Iterable[tuple[str, pd.DataFrame]]) -> Path:
    """Send (table name, rows) chunks into the database; returns its settings folder."""
    from crmlib.data.database import parse_source, write_tables

    source = parse_source(url)
    if source is None or source.folder is None:
        raise ParameterError(
            f"{url} has no settings folder for company.yml; add ?folder=/path to the URL"
        )
    source.folder.mkdir(parents=True, exist_ok=True)
    if source.path is not None:
        source.path.parent.mkdir(parents=True, exist_ok=True)
    write_tables(source, chunks)
    return source.folder


def create_sample_company(
    out_dir: str | os.PathLike[str],
    *,
    n_customers: int = 5000,
    seed: int = 42,
    fmt: str | None = None,
    observation_end: str = "2025-12-31",
    block_size: int = BLOCK_SIZE,
    progress: bool = False,
) -> Path:
    """Generate the sample company, write it, and add example workshop answers.

    A company of more than ``block_size`` customers is drawn and written block by
    block (see :func:`generate_company_blocks`), so memory holds one block at a time.

    Parameters
    ----------
    out_dir : path-like or str
        The company folder to create or refresh, or a database URL
        (``duckdb:///path/company.duckdb``): the tables then go into the database and
        company.yml and the example answers into its settings folder.
    n_customers : int, default 5000
        Number of customers (at least 10).
    seed : int, default 42
        Random seed; the same seed gives byte-identical files.
    fmt : {"csv", "parquet"} or None, default None
        File format; None chooses CSV below 200,000 customers and Parquet from there.
    observation_end : str, default "2025-12-31"
        Last day of the data (yyyy-mm-dd).
    block_size : int, default 250,000
        Most customers drawn at once (at least 20 when the company is split).
    progress : bool, default False
        Show a progress bar (tqdm) on stderr while a large company is drawn.

    Returns
    -------
    Path
        The company folder.

    Raises
    ------
    ParameterError
        For a bad size, seed, format or date.
    """
    _check_size(n_customers, seed)
    check_block_size(block_size)
    if fmt is None:
        fmt = "csv" if n_customers < PARQUET_FROM else "parquet"
    if fmt not in FORMATS:
        raise ParameterError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    from crmlib.instruments.examples import write_example_answers

    if n_customers > block_size:
        out = _write_blocks(
            generate_company_blocks(
                n_customers, seed, observation_end, block_size=block_size, progress=progress
            ),
            out_dir,
            fmt,
        )
        generated_by = {"n_customers": int(n_customers), "seed": int(seed)}
        _write_company_info(generated_by, out, COMPANY_NAME, "EUR", observation_end)
        write_example_answers(out, seed)
        return out
    tables = generate_company(n_customers, seed, observation_end)
    if is_database_url(out_dir):
        out = write_company_database(tables, str(out_dir), observation_end=observation_end)
    else:
        out = Path(out_dir)
        write_company(tables, out, fmt=fmt, observation_end=observation_end)
    write_example_answers(out, seed)
    return out


def _write_blocks(
    blocks: Iterator[dict[str, pd.DataFrame]], out_dir: str | os.PathLike[str], fmt: str
) -> Path:
    """Write blocks as they are drawn: appended to database tables or to the folder's files."""
    if is_database_url(out_dir):
        return _write_database(str(out_dir), block_chunks(blocks))
    out = Path(out_dir)
    write_blocks_to_folder(blocks, out, fmt)
    return out

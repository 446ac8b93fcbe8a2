"""The sample company: Tuincentrum Groenhuis, a Flemish garden-and-home retailer.

Four stores (Brugge, Gent, Knokke-Heist, Kortrijk), a webshop and a call centre; prices
in euro. The generator draws a deterministic company of any size, from a thousand to a
million customers, with every table of the data model, and with structure for every
CRM model to find:

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
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from crmlib.atomic import atomic_path, atomic_write_text
from crmlib.data.schema import TABLE_NAMES
from crmlib.errors import ParameterError
from crmlib.parameters import is_database_url
from crmlib.sample._contacts import build_interactions, channels_table
from crmlib.sample._customers import build_population
from crmlib.sample._marketing import build_campaigns, build_needs
from crmlib.sample._purchases import build_catalogue, build_purchases, day_weights

__all__ = [
    "create_sample_company",
    "generate_company",
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
    end = _observation_end(observation_end)
    first = pd.Timestamp(end) - pd.DateOffset(years=OBSERVED_YEARS) + pd.Timedelta(days=1)
    start = np.datetime64(first.date(), "D")
    n_days = int((end - start).astype(np.int64)) + 1
    # One independent stream per table family, so each part stays stable on its own.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]

    day_weight = day_weights(start, n_days)
    population, customers = build_population(streams[0], int(n_customers), start, day_weight)
    products = build_catalogue()
    purchases = build_purchases(streams[1], population, products, day_weight)
    contacts = build_interactions(streams[2], population, purchases)
    needs = build_needs(streams[3], population, purchases, contacts)
    campaigns = build_campaigns(streams[4], population, purchases)
    customers.attrs["generated_by"] = {"n_customers": int(n_customers), "seed": int(seed)}
    tables = {
        "customers": customers,
        "transactions": purchases.table,
        "products": products.table,
        "interactions": contacts.table,
        "channels": channels_table(),
        "needs": needs,
        "campaigns": campaigns,
    }
    return {name: tables[name] for name in TABLE_NAMES}


def _csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    # CSV in the workbook's house style: ISO dates, true/false, whole numbers without
    # ".0" (quantities, scores), blanks for missing values.
    columns = {}
    for name, column in table.items():
        if pd.api.types.is_bool_dtype(column):
            text = np.where(column.fillna(False).to_numpy(dtype=bool), "true", "false")
            columns[name] = pd.Series(text, index=table.index, dtype="str").where(column.notna())
        elif pd.api.types.is_datetime64_any_dtype(column):
            days = column.to_numpy().astype("datetime64[D]")
            text = np.datetime_as_string(days, unit="D")
            columns[name] = pd.Series(text, index=table.index, dtype="str").where(column.notna())
        elif pd.api.types.is_float_dtype(column):
            values = column.to_numpy()
            finite = values[~np.isnan(values)]
            whole = bool(np.all(finite == np.round(finite))) and bool(
                np.all(np.abs(finite) < 2**53)
            )
            columns[name] = column.astype("Int64") if whole else column
        else:
            columns[name] = column
    return pd.DataFrame(columns, index=table.index)


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
                _csv_ready(table).to_csv(
                    temporary, index=False, encoding="utf-8", lineterminator="\n"
                )
            else:
                table.to_parquet(temporary, index=False, engine="pyarrow")
        written.append(target)

    written.append(_write_company_info(tables, out, name, currency, observation_end))
    return written


def _write_company_info(
    tables: dict[str, pd.DataFrame], out: Path, name: str, currency: str, observation_end: str
) -> Path:
    """Write ``company.yml``: name, currency, country, observation end, how it was drawn."""
    customers = tables.get("customers")
    generated_by = dict(customers.attrs.get("generated_by", {})) if customers is not None else {}
    generated_by["n_customers"] = int(len(customers)) if customers is not None else 0
    generated_by.setdefault("seed", None)
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
    from crmlib.data.database import parse_source, write_tables

    source = parse_source(url)
    if source is None or source.folder is None:
        raise ParameterError(
            f"{url} has no settings folder for company.yml; add ?folder=/path to the URL"
        )
    source.folder.mkdir(parents=True, exist_ok=True)
    if source.path is not None:
        source.path.parent.mkdir(parents=True, exist_ok=True)
    write_tables(source, tables.items())
    _write_company_info(tables, source.folder, name, currency, observation_end)
    return source.folder


def create_sample_company(
    out_dir: str | os.PathLike[str],
    *,
    n_customers: int = 5000,
    seed: int = 42,
    fmt: str | None = None,
    observation_end: str = "2025-12-31",
) -> Path:
    """Generate the sample company, write it, and add example workshop answers.

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
    if fmt is None:
        fmt = "csv" if n_customers < PARQUET_FROM else "parquet"
    if fmt not in FORMATS:
        raise ParameterError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    from crmlib.instruments.examples import write_example_answers

    tables = generate_company(n_customers, seed, observation_end)
    if is_database_url(out_dir):
        out = write_company_database(tables, str(out_dir), observation_end=observation_end)
    else:
        out = Path(out_dir)
        write_company(tables, out, fmt=fmt, observation_end=observation_end)
    write_example_answers(out, seed)
    return out

"""A database company checked in its engine says what the loaded company's checks say."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib.cli import main
from crmlib.data.company import load_company
from crmlib.data.database import parse_source, write_tables
from crmlib.data.engine_checks import engine_check
from crmlib.data.quality import completeness_of, overview_of, table_stats
from crmlib.errors import DataValidationError

_databases = itertools.count()


@pytest.fixture(scope="module")
def small_tables(sample_company) -> dict[str, pd.DataFrame]:
    """The sample's first 150 customers with their lines and contacts, and every product."""
    customers = sample_company.customers.iloc[:150].reset_index(drop=True)
    ids = set(customers["customer_id"])
    tables = {"customers": customers, "products": sample_company.products}
    for name in ("transactions", "interactions"):
        frame = sample_company.tables[name]
        tables[name] = frame[frame["customer_id"].isin(ids)].reset_index(drop=True)
    return tables


@pytest.fixture(params=["duckdb", "postgres", "parquet"])
def engine_url(request, tmp_path):
    """An empty company of each kind: a DuckDB file, a new PostgreSQL database, or a
    folder for Parquet files (which DuckDB reads)."""
    if request.param == "duckdb":
        return f"duckdb://{tmp_path / 'company.duckdb'}"
    if request.param == "parquet":
        folder = tmp_path / "company"
        folder.mkdir()
        return str(folder)
    import psycopg

    server = request.getfixturevalue("postgres_url")
    name = f"checks_{next(_databases)}"
    with psycopg.connect(server.replace("postgresql://", "postgres://"), autocommit=True) as con:
        con.execute(f"create database {name}")
    return f"{server.rsplit('/', 1)[0]}/{name}"


def _write(url: str, tables: dict[str, pd.DataFrame]) -> None:
    source = parse_source(url)
    if source is None:
        for name, frame in tables.items():
            frame.to_parquet(Path(url) / f"{name}.parquet", index=False)
    else:
        write_tables(source, tables.items())


def _both_messages(url: str) -> tuple[str, str]:
    with pytest.raises(DataValidationError) as loaded:
        load_company(url)
    with pytest.raises(DataValidationError) as engine:
        engine_check(url)
    return str(loaded.value), str(engine.value)


def _sales(transactions: pd.DataFrame) -> np.ndarray:
    return np.flatnonzero(~transactions["is_return"].fillna(False).to_numpy(dtype=bool))


def _negative_amounts(t):
    t["transactions"].loc[_sales(t["transactions"])[[3, 9, 10, 11, 40, 41, 50]], "amount"] = -5.0


def _negative_quantity(t):
    t["transactions"].loc[_sales(t["transactions"])[7], "quantity"] = -1


def _no_customer(t):
    t["transactions"].loc[[4, 30], "customer_id"] = pd.NA


def _blank_customer(t):
    lines = t["transactions"]
    lines["customer_id"] = lines["customer_id"].astype(object)
    lines.loc[12, "customer_id"] = "   "


def _shared_id_once_trimmed(t):
    lines = t["transactions"]
    lines["transaction_id"] = lines["transaction_id"].astype(object)
    lines.loc[40, "transaction_id"] = "\u00a0" + lines.loc[2, "transaction_id"] + " "


def _shared_transaction_id(t):
    lines = t["transactions"]
    lines.loc[[20, 33], "transaction_id"] = lines.loc[5, "transaction_id"]


def _shared_customer_id(t):
    t["customers"].loc[8, "customer_id"] = t["customers"].loc[2, "customer_id"]


def _unknown_product(t):
    t["transactions"].loc[[6, 7, 90], "product_id"] = ["P-X1", "P-X2", "P-X1"]


def _unknown_customer(t):
    t["transactions"].loc[15, "customer_id"] = "C9999999"


def _future_date(t):
    t["transactions"].loc[[3, 4], "date"] = pd.Timestamp("2199-01-01")


def _ancient_date(t):
    t["interactions"].loc[2, "date"] = pd.Timestamp("1899-12-31")


def _no_amount(t):
    t["transactions"] = t["transactions"].drop(columns="amount")


def _derived_customers_and_a_stranger(t):
    del t["customers"]
    t["interactions"].loc[5, "customer_id"] = "C9999999"


BREAKS = [
    _negative_amounts,
    _negative_quantity,
    _no_customer,
    _blank_customer,
    _shared_transaction_id,
    _shared_id_once_trimmed,
    _shared_customer_id,
    _unknown_product,
    _unknown_customer,
    _future_date,
    _ancient_date,
    _no_amount,
    _derived_customers_and_a_stranger,
]


@pytest.mark.parametrize("brake", BREAKS, ids=lambda f: f.__name__.strip("_"))
def test_the_engine_finds_what_the_loaded_checks_find(brake, small_tables, engine_url):
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    brake(tables)
    _write(engine_url, tables)
    loaded, engine = _both_messages(engine_url)
    assert engine == loaded


def test_a_table_without_records_is_refused(small_tables, engine_url):
    _write(engine_url, small_tables)
    # emptied in the engine: a table written from no rows would have no column types
    source = parse_source(engine_url)
    if source is None:
        empty = small_tables["transactions"].iloc[:0]
        empty.to_parquet(Path(engine_url) / "transactions.parquet", index=False)
    elif source.engine == "duckdb":
        import duckdb

        with duckdb.connect(str(source.path)) as con:
            con.execute("delete from transactions")
    else:
        import psycopg

        with psycopg.connect(engine_url.replace("postgresql://", "postgres://")) as con:
            con.execute("delete from transactions")
    loaded, engine = _both_messages(engine_url)
    assert engine == loaded
    if source is None:
        assert engine == (
            "transactions.parquet: the file has a header but no records. Fix: export the "
            "table again with its records"
        )
    else:
        # a database table has no header: the message speaks of the table's rows
        assert engine == (
            "transactions: the table has no rows. Fix: load its rows, or name the table "
            "that holds them in mapping.yml"
        )


def test_the_message_counts_every_offending_row(small_tables, tmp_path):
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    _negative_amounts(tables)
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    _write(url, tables)
    _, engine = _both_messages(url)
    rows = [int(r) + 1 for r in _sales(tables["transactions"])[[3, 9, 10, 11, 40]]]
    assert engine.startswith(
        f"transactions, column 'amount', rows {', '.join(map(str, rows))} and 2 more: "
        "7 lines have a negative amount"
    )


@pytest.fixture(scope="module")
def sample_parquet(tmp_path_factory, sample_dir, sample_company) -> str:
    """The sample company as a folder of Parquet files, with its company.yml."""
    folder = tmp_path_factory.mktemp("parquet_company")
    (folder / "company.yml").write_bytes((sample_dir / "company.yml").read_bytes())
    _write(str(folder), sample_company.tables)
    return str(folder)


@pytest.mark.parametrize("source", ["sample_duckdb", "sample_postgres", "sample_parquet"])
def test_the_engines_audit_is_the_loaded_companys(source, request):
    url = request.getfixturevalue(source)
    checked = engine_check(url)
    company = load_company(url)
    assert (checked.name, checked.currency, checked.observation_end) == (
        company.name,
        company.currency,
        company.observation_end,
    )
    pd.testing.assert_frame_equal(overview_of(checked.stats), overview_of(table_stats(company)))
    pd.testing.assert_frame_equal(
        completeness_of(checked.stats), completeness_of(table_stats(company))
    )


def test_ids_are_trimmed_as_pandas_trims_them(small_tables, engine_url):
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    customers = tables["customers"]
    customers["customer_id"] = customers["customer_id"].astype(object)
    # no-break, ideographic and ordinary spaces around ids; a name of spaces only
    customers.loc[0, "customer_id"] = "\u00a0" + customers.loc[0, "customer_id"]
    customers.loc[1, "customer_id"] = customers.loc[1, "customer_id"] + "\u3000 "
    customers["name"] = customers["name"].astype(object)
    customers.loc[2, "name"] = " \u2009 "
    _write(engine_url, tables)
    checked = engine_check(engine_url)
    company = load_company(engine_url)
    pd.testing.assert_frame_equal(
        completeness_of(checked.stats), completeness_of(table_stats(company))
    )


def test_derived_customers_are_counted_in_the_engine(small_tables, tmp_path):
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    _write(url, {"transactions": small_tables["transactions"]})
    checked = engine_check(url)
    company = load_company(url)
    assert checked.customers_derived and company.customers_derived
    pd.testing.assert_frame_equal(overview_of(checked.stats), overview_of(table_stats(company)))
    assert checked.stats["customers"].rows == len(company.customers)


def test_text_dates_are_left_to_pandas(small_tables, tmp_path):
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    lines = small_tables["transactions"].copy()
    lines["date"] = lines["date"].dt.strftime("%d-%m-%Y")
    _write(url, {"transactions": lines})
    assert engine_check(url) is None


def test_a_folder_of_csv_files_is_loaded(sample_dir):
    # CSV keeps its Dutch-Excel reading (separators, decimal commas, day-first dates)
    assert engine_check(sample_dir) is None


def _validate(args, capsys):
    with pytest.raises(SystemExit) as done:
        main(["validate", *args])
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_validate_prints_the_same_from_the_engine(sample_duckdb, capsys, monkeypatch):
    code, engine_out, _ = _validate(["--data", sample_duckdb], capsys)
    assert code == 0
    monkeypatch.setattr("crmlib.data.engine_checks.engine_check", lambda data, progress=False: None)
    code, loaded_out, _ = _validate(["--data", sample_duckdb], capsys)
    assert code == 0
    assert engine_out == loaded_out
    assert "transactions" in engine_out and "is valid" in engine_out


def test_validate_refuses_a_broken_database_in_one_line(small_tables, tmp_path, capsys):
    tables = {name: frame.copy() for name, frame in small_tables.items()}
    _unknown_product(tables)
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    _write(url, tables)
    code, out, err = _validate(["--data", url], capsys)
    assert code == 2
    assert err.startswith("error: transactions, column 'product_id', rows 7, 8, 91: 3 rows refer")
    assert err.count("\n") == 1


def test_a_mapped_parquet_folder_is_checked_in_duckdb(small_tables, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    lines = small_tables["transactions"].rename(columns={"customer_id": "klant", "date": "datum"})
    lines.to_parquet(folder / "verkoop.parquet", index=False)
    small_tables["customers"].to_parquet(folder / "customers.parquet", index=False)
    (folder / "mapping.yml").write_text(
        "transactions:\n  file: verkoop.parquet\n  columns: {klant: customer_id, datum: date}\n"
    )
    checked = engine_check(folder)
    company = load_company(folder)
    pd.testing.assert_frame_equal(overview_of(checked.stats), overview_of(table_stats(company)))
    assert checked.transactions_source == "verkoop.parquet"
    (folder / "mapping.yml").write_text(
        "transactions:\n  file: verkoop.parquet\n  columns: {kant: customer_id, datum: date}\n"
    )
    loaded, engine = _both_messages(str(folder))
    assert engine == loaded
    assert engine.startswith("verkoop.parquet, column 'kant': the mapping names a column")


def test_a_query_and_renamed_tables_are_checked_in_the_engine(small_tables, tmp_path):
    url = f"duckdb://{tmp_path / 'crm.duckdb'}"
    sales = small_tables["transactions"].rename(columns={"customer_id": "klant", "amount": "omzet"})
    sales.loc[17, "klant"] = "C7777777"
    write_tables(
        parse_source(url),
        [("klanten", small_tables["customers"]), ("verkoop", sales)],
    )
    (tmp_path / "mapping.yml").write_text(
        "customers: {table: klanten}\n"
        "transactions:\n"
        "  query: select * from verkoop where omzet >= 0\n"
        "  columns: {klant: customer_id, omzet: amount}\n"
    )
    loaded, engine = _both_messages(url)
    assert engine == loaded
    assert engine.startswith(
        "the query for transactions, column 'customer_id', row 18: 1 rows refer to a "
        "customer_id that is not in klanten (e.g. 'C7777777')"
    )
    (tmp_path / "mapping.yml").write_text(
        "customers: {table: klanten}\n"
        "transactions:\n"
        "  query: select * from verkoop where klant <> 'C7777777'\n"
        "  columns: {klant: customer_id, omzet: amount}\n"
    )
    checked = engine_check(url)
    company = load_company(url)
    assert checked.transactions_source == "the query for transactions"
    pd.testing.assert_frame_equal(overview_of(checked.stats), overview_of(table_stats(company)))


def test_a_query_without_rows_is_named_as_a_query(small_tables, tmp_path):
    url = f"duckdb://{tmp_path / 'crm.duckdb'}"
    write_tables(
        parse_source(url),
        [("customers", small_tables["customers"]), ("verkoop", small_tables["transactions"])],
    )
    (tmp_path / "mapping.yml").write_text(
        "transactions:\n  query: select * from verkoop where amount > 1e12\n"
    )
    loaded, engine = _both_messages(url)
    assert engine == loaded
    assert engine == (
        "the query for transactions: the query returns no rows. Fix: check the query's "
        "conditions in mapping.yml"
    )

"""A company read from a DuckDB file or PostgreSQL is the company read from its folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmlib.cli import main
from crmlib.data.company import load_company
from crmlib.data.database import parse_source, write_tables
from crmlib.digest import table_digest
from crmlib.errors import DataValidationError


def assert_same_company(left, right) -> None:
    assert left.name == right.name
    assert left.currency == right.currency
    assert left.observation_end == right.observation_end
    assert left.customers_derived == right.customers_derived
    assert list(left.tables) == list(right.tables)
    for name, frame in left.tables.items():
        pd.testing.assert_frame_equal(frame, right.tables[name], obj=name)
        # one key for the customer-base cache, whichever source the tables came from
        assert table_digest(frame) == table_digest(right.tables[name]), name


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return done.value.code, out, err


# --- DuckDB ------------------------------------------------------------------------------


def test_duckdb_gives_the_folders_company(sample_duckdb, sample_company):
    company = load_company(sample_duckdb)
    assert_same_company(company, sample_company)
    assert company.database == sample_duckdb
    assert company.data_dir == parse_source(sample_duckdb).folder


def test_sample_writes_a_duckdb_file_that_reads_as_the_folder(tmp_path, capsys):
    folder, database = tmp_path / "folder", tmp_path / "db" / "company.duckdb"
    code, out, _ = run_cli(["sample", "--out", str(folder), "--customers", "300"], capsys)
    assert code == 0
    code, out, _ = run_cli(
        ["sample", "--out", f"duckdb://{database}", "--customers", "300"], capsys
    )
    assert code == 0 and str(database.parent) in out
    assert (database.parent / "company.yml").exists()
    assert (database.parent / "assessments").is_dir()
    assert_same_company(load_company(f"duckdb://{database}"), load_company(folder))


def test_a_mapping_names_database_tables_and_queries(tmp_path, sample_company):
    url = f"duckdb://{tmp_path / 'crm.duckdb'}"
    sales = sample_company.transactions.rename(columns={"customer_id": "klant", "amount": "omzet"})
    # an export with the returns in a table of their own, and another customers table name
    write_tables(
        parse_source(url),
        [
            ("klanten", sample_company.customers),
            ("verkoop", sales),
            ("producten", sample_company.products),
        ],
    )
    (tmp_path / "company.yml").write_text("name: Groenhuis\ncurrency: EUR\n")
    (tmp_path / "mapping.yml").write_text(
        "customers: {table: klanten}\n"
        "products: {table: producten}\n"
        "transactions:\n"
        "  query: select * from verkoop where omzet >= 0\n"
        "  columns: {klant: customer_id, omzet: amount}\n"
    )
    company = load_company(url)
    expected = sample_company.transactions
    expected = expected[expected["amount"] >= 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(company.transactions, expected)
    assert company.name == "Groenhuis" and company.interactions is None
    assert company.source_name("transactions") == "the query for transactions"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            "transactions: {table: sales}\n",
            "mapping.yml, table 'transactions': names the database table 'sales', which is "
            "not in duckdb://{db}. Fix: correct the table name; the database's tables are: "
            "verkoop",
        ),
        (
            "transactions: {table: verkoop, columns: {klant_nr: customer_id}}\n",
            "verkoop, column 'klant_nr': the mapping names a column the table does not have. "
            "Fix: correct mapping.yml; the table's columns are: transaction_id, customer_id, "
            "date, product_id, quantity, amount, cost, channel, is_return",
        ),
        (
            "transactions: {query: select * from nothing_here}\n",
            "mapping.yml, table 'transactions': the query fails in duckdb://{db} (Catalog "
            "Error: Table with name nothing_here does not exist!)",
        ),
        (
            "transactions: {file: sales.csv}\n",
            "mapping.yml, table 'transactions': option file does not apply to the database "
            "duckdb://{db}",
        ),
        (
            "transactions: {table: verkoop, query: select 1}\n",
            "mapping.yml, table 'transactions': gives both 'table' and 'query'",
        ),
    ],
)
def test_a_wrong_mapping_is_one_line(tmp_path, sample_company, mapping, message):
    db = tmp_path / "crm.duckdb"
    write_tables(parse_source(f"duckdb://{db}"), [("verkoop", sample_company.transactions)])
    (tmp_path / "mapping.yml").write_text(mapping)
    with pytest.raises(DataValidationError) as error:
        load_company(f"duckdb://{db}")
    assert str(error.value).startswith(message.replace("{db}", str(db)))


def test_a_database_without_transactions_says_what_to_do(tmp_path, sample_company):
    db = tmp_path / "crm.duckdb"
    write_tables(parse_source(f"duckdb://{db}"), [("customers", sample_company.customers)])
    with pytest.raises(DataValidationError, match="create a table named transactions"):
        load_company(f"duckdb://{db}")


def test_the_folders_checks_run_on_database_tables(tmp_path, sample_company):
    db = tmp_path / "crm.duckdb"
    broken = sample_company.transactions.copy()
    sale = int(broken.index[~broken["is_return"].fillna(False)][3])
    broken.loc[sale, "amount"] = -5.0
    write_tables(parse_source(f"duckdb://{db}"), [("transactions", broken)])
    with pytest.raises(DataValidationError) as error:
        load_company(f"duckdb://{db}")
    # a database table has no header row: its records are numbered from 1
    assert str(error.value) == (
        f"transactions, column 'amount', row {sale + 1}: 1 lines have a negative amount but are not "
        "flagged as returns. Fix: add a column 'is_return' set to true on returned lines, "
        "or correct the amount"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "duckdb:///no/such/company.duckdb",
            "error: duckdb:///no/such/company.duckdb: the DuckDB file does not exist",
        ),
        (
            "postgresql://crm:hunter2@127.0.0.1:1/company",
            "error: postgresql://crm@127.0.0.1:1/company: the URL holds a password. Fix: "
            "leave it out of the URL and set PGPASSWORD",
        ),
        (
            "postgresql://crm@127.0.0.1:1/company",
            "error: postgresql://crm@127.0.0.1:1/company: cannot connect (connection failed",
        ),
    ],
)
def test_a_database_that_cannot_be_reached_is_one_line_and_exit_2(url, message, capsys):
    code, out, err = run_cli(["validate", "--data", url], capsys)
    assert code == 2
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "hunter2" not in err


def test_validate_reads_a_duckdb_file(sample_duckdb, capsys):
    code, out, _ = run_cli(["validate", "--data", sample_duckdb], capsys)
    assert code == 0
    assert out.startswith(f"Tuincentrum Groenhuis: data in {sample_duckdb} is valid")


# --- PostgreSQL --------------------------------------------------------------------------


def test_postgres_gives_the_folders_company(sample_postgres, sample_company):
    company = load_company(sample_postgres)
    assert_same_company(company, sample_company)
    assert "?" not in company.database and "password" not in company.database


def test_postgres_takes_a_query_and_names_a_missing_table(postgres_url, sample_company, tmp_path):
    write_tables(parse_source(postgres_url), [("sales", sample_company.transactions)])
    (tmp_path / "mapping.yml").write_text(
        "transactions: {query: 'select * from sales where amount > 100'}\n"
        "customers: {table: clients}\n"
    )
    with pytest.raises(DataValidationError, match="names the database table 'clients'"):
        load_company(f"{postgres_url}?folder={tmp_path}")
    (tmp_path / "mapping.yml").write_text(
        "transactions: {query: 'select * from sales where amount > 100'}\n"
    )
    company = load_company(f"{postgres_url}?folder={tmp_path}")
    expected = sample_company.transactions
    assert len(company.transactions) == int((expected["amount"] > 100).sum())
    assert company.source_name("transactions") == "the query for transactions"


def test_a_wrong_password_is_one_line_without_the_password(postgres_url, monkeypatch, capsys):
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    code, _, err = run_cli(["validate", "--data", postgres_url], capsys)
    assert code == 2
    assert "password authentication failed" in err and "not-the-password" not in err
    assert len(err.strip().splitlines()) == 1


def test_segments_from_postgres_match_the_folder(sample_postgres, sample_dir, tmp_path, capsys):
    code, _, _ = run_cli(
        ["segments", "--data", str(sample_dir), "--out", str(tmp_path / "f.csv")], capsys
    )
    assert code == 0
    code, _, _ = run_cli(
        ["segments", "--data", sample_postgres, "--out", str(tmp_path / "p.csv")], capsys
    )
    assert code == 0
    assert (tmp_path / "f.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


# --- the reports ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["00_start_here", "01_idic"])
def test_three_sources_give_the_same_figures(
    notebook, sample_dir, sample_duckdb, sample_postgres, tmp_path, monkeypatch, capsys
):
    """From a folder the kernel builds the customer base; from a database the render
    builds it in the engine and the kernel reads it: the same base, the same figures."""
    figures, events = {}, {}
    for label, data in (
        ("folder", str(sample_dir)),
        ("duckdb", sample_duckdb),
        ("postgres", sample_postgres),
    ):
        out = tmp_path / label
        # an empty cache each: every base is built again, and the log says by whom
        monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path / f"cache-{label}"))
        monkeypatch.setenv("CRM_WORKBOOK_CACHE_LOG", str(tmp_path / f"{label}.log"))
        code, _, err = run_cli(
            ["render", notebook, "--data", data, "--out", str(out), "--format", "html"], capsys
        )
        assert code == 0, err
        (found,) = out.rglob(f"{notebook}*figures.json")
        figures[label] = found.read_text(encoding="utf-8")
        lines = (tmp_path / f"{label}.log").read_text(encoding="utf-8").splitlines()
        events[label] = [line.split()[:2] for line in lines if not line.startswith("verdict")]
    (built, key), *_ = events["folder"]
    assert built == "built"
    for label in ("duckdb", "postgres"):
        # the same key: the engine's base is stored where the kernel looks for its own
        assert events[label][0] == ["engine", key]
        assert ["built", key] not in events[label] and ["disk", key] in events[label]
    assert figures["duckdb"] == figures["folder"]
    assert figures["postgres"] == figures["folder"]


def test_a_clients_file_takes_a_database_url(tmp_path, sample_duckdb):
    from crmlib.batch.clients import load_clients

    relative = Path(parse_source(sample_duckdb).path)
    (tmp_path / "clients.yml").write_text(
        "notebooks: [00_start_here]\n"
        "clients:\n"
        f"  - name: Groenhuis\n    data: {sample_duckdb}\n"
        f"  - name: Relative\n    data: duckdb://{relative.name}\n"
    )
    spec = load_clients(tmp_path / "clients.yml")
    assert spec.clients[0].data_dir == sample_duckdb
    assert spec.clients[1].data_dir == f"duckdb://{tmp_path / relative.name}"


# --- the summary pushed down into the engine ------------------------------------------------


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_the_engines_summary_is_the_in_memory_summary(freq, sample_duckdb, sample_company):
    from crmlib.analytics.summary import summarize_transactions
    from crmlib.data.pushdown import customer_summary

    pushed = customer_summary(sample_duckdb, freq=freq, observation_end="2025-06-30")
    expected = summarize_transactions(
        sample_company.transactions, freq=freq, observation_end="2025-06-30"
    )
    expected.index = expected.index.astype("string")
    pd.testing.assert_frame_equal(
        pushed.sort_index(), expected.sort_index(), rtol=1e-9, check_index_type=False
    )


def test_the_summary_runs_in_postgres_through_a_mapping(postgres_url, sample_company, tmp_path):
    from crmlib.analytics.summary import summarize_transactions
    from crmlib.data.mapping import table_mapping
    from crmlib.data.pushdown import customer_summary

    sales = sample_company.transactions.rename(columns={"customer_id": "klant", "date": "dag"})
    write_tables(parse_source(postgres_url), [("verkoop", sales)])
    mapping = table_mapping(
        "transactions", {"table": "verkoop", "columns": {"klant": "customer_id", "dag": "date"}}
    )
    pushed = customer_summary(postgres_url, freq="W", mapping=mapping)
    expected = summarize_transactions(sample_company.transactions, freq="W")
    expected.index = expected.index.astype("string")
    pd.testing.assert_frame_equal(
        pushed.sort_index(), expected.sort_index(), rtol=1e-9, check_index_type=False
    )


def test_a_batch_redoes_a_server_databases_reports_and_digests_a_duckdb_file(
    tmp_path, sample_company
):
    from crmlib.batch.clients import data_digest

    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    write_tables(parse_source(url), [("transactions", sample_company.transactions)])
    before = data_digest(url)
    assert data_digest(url) == before
    write_tables(parse_source(url), [("transactions", sample_company.transactions.head(10))])
    assert data_digest(url) != before
    server = "postgresql://crm@127.0.0.1:1/company"
    assert data_digest(server) != data_digest(server)


def test_a_database_company_can_be_pseudonymised(sample_duckdb, tmp_path):
    from crmlib.privacy import pseudonymised_copy

    company = load_company(sample_duckdb)
    copy = load_company(pseudonymised_copy(company, tmp_path / "private"))
    assert len(copy.transactions) == len(company.transactions)
    assert not set(copy.customers["name"].dropna()) & set(company.customers["name"].dropna())


def test_a_relative_duckdb_file_is_read_from_the_current_folder(sample_duckdb, monkeypatch, capsys):
    folder = parse_source(sample_duckdb).folder
    monkeypatch.chdir(folder)
    code, out, _ = run_cli(["validate", "--data", "duckdb://company.duckdb"], capsys)
    assert code == 0
    assert f"data in duckdb://{folder / 'company.duckdb'} is valid" in out


def test_sample_writes_into_postgres(postgres_url, tmp_path, capsys):
    folder = tmp_path / "folder"
    code, _, _ = run_cli(["sample", "--out", str(folder), "--customers", "300"], capsys)
    assert code == 0
    url = f"{postgres_url}?folder={tmp_path / 'settings'}"
    code, out, err = run_cli(["sample", "--out", url, "--customers", "300"], capsys)
    assert code == 0, err
    assert_same_company(load_company(url), load_company(folder))


def test_sample_into_postgres_needs_a_settings_folder(postgres_url, capsys):
    code, _, err = run_cli(["sample", "--out", postgres_url, "--customers", "300"], capsys)
    assert code == 2
    assert err.startswith(f"error: {postgres_url} has no settings folder for company.yml")


def test_a_step_missing_a_table_names_the_database(tmp_path, sample_company):
    from crmlib.errors import MissingDataError

    url = f"duckdb://{tmp_path / 'crm.duckdb'}"
    write_tables(parse_source(url), [("transactions", sample_company.transactions)])
    company = load_company(url)
    with pytest.raises(MissingDataError) as error:
        company.require("interactions", step="Cost to serve")
    assert str(error.value).endswith(
        f"add a table named interactions to {url}, or map one in mapping.yml"
    )

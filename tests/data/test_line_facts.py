"""The customer base built in the engine is the loaded customer base.

``engine_customer_base`` asks DuckDB or PostgreSQL for the per-customer facts of the
lines (crmlib/data/line_facts.py); ``customer_base`` groups the loaded lines in NumPy.
Both must give the same table and the same description, on the sample company (every
table), on CDNOW (transactions only: derived customers, revenue as value) and on a
company with only customers and transactions. Money is compared to 1e-9 relative (the
engine adds in its own order; sums are rounded to a millionth, see crmlib/money.py);
everything else exactly.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from crmlib.analytics.base import customer_base
from crmlib.analytics.base_engine import engine_customer_base
from crmlib.cli import cli
from crmlib.data.company import load_company
from crmlib.data.database import parse_source, write_tables
from crmlib.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[2]


def assert_same_base(engine, loaded) -> None:
    a, b = loaded.table, engine.table
    assert list(b.columns) == list(a.columns)
    pd.testing.assert_index_equal(b.index, a.index)
    for column in a.columns:
        x, y = a[column], b[column]
        assert x.dtype == y.dtype, column
        if x.dtype.kind == "f":
            np.testing.assert_allclose(
                y.to_numpy(), x.to_numpy(), rtol=1e-9, atol=1e-9, err_msg=column
            )
        else:
            pd.testing.assert_series_equal(y, x, obj=column)
    assert engine.meta == loaded.meta
    assert engine.settings == loaded.settings
    assert engine.currency == loaded.currency


def _in_duckdb(company, folder: Path) -> str:
    """The company's tables in a DuckDB file; its currency in company.yml beside it."""
    (folder / "company.yml").write_text(f"currency: {company.currency}\n")
    url = f"duckdb://{folder / 'company.duckdb'}"
    write_tables(parse_source(url), company.tables.items())
    return url


def test_the_sample_in_duckdb(sample_duckdb, sample_company):
    engine = engine_customer_base(sample_duckdb)
    assert_same_base(engine, customer_base(sample_company, use_cache=False))
    # every kind of fact is there to compare: margin, contacts and their cost, episodes
    assert engine.meta["margin_known"] and engine.meta["cost_to_serve_known"]
    assert engine.meta["episodes"]["episodes"] > 0
    assert engine.fit.model_choice.chosen


@pytest.mark.slow
def test_the_sample_in_postgres(sample_postgres, sample_company):
    engine = engine_customer_base(sample_postgres)
    assert_same_base(engine, customer_base(sample_company, use_cache=False))


def test_other_settings(sample_duckdb, sample_company):
    settings = {
        "observation_end": "2025-06-30",
        "window_months": 6,
        "value_metric": "revenue",
        "freq": "M",
    }
    engine = engine_customer_base(sample_duckdb, **settings)
    assert_same_base(engine, customer_base(sample_company, use_cache=False, **settings))


def test_cdnow_derived_customers_and_revenue(tmp_path):
    company = load_company(ROOT / "data" / "cdnow")
    url = _in_duckdb(company, tmp_path)
    engine = engine_customer_base(url)
    assert_same_base(engine, customer_base(company, use_cache=False))
    assert engine.value_metric == "revenue"
    assert "reason" in engine.meta["episodes"]


def test_customers_and_transactions_only(tmp_path, sample_dir):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("customers.csv", "transactions.csv"):
        shutil.copy(sample_dir / name, folder / name)
    company = load_company(folder)
    engine = engine_customer_base(_in_duckdb(company, tmp_path))
    assert_same_base(engine, customer_base(company, use_cache=False))
    assert not engine.meta["contacts_known"]


def test_a_folder_of_parquet_files(sample_parquet, sample_company):
    engine = engine_customer_base(sample_parquet)
    assert engine is not None
    assert_same_base(engine, customer_base(sample_company, use_cache=False))


def test_lines_with_a_time_of_day(tmp_path, sample_dir):
    """An export with times: the sales and contacts of the observation end are in its window.

    Both ways read the calendar day; a time kept as the moment would put a contact at
    14:05 on the last day after the end (midnight) and outside the window.
    """
    company = load_company(sample_dir)
    end = company.observation_end
    tables = dict(company.tables)
    minutes = pd.to_timedelta(np.arange(len(tables["transactions"])) % 1440, unit="min")
    tables["transactions"] = tables["transactions"].assign(
        date=tables["transactions"]["date"] + minutes
    )
    contacts = tables["interactions"]
    tables["interactions"] = contacts.assign(date=contacts["date"] + pd.Timedelta("14:05:00"))
    folder = tmp_path / "timed"
    folder.mkdir()
    (folder / "company.yml").write_text(
        f"currency: {company.currency}\nobservation_end: {end:%Y-%m-%d}\n"
    )
    url = f"duckdb://{folder / 'company.duckdb'}"
    write_tables(parse_source(url), tables.items())
    timed = load_company(url)
    assert (timed.transactions["date"] == company.transactions["date"]).all()
    loaded = customer_base(timed, use_cache=False)
    assert_same_base(engine_customer_base(url), loaded)
    assert_same_base(loaded, customer_base(company, use_cache=False))
    # the sample has contacts on its last day: each is in the window
    assert (contacts["date"] == end).any()


def test_a_csv_folder_is_left_to_the_loaded_path(sample_dir):
    assert engine_customer_base(sample_dir) is None


def test_a_line_without_cost_or_margin_rate(tmp_path, sample_company):
    products = sample_company.products.copy()
    products.loc[products.index[0], "margin_rate"] = np.nan
    transactions = sample_company.transactions.drop(columns="cost")
    tables = {**sample_company.tables, "products": products, "transactions": transactions}
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    write_tables(parse_source(url), tables.items())
    with pytest.raises(DataValidationError) as error:
        engine_customer_base(url)
    message = str(error.value)
    assert "transactions" in message and "product_id" in message and "margin_rate" in message


def test_a_contact_through_a_channel_without_a_cost(tmp_path, sample_company):
    channels = sample_company.channels.iloc[1:]
    missing = sample_company.channels["channel"].iloc[0]
    tables = {**sample_company.tables, "channels": channels}
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    write_tables(parse_source(url), tables.items())
    with pytest.raises(DataValidationError) as error:
        engine_customer_base(url)
    message = str(error.value)
    assert "interactions" in message and "channel" in message and str(missing) in message


def test_segments_on_a_line_without_cost_or_margin_rate_exits_2_with_one_line(
    tmp_path, sample_company
):
    products = sample_company.products.copy()
    products.loc[products.index[0], "margin_rate"] = np.nan
    transactions = sample_company.transactions.drop(columns="cost")
    tables = {**sample_company.tables, "products": products, "transactions": transactions}
    url = f"duckdb://{tmp_path / 'company.duckdb'}"
    write_tables(parse_source(url), tables.items())
    out = tmp_path / "s.csv"
    done = subprocess.run(
        [sys.executable, "-m", "crmlib", "segments", "--data", url, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "transactions" in done.stderr and "margin_rate" in done.stderr
    assert "Fix:" in done.stderr
    assert not out.exists()


def test_segments_from_a_database_are_those_from_the_folder(tmp_path, sample_dir, sample_duckdb):
    runner = CliRunner()
    from_db, from_folder = tmp_path / "db.csv", tmp_path / "folder.csv"
    for data, out in ((sample_duckdb, from_db), (str(sample_dir), from_folder)):
        result = runner.invoke(cli, ["segments", "--data", data, "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert from_db.read_bytes() == from_folder.read_bytes()

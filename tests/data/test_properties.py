"""Property-based tests of the loaders: any table either loads correctly or fails clearly.

A generated table never produces a bare pandas or numpy exception, and what loads
holds exactly the values that were written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlib.data.company import load_company
from crmlib.errors import DataValidationError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

amounts = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False).map(
    lambda x: round(x, 2)
)
dates = st.dates(
    min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2025-12-31").date()
)
# Letters of Dutch, French and German names. In Windows-1252 none of the accented ones
# can form a valid UTF-8 sequence, so the encoding of a file written with them is
# knowable; arbitrary symbol pairs (e.g. 'Â¡') are valid in both encodings and no
# reader could tell which was meant.
NAME_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' -àáâäçèéêëìíîïñòóôöùúûüÿÀÁÂÄÇÈÉÊËÌÍÎÏÑÒÓÔÖÙÚÛÜ"
names = st.text(alphabet=NAME_LETTERS, min_size=1, max_size=30).map(str.strip).filter(bool)
dialects = st.sampled_from(
    [
        {"sep": ",", "decimal": ".", "encoding": "utf-8", "date_format": "%Y-%m-%d"},
        {"sep": ";", "decimal": ",", "encoding": "cp1252", "date_format": "%d-%m-%Y"},
        {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "date_format": "%d/%m/%Y"},
        {"sep": "\t", "decimal": ".", "encoding": "utf-16", "date_format": "%Y-%m-%d"},
    ]
)


@st.composite
def companies(draw):
    n_customers = draw(st.integers(min_value=1, max_value=8))
    customers = pd.DataFrame(
        {
            "customer_id": [f"K{i:03d}" for i in range(n_customers)],
            "name": draw(st.lists(names, min_size=n_customers, max_size=n_customers)),
        }
    )
    n_tx = draw(st.integers(min_value=1, max_value=15))
    transactions = pd.DataFrame(
        {
            "customer_id": draw(
                st.lists(
                    st.sampled_from(customers["customer_id"].tolist()), min_size=n_tx, max_size=n_tx
                )
            ),
            "date": pd.to_datetime(draw(st.lists(dates, min_size=n_tx, max_size=n_tx))),
            "amount": draw(st.lists(amounts, min_size=n_tx, max_size=n_tx)),
        }
    )
    transactions["is_return"] = transactions["amount"] < 0
    return customers, transactions


def write(folder: Path, customers: pd.DataFrame, transactions: pd.DataFrame, dialect: dict) -> None:
    options = {
        "sep": dialect["sep"],
        "decimal": dialect["decimal"],
        "encoding": dialect["encoding"],
        "index": False,
    }
    customers.to_csv(folder / "customers.csv", **options)
    transactions.to_csv(folder / "transactions.csv", date_format=dialect["date_format"], **options)


@SETTINGS
@given(companies(), dialects)
def test_written_tables_load_back_exactly(company, dialect):
    customers, transactions = company
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), customers, transactions, dialect)
        loaded = load_company(folder)
    assert loaded.customers["name"].tolist() == customers["name"].tolist()
    np.testing.assert_allclose(
        loaded.transactions["amount"].to_numpy(), transactions["amount"].to_numpy()
    )
    assert (loaded.transactions["date"].to_numpy() == transactions["date"].to_numpy()).all()
    assert loaded.transactions["is_return"].tolist() == transactions["is_return"].tolist()


cells = st.one_of(
    st.text(max_size=12),
    amounts.map(str),
    dates.map(lambda d: d.strftime("%d-%m-%Y")),
    st.sampled_from(
        [
            "",
            " ",
            "n/a",
            "€ 1.234,50",
            "1,234.50",
            "--",
            "1e400",
            "NaN",
            "inf",
            "0224-01-01",
            "31-02-2024",
        ]
    ),
)


@SETTINGS
@given(
    st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=10), st.sampled_from([",", ";"])
)
def test_arbitrary_cells_load_or_fail_clearly(rows, sep):
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    with tempfile.TemporaryDirectory() as folder:
        frame.to_csv(Path(folder) / "transactions.csv", sep=sep, index=False)
        ids = frame["customer_id"].str.strip().replace("", np.nan).dropna().unique()
        pd.DataFrame({"customer_id": ids if len(ids) else ["X"]}).to_csv(
            Path(folder) / "customers.csv", sep=sep, index=False
        )
        try:
            loaded = load_company(folder)
        except DataValidationError as error:
            assert "\n" not in str(error)
            assert str(error).startswith(("transactions.csv", "customers.csv"))
            return
    amounts_loaded = loaded.transactions["amount"].to_numpy()
    assert np.isfinite(amounts_loaded).all(), "no silent NaN or inf in a loaded required column"
    assert loaded.transactions["date"].notna().all()


@SETTINGS
@given(st.lists(cells, min_size=1, max_size=12))
def test_any_amount_text_is_a_finite_number_or_a_clear_error(values):
    frame = pd.DataFrame(
        {"customer_id": "K1", "date": "2024-01-01", "amount": values, "is_return": "ja"}
    )
    with tempfile.TemporaryDirectory() as folder:
        frame.to_csv(Path(folder) / "transactions.csv", index=False)
        pd.DataFrame({"customer_id": ["K1"]}).to_csv(Path(folder) / "customers.csv", index=False)
        try:
            loaded = load_company(folder)
        except DataValidationError as error:
            # Usually the amount column; a bare carriage return in a cell (which pandas
            # writes unquoted) breaks the row in two for any CSV reader.
            assert str(error).startswith("transactions.csv, column ")
            return
    assert np.isfinite(loaded.transactions["amount"]).all()


@SETTINGS
@given(amounts, st.sampled_from([",", "."]))
def test_thousands_and_decimal_notation_round_trip(value, decimal):
    from crmlib.data.parsing import parse_numbers

    english = f"{value:,.2f}"
    text = english.translate(str.maketrans(",.", ".,")) if decimal == "," else english
    parsed = parse_numbers(pd.Series([text]), table="t", column="amount", decimal=decimal)
    assert parsed.iloc[0] == round(value, 2)

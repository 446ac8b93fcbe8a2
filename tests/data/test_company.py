"""Loading a company folder: formats, mapping, and every validation rule's message."""

from pathlib import Path

import pandas as pd
import pytest

from crmlib.data.company import load_company
from crmlib.errors import DataValidationError, MissingDataError

CUSTOMERS = "customer_id,name,city,signup_date\nC1,An,Gent,2024-01-05\nC2,Bert,Brugge,2024-03-01\n"
TRANSACTIONS = (
    "transaction_id,customer_id,date,product_id,quantity,amount\n"
    "T1,C1,2024-02-01,P1,1,10.0\n"
    "T2,C1,2024-05-01,P1,2,20.0\n"
    "T3,C2,2024-06-01,P1,1,5.5\n"
)


def make_company(
    folder: Path, customers: str = CUSTOMERS, transactions: str = TRANSACTIONS, **extra
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "customers.csv").write_text(customers, encoding="utf-8")
    (folder / "transactions.csv").write_text(transactions, encoding="utf-8")
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_error(folder: Path) -> str:
    with pytest.raises(DataValidationError) as caught:
        load_company(folder)
    return str(caught.value)


def test_loads_typed_tables(tmp_path: Path):
    company = load_company(
        make_company(tmp_path, **{"company.yml": "name: De Linde\ncurrency: EUR\n"})
    )
    tx = company.transactions
    assert company.name == "De Linde"
    assert pd.api.types.is_datetime64_any_dtype(tx["date"])
    assert tx["amount"].sum() == pytest.approx(35.5)
    assert company.observation_end == pd.Timestamp("2024-06-01")
    assert company.products is None and not company.has("products")
    assert company.has("transactions", "amount", "date")


def test_observation_end_order_of_precedence(tmp_path: Path):
    folder = make_company(tmp_path, **{"company.yml": "observation_end: 2024-12-31\n"})
    assert load_company(folder).observation_end == pd.Timestamp("2024-12-31")
    assert load_company(folder, observation_end="2024-07-01").observation_end == pd.Timestamp(
        "2024-07-01"
    )


def test_dutch_excel_export_with_mapping(tmp_path: Path):
    tmp_path.joinpath("Klanten.csv").write_bytes(
        "KlantNr;Naam;Woonplaats\r\n001;Jan Peeters;Knokke-Heist\r\n002;Ann Maes;Brugge\r\n".encode(
            "cp1252"
        )
    )
    tmp_path.joinpath("Verkopen.csv").write_bytes(
        "Klant;Datum;Bedrag;Aantal\r\n001;31-12-2025;1.234,50;1\r\n002;01-02-2025;12,5;2\r\n".encode(
            "utf-8-sig"
        )
    )
    tmp_path.joinpath("mapping.yml").write_text(
        "customers:\n  file: Klanten.csv\n  columns: {KlantNr: customer_id, Naam: name, Woonplaats: city}\n"
        "transactions:\n  file: Verkopen.csv\n  columns: {Klant: customer_id, Datum: date, Bedrag: amount, Aantal: quantity}\n"
    )
    company = load_company(tmp_path)
    assert company.customers["customer_id"].tolist() == ["001", "002"]
    assert company.transactions["amount"].tolist() == [1234.5, 12.5]
    assert company.transactions["date"].tolist() == [
        pd.Timestamp("2025-12-31"),
        pd.Timestamp("2025-02-01"),
    ]


def test_missing_required_column(tmp_path: Path):
    folder = make_company(tmp_path, transactions="customer_id,date\nC1,2024-01-01\n")
    assert load_error(folder) == (
        "transactions.csv, column 'amount': the required column 'amount' is missing. "
        "Fix: add it, or map your export's column to 'amount' in mapping.yml"
    )


def test_unparseable_dates(tmp_path: Path):
    folder = make_company(
        tmp_path, transactions="customer_id,date,amount\nC1,2024-01-01,1\nC1,32-01-2024,2\n"
    )
    assert load_error(folder).startswith(
        "transactions.csv, column 'date', row 3: 1 value are not dates"
    )


def test_amounts_that_are_not_numbers(tmp_path: Path):
    folder = make_company(
        tmp_path, transactions="customer_id,date,amount\nC1,2024-01-01,ten\nC2,2024-01-02,5\n"
    )
    assert load_error(folder) == (
        "transactions.csv, column 'amount', row 2: 1 value are not numbers (e.g. 'ten'). "
        "Fix: write plain numbers such as 1234.50 or 1234,50"
    )


def test_duplicate_ids(tmp_path: Path):
    folder = make_company(tmp_path, customers="customer_id,name\nC1,An\nC2,Bert\nC1,Ann\n")
    assert load_error(folder) == (
        "customers.csv, column 'customer_id', rows 2, 4: 2 rows share an id (e.g. 'C1' appears more "
        "than once). Fix: give every row its own customer_id, or remove the duplicate rows"
    )


def test_transactions_of_unknown_customers(tmp_path: Path):
    folder = make_company(
        tmp_path,
        transactions="customer_id,date,amount\nC1,2024-01-01,1\nC9,2024-01-02,2\nC9,2024-01-03,2\n",
    )
    assert load_error(folder) == (
        "transactions.csv, column 'customer_id', rows 3, 4: 2 rows refer to a customer_id that is not "
        "in customers.csv (e.g. 'C9'). Fix: add the missing records to customers.csv or correct the ids"
    )


def test_negative_quantities_without_returns_flag(tmp_path: Path):
    rows = "customer_id,date,amount,quantity\nC1,2024-01-01,10,1\nC1,2024-01-02,-10,-1\n"
    assert load_error(make_company(tmp_path / "a", transactions=rows)) == (
        "transactions.csv, column 'quantity', row 3: 1 lines have a negative quantity but are not "
        "flagged as returns. Fix: add a column 'is_return' set to true on returned lines, or correct "
        "the quantity"
    )
    flagged = "customer_id,date,amount,quantity,is_return\nC1,2024-01-01,10,1,no\nC1,2024-01-02,-10,-1,yes\n"
    company = load_company(make_company(tmp_path / "b", transactions=flagged))
    assert company.transactions["is_return"].tolist() == [False, True]


def test_missing_required_values(tmp_path: Path):
    folder = make_company(
        tmp_path, transactions="customer_id,date,amount\nC1,2024-01-01,1\n,2024-01-02,2\n"
    )
    assert "transactions.csv, column 'customer_id', row 3: 1 rows have no value" in load_error(
        folder
    )


def test_missing_table_and_folder(tmp_path: Path):
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    assert load_error(tmp_path).startswith("transactions: no file for this table")
    assert "the data folder does not exist" in load_error(tmp_path / "nope")


def test_mapping_names_a_column_the_file_lacks(tmp_path: Path):
    folder = make_company(
        tmp_path, **{"mapping.yml": "customers:\n  columns: {KlantNr: customer_id}\n"}
    )
    message = load_error(folder)
    assert message.startswith(
        "customers.csv, column 'KlantNr': the mapping names a column the file does not have"
    )
    assert "the file's columns are: customer_id, name, city, signup_date" in message


def test_mapping_with_unknown_table(tmp_path: Path):
    folder = make_company(tmp_path, **{"mapping.yml": "klanten:\n  columns: {}\n"})
    assert load_error(folder).startswith(
        "mapping.yml: names an unknown table 'klanten'. Fix: use one of: customers"
    )


def test_interactions_of_unknown_channels(tmp_path: Path):
    folder = make_company(
        tmp_path,
        **{
            "interactions.csv": "customer_id,date,channel\nC1,2024-01-01,phone\nC2,2024-01-01,fax\n",
            "channels.csv": "channel,cost_per_contact\nphone,5\n",
        },
    )
    assert load_error(folder).startswith(
        "interactions.csv, column 'channel', row 3: 1 rows refer to a channel that is not in channels.csv"
    )


def test_require_says_what_a_step_needs(tmp_path: Path):
    company = load_company(make_company(tmp_path))
    with pytest.raises(MissingDataError, match="the needs survey step needs the needs table"):
        company.require("needs", step="the needs survey step")
    with pytest.raises(MissingDataError, match=r"needs the column\(s\) cost in transactions.csv"):
        company.require("transactions", "cost", step="margin")


def test_needs_dimensions_are_numbers(tmp_path: Path):
    folder = make_company(
        tmp_path, **{"needs.csv": 'customer_id,price,advice,nps\nC1,4,2,9\nC2,"3,5",5,6\n'}
    )
    needs = load_company(folder).needs
    assert needs["price"].tolist() == [4.0, 3.5]
    assert pd.api.types.is_float_dtype(needs["advice"])


def test_sample_company_loads(sample_dir: Path):
    company = load_company(sample_dir)
    assert set(company.tables) == {
        "customers",
        "transactions",
        "products",
        "interactions",
        "channels",
        "needs",
        "campaigns",
    }
    assert len(company.customers) == 5000
    assert company.transactions["date"].max() <= company.observation_end


# --- customers from transactions -------------------------------------------------------


def only_transactions(folder: Path, transactions: str = TRANSACTIONS, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transactions.csv").write_text(transactions, encoding="utf-8")
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_without_customers_table_the_customers_are_the_transactions_ids(tmp_path: Path):
    transactions = "customer_id,date,amount\nC2,2024-01-01,1\nC1,2024-01-02,2\nC2,2024-01-03,3\n007,2024-01-04,4\n"
    company = load_company(only_transactions(tmp_path, transactions))
    assert company.customers_derived
    assert company.customers["customer_id"].tolist() == ["C2", "C1", "007"]
    assert list(company.customers.columns) == ["customer_id"]
    assert "customers" in company.tables and "customers" not in company.sources
    assert company.source_name("customers") == "derived from transactions.csv"
    assert not load_company(make_company(tmp_path / "full")).customers_derived


def test_steps_that_need_customer_attributes_say_so(tmp_path: Path):
    company = load_company(only_transactions(tmp_path))
    assert company.has("customers") and not company.has("customers", "signup_date")
    assert company.require("customers", "customer_id").shape == (2, 1)
    with pytest.raises(MissingDataError) as caught:
        company.require("customers", "name", "postcode", step="the duplicate check")
    assert str(caught.value) == (
        "the duplicate check needs the column(s) name, postcode of a customers table; there is "
        "none, so the customers are only the ids in the transactions; add customers.csv with "
        f"customer_id and name, postcode to the company's data folder ({tmp_path.name})"
    )


def test_data_quality_of_derived_customers(tmp_path: Path):
    from crmlib.data.quality import column_completeness, table_overview

    company = load_company(only_transactions(tmp_path))
    overview = table_overview(company)
    assert overview.loc["customers", "file"] == "derived from transactions.csv"
    assert overview.loc["customers", "rows"] == 2
    assert column_completeness(company).query("table == 'customers'")["completeness"].tolist() == [
        1.0
    ]


def test_derived_customers_and_other_tables_of_unknown_customers(tmp_path: Path):
    folder = only_transactions(
        tmp_path,
        **{
            "interactions.csv": "customer_id,date,channel\nC1,2024-01-01,phone\nC7,2024-01-02,mail\n"
        },
    )
    assert load_error(folder) == (
        "interactions.csv, column 'customer_id', row 3: 1 rows name a customer with no "
        "transactions (e.g. 'C7'); without a customers table the customers are those in "
        "transactions.csv. Fix: add a customers table that lists every customer, or correct the ids"
    )


# --- currency --------------------------------------------------------------------------


def test_no_currency_is_no_currency(tmp_path: Path):
    assert load_company(make_company(tmp_path)).currency == ""


def test_currency_from_company_yml_mapping_or_argument(tmp_path: Path):
    folder = make_company(tmp_path / "a", **{"company.yml": "currency: usd\n"})
    assert load_company(folder).currency == "USD"
    assert load_company(folder, currency="GBP").currency == "GBP"
    mapped = make_company(tmp_path / "b", **{"mapping.yml": "transactions:\n  currency: CHF\n"})
    assert load_company(mapped).currency == "CHF"


def test_bad_or_conflicting_currencies(tmp_path: Path):
    from crmlib.parameters import InvalidParameterError

    folder = make_company(tmp_path / "a", **{"company.yml": "currency: Euro\n"})
    with pytest.raises(InvalidParameterError) as caught:
        load_company(folder)
    assert str(caught.value) == (
        "parameter currency (in company.yml): 'Euro' is not an ISO 4217 currency code. "
        "Fix: write a three-letter code such as EUR, USD or GBP (did you mean EUR?)"
    )
    with pytest.raises(InvalidParameterError, match="parameter currency: 'XYZ'"):
        load_company(make_company(tmp_path / "b"), currency="XYZ")
    both = make_company(
        tmp_path / "c",
        **{"company.yml": "currency: EUR\n", "mapping.yml": "transactions:\n  currency: USD\n"},
    )
    assert load_error(both) == (
        "company.yml: says the currency is EUR, but mapping.yml gives USD for the amounts of "
        "transactions. Fix: correct one of the two, or leave the currency out of one of them"
    )
    two = make_company(
        tmp_path / "d",
        **{"mapping.yml": "transactions:\n  currency: USD\ncustomers:\n  currency: EUR\n"},
    )
    assert load_error(two).startswith("mapping.yml: gives two currencies (EUR, USD)")


# --- observation end -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("1998-02-30", "is not a calendar date (February 1998 has no day 30)"),
        ("2025-13-01", "is not a calendar date (there is no month 13)"),
        ("30-06-2024", "is not written yyyy-mm-dd"),
    ],
)
def test_impossible_observation_end_in_company_yml(tmp_path: Path, written: str, problem: str):
    from crmlib.parameters import InvalidParameterError

    folder = make_company(tmp_path, **{"company.yml": f"observation_end: {written}\n"})
    with pytest.raises(InvalidParameterError) as caught:
        load_company(folder)
    assert str(caught.value) == (
        f"parameter observation_end (in company.yml): '{written}' {problem}. "
        "Fix: write a calendar date as yyyy-mm-dd, e.g. 2025-12-31"
    )


def test_observation_end_argument_is_checked(tmp_path: Path):
    from crmlib.parameters import InvalidParameterError

    folder = make_company(tmp_path)
    with pytest.raises(InvalidParameterError, match="there is no month 13"):
        load_company(folder, observation_end="2024-13-01")
    end = pd.Timestamp("2024-07-01 15:30")
    assert load_company(folder, observation_end=end).observation_end == pd.Timestamp("2024-07-01")

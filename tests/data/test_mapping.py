"""mapping.yml describes a file as it is: each option read from a small hand-made file,
and each option's invalid value refused with one line naming table, option, value and fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmlib.data.company import load_company
from crmlib.data.mapping import load_mapping
from crmlib.data.readers import WHITESPACE
from crmlib.errors import DataValidationError


def company(folder: Path, mapping: str, **files: str | bytes) -> Path:
    """A data folder with ``mapping.yml`` and the given files (no customers table)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mapping.yml").write_text(mapping, encoding="utf-8")
    for name, content in files.items():
        name = name.replace("__", ".")
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


def load_error(folder: Path) -> str:
    with pytest.raises(DataValidationError) as caught:
        load_company(folder)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- separator -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "separator"),
    [("';'", ";"), ("'|'", "|"), ("tab", "\t"), ('"\\t"', "\t"), ("whitespace", WHITESPACE)],
)
def test_separator(tmp_path: Path, written: str, separator: str):
    cells = [
        ["customer_id", "date", "amount"],
        ["C1", "2024-01-02", "10.5"],
        ["C2", "2024-02-03", "4"],
    ]
    joined = "   " if separator == WHITESPACE else separator
    text = "".join(joined.join(row) + "\n" for row in cells)
    folder = company(
        tmp_path,
        f"transactions:\n  file: sales.txt\n  separator: {written}\n",
        sales__txt=text,
    )
    tx = load_company(folder).transactions
    assert tx["customer_id"].tolist() == ["C1", "C2"]
    assert tx["amount"].tolist() == [10.5, 4.0]


def test_separator_given_wins_over_sniffing(tmp_path: Path):
    # Commas in names would win a sniff; the mapping says the file uses pipes.
    text = "customer_id|date|amount|note\nC1|2024-01-02|10|a, b, c\nC2|2024-01-03|5|d, e\n"
    folder = company(tmp_path, "transactions:\n  file: t.csv\n  separator: '|'\n", t__csv=text)
    assert load_company(folder).transactions["note"].tolist() == ["a, b, c", "d, e"]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("'::'", "option separator '::' is not one character, tab or whitespace"),
        ("x", "option separator 'x' cannot separate columns"),
        ("3", "option separator 3 is not a separator"),
    ],
)
def test_invalid_separator(tmp_path: Path, written: str, problem: str):
    folder = company(tmp_path, f"transactions:\n  separator: {written}\n")
    assert load_error(folder) == (
        f"mapping.yml, table 'transactions': {problem}. Fix: write one character such as "
        "';' or ',' in quotes, or tab, or whitespace"
    )


# --- decimal and thousands -------------------------------------------------------------


def test_decimal_and_thousands(tmp_path: Path):
    text = 'customer_id,date,amount\nC1,2024-01-02,"1.234,50"\nC2,2024-01-03,"12,5"\n'
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  decimal: ','\n  thousands: '.'\n",
        t__csv=text,
    )
    assert load_company(folder).transactions["amount"].tolist() == [1234.5, 12.5]


def test_thousands_alone_implies_the_decimal(tmp_path: Path):
    # Without the option, '1,234' in a comma-less file would still be a thousands group,
    # but '1,5' a decimal comma; with thousands ',' the decimal point is the only one.
    text = "customer_id;date;amount\nC1;2024-01-02;1,234.5\nC2;2024-01-03;1,000,000\n"
    folder = company(tmp_path, "transactions:\n  file: t.csv\n  thousands: ','\n", t__csv=text)
    assert load_company(folder).transactions["amount"].tolist() == [1234.5, 1_000_000.0]


def test_given_separators_are_strict(tmp_path: Path):
    # 12.50 is not a thousands group of three digits: refused, not read as 1250
    text = 'customer_id,date,amount\nC1,2024-01-02,"1.234,50"\nC2,2024-01-03,12.50\n'
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  decimal: ','\n  thousands: '.'\n",
        t__csv=text,
    )
    assert load_error(folder) == (
        "t.csv, column 'amount', row 3: 1 value are not numbers written with ',' as decimal "
        "separator and '.' for thousands (e.g. '12.50'). Fix: correct the values, or the "
        "decimal and thousands options in mapping.yml"
    )


def test_thousands_none_refuses_grouped_numbers(tmp_path: Path):
    text = 'customer_id,date,amount\nC1,2024-01-02,1234.5\nC2,2024-01-03,"1,234"\n'
    folder = company(
        tmp_path, "transactions:\n  file: t.csv\n  decimal: '.'\n  thousands: none\n", t__csv=text
    )
    assert "are not numbers written with '.' as decimal separator and no thousands separator" in (
        load_error(folder)
    )


def test_invalid_decimal(tmp_path: Path):
    folder = company(tmp_path, "transactions:\n  decimal: ';'\n")
    assert load_error(folder) == (
        "mapping.yml, table 'transactions': option decimal ';' is not a decimal separator. "
        "Fix: write decimal: '.' or decimal: ',' (in quotes)"
    )


def test_invalid_thousands(tmp_path: Path):
    assert load_error(company(tmp_path / "a", "transactions:\n  thousands: '#'\n")) == (
        "mapping.yml, table 'transactions': option thousands '#' is not a thousands separator. "
        "Fix: write thousands: '.', ',', \"'\", space, or none (in quotes)"
    )
    same = company(tmp_path / "b", "transactions:\n  decimal: ','\n  thousands: ','\n")
    assert load_error(same).startswith(
        "mapping.yml, table 'transactions': option thousands ',' is the same as the decimal "
        "separator"
    )


# --- encoding --------------------------------------------------------------------------


def test_encoding(tmp_path: Path):
    # Latin-1 bytes that are not UTF-8; the mapping names the encoding.
    text = "customer_id,date,amount,note\nC1,2024-01-02,1,café\nC2,2024-01-03,2,Müller\n"
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  encoding: latin-1\n",
        t__csv=text.encode("latin-1"),
    )
    assert load_company(folder).transactions["note"].tolist() == ["café", "Müller"]


def test_utf16_given_as_encoding(tmp_path: Path):
    text = "customer_id\tdate\tamount\nC1\t2024-01-02\t1\n"
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  encoding: utf-16\n",
        t__csv=text.encode("utf-16"),
    )
    assert load_company(folder).transactions["amount"].tolist() == [1.0]


def test_invalid_encoding(tmp_path: Path):
    assert load_error(company(tmp_path / "a", "transactions:\n  encoding: klingon\n")) == (
        "mapping.yml, table 'transactions': option encoding 'klingon' is not an encoding "
        "Python knows. Fix: write an encoding such as utf-8, cp1252 (Windows, Western "
        "Europe) or latin-1"
    )
    assert "is not a text encoding" in load_error(
        company(tmp_path / "b", "transactions:\n  encoding: base64\n")
    )


def test_wrong_encoding_for_the_file_names_the_row(tmp_path: Path):
    text = "customer_id,date,amount,note\nC1,2024-01-02,1,plain\nC2,2024-01-03,2,café\n"
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  encoding: utf-8\n",
        t__csv=text.encode("cp1252"),
    )
    assert load_error(folder) == (
        "t.csv, row 3: cannot be read as utf-8 (byte 0xe9 is not utf-8). Fix: correct the "
        "encoding in mapping.yml (e.g. cp1252 for Windows files), or leave it out to have it "
        "detected"
    )


# --- header and skip_rows --------------------------------------------------------------


def test_header_names_the_columns_of_a_file_without_one(tmp_path: Path):
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  header: [klant, datum, bedrag]\n"
        "  columns: {klant: customer_id, datum: date, bedrag: amount}\n",
        t__csv="C1,2024-01-02,10\nC2,2024-01-03,20\nC2,2024-01-04,bad\n",
    )
    # without a header row, the first record is spreadsheet row 1
    assert load_error(folder).startswith("t.csv, column 'amount', row 3: 1 value are not numbers")


def test_header_length_must_match_the_file(tmp_path: Path):
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  header: [customer_id, date]\n",
        t__csv="C1,2024-01-02,10\n",
    )
    assert load_error(folder) == (
        "t.csv, row 1: the file has 3 columns, but 'header' in mapping.yml names 2. "
        "Fix: list one name for each column under 'header:' in mapping.yml"
    )


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("false", "option header false leaves the columns without names"),
        ("[a, a]", "option header [a, a] names 'a' twice"),
        ("nope", "option header 'nope' is not true or a list of names"),
    ],
)
def test_invalid_header(tmp_path: Path, written: str, problem: str):
    message = load_error(company(tmp_path, f"transactions:\n  header: {written}\n"))
    assert message.startswith(f"mapping.yml, table 'transactions': {problem}. Fix: ")


def test_a_headerless_file_without_header_option_gets_a_hint(tmp_path: Path):
    folder = company(
        tmp_path, "transactions:\n  file: t.txt\n", t__txt="1 2024-01-02 10\n2 2024-01-03 20\n"
    )
    message = load_error(folder)
    assert "the first row looks like data, not a header" in message
    assert "list the column names under 'header:' in mapping.yml" in message


def test_skip_rows(tmp_path: Path):
    text = "Export of 2024-06-30\nShop: De Linde\ncustomer_id,date,amount\nC1,2024-01-02,10\nC1,2024-01-03,x\n"
    folder = company(tmp_path, "transactions:\n  file: t.csv\n  skip_rows: 2\n", t__csv=text)
    # two rows skipped, the header on row 3: the bad record is row 5
    assert load_error(folder).startswith("t.csv, column 'amount', row 5: 1 value are not numbers")
    folder = company(
        tmp_path / "ok",
        "transactions:\n  file: t.csv\n  skip_rows: 2\n",
        t__csv=text.replace("C1,2024-01-03,x\n", ""),
    )
    assert load_company(folder).transactions["amount"].tolist() == [10.0]


@pytest.mark.parametrize("written", ["-1", "two", "true", "1.5"])
def test_invalid_skip_rows(tmp_path: Path, written: str):
    message = load_error(company(tmp_path, f"transactions:\n  skip_rows: {written}\n"))
    assert message.startswith("mapping.yml, table 'transactions': option skip_rows ")
    assert message.endswith(
        "is not a number of rows. Fix: write the number of rows above the header (or the "
        "first record), e.g. skip_rows: 2"
    )


# --- date_format -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_format", "written", "expected"),
    [
        ("%Y%m%d", "19970101", "1997-01-01"),
        ("%m/%d/%y", "02/03/97", "1997-02-03"),  # month first, two-digit year
        ("%d.%m.%Y", "03.02.1997", "1997-02-03"),
    ],
)
def test_date_format(tmp_path: Path, date_format: str, written: str, expected: str):
    folder = company(
        tmp_path,
        f"transactions:\n  file: t.csv\n  date_format: '{date_format}'\n",
        t__csv=f"customer_id,date,amount\nC1,{written},1\n",
    )
    assert load_company(folder).transactions["date"].tolist() == [pd.Timestamp(expected)]


def test_values_not_in_the_date_format(tmp_path: Path):
    folder = company(
        tmp_path,
        "transactions:\n  file: t.csv\n  date_format: '%Y%m%d'\n",
        t__csv="customer_id,date,amount\nC1,19970101,1\nC1,1997-01-02,1\nC1,19971301,1\n",
    )
    assert load_error(folder) == (
        "t.csv, column 'date', rows 3, 4: 2 values are not dates in the format %Y%m%d that "
        "mapping.yml gives (e.g. '1997-01-02', '19971301'). Fix: correct the values, or the "
        "date_format in mapping.yml"
    )


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("'%Y-%m'", "option date_format '%Y-%m' does not give a whole date (year, month and day)"),
        ("yyyymmdd", "option date_format 'yyyymmdd' is not a date format"),
        ("'%Q%Y'", "option date_format '%Q%Y' is not a date format"),
    ],
)
def test_invalid_date_format(tmp_path: Path, written: str, problem: str):
    assert load_error(company(tmp_path, f"transactions:\n  date_format: {written}\n")) == (
        f"mapping.yml, table 'transactions': {problem}. Fix: write it with strftime codes, "
        "e.g. '%Y%m%d', '%d-%m-%Y' or '%m/%d/%y' (in quotes)"
    )


# --- sheet (XLSX) ----------------------------------------------------------------------


def test_sheet_header_and_skip_rows_in_excel(tmp_path: Path):
    path = tmp_path / "Verkopen.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Info", index=False)
        pd.DataFrame(
            [["Report 2024", None, None], ["C1", "2024-01-02", 10.0], ["C2", "2024-01-03", 2.5]]
        ).to_excel(writer, sheet_name="Blad2", index=False, header=False)
    folder = company(
        tmp_path,
        "transactions:\n  file: Verkopen.xlsx\n  sheet: Blad2\n  skip_rows: 1\n"
        "  header: [customer_id, date, amount]\n",
    )
    tx = load_company(folder).transactions
    assert tx["amount"].tolist() == [10.0, 2.5]
    assert tx["date"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]


@pytest.mark.parametrize("written", ["-1", "''", "[a]"])
def test_invalid_sheet(tmp_path: Path, written: str):
    message = load_error(company(tmp_path, f"transactions:\n  sheet: {written}\n"))
    assert message.startswith("mapping.yml, table 'transactions': option sheet ")
    assert message.endswith(
        "is not a sheet name or number. Fix: write the sheet's name (e.g. sheet: Blad1) or its "
        "position from 0"
    )


def test_options_that_do_not_apply_to_the_file(tmp_path: Path):
    csv = "customer_id,date,amount\nC1,2024-01-02,1\n"
    folder = company(tmp_path / "a", "transactions:\n  sheet: Blad1\n", transactions__csv=csv)
    assert load_error(folder) == (
        "mapping.yml, table 'transactions': option sheet does not apply to transactions.csv, "
        "which is a text file. Fix: remove 'sheet' from mapping.yml"
    )
    folder = company(tmp_path / "b", "transactions:\n  separator: ';'\n")
    pd.DataFrame({"customer_id": ["C1"], "date": ["2024-01-02"], "amount": [1.0]}).to_parquet(
        folder / "transactions.parquet"
    )
    assert "option separator does not apply to transactions.parquet, which is a Parquet file" in (
        load_error(folder)
    )


# --- the rest of the file --------------------------------------------------------------


def test_unknown_option(tmp_path: Path):
    assert load_error(company(tmp_path, "transactions:\n  sep: ';'\n")) == (
        "mapping.yml, table 'transactions': option 'sep' is not known. Fix: use only: file, "
        "columns, separator, decimal, thousands, encoding, header, skip_rows, date_format, "
        "sheet, currency, table, query"
    )


def test_invalid_currency(tmp_path: Path):
    assert load_error(company(tmp_path, "transactions:\n  currency: dollars\n")) == (
        "mapping.yml, table 'transactions': option currency 'dollars' is not an ISO 4217 "
        "currency code. Fix: write a three-letter code such as EUR, USD or GBP"
    )


def test_invalid_columns_and_file(tmp_path: Path):
    assert "option columns" in load_error(company(tmp_path / "a", "transactions:\n  columns: x\n"))
    assert "option file 12 is not a file name" in load_error(
        company(tmp_path / "b", "transactions:\n  file: 12\n")
    )


def test_no_mapping_is_no_options(tmp_path: Path):
    assert load_mapping(tmp_path / "mapping.yml") == {}

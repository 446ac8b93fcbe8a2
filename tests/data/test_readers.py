from pathlib import Path

import pandas as pd
import pytest

from crmlib.data.readers import detect_delimiter, detect_encoding, find_table_file, read_csv
from crmlib.errors import DataValidationError

DUTCH_EXCEL = "klantnr;datum;bedrag;naam\r\nC1;31-12-2025;1.234,50;Jan Peeters\r\nC2;01-02-2025;12,5;José Müller\r\n"


def test_encoding_detection():
    assert detect_encoding(b"\xef\xbb\xbfa;b") == "utf-8-sig"
    assert detect_encoding("é;ü".encode("cp1252")) == "cp1252"
    assert detect_encoding("é;ü".encode()) == "utf-8"
    assert detect_encoding("a;b".encode("utf-16")) == "utf-16"


def test_delimiter_detection():
    assert detect_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert detect_delimiter("a,b,c\n1,2.5,3\n") == ","
    assert detect_delimiter("a\tb\n1\t2\n") == "\t"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_dutch_excel_csv_reads_with_decimal_comma(tmp_path: Path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes(DUTCH_EXCEL.encode(encoding))
    raw = read_csv(path)
    assert raw.decimal == ","
    assert list(raw.frame.columns) == ["klantnr", "datum", "bedrag", "naam"]
    assert raw.frame["naam"].tolist() == ["Jan Peeters", "José Müller"]


def test_empty_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "transactions.csv"
    path.write_text("  \n")
    with pytest.raises(DataValidationError, match=r"^transactions.csv: the file is empty"):
        read_csv(path)


def test_duplicate_header_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "customers.csv"
    path.write_text("customer_id,name,name\n1,a,b\n")
    with pytest.raises(DataValidationError) as caught:
        read_csv(path)
    assert str(caught.value) == (
        "customers.csv, column 'name', row 1: the header names this column twice. "
        "Fix: rename or remove one of the two columns"
    )


def test_two_files_for_one_table_is_ambiguous(tmp_path: Path):
    (tmp_path / "customers.csv").write_text("customer_id\n1\n")
    (tmp_path / "customers.xlsx").write_bytes(b"")
    with pytest.raises(DataValidationError, match="several files could hold this table"):
        find_table_file(tmp_path, "customers")


def test_excel_and_parquet_tables(tmp_path: Path):
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "amount": [1.5, 2.0]})
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "b.parquet")
    from crmlib.data.readers import read_table_file

    assert read_table_file(tmp_path / "a.xlsx").frame["amount"].tolist() == [1.5, 2.0]
    assert read_table_file(tmp_path / "b.parquet").frame["customer_id"].tolist() == ["C1", "C2"]


def test_whitespace_separated_files_are_sniffed(tmp_path: Path):
    from crmlib.data.readers import WHITESPACE

    assert detect_delimiter(
        " 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n"
    ) == (WHITESPACE)
    # one column, or lines that split into different numbers of cells: not whitespace
    assert detect_delimiter("customer_id\nC1\nC2\n") != WHITESPACE
    assert detect_delimiter("name\nJan de Vries\nAn Maes\n") != WHITESPACE
    path = tmp_path / "t.txt"
    path.write_text(
        "customer_id  date        amount\nC1           2024-01-02  10.5\nC2  2024-01-03  4\n"
    )
    raw = read_csv(path)
    assert list(raw.frame.columns) == ["customer_id", "date", "amount"]
    assert raw.frame["amount"].tolist() == ["10.5", "4"]


def test_ragged_whitespace_rows_name_the_row(tmp_path: Path):
    path = tmp_path / "t.txt"
    path.write_text("customer_id date amount\nC1 2024-01-02 10\nC2 2024-01-03 4 extra\n")
    from crmlib.data.readers import WHITESPACE, FileLayout

    with pytest.raises(DataValidationError) as caught:
        read_csv(path, FileLayout(separator=WHITESPACE))
    assert str(caught.value) == (
        "t.txt, row 3: a row has 4 cells where the header has 3 (read with runs of spaces as "
        "separator). Fix: name the file's separator in mapping.yml (e.g. separator: ';'), or "
        "export with another separator"
    )


def test_header_rows_with_skip_and_given_names(tmp_path: Path):
    from crmlib.data.readers import FileLayout

    path = tmp_path / "t.csv"
    path.write_text("title\n\nC1,2024-01-02,1\n")
    raw = read_csv(path, FileLayout(skip_rows=2, header=("customer_id", "date", "amount")))
    assert raw.header_rows == 2
    assert raw.frame["customer_id"].tolist() == ["C1"]

"""Atomic, formula-safe CSV and XLSX export."""

from __future__ import annotations

import os

import numpy as np
import openpyxl
import pandas as pd
import pytest

from crmlib.errors import ParameterError
from crmlib.export import neutralize_cell, neutralize_formulas, write_table


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "name": [
                '=HYPERLINK("http://x","y")',
                "+32 50 12 34 56",
                "-12.5",
                "@SUM(A1)",
                "\tleading tab",
                "Janssens",
            ],
            "note": ["\rcarriage", "ok", None, "-", "＝1+1", "a=b"],
            "revenue": [-12.5, 0.0, 3.25, np.nan, 1e6, 7.0],
            "visits": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
            "is_ssc": [True, False, True, False, False, True],
            "first_purchase": pd.to_datetime(
                ["2024-01-01", "2024-02-01", None, "2024-03-01", "2024-04-01", "2024-05-01"]
            ),
        }
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1", "'＝1"),
        ("-12.5", "-12.5"),
        ("+32", "+32"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (5, 5),
        (None, None),
    ],
)
def test_neutralize_cell(cell, expected):
    assert neutralize_cell(cell) == expected


def test_neutralize_formulas_keeps_numbers_and_input(table):
    before = table.copy()
    safe = neutralize_formulas(table)
    assert safe.loc[0, "name"] == '\'=HYPERLINK("http://x","y")'
    assert safe.loc[1, "name"] == "'+32 50 12 34 56"
    assert safe.loc[2, "name"] == "-12.5"
    assert safe["revenue"].dtype == np.float64 and safe.loc[0, "revenue"] == -12.5
    pd.testing.assert_frame_equal(table, before)


def test_csv_is_safe_and_numbers_stay_numbers(table, tmp_path):
    path = write_table(table, tmp_path / "out" / "customers.csv")
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'\tleading tab" in text
    back = pd.read_csv(path)
    assert list(back.columns) == list(table.columns)  # a plain index is not written
    assert back["revenue"].iloc[0] == -12.5
    assert back["name"].iloc[2] == "-12.5"
    for cell in back.select_dtypes(exclude="number").stack():
        assert not str(cell).startswith(("=", "+", "@", "\t", "\r")) or str(cell) == "+32"


def test_xlsx_has_no_formulas(table, tmp_path):
    path = write_table(table, tmp_path / "customers.xlsx", sheet_name="segments")
    book = openpyxl.load_workbook(path)
    sheet = book["segments"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    assert '\'=HYPERLINK("http://x","y")' in values
    revenue = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert revenue[0] == -12.5 and isinstance(revenue[0], float)
    visits = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert visits[:3] == [1, None, 3]


def test_meaningful_index_is_written(tmp_path):
    indexed = pd.DataFrame(
        {"frequency": [1, 2]}, index=pd.Index(["=evil", "b"], name="customer_id")
    )
    back = pd.read_csv(write_table(indexed, tmp_path / "summary.csv"))
    assert list(back.columns) == ["customer_id", "frequency"]
    assert back["customer_id"].tolist() == ["'=evil", "b"]


def test_header_cells_are_neutralised(tmp_path):
    frame = pd.DataFrame({"=cmd": [1]})
    assert pd.read_csv(write_table(frame, tmp_path / "x.csv")).columns[0] == "'=cmd"


def test_time_zones_and_control_characters_in_xlsx(tmp_path):
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-01 10:00"]).tz_localize("Europe/Brussels"),
            "text": ["bell\x07 inside"],
        }
    )
    book = openpyxl.load_workbook(write_table(frame, tmp_path / "x.xlsx"))
    row = [cell.value for cell in book.active[2]]
    assert row[1] == "bell inside"
    assert row[0].hour == 9  # stored in UTC


def test_existing_file_is_replaced_whole_or_kept(table, tmp_path, monkeypatch):
    target = tmp_path / "customers.csv"
    target.write_text("old export\n")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        write_table(table, target)
    assert target.read_text() == "old export\n"
    assert os.listdir(tmp_path) == ["customers.csv"]  # no temporary file left behind


def test_unsupported_suffix_and_input(table, tmp_path):
    with pytest.raises(ParameterError, match=".csv or .xlsx"):
        write_table(table, tmp_path / "customers.json")
    with pytest.raises(ParameterError, match="DataFrame"):
        write_table([1, 2], tmp_path / "x.csv")


def test_separator_and_encoding(table, tmp_path):
    path = write_table(table.iloc[:1, :2], tmp_path / "x.csv", sep=";", encoding="utf-8-sig")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"customer_id;name" in raw

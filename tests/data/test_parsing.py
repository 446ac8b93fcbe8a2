import pandas as pd
import pytest

from crmlib.data.parsing import parse_booleans, parse_dates, parse_id, parse_integers, parse_numbers
from crmlib.errors import DataValidationError


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("1234.50", ".", 1234.5),
        ("1234,50", ",", 1234.5),
        ("1234,5", ".", 1234.5),  # a lone decimal comma is a decimal comma, whatever the file
        ("€ 1.234,50", ",", 1234.5),
        ("1.234,50", ".", 1234.5),  # both separators: the last one is the decimal
        ("1,234.50", ",", 1234.5),
        ("1.234", ",", 1234.0),  # thousands dot in a decimal-comma file
        ("1.234", ".", 1.234),
        ("-12,75", ",", -12.75),
        ("EUR 99", ".", 99.0),
    ],
)
def test_numbers_in_dutch_and_english_notation(raw, decimal, expected):
    parsed = parse_numbers(pd.Series([raw]), table="t.csv", column="amount", decimal=decimal)
    assert parsed.iloc[0] == pytest.approx(expected)


def test_numbers_error_names_table_column_rows_and_fix():
    values = pd.Series(["10", "abc", "12", "", "n/a"])
    with pytest.raises(DataValidationError) as caught:
        parse_numbers(values, table="transactions.csv", column="amount")
    assert str(caught.value) == (
        "transactions.csv, column 'amount', rows 3, 6: 2 values are not numbers "
        "(e.g. 'abc', 'n/a'). Fix: write plain numbers such as 1234.50 or 1234,50"
    )
    assert caught.value.rows == [3, 6]
    assert caught.value.column == "amount"


def test_blank_numbers_become_missing_not_zero():
    parsed = parse_numbers(pd.Series(["1", "", None]), table="t", column="c")
    assert parsed.iloc[0] == 1.0
    assert parsed.iloc[1:].isna().all()


def test_dates_dd_mm_yyyy_are_day_first():
    parsed = parse_dates(pd.Series(["01-02-2025", "31-12-2025"]), table="t", column="date")
    assert list(parsed) == [pd.Timestamp("2025-02-01"), pd.Timestamp("2025-12-31")]


@pytest.mark.parametrize("raw", ["2025-02-01", "01/02/2025", "01.02.2025", "2025-02-01 13:45:00"])
def test_dates_in_common_formats(raw):
    parsed = parse_dates(pd.Series([raw]), table="t", column="date")
    assert parsed.iloc[0].normalize() == pd.Timestamp("2025-02-01")


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["2025-12-31 14:05:00", "31-12-2025 23:59", "2025-12-30", ""]),
        pd.Series(
            pd.to_datetime(["2025-12-31 14:05", "2025-12-31 23:59", "2025-12-30 00:00", None])
        ),
        pd.Series(
            pd.to_datetime(["2025-12-31 14:05", "2025-12-31 23:59", "2025-12-30 00:00", None])
        ).dt.tz_localize("Europe/Amsterdam"),
    ],
    ids=["text", "timestamps", "with a time zone"],
)
def test_a_time_of_day_is_dropped_the_calendar_day_kept(values):
    # a sale at 14:05 on the observation end lies on that day, inside its window
    parsed = parse_dates(values, table="t", column="date")
    assert parsed.iloc[:3].tolist() == [
        pd.Timestamp("2025-12-31"),
        pd.Timestamp("2025-12-31"),
        pd.Timestamp("2025-12-30"),
    ]
    assert pd.isna(parsed.iloc[3]) and parsed.dtype == "datetime64[ns]"
    given = parse_dates(
        pd.Series(["2025-12-31 14:05"]), table="t", column="date", date_format="%Y-%m-%d %H:%M"
    )
    assert given.tolist() == [pd.Timestamp("2025-12-31")]


def test_unparseable_dates_name_rows():
    values = pd.Series(["2025-01-01", "2025-13-45", "yesterday"])
    with pytest.raises(DataValidationError) as caught:
        parse_dates(values, table="interactions.csv", column="date")
    message = str(caught.value)
    assert message.startswith("interactions.csv, column 'date', rows 3, 4: 2 values are not dates")
    assert "Fix: write dates as yyyy-mm-dd or dd-mm-yyyy" in message


def test_booleans_in_dutch_and_english():
    parsed = parse_booleans(pd.Series(["ja", "Nee", "TRUE", "0", ""]), table="t", column="c")
    assert parsed.tolist() == [True, False, True, False, pd.NA]


def test_bad_boolean_names_row():
    with pytest.raises(DataValidationError, match=r"row 3: 1 value are not yes/no|row 3: 1 value"):
        parse_booleans(pd.Series(["yes", "maybe"]), table="t", column="consent_marketing")


def test_ids_keep_leading_zeros_and_drop_spreadsheet_decimals():
    assert parse_id(pd.Series(["00123", " 7 "])).tolist() == ["00123", "7"]
    assert parse_id(pd.Series([5.0, 6.0])).tolist() == ["5", "6"]


def test_integers_reject_fractions():
    with pytest.raises(DataValidationError, match="not whole numbers"):
        parse_integers(pd.Series(["1", "2.5"]), table="t", column="quantity")


@pytest.mark.parametrize(
    ("raw", "decimal", "thousands", "expected"),
    [
        ("1.234.567,89", ",", ".", 1234567.89),
        ("1,234,567.89", ".", ",", 1234567.89),
        ("1'234.50", ".", "'", 1234.5),
        ("1 234,50", ",", " ", 1234.5),
        ("12,5", ",", "", 12.5),
        ("€ 1.234", ",", ".", 1234.0),
    ],
)
def test_numbers_with_given_separators(raw, decimal, thousands, expected):
    parsed = parse_numbers(
        pd.Series([raw]), table="t", column="amount", decimal=decimal, thousands=thousands
    )
    assert parsed.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "decimal", "thousands"),
    [("12.50", ",", "."), ("1,23", ".", ","), ("1.5", ",", ""), ("1.2345,6", ",", ".")],
)
def test_numbers_not_written_with_the_given_separators(raw, decimal, thousands):
    with pytest.raises(DataValidationError, match="are not numbers written with"):
        parse_numbers(
            pd.Series([raw]), table="t", column="amount", decimal=decimal, thousands=thousands
        )


def test_dates_with_a_given_format():
    parsed = parse_dates(
        pd.Series(["19970101", "", "19980630"]), table="t", column="date", date_format="%Y%m%d"
    )
    assert parsed.iloc[0] == pd.Timestamp("1997-01-01") and pd.isna(parsed.iloc[1])
    # dates read as numbers (a spreadsheet or Parquet column of 19970101)
    numbers = parse_dates(
        pd.Series([19970101.0, 19980630.0]), table="t", column="date", date_format="%Y%m%d"
    )
    assert numbers.tolist() == [pd.Timestamp("1997-01-01"), pd.Timestamp("1998-06-30")]
    with pytest.raises(DataValidationError, match="lie in the future"):
        parse_dates(pd.Series(["21000101"]), table="t", column="date", date_format="%Y%m%d")


@pytest.mark.parametrize(
    "edge",
    [" ", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\x0b", "\x85", "\u2028", "\n"],
)
@pytest.mark.parametrize("kind", ["str", "string", object])
def test_ids_and_text_are_trimmed_as_python_trims_them(edge, kind):
    from crmlib.data.parsing import parse_text

    values = pd.Series(["C1", f"{edge}C2", f"C3{edge}", edge, None, f"C{edge}4"], dtype=kind)
    expected = pd.Series([v.strip() if isinstance(v, str) else v for v in values], dtype="string")
    expected = expected.mask(expected.eq(""))
    for parse in (parse_id, parse_text):
        got = parse(values)
        assert got.isna().tolist() == expected.isna().tolist()
        assert got.dropna().tolist() == expected.dropna().tolist()


def test_text_without_edge_spaces_is_kept_as_it_is():
    values = pd.Series(["C1", "C 2", None, ""], dtype="str")
    got = parse_id(values)
    assert got.isna().tolist() == [False, False, True, True]
    assert got.dropna().tolist() == ["C1", "C 2"]

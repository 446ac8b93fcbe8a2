"""The summary CSV: one row per report, and no formulas for a spreadsheet to run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crmlib.batch.summary import SUMMARY_COLUMNS, neutralize, write_summary


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+31 20 123 4567", "'+31 20 123 4567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Tuincentrum De Linde", "Tuincentrum De Linde"),
        ("De Linde = top", "De Linde = top"),
        ("", ""),
    ],
)
def test_neutralize(text: str, shown: str):
    assert neutralize(text) == shown


def test_summary_rows_read_back_with_formulas_neutralised(tmp_path: Path):
    path = write_summary(
        [
            ("Tuincentrum De Linde", "01_idic", "rendered", 12.345, None),
            ('=HYPERLINK("http://evil.example","Café")', "01_idic", "failed", None, '-boom, "x"\n'),
            ("Groenrijk", "=cmd", "up to date", None, ""),
        ],
        tmp_path / "batch-summary.csv",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets read accents right
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == SUMMARY_COLUMNS
    assert rows[1] == ["Tuincentrum De Linde", "01_idic", "rendered", "12.3", ""]
    assert rows[2] == [
        '\'=HYPERLINK("http://evil.example","Café")',
        "01_idic",
        "failed",
        "",
        '\'-boom, "x"\n',
    ]
    assert rows[3] == ["Groenrijk", "'=cmd", "up to date", "", ""]
    assert [p.name for p in tmp_path.iterdir()] == ["batch-summary.csv"]

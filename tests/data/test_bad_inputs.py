"""The corpus of bad inputs in tests/data/corpus/: each case loads correctly or fails clearly.

Every folder holds a small company (customers and transactions, sometimes more) as a
real export might send it, and ``expected.yml`` with the outcome:

- ``outcome: loads`` with checks on rows, sums, values or text lengths, or
- ``outcome: error`` with the exact one-line message (``message``) or its start
  (``message_starts``), which names the file, the column, the rows and the fix.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from crmlib.data.company import load_company
from crmlib.errors import DataValidationError

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.yml").exists())


def column(company, dotted: str) -> pd.Series:
    table, name = dotted.split(".")
    return getattr(company, table)[name]


def test_corpus_is_there():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path):
    expected = yaml.safe_load((case / "expected.yml").read_text(encoding="utf-8"))
    if expected["outcome"] == "error":
        with pytest.raises(DataValidationError) as caught:
            load_company(case)
        message = str(caught.value)
        assert "\n" not in message
        if "message" in expected:
            assert message == expected["message"]
        else:
            assert message.startswith(expected["message_starts"]), message
        return
    company = load_company(case)
    for table, rows in expected.get("rows", {}).items():
        assert len(getattr(company, table)) == rows
    for dotted, total in expected.get("sum", {}).items():
        assert column(company, dotted).sum() == pytest.approx(total)
    for dotted, values in expected.get("values", {}).items():
        actual = column(company, dotted)
        if pd.api.types.is_datetime64_any_dtype(actual):
            actual = actual.dt.strftime("%Y-%m-%d")
        assert actual.tolist() == values
    for dotted, length in expected.get("length", {}).items():
        assert column(company, dotted).str.len().max() == length

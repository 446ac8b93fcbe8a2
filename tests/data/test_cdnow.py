"""data/cdnow as a user would make it: the original CDNOW_sample.txt and a mapping.yml.

The counts and sums are the file's own (``wc -l`` and a sum of the fifth column), and
the first and last lines are checked as written in the file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmlib.data.company import load_company

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"


@pytest.fixture(scope="module")
def cdnow():
    return load_company(CDNOW)


def test_the_folder_holds_only_the_export_and_its_mapping():
    files = sorted(p.name for p in CDNOW.iterdir() if p.is_file())
    assert files == ["CDNOW_sample.txt", "README.md", "mapping.yml"]


def test_customers_come_from_the_transactions(cdnow):
    assert cdnow.customers_derived
    assert len(cdnow.customers) == 2357
    assert cdnow.customers["customer_id"].iloc[[0, -1]].tolist() == ["0001", "2357"]
    assert cdnow.customers["customer_id"].is_unique


def test_transactions_as_written(cdnow):
    tx = cdnow.transactions
    assert len(tx) == 6919
    # first line: " 00004 0001 19970101  2   29.33"; last: " 23569 2357 19970325  2   25.74"
    first, last = tx.iloc[0], tx.iloc[-1]
    assert (first["master_id"], first["customer_id"]) == ("00004", "0001")
    assert first["date"] == pd.Timestamp("1997-01-01")
    assert (first["quantity"], first["amount"]) == (2.0, 29.33)
    assert (last["customer_id"], last["date"]) == ("2357", pd.Timestamp("1997-03-25"))
    assert last["amount"] == 25.74
    assert tx["amount"].sum() == pytest.approx(244091.94, abs=0.005)
    assert tx["quantity"].sum() == 16479
    assert tx["date"].min() == pd.Timestamp("1997-01-01")
    assert tx["date"].max() == pd.Timestamp("1998-06-30")


def test_company_settings(cdnow):
    assert cdnow.currency == "USD"
    assert cdnow.observation_end == pd.Timestamp("1998-06-30")


def test_first_purchases_are_in_the_first_quarter_of_1997(cdnow):
    # the sample is a cohort of first-time buyers of 1997 Q1 (Fader & Hardie)
    first = cdnow.transactions.groupby("customer_id")["date"].min()
    assert first.max() <= pd.Timestamp("1997-03-31")


def test_the_readme_shows_this_mapping():
    import re

    import yaml

    readme = (CDNOW.parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)]
    mapping = yaml.safe_load((CDNOW / "mapping.yml").read_text(encoding="utf-8"))
    assert mapping in blocks

from pathlib import Path

import pandas as pd
import pytest

from crmlib.analytics.data_support import (
    ANALYSES,
    data_support,
    support_share,
    table_quality,
)
from crmlib.data.company import load_company


@pytest.fixture
def small(tmp_path: Path):
    """Four customers (one a probable duplicate), half without e-mail, two years of sales."""
    (tmp_path / "customers.csv").write_text(
        "customer_id,name,postcode,email,consent_marketing\n"
        "A,An Peeters,8000,an@x.be,yes\n"
        "B,an peeters,8000,,no\n"
        "C,Bart Claes,9000,bart@x.be,yes\n"
        "D,Dirk Maes,9000,,\n"
    )
    rows = ["A,2023-01-02,10", "A,2023-06-01,20", "B,2024-03-01,5", "C,2024-12-01,7"]
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n")
    return load_company(tmp_path, observation_end="2024-12-31")


def test_each_analysis_says_what_it_needs(small):
    support = data_support(small).set_index("analysis")
    assert list(support.index) == [a.name for a in ANALYSES]
    assert support.loc["Value concentration (20/80, SSCs)", "available"] == "yes"
    tiers = support.loc["Value tiers and categories (MVC, MGC, BZ)"]
    assert tiers["available"] == "no"
    assert "cost" in tiers["what_to_add"]
    assert support.loc["Cost to serve", "found"] == "no interactions table; no channels table"
    # 24 months of history up to the observation end (2 Jan 2023 to 31 Dec 2024)
    assert support.loc["Year-on-year KPIs and retention", "available"] == "yes"
    assert support.loc["Year-on-year KPIs and retention", "what_to_add"] == ""
    # two of four customers have an e-mail (partly); consent is recorded for three of four
    reach = support.loc["Reachable customers"]
    assert reach["available"] == "partly"
    assert "customers.email filled for 50%" in reach["found"]
    # one repeat buyer: the forecast can run only partly
    assert support.loc["Predictive lifetime value (BG/NBD, Gamma-Gamma)", "available"] == "partly"
    assert support.loc["Acquisition versus retention cost", "available"] == "no"


def test_support_share_counts_partly_as_half():
    frame = pd.DataFrame({"available": ["yes", "partly", "no", "yes"]})
    assert support_share(frame) == pytest.approx((1 + 0.5 + 0 + 1) / 4)


def test_table_quality_names_the_weak_spots(small):
    quality = table_quality(small)
    customers = quality.loc["customers"]
    assert customers["rows"] == 4
    assert customers["weakest_column"] == "email"
    assert customers["weakest_fill"] == pytest.approx(0.5)
    # 5 columns; email 2/4 and consent 3/4 filled, the rest full
    assert customers["completeness"] == pytest.approx((3 + 0.5 + 0.75) / 5)
    assert customers["issues"] == "2 records in 1 probable duplicate groups"
    assert quality.loc["transactions", "issues"] == ""


def test_the_sample_supports_all_but_acquisition_spend(sample_dir):
    support = data_support(load_company(sample_dir))
    missing = support[support["available"] != "yes"]
    assert list(missing["analysis"]) == ["Acquisition versus retention cost"]
    quality = table_quality(load_company(sample_dir))
    raw = pd.read_csv(sample_dir / "customers.csv", dtype=str)
    assert quality.loc["customers", "weakest_column"] == raw.notna().mean().idxmin()


def test_repeat_buyers_are_customers_with_lines_on_two_days(sample_dir):
    # the data-support check reads the customer picture's days per customer
    from crmlib.analytics.profile import days_per_customer

    def customers_on_two_days(frame):
        return int((days_per_customer(frame) >= 2).sum())

    def in_pandas(frame):
        return int((frame.groupby("customer_id")["date"].nunique() >= 2).sum())

    tx = load_company(sample_dir).transactions
    assert customers_on_two_days(tx) == in_pandas(tx) > 1000
    cdnow = load_company(Path(__file__).resolve().parents[2] / "data" / "cdnow").transactions
    assert customers_on_two_days(cdnow) == in_pandas(cdnow) > 1000
    # a customer missing, a date missing, two lines on one day
    hand = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", None, None],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-01",
                    None,
                    "2024-01-01",
                    "2024-02-01",
                    "2024-01-01",
                    "2024-03-01",
                ]
            ),
        }
    )
    assert customers_on_two_days(hand) == in_pandas(hand) == 1

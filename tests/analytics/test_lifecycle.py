import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.lifecycle import acquisition, cohort_retention, penetration, period_retention
from crmlib.errors import ParameterError


@pytest.fixture
def transactions():
    rows = [
        ("A", "2024-01-10", "P1", "store", False),
        ("A", "2024-04-10", "P2", "store", False),
        ("A", "2024-07-10", "P1", "webshop", False),
        ("B", "2024-01-20", "P2", "webshop", False),
        ("B", "2024-02-01", "P2", "webshop", True),  # a return is not a visit
        ("C", "2024-04-05", "P1", "store", False),
        ("C", "2024-07-05", "P3", "store", False),
    ]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "date", "product_id", "channel", "is_return"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture
def products():
    return pd.DataFrame(
        {"product_id": ["P1", "P2", "P3"], "category": ["plants", "tools", "plants"]}
    )


def test_acquisition_by_first_channel(transactions, products):
    table = acquisition(transactions, products, freq="Q")
    assert table.loc["2024-01-01", "store"] == 1 and table.loc["2024-01-01", "webshop"] == 1
    assert table.loc["2024-04-01", "store"] == 1
    by_category = acquisition(transactions, products, freq="Q", by="first_category")
    assert by_category.loc["2024-01-01"].to_dict() == {"plants": 1, "tools": 1}


def test_cohort_table_by_hand(transactions):
    table = cohort_retention(transactions, "Q", end="2024-09-30")
    # cohort 2024Q1: A and B; A buys in Q2 and Q3, B never again
    assert table.loc["2024Q1", "cohort_size"] == 2
    assert table.loc["2024Q1", [0, 1, 2]].tolist() == [1.0, 0.5, 0.5]
    # cohort 2024Q2: C, who buys again in Q3; period 2 lies beyond the data: NaN, not 0
    assert table.loc["2024Q2", 1] == 1.0
    assert np.isnan(table.loc["2024Q2", 2])


def test_period_retention_by_hand(transactions):
    table = period_retention(transactions, "Q", segments=pd.Series({"A": "x", "B": "y", "C": "y"}))
    # Q1 {A,B} -> Q2 {A,C}: 1 of 2 retained; Q2 {A,C} -> Q3 {A,C}: 2 of 2
    assert table["retention_rate"].tolist() == [0.5, 1.0]
    assert table.loc["2024Q2", "retention_rate_y"] == 0.0
    assert table.loc["2024Q3", "retention_rate_y"] == 1.0


def test_penetration_by_hand(transactions, products):
    result = penetration(transactions, products)
    assert result["per_customer"].loc["A", "categories"] == 2
    summary = result["summary"].loc["all"]
    assert summary["buyers"] == 3 and summary["cross_sell_rate"] == pytest.approx(1 / 3)
    assert result["category_penetration"].loc["all", "plants"] == pytest.approx(2 / 3)


def test_unknown_period():
    with pytest.raises(ParameterError, match="period 'W' is not one of"):
        acquisition(pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])}), freq="W")

from pathlib import Path

import pandas as pd
import pytest

from crmlib.data.company import load_company
from crmlib.data.quality import (
    column_completeness,
    customer_revenue,
    monthly_activity,
    table_overview,
)


@pytest.fixture
def company(tmp_path: Path):
    (tmp_path / "customers.csv").write_text(
        "customer_id,name,phone\nC1,An,\nC2,Bert,0471\nC3,Cas,\n"
    )
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,amount\nC1,2024-01-15,10\nC1,2024-02-01,20\nC2,2024-02-10,5\n"
    )
    return load_company(tmp_path)


def test_table_overview(company):
    overview = table_overview(company)
    assert overview.loc["transactions", "rows"] == 3
    assert overview.loc["transactions", "first_date"] == pd.Timestamp("2024-01-15")
    assert overview.loc["transactions", "last_date"] == pd.Timestamp("2024-02-10")
    # customers: 9 cells, 2 empty phones
    assert overview.loc["customers", "completeness"] == pytest.approx(7 / 9)


def test_column_completeness(company):
    columns = column_completeness(company).set_index(["table", "column"])
    assert columns.loc[("customers", "phone"), "completeness"] == pytest.approx(1 / 3)
    assert columns.loc[("customers", "name"), "completeness"] == 1.0


def test_monthly_activity_and_revenue(company):
    activity = monthly_activity(company)
    assert activity.loc["2024-02-01", "revenue"] == 25
    assert activity.loc["2024-02-01", "active_customers"] == 2
    revenue = customer_revenue(company)
    assert revenue.to_dict() == {"C1": 30.0, "C2": 5.0, "C3": 0.0}


def test_revenue_is_kept_per_observation_end_and_never_shared_for_changing(company):
    from dataclasses import replace

    first = customer_revenue(company)
    first.loc["C1"] = -1.0  # a caller's change stays with the caller
    assert customer_revenue(company).to_dict() == {"C1": 30.0, "C2": 5.0, "C3": 0.0}
    earlier = replace(company, observation_end=pd.Timestamp("2024-01-31"))
    assert customer_revenue(earlier).to_dict() == {"C1": 10.0, "C2": 0.0, "C3": 0.0}
    assert customer_revenue(company)["C1"] == 30.0

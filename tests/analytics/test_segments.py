"""The per-customer export table behind `crm-workbook segments`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.segments import SEGMENT_COLUMNS, customer_segments
from crmlib.errors import MissingDataError, ParameterError


def _company(seed: int = 4, n: int = 250) -> dict[str, pd.DataFrame]:
    """A small company whose customers buy and drop out as BG/NBD assumes."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(n):
        customer = f"K{number:04d}"
        start = int(rng.integers(0, 500))
        rate = rng.gamma(2.0, 1 / 60)  # purchases a day while active
        life = rng.exponential(400)
        day = float(start)
        while day <= min(start + life, 729):
            rows.append(
                (customer, int(day), float(np.round(rng.gamma(3, 15), 2)), f"P{rng.integers(3)}")
            )
            day += rng.exponential(1 / rate)
    tx = pd.DataFrame(rows, columns=["customer_id", "day", "amount", "product_id"])
    tx["date"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(tx.pop("day"), unit="D")
    tx["cost"] = np.where(rng.random(len(tx)) < 0.5, tx["amount"] * 0.6, np.nan)
    products = pd.DataFrame({"product_id": ["P0", "P1", "P2"], "margin_rate": [0.3, 0.4, 0.5]})
    channels = pd.DataFrame({"channel": ["phone", "e-mail"], "cost_per_contact": [7.0, 1.0]})
    contacts = 600
    interactions = pd.DataFrame(
        {
            "customer_id": rng.choice([f"K{i:04d}" for i in range(n + 10)], contacts),
            "date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 730, contacts), unit="D"),
            "channel": rng.choice(["phone", "e-mail"], contacts),
        }
    )
    customers = pd.DataFrame({"customer_id": [f"K{i:04d}" for i in range(n + 10)]})
    return {
        "transactions": tx,
        "customers": customers,
        "interactions": interactions,
        "channels": channels,
        "products": products,
    }


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    return _company()


@pytest.fixture(scope="module")
def table(company) -> pd.DataFrame:
    return customer_segments(**company, observation_end="2024-12-31")


def test_one_row_per_customer_with_the_documented_columns(company, table):
    assert list(table.columns) == list(SEGMENT_COLUMNS)
    assert table["customer_id"].is_unique
    assert len(table) == len(company["customers"])
    assert table["customer_id"].is_monotonic_increasing
    assert table.attrs["observation_end"] == "2024-12-31"


def test_customers_without_purchases_get_a_row(company, table):
    bought = set(company["transactions"]["customer_id"])
    idle = table[~table["customer_id"].isin(bought)]
    assert len(idle) > 0
    assert (idle["rfm_segment"] == "no purchase").all()
    assert idle["r_score"].isna().all() and (idle["revenue"] == 0).all()
    # their recent contacts still cost money: below zero when they had any
    assert (idle["current_value"] <= 0).all()
    assert (idle.loc[idle["current_value"] < 0, "value_category"] == "BZ").all()
    assert (idle["value_category"] == "BZ").any()


def test_values_add_up(company, table):
    indexed = table.set_index("customer_id")
    revenue = company["transactions"].groupby("customer_id")["amount"].sum()
    np.testing.assert_allclose(indexed.loc[revenue.index, "revenue"], revenue.round(2), atol=0.011)
    np.testing.assert_allclose(
        indexed["profit"], indexed["gross_margin"] - indexed["cost_to_serve"], atol=0.011
    )
    assert indexed["n_contacts"].sum() == len(company["interactions"])


def test_forecasts_are_filled_for_buyers(table):
    buyers = table[table["rfm_segment"] != "no purchase"]
    assert buyers["expected_purchases"].notna().all()
    assert buyers["probability_alive"].between(0, 1).all()
    assert (buyers["clv"].dropna() >= 0).all()
    assert buyers["clv"].notna().mean() > 0.9


def test_categories_tiers_and_ssc(table):
    assert set(table["value_category"]) <= {"MVC", "MGC", "BZ", "other"}
    assert (table.loc[table["current_value"] < 0, "value_category"] == "BZ").all()
    mvc = table[table["value_category"] == "MVC"]
    assert len(mvc) == pytest.approx(0.2 * len(table), abs=3)
    ssc = table[table["is_ssc"]]
    assert ssc["current_value"].min() >= table.loc[~table["is_ssc"], "current_value"].max()
    assert set(table["value_tier"].astype(str)) <= {"platinum", "gold", "silver", "bronze"}
    # growth is gross against gross: the expected margin against the past gross margin
    # of the same months, not against the profit after cost to serve
    assert not np.allclose(
        table["growth_potential"].dropna(), (table["clv"] - table["current_value"]).dropna()
    )
    assert (table["growth_potential"].dropna() <= table["clv"].dropna() + 0.011).all()


def test_settings_change_the_result(company):
    wide = customer_segments(
        **company, observation_end="2024-12-31", ssc_share=0.5, rfm_bins=3, horizon_months=6
    )
    assert wide["is_ssc"].mean() > 0.3
    assert wide["r_score"].max() == 3
    assert wide.attrs["horizon_months"] == 6


def test_works_without_optional_tables(company):
    tx = company["transactions"].dropna(subset=["cost"])
    with pytest.warns(UserWarning, match="cost to serve not measured"):
        result = customer_segments(tx)
    assert (result["cost_to_serve"] == 0).all()
    assert result.attrs["notes"]


@pytest.mark.filterwarnings("ignore:cost to serve not measured")
def test_unfittable_models_leave_forecasts_empty_and_say_why():
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(30)],
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(30), unit="D"),
            "amount": np.linspace(10, 100, 30),
            "cost": np.linspace(5, 50, 30),
        }
    )
    with pytest.warns(UserWarning, match="no purchase forecast"):
        result = customer_segments(tx)
    assert result["clv"].isna().all()
    assert (result["value_category"] != "MGC").all()
    assert result["rfm_segment"].notna().all()


def test_sample_company(small_company_dir):
    from crmlib.data.company import load_company

    company = load_company(small_company_dir)
    result = customer_segments(
        company.transactions,
        company.customers,
        company.interactions,
        company.channels,
        company.products,
        observation_end=company.observation_end,
    )
    assert len(result) == len(company.customers)
    assert result["clv"].notna().sum() > 0.5 * len(result)
    assert {"MVC", "MGC", "BZ"} <= set(result["value_category"])


def test_bad_input(company):
    with pytest.raises(MissingDataError, match="amount"):
        customer_segments(company["transactions"].drop(columns="amount"))
    with pytest.raises(ParameterError, match="horizon_months"):
        customer_segments(company["transactions"], horizon_months=0)
    with pytest.raises(ParameterError, match="empty"):
        customer_segments(company["transactions"].iloc[:0])

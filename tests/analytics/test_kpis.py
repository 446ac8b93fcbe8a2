import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.kpis import (
    KPIS,
    Standard,
    contact_costs,
    default_standards,
    kpi_history,
    period_windows,
    scorecard,
)
from crmlib.analytics.lifecycle.cohorts import period_retention
from crmlib.data.company import load_company
from crmlib.errors import MissingDataError, ParameterError


@pytest.fixture
def tables():
    """Two calendar years: A and B buy in 2023; A (with a return) and C in 2024."""
    transactions = pd.DataFrame(
        {
            "customer_id": ["A", "B", "A", "C", "A"],
            "date": pd.to_datetime(
                ["2023-01-05", "2023-06-01", "2024-03-01", "2024-05-01", "2024-05-10"]
            ),
            "amount": [100.0, 50.0, 150.0, 30.0, -20.0],
            "cost": [60.0, 30.0, 90.0, 20.0, -12.0],
            "is_return": [False, False, False, False, True],
        }
    )
    interactions = pd.DataFrame(
        {
            "customer_id": ["B", "A", "C"],
            "date": pd.to_datetime(["2023-07-01", "2024-02-01", "2024-06-01"]),
            "channel": ["store", "store", "webshop"],
            "satisfaction": [5.0, 4.0, 2.0],
            "resolved": pd.array([True, True, False], dtype="boolean"),
        }
    )
    channels = pd.DataFrame({"channel": ["store", "webshop"], "cost_per_contact": [8.0, 0.4]})
    campaigns = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "sent_date": pd.to_datetime(["2024-04-01"] * 3),
            "responded": pd.array([True, False, False], dtype="boolean"),
        }
    )
    return transactions, interactions, channels, campaigns


def test_periods_are_calendar_years_when_they_align():
    windows = period_windows("2023-01-05", "2024-12-31")
    assert list(windows["label"]) == ["2023", "2024"]
    assert windows["start"].iloc[0] == pd.Timestamp("2022-12-31")
    # the data starts two weeks into 2023: that year is not a full period
    assert list(period_windows("2023-01-15", "2024-12-31")["label"]) == ["2024"]
    shifted = period_windows("2022-01-01", "2025-06-30")
    assert list(shifted["label"]) == ["Jul 2022-Jun 2023", "Jul 2023-Jun 2024", "Jul 2024-Jun 2025"]


def test_kpis_by_hand(tables):
    transactions, interactions, channels, campaigns = tables
    history = kpi_history(
        transactions,
        end="2024-12-31",
        interactions=interactions,
        channels=channels,
        campaigns=campaigns,
    )
    first, last = history.loc["2023"], history.loc["2024"]
    assert first["revenue"] == 150 and first["active_customers"] == 2
    assert np.isnan(first["retention_rate"]) and np.isnan(first["new_customers"])
    # 2024: 150 + 30 - 20; margin 60 + 10 - 8; buyers A and C (a return is not a purchase)
    assert last["revenue"] == pytest.approx(160)
    assert last["gross_margin"] == pytest.approx(62)
    assert last["active_customers"] == 2
    assert last["new_customers"] == 1  # C
    assert last["retention_rate"] == pytest.approx(0.5)  # A of {A, B}
    assert last["margin_per_customer"] == pytest.approx(31)
    assert last["cost_to_serve"] == pytest.approx(8.4)
    assert last["cost_to_serve_share"] == pytest.approx(8.4 / 62)
    assert last["satisfaction"] == pytest.approx(3.0)
    assert last["resolution_rate"] == pytest.approx(0.5)
    assert last["campaign_response_rate"] == pytest.approx(1 / 3)
    assert np.isnan(first["campaign_response_rate"])
    assert list(history.columns) == list(KPIS)


def test_kpis_by_hand_with_an_undated_line_and_a_line_without_customer(tables):
    transactions = tables[0]
    extra = pd.DataFrame(
        {
            "customer_id": [None, "D"],
            "date": pd.to_datetime(["2024-07-01", None]),
            "amount": [40.0, 999.0],
            "cost": [25.0, 1.0],
            "is_return": [False, False],
        }
    )
    lines = pd.concat([transactions, extra], ignore_index=True)
    history = kpi_history(lines, end="2024-12-31")
    last = history.loc["2024"]
    # the undated line counts nowhere; the line without a customer adds its revenue and
    # one buyer (somebody bought), but no new customer: nobody can be recognised in it
    assert last["revenue"] == pytest.approx(200)
    assert last["gross_margin"] == pytest.approx(77)
    assert last["active_customers"] == 3
    assert last["new_customers"] == 1  # C
    assert last["retention_rate"] == pytest.approx(0.5)


def test_kpis_without_costs_or_contacts_are_missing(tables):
    transactions = tables[0].drop(columns="cost")
    history = kpi_history(transactions, end="2024-12-31")
    assert history["gross_margin"].isna().all()
    assert history["satisfaction"].isna().all()
    assert history.loc["2024", "revenue"] == pytest.approx(160)


def test_kpis_need_a_whole_period(tables):
    with pytest.raises(MissingDataError, match="at least 12 months"):
        kpi_history(tables[0], end="2023-06-30")


def test_scorecard_compares_the_last_two_periods(tables):
    transactions, interactions, channels, _ = tables
    history = kpi_history(
        transactions, end="2024-12-31", interactions=interactions, channels=channels
    )
    card = scorecard(history, default_standards(growth_goal=0.05, retention_standard=0.65))
    assert card.attrs["periods"] == ("2023", "2024")
    revenue = card.loc["revenue"]
    assert revenue["change"] == pytest.approx(10)
    assert revenue["relative_change"] == pytest.approx(10 / 150)
    assert revenue["direction"] == "up" and bool(revenue["better"])
    assert bool(revenue["meets"])  # 6.7% growth against a goal of 5%
    assert revenue["standard"] == "growth at least 5.0%"
    assert not bool(card.loc["retention_rate", "meets"])  # 50% against 65%
    satisfaction = card.loc["satisfaction"]
    assert satisfaction["direction"] == "down" and not bool(satisfaction["better"])
    assert not bool(satisfaction["meets"])  # 3.0 against 4.0
    # the cost to serve rose: bad news
    assert card.loc["cost_to_serve", "direction"] == "up"
    assert not bool(card.loc["cost_to_serve", "better"])
    assert pd.isna(card.loc["active_customers", "meets"])  # no standard: trend only
    # KPIs not measured in the later period are left out
    assert "campaign_response_rate" not in card.index


def test_flat_changes_are_neither_better_nor_worse():
    history = pd.DataFrame(
        {"revenue": [100.0, 100.2], "retention_rate": [0.5, 0.6]}, index=["2023", "2024"]
    )
    card = scorecard(history)
    assert card.loc["revenue", "direction"] == "flat"
    assert pd.isna(card.loc["revenue", "better"])
    assert card.loc["retention_rate", "direction"] == "up"


def test_standards_are_checked():
    assert Standard("retention_rate", "at least", 0.6).met(None, 0.59) is False
    assert Standard("cost_to_serve_share", "at most", 0.1).met(None, 0.1) is True
    assert Standard("revenue", "growth at least", 0.05).met(100, 104) is False
    assert Standard("revenue", "growth at least", 0.05).met(np.nan, 104) is None
    with pytest.raises(ParameterError, match="not a KPI"):
        Standard("happiness", "at least", 1)
    with pytest.raises(ParameterError, match="kind"):
        Standard("revenue", "exactly", 1)
    with pytest.raises(ParameterError, match="between 0 and 1"):
        default_standards(retention_standard=65)
    with pytest.raises(ParameterError, match="two standards"):
        scorecard(
            pd.DataFrame({"revenue": [1.0, 2.0]}),
            [Standard("revenue", "at least", 1), Standard("revenue", "at most", 3)],
        )


def test_contact_costs_follow_the_channel():
    contacts = pd.DataFrame({"channel": ["store ", "webshop", "fax"]})
    channels = pd.DataFrame({"channel": ["store", "webshop"], "cost_per_contact": [8.0, 0.4]})
    costs = contact_costs(contacts, channels)
    assert costs.iloc[:2].tolist() == [8.0, 0.4]
    assert np.isnan(costs.iloc[2])


def test_sample_kpis_agree_with_the_lifecycle_and_the_files(sample_dir):
    company = load_company(sample_dir)
    history = kpi_history(
        company.transactions,
        end=company.observation_end,
        products=company.products,
        interactions=company.interactions,
        channels=company.channels,
    )
    assert list(history.index) == ["2022", "2023", "2024", "2025"]
    retention = period_retention(company.transactions, "Y")["retention_rate"]
    assert history.loc["2025", "retention_rate"] == pytest.approx(retention["2025"])
    raw = pd.read_csv(sample_dir / "transactions.csv", parse_dates=["date"])
    in_2025 = raw[raw["date"].dt.year == 2025]
    assert history.loc["2025", "revenue"] == pytest.approx(in_2025["amount"].sum())
    assert history.loc["2025", "gross_margin"] == pytest.approx(
        (in_2025["amount"] - in_2025["cost"]).sum()
    )


def test_kpis_serve_payne_and_frows_shareholder_results():
    from crmlib.analytics.kpis import RESULTS, Kpi

    assert RESULTS == ("employee value", "customer value", "shareholder value", "cost reduction")
    assert {k.result for k in KPIS.values()} == set(RESULTS) - {"employee value"}
    assert KPIS["satisfaction"].result == "customer value"
    assert KPIS["new_customers"].measure == "acquisition"
    with pytest.raises(ValueError, match="not one of"):
        Kpi("x", "X", "retention", "share")

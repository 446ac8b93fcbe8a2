"""Predictive CLV (BG/NBD + Gamma-Gamma) and the textbook retention CLV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlib
from crmlib.analytics import clv
from crmlib.errors import ModelFitError, ParameterError

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    frame = pd.read_csv(
        CDNOW / "reference" / "cdnow_customers_summary_with_transactions.csv", index_col="ID"
    )
    return frame.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def bg(cdnow) -> crmlib.BetaGeoModel:
    return crmlib.BetaGeoModel().fit(cdnow)


def test_clv_module_exports_the_models():
    assert clv.BetaGeoModel is crmlib.BetaGeoModel
    assert clv.GammaGammaModel is crmlib.GammaGammaModel


def test_customer_lifetime_value_table(cdnow, bg):
    table = clv.customer_lifetime_value(bg, cdnow, horizon_months=12, discount_rate_monthly=0.01)
    assert list(table.columns) == [
        "expected_purchases",
        "probability_alive",
        "expected_average_value",
        "clv",
    ]
    assert table.index.equals(cdnow.index)
    # lifetimes' value for customer 1 (12 months, 1 % a month, 4.345 weeks a month) is
    # 36.278; the calendar month of 4.348 weeks adds a hair
    assert table.loc[1, "clv"] == pytest.approx(36.278496, rel=2e-3)
    undiscounted = clv.customer_lifetime_value(
        bg, cdnow, horizon_months=12, discount_rate_monthly=0
    )
    assert (undiscounted["clv"] >= table["clv"]).all()
    np.testing.assert_allclose(
        undiscounted["clv"],
        table["expected_purchases"] * table["expected_average_value"],
        rtol=1e-9,
    )


def test_margin_rate_scales_clv(cdnow, bg):
    gg = crmlib.GammaGammaModel().fit(cdnow)
    revenue = clv.customer_lifetime_value(bg, cdnow, gg=gg)
    margin = clv.customer_lifetime_value(bg, cdnow, gg=gg, margin_rate=0.3)
    np.testing.assert_allclose(margin["clv"], 0.3 * revenue["clv"])
    per_customer = pd.Series(0.5, index=cdnow.index)
    assert clv.customer_lifetime_value(bg, cdnow, gg=gg, margin_rate=per_customer)["clv"].sum() == (
        pytest.approx(0.5 * revenue["clv"].sum())
    )
    with pytest.raises(ParameterError, match="margin_rate"):
        clv.customer_lifetime_value(bg, cdnow, gg=gg, margin_rate=per_customer.iloc[:5])


def test_longer_horizon_never_lowers_clv(cdnow, bg):
    gg = crmlib.GammaGammaModel().fit(cdnow)
    short = clv.customer_lifetime_value(bg, cdnow.head(100), gg=gg, horizon_months=6)
    long = clv.customer_lifetime_value(bg, cdnow.head(100), gg=gg, horizon_months=24)
    assert (long["clv"] >= short["clv"]).all()
    assert (long["clv"] > short["clv"]).any()


def test_no_repeat_buyers_cannot_give_a_clv(bg):
    summary = pd.DataFrame(
        {"frequency": [0, 0], "recency": [0.0, 0.0], "T": [5.0, 6.0], "monetary_value": [0.0, 0.0]}
    )
    with pytest.raises(ModelFitError, match="repeat"):
        clv.customer_lifetime_value(bg, summary)


def test_bad_horizon(cdnow, bg):
    with pytest.raises(ParameterError, match="horizon_months"):
        clv.customer_lifetime_value(bg, cdnow, horizon_months=-1)
    with pytest.raises(ParameterError, match="discount_rate_monthly"):
        clv.customer_lifetime_value(bg, cdnow, discount_rate_monthly=-2)


def test_retention_clv_is_the_textbook_formula():
    # margin 100, retention 0.8, discount 0.1: 100 * 0.8 / (1 + 0.1 - 0.8) = 266.67
    assert clv.retention_clv(100, 0.8, 0.1) == pytest.approx(266.6667, rel=1e-6)
    # the finite sum over 3 years: 100 * (0.8/1.1 + (0.8/1.1)^2 + (0.8/1.1)^3)
    ratio = 0.8 / 1.1
    assert clv.retention_clv(100, 0.8, 0.1, horizon_years=3) == pytest.approx(
        100 * (ratio + ratio**2 + ratio**3)
    )
    assert clv.retention_clv(100, 1.0, 0.0, horizon_years=4) == pytest.approx(400)
    margins = pd.Series([10.0, 20.0], index=["a", "b"])
    assert list(clv.retention_clv(margins, 0.5, 0.0).index) == ["a", "b"]


def test_retention_clv_rejects_impossible_inputs():
    with pytest.raises(ParameterError, match="between 0 and 1"):
        clv.retention_clv(100, 1.2, 0.1)
    with pytest.raises(ParameterError, match="infinite"):
        clv.retention_clv(100, 1.0, 0.0)
    with pytest.raises(ParameterError, match="discount_rate"):
        clv.retention_clv(100, 0.5, -0.1)


def test_observed_retention_rate():
    dates = pd.to_datetime(
        ["2023-03-01", "2024-03-01", "2023-05-01", "2023-06-01", "2024-06-01", "2024-07-01"]
    )
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "c", "d"], "date": dates})
    # active in the year before last: a, b, c; of them a and c bought again
    rate = clv.observed_retention_rate(tx, observation_end="2024-12-31")
    assert rate == pytest.approx(2 / 3)
    groups = pd.Series({"a": "x", "b": "x", "c": "y", "d": "y"}, name="segment")
    per_group = clv.observed_retention_rate(tx, observation_end="2024-12-31", groups=groups)
    assert per_group.to_dict() == {"x": 0.5, "y": 1.0}


def test_clv_comparison_per_customer_and_per_group():
    table = pd.DataFrame(
        {
            "annual_margin": [100.0, 50.0, 10.0],
            "clv": [150.0, 40.0, 5.0],
            "segment": ["gold", "gold", "bronze"],
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    per_customer = clv.clv_comparison(table, retention_rate=0.5, discount_rate=0.0)
    assert list(per_customer.columns) == [
        "annual_margin",
        "retention_rate",
        "historical_clv",
        "predictive_clv",
        "difference",
    ]
    assert per_customer.loc["a", "historical_clv"] == pytest.approx(100.0)
    assert per_customer.loc["a", "difference"] == pytest.approx(50.0)
    rates = pd.Series({"gold": 0.5, "bronze": 0.0})
    per_group = clv.clv_comparison(
        table, retention_rate=rates, discount_rate=0.0, group_col="segment"
    )
    assert per_group.loc["gold", "n_customers"] == 2
    assert per_group.loc["gold", "historical_clv"] == pytest.approx(75.0)
    assert per_group.loc["bronze", "historical_clv"] == 0.0
    assert per_group.loc["gold", "predictive_clv"] == pytest.approx(95.0)
    with pytest.raises(ParameterError, match="no rate for the groups: bronze"):
        clv.clv_comparison(table, retention_rate=rates.drop("bronze"), group_col="segment")

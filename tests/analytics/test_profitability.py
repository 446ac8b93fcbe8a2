"""Margin, cost to serve, profit, IDIC value categories and value tiers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics import profitability as prof
from crmlib.errors import DataValidationError, MissingDataError, ParameterError


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    transactions = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c", "c"],
            "product_id": ["p1", "p2", "p1", "p2", "p2"],
            "amount": [100.0, 50.0, 20.0, 10.0, -10.0],
            "cost": [60.0, np.nan, np.nan, np.nan, np.nan],
        }
    )
    products = pd.DataFrame({"product_id": ["p1", "p2"], "margin_rate": [0.25, 0.5]})
    interactions = pd.DataFrame(
        {
            "customer_id": ["a", "b", "b", "b", "d"],
            "channel": ["phone", "phone", "store", "phone ", "email"],
        }
    )
    channels = pd.DataFrame(
        {"channel": ["phone", "store", "email"], "cost_per_contact": [6.0, 10.0, 0.5]}
    )
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"]})
    return {
        "transactions": transactions,
        "products": products,
        "interactions": interactions,
        "channels": channels,
        "customers": customers,
    }


def test_transaction_margin_uses_cost_then_margin_rate(tables):
    margin = prof.transaction_margin(tables["transactions"], tables["products"])
    assert margin.tolist() == [40.0, 25.0, 5.0, 5.0, -5.0]


def test_margin_without_cost_or_rates_is_missing_data(tables):
    with pytest.raises(MissingDataError, match="4 transaction lines have no cost"):
        prof.transaction_margin(tables["transactions"])


def test_margin_for_an_unknown_product_names_the_row(tables):
    tx = tables["transactions"].copy()
    tx.loc[3, "product_id"] = "p9"
    with pytest.raises(DataValidationError, match="row 5"):
        prof.transaction_margin(tx, tables["products"])


def test_cost_to_serve(tables):
    serve = prof.cost_to_serve(tables["interactions"], tables["channels"])
    assert serve.loc["b", "n_contacts"] == 3
    assert serve.loc["b", "cost_to_serve"] == 22.0  # "phone " matches "phone"
    assert serve.loc["d", "cost_to_serve"] == 0.5


def test_unknown_channel_is_named(tables):
    contacts = tables["interactions"].assign(channel=["phone", "fax", "store", "phone", "email"])
    with pytest.raises(DataValidationError, match="fax") as info:
        prof.cost_to_serve(contacts, tables["channels"])
    assert info.value.rows == [3]


def test_customer_profitability(tables):
    before = {k: v.copy() for k, v in tables.items()}
    table = prof.customer_profitability(
        tables["transactions"],
        tables["products"],
        tables["interactions"],
        tables["channels"],
        tables["customers"],
    )
    assert list(table.index) == ["a", "b", "c", "d", "e"]
    assert table.loc["a", "gross_margin"] == 65.0
    assert table.loc["a", "profit"] == 59.0
    assert table.loc["b", "profit"] == 5.0 - 22.0
    assert table.loc["b", "is_below_zero"]
    assert table.loc["d", "revenue"] == 0.0 and table.loc["d", "profit"] == -0.5
    assert table.loc["e", "profit"] == 0.0 and not table.loc["e", "is_below_zero"]
    assert table.attrs["cost_to_serve"] == "measured"
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_profitability_without_contacts_says_so(tables):
    table = prof.customer_profitability(tables["transactions"], tables["products"])
    assert (table["cost_to_serve"] == 0).all()
    assert table.attrs["cost_to_serve"].startswith("not measured")


def test_value_categories():
    table = pd.DataFrame(
        {
            "current_value": [100.0, 80.0, 10.0, 5.0, -3.0, 0.0, 20.0, 20.0, 1.0, 2.0],
            "clv": [120.0, 60.0, 90.0, 6.0, 50.0, np.nan, 10.0, 10.0, 40.0, 3.0],
        },
        index=list("abcdefghij"),
    )
    result = prof.value_categories(table, mvc_share=0.2, mgc_share=0.2)
    category = result["value_category"]
    assert category["e"] == "BZ"  # below zero wins over any growth
    assert category[["a", "b"]].tolist() == ["MVC", "MVC"]
    # growth potential: c +80, i +39 are the two largest among the rest
    assert category[["c", "i"]].tolist() == ["MGC", "MGC"]
    assert result.loc["c", "growth_potential"] == 80.0
    assert category["f"] == "other" and np.isnan(result.loc["f", "growth_potential"])
    assert set(category) == {"MVC", "MGC", "BZ", "other"}


def test_growth_is_measured_from_the_past_value_on_the_forecasts_footing():
    # net current value (after cost to serve) and gross past margin, with a gross forecast
    table = pd.DataFrame(
        {
            "current_value": [100.0, 10.0, 10.0, 5.0],
            "gross": [110.0, 60.0, 12.0, 6.0],
            "clv": [120.0, 70.0, 40.0, 6.0],
        },
        index=list("abcd"),
    )
    result = prof.value_categories(table, mvc_share=0.25, mgc_share=0.25, past_col="gross")
    # b is costly to serve (gross 60, net 10): against the net value it would grow by 60,
    # against its gross margin only by 10; c grows 40 - 12 = 28 and is the MGC
    assert result.loc["b", "growth_potential"] == 10.0
    assert result.loc["c", "growth_potential"] == 28.0
    assert result["value_category"].tolist() == ["MVC", "other", "MGC", "other"]
    netted = prof.value_categories(table, mvc_share=0.25, mgc_share=0.25)
    assert netted.loc["b", "value_category"] == "MGC"  # the mistake the footing avoids


def test_value_categories_ties_at_the_cut():
    table = pd.DataFrame({"current_value": [10.0, 10.0, 10.0, 1.0], "clv": [0.0] * 4})
    result = prof.value_categories(table, mvc_share=0.25, mgc_share=0.0)
    assert (result["value_category"] == "MVC").sum() == 3


def test_value_categories_bad_share():
    with pytest.raises(ParameterError):
        prof.value_categories(pd.DataFrame({"current_value": [1.0], "clv": [1.0]}), mvc_share=2)


def test_value_tiers_by_cumulative_share():
    values = pd.Series([50.0, 30.0, 10.0, 5.0, 5.0, 0.0, -4.0], index=list("abcdefg"))
    tiers = prof.value_tiers(values)
    # a completes 50 % (platinum); b takes it to 80 % (gold); c to 90 % and the first 5 to
    # 95 % (silver), and the tied 5 comes along; nothing-or-less is bronze
    assert tiers.tolist() == ["platinum", "gold", "silver", "silver", "silver", "bronze", "bronze"]
    assert list(tiers.cat.categories) == ["platinum", "gold", "silver", "bronze"]
    assert tiers.index.equals(values.index)


def test_value_tiers_custom_and_checked():
    values = pd.Series([3.0, 2.0, 1.0])
    tiers = prof.value_tiers(values, tiers=(("top", 0.5), ("rest", 1.0)))
    assert tiers.tolist() == ["top", "rest", "rest"]
    with pytest.raises(ParameterError, match="rising"):
        prof.value_tiers(values, tiers=(("a", 0.8), ("b", 0.5), ("c", 1.0)))
    with pytest.raises(ParameterError):
        prof.value_tiers(values, tiers=(("a", 0.5), ("b", 0.9)))

"""The portfolio matrix and the strategic customer types, on hand-made frames and the sample."""

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.portfolio import (
    QUADRANTS,
    STRATEGIC_TYPES,
    cost_magnets,
    door_openers,
    high_future_value,
    portfolio_matrix,
    quadrant_summary,
    strategic_types,
)
from crmlib.errors import MissingDataError, ParameterError


@pytest.fixture
def table() -> pd.DataFrame:
    # ten customers; current value and expected value (clv) chosen so every quadrant fills
    return pd.DataFrame(
        {
            "current_value": [500.0, 400, 100, 90, 80, 50, 20, 0, -30, 10],
            "clv": [600.0, 10, 300, 250, 5, 1, np.nan, 0, 2, 3],
        },
        index=pd.Index(list("ABCDEFGHIJ"), name="customer_id"),
    )


def test_matrix_places_every_customer_by_hand(table):
    matrix = portfolio_matrix(table, x_share=0.2, y_share=0.3)
    # high current value: the top 2 of 10 (A 500, B 400); high potential: top 3 (A, C, D)
    expected = {
        "A": "invest",
        "B": "protect",
        "C": "develop",
        "D": "develop",
        "E": "maintain",
        "G": "maintain",  # no forecast counts as low potential
        "I": "maintain",  # a negative value is never high
    }
    for customer, quadrant in expected.items():
        assert matrix.loc[customer, "quadrant"] == quadrant
    assert matrix.attrs["x_cut"] == 400 and matrix.attrs["y_cut"] == 250
    assert matrix.attrs["quadrants"] == ["invest", "protect", "develop", "maintain"]


def test_ties_at_the_cut_are_all_high():
    frame = pd.DataFrame({"current_value": [10.0, 10, 10, 1], "clv": [1.0, 1, 1, 1]})
    matrix = portfolio_matrix(frame, x_share=0.25, y_share=0.25)
    assert matrix["high_x"].tolist() == [True, True, True, False]
    assert matrix["high_y"].all()


def test_quadrant_summary_counts_and_value_shares(table):
    matrix = portfolio_matrix(table, x_share=0.2, y_share=0.3)
    summary = quadrant_summary(matrix)
    assert summary.index.tolist() == ["invest", "protect", "develop", "maintain"]
    assert summary["customers"].tolist() == [1, 1, 2, 6]
    total = table["current_value"].sum()  # 1,220
    assert summary.loc["invest", "value_share"] == pytest.approx(500 / total)
    assert summary.loc["develop", "value_share"] == pytest.approx(190 / total)
    assert summary["customer_share"].sum() == pytest.approx(1.0)


def test_an_empty_quadrant_still_shows():
    frame = pd.DataFrame({"current_value": [5.0, 1], "cost_to_serve": [0.0, 0]})
    matrix = portfolio_matrix(frame, y_col="cost_to_serve", x_share=0.5, y_share=0.5)
    summary = quadrant_summary(matrix)
    assert summary.index.tolist() == list(QUADRANTS["cost_to_serve"].values())
    assert summary.loc["core", "customers"] == 1
    assert summary.loc["cost risk", "customers"] == 0


def test_cost_axis_names_the_quadrants_after_cost():
    frame = pd.DataFrame(
        {"current_value": [100.0, 90, 1, 2], "cost_to_serve": [1.0, 50, 60, 0]},
        index=list("ABCD"),
    )
    matrix = portfolio_matrix(frame, y_col="cost_to_serve", x_share=0.5, y_share=0.5)
    assert matrix["quadrant"].to_dict() == {
        "A": "core",
        "B": "demanding",
        "C": "cost risk",
        "D": "low touch",
    }


def test_shares_out_of_range_are_refused(table):
    with pytest.raises(ParameterError):
        portfolio_matrix(table, x_share=0)
    with pytest.raises(ParameterError):
        high_future_value(table["clv"], 1.5)


def test_high_future_value_is_the_top_share_by_clv(table):
    flags = high_future_value(table["clv"], 0.2)
    assert flags[flags].index.tolist() == ["A", "C"]


def test_cost_magnets_need_a_high_cost_and_a_high_cost_ratio():
    frame = pd.DataFrame(
        {
            "cost_to_serve": [100.0, 90, 10, 5, 0],
            "gross_margin": [50.0, 500, 1, 0, 0],
        },
        index=list("ABCDE"),
    )
    # top 40%: A (100) and B (90); A costs 100 >= 0.5 * 50, B costs 90 < 0.5 * 500
    flags = cost_magnets(frame, share=0.4, ratio=0.5)
    assert flags.tolist() == [True, False, False, False, False]
    # with a ratio of 0.1, B (90 >= 50) qualifies too
    assert cost_magnets(frame, share=0.4, ratio=0.1).tolist() == [True, True, False, False, False]


@pytest.fixture
def households() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame(
        {
            "customer_id": list("ABCDEFG"),
            "related_id": ["H1", "H1", "H1", "H2", None, "H3", "H3"],
            "signup_date": pd.to_datetime(
                ["2024-01-01", "2024-03-01", "2024-01-01", "2024-02-01", "2024-01-01", None, None]
            ),
        }
    )
    transactions = pd.DataFrame(
        {
            "customer_id": ["F", "G", "G"],
            "date": pd.to_datetime(["2024-05-01", "2024-04-01", "2024-06-01"]),
            "amount": [10.0, 20, 5],
        }
    )
    return customers, transactions


def test_door_openers_by_hand(households):
    customers, transactions = households
    doors = door_openers(customers, transactions)
    # H1: A and C joined the same day (A first by id), B later: A opens for B only
    assert doors.loc["A", "door_opener"] and doors.loc["A", "followers"] == 1
    assert doors.loc["B", "is_follower"] and not doors.loc["C", "is_follower"]
    assert doors.loc["B", "opener"] == "A"
    # H2 has one member; E has no household
    assert not doors.loc["D", "door_opener"] and not doors.loc["E", "door_opener"]
    assert pd.isna(doors.loc["E", "opener"])
    # H3 has no sign-up dates: the first purchase orders it, G (April) before F (May)
    assert doors.loc["G", "door_opener"] and doors.loc["F", "is_follower"]
    assert doors["door_opener"].sum() == 2


def test_door_openers_with_a_higher_bar(households):
    customers, transactions = households
    assert door_openers(customers, transactions, min_followers=2)["door_opener"].sum() == 0


def test_door_openers_need_related_id():
    with pytest.raises(MissingDataError, match="related_id"):
        door_openers(pd.DataFrame({"customer_id": ["A"]}))


def test_strategic_types_summary(households):
    customers, transactions = households
    table = pd.DataFrame(
        {
            "current_value": [100.0, 40, 0, 5, 1, 30, 20],
            "clv": [50.0, 10, 0, 80, 0, 0, 1],
            "cost_to_serve": [0.0, 0, 0, 0, 0, 0, 0],
            "gross_margin": [100.0, 40, 0, 5, 1, 30, 20],
        },
        index=pd.Index(list("ABCDEFG"), name="customer_id"),
    )
    types = strategic_types(table, customers, transactions, future_share=0.2, cost_measured=False)
    summary = types.summary
    assert summary.index.tolist() == [t.key for t in STRATEGIC_TYPES]
    assert types.measured == ["high_future_value", "door_opener"]
    # top 2 of 7 by clv (ceil 1.4 = 2): D (80) and A (50)
    assert types.flags["high_future_value"].tolist() == [
        True,
        False,
        False,
        True,
        False,
        False,
        False,
    ]
    assert summary.loc["high_future_value", "value_share"] == pytest.approx(105 / 196)
    # A's follower B brings 40; G's follower F brings 30
    assert types.flags.loc["A", "followers_value"] == 40
    assert types.flags.loc["G", "followers_value"] == 30
    assert summary.loc["cost_magnet", "reason"].startswith("no cost to serve: needs interactions")
    assert not summary.loc["benchmark", "measured"]
    assert "referred by whom" in summary.loc["benchmark", "reason"]
    assert summary.loc["benchmark", "source"].startswith("the workbook's reading")
    assert summary.loc["cost_magnet", "source"] == "confirmed in the workbook's sources"


def test_on_the_sample_the_matrix_agrees_with_the_ssc_rule(sample_dir):
    import warnings

    from crmlib.analytics.segments import customer_segments
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments = customer_segments(
            company.transactions,
            company.customers,
            company.interactions,
            company.channels,
            company.products,
            observation_end=company.observation_end,
        ).set_index("customer_id")
    matrix = portfolio_matrix(segments, x_share=0.2, y_share=0.2)
    # the high-current-value side is exactly the Pareto SSCs
    assert (matrix["high_x"] == segments["is_ssc"]).all()
    summary = quadrant_summary(matrix, segments["current_value"])
    assert summary["customers"].sum() == len(segments)
    # the invest and protect quadrants are the SSCs, who bring most of the value
    assert summary.loc[["invest", "protect"], "value_share"].sum() > 0.7
    magnets = cost_magnets(segments, share=0.05, ratio=0.5)
    heavy = segments[magnets]
    assert 0 < len(heavy) <= np.ceil(0.05 * len(segments))
    assert (heavy["cost_to_serve"] >= 0.5 * heavy["gross_margin"].clip(lower=0)).all()

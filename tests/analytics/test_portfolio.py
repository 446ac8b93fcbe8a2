"""The portfolio matrix and the strategic customer types, on hand-made frames and the sample."""

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.portfolio import (
    QUADRANTS,
    STRATEGIC_TYPES,
    cost_magnets,
    fixed_cost_absorbers,
    high_future_value,
    high_volume,
    portfolio_matrix,
    quadrant_summary,
    strategic_types,
)
from crmlib.errors import ParameterError


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


def test_high_volume_by_hand():
    purchases = pd.Series([12, 3, 12, 7, 0, 1, 2, 5, 4, 6], index=list("ABCDEFGHIJ"))
    # top 20% of 10 = 2 customers: A and C (12 each); a tie at the cut would be in too
    assert high_volume(purchases, 0.2)[lambda f: f].index.tolist() == ["A", "C"]
    # top 30% = 3: A, C and D (7)
    assert high_volume(purchases, 0.3)[lambda f: f].index.tolist() == ["A", "C", "D"]
    # nobody without a purchase is high volume, however large the share
    assert not high_volume(purchases, 1.0)["E"]


def test_fixed_cost_absorbers_by_hand():
    contribution = pd.Series([60.0, 25, 10, 5, -20], index=list("ABCDE"))
    # the positive total is 100 (E's loss covers no fixed cost): A alone brings 60 %
    assert fixed_cost_absorbers(contribution, 0.5).tolist() == [True, False, False, False, False]
    # 80 % needs A and B (85 %)
    assert fixed_cost_absorbers(contribution, 0.8).tolist() == [True, True, False, False, False]
    # all of it needs every positive customer, never the loss-making one
    assert fixed_cost_absorbers(contribution, 1.0).tolist() == [True, True, True, True, False]
    # a tie with the last one taken is in too: 40, 40, 20 with 0.3 -> both 40s
    tied = pd.Series([40.0, 40, 20], index=list("XYZ"))
    assert fixed_cost_absorbers(tied, 0.3).tolist() == [True, True, False]
    # no positive contribution: nobody absorbs fixed costs
    assert not fixed_cost_absorbers(pd.Series([-1.0, 0.0]), 0.5).any()


def test_strategic_types_summary():
    table = pd.DataFrame(
        {
            "current_value": [100.0, 40, 0, 5, 1, 30, 20],
            "lifetime_value": [50.0, 10, 0, 80, 0, 0, 1],
            "purchases": [9, 2, 0, 1, 1, 4, 4],
        },
        index=pd.Index(list("ABCDEFG"), name="customer_id"),
    )
    types = strategic_types(table, future_share=0.2, volume_share=0.2, absorb_share=0.5)
    summary = types.summary
    assert summary.index.tolist() == [t.key for t in STRATEGIC_TYPES]
    assert types.measured == ["high_future_value", "high_volume", "absorbs_fixed_costs"]
    # top 2 of 7 by lifetime value (ceil 1.4 = 2): D (80) and A (50)
    assert types.flags["high_future_value"].tolist() == [
        True, False, False, True, False, False, False
    ]  # fmt: skip
    assert summary.loc["high_future_value", "value_share"] == pytest.approx(105 / 196)
    # top 2 by purchases: A (9), then F and G tied at 4: all three
    assert types.flags["high_volume"].tolist() == [True, False, False, False, False, True, True]
    # positive contribution 196: A brings 100 (51 %), enough for half
    assert types.flags["absorbs_fixed_costs"].tolist() == [
        True, False, False, False, False, False, False
    ]  # fmt: skip
    # the types the data model cannot show are unknown, with what they need
    for key in ("benchmark", "inspiration", "door_opener"):
        assert not summary.loc[key, "measured"]
        assert pd.isna(summary.loc[key, "customers"])
    assert "referred by whom" in summary.loc["benchmark", "reason"]
    assert "household" in summary.loc["door_opener", "reason"]
    assert "cost_magnet" not in summary.index


def test_strategic_types_without_margin_or_forecast():
    table = pd.DataFrame(
        {"current_value": [10.0, 5], "lifetime_value": [np.nan, np.nan], "purchases": [2, 1]},
        index=["A", "B"],
    )
    types = strategic_types(table, margin_measured=False)
    assert types.measured == ["high_volume"]
    assert types.summary.loc["absorbs_fixed_costs", "reason"].startswith("no margin")
    assert types.summary.loc["high_future_value", "reason"].startswith("no lifetime-value")


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

"""Pareto curve, value concentration and strategically significant customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics import pareto
from crmlib.errors import DataValidationError, ParameterError


@pytest.fixture
def values() -> pd.Series:
    # ten customers: the top two bring 80 of 100
    return pd.Series([50, 30, 5, 5, 3, 3, 2, 1, 1, 0], index=list("abcdefghij"), dtype=float)


def test_pareto_curve(values):
    curve = pareto.pareto_curve(values.sample(frac=1, random_state=3))
    assert list(curve.index[:2]) == ["a", "b"]
    assert curve["rank"].tolist() == list(range(1, 11))
    assert curve["value_share"].iloc[1] == pytest.approx(0.8)
    assert curve["value_share"].iloc[-1] == pytest.approx(1.0)
    assert curve["customer_share"].iloc[-1] == 1.0


def test_negative_values_overshoot_and_come_back():
    margins = pd.Series([60.0, 50.0, -10.0])
    curve = pareto.pareto_curve(margins)
    assert curve["value_share"].max() == pytest.approx(110 / 100)
    assert curve["value_share"].iloc[-1] == pytest.approx(1.0)
    # the top customer alone brings 60 % of a total of 100
    assert pareto.customer_share_for_value(margins, 0.6) == pytest.approx(1 / 3)


def test_total_not_positive_gives_nan():
    curve = pareto.pareto_curve(pd.Series([-5.0, 2.0]))
    assert curve["value_share"].isna().all()
    assert np.isnan(pareto.customer_share_for_value(pd.Series([0.0, 0.0])))
    assert np.isnan(pareto.value_share_of_top(pd.Series([-1.0])))


def test_customer_share_and_value_share(values):
    assert pareto.customer_share_for_value(values, 0.8) == pytest.approx(0.2)
    assert pareto.customer_share_for_value(values, 0.81) == pytest.approx(0.3)
    assert pareto.value_share_of_top(values, 0.2) == pytest.approx(0.8)
    table = pareto.pareto_table(values, customer_shares=(0.1, 0.2, 0.5))
    assert table["n_customers"].tolist() == [1, 2, 5]
    assert table["value_share"].tolist() == pytest.approx([0.5, 0.8, 0.93])


def test_ties_reach_the_same_share():
    # four equal customers: 80 % needs all four (three bring 75 %)
    assert pareto.customer_share_for_value(pd.Series([1.0] * 4), 0.8) == 1.0


def test_missing_values_count_as_zero_and_text_is_an_error():
    assert pareto.pareto_curve(pd.Series([1.0, None]))["value"].tolist() == [1.0, 0.0]
    with pytest.raises(DataValidationError, match="not a number"):
        pareto.pareto_curve(pd.Series(["1", "lots"], name="revenue"))


def test_gini():
    assert pareto.gini(pd.Series([5.0] * 10)) == pytest.approx(0.0)
    assert pareto.gini(pd.Series([0.0] * 9 + [10.0])) == pytest.approx(0.9)
    assert np.isnan(pareto.gini(pd.Series([0.0, -1.0])))


def test_flag_ssc_top_share(values):
    flags = pareto.flag_ssc(values, 0.2)
    assert flags.name == "is_ssc"
    assert flags.index.equals(values.index)
    assert flags[flags].index.tolist() == ["a", "b"]


def test_flag_ssc_small_base_gets_one(values):
    assert pareto.flag_ssc(values.iloc[:3], 0.2).sum() == 1


def test_flag_ssc_ties_at_the_cut_are_all_in():
    tied = pd.Series([9.0, 5.0, 5.0, 5.0, 1.0], index=list("vwxyz"))
    flags = pareto.flag_ssc(tied, 0.4)  # two places, but w, x and y are equal
    assert flags[flags].index.tolist() == ["v", "w", "x", "y"]


def test_flag_ssc_never_flags_value_of_zero_or_less():
    margins = pd.Series([10.0, -5.0, 0.0, -1.0])
    assert pareto.flag_ssc(margins, 1.0).tolist() == [True, False, False, False]


def test_flag_ssc_by_value_share(values):
    flags = pareto.flag_ssc(values, value_share=0.8)
    assert flags.sum() == 2
    with pytest.raises(ParameterError):
        pareto.flag_ssc(values, value_share=1.5)


def test_flag_ssc_keeps_duplicate_index_order():
    repeated = pd.Series([1.0, 3.0, 2.0], index=["x", "x", "y"])
    assert pareto.flag_ssc(repeated, 0.3).tolist() == [False, True, False]


def test_bad_shares(values):
    with pytest.raises(ParameterError):
        pareto.flag_ssc(values, 0)
    with pytest.raises(ParameterError):
        pareto.customer_share_for_value(values, 1.5)


@pytest.mark.parametrize("seed", range(4))
def test_flag_ssc_cuts_at_the_nth_largest_value_as_a_full_sort_does(seed):
    rng = np.random.default_rng(seed)
    # whole numbers, so values tie; some at zero and below
    values = pd.Series(rng.integers(-20, 60, 2000).astype(float))
    for share in (0.01, 0.2, 0.5, 0.9, 1.0):
        n_top = int(np.ceil(share * len(values) - 1e-9))
        cut = values.sort_values(ascending=False, kind="mergesort").iloc[n_top - 1]
        expected = (values >= cut) & (values > 0)
        assert pareto.flag_ssc(values, share).tolist() == expected.tolist()

"""Sums of money do not depend on the order the lines are added up in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.summary import summarize_transactions
from crmlib.money import MONEY_DECIMALS, mean_money, round_money


def test_a_cancelled_sum_is_zero():
    # 0.1 + 0.2 - 0.3 is 5.55e-17 in floating point, and -0.0 is not written as 0
    assert round_money(0.1 + 0.2 - 0.3) == 0.0
    assert str(round_money(-1e-13)) == "0.0"
    assert round_money(np.array([19.990000000000002, 1.2000000000000002])).tolist() == [19.99, 1.2]


def test_the_mean_is_of_the_rounded_total():
    # 1,428.41 over 32 periods is 44.6378125: rounding the mean would tie at the 7th decimal
    noisy = [1428.41 + 1e-12, 1428.41 - 1e-12]
    assert mean_money(noisy, [32, 32]).tolist() == [1428.41 / 32, 1428.41 / 32]
    assert mean_money([5.0, 0.0], [0, 0]).tolist() == [0.0, 0.0]
    assert MONEY_DECIMALS == 6


def test_the_summary_does_not_depend_on_line_order():
    rng = np.random.default_rng(7)
    n = 4000
    lines = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 300, n).astype(str),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
            "amount": np.round(rng.gamma(2.0, 20.0, n), 2),
        }
    )
    # a customer whose return cancels a purchase in the same week, after an earlier buy
    lines = pd.concat(
        [
            lines,
            pd.DataFrame(
                {
                    "customer_id": ["cancel"] * 4,
                    "date": pd.to_datetime(
                        ["2024-01-02", "2024-05-06", "2024-05-07", "2024-05-08"]
                    ),
                    "amount": [10.0, 0.1, 0.2, -0.3],
                }
            ),
        ],
        ignore_index=True,
    )
    first = summarize_transactions(lines, freq="W")
    shuffled = summarize_transactions(lines.sample(frac=1.0, random_state=3), freq="W")
    pd.testing.assert_frame_equal(first, shuffled.loc[first.index], check_exact=True)
    assert first.loc["cancel", "frequency"] == 1
    assert first.loc["cancel", "monetary_value"] == 0.0

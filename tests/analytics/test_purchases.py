"""The one returns filter."""

import pandas as pd

from crmlib.analytics.purchases import purchase_lines


def lines(**columns):
    base = {
        "customer_id": ["a", "a", "b", "b"],
        "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]),
        "amount": [10.0, -10.0, 5.0, 0.0],
    }
    return pd.DataFrame({**base, **columns})


def test_the_is_return_column_decides_and_missing_flags_count_as_purchases():
    tx = lines(is_return=pd.array([False, True, None, False], dtype="boolean"))
    kept = purchase_lines(tx, negative_is_return=True)
    assert kept.index.tolist() == [0, 2, 3]  # the zero-amount line is not flagged a return


def test_without_the_column_every_line_is_a_purchase_unless_asked():
    tx = lines()
    assert purchase_lines(tx).index.tolist() == [0, 1, 2, 3]
    assert purchase_lines(tx, negative_is_return=True).index.tolist() == [0, 2]


def test_end_is_inclusive_and_the_input_is_not_modified():
    tx = lines()
    before = tx.copy()
    assert purchase_lines(tx, "2025-03-01").index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(tx, before)

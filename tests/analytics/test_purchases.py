"""The one returns filter."""

import pandas as pd
import pytest

from crmlib.analytics.purchases import purchase_lines, purchase_mask


def lines(**columns):
    base = {
        "customer_id": ["a", "a", "b", "b"],
        "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]),
        "amount": [10.0, -10.0, 5.0, 0.0],
    }
    return pd.DataFrame({**base, **columns})


def test_a_purchase_is_a_positive_line_that_is_not_a_return():
    # the vocabulary's purchase (buyers): a flagged return is none whatever its amount,
    # and neither is a line of 0 or less (a credit, a free item), flagged or not
    tx = lines(is_return=pd.array([False, True, None, False], dtype="boolean"))
    assert purchase_lines(tx).index.tolist() == [0, 2]
    assert purchase_lines(lines()).index.tolist() == [0, 2]
    flagged = lines(amount=[10.0, 10.0, 5.0, 3.0], is_return=[False, True, False, False])
    assert purchase_lines(flagged).index.tolist() == [0, 2, 3]


def test_end_is_inclusive_and_the_input_is_not_modified():
    tx = lines(amount=[10.0, 10.0, 5.0, 3.0])
    before = tx.copy()
    assert purchase_lines(tx, "2025-03-01").index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(tx, before)


@pytest.mark.parametrize("end", [None, "2024-06-30"])
def test_the_engine_keeps_the_lines_the_mask_keeps(sample_dir, end):
    from crmlib.analytics.purchases import purchase_table
    from crmlib.data.company import load_company
    from crmlib.data.frames_engine import run

    tx = load_company(sample_dir).transactions
    expected = tx.loc[purchase_mask(tx, end), "transaction_id"]
    got = run(purchase_table(tx, ["transaction_id"], end))["transaction_id"]
    assert len(got) == len(expected) > 0
    assert sorted(got) == sorted(expected)


def test_the_engine_reads_returns_and_amounts_as_the_mask_does():
    from crmlib.analytics.purchases import purchase_table
    from crmlib.data.frames_engine import run

    tx = pd.DataFrame(
        {
            "n": [1, 2, 3, 4, 5, 6],
            "amount": ["10", "-5", "x", "0", "7", "8"],  # text, as a hand-built table has it
            "is_return": [False, False, False, False, None, True],
            "date": pd.to_datetime(["2024-01-01"] * 5 + ["2024-02-01"]),
        }
    )
    expected = tx.loc[purchase_mask(tx), "n"].tolist()
    assert expected == [1, 5]
    assert sorted(run(purchase_table(tx, ["n"]))["n"]) == expected

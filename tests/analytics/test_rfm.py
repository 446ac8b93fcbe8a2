"""RFM: rank scores that survive ties and small bases, and the named segment grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics import rfm
from crmlib.errors import DataValidationError, ParameterError


def _tx() -> pd.DataFrame:
    rows = [
        ("a", "2024-06-28", 50),
        ("a", "2024-06-01", 40),
        ("a", "2024-05-01", 60),
        ("a", "2024-05-01", 5),  # second line of the same visit
        ("b", "2024-01-10", 500),
        ("c", "2024-06-30", 20),
        ("d", "2024-02-01", 30),
        ("d", "2024-03-01", 30),
        ("e", "2024-07-15", 99),  # after the observation end
    ]
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "amount": [float(r[2]) for r in rows],
        }
    )


def test_rfm_table():
    table = rfm.rfm_table(_tx(), observation_end="2024-06-30")
    assert list(table.index) == ["a", "b", "c", "d"]
    assert table.loc["a", "recency"] == 2
    assert table.loc["a", "frequency"] == 3  # days with a purchase, not lines
    assert table.loc["a", "monetary"] == 155
    assert table.loc["c", "recency"] == 0
    assert table.loc["b", "first_purchase"] == pd.Timestamp("2024-01-10")


@pytest.mark.parametrize(
    ("values", "bins", "expected"),
    [
        (range(10), 5, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),  # quintiles
        ([1, 2, 3], 5, [1, 3, 5]),  # fewer customers than bins: still spread
        ([7], 5, [3]),  # a lone customer sits in the middle
        ([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 5, [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]),  # ties never split
        ([4, 4, 4], 5, [1, 1, 1]),  # nobody beats anybody
        ([1, 2, 3, 4], 2, [1, 1, 2, 2]),
    ],
)
def test_rank_scores(values, bins, expected):
    assert rfm.rank_scores(pd.Series(values, dtype=float), bins).tolist() == expected


def test_rank_scores_lower_is_better_and_missing():
    scores = rfm.rank_scores(pd.Series([30.0, 1.0, np.nan, 10.0]), 3, higher_is_better=False)
    assert scores.iloc[1] == 3 and scores.iloc[0] == 1
    assert scores.isna().tolist() == [False, False, True, False]
    with pytest.raises(ParameterError, match="bins"):
        rfm.rank_scores(pd.Series([1.0]), 1)


def test_scores_and_codes():
    table = rfm.rfm_table(_tx(), observation_end="2024-06-30")
    scores = rfm.rfm_scores(table)
    # c bought last (recency 0): best R; a bought on the most days: best F
    assert scores.loc["c", "r_score"] == 5
    assert scores.loc["a", "f_score"] == 5
    assert scores.loc["b", "m_score"] == 5
    row = scores.loc["a"]
    assert row["rfm_code"] == f"{row['r_score']}-{row['f_score']}-{row['m_score']}"
    assert row["rfm_total"] == row["r_score"] + row["f_score"] + row["m_score"]
    assert "r_score" not in table.columns  # the input is not modified


def test_default_grid_covers_every_cell_with_known_names():
    grid = rfm.segment_grid()
    assert grid.shape == (5, 5)
    assert list(grid.index) == [5, 4, 3, 2, 1]
    assert set(grid.to_numpy().ravel()) == set(rfm.SEGMENTS)
    assert grid.loc[5, 5] == "champions"
    assert grid.loc[5, 1] == "new"
    assert grid.loc[1, 1] == "lost"
    assert grid.loc[1, 5] == "can't lose them"
    assert grid.loc[3, 3] == "needs attention"


def test_grid_for_other_bin_counts_keeps_the_corners():
    grid = rfm.segment_grid(3)
    assert grid.loc[3, 3] == "champions" and grid.loc[1, 1] == "lost"
    assert grid.loc[3, 1] == "new" and grid.loc[1, 3] == "can't lose them"


def test_custom_segment_map():
    segment_map = {(r, f): ("good" if r + f >= 4 else "bad") for r in (1, 2, 3) for f in (1, 2, 3)}
    scores = pd.DataFrame({"r_score": [3, 1, pd.NA], "f_score": [3, 1, 2]}, dtype="Int64")
    segments = rfm.rfm_segments(scores, bins=3, segment_map=segment_map)
    assert segments["segment"].tolist()[:2] == ["good", "bad"]
    assert pd.isna(segments["segment"].iloc[2])
    with pytest.raises(ParameterError, match="missing"):
        rfm.segment_grid(3, {(1, 1): "x"})


def test_rfm_analysis_and_summary():
    result = rfm.rfm_analysis(_tx(), observation_end="2024-06-30")
    assert {"segment", "rfm_code"} <= set(result.columns)
    assert result["segment"].isin(rfm.SEGMENTS).all()
    summary = rfm.segment_summary(result)
    assert summary["n_customers"].sum() == 4
    assert summary["share_of_customers"].sum() == pytest.approx(1.0)
    assert summary["share_of_monetary"].sum() == pytest.approx(1.0)
    assert (summary["description"] != "").all()


def test_large_base_uses_the_whole_scale():
    rng = np.random.default_rng(0)
    n = 5000
    table = pd.DataFrame(
        {
            "recency": rng.integers(0, 365, n),
            "frequency": rng.poisson(2, n) + 1,
            "monetary": rng.gamma(2, 40, n),
        }
    )
    segments = rfm.rfm_segments(rfm.rfm_scores(table))
    counts = segments["m_score"].value_counts()
    assert set(counts.index) == {1, 2, 3, 4, 5}
    assert counts.max() - counts.min() <= 1  # distinct values: equal quintiles
    assert segments["segment"].notna().all()


def test_bad_transactions_are_named():
    tx = _tx()
    tx.loc[2, "amount"] = np.nan
    with pytest.raises(DataValidationError, match="row 4"):
        rfm.rfm_table(tx)


@pytest.mark.parametrize(
    "ids",
    [
        ["C1", "C10", "C2", "a9", "zz"],  # numbered ids of different widths, and other text
        ["C001", "C010", "C002", "C100", "C003"],  # numbered ids of one width
        [7, 1_000_000, 3, 5, 12],  # sparse whole numbers
    ],
)
def test_rfm_table_is_indexed_by_sorted_id_whatever_the_ids(ids):
    # the lines are grouped by customer number; the table is still sorted by id
    rng = np.random.default_rng(0)
    customer = rng.choice(np.asarray(ids, dtype=object), 300)
    tx = pd.DataFrame(
        {
            "customer_id": customer if isinstance(ids[0], str) else customer.astype(int),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, 300), "D"),
            "amount": rng.normal(50, 20, 300),
        }
    )
    table = rfm.rfm_table(tx, observation_end="2024-12-31")
    assert list(table.index) == sorted(ids)
    for customer_id, row in table.iterrows():
        lines = tx[tx["customer_id"] == customer_id]
        assert row["frequency"] == lines["date"].nunique()
        assert row["monetary"] == pytest.approx(lines["amount"].sum())
        assert row["last_purchase"] == lines["date"].max()

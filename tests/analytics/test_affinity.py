"""Product affinity: bought together, bought next, next best products (hand-computed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.affinity import (
    co_purchase,
    lift_matrix,
    next_best_products,
    next_purchase_rates,
    purchase_items,
    segment_next_best,
)
from crmlib.errors import MissingDataError, ParameterError


def lines(rows) -> pd.DataFrame:
    """Transactions from (customer, day of January 2024, product) triples."""
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.to_datetime([f"2024-01-{r[1]:02d}" for r in rows]),
            "product_id": [r[2] for r in rows],
            "amount": [10.0] * len(rows),
        }
    )


PRODUCTS = pd.DataFrame(
    {
        "product_id": ["p1", "p2", "p3"],
        "name": ["Rose", "Pot", "Soil"],
        "category": ["X", "Y", "Z"],
    }
)


def test_purchase_items_leaves_out_returns_late_lines_and_lines_without_product():
    tx = lines([("A", 1, "p1"), ("A", 2, "p2"), ("A", 3, "p3"), ("B", 1, "p1"), ("B", 20, "p2")])
    tx.loc[1, "amount"] = -10.0  # a refund
    tx["is_return"] = [False, True, False, False, False]
    tx.loc[2, "product_id"] = None
    items = purchase_items(tx, end="2024-01-10")
    assert items[["customer_id", "item"]].values.tolist() == [["A", "p1"], ["B", "p1"]]


def test_missing_product_data_is_a_missing_data_error():
    tx = lines([("A", 1, "p1")]).drop(columns="product_id")
    with pytest.raises(MissingDataError, match="product_id"):
        purchase_items(tx)
    with pytest.raises(MissingDataError, match="category"):
        purchase_items(lines([("A", 1, "p1")]), level="category")
    with pytest.raises(ParameterError):
        purchase_items(lines([("A", 1, "p1")]), level="brand")


# Baskets: A day 1 {X, Y}, A day 2 {Z}, B day 1 {X, Y}, C day 1 {X}, D day 1 {Z}.
BASKETS = lines(
    [("A", 1, "p1"), ("A", 1, "p2"), ("A", 2, "p3"), ("B", 1, "p1"), ("B", 1, "p2")]
    + [("B", 1, "p1"), ("C", 1, "p1"), ("D", 1, "p3")]
)


def test_co_purchase_in_baskets_by_hand():
    pairs = co_purchase(BASKETS, PRODUCTS, level="category").set_index(["item", "other"])
    xy = pairs.loc[("X", "Y")]
    # 5 baskets; X in 3, Y in 2, both in 2 (B's second rose counts once)
    assert (xy["together"], xy["item_units"], xy["other_units"], xy["units"]) == (2, 3, 2, 5)
    assert xy["support"] == pytest.approx(2 / 5)
    assert xy["confidence"] == pytest.approx(2 / 3)
    assert xy["lift"] == pytest.approx((2 / 3) / (2 / 5))
    assert pairs.loc[("Y", "X"), "confidence"] == pytest.approx(1.0)
    assert ("X", "Z") not in pairs.index  # never in one basket


def test_co_purchase_over_customers_by_hand():
    pairs = co_purchase(BASKETS, PRODUCTS, level="category", within="customer")
    pairs = pairs.set_index(["item", "other"])
    # customers: A {X, Y, Z}, B {X, Y}, C {X}, D {Z}
    assert pairs.loc[("X", "Y"), "lift"] == pytest.approx((2 / 3) / (2 / 4))
    assert pairs.loc[("X", "Z"), "lift"] == pytest.approx((1 / 3) / (2 / 4))
    assert pairs.loc[("Y", "Z"), "lift"] == pytest.approx(1.0)
    matrix = lift_matrix(pairs.reset_index())
    assert list(matrix.index) == ["X", "Y", "Z"]
    assert np.isnan(matrix.loc["X", "X"])
    assert matrix.loc["Z", "Y"] == pytest.approx(1.0)


# A: p1 day 1, p2 day 2, p1 again day 3; B: p1 and p2 on day 1; C: p2 day 1, p1 day 5.
NEXT = lines(
    [("A", 1, "p1"), ("A", 2, "p2"), ("A", 3, "p1"), ("B", 1, "p1"), ("B", 1, "p2")]
    + [("C", 1, "p2"), ("C", 5, "p1")]
)


def test_next_purchase_rates_by_hand():
    rates = next_purchase_rates(NEXT, prior_strength=0)
    # later than the first purchase of the row item: p1->p1 A; p1->p2 A; p2->p1 A and C
    expected = pd.DataFrame(
        [[1 / 3, 1 / 3], [2 / 3, 0.0]], index=["p1", "p2"], columns=["p1", "p2"]
    )
    np.testing.assert_allclose(rates.rates.to_numpy(), expected.to_numpy())
    assert rates.buyers.tolist() == [3, 3]
    assert rates.repeat_rate.tolist() == pytest.approx([1 / 3, 0.0])
    # base: bought-next counts into the item over all 6 customer-item pairs
    assert rates.base_rate.tolist() == pytest.approx([3 / 6, 1 / 6])


def test_rates_are_smoothed_toward_the_base_rate():
    rates = next_purchase_rates(NEXT, prior_strength=3)
    assert rates.rates.loc["p1", "p2"] == pytest.approx((1 + 3 * (1 / 6)) / (3 + 3))
    with pytest.raises(ParameterError):
        next_purchase_rates(NEXT, prior_strength=-1)


# A, B: p1 then p2; C: p1 then p3; D: only p1; E: p3 then p2.
# p2|p1 = 2/4, p3|p1 = 1/4, p2|p3 = 1/2; base p2 = 3/9, p3 = 1/9, p1 = 0.
HISTORY = lines(
    [("A", 1, "p1"), ("A", 2, "p2"), ("B", 1, "p1"), ("B", 3, "p2"), ("C", 1, "p1")]
    + [("C", 2, "p3"), ("D", 1, "p1"), ("E", 1, "p3"), ("E", 2, "p2")]
)


def test_next_best_products_by_hand():
    recs = next_best_products(
        HISTORY,
        PRODUCTS,
        customers=["D", "C", "F"],
        top_n=2,
        prior_strength=0,
        exclude_owned=True,
        min_lift=1.2,
    )
    d = recs[recs["customer_id"] == "D"]
    assert d["product_id"].tolist() == ["p2", "p3"]  # both likelier than average: by score
    assert d["score"].tolist() == pytest.approx([0.5, 0.25])
    assert d["lift"].tolist() == pytest.approx([0.5 / (3 / 9), 0.25 / (1 / 9)])
    assert d["name"].tolist() == ["Pot", "Soil"]
    c = recs[recs["customer_id"] == "C"]
    assert c["product_id"].tolist() == ["p2"]  # owns p1 and p3; p2 scores mean(1/2, 1/2)
    assert c["score"].tolist() == pytest.approx([0.5])
    f = recs[recs["customer_id"] == "F"]  # no history: the most bought-next items
    assert f["basis"].tolist() == ["popular", "popular"]
    assert f["product_id"].tolist() == ["p2", "p3"]


def test_min_lift_puts_what_is_likelier_for_the_customer_first():
    recs = next_best_products(
        HISTORY, customers=["D"], top_n=2, prior_strength=0, exclude_owned=True, min_lift=2.0
    )
    # only p3 (lift 2.25) reaches 2; p2 (lift 1.5) follows
    assert recs["product_id"].tolist() == ["p3", "p2"]


def test_owned_items_come_back_only_when_they_are_rebought():
    history = pd.concat([HISTORY, lines([("A", 9, "p2"), ("B", 9, "p2")])], ignore_index=True)
    rates = next_purchase_rates(history, prior_strength=0)
    assert rates.repeat_rate["p2"] == pytest.approx(2 / 3)  # A and B bought p2 again
    one_off = next_best_products(
        history, customers=["A"], top_n=3, prior_strength=0, repeat_threshold=0.5
    )
    assert "p2" in one_off["product_id"].tolist()
    assert "p1" not in one_off["product_id"].tolist()  # nobody rebuys p1
    strict = next_best_products(history, customers=["A"], top_n=3, exclude_owned=True)
    assert not set(strict["product_id"]) & {"p1", "p2"}
    with pytest.raises(ParameterError):
        next_best_products(history, exclude_owned="sometimes")


def test_segment_next_best_counts_picks_per_segment():
    recs = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c"],
            "rank": [1, 2, 1, 2, 1, 2],
            "product_id": ["p1", "p2", "p1", "p3", "p2", "p3"],
            "score": [0.4, 0.2, 0.2, 0.1, 0.3, 0.3],
            "lift": [2.0, 1.0, 1.0, 3.0, 1.5, 1.5],
        }
    )
    segments = pd.Series({"a": "S", "b": "S", "c": "T"})
    table = segment_next_best(recs, segments, top_n=2)
    s = table[table["segment"] == "S"]
    assert s["product_id"].tolist()[0] == "p1"
    assert s.iloc[0][["customers", "share", "score", "lift"]].tolist() == pytest.approx(
        [2, 1.0, 0.3, 1.5]
    )
    t = table[table["segment"] == "T"]
    assert t["customers"].tolist() == [1, 1] and t["share"].tolist() == [1.0, 1.0]


def test_on_the_sample_the_planted_companions_are_found(sample_dir):
    """The sample draws barbecue lines with garden furniture: the strongest pair."""
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    pairs = co_purchase(company.transactions, company.products, level="category")
    assert {pairs.iloc[0]["item"], pairs.iloc[0]["other"]} == {"barbecue", "garden furniture"}
    assert pairs.iloc[0]["lift"] > 2


def test_the_top_columns_are_those_of_a_stable_sort():
    """Ties go to the first column, as in a stable sort; rows without enough scores end
    in -inf, which the callers leave out."""
    from crmlib.analytics.affinity import _top_columns

    rng = np.random.default_rng(3)
    values = rng.integers(0, 4, size=(500, 12)).astype(float)  # many ties
    values[rng.random(values.shape) < 0.3] = -np.inf
    top = _top_columns(values, 3)
    expected = np.argsort(-values, axis=1, kind="stable")[:, :3]
    finite = np.isfinite(np.take_along_axis(values, expected, axis=1))
    assert (top[finite] == expected[finite]).all()
    assert np.isneginf(np.take_along_axis(values, top, axis=1)[~finite]).all()


@pytest.mark.parametrize(
    "as_id",
    [lambda c: f"C{'ABCDE'.index(c) + 1:07d}", lambda c: "ABCDE".index(c) + 101],
    ids=["numbered text", "whole numbers"],
)
def test_numbered_and_whole_number_customer_ids_give_the_same_advice(as_id):
    """The ids most exports have are numbered without hashing: the advice is the same."""
    renamed = HISTORY.assign(customer_id=HISTORY["customer_id"].map(as_id))
    if isinstance(renamed["customer_id"].iloc[0], str):
        renamed["customer_id"] = renamed["customer_id"].astype("str")
    kwargs = {"top_n": 2, "prior_strength": 0, "exclude_owned": True}
    plain = next_best_products(HISTORY, PRODUCTS, **kwargs)
    numbered = next_best_products(renamed, PRODUCTS, **kwargs)
    back = {str(as_id(c)): c for c in "ABCDE"}
    numbered["customer_id"] = numbered["customer_id"].map(back)
    pd.testing.assert_frame_equal(
        plain.sort_values(["customer_id", "rank"]).reset_index(drop=True),
        numbered.sort_values(["customer_id", "rank"]).reset_index(drop=True),
        check_dtype=False,
    )
    for within in ("basket", "customer"):
        pd.testing.assert_frame_equal(
            co_purchase(HISTORY, PRODUCTS, within=within),
            co_purchase(renamed, PRODUCTS, within=within),
        )
    assert purchase_items(renamed)["customer_id"].tolist() == [
        str(as_id(c)) for c in HISTORY["customer_id"]
    ]

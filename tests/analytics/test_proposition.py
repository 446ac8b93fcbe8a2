"""Needs against purchases: offer shares, the needs-offer association and the fit."""

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.proposition import (
    need_map_from,
    needs_offer_association,
    offer_revenue,
    offer_shares,
    pooled_shares,
    proposition_fit,
)
from crmlib.errors import MissingDataError, ParameterError


@pytest.fixture
def purchases() -> tuple[pd.DataFrame, pd.DataFrame]:
    transactions = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B"],
            "date": pd.to_datetime(["2025-01-01"] * 5),
            "product_id": ["P1", "P2", "P1", "P2", "P1"],
            "amount": [30.0, 10, -30, 40, 60],
            "channel": ["store", "webshop", "store", "webshop", "webshop"],
        }
    )
    products = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["plants", "tools"]})
    return transactions, products


def test_offer_revenue_by_hand(purchases):
    revenue = offer_revenue(*purchases)
    # the return (-30) is left out
    assert revenue.loc["A", "category: plants"] == 30
    assert revenue.loc["A", "channel: webshop"] == 10
    assert revenue.loc["B", "channel: webshop"] == 100
    assert revenue.loc["B", "channel: store"] == 0


def test_shares_within_each_block(purchases):
    revenue = offer_revenue(*purchases)
    shares = offer_shares(revenue)
    assert shares.loc["A", "category: plants"] == pytest.approx(0.75)
    assert shares.loc["A", "channel: store"] == pytest.approx(0.75)
    assert shares.loc["B", "category: tools"] == pytest.approx(0.4)
    pooled = pooled_shares(revenue).loc["all"]
    # plants: 30 + 60 of 140
    assert pooled["category: plants"] == pytest.approx(90 / 140)
    assert pooled["channel: webshop"] == pytest.approx(110 / 140)


def test_offer_revenue_needs_categories_or_channels():
    transactions = pd.DataFrame({"customer_id": ["A"], "amount": [1.0]})
    with pytest.raises(MissingDataError, match="categories"):
        offer_revenue(transactions)


def _survey(n: int = 40, seed: int = 1):
    """Customers who value convenience buy online; the price score is noise."""
    rng = np.random.default_rng(seed)
    ids = [f"C{i:03d}" for i in range(n)]
    convenience = np.tile([1.0, 2, 3, 4, 5], n // 5)
    needs = pd.DataFrame(
        {"customer_id": ids, "convenience": convenience, "price": rng.integers(1, 6, n) * 1.0}
    )
    webshop = convenience * 10.0
    revenue = pd.DataFrame(
        {"channel: store": 100 - webshop, "channel: webshop": webshop},
        index=pd.Index(ids, name="customer_id"),
    )
    return needs, revenue


def test_association_finds_what_goes_with_a_need():
    needs, revenue = _survey()
    association = needs_offer_association(needs, revenue)
    assert association.loc["convenience", "channel: webshop"] == pytest.approx(1.0)
    assert association.loc["convenience", "channel: store"] == pytest.approx(-1.0)
    assert association.attrs["respondents"] == 40
    mapping = need_map_from(association, min_association=0.1)
    assert mapping["convenience"] == ["channel: webshop"]


def test_association_needs_ten_respondents():
    needs, revenue = _survey(n=5)
    with pytest.raises(MissingDataError, match="at least 10"):
        needs_offer_association(needs, revenue)


def test_fit_with_a_given_map_by_hand():
    needs = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "advice": [5.0, 5, 1, 1],
            "speed": [1.0, 1, 5, 5],
        }
    )
    revenue = pd.DataFrame(
        {
            "channel: store": [90.0, 20, 10, 40],
            "channel: webshop": [10.0, 80, 90, 60],
        },
        index=pd.Index(list("ABCD"), name="customer_id"),
    )
    segments = pd.Series(["advisers", "advisers", "hurried", "hurried"], index=list("ABCD"))
    fit = proposition_fit(
        needs,
        revenue,
        segments,
        need_map={"advice": ["channel: store"], "speed": ["channel: webshop"]},
        n_needs=1,
    )
    # base store share: 160 of 400 = 0.4. Advisers' distinctive need is advice (5 vs 3):
    # A buys 90% in store (served), B 20% (not): half served
    details = fit.details.set_index("segment")
    assert details.loc["advisers", "need"] == "advice"
    assert details.loc["advisers", "served_share"] == pytest.approx(0.5)
    assert details.loc["advisers", "segment_index"] == pytest.approx((110 / 200) / 0.4)
    # hurried: webshop base share 0.6; C 90% (served), D 60% (index 1: served)
    assert details.loc["hurried", "served_share"] == pytest.approx(1.0)
    assert fit.segments.loc["advisers", "fit"] == pytest.approx(0.5)
    assert fit.segments.loc["hurried", "served"] == "speed"
    assert fit.mean_fit == pytest.approx(0.75)


def test_a_need_nothing_goes_with_is_unanswered():
    needs = pd.DataFrame({"customer_id": ["A", "B"], "sustainability": [5.0, 1], "speed": [1.0, 5]})
    revenue = pd.DataFrame(
        {"channel: store": [50.0, 50], "channel: webshop": [50.0, 50]},
        index=pd.Index(["A", "B"], name="customer_id"),
    )
    segments = pd.Series(["green", "fast"], index=["A", "B"])
    fit = proposition_fit(
        needs, revenue, segments, need_map={"speed": ["channel: webshop"]}, n_needs=1
    )
    assert fit.segments.loc["green", "unanswered"] == "sustainability"
    assert fit.segments.loc["green", "fit"] == 0
    # B buys online exactly as much as the base: index 1 counts as served
    assert fit.segments.loc["fast", "fit"] == 1


def test_a_map_naming_unknown_elements_is_refused():
    needs, revenue = _survey()
    segments = pd.Series("all", index=needs["customer_id"])
    with pytest.raises(ParameterError, match="channel: drive-in"):
        proposition_fit(needs, revenue, segments, need_map={"convenience": ["channel: drive-in"]})


def test_learned_map_on_survey_data():
    needs, revenue = _survey()
    segments = pd.Series(
        np.where(needs["convenience"] >= 4, "online", "offline"), index=needs["customer_id"]
    )
    fit = proposition_fit(needs, revenue, segments, n_needs=1)
    assert fit.need_map["convenience"] == ["channel: webshop"]
    # every member of the online segment buys more online than the base (share 0.3)
    assert fit.segments.loc["online", "fit"] == pytest.approx(1.0)
    assert fit.association is not None


def test_sample_offer_revenue_is_the_crosstab_of_its_lines(sample_dir, assert_same_sums):
    """The engine's conditional sums against pandas' crosstab of the same lines."""
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    end = company.observation_end
    out = offer_revenue(company.transactions, company.products, end=end)
    tx = company.transactions
    lines = tx[(tx["amount"] > 0) & (tx["date"] <= end)]
    category = lines["product_id"].map(company.products.set_index("product_id")["category"])
    blocks = [
        pd.crosstab(
            lines["customer_id"], category, values=lines["amount"], aggfunc="sum"
        ).add_prefix("category: "),
        pd.crosstab(
            lines["customer_id"], lines["channel"], values=lines["amount"], aggfunc="sum"
        ).add_prefix("channel: "),
    ]
    expected = pd.concat(blocks, axis=1).fillna(0.0)
    assert list(out.columns) == list(expected.columns)
    assert_same_sums(out, expected)

"""Campaign response: intervals, smoothed rates, lessons and channels (hand-computed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.campaigns import (
    best_offers,
    channel_effectiveness,
    channel_follows_campaign,
    response_lessons,
    response_rates,
    wilson_interval,
)
from crmlib.errors import MissingDataError, ParameterError


def sends(rows) -> pd.DataFrame:
    """Campaign rows from (customer, offer, channel, responded, revenue)."""
    return pd.DataFrame(
        rows, columns=["customer_id", "offer", "channel", "responded", "revenue"]
    ).assign(campaign_id=lambda f: f["offer"])


def test_wilson_interval_matches_the_textbook():
    low, high = wilson_interval([10, 0], [100, 0])
    # 10 of 100 at 95 %: (0.0552, 0.1744); no sends: no interval
    assert low[0] == pytest.approx(0.05523, abs=1e-4)
    assert high[0] == pytest.approx(0.17437, abs=1e-4)
    assert np.isnan(low[1]) and np.isnan(high[1])
    with pytest.raises(ParameterError):
        wilson_interval([1], [2], confidence=1.0)


def test_response_rates_by_hand():
    campaigns = sends(
        [
            ("A", "X", "e-mail", True, 30.0),
            ("B", "X", "e-mail", False, 0.0),
            ("C", "X", "e-mail", True, 50.0),
            ("A", "Y", "e-mail", False, 0.0),
            ("B", "Y", "e-mail", False, 0.0),
        ]
    )
    segments = pd.Series({"A": "S1", "B": "S1", "C": "S2"})
    rates = response_rates(campaigns, "offer", segments=segments, prior_strength=2)
    x1, y1, x2 = rates.loc[("S1", "X")], rates.loc[("S1", "Y")], rates.loc[("S2", "X")]
    assert (x1["sent"], x1["responses"], x1["response_rate"]) == (2, 1, 0.5)
    assert x1["segment_rate"] == pytest.approx(0.25)  # S1: 1 of 4
    assert x1["smoothed_rate"] == pytest.approx((1 + 2 * 0.25) / (2 + 2))
    assert y1["smoothed_rate"] == pytest.approx((0 + 2 * 0.25) / (2 + 2))
    assert np.isnan(y1["revenue_per_response"])
    assert x2["revenue_per_response"] == 50.0 and x2["revenue_per_send"] == 50.0
    whole = response_rates(campaigns, [])
    assert whole.loc["all", "response_rate"] == pytest.approx(2 / 5)


def test_response_needs_the_responded_column():
    with pytest.raises(MissingDataError, match="responded"):
        response_rates(pd.DataFrame({"customer_id": ["A"], "offer": ["X"]}))
    with pytest.raises(MissingDataError, match="campaigns table"):
        response_rates(None)


def _block(offer: str, responded: int, sent: int) -> list[tuple]:
    return [(f"c{offer}{i}", offer, "e-mail", i < responded, 0.0) for i in range(sent)]


def test_lessons_call_only_clear_differences():
    campaigns = sends(
        _block("good", 60, 100)
        + _block("bad", 5, 100)
        + _block("mid", 30, 100)
        + _block("tiny", 4, 5)
    )
    lessons = response_lessons(campaigns, "offer", min_sent=30).set_index("offer")
    average = 99 / 305
    assert lessons["segment_rate"].unique().tolist() == pytest.approx([average])
    assert lessons.loc["good", "verdict"] == "above"  # interval (0.50, 0.69) above 0.32
    assert lessons.loc["bad", "verdict"] == "below"  # interval (0.02, 0.11) below
    assert lessons.loc["mid", "verdict"] == "in line"  # interval (0.22, 0.40) holds it
    assert lessons.loc["tiny", "verdict"] == "too few sent"
    assert lessons.loc["good", "difference"] == pytest.approx(0.6 - average)
    assert lessons.index.tolist() == ["tiny", "good", "mid", "bad"]  # by difference


def test_best_offer_is_not_the_lucky_one():
    campaigns = sends(_block("steady", 60, 100) + _block("weak", 10, 100) + _block("lucky", 1, 1))
    best = best_offers(campaigns, "offer", prior_strength=20)
    # lucky: 100 % raw, but (1 + 20 * 71/201) / 21 = 0.38; steady: (60 + 7.06) / 120 = 0.56
    assert best.loc["all", "offer"] == "steady"
    assert best.loc["all", "smoothed_rate"] == pytest.approx((60 + 20 * 71 / 201) / 120)


def test_channel_follows_campaign():
    one_each = sends([("A", "X", "e-mail", True, 0.0), ("B", "Y", "post", False, 0.0)])
    assert channel_follows_campaign(one_each)
    mixed = one_each.assign(campaign_id="K1")
    assert not channel_follows_campaign(mixed)


def test_channel_effectiveness_by_hand():
    interactions = pd.DataFrame(
        {"customer_id": ["A", "A", "A", "B"], "channel": ["e-mail", "e-mail", "e-mail", "store"]}
    )
    channels = pd.DataFrame(
        {"channel": ["e-mail", "store", "social media"], "cost_per_contact": [3.0, 8.0, 2.0]}
    )
    campaigns = sends(
        _block("mail", 2, 10) + [(f"s{i}", "post", "social media", i < 4, 0.0) for i in range(10)]
    ).assign(channel=lambda f: np.where(f["offer"] == "mail", "e-mail", "social media"))
    table = channel_effectiveness(
        campaigns, interactions, channels, segments=None, prior_strength=0
    ).loc["all"]
    assert table.loc["e-mail", "contact_share"] == pytest.approx(0.75)
    assert table.loc["store", "contact_share"] == pytest.approx(0.25)
    assert table.loc["social media", "contact_share"] == 0.0
    assert table.loc["e-mail", "cost_per_response"] == pytest.approx(3.0 / 0.2)
    assert table.loc["social media", "cost_per_response"] == pytest.approx(2.0 / 0.4)
    assert np.isnan(table.loc["store", "smoothed_rate"])  # no campaign went through it
    with pytest.raises(MissingDataError):
        channel_effectiveness(None, None, channels)

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.needs import (
    need_dimensions,
    needs_profile,
    needs_segments,
    net_promoter_score,
)
from crmlib.errors import MissingDataError


def test_nps_by_hand():
    # 2 promoters, 1 passive, 2 detractors of 5
    assert net_promoter_score(pd.Series([10, 9, 8, 6, 0])) == pytest.approx(0.0)
    assert net_promoter_score(pd.Series([10, 10, 7, 5])) == pytest.approx(25.0)
    assert np.isnan(net_promoter_score(pd.Series([], dtype=float)))


def test_profile_per_segment():
    needs = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "survey_date": pd.to_datetime(["2025-01-01"] * 3),
            "price": [5.0, 3.0, 1.0],
            "advice": [1.0, 3.0, 5.0],
            "nps": [10, 6, 9],
        }
    )
    assert need_dimensions(needs) == ["price", "advice"]
    profile = needs_profile(needs, pd.Series({"A": "x", "B": "x", "C": "y"}))
    assert profile.loc["x", "price"] == 4.0 and profile.loc["y", "advice"] == 5.0
    assert profile.loc["x", "respondents"] == 2
    assert profile.loc["x", "nps"] == pytest.approx(0.0)


def test_segments_recover_planted_groups():
    rng = np.random.default_rng(1)
    centres = np.array([[5, 1, 1, 3], [1, 5, 1, 3], [1, 1, 5, 3]], dtype=float)
    truth = np.repeat([0, 1, 2], 60)
    scores = np.clip(centres[truth] + rng.normal(0, 0.4, (180, 4)), 1, 5)
    needs = pd.DataFrame(scores, columns=["price", "advice", "speed", "quality"])
    needs.insert(0, "customer_id", [f"C{i}" for i in range(180)])
    found = needs_segments(needs, k_range=range(2, 6))
    assert found.k == 3
    crossing = pd.crosstab(found.labels.to_numpy(), truth)
    assert (crossing.max(axis=1) == 60).all()  # every planted group recovered whole
    assert set(found.centres.index) == {"price & quality", "advice & quality", "speed & quality"}
    assert found.selection.loc[3, "silhouette"] == found.selection["silhouette"].max()


def test_too_few_respondents():
    needs = pd.DataFrame({"customer_id": ["A", "B"], "price": [1.0, 2.0]})
    with pytest.raises(MissingDataError, match="more respondents than segments"):
        needs_segments(needs)


def _planted_survey(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    centres = np.array([[5, 1, 1], [1, 5, 1], [1, 1, 5]], dtype=float)
    scores = np.clip(centres[np.repeat([0, 1, 2], 30)] + rng.normal(0, 0.4, (90, 3)), 1, 5)
    needs = pd.DataFrame(scores, columns=["price", "advice", "speed"])
    needs.insert(0, "customer_id", pd.array([f"C{i}" for i in range(90)], dtype="string"))
    return needs


def test_segments_come_back_whole_from_the_disk_cache(tmp_path, monkeypatch):
    from crmlib.analytics import needs as module

    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    monkeypatch.setattr(module, "_SEGMENTS", {})
    needs = _planted_survey()
    first = needs_segments(needs, k_range=range(2, 5))
    assert needs_segments(needs, k_range=range(2, 5)) is first  # in the process
    module._SEGMENTS.clear()
    again = needs_segments(needs, k_range=range(2, 5))
    assert again is not first  # read from disk
    pd.testing.assert_series_equal(again.labels, first.labels)
    pd.testing.assert_frame_equal(again.centres, first.centres)
    pd.testing.assert_frame_equal(again.selection, first.selection)
    assert again.k == first.k == 3
    # another survey, or other settings, is another entry
    needs_segments(_planted_survey(seed=2), k_range=range(2, 5))
    needs_segments(needs, k_range=range(2, 6))
    assert len(list((tmp_path / "needs").iterdir())) == 3

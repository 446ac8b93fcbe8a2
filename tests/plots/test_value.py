"""Charts of customer value, read back from the axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.analytics.bgnbd import BetaGeoModel, simulate_summary  # noqa: E402
from crmlib.analytics.pareto import pareto_curve  # noqa: E402
from crmlib.analytics.rfm import rfm_scores, rfm_segments  # noqa: E402
from crmlib.errors import MissingDataError, ParameterError  # noqa: E402
from crmlib.plots import value as plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def bg() -> BetaGeoModel:
    return BetaGeoModel().fit(simulate_summary(2000, 0.3, 5.0, 0.8, 2.5, T=20.0, seed=3))


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    table = pd.DataFrame(
        {
            "recency": rng.integers(0, 300, 200),
            "frequency": rng.poisson(3, 200) + 1,
            "monetary": rng.gamma(2, 50, 200),
        }
    )
    return rfm_segments(rfm_scores(table))


def test_pareto_marks_the_share_that_brings_80_percent():
    curve = pareto_curve(pd.Series([50, 30, 5, 5, 3, 3, 2, 1, 1, 0], dtype=float))
    ax = plots.plot_pareto(curve)
    line = ax.lines[0]
    assert line.get_ydata()[2] == pytest.approx(0.8)
    assert ax.lines[2].get_xdata()[0] == pytest.approx(0.2)  # the vertical marker
    assert "20% of customers bring 80%" in ax.texts[0].get_text()


def test_rfm_heatmap_counts_and_labels(scores):
    fig, ax = plt.subplots()
    returned = plots.plot_rfm_heatmap(scores, ax=ax)
    assert returned is ax
    counts = np.asarray(ax.images[0].get_array())
    assert counts.shape == (5, 5)
    assert counts.sum() == len(scores)
    top_right = ((scores["r_score"] == 5) & (scores["f_score"] == 5)).sum()
    assert counts[0, 4] == top_right
    assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "4", "3", "2", "1"]
    cell_texts = [t.get_text() for t in ax.texts]
    assert any("champions" in text for text in cell_texts)
    assert ax.get_xlabel() == "F score (frequency)"


def test_rfm_heatmap_of_a_mean(scores):
    ax = plots.plot_rfm_heatmap(scores, value_col="monetary", segment_col=None)
    grid = np.asarray(ax.images[0].get_array())
    cell = scores[(scores["r_score"] == 1) & (scores["f_score"] == 1)]
    if len(cell):
        assert grid[4, 0] == pytest.approx(cell["monetary"].mean())
    assert "mean monetary" in ax.get_title()
    with pytest.raises(MissingDataError):
        plots.plot_rfm_heatmap(scores.drop(columns="f_score"))


def test_rfm_segments_bars(scores):
    ax = plots.plot_rfm_segments(scores)
    widths = [bar.get_width() for bar in ax.patches]
    assert sum(widths) == len(scores)
    assert widths == sorted(widths)  # largest on top


def test_frequency_recency_matrix(bg):
    ax = plots.plot_frequency_recency_matrix(bg, t=4, max_frequency=10, max_recency=20)
    matrix = np.asarray(ax.images[0].get_array())
    assert matrix.shape == (21, 11)
    expected = bg.conditional_expected_purchases(4, 10, 20, 20)
    assert matrix[20, 10] == pytest.approx(expected)
    # for a frequent buyer, a recent last purchase means more purchases ahead
    assert matrix[20, 10] > matrix[5, 10]
    assert "next 4 periods" in ax.get_title()


def test_probability_alive_matrix(bg):
    ax = plots.plot_probability_alive_matrix(bg)
    matrix = np.asarray(ax.images[0].get_array())
    assert matrix.shape == (int(np.ceil(bg.max_T_)) + 1, int(bg.max_frequency_) + 1)
    assert np.all((matrix >= 0) & (matrix <= 1))
    assert np.all(matrix[:, 0] == 1.0)  # no repeat purchase: cannot have dropped out
    with pytest.raises(ParameterError):
        plots.plot_probability_alive_matrix(bg, max_frequency=0)


def test_clv_distribution():
    clv = pd.Series(np.r_[np.linspace(0, 100, 99), 10_000.0])
    ax = plots.plot_clv_distribution(clv, bins=10)
    heights = [patch.get_height() for patch in ax.patches]
    assert sum(heights) == 100
    assert len(heights) == 10
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[0].startswith("mean") and labels[1].startswith("median")
    empty = plots.plot_clv_distribution(pd.Series([np.nan]))
    assert empty.texts[0].get_text() == "no CLV to show"


def test_value_tiers_shares():
    table = pd.DataFrame(
        {
            "value_tier": pd.Categorical(
                ["platinum", "gold", "gold", "bronze"],
                categories=["platinum", "gold", "silver", "bronze"],
            ),
            "current_value": [60.0, 20.0, 10.0, 10.0],
        }
    )
    ax = plots.plot_value_tiers(table)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["platinum", "gold", "silver", "bronze"]
    customers = [bar.get_height() for bar in ax.patches[:4]]
    value = [bar.get_height() for bar in ax.patches[4:]]
    assert customers == pytest.approx([0.25, 0.5, 0.0, 0.25])
    assert value == pytest.approx([0.6, 0.3, 0.0, 0.1])


def test_value_categories_in_reading_order():
    table = pd.DataFrame(
        {"value_category": ["other", "BZ", "MVC", "MGC"], "current_value": [5.0, -2.0, 20.0, 3.0]}
    )
    ax = plots.plot_value_tiers(table, tier_col="value_category")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["MVC", "MGC", "other", "BZ"]

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.errors import MissingDataError  # noqa: E402
from crmlib.plots import lifecycle as charts  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def cohorts():
    table = pd.DataFrame(
        {"cohort_size": [10, 20], 0: [1.0, 1.0], 1: [0.5, 0.25], 2: [0.4, np.nan]},
        index=pd.Index(["2024Q1", "2024Q2"], name="cohort"),
    )
    return table


def test_acquisition_bars_stack_the_split():
    table = pd.DataFrame(
        {"store": [3, 5], "webshop": [1, 2]},
        index=pd.to_datetime(["2024-01-01", "2024-04-01"]),
    )
    ax = charts.plot_acquisition(table)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [3, 5, 1, 2]
    assert [p.get_y() for p in ax.patches][2:] == [3, 5]  # webshop sits on top of store
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["store", "webshop"]


def test_cohort_heatmap_leaves_out_period_zero_and_names_sizes(cohorts):
    ax = charts.plot_cohort_heatmap(cohorts)
    image = ax.get_images()[0].get_array()
    assert image.shape == (2, 2)
    assert image.mask[1, 1]  # beyond the data: blank
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2024Q1 (n=10)", "2024Q2 (n=20)"]
    assert "50%" in [t.get_text() for t in ax.texts]


def test_retention_curves_draw_the_weighted_average(cohorts):
    ax = charts.plot_retention_curves(cohorts)
    average = [line for line in ax.get_lines() if line.get_label() == "all cohorts"][0]
    # the average is drawn only as far as three cohorts reach: here only period 0 and 1
    # have two cohorts, so nothing qualifies and the line is empty
    assert len(average.get_xdata()) == 0
    assert len(ax.get_lines()) == 3


def test_lapse_chart_draws_the_threshold():
    rhythm = pd.DataFrame(
        {
            "mean_interval_days": [30.0, np.nan, 100.0],
            "days_since_last": [90, 10, 50],
            "lapsed": [True, False, False],
            "rhythm": ["own", "base", "own"],
        }
    )
    rhythm.attrs = {"k": 2.0, "min_days": 30, "base_interval_days": 45.0}
    ax = charts.plot_lapse(rhythm)
    threshold = ax.get_lines()[0]
    assert threshold.get_label() == "threshold: 2 × own interval"
    x, y = threshold.get_xdata(), threshold.get_ydata()
    assert y[-1] == pytest.approx(2 * x[-1])
    assert ax.get_xscale() == "log" and "k = 2" in ax.get_title()


def test_probability_alive_histogram_splits_by_lapse():
    alive = pd.DataFrame({"probability_alive": [0.05, 0.1, 0.9, 0.95]}, index=list("abcd"))
    ax = charts.plot_probability_alive(alive, lapsed=pd.Series({"a": True, "b": True}), bins=2)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [0, 2, 2, 0]  # active: 0 low, 2 high; lapsed: 2 low, 0 high


def test_retention_value_marks_today_and_target():
    curve = pd.DataFrame({"retention_rate": [0.0, 0.5, 0.9], "clv": [0.0, 50.0, 450.0]})
    value = pd.Series(
        {"retention_rate": 0.5, "clv_now": 50.0, "target_rate": 0.55, "clv_target": 61.1}
    )
    ax = charts.plot_retention_value(curve, value, currency="EUR")
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["today: 50% → EUR 50", "target: 55% → EUR 61"]


def test_table_heatmap_keeps_missing_cells_blank():
    table = pd.DataFrame({"x": [1.0, np.nan], "y": [2.5, 4.0]}, index=["a", "b"])
    ax = charts.plot_satisfaction_matrix(table)
    assert [t.get_text() for t in ax.texts] == ["1.0", "2.5", "4.0"]
    assert ax.get_title() == "Mean satisfaction (1-5)"


def test_cost_to_serve_labels_cost_per_contact():
    costs = pd.DataFrame(
        {"contacts": [10, 5], "cost_per_contact": [8.0, 0.4], "cost": [80.0, 2.0]},
        index=["store", "webshop"],
    )
    ax = charts.plot_cost_to_serve(costs, currency="EUR")
    assert [p.get_width() for p in ax.patches] == [80.0, 2.0]
    assert [t.get_text() for t in ax.texts][0] == " EUR 8.00 × 10"


def test_improvement_potential_puts_the_largest_on_top():
    potential = pd.DataFrame(
        {"value_per_year": [100.0, 300.0, np.nan]},
        index=["acquisition", "retention", "penetration"],
    )
    ax = charts.plot_improvement_potential(potential)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "retention"  # barh draws from the bottom up
    with pytest.raises(MissingDataError, match="value_per_year"):
        charts.plot_improvement_potential(pd.DataFrame({"value": [1.0]}))


def test_readiness_charts():
    activity = pd.DataFrame({"buyers": [3, 6], "share": [0.3, 0.6]}, index=[3, 12])
    ax = charts.plot_recent_activity(activity)
    assert [p.get_height() for p in ax.patches] == [0.3, 0.6]
    # a window longer than the data's history: no bar, but words saying so
    longer = pd.DataFrame(
        {"buyers": [3, np.nan], "share": [0.3, np.nan], "covered": [True, False]}, index=[3, 24]
    )
    ax = charts.plot_recent_activity(longer)
    assert [p.get_height() for p in ax.patches] == [0.3]
    assert [t.get_text() for t in ax.texts] == ["30%", "longer than\nthe data"]
    response = pd.DataFrame(
        {"sent": [10, 10], "responses": [1, 3], "response_rate": [0.1, 0.3]}, index=["K1", "K2"]
    )
    ax = charts.plot_campaign_response(response)
    assert ax.get_legend().get_texts()[0].get_text() == "overall 20.0%"


def test_charts_without_a_currency_show_plain_amounts_and_no_empty_parentheses():
    curve = pd.DataFrame({"retention_rate": [0.0, 0.5, 0.9], "clv": [0.0, 50.0, 450.0]})
    value = pd.Series(
        {"retention_rate": 0.5, "clv_now": 50.0, "target_rate": 0.55, "clv_target": 61.1}
    )
    ax = charts.plot_retention_value(curve, value)
    assert [t.get_text() for t in ax.texts] == ["today: 50% → 50", "target: 55% → 61"]
    assert ax.get_ylabel() == "value per customer by the retention formula"
    costs = pd.DataFrame(
        {"contacts": [10, 5], "cost_per_contact": [8.0, 0.4], "cost": [80.0, 2.0]},
        index=["store", "webshop"],
    )
    ax = charts.plot_cost_to_serve(costs)
    assert [t.get_text() for t in ax.texts][0] == " 8.00 × 10"
    assert "(" not in ax.get_xlabel() and "EUR" not in ax.get_xlabel()

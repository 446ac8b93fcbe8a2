"""Payne & Frow's segment forecasts read against regression to the mean.

The tiny company (observation end 2024-12-31; revenue only, no cost):

====  =====================  ==============  =============================================
cust  revenue 2023           revenue 2024    tier
====  =====================  ==============  =============================================
A     600 (2023-01-01)       300             2023 platinum (600 of 1,050); 2024 platinum
B     300                    300             2023 gold; 2024 platinum (ties with A)
C     100                    200             2023 silver; 2024 silver
D     50                     0               2023 bronze; 2024 bronze
E     (first buys in 2024)   500             2024 platinum
====  =====================  ==============  =============================================

2024 by hand: E 500 is 38% of 1,300, A and B (tied) bring it to 85%, so E, A and B are
platinum (1,100), C completes silver (200), D bronze (0); nobody is gold. The baseline
(each 2023 tier followed into 2024, E not yet a customer in 2023): platinum 300 / 600 - 1
= -50%, gold 300 / 300 - 1 = 0%, silver 200 / 100 - 1 = +100%, bronze 0 / 50 - 1 = -100%.

Five customers carry no purchase forecast, so the tests that read a forecast set one by
hand: platinum is expected to bring 440 next year, 440 / 1,100 - 1 = -60%, which is 10
points below the -50% any group picked as platinum showed a year on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.base import customer_base
from crmlib.data.company import load_company
from crmlib.models import payne_frow as pf
from crmlib.models.payne_frow.conclude import _strategy_action

BASELINE = "expected from regression to the mean"
BEYOND = "forecast beyond it"


def _company(folder: Path, first_day: str = "2023-01-01"):
    folder.mkdir()
    (folder / "company.yml").write_text("name: Tiny\ncurrency: EUR\n")
    (folder / "transactions.csv").write_text(
        "customer_id,date,amount\n"
        f"A,{first_day},600\n"
        "A,2024-03-01,300\n"
        "B,2023-06-01,300\n"
        "B,2024-06-01,300\n"
        "C,2023-05-01,100\n"
        "C,2024-05-01,200\n"
        "D,2023-09-01,50\n"
        "E,2024-02-01,500\n"
    )
    return load_company(folder, observation_end="2024-12-31")


@pytest.fixture
def tiny(tmp_path):
    return _company(tmp_path / "tiny")


def _with_forecast(strategy, platinum_expected: float = 440.0):
    """The strategy as if the models expected ``platinum_expected`` from platinum (and
    last year's revenue from the other segments)."""
    segments = strategy.segments.copy()
    segments["revenue_expected"] = segments["revenue_last"]
    segments.loc["platinum", "revenue_expected"] = platinum_expected
    with np.errstate(divide="ignore", invalid="ignore"):
        segments["expected_change"] = np.where(
            segments["revenue_last"] > 0,
            segments["revenue_expected"] / segments["revenue_last"] - 1,
            np.nan,
        )
    segments["beyond_baseline"] = segments["expected_change"] - segments["baseline_change"]
    expected = float(segments["revenue_expected"].sum())
    return dataclasses.replace(
        strategy, segments=segments, revenue_expected=expected, targets=("platinum",)
    )


def test_each_segment_has_the_baseline_of_its_tier_a_year_earlier(tiny):
    strategy = pf.strategy_development(tiny)
    segments = strategy.segments
    assert list(segments.index) == ["platinum", "silver", "bronze"]
    assert segments.loc["platinum", "revenue_last"] == 1100
    assert segments["baseline_change"].to_dict() == pytest.approx(
        {"platinum": -0.5, "silver": 1.0, "bronze": -1.0}
    )
    assert strategy.baseline.change("gold") == 0.0
    figures = {f.id: f for f in strategy.figures if f.id.startswith("selection_baseline")}
    assert sorted(figures) == [
        "selection_baseline.bronze",
        "selection_baseline.platinum",
        "selection_baseline.silver",
    ]
    assert figures["selection_baseline.platinum"].value == pytest.approx(-0.5)
    # the strategy's baseline is the customer base's, over the same window
    base = customer_base(tiny, window_months=12)
    assert strategy.baseline.window == f"{base.meta['previous_window']} -> {base.window}"
    # no forecast: the baseline still says what to expect of such a group, but there is
    # nothing to read against it
    assert segments["expected_change"].isna().all()
    assert segments["beyond_baseline"].isna().all()
    table = pf.strategy_table(strategy, tiny)
    assert list(table[BASELINE]) == ["-50%", "+100%", "-100%"]
    assert set(table[BEYOND]) == {""}


def test_the_table_shows_the_forecast_the_baseline_and_the_points_beyond(tiny):
    strategy = _with_forecast(pf.strategy_development(tiny))
    table = pf.strategy_table(strategy, tiny)
    platinum = table.loc["★ platinum"]
    assert platinum["revenue next year vs last"] == "-60%"
    assert platinum[BASELINE] == "-50%"
    assert platinum[BEYOND] == "-10 pts"
    # silver kept its revenue in the forecast, and such a group doubled a year on
    assert (table.loc["silver", BASELINE], table.loc["silver", BEYOND]) == ("+100%", "-100 pts")
    # bronze brought no revenue last year: no forecast change, so no points beyond
    bronze = table.loc["bronze"]
    assert (bronze["revenue next year vs last"], bronze[BASELINE], bronze[BEYOND]) == (
        "",
        "-100%",
        "",
    )


def test_the_sentence_sets_the_forecast_against_regression_to_the_mean(tiny):
    strategy = _with_forecast(pf.strategy_development(tiny))
    text = pf.describe_baseline(strategy, "platinum")
    assert text.startswith(
        "The revenue of platinum is forecast to change by -60% next year. The customers "
        "who were platinum the year before changed by -50% the year after"
    )
    assert "(regression to the mean)" in text
    assert "The forecast is 10 points below that" in text
    # the closing paragraph discusses the first target segment the same way
    assert text in pf.describe_strategy(strategy, tiny)
    # a forecast better than the baseline is said so
    better = _with_forecast(pf.strategy_development(tiny), platinum_expected=660.0)
    assert "10 points above that" in pf.describe_baseline(better, "platinum")
    # no forecast, no sentence
    assert pf.describe_baseline(pf.strategy_development(tiny), "platinum") == ""


def test_a_baseline_a_few_days_short_says_so(tmp_path):
    # the data begins on 2023-01-03: 363 of 365 days of 2023 covered
    company = _company(tmp_path / "short", first_day="2023-01-03")
    strategy = _with_forecast(pf.strategy_development(company))
    text = pf.describe_baseline(strategy, "platinum")
    assert "changed by -50% the year after" in text
    assert "Caveat: the data begins on 3 Jan 2023" in text


def test_the_growth_gap_action_counts_the_points_beyond_the_baseline(tiny):
    strategy = _with_forecast(pf.strategy_development(tiny))
    assert strategy.read_against_baseline(("platinum",)) == (
        pytest.approx(-0.6),
        pytest.approx(-0.5),
    )
    assert strategy.gap > 0
    results = SimpleNamespace(strategy=strategy, performance=SimpleNamespace(history=None))
    action = _strategy_action(results, tiny)
    assert "forecast to change by -60%" in action.assumptions
    assert "changed by -50% the year after" in action.assumptions
    assert "10 points of the forecast are a fall beyond that effect" in action.assumptions


def test_without_the_year_before_the_baseline_is_unknown_and_said_so(tmp_path):
    # the data begins on 2023-03-01: 2023 is covered in part, no group can be picked on it
    company = _company(tmp_path / "late", first_day="2023-03-01")
    strategy = _with_forecast(pf.strategy_development(company))
    assert strategy.baseline.status == "unavailable"
    assert strategy.segments["baseline_change"].isna().all()
    figure = strategy.figure("selection_baseline.platinum")
    assert (figure.status, figure.value) == ("unavailable", None)
    table = pf.strategy_table(strategy, company)
    assert table.loc["★ platinum", "revenue next year vs last"] == "-60%"
    assert (table.loc["★ platinum", BASELINE], table.loc["★ platinum", BEYOND]) == (
        "unknown",
        "unknown",
    )
    text = pf.describe_baseline(strategy, "platinum")
    assert "cannot be measured here: the data begins on 1 Mar 2023" in text
    assert "0 points" not in text
    results = SimpleNamespace(strategy=strategy, performance=SimpleNamespace(history=None))
    assumptions = _strategy_action(results, company).assumptions
    assert "how much cannot be measured here: the data begins on 1 Mar 2023" in assumptions


def test_on_the_sample_the_baseline_is_the_base_history(sample_dir):
    """The sample's platinum of 2024, followed into 2025, from the base's own columns."""
    company = load_company(sample_dir)
    strategy = pf.strategy_development(company)
    table = customer_base(company, window_months=12).table
    known = pd.to_datetime(table["first_purchase"]) < pd.Timestamp("2025-01-01")
    then = table[known & (table["previous_value_tier"] == "platinum")]
    by_hand = then["revenue"].sum() / then["previous_revenue"].sum() - 1
    segments = strategy.segments
    assert segments.loc["platinum", "baseline_change"] == pytest.approx(by_hand)
    assert segments.loc["platinum", "beyond_baseline"] == pytest.approx(
        segments.loc["platinum", "expected_change"] - by_hand
    )
    # a group picked for high value falls back; the forecast is read against that fall
    assert by_hand < 0
    shown = pf.strategy_table(strategy, company).loc["★ platinum"]
    assert shown[BASELINE] == f"{by_hand:+.0%}"
    assert "(regression to the mean)" in pf.describe_strategy(strategy, company)

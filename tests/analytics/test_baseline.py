"""The regression-to-the-mean baseline, computed by hand on a five-customer company.

Observation end 2024-12-31: the window is 2024, the previous window 2023, and the data
begins on 2023-01-01, so the previous window is covered in full.

====  =====================  =====================  ==========================
cust  revenue 2023           revenue 2024           2023 tier (by revenue)
====  =====================  =====================  ==========================
A     600 (2023-01-01)       300                    platinum: 600 of 1,050 = 57%
B     300                    300                    gold: completes 900 = 86%
C     100                    200                    silver: completes 1,000 = 95.2%
D     50                     0                      bronze
E     (first buys in 2024)   500                    not known at the end of 2023
F     (customers table only)                        not known at the end of 2023
====  =====================  =====================  ==========================

By hand, each 2023 tier's revenue into 2024: platinum 300 / 600 - 1 = -50%, gold
300 / 300 - 1 = 0%, silver 200 / 100 - 1 = +100%, bronze 0 / 50 - 1 = -100%. E came
later and was in no 2023 group: counted in bronze it would make it +900%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.base import base_from_tables
from crmlib.analytics.baseline import against_baseline, selection_baseline
from crmlib.analytics.vocabulary import definition
from crmlib.errors import ParameterError


def tables(first_day: str = "2023-01-01") -> dict[str, pd.DataFrame]:
    tx = pd.DataFrame(
        [
            ("A", first_day, 600.0, 400.0),
            ("A", "2024-03-01", 300.0, 200.0),
            ("B", "2023-06-01", 300.0, 100.0),
            ("B", "2024-06-01", 300.0, 100.0),
            ("C", "2023-05-01", 100.0, 90.0),
            ("C", "2024-05-01", 200.0, 180.0),
            ("D", "2023-09-01", 50.0, 0.0),
            ("E", "2024-02-01", 500.0, 250.0),
        ],
        columns=["customer_id", "date", "amount", "cost"],
    )
    tx["date"] = pd.to_datetime(tx["date"])
    customers = pd.DataFrame({"customer_id": list("ABCDEF")})
    return {"transactions": tx, "customers": customers}


def base(first_day: str = "2023-01-01", value_metric: str = "revenue"):
    return base_from_tables(
        **tables(first_day),
        observation_end="2024-12-31",
        value_metric=value_metric,
        use_cache=False,
    )


def test_the_baseline_by_hand():
    baseline = selection_baseline(base())
    assert (baseline.status, baseline.reason) == ("ok", "")
    assert baseline.window == "2023-01-01..2023-12-31 -> 2024-01-01..2024-12-31"
    assert baseline.window_months == 12
    groups = baseline.groups
    assert list(groups.index) == ["platinum", "gold", "silver", "bronze"]
    assert groups["customers"].to_dict() == {"platinum": 1, "gold": 1, "silver": 1, "bronze": 1}
    assert groups["revenue_before"].to_dict() == {
        "platinum": 600,
        "gold": 300,
        "silver": 100,
        "bronze": 50,
    }
    assert groups["revenue_after"].to_dict() == {
        "platinum": 300,
        "gold": 300,
        "silver": 200,
        "bronze": 0,
    }
    assert baseline.change("platinum") == pytest.approx(-0.5)
    assert baseline.change("gold") == pytest.approx(0.0)
    assert baseline.change("silver") == pytest.approx(1.0)
    assert baseline.change("bronze") == pytest.approx(-1.0)


def test_a_known_baseline_of_zero_is_zero_and_an_unknown_one_is_none():
    baseline = selection_baseline(base())
    # gold kept its revenue: a measured 0%, not an unknown
    assert baseline.change("gold") == 0.0
    assert baseline.change("MVC") is None
    assert "no MVC group" in baseline.why_unknown("MVC")


def test_the_groups_are_picked_on_the_base_value_but_followed_on_revenue():
    """On margin the 2023 margins are A 200, B 200, C 10, D 50 (total 460): A and B tie
    at the top and complete platinum together (400 = 87%, past gold's 80% too), D brings
    it to 98% and completes silver, C is bronze; nobody is gold. Revenue is followed as
    before: platinum (300 + 300) / (600 + 300) - 1 = -33%, silver 0 / 50 - 1 = -100%,
    bronze 200 / 100 - 1 = +100%."""
    on_margin = base(value_metric="margin")
    assert on_margin.table.loc[["A", "B", "C", "D"], "previous_revenue"].tolist() == [
        600,
        300,
        100,
        50,
    ]
    baseline = selection_baseline(on_margin)
    assert baseline.groups["customers"].to_dict() == {
        "platinum": 2,
        "gold": 0,
        "silver": 1,
        "bronze": 1,
    }
    assert baseline.change("platinum") == pytest.approx(600 / 900 - 1)
    assert baseline.change("silver") == pytest.approx(-1.0)
    assert baseline.change("bronze") == pytest.approx(1.0)
    # no customer was gold in 2023: unknown, with the reason
    assert baseline.change("gold") is None
    assert baseline.why_unknown("gold") == "no customer was gold in the previous window"


def test_without_the_previous_window_the_baseline_is_unknown_never_zero():
    # the data begins on 2023-03-01: 84% of 2023 covered
    baseline = selection_baseline(base(first_day="2023-03-01"))
    assert baseline.status == "unavailable" and not baseline.known
    assert "begins on 1 Mar 2023" in baseline.reason and "24 months" in baseline.reason
    assert all(baseline.change(tier) is None for tier in ("platinum", "gold", "bronze"))
    assert baseline.groups["change"].isna().all()
    figures = baseline.figures()
    assert [f.id for f in figures] == [
        "selection_baseline.platinum",
        "selection_baseline.gold",
        "selection_baseline.silver",
        "selection_baseline.bronze",
    ]
    assert all(f.status == "unavailable" and f.value is None for f in figures)
    assert "begins on 1 Mar 2023" in figures[0].reason


def test_a_few_days_short_of_the_previous_window_is_a_caveat():
    # the data begins on 2023-01-03: 363 of 365 days covered
    baseline = selection_baseline(base(first_day="2023-01-03"))
    assert baseline.status == "caveat" and "3 Jan 2023" in baseline.reason
    assert baseline.change("platinum") == pytest.approx(-0.5)
    figure = baseline.figures(("platinum",))[0]
    assert (figure.value, figure.status) == (pytest.approx(-0.5), "caveat")


def test_the_value_categories_picked_on_past_value_have_a_baseline():
    """In 2023 four customers were known (A-D): the top ceil(20% x 4) = 1 by value, A,
    is MVC; nobody is below zero. MVC 300 / 600 - 1 = -50%. MGC rests on a forecast of
    that time and "other" on MGC: unknown, with the reason."""
    baseline = selection_baseline(base(), "value_category")
    assert baseline.status == "ok"
    assert list(baseline.groups.index) == ["MVC", "MGC", "other", "BZ"]
    assert baseline.groups.loc["MVC", "customers"] == 1
    assert baseline.change("MVC") == pytest.approx(-0.5)
    assert baseline.change("MGC") is None and "forecast made at the time" in (
        baseline.why_unknown("MGC")
    )
    assert baseline.change("other") is None and "most growable" in baseline.why_unknown("other")
    assert baseline.change("BZ") is None
    assert baseline.why_unknown("BZ") == "no customer was BZ in the previous window"
    figures = baseline.figures(("MVC", "MGC"))
    assert [f.id for f in figures] == ["selection_baseline.MVC", "selection_baseline.MGC"]
    assert figures[0].value == pytest.approx(-0.5)
    assert figures[1].value is None and "forecast made at the time" in figures[1].reason
    with pytest.raises(ParameterError, match="selected_by"):
        selection_baseline(base(), "rfm_segment")


def test_figures_name_the_vocabulary_definition():
    figures = selection_baseline(base()).figures()
    assert figures[0].id == "selection_baseline.platinum"
    assert figures[0].value == pytest.approx(-0.5) and figures[0].unit == "share"
    assert figures[0].label == definition("selection_baseline").label + ": platinum"
    assert "regression to the mean" in definition("selection_baseline").label
    assert "falls back towards the average" in definition("selection_baseline").formula


def test_the_forecast_is_read_against_the_baseline_in_points():
    baseline = selection_baseline(base())
    forecast = pd.Series({"platinum": -0.62, "gold": 0.05, "diamond": -0.1})
    compared = against_baseline(forecast, baseline)
    assert compared.loc["platinum", "baseline"] == pytest.approx(-0.5)
    assert compared.loc["platinum", "beyond"] == pytest.approx(-0.12)
    assert compared.loc["gold", "beyond"] == pytest.approx(0.05)
    # no baseline: the difference is unknown too
    assert np.isnan(compared.loc["diamond", "baseline"])
    assert np.isnan(compared.loc["diamond", "beyond"])

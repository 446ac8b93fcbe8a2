"""IDIC's MVC forecast read against regression to the mean, on a company computed by hand.

Observation end 2024-12-31; revenue only. Revenue 2023 / 2024: A 600 (2023-01-01) / 300,
B 300 / 300, C 100 / 200, D 50 / 0, E - / 500 (first buys in 2024), F in the customers
table only.

Today's MVC (top ceil(20% x 6) = 2 by 2024 value, ties all in): E 500, then A and B tied
at 300, so E, A and B (1,100). A year earlier four customers were known (A-D): the top
ceil(20% x 4) = 1, A, was MVC, and A's revenue went from 600 to 300: a baseline of
-50%. The models carry no forecast for six customers, so the test sets one by hand:
E 200, A 150, B 90 next year, 440 / 1,100 - 1 = -60%, 10 points below the baseline.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from crmlib.analytics.base import base_from_tables
from crmlib.analytics.baseline import revenue_forecast_change
from crmlib.models import idic


def _base(first_day: str = "2023-01-01"):
    tx = pd.DataFrame(
        [
            ("A", first_day, 600.0),
            ("A", "2024-03-01", 300.0),
            ("B", "2023-06-01", 300.0),
            ("B", "2024-06-01", 300.0),
            ("C", "2023-05-01", 100.0),
            ("C", "2024-05-01", 200.0),
            ("D", "2023-09-01", 50.0),
            ("E", "2024-02-01", 500.0),
        ],
        columns=["customer_id", "date", "amount"],
    )
    tx["date"] = pd.to_datetime(tx["date"])
    return base_from_tables(
        tx,
        pd.DataFrame({"customer_id": list("ABCDEF")}),
        observation_end="2024-12-31",
        use_cache=False,
    )


def _with_forecast(base, mgc: tuple[str, ...] = ()):
    """The base as if the models expected one purchase of E 200, A 150, B 90 (and
    marked ``mgc`` as most growable)."""
    table = base.table.copy()
    table["expected_purchases"] = 1.0
    table["expected_average_value"] = pd.Series({"E": 200.0, "A": 150.0, "B": 90.0})
    table["expected_margin_12m"] = table["expected_average_value"]
    table.loc[list(mgc), "value_category"] = "MGC"
    return dataclasses.replace(base, table=table)


def test_the_mvc_forecast_and_its_baseline_by_hand():
    base = _with_forecast(_base())
    assert sorted(base.table.index[base.table["value_category"] == "MVC"]) == ["A", "B", "E"]
    assert revenue_forecast_change(base, "value_category", "MVC") == pytest.approx(-0.6)
    text = idic.describe_regression(idic.from_base(base))
    assert text.startswith(
        " The MVC's revenue is forecast to change by -60% next year; the customers who "
        "were MVC a year earlier changed by -50% the year after"
    )
    assert "(regression to the mean)" in text
    assert "Only the 10 points beyond that are a fall to act on." in text
    # the Differentiate conclusion carries it
    assert text in idic.describe_differentiate(idic.from_base(base), "EUR")


def test_the_mgc_are_told_the_effect_works_the_other_way_and_why_it_is_not_measured():
    text = idic.describe_regression(idic.from_base(_with_forecast(_base(), mgc=("C",))))
    assert "works the other way for the MGC" in text
    assert "picked on the forecast made at the time" in text


def test_without_the_year_before_the_mvc_baseline_is_unknown_and_said_so():
    # the data begins on 1 Mar 2023: 2023 is covered in part
    text = idic.describe_regression(idic.from_base(_with_forecast(_base("2023-03-01"))))
    assert "forecast to change by -60% next year" in text
    assert "cannot be measured here: the data begins on 1 Mar 2023" in text
    assert "points beyond" not in text


def test_without_a_forecast_nothing_is_said():
    base = _base()
    assert revenue_forecast_change(base, "value_category", "MVC") is None
    assert idic.describe_regression(idic.from_base(base)) == ""


def test_the_category_table_shows_the_forecast_beside_its_baseline():
    view = idic.category_view(idic.from_base(_with_forecast(_base(), mgc=("C",))), "EUR")
    forecast, expected = "revenue next year vs last", "expected from regression to the mean"
    assert (view.loc["MVC", forecast], view.loc["MVC", expected]) == ("-60%", "-50%")
    # C has no forecast: nothing to read against a baseline
    assert (view.loc["MGC", forecast], view.loc["MGC", expected]) == ("n/a", "n/a")
    assert list(view.columns[-3:]) == [forecast, expected, "goal"]


def test_a_forecast_without_a_baseline_shows_unknown_not_zero():
    view = idic.category_view(idic.from_base(_with_forecast(_base("2023-03-01"))), "EUR")
    assert view.loc["MVC", "revenue next year vs last"] == "-60%"
    assert view.loc["MVC", "expected from regression to the mean"] == "unknown"

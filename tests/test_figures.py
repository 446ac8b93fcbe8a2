"""Figures: raw values a machine can check, and unknown never shown as 0."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from crmlib.figures import Figure, dumps, figures_document, plain, values_equal


def test_numpy_and_pandas_values_become_plain_json():
    figure = Figure("buyers", "Buyers", np.int64(3), "customers", "2024")
    assert type(figure.value) is int
    assert plain(np.float32(0.5)) == 0.5
    assert plain(float("nan")) is None
    assert plain(pd.Timestamp("2024-12-31")) == "2024-12-31T00:00:00"
    assert json.loads(dumps([figure]))["figures"][0]["value"] == 3
    with pytest.raises(TypeError):
        plain(pd.DataFrame())


def test_unknown_is_never_a_number():
    with pytest.raises(ValueError, match="unavailable figure has no value"):
        Figure("cost_to_serve", "Cost to serve", 0, "EUR", status="unavailable", reason="x")
    with pytest.raises(ValueError, match="needs a reason"):
        Figure("cost_to_serve", "Cost to serve", 5, "EUR", status="caveat")
    with pytest.raises(ValueError, match="needs a value"):
        Figure("cost_to_serve", "Cost to serve", float("nan"), "EUR")
    with pytest.raises(ValueError, match="status"):
        Figure("cost_to_serve", "Cost to serve", 1, "EUR", status="fine")
    missing = Figure.unavailable("cost_to_serve", "Cost to serve", "EUR", "no channels table")
    assert missing.to_dict()["value"] is None


def test_a_report_that_states_one_id_twice_differently_is_refused():
    a = Figure("ssc_count", "SSC", 1000, "customers", "2025")
    assert figures_document([a, a])["figures"] == [a.to_dict()]
    with pytest.raises(ValueError, match="ssc_count is stated twice"):
        figures_document([a, Figure("ssc_count", "SSC", 1280, "customers", "2025")])


def test_values_compare_with_a_tolerance_for_floats_only():
    assert values_equal(0.1 + 0.2, 0.3)
    assert not values_equal(1000, 1001)
    assert not values_equal(True, 1.0)
    assert values_equal(None, None)

"""MBG/NBD: agreement with lifetimes on CDNOW, hand-computed limits, properties."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import crmlib
from crmlib.analytics.mbgnbd import (
    ModifiedBetaGeoModel,
    mbgnbd_conditional_expected,
    mbgnbd_probability_alive,
    simulate_mbgnbd_summary,
)
from crmlib.errors import NotFittedError, ParameterError

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"

# Reference: lifetimes 0.11.3 on pandas 3.1.1, scipy 1.17.1, numpy 2.4.6,
# ModifiedBetaGeoFitter().fit(frequency, recency, T) on cdnow_customers_summary.csv;
# the log-likelihood is -ModifiedBetaGeoFitter._negative_log_likelihood(log(params),
# frequency, recency, T, ones, 0.0) * 2357 (its mean per customer, unscaled time).
LIFETIMES_CDNOW = {
    "r": 0.5248377255676623,
    "alpha": 6.182988479133949,
    "a": 0.8913562809311403,
    "b": 1.6140000256721425,
}
LIFETIMES_CDNOW_LL = -9582.13268489992


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW / "reference" / "cdnow_customers_summary.csv", index_col="ID")


@pytest.fixture(scope="module")
def fitted(cdnow) -> ModifiedBetaGeoModel:
    return crmlib.ModifiedBetaGeoModel().fit(cdnow)


def test_agrees_with_recorded_lifetimes_fit(fitted):
    # lifetimes' BFGS stops at tol 1e-7 on the mean log-likelihood; both optima agree
    # to about 1e-6 relative, so 1e-5 leaves room for rounding only
    assert list(fitted.params_) == ["r", "alpha", "a", "b"]
    for name, value in LIFETIMES_CDNOW.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-5)
    assert fitted.log_likelihood_ == pytest.approx(LIFETIMES_CDNOW_LL, abs=1e-4)
    assert fitted.diagnosis_.status == "ok"


@pytest.mark.skipif(importlib.util.find_spec("lifetimes") is None, reason="lifetimes not installed")
@pytest.mark.filterwarnings("ignore")
def test_agrees_with_lifetimes_live(fitted, cdnow):
    from lifetimes import ModifiedBetaGeoFitter

    x, t, T = (cdnow[c].to_numpy() for c in ("frequency", "recency", "T"))
    theirs = ModifiedBetaGeoFitter().fit(x, t, T)
    for name in fitted.params_:
        assert fitted.params_[name] == pytest.approx(float(theirs.params_[name]), rel=1e-5)
    np.testing.assert_allclose(
        fitted.probability_alive(x, t, T), theirs.conditional_probability_alive(x, t, T), atol=1e-6
    )
    np.testing.assert_allclose(
        fitted.conditional_expected_purchases(10, x, t, T),
        theirs.conditional_expected_number_of_purchases_up_to_time(10, x, t, T),
        rtol=1e-5,
    )
    assert fitted.expected_purchases(10) == pytest.approx(
        float(theirs.expected_number_of_purchases_up_to_time(10)), rel=1e-5
    )


PARAMS = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 3.0}


def test_probability_alive_by_hand():
    # right after the first purchase a customer may already be gone: P = b / (a + b)
    assert mbgnbd_probability_alive(PARAMS, 0, 0.0, 0.0) == pytest.approx(0.75)
    # x = 0, T = 1: odds of "dropped" = a/b * ((alpha+T)/alpha)^r = 2/3, P = 1/(1+2/3)
    assert mbgnbd_probability_alive(PARAMS, 0, 0.0, 1.0) == pytest.approx(0.6)
    # unlike BG/NBD, a one-time buyer quiet for ever is dead
    assert mbgnbd_probability_alive(PARAMS, 0, 0.0, 1e6) < 1e-5
    # x = 2, bought just now: a/(b+x) = 1/5, P = 5/6
    assert mbgnbd_probability_alive(PARAMS, 2, 4.0, 4.0) == pytest.approx(5 / 6)


def test_new_customer_expectation_matches_the_closed_form():
    # lifetimes' formula for a new customer: b/(a-1) (1 - 2F1(r, b+1; a+b; z) (alpha/(alpha+t))^r)
    r, alpha, a, b = 0.5, 6.0, 1.8, 1.6
    params = {"r": r, "alpha": alpha, "a": a, "b": b}
    t = 10.0
    closed = (
        b
        / (a - 1)
        * (1 - special.hyp2f1(r, b + 1, a + b, t / (alpha + t)) * (alpha / (alpha + t)) ** r)
    )
    assert mbgnbd_conditional_expected(params, t, 0, 0.0, 0.0) == pytest.approx(closed, rel=1e-10)


def test_model_methods(fitted):
    assert fitted.expected_purchases(0) == 0.0
    assert fitted.expected_purchases(20) > fitted.expected_purchases(10) > 0
    with pytest.raises(ParameterError):
        fitted.expected_purchases(-1)
    with pytest.raises(NotFittedError):
        ModifiedBetaGeoModel().conditional_expected_purchases(1, 1, 1.0, 2.0)


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 60),
    T=st.floats(0.5, 200.0),
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    a=st.floats(0.05, 5.0),
    b=st.floats(0.05, 5.0),
)
def test_probability_alive_is_a_probability_rising_with_recency(x, T, r, alpha, a, b):
    params = {"r": r, "alpha": alpha, "a": a, "b": b}
    recency = np.linspace(0.0, T, 11) if x > 0 else np.zeros(1)
    alive = mbgnbd_probability_alive(params, np.full(len(recency), x), recency, T)
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.diff(alive) >= -1e-12)
    expected = mbgnbd_conditional_expected(params, 5.0, x, recency[-1], T)
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0)


def test_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    summary = simulate_mbgnbd_summary(20_000, **truth, T=52.0, seed=8)
    model = ModifiedBetaGeoModel().fit(summary)
    for name, value in truth.items():
        low, high = model.summary.loc[name, ["lower_95", "upper_95"]]
        assert low < value < high, name

"""Pareto/NBD: the published CDNOW estimates, hand-computed limits, lifetimes, properties."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

import crmlib
from crmlib.analytics.pareto_nbd import (
    ParetoNBDModel,
    log_hyp2f1_unit,
    pareto_nbd_conditional_expected,
    pareto_nbd_log_likelihood,
    pareto_nbd_probability_alive,
    simulate_pareto_nbd_summary,
)
from crmlib.errors import ModelFitError, NotFittedError, ParameterError

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"

# lifetimes 0.11.3 (pandas 3.1.1, scipy 1.17.1, numpy 2.4.6):
# ParetoNBDFitter().fit(frequency, recency, T) on cdnow_customers_summary.csv. Its
# Nelder-Mead stops at a tolerance of 1e-4, so these agree with ours to about 1e-4.
LIFETIMES_CDNOW = {
    "r": 0.5532847750380117,
    "alpha": 10.577817996608308,
    "s": 0.606193964398326,
    "beta": 11.666991699032856,
}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW / "reference" / "cdnow_customers_summary.csv", index_col="ID")


@pytest.fixture(scope="module")
def fitted(cdnow) -> ParetoNBDModel:
    return crmlib.ParetoNBDModel().fit(cdnow)


def test_reproduces_fader_hardie_lee_2005(fitted, cdnow):
    # Fader, Hardie & Lee (2005), CDNOW, 39 calibration weeks: r = 0.553,
    # alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0. Published to 3 decimals,
    # so the parameters must agree to 1e-3 relative and the log-likelihood to 0.05.
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    assert list(fitted.params_) == ["r", "alpha", "s", "beta"]
    for name, value in published.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-3)
    assert fitted.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
    assert fitted.n_customers_ == len(cdnow)
    assert fitted.converged_ and fitted.at_bound_ == []
    assert fitted.diagnosis_.status == "ok"


def test_agrees_with_recorded_lifetimes_estimates(fitted):
    for name, value in LIFETIMES_CDNOW.items():
        assert fitted.params_[name] == pytest.approx(value, rel=5e-4)


@pytest.mark.skipif(importlib.util.find_spec("lifetimes") is None, reason="lifetimes not installed")
@pytest.mark.filterwarnings("ignore")
def test_agrees_with_lifetimes_live(fitted, cdnow):
    from lifetimes import ParetoNBDFitter

    x, t, T = (cdnow[c].to_numpy() for c in ("frequency", "recency", "T"))
    theirs = ParetoNBDFitter().fit(x, t, T)
    for name in fitted.params_:
        assert fitted.params_[name] == pytest.approx(float(theirs.params_[name]), rel=5e-4)
    # same likelihood at the same parameters, to rounding
    p = fitted.params_
    their_ll = ParetoNBDFitter._conditional_log_likelihood(
        (p["r"], p["alpha"], p["s"], p["beta"]), x, t, T
    )
    np.testing.assert_allclose(pareto_nbd_log_likelihood(p, x, t, T), their_ll, rtol=1e-10)
    np.testing.assert_allclose(
        fitted.probability_alive(x, t, T), theirs.conditional_probability_alive(x, t, T), atol=1e-4
    )
    np.testing.assert_allclose(
        fitted.conditional_expected_purchases(10, x, t, T),
        theirs.conditional_expected_number_of_purchases_up_to_time(10, x, t, T),
        rtol=1e-3,
    )


@pytest.mark.parametrize(
    ("b", "c", "z"),
    [(0.5, 2.1, 0.3), (20.5, 22.2, 0.9), (1.6, 30.0, 0.99), (3.0, 3.5, 0.0), (2.0, 4.0, 0.999)],
)
def test_hypergeometric_series_matches_scipy(b, c, z):
    assert log_hyp2f1_unit(b, c, z) == pytest.approx(np.log(special.hyp2f1(1.0, b, c, z)), 1e-12)


def test_hypergeometric_series_is_vectorised_and_falls_back_near_one():
    b = np.array([0.5, 1.5, 2.5])
    c = np.array([1.0, 2.0, 30.0])
    z = np.array([0.1, 0.99999, 0.5])
    expected = np.log(special.hyp2f1(1.0, b, c, z))
    np.testing.assert_allclose(log_hyp2f1_unit(b, c, z), expected, rtol=1e-10)


def _likelihood_by_quadrature(params, x, t_x, T):
    """The likelihood from its definition, integrating over the time of death."""
    r, alpha, s, beta = params
    head = special.gamma(r + x) / special.gamma(r) * alpha**r * beta**s
    alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
    died, _ = integrate.quad(
        lambda tau: (alpha + tau) ** -(r + x) * (beta + tau) ** -(s + 1), t_x, T, epsabs=0
    )
    return np.log(head * (alive + s * died))


@pytest.mark.parametrize(
    "params", [(0.55, 10.6, 0.61, 11.7), (0.8, 3.0, 1.5, 20.0), (2.0, 25.0, 0.4, 2.0)]
)
@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 30.0), (2, 10.0, 30.0), (15, 29.0, 39.0)])
def test_likelihood_matches_its_definition_on_both_branches(params, x, t_x, T):
    # alpha < beta in the first two parameter sets, alpha > beta in the third
    named = dict(zip(("r", "alpha", "s", "beta"), params, strict=True))
    ours = pareto_nbd_log_likelihood(named, np.array([x]), np.array([t_x]), np.array([T]))[0]
    assert ours == pytest.approx(_likelihood_by_quadrature(params, x, t_x, T), rel=1e-9)


PARAMS = {"r": 1.0, "alpha": 1.0, "s": 1.0, "beta": 1.0}


def test_probability_alive_by_hand():
    # x = 0, alpha = beta = 1, r = s = 1, T = 1: the alive part is (1+1)^-2 = 0.25 and
    # the died part is s/(r+s) * (1^-2 - 2^-2) = 0.375, so P(alive) = 0.25/0.625 = 0.4
    assert pareto_nbd_probability_alive(PARAMS, 0, 0.0, 1.0) == pytest.approx(0.4, rel=1e-12)
    # a customer seen just now (recency = T) is certainly alive, as is one of age 0
    assert pareto_nbd_probability_alive(PARAMS, 3, 5.0, 5.0) == pytest.approx(1.0)
    assert pareto_nbd_probability_alive(PARAMS, 0, 0.0, 0.0) == pytest.approx(1.0)
    # a one-time buyer gone quiet for ever is dead: P(alive) -> 0 as T grows
    assert pareto_nbd_probability_alive(PARAMS, 0, 0.0, 1e6) < 1e-3


def test_expected_purchases_by_hand():
    # a new customer: r beta / (alpha (s-1)) (1 - (beta/(beta+t))^(s-1));
    # r = alpha = beta = 1, s = 2, t = 1: 1 - 1/2 = 0.5
    params = {**PARAMS, "s": 2.0}
    assert pareto_nbd_conditional_expected(params, 1.0, 0, 0.0, 0.0) == pytest.approx(0.5)
    # s = 1 is the limit r beta / alpha ln((beta+t)/beta) = ln 2
    assert pareto_nbd_conditional_expected(PARAMS, 1.0, 0, 0.0, 0.0) == pytest.approx(np.log(2))
    # nothing is expected in no time
    assert pareto_nbd_conditional_expected(PARAMS, 0.0, 4, 3.0, 9.0) == 0.0


def test_model_methods_match_the_formulas(fitted):
    params = fitted.params_
    assert fitted.expected_purchases(10) == pytest.approx(
        float(pareto_nbd_conditional_expected(params, 10.0, 0, 0.0, 0.0))
    )
    # a customer with a long, recent history is expected to buy more than the average newcomer
    assert fitted.conditional_expected_purchases(10, 10, 38.0, 39.0) > fitted.expected_purchases(10)
    series = fitted.probability_alive(
        pd.Series([0, 2], index=["a", "b"]), pd.Series([0.0, 30.0]), 39.0
    )
    assert list(series.index) == ["a", "b"]


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 60),
    T=st.floats(0.5, 200.0),
    share=st.floats(0.0, 1.0),
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    s=st.floats(0.05, 5.0),
    beta=st.floats(0.1, 50.0),
)
def test_probability_alive_is_a_probability_rising_with_recency(x, T, share, r, alpha, s, beta):
    params = {"r": r, "alpha": alpha, "s": s, "beta": beta}
    recency = np.linspace(0.0, T, 11) if x > 0 else np.zeros(1)
    alive = pareto_nbd_probability_alive(params, np.full(len(recency), x), recency, T)
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.diff(alive) >= -1e-9)
    expected = pareto_nbd_conditional_expected(params, 5.0, x, share * T if x else 0.0, T)
    assert np.isfinite(expected) and expected >= 0


def test_recovers_simulated_parameters():
    truth = {"r": 0.55, "alpha": 10.6, "s": 0.6, "beta": 11.7}
    summary = simulate_pareto_nbd_summary(20_000, **truth, T=52.0, seed=5)
    model = ParetoNBDModel().fit(summary)
    for name, value in truth.items():
        low, high = model.summary.loc[name, ["lower_95", "upper_95"]]
        assert low < value < high, name


def test_unfitted_and_bad_input():
    model = ParetoNBDModel()
    with pytest.raises(NotFittedError):
        model.probability_alive(1, 1.0, 2.0)
    with pytest.raises(NotFittedError):
        _ = model.summary
    assert "penalizer" in repr(model)
    with pytest.raises(ModelFitError, match="repeat purchase"):
        model.fit(pd.DataFrame({"frequency": [0] * 20, "recency": [0.0] * 20, "T": [5.0] * 20}))
    with pytest.raises(ParameterError):
        ParetoNBDModel(penalizer=-1).fit(
            pd.DataFrame({"frequency": [1] * 20, "recency": [1.0] * 20, "T": [5.0] * 20})
        )
    with pytest.raises(ParameterError):
        simulate_pareto_nbd_summary(10, -1.0, 1.0, 1.0, 1.0, T=1.0)


def test_weights_give_the_same_fit_as_repeated_rows(cdnow):
    condensed = cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weighted = ParetoNBDModel().fit(condensed, weights_col="n")
    plain = ParetoNBDModel().fit(cdnow)
    for name in plain.params_:
        assert weighted.params_[name] == pytest.approx(plain.params_[name], rel=1e-5)


def test_grid_and_row_by_row_series_agree():
    from crmlib.analytics.pareto_nbd import log_hyp2f1_unit_grid

    b = np.array([0.6, 3.6, 40.6])
    c = b + 1.6
    z = np.array([0.0, 0.2, 0.76, 0.95])  # the last goes to scipy
    grid = log_hyp2f1_unit_grid(b, c, z)
    rows = log_hyp2f1_unit(b[:, None], c[:, None], z[None, :])
    np.testing.assert_allclose(grid, rows, rtol=1e-12)


def test_whole_period_predictions_match_row_by_row():
    params = {"r": 0.55, "alpha": 10.6, "s": 0.61, "beta": 3.0}  # alpha > beta
    x = np.tile(np.arange(5), 40)
    T = np.repeat(np.arange(1.0, 41.0), 5)
    recency = np.minimum(x * 3.0, T)
    grid = pareto_nbd_probability_alive(params, x, recency, T)
    rows = [
        pareto_nbd_probability_alive(params, [a], [b], [c])[0]
        for a, b, c in zip(x, recency, T, strict=True)
    ]
    np.testing.assert_allclose(grid, rows, rtol=1e-12)

"""Gamma-Gamma by maximum likelihood: published CDNOW estimates and robustness."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlib
from crmlib.analytics.gamma_gamma import GammaGammaModel
from crmlib.errors import DataValidationError, ModelFitError, NotFittedError

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    frame = pd.read_csv(
        CDNOW / "reference" / "cdnow_customers_summary_with_transactions.csv", index_col="ID"
    )
    return frame.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def fitted(cdnow) -> GammaGammaModel:
    return crmlib.GammaGammaModel().fit(cdnow)


def test_reproduces_fader_hardie_2013(fitted):
    # Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", CDNOW's 946
    # repeat buyers: p = 6.25, q = 3.74, gamma (v) = 15.44. Published to 3 significant
    # digits: tolerance 1e-2 relative.
    assert set(fitted.params_) == {"p", "q", "v"}
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-2)
    assert fitted.n_customers_ == 946


def test_agrees_with_lifetimes_published_outputs(fitted, cdnow):
    # lifetimes 0.11.3 on the same file: params, standard errors, and the expected
    # average value of the first customers (the third is a one-time buyer: base mean)
    for name, value in {"p": 6.248802, "q": 3.744588, "v": 15.447748}.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-4)
    for name, value in {"p": 1.189687, "q": 0.290166, "v": 4.159994}.items():
        assert fitted.standard_errors_[name] == pytest.approx(value, rel=1e-3)
    head = cdnow.head(3)
    value = fitted.conditional_expected_average_value(head["frequency"], head["monetary_value"])
    np.testing.assert_allclose(value, [24.658616, 18.911480, 35.171002], rtol=1e-5)
    assert fitted.expected_average_value() == pytest.approx(35.171002, rel=1e-5)


def test_shrinks_toward_the_base_mean(fitted):
    base = fitted.expected_average_value()
    few = fitted.conditional_expected_average_value(1, 200.0)
    many = fitted.conditional_expected_average_value(50, 200.0)
    assert base < few < many < 200.0


def test_summary_table(fitted):
    assert list(fitted.summary.index) == ["p", "q", "v"]
    assert (fitted.summary["std_error"] > 0).all()


def test_no_repeat_buyers_is_a_model_fit_error():
    summary = pd.DataFrame({"frequency": [0, 0, 0], "monetary_value": [0.0, 0.0, 0.0]})
    with pytest.raises(ModelFitError, match="no customer has a repeat purchase"):
        GammaGammaModel().fit(summary)


def test_too_few_repeat_buyers():
    summary = pd.DataFrame({"frequency": [1, 2, 0, 0], "monetary_value": [10.0, 12.0, 0.0, 0.0]})
    with pytest.raises(ModelFitError, match="at least 5 repeat buyers"):
        GammaGammaModel().fit(summary)


def test_non_positive_values_of_repeat_buyers_are_named(cdnow):
    broken = cdnow.copy()
    broken.loc[1, "monetary_value"] = -5.0
    with pytest.raises(DataValidationError, match="zero or negative") as info:
        GammaGammaModel().fit(broken)
    assert info.value.rows == [2]


def test_scale_of_the_currency_does_not_matter(cdnow, fitted):
    cents = GammaGammaModel().fit(cdnow.assign(monetary_value=cdnow["monetary_value"] * 100))
    assert cents.params_["v"] == pytest.approx(100 * fitted.params_["v"], rel=1e-5)
    assert cents.params_["p"] == pytest.approx(fitted.params_["p"], rel=1e-5)


def test_recovers_simulated_parameters():
    rng = np.random.default_rng(2)
    n, p, q, v = 5000, 4.0, 5.0, 60.0
    rate = rng.gamma(q, 1 / v, n)
    frequency = rng.integers(1, 8, n)
    # the mean of x Gamma(p, rate) values is Gamma(p x, x rate)
    mean_value = rng.gamma(p * frequency, 1 / (frequency * rate))
    model = GammaGammaModel().fit(
        pd.DataFrame({"frequency": frequency, "monetary_value": mean_value})
    )
    for name, value in {"p": p, "q": q, "v": v}.items():
        assert abs(model.params_[name] - value) < 4 * model.standard_errors_[name]


def test_unfitted():
    with pytest.raises(NotFittedError):
        GammaGammaModel().conditional_expected_average_value(1, 10.0)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The 'mode.chained_assignment' option")
@pytest.mark.skipif(
    importlib.util.find_spec("lifetimes") is None,
    reason="lifetimes is not installed (it is only a benchmark extra)",
)
def test_customer_lifetime_value_agrees_with_lifetimes(cdnow, fitted):
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    bg = crmlib.BetaGeoModel().fit(cdnow)
    theirs_bg = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    repeat = cdnow[cdnow["frequency"] > 0]
    theirs = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    head = cdnow.head(50)
    expected = theirs.customer_lifetime_value(
        theirs_bg,
        head["frequency"],
        head["recency"],
        head["T"],
        head["monetary_value"],
        time=12,
        discount_rate=0.01,
        freq="W",
    )
    # lifetimes counts 4.345 weeks to a month
    ours = fitted.customer_lifetime_value(
        bg,
        head["frequency"],
        head["recency"],
        head["T"],
        head["monetary_value"],
        horizon_months=12,
        discount_rate_monthly=0.01,
        freq="W",
        periods_per_month=4.345,
    )
    np.testing.assert_allclose(ours, expected, rtol=1e-3)

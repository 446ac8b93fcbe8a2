"""BG/NBD by maximum likelihood: published CDNOW estimates, predictions, robustness."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlib
from crmlib.analytics.bgnbd import BetaGeoModel, simulate_summary
from crmlib.errors import DataValidationError, ModelFitError, NotFittedError, ParameterError

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW / "reference" / "cdnow_customers_summary.csv", index_col="ID")


@pytest.fixture(scope="module")
def fitted(cdnow) -> BetaGeoModel:
    return crmlib.BetaGeoModel().fit(cdnow)


def test_reproduces_fader_hardie_lee_2005(fitted, cdnow):
    # Fader, Hardie & Lee (2005), CDNOW, 2,357 customers, 39 weeks of calibration:
    # r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4. The estimates are
    # published to 3 significant digits, so the tolerance is 1e-2 relative (1e-3 below
    # for the values lifetimes reports to more digits).
    assert set(fitted.params_) == {"r", "alpha", "a", "b"}
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert fitted.params_[name] == pytest.approx(value, rel=1e-2)
    assert fitted.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert fitted.n_customers_ == len(cdnow) == 2357


def test_agrees_with_lifetimes_published_outputs(fitted, cdnow):
    # lifetimes 0.11.3 on the same file (its documented outputs): params and standard
    # errors, E[X(39)] for a new customer, and the first customers' predictions.
    lifetimes_params = {"r": 0.242593, "alpha": 4.413532, "a": 0.792886, "b": 2.425752}
    lifetimes_errors = {"r": 0.012557, "alpha": 0.378221, "a": 0.185719, "b": 0.705345}
    for name in lifetimes_params:
        assert fitted.params_[name] == pytest.approx(lifetimes_params[name], rel=1e-4)
        assert fitted.standard_errors_[name] == pytest.approx(lifetimes_errors[name], rel=1e-3)
    assert fitted.expected_purchases(39) == pytest.approx(1.195016, rel=1e-5)
    head = cdnow.head(5)
    expected = fitted.conditional_expected_purchases(
        39, head["frequency"], head["recency"], head["T"]
    )
    np.testing.assert_allclose(
        expected, [1.225910, 0.203251, 0.194781, 0.194781, 0.194781], rtol=1e-5
    )
    alive = fitted.probability_alive(head["frequency"], head["recency"], head["T"])
    np.testing.assert_allclose(alive, [0.726609, 0.212227, 1, 1, 1], rtol=1e-5)
    assert isinstance(expected, pd.Series) and list(expected.index) == list(head.index)


def test_summary_table(fitted):
    table = fitted.summary
    assert list(table.index) == ["r", "alpha", "a", "b"]
    assert list(table.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert (table["lower_95"] < table["estimate"]).all()
    assert (table["estimate"] < table["upper_95"]).all()


def test_probability_of_purchases_sums_to_one_and_matches_the_mean(fitted):
    n = np.arange(400)
    probabilities = fitted.probability_of_purchases(39, n)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-6)
    assert (probabilities * n).sum() == pytest.approx(fitted.expected_purchases(39), rel=1e-4)


def test_conditional_expectation_is_bounded_where_the_closed_form_struggles(fitted):
    # very large frequency and horizon: finite, non-negative, no more than the rate allows
    frequency = np.array([0, 1, 30, 2000])
    expected = fitted.conditional_expected_purchases(1e6, frequency, [0, 10, 38, 38], 38.86)
    assert np.all(np.isfinite(expected)) and np.all(expected >= 0)
    assert fitted.conditional_expected_purchases(0, 5, 10, 20) == 0.0


def test_expected_purchases_grow_with_time(fitted):
    values = fitted.expected_purchases(np.array([0.0, 1, 10, 100, 1000]))
    assert values[0] == 0
    assert np.all(np.diff(values) > 0)


def test_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    summary = simulate_summary(20_000, **truth, T=52.0, seed=11)
    fitted = BetaGeoModel().fit(summary)
    for name, value in truth.items():
        # 20,000 customers: the estimates are within a few standard errors of the truth
        assert abs(fitted.params_[name] - value) < 4 * fitted.standard_errors_[name]


def test_weights_give_the_same_fit_as_repeated_rows(cdnow):
    condensed = cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    weighted = BetaGeoModel().fit(condensed, weights_col="n")
    plain = BetaGeoModel().fit(cdnow)
    for name in plain.params_:
        assert weighted.params_[name] == pytest.approx(plain.params_[name], rel=1e-5)


def test_large_whole_period_base_is_condensed_and_fits():
    ages = np.random.default_rng(3).integers(1, 53, 300_000).astype(float)
    summary = simulate_summary(
        300_000, 0.243, 4.414, 0.793, 2.426, ages, seed=4, whole_periods=True
    )
    fitted = BetaGeoModel().fit(summary)
    assert fitted.n_customers_ == 300_000
    assert np.all(np.isfinite(list(fitted.standard_errors_.values())))


def test_time_unit_does_not_change_the_model(cdnow):
    # the same summary in days instead of weeks: alpha scales by 7, the rest stays
    in_days = cdnow.assign(recency=cdnow["recency"] * 7, T=cdnow["T"] * 7)
    weeks = BetaGeoModel().fit(cdnow)
    days = BetaGeoModel().fit(in_days)
    assert days.params_["alpha"] == pytest.approx(7 * weeks.params_["alpha"], rel=1e-5)
    assert days.params_["r"] == pytest.approx(weeks.params_["r"], rel=1e-5)
    assert days.log_likelihood_ == pytest.approx(
        weeks.log_likelihood_ - np.log(7) * cdnow["frequency"].sum(), rel=1e-7
    )


def test_extreme_ages_and_no_dropout_still_predict():
    # customers who never drop out and buy at one rate push the estimates to the edge
    # of the parameter space; the predictions must still be finite and sensible
    rng = np.random.default_rng(8)
    n = 400
    ages = rng.uniform(50, 100, n)
    frequency = rng.poisson(0.1 * ages)
    recency = np.where(frequency > 0, ages - rng.uniform(0, 1, n), 0.0)
    summary = pd.DataFrame({"frequency": frequency, "recency": recency, "T": ages})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fitted = BetaGeoModel().fit(summary)
    expected = fitted.conditional_expected_purchases(10, frequency, recency, ages)
    assert np.all(np.isfinite(expected))
    # about 0.1 purchases a period for an active customer: about 1 in 10 periods
    assert np.median(expected) == pytest.approx(1.0, rel=0.3)
    huge = BetaGeoModel().fit(summary.assign(recency=recency * 1e6, T=ages * 1e6))
    assert huge.params_["r"] == pytest.approx(fitted.params_["r"], rel=1e-3)


def test_all_zero_frequencies_raise_a_clear_error():
    summary = pd.DataFrame({"frequency": [0] * 50, "recency": [0.0] * 50, "T": [10.0] * 50})
    with pytest.raises(ModelFitError, match="No customer made a repeat purchase"):
        BetaGeoModel().fit(summary)


def test_too_few_customers():
    summary = pd.DataFrame({"frequency": [1, 2, 0], "recency": [3.0, 5.0, 0.0], "T": [9.0] * 3})
    with pytest.raises(ModelFitError, match="at least 10 customers"):
        BetaGeoModel().fit(summary)


def test_bad_summaries_and_settings(cdnow):
    broken = cdnow.copy()
    broken.iloc[3, broken.columns.get_loc("recency")] = 99.0
    with pytest.raises(DataValidationError, match="recency are larger than T.*") as info:
        BetaGeoModel().fit(broken)
    assert info.value.rows == [5]
    with pytest.raises(ParameterError, match="penalizer"):
        BetaGeoModel(penalizer=-1).fit(cdnow)
    with pytest.raises(crmlib.MissingDataError, match="frequency"):
        BetaGeoModel().fit(cdnow.drop(columns="frequency"))


def test_penalizer_shrinks_the_parameters(cdnow):
    plain = BetaGeoModel().fit(cdnow)
    shrunk = BetaGeoModel(penalizer=0.1).fit(cdnow)
    assert shrunk.params_["b"] < plain.params_["b"]


def test_unfitted_model_says_so():
    model = BetaGeoModel()
    with pytest.raises(NotFittedError, match="not fitted"):
        model.probability_alive(1, 2, 3)
    with pytest.raises(NotFittedError):
        _ = model.summary
    assert "penalizer" in repr(model)


def test_prediction_inputs_are_checked(fitted):
    with pytest.raises(DataValidationError, match="recency are larger than T"):
        fitted.probability_alive([1, 2], [5.0, 9.0], [6.0, 8.0])
    with pytest.raises(ParameterError, match="t must be"):
        fitted.expected_purchases(-1)


def test_simulation_is_reproducible_and_consistent():
    first = simulate_summary(1000, 0.3, 5.0, 0.8, 2.5, T=20.0, seed=1, whole_periods=True)
    second = simulate_summary(1000, 0.3, 5.0, 0.8, 2.5, T=20.0, seed=1, whole_periods=True)
    pd.testing.assert_frame_equal(first, second)
    assert (first["recency"] <= first["T"]).all()
    assert (first.loc[first["frequency"] == 0, "recency"] == 0).all()
    with pytest.raises(ParameterError):
        simulate_summary(10, -1, 1, 1, 1, T=1)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:The 'mode.chained_assignment' option")
@pytest.mark.skipif(
    importlib.util.find_spec("lifetimes") is None,
    reason="lifetimes is not installed (it is only a benchmark extra)",
)
def test_agrees_with_lifetimes_on_simulated_data():
    from lifetimes import BetaGeoFitter

    summary = simulate_summary(30_000, 0.243, 4.414, 0.793, 2.426, T=39.0, seed=21)
    ours = BetaGeoModel().fit(summary)
    theirs = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    for name in ours.params_:
        assert ours.params_[name] == pytest.approx(float(theirs.params_[name]), rel=1e-3)
    sample = summary.head(200)
    np.testing.assert_allclose(
        ours.conditional_expected_purchases(
            10, sample["frequency"], sample["recency"], sample["T"]
        ),
        theirs.conditional_expected_number_of_purchases_up_to_time(
            10, sample["frequency"], sample["recency"], sample["T"]
        ),
        rtol=1e-3,
    )

"""Fit diagnoses: each way a lifetime-value fit can fail, on data built to make it fail."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.bgnbd import BetaGeoModel, simulate_summary
from crmlib.analytics.fit_quality import FitDiagnosis, activity_groups, combine
from crmlib.analytics.mbgnbd import ModifiedBetaGeoModel
from crmlib.analytics.pareto_nbd import ParetoNBDModel, simulate_pareto_nbd_summary

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"


def _fit(cls, summary):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return cls().fit(summary)


def test_activity_groups_by_hand():
    # a: 4 repeat purchases in 8 periods (every 2), last seen 1 period ago: active
    # b: same rhythm, last seen 7 periods ago (> 3 x 2): lapsed
    # c: same rhythm, 4 periods ago: neither
    # d: one-time buyer, gets the median interval of the repeat buyers (2): 20 ago, lapsed
    x = np.array([4, 4, 4, 0])
    recency = np.array([8.0, 8.0, 8.0, 0.0])
    T = np.array([9.0, 15.0, 12.0, 20.0])
    active, lapsed = activity_groups(x, recency, T)
    assert active.tolist() == [True, False, False, False]
    assert lapsed.tolist() == [False, True, False, True]


def test_cdnow_fits_are_ok_except_bgnbds_one_time_buyers():
    cdnow = pd.read_csv(CDNOW / "reference" / "cdnow_customers_summary.csv", index_col="ID")
    bg = _fit(BetaGeoModel, cdnow)
    assert bg.diagnosis_.status == "caveat"
    assert "60% of the customers made no repeat purchase" in bg.diagnosis_.reason
    assert "P(alive) = 1" in bg.diagnosis_.reason
    for cls in (ModifiedBetaGeoModel, ParetoNBDModel):
        diagnosis = _fit(cls, cdnow).diagnosis_
        assert diagnosis.status == "ok", diagnosis.reason
        assert "active customers" in diagnosis.reason


def test_no_dropout_in_the_data_gives_the_same_p_alive_to_everyone():
    # Pure NBD buying, nobody ever leaves (mean lifetime 1e8 periods): the dropout
    # parameters run off (a ~ 1e-5, b ~ 1e4, the invoices' case) and every customer gets
    # P(alive) = 1, including those who missed three of their usual purchases.
    summary = simulate_pareto_nbd_summary(
        3000, 0.5, 10.0, 0.01, 1e6, T=52, seed=1, whole_periods=True
    )
    bg = _fit(BetaGeoModel, summary)
    assert bg.params_["a"] < 1e-3 and bg.params_["b"] > 1e3
    assert bg.diagnosis_.status == "unavailable"
    assert "about the same probability of being alive (100% and 100%" in bg.diagnosis_.reason
    assert "implausibly extreme parameter" in bg.diagnosis_.reason
    assert not bg.diagnosis_.usable
    for cls in (ModifiedBetaGeoModel, ParetoNBDModel):
        assert _fit(cls, summary).diagnosis_.status == "unavailable"


def _summary_of(summary):
    columns = ("frequency", "recency", "T")
    x, recency, T = (summary[c].to_numpy(dtype=float) for c in columns)
    return x, recency, T, np.ones(len(x))


def test_a_fit_on_a_ridge_is_never_ok():
    # BG/NBD data with almost no dropout (a = 0.01, b = 100): the likelihood keeps rising
    # along a ridge of ever larger a and b. Where the optimiser stops on it depends on the
    # processor's floating point (with or without AVX-512): it either does not converge
    # or stops at implausibly extreme values, and neither is reported as a fit.
    summary = simulate_summary(3000, 0.5, 4.0, 0.01, 100.0, T=52, seed=2, whole_periods=True)
    model = _fit(BetaGeoModel, summary)
    assert model.diagnosis_.status != "ok"
    if not model.converged_:
        assert model.diagnosis_.status == "unavailable"
        assert model.diagnosis_.reason.startswith("The BG/NBD fit did not converge")
    else:
        assert "implausibly extreme parameter" in model.diagnosis_.reason


def test_a_fit_that_does_not_converge_is_unavailable():
    from crmlib.analytics.fit_quality import diagnose_purchase_model

    cdnow = pd.read_csv(CDNOW / "reference" / "cdnow_customers_summary.csv", index_col="ID")
    model = _fit(ModifiedBetaGeoModel, cdnow)
    assert model.diagnosis_.status == "ok"
    # the same estimates, had the optimiser stopped before its optimum
    model.converged_ = False
    diagnosis = diagnose_purchase_model(model, *_summary_of(cdnow))
    assert diagnosis.status == "unavailable"
    assert diagnosis.reason.startswith("The MBG/NBD fit did not converge")


def test_a_parameter_at_its_bound_is_unavailable_and_warns():
    from crmlib.analytics.fit_quality import diagnose_purchase_model

    # everyone bought in every one of 20 periods: no heterogeneity, no dropout. The dropout
    # rate s runs toward 0; whether it reaches the edge of its range (1.39e-11) before the
    # optimiser stops depends on the processor's floating point.
    summary = pd.DataFrame(
        {"frequency": np.full(200, 20), "recency": np.full(200, 20.0), "T": np.full(200, 20.0)}
    )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", RuntimeWarning)
        model = ParetoNBDModel().fit(summary)
    assert model.diagnosis_.status == "unavailable"
    assert model.params_["s"] < 1e-6
    edge = [w for w in seen if "edge of its range" in str(w.message)]
    assert bool(edge) == bool(model.at_bound_)
    # at the edge, the diagnosis says so (and the fit is unavailable)
    model.at_bound_, model.converged_ = ["s"], True
    model.params_ = {**model.params_, "s": float(np.exp(-25.0))}
    diagnosis = diagnose_purchase_model(model, *_summary_of(summary))
    assert diagnosis.status == "unavailable"
    assert "ran to the edge of its range (s = 1.39e-11)" in diagnosis.reason


def test_extreme_parameters_alone_give_a_caveat():
    summary = pd.DataFrame(
        {"frequency": np.full(200, 20), "recency": np.full(200, 20.0), "T": np.full(200, 20.0)}
    )
    model = _fit(BetaGeoModel, summary)
    assert model.converged_ and model.at_bound_ == []
    assert model.diagnosis_.status == "caveat"
    assert model.diagnosis_.reason.startswith("BG/NBD: implausibly extreme parameter (r = ")


def test_combine_takes_the_worst_status_first():
    diagnosis = combine([("caveat", "C."), ("unavailable", "U.")], "fine")
    assert diagnosis.status == "unavailable"
    assert diagnosis.reason == "U. C."
    assert combine([], "fine") == FitDiagnosis("ok", "fine", ())
    with pytest.raises(ValueError):
        FitDiagnosis("good", "no such status")

"""The shared base of the lifetime-value models: scikit-learn shape, public import paths."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlib
from crmlib.analytics.bgnbd import BetaGeoModel, simulate_summary
from crmlib.analytics.gamma_gamma import GammaGammaModel
from crmlib.analytics.ltv_base import LifetimeModel, RepeatPurchaseModel
from crmlib.analytics.ltv_fitting import aggregate_rows, with_numeric_gradient
from crmlib.analytics.mbgnbd import ModifiedBetaGeoModel
from crmlib.analytics.pareto_nbd import ParetoNBDModel
from crmlib.errors import NotFittedError, ParameterError

ROOT = Path(__file__).resolve().parents[2]
PURCHASE_MODELS = (BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel)


def test_public_names_and_import_paths_still_work():
    from crmlib.analytics.bgnbd import discounted_expected_purchases  # noqa: F401
    from crmlib.analytics.clv import BetaGeoModel as FromClv

    assert crmlib.BetaGeoModel is BetaGeoModel is FromClv
    assert crmlib.GammaGammaModel is GammaGammaModel
    assert crmlib.ParetoNBDModel is ParetoNBDModel
    assert crmlib.ModifiedBetaGeoModel is ModifiedBetaGeoModel
    for name in crmlib._LAZY:
        assert getattr(crmlib, name) is not None


@pytest.mark.parametrize("cls", [*PURCHASE_MODELS, GammaGammaModel])
def test_scikit_learn_shape(cls):
    assert issubclass(cls, LifetimeModel)
    model = cls(penalizer=0.1)
    # __init__ stores settings only
    assert vars(model) == {"penalizer": 0.1}
    with pytest.raises(NotFittedError, match=f"This {cls.__name__} is not fitted yet"):
        _ = model.summary
    assert repr(model) == f"{cls.__name__}(penalizer=0.1)"


@pytest.mark.parametrize("cls", PURCHASE_MODELS)
def test_fit_returns_self_with_the_fitted_attributes(cls):
    summary = simulate_summary(3000, 0.25, 4.0, 0.8, 2.5, T=39.0, seed=4)
    model = cls()
    assert issubclass(cls, RepeatPurchaseModel)
    assert model.fit(summary) is model
    assert list(model.params_) == list(cls.param_names)
    assert list(model.summary.index) == list(cls.param_names)
    assert model.summary.columns.tolist() == ["estimate", "std_error", "lower_95", "upper_95"]
    assert model.diagnosis.status in {"ok", "caveat", "unavailable"}
    assert model.log_likelihood(summary) == pytest.approx(model.log_likelihood_, rel=1e-9)
    with pytest.raises(NotFittedError):
        cls().diagnosis  # noqa: B018
    with pytest.raises(ParameterError):
        cls(penalizer=-1.0).fit(summary)


@pytest.mark.parametrize("cls", PURCHASE_MODELS)
def test_discounted_purchases_work_for_every_purchase_model(cls):
    from crmlib.analytics.bgnbd import discounted_expected_purchases

    summary = simulate_summary(2000, 0.25, 4.0, 0.8, 2.5, T=39.0, seed=4)
    model = cls().fit(summary)
    head = summary.head(20)
    plain = discounted_expected_purchases(
        model, head["frequency"], head["recency"], head["T"], discount_rate_monthly=0.0
    )
    direct = model.conditional_expected_purchases(
        12 * 365.25 / 12 / 7, head["frequency"], head["recency"], head["T"]
    )
    np.testing.assert_allclose(plain, direct, rtol=1e-9)


def test_numeric_gradient_of_a_quadratic():
    objective = with_numeric_gradient(lambda p: float(p @ p + 3 * p[0]))
    value, gradient = objective(np.array([1.0, -2.0]))
    assert value == pytest.approx(8.0)
    np.testing.assert_allclose(gradient, [5.0, -4.0], rtol=1e-8)


def test_aggregate_rows_adds_up_weights():
    x = np.tile([0.0, 1.0], 600)
    (merged,), weights = aggregate_rows(x, weights=np.ones(1200))
    assert sorted(zip(merged.tolist(), weights.tolist(), strict=True)) == [(0, 600), (1, 600)]


def test_no_module_imports_a_private_name_of_the_value_modules():
    # the lifetime-value modules share only public names (issue: one fitter base)
    modules = ["bgnbd", "gamma_gamma", "mbgnbd", "pareto_nbd", "ltv_base", "ltv_fitting"]
    modules += ["fit_quality", "model_choice", "clv", "summary"]
    offenders = []
    for path in (ROOT / "crmlib").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.rsplit(".", 1)[-1] not in modules:
                    continue
                offenders += [
                    f"{path.name}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                ]
    assert offenders == []


def test_summary_helpers_keep_their_old_names():
    from crmlib.analytics import summary

    assert summary._require_columns is summary.require_columns
    assert summary._sheet_rows is summary.sheet_rows
    pd.testing.assert_index_equal(pd.Index([1]), pd.Index([1]))

"""Fit the lifetime-value models once, and say how far the fit can be trusted.

:func:`fit_lifetime_models` is the one place the customer base fits its purchase and
value models. Today it fits BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader &
Hardie 2013); a model choice on a calibration/holdout split can replace the purchase
model here without touching any caller, because callers only read a
:class:`LifetimeFit`: the fitted models, or why there are none, and a status.

The checks are deliberately minimal: did the optimiser converge, did a parameter run to
the edge of its range (the models warn about it), and does the model tell active from
lapsed customers apart (a BG/NBD that gives everybody P(alive) = 1 does not).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmlib.analytics.bgnbd import BetaGeoModel
from crmlib.analytics.gamma_gamma import GammaGammaModel
from crmlib.errors import ModelFitError

#: Below this gap between the mean P(alive) of active and of lapsed customers, the model
#: does not tell them apart (e.g. a BG/NBD fit with almost no dropout gives both ~1).
MIN_ALIVE_GAP = 0.05


@dataclass
class LifetimeFit:
    """The fitted lifetime-value models of one customer base, and their status.

    Attributes
    ----------
    purchase_model, value_model : fitted model or None
        BG/NBD and Gamma-Gamma; None when they could not be fitted.
    purchase_model_name, value_model_name : str
    status : {"ok", "caveat", "unavailable"}
        ``unavailable`` when the purchase model could not be fitted; ``caveat`` when it
        did not converge, hit a bound, or gives active and lapsed customers the same
        P(alive), or when only the value model failed.
    reasons : list of str
        Why the status is not ok, in words.
    params : dict
        The parameters of each fitted model, by model name.
    """

    purchase_model: Any = None
    value_model: Any = None
    purchase_model_name: str = "BG/NBD"
    value_model_name: str = "Gamma-Gamma"
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    params: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """The status, as stored beside a cached base (the models themselves are not)."""
        return {
            "purchase_model": self.purchase_model_name,
            "value_model": self.value_model_name,
            "status": self.status,
            "reasons": list(self.reasons),
            "params": self.params,
        }


def restore_fit(stored: dict[str, Any]) -> LifetimeFit:
    """A :class:`LifetimeFit` from :meth:`LifetimeFit.to_dict`, with models that predict.

    The models get their fitted parameters back, so ``probability_alive``,
    ``conditional_expected_purchases`` and ``conditional_expected_average_value`` work
    without fitting again; standard errors and the parameter table are not restored.
    """
    fit = LifetimeFit(
        purchase_model_name=stored["purchase_model"],
        value_model_name=stored["value_model"],
        status=stored["status"],
        reasons=list(stored["reasons"]),
        params={name: dict(values) for name, values in stored["params"].items()},
    )
    for name, model_class, slot in (
        (fit.purchase_model_name, BetaGeoModel, "purchase_model"),
        (fit.value_model_name, GammaGammaModel, "value_model"),
    ):
        if name in fit.params:
            model = model_class()
            model.params_ = dict(fit.params[name])
            setattr(fit, slot, model)
    return fit


def _fit_quietly(model: Any, summary: pd.DataFrame) -> tuple[Any, bool]:
    """Fit ``model``; True as second value when it warned that a parameter hit a bound."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(summary)
    at_bound = any("edge of its range" in str(w.message) for w in caught)
    return model, at_bound


def _converged(model: Any) -> bool:
    """The optimiser's own verdict, or else a finite, positive-definite optimum.

    scipy's L-BFGS-B often stops with "abnormal termination in line search" at an
    optimum it cannot improve on to machine precision; the models then polish it with
    Newton steps. Finite standard errors (a positive-definite Hessian) show that the
    polished point is a proper maximum, so only both failing counts as not converged.
    """
    if getattr(model, "converged_", True):
        return True
    errors = np.array(list(getattr(model, "standard_errors_", {}).values()), dtype=float)
    return bool(errors.size) and bool(np.all(np.isfinite(errors) & (errors > 0)))


def fit_lifetime_models(summary: pd.DataFrame, active: pd.Series) -> LifetimeFit:
    """Fit the purchase and value models once on a base's summary, and check them.

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmlib.summarize_transactions`: ``frequency``, ``recency``, ``T``,
        ``monetary_value``, indexed by customer.
    active : Series of bool
        Indexed like ``summary``: True for customers who bought in the analysis window,
        False for lapsed ones; used to check that P(alive) tells them apart.

    Returns
    -------
    LifetimeFit
    """
    fit = LifetimeFit()
    try:
        bg, at_bound = _fit_quietly(BetaGeoModel(), summary)
    except ModelFitError as exc:
        fit.status = "unavailable"
        fit.reasons.append(f"no purchase forecast: {exc}")
        return fit
    fit.purchase_model = bg
    fit.params[fit.purchase_model_name] = dict(bg.params_)
    if not _converged(bg):
        fit.reasons.append("the BG/NBD fit did not converge")
    if at_bound:
        fit.reasons.append(
            "a BG/NBD parameter reached the edge of its range, so the data hardly inform it"
        )
    alive = np.asarray(
        bg.probability_alive(summary["frequency"], summary["recency"], summary["T"]), dtype=float
    )
    is_active = active.reindex(summary.index).fillna(False).to_numpy(dtype=bool)
    if is_active.any() and (~is_active).any():
        gap = float(alive[is_active].mean() - alive[~is_active].mean())
        if gap < MIN_ALIVE_GAP:
            fit.reasons.append(
                f"P(alive) is about the same for active ({alive[is_active].mean():.0%}) and "
                f"lapsed customers ({alive[~is_active].mean():.0%}), so the model does not "
                "tell them apart"
            )
    # returns can make a period's value 0 or negative; Gamma-Gamma models positive values
    usable = summary[(summary["frequency"] == 0) | (summary["monetary_value"] > 0)]
    try:
        gg, gg_bound = _fit_quietly(GammaGammaModel(), usable)
    except ModelFitError as exc:
        fit.reasons.append(f"no value forecast: {exc}")
    else:
        fit.value_model = gg
        fit.params[fit.value_model_name] = dict(gg.params_)
        if not _converged(gg) or gg_bound:
            fit.reasons.append("the Gamma-Gamma fit did not converge cleanly")
    if fit.reasons:
        fit.status = "caveat"
    return fit

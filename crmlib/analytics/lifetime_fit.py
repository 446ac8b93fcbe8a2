"""Fit the lifetime-value models once, and say how far the fit can be trusted.

:func:`fit_lifetime_models` is the one place the customer base fits its purchase and
value models. The purchase model is chosen per company among BG/NBD, MBG/NBD and
Pareto/NBD by :func:`crmlib.analytics.model_choice.choose_purchase_model`: each is fitted
on a calibration period and scored on the holdout that follows, and the best is fitted
again on the whole history. When the history is too short for a holdout, every candidate
is fitted on all data, the best usable one by log-likelihood is kept, and the status says
that the choice could not be checked. The value model is Gamma-Gamma (Fader & Hardie 2013).

Callers only read a :class:`LifetimeFit`: the fitted models, or why there are none, the
holdout comparison (``model_choice``) and a status. A fit whose diagnosis
(:mod:`crmlib.analytics.fit_quality`) is ``unavailable`` (it did not converge, a parameter
ran to its bound, or P(alive) does not tell active from lapsed customers) gives no purchase
model at all, so nothing downstream can present its numbers as fact.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmlib.analytics.bgnbd import BetaGeoModel
from crmlib.analytics.gamma_gamma import GammaGammaModel
from crmlib.analytics.mbgnbd import ModifiedBetaGeoModel
from crmlib.analytics.model_choice import (
    CANDIDATES,
    PARAMETER_COLUMNS,
    ModelChoice,
    choose_purchase_model,
)
from crmlib.analytics.pareto_nbd import ParetoNBDModel
from crmlib.errors import ModelFitError
from crmlib.formatting import percent
from crmlib.text import Safe, sentence, translate

#: Below this gap between the mean P(alive) of active and of lapsed customers, the model
#: does not tell them apart (e.g. a BG/NBD fit with almost no dropout gives both ~1).
MIN_ALIVE_GAP = 0.05

#: the purchase models the base can restore from their parameters, by name
PURCHASE_MODELS = {
    cls.model_name: cls for cls in (BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel)
}


@dataclass
class LifetimeFit:
    """The fitted lifetime-value models of one customer base, and their status.

    Attributes
    ----------
    purchase_model, value_model : fitted model or None
        The chosen purchase model (BG/NBD, MBG/NBD or Pareto/NBD) and Gamma-Gamma; None
        when they could not be fitted or their fit is not usable.
    purchase_model_name, value_model_name : str
    status : {"ok", "caveat", "unavailable"}
        ``unavailable`` when no purchase model gives a usable fit (its numbers are then
        not shown at all); ``caveat`` when the choice could not be checked on a holdout,
        the chosen model has a reservation, P(alive) hardly differs between the window's
        buyers and the others, or only the value model failed.
    reasons : list of str
        Why the status is not ok, in words.
    params : dict
        The parameters of each fitted model, by model name.
    model_choice : ModelChoice or None
        The holdout comparison of the candidate purchase models (its ``comparison``
        table has one row per model with the predicted and actual holdout purchases and
        the errors; ``chosen`` marks the chosen one). Its ``status`` is ``unavailable``
        when the history was too short to compare them.
    """

    purchase_model: Any = None
    value_model: Any = None
    purchase_model_name: str = "BG/NBD"
    value_model_name: str = "Gamma-Gamma"
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    params: dict[str, dict[str, float]] = field(default_factory=dict)
    model_choice: ModelChoice | None = None

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    @property
    def comparison(self) -> pd.DataFrame:
        """The holdout comparison table (empty when no comparison was possible)."""
        if self.model_choice is None:
            return _choice_from_dict(None).comparison
        return self.model_choice.comparison

    def to_dict(self) -> dict[str, Any]:
        """The status, as stored beside a cached base (the models themselves are not)."""
        return {
            "purchase_model": self.purchase_model_name,
            "value_model": self.value_model_name,
            "status": self.status,
            "reasons": list(self.reasons),
            "params": self.params,
            "purchase_model_usable": self.purchase_model is not None,
            "model_choice": _choice_to_dict(self.model_choice),
        }


#: the columns of ModelChoice.comparison, as crmlib.analytics.model_choice documents them
COMPARISON_COLUMNS = (
    "model",
    "status",
    "reason",
    *PARAMETER_COLUMNS,
    "log_likelihood",
    "predicted",
    "actual",
    "total_error_pct",
    "mae",
    "chosen",
)


def _empty_comparison() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COMPARISON_COLUMNS})


def _choice_to_dict(choice: ModelChoice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    table = choice.comparison.astype(object).where(choice.comparison.notna(), None)
    # plain Python values, so the JSON on disk reads back the same (no numpy scalars)
    table["chosen"] = [bool(v) for v in choice.comparison["chosen"]]
    return {
        "status": choice.status,
        "reason": choice.reason,
        "chosen": choice.chosen,
        "calibration_end": None
        if choice.calibration_end is None
        else choice.calibration_end.date().isoformat(),
        "observation_end": None
        if choice.observation_end is None
        else choice.observation_end.date().isoformat(),
        "holdout_periods": float(choice.holdout_periods),
        "comparison": table.to_dict(orient="records"),
    }


def _choice_from_dict(stored: dict[str, Any] | None, model: Any = None) -> ModelChoice:
    """A :class:`ModelChoice` from :func:`_choice_to_dict` (the chosen model re-attached)."""
    empty = _empty_comparison()
    if stored is None:
        return ModelChoice("unavailable", translate("no model comparison was made"), empty)
    rows = stored.get("comparison") or []
    table = pd.DataFrame(rows, columns=empty.columns) if rows else empty
    for column in ("log_likelihood", "predicted", "actual", "total_error_pct", "mae", "r",
                   "alpha", "a", "b", "s", "beta"):  # fmt: skip
        table[column] = pd.to_numeric(table[column], errors="coerce")
    if len(table):
        table["chosen"] = table["chosen"].fillna(False).astype(bool)

    def when(value: Any) -> pd.Timestamp | None:
        return None if value is None else pd.Timestamp(value)

    return ModelChoice(
        str(stored["status"]),
        str(stored["reason"]),
        table,
        chosen=stored.get("chosen"),
        model=model if stored.get("chosen") else None,
        calibration_end=when(stored.get("calibration_end")),
        observation_end=when(stored.get("observation_end")),
        holdout_periods=float(stored.get("holdout_periods") or 0.0),
    )


def restore_fit(stored: dict[str, Any]) -> LifetimeFit:
    """A :class:`LifetimeFit` from :meth:`LifetimeFit.to_dict`, with models that predict.

    The models get their fitted parameters back, so ``probability_alive``,
    ``conditional_expected_purchases`` and ``conditional_expected_average_value`` work
    without fitting again; standard errors and the parameter table are not restored.
    The holdout comparison comes back as a :class:`ModelChoice`. A purchase model whose
    fit was not usable stays None, as it was when the base was built.
    """
    fit = LifetimeFit(
        purchase_model_name=stored["purchase_model"],
        value_model_name=stored["value_model"],
        status=stored["status"],
        reasons=list(stored["reasons"]),
        params={name: dict(values) for name, values in stored["params"].items()},
    )
    usable = bool(stored.get("purchase_model_usable", True))
    purchase_class = PURCHASE_MODELS.get(fit.purchase_model_name, BetaGeoModel)
    for name, model_class, slot, wanted in (
        (fit.purchase_model_name, purchase_class, "purchase_model", usable),
        (fit.value_model_name, GammaGammaModel, "value_model", True),
    ):
        if wanted and name in fit.params:
            model = model_class()
            model.params_ = dict(fit.params[name])
            setattr(fit, slot, model)
    fit.model_choice = _choice_from_dict(stored.get("model_choice"), fit.purchase_model)
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


def _fit_without_holdout(summary: pd.DataFrame, why: str) -> tuple[Any, list[str], str]:
    """Fit every candidate on all data; keep the best usable one by log-likelihood.

    The three models describe the same purchase histories, so their log-likelihoods on
    the same summary are comparable; the one that explains the data best is kept. The
    status is at best ``caveat``: its forecasts were not checked against any holdout.

    Returns
    -------
    model or None, reasons, status
    """
    fitted: list[tuple[int, float, Any]] = []
    failures: list[str] = []
    for cls in CANDIDATES:
        try:
            model, _ = _fit_quietly(cls(), summary)
        except ModelFitError as exc:
            failures.append(sentence("{model}: {error}", model=cls.model_name, error=str(exc)))
            continue
        diagnosis = model.diagnosis_
        if not diagnosis.usable:
            failures.append(diagnosis.reason)
            continue
        rank = 0 if diagnosis.status == "ok" else 1
        fitted.append((rank, -float(model.log_likelihood_), model))
    unchecked = sentence(
        "the lifetime-value model could not be checked on a holdout ({why})",
        why=Safe(why.rstrip(".")),
    )
    if not fitted:
        failed = sentence(
            "no model gave a usable fit: {failures}", failures=Safe(" ".join(failures))
        )
        return None, [unchecked, failed], "unavailable"
    fitted.sort(key=lambda item: item[:2])
    model = fitted[0][2]
    reasons = [
        sentence(
            "{unchecked}; {model} was kept as the best-fitting usable model on all data, so "
            "its forecasts are unverified",
            unchecked=unchecked,
            model=model.model_name,
        )
    ]
    if model.diagnosis_.status == "caveat":
        reasons.append(model.diagnosis_.reason)
    return model, reasons, "caveat"


def fit_lifetime_models(
    summary: pd.DataFrame,
    active: pd.Series,
    tx: pd.DataFrame | None = None,
    *,
    observation_end: object = None,
    freq: str = "W",
    choice: ModelChoice | None = None,
) -> LifetimeFit:
    """Choose and fit the purchase model, fit the value model, and check both.

    Parameters
    ----------
    summary : DataFrame
        From :func:`crmlib.summarize_transactions` over the whole history:
        ``frequency``, ``recency``, ``T``, ``monetary_value``, indexed by customer.
    active : Series of bool
        Indexed like ``summary``: True for customers who bought in the analysis window,
        False for lapsed ones; used to check that P(alive) tells them apart.
    tx : DataFrame, optional
        The transactions ``summary`` was built from (``customer_id``, ``date``). With
        them the purchase model is chosen on a calibration/holdout split; without them
        (or with too short a history) every candidate is fitted on all data and the
        status says the choice could not be checked.
    observation_end : date-like, optional
        The end of the history (the holdout's end).
    freq : {"D", "W", "M"}, default "W"
        The period unit of ``summary``.
    choice : ModelChoice, optional
        The choice already made on the calibration/holdout split (e.g. by the
        database engine's split); ``tx`` is then not needed.

    Returns
    -------
    LifetimeFit
    """
    fit = LifetimeFit()
    model: Any = None
    if choice is None and tx is not None:
        choice = choose_purchase_model(tx, observation_end=observation_end, freq=freq)
    if choice is not None:
        fit.model_choice = choice
        if choice.model is not None:
            model = choice.model
            if choice.status != "ok":
                fit.reasons.append(choice.reason)
        elif not choice.comparison.empty:
            # there was a holdout, and no candidate gave a usable forecast on it
            fit.status = "unavailable"
            fit.reasons.append(sentence("no purchase forecast: {why}", why=Safe(choice.reason)))
            return fit
        else:
            why = choice.reason
    else:
        why = translate("no transactions were given to split into calibration and holdout")
    if model is None:
        model, reasons, status = _fit_without_holdout(summary, why)
        fit.reasons += reasons
        if model is None:
            fit.status = "unavailable"
            return fit
    fit.purchase_model_name = model.model_name
    fit.params[fit.purchase_model_name] = dict(model.params_)
    fit.purchase_model = model
    alive = np.asarray(
        model.probability_alive(summary["frequency"], summary["recency"], summary["T"]),
        dtype=float,
    )
    is_active = active.reindex(summary.index).fillna(False).to_numpy(dtype=bool)
    if is_active.any() and (~is_active).any():
        gap = float(alive[is_active].mean() - alive[~is_active].mean())
        if gap < MIN_ALIVE_GAP:
            fit.reasons.append(
                sentence(
                    "P(alive) is about the same for active ({active}) and lapsed customers "
                    "({lapsed}), so the model does not tell them apart",
                    active=percent(alive[is_active].mean()),
                    lapsed=percent(alive[~is_active].mean()),
                )
            )
    # returns can make a period's value 0 or negative; Gamma-Gamma models positive values
    usable = summary[(summary["frequency"] == 0) | (summary["monetary_value"] > 0)]
    try:
        gg, gg_bound = _fit_quietly(GammaGammaModel(), usable)
    except ModelFitError as exc:
        fit.reasons.append(sentence("no value forecast: {error}", error=str(exc)))
    else:
        fit.value_model = gg
        fit.params[fit.value_model_name] = dict(gg.params_)
        if not _converged(gg) or gg_bound:
            fit.reasons.append(translate("the Gamma-Gamma fit did not converge cleanly"))
    if fit.reasons:
        fit.status = "caveat"
    return fit

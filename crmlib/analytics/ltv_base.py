"""The base classes of the lifetime-value models, in the shape of scikit-learn.

``__init__`` only stores settings; ``fit`` checks the input, estimates, sets the
fitted attributes (ending in ``_``) and returns ``self``; asking an unfitted model for
parameters or predictions raises :class:`~crmlib.errors.NotFittedError`. Every model
has a ``summary`` table of its estimates and a ``diagnosis_`` saying whether its fit
can be trusted (:mod:`crmlib.analytics.fit_quality`).

- :class:`LifetimeModel` holds what every model shares (settings, parameters, the
  summary table, the not-fitted check).
- :class:`RepeatPurchaseModel` adds the fit and the predictions of the models of
  repeat purchasing on (frequency, recency, T): BG/NBD, MBG/NBD and Pareto/NBD. A
  model supplies only its likelihood, its starting points and its prediction formulas.

The layout follows pymc-marketing's ``clv/models`` (a shared base over the models,
shared maths in one module) without its Bayesian stack.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmlib.analytics.fit_quality import FitDiagnosis, diagnose_purchase_model
from crmlib.analytics.ltv_fitting import (
    GRADIENT_TOLERANCE,
    LOG_BOUND,
    aggregate_rows,
    check_horizon,
    check_penalizer,
    log_scale_errors,
    minimize_log_params,
    newton_polish,
    newton_with_hessian,
    numeric_hessian,
    parameter_table,
    read_weighted_summary,
    wrap_like,
)
from crmlib.analytics.summary import check_history
from crmlib.errors import ModelFitError, NotFittedError
from crmlib.formatting import count
from crmlib.text import translate

#: above this many distinct histories, a subsample fit starts the fit on the whole base
LARGE_BASE = 200_000


class LifetimeModel:
    """What every lifetime-value model shares: settings, parameters and their table.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters (on the model's rescaled axes), which keeps
        estimates finite on very small or degenerate bases. 0 gives the plain
        maximum-likelihood estimate, as published.
    """

    #: the model's name in messages, e.g. "BG/NBD"
    model_name: ClassVar[str] = "lifetime-value"
    #: parameter names, in the order of the optimiser's vector
    param_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def __repr__(self) -> str:
        name = type(self).__name__
        if hasattr(self, "params_"):
            shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            return f"{name}({shown})"
        return f"{name}(penalizer={self.penalizer})"

    def _params(self) -> dict[str, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(summary) before "
                "asking for parameters or predictions"
            )
        return self.params_

    @property
    def summary(self) -> pd.DataFrame:
        """Parameter table: ``estimate``, ``std_error``, ``lower_95``, ``upper_95``.

        The 95 % intervals are computed on the log scale, so they stay positive.
        """
        return parameter_table(self._params(), self._log_errors)

    def _store(
        self,
        log_params: np.ndarray,
        hessian: np.ndarray,
        total_weight: float,
        units: np.ndarray,
    ) -> None:
        """Set ``params_``, ``standard_errors_`` and the bound flags from the optimum."""
        natural = np.exp(log_params)
        log_errors = log_scale_errors(hessian, total_weight)
        names = self.param_names
        self.params_ = {n: float(v) for n, v in zip(names, natural * units, strict=True)}
        self.standard_errors_ = {
            n: float(v) for n, v in zip(names, natural * units * log_errors, strict=True)
        }
        self._log_errors = log_errors
        self.at_bound_ = [
            n for n, v in zip(names, log_params, strict=True) if abs(v) > LOG_BOUND - 1e-3
        ]


class RepeatPurchaseModel(LifetimeModel):
    """Base of the models of repeat purchasing fitted on (frequency, recency, T).

    A subclass sets ``model_name``, ``param_names`` and ``time_params`` (the
    parameters measured in periods, rescaled with the time axis) and implements
    ``_likelihood``, ``_starts``, ``_probability_alive`` and ``_conditional_expected``.

    Attributes (after ``fit``)
    --------------------------
    params_ : dict
        The estimates, keyed as ``lifetimes`` names them.
    standard_errors_ : dict
        Standard errors (from the Hessian at the optimum).
    log_likelihood_ : float
        Log-likelihood at the optimum, in the time unit of the summary.
    n_customers_ : int
        Number of customers fitted (sum of the weights).
    max_frequency_, max_T_ : float
        Largest frequency and age seen.
    converged_ : bool
        Whether the optimiser reported convergence.
    at_bound_ : list of str
        Parameters that reached the edge of their range (the data hardly inform them).
    diagnosis_ : FitDiagnosis
        Whether the fit can be trusted, in words (see :mod:`crmlib.analytics.fit_quality`).
    """

    #: fewer customers than this carry too little information for four parameters
    min_customers: ClassVar[int] = 10
    #: parameters in units of time (rescaled with the time axis while fitting)
    time_params: ClassVar[tuple[str, ...]] = ("alpha",)
    #: whether a customer can be "dead" without a repeat purchase (not so in BG/NBD)
    one_time_buyers_can_lapse: ClassVar[bool] = True

    # -- to be provided by each model ----------------------------------------------------

    def _likelihood(
        self, x: np.ndarray, recency: np.ndarray, T: np.ndarray, weights: np.ndarray
    ) -> Any:
        """Objective on log-parameters (value, gradient), with ``log_likelihood(natural)``
        and ``total`` (the sum of the weights)."""
        raise NotImplementedError

    def _starts(self, x: np.ndarray, T: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
        """Starting points in log-parameters, on the time axis rescaled to max T = 1."""
        raise NotImplementedError

    @staticmethod
    def _probability_alive(
        params: dict[str, float], x: np.ndarray, recency: np.ndarray, T: np.ndarray
    ) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def _conditional_expected(
        params: dict[str, float],
        t: np.ndarray,
        x: np.ndarray,
        recency: np.ndarray,
        T: np.ndarray,
    ) -> np.ndarray:
        raise NotImplementedError

    # -- fitting --------------------------------------------------------------------------

    def fit(
        self,
        summary: pd.DataFrame,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
        weights_col: str | None = None,
    ) -> RepeatPurchaseModel:
        """Estimate the parameters from a per-customer summary.

        Parameters
        ----------
        summary : DataFrame
            One row per customer, e.g. from :func:`crmlib.summarize_transactions`.
        frequency_col, recency_col, T_col : str
            Column names.
        weights_col : str, optional
            Number of customers each row stands for (for a summary already condensed
            to distinct histories).

        Returns
        -------
        self
            Fitted.

        Raises
        ------
        ParameterError
            If ``penalizer`` is negative.
        MissingDataError, DataValidationError
            If the summary lacks a column or has impossible values.
        ModelFitError
            If the base is too small, nobody made a repeat purchase, or the likelihood
            cannot be maximised.
        """
        penalizer = check_penalizer(self.penalizer)
        x, recency, T, weights = read_weighted_summary(
            summary, frequency_col, recency_col, T_col, weights_col
        )
        n_customers = float(weights.sum())
        name = self.model_name
        if n_customers < self.min_customers:
            raise ModelFitError(
                translate(
                    "{name} needs at least {minimum} customers to estimate its {parameters} "
                    "parameters; the summary has {n}"
                ).format(
                    name=name,
                    minimum=count(self.min_customers),
                    parameters=count(len(self.param_names)),
                    n=count(n_customers),
                )
            )
        if not np.any((x > 0) & (weights > 0)):
            raise ModelFitError(
                translate(
                    "No customer made a repeat purchase (every frequency is 0), so {name} "
                    "cannot estimate purchase or dropout rates. Use a longer history or a "
                    "shorter period unit (freq)"
                ).format(name=name)
            )
        if not np.any(T > 0):
            raise ModelFitError(
                translate(
                    "Every customer has age T = 0, so {name} has no time to learn from. Use a "
                    "later observation end"
                ).format(name=name)
            )
        original = (x, recency, T, weights)
        scale = float(T.max())
        raw = (x, recency / scale, T / scale, weights)
        (x, rec, age), w = aggregate_rows(*raw[:3], weights=weights)

        self._penalty = penalizer
        starts = self._starts(x, age, w)
        likelihood = self._likelihood(x, rec, age, w)
        done = False
        if len(x) > LARGE_BASE:
            # A random 5 % of the customers gets close to the optimum cheaply, and its
            # Hessian is close to the full one; Newton steps with it then need a handful
            # of passes over the whole base instead of dozens.
            # (customers drawn in proportion to their weight, so each counts once)
            rng = np.random.default_rng(20050101)
            size = max(50_000, int(n_customers) // 20)
            sample = rng.choice(len(raw[0]), size=size, p=raw[3] / raw[3].sum())
            (sx, srec, sT), sw = aggregate_rows(
                *(column[sample] for column in raw[:3]), weights=np.ones(size)
            )
            sample_likelihood = self._likelihood(sx, srec, sT, sw)
            pre = minimize_log_params(sample_likelihood, starts, name)
            point, value, done = newton_with_hessian(
                likelihood, pre.x, numeric_hessian(sample_likelihood, pre.x)
            )
            starts = [point, *starts]
            converged = done
        if not done:
            result = minimize_log_params(likelihood, starts, name)
            point, value, converged = result.x, float(result.fun), bool(result.success)
        log_params, value, hessian = newton_polish(
            likelihood, point, value, steps=0 if done else 2, forward=len(x) > LARGE_BASE
        )
        if not converged:
            # L-BFGS-B often stops on a failed line search when the objective cannot be
            # lowered further in floating point; a vanishing gradient at the polished
            # point says the optimum was reached all the same
            converged = bool(np.max(np.abs(likelihood(log_params)[1])) < GRADIENT_TOLERANCE)
        units = np.array([scale if n in self.time_params else 1.0 for n in self.param_names])
        self._store(log_params, hessian, likelihood.total, units)
        if self.at_bound_:
            warnings.warn(
                f"{name}: a parameter ({', '.join(self.at_bound_)}) reached the edge of its "
                "range, so the data hardly inform it (e.g. almost no dropout); see the "
                "model's diagnosis_",
                RuntimeWarning,
                stacklevel=2,
            )
        # the density of purchase times changes with the time unit: undo the rescaling
        self.log_likelihood_ = float(
            likelihood.log_likelihood(np.exp(log_params)) - np.log(scale) * float(w @ x)
        )
        self.n_customers_ = int(round(n_customers))
        self.max_frequency_ = float(x.max())
        self.max_T_ = float(age.max() * scale)
        self.converged_ = bool(converged)
        self.diagnosis_ = diagnose_purchase_model(self, *original)
        return self

    @property
    def diagnosis(self) -> FitDiagnosis:
        """The fit's diagnosis (``status`` and ``reason``); see ``diagnosis_``."""
        self._params()
        return self.diagnosis_

    # -- predictions ----------------------------------------------------------------------

    def expected_purchases(self, t: float | np.ndarray) -> float | np.ndarray:
        """Expected repeat purchases in ``t`` periods for a new customer.

        A new customer is one who has just made their first purchase (frequency 0,
        recency 0, T 0).

        Parameters
        ----------
        t : float or array
            Length of the period, in the unit of the summary.

        Returns
        -------
        float or ndarray
        """
        params = self._params()
        t_values = check_horizon(t)
        zeros = np.zeros_like(t_values)
        result = self._conditional_expected(params, t_values, zeros, zeros, zeros)
        return wrap_like(np.asarray(result), t, "expected_purchases")

    def conditional_expected_purchases(
        self, t: float | np.ndarray, frequency: object, recency: object, T: object
    ) -> float | np.ndarray | pd.Series:
        """Expected repeat purchases in the next ``t`` periods, given a purchase history.

        Parameters
        ----------
        t : float or array
            Length of the future period, in the unit of the summary.
        frequency, recency, T : scalar, array or Series
            The customers' histories (see :func:`crmlib.summarize_transactions`).

        Returns
        -------
        float, ndarray or Series
            A Series indexed like ``frequency`` when that is a Series.
        """
        params = self._params()
        x, rec, age = check_history(frequency, recency, T)
        t_values = check_horizon(t)
        result = self._conditional_expected(params, t_values, x, rec, age)
        return wrap_like(np.asarray(result), frequency, "expected_purchases")

    def probability_alive(
        self, frequency: object, recency: object, T: object
    ) -> float | np.ndarray | pd.Series:
        """Probability that each customer is still alive, given their history.

        Parameters
        ----------
        frequency, recency, T : scalar, array or Series
            The customers' histories.

        Returns
        -------
        float, ndarray or Series
            Between 0 and 1; a Series indexed like ``frequency`` when that is a Series.
        """
        params = self._params()
        x, rec, age = check_history(frequency, recency, T)
        return wrap_like(
            np.asarray(self._probability_alive(params, x, rec, age)),
            frequency,
            "probability_alive",
        )

    def log_likelihood(self, summary: pd.DataFrame, **columns: str) -> float:
        """Log-likelihood of another summary under the fitted parameters.

        Parameters
        ----------
        summary : DataFrame
            Per-customer summary, in the time unit of the fit.
        **columns
            ``frequency_col``, ``recency_col``, ``T_col``, ``weights_col`` as in ``fit``.
        """
        params = self._params()
        x, recency, T, weights = read_weighted_summary(summary, **columns)
        likelihood = self._likelihood(x, recency, T, weights)
        natural = np.array([params[n] for n in self.param_names])
        return float(likelihood.log_likelihood(natural))

"""The Gamma-Gamma model of the value of a customer's purchases (Fader & Hardie 2013).

A customer's purchase values vary around a personal mean; the model shrinks the mean
seen so far toward the mean of the whole base, the more so the fewer purchases it rests
on. Combined with BG/NBD's expected purchases it gives the expected lifetime value.

Each purchase value is Gamma(p, nu) for a customer with personal rate nu, and nu is
Gamma(q, v) over customers. The model is fitted on repeat buyers only (their mean repeat
value and number of repeat purchases), and assumes that value does not depend on
how often a customer buys.

The fitting follows the BG/NBD module (log-space likelihood, analytic gradient, log
parameters with bounds, Hessian standard errors); see :mod:`crmlib.analytics.bgnbd` for
why neither ``lifetimes`` nor ``pymc-marketing`` is used.

References
----------
Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from crmlib.analytics.bgnbd import discounted_expected_purchases
from crmlib.analytics.ltv_base import LifetimeModel
from crmlib.analytics.ltv_fitting import (
    aggregate_rows,
    check_penalizer,
    dot,
    minimize_log_params,
    newton_polish,
    wrap_like,
)
from crmlib.analytics.summary import check_history, require_columns, sheet_rows
from crmlib.errors import DataValidationError, ModelFitError, ParameterError
from crmlib.formatting import count
from crmlib.text import translate


class _GammaGammaLikelihood:
    """Negative mean log-likelihood of Gamma-Gamma and its gradient in log-parameters."""

    def __init__(self, x: np.ndarray, m: np.ndarray, weights: np.ndarray, penalizer: float) -> None:
        self.x = x
        self.m = m
        self.log_x = np.log(x)
        self.log_m = np.log(m)
        self.w = weights
        self.total = float(weights.sum())
        self.penalizer = penalizer

    def log_likelihood(self, params: np.ndarray) -> float:
        """Total (weighted) log-likelihood at natural parameters, without penalty."""
        return self._value_and_gradient(params)[0]

    def _value_and_gradient(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, v = params
        x, m, w = self.x, self.m, self.w
        shape = p * x
        log_total = np.log(v + x * m)
        ll_rows = (
            special.gammaln(shape + q)
            - special.gammaln(shape)
            - special.gammaln(q)
            + q * np.log(v)
            + (shape - 1.0) * self.log_m
            + shape * self.log_x
            - (shape + q) * log_total
        )
        psi_sq = special.digamma(shape + q)
        g_p = dot(w, x * (psi_sq - special.digamma(shape) + self.log_m + self.log_x - log_total))
        g_q = dot(w, psi_sq - special.digamma(q) + np.log(v) - log_total)
        g_v = dot(w, q / v - (shape + q) / (v + x * m))
        return dot(w, ll_rows), np.array([g_p, g_q, g_v])

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            ll, gradient = self._value_and_gradient(params)
        value = -ll / self.total + self.penalizer * float(params @ params)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros_like(log_params)
        return value, -gradient * params / self.total + 2 * self.penalizer * params**2


def _gamma_gamma_starts(
    x: np.ndarray, m: np.ndarray, weights: np.ndarray, likelihood: _GammaGammaLikelihood
) -> list[np.ndarray]:
    """Method-of-moments starting points, profiled over p.

    With nu ~ Gamma(q, v): E[m] = p v / (q - 1) and
    E[m^2] = (p E[1/x] + p^2) v^2 / ((q - 1)(q - 2)). Two moments cannot pin down three
    parameters, so for each p on a grid q and v come from the moments, and the grid
    point with the best likelihood is the start.
    """
    mean = float(np.average(m, weights=weights))
    ratio = float(np.average(m**2, weights=weights)) / mean**2
    inverse_x = float(np.average(1.0 / x, weights=weights))
    candidates = []
    for p in (0.5, 1.0, 2.0, 4.0, 8.0, 16.0):
        k = ratio / (1.0 + inverse_x / p)
        q = (2 * k - 1) / (k - 1) if k > 1.0001 else 100.0
        q = float(np.clip(q, 2.05, 100.0))
        v = mean * (q - 1) / p
        start = np.log([p, q, v])
        candidates.append((likelihood(start)[0], start))
    candidates.sort(key=lambda pair: pair[0])
    return [candidates[0][1], np.zeros(3)]


def gamma_gamma_expected_value(
    params: dict[str, float], frequency: np.ndarray, monetary_value: np.ndarray
) -> np.ndarray:
    """E[mean purchase value | x repeat purchases of mean m] (arrays, no checks)."""
    p, q, v = params["p"], params["q"], params["v"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            frequency > 0,
            p * (v + frequency * monetary_value) / (p * frequency + q - 1.0),
            p * v / (q - 1.0) if q > 1 else np.inf,
        )


class GammaGammaModel(LifetimeModel):
    """Gamma-Gamma: the expected value of a customer's future purchases.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters (with values rescaled to a mean of 1), for very
        small bases. 0 gives the plain maximum-likelihood estimate.

    Attributes
    ----------
    params_ : dict
        ``{"p", "q", "v"}``: the shape of purchase values within a customer, and the
        shape and scale of the customers' rates (``v`` is in the currency of the data).
    standard_errors_ : dict
        Standard errors of the parameters.
    log_likelihood_ : float
        Log-likelihood at the optimum.
    n_customers_ : int
        Number of repeat buyers the model was fitted on.
    """

    model_name = "Gamma-Gamma"
    param_names = ("p", "q", "v")
    #: Fewer repeat buyers than this carry too little information for three parameters.
    min_customers = 5

    def fit(
        self,
        summary: pd.DataFrame,
        frequency_col: str = "frequency",
        monetary_col: str = "monetary_value",
        weights_col: str | None = None,
    ) -> GammaGammaModel:
        """Estimate the parameters from the repeat buyers in a per-customer summary.

        Customers with ``frequency`` 0 are left out: they have no repeat purchase value.

        Parameters
        ----------
        summary : DataFrame
            One row per customer, e.g. from :func:`crmlib.summarize_transactions`.
        frequency_col, monetary_col : str
            Columns with the number of repeat purchases and their mean value.
        weights_col : str, optional
            Number of customers each row stands for.

        Returns
        -------
        GammaGammaModel
            ``self``, fitted.

        Raises
        ------
        MissingDataError
            If a column is missing.
        DataValidationError
            If a repeat buyer has a missing, zero or negative mean value.
        ModelFitError
            If there are no (or too few) repeat buyers, or the likelihood cannot be
            maximised.
        """
        check_penalizer(self.penalizer)
        require_columns(summary, "summary", [frequency_col, monetary_col, weights_col])
        x_all = pd.to_numeric(summary[frequency_col], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        bad = ~np.isfinite(x_all) | (x_all < 0) | (x_all != np.round(x_all))
        if bad.any():
            raise DataValidationError(
                "summary",
                f"Some values in {frequency_col} are not whole numbers of 0 or more",
                column=frequency_col,
                rows=sheet_rows(bad),
                fix="frequency counts repeat purchase periods: 0, 1, 2, ...",
            )
        m_all = pd.to_numeric(summary[monetary_col], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        if weights_col is not None:
            w_all = pd.to_numeric(summary[weights_col], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            if np.any(~np.isfinite(w_all) | (w_all < 0)):
                raise ParameterError(f"the weights in {weights_col} must be numbers, 0 or more")
        else:
            w_all = np.ones(len(x_all))
        repeat = (x_all > 0) & (w_all > 0)
        if not repeat.any():
            raise ModelFitError(
                translate(
                    "Gamma-Gamma needs repeat buyers, and no customer has a repeat purchase "
                    "(every frequency is 0). Use a longer history or a shorter period unit "
                    "(freq)"
                )
            )
        bad = repeat & ~(np.isfinite(m_all) & (m_all > 0))
        if bad.any():
            raise DataValidationError(
                "summary",
                f"Some repeat buyers have a {monetary_col} that is missing, zero or negative",
                column=monetary_col,
                rows=sheet_rows(bad),
                fix="Gamma-Gamma models positive purchase values; leave out customers whose "
                "returns cancel their purchases, or net returns against the purchases first",
            )
        x, m, weights = x_all[repeat], m_all[repeat], w_all[repeat]
        n_customers = float(weights.sum())
        if n_customers < self.min_customers:
            raise ModelFitError(
                translate(
                    "Gamma-Gamma needs at least {minimum} repeat buyers to estimate its three "
                    "parameters; the summary has {n}"
                ).format(minimum=count(self.min_customers), n=count(n_customers))
            )
        scale = float(np.average(m, weights=weights))
        (x, m), weights = aggregate_rows(x, m / scale, weights=weights)
        likelihood = _GammaGammaLikelihood(x, m, weights, self.penalizer)
        starts = _gamma_gamma_starts(x, m, weights, likelihood)
        result = minimize_log_params(likelihood, starts, "Gamma-Gamma")
        log_params, _, hessian = newton_polish(likelihood, result.x, float(result.fun))
        natural = np.exp(log_params)
        # v back to the currency of the data
        self._store(log_params, hessian, likelihood.total, np.array([1.0, 1.0, scale]))
        # the density of values changes with the currency unit: undo the rescaling
        self.log_likelihood_ = float(
            likelihood.log_likelihood(natural) - np.log(scale) * weights.sum()
        )
        self.n_customers_ = int(round(n_customers))
        self.converged_ = bool(result.success)
        return self

    def expected_average_value(self) -> float:
        """Mean purchase value of a customer about whom nothing is known yet: p v / (q - 1).

        Infinite when q <= 1 (the model then has no finite mean).
        """
        params = self._params()
        return float(gamma_gamma_expected_value(params, np.zeros(1), np.zeros(1))[0])

    def conditional_expected_average_value(
        self, frequency: object, monetary_value: object
    ) -> float | np.ndarray | pd.Series:
        """Expected mean value of a customer's future purchases, given their history.

        A weighted mean of the customer's own mean value and the base's mean, with more
        weight on the customer's own the more repeat purchases they made. Customers
        without repeat purchases get the base's mean.

        Parameters
        ----------
        frequency, monetary_value : scalar, array or Series
            Repeat purchases and their mean value.

        Returns
        -------
        float, ndarray or Series
            A Series indexed like ``frequency`` when that is a Series.
        """
        params = self._params()
        x = np.asarray(frequency, dtype=np.float64)
        m = np.asarray(monetary_value, dtype=np.float64)
        if np.any(~np.isfinite(x) | (x < 0)):
            raise DataValidationError(
                "history",
                "Some values in frequency are missing or negative",
                column="frequency",
                rows=sheet_rows(np.ravel(~np.isfinite(x) | (x < 0))),
                fix="frequency counts repeat purchase periods: 0 or more",
            )
        bad = (x > 0) & ~np.isfinite(m)
        if np.any(bad):
            raise DataValidationError(
                "history",
                "Some values in monetary_value are missing",
                column="monetary_value",
                rows=sheet_rows(np.ravel(bad)),
                fix="fill in the mean repeat purchase value",
            )
        return wrap_like(
            np.asarray(gamma_gamma_expected_value(params, x, m)),
            frequency,
            "expected_average_value",
        )

    def customer_lifetime_value(
        self,
        bg: object,
        frequency: object,
        recency: object,
        T: object,
        monetary_value: object,
        horizon_months: int = 12,
        discount_rate_monthly: float = 0.01,
        freq: str = "W",
        periods_per_month: float | None = None,
    ) -> float | np.ndarray | pd.Series:
        """Discounted expected value of each customer's purchases over a horizon.

        For each month of the horizon, the purchases BG/NBD expects in that month times
        the value this model expects per purchase, discounted to today at
        ``discount_rate_monthly`` (as in ``lifetimes``). It is revenue: multiply by a
        margin rate for profit.

        Parameters
        ----------
        bg : BetaGeoModel
            A fitted BG/NBD model on the same summary.
        frequency, recency, T, monetary_value : scalar, array or Series
            The customers' summary, in periods of ``freq``.
        horizon_months : int, default 12
            Months ahead.
        discount_rate_monthly : float, default 0.01
            Discount rate per month.
        freq : {"D", "W", "M"}, default "W"
            The period unit of the summary.
        periods_per_month : float, optional
            Periods per month; defaults to the calendar average for ``freq`` (30.44
            days, 4.35 weeks). ``lifetimes`` uses 30 and 4.345.

        Returns
        -------
        float, ndarray or Series
            A Series indexed like ``frequency`` when that is a Series.
        """
        x, rec, age = check_history(frequency, recency, T)
        value = self.conditional_expected_average_value(x, np.asarray(monetary_value, dtype=float))
        purchases = discounted_expected_purchases(
            bg,
            x,
            rec,
            age,
            horizon_months=horizon_months,
            discount_rate_monthly=discount_rate_monthly,
            freq=freq,
            periods_per_month=periods_per_month,
        )
        return wrap_like(np.asarray(purchases * value), frequency, "clv")

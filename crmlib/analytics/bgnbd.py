"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005), by maximum likelihood.

While a customer is "alive" they buy at a personal rate lambda (a Poisson process, the
rates gamma-distributed over customers with shape ``r`` and rate ``alpha``). After each
repeat purchase they may drop out for good, with a personal probability p (beta-
distributed with ``a`` and ``b``). From each customer's frequency, recency and age T the
model gives the expected number of future purchases and the probability that the
customer is still alive: the "expected" half of lifetime value in IDIC's Differentiate.

Why this is written here rather than imported: ``lifetimes`` has been archived since
2020 and breaks on current pandas; ``pymc-marketing`` brings about 800 MB of Bayesian
stack and takes about 18 s per fit here. The model needs a few dozen lines of numpy and
scipy.

How it stays fast and stable:

- the log-likelihood is written in log space (``gammaln``, ``logaddexp``), so large
  frequencies or ages never overflow;
- identical (frequency, recency, T) histories, which whole-period summaries have many of,
  are fitted once with their count as weight, and terms that depend on the frequency
  alone are computed once per distinct frequency;
- the gradient is analytic, the parameters are optimised on the log scale (so they stay
  positive) with bounds, and time is rescaled so that the oldest customer has age 1;
- a very large base is first fitted on a random subsample, whose estimate starts the
  fit on the whole base;
- standard errors come from the Hessian at the optimum, by differences of the analytic
  gradient.

That machinery is shared by all the lifetime-value models: the optimiser and the shared
maths are in :mod:`crmlib.analytics.ltv_fitting`, the fit and the predictions in the base
class :class:`crmlib.analytics.ltv_base.RepeatPurchaseModel`. This module holds what is
BG/NBD's own: the likelihood, the starting points and the prediction formulas.

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from crmlib.analytics.ltv_base import RepeatPurchaseModel
from crmlib.analytics.ltv_fitting import (
    beta_geometric_expected_if_alive,
    dot,
    gamma_rate_start,
    simulation_start,
    unique_histories,
    wrap_like,
)
from crmlib.analytics.summary import PERIODS_PER_MONTH, check_frequency, check_history
from crmlib.errors import ParameterError

__all__ = [
    "BetaGeoModel",
    "bgnbd_conditional_expected",
    "bgnbd_probability_alive",
    "discounted_expected_purchases",
    "simulate_summary",
]

# ----------------------------------------------------------------------------------------
# The BG/NBD likelihood
# ----------------------------------------------------------------------------------------


class _BetaGeoLikelihood:
    """Negative mean log-likelihood of BG/NBD and its gradient in log-parameters.

    Customers without a repeat purchase contribute a single simple term; the rest
    contribute a frequency-only part (computed once per distinct frequency) and a
    two-branch part ``logaddexp(A3, A4)`` per (weighted) history.
    """

    def __init__(
        self,
        x: np.ndarray,
        recency: np.ndarray,
        T: np.ndarray,
        weights: np.ndarray,
        penalizer: float,
    ) -> None:
        zero = x == 0
        self.T0 = T[zero]
        self.w0 = weights[zero]
        self.n0 = float(self.w0.sum())
        repeat = ~zero
        self.t1 = recency[repeat]
        self.T1 = T[repeat]
        self.w1 = weights[repeat]
        x1 = x[repeat]
        self.ux, self.inverse = np.unique(x1, return_inverse=True)
        self.x1 = x1
        self.nx = np.bincount(self.inverse, weights=self.w1, minlength=len(self.ux))
        self.total = float(weights.sum())
        self.penalizer = penalizer

    def log_likelihood(self, params: np.ndarray) -> float:
        """Total (weighted) log-likelihood at natural parameters, without penalty."""
        value, _ = self._value_and_gradient(params)
        return value

    def _value_and_gradient(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = params
        log_alpha = np.log(alpha)
        # one-time buyers: r ln(alpha) - r ln(alpha + T)
        log_age0 = np.log(alpha + self.T0)
        ll = self.n0 * r * log_alpha - r * dot(self.w0, log_age0)
        g_r = self.n0 * log_alpha - dot(self.w0, log_age0)
        g_alpha = self.n0 * r / alpha - r * dot(self.w0, 1.0 / (alpha + self.T0))
        g_a = 0.0
        g_b = 0.0
        if len(self.ux):
            ux, nx, inverse, w1 = self.ux, self.nx, self.inverse, self.w1
            shape = r + ux
            per_x = (
                special.gammaln(shape)
                - special.gammaln(r)
                + r * log_alpha
                + special.betaln(a, b + ux)
                - special.betaln(a, b)
            )
            ll += float(nx @ per_x)
            g_r += float(nx @ (special.digamma(shape) - special.digamma(r) + log_alpha))
            g_alpha += float(nx.sum()) * r / alpha
            psi_ab = special.digamma(a + b)
            psi_abx = special.digamma(a + b + ux)
            g_a += float(nx @ (psi_ab - psi_abx))
            g_b += float(nx @ (special.digamma(b + ux) + psi_ab - psi_abx - special.digamma(b)))

            log_drop = np.log(a) - np.log(b + ux - 1.0)
            row_shape = r + self.x1
            log_age = np.log(alpha + self.T1)
            log_last = np.log(alpha + self.t1)
            still = -row_shape * log_age  # A3: alive all along
            dropped = log_drop[inverse] - row_shape * log_last  # A4: dropped after last buy
            both = np.logaddexp(still, dropped)
            ll += dot(w1, both)
            share_dropped = np.exp(dropped - both)
            share_still = 1.0 - share_dropped
            g_r -= dot(w1, share_still * log_age + share_dropped * log_last)
            g_alpha -= dot(
                w1 * row_shape,
                share_still / (alpha + self.T1) + share_dropped / (alpha + self.t1),
            )
            dropped_weight = np.bincount(inverse, weights=w1 * share_dropped, minlength=len(ux))
            g_a += float(dropped_weight.sum()) / a
            g_b -= float(dropped_weight @ (1.0 / (b + ux - 1.0)))
        return ll, np.array([g_r, g_alpha, g_a, g_b])

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        ll, gradient = self._value_and_gradient(params)
        penalty = self.penalizer * float(params @ params)
        value = -ll / self.total + penalty
        gradient_log = -gradient * params / self.total + 2 * self.penalizer * params**2
        if not np.isfinite(value):
            return np.inf, np.zeros_like(log_params)
        return value, gradient_log


def _bgnbd_starts(x: np.ndarray, T: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
    """Starting points in log-parameters (time already scaled to max T = 1).

    The purchase-rate gamma (r, alpha) starts at the method-of-moments estimate from
    x / T, net of the Poisson noise; the dropout beta starts at a mean dropout of 1/4
    per purchase (a = 1, b = 3), which the likelihood quickly corrects. A second start
    at all ones is tried if the first fails.
    """
    r0, alpha0 = gamma_rate_start(x, T, weights)
    return [np.log([r0, alpha0, 1.0, 3.0]), np.zeros(4)]


# ----------------------------------------------------------------------------------------
# Predictions (module functions so that plots and CLV can use them on parameter dicts)
# ----------------------------------------------------------------------------------------


def _log_dropped_odds(params: dict[str, float], x: np.ndarray, recency: np.ndarray, T: np.ndarray):
    """log of a/(b+x-1) * ((alpha+T)/(alpha+recency))^(r+x): odds "dropped" vs "alive"."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    with np.errstate(all="ignore"):
        return (
            np.log(a)
            - np.log(np.where(x > 0, b + x - 1.0, 1.0))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + recency))
        )


def bgnbd_probability_alive(
    params: dict[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """P(alive | frequency, recency, T) for BG/NBD parameters (arrays, no checks)."""
    log_odds = _log_dropped_odds(params, frequency, recency, T)
    return np.where(frequency > 0, special.expit(-log_odds), 1.0)


# Gauss-Legendre nodes on (0, 1), for the quadrature fallback below
def bgnbd_conditional_expected(
    params: dict[str, float],
    t: np.ndarray,
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T+t] | frequency, recency, T] (FHL 2005 eq. 10; arrays, no checks).

    The expectation if alive (:func:`~crmlib.analytics.ltv_fitting.beta_geometric_expected_if_alive`)
    times the probability of being alive.
    """
    t, x, recency, T = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, T))
    )
    if_alive = beta_geometric_expected_if_alive(params, t, x, T)
    return if_alive * bgnbd_probability_alive(params, x, recency, T)


def discounted_expected_purchases(
    bg: BetaGeoModel,
    frequency: object,
    recency: object,
    T: object,
    *,
    horizon_months: int = 12,
    discount_rate_monthly: float = 0.01,
    freq: str = "W",
    periods_per_month: float | None = None,
) -> np.ndarray:
    """Expected purchases month by month over a horizon, discounted to today.

    Month i (1 = the coming month) adds the purchases the model expects in it, divided by
    (1 + discount_rate_monthly) ** i. With a rate of 0 this is the plain expected number
    of purchases over the horizon.

    Parameters
    ----------
    bg : BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel
        A fitted model of repeat purchasing.
    frequency, recency, T : scalar, array or Series
        The customers' histories, in periods of ``freq``.
    horizon_months : int, default 12
        Months ahead, 0 or more.
    discount_rate_monthly : float, default 0.01
        Discount rate per month, above -1.
    freq : {"D", "W", "M"}, default "W"
        The period unit of the histories.
    periods_per_month : float, optional
        Periods per month; defaults to the calendar average for ``freq``.

    Returns
    -------
    ndarray
        One value per customer, in the broadcast shape of the inputs.
    """
    check_frequency(freq)
    if int(horizon_months) != horizon_months or horizon_months < 0:
        raise ParameterError(
            f"horizon_months must be a whole number, 0 or more, got {horizon_months}"
        )
    if not np.isfinite(discount_rate_monthly) or discount_rate_monthly <= -1:
        raise ParameterError(f"discount_rate_monthly must be above -1, got {discount_rate_monthly}")
    step = PERIODS_PER_MONTH[freq] if periods_per_month is None else float(periods_per_month)
    if not step > 0:
        raise ParameterError(f"periods_per_month must be positive, got {periods_per_month}")
    x, rec, age = check_history(frequency, recency, T)
    bg.conditional_expected_purchases(0.0, 0, 0, 0)  # NotFittedError before any work
    shape = x.shape
    if x.size == 0 or horizon_months == 0:
        return np.zeros(shape)
    # whole-period summaries repeat the same histories a lot: predict each once
    (ux, urec, uage), inverse = unique_histories(x, rec, age)
    total = np.zeros(len(ux))
    previous = np.zeros(len(ux))
    for month in range(1, int(horizon_months) + 1):
        cumulative = np.asarray(
            bg.conditional_expected_purchases(float(month * step), ux, urec, uage)
        )
        total += (cumulative - previous) / (1.0 + discount_rate_monthly) ** month
        previous = cumulative
    return total[inverse].reshape(shape)


# ----------------------------------------------------------------------------------------
# Simulation (for teaching, tests and benchmarks)
# ----------------------------------------------------------------------------------------


def simulate_summary(
    n_customers: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: float | np.ndarray,
    *,
    seed: int | None = None,
    whole_periods: bool = False,
) -> pd.DataFrame:
    """Draw a customer summary from the BG/NBD model with known parameters.

    Each customer gets a purchase rate from Gamma(r, alpha) and a dropout probability
    from Beta(a, b); repeat purchases follow a Poisson process until the customer drops
    out (after a repeat purchase, with that probability) or the observation ends.

    Parameters
    ----------
    n_customers : int
        Number of customers.
    r, alpha, a, b : float
        BG/NBD parameters.
    T : float or array
        Age of each customer at the end of the observation (one value for all, or one
        per customer).
    seed : int, optional
        Seed of the random generator, for a reproducible draw.
    whole_periods : bool, default False
        Round the recency down to whole periods, as a summary of dated transactions
        in whole days, weeks or months has.

    Returns
    -------
    DataFrame
        Indexed by customer number 0..n-1, with ``frequency``, ``recency`` and ``T``.
    """
    rng, ages, rate = simulation_start(
        n_customers, T, seed, {"r": r, "alpha": alpha, "a": a, "b": b}
    )
    dropout = rng.beta(a, b, n_customers)
    # purchases the customer would make before dropping out, with unlimited time
    lifetime_purchases = rng.geometric(np.clip(dropout, 1e-12, 1.0))
    purchases_in_window = rng.poisson(rate * ages)
    x = np.minimum(lifetime_purchases, purchases_in_window)
    # the x-th of n uniform arrival times in [0, T] is T times a Beta(x, n - x + 1)
    bought = x > 0
    recency = np.zeros(n_customers)
    recency[bought] = ages[bought] * rng.beta(
        x[bought], purchases_in_window[bought] - x[bought] + 1
    )
    if whole_periods:
        recency = np.floor(recency)
        ages = np.floor(ages)
        recency = np.minimum(recency, ages)
    return pd.DataFrame(
        {"frequency": x.astype(np.int64), "recency": recency, "T": ages},
        index=pd.RangeIndex(n_customers, name="customer"),
    )


# ----------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------


class BetaGeoModel(RepeatPurchaseModel):
    """BG/NBD: how many purchases a customer will make, and whether they are still alive.

    Fitting, prediction methods (``expected_purchases``, ``conditional_expected_purchases``,
    ``probability_alive``), the ``summary`` table and the fit's ``diagnosis_`` come from
    :class:`~crmlib.analytics.ltv_base.RepeatPurchaseModel`.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters (on the rescaled time axis), which keeps estimates
        finite on very small or degenerate bases. 0 gives the plain maximum-likelihood
        estimate, as published.

    Attributes
    ----------
    params_ : dict
        ``{"r", "alpha", "a", "b"}``: the gamma shape and rate of the purchase rates and
        the beta parameters of the dropout probabilities. ``alpha`` is in the period unit
        of the summary.
    standard_errors_, log_likelihood_, n_customers_, max_frequency_, max_T_, converged_,
    at_bound_, diagnosis_
        See :class:`~crmlib.analytics.ltv_base.RepeatPurchaseModel`.

    Notes
    -----
    In BG/NBD a customer can only drop out right after a repeat purchase, so every
    customer without one has P(alive) = 1 however long ago they bought. Where most
    customers are one-time buyers the diagnosis says so (status ``caveat``);
    :class:`~crmlib.analytics.mbgnbd.ModifiedBetaGeoModel` and
    :class:`~crmlib.analytics.pareto_nbd.ParetoNBDModel` do not have this property.

    Examples
    --------
    >>> summary = simulate_summary(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39, seed=1)
    >>> model = BetaGeoModel().fit(summary)
    >>> sorted(model.params_)
    ['a', 'alpha', 'b', 'r']
    """

    model_name = "BG/NBD"
    param_names = ("r", "alpha", "a", "b")
    time_params = ("alpha",)
    one_time_buyers_can_lapse = False

    def _likelihood(self, x, recency, T, weights):
        return _BetaGeoLikelihood(x, recency, T, weights, self.penalizer)

    def _starts(self, x, T, weights):
        return _bgnbd_starts(x, T, weights)

    _probability_alive = staticmethod(bgnbd_probability_alive)
    _conditional_expected = staticmethod(bgnbd_conditional_expected)

    def probability_of_purchases(self, t: float, n: int | np.ndarray) -> float | np.ndarray:
        """P(exactly ``n`` repeat purchases in ``t`` periods) for a new customer (FHL eq. 8).

        Useful to check the fit: compare with the observed distribution of frequency.
        """
        params = self._params()
        r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
        n_values = np.asarray(n, dtype=np.float64)
        if np.any(~np.isfinite(n_values) | (n_values < 0) | (n_values != np.round(n_values))):
            raise ParameterError("n must be whole numbers of purchases, 0 or more")
        if t <= 0:
            return wrap_like(np.where(n_values == 0, 1.0, 0.0), n, "probability")
        p_none = alpha / (alpha + t)
        # still alive after n purchases: a negative binomial count, thinned by survival
        log_nb = (
            special.gammaln(r + n_values)
            - special.gammaln(r)
            - special.gammaln(n_values + 1)
            + r * np.log(p_none)
            + n_values * np.log1p(-p_none)
        )
        alive = np.exp(special.betaln(a, b + n_values) - special.betaln(a, b) + log_nb)
        # dropped out right after the n-th purchase, which needs at least n arrivals:
        # P(count >= n) = 1 - I_p(r, n), the regularised incomplete beta
        with np.errstate(all="ignore"):
            at_least = 1.0 - special.betainc(r, np.maximum(n_values, 1.0), p_none)
            dropped = np.exp(special.betaln(a + 1, b + n_values - 1) - special.betaln(a, b))
        result = alive + np.where(n_values > 0, dropped * at_least, 0.0)
        return wrap_like(np.asarray(result), n, "probability")

"""The modified BG/NBD model (MBG/NBD; Batislam, Denizel & Filiztekin 2007).

BG/NBD lets a customer drop out only right after a repeat purchase, so a customer who
never came back is "alive" for ever. MBG/NBD lets them drop out right after every
purchase, the first one included: a one-time buyer who has not been seen for a long
time is then probably gone, as common sense says.

Purchases while alive are Poisson with a gamma(r, alpha) rate; after each purchase
(the first included) the customer drops out with a probability p ~ beta(a, b). The
fit, the checks and the diagnosis come from
:class:`~crmlib.analytics.ltv_base.RepeatPurchaseModel`; the likelihood, with its
analytic gradient, is written in log space as BG/NBD's is (see
:mod:`crmlib.analytics.bgnbd` for why these models are written here).

References
----------
Batislam, E. P., Denizel, M. and Filiztekin, A. (2007). Empirical validation and
comparison of models for customer base analysis. International Journal of Research in
Marketing 24(3), 201-209.
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
)

__all__ = [
    "ModifiedBetaGeoModel",
    "mbgnbd_conditional_expected",
    "mbgnbd_probability_alive",
    "simulate_mbgnbd_summary",
]


class _ModifiedBetaGeoLikelihood:
    """Negative mean log-likelihood of MBG/NBD and its gradient in log-parameters.

    Per customer: ``A1 + A2 + logaddexp(A3, A4)`` with
    A1 = ln G(r+x) - ln G(r) + r ln alpha, A2 = ln B(a, b+x+1) - ln B(a, b) (computed
    once per distinct frequency), A3 = -(r+x) ln(alpha+T) (alive all along) and
    A4 = ln a - ln(b+x) - (r+x) ln(alpha+t_x) (dropped right after the last purchase).
    """

    def __init__(
        self,
        x: np.ndarray,
        recency: np.ndarray,
        T: np.ndarray,
        weights: np.ndarray,
        penalizer: float,
    ) -> None:
        self.x = x
        self.t = recency
        self.T = T
        self.w = weights
        self.ux, self.inverse = np.unique(x, return_inverse=True)
        self.nx = np.bincount(self.inverse, weights=weights, minlength=len(self.ux))
        self.total = float(weights.sum())
        self.penalizer = penalizer

    def log_likelihood(self, params: np.ndarray) -> float:
        """Total (weighted) log-likelihood at natural parameters, without penalty."""
        return self._value_and_gradient(params)[0]

    def _value_and_gradient(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = params
        ux, nx, inverse, w = self.ux, self.nx, self.inverse, self.w
        log_alpha = np.log(alpha)
        shape = r + ux
        per_x = (
            special.gammaln(shape)
            - special.gammaln(r)
            + r * log_alpha
            + special.betaln(a, b + ux + 1.0)
            - special.betaln(a, b)
        )
        ll = float(nx @ per_x)
        psi_ab = special.digamma(a + b)
        psi_abx = special.digamma(a + b + ux + 1.0)
        g_r = float(nx @ (special.digamma(shape) - special.digamma(r) + log_alpha))
        g_alpha = self.total * r / alpha
        g_a = float(nx @ (psi_ab - psi_abx))
        g_b = float(nx @ (special.digamma(b + ux + 1.0) - special.digamma(b) + psi_ab - psi_abx))

        row_shape = r + self.x
        log_age = np.log(alpha + self.T)
        log_last = np.log(alpha + self.t)
        still = -row_shape * log_age
        dropped = (np.log(a) - np.log(b + ux))[inverse] - row_shape * log_last
        both = np.logaddexp(still, dropped)
        ll += dot(w, both)
        share_dropped = np.exp(dropped - both)
        share_still = 1.0 - share_dropped
        g_r -= dot(w, share_still * log_age + share_dropped * log_last)
        g_alpha -= dot(
            w * row_shape, share_still / (alpha + self.T) + share_dropped / (alpha + self.t)
        )
        dropped_weight = np.bincount(inverse, weights=w * share_dropped, minlength=len(ux))
        g_a += float(dropped_weight.sum()) / a
        g_b -= float(dropped_weight @ (1.0 / (b + ux)))
        return ll, np.array([g_r, g_alpha, g_a, g_b])

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            ll, gradient = self._value_and_gradient(params)
        value = -ll / self.total + self.penalizer * float(params @ params)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros_like(log_params)
        return value, -gradient * params / self.total + 2 * self.penalizer * params**2


def mbgnbd_probability_alive(
    params: dict[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """P(alive | frequency, recency, T) for MBG/NBD parameters (arrays, no checks).

    ``1 / (1 + a/(b+x) * ((alpha+T)/(alpha+recency))^(r+x))``, for one-time buyers too.
    """
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    x = np.asarray(frequency, dtype=np.float64)
    with np.errstate(all="ignore"):
        log_odds = (
            np.log(a)
            - np.log(b + x)
            + (r + x) * (np.log(alpha + np.asarray(T)) - np.log(alpha + np.asarray(recency)))
        )
    return special.expit(-log_odds)


def mbgnbd_conditional_expected(
    params: dict[str, float],
    t: np.ndarray,
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T+t] | frequency, recency, T] for MBG/NBD (arrays, no checks).

    A customer alive after x repeat purchases has survived x + 1 dropout chances, so
    their dropout probability is beta(a, b + x + 1): BG/NBD's expectation if alive with
    b + 1, times MBG/NBD's probability of being alive.
    """
    t, x, recency, T = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, T))
    )
    shifted = {**params, "b": params["b"] + 1.0}
    if_alive = beta_geometric_expected_if_alive(shifted, t, x, T)
    return if_alive * mbgnbd_probability_alive(params, x, recency, T)


def simulate_mbgnbd_summary(
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
    """Draw a customer summary from the MBG/NBD model with known parameters.

    As :func:`crmlib.analytics.bgnbd.simulate_summary`, except that a customer may also
    drop out right after the first purchase.

    Returns
    -------
    DataFrame
        Indexed by customer number 0..n-1, with ``frequency``, ``recency`` and ``T``.
    """
    rng, ages, rate = simulation_start(
        n_customers, T, seed, {"r": r, "alpha": alpha, "a": a, "b": b}
    )
    dropout = rng.beta(a, b, n_customers)
    # repeat purchases made before dropping out: a chance to drop after every purchase,
    # the first included
    lifetime_purchases = rng.geometric(np.clip(dropout, 1e-12, 1.0)) - 1
    purchases_in_window = rng.poisson(rate * ages)
    x = np.minimum(lifetime_purchases, purchases_in_window)
    bought = x > 0
    recency = np.zeros(n_customers)
    recency[bought] = ages[bought] * rng.beta(
        x[bought], purchases_in_window[bought] - x[bought] + 1
    )
    if whole_periods:
        recency = np.minimum(np.floor(recency), np.floor(ages))
        ages = np.floor(ages)
    return pd.DataFrame(
        {"frequency": x.astype(np.int64), "recency": recency, "T": ages},
        index=pd.RangeIndex(n_customers, name="customer"),
    )


class ModifiedBetaGeoModel(RepeatPurchaseModel):
    """MBG/NBD: BG/NBD in which a customer may also drop out after the first purchase.

    Same shape as :class:`~crmlib.analytics.bgnbd.BetaGeoModel`: ``fit(summary)``
    returns the model; ``params_`` holds ``r``, ``alpha``, ``a``, ``b`` as lifetimes'
    ``ModifiedBetaGeoFitter`` names them; ``probability_alive``,
    ``conditional_expected_purchases``, ``expected_purchases`` (a new customer),
    ``log_likelihood_``, ``summary`` and ``diagnosis_``.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters (on the rescaled time axis); 0 for the plain
        maximum-likelihood estimate.

    Examples
    --------
    >>> summary = simulate_mbgnbd_summary(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39, seed=1)
    >>> model = ModifiedBetaGeoModel().fit(summary)
    >>> sorted(model.params_)
    ['a', 'alpha', 'b', 'r']
    """

    model_name = "MBG/NBD"
    param_names = ("r", "alpha", "a", "b")
    time_params = ("alpha",)
    one_time_buyers_can_lapse = True

    def _likelihood(self, x, recency, T, weights):
        return _ModifiedBetaGeoLikelihood(x, recency, T, weights, self.penalizer)

    def _starts(self, x, T, weights):
        r0, alpha0 = gamma_rate_start(x, T, weights)
        return [np.log([r0, alpha0, 1.0, 3.0]), np.zeros(4)]

    _probability_alive = staticmethod(mbgnbd_probability_alive)
    _conditional_expected = staticmethod(mbgnbd_conditional_expected)

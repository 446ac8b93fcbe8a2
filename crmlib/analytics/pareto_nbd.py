"""The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

While alive a customer buys at a personal Poisson rate lambda ~ gamma(r, alpha); each
customer's lifetime is exponential with a personal rate mu ~ gamma(s, beta), so a
customer can be gone at any moment, also before a repeat purchase (unlike BG/NBD,
where one-time buyers are alive for ever). Parameters are named as ``lifetimes``'
``ParetoNBDFitter`` names them: ``r``, ``alpha``, ``s``, ``beta``.

The likelihood (Fader & Hardie 2005, note 009, eq. 18-20) needs the Gaussian
hypergeometric function 2F1(r+s+x, .; r+s+x+1; z). It is written here
(:func:`log_hyp2f1_unit`) rather than taken from ``scipy.special.hyp2f1`` or
``mpmath`` for three reasons:

- speed on a million customers: after Euler's transformation the function is a
  series of positive terms, 2F1(1, b; c; z) with c > b, evaluated for all distinct
  histories at once in numpy, each row leaving the loop when its tail is below
  rounding; scipy's general-purpose routine is several times slower per value and
  mpmath is not vectorised;
- stability: the series is bounded by 1/(1 - z) and the large powers sit outside it,
  combined in log space, so nothing overflows for large frequencies or ages (the
  untransformed function grows like (1 - z)^(-s) and lifetimes' form subtracts two
  such numbers);
- no heavy dependency (pymc-marketing, pytensor) for one special function.

Rows whose series would need more than 400 terms (z above about 0.9, i.e.
alpha and beta far apart) fall back to scipy's ``hyp2f1``.

References
----------
Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). Counting your customers:
who are they and what will they do next? Management Science 33(1), 1-24.
Fader, P. S. and Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and
related expressions. http://brucehardie.com/notes/009/
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy
way. Marketing Science 24(2), 275-284 (the CDNOW estimates reproduced in the tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from crmlib.analytics.ltv_base import RepeatPurchaseModel
from crmlib.analytics.ltv_fitting import (
    dot,
    gamma_rate_start,
    simulation_start,
    with_numeric_gradient,
)

__all__ = [
    "ParetoNBDModel",
    "log_hyp2f1_unit",
    "pareto_nbd_conditional_expected",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_probability_alive",
    "simulate_pareto_nbd_summary",
]

#: terms of the series tried before the slow rows go to scipy
_MAX_TERMS = 400
#: above this z the series needs more than _MAX_TERMS terms for 1e-16 precision
_SERIES_Z_LIMIT = 0.9
#: largest (distinct frequencies x distinct ages) grid computed as a matrix product
_GRID_LIMIT = 4_000_000


def log_hyp2f1_unit(b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log 2F1(1, b; c; z) for 0 <= z < 1 and 0 < b < c, vectorised.

    The series sum_k (b)_k / (c)_k z^k has positive terms whose ratios
    (b + k) / (c + k) z stay below z, so the tail after a term is at most
    term * z / (1 - z); a row stops when that is below 1e-16 of its sum. The sum lies
    between 1 and 1 / (1 - z), so it is summed directly and only its log is returned.
    """
    b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (b, c, z)))
    shape = b.shape
    b, c, z = b.ravel(), c.ravel(), z.ravel()
    # Rows sorted by z: small z converge first, so the finished rows are (nearly) a
    # prefix and are dropped by slicing, without copying; the rows still summing stay
    # contiguous for plain array arithmetic, 8 terms at a time. A finished row left
    # inside the working range only adds terms below rounding.
    if np.all(z[1:] >= z[:-1]):  # callers that can keep z sorted save the sort
        order = np.arange(len(z))
        sb, sc, sz = b.copy(), c.copy(), z.copy()
    else:
        order = np.argsort(z, kind="stable")
        sb, sc, sz = b[order], c[order], z[order]
    start = int(np.searchsorted(sz, 0.0, side="right"))  # z = 0: the sum is 1
    sums = np.ones(len(z))
    term = np.ones(len(z))
    k = 0
    while start < len(z) and k < _MAX_TERMS:
        rb, rc, rz = sb[start:], sc[start:], sz[start:]
        rterm, rsum = term[start:], sums[start:]
        for _ in range(8):
            rterm *= (rb + k) / (rc + k) * rz
            rsum += rterm
            k += 1
        done = rterm * rz <= 1e-16 * rsum * (1.0 - rz)
        start += len(done) if done.all() else int(np.argmin(done))
    result = np.empty(len(z))
    result[order] = np.log(sums)
    if start < len(z):
        tail = order[start:]
        with np.errstate(all="ignore"):
            result[tail] = np.log(special.hyp2f1(1.0, b[tail], c[tail], z[tail]))
    return result.reshape(shape)


def log_hyp2f1_unit_grid(b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log 2F1(1, b_i; c_i; z_j) for every pair of a row (b_i, c_i) and a column z_j.

    The terms factor as P_k(b, c) z^k with P_k = (b)_k / (c)_k, so the whole grid is
    one matrix product of a (rows x K) table of P_k with a (K x columns) table of
    powers of z. A whole-period summary has a few dozen distinct frequencies and ages,
    so this costs almost nothing however many customers there are. K is the number of
    terms the largest z needs (terms fall at least as fast as z^k); columns whose z
    would need more than ``_MAX_TERMS`` go to scipy's ``hyp2f1``.
    """
    b = np.asarray(b, dtype=np.float64)[:, None]
    c = np.asarray(c, dtype=np.float64)[:, None]
    z = np.asarray(z, dtype=np.float64)
    slow = z > _SERIES_Z_LIMIT
    fast_z = np.where(slow, 0.0, z)
    top = float(fast_z.max()) if fast_z.size else 0.0
    if top > 0:
        needed = np.log(1e-17 * (1.0 - top)) / np.log(top)
        terms = int(min(max(np.ceil(needed), 1), _MAX_TERMS)) + 1
    else:
        terms = 1
    k = np.arange(terms - 1, dtype=np.float64)
    factors = np.empty((b.shape[0], terms))
    factors[:, 0] = 1.0
    factors[:, 1:] = (b + k) / (c + k)
    coefficients = np.cumprod(factors, axis=1)
    powers = np.power(fast_z[None, :], np.arange(terms, dtype=np.float64)[:, None])
    result = np.log(coefficients @ powers)
    if slow.any():
        with np.errstate(all="ignore"):
            result[:, slow] = np.log(special.hyp2f1(1.0, b, c, z[None, slow]))
    return result


def _log_term(
    params: tuple[float, float, float, float], x: np.ndarray, tau: np.ndarray
) -> np.ndarray:
    """log of the antiderivative term A(tau) of note 009, eq. 19-20.

    ``A(t_x) - A(T)`` is the probability-weighted chance of dying between the last
    purchase and now. With Euler's transformation:

    - alpha >= beta: A = 2F1(1, r+x; r+s+x+1; z) (alpha+tau)^-(r+x) (beta+tau)^-s,
      z = (alpha-beta)/(alpha+tau);
    - alpha < beta: A = 2F1(1, s+1; r+s+x+1; w) (alpha+tau)^(1-r-x) (beta+tau)^-(s+1),
      w = (beta-alpha)/(beta+tau).
    """
    r, alpha, s, beta = params
    c = r + s + x + 1.0
    log_a = np.log(alpha + tau)
    log_b = np.log(beta + tau)
    if alpha >= beta:
        z = (alpha - beta) / (alpha + tau)
        return log_hyp2f1_unit(r + x, c, z) - (r + x) * log_a - s * log_b
    w = (beta - alpha) / (beta + tau)
    return log_hyp2f1_unit(s + 1.0, c, w) + (1.0 - r - x) * log_a - (s + 1.0) * log_b


def _log_term_grid(
    params: tuple[float, float, float, float], ux: np.ndarray, utau: np.ndarray
) -> np.ndarray:
    """:func:`_log_term` for every distinct frequency (rows) and age (columns)."""
    r, alpha, s, beta = params
    c = r + s + ux + 1.0
    log_a = np.log(alpha + utau)[None, :]
    log_b = np.log(beta + utau)[None, :]
    shape = (r + ux)[:, None]
    if alpha >= beta:
        z = (alpha - beta) / (alpha + utau)
        return log_hyp2f1_unit_grid(r + ux, c, z) - shape * log_a - s * log_b
    w = (beta - alpha) / (beta + utau)
    series = log_hyp2f1_unit_grid(np.full(len(ux), s + 1.0), c, w)
    return series + (1.0 - shape) * log_a - (s + 1.0) * log_b


def _log_terms_at(
    params: tuple[float, float, float, float],
    x: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """log A(recency) and log A(T) for each customer.

    On a grid of distinct frequencies and ages when that is small (whole-period
    summaries: a few dozen of each, whatever the number of customers), row by row
    otherwise.
    """
    x, recency, T = np.broadcast_arrays(x, recency, T)
    ux, x_code = np.unique(x, return_inverse=True)
    utau, tau_code = np.unique(np.concatenate([recency.ravel(), T.ravel()]), return_inverse=True)
    if len(ux) * len(utau) > _GRID_LIMIT or len(ux) * len(utau) > 4 * x.size:
        return _log_term(params, x, recency), _log_term(params, x, T)
    grid = _log_term_grid(params, ux, utau)
    x_code = x_code.ravel()
    n = x.size
    at_last = grid[x_code, tau_code[:n]].reshape(x.shape)
    at_now = grid[x_code, tau_code[n:]].reshape(x.shape)
    return at_last, at_now


def _log_parts(
    params: tuple[float, float, float, float],
    x: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """log of the two parts of the likelihood bracket: alive now, and died since t_x.

    L = G(r+x) alpha^r beta^s / G(r) * (alive + died): ``alive`` is
    (alpha+T)^-(r+x) (beta+T)^-s and ``died`` is s/(r+s+x) (A(t_x) - A(T)).
    """
    r, alpha, s, beta = params
    log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    at_last, at_now = _log_terms_at(params, x, recency, T)
    with np.errstate(divide="ignore"):
        # A(t_x) - A(T) >= 0; log(1 - exp(d)) with d <= 0 keeps precision as t_x -> T
        gap = np.minimum(at_now - at_last, 0.0)
        log_died = np.log(s) - np.log(r + s + x) + at_last + np.log(-np.expm1(gap))
    return log_alive, log_died


def pareto_nbd_log_likelihood(
    params: dict[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Log-likelihood of each history under Pareto/NBD parameters (arrays, no checks)."""
    p = (params["r"], params["alpha"], params["s"], params["beta"])
    x = np.asarray(frequency, dtype=np.float64)
    r, alpha, s, beta = p
    log_alive, log_died = _log_parts(p, x, np.asarray(recency, float), np.asarray(T, float))
    return (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + s * np.log(beta)
        + np.logaddexp(log_alive, log_died)
    )


def pareto_nbd_probability_alive(
    params: dict[str, float], frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """P(alive | frequency, recency, T) for Pareto/NBD parameters (arrays, no checks)."""
    p = (params["r"], params["alpha"], params["s"], params["beta"])
    x, recency, T = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
    )
    log_alive, log_died = _log_parts(p, x, recency, T)
    with np.errstate(invalid="ignore"):
        return special.expit(log_alive - log_died)


def pareto_nbd_conditional_expected(
    params: dict[str, float],
    t: np.ndarray,
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T+t] | frequency, recency, T] (note 009 eq. 22; arrays).

    ``P(alive) * (r+x)(beta+T) / ((alpha+T)(s-1)) * (1 - ((beta+T)/(beta+T+t))^(s-1))``;
    the last two factors are written as ``-expm1(-(s-1) u) / (s-1)`` with
    ``u = ln((beta+T+t)/(beta+T))``, whose limit at s = 1 is ``u``.
    """
    r, alpha, s, beta = (params[k] for k in ("r", "alpha", "s", "beta"))
    t, x, recency, T = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, T))
    )
    u = np.log1p(t / (beta + T))
    k = s - 1.0
    lifetime = u if abs(k) < 1e-10 else -np.expm1(-k * u) / k
    if_alive = (r + x) * (beta + T) / (alpha + T) * lifetime
    return if_alive * pareto_nbd_probability_alive(params, x, recency, T)


class _ParetoNBDLikelihood:
    """Negative mean log-likelihood of Pareto/NBD in log-parameters, with its gradient.

    The hypergeometric terms depend on (x, tau) only through the parameters, so they
    are computed once per distinct (frequency, recency) and (frequency, T) pair. The
    gradient is by central differences (see
    :func:`~crmlib.analytics.ltv_fitting.with_numeric_gradient`).
    """

    def __init__(
        self,
        x: np.ndarray,
        recency: np.ndarray,
        T: np.ndarray,
        weights: np.ndarray,
        penalizer: float,
    ) -> None:
        self.x, self.t, self.T, self.w = x, recency, T, weights
        self.ux, self.inverse = np.unique(x, return_inverse=True)
        taus = np.concatenate([recency, T])
        self.utau, tau_code = np.unique(taus, return_inverse=True)
        n = len(x)
        cells = len(self.ux) * len(self.utau)
        self.grid = cells <= _GRID_LIMIT and cells <= 4 * n
        if self.grid:
            # a term per (distinct frequency, distinct age): see log_hyp2f1_unit_grid
            self.last_code = (self.inverse, tau_code[:n])
            self.now_code = (self.inverse, tau_code[n:])
        else:
            pairs = pd.DataFrame({"x": np.concatenate([x, x]), "tau": taus})
            codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
            px = uniques.get_level_values(0).to_numpy(dtype=np.float64)
            ptau = uniques.get_level_values(1).to_numpy(dtype=np.float64)
            # pairs by age, oldest first: z falls with the age on both branches of
            # A(tau), so the series sees its z already sorted
            order = np.argsort(-ptau, kind="stable")
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self.px, self.ptau = px[order], ptau[order]
            self.last_code, self.now_code = rank[codes[:n]], rank[codes[n:]]
        self.nx = np.bincount(self.inverse, weights=weights, minlength=len(self.ux))
        self.total = float(weights.sum())
        self.penalizer = penalizer
        self._objective = with_numeric_gradient(self._mean_negative)

    def log_likelihood(self, params: np.ndarray) -> float:
        """Total (weighted) log-likelihood at natural parameters, without penalty."""
        r, alpha, s, beta = params
        with np.errstate(all="ignore"):
            if self.grid:
                pair_terms = _log_term_grid((r, alpha, s, beta), self.ux, self.utau)
            else:
                pair_terms = _log_term((r, alpha, s, beta), self.px, self.ptau)
            at_last = pair_terms[self.last_code]
            at_now = pair_terms[self.now_code]
            gap = np.minimum(at_now - at_last, 0.0)
            log_died = np.log(s) - np.log(r + s + self.x) + at_last + np.log(-np.expm1(gap))
            log_alive = -(r + self.x) * np.log(alpha + self.T) - s * np.log(beta + self.T)
            per_x = special.gammaln(r + self.ux) - special.gammaln(r)
            head = float(self.nx @ per_x) + self.total * (r * np.log(alpha) + s * np.log(beta))
            return head + dot(self.w, np.logaddexp(log_alive, log_died))

    def _mean_negative(self, log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        value = -self.log_likelihood(params) / self.total + self.penalizer * float(params @ params)
        return value if np.isfinite(value) else np.inf

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        return self._objective(log_params)


def simulate_pareto_nbd_summary(
    n_customers: int,
    r: float,
    alpha: float,
    s: float,
    beta: float,
    T: float | np.ndarray,
    *,
    seed: int | None = None,
    whole_periods: bool = False,
) -> pd.DataFrame:
    """Draw a customer summary from the Pareto/NBD model with known parameters.

    Each customer gets a purchase rate from gamma(r, alpha) and a dropout rate from
    gamma(s, beta); the lifetime is exponential with that rate, and repeat purchases
    follow a Poisson process until the end of the lifetime or of the observation.

    Parameters
    ----------
    n_customers : int
        Number of customers.
    r, alpha, s, beta : float
        Pareto/NBD parameters.
    T : float or array
        Age of each customer at the end of the observation.
    seed : int, optional
        Seed of the random generator.
    whole_periods : bool, default False
        Round recency and T down to whole periods.

    Returns
    -------
    DataFrame
        Indexed by customer number 0..n-1, with ``frequency``, ``recency`` and ``T``.
    """
    rng, ages, rate = simulation_start(
        n_customers, T, seed, {"r": r, "alpha": alpha, "s": s, "beta": beta}
    )
    death_rate = rng.gamma(s, 1.0 / beta, n_customers)
    lifetime = rng.exponential(1.0 / np.maximum(death_rate, 1e-300))
    window = np.minimum(lifetime, ages)
    x = rng.poisson(rate * window)
    # the last of x uniform arrival times in [0, window] is window * Beta(x, 1)
    bought = x > 0
    recency = np.zeros(n_customers)
    recency[bought] = window[bought] * rng.beta(x[bought], 1.0)
    if whole_periods:
        recency = np.minimum(np.floor(recency), np.floor(ages))
        ages = np.floor(ages)
    return pd.DataFrame(
        {"frequency": x.astype(np.int64), "recency": recency, "T": ages},
        index=pd.RangeIndex(n_customers, name="customer"),
    )


class ParetoNBDModel(RepeatPurchaseModel):
    """Pareto/NBD: purchases at a personal rate, dropout at any moment.

    Same shape as :class:`~crmlib.analytics.bgnbd.BetaGeoModel`: ``fit(summary)``
    returns the model; ``params_`` holds ``r``, ``alpha``, ``s``, ``beta`` as lifetimes'
    ``ParetoNBDFitter`` names them (``alpha`` and ``beta`` in the period unit of the
    summary); ``probability_alive``, ``conditional_expected_purchases``,
    ``expected_purchases`` (a new customer), ``log_likelihood_``, ``summary`` and
    ``diagnosis_``.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters (on the rescaled time axis); 0 for the plain
        maximum-likelihood estimate, as published.

    Examples
    --------
    >>> summary = simulate_pareto_nbd_summary(2000, 0.55, 10.6, 0.61, 11.7, T=39, seed=1)
    >>> model = ParetoNBDModel().fit(summary)
    >>> sorted(model.params_)
    ['alpha', 'beta', 'r', 's']
    """

    model_name = "Pareto/NBD"
    param_names = ("r", "alpha", "s", "beta")
    time_params = ("alpha", "beta")
    one_time_buyers_can_lapse = True

    def _likelihood(self, x, recency, T, weights):
        return _ParetoNBDLikelihood(x, recency, T, weights, self.penalizer)

    def _starts(self, x, T, weights):
        # purchase rates from their moments; lifetimes start at a mean of the longest age
        r0, alpha0 = gamma_rate_start(x, T, weights)
        return [np.log([r0, alpha0, 1.0, 1.0]), np.zeros(4)]

    _probability_alive = staticmethod(pareto_nbd_probability_alive)
    _conditional_expected = staticmethod(pareto_nbd_conditional_expected)

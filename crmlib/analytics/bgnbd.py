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

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, special

from crmlib.analytics.summary import (
    PERIODS_PER_MONTH,
    check_frequency,
    check_history,
    check_summary,
)
from crmlib.errors import ModelFitError, NotFittedError, ParameterError

_LOG_BOUND = 25.0  # log-parameters stay within exp(+-25): far beyond any sensible value
_Z95 = 1.959963984540054


# ----------------------------------------------------------------------------------------
# Shared maximum-likelihood machinery (also used by the Gamma-Gamma model)
# ----------------------------------------------------------------------------------------


def _minimize(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    starts: list[np.ndarray],
    what: str,
) -> optimize.OptimizeResult:
    """Minimise ``objective`` (value and gradient in log-parameters) from several starts.

    The best finite result wins; a ModelFitError explains when none is finite.
    """
    best = None
    for start in starts:
        with np.errstate(all="ignore"):
            result = optimize.minimize(
                objective,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=[(-_LOG_BOUND, _LOG_BOUND)] * len(start),
                options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
            )
        if (
            np.isfinite(result.fun)
            and np.all(np.isfinite(result.x))
            and (best is None or result.fun < best.fun)
        ):
            best = result
        if best is not None and best.success:
            break
    if best is None:
        raise ModelFitError(
            f"The {what} model could not be fitted: the likelihood is not finite for these "
            "data. Check for extreme or inconsistent values in the summary"
        )
    return best


def _numeric_hessian(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    point: np.ndarray,
    gradient: np.ndarray | None = None,
) -> np.ndarray:
    """Hessian by differences of the analytic gradient.

    Central differences by default; forward differences from ``gradient`` (the
    gradient at ``point``) when it is given, which halves the evaluations for very
    large bases at a precision still far beyond what standard errors need.
    """
    n = len(point)
    hessian = np.empty((n, n))
    for j in range(n):
        step = 1e-5 * max(1.0, abs(point[j]))
        up = point.copy()
        up[j] += step
        with np.errstate(all="ignore"):
            if gradient is None:
                down = point.copy()
                down[j] -= step
                hessian[:, j] = (objective(up)[1] - objective(down)[1]) / (2 * step)
            else:
                hessian[:, j] = (objective(up)[1] - gradient) / step
    return (hessian + hessian.T) / 2


def _newton_polish(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    point: np.ndarray,
    value: float,
    steps: int = 2,
    forward: bool = False,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Newton steps from the quasi-Newton optimum, with the Hessian needed for the errors.

    Near the optimum the Hessian hardly changes, so one is computed and reused.
    Returns the point, its objective value and the Hessian.
    """
    gradient = objective(point)[1]
    hessian = _numeric_hessian(objective, point, gradient if forward else None)
    for _ in range(steps):
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        size = np.max(np.abs(step)) if np.all(np.isfinite(step)) else np.inf
        if not 1e-12 < size <= 1.0:
            break
        candidate = np.clip(point - step, -_LOG_BOUND, _LOG_BOUND)
        candidate_value, candidate_gradient = objective(candidate)
        if not np.isfinite(candidate_value) or candidate_value > value:
            break
        point, value, gradient = candidate, candidate_value, candidate_gradient
    return point, value, hessian


def _newton_with(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    point: np.ndarray,
    hessian: np.ndarray,
    max_steps: int = 12,
) -> tuple[np.ndarray, float, bool]:
    """Newton iterations with a fixed, approximate Hessian (e.g. from a subsample).

    Each step costs one evaluation; a step that does not lower the objective is
    halved. Returns the point, its value and whether the steps became negligible.
    """
    value, gradient = objective(point)
    for _ in range(max_steps):
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            return point, value, False
        if not np.all(np.isfinite(step)):
            return point, value, False
        for _ in range(6):
            candidate = np.clip(point - step, -_LOG_BOUND, _LOG_BOUND)
            candidate_value, candidate_gradient = objective(candidate)
            if np.isfinite(candidate_value) and candidate_value <= value + 1e-15 * abs(value):
                break
            step = step / 2
        else:
            return point, value, False
        point, value, gradient = candidate, candidate_value, candidate_gradient
        # 1e-7 on the log scale is a relative change of 1e-7: beyond that the steps
        # only chase rounding noise in the sums
        if np.max(np.abs(step)) < 1e-7:
            return point, value, True
    return point, value, False


def _log_scale_errors(hessian: np.ndarray, total_weight: float) -> np.ndarray:
    """Standard errors of the log-parameters from the Hessian of the mean objective."""
    try:
        covariance = np.linalg.inv(hessian * total_weight)
    except np.linalg.LinAlgError:
        return np.full(len(hessian), np.nan)
    variances = np.diag(covariance)
    return np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)


def _summary_table(params: dict[str, float], log_errors: np.ndarray) -> pd.DataFrame:
    """Estimates with delta-method standard errors and log-scale 95 % intervals."""
    names = list(params)
    estimates = np.array([params[n] for n in names])
    return pd.DataFrame(
        {
            "estimate": estimates,
            "std_error": estimates * log_errors,
            "lower_95": estimates * np.exp(-_Z95 * log_errors),
            "upper_95": estimates * np.exp(_Z95 * log_errors),
        },
        index=pd.Index(names, name="parameter"),
    )


def _aggregate_rows(
    *columns: np.ndarray, weights: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """Merge identical rows of ``columns``, adding up their weights."""
    n = len(weights)
    if n < 1000:
        return list(columns), weights
    codes = []
    sizes = []
    for column in columns:
        code, uniques = pd.factorize(column, sort=False)
        codes.append(code.astype(np.int64))
        sizes.append(len(uniques))
    if np.prod([float(s) for s in sizes]) >= 2.0**62:
        return list(columns), weights
    combined = codes[0]
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        combined = combined * size + code
    group, uniques = pd.factorize(combined, sort=False)
    if len(uniques) > 0.8 * n:
        # hardly any repeats: merging would cost more than it saves
        return list(columns), weights
    # the first row of each group stands for it (assigning in reverse: the first wins)
    first_rows = np.empty(len(uniques), dtype=np.int64)
    first_rows[group[::-1]] = np.arange(n - 1, -1, -1)
    merged_weights = np.bincount(group, weights=weights, minlength=len(uniques))
    return [column[first_rows] for column in columns], merged_weights


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product without BLAS.

    A BLAS dot may start threads for long vectors; on a busy machine (a batch of
    reports, a shared server) waiting for them costs more than the sum itself, and
    einsum's single-threaded loop keeps fit times steady.
    """
    return float(np.einsum("i,i->", a, b))


def _wrap(values: np.ndarray, like: object, name: str) -> object:
    """Return a Series indexed like ``like`` when it is one, a float for a scalar."""
    if isinstance(like, pd.Series) and values.shape == like.shape:
        return pd.Series(values, index=like.index, name=name)
    if values.ndim == 0:
        return float(values)
    return values


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
        ll = self.n0 * r * log_alpha - r * _dot(self.w0, log_age0)
        g_r = self.n0 * log_alpha - _dot(self.w0, log_age0)
        g_alpha = self.n0 * r / alpha - r * _dot(self.w0, 1.0 / (alpha + self.T0))
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
            ll += _dot(w1, both)
            share_dropped = np.exp(dropped - both)
            share_still = 1.0 - share_dropped
            g_r -= _dot(w1, share_still * log_age + share_dropped * log_last)
            g_alpha -= _dot(
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
    aged = T > 0
    rate = x[aged] / T[aged]
    w = weights[aged]
    mean = float(np.average(rate, weights=w)) if w.sum() > 0 else 0.0
    variance = float(np.average((rate - mean) ** 2, weights=w)) if w.sum() > 0 else 0.0
    noise = float(np.average(rate / T[aged], weights=w)) if w.sum() > 0 else 0.0
    rate_variance = max(variance - noise, 0.1 * mean**2, 1e-12)
    r0 = float(np.clip(mean**2 / rate_variance, 0.05, 20.0)) if mean > 0 else 1.0
    alpha0 = float(np.clip(r0 / mean, 1e-4, 1e4)) if mean > 0 else 1.0
    return [np.log([r0, alpha0, 1.0, 3.0]), np.zeros(4)]


# ----------------------------------------------------------------------------------------
# Predictions (module functions so that plots and CLV can use them on parameter dicts)
# ----------------------------------------------------------------------------------------


def _log_future_term(
    params: dict[str, float], t: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """log of ((alpha+T)/(alpha+T+t))^(r+x) * 2F1(r+x, b+x; a+b+x-1; z), z = t/(alpha+T+t).

    Euler's transformation turns this into (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z),
    whose parameters stay small however large x is, so neither factor overflows. The
    untransformed form is the fallback where scipy cannot evaluate the transformed one.
    """
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    with np.errstate(all="ignore"):
        log_one_minus_z = np.log(alpha + T) - np.log(alpha + T + t)
        z = -np.expm1(log_one_minus_z)
        c = a + b + x - 1.0
        transformed = special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
        log_term = (a - 1.0) * log_one_minus_z + np.log(transformed)
        bad = ~np.isfinite(log_term)
        if bad.any():
            direct = special.hyp2f1(r + x, b + x, c, z)
            log_direct = (r + x) * log_one_minus_z + np.log(direct)
            log_term = np.where(bad, log_direct, log_term)
    return log_term


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
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)
_NODES = (_NODES + 1.0) / 2.0
_WEIGHTS = _WEIGHTS / 2.0


def _expected_if_alive_quadrature(
    params: dict[str, float], t: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[purchases in t | alive] as an integral over the dropout probability p.

    Given p, the expected purchases of a customer alive now are
    ``(1 - ((alpha+T) / (alpha+T+p t)) ** (r+x)) / p`` (gamma-averaged Poisson, cut by
    dropout), and p follows Beta(a, b+x). Integrating over the quantiles of that beta
    with Gauss-Legendre turns this into an average of a bounded, monotone function,
    which stays accurate where the closed form overflows: on the edges of the
    parameter space that near-degenerate data lead to (no dropout, identical rates).
    """
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    t, x, T = (np.ravel(v) for v in np.broadcast_arrays(t, x, T))
    out = np.empty(len(x))
    distinct_x, inverse = np.unique(x, return_inverse=True)
    with np.errstate(all="ignore"):
        dropout = special.betaincinv(a, b + distinct_x[:, None], _NODES[None, :])
    for start in range(0, len(x), 20_000):
        rows = slice(start, start + 20_000)
        shape = (r + x[rows])[:, None]
        rate = (t[rows] / (alpha + T[rows]))[:, None]
        p = dropout[inverse[rows]]
        with np.errstate(all="ignore"):
            integrand = np.where(p > 0, -np.expm1(-shape * np.log1p(p * rate)) / p, shape * rate)
        out[rows] = np.einsum("ij,j->i", integrand, _WEIGHTS)
    return out


def bgnbd_conditional_expected(
    params: dict[str, float],
    t: np.ndarray,
    frequency: np.ndarray,
    recency: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T+t] | frequency, recency, T] (FHL 2005 eq. 10; arrays, no checks).

    The closed form (hypergeometric) is used where it is finite and within the bounds
    the expectation must respect; elsewhere a quadrature of the same expectation.
    """
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    t, x, recency, T = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, T))
    )
    shape_out = x.shape
    t, x, recency, T = (np.ravel(v) for v in (t, x, recency, T))
    with np.errstate(all="ignore"):
        if abs(a - 1.0) > 1e-7:
            coefficient = (a + b + x - 1.0) / (a - 1.0)
            # 1 - exp(log_term) without cancellation when the term is close to 1
            if_alive = coefficient * -np.expm1(_log_future_term(params, t, x, T))
        else:
            # the closed form is 0/0 at a = 1: leave it to the quadrature
            if_alive = np.full(x.shape, np.nan)
        # alive, the expectation lies between the cases p = 1 and p = 0
        shape = r + x
        rate = t / (alpha + T)
        upper = shape * rate
        lower = -np.expm1(-shape * np.log1p(rate))
        bad = (
            ~np.isfinite(if_alive)
            | (if_alive > upper * (1 + 1e-8))
            | (if_alive < lower * (1 - 1e-8))
        )
    if bad.any():
        if_alive = np.array(if_alive, dtype=np.float64)
        if_alive[bad] = _expected_if_alive_quadrature(params, t[bad], x[bad], T[bad])
    alive = bgnbd_probability_alive(params, x, recency, T)
    return np.where(t == 0, 0.0, np.maximum(if_alive, 0.0) * alive).reshape(shape_out)


def _unique_histories(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the flattened columns and the inverse index back to all rows."""
    codes = np.zeros(columns[0].size, dtype=np.int64)
    for column in columns:
        code, uniques = pd.factorize(column.ravel(), sort=False)
        codes = codes * len(uniques) + code
    group, uniques = pd.factorize(codes, sort=False)
    first_rows = np.empty(len(uniques), dtype=np.int64)
    first_rows[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return [column.ravel()[first_rows] for column in columns], group


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

    Month i (1 = the coming month) adds the purchases BG/NBD expects in it, divided by
    (1 + discount_rate_monthly) ** i. With a rate of 0 this is the plain expected number
    of purchases over the horizon.

    Parameters
    ----------
    bg : BetaGeoModel
        A fitted model.
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
    params = bg._params()
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
    shape = x.shape
    if x.size == 0 or horizon_months == 0:
        return np.zeros(shape)
    # whole-period summaries repeat the same histories a lot: predict each once
    (ux, urec, uage), inverse = _unique_histories(x, rec, age)
    total = np.zeros(len(ux))
    previous = np.zeros(len(ux))
    for month in range(1, int(horizon_months) + 1):
        cumulative = bgnbd_conditional_expected(params, np.float64(month * step), ux, urec, uage)
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
    if n_customers < 0:
        raise ParameterError(f"n_customers must be 0 or more, got {n_customers}")
    if min(r, alpha, a, b) <= 0:
        raise ParameterError("r, alpha, a and b must all be positive")
    rng = np.random.default_rng(seed)
    ages = np.broadcast_to(np.asarray(T, dtype=np.float64), (n_customers,)).copy()
    if np.any(ages < 0):
        raise ParameterError("T must be 0 or more")
    rate = rng.gamma(r, 1.0 / alpha, n_customers)
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


class BetaGeoModel:
    """BG/NBD: how many purchases a customer will make, and whether they are still alive.

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
    standard_errors_ : dict
        Standard errors of the parameters (from the Hessian at the optimum).
    log_likelihood_ : float
        Log-likelihood at the optimum.
    n_customers_ : int
        Number of customers fitted (sum of the weights).
    max_frequency_, max_T_ : float
        Largest frequency and age seen, the default range of the matrix plots.

    Examples
    --------
    >>> summary = simulate_summary(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39, seed=1)
    >>> model = BetaGeoModel().fit(summary)
    >>> sorted(model.params_)
    ['a', 'alpha', 'b', 'r']
    """

    #: Fewer customers than this carry too little information for four parameters.
    min_customers = 10

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def __repr__(self) -> str:
        if hasattr(self, "params_"):
            shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            return f"BetaGeoModel({shown})"
        return f"BetaGeoModel(penalizer={self.penalizer})"

    # -- fitting --------------------------------------------------------------------------

    def fit(
        self,
        summary: pd.DataFrame,
        frequency_col: str = "frequency",
        recency_col: str = "recency",
        T_col: str = "T",
        weights_col: str | None = None,
    ) -> BetaGeoModel:
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
        BetaGeoModel
            ``self``, fitted.

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
        if not np.isfinite(self.penalizer) or self.penalizer < 0:
            raise ParameterError(f"penalizer must be 0 or more, got {self.penalizer}")
        x, recency, T, weights = _read_weighted(
            summary, frequency_col, recency_col, T_col, weights_col
        )
        n_customers = float(weights.sum())
        if n_customers < self.min_customers:
            raise ModelFitError(
                f"BG/NBD needs at least {self.min_customers} customers to estimate its four "
                f"parameters; the summary has {n_customers:g}"
            )
        if not np.any((x > 0) & (weights > 0)):
            raise ModelFitError(
                "No customer made a repeat purchase (every frequency is 0), so BG/NBD cannot "
                "estimate purchase or dropout rates. Use a longer history or a shorter "
                "period unit (freq)"
            )
        scale = float(T.max())
        recency, T = recency / scale, T / scale
        raw = (x, recency, T, weights)
        (x, recency, T), weights = _aggregate_rows(x, recency, T, weights=weights)

        starts = _bgnbd_starts(x, T, weights)
        likelihood = _BetaGeoLikelihood(x, recency, T, weights, self.penalizer)
        done = False
        if len(x) > 200_000:
            # A random 5 % of the customers gets close to the optimum cheaply, and its
            # Hessian is close to the full one; Newton steps with it then need a handful
            # of passes over the whole base instead of dozens.
            # (customers drawn in proportion to their weight, so each counts once)
            rng = np.random.default_rng(20050101)
            size = max(50_000, int(n_customers) // 20)
            sample = rng.choice(len(raw[0]), size=size, p=raw[3] / raw[3].sum())
            (sx, srec, sT), sw = _aggregate_rows(
                *(column[sample] for column in raw[:3]), weights=np.ones(size)
            )
            sample_likelihood = _BetaGeoLikelihood(sx, srec, sT, sw, self.penalizer)
            pre = _minimize(sample_likelihood, starts, "BG/NBD")
            point, value, done = _newton_with(
                likelihood, pre.x, _numeric_hessian(sample_likelihood, pre.x)
            )
            starts = [point, *starts]
            converged = done
        if not done:
            result = _minimize(likelihood, starts, "BG/NBD")
            point, value, converged = result.x, float(result.fun), bool(result.success)
        log_params, value, hessian = _newton_polish(
            likelihood, point, value, steps=0 if done else 2, forward=len(x) > 200_000
        )
        at_bound = np.abs(log_params) > _LOG_BOUND - 1e-3
        if at_bound.any():
            warnings.warn(
                "BG/NBD: a parameter reached the edge of its range, so the data hardly "
                "inform it (e.g. almost no dropout); predictions are still usable but "
                "standard errors are not",
                RuntimeWarning,
                stacklevel=2,
            )
        natural = np.exp(log_params)
        log_errors = _log_scale_errors(hessian, likelihood.total)
        names = ["r", "alpha", "a", "b"]
        units = np.array([1.0, scale, 1.0, 1.0])  # alpha back from the rescaled time axis
        self.params_ = {n: float(v) for n, v in zip(names, natural * units, strict=True)}
        self._log_errors = log_errors
        self.standard_errors_ = {
            n: float(v) for n, v in zip(names, natural * units * log_errors, strict=True)
        }
        # the density of purchase times changes with the time unit: undo the rescaling
        self.log_likelihood_ = float(
            likelihood.log_likelihood(natural) - np.log(scale) * float(weights @ x)
        )
        self.n_customers_ = int(round(n_customers))
        self.max_frequency_ = float(x.max())
        self.max_T_ = float(T.max() * scale)
        self.converged_ = converged
        return self

    # -- results --------------------------------------------------------------------------

    def _params(self) -> dict[str, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                "This BetaGeoModel is not fitted yet: call fit(summary) before asking for "
                "parameters or predictions"
            )
        return self.params_

    @property
    def summary(self) -> pd.DataFrame:
        """Parameter table: ``estimate``, ``std_error``, ``lower_95``, ``upper_95``.

        The 95 % intervals are computed on the log scale, so they stay positive.
        """
        return _summary_table(self._params(), self._log_errors)

    def expected_purchases(self, t: float | np.ndarray) -> float | np.ndarray:
        """Expected repeat purchases in ``t`` periods for a new customer (FHL 2005 eq. 9).

        Parameters
        ----------
        t : float or array
            Length of the period, in the unit of the summary.

        Returns
        -------
        float or ndarray
        """
        params = self._params()
        t_values = np.asarray(t, dtype=np.float64)
        if np.any(~np.isfinite(t_values) | (t_values < 0)):
            raise ParameterError("t must be 0 or more periods")
        zeros = np.zeros_like(t_values)
        result = bgnbd_conditional_expected(params, t_values, zeros, zeros, zeros)
        return _wrap(np.asarray(result), t, "expected_purchases")

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
        t_values = np.asarray(t, dtype=np.float64)
        if np.any(~np.isfinite(t_values) | (t_values < 0)):
            raise ParameterError("t must be 0 or more periods")
        result = bgnbd_conditional_expected(params, t_values, x, rec, age)
        return _wrap(np.asarray(result), frequency, "expected_purchases")

    def probability_alive(
        self, frequency: object, recency: object, T: object
    ) -> float | np.ndarray | pd.Series:
        """Probability that each customer is still alive (Fader, Hardie & Lee 2008 note).

        Parameters
        ----------
        frequency, recency, T : scalar, array or Series
            The customers' histories.

        Returns
        -------
        float, ndarray or Series
            Between 0 and 1; 1 for customers without repeat purchases (in BG/NBD a
            customer can only drop out after a repeat purchase).
        """
        params = self._params()
        x, rec, age = check_history(frequency, recency, T)
        return _wrap(
            np.asarray(bgnbd_probability_alive(params, x, rec, age)), frequency, "probability_alive"
        )

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
            return _wrap(np.where(n_values == 0, 1.0, 0.0), n, "probability")
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
        return _wrap(np.asarray(result), n, "probability")


def _read_weighted(
    summary: pd.DataFrame,
    frequency_col: str,
    recency_col: str,
    T_col: str,
    weights_col: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, recency, T, weights = check_summary(
        summary,
        frequency_col=frequency_col,
        recency_col=recency_col,
        T_col=T_col,
        monetary_col=weights_col,
    )
    if weights is None:
        weights = np.ones(len(x))
    elif np.any(weights < 0):
        raise ParameterError(f"the weights in {weights_col} must be 0 or more")
    return x, recency, T, weights

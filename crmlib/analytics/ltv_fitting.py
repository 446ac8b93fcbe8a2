"""Shared maximum-likelihood machinery of the lifetime-value models.

BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma are all fitted the same way, and this
module is the one place where that way is written down:

- the parameters are optimised on the log scale (so they stay positive), with bounds
  at ``exp(+-LOG_BOUND)``, from several starting points (:func:`minimize_log_params`);
- the optimum is polished by Newton steps, whose Hessian (by differences of the
  gradient) also gives the standard errors (:func:`newton_polish`,
  :func:`log_scale_errors`, :func:`parameter_table`);
- a very large base is first fitted on a subsample, whose Hessian then drives Newton
  steps on the whole base (:func:`newton_with_hessian`);
- identical histories are fitted once with their count as weight (:func:`aggregate_rows`);
- a likelihood without an analytic gradient gets one by central differences
  (:func:`with_numeric_gradient`).

Input checks of the per-customer summaries live here too (:func:`read_weighted_summary`,
:func:`check_horizon`), so that every model refuses the same bad input with the same
message.

Why this is written here rather than imported: see :mod:`crmlib.analytics.bgnbd`
(``lifetimes`` is archived and breaks on current pandas; ``pymc-marketing`` brings a
Bayesian stack of about 800 MB and is far slower per fit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from crmlib.analytics.summary import check_summary
from crmlib.errors import ModelFitError, ParameterError
from crmlib.text import translate

#: log-parameters stay within exp(+-LOG_BOUND): far beyond any sensible value
LOG_BOUND = 25.0
Z95 = 1.959963984540054
#: largest gradient (of the mean log-likelihood per customer, in log-parameters) at an
#: optimum
GRADIENT_TOLERANCE = 1e-5

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def minimize_log_params(objective: Objective, starts: list[np.ndarray], what: str) -> Any:
    """Minimise ``objective`` (value and gradient in log-parameters) from several starts.

    The best finite result wins (a :class:`scipy.optimize.OptimizeResult`); a
    ModelFitError explains when none is finite.
    """
    # imported here: a kernel that reads its fitted models from the cache never needs
    # the optimiser, and scipy.optimize adds about 0.2 s to every notebook's start
    from scipy import optimize

    best = None
    for start in starts:
        with np.errstate(all="ignore"):
            result = optimize.minimize(
                objective,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=[(-LOG_BOUND, LOG_BOUND)] * len(start),
                options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
            )
        if (
            np.isfinite(result.fun)
            and np.all(np.isfinite(result.x))
            and (best is None or result.fun < best.fun)
        ):
            best = result
        if best is not None and (best.success or np.max(np.abs(best.jac)) < GRADIENT_TOLERANCE):
            # L-BFGS-B often reports a failed line search at an optimum it cannot
            # improve in floating point; a vanishing gradient says it is one
            break
    if best is None:
        raise ModelFitError(
            translate(
                "The {what} model could not be fitted: the likelihood is not finite for these "
                "data. Check for extreme or inconsistent values in the summary"
            ).format(what=what)
        )
    return best


def numeric_hessian(
    objective: Objective, point: np.ndarray, gradient: np.ndarray | None = None
) -> np.ndarray:
    """Hessian by differences of the (analytic or numeric) gradient.

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


def newton_polish(
    objective: Objective,
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
    hessian = numeric_hessian(objective, point, gradient if forward else None)
    for _ in range(steps):
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        size = np.max(np.abs(step)) if np.all(np.isfinite(step)) else np.inf
        if not 1e-12 < size <= 1.0:
            break
        candidate = np.clip(point - step, -LOG_BOUND, LOG_BOUND)
        candidate_value, candidate_gradient = objective(candidate)
        if not np.isfinite(candidate_value) or candidate_value > value:
            break
        point, value, gradient = candidate, candidate_value, candidate_gradient
    return point, value, hessian


def newton_with_hessian(
    objective: Objective,
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
            candidate = np.clip(point - step, -LOG_BOUND, LOG_BOUND)
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


def with_numeric_gradient(value: Callable[[np.ndarray], float], step: float = 1e-6) -> Objective:
    """Turn a value-only objective of log-parameters into (value, gradient).

    Central differences: 2 extra evaluations per parameter, with an error of order
    ``step**2`` (about 1e-12 relative), far below what the optimum's precision needs.
    Used where an analytic gradient is not worth its length (Pareto/NBD, whose
    hypergeometric terms would need derivatives in all four of their arguments).
    """

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        centre = value(log_params)
        if not np.isfinite(centre):
            return np.inf, np.zeros_like(log_params)
        gradient = np.empty(len(log_params))
        for j in range(len(log_params)):
            up = log_params.copy()
            down = log_params.copy()
            up[j] += step
            down[j] -= step
            gradient[j] = (value(up) - value(down)) / (2 * step)
        if not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros_like(log_params)
        return centre, gradient

    return objective


def log_scale_errors(hessian: np.ndarray, total_weight: float) -> np.ndarray:
    """Standard errors of the log-parameters from the Hessian of the mean objective."""
    try:
        covariance = np.linalg.inv(hessian * total_weight)
    except np.linalg.LinAlgError:
        return np.full(len(hessian), np.nan)
    variances = np.diag(covariance)
    return np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)


def parameter_table(params: dict[str, float], log_errors: np.ndarray) -> pd.DataFrame:
    """Estimates with delta-method standard errors and log-scale 95 % intervals."""
    names = list(params)
    estimates = np.array([params[n] for n in names])
    return pd.DataFrame(
        {
            "estimate": estimates,
            "std_error": estimates * log_errors,
            "lower_95": estimates * np.exp(-Z95 * log_errors),
            "upper_95": estimates * np.exp(Z95 * log_errors),
        },
        index=pd.Index(names, name="parameter"),
    )


def aggregate_rows(
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


def unique_histories(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the flattened columns and the inverse index back to all rows."""
    codes = np.zeros(columns[0].size, dtype=np.int64)
    for column in columns:
        code, uniques = pd.factorize(column.ravel(), sort=False)
        codes = codes * len(uniques) + code
    group, uniques = pd.factorize(codes, sort=False)
    first_rows = np.empty(len(uniques), dtype=np.int64)
    first_rows[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    return [column.ravel()[first_rows] for column in columns], group


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product without BLAS.

    A BLAS dot may start threads for long vectors; on a busy machine (a batch of
    reports, a shared server) waiting for them costs more than the sum itself, and
    einsum's single-threaded loop keeps fit times steady.
    """
    return float(np.einsum("i,i->", a, b))


def wrap_like(values: np.ndarray, like: object, name: str) -> object:
    """Return a Series indexed like ``like`` when it is one, a float for a scalar."""
    if isinstance(like, pd.Series) and values.shape == like.shape:
        return pd.Series(values, index=like.index, name=name)
    if values.ndim == 0:
        return float(values)
    return values


def check_horizon(t: object) -> np.ndarray:
    """Check a forecast horizon: 0 or more periods, finite."""
    t_values = np.asarray(t, dtype=np.float64)
    if np.any(~np.isfinite(t_values) | (t_values < 0)):
        raise ParameterError("t must be 0 or more periods")
    return t_values


def check_penalizer(penalizer: float) -> float:
    """Check an L2 penalty: a finite number, 0 or more."""
    if not np.isfinite(penalizer) or penalizer < 0:
        raise ParameterError(f"penalizer must be 0 or more, got {penalizer}")
    return float(penalizer)


def read_weighted_summary(
    summary: pd.DataFrame,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    weights_col: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Frequency, recency, T and weights of a per-customer summary, checked.

    Returns
    -------
    x, recency, T, weights : ndarray of float
        ``weights`` is all ones without ``weights_col``.

    Raises
    ------
    MissingDataError, DataValidationError
        As :func:`crmlib.analytics.summary.check_summary`.
    ParameterError
        If a weight is negative.
    """
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


# ----------------------------------------------------------------------------------------
# Starting points and the beta-geometric expectation (BG/NBD and MBG/NBD)
# ----------------------------------------------------------------------------------------


def gamma_rate_start(x: np.ndarray, T: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Method-of-moments start (r, alpha) of the gamma purchase rates, from x / T.

    The variance of x / T is net of the Poisson noise (mean of rate / T), floored at a
    tenth of the squared mean so that the shape stays finite.
    """
    aged = T > 0
    rate = x[aged] / T[aged]
    w = weights[aged]
    if w.sum() <= 0:
        return 1.0, 1.0
    mean = float(np.average(rate, weights=w))
    variance = float(np.average((rate - mean) ** 2, weights=w))
    noise = float(np.average(rate / T[aged], weights=w))
    rate_variance = max(variance - noise, 0.1 * mean**2, 1e-12)
    r0 = float(np.clip(mean**2 / rate_variance, 0.05, 20.0)) if mean > 0 else 1.0
    alpha0 = float(np.clip(r0 / mean, 1e-4, 1e4)) if mean > 0 else 1.0
    return r0, alpha0


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


def beta_geometric_expected_if_alive(
    params: dict[str, float], t: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T, x repeat purchases] in BG/NBD (arrays).

    FHL 2005 eq. 10 without the P(alive) factor:
    ``(a+b+x-1)/(a-1) * (1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z))``.
    MBG/NBD's is the same with b + 1 (a customer alive after x purchases has survived
    x + 1 dropout chances there, x here). The closed form is used where it is finite
    and within the bounds the expectation must respect (the cases p = 1 and p = 0);
    elsewhere a quadrature of the same expectation.
    """
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    t, x, T = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (t, x, T)))
    shape_out = x.shape
    t, x, T = (np.ravel(v) for v in (t, x, T))
    with np.errstate(all="ignore"):
        if abs(a - 1.0) > 1e-7:
            coefficient = (a + b + x - 1.0) / (a - 1.0)
            # 1 - exp(log_term) without cancellation when the term is close to 1
            if_alive = coefficient * -np.expm1(_log_future_term(params, t, x, T))
        else:
            # the closed form is 0/0 at a = 1: leave it to the quadrature
            if_alive = np.full(x.shape, np.nan)
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
    return np.where(t == 0, 0.0, np.maximum(if_alive, 0.0)).reshape(shape_out)


def simulation_start(
    n_customers: int, T: object, seed: int | None, params: dict[str, float]
) -> tuple[np.random.Generator, np.ndarray, np.ndarray]:
    """The checks and first draws every purchase-model simulator shares.

    Parameters
    ----------
    n_customers : int
        Number of customers to draw.
    T : float or array
        Age of each customer at the end of the observation.
    seed : int, optional
        Seed of the random generator.
    params : dict
        The model's parameters by name; all must be positive, and ``r`` and ``alpha``
        give each customer's purchase rate (Gamma-distributed, as in every model here).

    Returns
    -------
    rng, ages, rate
        The generator (for the model's own dropout draws), each customer's age and
        purchase rate.
    """
    if n_customers < 0:
        raise ParameterError(f"n_customers must be 0 or more, got {n_customers}")
    if min(params.values()) <= 0:
        names = list(params)
        raise ParameterError(f"{', '.join(names[:-1])} and {names[-1]} must all be positive")
    rng = np.random.default_rng(seed)
    ages = np.broadcast_to(np.asarray(T, dtype=np.float64), (n_customers,)).copy()
    if np.any(ages < 0):
        raise ParameterError("T must be 0 or more")
    rate = rng.gamma(params["r"], 1.0 / params["alpha"], n_customers)
    return rng, ages, rate

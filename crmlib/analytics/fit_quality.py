"""Whether a lifetime-value fit can be trusted, said in words.

A maximum-likelihood fit always returns numbers; they are not always worth showing.
:func:`diagnose_purchase_model` checks a fitted BG/NBD, MBG/NBD or Pareto/NBD model and
returns a :class:`FitDiagnosis` with ``status``:

- ``"unavailable"``: the fit did not converge, a parameter ran to the edge of its range
  (the data do not pin it down), or the output is implausible: the model gives active
  and lapsed customers about the same probability of being alive. Its numbers must not
  be presented as fact.
- ``"caveat"``: usable with a stated reservation: a parameter is implausibly extreme
  although the fit converged, or most customers are one-time buyers and the model
  (BG/NBD) counts every one of them as alive.
- ``"ok"``: none of the above.

Active and lapsed are defined on the data, relative to each customer's own rhythm
(:func:`activity_groups`), so that the check needs no calendar threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crmlib.formatting import decimal, percent
from crmlib.text import sentence, translate

STATUSES = ("ok", "caveat", "unavailable")

#: unitless parameters (shapes r, s, a, b) outside this range are implausibly extreme
SHAPE_RANGE = (1e-3, 1e3)
#: time-scale parameters (alpha, beta) outside this range, as a multiple of the longest
#: customer age, are implausibly extreme
SCALE_RANGE = (1e-4, 1e4)
#: a customer is lapsed when the time since their last purchase exceeds this many of
#: their own mean intervals between purchases
LAPSED_INTERVALS = 3.0
#: active and lapsed customers whose mean P(alive) differ by less than this are "about the same"
MIN_SEPARATION = 0.10
#: fewer customers than this in either group leave the comparison untested
MIN_GROUP = 5
#: above this share of one-time buyers, "most buyers are one-time buyers"
ONE_TIME_MAJORITY = 0.5


@dataclass(frozen=True)
class FitDiagnosis:
    """Whether a model's fit can be trusted: ``status`` and a plain-English ``reason``.

    Attributes
    ----------
    status : {"ok", "caveat", "unavailable"}
        The worst of the findings.
    reason : str
        Every finding in one or more sentences (what was found and what it means).
    findings : tuple of (status, sentence)
        The findings one by one.
    """

    status: str
    reason: str
    findings: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def usable(self) -> bool:
        """Whether the model's numbers may be shown (with the reason if a caveat)."""
        return self.status != "unavailable"


def combine(findings: list[tuple[str, str]], fine: str) -> FitDiagnosis:
    """One diagnosis from findings: the worst status, every sentence; ``fine`` if none."""
    if not findings:
        return FitDiagnosis("ok", fine, ())
    worst = max(findings, key=lambda item: STATUSES.index(item[0]))[0]
    ordered = sorted(findings, key=lambda item: -STATUSES.index(item[0]))
    return FitDiagnosis(worst, " ".join(s for _, s in ordered), tuple(ordered))


def activity_groups(
    x: np.ndarray, recency: np.ndarray, T: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Which customers are active and which lapsed, relative to their own rhythm.

    A repeat buyer's rhythm is their mean interval between purchases,
    ``recency / frequency`` (from the first purchase to the last). A one-time buyer has
    no rhythm of their own and gets the median interval of the repeat buyers. Then:

    - **active**: the time since the last purchase, ``T - recency``, is at most one
      interval (they bought about when they usually would);
    - **lapsed**: the time since the last purchase is more than ``LAPSED_INTERVALS``
      (3) intervals: they have missed at least three purchases they would have made.

    Customers in between belong to neither group.

    Returns
    -------
    active, lapsed : ndarray of bool
    """
    x, recency, T = (np.asarray(v, dtype=np.float64) for v in (x, recency, T))
    weights = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=np.float64)
    repeat = (x > 0) & (recency > 0)
    interval = np.full(len(x), np.nan)
    interval[repeat] = recency[repeat] / x[repeat]
    if repeat.any():
        order = np.argsort(interval[repeat])
        cumulative = np.cumsum(weights[repeat][order])
        median = interval[repeat][order][np.searchsorted(cumulative, cumulative[-1] / 2)]
    else:
        median = np.nan
    interval = np.where(repeat, interval, median)
    since = T - recency
    with np.errstate(invalid="ignore"):
        active = since <= interval
        lapsed = since > LAPSED_INTERVALS * interval
    return active, lapsed


def _format(value: float) -> str:
    """A parameter as a reader sees it: whole from 1,000 on, else three significant digits
    (in the locale's decimal sign, trailing zeros dropped)."""
    if not np.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return decimal(value, 0)
    if value and abs(value) < 1e-3:
        # a scale nobody reads in decimals: 1.39e-11, with the locale's decimal sign
        return f"{value:.3g}".replace(".", decimal(1.5, 1)[1])
    digits = max(0, 2 - int(np.floor(np.log10(abs(value))))) if value else 0
    text = decimal(float(f"{value:.3g}"), digits)
    return text.rstrip("0").rstrip(".,") if digits else text


def diagnose_purchase_model(
    model: Any, x: np.ndarray, recency: np.ndarray, T: np.ndarray, weights: np.ndarray
) -> FitDiagnosis:
    """Check a fitted BG/NBD, MBG/NBD or Pareto/NBD model on the summary it was fitted on.

    Parameters
    ----------
    model : RepeatPurchaseModel
        Fitted (``params_``, ``converged_``, ``at_bound_``, ``max_T_``).
    x, recency, T, weights : ndarray
        The summary it was fitted on.

    Returns
    -------
    FitDiagnosis
    """
    name = model.model_name
    params = model.params_
    findings: list[tuple[str, str]] = []
    if not model.converged_:
        findings.append(
            (
                "unavailable",
                sentence(
                    "The {name} fit did not converge: the optimiser stopped before it found "
                    "the best parameters, so its predictions are not reliable.",
                    name=name,
                ),
            )
        )
    if model.at_bound_:
        shown = ", ".join(f"{n} = {_format(params[n])}" for n in model.at_bound_)
        findings.append(
            (
                "unavailable",
                sentence(
                    "{name}: a parameter ran to the edge of its range ({shown}); the data do "
                    "not pin it down, so the model's predictions rest on an arbitrary value.",
                    name=name,
                    shown=shown,
                ),
            )
        )
    extreme = []
    for n, value in params.items():
        if n in model.at_bound_:
            continue
        low, high = SCALE_RANGE if n in model.time_params else SHAPE_RANGE
        relative = value / model.max_T_ if n in model.time_params else value
        if not low <= relative <= high:
            extreme.append(f"{n} = {_format(value)}")
    if extreme:
        findings.append(
            (
                "caveat",
                sentence(
                    "{name}: implausibly extreme parameter ({shown}), which usually means the "
                    "data hardly inform it (e.g. almost no dropout seen).",
                    name=name,
                    shown=", ".join(extreme),
                ),
            )
        )

    can_lapse = model.one_time_buyers_can_lapse
    weights = np.asarray(weights, dtype=np.float64)
    total = float(weights.sum())
    one_time = float(weights[x == 0].sum()) / total if total > 0 else 0.0
    if not can_lapse and one_time > ONE_TIME_MAJORITY:
        findings.append(
            (
                "caveat",
                sentence(
                    "{share} of the customers made no repeat purchase, and {name} counts every "
                    "one of them as alive (P(alive) = 1) however long ago they bought; MBG/NBD "
                    "or Pareto/NBD do not.",
                    share=percent(one_time),
                    name=name,
                ),
            )
        )

    separation = ""
    active, lapsed = activity_groups(x, recency, T, weights)
    if not can_lapse:
        # one-time buyers are alive by construction: test where the model can tell
        active, lapsed = active & (x > 0), lapsed & (x > 0)
    n_active, n_lapsed = float(weights[active].sum()), float(weights[lapsed].sum())
    if n_active >= MIN_GROUP and n_lapsed >= MIN_GROUP:
        alive = np.asarray(model.probability_alive(x, recency, T), dtype=np.float64)
        alive_active = float(np.average(alive[active], weights=weights[active]))
        alive_lapsed = float(np.average(alive[lapsed], weights=weights[lapsed]))
        who = translate("customers") if can_lapse else translate("repeat customers")
        if alive_active - alive_lapsed < MIN_SEPARATION:
            findings.append(
                (
                    "unavailable",
                    sentence(
                        "{name} gives active {who} and lapsed ones about the same probability "
                        "of being alive ({active} and {lapsed} on average; {lapsed_count} "
                        "lapsed, i.e. no purchase for more than {intervals} of their usual "
                        "intervals), so its P(alive) does not tell who has gone.",
                        name=name,
                        who=who,
                        active=percent(alive_active),
                        lapsed=percent(alive_lapsed),
                        lapsed_count=_format(n_lapsed),
                        intervals=_format(LAPSED_INTERVALS),
                    ),
                )
            )
        else:
            separation = " " + sentence(
                "P(alive) averages {active} for active {who} and {lapsed} for lapsed ones.",
                active=percent(alive_active),
                who=who,
                lapsed=percent(alive_lapsed),
            )
    return combine(
        findings,
        sentence("The {name} fit converged with parameters in plausible ranges.", name=name)
        + separation,
    )

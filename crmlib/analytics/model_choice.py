"""Which lifetime-value model fits a company: chosen on a calibration/holdout split.

BG/NBD, MBG/NBD and Pareto/NBD tell different stories about the same customers (most
visibly about one-time buyers). Rather than assume one, :func:`choose_purchase_model`
lets the company's own history decide:

1. the history is split with :func:`~crmlib.analytics.summary.calibration_and_holdout`
   (the holdout is the last third of the span unless ``calibration_end`` is given);
2. each model is fitted on the calibration period and predicts each customer's
   purchases in the holdout; a fit that fails, or whose diagnosis
   (:mod:`crmlib.analytics.fit_quality`) is ``unavailable``, is left out;
3. the errors are, per model:

   - ``total_error_pct``: (predicted - actual) / actual total holdout purchases, in %
     (signed: positive means the model expects too many);
   - ``mae``: the mean absolute error per customer, in purchases;

4. the model with the smallest per-customer MAE wins (the per-customer forecast is
   what lifetime value uses), and is fitted again on the whole history.

A holdout that is absent, shorter than ``min_holdout_months`` or holds fewer than
``min_holdout_purchases`` purchases gives status ``unavailable`` with the reason: the
comparison would say nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.bgnbd import BetaGeoModel
from crmlib.analytics.fit_quality import FitDiagnosis
from crmlib.analytics.ltv_base import RepeatPurchaseModel
from crmlib.analytics.mbgnbd import ModifiedBetaGeoModel
from crmlib.analytics.pareto_nbd import ParetoNBDModel
from crmlib.analytics.summary import (
    FREQUENCIES,
    PERIODS_PER_MONTH,
    calibration_and_holdout,
    check_frequency,
    require_columns,
    summarize_transactions,
    to_day_numbers,
)
from crmlib.errors import ModelFitError, ParameterError
from crmlib.formatting import count, day, percent
from crmlib.text import Safe, listing, number, sentence, translate

__all__ = ["CANDIDATES", "ModelChoice", "choose_purchase_model", "compare_on_holdout"]

#: the candidate models, in the order they are shown
CANDIDATES: tuple[type[RepeatPurchaseModel], ...] = (
    BetaGeoModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
)
PARAMETER_COLUMNS = ("r", "alpha", "a", "b", "s", "beta")
#: a chosen model that misses the holdout total by more than this share gets a caveat
LARGE_TOTAL_ERROR = 0.25


@dataclass(frozen=True)
class ModelChoice:
    """The outcome of :func:`choose_purchase_model`.

    Attributes
    ----------
    status : {"ok", "caveat", "unavailable"}
        ``unavailable`` when no model could be chosen (the reason says why).
    reason : str
        In words: which model was chosen and on what error, or why none was.
    comparison : DataFrame
        One row per candidate: ``model``, ``status``, ``reason``, the parameters
        (``r``, ``alpha``, ``a``, ``b``, ``s``, ``beta``; NaN where a model has none),
        ``log_likelihood``, ``predicted`` and ``actual`` (total holdout purchases),
        ``total_error_pct``, ``mae`` and ``chosen``. Empty without a holdout.
    chosen : str or None
        The chosen model's name ("BG/NBD", "MBG/NBD", "Pareto/NBD").
    model : RepeatPurchaseModel or None
        The chosen model, fitted again on the whole history.
    calibration_end, observation_end : Timestamp or None
        The split used.
    holdout_periods : float
        Length of the holdout in periods of ``freq`` (0 without a holdout).
    diagnosis : FitDiagnosis
        ``status`` and ``reason`` as one object.
    """

    status: str
    reason: str
    comparison: pd.DataFrame
    chosen: str | None = None
    model: RepeatPurchaseModel | None = None
    calibration_end: pd.Timestamp | None = None
    observation_end: pd.Timestamp | None = None
    holdout_periods: float = 0.0
    diagnosis: FitDiagnosis = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "diagnosis", FitDiagnosis(self.status, self.reason))


def _empty_comparison() -> pd.DataFrame:
    columns = [
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
    ]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _fit_quietly(model: RepeatPurchaseModel, summary: pd.DataFrame, **columns: str):
    # a parameter at its bound warns; the diagnosis says it in words instead
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return model.fit(summary, **columns)


def compare_on_holdout(
    split: pd.DataFrame,
    candidates: tuple[type[RepeatPurchaseModel], ...] = CANDIDATES,
    penalizer: float = 0.0,
) -> pd.DataFrame:
    """Fit each candidate on the calibration columns and score it on the holdout.

    Parameters
    ----------
    split : DataFrame
        From :func:`~crmlib.analytics.summary.calibration_and_holdout`: ``frequency_cal``,
        ``recency_cal``, ``T_cal``, ``frequency_holdout``, ``duration_holdout``. Not
        modified.
    candidates : tuple of model classes
        The models to compare.
    penalizer : float, default 0.0
        Passed to every model.

    Returns
    -------
    DataFrame
        The comparison table of :class:`ModelChoice`, with ``chosen`` all False.
    """
    require_columns(
        split,
        "calibration/holdout split",
        ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
    )
    actual = split["frequency_holdout"].to_numpy(dtype=np.float64)
    duration = split["duration_holdout"].to_numpy(dtype=np.float64)
    rows = []
    for cls in candidates:
        row: dict[str, object] = {"model": cls.model_name}
        row.update(dict.fromkeys(PARAMETER_COLUMNS, np.nan))
        try:
            model = _fit_quietly(
                cls(penalizer=penalizer),
                split,
                frequency_col="frequency_cal",
                recency_col="recency_cal",
                T_col="T_cal",
            )
        except ModelFitError as exc:
            row.update(status="unavailable", reason=f"{cls.model_name} could not be fitted: {exc}")
            row.update(log_likelihood=np.nan, predicted=np.nan, actual=actual.sum())
            row.update(total_error_pct=np.nan, mae=np.nan)
            rows.append(row)
            continue
        predicted = np.asarray(
            model.conditional_expected_purchases(
                duration,
                split["frequency_cal"].to_numpy(dtype=np.float64),
                split["recency_cal"].to_numpy(dtype=np.float64),
                split["T_cal"].to_numpy(dtype=np.float64),
            )
        )
        total_actual = float(actual.sum())
        total_predicted = float(predicted.sum())
        row.update(model.params_)
        row.update(
            status=model.diagnosis_.status,
            reason=model.diagnosis_.reason,
            log_likelihood=model.log_likelihood_,
            predicted=total_predicted,
            actual=total_actual,
            total_error_pct=(
                100.0 * (total_predicted - total_actual) / total_actual
                if total_actual > 0
                else np.nan
            ),
            mae=float(np.mean(np.abs(predicted - actual))),
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    table["chosen"] = False
    return table[list(_empty_comparison().columns)]


def _default_calibration_end(days: np.ndarray, freq: str) -> pd.Timestamp:
    """The end of the first two thirds of the span, moved back to the end of a period."""
    first, last = int(days.min()), int(days.max())
    cut = pd.Timestamp(first + (last - first) * 2 // 3, unit="D")
    if freq == "W":
        return cut - pd.Timedelta(days=(cut.day_of_week + 1) % 7)  # the Sunday before
    if freq == "M":
        return cut.replace(day=1) - pd.Timedelta(days=1)  # the month before's last day
    return cut


def choose_purchase_model(
    tx: pd.DataFrame,
    calibration_end: object = None,
    observation_end: object = None,
    freq: str = "W",
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    candidates: tuple[type[RepeatPurchaseModel], ...] = CANDIDATES,
    min_holdout_months: float = 2.0,
    min_holdout_purchases: int = 20,
    penalizer: float = 0.0,
) -> ModelChoice:
    """Choose BG/NBD, MBG/NBD or Pareto/NBD for a company on a holdout of its own history.

    Parameters
    ----------
    tx : DataFrame
        Transactions, one row per purchase (line). Not modified.
    calibration_end : date-like, optional
        Last day of the calibration period. Defaults to the end of the period that
        holds the point two thirds into the history.
    observation_end : date-like, optional
        Last day of the holdout. Defaults to the last transaction date.
    freq : {"D", "W", "M"}, default "W"
        The period unit.
    customer_col, date_col : str
        Column names.
    candidates : tuple of model classes
        The models to compare.
    min_holdout_months : float, default 2.0
        A shorter holdout gives status ``unavailable``.
    min_holdout_purchases : int, default 20
        A holdout with fewer repeat purchase periods gives status ``unavailable``.
    penalizer : float, default 0.0
        Passed to every model.

    Returns
    -------
    ModelChoice
        The choice, the comparison table and the chosen model refitted on all data.

    Raises
    ------
    MissingDataError, DataValidationError
        For a missing column or bad dates (a user error, not a property of the data).
    """
    check_frequency(freq)
    require_columns(tx, "transactions", [customer_col, date_col])
    days = to_day_numbers(tx[date_col], "transactions", date_col)
    if len(days) == 0:
        return ModelChoice(
            "unavailable",
            "There are no transactions, so no model can be chosen.",
            _empty_comparison(),
        )
    if calibration_end is None:
        calibration_end = _default_calibration_end(days, freq)
    try:
        split = calibration_and_holdout(
            tx,
            calibration_end,
            observation_end,
            freq=freq,
            customer_col=customer_col,
            date_col=date_col,
            amount_col=None,
        )
    except ParameterError as exc:
        return no_holdout(exc)
    obs_end = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else pd.Timestamp(int(days.max()), unit="D")
    )

    def history() -> pd.DataFrame:
        return summarize_transactions(
            tx,
            customer_col=customer_col,
            date_col=date_col,
            amount_col=None,
            freq=freq,
            observation_end=obs_end,
        )

    return choose_on_split(
        split,
        history,
        calibration_end=pd.Timestamp(calibration_end),
        observation_end=obs_end,
        freq=freq,
        candidates=candidates,
        min_holdout_months=min_holdout_months,
        min_holdout_purchases=min_holdout_purchases,
        penalizer=penalizer,
    )


def no_holdout(error: ParameterError) -> ModelChoice:
    """The choice when the history cannot be split: ``error`` says why."""
    return ModelChoice(
        "unavailable",
        f"No holdout period to compare the models on: {error}. The lifetime-value model "
        "cannot be checked against the company's own history.",
        _empty_comparison(),
    )


def default_calibration_end(first_day: int, last_day: int, freq: str) -> pd.Timestamp:
    """The calibration end :func:`choose_purchase_model` takes for a history of these days."""
    return _default_calibration_end(np.array([first_day, last_day]), freq)


def choose_on_split(
    split: pd.DataFrame,
    history: Callable[[], pd.DataFrame],
    *,
    calibration_end: pd.Timestamp,
    observation_end: pd.Timestamp,
    freq: str = "W",
    candidates: tuple[type[RepeatPurchaseModel], ...] = CANDIDATES,
    min_holdout_months: float = 2.0,
    min_holdout_purchases: int = 20,
    penalizer: float = 0.0,
) -> ModelChoice:
    """:func:`choose_purchase_model` on a split already made.

    ``split`` is :func:`crmlib.analytics.summary.calibration_and_holdout`'s table (its
    ``*_cal``, ``frequency_holdout`` and ``duration_holdout`` columns), however it was
    computed (in pandas, or in a database engine); ``history()`` gives the summary of
    the whole history to refit the chosen model on, asked only once a model is chosen.
    """
    unit = FREQUENCIES[freq]

    def unavailable(reason: str, **extra: object) -> ModelChoice:
        return ModelChoice("unavailable", reason, _empty_comparison(), **extra)

    cal_end, obs_end = pd.Timestamp(calibration_end), pd.Timestamp(observation_end)
    periods = float(split["duration_holdout"].iloc[0]) if len(split) else 0.0
    where = {"calibration_end": cal_end, "observation_end": obs_end, "holdout_periods": periods}
    months = periods / PERIODS_PER_MONTH[freq]
    if months < min_holdout_months:
        return unavailable(
            f"The holdout from {cal_end:%Y-%m-%d} to {obs_end:%Y-%m-%d} holds {periods:g} "
            f"{unit}(s), about {months:.1f} months; at least {min_holdout_months:g} months are "
            "needed to compare forecasts. Choose an earlier calibration_end or wait for more "
            "data.",
            **where,
        )
    holdout_purchases = float(split["frequency_holdout"].sum())
    if holdout_purchases < min_holdout_purchases:
        return unavailable(
            f"The holdout from {cal_end:%Y-%m-%d} to {obs_end:%Y-%m-%d} holds only "
            f"{holdout_purchases:g} purchase {unit}s of known customers (at least "
            f"{min_holdout_purchases} are needed), too few to tell the models apart.",
            **where,
        )

    table = compare_on_holdout(split, candidates, penalizer)
    usable = table[(table["status"] != "unavailable") & table["mae"].notna()]
    if usable.empty:
        return ModelChoice(
            "unavailable",
            "No lifetime-value model gave a usable fit on the calibration period: "
            + " ".join(table["reason"].astype(str)),
            table,
            **where,
        )
    ranked = usable.sort_values(["mae", "total_error_pct"], key=lambda c: c.abs())
    whole = history()
    by_name = {cls.model_name: cls for cls in candidates}
    findings: list[tuple[str, str]] = []
    for index, row in ranked.iterrows():
        name = str(row["model"])
        try:
            model = _fit_quietly(by_name[name](penalizer=penalizer), whole)
        except ModelFitError as exc:
            findings.append(("caveat", f"{name} could not be refitted on all data: {exc}"))
            continue
        if model.diagnosis_.status == "unavailable":
            findings.append(
                (
                    "caveat",
                    f"{name} forecast the holdout best but its fit on all data is not usable: "
                    f"{model.diagnosis_.reason}",
                )
            )
            continue
        table.loc[index, "chosen"] = True
        others = listing(
            sentence("{model} {mae}", model=r["model"], mae=number(r["mae"], 3))
            for _, r in ranked.iterrows()
            if r["model"] != name
        )
        left_out = table.loc[table["status"] == "unavailable", "model"].tolist()
        # one sentence of the catalogue, so it reads in the report's language
        chosen = sentence(
            "{name} is chosen: over the {periods}-{unit} holdout from {start} to {end} it is "
            "off by {mae} purchases per customer on average (mean absolute error{others}) "
            "and by {total_error} on the total ({predicted} predicted, {actual} actual).",
            name=name,
            periods=number(periods, None),
            unit=translate(unit),
            start=day(cal_end),
            end=day(obs_end),
            mae=number(row["mae"], 3),
            others=Safe("; " + others) if others else "",
            total_error=percent(row["total_error_pct"] / 100, 1),
            predicted=count(row["predicted"]),
            actual=count(row["actual"]),
        )
        if left_out:
            chosen += sentence(" Left out as unusable: {models}.", models=listing(left_out))
        if model.diagnosis_.status == "caveat":
            findings.append(("caveat", model.diagnosis_.reason))
        if abs(row["total_error_pct"]) > 100 * LARGE_TOTAL_ERROR:
            findings.append(
                (
                    "caveat",
                    sentence(
                        "Even the best model misses the holdout total by {error}, so its "
                        "forecasts are rough.",
                        error=percent(row["total_error_pct"] / 100),
                    ),
                )
            )
        return ModelChoice(
            "caveat" if findings else "ok",
            " ".join([chosen, *(s for _, s in findings)]),
            table,
            chosen=name,
            model=model,
            **where,
        )
    return ModelChoice(
        "unavailable",
        "No model could be fitted usefully on all data: " + " ".join(s for _, s in findings),
        table,
        **where,
    )

"""Payne & Frow's first process: strategy development.

Strategy development brings the business strategy (a growth goal, the segments to serve)
together with the customer strategy (which segments, served how). The workbook measures
the segments on value (current and expected lifetime value, from
:func:`crmlib.analytics.segments.customer_segments`) and needs (the survey), chooses the
target segments from the data when none are given, and gives each segment a treatment
that follows from its figures.

The process score (0-1, this workbook's operationalisation, used to colour the diagram
and find the weakest process) is the mean of the target segments' share of expected
value and the share of the growth goal that today's customers plus last year's pace of
acquisition reach (capped at 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.baseline import SelectionBaseline, against_baseline, selection_baseline
from crmlib.analytics.needs import need_dimensions, needs_profile
from crmlib.analytics.profitability import DEFAULT_TIERS, VALUE_CATEGORIES
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.errors import ParameterError
from crmlib.figures import Figure
from crmlib.models.payne_frow.common import (
    Parts,
    customer_base,
    mean_or_none,
    revenue_last_year,
    shared_base,
)
from crmlib.models.steps import attempt
from crmlib.text import translate

TIERS = tuple(name for name, _ in DEFAULT_TIERS)
CATEGORIES = tuple(VALUE_CATEGORIES)


def parse_targets(target_segments: str) -> tuple[str, tuple[str, ...]]:
    """Read the ``target_segments`` parameter.

    Parameters
    ----------
    target_segments : str
        Comma-separated value tiers (platinum, gold, silver, bronze) or value categories
        (MVC, MGC, BZ, other), in any case; empty to choose from the data.

    Returns
    -------
    (str, tuple of str)
        The segment column (``"value_tier"`` or ``"value_category"``) and the names in
        their canonical spelling (empty when none were given: tiers are then used).

    Raises
    ------
    ParameterError
        For an unknown name, or tiers and categories mixed.
    """
    names = [n.strip() for n in str(target_segments or "").split(",") if n.strip()]
    if not names:
        return "value_tier", ()
    tiers = {t.casefold(): t for t in TIERS}
    categories = {c.casefold(): c for c in CATEGORIES}
    unknown = [n for n in names if n.casefold() not in tiers and n.casefold() not in categories]
    if unknown:
        raise ParameterError(
            f"target_segments names {', '.join(unknown)}, which is not a value tier "
            f"({', '.join(TIERS)}) or value category ({', '.join(CATEGORIES)})"
        )
    in_tiers = [n.casefold() in tiers for n in names]
    if any(in_tiers) and not all(in_tiers):
        raise ParameterError(
            "target_segments mixes value tiers and value categories; name one kind only"
        )
    if all(in_tiers):
        return "value_tier", tuple(dict.fromkeys(tiers[n.casefold()] for n in names))
    return "value_category", tuple(dict.fromkeys(categories[n.casefold()] for n in names))


def segment_order(column: str) -> tuple[str, ...]:
    """The segments of a column from most to least valuable."""
    return TIERS if column == "value_tier" else ("MVC", "MGC", "other", "BZ")


def _top_needs(company: Company, labels: pd.Series) -> pd.Series:
    """The two needs each segment scores most above the survey's average."""
    if company.needs is None or not need_dimensions(company.needs):
        return pd.Series(dtype=object)
    dims = need_dimensions(company.needs)
    profile = needs_profile(company.needs, labels)
    overall = company.needs[dims].mean()
    tops = {}
    for segment, row in profile.iterrows():
        if row["respondents"] < 5:
            continue
        lift = (row[dims] - overall).astype(float).sort_values(ascending=False)
        tops[segment] = " & ".join(n.replace("_", " ") for n in lift.index[:2])
    return pd.Series(tops, dtype=object)


def _treatment(row: pd.Series, base_change: float) -> str:
    if row["value_per_customer"] < 0:
        how = translate("serve for less: low-cost channels and fewer contacts")
    elif not row["target"]:
        how = translate("maintain at low cost: digital channels, no personal follow-up")
    elif pd.notna(row["expected_change"]) and row["expected_change"] < base_change:
        how = translate(
            "retain: loyalty benefits and personal service, its value is expected to fall"
        )
    else:
        how = translate("develop: cross-sell and a larger share of wallet")
    if row["target"] and row.get("top_needs"):
        # a table cell as well as a sentence's value: escaped where it is shown, not here
        how = translate("{how}; lead with {needs}").format(how=how, needs=row["top_needs"])
    return how


@dataclass(frozen=True)
class Strategy(Parts):
    """Business strategy meets customer strategy.

    Attributes
    ----------
    segment_col : str
        ``"value_tier"`` or ``"value_category"``.
    segments : DataFrame or None
        Indexed by segment (from most to least valuable): ``customers``,
        ``customer_share``, ``value_share`` (share of current value: profit of the
        last horizon), ``expected_value_share`` (share of CLV), ``value_per_customer``,
        ``expected_value_per_customer``, ``revenue_last`` (last 12 months),
        ``revenue_expected`` (next 12 months from today's customers),
        ``expected_change`` (their ratio - 1), ``baseline_change`` (the change any group
        picked on the previous window's value tier showed one window on: regression to
        the mean, see :mod:`crmlib.analytics.baseline`; NaN when unknown),
        ``beyond_baseline`` (``expected_change`` minus it), ``probability_alive``
        (mean), ``top_needs`` (empty without a survey), ``target`` and ``treatment``.
    targets : tuple of str
        The target segments.
    chosen_from_data : bool
        True when the targets were chosen from the data: the segments whose expected
        value per customer is above the base's average.
    growth_goal : float
    revenue_last, revenue_new, revenue_expected, revenue_goal : float
        Revenue of the last 12 months; of it, from customers whose first purchase fell
        in them; expected from today's customers in the next 12 months (BG/NBD and
        Gamma-Gamma; NaN without a forecast); and the goal, last year's revenue
        grown by ``growth_goal``.
    target_value_share : float
        The target segments' share of expected value (of current value without a
        forecast).
    score : float or None
        See the module docstring.
    reachable : int or None
        Customers in the target segments who gave marketing consent (None when the
        customers table has no consent_marketing column).
    figures : tuple of Figure
        The figures the process states: the customer base's revenue of the last 12
        months, the model's own (``target_segment_share``,
        ``target_segment_reachable``, ``revenue_plan``) and each segment's
        ``selection_baseline``.
    baseline : SelectionBaseline or None
        The regression-to-the-mean baseline the segments' forecasts are read against
        (None when the customer base could not be read).
    """

    segment_col: str
    segments: pd.DataFrame | None
    targets: tuple[str, ...]
    chosen_from_data: bool
    growth_goal: float
    revenue_last: float
    revenue_new: float
    revenue_expected: float
    revenue_goal: float
    target_value_share: float
    score: float | None
    reachable: int | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()
    baseline: SelectionBaseline | None = None
    #: The purchase model's miss on its holdout (:attr:`CustomerBase.forecast_error`).
    forecast_error: float | None = None

    @property
    def forecast(self) -> float:
        """Revenue expected next year: today's customers plus last year's acquisition."""
        return self.revenue_expected + self.revenue_new

    def read_against_baseline(self, groups: tuple[str, ...]) -> tuple[float, float | None]:
        """The forecast change of these segments taken together, and the change any group
        picked on the same value tiers showed one window on (None when unknown).

        The forecast is NaN without one (or without revenue last year).
        """
        if self.segments is None or not groups:
            return float("nan"), None
        rows = self.segments.loc[list(groups)]
        last = float(rows["revenue_last"].sum())
        expected = rows["revenue_expected"].sum(min_count=1)  # NaN without a forecast
        forecast = float(expected) / last - 1 if last > 0 and pd.notna(expected) else float("nan")
        baseline = self.baseline.combined(tuple(groups)) if self.baseline is not None else None
        return forecast, baseline

    @property
    def gap(self) -> float:
        """The revenue the goal asks beyond the forecast (negative: the goal is in reach)."""
        return self.revenue_goal - self.forecast


def _segment_table(
    company: Company,
    base: pd.DataFrame,
    column: str,
    targets: tuple[str, ...],
    horizon_months: int,
) -> tuple[pd.DataFrame, tuple[str, ...], bool]:
    table = base.set_index("customer_id")
    labels = table[column].astype(str)
    revenue_last = revenue_last_year(company).reindex(table.index, fill_value=0.0)
    # the forecast covers horizon_months; scaled to a year to compare with last year
    expected = (table["expected_purchases"] * table["expected_average_value"]).fillna(0.0)
    expected = expected * 12 / horizon_months
    has_forecast = table["clv"].notna().any()
    grouped = table.groupby(labels, observed=True)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "value_sum": grouped["current_value"].sum(),
            "expected_sum": grouped["clv"].sum() if has_forecast else np.nan,
            "value_per_customer": grouped["current_value"].mean(),
            "expected_value_per_customer": grouped["clv"].mean() if has_forecast else np.nan,
            "revenue_last": revenue_last.groupby(labels).sum(),
            "revenue_expected": expected.groupby(labels).sum() if has_forecast else np.nan,
            "probability_alive": grouped["probability_alive"].mean(),
        }
    )
    order = [s for s in segment_order(column) if s in out.index]
    out = out.loc[order]
    out.insert(1, "customer_share", out["customers"] / out["customers"].sum())
    out.insert(2, "value_share", out["value_sum"] / out["value_sum"].sum())
    out.insert(
        3,
        "expected_value_share",
        out["expected_sum"] / out["expected_sum"].sum() if has_forecast else np.nan,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["expected_change"] = np.where(
            out["revenue_last"] > 0, out["revenue_expected"] / out["revenue_last"] - 1, np.nan
        )
    out["top_needs"] = _top_needs(company, labels).reindex(out.index).fillna("")
    chosen = not targets
    if chosen:
        per_customer = "expected_value_per_customer" if has_forecast else "value_per_customer"
        average = (table["clv"] if has_forecast else table["current_value"]).mean()
        picked = out.index[out[per_customer] > average]
        targets = tuple(picked) if len(picked) else (out[per_customer].idxmax(),)
    out["target"] = out.index.isin(targets)
    total_last = out["revenue_last"].sum()
    base_change = out["revenue_expected"].sum() / total_last - 1 if total_last > 0 else np.nan
    out["treatment"] = [_treatment(row, base_change) for _, row in out.iterrows()]
    out.index.name = column
    return out.drop(columns=["value_sum", "expected_sum"]), targets, chosen


def strategy_development(
    company: Company,
    *,
    growth_goal: float = 0.05,
    target_segments: str = "",
    horizon_months: int = 12,
) -> Strategy:
    """Which segments to serve and how, and whether the growth goal is within reach.

    Parameters
    ----------
    company : Company
    growth_goal : float, default 0.05
        Yearly revenue growth the business strategy aims for.
    target_segments : str
        See :func:`parse_targets`; empty chooses them from the data.
    horizon_months : int, default 12
        Horizon of the expected (lifetime) value.

    Returns
    -------
    Strategy

    Raises
    ------
    ParameterError
        For a bad growth goal or target segment.
    """
    if not -1 < growth_goal < 10:
        raise ParameterError(f"growth_goal is a share such as 0.05 for 5%, got {growth_goal}")
    column, targets = parse_targets(target_segments)
    skipped: dict[str, str] = {}
    revenue = revenue_last_year(company)
    # last year's revenue is the customer base's (a twelve-month window), never re-summed
    year_base = shared_base(company, horizon_months=12)
    revenue_figure = year_base.figure("revenue")
    revenue_last = float(revenue_figure.value)
    # new customers: a first purchase in the last twelve months, as the base has it
    first = year_base.table["first_purchase"]
    new = first[(first > company.observation_end - pd.DateOffset(months=12)).to_numpy(dtype=bool)]
    new = new[(new <= company.observation_end).to_numpy(dtype=bool)]
    revenue_new = float(revenue.reindex(new.index, fill_value=0.0).sum())
    base = attempt(skipped, "segments", customer_base, company, horizon_months=horizon_months)
    segments = None
    chosen = not targets
    revenue_expected = float("nan")
    target_share = float("nan")
    baseline = None
    if base is not None:
        segments, targets, chosen = _segment_table(company, base, column, targets, horizon_months)
        # the segments are picked on the window's value, so their forecast is read against
        # what such a group did one window on in the company's own history
        baseline = selection_baseline(shared_base(company, horizon_months=horizon_months), column)
        compared = against_baseline(segments["expected_change"], baseline)
        position = segments.columns.get_loc("expected_change") + 1
        segments.insert(position, "baseline_change", compared["baseline"])
        segments.insert(position + 1, "beyond_baseline", compared["beyond"])
        if segments["revenue_expected"].notna().any():
            revenue_expected = float(segments["revenue_expected"].sum())
        shares = segments["expected_value_share"]
        if shares.isna().all():
            shares = segments["value_share"]
        target_share = float(shares[segments["target"]].sum())
    reachable = None
    if base is not None and "consent_marketing" in company.customers.columns:
        labels = base.set_index("customer_id")[column].astype(str)
        in_target = labels.index[labels.isin(targets).to_numpy(dtype=bool)]
        consent = company.customers.set_index("customer_id")["consent_marketing"]
        reachable = int(consent.reindex(in_target).fillna(False).to_numpy(dtype=bool).sum())
    goal = revenue_last * (1 + growth_goal)
    forecast = revenue_expected + revenue_new
    coverage = min(1.0, forecast / goal) if goal > 0 and pd.notna(forecast) else None
    score = mean_or_none([target_share, coverage])
    figures = _figures(
        year_base,
        base.attrs.get("window", year_base.window) if base is not None else year_base.window,
        revenue_figure,
        segments,
        target_share,
        reachable,
        skipped,
        {"goal": goal, "expected": revenue_expected, "new_customers": revenue_new},
    )
    if baseline is not None:
        figures += baseline.figures(tuple(segments.index))
    return Strategy(
        segment_col=column,
        segments=segments,
        targets=tuple(targets),
        chosen_from_data=chosen,
        growth_goal=float(growth_goal),
        revenue_last=revenue_last,
        revenue_new=revenue_new,
        revenue_expected=revenue_expected,
        revenue_goal=goal,
        target_value_share=target_share,
        score=None if score is None else float(np.clip(score, 0, 1)),
        reachable=reachable,
        skipped=skipped,
        figures=figures,
        baseline=baseline,
        forecast_error=year_base.forecast_error,
    )


def _figures(
    year_base,
    window: str,
    revenue: Figure,
    segments: pd.DataFrame | None,
    target_share: float,
    reachable: int | None,
    skipped: dict[str, str],
    plan: dict[str, float],
) -> tuple[Figure, ...]:
    """The figures strategy development states (see :class:`Strategy`)."""
    currency = year_base.currency
    out = [revenue]
    share_label = definition("target_segment_share").label
    why = skipped.get("segments", "the customer base could not be read")
    if segments is not None:
        size = float(segments.loc[segments["target"], "customer_share"].sum())
        out += [
            Figure("target_segment_share.customers", f"{share_label}: customers", size,
                   "share", window),
            Figure("target_segment_share.value", f"{share_label}: value", target_share,
                   "share", window),
        ]  # fmt: skip
    else:
        out += [
            Figure.unavailable(f"target_segment_share.{key}", f"{share_label}: {key}", "share",
                               why, window)
            for key in ("customers", "value")
        ]  # fmt: skip
    reach_label = definition("target_segment_reachable").label
    out.append(
        Figure("target_segment_reachable", reach_label, reachable, "customers",
               year_base.figure("consenting_customers").window)
        if reachable is not None
        else Figure.unavailable(
            "target_segment_reachable", reach_label, "customers",
            "the customers table has no consent_marketing column"
            if segments is not None else why,
        )
    )  # fmt: skip
    plan_label = definition("revenue_plan").label
    ahead = year_base.meta["forecast_window"]
    gap = plan["goal"] - plan["expected"] - plan["new_customers"]
    no_forecast = "; ".join(year_base.meta["fit"]["reasons"]) or "no purchase forecast"
    for key, value, when in (
        ("goal", plan["goal"], ahead),
        ("new_customers", plan["new_customers"], revenue.window),
        ("expected", plan["expected"], ahead),
        ("gap", gap, ahead),
    ):
        label = f"{plan_label}: {key.replace('_', ' ')}"
        out.append(
            Figure(f"revenue_plan.{key}", label, value, currency, when)
            if pd.notna(value)
            else Figure.unavailable(f"revenue_plan.{key}", label, currency, no_forecast, when)
        )
    return tuple(out)

"""The baseline for a group selected on past value: what regression to the mean does alone.

A group picked for its high value over a window (this year's platinum customers) had, on
average, a good year: part of what put each customer at the top lasts (a large household,
a habit), part does not (a one-off order, a project that ended). The part that does not
last is not repeated next year, so the group's value falls back towards the average even
when nothing about the customers changes. A group picked for low value rises for the same
reason. This is **regression to the mean**; a forecast for such a group is read against
it, or the fall reads as churn.

:func:`selection_baseline` measures it from the company's own history, in the customer
base's two windows: the customers known at the end of the previous window are grouped by
their value tier over that window (``previous_value_tier``, the same rule as today's
tier), and each group's revenue is followed from the previous window into the window.
That observed change is the baseline for "this window's group, one window on". IDIC's
most valuable (MVC) and below-zero (BZ) customers are picked on past value too and get a
baseline by the same reading; the most growable (MGC) are picked on a forecast, which
the history does not keep, so they have none. It needs the previous window inside the
data; without it the baseline is unknown (None, never 0).

The vocabulary's definition is ``selection_baseline``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.base import CATEGORIES, CustomerBase
from crmlib.analytics.profitability import DEFAULT_TIERS, value_categories
from crmlib.analytics.vocabulary import definition
from crmlib.errors import ParameterError
from crmlib.figures import Figure
from crmlib.formatting import day, percent
from crmlib.text import N_, sentence, translate

#: The value tiers a baseline is measured for, in reading order.
TIERS = tuple(name for name, _ in DEFAULT_TIERS)

#: The share of the previous window the data must cover. Below it the previous groups are
#: picked on part of a window and their revenue before is cut short, which would make the
#: change look better than it was; a few days short (about a week a year) are stated as a
#: caveat instead.
FULL_COVERAGE = 0.98


@dataclass(frozen=True)
class SelectionBaseline:
    """The change expected for a group selected on past value, measured one window back.

    Attributes
    ----------
    groups : DataFrame
        Indexed by group (value tiers from platinum, or value categories from MVC):
        ``customers`` (known at the end of the previous window and in that group over
        it), ``revenue_before`` (their revenue over the previous window),
        ``revenue_after`` (over the window) and ``change`` (``revenue_after /
        revenue_before - 1``; NaN when unknown).
    selected_by : str
        The segment column the groups stand for (``"value_tier"`` or
        ``"value_category"``).
    window : str
        ``previous window -> window``, as the base writes them.
    status : {"ok", "caveat", "unavailable"}
    reason : str
        Why the baseline is unknown or limited; empty when ``status`` is ok.
    window_months : int
        The length of each window: the baseline is the change over that many months.
    """

    groups: pd.DataFrame
    selected_by: str
    window: str
    status: str
    reason: str = ""
    window_months: int = 12

    @property
    def known(self) -> bool:
        return self.status != "unavailable"

    def change(self, group: str) -> float | None:
        """The baseline change of one group, or None when it is unknown."""
        if not self.known or group not in self.groups.index:
            return None
        value = self.groups.loc[group, "change"]
        return None if pd.isna(value) else float(value)

    def combined(self, groups: tuple[str, ...]) -> float | None:
        """The baseline of several groups taken together (their revenue summed), or None
        when the baseline of any of them is unknown (:meth:`why_unknown` says why)."""
        if not groups or any(self.change(g) is None for g in groups):
            return None
        before = float(self.groups.loc[list(groups), "revenue_before"].sum())
        after = float(self.groups.loc[list(groups), "revenue_after"].sum())
        return after / before - 1 if before > 0 else None

    def why_unknown(self, group: str) -> str:
        """Why :meth:`change` is None for ``group`` (empty when it is known)."""
        if not self.known:
            return self.reason
        if group not in self.groups.index:
            return sentence("the base has no {group} group in the previous window", group=group)
        if group in _NOT_PICKED_ON_PAST:
            return translate(_NOT_PICKED_ON_PAST[group])
        if pd.isna(self.groups.loc[group, "change"]):
            if self.groups.loc[group, "customers"] == 0:
                return sentence("no customer was {group} in the previous window", group=group)
            return sentence(
                "the {group} customers of the previous window brought no revenue in it",
                group=group,
            )
        return ""

    def figures(self, groups: tuple[str, ...] | None = None) -> tuple[Figure, ...]:
        """One figure per group: ``selection_baseline.<group>``, a share (the change).

        ``groups`` names the groups a table shows (default: every value tier); a group
        the baseline does not know is stated as unavailable, with the reason.
        """
        label = definition("selection_baseline").label
        out = []
        for group in self.groups.index if groups is None else groups:
            value = self.change(group)
            name = f"selection_baseline.{group}"
            text = f"{label}: {group}"
            out.append(
                Figure(name, text, value, "share", self.window, self.status, self.reason)
                if value is not None
                else Figure.unavailable(name, text, "share", self.why_unknown(group), self.window)
            )
        return tuple(out)


#: Why a value category other than MVC and BZ has no baseline.
_NOT_PICKED_ON_PAST = {
    "MGC": N_(
        "the most growable customers are picked on the forecast made at the time, which "
        "the history does not keep"
    ),
    "other": N_(
        "the other customers are those left after the most growable, who cannot be "
        "picked again from the history"
    ),
}


def _previous_groups(then: pd.DataFrame, base: CustomerBase, selected_by: str) -> pd.Series:
    """Each customer's group over the previous window, by the rule of today's groups."""
    if selected_by == "value_tier":
        return then["previous_value_tier"].astype(str)
    # MVC and BZ are picked on past value alone: the base's rule on the previous window's
    # value, among the customers known then; no forecast of that time, so no MGC
    categories = value_categories(
        then.assign(_no_forecast=np.nan),
        current_col="previous_value",
        future_col="_no_forecast",
        mvc_share=base.settings.ssc_share,
        mgc_share=0.0,
    )
    return categories["value_category"].astype(str)


def selection_baseline(base: CustomerBase, selected_by: str = "value_tier") -> SelectionBaseline:
    """The revenue change of the groups picked on the previous window's value.

    Parameters
    ----------
    base : CustomerBase
        The customer base; its previous window (``window_months`` before the window)
        is where the groups are picked.
    selected_by : {"value_tier", "value_category"}
        The segment column the forecast is shown for. Value tiers are the base's
        ``previous_value_tier``. Of IDIC's value categories, MVC (the top ``ssc_share``
        by value) and BZ (value below 0) are picked on the previous window's value by
        the base's rule, among the customers known then; MGC rests on a forecast made
        at that time, which the history does not keep, so MGC and "other" have no
        baseline (None, with the reason).

    Returns
    -------
    SelectionBaseline
    """
    if selected_by not in ("value_tier", "value_category"):
        raise ParameterError(
            f"selected_by must be value_tier or value_category, got {selected_by!r}"
        )
    meta = base.meta
    window = f"{meta['previous_window']} -> {meta['window']}"
    table = base.table
    # only customers the company knew when the previous window closed: a customer who
    # came later was not selected into any group then
    known = (pd.to_datetime(table["first_purchase"]) < base.window_start).to_numpy(dtype=bool)
    then = table.loc[known]
    labels = _previous_groups(then, base, selected_by)
    order = TIERS if selected_by == "value_tier" else CATEGORIES
    groups = pd.DataFrame(
        {
            "customers": then.groupby(labels).size(),
            "revenue_before": then["previous_revenue"].groupby(labels).sum(),
            "revenue_after": then["revenue"].groupby(labels).sum(),
        }
    ).reindex(list(order))
    groups["customers"] = groups["customers"].fillna(0).astype(np.int64)
    groups[["revenue_before", "revenue_after"]] = groups[
        ["revenue_before", "revenue_after"]
    ].fillna(0.0)
    before = groups["revenue_before"].to_numpy(dtype=float)
    after = groups["revenue_after"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        groups["change"] = np.where(before > 0, after / before - 1, np.nan)
    unpickable = groups.index.isin(list(_NOT_PICKED_ON_PAST))
    groups.loc[unpickable, ["customers", "revenue_before", "revenue_after"]] = 0
    groups.loc[unpickable, "change"] = np.nan
    groups.index.name = selected_by
    covered = float(meta["previous_coverage"])
    status, reason = "ok", ""
    if covered < FULL_COVERAGE:
        status = "unavailable"
        reason = sentence(
            "the data begins on {start}, inside the previous window ({window}, {covered} "
            "covered), so no group can be picked on the value of a full window; give "
            "{months} months of history",
            start=day(meta["data_start"]),
            window=meta["previous_window"],
            covered=percent(covered),
            months=2 * base.settings.window_months,
        )
    elif covered < 1:
        status = "caveat"
        reason = sentence(
            "the data begins on {start}, a few days into the previous window: its revenue "
            "is slightly undercounted",
            start=day(meta["data_start"]),
        )
    if status == "unavailable":
        groups["change"] = np.nan
    return SelectionBaseline(
        groups, selected_by, window, status, reason, int(base.settings.window_months)
    )


def against_baseline(forecast: pd.Series, baseline: SelectionBaseline) -> pd.DataFrame:
    """Each group's forecast change beside its baseline, and the difference.

    Parameters
    ----------
    forecast : Series
        The forecast change per group (e.g. next year's revenue over last year's, minus
        1), indexed by group.
    baseline : SelectionBaseline

    Returns
    -------
    DataFrame
        Indexed like ``forecast``: ``forecast``, ``baseline`` (NaN when unknown) and
        ``beyond`` (forecast minus baseline, in points of the share: what the forecast
        expects beyond regression to the mean; NaN when either is unknown).
    """
    values = [baseline.change(str(group)) for group in forecast.index]
    expected = pd.Series(
        [np.nan if v is None else v for v in values], index=forecast.index, dtype=float
    )
    return pd.DataFrame(
        {"forecast": forecast.astype(float), "baseline": expected, "beyond": forecast - expected}
    )


def revenue_forecast_change(base: CustomerBase, selected_by: str, group: str) -> float | None:
    """The revenue change the models expect of today's group, to set beside its baseline.

    The revenue the purchase and spend models expect of the group's customers over the
    next 12 months (expected purchases x expected average value) over the group's
    revenue of the window, scaled to 12 months, minus 1. None without a forecast or
    without revenue in the window.
    """
    table = base.table
    rows = (table[selected_by].astype(str) == group).to_numpy(dtype=bool)
    expected = (table["expected_purchases"] * table["expected_average_value"])[rows]
    last = float(table.loc[rows, "revenue"].sum()) * 12 / base.settings.window_months
    if expected.notna().sum() == 0 or last <= 0:
        return None
    return float(expected.sum()) / last - 1

"""QCI's retention activity measured on data: cohorts, the yearly retention rate, lapse
by each customer's own purchase rhythm next to the probability alive, and what a
rise in retention is worth (with the five-times rule of thumb beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle.cohorts import (
    cohort_retention,
    retention_counts,
    retention_curve,
    retention_uplift_value,
    window_retention,
)
from crmlib.analytics.lifecycle.lapse import lapse_summary, purchase_rhythm
from crmlib.analytics.purchases import purchase_lines
from crmlib.analytics.vocabulary import targets
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import Figure
from crmlib.loaded import derived
from crmlib.models.qci.customers import RETENTION_COST_RATIO, YEAR, CustomerBase, tier_order
from crmlib.text import translate

# ---------------------------------------------------------------------------------------
# Retention


@dataclass(frozen=True)
class RetentionView:
    """Retention measured three ways: cohorts, the yearly rate, and lapse by rhythm.

    Attributes
    ----------
    cohorts : DataFrame
        :func:`crmlib.analytics.lifecycle.cohort_retention`.
    window : DataFrame
        :func:`crmlib.analytics.lifecycle.window_retention` per value tier of the year
        before last (the base year) and ``all``.
    rate : float
        The yearly retention rate (``window.loc["all", "retention_rate"]``).
    customers_before : int
        The base of the rate: customers who bought in the year before last.
    retained_margin : float or None
        The mean margin (after cost to serve) last year of a retained customer.
    retention_cost : float or None
        The mean cost to serve last year of a retained customer (contacts only).
    retained : Index
        The retained customers.
    figure : Figure or None
        The shared base's ``retention_rate``: its status says whether the year before
        last lies inside the data. ``rate`` is NaN when it is unavailable.
    target : float or None
        The client's retention target (``company.yml`` ``targets: retention``, default
        in :data:`crmlib.analytics.vocabulary.TARGET_DEFAULTS`), the same in every model.
    """

    cohorts: pd.DataFrame
    window: pd.DataFrame
    rate: float
    customers_before: int
    retained_margin: float | None
    retention_cost: float | None
    retained: pd.Index
    figure: Figure | None = None
    target: float | None = None

    @property
    def measured(self) -> bool:
        """Whether the yearly retention rate could be measured (its periods are in the data)."""
        return bool(np.isfinite(self.rate))

    @property
    def unavailable_reason(self) -> str:
        """Why the rate is not available ("" when it is)."""
        if self.measured:
            return ""
        return self.figure.reason if self.figure is not None else "no buyers in the year before"


def retention_view(company: Company, base: CustomerBase, *, freq: str = "Q") -> RetentionView:
    """Cohort retention, yearly retention per value tier, and a retained customer's year."""
    tx, end = company.transactions, base.end
    cohorts = cohort_retention(tx, freq, end=end)
    yearly = base.shared is not None and int(base.shared.settings.window_months) == YEAR
    if yearly:
        # who bought in the year before and in the last: the base's flags per customer,
        # not a further pass over the purchase lines
        table = base.shared.table
        window = retention_counts(
            table["bought_previous_window"],
            table["is_buyer"],
            table["first_purchase"],
            end=end,
            months=YEAR,
            segments=base.prior_tier,
        )
    else:
        window = window_retention(tx, end=end, months=YEAR, segments=base.prior_tier)
    window = window.reindex(tier_order(window.index))
    if yearly:
        # the base's kept customers: no second pass over the purchase lines
        retained = base.shared.retained
    else:
        buys = purchase_lines(tx)
        day = buys["date"]
        ids = buys["customer_id"]
        previous = (day > base.year_start - pd.DateOffset(months=YEAR)) & (day <= base.year_start)
        current = (day > base.year_start) & (day <= end)
        retained = pd.Index(ids[previous.to_numpy(bool)].unique()).intersection(
            pd.Index(ids[current.to_numpy(bool)].unique())
        )
    margin = cost = None
    if base.annual is not None and len(retained):
        margin = float(base.annual["profit"].reindex(retained).mean())
        if base.shared is not None:
            # the base's one definition, as Payne & Frow reads it
            shared_cost = base.shared.retention_cost
            cost = float(shared_cost) if pd.notna(shared_cost) else None
        else:
            cost = float(base.annual["cost_to_serve"].reindex(retained).mean())
    figure = base.figure("retention_rate") if base.shared is not None else None
    rate = float(window.loc["all", "retention_rate"])
    if figure is not None:
        # the base's rate, period-checked: unknown when the year before is not in the data
        rate = float(figure.value) if figure.status != "unavailable" else float("nan")
        if figure.status == "unavailable":
            window = window.assign(retention_rate=np.nan)
    return RetentionView(
        cohorts=cohorts,
        window=window,
        rate=rate,
        customers_before=int(window.loc["all", "customers_before"]),
        retained_margin=margin,
        retention_cost=cost,
        retained=retained,
        figure=figure,
        target=targets(company)["retention"],
    )


@dataclass(frozen=True)
class LapseView:
    """Lapse by each customer's own purchase rhythm, next to the probability alive.

    Attributes
    ----------
    rhythm : DataFrame
        :func:`crmlib.analytics.lifecycle.purchase_rhythm`.
    summary : DataFrame
        :func:`crmlib.analytics.lifecycle.lapse_summary` per buyer type.
    alive : DataFrame or None
        From the shared base's purchase model (:attr:`Readiness.alive`, which names the
        model in ``attrs["model"]``), when it could be fitted.
    comparison : DataFrame or None
        Per lapse status (``active``, ``lapsed``): ``customers``, ``mean_alive`` and
        ``likely_alive`` (share with a probability alive of 0.5 or more).
    win_back : int or None
        Lapsed customers the model still thinks likely alive (0.5 or more) who may
        receive marketing: the win-back list. None when marketing consent is not
        recorded (unknown, not 0).
    """

    rhythm: pd.DataFrame
    summary: pd.DataFrame
    alive: pd.DataFrame | None
    comparison: pd.DataFrame | None
    win_back: int | None

    @property
    def model_separates(self) -> bool:
        """Whether the purchase model tells the active from the lapsed apart.

        A fit that gives the lapsed about the same mean probability alive as the active
        (less than 10 points apart) says nothing about who has gone: its win-back list
        is then not used (a rule of this workbook, not of the literature).
        """
        c = self.comparison
        if c is None or not {"active", "lapsed"} <= set(c.index):
            return False
        return bool(c.loc["active", "mean_alive"] - c.loc["lapsed", "mean_alive"] >= 0.1)

    @property
    def win_back_list(self) -> int | None:
        """The win-back list's size when it can be acted on (known, above 0, model usable)."""
        if not self.model_separates or not self.win_back:
            return None
        return int(self.win_back)


def lapse_view(
    company: Company, *, k: float = 2.0, alive: pd.DataFrame | None = None, min_days: int = 30
) -> LapseView:
    """Lapse by rhythm with the lapse multiple ``k``, compared with the probability alive."""
    rhythm = purchase_rhythm(
        company.transactions, end=company.observation_end, k=k, min_days=min_days
    )
    comparison, win_back = None, None
    if alive is not None:
        joined = rhythm[["lapsed"]].join(alive["probability_alive"], how="inner")
        status = np.where(joined["lapsed"].to_numpy(dtype=bool), "lapsed", "active")
        grouped = joined.groupby(status)["probability_alive"]
        comparison = pd.DataFrame(
            {
                "customers": grouped.size(),
                "mean_alive": grouped.mean(),
                "likely_alive": grouped.apply(lambda s: float((s >= 0.5).mean())),
            }
        )
        comparison.index.name = "status"
        candidates = joined.index[
            joined["lapsed"].to_numpy(dtype=bool)
            & (joined["probability_alive"] >= 0.5).to_numpy(dtype=bool)
        ]
        win_back = _with_consent(company, candidates)
    return LapseView(rhythm, lapse_summary(rhythm), alive, comparison, win_back)


def _with_consent(company: Company, ids: pd.Index) -> int | None:
    """How many of ``ids`` may receive marketing (consent_marketing true); None unknown."""
    customers = company.customers
    if "consent_marketing" not in customers.columns:
        return None
    # the lapse slider asks this for every multiple k: the consent per customer is read
    # once per loaded customers table
    consent = derived(customers, "marketing consent", None, lambda: _consent(customers))
    return int(np.asarray(consent.reindex(ids).fillna(False), dtype=bool).sum())


def _consent(customers: pd.DataFrame) -> pd.Series:
    """Whether each customer consented to marketing (the first row of an id counts)."""
    first = customers.drop_duplicates("customer_id").set_index("customer_id")
    return first["consent_marketing"].astype("boolean")


@dataclass(frozen=True)
class RetentionValue:
    """What a rise in retention is worth, and the rule of thumb beside it.

    Attributes
    ----------
    value : Series
        :func:`crmlib.analytics.lifecycle.retention_uplift_value`.
    curve : DataFrame
        :func:`crmlib.analytics.lifecycle.retention_curve`.
    retention_cost : float or None
        Measured yearly cost to serve of a retained customer.
    acquisition_cost : float or None
        The cost of winning a customer: given, else implied by the rule of thumb
        (five times the retention cost), else None.
    acquisition_cost_source : str
        ``"given"``, ``"rule of thumb"`` or ``"unknown"``.
    replacement_cost : float or None
        What winning as many new customers as the rise keeps would cost.
    window, status, reason : str
        The retention rate's years and status (a caveat carries over to the value).
    """

    value: pd.Series
    curve: pd.DataFrame
    retention_cost: float | None
    acquisition_cost: float | None
    acquisition_cost_source: str
    replacement_cost: float | None
    window: str = ""
    status: str = "ok"
    reason: str = ""


def retention_formula_figure(result: RetentionValue, currency: str) -> Figure:
    """The value per customer by the retention formula today, as a figure of its own id.

    Named ``retention_formula_value`` (see :mod:`crmlib.analytics.vocabulary`), never
    the lifetime value: the formula has no horizon and no forecast behind it.
    """
    from crmlib.analytics.vocabulary import definition

    v = result.value
    return Figure(
        "retention_formula_value",
        definition("retention_formula_value").label,
        float(v["clv_now"]),
        currency,
        result.window,
        result.status,
        result.reason,
    )


def implied_acquisition_cost(
    acquisition_cost: float | None, retention_cost: float | None
) -> tuple[float | None, str]:
    """The acquisition cost to set beside the retention value: the one given, else five
    times the retention cost by the rule of thumb (``"rule of thumb"``), else unknown.

    The improvement potential never uses the rule of thumb: it takes only a given cost.
    """
    if acquisition_cost is not None:
        if acquisition_cost < 0:
            raise ParameterError(
                f"acquisition_cost must be 0 or more (or None when unknown), got {acquisition_cost}"
            )
        return float(acquisition_cost), "given"
    if retention_cost is not None and retention_cost > 0:
        return RETENTION_COST_RATIO * retention_cost, "rule of thumb"
    return None, "unknown"


def retention_value(
    retention: RetentionView,
    *,
    uplift: float = 0.05,
    discount_rate: float = 0.1,
    acquisition_cost: float | None = None,
) -> RetentionValue:
    """The value of an ``uplift`` in yearly retention, by ``margin * r / (1 + d - r)``.

    Raises
    ------
    MissingDataError
        Without a margin per retained customer (no cost or margin rate in the data).
    """
    if not retention.measured:
        raise MissingDataError(
            translate("the value of retention needs the yearly retention rate: {reason}").format(
                reason=retention.unavailable_reason
            )
        )
    if retention.retained_margin is None:
        raise MissingDataError(
            translate(
                "the value of retention needs the margin of retained customers (cost in "
                "transactions or margin_rate in products)"
            )
        )
    value = retention_uplift_value(
        retention.retained_margin,
        retention.rate,
        customers=retention.customers_before,
        uplift=uplift,
        discount_rate=discount_rate,
    )
    curve = retention_curve(retention.retained_margin, discount_rate=discount_rate)
    cost, source = implied_acquisition_cost(acquisition_cost, retention.retention_cost)
    replacement = value["extra_retained"] * cost if cost is not None else None
    figure = retention.figure
    return RetentionValue(
        value,
        curve,
        retention.retention_cost,
        cost,
        source,
        replacement,
        window=figure.window if figure is not None else "",
        status="caveat" if figure is not None and figure.status == "caveat" else "ok",
        reason=figure.reason if figure is not None else "",
    )

"""The QCI (Quality Competitive Index) model: customer management from the outside in.

QCI is a customer *management* model. It reads from the customer's external environment
and readiness, through the customer experience and the proposition, to the customer
management activities (acquisition, retention, penetration and efficiency), carried by
people, technology and processes, and checked by measuring the effect. The notebook
``02_qci`` measures on the company's data what data can measure, and takes the rest from
the QCI assessment instrument scored in a workshop.

The steps live in modules by ring, and are re-exported here so that a notebook needs only
``from crmlib.models import qci``:

- :mod:`crmlib.models.qci_base`: the year measured, value per customer, value tiers;
- :mod:`crmlib.models.qci_context`: external environment and readiness, proposition;
- :mod:`crmlib.models.qci_experience`: the customer experience;
- :mod:`crmlib.models.qci_activities`: acquisition, penetration, efficiency;
- :mod:`crmlib.models.qci_retention`: retention, lapse, the value of retention;
- :mod:`crmlib.models.qci_assessment`: the workshop assessment and its benchmarks;
- :mod:`crmlib.models.qci_conclusion`: improvement potential and the diagram.

This module adds the verdict for the strategy report.
"""

from __future__ import annotations

import numpy as np

from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.models.qci_activities import (
    AcquisitionView,
    EfficiencyView,
    PenetrationView,
    acquisition_view,
    best_cross_sell,
    describe_acquisition,
    describe_efficiency,
    describe_penetration,
    describe_wallet,
    efficiency_view,
    penetration_view,
    wallet_table,
)
from crmlib.models.qci_assessment import (
    AREA_OWNERS,
    Assessment,
    assessment,
    describe_assessment,
    means_assessment,
)
from crmlib.models.qci_base import (
    RETENTION_COST_RATIO,
    TIER_ORDER,
    CustomerBase,
    available,
    customer_base,
    describe_base,
    readable,
)
from crmlib.models.qci_conclusion import (
    ACTIVITIES,
    QciDiagram,
    _check_uplift,
    describe_diagram,
    describe_potential,
    diagram,
    improvement_potential,
    means_activities,
    means_conclusion,
    means_diagram,
)
from crmlib.models.qci_context import (
    Proposition,
    Readiness,
    describe_activity,
    describe_alive,
    describe_campaigns,
    describe_proposition,
    means_proposition,
    means_readiness,
    proposition,
    readiness,
    segment_needs,
    segment_spend,
)
from crmlib.models.qci_experience import (
    Experience,
    customer_experience,
    describe_repeats,
    describe_touchpoints,
    experience_table,
    means_experience,
    processes,
    weakest_process,
)
from crmlib.models.qci_retention import (
    LapseView,
    RetentionValue,
    RetentionView,
    describe_cohorts,
    describe_lapse,
    describe_retention,
    describe_retention_value,
    implied_acquisition_cost,
    lapse_view,
    retention_value,
    retention_view,
)
from crmlib.models.verdict import Action, ModelVerdict

__all__ = [
    "ACTIVITIES",
    "AREA_OWNERS",
    "RETENTION_COST_RATIO",
    "TIER_ORDER",
    "AcquisitionView",
    "Assessment",
    "CustomerBase",
    "EfficiencyView",
    "Experience",
    "LapseView",
    "PenetrationView",
    "Proposition",
    "QciDiagram",
    "Readiness",
    "RetentionValue",
    "RetentionView",
    "acquisition_view",
    "assessment",
    "available",
    "best_cross_sell",
    "customer_base",
    "customer_experience",
    "describe_acquisition",
    "describe_activity",
    "describe_alive",
    "describe_assessment",
    "describe_base",
    "describe_campaigns",
    "describe_cohorts",
    "describe_diagram",
    "describe_efficiency",
    "describe_lapse",
    "describe_penetration",
    "describe_potential",
    "describe_proposition",
    "describe_repeats",
    "describe_retention",
    "describe_retention_value",
    "describe_touchpoints",
    "describe_wallet",
    "diagram",
    "efficiency_view",
    "experience_table",
    "implied_acquisition_cost",
    "improvement_potential",
    "lapse_view",
    "means_activities",
    "means_assessment",
    "means_conclusion",
    "means_diagram",
    "means_experience",
    "means_proposition",
    "means_readiness",
    "penetration_view",
    "processes",
    "proposition",
    "readable",
    "readiness",
    "retention_value",
    "retention_view",
    "segment_needs",
    "segment_spend",
    "verdict",
    "wallet_table",
    "weakest_process",
]

MODEL = "QCI"


# ---------------------------------------------------------------------------------------
# The verdict for the strategy report


def _attempt(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except MissingDataError:
        return None


def verdict(
    company: Company,
    *,
    cohort_period: str = "Q",
    lapse_multiple: float = 2.0,
    uplift_points: float = 5.0,
    discount_rate: float = 0.1,
    acquisition_cost: float = 0.0,
    wallet_per_customer: float = 0.0,
) -> ModelVerdict:
    """QCI's verdict: the activity with the largest improvement potential, and actions.

    Computed with the same functions and parameters as the notebook ``02_qci``.
    """
    uplift = _check_uplift(uplift_points / 100)
    currency = company.currency
    base = customer_base(company)
    scored = _attempt(assessment, company)
    ready = readiness(company, scored)
    acquired = acquisition_view(company, base, freq=cohort_period)
    kept = retention_view(company, base, freq=cohort_period)
    lapse = _attempt(lapse_view, company, k=lapse_multiple, alive=ready.alive)
    value = _attempt(
        retention_value,
        kept,
        uplift=uplift,
        discount_rate=discount_rate,
        acquisition_cost=acquisition_cost,
    )
    reach = _attempt(penetration_view, company, base, wallet_per_customer=wallet_per_customer)
    experience = _attempt(customer_experience, company, base)
    table = improvement_potential(
        acquired, kept, reach, uplift=uplift, acquisition_cost=acquisition_cost, scored=scored
    )
    valued = table.dropna(subset=["value_per_year"])
    figures = {
        "retention_rate": kept.rate,
        "new_customers_last_year": float(acquired.new_last_year),
        **{f"value_{a}_per_year": float(r.value_per_year) for a, r in valued.iterrows()},
    }
    findings = [describe_retention(kept, currency)]
    if value is not None:
        figures["retention_uplift_lifetime_value"] = float(value.value["lifetime_gain"])
    if lapse is not None:
        figures["lapse_rate"] = float(lapse.summary.loc["all", "lapse_rate"])
        findings.append(describe_lapse(lapse))
    if reach is not None:
        figures["cross_sell_rate"] = reach.cross_sell_rate
    if scored is not None and not np.isnan(scored.percent("reality")):
        figures["qci_reality_percent"] = scored.percent("reality")
        findings.append(describe_assessment(scored))
    if len(valued):
        top = valued.iloc[0]
        headline = (
            f"{valued.index[0].capitalize()} has the largest improvement potential: "
            f"{uplift_points:g} points more is worth {money(top.value_per_year, currency)} a year."
        )
        findings.insert(0, describe_potential(table, currency))
    else:
        headline = (
            f"Retention stands at {percent(kept.rate)} a year; add margins to the data to value "
            "the activities."
        )
    actions = _actions(table, acquired, lapse, reach, experience, scored, currency)
    return ModelVerdict(
        model=MODEL, headline=headline, findings=findings[:4], figures=figures, actions=actions
    )


def _best_source(acquired: AcquisitionView) -> str | None:
    """The way in whose newcomers brought the most margin in their first year."""
    quality = acquired.quality
    if quality is None or "first_year_margin" not in quality.columns:
        return None
    usable = quality[quality["customers"] >= 10]
    return str(usable["first_year_margin"].idxmax()) if len(usable) else None


def _actions(table, acquired, lapse, reach, experience, scored, currency) -> list[Action]:
    actions = []
    valued = table.dropna(subset=["value_per_year"])
    for rank, (activity, row) in enumerate(valued.iterrows(), start=1):
        if row.value_per_year <= 0:
            continue
        if activity == "retention":
            title = "Raise retention with a win-back and care programme"
            if lapse is not None and lapse.comparison is not None:
                title = (
                    f"Win back the {count(lapse.win_back)} lapsed customers with consent who are "
                    "still likely alive, and watch lapse signals"
                )
        elif activity == "acquisition":
            best = _best_source(acquired)
            title = (
                f"Put acquisition effort into {best}, whose newcomers bring the most margin"
                if best
                else "Win more customers through the sources whose newcomers bring most"
            )
        else:
            title = "Cross-sell to single-category buyers"
            if reach is not None and reach.affinity.notna().to_numpy().any():
                bought, other, _ = best_cross_sell(reach.affinity)
                title = f"Cross-sell {other} to {bought} buyers, and to single-category buyers"
        actions.append(
            Action(
                title=title,
                owner="marketing",
                expected_value=float(row.value_per_year),
                model=MODEL,
                rationale=(
                    f"{row.measure.capitalize()}: {percent(row.current)}; "
                    f"{table.attrs['uplift'] * 100:.0f} points more is worth "
                    f"{money(row.value_per_year, currency)} a year."
                ),
                priority=min(rank, 3),
            )
        )
    if experience is not None:
        body = experience.repeats.drop(index="all")
        if len(body) and not np.isnan(body["extra_cost"].sum()):
            top = body["extra_cost"].idxmax()
            actions.append(
                Action(
                    title=f"Settle {top} contacts in the first contact",
                    owner="customer service",
                    expected_value=float(body.loc[top, "extra_cost"]),
                    model=MODEL,
                    rationale=(
                        f"{percent(body.loc[top, 'repeat_rate'])} of {top} episodes took more "
                        f"than one contact last year, costing {money(body.loc[top, 'extra_cost'], currency)}."
                    ),
                    priority=2,
                )
            )
    if scored is not None and not scored.weakest.empty:
        weakest = scored.weakest.iloc[0]
        actions.append(
            Action(
                title=f"Strengthen {weakest['area_title'].lower()}",
                owner=AREA_OWNERS.get(weakest["area"], "board"),
                expected_value=None,
                model=MODEL,
                rationale=(
                    f"The weakest QCI area in reality: {weakest['percent']:.0f}% against a "
                    "published average of about 35%."
                ),
                priority=2,
            )
        )
    return sorted(actions, key=lambda a: a.priority)

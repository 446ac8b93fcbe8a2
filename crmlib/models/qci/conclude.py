"""Where QCI's parts come together: the improvement potential of acquisition, retention
and penetration (the notebook's conclusion), and the figures of the QCI diagram.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count, money, percent
from crmlib.models.qci.activities import (
    AcquisitionView,
    EfficiencyView,
    PenetrationView,
    best_cross_sell,
)
from crmlib.models.qci.context import Readiness, alive_model
from crmlib.models.qci.experience import Experience
from crmlib.models.qci.questionnaire import AREA_OWNERS, Assessment
from crmlib.models.qci.retention import (
    LapseView,
    RetentionValue,
    RetentionView,
)
from crmlib.models.qci.text import (
    describe_assessment,
    describe_lapse,
    describe_retention,
    describe_type_confound,
)
from crmlib.models.qci.words import word, words
from crmlib.models.verdict import REPEAT_CONTACT_SET, Action, ModelVerdict
from crmlib.text import N_, Safe, capitalise, lead, listing, number, sentence, translate

if TYPE_CHECKING:
    from crmlib.models.qci.analysis import QciResult

MODEL = "QCI"

ACTIVITIES = ("acquisition", "retention", "penetration")

#: The diagram's rings from the outside in: (name, assessment area or None).
RINGS = (
    ("External environment", None),
    ("Customer experience", "customer_experience"),
    ("Proposition", "proposition"),
    ("Analysis & planning", "analysis_planning"),
    ("People & organisation", "people_organisation"),
    ("Information & technology", "information_technology"),
    ("Process management", "process_management"),
    ("Measuring the effect", "measuring_effect"),
)


def _check_uplift(uplift: float) -> float:
    if not 0 < uplift < 1:
        raise ParameterError(
            f"the uplift is a share between 0 and 1 (0.05 = 5 points), got {uplift}"
        )
    return float(uplift)


# ---------------------------------------------------------------------------------------
# The conclusion: improvement potential of acquisition, retention and penetration


def _given_cost(acquisition_cost: float | None) -> float | None:
    if acquisition_cost is not None and acquisition_cost < 0:
        raise ParameterError(
            f"acquisition_cost must be 0 or more (or None when unknown), got {acquisition_cost}"
        )
    return None if acquisition_cost is None else float(acquisition_cost)


def improvement_potential(
    acquisition: AcquisitionView | None,
    retention: RetentionView | None,
    penetration: PenetrationView | None,
    *,
    uplift: float = 0.05,
    acquisition_cost: float | None = None,
    scored: Assessment | None = None,
) -> pd.DataFrame:
    """The value per year of raising each activity's rate by the same ``uplift``.

    Method. Each activity gets one rate, measured over the last year, and the target
    is that rate plus ``uplift`` (capped at 100 %). The value per year is the number of
    customers the step moves times what one such customer brings in a year:

    - **retention**: the share of the year-before-last's buyers who bought again last
      year; a step keeps ``uplift x that base`` more customers, each bringing the mean
      margin (after contact costs) of a retained customer;
    - **acquisition**: new customers last year per customer of the same base; a step
      wins ``uplift x base`` more, each bringing the mean first-year margin of a
      newcomer, less the cost of winning them (``acquisition_cost``, from the client's
      marketing and sales spend over the customers it won; None when unknown, and then
      acquisition is valued before that cost: the "five times cheaper" rule of thumb is
      not a figure of this company, see :func:`acquisition_cost_range`);
    - **penetration**: the share of last year's buyers who bought in two or more
      categories; a step moves ``uplift x buyers`` from one category to several, each
      worth the difference in margin between the two groups. That difference is an
      upper bound: buyers of several categories are also bigger buyers.

    Parameters
    ----------
    scored : Assessment, optional
        Adds the workshop's reality score (%) of the practices of each activity.

    Returns
    -------
    DataFrame
        Indexed by activity (acquisition, retention, penetration), ranked by value:
        ``measure`` (the rate's name), ``current``, ``target``, ``customers`` (moved
        by the step), ``value_each``, ``value_per_year``, ``practice_score`` and
        ``rank`` (1 = the largest potential; NaN values rank last).
    """
    uplift = _check_uplift(uplift)
    rows = {}
    base = retention.customers_before if retention is not None else 0
    if retention is not None and retention.measured:
        target = min(retention.rate + uplift, 1.0)
        rows["retention"] = {
            "measure": "customers kept from one year to the next",
            "current": retention.rate,
            "target": target,
            "customers": (target - retention.rate) * base,
            "value_each": retention.retained_margin,
        }
    # new customers per customer of the base compares two years: both must be in the data
    if acquisition is not None and base and acquisition.growth is not None:
        cost = _given_cost(acquisition_cost)
        each = (
            acquisition.first_year_margin - (cost or 0.0)
            if acquisition.first_year_margin is not None
            else None
        )
        current = acquisition.new_last_year / base
        rows["acquisition"] = {
            "measure": "new customers per customer of the base",
            "current": current,
            "target": current + uplift,
            "customers": uplift * base,
            "value_each": each,
        }
    if penetration is not None:
        target = min(penetration.cross_sell_rate + uplift, 1.0)
        each = (
            penetration.margin_multi - penetration.margin_single
            if penetration.margin_multi is not None and penetration.margin_single is not None
            else None
        )
        rows["penetration"] = {
            "measure": "buyers of two or more categories",
            "current": penetration.cross_sell_rate,
            "target": target,
            "customers": (target - penetration.cross_sell_rate) * penetration.active,
            "value_each": each,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    if table.empty:
        raise MissingDataError(
            translate("the improvement potential needs at least one measured activity")
        )
    table["value_each"] = table["value_each"].astype(float)
    table["value_per_year"] = table["customers"] * table["value_each"]
    table["practice_score"] = [
        float(scored.activities.loc[a, "reality"])
        if scored is not None and a in scored.activities.index
        else np.nan
        for a in table.index
    ]
    if "acquisition" in table.index:
        table.attrs["acquisition_cost_source"] = "unknown" if acquisition_cost is None else "given"
    table = table.sort_values("value_per_year", ascending=False, na_position="last")
    table["rank"] = np.arange(1, len(table) + 1)
    table.index.name = "activity"
    table.attrs["uplift"] = uplift
    return table


def _acquisition_leads_before_cost(table: pd.DataFrame, valued: pd.DataFrame) -> bool:
    """Whether acquisition ranks first only because its unknown cost of winning is left out.

    Valued before that cost it is not comparable with the others, so the verdict and its
    text lead with the first activity valued in full.
    """
    return (
        table.attrs.get("acquisition_cost_source") == "unknown"
        and len(valued) > 1
        and valued.index[0] == "acquisition"
    )


def describe_potential(table: pd.DataFrame, currency: str) -> str:
    """The ranking in words, with the figures and the practice scores."""
    uplift = table.attrs.get("uplift", np.nan)
    valued = table.dropna(subset=["value_per_year"])
    if valued.empty:
        return translate("No activity could be valued: the data has no margins.")
    parts = [
        sentence(
            "A step of {uplift} points on each activity's rate is worth, per year:",
            uplift=number(uplift * 100, 0),
        )
    ]
    steps = [
        sentence(
            "{activity} {value_per_year} ({customers} customers × {value_each}; "
            "{measure} from {current} to {target})",
            activity=word(a),
            value_per_year=money(r.value_per_year, currency),
            customers=count(r.customers),
            value_each=money(r.value_each, currency),
            measure=word(r.measure),
            current=percent(r.current),
            target=percent(r.target),
        )
        for a, r in valued.iterrows()
    ]
    parts.append(sentence("{steps}.", steps=listing(steps, "; ")))
    source = table.attrs.get("acquisition_cost_source")
    if source == "unknown" and "acquisition" in valued.index:
        parts.append(
            translate(
                "Acquisition is valued before the cost of winning the customers, which the data "
                "does not hold: the client's own cost of winning a customer nets it."
            )
        )
    elif source == "given" and "acquisition" in valued.index:
        parts.append(
            translate(
                "Acquisition is valued net of the cost of winning a customer the client gives."
            )
        )
    top = valued.index[0]
    if _acquisition_leads_before_cost(table, valued):
        row = valued.loc["acquisition"]
        lead = row["value_each"] - valued["value_per_year"].iloc[1] / row["customers"]
        parts.append(
            sentence(
                "Valued in full, **{second}** has the largest improvement potential; "
                "acquisition comes before it only while winning a customer costs less "
                "than {lead}.",
                second=capitalise(word(valued.index[1])),
                lead=money(max(lead, 0.0), currency),
            )
        )
    else:
        parts.append(
            sentence(
                "**{top}** has the largest improvement potential.",
                top=capitalise(word(top)),
            )
        )
    scores = table["practice_score"].dropna()
    if len(scores):
        parts.append(
            sentence(
                "The workshop scores the practices behind them at {scores} in reality.",
                scores=listing(
                    sentence("{activity} {score}", activity=word(a), score=percent(s / 100))
                    for a, s in scores.items()
                ),
            )
        )
    return " ".join(parts)


def means_conclusion(company: Company, table: pd.DataFrame, currency: str) -> str:
    """What this means: the order in which to work on the three activities, and why."""
    valued = table.dropna(subset=["value_per_year"])
    parts = [lead(company.name)]
    if valued.empty:
        parts.append(translate("Add costs or margin rates to the data to value the activities."))
        return " ".join(parts)
    order = list(valued.index)
    before_cost = table.attrs.get("acquisition_cost_source") == "unknown" and (
        "acquisition" in order
    )
    if _acquisition_leads_before_cost(table, valued):
        # valued before its unknown cost it is not comparable: it goes after the
        # activities valued in full, as describe_potential says
        order = [a for a in order if a != "acquisition"] + ["acquisition"]
    worth = money(valued["value_per_year"].clip(lower=0).sum(), currency)
    steps = {
        1: translate("Work on {first}: together the one steps are worth {value_per_year} a year."),
        2: translate(
            "Work on {first}, then {second}: together the two steps are worth "
            "{value_per_year} a year."
        ),
        3: translate(
            "Work on {first}, then {second}, then {third}: together the three steps are "
            "worth {value_per_year} a year."
        ),
    }
    named = words(order)
    parts.append(
        sentence(
            steps[len(order)],
            first=named[0],
            second=named[1] if len(named) > 1 else "",
            third=named[2] if len(named) > 2 else "",
            value_per_year=worth,
        )
    )
    bounds = []
    if before_cost:
        bounds.append(
            Safe(translate("acquisition is valued before the cost of winning its customers"))
        )
    if "penetration" in order:
        bounds.append(
            Safe(
                translate(
                    "penetration's margin gap also reflects that its buyers are bigger buyers"
                )
            )
        )
    if bounds:
        parts.append(
            sentence("That sum is at most what they bring: {bounds}.", bounds=listing(bounds, "; "))
        )
    scores = valued["practice_score"].dropna()
    if len(scores):
        weak = scores.idxmin()
        if weak == order[0]:
            parts.append(
                sentence(
                    "{weak} is both the largest opportunity and the least-practised activity "
                    "({scores}): the case for investing in it is strong.",
                    weak=capitalise(word(weak)),
                    scores=percent(scores[weak] / 100),
                )
            )
        else:
            parts.append(
                sentence(
                    "The least-practised activity is {weak} ({scores}); fix its basics "
                    "while the effort goes to {order}.",
                    weak=word(weak),
                    scores=percent(scores[weak] / 100),
                    order=word(order[0]),
                )
            )
    negative = valued[valued["value_per_year"] < 0]
    if len(negative):
        parts.append(
            sentence(
                "{activities} loses money at today's cost of winning a customer: more volume "
                "there only pays with cheaper sources.",
                activities=", ".join(words(negative.index)).capitalize(),
            )
        )
    return " ".join(parts)


def means_activities(
    company: Company,
    retention: RetentionView,
    lapse: LapseView | None,
    value: RetentionValue | None,
    penetration: PenetrationView | None,
    efficiency: EfficiencyView | None,
    currency: str,
) -> str:
    """What this means for the activities: retention first, then reach and cost."""
    parts = [lead(company.name)]
    if retention.measured:
        parts.append(
            sentence(
                "Retention stands at {rate} a year: about {lost} of the buyers must be "
                "replaced every year just to stand still.",
                rate=percent(retention.rate),
                lost=percent(1 - retention.rate),
            )
        )
    else:
        parts.append(
            sentence(
                "The yearly retention rate cannot be measured: {reason}.",
                reason=retention.unavailable_reason,
            )
        )
    if value is not None:
        v = value.value
        parts.append(
            sentence(
                "Each {uplift} points of retention is worth {first_year_gain} in the "
                "first year and {lifetime_gain} in all by the retention formula.",
                uplift=number(v["uplift"] * 100, 0),
                first_year_gain=money(v["first_year_gain"], currency),
                lifetime_gain=money(v["lifetime_gain"], currency),
            )
        )
    if lapse is not None and lapse.win_back_list is not None:
        parts.append(
            sentence(
                "The cheapest customers to bring back are the {win_back_list} lapsed "
                "customers with consent whom the {model} model still thinks likely alive.",
                win_back_list=count(lapse.win_back_list),
                model=alive_model(lapse.alive),
            )
        )
    if penetration is not None:
        single = 1 - penetration.cross_sell_rate
        parts.append(
            sentence(
                "{single} of last year's buyers bought in a single category: the cross-sell base.",
                single=percent(single),
            )
        )
    if efficiency is not None and efficiency.tiers is not None:
        tiers = efficiency.tiers.drop(index="all", errors="ignore")
        if "cost_to_margin" in tiers.columns and tiers["cost_to_margin"].notna().any():
            heavy = tiers["cost_to_margin"].idxmax()
            parts.append(
                sentence(
                    "Serving {heavy} customers costs {cost_to_margin} of their margin: steer "
                    "their contacts to cheaper channels.",
                    heavy=word(heavy),
                    cost_to_margin=percent(tiers.loc[heavy, "cost_to_margin"]),
                )
            )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------
# The diagram


@dataclass(frozen=True)
class QciDiagram:
    """The figures of the QCI diagram, for :func:`crmlib.diagrams.draw_qci`.

    Attributes
    ----------
    rings : list of (name, lines, score)
        From the outside in; ``score`` 0-1 or None (not measured).
    activities : list of (name, lines, score)
        Acquisition, retention, penetration, efficiency.
    sources : dict
        Per ring and activity, where its colour comes from: ``"assessment"``,
        ``"data"``, ``"figures"`` (grey: the data's figure is shown, no score colours it)
        or ``"none"``.
    """

    rings: list[tuple[str, tuple[str, ...], float | None]]
    activities: list[tuple[str, tuple[str, ...], float | None]]
    sources: dict[str, str]


def diagram(
    result: QciResult | None = None,
    *,
    readiness: Readiness | None = None,
    experience: Experience | None = None,
    scored: Assessment | None = None,
    acquisition: AcquisitionView | None = None,
    retention: RetentionView | None = None,
    penetration: PenetrationView | None = None,
    efficiency: EfficiencyView | None = None,
    currency: str = "EUR",
) -> QciDiagram:
    """The company's figures and scores on the QCI rings and activities.

    A ring is coloured by its workshop reality score when the assessment scored it. The
    external environment is scored only by the workshop's environment items (customer
    readiness, competitor view, market changes); the data cannot show it, so unscored it
    stays grey. The customer experience falls back on mean satisfaction rescaled from
    1-5 to 0-1. Each label carries a figure from the data where the
    notebook measured one, and the reality score otherwise.

    Give either the ``result`` of :func:`~crmlib.models.qci.analyse`, or its parts by
    keyword (as the notebook has them); with neither, the blank model.
    """
    if result is not None:
        return diagram(
            readiness=result.readiness,
            experience=result.experience,
            scored=result.scored,
            acquisition=result.acquisition,
            retention=result.retention,
            penetration=result.penetration,
            efficiency=result.efficiency,
            currency=result.company.currency,
        )
    rings, sources = [], {}
    for name, area in RINGS:
        score = line = None
        if scored is not None and area is not None:
            value = scored.areas.loc[area, "reality"] if area in scored.areas.index else np.nan
            if not np.isnan(value):
                score, line = (
                    value / 100,
                    _filled(N_("reality {score}"), score=percent(value / 100)),
                )
        if area is None and readiness is not None and readiness.environment_score is not None:
            score = readiness.environment_score / 100
            line = _filled(N_("reality {score}"), score=percent(readiness.environment_score / 100))
        source = "assessment" if score is not None else "none"
        if name == "External environment" and score is None:
            # Purchase behaviour (P(alive)) is not the customer's environment: without the
            # workshop's items the ring stays unknown.
            line = translate("not shown by the data")
        if name == "Customer experience" and experience is not None:
            sat = experience.by_channel["satisfaction"]
            mean = (
                float(
                    np.average(
                        sat.dropna(), weights=experience.by_channel.loc[sat.notna(), "rated"]
                    )
                )
                if sat.notna().any()
                else np.nan
            )
            if not np.isnan(mean):
                line = _filled(N_("satisfaction {mean}/5"), mean=number(mean, 1))
                if score is None:
                    score, source = (mean - 1) / 4, "data"
        rings.append((name, (line,) if line else (), score))
        sources[name] = source
    figures = {
        "Acquisition": (
            _filled(N_("{customers} new"), customers=count(acquisition.new_last_year))
            if acquisition
            else None
        ),
        "Retention": (
            (
                _filled(N_("{rate} kept"), rate=percent(retention.rate))
                if retention.measured
                else translate("rate not measurable")
            )
            if retention
            else None
        ),
        "Penetration": (
            _filled(
                N_("{categories} categories"),
                categories=number(penetration.summary.loc["all", "categories_per_buyer"], 1),
            )
            if penetration
            else None
        ),
        "Efficiency": f"{money(efficiency.total_cost, currency)}" if efficiency else None,
    }
    centre = []
    for name, line in figures.items():
        key = name.lower()
        score = None
        if scored is not None and key in scored.activities.index:
            value = scored.activities.loc[key, "reality"]
            score = None if np.isnan(value) else value / 100
        centre.append((name, (line,) if line else (), score))
        # an activity the data measured but the workshop did not score shows its figure
        # uncoloured: grey for want of a score, not for want of a measure
        sources[name] = (
            "assessment" if score is not None else ("figures" if line is not None else "none")
        )
    return QciDiagram(rings, centre, sources)


def _filled(template: str, **values: str) -> str:
    """Translated and filled, not escaped: a diagram label (drawn as text, not Markdown) or
    an action's words (plain text, escaped where the strategy report shows them)."""
    return translate(template).format(**values)


def describe_diagram(result: QciDiagram) -> str:
    """Which colours come from the workshop, which from data, which are missing."""
    by_source: dict[str, list[str]] = {}
    for name, source in result.sources.items():
        by_source.setdefault(source, []).append(name)
    parts = []
    if "assessment" in by_source:
        parts.append(
            sentence(
                "Coloured by the workshop's reality score (red weak, green strong): {elements}.",
                elements=_element_list(by_source["assessment"]),
            )
        )
    if "data" in by_source:
        meaning = {
            "Customer experience": translate("mean satisfaction rescaled from 1-5 to 0-1"),
        }
        measured = translate("a measured share")
        parts.append(
            sentence(
                "Coloured by the data, for want of a score: {elements}.",
                elements=listing(
                    (
                        sentence(
                            "{element} ({meaning})",
                            element=word(name).lower(),
                            meaning=meaning.get(name, measured),
                        )
                        for name in by_source["data"]
                    ),
                    "; ",
                ),
            )
        )
    if "figures" in by_source:
        parts.append(
            sentence(
                "Grey with the data's figure, as the workshop has not scored them: {elements}.",
                elements=_element_list(by_source["figures"]),
            )
        )
    if "none" in by_source:
        parts.append(
            sentence(
                "Grey, neither scored nor measured: {elements}.",
                elements=_element_list(by_source["none"]),
            )
        )
        if "External environment" in by_source["none"]:
            parts.append(
                translate(
                    "The company's data does not show the external environment (markets, "
                    "competitors, customers' readiness); the workshop's three environment "
                    "practices score it."
                )
            )
    scored = [(n, s) for n, _, s in result.rings + result.activities if s is not None]
    if scored:
        weakest = min(scored, key=lambda pair: pair[1])
        parts.append(
            sentence(
                "The weakest element is {weakest} ({weakest_2}).",
                weakest=word(weakest[0]).lower(),
                weakest_2=percent(weakest[1]),
            )
        )
    return " ".join(parts)


def _element_list(names: list[str]) -> Safe:
    """Rings and activities named in lower case, in the reader's language, comma-separated.

    The names are the model's own words (no client text), so they go in unescaped.
    """
    return Safe(", ".join(name.lower() for name in words(names)))


#: The rings the customer meets, and the rings that carry the activities from inside.
OUTER_RINGS = ("External environment", "Customer experience", "Proposition")


def means_diagram(company: Company, result: QciDiagram) -> str:
    """What this means: whether the customer-facing or the supporting rings lag."""
    parts = [lead(company.name)]
    scores = {name: score for name, _, score in result.rings if score is not None}
    outer = [s for n, s in scores.items() if n in OUTER_RINGS]
    inner = [s for n, s in scores.items() if n not in OUTER_RINGS]
    if not outer or not inner:
        parts.append(
            translate(
                "Too few rings are scored to compare the outside with the inside: score the "
                "assessment in a workshop to complete the picture."
            )
        )
        return " ".join(parts)
    outside, inside = float(np.mean(outer)), float(np.mean(inner))
    if inside < outside - 0.05:
        parts.append(
            sentence(
                "The supporting rings (planning, people, information, processes, "
                "measurement) score {inside} on average, below the customer-facing rings "
                "({outside}): the foundations hold the activities back. QCI begins and "
                "ends with people; start inside.",
                inside=percent(inside),
                outside=percent(outside),
            )
        )
    elif outside < inside - 0.05:
        parts.append(
            sentence(
                "The customer-facing rings score {outside} on average, below the "
                "supporting rings ({inside}): the organisation is better prepared than "
                "the customer notices. Turn the capabilities into a better experience "
                "and offer.",
                outside=percent(outside),
                inside=percent(inside),
            )
        )
    else:
        parts.append(
            sentence(
                "The customer-facing rings ({outside}) and the supporting rings "
                "({inside}) are at much the same level: improve them together, starting "
                "with the weakest element.",
                outside=percent(outside),
                inside=percent(inside),
            )
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------
# The verdict for the strategy report


def verdict(result: QciResult) -> ModelVerdict:
    """QCI's verdict: the activity with the largest improvement potential, and actions.

    ``result`` comes from :func:`~crmlib.models.qci.analyse`, computed with the same
    functions and parameters as the notebook ``02_qci``.
    """
    r = result
    currency, uplift, uplift_points = r.company.currency, r.uplift, r.uplift_points
    kept, acquired, lapse, value = r.retention, r.acquisition, r.lapse, r.retention_value
    reach, scored = r.penetration, r.scored
    try:
        table = improvement_potential(
            acquired, kept, reach, uplift=uplift, acquisition_cost=r.acquisition_cost, scored=scored
        )
    except MissingDataError:
        # no activity could be measured on this data: nothing to rank, nothing made up
        table = pd.DataFrame(columns=["value_per_year"])
        table.attrs["uplift"] = uplift
    valued = table.dropna(subset=["value_per_year"])
    figures = {
        **({"retention_rate": kept.rate} if kept.measured else {}),
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
        first = 1 if _acquisition_leads_before_cost(table, valued) else 0
        top = valued.iloc[first]
        headline = sentence(
            "{activity} has the largest improvement potential: {uplift_points} points "
            "more is worth {value_per_year} a year.",
            activity=capitalise(word(valued.index[first])),
            uplift_points=number(uplift_points, None),
            value_per_year=money(top.value_per_year, currency),
        )
        findings.insert(0, describe_potential(table, currency))
    else:
        headline = (
            sentence(
                "Retention stands at {rate} a year; add margins to the data to value the "
                "activities.",
                rate=percent(kept.rate),
            )
            if kept.measured
            else translate(
                "The activities cannot be valued: the yearly retention rate is not available "
                "and the data has no margins."
            )
        )
    actions = _actions(r, table)
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


#: The assumed share of the win-back list who buy again within the year because of the
#: win-back contacts, over and above those who would have come back anyway.
WIN_BACK_RATE = 0.10

#: Contacts a year per targeted customer in a win-back or cross-sell campaign.
CAMPAIGN_CONTACTS = 2


def _win_back_ids(r: QciResult) -> tuple[str, ...]:
    """The win-back list's ids: lapsed, likely alive (0.5 or more), with consent."""
    lapse, customers = r.lapse, r.company.customers
    if lapse is None or lapse.alive is None or "consent_marketing" not in customers.columns:
        return ()
    joined = lapse.rhythm[["lapsed"]].join(lapse.alive["probability_alive"], how="inner")
    chosen = joined.index[
        joined["lapsed"].to_numpy(dtype=bool)
        & (joined["probability_alive"] >= 0.5).to_numpy(dtype=bool)
    ]
    consent = customers.drop_duplicates("customer_id").set_index("customer_id")["consent_marketing"]
    ok = consent.reindex(chosen).astype("boolean").fillna(False).to_numpy(dtype=bool)
    return tuple(str(c) for c in chosen[ok])


def _retention_action(r: QciResult, row: pd.Series, currency: str) -> Action:
    """Win back the lapsed list, valued on those customers; else retention on last year's."""
    kept, lapse = r.retention, r.lapse
    each = kept.retained_margin
    common = {
        "owner": "marketing",
        "model": MODEL,
        "priority": 1,
        "lever": "retention",
        "effort": 1,
        "needs": ("consent", "readiness"),
    }
    if lapse is not None and lapse.win_back_list is not None:
        ids = _win_back_ids(r)
        n = len(ids) or lapse.win_back_list
        value = n * WIN_BACK_RATE * each if each is not None else None
        return Action(
            title=_filled(
                N_(
                    "Win back the {customers} lapsed customers with consent who are still "
                    "likely alive, and watch lapse signals"
                ),
                customers=count(n),
            ),
            expected_value=value,
            rationale=_filled(
                N_(
                    "{customers} lapsed customers by their own purchase rhythm whom the "
                    "{model} model still thinks likely alive, and who gave consent."
                ),
                customers=count(n),
                model=alive_model(lapse.alive),
            ),
            customers=ids,
            customer_set="lapsed customers with consent, likely alive",
            customer_count=n,
            assumptions=_filled(
                N_(
                    "an assumed {rate} of them buy again within the year because of the win-back "
                    "contacts (beyond those who would return anyway), each bringing the mean "
                    "yearly margin of a retained customer ({margin})"
                ),
                rate=percent(WIN_BACK_RATE),
                margin=money(each, currency) if each is not None else translate("not known"),
            ),
            cost_drivers={"contacts": CAMPAIGN_CONTACTS * n},
            **common,
        )
    buyers = r.customers.table if hasattr(r.customers, "table") else None
    ids: tuple[str, ...] = ()
    if buyers is not None and "bought_previous_window" in buyers.columns:
        chosen = buyers["bought_previous_window"].to_numpy(dtype=bool)
        who = buyers["customer_id"] if "customer_id" in buyers.columns else buyers.index
        if "customer_id" in buyers.columns or buyers.index.name == "customer_id":
            ids = tuple(str(c) for c in pd.Series(who)[chosen])
    return Action(
        title=_filled(
            N_(
                "Raise retention among the {customers} buyers of the year before with a care programme"
            ),
            customers=count(kept.customers_before),
        ),
        expected_value=float(row.value_per_year),
        rationale=_filled(
            N_("{measure}: {current}."),
            measure=capitalise(word(row.measure)),
            current=percent(row.current),
        ),
        customers=ids,
        customer_set="buyers of the year before",
        customer_count=kept.customers_before,
        assumptions=_filled(
            N_(
                "{points} points more retention (assumed, not measured), each kept customer "
                "bringing the mean yearly margin of a retained customer"
            ),
            points=number(r.uplift_points, None),
        ),
        cost_drivers={"contacts": CAMPAIGN_CONTACTS * kept.customers_before},
        **common,
    )


def _actions(r: QciResult, table: pd.DataFrame) -> list[Action]:
    acquired, reach, experience, scored = r.acquisition, r.penetration, r.experience, r.scored
    currency = r.company.currency
    actions = []
    valued = table.dropna(subset=["value_per_year"])
    for rank, (activity, row) in enumerate(valued.iterrows(), start=1):
        if row.value_per_year <= 0:
            continue
        if activity == "retention":
            actions.append(_retention_action(r, row, currency))
            continue
        rationale = _filled(
            N_(
                "{measure}: {current}; {points} points more is worth {value_per_year} a year "
                "before its cost."
            ),
            measure=capitalise(word(row.measure)),
            current=percent(row.current),
            points=number(table.attrs["uplift"] * 100, 0),
            value_per_year=money(row.value_per_year, currency),
        )
        if activity == "acquisition":
            best = _best_source(acquired)
            confound = describe_type_confound(acquired, best) if best else ""
            if confound:
                rationale = Safe(f"{rationale} {confound}")
            # the client's own cost of winning a customer, or unknown: no rule of thumb
            cost_each, source = (
                (float(r.acquisition_cost), "given")
                if r.acquisition_cost is not None
                else (None, "unknown")
            )
            known = source != "unknown" and cost_each is not None
            gross = float(row.customers * (row.value_each + (cost_each or 0.0)))
            actions.append(
                Action(
                    title=_filled(
                        N_(
                            "Put acquisition effort into {source}, whose newcomers bring the most "
                            "margin"
                        ),
                        source=best,
                    )
                    if best
                    else translate(
                        "Win more customers through the sources whose newcomers bring most"
                    ),
                    owner="marketing",
                    expected_value=gross,
                    model=MODEL,
                    rationale=rationale,
                    priority=min(rank, 3),
                    lever="acquisition",
                    customer_set="new customers",
                    customer_count=int(round(row.customers)),
                    assumptions=_filled(
                        N_(
                            "{points} points more new customers per customer of the base "
                            "(assumed), each bringing last year's newcomers' mean first-year "
                            "margin; the cost of winning them as the client gives it"
                        ),
                        points=number(r.uplift_points, None),
                    )
                    if known
                    else _filled(
                        N_(
                            "{points} points more new customers per customer of the base "
                            "(assumed), each bringing last year's newcomers' mean first-year "
                            "margin; the cost of winning them is not in the data"
                        ),
                        points=number(r.uplift_points, None),
                    ),
                    cost=float(row.customers * cost_each) if known else None,
                    effort=2,
                    needs=("readiness",),
                )
            )
            continue
        title = translate("Cross-sell to single-category buyers")
        if reach is not None and reach.affinity.notna().to_numpy().any():
            bought, other, _ = best_cross_sell(reach.affinity)
            title = _filled(
                N_("Cross-sell {other} to {bought} buyers, and to single-category buyers"),
                other=other,
                bought=bought,
            )
        single = int(round((1 - reach.cross_sell_rate) * reach.active)) if reach else None
        upper = float(row.value_per_year)
        actions.append(
            Action(
                title=title,
                owner="marketing",
                expected_value=upper,
                model=MODEL,
                rationale=rationale,
                priority=min(rank, 3),
                lever="penetration",
                customer_set="single-category buyers of last year",
                # by id: the portfolio counts a buyer whom another penetration action
                # reaches once
                customers=tuple(str(c) for c in reach.single_buyers) if reach else (),
                customer_count=single,
                assumptions=_filled(
                    N_(
                        "{points} points more buyers of several categories (assumed); the margin "
                        "gap between multi- and single-category buyers is an upper bound, as they "
                        "are also bigger buyers: half of it is counted, a quarter at the low end"
                    ),
                    points=number(r.uplift_points, None),
                ),
                incremental=0.5,
                value_low=0.25 * upper,
                value_high=upper,
                cost_drivers={"contacts": CAMPAIGN_CONTACTS * (single or 0)},
                effort=1,
                needs=("consent", "readiness"),
            )
        )
    if experience is not None:
        body = experience.repeats.drop(index="all")
        if len(body) and not np.isnan(body["extra_cost"].sum()):
            top = body["extra_cost"].idxmax()
            actions.append(
                Action(
                    title=_filled(
                        N_("Settle {process} contacts in the first contact"), process=top
                    ),
                    owner="customer service",
                    expected_value=float(body.loc[top, "extra_cost"]),
                    model=MODEL,
                    rationale=_filled(
                        N_(
                            "{rate} of {process} episodes took more than one contact last year, "
                            "costing {cost}."
                        ),
                        rate=percent(body.loc[top, "repeat_rate"]),
                        process=top,
                        cost=money(body.loc[top, "extra_cost"], currency),
                    ),
                    priority=2,
                    lever="cost_to_serve",
                    customer_set=REPEAT_CONTACT_SET,
                    assumptions=translate(
                        "the repeat contacts' cost is saved in full at the high end, half of it "
                        "at the base"
                    ),
                    incremental=0.5,
                    value_low=0.25 * float(body.loc[top, "extra_cost"]),
                    value_high=float(body.loc[top, "extra_cost"]),
                    cost_drivers={"projects": 1},
                    effort=2,
                )
            )
    if scored is not None and not scored.weakest.empty:
        weakest = scored.weakest.iloc[0]
        actions.append(
            Action(
                title=_filled(N_("Strengthen {area}"), area=weakest["area_title"].lower()),
                owner=AREA_OWNERS.get(weakest["area"], "board"),
                expected_value=None,
                model=MODEL,
                rationale=_filled(
                    N_(
                        "The weakest QCI area in reality: {score} against a published average of "
                        "about 35%."
                    ),
                    score=percent(weakest["percent"] / 100),
                ),
                priority=2,
                lever="readiness",
                cost_drivers={"projects": 1},
                effort=2,
            )
        )
    return sorted(actions, key=lambda a: a.priority)

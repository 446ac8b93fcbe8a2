"""The Payne & Frow framework as a whole: process scores, diagram figures, conclusion.

The five processes are measured on the data in their own modules and scored in the
readiness workshop; this module puts the two side by side (:func:`process_scores`),
gives the framework diagram its figures (:func:`diagram_stages`) and draws the
conclusion: the readiness verdict, the weakest process and the actions, most important
first (:func:`conclusion`).

The order of the actions is this workbook's rule, following the framework's point that
the processes fail without the elements: a readiness issue that makes the company not
ready comes first, then the action for the weakest process, then the others by priority
and expected value a year.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.kpis import KPIS
from crmlib.analytics.profile import ASPECTS as PICTURE_ASPECTS
from crmlib.data.company import Company
from crmlib.errors import ParameterError
from crmlib.formatting import count, money, percent
from crmlib.models.payne_frow.common import (
    ASPECTS,
    ELEMENTS,
    MODEL,
    PROCESSES,
    heading,
    mean_or_none,
)
from crmlib.models.payne_frow.elements import (
    BARRIER_OWNERS,
    BLOCKING,
    ELEMENT_FLOOR,
    ELEMENT_OWNERS,
    ELEMENT_TARGET,
    Readiness,
    first_gap,
)
from crmlib.models.payne_frow.information import Information
from crmlib.models.payne_frow.multichannel import Multichannel
from crmlib.models.payne_frow.performance import Performance
from crmlib.models.payne_frow.strategy import Strategy
from crmlib.models.payne_frow.value import RETENTION_LIFT, ValueCreation
from crmlib.models.verdict import CROSS_CHANNEL_SET, Action, ModelVerdict
from crmlib.stages import Stage
from crmlib.text import N_, Safe, escape, number, plural, sentence, translate


@dataclass(frozen=True)
class Results:
    """The five processes and the four elements of one company, as the notebook shows them."""

    strategy: Strategy
    value: ValueCreation
    multichannel: Multichannel
    information: Information
    performance: Performance
    readiness: Readiness
    company: Company | None = None


def process_scores(results: Results) -> pd.DataFrame:
    """Each process scored two ways: measured on the data and scored in the workshop.

    Returns
    -------
    DataFrame
        Indexed by process (in the framework's order): ``title``, ``measured`` (0-1, NaN
        when the data cannot measure it; see each process's module for how),
        ``assessed`` (the workshop's 0-1 score, NaN when not scored), ``score`` (the
        mean of the two that exist, NaN when neither does) and ``basis`` ("data and
        workshop", "data", "workshop" or "none").
    """
    measured = {
        "strategy_development": results.strategy.score,
        "value_creation": results.value.score,
        "multichannel_integration": results.multichannel.score,
        "information_management": results.information.score,
        "performance_assessment": results.performance.score,
    }
    rows = []
    for process, title in PROCESSES.items():
        data = measured[process]
        workshop = results.readiness.processes.get(process)
        has_data = data is not None and pd.notna(data)
        has_workshop = workshop is not None and pd.notna(workshop)
        basis = {
            (True, True): N_("data and workshop"),
            (True, False): N_("data"),
            (False, True): N_("workshop"),
            (False, False): "none",
        }[(has_data, has_workshop)]
        rows.append(
            {
                "process": process,
                "title": title,
                "measured": float(data) if has_data else float("nan"),
                "assessed": float(workshop) if has_workshop else float("nan"),
                "score": mean_or_none([data, workshop]) if basis != "none" else float("nan"),
                "basis": basis,
            }
        )
    return pd.DataFrame(rows).set_index("process").astype({"score": float})


def _paragraph(parts: list[str]) -> Safe:
    return Safe(" ".join(parts))


def describe_processes(scores: pd.DataFrame, company: Company) -> Safe:
    """The closing paragraph of the five-process comparison, computed from the scores."""
    parts = [heading(company)]
    known = scores["score"].dropna()
    if known.empty:
        parts.append(sentence("No process could be scored on the data or in the workshop."))
        return _paragraph(parts)
    weakest, strongest = known.idxmin(), known.idxmax()
    named = {
        "strongest": translate(PROCESSES[strongest]).lower(),
        "strongest_score": percent(known[strongest]),
        "weakest": translate(PROCESSES[weakest]).lower(),
        "weakest_score": percent(known[weakest]),
        "n": count(len(known)),
    }
    workshop = bool(scores["assessed"].notna().any())
    if len(known) == 1:
        # one score is neither the strongest nor the weakest of anything
        parts.append(
            sentence(
                "Only {weakest} could be scored ({weakest_score}); the other four processes "
                "need data the company does not have, or the workshop's assessment.",
                **named,
            )
        )
    elif len(known) < len(scores):
        parts.append(
            sentence(
                "Of the {n} processes that could be scored, {strongest} is the strongest "
                "({strongest_score}) and {weakest} the weakest ({weakest_score}); the others "
                "need data the company does not have, or the workshop's assessment.",
                **named,
            )
            if workshop
            else sentence(
                "On the data alone (the workshop has not scored the processes), of the {n} "
                "processes that could be scored {strongest} is the strongest "
                "({strongest_score}) and {weakest} the weakest ({weakest_score}).",
                **named,
            )
        )
    else:
        parts.append(
            sentence(
                "Taking data and workshop together, {strongest} is the strongest process "
                "({strongest_score}) and {weakest} the weakest ({weakest_score}).",
                **named,
            )
            if workshop
            else sentence(
                "On the data alone (the workshop has not scored the processes), {strongest} "
                "is the strongest process ({strongest_score}) and {weakest} the weakest "
                "({weakest_score}).",
                **named,
            )
        )
    both = scores.dropna(subset=["measured", "assessed"])
    apart = both[(both["measured"] - both["assessed"]).abs() >= 0.25]
    if len(apart):
        lines = Safe(
            "; ".join(
                sentence(
                    "{process} (data {measured}, workshop {assessed})",
                    process=translate(row.title).lower(),
                    measured=percent(row.measured),
                    assessed=percent(row.assessed),
                )
                for row in apart.itertuples()
            )
        )
        parts.append(
            sentence(
                "Data and workshop disagree by a quarter or more on {lines}: a topic for the "
                "next workshop.",
                lines=lines,
            )
        )
    elif len(both):
        parts.append(
            sentence("Data and workshop agree within a quarter on every process scored both ways.")
        )
    return _paragraph(parts)


def _short_money(value: float, currency: str) -> str:
    return money(value, currency) if pd.notna(value) else translate("n/a")


def _process_lines(results: Results, company: Company) -> dict[str, list[str]]:
    """The diagram's short lines per process (plain text: the diagram draws, not Markdown)."""
    cur = company.currency
    s, v, m = results.strategy, results.value, results.multichannel
    info, perf = results.information, results.performance
    lines: dict[str, list[str]] = {p: [] for p in PROCESSES}
    if s.segments is not None:
        lines["strategy_development"] += [
            _line(N_("targets: {targets}"), targets=_names(s.targets)),
            _line(N_("{share} of expected value"), share=percent(s.target_value_share)),
        ]
    if pd.notna(s.revenue_expected):
        reach = (
            _line(N_("in reach"))
            if s.gap <= 0
            else _line(N_("gap {gap}"), gap=_short_money(s.gap, cur))
        )
        lines["strategy_development"].append(
            _line(N_("goal +{goal}: {reach}"), goal=percent(s.growth_goal), reach=reach)
        )
    if pd.notna(v.lifetime_value):
        value = _short_money(v.lifetime_value, cur)
        lines["value_creation"].append(
            _line(N_("LTR/buyer {value}"), value=value)
            if v.value_word == "revenue"
            else _line(N_("LTV/buyer {value}"), value=value)
        )
    if pd.notna(v.retention_rate):
        lines["value_creation"].append(
            _line(N_("retention {rate}"), rate=percent(v.retention_rate))
        )
    if pd.notna(v.profitable_share):
        lines["value_creation"].append(
            _line(N_("{share} profitable"), share=percent(v.profitable_share))
        )
    if m.continuity is not None:
        continued = m.continuity.continued_rate
        lines["multichannel_integration"].append(
            _line(N_("{share} of moves continued"), share=percent(continued))
            if pd.notna(continued)
            else _line(N_("no moves between channels"))
        )
        if pd.notna(m.continuity.repeat_cost):
            lines["multichannel_integration"].append(
                _line(N_("repeats {cost}/yr"), cost=_short_money(m.continuity.repeat_cost, cur))
            )
    elif m.purchase_mix is not None:
        main = m.purchase_mix.mean().idxmax()
        lines["multichannel_integration"].append(
            _line(N_("purchases mostly {channel}"), channel=main)
        )
    counts = info.counts
    lines["information_management"] += [
        _line(N_("picture {share} complete"), share=percent(info.aspects["completeness"])),
        *(
            [_line(N_("over {n} of 6 aspects"), n=len(PICTURE_ASPECTS) - len(info.unmeasured))]
            if info.unmeasured
            else []
        ),
        _line(N_("{yes} of {n} analyses run"), yes=str(counts["yes"]), n=str(len(info.support))),
    ]
    if pd.notna(info.customer_view["duplicate_share"]):
        lines["information_management"].append(
            _line(
                N_("{share} double records"), share=percent(info.customer_view["duplicate_share"])
            )
        )
    if perf.scorecard is not None:
        judged = perf.judged
        lines["performance_assessment"].append(
            _line(
                N_("{met} of {n} standards met"),
                met=str(int(judged["meets"].astype(bool).sum())),
                n=str(len(judged)),
            )
            if len(judged)
            # "0 of 0 met" would read as a failure; nothing could be judged
            else translate("no standard judged yet")
        )
        if perf.missed:
            lines["performance_assessment"].append(
                _line(N_("below: {kpi}"), kpi=translate(KPIS[perf.missed[0]].label).lower())
            )
    return lines


def _names(items) -> str:
    """Segment names as a reader sees them: each in the report language, comma-separated."""
    return ", ".join(translate(str(item)) for item in items)


def _line(template: str, **values: object) -> str:
    """A diagram line: the template translated and filled, not escaped (it is drawn as
    text, not read as Markdown)."""
    return translate(template).format(**values)


def diagram_stages(results: Results, company: Company) -> tuple[list[Stage], list[Stage]]:
    """The framework diagram's figures: five process stages and four element stages.

    Each process shows its key figures and its score (data and workshop together); each
    element its workshop score, colouring it from red (weak) to green (strong).
    """
    scores = process_scores(results)
    lines = _process_lines(results, company)
    processes = []
    for process, title in PROCESSES.items():
        score = scores.loc[process, "score"]
        shown = list(lines[process][:3])
        if pd.notna(score):
            shown.append(_line(N_("score {score}"), score=percent(score)))
        processes.append(Stage(translate(title), shown, None if pd.isna(score) else float(score)))
    r = results.readiness
    elements = []
    for element, title in ELEMENTS.items():
        score = r.elements.loc[element, "score"]
        shown = []
        if element == "readiness" and r.maturity is not None:
            shown.append(
                _line(
                    N_("maturity {level}: {title}"),
                    level=r.maturity,
                    title=r.maturity_title.lower(),
                )
            )
            shown.append(_line(N_("{n} barriers present"), n=len(r.barriers)))
        if pd.notna(score):
            shown.append(percent(score))
        elif not r.assessed:
            shown.append(_line(N_("not assessed yet")))
        elements.append(Stage(translate(title), shown, None if pd.isna(score) else float(score)))
    return processes, elements


@dataclass(frozen=True)
class Conclusion:
    """What the framework concludes for a company.

    Attributes
    ----------
    verdict : str
        The readiness verdict (see :mod:`~crmlib.models.payne_frow.elements`).
    reasons : tuple of str
        Why.
    weakest_process : str or None
        The process with the lowest score (data and workshop together).
    scores : DataFrame
        :func:`process_scores`.
    actions : list of Action
        Every recommended action, most important first; the first three are the plan.
    """

    verdict: str
    reasons: tuple[str, ...]
    weakest_process: str | None
    scores: pd.DataFrame
    actions: list[Action]


#: Barriers about the data itself: their removal is a data action.
DATA_BARRIERS = ("rb_unlinked_data", "rb_data_quality")


def _margin_rate(results: Results) -> float:
    history = results.performance.history
    if history is None or history.empty:
        return float("nan")
    last = history.iloc[-1]
    return float(last["gross_margin"] / last["revenue"]) if last["revenue"] > 0 else float("nan")


def _signed(share: float) -> str:
    """A change as a share with its sign, ``+12 %`` (the locale's percent format)."""
    return ("+" if share > 0 else "") + percent(share)


def _regression_assumption(s) -> str:
    """How much of the target segments' forecast fall is regression to the mean, in words
    for the growth-gap action (measured by the strategy's baseline, or said unknown)."""
    forecast, baseline = s.read_against_baseline(tuple(s.targets))
    if pd.isna(forecast):
        return sentence(
            "Without a forecast for the target segments, regression to the mean cannot be "
            "set apart from lost customers"
        )
    if baseline is None:
        return sentence(
            "The target segments' revenue is forecast to change by {forecast}. Segments "
            "picked on last year's value fall back towards the average the year after "
            "(regression to the mean), so part of that is not lost customers; how much "
            "cannot be measured here: {reason}",
            forecast=_signed(forecast),
            reason=next(
                (why for why in map(s.baseline.why_unknown, s.targets) if why),
                translate("the customer base could not be read"),
            )
            if s.baseline is not None
            else translate("the customer base could not be read"),
        )
    points = round(100 * (forecast - baseline))
    beyond = (
        sentence("{points} points of the forecast are a fall beyond that effect", points=-points)
        if points < 0
        else sentence("the forecast expects no fall beyond that effect")
    )
    template = (
        N_(
            "The target segments' revenue is forecast to change by {forecast}; the customers "
            "in the same segments a year earlier changed by {baseline} the year after, "
            "which is what regression to the mean alone does to a group picked for its value: "
            "{beyond}"
        )
        if s.baseline.window_months == 12
        else N_(
            "The target segments' revenue is forecast to change by {forecast}; the "
            "customers in the same segments {months} months earlier changed by {baseline} "
            "in the {months} months after, which is what regression to the mean alone does to "
            "a group picked for its value: {beyond}"
        )
    )
    return sentence(
        template,
        months=s.baseline.window_months,
        forecast=_signed(forecast),
        baseline=_signed(baseline),
        beyond=beyond,
    )


def _strategy_action(results: Results, company: Company) -> Action | None:
    s = results.strategy
    if s.segments is None:
        return None
    targets = _names(s.targets)
    if pd.notna(s.revenue_expected) and s.gap > 0:
        rate = _margin_rate(results)
        return Action(
            title=sentence(
                "Win {gap} more revenue than forecast from the target segments ({targets}) "
                "or new customers",
                gap=money(s.gap, company.currency),
                targets=targets,
            ),
            owner=N_("board"),
            expected_value=float(s.gap * rate) if pd.notna(rate) else None,
            model=MODEL,
            rationale=sentence(
                "the growth goal of {goal} is {gap} above what today's customers and last "
                "year's pace of acquisition bring",
                goal=percent(s.growth_goal, 1),
                gap=money(s.gap, company.currency),
            ),
            lever="acquisition",
            customer_set="target segments or new customers",
            assumptions=sentence(
                "the value is the margin on the gap to the growth goal: a target, not what a "
                "particular action brings; its cost is not known. {regression}",
                regression=_regression_assumption(s),
            )
            if pd.notna(rate)
            else sentence(
                "no value: the data gives no margin to put on the gap to the growth goal, "
                "which is a target, not what a particular action brings; its cost is not "
                "known. {regression}",
                regression=_regression_assumption(s),
            ),
            effort=3,
            needs=("readiness",),
        )
    segments = s.segments
    size = float(segments.loc[segments["target"], "customer_share"].sum())
    if s.target_value_share < size:
        column = "expected_value_per_customer"
        if segments[column].isna().all():
            column = "value_per_customer"
        average = (segments[column] * segments["customers"]).sum() / segments["customers"].sum()
        better = _names(segments.index[segments[column] > average])
        return Action(
            title=sentence(
                "Re-aim the customer strategy at the segments worth more than average ({segments})",
                segments=better,
            ),
            owner=N_("board"),
            expected_value=None,
            model=MODEL,
            rationale=sentence(
                "the target segments ({targets}) are {size} of the customers but hold "
                "{share} of the expected value",
                targets=targets,
                size=percent(size),
                share=percent(s.target_value_share),
            ),
            lever="readiness",
            cost_drivers={"projects": 1},
            effort=1,
        )
    return Action(
        title=sentence(
            "Write the customer strategy around the target segments ({targets})", targets=targets
        ),
        owner=N_("board"),
        expected_value=None,
        model=MODEL,
        rationale=sentence(
            "they hold {share} of the expected value", share=percent(s.target_value_share)
        ),
        priority=3,
        lever="readiness",
        cost_drivers={"projects": 1},
        effort=1,
    )


def _value_action(results: Results, company: Company) -> Action | None:
    v = results.value
    if pd.isna(v.lift_margin_per_year) or v.target_retained_base == 0:
        return None
    lifted = min(v.target_retention_rate + RETENTION_LIFT, 1.0)
    who = plural(v.target_retained_base, "customer", "customers")
    aimed = (
        sentence(
            "the {who} of the target segments ({segments}) who bought this year",
            who=who,
            segments=_names(v.target_segments),
        )
        if v.target_segments
        else sentence("the {who} who bought this year", who=who)
    )
    return Action(
        title=sentence(
            "Raise retention from {rate} to {lifted} with loyalty benefits for {aimed}",
            rate=percent(v.target_retention_rate),
            lifted=percent(lifted),
            aimed=aimed,
        ),
        owner=N_("marketing"),
        expected_value=float(v.lift_margin_per_year),
        model=MODEL,
        rationale=sentence(
            "{points} points more retention among them keeps {value} of {word} a year "
            "(their mean current value {mean})",
            points=number(RETENTION_LIFT * 100),
            value=money(v.lift_margin_per_year, company.currency),
            word=translate(v.value_word),
            mean=money(v.target_profit_per_customer, company.currency),
        ),
        lever="retention",
        customers=v.target_ids,
        customer_set="buyers of the window in the target segments",
        customer_count=v.target_retained_base,
        assumptions=sentence(
            "the benefits raise their retention by {points} points (assumed, not measured) "
            "from {rate}, what the same segments kept a year earlier; each kept customer "
            "brings their segments' mean current value",
            points=number(RETENTION_LIFT * 100),
            rate=percent(v.target_retention_rate),
        )
        if v.target_rate_basis == "segments"
        else sentence(
            "the benefits raise their retention by {points} points (assumed, not measured) "
            "from the whole base's rate; each kept customer brings their segments' mean "
            "current value",
            points=number(RETENTION_LIFT * 100),
        ),
        cost_drivers={"benefits": v.target_retained_base},
        effort=2,
        needs=("consent", "readiness"),
    )


def _multichannel_action(results: Results, company: Company) -> Action | None:
    flow = results.multichannel.continuity
    # integration is judged on moves between channels; without any there is nothing to fix
    if flow is None or flow.handovers.empty or pd.isna(flow.continued_rate):
        return None
    rates = flow.handovers.drop(index="all", errors="ignore")["continued_rate"].dropna()
    worst = str(rates.idxmin()) if len(rates) else flow.worst_process
    value = float(flow.repeat_cost) if pd.notna(flow.repeat_cost) else None
    return Action(
        title=sentence(
            "Give every channel the contact history, so a question continues where it left "
            "off; start with {process}",
            process=worst,
        ),
        owner=N_("customer service"),
        expected_value=value,
        model=MODEL,
        rationale=sentence(
            "{continued} of the moves between channels continued the case within {days} days "
            "({process}: {worst_rate})",
            continued=percent(flow.continued_rate),
            days=flow.window_days,
            process=worst,
            worst_rate=percent(rates[worst]) if worst in rates.index else translate("unknown"),
        ),
        lever="cost_to_serve",
        customer_set=CROSS_CHANNEL_SET,
        assumptions=sentence(
            "the repeat contacts' cost is saved in full at the high end, half of it at the base"
        ),
        incremental=0.5,
        value_low=0.25 * value if value is not None else None,
        value_high=value,
        cost_drivers={"projects": 1},
        effort=3,
    )


def _information_action(results: Results, company: Company) -> Action:
    info = results.information
    aspect = info.weakest_aspect
    label = translate(ASPECTS.get(aspect, aspect.replace("_", " ")))
    counts = info.counts
    share = info.aspects[aspect]
    # an aspect of which the data holds nothing is absent from the export, not known to be 0%
    known = (
        sentence("not in the data")
        if aspect in info.unmeasured
        else sentence("known for {share} of customers", share=percent(share))
    )
    return Action(
        title=sentence(
            "Complete the customer picture where it is weakest: {aspect} ({known})",
            aspect=label,
            known=known,
        ),
        owner=N_("marketing") if aspect == "needs" else N_("IT"),
        expected_value=None,
        model=MODEL,
        rationale=sentence(
            "the data supports {yes} of {n} analyses fully",
            yes=count(counts["yes"]),
            n=count(len(info.support)),
        ),
        lever="data",
        customer_set=f"customers without {label} on record",
        cost_drivers={"projects": 1},
        effort=2,
        unblocks=f"data:{aspect}",
    )


def _performance_action(results: Results, company: Company) -> Action | None:
    perf = results.performance
    if perf.scorecard is None:
        return None
    if perf.judged.empty:
        return None
    missed = list(perf.missed)
    if "retention_rate" in missed and pd.notna(results.value.lift_margin_per_year):
        # value creation's action already raises retention; this one takes the next KPI
        missed.remove("retention_rate")
    if not missed:
        untested = perf.scorecard[perf.scorecard["standard"] == ""]
        return Action(
            title=sentence(
                "Set standards for the {n} KPIs that have none, and review them every quarter",
                n=count(len(untested)),
            ),
            owner=N_("management team"),
            expected_value=None,
            model=MODEL,
            rationale=sentence(
                "{met} of {n} standards met; the other KPIs are followed for their trend only",
                met=count(len(perf.judged) - len(perf.missed)),
                n=count(len(perf.judged)),
            )
            if len(perf.judged)
            else translate(
                "No standard can be judged yet; the KPIs are followed for their trend only"
            ),
            priority=3,
            lever="readiness",
            cost_drivers={"projects": 1},
            effort=1,
        )
    kpi = missed[0]
    row = perf.scorecard.loc[kpi]
    expected = None
    v = results.value
    if kpi == "retention_rate" and pd.notna(v.profit_per_customer) and v.retained_base:
        level = next(s.value for s in perf.standards if s.kpi == kpi)
        expected = float((level - row["current"]) * v.retained_base * v.profit_per_customer)
    return Action(
        title=sentence(
            "Bring {kpi} up to standard ({value}, standard {standard})",
            kpi=translate(row["label"]).lower(),
            value=KPIS[kpi].format(row["current"], company.currency),
            standard=row["standard"],
        ),
        owner=N_("management team") if kpi != "satisfaction" else N_("customer service"),
        expected_value=expected,
        model=MODEL,
        rationale=sentence(
            "{missed} of {n} standards missed",
            missed=count(len(perf.missed)),
            n=count(len(perf.judged)),
        ),
        lever="retention" if kpi in ("retention_rate", "satisfaction") else "readiness",
        customer_set="buyers of the year before" if kpi == "retention_rate" else "",
        customer_count=v.retained_base if kpi == "retention_rate" else None,
        assumptions=sentence("reaching the standard, by means not yet chosen") if expected else "",
        effort=2,
        needs=("readiness",),
    )


_PROCESS_ACTIONS = {
    "strategy_development": _strategy_action,
    "value_creation": _value_action,
    "multichannel_integration": _multichannel_action,
    "information_management": _information_action,
    "performance_assessment": _performance_action,
}


def _readiness_actions(r: Readiness) -> list[Action]:
    if not r.assessed:
        return [
            Action(
                title=sentence("Hold the readiness workshop before the CRM programme starts"),
                owner=N_("CRM programme lead"),
                expected_value=None,
                model=MODEL,
                rationale=sentence(
                    "the maturity level, barriers and the three other elements are not assessed"
                ),
                priority=1,
                lever="readiness",
                cost_drivers={"projects": 1},
                effort=1,
                unblocks="readiness",
            )
        ]
    actions = []
    for row in r.barriers.itertuples():
        severity = 0 if pd.isna(row.severity) else int(row.severity)
        if severity < 2:
            continue
        actions.append(
            Action(
                title=sentence(
                    "Remove the barrier: {barrier}",
                    barrier=row.text[0].lower() + row.text[1:].rstrip("."),
                ),
                owner=BARRIER_OWNERS.get(row.item, "board"),
                expected_value=None,
                model=MODEL,
                rationale=sentence(
                    "a {severity} barrier to CRM readiness",
                    severity=str(row.severity_label).lower(),
                ),
                priority=1 if severity >= BLOCKING else 2,
                lever="data" if row.item in DATA_BARRIERS else "readiness",
                cost_drivers={"projects": 1},
                effort=2,
                # an unclear legal basis withholds every campaign; a blocking barrier all
                unblocks="consent"
                if row.item == "rb_privacy_unclear"
                else ("readiness" if severity >= BLOCKING else ""),
            )
        )
    for element, row in r.elements.iterrows():
        if element == "readiness" or pd.isna(row["score"]) or row["score"] >= ELEMENT_TARGET:
            continue
        gap = first_gap(r, element)
        actions.append(
            Action(
                title=(
                    sentence(
                        "Strengthen {element}: {practice}",
                        element=translate(row["title"]).lower(),
                        practice=gap[0].lower() + gap[1:].rstrip("."),
                    )
                    if gap
                    else sentence("Strengthen {element}", element=translate(row["title"]).lower())
                ),
                owner=ELEMENT_OWNERS[element],
                expected_value=None,
                model=MODEL,
                rationale=sentence(
                    "{element} scores {score}",
                    element=translate(row["title"]).lower(),
                    score=percent(row["score"]),
                ),
                priority=1 if row["score"] < ELEMENT_FLOOR else 2,
                lever="readiness",
                cost_drivers={"projects": 1},
                effort=2,
                # an element below the floor makes the company not ready: it gates the rest
                unblocks="readiness" if row["score"] < ELEMENT_FLOOR else "",
            )
        )
    # the elements before the processes: blocking first, then elements below the floor
    return sorted(actions, key=lambda a: a.priority)


def _rank(action: Action) -> tuple:
    value = action.expected_value
    return (action.priority, 0 if value is not None else 1, -(value or 0.0))


def conclusion(results: Results, company: Company) -> Conclusion:
    """The readiness verdict, the weakest process and the actions, most important first.

    The order follows the framework: without the elements the processes fail, so a
    readiness issue that makes the company not ready comes first (a blocking barrier,
    else the weakest element below the floor); then the action for the weakest process;
    then the remaining actions by priority and by expected value a year.
    """
    scores = process_scores(results)
    known = scores["score"].dropna()
    weakest = str(known.idxmin()) if len(known) else None
    r = results.readiness
    readiness_actions = _readiness_actions(r)
    plan: list[Action] = []
    if readiness_actions and r.verdict in ("not ready", "not assessed"):
        plan.append(readiness_actions.pop(0))
    process_actions = {p: f(results, company) for p, f in _PROCESS_ACTIONS.items()}
    if weakest is not None and process_actions.get(weakest) is not None:
        lead = process_actions.pop(weakest)
        plan.append(
            dataclasses.replace(
                lead,
                # both parts are sentences (escaped once), so the whole is too
                rationale=Safe(
                    sentence(
                        "{process} is the weakest process ({score}); ",
                        process=translate(PROCESSES[weakest]).lower(),
                        score=percent(known[weakest]),
                    )
                    + escape(lead.rationale)
                ),
                priority=1,
            )
        )
    rest = [a for a in process_actions.values() if a is not None] + readiness_actions
    plan += sorted(rest, key=_rank)
    return Conclusion(
        verdict=r.verdict,
        reasons=r.reasons,
        weakest_process=weakest,
        scores=scores,
        actions=plan,
    )


def _action_line(number: int, action: Action, currency: str) -> Safe:
    line = sentence(
        "{number}. **{title}** (owner: {owner}). Why: {rationale}.",
        number=number,
        title=action.title,
        owner=translate(action.owner),
        rationale=action.rationale,
    )
    if action.expected_value is None or pd.isna(action.expected_value):
        return line
    worth = sentence(
        "Expected value: about {value} a year.", value=money(action.expected_value, currency)
    )
    return Safe(f"{line} {worth}")


def describe_conclusion(result: Conclusion, company: Company) -> Safe:
    """The conclusion as Markdown: verdict, weakest process and the first three actions."""
    parts = [heading(company)]
    if result.reasons and result.verdict != "ready":
        parts.append(
            sentence(
                "The readiness verdict is **{verdict}**: {reasons}.",
                verdict=translate(result.verdict),
                reasons=Safe("; ".join(escape(r) for r in result.reasons[:2])),
            )
        )
    else:
        parts.append(
            sentence("The readiness verdict is **{verdict}**.", verdict=translate(result.verdict))
        )
    if result.weakest_process is not None:
        row = result.scores.loc[result.weakest_process]
        parts.append(
            sentence(
                "The weakest process is **{process}** ({score}, from the {basis}).",
                process=translate(PROCESSES[result.weakest_process]).lower(),
                score=percent(row["score"]),
                basis=translate(row["basis"]),
            )
        )
    text_ = _paragraph(parts)
    if not result.actions:
        return text_
    lines = [_action_line(i, a, company.currency) for i, a in enumerate(result.actions[:3], 1)]
    actions = sentence("The first three actions:")
    return Safe("\n\n".join([text_, actions, "\n".join(lines)]))


def _company(results: Results) -> Company:
    if results.company is None:
        raise ParameterError(
            "these Payne & Frow results carry no company. Fix: build them with "
            "payne_frow.analyse(company), or pass company= to Results"
        )
    return results.company


def diagram(results: Results) -> tuple[list[Stage], list[Stage]]:
    """The framework diagram's figures for :func:`crmlib.diagrams.draw_payne_frow`."""
    return diagram_stages(results, _company(results))


def _readiness_finding(r: Readiness) -> Safe:
    if not r.assessed:
        return sentence("The readiness workshop has not been held.")
    values = {
        "level": str(r.maturity),
        "title": (r.maturity_title or translate("not scored")).lower(),
        "barriers": str(len(r.barriers)),
    }
    if r.reasons:
        return sentence(
            "Maturity level {level} ({title}), {barriers} barriers present; {reason}.",
            reason=r.reasons[0],
            **values,
        )
    return sentence("Maturity level {level} ({title}), {barriers} barriers present.", **values)


def verdict(results: Results) -> ModelVerdict:
    """The Payne & Frow verdict for the strategy report, from :func:`analyse`'s result.

    Parameters
    ----------
    results : Results
        With its ``company`` (as :func:`~crmlib.models.payne_frow.analyse` sets it).
    """
    company = _company(results)
    result = conclusion(results, company)
    scores = result.scores
    scored = int(scores["score"].notna().sum())
    if result.weakest_process is None:
        headline = sentence("CRM readiness: {verdict}.", verdict=translate(result.verdict))
    else:
        weakest = {
            "verdict": translate(result.verdict),
            "process": translate(PROCESSES[result.weakest_process]).lower(),
            "score": percent(scores.loc[result.weakest_process, "score"]),
            "n": count(scored),
        }
        if scored == len(scores):
            template = N_(
                "CRM readiness: {verdict}; the weakest of the five processes is {process} "
                "({score})."
            )
        elif scored == 1:
            template = N_(
                "CRM readiness: {verdict}; only {process} could be scored ({score}) of the "
                "five processes."
            )
        else:
            template = N_(
                "CRM readiness: {verdict}; the weakest of the {n} processes that could be "
                "scored is {process} ({score})."
            )
        headline = sentence(template, **weakest)
    r = results.readiness
    findings = [_readiness_finding(r)]
    if pd.notna(results.value.retention_rate):
        findings.append(
            sentence(
                "{rate} of the year before's buyers bought again.",
                rate=percent(results.value.retention_rate),
            )
        )
    s = results.strategy
    if s.segments is not None:
        findings.append(
            sentence(
                "Target segments {targets} hold {share} of the expected value.",
                targets=_names(s.targets),
                share=percent(s.target_value_share),
            )
        )
    p = results.performance
    if len(p.judged):
        findings.append(
            sentence(
                "{met} of {judged} KPI standards met.",
                met=str(len(p.judged) - len(p.missed)),
                judged=str(len(p.judged)),
            )
        )
    if results.multichannel.continuity is not None:
        flow = results.multichannel.continuity
        findings.append(
            sentence(
                "The next channel continued the case in {share} of moves between channels "
                "(no repeat contact within {days} days).",
                share=percent(flow.continued_rate),
                days=str(flow.window_days),
            )
            if pd.notna(flow.continued_rate)
            else sentence("No customer moved between channels within one process.")
        )
    figures = {f"score_{p}": float(scores.loc[p, "score"]) for p in PROCESSES}
    figures.update({f"element_{e}": float(r.elements.loc[e, "score"]) for e in ELEMENTS})
    figures["maturity_level"] = float(r.maturity) if r.maturity is not None else float("nan")
    figures["barriers_present"] = float(len(r.barriers))
    figures["retention_rate"] = float(results.value.retention_rate)
    figures["customers"] = float(len(company.customers))
    return ModelVerdict(
        model=MODEL,
        headline=headline,
        findings=findings[:4],
        figures=figures,
        actions=result.actions,
    )

"""The value chain's conclusion: what holds each stage back, the limiting stage, the
figures on the diagram, and the verdict for the strategy report."""

from __future__ import annotations

import math
import re

import pandas as pd

from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.models.value_chain.chain import (
    CONDITIONS,
    MODEL,
    PRIMARY_STAGES,
    ValueChain,
    limiting_stage,
)
from crmlib.models.value_chain.text import _lower, cost_magnet_cost
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.stages import Stage
from crmlib.text import escape, join, label, lead, sentence

#: Who owns the action on each supporting condition.
CONDITION_OWNERS = {
    "Leadership & culture": "board",
    "Procurement": "purchasing",
    "HR management": "HR",
    "IT/data management": "IT",
    "Organisation design": "board",
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _why(chain: ValueChain, stage: str, *, plain: bool = False) -> str:
    """One clause on what holds a stage back, from its own result.

    Markdown (names escaped, segment in italics), or plain text with ``plain``.
    """
    escape_ = (lambda text: str(text)) if plain else escape
    mark = "" if plain else "*"
    if stage == "Customer portfolio analysis":
        portfolio = chain.portfolio()
        missing = [
            label
            for label, ok in (
                ("margin per customer", portfolio.margin_measured),
                ("cost to serve", portfolio.cost_measured),
                ("expected lifetime value", portfolio.forecast),
            )
            if not ok
        ]
        types = portfolio.types.summary
        missing.append(f"{count((~types['measured']).sum())} of {len(types)} strategic types")
        return "the data cannot yet show " + join(missing)
    if stage == "Customer intimacy":
        gaps = chain.intimacy().gaps
        if len(gaps):
            return (
                f"the {label(gaps.index[0])} aspect of the SSCs' picture is only "
                f"{percent(gaps.iloc[0])} complete"
            )
        return "the SSCs' picture has no single large gap"
    if stage == "Network development":
        parties = chain.network().parties.dropna(subset=["percent"])
        worst = parties["percent"].idxmin()
        return f"{escape_(label(worst))} are least aligned on customer data"
    if stage == "Value proposition development":
        profile = chain.proposition().profile.dropna(subset=["fit"])
        worst = profile["fit"].idxmin()
        return (
            f"the offer fits {mark}{escape_(worst)}{mark} only {percent(profile.loc[worst, 'fit'])}"
        )
    measures = chain.relationships().measures
    ratio = (measures["value"] / measures["target"]).idxmin()
    row = measures.loc[ratio]
    who = "all customers" if row["segment"] == "all" else f"{row['segment']} customers"
    return f"{row['measure']} of {who} is furthest below its target"


def describe_scores(scores: pd.DataFrame, company: Company) -> str:
    """What the diagram shows: how many elements are scored, and the range of each phase."""
    scored = scores[scores["score"].notna()]
    share = (
        f"All {count(len(scores))}"
        if len(scored) == len(scores)
        else f"{count(len(scored))} of the {count(len(scores))}"
    )
    text = (
        f"{lead(company.name)} {share} elements of the chain "
        "are scored: "
        f"{count((scored['basis'] == 'data').sum())} from the data and "
        f"{count((scored['basis'] == 'workshop').sum())} by the workshop."
    )
    for kind, noun in (("primary", "primary stages"), ("supporting", "supporting conditions")):
        part = scored[scored["kind"] == kind]
        if len(part) >= 2:
            low, high = part["score"].idxmin(), part["score"].idxmax()
            text += (
                f" The {noun} run from {_lower(low)} ({percent(part.loc[low, 'score'])}) to "
                f"{_lower(high)} ({percent(part.loc[high, 'score'])})."
            )
    grey = scores[scores["score"].isna()]
    if len(grey):
        text += (
            f" Grey, not scored: {join([_lower(s) for s in grey.index])}; they count once "
            "the data or the workshop answers are there."
        )
    return text


def describe_chain(chain: ValueChain, scores: pd.DataFrame) -> str:
    """The conclusion: the SSCs and the stage that limits value most."""

    company, portfolio = chain.company, chain.portfolio()
    text = (
        f"**Conclusion for {escape(company.name)}.** The strategically significant customers "
        f"are {count(portfolio.n_ssc)} customers "
        f"({percent(portfolio.n_ssc / len(portfolio.table))}) who bring "
        f"{percent(portfolio.ssc_value_share)} of current value ({escape(portfolio.value_word)}, "
        f"last {portfolio.horizon_months} months)."
    )
    limit = limiting_stage(scores)
    primary = scores[(scores["kind"] == "primary") & scores["score"].notna()]
    if limit is not None:
        text += (
            f" Of the primary stages, **{_lower(limit)}** limits value most, with a score of "
            f"{percent(scores.loc[limit, 'score'])}: {_why(chain, limit)}."
        )
        rest = primary.drop(limit).sort_values("score", kind="mergesort")
        if len(rest) == 1:
            text += f" The other is {_lower(rest.index[0])} ({percent(rest['score'].iloc[0])})."
        elif len(rest):
            text += (
                f" Next is {_lower(rest.index[0])} ({percent(rest['score'].iloc[0])}); the "
                f"strongest is {_lower(rest.index[-1])} ({percent(rest['score'].iloc[-1])})."
            )
    unscored = scores[(scores["kind"] == "primary") & scores["score"].isna()]
    if len(unscored):
        names = join([_lower(s) for s in unscored.index])
        text += (
            f" Not scored, so not compared: {names} (the sections above say what "
            f"{'it needs' if len(unscored) == 1 else 'they need'})."
        )
    weakest = limiting_stage(scores, "supporting")
    if weakest is not None:
        text += (
            f" Of the supporting conditions, {_lower(weakest)} is weakest "
            f"({percent(scores.loc[weakest, 'score'])}): strengthen it along with the stage."
        )
    return text


def diagram_lines(chain: ValueChain, stage: str) -> tuple[str, ...]:
    """Up to four short lines of the company's figures for a stage of the diagram."""
    try:
        if stage == "Customer portfolio analysis":
            p = chain.portfolio()
            lines = [f"{count(p.n_ssc)} SSCs", f"{percent(p.ssc_value_share)} of value"]
            summary = p.types.summary
            if summary.loc["cost_magnet", "measured"]:
                lines.append(f"{count(summary.loc['cost_magnet', 'customers'])} cost magnets")
            if summary.loc["door_opener", "measured"]:
                lines.append(f"{count(summary.loc['door_opener', 'customers'])} door-openers")
            return tuple(lines)
        if stage == "Customer intimacy":
            i = chain.intimacy()
            lines = [f"SSC picture {percent(i.ssc_completeness)}"]
            if len(i.gaps):
                lines.append(f"gap: {label(i.gaps.index[0])} {percent(i.gaps.iloc[0])}")
            return tuple(lines)
        if stage == "Network development":
            n = chain.network()
            lines = []
            if not math.isnan(n.alignment):
                lines.append(f"alignment {percent(n.alignment)}")
            if n.suppliers is not None and len(n.suppliers):
                lines.append(f"{count(len(n.suppliers))} suppliers")
            return tuple(lines)
        if stage == "Value proposition development":
            pr = chain.proposition()
            return (f"{pr.segments.k} needs segments", f"fit {percent(pr.mean_fit)}")
        r = chain.relationships()
        return (
            f"SSC retention {percent(r.value('retention', 'SSC'))}",
            f"targets met {percent(r.attainment)}",
        )
    except MissingDataError:  # a stage without data says so in the diagram
        return ("not measured",)


def _stage_action(chain, stage: str, priority: int) -> Action | None:
    """The action a weak primary stage calls for, with its value where it can be estimated."""

    score = chain.stage_scores().loc[stage, "score"]
    rationale = f"{stage} scores {percent(score)}: {_why(chain, stage, plain=True)}."
    if stage == "Customer portfolio analysis":
        return Action(
            "Record what the portfolio analysis misses (cost, contacts and lifetime data)",
            "IT",
            None,
            MODEL,
            rationale,
            priority,
            lever="data",
            cost_drivers={"projects": 1},
            effort=2,
        )
    if stage == "Customer intimacy":
        intimacy = chain.intimacy()
        aspect = intimacy.gaps.index[0].replace("_", " ") if len(intimacy.gaps) else "picture"
        key = intimacy.gaps.index[0] if len(intimacy.gaps) else ""
        return Action(
            f"Complete the {aspect} aspect of the {count(len(intimacy.ssc_ids))} SSCs' picture "
            "at their next contacts",
            "marketing",
            None,
            MODEL,
            rationale,
            priority,
            lever="data",
            customers=tuple(str(c) for c in intimacy.ssc_ids),
            customer_set="strategically significant customers",
            cost_drivers={"projects": 1},
            effort=1,
            unblocks=f"data:{key}" if key else "",
        )
    if stage == "Network development":
        parties = chain.network().parties.dropna(subset=["percent"])
        party = parties["percent"].idxmin().replace("_", " ")
        return Action(
            f"Share customer data with {party} and agree how they use it",
            "management",
            None,
            MODEL,
            rationale,
            priority,
            lever="readiness",
            cost_drivers={"projects": 1},
            effort=2,
            needs=("consent",),
        )
    if stage == "Value proposition development":
        proposition = chain.proposition()
        segment, weighed = _proposition_segment(proposition.profile)
        needs = proposition.fit.segments.loc[segment, "distinctive_needs"].replace("_", " ")
        return Action(
            f"Develop the proposition for '{segment}' around {needs}",
            "marketing",
            None,
            MODEL,
            rationale,
            priority,
            lever="penetration",
            customer_set=f"needs segment '{segment}'",
            customer_count=int(proposition.profile.loc[segment, "respondents"])
            if pd.notna(proposition.profile.loc[segment, "respondents"])
            else None,
            assumptions="segment chosen on its fit gap weighed by its revenue"
            if weighed
            else "segment chosen on its fit alone: its value is not known",
            cost_drivers={"projects": 1},
            effort=2,
        )
    relationships = chain.relationships()
    measures = relationships.measures
    row = measures.loc[(measures["value"] / measures["target"]).idxmin()]
    value = None
    if row["measure"] == "retention" and row["value"] < row["target"]:
        per_customer = relationships.retained_value.get(row["segment"], float("nan"))
        scale = 12 / chain.portfolio().horizon_months
        estimate = (row["target"] - row["value"]) * row["customers"] * per_customer * scale
        value = None if math.isnan(estimate) else float(estimate)
    who = "all customers" if row["segment"] == "all" else f"{row['segment']} customers"
    n = int(row["customers"]) if pd.notna(row["customers"]) else None
    retention = row["measure"] == "retention"
    return Action(
        f"Lift {row['measure']} of {who} from {percent(row['value'])} to {percent(row['target'])}",
        "customer service" if retention else "marketing",
        value,
        MODEL,
        rationale,
        priority,
        lever="retention" if retention else "penetration",
        customer_set=who,
        customer_count=n,
        assumptions="the target is reached (assumed); each kept customer brings the "
        "segment's mean current value of a retained customer"
        if value is not None
        else "",
        cost_drivers={"contacts": 2 * n} if n else {},
        effort=2,
        needs=("consent", "readiness"),
    )


def _proposition_segment(profile: pd.DataFrame) -> tuple[str, bool]:
    """The needs segment whose proposition to develop: the largest fit gap weighed by value.

    A segment's weight is its buyers times their revenue per customer, so a poorly fitted
    but small, low-value segment does not come first. Without those figures, the least
    fitted segment (and False: not weighed).
    """
    known = profile.dropna(subset=["fit"])
    if {"respondents", "revenue_per_customer"} <= set(known.columns):
        worth = known["respondents"] * known["revenue_per_customer"]
        if worth.notna().any() and worth.sum() > 0:
            gap = (1 - known["fit"]) * worth / worth.sum()
            return str(gap.idxmax()), True
    return str(known["fit"].idxmin()), False


def verdict(chain: ValueChain) -> ModelVerdict:
    """The value chain's verdict: the limiting stage, the SSCs, and what to do first.

    ``chain`` is the result of :func:`~crmlib.models.value_chain.analyse` (or the
    notebook's own chain, so nothing is computed twice). Expected values are per year:
    for a retention shortfall, the customers kept by reaching the target times the mean
    current value of a retained customer of the segment; for cost magnets, the cost to
    serve above the cost ratio of their margin.
    """

    company = chain.company
    scores = chain.stage_scores()
    portfolio = chain.portfolio()
    limit = limiting_stage(scores)
    headline = sentence(
        "{stage} limits {company}'s CRM value chain most (score {score}); the {ssc} "
        "strategically significant customers bring {share} of current value ({word}).",
        stage=limit,
        company=company.name,
        score=percent(scores.loc[limit, "score"]),
        ssc=count(portfolio.n_ssc),
        share=percent(portfolio.ssc_value_share),
        word=portfolio.value_word,
    )
    findings = []
    primary = scores[(scores["kind"] == "primary") & scores["score"].notna()]
    findings.append(
        "Primary stages: "
        + ", ".join(f"{_lower(s)} {percent(v)}" for s, v in primary["score"].items())
        + "."
    )
    summary = portfolio.types.summary
    measured = [
        f"{summary.loc[k, 'label']} {count(summary.loc[k, 'customers'])}"
        for k in summary.index
        if summary.loc[k, "measured"]
    ]
    if measured:
        findings.append("Value-chain types found (not the SSC count): " + ", ".join(measured) + ".")
    weakest = limiting_stage(scores, "supporting")
    if weakest is not None:
        findings.append(
            f"Weakest supporting condition: {_lower(weakest)} "
            f"({percent(scores.loc[weakest, 'score'])})."
        )
    figures = {
        "ssc_customers": float(portfolio.n_ssc),
        "ssc_value_share": portfolio.ssc_value_share,
        **{f"score_{_key(stage)}": float(value) for stage, value in scores["score"].items()},
    }
    actions = []
    ranked = primary.sort_values("score", kind="mergesort").index.tolist()
    for priority, stage in enumerate(ranked[:2], start=1):
        action = _stage_action(chain, stage, priority)
        if action is not None:
            actions.append(action)
    if summary.loc["cost_magnet", "measured"] and summary.loc["cost_magnet", "customers"] > 0:
        cost, margin, excess = cost_magnet_cost(portfolio)
        actions.append(
            Action(
                f"Serve the {count(summary.loc['cost_magnet', 'customers'])} cost magnets "
                "through cheaper channels",
                "customer service",
                excess * 12 / portfolio.horizon_months,
                MODEL,
                f"They cost {money(cost, company.currency)} to serve against "
                f"{money(margin, company.currency)} of margin in the last "
                f"{portfolio.horizon_months} months.",
                2,
                lever="cost_to_serve",
                customer_set="cost magnets",
                customer_count=int(summary.loc["cost_magnet", "customers"]),
                assumptions="their cost to serve above the cost ratio of their margin is saved "
                "in full at the high end, half of it at the base",
                incremental=0.5,
                value_low=0.25 * excess * 12 / portfolio.horizon_months,
                value_high=excess * 12 / portfolio.horizon_months,
                cost_drivers={"projects": 1},
                effort=2,
            )
        )
    if weakest is not None:
        actions.append(
            Action(
                f"Strengthen {_lower(weakest)} as a condition of the CRM value chain",
                CONDITION_OWNERS.get(weakest, "board"),
                None,
                MODEL,
                f"{weakest} scores {percent(scores.loc[weakest, 'score'])} in the workshop "
                "assessment, the lowest of the supporting conditions.",
                3,
                lever="readiness",
                cost_drivers={"projects": 1},
                effort=2,
            )
        )
    return ModelVerdict(
        model=MODEL, headline=headline, findings=findings, figures=figures, actions=actions
    )


#: The former name of :func:`verdict` (it took a chain already set up).
verdict_of = verdict


def _score(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def diagram(chain: ValueChain) -> tuple[list[Stage], list[Stage]]:
    """The primary stages and supporting conditions for :func:`crmlib.diagrams.draw_value_chain`."""
    scores = chain.stage_scores()
    primary = [
        Stage(name, diagram_lines(chain, name), _score(scores.loc[name, "score"]))
        for name in PRIMARY_STAGES
    ]
    supporting = [
        Stage(
            name,
            (f"{percent(scores.loc[name, 'score'])}",)
            if not math.isnan(scores.loc[name, "score"])
            else ("not scored",),
            _score(scores.loc[name, "score"]),
        )
        for name in CONDITIONS.values()
    ]
    return primary, supporting

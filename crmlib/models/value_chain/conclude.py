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
from crmlib.models.value_chain.text import (
    SEGMENT_CUSTOMERS,
    Cite,
    _citer,
    _lower,
    cost_magnet_cost,
    names,
)
from crmlib.models.value_chain.words import shown, words
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.stages import Stage
from crmlib.text import N_, Safe, lead, sentence, translate

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


def _clause(plain: bool, template: str, **values: object) -> str:
    """A clause from a template already translated: Markdown (values escaped), or plain
    text with ``plain``."""
    if plain:
        return template.format(**values)
    return sentence(template, **values)


def _why(chain: ValueChain, stage: str, *, plain: bool = False) -> str:
    """One clause on what holds a stage back, from its own result.

    Markdown (names escaped, segment in italics), or plain text with ``plain``.
    """
    if stage == "Customer portfolio analysis":
        effort = chain.effort()
        return _clause(
            plain,
            translate(
                "{observed} of the offers reached the SSCs and MGCs, who are {expected} of the "
                "customers"
            ),
            observed=percent(effort.observed),
            expected=percent(effort.expected),
        )
    if stage == "Customer intimacy":
        intimacy = chain.intimacy()
        # the score counts the aspects the data shows: its reason is the weakest of those,
        # and an aspect not in the data is named only when no measured one falls short
        gaps = intimacy.gaps[~intimacy.gaps.index.isin(list(intimacy.unmeasured))]
        if not len(gaps) and len(intimacy.gaps):
            return _clause(
                plain,
                translate("the {aspect} aspect of the SSCs' picture is not in the data"),
                aspect=words(intimacy.gaps.index[0]),
            )
        if len(gaps):
            return _clause(
                plain,
                translate("the {aspect} aspect of the SSCs' picture is only {share} complete"),
                aspect=words(gaps.index[0]),
                share=percent(gaps.iloc[0]),
            )
        return _clause(plain, translate("the SSCs' picture has no single large gap"))
    if stage == "Network development":
        parties = chain.network().parties.dropna(subset=["percent"])
        worst = parties["percent"].idxmin()
        return _clause(
            plain, translate("{party} are least aligned on customer data"), party=words(worst)
        )
    if stage == "Value proposition development":
        profile = chain.proposition().profile.dropna(subset=["fit"])
        worst = profile["fit"].idxmin()
        fit = percent(profile.loc[worst, "fit"])
        if plain:
            return _clause(
                plain, translate("the offer fits {segment} only {fit}"), segment=worst, fit=fit
            )
        return _clause(
            plain, translate("the offer fits *{segment}* only {fit}"), segment=worst, fit=fit
        )
    measures = chain.relationships().measures
    ratio = (measures["value"] / measures["target"]).idxmin()
    row = measures.loc[ratio]
    who = (
        shown(SEGMENT_CUSTOMERS[row["segment"]])
        if row["segment"] in SEGMENT_CUSTOMERS
        else _clause(plain, translate("{segment} customers"), segment=row["segment"])
    )
    return _clause(
        plain,
        translate("{measure} of {who} is furthest below its target"),
        measure=shown(row["measure"]),
        who=Safe(who) if not plain else who,
    )


def describe_scores(scores: pd.DataFrame, company: Company) -> Safe:
    """What the diagram shows: how many elements are scored, and the range of each phase."""
    scored = scores[scores["score"].notna()]
    values = {
        "lead": lead(company.name),
        "data": count((scored["basis"] == "data").sum()),
        "workshop": count((scored["basis"] == "workshop").sum()),
    }
    if len(scored) == len(scores):
        first = sentence(
            "{lead} All {total} elements of the chain are scored: {data} from the data and "
            "{workshop} by the workshop.",
            total=count(len(scores)),
            **values,
        )
    else:
        first = sentence(
            "{lead} {scored} of the {total} elements of the chain are scored: {data} from the "
            "data and {workshop} by the workshop.",
            scored=count(len(scored)),
            total=count(len(scores)),
            **values,
        )
    parts = [first]
    for kind in ("primary", "supporting"):
        part = scored[scored["kind"] == kind]
        if len(part) < 2:
            continue
        low, high = part["score"].idxmin(), part["score"].idxmax()
        values = {
            "low": _lower(low),
            "low_score": percent(part.loc[low, "score"]),
            "high": _lower(high),
            "high_score": percent(part.loc[high, "score"]),
        }
        parts.append(
            sentence(
                "The primary stages run from {low} ({low_score}) to {high} ({high_score}).",
                **values,
            )
            if kind == "primary"
            else sentence(
                "The supporting conditions run from {low} ({low_score}) to {high} ({high_score}).",
                **values,
            )
        )
    grey = scores[scores["score"].isna()]
    if len(grey):
        parts.append(
            sentence(
                "Grey, not scored: {elements}; they count once the data or the workshop "
                "answers are there.",
                elements=names([_lower(s) for s in grey.index]),
            )
        )
    return Safe(" ".join(parts))


def describe_chain(chain: ValueChain, scores: pd.DataFrame, cite: Cite | None = None) -> Safe:
    """The conclusion: the SSCs and the stage that limits value most.

    ``cite`` writes a figure into the text (the notebook passes
    :func:`crmlib.notebook.figures.cite`); by default it is written out plainly.
    """
    cite_ = _citer(cite)
    company, portfolio = chain.company, chain.portfolio()
    ssc = (
        cite_(portfolio.figure("ssc_count"))
        if portfolio.base is not None
        else count(portfolio.n_ssc)
    )
    parts = [
        sentence(
            "**Conclusion for {company}.** The strategically significant customers are {ssc} "
            "customers ({share}) who bring {value} of current value ({word}, last {months} "
            "months).",
            company=company.name,
            ssc=ssc,
            share=percent(portfolio.n_ssc / len(portfolio.table)),
            value=cite_(portfolio.figure("ssc_value_share")),
            word=shown(portfolio.value_word),
            months=str(portfolio.horizon_months),
        )
    ]
    limit = limiting_stage(scores)
    primary = scores[(scores["kind"] == "primary") & scores["score"].notna()]
    if limit is not None:
        parts.append(
            sentence(
                # one stage scored limits nothing: there is nothing to compare it with
                N_(
                    "Of the primary stages, only **{stage}** can be scored from the data, at "
                    "{score}: {why}."
                )
                if len(primary) == 1
                else N_(
                    "Of the primary stages, **{stage}** limits value most, with a score of "
                    "{score}: {why}."
                ),
                stage=_lower(limit),
                score=percent(scores.loc[limit, "score"]),
                why=Safe(_why(chain, limit)),
            )
        )
        rest = primary.drop(limit).sort_values("score", kind="mergesort")
        if len(rest) == 1:
            parts.append(
                sentence(
                    "The other is {stage} ({score}).",
                    stage=_lower(rest.index[0]),
                    score=percent(rest["score"].iloc[0]),
                )
            )
        elif len(rest):
            parts.append(
                sentence(
                    "Next is {next} ({next_score}); the strongest is {strongest} "
                    "({strongest_score}).",
                    next=_lower(rest.index[0]),
                    next_score=percent(rest["score"].iloc[0]),
                    strongest=_lower(rest.index[-1]),
                    strongest_score=percent(rest["score"].iloc[-1]),
                )
            )
    unscored = scores[(scores["kind"] == "primary") & scores["score"].isna()]
    if len(unscored):
        stages = names([_lower(s) for s in unscored.index])
        parts.append(
            sentence(
                "Not scored, so not compared: {stages} (the sections above say what it needs).",
                stages=stages,
            )
            if len(unscored) == 1
            else sentence(
                "Not scored, so not compared: {stages} (the sections above say what they need).",
                stages=stages,
            )
        )
    weakest = limiting_stage(scores, "supporting")
    if weakest is not None:
        parts.append(
            sentence(
                "Of the supporting conditions, {condition} is weakest ({score}): strengthen it "
                "along with the stage.",
                condition=_lower(weakest),
                score=percent(scores.loc[weakest, "score"]),
            )
        )
    return Safe(" ".join(parts))


def _score_words(chain: ValueChain, stage: str, score: float) -> str:
    """A stage's score as the headline states it. The portfolio analysis's score is
    floored at 0 when the offers reach the SSCs and MGCs less often than a random choice
    would: the headline says so, so that 0% does not read as "no targeting at all"."""
    if stage == PRIMARY_STAGES[0]:
        effort = chain.effort()
        if not math.isnan(effort.score) and effort.observed < effort.expected:
            return sentence(
                "{score}: offers reach the SSCs and MGCs less often than a random choice "
                "would, {observed} against {expected}",
                score=percent(score),
                observed=percent(effort.observed),
                expected=percent(effort.expected),
            )
    return percent(score)


def diagram_lines(chain: ValueChain, stage: str) -> tuple[str, ...]:
    """Up to four short lines of the company's figures for a stage of the diagram."""
    try:
        if stage == "Customer portfolio analysis":
            p = chain.portfolio()
            effort = chain.effort()
            lines = [
                translate("{n} SSCs").format(n=count(p.n_ssc)),
                translate("{share} of value").format(share=percent(p.ssc_value_share)),
            ]
            if not math.isnan(effort.score):
                # the score's own measure: offers to SSCs and MGCs against a random choice
                lines += [
                    translate("SSC/MGC offers {share}").format(share=percent(effort.observed)),
                    translate("at random {share}").format(share=percent(effort.expected)),
                ]
            else:
                summary = p.types.summary
                if summary.loc["high_volume", "measured"]:
                    n = count(summary.loc["high_volume", "customers"])
                    lines.append(translate("{n} high-volume").format(n=n))
                if summary.loc["absorbs_fixed_costs", "measured"]:
                    n = count(summary.loc["absorbs_fixed_costs", "customers"])
                    lines.append(translate("{n} absorb fixed costs").format(n=n))
            return tuple(lines)
        if stage == "Customer intimacy":
            i = chain.intimacy()
            lines = [translate("SSC picture {share}").format(share=percent(i.ssc_completeness))]
            if len(i.gaps) and i.gaps.index[0] in i.unmeasured:
                # short: the line must fit the stage's arrow
                lines.append(translate("{aspect}: no data").format(aspect=words(i.gaps.index[0])))
            elif len(i.gaps):
                lines.append(
                    translate("gap: {aspect} {share}").format(
                        aspect=words(i.gaps.index[0]),
                        share=percent(i.gaps.iloc[0]),
                    )
                )
            return tuple(lines)
        if stage == "Network development":
            n = chain.network()
            lines = []
            if not math.isnan(n.alignment):
                lines.append(translate("alignment {share}").format(share=percent(n.alignment)))
            if n.suppliers is not None and len(n.suppliers):
                lines.append(translate("{n} suppliers").format(n=count(len(n.suppliers))))
            return tuple(lines)
        if stage == "Value proposition development":
            pr = chain.proposition()
            return (
                translate("{k} needs segments").format(k=pr.segments.k),
                translate("value-weighted fit {share}").format(
                    share=percent(pr.value_weighted_fit)
                ),
            )
        r = chain.relationships()
        return (
            translate("SSC retention {share}").format(share=percent(r.value("retention", "SSC"))),
            translate("targets met {share}").format(share=percent(r.attainment)),
        )
    except MissingDataError:  # a stage without data says so in the diagram
        return (translate("not measured"),)


def _stage_action(chain, stage: str, priority: int) -> Action | None:
    """The action a weak primary stage calls for, with its value where it can be estimated."""

    score = chain.stage_scores().loc[stage, "score"]
    rationale = translate("{stage} scores {score}: {why}.").format(
        stage=shown(stage), score=percent(score), why=_why(chain, stage, plain=True)
    )
    if stage == "Customer portfolio analysis":
        # the stage scores whether campaign offers follow customer value
        return Action(
            translate(
                "Aim the campaigns' offers at the strategically significant and growth "
                "customers the portfolio analysis finds"
            ),
            "marketing",
            None,
            MODEL,
            rationale,
            priority,
            lever="penetration",
            customer_set="SSCs and MGCs",
            assumptions=translate("the value of re-aiming the offers is not estimated"),
            effort=1,
            needs=("consent",),
        )
    if stage == "Customer intimacy":
        intimacy = chain.intimacy()
        key = intimacy.gaps.index[0] if len(intimacy.gaps) else ""
        title = (
            translate(
                "Complete the {aspect} aspect of the {n} SSCs' picture at their next contacts"
            ).format(aspect=words(key), n=count(len(intimacy.ssc_ids)))
            if key
            else translate("Complete the {n} SSCs' picture at their next contacts").format(
                n=count(len(intimacy.ssc_ids))
            )
        )
        return Action(
            title,
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
        party = words(parties["percent"].idxmin())
        return Action(
            translate("Share customer data with {party} and agree how they use it").format(
                party=party
            ),
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
            translate("Develop the proposition for '{segment}' around {needs}").format(
                segment=segment, needs=needs
            ),
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
            assumptions=translate("segment chosen on its fit gap weighed by its revenue")
            if weighed
            else translate("segment chosen on its fit alone: its value is not known"),
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
    said_who = shown(SEGMENT_CUSTOMERS.get(row["segment"], who))
    return Action(
        translate("Lift {measure} of {who} from {value} to {target}").format(
            measure=shown(row["measure"]),
            who=said_who,
            value=percent(row["value"]),
            target=percent(row["target"]),
        ),
        "customer service" if retention else "marketing",
        value,
        MODEL,
        rationale,
        priority,
        lever="retention" if retention else "penetration",
        customer_set=who,
        customer_count=n,
        assumptions=translate(
            "the target is reached (assumed); each kept customer brings the segment's mean "
            "current value of a retained customer"
        )
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
    primary = scores[(scores["kind"] == "primary") & scores["score"].notna()]
    headline = sentence(
        N_(
            "{stage} is the only stage of {company}'s CRM value chain the data can score "
            "(score {score}); the {ssc} strategically significant customers bring {share} of "
            "current value ({word})."
        )
        if len(primary) == 1
        else N_(
            "{stage} limits {company}'s CRM value chain most (score {score}); the {ssc} "
            "strategically significant customers bring {share} of current value ({word})."
        ),
        stage=shown(limit),
        company=company.name,
        score=_score_words(chain, limit, scores.loc[limit, "score"]),
        ssc=count(portfolio.n_ssc),
        share=percent(portfolio.ssc_value_share),
        word=shown(portfolio.value_word),
    )
    findings = []
    stages = Safe(
        ", ".join(
            sentence("{stage} {score}", stage=_lower(s), score=percent(v))
            for s, v in primary["score"].items()
        )
    )
    findings.append(sentence("Primary stages: {stages}.", stages=stages))
    summary = portfolio.types.summary
    measured = [
        sentence(
            "{name} {customers}",
            name=shown(summary.loc[k, "label"]),
            customers=count(summary.loc[k, "customers"]),
        )
        for k in summary.index
        if summary.loc[k, "measured"]
    ]
    if measured:
        findings.append(
            sentence(
                "Value-chain types found (not the SSC count): {types}.",
                types=Safe(", ".join(measured)),
            )
        )
    weakest = limiting_stage(scores, "supporting")
    if weakest is not None:
        findings.append(
            sentence(
                "Weakest supporting condition: {condition} ({score}).",
                condition=_lower(weakest),
                score=percent(scores.loc[weakest, "score"]),
            )
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
    magnets = int(portfolio.table["cost_magnet"].sum()) if "cost_magnet" in portfolio.table else 0
    if magnets > 0:
        cost, margin, excess = cost_magnet_cost(portfolio)
        actions.append(
            Action(
                translate("Serve the {n} cost magnets through cheaper channels").format(
                    n=count(magnets)
                ),
                "customer service",
                excess * 12 / portfolio.horizon_months,
                MODEL,
                translate(
                    "They cost {cost} to serve against {margin} of margin in the last "
                    "{months} months."
                ).format(
                    cost=money(cost, company.currency),
                    margin=money(margin, company.currency),
                    months=portfolio.horizon_months,
                ),
                2,
                lever="cost_to_serve",
                customer_set="cost magnets",
                customer_count=magnets,
                assumptions=translate(
                    "their cost to serve above the cost ratio of their margin is saved in full "
                    "at the high end, half of it at the base"
                ),
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
                translate("Strengthen {condition} as a condition of the CRM value chain").format(
                    condition=_lower(weakest)
                ),
                CONDITION_OWNERS.get(weakest, "board"),
                None,
                MODEL,
                translate(
                    "{condition} scores {score} in the workshop assessment, the lowest of the "
                    "supporting conditions."
                ).format(condition=shown(weakest), score=percent(scores.loc[weakest, "score"])),
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
    # a completeness over part of the customer picture is not coloured as if it were
    # whole (as IDIC's Identify): the stage's lines say which aspects are missing
    partial = set(scores.index[scores["partial"].to_numpy(dtype=bool)])
    primary = [
        Stage(
            name,
            diagram_lines(chain, name),
            None if name in partial else _score(scores.loc[name, "score"]),
        )
        for name in PRIMARY_STAGES
    ]
    supporting = [
        Stage(
            name,
            (percent(scores.loc[name, "score"]),)
            if not math.isnan(scores.loc[name, "score"])
            else (translate("not scored"),),
            _score(scores.loc[name, "score"]),
        )
        for name in CONDITIONS.values()
    ]
    return primary, supporting

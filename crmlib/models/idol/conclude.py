"""The Customer IDOL conclusion: the diagram's figures, the closing paragraph, the verdict.

:func:`diagram_stages` (and :func:`diagram`, from an analysis) puts the company's figures
on the IDOL diagram, :func:`conclusion` says where the biggest gaps and the moving
segments are, and :func:`verdict` hands the result to the strategy report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.company import Company
from crmlib.formatting import count, money, percent
from crmlib.models.idol.analysis import IdolAnalysis
from crmlib.models.idol.differentiate import (
    NeedsGrid,
    optimum,
)
from crmlib.models.idol.identify import (
    ASPECT_FIXES,
    ASPECT_LABELS,
    Identification,
)
from crmlib.models.idol.learn import (
    Migration,
    Practices,
)
from crmlib.models.idol.orchestrate import (
    PRACTICE_AREAS,
    REMEDIES,
    Orchestration,
    biggest_gaps,
)
from crmlib.models.idol.text import (
    describe_granularity,
    describe_identification,
    describe_migration,
    describe_scorecard,
)
from crmlib.models.verdict import CROSS_CHANNEL_SET, REPEAT_CONTACT_SET, Action, ModelVerdict
from crmlib.stages import Stage
from crmlib.text import N_, Safe, capitalise, sentence, translate

MODEL = "Customer IDOL"


def assessed_orchestration(practices: Practices) -> pd.Series:
    """The workshop's practice score (0-100) per orchestration dimension."""
    return practices.by_dimension(PRACTICE_AREAS)


def diagram_stages(
    identification: Identification,
    tradeoff: pd.DataFrame,
    grid: NeedsGrid | None,
    scorecard: pd.DataFrame,
    migration: Migration | None,
    practices: Practices,
) -> list[Stage]:
    """The four IDOL elements with the company's figures, for
    :func:`crmlib.diagrams.draw_idol`. Each element is coloured by a 0-1 score:
    completeness (neutral when the data shows only some aspects of the picture), the fit of
    the affordable groups, one minus the largest mismatch rate, and the assessed learning
    practices (grey when not assessed)."""
    weakest = identification.weakest_aspect
    ident = Stage(
        "Identification",
        (
            translate("{share} of the picture known").format(
                share=percent(identification.aspects["completeness"])
            )
            + (translate(" (of what the data shows)") if identification.unmeasured else ""),
            translate("{share} well known").format(share=percent(identification.well_known_share)),
            translate("weakest: {aspect} ({share})").format(
                aspect=translate(ASPECT_LABELS[weakest]),
                share=percent(identification.aspects[weakest]),
            ),
        ),
        # a completeness over part of the picture is not coloured as if it were whole
        None if identification.unmeasured else float(identification.aspects["completeness"]),
    )
    best = optimum(tradeoff)
    lines = [
        translate("{k} needs segments x tiers").format(k=count(grid.segments.k))
        if grid
        else translate("value tiers only"),
        translate("affordable: {groups} groups").format(groups=count(best["n_groups"])),
        translate("they capture {share}").format(share=percent(best["fit"])),
    ]
    differentiate = Stage("Differentiation", tuple(lines), float(best["fit"]))
    rates = scorecard["rate"].dropna().sort_values(ascending=False)
    short = {"customer processes": N_("processes"), "contact moments": N_("contacts")}
    orchestration = Stage(
        "Orchestration",
        tuple(
            translate("{dimension}: {share} mismatch").format(
                dimension=translate(short.get(d, d)), share=percent(r)
            )
            for d, r in rates.head(3).items()
        )
        or (translate("no contact data"),),
        # the weakest dimension decides how integrated the treatment feels
        float(1 - rates.max()) if len(rates) else None,
    )
    learn_lines = []
    if migration is not None:
        learn_lines.append(
            translate("{share} changed segment").format(
                share=percent(migration.share("up") + migration.share("down"))
            )
        )
        learn_lines.append(
            translate("{share} down in {months} mo.").format(
                share=percent(migration.share("down")), months=count(migration.months)
            )
        )
    learning_score = practices.learning if practices.answered else float("nan")
    if learning_score == learning_score:
        learn_lines.append(
            translate("practices: {share}").format(share=percent(learning_score / 100))
        )
    learning = Stage(
        "Learning",
        tuple(learn_lines) or (translate("migration not measured"),),
        learning_score / 100 if learning_score == learning_score else None,
    )
    return [ident, differentiate, orchestration, learning]


def conclusion(scorecard: pd.DataFrame, migration: Migration | None, company_name: str) -> str:
    """The closing paragraph: the biggest orchestration gaps and the segments on the move."""
    gaps = biggest_gaps(scorecard)
    parts = [
        sentence(
            "**{company_name}: the biggest orchestration gaps**",
            company_name=company_name,
        )
    ]
    if gaps:
        described = [
            sentence(
                "{g} ({rate} of {checked} {unit}: {mismatch})",
                g=translate(g),
                rate=percent(scorecard.loc[g, "rate"]),
                checked=count(scorecard.loc[g, "checked"]),
                unit=translate(scorecard.loc[g, "unit"]),
                mismatch=translate(scorecard.loc[g, "mismatch"]),
            )
            for g in gaps
        ]
        joined = Safe(translate(" and in ").join(described))
        parts.append(sentence("are in {gaps}.", gaps=joined))
    else:
        parts.append(translate("cannot be measured: the data has no contacts or campaigns."))
    if migration is not None:
        flows = migration.flows
        down = flows[flows["move"] == "down"].head(2)
        up = flows[flows["move"] == "up"].head(1)
        moves = [
            sentence(
                "*{before}* to *{after}* ({customers})",
                before=translate(r.before),
                after=translate(r.after),
                customers=count(r.customers),
            )
            for r in down.itertuples()
        ]
        text = sentence(
            "**Segments on the move** over {months} months: ",
            months=migration.months,
        )
        joined = Safe(translate(" and ").join(moves))
        text += (
            sentence("the largest moves down are {moves}", moves=joined)
            if moves
            else translate("nobody moved down")
        )
        if len(up):
            r = up.iloc[0]
            text += sentence(
                "; the largest move up is *{before}* to *{after}* ({customers})",
                before=translate(r["before"]),
                after=translate(r["after"]),
                customers=count(r["customers"]),
            )
        if migration.status != "ok":
            text += sentence(
                " (caveat: {reason})",
                reason=migration.reason,
            )
        parts.append(text + ".")
    else:
        parts.append(
            translate(
                "Segment migration is not measured: the data does not cover the window before "
                "the first date of the period (see Learning for the covered share and the fix)."
            )
        )
    return " ".join(parts)


def _avoidable_cost(orchestration: Orchestration, dimension: str) -> float | None:
    """The yearly contact cost better orchestration of ``dimension`` can save at most.

    Channels: the contacts of the last 12 months in which a handover lost the
    history. Contact moments: the other repeat contacts of those months, so the two
    never count a contact twice. Other dimensions: None (no cost is measured).
    """
    channels, moments = orchestration.channels, orchestration.moments
    if dimension == "channels" and channels is not None:
        cost = channels.yearly_cost
    elif dimension == "contact moments" and moments is not None:
        lost = channels.yearly_cost if channels is not None else 0.0
        cost = moments.yearly_cost - (lost if lost == lost else 0.0)
    else:
        return None
    return float(cost) if cost == cost else None


def diagram(analysis: IdolAnalysis) -> list[Stage]:
    """The four IDOL elements with the company's figures (see :func:`diagram_stages`)."""
    a = analysis
    return diagram_stages(
        a.identification, a.tradeoff, a.grid, a.scorecard, a.migration, a.practices
    )


def verdict(analysis: IdolAnalysis) -> ModelVerdict:
    """The Customer IDOL verdict for the strategy report, from :func:`analyse`'s result."""
    return verdict_of(analysis, analysis.company)


#: The customers each orchestration remedy reaches, named as the other models name them.
_REMEDY_SETS = {"channels": CROSS_CHANNEL_SET, "contact moments": REPEAT_CONTACT_SET}


def verdict_of(analysis: IdolAnalysis, company: Company) -> ModelVerdict:
    """The verdict of an :class:`IdolAnalysis` already run, for ``company``."""
    a = analysis
    ident = a.identification
    best = optimum(a.tradeoff)
    scorecard = a.scorecard
    gaps = biggest_gaps(scorecard)
    currency = company.currency

    headline = sentence(
        N_(
            "{company} knows {known} of its customer picture (of the aspects its data shows) "
            "and can afford about {groups} treatment groups"
        )
        if ident.unmeasured
        else N_(
            "{company} knows {known} of its customer picture and can afford about {groups} "
            "treatment groups"
        ),
        company=company.name,
        known=percent(ident.aspects["completeness"]),
        groups=count(best["n_groups"]),
    )
    if gaps:
        headline += sentence(
            "; the customer is least treated as one in {dimension} ({rate} mismatches)",
            dimension=translate(gaps[0]),
            rate=percent(scorecard.loc[gaps[0], "rate"]),
        )
    findings = [describe_identification(ident)]
    findings.append(describe_granularity(a.granularity, a.tradeoff, a.cost_per_treatment, currency))
    if gaps:
        findings.append(describe_scorecard(scorecard, assessed_orchestration(a.practices)))
    if a.migration is not None:
        findings.append(describe_migration(a.migration))

    figures: dict[str, float] = {
        "picture_completeness": float(ident.aspects["completeness"]),
        "well_known_share": ident.well_known_share,
        "affordable_groups": float(best["n_groups"]),
    }
    if a.granularity.value_label != "revenue":  # on revenue the net is no profit
        figures["affordable_net_value"] = float(best["net"])
    if a.grid is not None:
        figures["needs_segments"] = float(a.grid.segments.k)
    for dimension, rate in scorecard["rate"].items():
        if rate == rate:
            figures[f"mismatch_rate_{dimension.replace(' ', '_')}"] = float(rate)
    if a.migration is not None:
        figures["moved_up_share"] = a.migration.share("up")
        figures["moved_down_share"] = a.migration.share("down")
    if a.practices.answered and a.practices.learning == a.practices.learning:
        figures["learning_practices"] = a.practices.learning / 100

    actions: list[Action] = []
    for rank, dimension in enumerate(gaps):
        owner, remedy = REMEDIES[dimension]
        row = scorecard.loc[dimension]
        value = _avoidable_cost(a.orchestration, dimension)
        actions.append(
            Action(
                title=capitalise(translate(remedy)),
                owner=owner,
                expected_value=value,
                model=MODEL,
                rationale=sentence(
                    "{mismatches} of {checked} {unit} ({rate}): {mismatch}.",
                    mismatches=count(row["mismatches"]),
                    checked=count(row["checked"]),
                    unit=translate(row["unit"]),
                    rate=percent(row["rate"]),
                    mismatch=translate(row["mismatch"]),
                ),
                priority=1 if rank == 0 else 2,
                lever="cost_to_serve" if value is not None else "readiness",
                customer_set=_REMEDY_SETS.get(dimension, ""),
                assumptions=translate(
                    "the mismatched contacts' cost is saved in full at the high end, "
                    "half of it at the base"
                )
                if value is not None
                else "",
                incremental=0.5,
                value_low=0.25 * value if value is not None else None,
                value_high=value,
                cost_drivers={"projects": 1},
                effort=3 if owner == "IT" else 2,
            )
        )
    if best["n_groups"] > 1:
        profit = a.granularity.value_label != "revenue"
        # the trade-off's own cost (one treatment for everybody is the baseline, each
        # further group costs its own), so the action's net is the optimum's net
        treatment = float(best["cost"])
        # the buyers it tailors for, by id: the portfolio then counts a buyer whom another
        # action of the same lever reaches once, instead of adding this on top
        buyers = a.values.index[a.values["is_buyer"].to_numpy(dtype=bool)]
        actions.append(
            Action(
                title=sentence(
                    N_("Treat customers in about {groups} groups on needs and value")
                    if a.grid is not None
                    else N_("Treat customers in about {groups} groups on value and behaviour"),
                    groups=count(best["n_groups"]),
                ),
                owner="marketing",
                # on revenue, value captured minus treatment cost is not a profit: no value
                expected_value=float(best["net"]) + treatment if profit else None,
                model=MODEL,
                rationale=sentence(
                    "At {cost} per treatment a year they capture {fit} of the differences "
                    "between customers (value at stake {stake} a year, an assumed {uplift} of "
                    "yearly {value_label})",
                    cost=money(a.cost_per_treatment, currency),
                    fit=percent(best["fit"]),
                    stake=money(a.granularity.value_at_stake, currency),
                    uplift=percent(a.granularity.tailoring_uplift),
                    value_label=translate(a.granularity.value_label),
                )
                + (
                    translate("; its net value needs the margin, which the data cannot give.")
                    if a.granularity.value_label == "revenue"
                    else "."
                ),
                priority=2,
                lever="penetration",
                customer_set="all buyers",
                customers=tuple(str(c) for c in buyers),
                customer_count=len(buyers),
                assumptions=sentence(
                    "an assumed {uplift} of yearly {value_label} from tailored treatment, "
                    "{cost} per treatment group a year (workbook parameters, not measured)",
                    uplift=percent(a.granularity.tailoring_uplift),
                    value_label=translate(a.granularity.value_label),
                    cost=money(a.cost_per_treatment, currency),
                ),
                cost=treatment,
                effort=2,
                # groups on needs rest on the needs survey: a gap there withholds them
                needs=("consent", "readiness") + (("data:needs",) if a.grid is not None else ()),
            )
        )
    weakest = ident.weakest_aspect
    actions.append(
        Action(
            title=sentence(
                "Complete the customer picture: {aspect}",
                aspect=translate(ASPECT_LABELS[weakest]),
            ),
            owner="marketing" if weakest in ("needs", "contact", "personal") else "IT",
            expected_value=None,
            model=MODEL,
            rationale=sentence(
                "{aspect} is known for {share} of customers; {fix}.",
                aspect=capitalise(translate(ASPECT_LABELS[weakest])),
                share=percent(ident.aspects[weakest]),
                fix=translate(ASPECT_FIXES[weakest]),
            ),
            priority=2 if ident.aspects[weakest] >= 0.5 else 1,
            lever="data",
            customer_set=f"customers without {ASPECT_LABELS[weakest]} on record",
            cost_drivers={"projects": 1},
            effort=2,
            unblocks=f"data:{weakest}",
        )
    )
    if a.migration is not None:
        down = a.migration.flows[a.migration.flows["move"] == "down"]
        lost = a.migration.value.drop(index="joined", errors="ignore")["change"]
        actions.append(
            Action(
                title=sentence(
                    "Review segments and treatments {rhythm}",
                    rhythm=translate(a.migration.review_rhythm),
                ),
                owner="marketing",
                expected_value=None,
                model=MODEL,
                rationale=sentence(
                    "{share} of customers moved down in {months} months",
                    share=percent(a.migration.share("down")),
                    months=count(a.migration.months),
                )
                + (
                    sentence(
                        ", most from {before} to {after}",
                        before=translate(down.iloc[0]["before"]),
                        after=translate(down.iloc[0]["after"]),
                    )
                    if len(down)
                    else ""
                )
                + sentence(
                    "; the {value_label} of the customers known then changed by {change}",
                    value_label=translate(a.migration.value_label),
                    change=money(float(np.nansum(lost)), currency),
                )
                + (
                    sentence(" ({reason})", reason=a.migration.reason)
                    if a.migration.status != "ok"
                    else ""
                )
                + (
                    sentence(
                        "; part of the moves is mechanical (stability {stability}, where 0 "
                        "is chance)",
                        stability=percent(a.migration.stability),
                    )
                    if not np.isnan(a.migration.stability)
                    else ""
                )
                + ".",
                priority=3,
                lever="readiness",
                cost_drivers={"projects": 1},
                effort=1,
            )
        )
    return ModelVerdict(
        model=MODEL,
        headline=headline + ".",
        findings=findings[:4],
        figures=figures,
        actions=actions,
    )

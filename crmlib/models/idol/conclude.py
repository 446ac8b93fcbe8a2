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
from crmlib.text import sentence

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
    completeness, the fit of the affordable groups, one minus the largest mismatch
    rate, and the assessed learning practices (grey when not assessed)."""
    weakest = identification.weakest_aspect
    ident = Stage(
        "Identification",
        (
            f"{percent(identification.aspects['completeness'])} of the picture known"
            + (" (of what the data shows)" if identification.unmeasured else ""),
            f"{percent(identification.well_known_share)} well known",
            f"weakest: {ASPECT_LABELS[weakest]} ({percent(identification.aspects[weakest])})",
        ),
        float(identification.aspects["completeness"]),
    )
    best = optimum(tradeoff)
    lines = [
        f"{grid.segments.k} needs segments x tiers" if grid else "value tiers only",
        f"affordable: {count(best['n_groups'])} groups",
        f"they capture {percent(best['fit'])}",
    ]
    differentiate = Stage("Differentiation", tuple(lines), float(best["fit"]))
    rates = scorecard["rate"].dropna().sort_values(ascending=False)
    short = {"customer processes": "processes", "contact moments": "contacts"}
    orchestration = Stage(
        "Orchestration",
        tuple(f"{short.get(d, d)}: {percent(r)} mismatch" for d, r in rates.head(3).items())
        or ("no contact data",),
        # the weakest dimension decides how integrated the treatment feels
        float(1 - rates.max()) if len(rates) else None,
    )
    learn_lines = []
    if migration is not None:
        learn_lines.append(
            f"{percent(migration.share('up') + migration.share('down'))} changed segment"
        )
        learn_lines.append(f"{percent(migration.share('down'))} down in {migration.months} mo.")
    learning_score = practices.learning if practices.answered else float("nan")
    if learning_score == learning_score:
        learn_lines.append(f"practices: {percent(learning_score / 100)}")
    learning = Stage(
        "Learning",
        tuple(learn_lines) or ("migration not measured",),
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
                g=g,
                rate=percent(scorecard.loc[g, "rate"]),
                checked=count(scorecard.loc[g, "checked"]),
                unit=scorecard.loc[g, "unit"],
                mismatch=scorecard.loc[g, "mismatch"],
            )
            for g in gaps
        ]
        parts.append("are in " + " and in ".join(described) + ".")
    else:
        parts.append("cannot be measured: the data has no contacts or campaigns.")
    if migration is not None:
        flows = migration.flows
        down = flows[flows["move"] == "down"].head(2)
        up = flows[flows["move"] == "up"].head(1)
        moves = [
            sentence(
                "*{before}* to *{after}* ({customers})",
                before=r.before,
                after=r.after,
                customers=count(r.customers),
            )
            for r in down.itertuples()
        ]
        text = sentence(
            "**Segments on the move** over {months} months: ",
            months=migration.months,
        )
        text += (
            "the largest moves down are " + " and ".join(moves) if moves else "nobody moved down"
        )
        if len(up):
            r = up.iloc[0]
            text += sentence(
                "; the largest move up is *{before}* to *{after}* ({customers})",
                before=r["before"],
                after=r["after"],
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
            "Segment migration is not measured: the data does not cover the window before "
            "the first date of the period (see Learning for the covered share and the fix)."
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
        "{company} knows {known} of its customer picture"
        + (" (of the aspects its data shows)" if ident.unmeasured else "")
        + " and can afford about {groups} treatment groups",
        company=company.name,
        known=percent(ident.aspects["completeness"]),
        groups=count(best["n_groups"]),
    )
    if gaps:
        headline += sentence(
            "; the customer is least treated as one in {dimension} ({rate} mismatches)",
            dimension=gaps[0],
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
    if a.granularity.value_label == "profit":  # on revenue the net is no profit
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
                title=remedy[0].upper() + remedy[1:],
                owner=owner,
                expected_value=value,
                model=MODEL,
                rationale=(
                    f"{count(row['mismatches'])} of {count(row['checked'])} {row['unit']} "
                    f"({percent(row['rate'])}): {row['mismatch']}."
                ),
                priority=1 if rank == 0 else 2,
                lever="cost_to_serve" if value is not None else "readiness",
                customer_set=_REMEDY_SETS.get(dimension, ""),
                assumptions="the mismatched contacts' cost is saved in full at the high end, "
                "half of it at the base"
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
        profit = a.granularity.value_label == "profit"
        treatment = float(best["n_groups"]) * float(a.cost_per_treatment)
        actions.append(
            Action(
                title=(
                    f"Treat customers in about {count(best['n_groups'])} groups on "
                    + ("needs and value" if a.grid is not None else "value and behaviour")
                ),
                owner="marketing",
                # on revenue, value captured minus treatment cost is not a profit: no value
                expected_value=float(best["net"]) + treatment if profit else None,
                model=MODEL,
                rationale=(
                    f"At {money(a.cost_per_treatment, currency)} per treatment a year they "
                    f"capture {percent(best['fit'])} of the differences between customers "
                    f"(value at stake {money(a.granularity.value_at_stake, currency)} a year, an "
                    f"assumed {percent(a.granularity.tailoring_uplift)} of yearly "
                    f"{a.granularity.value_label})"
                    + (
                        "; its net value needs the margin, which the data cannot give."
                        if a.granularity.value_label == "revenue"
                        else "."
                    )
                ),
                priority=2,
                lever="penetration",
                customer_set="all buyers",
                assumptions=(
                    f"an assumed {percent(a.granularity.tailoring_uplift)} of yearly "
                    f"{a.granularity.value_label} from tailored treatment, "
                    f"{money(a.cost_per_treatment, currency)} per treatment group a year "
                    "(workbook parameters, not measured)"
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
            title=f"Complete the customer picture: {ASPECT_LABELS[weakest]}",
            owner="marketing" if weakest in ("needs", "contact", "personal") else "IT",
            expected_value=None,
            model=MODEL,
            rationale=(
                f"{ASPECT_LABELS[weakest].capitalize()} is known for "
                f"{percent(ident.aspects[weakest])} of customers; {ASPECT_FIXES[weakest]}."
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
                title="Review segments and treatments every quarter",
                owner="marketing",
                expected_value=None,
                model=MODEL,
                rationale=(
                    f"{percent(a.migration.share('down'))} of customers moved down in "
                    f"{a.migration.months} months"
                    + (
                        f", most from {down.iloc[0]['before']} to {down.iloc[0]['after']}"
                        if len(down)
                        else ""
                    )
                    + f"; the {a.migration.value_label} of the customers known then changed by "
                    f"{money(float(np.nansum(lost)), currency)}"
                    + (f" ({a.migration.reason})" if a.migration.status != "ok" else "")
                    + "."
                ),
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

"""Words QCI's results: the sentences under each ring and activity of the notebook.

Each function takes a view computed in :mod:`crmlib.models.qci`'s element modules
(customers, context, experience, activities, retention, questionnaire) and words it; the
figures are computed there. Improvement potential and the diagram are worded in
:mod:`~crmlib.models.qci.conclude`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle import PERIODS
from crmlib.analytics.lifecycle.cohorts import average_retention_curve
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import Figure, format_value
from crmlib.formatting import count, day, money, percent
from crmlib.models.qci.activities import (
    AcquisitionView,
    EfficiencyView,
    PenetrationView,
    best_cross_sell,
)
from crmlib.models.qci.context import ENVIRONMENT_ITEMS, Proposition, Readiness, alive_model
from crmlib.models.qci.customers import TIER_ORDER, CustomerBase
from crmlib.models.qci.experience import Experience
from crmlib.models.qci.questionnaire import AREA_OWNERS, Assessment
from crmlib.models.qci.retention import LapseView, RetentionValue, RetentionView
from crmlib.models.qci.words import word
from crmlib.text import Safe, capitalise, join, lead, listing, number, sentence, translate


def describe_base(company: Company, base: CustomerBase) -> str:
    """The year measured and the value tiers, in a sentence or two."""
    first_day = base.year_start + pd.Timedelta(days=1)
    parts = [
        sentence(
            "The year measured runs from {first_day} to {end}.",
            first_day=day(first_day),
            end=day(base.end),
        )
    ]
    if base.tier is None:
        parts.append(
            sentence(
                "The data has no margin ({notes}), so the steps that value customers say "
                "what they would need and move on.",
                notes=base.notes[0],
            )
        )
        return " ".join(parts)
    sizes = base.tier.value_counts()
    tiers = listing(
        sentence("{customers} {tier}", customers=count(sizes.get(t, 0)), tier=word(t))
        for t in TIER_ORDER
    )
    served = base.shared is None or bool(base.shared.meta["cost_to_serve_known"])
    parts.append(
        sentence(
            "The segments here are value tiers on the profit each customer "
            "brought in that year (margin minus the cost of their contacts): {tiers}. "
            "Platinum is the top group that brings half of the profit, gold the next up "
            "to 80%, silver up to 95%, bronze the rest, including those who bought nothing.",
            tiers=tiers,
        )
        if served
        else sentence(
            "The segments here are value tiers on the margin each customer brought in "
            "that year (the cost of their contacts is not recorded, so it is not taken "
            "off): {tiers}. Platinum is the top group that brings half of the margin, gold "
            "the next up to 80%, silver up to 95%, bronze the rest, including those who "
            "bought nothing.",
            tiers=tiers,
        )
    )
    if base.notes:
        parts.append(sentence("{note}.", note=str(base.notes[0]).capitalize()))
    return " ".join(parts)


def describe_activity(result: Readiness) -> str:
    """Recent purchase activity in one sentence."""
    a = result.activity["share"]
    text_ = sentence(
        "{last_12} of all customers bought in the last 12 months, {last_3} in the last 3",
        last_12=percent(a.get(12, np.nan)),
        last_3=percent(a.get(3, np.nan)),
    )
    if result.history_months is not None and result.history_months < 24:
        # two years without a purchase cannot be seen in a shorter history
        return text_ + (
            sentence(
                ". The data holds {history_months} months of history, so who has not "
                "bought for two years cannot be told.",
                history_months=number(result.history_months, 0),
            )
        )
    return text_ + sentence(
        "; {lapsed_24} have not bought for two years or more.",
        lapsed_24=percent(1 - a.get(24, np.nan)),
    )


def describe_alive(result: Readiness) -> str:
    """The probability-alive distribution in one or two sentences."""
    if result.alive is None:
        return sentence(
            "*The probability alive is skipped: {alive_note}.*",
            alive_note=result.alive_note,
        )
    p = result.alive["probability_alive"]
    figures = {
        "likely_alive": percent(result.likely_alive),
        "buyers": count(len(p)),
        "median": percent(p.median()),
        "below_20": percent(float((p < 0.2).mean())),
        "model": alive_model(result.alive),
    }
    if result.alive_caveat:
        return sentence(
            "The {model} model puts {likely_alive} of the {buyers} buyers at a probability "
            "of 50% or more that they are still active (median {median}); "
            "{below_20} are below 20%. These probabilities are doubtful here "
            "({alive_caveat}): read the chart as the model's view, not as who is still "
            "a customer.",
            alive_caveat=result.alive_caveat,
            **figures,
        )
    return sentence(
        "The {model} model puts {likely_alive} of the {buyers} buyers at a probability "
        "of 50% or more that they are still active (median {median}); "
        "{below_20} are below 20%, most of them gone for good.",
        **figures,
    )


def describe_campaigns(result: Readiness) -> str:
    """Campaign responsiveness: the overall rate, the best and worst, the trend."""
    c = result.campaigns
    if c is None or c.empty:
        return translate("*Campaign responsiveness is skipped: it needs the campaigns table.*")
    overall = c["responses"].sum() / c["sent"].sum()
    best, worst = c["response_rate"].idxmax(), c["response_rate"].idxmin()
    text_ = sentence(
        "{sent} offers in {campaigns} campaigns drew a response from {overall}, from "
        "{worst_rate} ({worst}) to {best_rate} ({best}).",
        sent=count(c["sent"].sum()),
        campaigns=count(len(c)),
        overall=percent(overall, 1),
        worst_rate=percent(c.loc[worst, "response_rate"], 1),
        worst=worst,
        best_rate=percent(c.loc[best, "response_rate"], 1),
        best=best,
    )
    if len(c) >= 4:
        half = len(c) // 2
        early = c.iloc[:half]["responses"].sum() / c.iloc[:half]["sent"].sum()
        late = c.iloc[half:]["responses"].sum() / c.iloc[half:]["sent"].sum()
        halves = {"early": percent(early, 1), "late": percent(late, 1)}
        text_ += (
            sentence(
                " Response has risen from {early} in the earlier half of the campaigns "
                "to {late} in the later half.",
                **halves,
            )
            if late > early
            else sentence(
                " Response has fallen from {early} in the earlier half of the campaigns "
                "to {late} in the later half.",
                **halves,
            )
        )
    return text_


def means_readiness(company: Company, result: Readiness) -> str:
    """What this means: how ready the base is, and what the workshop says of the rest."""
    a = result.activity["share"]
    parts = [lead(company.name)]
    if result.alive is not None and result.alive_caveat:
        parts.append(
            sentence(
                "{last_12} of the customers bought last year. How many more are still within "
                "reach is not stated: the lifetime-value model's probabilities are "
                "doubtful here ({alive_caveat}).",
                last_12=percent(a.get(12, np.nan)),
                alive_caveat=result.alive_caveat,
            )
        )
    elif result.alive is not None:
        # both shares of the same people, those who ever bought: the probability alive
        # is given per buyer, the activity's share is of every customer
        bought_12 = result.activity["buyers"].get(12, np.nan) / len(result.alive)
        reach = {
            "likely_alive": percent(result.likely_alive),
            "last_12": percent(bought_12),
        }
        parts.append(
            sentence(
                "About {likely_alive} of the people who ever bought are still within "
                "reach, against {last_12} who actually bought last year: the gap is the "
                "room for reactivation before customers drift away for good.",
                **reach,
            )
            if result.likely_alive > bought_12
            else sentence(
                "About {likely_alive} of the people who ever bought are still within "
                "reach, against {last_12} who actually bought last year: nearly everyone "
                "still alive is already buying, so growth must come from new customers and "
                "from buying more.",
                **reach,
            )
        )
    if result.campaigns is not None and len(result.campaigns):
        overall = result.campaigns["responses"].sum() / result.campaigns["sent"].sum()
        parts.append(
            sentence(
                "Offers move about {overall} of those who receive them, the measure of "
                "readiness to act on an offer.",
                overall=percent(overall, 1),
            )
        )
    if result.environment_score is None:
        parts.append(
            translate(
                "The data cannot show customers' markets, competitors, pain points and plans; "
                "the workshop has not scored the practices that record them, so the external "
                "environment is unknown. The probability alive above describes buying "
                "behaviour, not that environment."
            )
        )
    else:
        parts.append(
            sentence(
                "Markets, competitors, pain points and plans are outside the data; the "
                "workshop scored {items} of the {total} external-environment practices, at "
                "{environment_score} in reality on average.",
                items=count(result.environment_items),
                total=count(len(ENVIRONMENT_ITEMS)),
                environment_score=percent(result.environment_score / 100),
            )
        )
    return " ".join(parts)


def describe_proposition(result: Proposition) -> str:
    """Per tier: the need it values most above the average and the category it favours."""
    parts = []
    for tier, row in result.distinctive.iterrows():
        bits = []
        if isinstance(row.get("need"), str):
            need = row["need"].replace("_", " ")
            bits.append(
                sentence(
                    "values {need} most above the average ({need_lift} points)",
                    need=need,
                    need_lift=number(row["need_lift"], 1, sign=True),
                )
                if row["need_lift"] >= 0.2
                else sentence(
                    "values much what the average customer values (at most {need_lift} "
                    "points more, on {need})",
                    need_lift=number(row["need_lift"], 1, sign=True),
                    need=need,
                )
            )
        if isinstance(row.get("category"), str):
            bits.append(
                sentence(
                    "spends relatively most on {category} ({category_index} times the "
                    "average share)",
                    category=row["category"],
                    category_index=number(row["category_index"], 1),
                )
            )
        if bits:
            parts.append(
                sentence(
                    "**{tier}** {bits}.",
                    tier=capitalise(word(tier)),
                    bits=join(bits),
                )
            )
    if result.needs is not None and "nps" in result.needs.columns:
        nps = result.needs["nps"].drop(index="all", errors="ignore").dropna()
        if len(nps) >= 2:
            parts.append(
                sentence(
                    "NPS runs from {min_nps} ({idxmin_nps}) to {max_nps} ({idxmax_nps}).",
                    min_nps=number(nps.min(), 0, sign=True),
                    idxmin_nps=word(nps.idxmin()),
                    max_nps=number(nps.max(), 0, sign=True),
                    idxmax_nps=word(nps.idxmax()),
                )
            )
    return " ".join(parts)


def means_proposition(company: Company, result: Proposition) -> str:
    """What this means: whether the tiers want different things, so deserve different offers."""
    parts = [lead(company.name)]
    if result.needs is not None:
        dims = [c for c in result.needs.columns if c not in ("respondents", "nps")]
        tiers = result.needs.drop(index="all", errors="ignore")[dims]
        spread = float((tiers.max() - tiers.min()).max()) if len(tiers) >= 2 else 0.0
        if spread >= 0.5:
            parts.append(
                sentence(
                    "The tiers differ by up to {spread} points on a need: one proposition "
                    "for all would miss what the most valuable customers want. Build the "
                    "offer per tier around its distinctive need.",
                    spread=number(spread, 1),
                )
            )
        else:
            parts.append(
                sentence(
                    "The tiers value much the same things (at most {spread} points apart): "
                    "the proposition can stay common, and differ in service level and reward "
                    "rather than in content.",
                    spread=number(spread, 1),
                )
            )
    if result.spend is not None:
        parts.append(
            translate(
                "The categories a tier favours are where its offers and cross-sell should start."
            )
        )
    return " ".join(parts)


def describe_touchpoints(result: Experience) -> str:
    """Where satisfaction and resolution are lowest, per process and per channel."""
    parts = []
    process = result.by_process.dropna(subset=["satisfaction"])
    channel = result.by_channel.dropna(subset=["satisfaction"])
    if len(process):
        low, high = process["satisfaction"].idxmin(), process["satisfaction"].idxmax()
        parts.append(
            sentence(
                "Satisfaction is lowest in {low} contacts ({satisfaction} of 5) and "
                "highest in {high} ({satisfaction_2}).",
                low=low,
                satisfaction=number(process.loc[low, "satisfaction"], 1),
                high=high,
                satisfaction_2=number(process.loc[high, "satisfaction"], 1),
            )
        )
    if len(channel):
        low = channel["satisfaction"].idxmin()
        parts.append(
            sentence(
                "Of the touchpoints, {low} scores lowest ({satisfaction}).",
                low=low,
                satisfaction=number(channel.loc[low, "satisfaction"], 1),
            )
        )
    resolution = result.by_process["first_contact_resolution"].dropna()
    if len(resolution):
        worst = resolution.idxmin()
        parts.append(
            sentence(
                "First-contact resolution is weakest in {worst} ({resolution} of "
                "episodes settled in one contact, against {median_resolution} for the "
                "median process).",
                worst=worst,
                resolution=percent(resolution[worst]),
                median_resolution=percent(resolution.median()),
            )
        )
    nps = result.by_process["nps"].dropna()
    if len(nps) and result.nps is not None:
        worst = nps.idxmin()
        parts.append(
            sentence(
                "The overall NPS is {nps}; among respondents who had a {worst} contact "
                "before answering it is {nps_2}.",
                nps=number(result.nps, 0, sign=True),
                worst=worst,
                nps_2=number(nps[worst], 0, sign=True),
            )
        )
    return " ".join(parts) or translate(
        "The interactions carry no satisfaction scores or resolution flags."
    )


def describe_repeats(
    result: Experience, currency: str, cite: Callable[[Figure], str] | None = None
) -> str:
    """Repeat contacts last year: how many, what they cost, what they do to satisfaction.

    The episodes and the share with a repeat are the shared base's figures
    (``result.counted``) when there is one; ``cite`` writes them (pass
    :func:`crmlib.notebook.figures.cite` to make them checkable), plainly by default.
    """
    cite = cite or format_value
    r = result.repeats
    total = r.loc["all"]
    if result.counted:
        episodes, share = (Safe(cite(figure)) for figure in result.counted)
    else:
        episodes, share = count(total["episodes"]), percent(total["repeat_rate"])
    parts = [
        sentence(
            "Last year {repeat_rate} of the {episodes} contact episodes took more "
            "than one contact: {extra_contacts} extra contacts",
            repeat_rate=share,
            episodes=episodes,
            extra_contacts=count(total["extra_contacts"]),
        )
    ]
    if not np.isnan(total["extra_cost"]):
        parts[0] += sentence(
            ", costing {extra_cost}",
            extra_cost=money(total["extra_cost"], currency),
        )
    parts[0] += "."
    body = r.drop(index="all")
    if len(body):
        top = body.index[0]
        parts.append(
            sentence(
                "{top} causes the most ({extra_contacts} extra contacts, {repeat_rate} "
                "of its episodes).",
                top=capitalise(top),
                extra_contacts=count(body.loc[top, "extra_contacts"]),
                repeat_rate=percent(body.loc[top, "repeat_rate"]),
            )
        )
    if not np.isnan(total["satisfaction_repeat"]):
        parts.append(
            sentence(
                "Contacts in one-contact episodes score {satisfaction_single} on "
                "average, contacts in repeat episodes {satisfaction_repeat}.",
                satisfaction_single=number(total["satisfaction_single"], 1),
                satisfaction_repeat=number(total["satisfaction_repeat"], 1),
            )
        )
    return " ".join(parts)


def means_experience(company: Company, result: Experience, currency: str) -> str:
    """What this means: the process to fix first, and what it costs today."""
    body = result.repeats.drop(index="all")
    parts = [lead(company.name)]
    process = result.by_process.dropna(subset=["satisfaction"])
    if len(process):
        low = process["satisfaction"].idxmin()
        parts.append(
            sentence(
                "The experience is made or lost in {low} contacts: they score lowest, "
                "and an unresolved contact drags the customer into repeat contacts.",
                low=low,
            )
        )
    if len(body) and not np.isnan(body["extra_cost"].sum()):
        top = body["extra_cost"].idxmax()
        parts.append(
            sentence(
                "Settling {top} contacts in the first contact would save up to "
                "{extra_cost} a year in repeat contacts, before counting the goodwill.",
                top=top,
                extra_cost=money(body.loc[top, "extra_cost"], currency),
            )
        )
    parts.append(
        translate(
            "The proposition and the activities below should be read through this lens: a "
            "customer who had a poor contact is the one most likely to lapse."
        )
    )
    return " ".join(parts)


def describe_acquisition(view: AcquisitionView, currency: str) -> str:
    """The acquisition finding: volume and trend, the main sources, the first year."""
    parts = [
        sentence(
            "In the last 12 months {new_last_year} customers bought for the first time",
            new_last_year=count(view.new_last_year),
        )
    ]
    change = view.growth
    if view.year_coverage < 1:
        parts[0] += sentence(
            ". The data begins on {data_start}, inside those 12 months "
            "({year_coverage} covered), so every buyer of the first months counts as "
            "new and the figure overstates acquisition; there is no year before to "
            "compare with",
            data_start=view.data_start,
            year_coverage=percent(view.year_coverage),
        )
    elif view.year_before_coverage < 1:
        parts[0] += sentence(
            ". The change on the year before is not stated: the data begins on "
            "{data_start} and covers only {year_before_coverage} of that year",
            data_start=view.data_start,
            year_before_coverage=percent(view.year_before_coverage),
        )
    elif change is not None:
        parts[0] += (
            sentence(", up {change} on the year before", change=percent(abs(change)))
            if change >= 0
            else sentence(", down {change} on the year before", change=percent(abs(change)))
        )
    parts[0] += "."
    if len(view.first_categories):
        top = view.first_categories.head(2)
        parts.append(
            sentence(
                "Their first purchase was most often in {categories}.",
                categories=listing(
                    (
                        sentence(
                            "{category} ({share})",
                            category=c,
                            share=percent(s),
                        )
                        for c, s in top.items()
                    ),
                    " " + translate("and") + " ",
                ),
            )
        )
    quality = view.quality
    if quality is not None and len(quality) > 1 and "first_year_margin" in quality.columns:
        ranked = quality[quality["customers"] >= 10].sort_values("first_year_margin")
        if len(ranked) >= 2:
            best, worst = ranked.index[-1], ranked.index[0]
            parts.append(
                sentence(
                    "Of the customers won the year before last (their first year is "
                    "complete), those who came in through {best} brought {best_margin} of margin in "
                    "their first year and {best_repeat} bought again; through {worst}, "
                    "{worst_margin} and {worst_repeat}.",
                    best=best,
                    best_margin=money(ranked["first_year_margin"].iloc[-1], currency),
                    best_repeat=percent(ranked.loc[best, "repeat_rate"]),
                    worst=worst,
                    worst_margin=money(ranked["first_year_margin"].iloc[0], currency),
                    worst_repeat=percent(ranked.loc[worst, "repeat_rate"]),
                )
            )
            confound = describe_type_confound(view, str(best))
            if confound:
                parts.append(confound)
    if view.first_year_margin is not None:
        parts.append(
            sentence(
                "A new customer brings {first_year_margin} of margin in the first year on average.",
                first_year_margin=money(view.first_year_margin, currency),
            )
        )
    return " ".join(parts)


def describe_type_confound(view: AcquisitionView, source: str) -> str:
    """A way in that brought nearly one customer type alone, in one sentence ("" if not)."""
    found = view.type_confound(source)
    if found is None:
        return ""
    kind, share, elsewhere = found
    return sentence(
        "{share} of the newcomers through {source} were {kind} customers, against {elsewhere} "
        "through the other ways in: the way in and the customer type cannot be told apart "
        "here, so the difference may be the type's rather than the way in's.",
        share=percent(share),
        source=source,
        kind=kind,
        elsewhere=percent(elsewhere),
    )


def describe_penetration(view: PenetrationView, currency: str) -> str:
    """The penetration finding: categories per buyer, cross-sell by tier, the gap."""
    summary = view.summary
    parts = [
        sentence(
            "Last year's {active} buyers bought in {categories_per_buyer} categories "
            "on average; {cross_sell_rate} bought in two or more.",
            active=count(view.active),
            categories_per_buyer=number(summary.loc["all", "categories_per_buyer"], 1),
            cross_sell_rate=percent(view.cross_sell_rate),
        )
    ]
    tiers = summary.drop(index=["all", "unassigned"], errors="ignore")
    if len(tiers) >= 2:
        parts.append(
            sentence(
                "Categories per buyer by value tier: {tiers}.",
                tiers=listing(
                    sentence(
                        "{tier} {categories_per_buyer}",
                        tier=word(t),
                        categories_per_buyer=number(r.categories_per_buyer, 1),
                    )
                    for t, r in tiers.iterrows()
                ),
            )
        )
    if view.margin_single is not None and view.margin_multi is not None:
        parts.append(
            sentence(
                "Single-category buyers brought {margin_single} of margin after contact "
                "costs, buyers of several categories {margin_multi}.",
                margin_single=money(view.margin_single, currency),
                margin_multi=money(view.margin_multi, currency),
            )
        )
    if view.affinity.notna().to_numpy().any():
        bought, other, share = best_cross_sell(view.affinity)
        parts.append(
            sentence(
                "The widest cross-sell gap between popular categories: only {share} of "
                "{bought} buyers also bought {other}.",
                share=percent(share),
                bought=bought,
                other=other,
            )
        )
    return " ".join(parts)


def describe_wallet(view: PenetrationView, currency: str) -> str:
    """Share of wallet, or what it would need."""
    if view.wallet is None:
        return translate(
            "*Share of wallet is skipped: it needs an estimate of what a customer spends a year in "
            "the market, here and elsewhere, which the consultant brings in; "
            "the data holds only the spend here.*"
        )
    w = view.wallet.loc["all"]
    return sentence(
        "Against a wallet of {wallet_per_customer} a year, last year's buyers "
        "spent {spend_per_buyer} here: a share of wallet of {share_of_wallet}, "
        "leaving {headroom} a year spent elsewhere by the company's own buyers.",
        wallet_per_customer=money(w["wallet_per_customer"], currency),
        spend_per_buyer=money(w["spend_per_buyer"], currency),
        share_of_wallet=percent(w["share_of_wallet"]),
        headroom=money(w["headroom"], currency),
    )


def describe_efficiency(
    view: EfficiencyView, currency: str, cite: Callable[[Figure], str] | None = None
) -> str:
    """The efficiency finding: the costliest channel, cost per tier against margin.

    The total is the shared base's ``cost_to_serve`` when there is one, written by
    ``cite`` (plainly by default).
    """
    cite = cite or format_value
    shared = view.cost_to_serve
    if shared is not None and shared.status != "unavailable":
        total = Safe(cite(shared))
    else:
        total = money(view.total_cost, currency)
    channels = view.channels
    top = channels.index[0]
    cheapest = channels["cost_per_contact"].idxmin()
    parts = [
        sentence(
            "Contacts cost {total_cost} last year. {top} took the largest share "
            "({cost_share}, at {cost_per_contact} a contact); {cheapest} is the "
            "cheapest at {cost_per_contact_2}.",
            total_cost=total,
            top=capitalise(top),
            cost_share=percent(channels.loc[top, "cost_share"]),
            cost_per_contact=money(channels.loc[top, "cost_per_contact"], currency, 2),
            cheapest=cheapest,
            cost_per_contact_2=money(channels.loc[cheapest, "cost_per_contact"], currency, 2),
        )
    ]
    tiers = view.tiers
    if tiers is not None and "cost_to_margin" in tiers.columns:
        body = tiers.drop(index="all", errors="ignore").dropna(subset=["cost_to_margin"])
        if len(body):
            heavy = body["cost_to_margin"].idxmax()
            parts.append(
                sentence(
                    "Per value tier the contact cost per customer runs from "
                    "{min_cost_per_customer} to {max_cost_per_customer}; it weighs most on "
                    "{heavy} customers, at {cost_to_margin} of their margin.",
                    min_cost_per_customer=money(body["cost_per_customer"].min(), currency, 2),
                    max_cost_per_customer=money(body["cost_per_customer"].max(), currency, 2),
                    heavy=word(heavy),
                    cost_to_margin=percent(body.loc[heavy, "cost_to_margin"]),
                )
            )
    return " ".join(parts)


def describe_cohorts(view: RetentionView, freq: str = "Q") -> str:
    """The cohort finding: how much of a cohort is still buying after one and four periods."""
    curve = average_retention_curve(view.cohorts)
    # one template per period: "monthly"/"a month later" do not build from a stem in
    # every language
    first = {
        "M": translate(
            "The table follows {cohorts} monthly cohorts. On average {curve} of a cohort "
            "buys again in the month after its first"
        ),
        "Q": translate(
            "The table follows {cohorts} quarterly cohorts. On average {curve} of a cohort "
            "buys again in the quarter after its first"
        ),
        "Y": translate(
            "The table follows {cohorts} yearly cohorts. On average {curve} of a cohort "
            "buys again in the year after its first"
        ),
    }
    later = {
        "M": translate(", and {curve} is still buying four months later"),
        "Q": translate(", and {curve} is still buying four quarters later"),
        "Y": translate(", and {curve} is still buying four years later"),
    }
    if freq not in first:
        raise ParameterError(
            f"cohort_period '{freq}' is not one of {', '.join(PERIODS)} (month, quarter, year)"
        )
    text_ = sentence(
        first[freq], cohorts=count(len(view.cohorts)), curve=percent(curve.get(1, np.nan))
    )
    if 4 in curve.index and not np.isnan(curve[4]):
        text_ += sentence(later[freq], curve=percent(curve[4]))
    return text_ + "."


def _window_words(window: str) -> str:
    """A figure's window (``"2024-01-01..2024-12-31 -> 2025-01-01..2025-12-31"``) in words."""

    def span(text: str) -> str:
        start, _, end = text.partition("..")
        return translate("{start} to {end}").format(start=start, end=end) if end else text

    later, _, earlier = window.partition(" -> ")
    if not earlier:
        return span(later)
    return translate("{later} against {earlier}").format(later=span(later), earlier=span(earlier))


def describe_retention(
    view: RetentionView, currency: str, cite: Callable[[Figure], str] | None = None
) -> str:
    """The yearly retention rate, per tier, and what a retained customer brings.

    The rate is the shared base's ``retention_rate`` when there is one, written by
    ``cite`` (plainly by default).
    """
    cite = cite or format_value
    window = view.window
    if not view.measured:
        # no pointer to "the cohorts above": this sentence is also a finding in the
        # strategy report, which shows no cohorts
        return sentence(
            "The yearly retention rate is not available: {reason}; the retention per "
            "cohort shows what the data does cover.",
            reason=view.unavailable_reason,
        )
    period = ""
    if view.figure is not None:
        period = sentence(" ({years})", years=_window_words(view.figure.window))
    parts = [
        sentence(
            "Of the {customers_before} customers who bought in the year before last, "
            "{rate} bought again last year{period}.",
            customers_before=count(view.customers_before),
            rate=Safe(cite(view.figure)) if view.figure is not None else percent(view.rate),
            period=period,
        )
    ]
    if view.figure is not None and view.figure.status == "caveat":
        parts.append(
            sentence(
                "With a caveat: {reason}.",
                reason=view.figure.reason,
            )
        )
    if view.target is not None:
        gap = view.rate - view.target
        parts.append(
            (
                sentence(
                    "The company's retention target is {target}: the rate is {gap} above it.",
                    target=percent(view.target),
                    gap=percent(abs(gap)),
                )
                if gap >= 0
                else sentence(
                    "The company's retention target is {target}: the rate is {gap} below it.",
                    target=percent(view.target),
                    gap=percent(abs(gap)),
                )
            )
            if abs(gap) >= 0.005
            else sentence(
                "The company's retention target is {target}: the rate meets it.",
                target=percent(view.target),
            )
        )
    tiers = window.drop(index=["all", "unassigned"], errors="ignore").dropna(
        subset=["retention_rate"]
    )
    tiers = tiers[tiers["customers_before"] >= 10]
    if len(tiers) >= 2:
        best, worst = tiers["retention_rate"].idxmax(), tiers["retention_rate"].idxmin()
        parts.append(
            sentence(
                "By their value tier in the year before last, retention runs from "
                "{retention_rate} ({worst}) to {retention_rate_2} ({best}).",
                retention_rate=percent(tiers.loc[worst, "retention_rate"]),
                worst=word(worst),
                retention_rate_2=percent(tiers.loc[best, "retention_rate"]),
                best=word(best),
            )
        )
    if view.retained_margin is not None:
        parts.append(
            sentence(
                "A retained customer brought {retained_margin} of margin after the cost "
                "of their contacts last year.",
                retained_margin=money(view.retained_margin, currency),
            )
            if view.retention_cost is not None
            else sentence(
                "A retained customer brought {retained_margin} of margin last year, before "
                "the cost of their contacts, which the data does not record.",
                retained_margin=money(view.retained_margin, currency),
            )
        )
    return " ".join(parts)


def describe_lapse(view: LapseView) -> str:
    """The lapse finding, with k, the one-time-buyer rule and the comparison with the
    probability alive of the company's purchase model."""
    attrs = view.rhythm.attrs
    total = view.summary.loc["all"]
    parts = [
        sentence(
            "With k = {k}, a customer has lapsed after {k} of their own purchase "
            "intervals without buying (never sooner than {min_days} days). "
            "{lapse_rate} of the {customers} buyers have lapsed.",
            k=number(attrs["k"], None),
            min_days=attrs["min_days"],
            lapse_rate=percent(total["lapse_rate"]),
            customers=count(total["customers"]),
        )
    ]
    if "one-time buyers" in view.summary.index:
        one = view.summary.loc["one-time buyers"]
        parts.append(
            sentence(
                "The {customers} one-time buyers have no rhythm of their own, so they "
                "are measured against the base's: a median of {base_interval_days} days "
                "between purchases; {lapse_rate} of them have lapsed.",
                customers=count(one["customers"]),
                base_interval_days=number(attrs["base_interval_days"], 0),
                lapse_rate=percent(one["lapse_rate"]),
            )
        )
    if view.comparison is not None and {"active", "lapsed"} <= set(view.comparison.index):
        c = view.comparison
        model = alive_model(view.alive)
        means = sentence(
            "the mean probability alive is {mean_alive} for the active and "
            "{mean_alive_2} for the lapsed",
            mean_alive=percent(c.loc["active", "mean_alive"]),
            mean_alive_2=percent(c.loc["lapsed", "mean_alive"]),
        )
        if not view.model_separates:
            parts.append(
                sentence(
                    "The {model} model does not tell them apart here ({means}), so its "
                    "probabilities are not used to pick customers to win back.",
                    means=means,
                    model=model,
                )
            )
        elif view.win_back is None:
            parts.append(
                sentence(
                    "The {model} model agrees in the main: {means}. Who of the lapsed may "
                    "receive marketing is not known: the data records no marketing consent.",
                    means=means,
                    model=model,
                )
            )
        else:
            parts.append(
                sentence(
                    "The {model} model agrees in the main: {means}. {win_back} lapsed "
                    "customers who may receive marketing still have a probability alive of "
                    "50% or more: the first win-back list.",
                    means=means,
                    model=model,
                    win_back=count(view.win_back),
                )
                if view.win_back
                else sentence(
                    "The {model} model agrees in the main: {means}. {win_back} lapsed "
                    "customers who may receive marketing still have a probability alive of "
                    "50% or more.",
                    means=means,
                    model=model,
                    win_back=count(view.win_back),
                )
            )
    return " ".join(parts)


def describe_retention_value(result: RetentionValue, currency: str) -> str:
    """What the rise is worth, then the five-times rule of thumb set beside the data."""
    v = result.value
    parts = [
        sentence(
            "A customer who brings {margin} a year and stays with a probability of "
            "{retention_rate} is worth {clv_now} by the textbook retention formula "
            "(margin × r / (1 + d − r)), a shortcut for comparing retention rates, "
            "not the workbook's lifetime value. Raising retention by {uplift} points "
            "to {target_rate} makes that {clv_target}: {lifetime_gain} over the "
            "{customers} customers of the base, of which {first_year_gain} in the "
            "first year alone ({extra_retained} more customers kept).",
            margin=money(v["margin"], currency),
            retention_rate=percent(v["retention_rate"]),
            clv_now=money(v["clv_now"], currency),
            uplift=number(v["uplift"] * 100, 0),
            target_rate=percent(v["target_rate"]),
            clv_target=money(v["clv_target"], currency),
            lifetime_gain=money(v["lifetime_gain"], currency),
            customers=count(v["customers"]),
            first_year_gain=money(v["first_year_gain"], currency),
            extra_retained=count(v["extra_retained"]),
        )
    ]
    rule = translate(
        "The common rule that keeping a customer is about five times cheaper than winning one "
        "is a rule of thumb from the CRM literature, not a law of this company."
    )
    if result.acquisition_cost_source == "given":
        ratio = (
            sentence(
                " The data puts the yearly contact cost of a retained customer at "
                "{retention_cost}, so winning one costs {acquisition_cost} times keeping "
                "one here.",
                retention_cost=money(result.retention_cost, currency),
                acquisition_cost=number(result.acquisition_cost / result.retention_cost, 1),
            )
            if result.retention_cost
            else ""
        )
        parts.append(
            sentence(
                "{rule} With the acquisition cost given ({acquisition_cost}), winning as "
                "many new customers as the rise keeps would cost "
                "{replacement_cost}.{ratio}",
                rule=rule,
                acquisition_cost=money(result.acquisition_cost, currency),
                replacement_cost=money(result.replacement_cost, currency),
                ratio=ratio,
            )
        )
    elif result.acquisition_cost_source == "rule of thumb":
        parts.append(
            sentence(
                "{rule} The data holds no acquisition cost; it measures the yearly "
                "contact cost of a retained customer at {retention_cost}, so the rule "
                "implies about {acquisition_cost} to win one, and {replacement_cost} to "
                "win as many customers as the rise keeps. The company's own cost of winning "
                "a customer should replace it.",
                rule=rule,
                retention_cost=money(result.retention_cost, currency),
                acquisition_cost=money(result.acquisition_cost, currency),
                replacement_cost=money(result.replacement_cost, currency),
            )
        )
    else:
        parts.append(
            sentence(
                "{rule} The data has no acquisition cost and no cost to serve to set it "
                "against; the client's own cost of winning a customer is needed to compare.",
                rule=rule,
            )
        )
    return " ".join(parts)


def _benchmark_phrase(score: float, benchmarks: dict[str, float]) -> str:
    values = sorted(benchmarks.items(), key=lambda kv: kv[1])
    low, average, best = (v for _, v in values[:3]) if len(values) >= 3 else (17.0, 35.0, 67.0)
    if score >= best:
        return sentence(
            "at or above the best companies in the published assessments (about {best})",
            best=percent(best / 100),
        )
    if score >= average:
        # placed roughly, as the benchmark caveat says: no distance in points
        return sentence(
            "above the average company (about {average}), below the best (about {best})",
            average=percent(average / 100),
            best=percent(best / 100),
        )
    if score > low:
        return sentence(
            "below the average company (about {average}), above the weakest (about {low})",
            average=percent(average / 100),
            low=percent(low / 100),
        )
    return sentence(
        "at the level of the weakest companies (about {low})",
        low=percent(low / 100),
    )


def benchmark_caveat(result: Assessment) -> str:
    """What the comparison with the published benchmarks can and cannot support."""
    items = sum(len(area.items) for area in result.answers.instrument.areas)
    return sentence(
        "The benchmarks come from QCi, the consultancy behind the Customer Management "
        "Assessment Tool (CMAT; Woodcock, Stone & Foss 2003), whose assessors scored the full "
        "CMAT question set; this form is a short version of {items} practices, scored in a "
        "workshop with the company. The comparison can place the company roughly (near the "
        "weakest, the average or the best); it cannot support a precise distance in points, a "
        "rank among companies, or a change over time measured against the benchmarks.",
        items=count(items),
    )


def describe_assessment(result: Assessment) -> str:
    """Scores against the benchmarks, the intention-reality gap, the weakest areas."""
    reality, intention = result.percent("reality"), result.percent("intention")
    if np.isnan(reality):
        return translate(
            "No practice has been scored on reality yet: fill in the workshop form above to "
            "place the company against the published benchmarks."
        )
    parts = [
        sentence(
            "The company scores {reality} on reality, {reality_2}.",
            reality=percent(reality / 100),
            reality_2=_benchmark_phrase(reality, result.benchmarks),
        )
    ]
    parts.append(benchmark_caveat(result))
    if not np.isnan(intention):
        parts.append(
            sentence(
                "Intention scores {intention}: plans run {intention_2} points ahead of "
                "what happens.",
                intention=percent(intention / 100),
                intention_2=number(intention - reality, 0),
            )
            if intention >= reality
            else sentence(
                "Intention scores {intention}, below reality: practice runs ahead of plans.",
                intention=percent(intention / 100),
            )
        )
    weakest = result.weakest.head(3)
    if len(weakest):
        parts.append(
            sentence(
                "The weakest areas in reality: {areas}.",
                areas=listing(
                    sentence(
                        "{area_title} ({percent})",
                        area_title=r.area_title,
                        percent=percent(r.percent / 100),
                    )
                    for r in weakest.itertuples()
                ),
            )
        )
    gaps = result.areas.dropna(subset=["gap"])
    if len(gaps):
        widest = gaps["gap"].idxmax()
        parts.append(
            sentence(
                "The widest gap between intention and reality is in {area_title} ({gap} "
                "points): the plan exists, the practice does not follow.",
                area_title=gaps.loc[widest, "area_title"],
                gap=number(gaps.loc[widest, "gap"], 0),
            )
        )
    answered = result.overall.loc[result.overall["dimension"] == "reality", "coverage"]
    if len(answered) and float(answered.iloc[0]) < 1:
        parts.append(
            sentence(
                "{unscored} of the practices were not scored on reality and count as "
                "unknown, not as zero.",
                unscored=percent(1 - float(answered.iloc[0])),
            )
        )
    return " ".join(parts)


def means_assessment(company: Company, scored: Assessment) -> str:
    """What this means: the area to work on first, and whether plans or practice lag."""
    parts = [lead(company.name)]
    if scored.weakest.empty:
        parts.append(
            translate("Score the practices in a workshop to see where customer management lags.")
        )
        return " ".join(parts)
    weakest = scored.weakest.iloc[0]
    owner = AREA_OWNERS.get(weakest["area"], "management")
    parts.append(
        sentence(
            "{area_title} is where customer management is weakest in practice "
            "({percent}); it is for {owner} to take up first.",
            area_title=weakest["area_title"],
            percent=percent(weakest["percent"] / 100),
            owner=word(owner),
        )
    )
    gaps = scored.areas.dropna(subset=["gap"])
    if len(gaps):
        mean_gap = float(gaps["gap"].mean())
        parts.append(
            sentence(
                "On average plans run {mean_gap} points ahead of practice: the next step "
                "is doing what has been decided, more than deciding more.",
                mean_gap=number(mean_gap, 0),
            )
            if mean_gap >= 10
            else sentence(
                "Plans and practice are close (on average {mean_gap} points apart): the "
                "next step is raising the ambition in the weakest areas.",
                mean_gap=number(mean_gap, 0),
            )
        )
    return " ".join(parts)


def base_statement(base: CustomerBase) -> tuple[str, dict]:
    """The shared base's figures this notebook builds on, as a template and its figures.

    Filled by :func:`crmlib.notebook.figures.say_figures`: every figure is a checkable
    span, and one the data cannot give reads "not available" with its reason.
    """
    if base.shared is None:
        raise MissingDataError("the figures need the shared customer base")
    figure = base.shared.figure
    horizon = base.shared.settings.horizon_months
    values = {
        "window": _window_words(base.shared.window),
        "buyers": figure("buyers"),
        "retention": figure("retention_rate"),
        "cost_to_serve": figure("cost_to_serve"),
        "cost_share": figure("cost_to_serve_share"),
        "consent": figure("consenting_customers"),
        "horizon": str(horizon),
        "lifetime": figure("lifetime_value"),
    }
    if values["cost_share"].status == "unavailable":
        # the share is unknown with the cost; say it once
        values.pop("cost_share")
        head = translate(
            "**In figures** ({window}): {buyers} buyers; retention rate {retention} (the year "
            "before against the year measured); cost to serve {cost_to_serve}; "
            "customers who may be contacted: {consent};"
        )
    else:
        head = translate(
            "**In figures** ({window}): {buyers} buyers; retention rate {retention} (the year "
            "before against the year measured); cost to serve {cost_to_serve} ({cost_share} "
            "of margin); customers who may be contacted: {consent};"
        )
    # Whole clauses per case, so that each reads as one phrase in every language.
    revenue = base.shared.value_metric == "revenue"
    if values["cost_to_serve"].status != "unavailable":
        tail = (
            translate(
                "lifetime revenue of the base over the next {horizon} months, discounted "
                "and net of cost to serve: {lifetime}."
            )
            if revenue
            else translate(
                "lifetime value of the base over the next {horizon} months, discounted and "
                "net of cost to serve: {lifetime}."
            )
        )
    else:
        tail = (
            translate(
                "lifetime revenue of the base over the next {horizon} months, discounted "
                "(revenue: no cost data): {lifetime}."
            )
            if revenue
            else translate(
                "lifetime value of the base over the next {horizon} months, discounted "
                "(before cost to serve): {lifetime}."
            )
        )
    return head + " " + tail, values

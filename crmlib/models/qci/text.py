"""Words QCI's results: the sentences under each ring and activity of the notebook.

Each function takes a view computed in :mod:`crmlib.models.qci`'s element modules
(customers, context, experience, activities, retention, questionnaire) and words it; the
figures are computed there. Improvement potential and the diagram are worded in
:mod:`~crmlib.models.qci.conclude`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.lifecycle import PERIODS
from crmlib.analytics.lifecycle.cohorts import average_retention_curve
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import count, day, money, percent
from crmlib.models.qci.activities import (
    AcquisitionView,
    EfficiencyView,
    PenetrationView,
    best_cross_sell,
)
from crmlib.models.qci.context import Proposition, Readiness
from crmlib.models.qci.customers import TIER_ORDER, CustomerBase
from crmlib.models.qci.experience import Experience
from crmlib.models.qci.questionnaire import AREA_OWNERS, Assessment
from crmlib.models.qci.retention import LapseView, RetentionValue, RetentionView
from crmlib.text import capitalise, escape, lead


def describe_base(company: Company, base: CustomerBase) -> str:
    """The year measured and the value tiers, in a sentence or two."""
    first_day = base.year_start + pd.Timedelta(days=1)
    parts = [f"The year measured runs from {day(first_day)} to {day(base.end)}."]
    if base.tier is None:
        parts.append(
            f"The data has no margin ({escape(base.notes[0])}), so the steps that value "
            "customers say what they would need and move on."
        )
        return " ".join(parts)
    sizes = base.tier.value_counts()
    parts.append(
        "The segments here are value tiers on the profit each customer brought "
        "in that year (margin minus the cost of their contacts): "
        + ", ".join(f"{count(sizes.get(t, 0))} {t}" for t in TIER_ORDER)
        + ". Platinum is the top group that brings half of the profit, gold the next up to "
        "80%, silver up to 95%, bronze the rest, including those who bought nothing."
    )
    if base.notes:
        parts.append(escape(base.notes[0]).capitalize() + ".")
    return " ".join(parts)


def describe_activity(result: Readiness) -> str:
    """Recent purchase activity in one sentence."""
    a = result.activity["share"]
    text_ = (
        f"{percent(a.get(12, np.nan))} of all customers bought in the last 12 months, "
        f"{percent(a.get(3, np.nan))} in the last 3"
    )
    if result.history_months is not None and result.history_months < 24:
        # two years without a purchase cannot be seen in a shorter history
        return text_ + (
            f". The data holds {result.history_months:.0f} months of history, so who has "
            "not bought for two years cannot be told."
        )
    return text_ + f"; {percent(1 - a.get(24, np.nan))} have not bought for two years or more."


def describe_alive(result: Readiness) -> str:
    """The probability-alive distribution in one or two sentences."""
    if result.alive is None:
        return f"*The probability alive is skipped: {escape(result.alive_note)}.*"
    p = result.alive["probability_alive"]
    text_ = (
        f"The BG/NBD model puts {percent(result.likely_alive)} of the {count(len(p))} buyers at a "
        f"probability of 50% or more that they are still active (median {percent(p.median())}); "
        f"{percent(float((p < 0.2).mean()))} are below 20%"
    )
    if result.alive_caveat:
        return text_ + (
            f". These probabilities are doubtful here ({escape(result.alive_caveat)}): read "
            "the chart as the model's view, not as who is still a customer."
        )
    return text_ + ", most of them gone for good."


def describe_campaigns(result: Readiness) -> str:
    """Campaign responsiveness: the overall rate, the best and worst, the trend."""
    c = result.campaigns
    if c is None or c.empty:
        return "*Campaign responsiveness is skipped: it needs the campaigns table.*"
    overall = c["responses"].sum() / c["sent"].sum()
    best, worst = c["response_rate"].idxmax(), c["response_rate"].idxmin()
    text_ = (
        f"{count(c['sent'].sum())} offers in {count(len(c))} campaigns drew a response from "
        f"{percent(overall, 1)}, from {percent(c.loc[worst, 'response_rate'], 1)} "
        f"({escape(worst)}) to {percent(c.loc[best, 'response_rate'], 1)} ({escape(best)})."
    )
    if len(c) >= 4:
        half = len(c) // 2
        early = c.iloc[:half]["responses"].sum() / c.iloc[:half]["sent"].sum()
        late = c.iloc[half:]["responses"].sum() / c.iloc[half:]["sent"].sum()
        trend = "risen" if late > early else "fallen"
        text_ += (
            f" Response has {trend} from {percent(early, 1)} in the earlier half of the "
            f"campaigns to {percent(late, 1)} in the later half."
        )
    return text_


def means_readiness(company: Company, result: Readiness) -> str:
    """What this means: how ready the base is, and what the workshop says of the rest."""
    a = result.activity["share"]
    parts = [lead(company.name)]
    if result.alive is not None and result.alive_caveat:
        parts.append(
            f"{percent(a.get(12, np.nan))} of the customers bought last year. How many more are "
            "still within reach is not stated: the lifetime-value model's probabilities are "
            f"doubtful here ({escape(result.alive_caveat)})."
        )
    elif result.alive is not None:
        parts.append(
            f"About {percent(result.likely_alive)} of the people who ever bought are still "
            f"within reach, against {percent(a.get(12, np.nan))} who actually bought last year: "
        )
        parts[-1] += (
            "the gap is the room for reactivation before customers drift away for good."
            if result.likely_alive > a.get(12, 0)
            else "nearly everyone still alive is already buying, so growth must come from new "
            "customers and from buying more."
        )
    if result.campaigns is not None and len(result.campaigns):
        overall = result.campaigns["responses"].sum() / result.campaigns["sent"].sum()
        parts.append(
            f"Offers move about {percent(overall, 1)} of those who receive them, the measure of "
            "readiness to act on an offer."
        )
    if result.environment_score is None:
        parts.append(
            "The data cannot show customers' pain points and plans; the workshop has not scored "
            "whether they are recorded (QCI practice: buying readiness and pain points)."
        )
    else:
        parts.append(
            f"Pain points and plans are outside the data; the workshop scores their recording at "
            f"{result.environment_score:.0f}% in reality."
        )
    return " ".join(parts)


def describe_proposition(result: Proposition) -> str:
    """Per tier: the need it values most above the average and the category it favours."""
    parts = []
    for tier, row in result.distinctive.iterrows():
        bits = []
        if isinstance(row.get("need"), str):
            need = escape(row["need"].replace("_", " "))
            bits.append(
                f"values {need} most above the average ({row['need_lift']:+.1f} points)"
                if row["need_lift"] >= 0.2
                else f"values much what the average customer values (at most "
                f"{row['need_lift']:+.1f} points more, on {need})"
            )
        if isinstance(row.get("category"), str):
            bits.append(
                f"spends relatively most on {escape(row['category'])} "
                f"({row['category_index']:.1f} times the average share)"
            )
        if bits:
            parts.append(f"**{capitalise(escape(tier))}** {' and '.join(bits)}.")
    if result.needs is not None and "nps" in result.needs.columns:
        nps = result.needs["nps"].drop(index="all", errors="ignore").dropna()
        if len(nps) >= 2:
            parts.append(
                f"NPS runs from {nps.min():+.0f} ({escape(nps.idxmin())}) to {nps.max():+.0f} "
                f"({escape(nps.idxmax())})."
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
                f"The tiers differ by up to {spread:.1f} points on a need: one proposition for all "
                "would miss what the most valuable customers want. Build the offer per tier around "
                "its distinctive need."
            )
        else:
            parts.append(
                f"The tiers value much the same things (at most {spread:.1f} points apart): the "
                "proposition can stay common, and differ in service level and reward rather than "
                "in content."
            )
    if result.spend is not None:
        parts.append(
            "The categories a tier favours are where its offers and cross-sell should start."
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
            f"Satisfaction is lowest in {escape(low)} contacts ({process.loc[low, 'satisfaction']:.1f} "
            f"of 5) and highest in {escape(high)} ({process.loc[high, 'satisfaction']:.1f})."
        )
    if len(channel):
        low = channel["satisfaction"].idxmin()
        parts.append(
            f"Of the touchpoints, {escape(low)} scores lowest ({channel.loc[low, 'satisfaction']:.1f})."
        )
    resolution = result.by_process["first_contact_resolution"].dropna()
    if len(resolution):
        worst = resolution.idxmin()
        parts.append(
            f"First-contact resolution is weakest in {escape(worst)} ({percent(resolution[worst])} "
            f"of episodes settled in one contact, against {percent(resolution.median())} for the "
            "median process)."
        )
    nps = result.by_process["nps"].dropna()
    if len(nps) and result.nps is not None:
        worst = nps.idxmin()
        parts.append(
            f"The overall NPS is {result.nps:+.0f}; among respondents who had a {escape(worst)} "
            f"contact before answering it is {nps[worst]:+.0f}."
        )
    return " ".join(parts) or "The interactions carry no satisfaction scores or resolution flags."


def describe_repeats(result: Experience, currency: str) -> str:
    """Repeat contacts last year: how many, what they cost, what they do to satisfaction."""
    r = result.repeats
    total = r.loc["all"]
    parts = [
        f"Last year {percent(total['repeat_rate'])} of the {count(total['episodes'])} contact "
        f"episodes took more than one contact: {count(total['extra_contacts'])} extra contacts"
    ]
    if not np.isnan(total["extra_cost"]):
        parts[0] += f", costing {money(total['extra_cost'], currency)}"
    parts[0] += "."
    body = r.drop(index="all")
    if len(body):
        top = body.index[0]
        parts.append(
            f"{capitalise(escape(top))} causes the most ({count(body.loc[top, 'extra_contacts'])} extra contacts, "
            f"{percent(body.loc[top, 'repeat_rate'])} of its episodes)."
        )
    if not np.isnan(total["satisfaction_repeat"]):
        parts.append(
            f"Contacts in one-contact episodes score {total['satisfaction_single']:.1f} on average, "
            f"contacts in repeat episodes {total['satisfaction_repeat']:.1f}."
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
            f"The experience is made or lost in {escape(low)} contacts: they score lowest, and an unresolved "
            "contact drags the customer into repeat contacts."
        )
    if len(body) and not np.isnan(body["extra_cost"].sum()):
        top = body["extra_cost"].idxmax()
        parts.append(
            f"Settling {escape(top)} contacts in the first contact would save up to "
            f"{money(body.loc[top, 'extra_cost'], currency)} a year in repeat contacts, before "
            "counting the goodwill."
        )
    parts.append(
        "The proposition and the activities below should be read through this lens: a "
        "customer who had a poor contact is the one most likely to lapse."
    )
    return " ".join(parts)


def describe_acquisition(view: AcquisitionView, currency: str) -> str:
    """The acquisition finding: volume and trend, the main sources, the first year."""
    parts = [
        f"In the last 12 months {count(view.new_last_year)} customers bought for the first time"
    ]
    change = view.growth
    if view.year_coverage < 1:
        parts[0] += (
            f". The data begins on {escape(view.data_start)}, inside those 12 months "
            f"({percent(view.year_coverage)} covered), so every buyer of the first months "
            "counts as new and the figure overstates acquisition; there is no year before "
            "to compare with"
        )
    elif view.year_before_coverage < 1:
        parts[0] += (
            f". The change on the year before is not stated: the data begins on "
            f"{escape(view.data_start)} and covers only {percent(view.year_before_coverage)} "
            "of that year"
        )
    elif change is not None:
        parts[0] += f", {'up' if change >= 0 else 'down'} {percent(abs(change))} on the year before"
    parts[0] += "."
    if len(view.first_categories):
        top = view.first_categories.head(2)
        parts.append(
            "Their first purchase was most often in "
            + " and ".join(f"{escape(c)} ({percent(s)})" for c, s in top.items())
            + "."
        )
    quality = view.quality
    if quality is not None and len(quality) > 1 and "first_year_margin" in quality.columns:
        ranked = quality[quality["customers"] >= 10].sort_values("first_year_margin")
        if len(ranked) >= 2:
            best, worst = ranked.index[-1], ranked.index[0]
            parts.append(
                f"Of the customers won the year before last (their first year is complete), "
                f"those who came in through {escape(best)} brought {money(ranked['first_year_margin'].iloc[-1], currency)} "
                f"of margin in their first year and {percent(ranked.loc[best, 'repeat_rate'])} "
                f"bought again; through {escape(worst)}, "
                f"{money(ranked['first_year_margin'].iloc[0], currency)} and "
                f"{percent(ranked.loc[worst, 'repeat_rate'])}."
            )
    if view.first_year_margin is not None:
        parts.append(
            f"A new customer brings {money(view.first_year_margin, currency)} of margin in the "
            "first year on average."
        )
    return " ".join(parts)


def describe_penetration(view: PenetrationView, currency: str) -> str:
    """The penetration finding: categories per buyer, cross-sell by tier, the gap."""
    summary = view.summary
    parts = [
        f"Last year's {count(view.active)} buyers bought in "
        f"{summary.loc['all', 'categories_per_buyer']:.1f} categories on average; "
        f"{percent(view.cross_sell_rate)} bought in two or more."
    ]
    tiers = summary.drop(index=["all", "unassigned"], errors="ignore")
    if len(tiers) >= 2:
        parts.append(
            "Categories per buyer by value tier: "
            + ", ".join(f"{escape(t)} {r.categories_per_buyer:.1f}" for t, r in tiers.iterrows())
            + "."
        )
    if view.margin_single is not None and view.margin_multi is not None:
        parts.append(
            f"Single-category buyers brought {money(view.margin_single, currency)} of margin "
            f"after contact costs, buyers of several categories {money(view.margin_multi, currency)}."
        )
    if view.affinity.notna().to_numpy().any():
        bought, other, share = best_cross_sell(view.affinity)
        parts.append(
            f"The widest cross-sell gap between popular categories: only {percent(share)} of "
            f"{escape(bought)} buyers also bought {escape(other)}."
        )
    return " ".join(parts)


def describe_wallet(view: PenetrationView, currency: str) -> str:
    """Share of wallet, or what it would need."""
    if view.wallet is None:
        return (
            "*Share of wallet is skipped: it needs an estimate of what a customer spends a year in "
            "the market, here and elsewhere, which the consultant brings in; "
            "the data holds only the spend here.*"
        )
    w = view.wallet.loc["all"]
    return (
        f"Against a wallet of {money(w['wallet_per_customer'], currency)} a year, last year's "
        f"buyers spent {money(w['spend_per_buyer'], currency)} here: a share of wallet of "
        f"{percent(w['share_of_wallet'])}, leaving {money(w['headroom'], currency)} a year spent "
        "elsewhere by the company's own buyers."
    )


def describe_efficiency(view: EfficiencyView, currency: str) -> str:
    """The efficiency finding: the costliest channel, cost per tier against margin."""
    channels = view.channels
    top = channels.index[0]
    cheapest = channels["cost_per_contact"].idxmin()
    parts = [
        f"Contacts cost {money(view.total_cost, currency)} last year. {capitalise(escape(top))} took the "
        f"largest share ({percent(channels.loc[top, 'cost_share'])}, at "
        f"{money(channels.loc[top, 'cost_per_contact'], currency, 2)} a contact); {escape(cheapest)} "
        f"is the cheapest at {money(channels.loc[cheapest, 'cost_per_contact'], currency, 2)}."
    ]
    tiers = view.tiers
    if tiers is not None and "cost_to_margin" in tiers.columns:
        body = tiers.drop(index="all", errors="ignore").dropna(subset=["cost_to_margin"])
        if len(body):
            heavy = body["cost_to_margin"].idxmax()
            parts.append(
                f"Per value tier the contact cost per customer runs from "
                f"{money(body['cost_per_customer'].min(), currency, 2)} to "
                f"{money(body['cost_per_customer'].max(), currency, 2)}; it weighs most on "
                f"{escape(heavy)} customers, at {percent(body.loc[heavy, 'cost_to_margin'])} of their margin."
            )
    return " ".join(parts)


def describe_cohorts(view: RetentionView, freq: str = "Q") -> str:
    """The cohort finding: how much of a cohort is still buying after one and four periods."""
    curve = average_retention_curve(view.cohorts)
    period = PERIODS.get(freq, "period")
    parts = [
        f"The table follows {count(len(view.cohorts))} {PERIODS.get(freq, 'period')}ly cohorts. "
        f"On average {percent(curve.get(1, np.nan))} of a cohort buys again in the {period} after its first"
    ]
    if 4 in curve.index and not np.isnan(curve[4]):
        parts[0] += f", and {percent(curve[4])} is still buying four {period}s later"
    parts[0] += "."
    return " ".join(parts)


def describe_retention(view: RetentionView, currency: str) -> str:
    """The yearly retention rate, per tier, and what a retained customer brings."""
    window = view.window
    if not view.measured:
        return (
            "The yearly retention rate is not available: "
            + escape(view.unavailable_reason)
            + ". The cohorts above show what the data does cover."
        )
    period = ""
    if view.figure is not None:
        years = view.figure.window.replace("..", " to ").replace(" -> ", " against ")
        period = f" ({escape(years)})"
    parts = [
        f"Of the {count(view.customers_before)} customers who bought in the year before last, "
        f"{percent(view.rate)} bought again last year{period}."
    ]
    if view.figure is not None and view.figure.status == "caveat":
        parts.append(f"With a caveat: {escape(view.figure.reason)}.")
    if view.target is not None:
        gap = view.rate - view.target
        parts.append(
            f"The company's retention target is {percent(view.target)}: the rate is "
            f"{percent(abs(gap))} "
            f"{'above' if gap >= 0 else 'below'} it."
            if abs(gap) >= 0.005
            else f"The company's retention target is {percent(view.target)}: the rate meets it."
        )
    tiers = window.drop(index=["all", "unassigned"], errors="ignore").dropna(
        subset=["retention_rate"]
    )
    tiers = tiers[tiers["customers_before"] >= 10]
    if len(tiers) >= 2:
        best, worst = tiers["retention_rate"].idxmax(), tiers["retention_rate"].idxmin()
        parts.append(
            f"By their value tier in the year before last, retention runs from "
            f"{percent(tiers.loc[worst, 'retention_rate'])} ({escape(worst)}) to "
            f"{percent(tiers.loc[best, 'retention_rate'])} ({escape(best)})."
        )
    if view.retained_margin is not None:
        parts.append(
            f"A retained customer brought {money(view.retained_margin, currency)} of margin "
            "after the cost of their contacts last year."
        )
    return " ".join(parts)


def describe_lapse(view: LapseView) -> str:
    """The lapse finding, with k, the one-time-buyer rule and the BG/NBD comparison."""
    attrs = view.rhythm.attrs
    total = view.summary.loc["all"]
    parts = [
        f"With k = {attrs['k']:g}, a customer has lapsed after {attrs['k']:g} of their own "
        f"purchase intervals without buying (never sooner than {attrs['min_days']} days). "
        f"{percent(total['lapse_rate'])} of the {count(total['customers'])} buyers have lapsed."
    ]
    if "one-time buyers" in view.summary.index:
        one = view.summary.loc["one-time buyers"]
        parts.append(
            f"The {count(one['customers'])} one-time buyers have no rhythm of their own, so they "
            f"are measured against the base's: a median of {attrs['base_interval_days']:.0f} days "
            f"between purchases; {percent(one['lapse_rate'])} of them have lapsed."
        )
    if view.comparison is not None and {"active", "lapsed"} <= set(view.comparison.index):
        c = view.comparison
        means = (
            f"the mean probability alive is {percent(c.loc['active', 'mean_alive'])} for the "
            f"active and {percent(c.loc['lapsed', 'mean_alive'])} for the lapsed"
        )
        if not view.model_separates:
            parts.append(
                f"The BG/NBD model does not tell them apart here ({means}), so its "
                "probabilities are not used to pick customers to win back."
            )
        elif view.win_back is None:
            parts.append(
                f"The BG/NBD model agrees in the main: {means}. Who of the lapsed may "
                "receive marketing is not known: the customer table has no "
                "consent_marketing column."
            )
        else:
            parts.append(
                f"The BG/NBD model agrees in the main: {means}. {count(view.win_back)} "
                "lapsed customers who may receive marketing still have a probability alive "
                "of 50% or more" + (": the first win-back list." if view.win_back else ".")
            )
    return " ".join(parts)


def describe_retention_value(result: RetentionValue, currency: str) -> str:
    """What the rise is worth, then the five-times rule of thumb set beside the data."""
    v = result.value
    parts = [
        f"A customer who brings {money(v['margin'], currency)} a year and stays with a "
        f"probability of {percent(v['retention_rate'])} is worth {money(v['clv_now'], currency)} "
        f"by the textbook retention formula (margin × r / (1 + d − r)), a shortcut for "
        f"comparing retention rates, not the workbook's lifetime value. Raising retention by {v['uplift'] * 100:.0f} points "
        f"to {percent(v['target_rate'])} makes that {money(v['clv_target'], currency)}: "
        f"{money(v['lifetime_gain'], currency)} over the {count(v['customers'])} customers of the "
        f"base, of which {money(v['first_year_gain'], currency)} in the first year alone "
        f"({count(v['extra_retained'])} more customers kept)."
    ]
    rule = (
        "The common rule that keeping a customer is about five times cheaper than winning one "
        "is a rule of thumb from the CRM literature, not a law of this company."
    )
    if result.acquisition_cost_source == "given":
        ratio = (
            f" The data puts the yearly contact cost of a retained customer at "
            f"{money(result.retention_cost, currency)}, so winning one costs "
            f"{result.acquisition_cost / result.retention_cost:.1f} times keeping one here."
            if result.retention_cost
            else ""
        )
        parts.append(
            f"{rule} With the acquisition cost given ({money(result.acquisition_cost, currency)}), "
            f"winning as many new customers as the rise keeps would cost "
            f"{money(result.replacement_cost, currency)}.{ratio}"
        )
    elif result.acquisition_cost_source == "rule of thumb":
        parts.append(
            f"{rule} The data holds no acquisition cost; it measures the yearly contact cost of a "
            f"retained customer at {money(result.retention_cost, currency)}, so the rule implies "
            f"about {money(result.acquisition_cost, currency)} to win one, and "
            f"{money(result.replacement_cost, currency)} to win as many customers as the rise "
            "keeps. The company's own cost of winning a customer should replace it."
        )
    else:
        parts.append(
            f"{rule} The data has no acquisition cost and no cost to serve to set it against; "
            "set the parameter acquisition_cost to compare."
        )
    return " ".join(parts)


def _benchmark_phrase(score: float, benchmarks: dict[str, float]) -> str:
    values = sorted(benchmarks.items(), key=lambda kv: kv[1])
    low, average, best = (v for _, v in values[:3]) if len(values) >= 3 else (17.0, 35.0, 67.0)
    if score >= best:
        return f"at or above the best companies in the published assessments (about {best:.0f}%)"
    if score >= average:
        return (
            f"above the average company (about {average:.0f}%) but {best - score:.0f} points "
            f"short of the best (about {best:.0f}%)"
        )
    if score > low:
        return (
            f"below the average company (about {average:.0f}%), above the weakest "
            f"(about {low:.0f}%)"
        )
    return f"at the level of the weakest companies (about {low:.0f}%)"


def describe_assessment(result: Assessment) -> str:
    """Scores against the benchmarks, the intention-reality gap, the weakest areas."""
    reality, intention = result.percent("reality"), result.percent("intention")
    if np.isnan(reality):
        return (
            "No practice has been scored on reality yet: fill in the workshop form above to "
            "place the company against the published benchmarks."
        )
    parts = [
        f"The company scores {reality:.0f}% on reality, "
        f"{_benchmark_phrase(reality, result.benchmarks)}."
    ]
    if not np.isnan(intention):
        parts.append(
            f"Intention scores {intention:.0f}%: plans run {intention - reality:.0f} points ahead "
            "of what happens."
            if intention >= reality
            else f"Intention scores {intention:.0f}%, below reality: practice runs ahead of plans."
        )
    weakest = result.weakest.head(3)
    if len(weakest):
        parts.append(
            "The weakest areas in reality: "
            + ", ".join(f"{escape(r.area_title)} ({r.percent:.0f}%)" for r in weakest.itertuples())
            + "."
        )
    gaps = result.areas.dropna(subset=["gap"])
    if len(gaps):
        widest = gaps["gap"].idxmax()
        parts.append(
            f"The widest gap between intention and reality is in "
            f"{escape(gaps.loc[widest, 'area_title'])} ({gaps.loc[widest, 'gap']:.0f} points): "
            "the plan exists, the practice does not follow."
        )
    answered = result.overall.loc[result.overall["dimension"] == "reality", "coverage"]
    if len(answered) and float(answered.iloc[0]) < 1:
        parts.append(
            f"{percent(1 - float(answered.iloc[0]))} of the practices were not scored on reality "
            "and count as unknown, not as zero."
        )
    return " ".join(parts)


def means_assessment(company: Company, scored: Assessment) -> str:
    """What this means: the area to work on first, and whether plans or practice lag."""
    parts = [lead(company.name)]
    if scored.weakest.empty:
        parts.append("Score the practices in a workshop to see where customer management lags.")
        return " ".join(parts)
    weakest = scored.weakest.iloc[0]
    owner = AREA_OWNERS.get(weakest["area"], "management")
    parts.append(
        f"{escape(weakest['area_title'])} is where customer management is weakest in practice "
        f"({weakest['percent']:.0f}%); it is for {owner} to take up first."
    )
    gaps = scored.areas.dropna(subset=["gap"])
    if len(gaps):
        mean_gap = float(gaps["gap"].mean())
        parts.append(
            f"On average plans run {mean_gap:.0f} points ahead of practice: the next step is "
            "doing what has been decided, more than deciding more."
            if mean_gap >= 10
            else f"Plans and practice are close (on average {mean_gap:.0f} points apart): the "
            "next step is raising the ambition in the weakest areas."
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
    template = (
        "**In figures** ({window}): {buyers} buyers; retention rate {retention} (the year "
        "before against the year measured); cost to serve {cost_to_serve}{share_part}; "
        "customers who may be contacted: {consent}; lifetime value of the base over "
        "the next {horizon} months, discounted and net of cost to serve: {lifetime}."
    )
    values = {
        "window": base.shared.window.replace("..", " to "),
        "buyers": figure("buyers"),
        "retention": figure("retention_rate"),
        "cost_to_serve": figure("cost_to_serve"),
        "cost_share": figure("cost_to_serve_share"),
        "consent": figure("consenting_customers"),
        "horizon": str(horizon),
        "lifetime": figure("lifetime_value"),
    }
    if values["cost_to_serve"].status == "unavailable":
        template = template.replace(
            ", discounted and net of cost to serve", ", discounted (before cost to serve)"
        )
    if values["cost_share"].status == "unavailable":
        # the share is unknown with the cost; say it once
        template = template.replace("{share_part}", "")
        values.pop("cost_share")
    else:
        template = template.replace("{share_part}", " ({cost_share} of margin)")
    if base.shared.value_metric == "revenue":
        template = template.replace(
            "lifetime value of the base", "lifetime revenue of the base"
        ).replace(", discounted (before cost to serve)", ", discounted (revenue: no cost data)")
    return template, values

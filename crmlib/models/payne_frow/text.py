"""Words the Payne & Frow results: the sentences under each process and element.

Each function takes a result computed in :mod:`crmlib.models.payne_frow`'s element
modules (strategy, value, multichannel, information, performance, elements) and words
it; the figures are computed there. The process scores and the conclusion are worded in
:mod:`~crmlib.models.payne_frow.conclude`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from crmlib.analytics.kpis import KPIS
from crmlib.data.company import Company
from crmlib.figures import Figure, format_value
from crmlib.formatting import count, money, percent
from crmlib.models.payne_frow.common import heading
from crmlib.models.payne_frow.elements import (
    ELEMENT_FLOOR,
    ELEMENT_TARGET,
    Readiness,
    first_gap,
)
from crmlib.models.payne_frow.information import Information
from crmlib.models.payne_frow.multichannel import Continuity, Multichannel
from crmlib.models.payne_frow.performance import Performance
from crmlib.models.payne_frow.strategy import Strategy
from crmlib.models.payne_frow.value import RETENTION_LIFT, ValueCreation
from crmlib.text import escape


def _names(names) -> str:
    names = [escape(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_strategy(strategy: Strategy, company: Company) -> str:
    """The closing paragraph of strategy development, computed from the results."""
    s, cur = strategy, company.currency
    parts = [heading(company)]
    if s.segments is not None:
        how = "chosen from the data (expected value per customer above average)"
        if not s.chosen_from_data:
            how = "set by the business strategy"
        targets = s.segments[s.segments["target"]]
        parts.append(
            f"The target segments, {how}, are {_names(s.targets)}: "
            f"{percent(targets['customer_share'].sum())} of the customers with "
            f"{percent(s.target_value_share)} of the expected value."
        )
        if s.reachable is not None:
            parts.append(
                f"{count(s.reachable)} of their {count(targets['customers'].sum())} customers "
                "gave marketing consent and can be approached directly."
            )
        if len(targets):
            lead = targets.iloc[0]
            parts.append(
                f"For {escape(targets.index[0])} the figures point to *{escape(lead['treatment'])}*."
            )
    parts.append(
        f"Last year brought {money(s.revenue_last, cur)}; a growth goal of "
        f"{percent(s.growth_goal, 1)} asks for {money(s.revenue_goal, cur)}."
    )
    if pd.notna(s.revenue_expected):
        parts.append(
            f"Today's customers are expected to bring {money(s.revenue_expected, cur)}, and new "
            f"customers brought {money(s.revenue_new, cur)} last year."
        )
        if s.gap > 0:
            parts.append(
                f"At that pace the goal is {money(s.gap, cur)} out of reach: the customer "
                "strategy has to win it from the target segments or from more new customers."
            )
        else:
            parts.append(
                f"At that pace the goal is within reach with {money(-s.gap, cur)} to spare: "
                "the customer strategy can aim higher than the business goal."
            )
    else:
        parts.append("Without a purchase forecast the gap to the goal cannot be estimated.")
    return " ".join(parts)


def describe_value(
    value: ValueCreation, company: Company, cite: Callable[[Figure], str] | None = None
) -> str:
    """The closing paragraph of value creation, computed from the results.

    ``cite`` writes a figure into the text (the notebook passes
    :func:`crmlib.notebook.figures.cite`); by default it is written out plainly.
    """
    cite = cite or format_value
    v, cur = value, company.currency
    word = v.value_word
    parts = [heading(company)]
    segments = v.segments
    if segments is not None and "satisfaction" in segments.columns:
        rated = segments["satisfaction"].dropna()
        if len(rated):
            low, high = rated.idxmin(), rated.idxmax()
            parts.append(
                f"On the customer's side, contact satisfaction runs from {rated[low]:.2f} "
                f"({escape(low)}) to {rated[high]:.2f} ({escape(high)}) on a 1-5 scale."
            )
    if segments is not None and segments["profit_per_customer"].notna().any():
        top = segments["profit_per_customer"].idxmax()
        parts.append(
            f"On the organisation's side, the average {escape(top)} customer brought "
            f"{money(segments.loc[top, 'profit_per_customer'], cur)} of {word} in the window "
            f"({escape(v.figure('buyers').window)}), which had {cite(v.figure('buyers'))} buyers."
        )
        if pd.notna(v.profitable_share):
            parts.append(f"{percent(v.profitable_share)} of them brought a {word} above 0.")
        else:
            parts.append(
                "Which buyers are profitable is not known: "
                f"{escape(v.skipped.get('profitability', 'the margin is not known'))}."
            )
        if word == "margin":
            parts.append("(Without contact costs in the data, margin is before cost to serve.)")
    if segments is None:
        parts.append(f"The value per segment cannot be measured: {escape(v.skipped['segments'])}.")
    retention = v.figure("retention_rate")
    if retention.status == "unavailable":
        parts.append(f"The retention rate is not available: {escape(retention.reason)}.")
    else:
        parts.append(
            f"{cite(retention)} of the year before's buyers bought again "
            f"({escape(retention.window)})."
        )
    lifetime = v.figure("lifetime_value_per_buyer")
    if lifetime.status != "unavailable":
        parts.append(
            f"Over the lifetime-value horizon ({escape(lifetime.window)}) a buyer is expected to "
            "bring "
            f"{cite(lifetime)} of {'revenue' if word == 'revenue' else 'margin'}, discounted."
        )
    else:
        parts.append(f"No lifetime value could be forecast: {escape(lifetime.reason)}.")
    lift = v.figure("retention_lift_value")
    if lift.status != "unavailable":
        aimed = (
            f"the target segments ({escape(', '.join(v.target_segments))})"
            if (v.target_segments)
            else "all customers"
        )
        parts.append(
            f"{RETENTION_LIFT * 100:.0f} percentage points more retention among {aimed} "
            f"({count(v.target_retained_base)} of their customers bought the year before) "
            f"would keep {cite(lift)} of {word} a year."
        )
    if pd.notna(v.acquisition_cost):
        source = {
            "parameter": "as given",
            "5x rule of thumb": "five times the retention cost: a rule of thumb, not a measurement",
        }[v.acquisition_cost_source]
        keep = (
            f"keeping one {money(v.retention_cost, cur)} a year"
            if pd.notna(v.retention_cost)
            else "the cost of keeping one is not known"
        )
        parts.append(
            f"Winning a customer costs about {money(v.acquisition_cost, cur)} ({source}), "
            f"{keep}; replacing the {count(v.lost_customers)} customers lost last year would "
            f"cost {money(v.replacement_cost, cur)}."
        )
        if pd.notna(v.payback_months) and v.payback_months > 0:
            parts.append(
                f"A new customer needs {v.payback_months:.0f} months of {word} to pay back "
                "the cost of winning them."
            )
    return " ".join(parts)


def describe_continuity(flow: Continuity, company: Company) -> str:
    """The continuity figures for one repeat window, in two sentences."""
    worst = flow.by_process.loc[flow.worst_process]
    sentence = (
        f"With a window of {flow.window_days} days, {percent(flow.cross_channel_rate)} of "
        f"{count(flow.episodes)} contact episodes crossed channels; "
        f"{escape(flow.worst_process)} crossed most often ({percent(worst['cross_channel_rate'])})."
    )
    if len(flow.paths):
        sentence += f" The most common path was {escape(flow.paths.index[0])}."
    if pd.notna(flow.repeat_cost):
        sentence += (
            f" The {count(flow.by_process['repeat_contacts'].sum())} contacts after the first "
            f"in those episodes cost {money(flow.repeat_cost, company.currency)} in the last "
            "12 months."
        )
    return sentence


def describe_multichannel(multichannel: Multichannel, company: Company) -> str:
    """The closing paragraph of multichannel integration, computed from the results."""
    m, parts = multichannel, [heading(company)]
    mix = m.contact_mix if m.contact_mix is not None else m.purchase_mix
    if mix is not None:
        what = "contacts" if m.contact_mix is not None else "purchases"
        main = mix.idxmax(axis=1)
        if main.nunique() == 1:
            parts.append(
                f"In every segment most {what} run through {escape(main.iloc[0])} "
                f"({percent(mix[main.iloc[0]].min())} to {percent(mix[main.iloc[0]].max())})."
            )
        else:
            lines = [
                f"{escape(segment)} mostly {escape(channel)}" for segment, channel in main.items()
            ]
            parts.append(f"By segment, {what} run through: {'; '.join(lines)}.")
    if m.continuity is not None:
        flow = m.continuity
        parts.append(
            f"{count(flow.hoppers)} of {count(flow.customers)} contacted customers hopped "
            "channels within one process."
        )
        parts.append(describe_continuity(flow, company))
    if m.channels is not None:
        top = m.channels.iloc[0]
        parts.append(
            f"The {escape(m.channels.index[0])} channel carries {percent(top['cost_share'])} of the "
            "contact "
            f"cost at {money(top['cost_per_contact'], company.currency, 2)} a contact."
        )
        resolved = m.channels["cost_per_resolved"].dropna()
        if len(resolved):
            cheapest = resolved.idxmin()
            parts.append(
                f"A resolved question is cheapest in {escape(cheapest)} "
                f"({money(resolved[cheapest], company.currency, 2)}): moving processes there "
                "lowers the cost to serve."
            )
    if len(parts) == 1:
        parts.append(
            "The data holds no channel of contacts or purchases, so multichannel integration "
            "cannot be measured; the workshop scores below are the only view of it."
        )
    return " ".join(parts)


def describe_information(information: Information, company: Company) -> str:
    """The closing paragraph of information management, computed from the results."""
    info, parts = information, [heading(company)]
    weakest = info.tables["completeness"].idxmin()
    parts.append(
        f"The {len(info.tables)} tables are {percent(info.tables['completeness'].mean())} "
        f"filled on average; the least complete is {escape(weakest)} "
        f"({percent(info.tables.loc[weakest, 'completeness'])}, weakest column "
        f"{escape(info.tables.loc[weakest, 'weakest_column'])})."
    )
    aspect = info.weakest_aspect
    well = info.knowledge.get("well known", 0.0)
    parts.append(
        f"The customer picture is {percent(info.aspects['completeness'])} complete; "
        f"{percent(well)} of the customers are well known, and the weakest aspect is "
        f"{aspect.replace('_', ' ')} ({percent(info.aspects[aspect])})."
    )
    counts = info.counts
    parts.append(
        f"Of {len(info.support)} analyses the data supports {counts['yes']} fully and "
        f"{counts['partly']} partly; {counts['no']} cannot run."
    )
    missing = info.support[info.support["available"] != "yes"]
    if len(missing):
        first = missing.iloc[0]
        parts.append(
            f"The first gap to close: {escape(first['analysis'][0].lower() + first['analysis'][1:])} "
            "needs "
            f"{escape(first['what_to_add'])}."
        )
    return " ".join(parts)


def describe_performance(performance: Performance, company: Company) -> str:
    """The closing paragraph of performance assessment, computed from the results."""
    p, parts = performance, [heading(company)]
    if p.scorecard is None:
        parts.append(
            "The transactions do not cover a full year, so no KPI can be compared with a "
            "standard yet; the workshop score below is the only view of this process."
        )
        return " ".join(parts)
    card = p.scorecard
    before, now = card.attrs["periods"]
    judged = p.judged
    if before is None:
        parts.append(f"The data covers one period ({escape(now)}), so there is no trend yet.")
    else:
        better = card["better"].fillna(False).astype(bool)
        worse = (~card["better"].fillna(True)).astype(bool)
        parts.append(
            f"Comparing {escape(now)} with {escape(before)}, {better.sum()} of {len(card)} KPIs "
            f"moved the right way and {worse.sum()} the wrong way."
        )
    if len(judged):
        parts.append(
            f"{int(judged['meets'].astype(bool).sum())} of {len(judged)} standards are met."
        )
        missed = judged[~judged["meets"].astype(bool)]
        if len(missed):
            lines = [
                f"{escape(row.label.lower())} ({_value(row.kpi, row.current, company)}, "
                f"standard {escape(row.standard)})"
                for row in missed.reset_index().itertuples()
            ]
            parts.append(f"Below standard: {'; '.join(lines)}.")
        else:
            parts.append("Every standard is met: raise the standards or add new KPIs.")
    untested = card[card["standard"] == ""]
    if len(untested):
        parts.append(
            f"{len(untested)} KPIs have no standard yet; setting one makes them part of the "
            "judgement."
        )
    return " ".join(parts)


def _value(kpi: str, value: float, company: Company) -> str:
    return KPIS[kpi].format(value, company.currency)


def describe_readiness(readiness: Readiness, company: Company) -> str:
    """The closing paragraph of the readiness assessment, computed from the answers."""
    r, parts = readiness, [heading(company)]
    if not r.assessed:
        parts.append(
            "The readiness workshop has not been held yet, so there is no verdict: fill in "
            "the form above with the client and save it."
        )
        return " ".join(parts)
    if r.maturity is not None:
        parts.append(
            f"The company places itself at maturity level {r.maturity}, *{escape(r.maturity_title.lower())}*."
        )
    n = len(r.barriers)
    parts.append(
        "No barrier was marked present."
        if n == 0
        else f"{n} barrier{'s' if n > 1 else ''} stand in the way."
    )
    parts.append(f"The readiness verdict: **{r.verdict}**")
    if r.reasons:
        parts[-1] += " (" + "; ".join(escape(reason) for reason in r.reasons[:3]) + ")."
    else:
        parts[-1] += "."
    return " ".join(parts)


def describe_element(readiness: Readiness, element: str, company: Company) -> str:
    """One element's score and its first practice to put in place."""
    row = readiness.elements.loc[element]
    if pd.isna(row["score"]):
        return (
            f"{heading(company)} {row['title']} has not been scored yet: answer its "
            "questions in the workshop form."
        )
    sentence = (
        f"{heading(company)} {row['title']} scores {row['score'] * 100:.0f}% "
        f"({row['answered']} of {row['total']} questions answered)"
    )
    if row["score"] < ELEMENT_FLOOR:
        sentence += ", below the floor of the readiness verdict."
    elif row["score"] < ELEMENT_TARGET:
        sentence += ": enough to start, not enough to be ready."
    else:
        sentence += ": strong enough to carry the programme."
    gap = first_gap(readiness, element)
    if gap:
        lead = "First barrier to remove" if element == "readiness" else "First to put in place"
        sentence += f" {lead}: *{escape(gap.rstrip('.'))}*."
    return sentence

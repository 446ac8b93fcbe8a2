"""Words the Customer IDOL results: the sentences under each element of the notebook.

Each function takes a result of :mod:`~crmlib.models.idol.identify`,
:mod:`~crmlib.models.idol.differentiate`, :mod:`~crmlib.models.idol.orchestrate` or
:mod:`~crmlib.models.idol.learn` and words it; the figures are computed there.
"""

from __future__ import annotations

import pandas as pd

from crmlib.analytics import migration as mg
from crmlib.formatting import count, day, money, percent
from crmlib.models.idol.differentiate import (
    Granularity,
    LookAlikes,
    NeedsGrid,
    optimum,
)
from crmlib.models.idol.identify import ASPECT_FIXES, ASPECT_LABELS, TIERS, Identification
from crmlib.models.idol.learn import Migration, Practices, Responses
from crmlib.models.idol.orchestrate import (
    REMEDIES,
    ChannelSync,
    CustomerSync,
    MomentSync,
    Orchestration,
    ProcessSync,
    ProductSync,
    biggest_gaps,
)
from crmlib.text import escape, lead, plural


def _window(values: pd.DataFrame) -> str:
    """The base's window in words, e.g. "2024-07-01..2025-06-30"."""
    window = values.attrs.get("window", "")
    return f"in {window}" if window else "in the analysis window"


def _value_words(values: pd.DataFrame) -> tuple[str, str]:
    """What current value is: ("profit", its explanation) or ("revenue", why)."""
    if values.attrs.get("value_metric") == "revenue":
        return "revenue", "the data has no cost, so value is revenue"
    if values["cost_to_serve"].notna().any():
        return "profit", "margin minus the cost of their contacts"
    return "profit", "margin; the cost of contacts is not recorded"


def describe_values(values: pd.DataFrame, currency: str) -> str:
    """One paragraph on the value measure every element uses, and the tiers it makes."""
    tiers = values["value_tier"].astype(str).value_counts()
    total = float(values["current_value"].sum())
    label, explained = _value_words(values)
    text = (
        f"{count(len(values))} customers brought {money(total, currency)} of {label} "
        f"{_window(values)} ({explained}). "
    )
    parts = [f"{count(tiers.get(t, 0))} {t}" for t in TIERS if tiers.get(t, 0)]
    if parts:
        text += "By value tier: " + ", ".join(parts) + "."
    notes = values.attrs.get("notes", [])
    if notes:
        text += " Note: " + "; ".join(escape(n) for n in notes) + "."
    return text


def describe_unmeasured(identification: Identification) -> str:
    """One sentence on the aspects the data holds nothing of ("" when it holds all six)."""
    missing = identification.unmeasured
    if not missing:
        return ""
    parts = [f"{ASPECT_LABELS[a]} (it needs {escape(why)})" for a, why in missing.items()]
    return (
        "Not in the data, so not scored (unknown, not zero): " + "; ".join(parts) + ". "
        "The completeness below is over the other aspects."
    )


def describe_identification(identification: Identification) -> str:
    """One paragraph on the completeness of the picture, overall and per aspect."""
    aspects = identification.aspects[identification.measured].sort_values()
    levels = identification.levels
    total = max(int(levels.sum()), 1)
    missing = describe_unmeasured(identification)
    return (missing + " " if missing else "") + (
        f"On average the company knows {percent(identification.aspects['completeness'])} of "
        + ("the customer picture. " if not identification.unmeasured else "what the data shows. ")
        + (
            f"The best known aspect is {ASPECT_LABELS[aspects.index[-1]]} "
            f"({percent(aspects.iloc[-1])}), the least known "
            f"{ASPECT_LABELS[aspects.index[0]]} ({percent(aspects.iloc[0])}). "
            if len(aspects) > 1
            else f"The one aspect it shows is {ASPECT_LABELS[aspects.index[0]]}. "
        )
        + f"{count(levels.get('well known', 0))} customers "
        f"({percent(levels.get('well known', 0) / total)}) are well known (70% of the picture "
        f"or more), {count(levels.get('partly known', 0))} partly and "
        f"{count(levels.get('poorly known', 0))} poorly (under 40%)."
    )


def describe_knowledge_by_tier(identification: Identification, currency: str) -> str:
    """One paragraph: are the most valuable customers the best known?"""
    by_tier = identification.by_tier["completeness"]
    if by_tier.empty:
        return "No customer has a value tier, so knowledge cannot be set against value."
    text = (
        f"Completeness runs from {percent(by_tier.iloc[0])} in the {escape(by_tier.index[0])} "
        f"tier to {percent(by_tier.iloc[-1])} in the {escape(by_tier.index[-1])} tier. "
    )
    if identification.top_customers:
        text += (
            f"Of the {count(identification.top_customers)} platinum and gold customers, "
            f"{count(identification.top_not_well_known)} are not well known"
        )
        if len(identification.top_unknown):
            first = identification.top_unknown.iloc[0]
            text += (
                f"; the most valuable of them, {escape(first['customer_id'])}, brought "
                f"{money(first['current_value'], currency)} of {identification.value_label} "
                + (f"in {identification.window}" if identification.window else "")
                + f" and is missing {escape(first['gaps'])}"
            )
        text += "."
    return text


def meaning_identification(identification: Identification, company_name: str) -> str:
    """The "What this means" paragraph of Identification."""
    weakest = identification.weakest_aspect
    share = identification.aspects[weakest]
    well = identification.well_known_share
    # the source: in 1999 only about 5 % of organisations had a good picture of their customers
    verdict = (
        "a good picture of most customers, which few organisations have"
        if well >= 0.5
        else "a good picture of a minority of its customers"
    )
    text = (
        f"{lead(company_name, ':')} the company has {verdict} "
        f"({percent(well)} well known). The first gap to close is "
        f"{ASPECT_LABELS[weakest]} ({percent(share)} complete): {ASPECT_FIXES[weakest]}."
    )
    if identification.unmeasured:
        names = [ASPECT_LABELS[a] for a in identification.unmeasured]
        text += (
            f" The data shows nothing of {', '.join(names)}: whether the company records "
            "them elsewhere is unknown; bring them into the data to score them."
        )
    if identification.top_not_well_known:
        text += (
            f" Start with the {count(identification.top_not_well_known)} platinum and gold "
            "customers who are not well known: they are worth the effort most."
        )
    return text


def describe_needs_grid(grid: NeedsGrid, currency: str) -> str:
    """One paragraph on the number of needs segments, why, and the richest cell."""
    selection = grid.segments.selection["silhouette"]
    k = grid.segments.k
    others = selection.drop(k)
    names = ", ".join(f"*{escape(n)}*" for n in grid.counts.index)
    text = (
        f"The {count(grid.counts.to_numpy().sum())} respondents fall into {k} needs "
        f"segments: {names}. Three to seven segments were tried; {k} separates the answers "
        f"best (silhouette {selection[k]:.2f}"
        + (f", against at most {others.max():.2f} for the others" if len(others) else "")
        + ")."
    )
    best = grid.mean_value.stack().dropna()
    sizes = grid.counts.stack()
    best = best[sizes.reindex(best.index).fillna(0) >= 5]
    if len(best):
        cell = best.idxmax()
        text += (
            f" Crossed with the value tiers this gives {grid.cells} groups; the most "
            f"valuable per customer is *{escape(cell[0])}* in {escape(cell[1])} "
            f"({money(best.max(), currency)} of {grid.value_label} on average, "
            f"{count(sizes[cell])} customers)."
        )
    return text


def describe_granularity(
    granularity: Granularity, tradeoff: pd.DataFrame, cost_per_treatment: float, currency: str
) -> str:
    """One paragraph on the affordable number of groups at this cost per treatment."""
    best = optimum(tradeoff)
    one = tradeoff.iloc[-1]
    text = (
        f"Measured on {granularity.basis}. One-to-one tailoring would add at most "
        f"{money(granularity.value_at_stake, currency)} a year "
        f"({percent(granularity.tailoring_uplift)} of the yearly {granularity.value_label} of "
        f"{money(granularity.yearly_profit, currency)}). At "
        f"{money(cost_per_treatment, currency)} per treatment a year, the affordable optimum is "
    )
    if best["n_groups"] <= 1:
        text += (
            "**one treatment for everybody**: no further group brings more than its "
            "treatment costs."
        )
    else:
        text += (
            f"**{count(best['n_groups'])} groups**"
            + (", one-to-one" if not best["measured"] else "")
            + f": they capture {percent(best['fit'])} of the differences between customers, "
            f"worth {money(best['value'], currency)} for {money(best['cost'], currency)} of "
            f"treatment cost (net {money(best['net'], currency)})."
        )
    if not one["measured"] and not one["optimum"]:
        text += (
            f" One-to-one ({count(one['n_groups'])} treatments) would cost "
            f"{money(one['cost'], currency)} a year, net {money(one['net'], currency)}."
        )
    if granularity.grid_groups:
        grid = tradeoff[tradeoff["n_groups"] == granularity.grid_groups]
        if len(grid):
            text += (
                f" The needs-by-value grid ({granularity.grid_groups} groups) captures "
                f"{percent(grid['fit'].iloc[0])}."
            )
    return text


def _brought(value: float, currency: str) -> str:
    """What a customer brought in the window: "nothing" for a customer who did not buy.

    A plain "EUR 0" reads as a figure the data lacks; this customer's value is known to be
    nothing in the window.
    """
    return "nothing in that window" if value == 0 else money(value, currency)


def describe_look_alikes(look: LookAlikes, currency: str) -> str:
    """One paragraph on the look-alike pair and how little demographics explain."""
    top = look.groups.iloc[0]
    pair = look.pair
    first, second = pair.columns
    explained = "next to nothing" if look.explained < 0.01 else f"only {percent(look.explained)}"
    value_row = pair.index[-1]  # the current value, named with its measure and window
    contacts = (
        f", {plural(pair.loc['contacts', second], 'contact')}" if "contacts" in pair.index else ""
    )
    return (
        f"Customers {escape(first)} and {escape(second)} look alike on paper "
        f"({escape(top['group'])}: {', '.join(look.key)}), but {escape(first)} brought "
        f"{money(top['best_value'], currency)} ({escape(value_row)}; "
        f"{escape(pair.loc['value tier', first])}, "
        f"{plural(pair.loc['purchase days', first], 'purchase day')}) and {escape(second)} "
        f"{_brought(top['worst_value'], currency)} "
        f"({escape(pair.loc['value tier', second])}, "
        f"{plural(pair.loc['purchase days', second], 'purchase day')}{contacts}). Across "
        f"{count(look.groups['members'].sum())} customers in {count(len(look.groups))} "
        f"look-alike groups, the groups explain {explained} of the differences in value."
    )


def meaning_differentiation(
    granularity: Granularity | None,
    tradeoff: pd.DataFrame | None,
    grid: NeedsGrid | None,
    look: LookAlikes | None,
    company_name: str,
) -> str:
    """The "What this means" paragraph of Differentiation."""
    parts = [lead(company_name, ":")]
    if look is not None and look.explained == look.explained:
        guide = "a poor guide" if look.explained < 0.25 else "only a partial guide"
        share = "next to nothing" if look.explained < 0.01 else percent(look.explained)
        parts.append(
            f"demographics are {guide} to treatment (they explain {share} of the differences "
            "in value), so segment on needs and value, as the approach asks."
        )
    if grid is not None:
        parts.append(
            f"The survey supports {grid.segments.k} needs segments; crossed with value that "
            f"makes {grid.cells} groups to give a treatment each."
        )
    if granularity is not None and tradeoff is not None:
        best = optimum(tradeoff)
        if best["n_groups"] <= 1:
            parts.append(
                "At the current cost per treatment, no tailoring pays for itself: lower the "
                "cost of a treatment (templates, automation) before adding groups."
            )
        elif not best["measured"]:
            parts.append(
                "At this cost per treatment even one-to-one pays for itself: automate the "
                "treatments and tailor them per customer."
            )
        else:
            parts.append(
                f"Go as far as about {count(best['n_groups'])} groups: beyond that, each new "
                "treatment costs more than the better fit brings, and one-to-one is far from "
                "affordable."
            )
    if len(parts) == 1:
        parts.append("the data holds too little to differentiate customers yet.")
    return " ".join(parts)


def describe_channels(sync: ChannelSync) -> str:
    """One paragraph on handovers between channels."""
    if sync.handovers.empty:
        return (
            f"{count(sync.multichannel)} of {count(sync.contacted)} contacted customers used "
            "more than one channel, but no question moved between channels within an episode."
        )
    worst = sync.matrix[sync.matrix["handovers"] >= 10].sort_values("lost_rate", ascending=False)
    text = (
        (f"In {sync.window}, " if sync.window else "")
        + f"{count(sync.multichannel)} of {count(sync.contacted)} contacted customers "
        f"({percent(sync.multichannel / max(sync.contacted, 1))}) used more than one channel. "
        f"In {plural(len(sync.handovers), 'handover')} a customer took the same question to "
        f"another channel; in {percent(sync.lost_rate)} of them the question was still not "
        "settled there: the history did not follow the customer."
    )
    if len(worst):
        pair = worst.iloc[0]
        text += (
            f" The weakest handover is from {escape(pair['from_channel'])} to "
            f"{escape(pair['to_channel'])} ({percent(pair['lost_rate'])} lost of "
            f"{count(pair['handovers'])})."
        )
    return text


def describe_processes(sync: ProcessSync) -> str:
    """One paragraph on customer processes and sales pushes during open issues."""
    overview = sync.overview
    unresolved = overview["unresolved_rate"].dropna()
    text = (
        f"The contact episodes that began in {sync.window} cover {len(overview)} customer processes."
        if sync.window
        else f"The contacts cover {len(overview)} customer processes."
    )
    if len(unresolved):
        text += (
            f" {escape(unresolved.idxmax()).capitalize()} is left unresolved most often "
            f"({percent(unresolved.max())} of its episodes)."
        )
    pushed = sync.conflicts["episode"].nunique()
    text += (
        f" Of {plural(len(sync.issues), 'open issue')} (complaints, billing, warranty and the "
        f"like), {count(pushed)} received a sales push while still open"
    )
    if pushed:
        worst = overview["pushed"].idxmax()
        text += (
            f", most often during an open {escape(worst)} issue "
            f"({count(overview.loc[worst, 'pushed'])})"
        )
    return text + "."


def describe_moments(sync: MomentSync, currency: str) -> str:
    """One paragraph on repeat contacts."""
    moments = sync.moments
    episodes = int(moments["episodes"].sum())
    repeated = episodes - int(moments["one"].sum())
    worst = moments["repeat_rate"].idxmax()
    text = (
        f"{percent(repeated / max(episodes, 1))} of {count(episodes)} contact episodes "
        + (f"that began in {sync.window} " if sync.window else "")
        + f"needed more than one contact; {escape(worst)} most often "
        f"({percent(moments.loc[worst, 'repeat_rate'])}, a repeat after "
        f"{plural(moments.loc[worst, 'median_days_to_repeat'], 'day')} at the median)."
    )
    if sync.yearly_cost == sync.yearly_cost:  # not NaN: the channels table priced them
        text += (
            f" Their {plural(sync.yearly_repeats, 'repeat contact')} cost "
            f"{money(sync.yearly_cost, currency)}."
        )
    return text


def describe_products(sync: ProductSync) -> str:
    """One paragraph on offers that conflict with products owned."""
    categories = sync.categories
    inferred = int((categories["source"] == "inferred").sum())
    general = int((categories["source"] == "general").sum())
    text = (
        f"Of {plural(len(categories), 'campaign')}, {count(len(categories) - general)} "
        "offered a product category"
    )
    if inferred:
        text += (
            f" ({count(inferred)} read from whom they were sent to, as the campaigns table "
            "names no category)"
        )
    text += (
        " and 1 was a general offer. "
        if general == 1
        else f" and {count(general)} were general offers. "
    )
    if sync.per_campaign.empty:
        return text + "No category offers to check."
    kinds = sync.conflicts["conflict"].value_counts()
    text += (
        f"{count(len(sync.conflicts))} of {count(sync.offers_checked)} category offers "
        f"({percent(len(sync.conflicts) / max(sync.offers_checked, 1))}) went to a customer who "
        f"had just bought that category ({count(kinds.get('just bought', 0))}) or returned it "
        f"({count(kinds.get('returned', 0))})."
    )
    worst = sync.per_campaign["conflict_rate"].idxmax()
    text += (
        f" The worst was {escape(worst)} ({escape(sync.per_campaign.loc[worst, 'category'])}, "
        f"{percent(sync.per_campaign.loc[worst, 'conflict_rate'])})."
    )
    return text


def describe_customers(sync: CustomerSync, currency: str) -> str:
    """One paragraph on households that mix top and loss-making customers."""
    households = sync.households
    if households.empty:
        return "No household or account links two or more customers."
    text = (
        f"{count(len(households))} households and accounts link "
        f"{count(households['members'].sum())} customers. In "
        f"{count(sync.mixed) if sync.mixed else 'none'} of them a "
        "strategically significant customer sits beside a loss-making one"
    )
    if sync.mixed:
        first = sync.top.iloc[0]
        text += (
            f"; in {escape(first['related_id'])}, {escape(first['best_customer'])} brought "
            f"{money(first['best_value'], currency)} in the analysis window and "
            f"{escape(first['worst_customer'])} {money(first['worst_value'], currency)}. "
            "Treated apart, cutting service to the loss-making member risks the top customer"
        )
    return text + "."


def describe_scorecard(scorecard: pd.DataFrame, assessed: pd.Series | None = None) -> str:
    """One paragraph ranking the dimensions by their mismatch rate."""
    rates = scorecard["rate"].dropna().sort_values(ascending=False)
    if rates.empty:
        return "None of the five dimensions could be checked on this data."
    ranked = ", ".join(f"{escape(d)} ({percent(r)})" for d, r in rates.items())
    text = f"Mismatch rates, largest first: {ranked}."
    missing = [d for d in scorecard.index if d not in rates.index]
    if missing:
        text += f" Not checked for lack of data: {', '.join(missing)}."
    if assessed is not None and assessed.notna().any():
        weakest = assessed.dropna().idxmin()
        text += (
            f" The workshop scored the practices of {escape(weakest)} lowest "
            f"({percent(assessed[weakest] / 100)})."
        )
    return text


def meaning_orchestration(
    orchestration: Orchestration, scorecard: pd.DataFrame, company_name: str
) -> str:
    """The "What this means" paragraph of Orchestration."""
    gaps = biggest_gaps(scorecard)
    if not gaps:
        return (
            f"{lead(company_name, ':')} without interactions or "
            "campaigns the orchestration cannot be measured; record every contact with its "
            "channel and process first."
        )
    lines = []
    for dimension in gaps:
        row = scorecard.loc[dimension]
        owner, remedy = REMEDIES[dimension]
        lines.append(
            f"{remedy} ({escape(owner)}; {count(row['mismatches'])} {escape(row['unit'])} "
            f"went wrong, {percent(row['rate'])})"
        )
    return (
        f"{lead(company_name, ':')} the customer is least treated as one "
        f"in {' and '.join(escape(g) for g in gaps)}. First: " + "; then ".join(lines) + "."
    )


def _state(name: str) -> str:
    return f"*{escape(name)}*"


def describe_migration(migration: Migration) -> str:
    """One paragraph: who stayed, moved up or down, and the largest moves."""
    m = migration
    summary = m.summary
    known = int(summary.loc[["up", "same", "down"], "customers"].sum())
    text = (
        f"Between {day(m.first)} and {day(m.second)} (segments by {escape(m.by.replace('_', ' '))}, "
        f"each on the {m.window_months} months before its date), of the {count(known)} customers known "
        f"at both dates {percent(m.share('same'))} stayed in their segment, "
        f"{percent(m.share('up'))} moved up and {percent(m.share('down'))} moved down; "
        f"{count(summary.loc[mg.NEW, 'customers'])} joined."
    )
    moved = m.flows[m.flows["move"].isin(["up", "down"]).to_numpy(dtype=bool)]
    if len(moved):
        largest = moved.iloc[0]
        text += (
            f" The largest move is {_state(largest['before'])} to {_state(largest['after'])} "
            f"({count(largest['customers'])} customers)."
        )
    top = m.order[0]
    if m.matrix.loc[top].sum() > 0:
        kept = m.rates.loc[top, top]
        text += f" Of the {_state(top)} customers, {percent(kept)} still are."
    if m.status != "ok":
        text += f" Caveat: {escape(m.reason)}."
    return text


def describe_value_shift(migration: Migration, currency: str) -> str:
    """One paragraph on what the moves did to value."""
    value = migration.value
    known = value.drop(index=mg.NEW, errors="ignore")
    months = migration.window_months
    text = (
        f"The customers known at the first date brought {money(known['value_before'].sum(), currency)} "
        f"of {migration.value_label} in the {months} months before it and "
        f"{money(known['value_after'].sum(), currency)} in the {months} months before "
        f"{day(migration.second)}."
    )
    if migration.status != "ok":
        text += f" Caveat: {escape(migration.reason)}."
    if len(known):
        worst = known["change"].idxmin()
        text += (
            f" The largest loss is in the customers who were {_state(worst)}: "
            f"{money(known.loc[worst, 'change'], currency)}, with "
            f"{count(known.loc[worst, 'moved_down'])} of {count(known.loc[worst, 'customers'])} "
            "moving down."
        )
    if mg.NEW in value.index:
        text += f" Customers who joined since brought {money(value.loc[mg.NEW, 'value_after'], currency)}."
    return text


def describe_movers(migration: Migration) -> str:
    """One paragraph on the needs segments on the move."""
    movers = migration.movers
    if movers is None or movers.empty:
        return "No needs segment can be followed: no survey respondent was known at both dates."
    down, up = movers.iloc[0], movers.iloc[-1]
    return (
        f"The survey is answered once, so needs cannot be followed per customer; the needs "
        f"segments can. {_state(movers.index[0])} is most on the move downwards: "
        f"{percent(down['down'])} moved down and {percent(down['up'])} up. "
        f"{_state(movers.index[-1])} holds up best ({percent(up['up'])} up, "
        f"{percent(up['down'])} down)."
    )


def describe_responses(responses: Responses) -> str:
    """One paragraph on the segments that answer differently, and the customers to re-treat."""
    table = responses.by_segment.drop(index="unassigned", errors="ignore")
    text = ""
    if len(table) >= 2:
        high, low = table.iloc[0], table.iloc[-1]
        text += (
            f"By {responses.segment_kind}, {_state(table.index[0])} answers offers best "
            f"({percent(high['response_rate'], 1)}, {high['lift']:.1f} times the average) and "
            f"{_state(table.index[-1])} least ({percent(low['response_rate'], 1)}). "
        )
    matrix = responses.matrix.stack().dropna()
    if len(matrix):
        best = matrix.idxmax()
        text += (
            f"The best match of offer and segment is {escape(best[0])} for "
            f"{_state(best[1])} ({percent(matrix.max())} responded). "
        )
    text += (
        f"{count(responses.count('stop'))} customers received three or more offers without "
        f"answering one (send them fewer, or something else); "
        f"{count(responses.count('promote'))} "
        + (
            "with marketing consent answered two or more (give them more of what works)."
            if responses.consent_known
            else "answered two or more (give them more of what works; the data does not "
            "record marketing consent, so check it before approaching them)."
        )
    )
    return text


def describe_practices(practices: Practices) -> str:
    """One paragraph on the assessed learning practices."""
    if not practices.answered:
        return (
            "The practices have not been scored yet: fill in the form in a workshop "
            "(interactive mode) and save it, and the next report shows the scores."
        )
    areas = practices.areas.dropna(subset=["percent"]).sort_values("percent")
    text = (
        f"The workshop scored {count(practices.areas['answered'].sum())} of "
        f"{count(practices.areas['total'].sum())} practices. "
    )
    if practices.learning == practices.learning:
        text += f"Learning scores {percent(practices.learning / 100)}. "
    text += (
        f"The weakest area is {escape(areas.iloc[0]['area_title'])} "
        f"({percent(areas.iloc[0]['percent'] / 100)}), the strongest "
        f"{escape(areas.iloc[-1]['area_title'])} ({percent(areas.iloc[-1]['percent'] / 100)})."
    )
    return text


def meaning_learning(
    migration: Migration | None,
    responses: Responses | None,
    practices: Practices,
    company_name: str,
) -> str:
    """The "What this means" paragraph of Learning."""
    parts = [lead(company_name, ":")]
    if migration is not None:
        moved = migration.share("up") + migration.share("down")
        rhythm = "every quarter" if moved >= 0.25 else "twice a year"
        parts.append(
            f"{percent(moved)} of the customers changed segment in {migration.months} months, "
            f"so a segmentation fixed once is soon wrong: review segments and treatments "
            f"{rhythm}."
        )
    if responses is not None and responses.count("stop"):
        parts.append(
            f"Let the responses steer: change the treatment of the "
            f"{count(responses.count('stop'))} customers who never answer."
        )
    if practices.answered and practices.learning == practices.learning:
        if practices.learning < 50:
            parts.append(
                f"The learning practices score {percent(practices.learning / 100)}: make "
                "test-and-learn and a fixed segment review routine before adding segments."
            )
        else:
            parts.append(
                f"The learning practices ({percent(practices.learning / 100)}) are a base to "
                "build on."
            )
    if len(parts) == 1:
        parts.append("the data is too short to see segments move; keep the history.")
    return " ".join(parts)

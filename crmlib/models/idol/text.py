"""Words the Customer IDOL results: the sentences under each element of the notebook.

Each function takes a result of :mod:`~crmlib.models.idol.identify`,
:mod:`~crmlib.models.idol.differentiate`, :mod:`~crmlib.models.idol.orchestrate` or
:mod:`~crmlib.models.idol.learn` and words it; the figures are computed there.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from crmlib.analytics import migration as mg
from crmlib.figures import Figure, format_value
from crmlib.formatting import count, day, money, percent
from crmlib.models.idol.differentiate import (
    Granularity,
    LookAlikes,
    NeedsGrid,
    optimum,
    optimum_range,
    pair_row,
)
from crmlib.models.idol.figures import moment_figures
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
from crmlib.text import Safe, join, lead, listing, number, plural, sentence, translate


def _window(values: pd.DataFrame) -> str:
    """The base's window in words, e.g. "2024-07-01..2025-06-30"."""
    window = values.attrs.get("window", "")
    return (
        sentence(
            "in {window}",
            window=window,
        )
        if window
        else translate("in the analysis window")
    )


def _value_words(values: pd.DataFrame) -> tuple[str, str]:
    """What current value is: ("profit", its explanation) or ("revenue", why)."""
    if values.attrs.get("value_metric") == "revenue":
        return translate("revenue"), translate("the data has no cost, so value is revenue")
    if values["cost_to_serve"].notna().any():
        return translate("profit"), translate("margin minus the cost of their contacts")
    return translate("margin"), translate(
        "the cost of contacts is not recorded, so it is not taken off"
    )


def describe_values(values: pd.DataFrame, currency: str) -> str:
    """One paragraph on the value measure every element uses, and the tiers it makes."""
    tiers = values["value_tier"].astype(str).value_counts()
    total = float(values["current_value"].sum())
    label, explained = _value_words(values)
    text = sentence(
        "{values} customers brought {total} of {label} {values_2} ({explained}). ",
        values=count(len(values)),
        total=money(total, currency),
        label=label,
        values_2=_window(values),
        explained=explained,
    )
    parts = [
        sentence("{customers} {tier}", customers=count(tiers.get(t, 0)), tier=translate(t))
        for t in TIERS
        if tiers.get(t, 0)
    ]
    if parts:
        text += sentence("By value tier: {tiers}.", tiers=listing(parts))
    notes = values.attrs.get("notes", [])
    if notes:
        text += sentence(" Note: {notes}.", notes=listing(notes, "; "))
    return text


def describe_unmeasured(identification: Identification) -> str:
    """One sentence on the aspects the data holds nothing of ("" when it holds all six)."""
    missing = identification.unmeasured
    if not missing:
        return ""
    parts = [
        sentence(
            "{aspect_labels} (it needs {why})",
            aspect_labels=translate(ASPECT_LABELS[a]),
            why=translate(why),
        )
        for a, why in missing.items()
    ]
    return sentence(
        "Not in the data, so not scored (unknown, not zero): {aspects}. "
        "The completeness below is over the other aspects.",
        aspects=Safe("; ".join(parts)),
    )


def describe_identification(identification: Identification) -> str:
    """One paragraph on the completeness of the picture, overall and per aspect."""
    aspects = identification.aspects[identification.counted].sort_values()
    levels = identification.levels
    total = max(int(levels.sum()), 1)
    missing = describe_unmeasured(identification)
    if identification.tautological:
        missing += (" " if missing else "") + sentence(
            "Not counted in the completeness: {aspects}. Here they follow from the "
            "purchase alone for every buyer, so they repeat the sale rather than show what "
            "the company knows of the customer.",
            aspects=join([translate(ASPECT_LABELS[a]) for a in identification.tautological]),
        )
    return (missing + " " if missing else "") + (
        sentence(
            "On average the company knows {completeness} of ",
            completeness=percent(identification.aspects["completeness"]),
        )
        + (
            translate("the customer picture. ")
            if not identification.unmeasured
            else translate("what the data shows. ")
        )
        + (
            sentence(
                "The best known aspect is {best} ({best_share}), the least known "
                "{worst} ({worst_share}). ",
                best=translate(ASPECT_LABELS[aspects.index[-1]]),
                best_share=percent(aspects.iloc[-1]),
                worst=translate(ASPECT_LABELS[aspects.index[0]]),
                worst_share=percent(aspects.iloc[0]),
            )
            if len(aspects) > 1
            else sentence(
                "The one aspect it shows is {aspect_labels}. ",
                aspect_labels=translate(ASPECT_LABELS[aspects.index[0]]),
            )
        )
        + sentence(
            "{well_known} customers ({well_known_2}) are well known (70% of the "
            "picture or more), {partly_known} partly and {poorly_known} poorly "
            "(under 40%).",
            well_known=count(levels.get("well known", 0)),
            well_known_2=percent(levels.get("well known", 0) / total),
            partly_known=count(levels.get("partly known", 0)),
            poorly_known=count(levels.get("poorly known", 0)),
        )
    )


def describe_knowledge_by_tier(identification: Identification, currency: str) -> str:
    """One paragraph: are the most valuable customers the best known?"""
    by_tier = identification.by_tier["completeness"]
    if by_tier.empty:
        return translate("No customer has a value tier, so knowledge cannot be set against value.")
    text = sentence(
        "Completeness runs from {first_share} in the {first_tier} tier to {last_share} in the {last_tier} tier. ",
        first_share=percent(by_tier.iloc[0]),
        first_tier=translate(by_tier.index[0]),
        last_share=percent(by_tier.iloc[-1]),
        last_tier=translate(by_tier.index[-1]),
    )
    if identification.top_customers:
        text += sentence(
            "Of the {top_customers} platinum and gold customers, "
            "{top_not_well_known} are not well known",
            top_customers=count(identification.top_customers),
            top_not_well_known=count(identification.top_not_well_known),
        )
        if len(identification.top_unknown):
            first = identification.top_unknown.iloc[0]
            text += (
                sentence(
                    "; the most valuable of them, {customer_id}, brought {current_value} of "
                    "{value_label} ",
                    customer_id=first["customer_id"],
                    current_value=money(first["current_value"], currency),
                    value_label=translate(identification.value_label),
                )
                + (
                    sentence(
                        "in {window}",
                        window=identification.window,
                    )
                    if identification.window
                    else ""
                )
                + sentence(
                    " and is missing {gaps}",
                    gaps=first["gaps"],
                )
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
        translate("a good picture of most customers, which few organisations have")
        if well >= 0.5
        else translate("a good picture of a minority of its customers")
    )
    text = sentence(
        "{company_name} the company has {verdict} ({well} well known). The first "
        "gap to close is {aspect_labels} ({share} complete): {aspect_fixes}.",
        company_name=lead(company_name, ":"),
        verdict=verdict,
        well=percent(well),
        aspect_labels=translate(ASPECT_LABELS[weakest]),
        share=percent(share),
        aspect_fixes=translate(ASPECT_FIXES[weakest]),
    )
    if identification.unmeasured:
        names = [translate(ASPECT_LABELS[a]) for a in identification.unmeasured]
        text += sentence(
            " The data shows nothing of {names}: whether the company records them "
            "elsewhere is unknown; bring them into the data to score them.",
            names=", ".join(names),
        )
    if identification.top_not_well_known:
        text += sentence(
            " Start with the {top_not_well_known} platinum and gold customers who "
            "are not well known: they are worth the effort most.",
            top_not_well_known=count(identification.top_not_well_known),
        )
    return text


def describe_needs_grid(grid: NeedsGrid, currency: str) -> str:
    """One paragraph on the number of needs segments, why, and the richest cell."""
    selection = grid.segments.selection["silhouette"]
    k = grid.segments.k
    others = selection.drop(k)
    names = listing(sentence("*{segment}*", segment=n) for n in grid.counts.index)
    text = (
        sentence(
            "The {counts} respondents fall into {k} needs segments: {names}. Three "
            "to seven segments were tried; {k} separates the answers best "
            "(silhouette {selection}",
            counts=count(grid.counts.to_numpy().sum()),
            k=k,
            names=names,
            selection=number(selection[k], 2),
        )
        + (
            sentence(
                ", against at most {max_others} for the others",
                max_others=number(others.max(), 2),
            )
            if len(others)
            else ""
        )
        + ")."
    )
    best = grid.mean_value.stack().dropna()
    sizes = grid.counts.stack()
    best = best[sizes.reindex(best.index).fillna(0) >= 5]
    if len(best):
        cell = best.idxmax()
        text += sentence(
            " Crossed with the value tiers this gives {cells} groups; the most "
            "valuable per customer is *{cell}* in {cell_2} ({max_best} of "
            "{value_label} on average, {sizes} customers).",
            cells=grid.cells,
            cell=cell[0],
            cell_2=translate(cell[1]),
            max_best=money(best.max(), currency),
            value_label=translate(grid.value_label),
            sizes=count(sizes[cell]),
        )
    return text


def describe_granularity(
    granularity: Granularity, tradeoff: pd.DataFrame, cost_per_treatment: float, currency: str
) -> str:
    """One paragraph on the affordable number of groups at this cost per treatment."""
    best = optimum(tradeoff)
    one = tradeoff.iloc[-1]
    text = sentence(
        "Measured on {basis}. One-to-one tailoring would add at most "
        "{value_at_stake} a year ({tailoring_uplift} of the yearly {value_label} "
        "of {yearly_profit}). At {cost_per_treatment} per treatment a year, the "
        "affordable optimum is ",
        basis=granularity.basis,
        value_at_stake=money(granularity.value_at_stake, currency),
        tailoring_uplift=percent(granularity.tailoring_uplift),
        value_label=translate(granularity.value_label),
        yearly_profit=money(granularity.yearly_profit, currency),
        cost_per_treatment=money(cost_per_treatment, currency),
    )
    if best["n_groups"] <= 1:
        text += translate(
            "**one treatment for everybody**: no further group brings more than its "
            "treatment costs."
        )
    else:
        text += (
            sentence(
                "**{n_groups} groups**",
                n_groups=count(best["n_groups"]),
            )
            + (translate(", one-to-one") if not best["measured"] else "")
            + sentence(
                ": they capture {fit} of the differences between customers, worth "
                "{worth} for {cost} of treatment cost (net {net}).",
                fit=percent(best["fit"]),
                worth=money(best["value"], currency),
                cost=money(best["cost"], currency),
                net=money(best["net"], currency),
            )
        )
    if not one["measured"] and not one["optimum"]:
        text += sentence(
            " One-to-one ({n_groups} treatments) would cost {cost} a year, net {net}.",
            n_groups=count(one["n_groups"]),
            cost=money(one["cost"], currency),
            net=money(one["net"], currency),
        )
    spread = optimum_range(granularity, cost_per_treatment)
    low, high = int(spread.to_numpy().min()), int(spread.to_numpy().max())
    text += sentence(
        " The optimum rests on assumptions the data cannot check: tailoring adds "
        "value in proportion to the share of differences the groups capture, every "
        "treatment costs the same, and the uplift and cost are the given ones. With "
        "the uplift from {uplift_low} to {uplift_high} and the cost per treatment from "
        "{cost_low} to {cost_high}, the optimum runs from {low} to {high} groups.",
        uplift_low=percent(spread.index.min()),
        uplift_high=percent(spread.index.max()),
        cost_low=money(spread.columns.min(), currency),
        cost_high=money(spread.columns.max(), currency),
        low=count(low),
        high=count(high),
    )
    if granularity.grid_groups:
        grid = tradeoff[tradeoff["n_groups"] == granularity.grid_groups]
        if len(grid):
            text += sentence(
                " The needs-by-value grid ({grid_groups} groups) captures {fit}.",
                grid_groups=granularity.grid_groups,
                fit=percent(grid["fit"].iloc[0]),
            )
    return text


def _brought(value: float, currency: str) -> str:
    """What a customer brought in the window: "nothing" for a customer who did not buy.

    A plain "EUR 0" reads as a figure the data lacks; this customer's value is known to be
    nothing in the window.
    """
    return translate("nothing in that window") if value == 0 else money(value, currency)


def describe_look_alikes(look: LookAlikes, currency: str) -> str:
    """One paragraph on the look-alike pair and how little demographics explain."""
    top = look.groups.iloc[0]
    pair = look.pair
    first, second = pair.columns
    explained = (
        translate("next to nothing")
        if look.explained < 0.01
        else sentence(
            "only {explained}",
            explained=percent(look.explained),
        )
    )
    value_row = pair.index[-1]  # the current value, named with its measure and window
    contacts = (
        sentence(
            ", {contacts}",
            contacts=plural(pair.loc[pair_row("n_contacts"), second], "contact", "contacts"),
        )
        if pair_row("n_contacts") in pair.index
        else ""
    )
    return sentence(
        "Customers {first} and {second} look alike on paper ({group}: {key}), "
        "but {first} brought {best_value} ({value_row}; {value_tier}, "
        "{purchase_days}) and {second} {worst_value} ({value_tier_2}, "
        "{purchase_days_2}{contacts}). Across {members} customers in {groups} "
        "look-alike groups, the groups explain {explained} of the differences in "
        "value.",
        first=first,
        second=second,
        group=top["group"],
        key=", ".join(translate(k) for k in look.key),
        best_value=money(top["best_value"], currency),
        value_row=value_row,
        value_tier=pair.loc[pair_row("value_tier"), first],
        purchase_days=plural(
            pair.loc[pair_row("purchase_days"), first], "purchase day", "purchase days"
        ),
        worst_value=_brought(top["worst_value"], currency),
        value_tier_2=pair.loc[pair_row("value_tier"), second],
        purchase_days_2=plural(
            pair.loc[pair_row("purchase_days"), second], "purchase day", "purchase days"
        ),
        contacts=contacts,
        members=count(look.groups["members"].sum()),
        groups=count(len(look.groups)),
        explained=explained,
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
        guide = (
            translate("a poor guide")
            if look.explained < 0.25
            else translate("only a partial guide")
        )
        share = translate("next to nothing") if look.explained < 0.01 else percent(look.explained)
        parts.append(
            sentence(
                "demographics are {guide} to treatment (they explain {share} of the "
                "differences in value), so segment on needs and value, as the approach "
                "asks.",
                guide=guide,
                share=share,
            )
        )
    if grid is not None:
        parts.append(
            sentence(
                "The survey supports {k} needs segments; crossed with value that makes "
                "{cells} groups to give a treatment each.",
                k=grid.segments.k,
                cells=grid.cells,
            )
        )
    if granularity is not None and tradeoff is not None:
        best = optimum(tradeoff)
        if best["n_groups"] <= 1:
            parts.append(
                translate(
                    "At the current cost per treatment, no tailoring pays for itself: lower the "
                    "cost of a treatment (templates, automation) before adding groups."
                )
            )
        elif not best["measured"]:
            parts.append(
                translate(
                    "At this cost per treatment even one-to-one pays for itself: automate the "
                    "treatments and tailor them per customer."
                )
            )
        else:
            parts.append(
                sentence(
                    "Go as far as about {n_groups} groups: beyond that, each new treatment "
                    "costs more than the better fit brings, and one-to-one is far from "
                    "affordable.",
                    n_groups=count(best["n_groups"]),
                )
            )
    if len(parts) == 1:
        parts.append(translate("the data holds too little to differentiate customers yet."))
    return " ".join(parts)


def describe_channels(sync: ChannelSync) -> str:
    """One paragraph on handovers between channels."""
    if sync.handovers.empty:
        return sentence(
            "{multichannel} of {contacted} contacted customers used more than one "
            "channel, but no question moved between channels within an episode.",
            multichannel=count(sync.multichannel),
            contacted=count(sync.contacted),
        )
    worst = sync.matrix[sync.matrix["handovers"] >= 10].sort_values("lost_rate", ascending=False)
    text = (
        sentence(
            "In {window}, ",
            window=sync.window,
        )
        if sync.window
        else ""
    ) + sentence(
        "{multichannel} of {contacted} contacted customers ({multichannel_2}) "
        "used more than one channel. In {handovers} a customer took the same "
        "question to another channel; in {lost_rate} of them the question was "
        "still not settled there: the history did not follow the customer.",
        multichannel=count(sync.multichannel),
        contacted=count(sync.contacted),
        multichannel_2=percent(sync.multichannel / max(sync.contacted, 1)),
        handovers=plural(len(sync.handovers), "handover", "handovers"),
        lost_rate=percent(sync.lost_rate),
    )
    if len(worst):
        pair = worst.iloc[0]
        text += sentence(
            " The weakest handover is from {from_channel} to {to_channel} "
            "({lost_rate} lost of {handovers}).",
            from_channel=pair["from_channel"],
            to_channel=pair["to_channel"],
            lost_rate=percent(pair["lost_rate"]),
            handovers=count(pair["handovers"]),
        )
    return text


def describe_processes(sync: ProcessSync) -> str:
    """One paragraph on customer processes and sales pushes during open issues."""
    overview = sync.overview
    unresolved = overview["unresolved_rate"].dropna()
    text = (
        sentence(
            "The contact episodes that began in {window} cover {overview} customer processes.",
            window=sync.window,
            overview=len(overview),
        )
        if sync.window
        else sentence(
            "The contacts cover {overview} customer processes.",
            overview=len(overview),
        )
    )
    if len(unresolved):
        text += sentence(
            " {idxmax_unresolved} is left unresolved most often ({max_unresolved} of "
            "its episodes).",
            idxmax_unresolved=translate(str(unresolved.idxmax())).capitalize(),
            max_unresolved=percent(unresolved.max()),
        )
    pushed = sync.conflicts["episode"].nunique()
    text += sentence(
        " Of {issues} (complaints, billing, warranty and the like), {pushed} "
        "received a sales push while still open",
        issues=plural(len(sync.issues), "open issue", "open issues"),
        pushed=count(pushed),
    )
    if pushed:
        worst = overview["pushed"].idxmax()
        text += sentence(
            ", most often during an open {worst} issue ({pushed})",
            worst=translate(worst),
            pushed=count(overview.loc[worst, "pushed"]),
        )
    return text + "."


def describe_moments(
    sync: MomentSync, currency: str, cite: Callable[[Figure], str] | None = None
) -> str:
    """One paragraph on repeat contacts.

    The episodes and the share with a repeat are the figures of :func:`moment_figures`
    (the customer base's); ``cite`` writes them (pass
    :func:`crmlib.notebook.figures.cite` to make them checkable), plainly by default.
    """
    cite = cite or format_value
    moments = sync.moments
    episodes, repeated = moment_figures(sync)
    worst = moments["repeat_rate"].idxmax()
    text = (
        sentence(
            "{repeated} of {episodes} contact episodes ",
            repeated=Safe(cite(repeated)),
            episodes=Safe(cite(episodes)),
        )
        + (
            sentence(
                "that began in {window} ",
                window=sync.window,
            )
            if sync.window
            else ""
        )
        + sentence(
            "needed more than one contact; {worst} most often ({repeat_rate}, a "
            "repeat after {median_days_to_repeat} at the median).",
            worst=translate(worst),
            repeat_rate=percent(moments.loc[worst, "repeat_rate"]),
            median_days_to_repeat=plural(
                moments.loc[worst, "median_days_to_repeat"], "day", "days"
            ),
        )
    )
    if sync.yearly_cost == sync.yearly_cost:  # not NaN: the channels table priced them
        text += sentence(
            " Their {yearly_repeats} cost {yearly_cost}.",
            yearly_repeats=plural(sync.yearly_repeats, "repeat contact", "repeat contacts"),
            yearly_cost=money(sync.yearly_cost, currency),
        )
    return text


def describe_products(sync: ProductSync) -> str:
    """One paragraph on offers that conflict with products owned."""
    categories = sync.categories
    inferred = int((categories["source"] == "inferred").sum())
    general = int((categories["source"] == "general").sum())
    text = sentence(
        "Of {categories}, {categories_2} offered a product category",
        categories=plural(len(categories), "campaign", "campaigns"),
        categories_2=count(len(categories) - general),
    )
    if inferred:
        text += sentence(
            " ({inferred} read from whom they were sent to, as the campaigns table "
            "names no category)",
            inferred=count(inferred),
        )
    text += (
        translate(" and 1 was a general offer. ")
        if general == 1
        else sentence(
            " and {general} were general offers. ",
            general=count(general),
        )
    )
    if sync.per_campaign.empty:
        return text + translate("No category offers to check.")
    kinds = sync.conflicts["conflict"].value_counts()
    text += sentence(
        "{conflicts} of {offers_checked} category offers ({conflicts_2}) went to "
        "a customer who had just bought that category ({just_bought}) or "
        "returned it ({returned}).",
        conflicts=count(len(sync.conflicts)),
        offers_checked=count(sync.offers_checked),
        conflicts_2=percent(len(sync.conflicts) / max(sync.offers_checked, 1)),
        just_bought=count(kinds.get("just bought", 0)),
        returned=count(kinds.get("returned", 0)),
    )
    worst = sync.per_campaign["conflict_rate"].idxmax()
    text += sentence(
        " The worst was {worst} ({category}, {conflict_rate}).",
        worst=worst,
        category=sync.per_campaign.loc[worst, "category"],
        conflict_rate=percent(sync.per_campaign.loc[worst, "conflict_rate"]),
    )
    return text


def describe_customers(sync: CustomerSync, currency: str) -> str:
    """One paragraph on households that mix top and loss-making customers."""
    households = sync.households
    if households.empty:
        return translate("No household or account links two or more customers.")
    text = sentence(
        "{households} households and accounts link {members} customers. In "
        "{mixed} of them a strategically significant customer sits beside a "
        "loss-making one",
        households=count(len(households)),
        members=count(households["members"].sum()),
        mixed=count(sync.mixed) if sync.mixed else translate("none"),
    )
    if sync.mixed:
        first = sync.top.iloc[0]
        text += sentence(
            "; in {related_id}, {best_customer} brought {best_value} in the analysis "
            "window and {worst_customer} {worst_value}. Treated apart, cutting "
            "service to the loss-making member risks the top customer",
            related_id=first["related_id"],
            best_customer=first["best_customer"],
            best_value=money(first["best_value"], currency),
            worst_customer=first["worst_customer"],
            worst_value=money(first["worst_value"], currency),
        )
    return text + "."


def describe_scorecard(scorecard: pd.DataFrame, assessed: pd.Series | None = None) -> str:
    """One paragraph ranking the dimensions by their mismatch rate."""
    rates = scorecard["rate"].dropna().sort_values(ascending=False)
    if rates.empty:
        return translate("None of the five dimensions could be checked on this data.")
    ranked = listing(
        (
            sentence(
                "{dimension} ({rate})",
                dimension=translate(d),
                rate=percent(r),
            )
            for d, r in rates.items()
        )
    )
    text = sentence(
        "Mismatch rates, largest first: {ranked}.",
        ranked=ranked,
    )
    missing = [d for d in scorecard.index if d not in rates.index]
    if missing:
        text += sentence(
            " Not checked for lack of data: {missing}.",
            missing=", ".join(translate(d) for d in missing),
        )
    if assessed is not None and assessed.notna().any():
        weakest = assessed.dropna().idxmin()
        text += sentence(
            " The workshop scored the practices of {weakest} lowest ({assessed}).",
            weakest=translate(weakest),
            assessed=percent(assessed[weakest] / 100),
        )
    return text


def meaning_orchestration(
    orchestration: Orchestration, scorecard: pd.DataFrame, company_name: str
) -> str:
    """The "What this means" paragraph of Orchestration."""
    gaps = biggest_gaps(scorecard)
    if not gaps:
        return sentence(
            "{company_name} without interactions or campaigns the orchestration "
            "cannot be measured; record every contact with its channel and process "
            "first.",
            company_name=lead(company_name, ":"),
        )
    lines = []
    for dimension in gaps:
        row = scorecard.loc[dimension]
        owner, remedy = REMEDIES[dimension]
        lines.append(
            sentence(
                "{remedy} ({owner}; {mismatches} {unit} went wrong, {rate})",
                remedy=translate(remedy),
                owner=translate(owner),
                mismatches=count(row["mismatches"]),
                unit=translate(row["unit"]),
                rate=percent(row["rate"]),
            )
        )
    return (
        sentence(
            "{company_name} the customer is least treated as one in {value}. First: ",
            company_name=lead(company_name, ":"),
            value=join([translate(g) for g in gaps]),
        )
        + translate("; then ").join(lines)
        + "."
    )


def _state(name: str) -> str:
    return sentence(
        "*{name}*",
        name=translate(name),
    )


def describe_migration(migration: Migration) -> str:
    """One paragraph: who stayed, moved up or down, and the largest moves."""
    m = migration
    summary = m.summary
    known = int(summary.loc[["up", "same", "down"], "customers"].sum())
    text = sentence(
        "Between {first} and {second} (segments by {segmentation}, each on the "
        "{window_months} months before its date), of the {known} customers known "
        "at both dates {same} stayed in their segment, {up_share} moved up and "
        "{down_share} moved down; {customers} joined.",
        first=day(m.first),
        second=day(m.second),
        segmentation=translate(m.by.replace("_", " ")),
        window_months=m.window_months,
        known=count(known),
        same=percent(m.share("same")),
        up_share=percent(m.share("up")),
        down_share=percent(m.share("down")),
        customers=count(summary.loc[mg.NEW, "customers"]),
    )
    moved = m.flows[m.flows["move"].isin(["up", "down"]).to_numpy(dtype=bool)]
    if len(moved):
        largest = moved.iloc[0]
        text += sentence(
            " The largest move is {before} to {after} ({customers} customers).",
            before=_state(largest["before"]),
            after=_state(largest["after"]),
            customers=count(largest["customers"]),
        )
    if m.baseline is not None and not math.isnan(m.baseline.attrs["stability"]):
        base = m.baseline
        text += sentence(
            " Part of this is mechanical: the segments are relative, so their sizes are "
            "largely fixed and one customer moving up pushes another down. A random "
            "reshuffle of the "
            "same segment sizes would keep {random_same} in place and move {random_up} "
            "up and {random_down} down.",
            random_same=percent(base.loc["same", "random"]),
            random_up=percent(base.loc["up", "random"]),
            random_down=percent(base.loc["down", "random"]),
        )
        above = float(base.loc["same", "above_random"])
        text += (
            sentence(
                " Customers stay {above} points more often than that (stability "
                "{stability}, where 0 is chance and 100% is no move at all).",
                above=number(100 * above, 0),
                stability=percent(base.attrs["stability"]),
            )
            if above > 0
            else sentence(
                " Customers stay no more often than that: the moves are no more than "
                "chance (stability {stability}).",
                stability=percent(base.attrs["stability"]),
            )
        )
        text += translate(
            " Some of the remaining moves are regression to the mean: customers picked "
            "on a high or low value drift back toward the middle without any change in "
            "treatment, so a move is not by itself a sign of what the company did."
        )
    top = m.order[0]
    if m.matrix.loc[top].sum() > 0:
        kept = m.rates.loc[top, top]
        text += sentence(
            " Of the {top} customers, {kept} still are.",
            top=_state(top),
            kept=percent(kept),
        )
    if m.status != "ok":
        text += sentence(
            " Caveat: {reason}.",
            reason=m.reason,
        )
    return text


def describe_value_shift(migration: Migration, currency: str) -> str:
    """One paragraph on what the moves did to value."""
    value = migration.value
    known = value.drop(index=mg.NEW, errors="ignore")
    months = migration.window_months
    text = sentence(
        "The customers known at the first date brought {value_before} of "
        "{value_label} in the {months} months before it and {value_after} in the "
        "{months} months before {second}.",
        value_before=money(known["value_before"].sum(), currency),
        value_label=translate(migration.value_label),
        months=months,
        value_after=money(known["value_after"].sum(), currency),
        second=day(migration.second),
    )
    if migration.status != "ok":
        text += sentence(
            " Caveat: {reason}.",
            reason=migration.reason,
        )
    if len(known):
        worst = known["change"].idxmin()
        text += sentence(
            " The largest loss is in the customers who were {worst}: {change}, with "
            "{moved_down} of {customers} moving down.",
            worst=_state(worst),
            change=money(known.loc[worst, "change"], currency),
            moved_down=count(known.loc[worst, "moved_down"]),
            customers=count(known.loc[worst, "customers"]),
        )
        if worst == migration.order[0] and known.loc[worst, "change"] < 0:
            # the top state was picked on high value: its fall is largely the baseline a
            # forecast for such a group is read against (crmlib.analytics.baseline)
            text += sentence(
                " Much of that is regression to the mean: a group picked for its high "
                "value falls back towards the average even when nothing about its "
                "customers changes, so the fall is not by itself customers lost."
            )
    if mg.NEW in value.index:
        text += sentence(
            " Customers who joined since brought {value_after}.",
            value_after=money(value.loc[mg.NEW, "value_after"], currency),
        )
    return text


def describe_movers(migration: Migration) -> str:
    """One paragraph on the needs segments on the move."""
    movers = migration.movers
    if movers is None or movers.empty:
        return translate(
            "No needs segment can be followed: no survey respondent was known at both dates."
        )
    down, up = movers.iloc[0], movers.iloc[-1]
    return sentence(
        "The survey is answered once, so needs cannot be followed per customer; "
        "the needs segments can. {falling} is most on the move downwards: {down} "
        "moved down and {up} up. {steady} holds up best ({up_2} up, {down_2} "
        "down).",
        falling=_state(movers.index[0]),
        down=percent(down["down"]),
        up=percent(down["up"]),
        steady=_state(movers.index[-1]),
        up_2=percent(up["up"]),
        down_2=percent(up["down"]),
    )


def describe_responses(responses: Responses) -> str:
    """One paragraph on the segments that answer differently, and the customers to re-treat."""
    table = responses.by_segment.drop(index="unassigned", errors="ignore")
    text = ""
    if len(table) >= 2:
        high, low = table.iloc[0], table.iloc[-1]
        text += sentence(
            "By {segment_kind}, {best_segment} answers offers best ({best_rate}, {lift} "
            "times the average) and {worst_segment} least ({worst_rate}). ",
            segment_kind=translate(responses.segment_kind),
            best_segment=_state(table.index[0]),
            best_rate=percent(high["response_rate"], 1),
            lift=number(high["lift"], 1),
            worst_segment=_state(table.index[-1]),
            worst_rate=percent(low["response_rate"], 1),
        )
    matrix = responses.matrix.stack().dropna()
    if len(matrix):
        best = matrix.idxmax()
        text += sentence(
            "The best match of offer and segment is {best} for {best_2} ({max_matrix} responded). ",
            best=best[0],
            best_2=_state(best[1]),
            max_matrix=percent(matrix.max()),
        )
    text += sentence(
        "{stop} customers received three or more offers without answering one "
        "(send them fewer, or something else); {promote} ",
        stop=count(responses.count("stop")),
        promote=count(responses.count("promote")),
    ) + (
        translate("with marketing consent answered two or more (give them more of what works).")
        if responses.consent_known
        else translate(
            "answered two or more (give them more of what works; the data does not "
            "record marketing consent, so check it before approaching them)."
        )
    )
    return text


def describe_practices(practices: Practices) -> str:
    """One paragraph on the assessed learning practices."""
    if not practices.answered:
        return translate(
            "The practices have not been scored yet: fill in the form in a workshop "
            "(interactive mode) and save it, and the next report shows the scores."
        )
    areas = practices.areas.dropna(subset=["percent"]).sort_values("percent")
    text = sentence(
        "The workshop scored {answered} of {total} practices. ",
        answered=count(practices.areas["answered"].sum()),
        total=count(practices.areas["total"].sum()),
    )
    if practices.learning == practices.learning:
        text += sentence(
            "Learning scores {learning}. ",
            learning=percent(practices.learning / 100),
        )
    text += sentence(
        "The weakest area is {area_title} ({percent}), the strongest {area_title_2} ({percent_2}).",
        area_title=areas.iloc[0]["area_title"],
        percent=percent(areas.iloc[0]["percent"] / 100),
        area_title_2=areas.iloc[-1]["area_title"],
        percent_2=percent(areas.iloc[-1]["percent"] / 100),
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
        rhythm = translate(migration.review_rhythm)
        if math.isnan(migration.stability):
            parts.append(
                sentence(
                    "{moved} of the customers changed segment in {months} months, so a "
                    "segmentation fixed once is soon wrong: review segments and treatments "
                    "{rhythm}.",
                    moved=percent(migration.moved),
                    months=migration.months,
                    rhythm=rhythm,
                )
            )
        else:
            parts.append(
                sentence(
                    "{moved} of the customers changed segment in {months} months. Part of "
                    "that is the mechanics of relative segments and regression to the mean "
                    "(stability {stability}, where 0 is chance), so a move is a reason to "
                    "check a customer's treatment, not proof that the customer changed: "
                    "review segments and treatments {rhythm}.",
                    moved=percent(migration.moved),
                    months=migration.months,
                    stability=percent(migration.stability),
                    rhythm=rhythm,
                )
            )
    if responses is not None and responses.count("stop"):
        parts.append(
            sentence(
                "Let the responses steer: change the treatment of the {stop} customers "
                "who never answer.",
                stop=count(responses.count("stop")),
            )
        )
    if practices.answered and practices.learning == practices.learning:
        if practices.learning < 50:
            parts.append(
                sentence(
                    "The learning practices score {learning}: make test-and-learn and a "
                    "fixed segment review routine before adding segments.",
                    learning=percent(practices.learning / 100),
                )
            )
        else:
            parts.append(
                sentence(
                    "The learning practices ({learning}) are a base to build on.",
                    learning=percent(practices.learning / 100),
                )
            )
    if len(parts) == 1:
        parts.append(translate("the data is too short to see segments move; keep the history."))
    return " ".join(parts)

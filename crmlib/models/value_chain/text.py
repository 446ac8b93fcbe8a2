"""The sentences the value chain notebook shows, computed from each stage's result.

Every function returns Markdown built from the company's own figures, so a report's
conclusions are never written in advance. User text (company, segment, supplier and
channel names) is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from crmlib.data.company import Company
from crmlib.figures import Figure, format_value
from crmlib.formatting import count, money, percent
from crmlib.models.value_chain.portfolio import Portfolio
from crmlib.models.value_chain.relationships import Conditions, Relationships
from crmlib.models.value_chain.stages import Intimacy, Network, Proposition
from crmlib.text import capitalise, escape, join, label, lead


def _lead(company: Company) -> str:
    return lead(company.name)


def _lower(name: str) -> str:
    """A stage or condition name inside a sentence: "IT/data management" keeps its capitals."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


#: How the text names the y axis of the matrix.
AXIS_WORDS = {"potential": "their expected value", "cost to serve": "their cost to serve"}


def _is_nan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# ---------------------------------------------------------------- stage 1


def cost_magnet_cost(portfolio: Portfolio) -> tuple[float, float, float]:
    """The cost magnets' cost to serve, margin and the cost above the ratio (the window)."""
    table = portfolio.table
    if "cost_magnet" not in table.columns:
        return float("nan"), float("nan"), float("nan")
    magnets = table[table["cost_magnet"].to_numpy(dtype=bool)]
    cost = magnets["recent_cost_to_serve"]
    allowed = portfolio.cost_magnet_ratio * magnets["recent_margin"].clip(lower=0)
    excess = (cost - allowed).clip(lower=0)
    return float(cost.sum()), float(magnets["recent_margin"].sum()), float(excess.sum())


def describe_portfolio(
    portfolio: Portfolio, company: Company, cite: Callable[[Figure], str] | None = None
) -> str:
    """The SSCs, the matrix and Buttle's types in one paragraph.

    Parameters
    ----------
    portfolio : Portfolio
    company : Company
    cite : callable, optional
        Writes a :class:`~crmlib.figures.Figure` into the text; the notebook passes
        :func:`crmlib.notebook.figures.cite` so that each figure is checkable. By
        default the figure is written out plainly.
    """
    cite = cite or format_value
    table, currency, base = portfolio.table, company.currency, portfolio.base
    figures = {f.id: f for f in portfolio.figures()}
    window = (
        escape(base.window) if base is not None else f"the last {portfolio.horizon_months} months"
    )
    value = portfolio.value_word
    text = (
        f"{_lead(company)} {cite(figures['ssc_count'])} of {count(len(table))} customers are "
        f"strategically significant (SSC): the top {percent(portfolio.ssc_share)} by current "
        f"value, the {escape(value)} of {window}."
    )
    if portfolio.ssc_share == 0.2:
        text += f" The top 20% bring {cite(figures['top20_share'])} of that value."
    else:
        text += f" They bring {percent(portfolio.ssc_value_share)} of that value."
    summary = portfolio.types.summary
    measured = [key for key in summary.index if summary.loc[key, "measured"]]
    if measured:
        parts = [
            f"{cite(figures[f'buttle_ssc_type.{key}'])} of type *{escape(summary.loc[key, 'label'])}*"
            for key in measured
        ]
        text += (
            " Buttle's value chain names its own types of strategically significant customer, "
            f"which overlap the SSCs and each other: {join(parts)}."
        )
    if "high_future_value" in measured:
        future_only = int((table["high_future_value"] & ~table["ssc"]).sum())
        text += (
            f" Of the high-future-value customers, {count(future_only)} are not SSCs today: "
            "they bring less now than they are expected to."
        )
    quadrants = portfolio.quadrants
    axis = AXIS_WORDS[portfolio.matrix_axis]
    placed = [f"{count(row.customers)} *{escape(q)}*" for q, row in quadrants.iterrows()]
    biggest = quadrants["value_share"].idxmax() if quadrants["value_share"].notna().any() else None
    text += f" Against {axis}, the matrix places {join(placed)}"
    if biggest is not None:
        text += (
            f"; *{escape(biggest)}* holds {percent(quadrants.loc[biggest, 'value_share'])} "
            "of current value"
        )
    text += "."
    if "cost_magnet" in measured:
        cost, margin, excess = cost_magnet_cost(portfolio)
        text += (
            f" The cost magnets cost {money(cost, currency)} to serve in {window}, against "
            f"{money(margin, currency)} of margin they brought."
        )
    if "door_opener" in measured:
        doors = table[table["door_opener"].to_numpy(dtype=bool)]
        text += (
            f" The door-openers were followed by {count(doors['followers'].sum())} members of "
            f"their household or account, who bring "
            f"{money(doors['followers_value'].sum(), currency)} of current value."
        )
    for key in summary.index[~summary["measured"].to_numpy(dtype=bool)]:
        text += (
            f" {capitalise(summary.loc[key, 'label'])}s are not measurable here "
            f"({escape(summary.loc[key, 'reason'])})."
        )
    if portfolio.notes:
        text += " Note: " + "; ".join(escape(note) for note in portfolio.notes) + "."
    return text


# ---------------------------------------------------------------- stage 2


def describe_intimacy(intimacy: Intimacy, company: Company) -> str:
    """How complete the SSCs' picture is, where the gaps are, and what touchpoints see."""
    aspects = intimacy.aspects
    text = (
        f"{_lead(company)} The company's picture of its SSCs is "
        f"{percent(aspects.loc['SSC', 'completeness'])} complete, against "
        f"{percent(aspects.loc['other', 'completeness'])} for the other customers."
    )
    if len(intimacy.gaps):
        gaps = [f"{label(a)} ({percent(v)})" for a, v in intimacy.gaps.items()]
        text += (
            f" The gaps, below {percent(intimacy.gap_threshold)}: {join(gaps)}. Each gap is a "
            "question to ask the SSCs at the next contact."
        )
    else:
        text += f" No aspect of the SSCs' picture is below {percent(intimacy.gap_threshold)}."
    points = intimacy.touchpoints
    if len(points):
        best = points["ssc_reached"].idxmax()
        text += (
            f" The touchpoint that sees most SSCs is {escape(best)} "
            f"({percent(points.loc[best, 'ssc_reached'])})."
        )
        contacts = points[points["kind"] == "contact"]
        ssc = intimacy.picture.loc[intimacy.picture.index.isin(intimacy.ssc_ids)]
        if len(contacts):
            with_history = float((ssc["contacts"] > 0).mean()) if len(ssc) else float("nan")
            text += f" {percent(with_history)} of the SSCs have any contact history"
            feedback = contacts["feedback_share"].dropna()
            if len(feedback):
                low = feedback.idxmin()
                text += (
                    f", and at {escape(low)} only {percent(feedback[low])} of their contacts "
                    "carry a satisfaction score"
                )
            text += "."
    return text


# ---------------------------------------------------------------- stage 3


def describe_network(network: Network, company: Company) -> str:
    """Which party is least aligned on customer data, and which suppliers touch SSC value."""
    text = _lead(company)
    parties = network.parties.dropna(subset=["percent"])
    if len(parties):
        worst, best = parties["percent"].idxmin(), parties["percent"].idxmax()
        text += (
            f" Network alignment on customer data scores {percent(network.alignment)}: "
            f"{escape(label(best))} are aligned best ({percent(parties.loc[best, 'percent'] / 100)}), "
            f"{escape(label(worst))} least ({percent(parties.loc[worst, 'percent'] / 100)})."
        )
        unscored = [label(p) for p in network.parties.index if p not in parties.index]
        if unscored:
            text += f" Not scored: {escape(join(unscored))}."
    else:
        reason = escape(network.reasons.get("parties", ""))
        text += f" {reason[:1].upper()}{reason[1:]}."
    suppliers = network.suppliers
    if suppliers is not None and len(suppliers):
        by_ssc = suppliers.sort_values("share_of_ssc_revenue", ascending=False)
        top = by_ssc.head(3)
        names = [escape(s) for s in top.index]
        text += (
            f" Of {count(len(suppliers))} suppliers, the three whose products carry most of what "
            f"the SSCs buy ({join(names)}) carry {percent(top['share_of_ssc_revenue'].sum())} "
            f"of it; SSCs bring {percent(top['ssc_revenue'].sum() / top['revenue'].sum())} of "
            "these suppliers' sales. They are the first to plan with customer demand data."
        )
    elif "suppliers" in network.reasons:
        text += f" The value per supplier is not shown: {escape(network.reasons['suppliers'])}."
    return text


# ---------------------------------------------------------------- stage 4


def describe_proposition(proposition: Proposition, company: Company) -> str:
    """Which needs segment the offer fits least, and why."""
    profile = proposition.profile.dropna(subset=["fit"])
    segments = proposition.fit.segments
    text = (
        f"{_lead(company)} The survey splits the respondents into {proposition.segments.k} "
        f"needs segments; the offer fits them {percent(proposition.mean_fit)} on average."
    )
    if profile.empty:
        return text
    worst, best = profile["fit"].idxmin(), profile["fit"].idxmax()
    row = segments.loc[worst]
    text += (
        f" It fits *{escape(worst)}* least ({percent(profile.loc[worst, 'fit'])}): its "
        f"distinctive needs are {escape(join([label(n) for n in row['distinctive_needs'].split(', ') if n]))}"
    )
    if row["unanswered"]:
        text += (
            f", and nothing in the offer goes with "
            f"{escape(join([label(n) for n in row['unanswered'].split(', ')]))}"
        )
    elif row["not_served"]:
        text += (
            f"; fewer than half of its members buy more than average of what goes with "
            f"{escape(join([label(n) for n in row['not_served'].split(', ')]))}"
        )
    text += "."
    if "nps" in profile.columns and not _is_nan(profile.loc[worst, "nps"]):
        text += f" Its NPS is {profile.loc[worst, 'nps']:+.0f}."
    if best != worst:
        text += f" *{escape(best)}* fits best ({percent(profile.loc[best, 'fit'])})."
    text += (
        f" The segment to develop the proposition for first is *{escape(worst)}*, "
        f"{percent(profile.loc[worst, 'ssc_share'])} of whose respondents are SSCs."
    )
    return text


# ---------------------------------------------------------------- stage 5


def describe_relationships(
    relationships: Relationships,
    company: Company,
    cite: Callable[[Figure], str] | None = None,
) -> str:
    """Retention, development and acquisition against their targets; the largest shortfall.

    ``cite`` as in :func:`describe_portfolio`. The two years compared are named, and a
    year before only partly inside the data is said.
    """
    cite = cite or format_value
    measures = relationships.measures
    figures = {f.id: f for f in relationships.figures()}
    text = _lead(company)

    def row(measure: str, segment: str):
        rows = measures[(measures["measure"] == measure) & (measures["segment"] == segment)]
        return rows.iloc[0] if len(rows) else None

    before, last = relationships.period.split(" -> ") if relationships.period else ("", "")
    text += (
        f" Of last year's SSCs ({escape(before)}), {cite(figures['retention_rate.ssc_last_year'])} "
        f"bought again in {escape(last)} (target {cite(figures['target.ssc_retention'])}); of the "
        f"other customers {cite(figures['retention_rate.other'])} (target "
        f"{cite(figures['target.retention'])})."
    )
    if relationships.caveat:
        text += f" Read these measures with care: {escape(relationships.caveat)}."
    upsell = row("up-sell", "SSC")
    text += (
        f" {percent(upsell['value'])} of the retained SSCs spent more than the year before "
        f"(target {percent(upsell['target'])})"
    )
    cross = row("cross-sell", "SSC")
    if cross is not None:
        text += f", and {percent(cross['value'])} bought in a category new to them (target {percent(cross['target'])})"
    text += "."
    acquisition = row("acquisition", "all")
    if not _is_nan(acquisition["value"]):
        text += (
            f" {acquisition['value']:.2f} new customers came in for every customer lost "
            f"(target {acquisition['target']:.2f})."
        )
    short = measures[measures["value"] < measures["target"]]
    if len(short):
        gap = short.assign(ratio=short["value"] / short["target"]).sort_values("ratio").iloc[0]
        who = "all customers" if gap["segment"] == "all" else f"{gap['segment']} customers"
        text += (
            f" The largest shortfall is {gap['measure']} of {who}: "
            f"{percent(gap['value'])} against {percent(gap['target'])}."
        )
    elif measures["value"].notna().all():
        text += " Every measure meets its target."
    else:
        text += " Every measure that could be taken meets its target."
    source = relationships.ssc_by_source
    if source is not None and len(source):
        big = source[source["customers"] >= max(10, 0.02 * source["customers"].sum())]
        if len(big):
            channel = big["ssc_share"].idxmax()
            text += (
                f" Customers who came in through {escape(channel)} most often become SSCs "
                f"({percent(big.loc[channel, 'ssc_share'])} of them)."
            )
    return text


# ---------------------------------------------------------------- conditions


def describe_conditions(conditions: Conditions, company: Company) -> str:
    """The weakest and strongest supporting condition, or that none is scored yet."""
    areas = conditions.areas.dropna(subset=["score"])
    if areas.empty:
        return (
            f"{_lead(company)} No workshop answers for the supporting conditions are saved yet. "
            "Fill in the form in a workshop; until then the conditions stay grey in the "
            "diagram and are left out of the conclusion."
        )
    worst, best = areas["score"].idxmin(), areas["score"].idxmax()
    text = (
        f"{_lead(company)} Of the supporting conditions, "
        f"{_lower(areas.loc[worst, 'condition'])} scores lowest "
        f"({percent(areas.loc[worst, 'score'])}) and {_lower(areas.loc[best, 'condition'])} "
        f"highest ({percent(areas.loc[best, 'score'])})."
    )
    unscored = conditions.areas.index.difference(areas.index)
    if len(unscored):
        names = [_lower(conditions.areas.loc[a, "condition"]) for a in unscored]
        text += f" Not scored: {join(names)}."
    partly = conditions.areas[
        (conditions.areas["answered"] > 0)
        & (conditions.areas["answered"] < conditions.areas["total"])
    ]
    if len(partly):
        text += (
            f" {capitalise(join([_lower(c) for c in partly['condition']]))} "
            f"{'was' if len(partly) == 1 else 'were'} scored in part: read "
            f"{'its' if len(partly) == 1 else 'their'} score with care."
        )
    return text

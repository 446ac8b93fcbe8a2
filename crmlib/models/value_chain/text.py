"""The sentences the value chain notebook shows, computed from each stage's result.

Every function returns Markdown built from the company's own figures, so a report's
conclusions are never written in advance. Each sentence is a template filled by
:func:`crmlib.text.sentence`: user text (company, segment, supplier and channel names) is
escaped, and the template can be translated. A number that is one of a stage's figures
is written with ``cite`` (the notebook passes :func:`crmlib.notebook.figures.cite`, so
the report can be checked; by default it is written out plainly).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from crmlib.data.company import Company
from crmlib.figures import Figure, format_value
from crmlib.formatting import count, decimal, money, percent
from crmlib.models.value_chain.portfolio import Portfolio
from crmlib.models.value_chain.relationships import Conditions, Relationships
from crmlib.models.value_chain.stages import Intimacy, Network, Proposition
from crmlib.models.value_chain.words import shown, words
from crmlib.text import (
    N_,
    Safe,
    capitalise,
    escape,
    join,
    label,
    lead,
    number,
    sentence,
    translate,
)
from crmlib.text_columns import isin

Cite = Callable[[Figure], str]


def _lead(company: Company) -> Safe:
    return lead(company.name)


def _citer(cite: Cite | None) -> Callable[[Figure], Safe]:
    """``cite`` (or plain text), marked as already escaped for :func:`sentence`."""
    write = cite or format_value
    return lambda figure: Safe(write(figure))


def paragraph(parts: Iterable[str]) -> Safe:
    """Sentences built with :func:`sentence`, joined into one paragraph."""
    return Safe(" ".join(parts))


def names(items: Iterable[object], word: str = "and") -> Safe:
    """Names as one escaped list: ``a, b and c``."""
    return join([Safe(escape(item)) for item in items], word)


def _lower(name: str) -> str:
    """A stage or condition name inside a sentence, in the report language: "IT/data
    management" keeps its capitals."""
    name = translate(name)
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


#: The customers a measure is of, by segment (``measures["segment"]``).
SEGMENT_CUSTOMERS = {
    "all": N_("all customers"),
    "SSC": N_("SSC customers"),
    "other": N_("other customers"),
}


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


def _types(portfolio: Portfolio, figures: dict[str, Figure], cite_, window) -> list[Safe]:
    """Buttle's types: how many of each, and what the measured ones cost or bring."""
    table, currency = portfolio.table, portfolio.currency
    summary = portfolio.types.summary
    measured = [key for key in summary.index if summary.loc[key, "measured"]]
    parts = []
    if measured:
        found = join(
            [
                sentence(
                    "{customers} of type *{name}*",
                    customers=cite_(figures[f"buttle_ssc_type.{key}"]),
                    name=shown(summary.loc[key, "label"]),
                )
                for key in measured
            ]
        )
        parts.append(
            sentence(
                "Buttle's value chain names its own types of strategically significant "
                "customer, which overlap the SSCs and each other: {found}.",
                found=found,
            )
        )
    if "high_future_value" in measured:
        parts.append(
            sentence(
                "Of the high-future-value customers, {customers} are not SSCs today: they "
                "bring less now than they are expected to.",
                customers=count((table["high_future_value"] & ~table["ssc"]).sum()),
            )
        )
    parts += _matrix(portfolio)
    if "high_volume" in measured:
        volume = table["high_volume"].to_numpy(dtype=bool)
        parts.append(
            sentence(
                "The high-volume customers made {purchases} of the window's purchase days; "
                "{customers} of them are not SSCs, so volume and value differ.",
                purchases=percent(
                    table.loc[volume, "purchases"].sum() / table["purchases"].sum()
                    if table["purchases"].sum() > 0
                    else float("nan")
                ),
                customers=count((table["high_volume"] & ~table["ssc"]).sum()),
            )
        )
    if "absorbs_fixed_costs" in measured:
        parts.append(
            sentence(
                "{customers} customers together bring {share} of the positive contribution "
                "(margin after cost to serve) in {window}: they absorb most of the fixed "
                "costs. Whether they cover all of them needs the fixed-cost total, which "
                "the data does not hold.",
                customers=count(summary.loc["absorbs_fixed_costs", "customers"]),
                share=percent(portfolio.absorb_share),
                window=window,
            )
        )
    if "cost_magnet" in table.columns and table["cost_magnet"].any():
        cost, margin, _ = cost_magnet_cost(portfolio)
        parts.append(
            sentence(
                "Apart from the types, {customers} customers are costly to serve (cost "
                "magnets): they cost {cost} to serve in {window}, against {margin} of "
                "margin they brought. Costing much is not a reason for significance.",
                customers=count(table["cost_magnet"].sum()),
                cost=money(cost, currency),
                window=window,
                margin=money(margin, currency),
            )
        )
    for key in summary.index[~summary["measured"].to_numpy(dtype=bool)]:
        parts.append(
            sentence(
                "Type *{name}* is not measurable here, unknown rather than absent ({reason}).",
                name=shown(summary.loc[key, "label"]),
                reason=shown(summary.loc[key, "reason"]),
            )
        )
    return parts


def _matrix(portfolio: Portfolio) -> list[Safe]:
    quadrants = portfolio.quadrants
    axis = (
        translate("their expected value")
        if portfolio.matrix_axis == "potential"
        else translate("their cost to serve")
    )
    placed = join(
        [
            sentence("{customers} *{quadrant}*", customers=count(row.customers), quadrant=shown(q))
            for q, row in quadrants.iterrows()
        ]
    )
    if not quadrants["value_share"].notna().any():
        return [sentence("Against {axis}, the matrix places {placed}.", axis=axis, placed=placed)]
    biggest = quadrants["value_share"].idxmax()
    return [
        sentence(
            "Against {axis}, the matrix places {placed}; *{biggest}* holds {share} of current "
            "value.",
            axis=axis,
            placed=placed,
            biggest=shown(biggest),
            share=percent(quadrants.loc[biggest, "value_share"]),
        )
    ]


def describe_portfolio(portfolio: Portfolio, company: Company, cite: Cite | None = None) -> Safe:
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
    cite_, base = _citer(cite), portfolio.base
    figures = {f.id: f for f in portfolio.figures()}
    window = (
        base.window
        if base is not None
        else sentence("the last {months} months", months=str(portfolio.horizon_months))
    )
    parts = [
        sentence(
            "{lead} {ssc} of {customers} customers are strategically significant (SSC): the top "
            "{share} by current value, the {value} of {window}.",
            lead=_lead(company),
            ssc=cite_(figures["ssc_count"]),
            customers=count(len(portfolio.table)),
            share=percent(portfolio.ssc_share),
            value=shown(portfolio.value_word),
            window=window,
        )
    ]
    if portfolio.ssc_share == 0.2:
        parts.append(
            sentence(
                "The top 20% bring {share} of that value.", share=cite_(figures["top20_share"])
            )
        )
    else:
        parts.append(
            sentence("They bring {share} of that value.", share=cite_(figures["ssc_value_share"]))
        )
    parts += _types(portfolio, figures, cite_, window)
    if portfolio.notes:
        parts.append(
            sentence(
                "Note: {notes}.",
                notes=Safe("; ".join(escape(note) for note in portfolio.notes)),
            )
        )
    return paragraph(parts)


# ---------------------------------------------------------------- stage 2


def describe_intimacy(intimacy: Intimacy, company: Company, cite: Cite | None = None) -> Safe:
    """How complete the SSCs' picture is, where the gaps are, and what touchpoints see.

    ``cite`` as in :func:`describe_portfolio`.
    """
    cite_ = _citer(cite)
    parts = [
        sentence(
            "{lead} The company's picture of its SSCs is {ssc} complete, against {other} for "
            "the other customers.",
            lead=_lead(company),
            ssc=cite_(intimacy.figure("ssc_picture_completeness.SSC")),
            other=cite_(intimacy.figure("ssc_picture_completeness.other")),
        )
    ]
    threshold = percent(intimacy.gap_threshold)
    if len(intimacy.gaps):
        gaps = join(
            [
                sentence(
                    "{aspect} ({share})",
                    aspect=words(a),
                    share=translate("not in the data") if a in intimacy.unmeasured else percent(v),
                )
                for a, v in intimacy.gaps.items()
            ]
        )
        parts.append(
            sentence(
                "The gaps, below {threshold}: {gaps}. Each gap is a question to ask the SSCs at "
                "the next contact.",
                threshold=threshold,
                gaps=gaps,
            )
        )
    else:
        parts.append(
            sentence("No aspect of the SSCs' picture is below {threshold}.", threshold=threshold)
        )
    parts += _touchpoints(intimacy)
    return paragraph(parts)


def _touchpoints(intimacy: Intimacy) -> list[Safe]:
    points = intimacy.touchpoints
    if not len(points):
        return []
    best = points["ssc_reached"].idxmax()
    parts = [
        sentence(
            "The touchpoint that sees most SSCs is {touchpoint} ({share}).",
            touchpoint=best,
            share=percent(points.loc[best, "ssc_reached"]),
        )
    ]
    contacts = points[points["kind"] == "contact"]
    if not len(contacts):
        return parts
    ssc = intimacy.picture.loc[isin(intimacy.picture.index, intimacy.ssc_ids)]
    with_history = percent(float((ssc["contacts"] > 0).mean()) if len(ssc) else float("nan"))
    feedback = contacts["feedback_share"].dropna()
    if len(feedback):
        low = feedback.idxmin()
        parts.append(
            sentence(
                "{share} of the SSCs have any contact history, and at {touchpoint} only "
                "{feedback} of their contacts carry a satisfaction score.",
                share=with_history,
                touchpoint=low,
                feedback=percent(feedback[low]),
            )
        )
    else:
        parts.append(sentence("{share} of the SSCs have any contact history.", share=with_history))
    return parts


# ---------------------------------------------------------------- stage 3


def describe_network(network: Network, company: Company, cite: Cite | None = None) -> Safe:
    """Which party is least aligned on customer data, and which suppliers touch SSC value.

    ``cite`` as in :func:`describe_portfolio`.
    """
    cite_ = _citer(cite)
    parts = [_lead(company)]
    parties = network.parties.dropna(subset=["percent"])
    if len(parties):
        worst, best = parties["percent"].idxmin(), parties["percent"].idxmax()
        parts.append(
            sentence(
                "Network alignment on customer data scores {alignment}: {best} are aligned "
                "best ({best_score}), {worst} least ({worst_score}).",
                alignment=cite_(network.figures()[0]),
                best=words(best),
                best_score=percent(parties.loc[best, "percent"] / 100),
                worst=words(worst),
                worst_score=percent(parties.loc[worst, "percent"] / 100),
            )
        )
        unscored = [words(p) for p in network.parties.index if p not in parties.index]
        if unscored:
            parts.append(sentence("Not scored: {parties}.", parties=names(unscored)))
    else:
        parts.append(sentence("{reason}.", reason=capitalise(network.reasons.get("parties", ""))))
    suppliers = network.suppliers
    if suppliers is not None and len(suppliers):
        top = suppliers.sort_values("share_of_ssc_revenue", ascending=False).head(3)
        parts.append(
            sentence(
                "Of {n} suppliers, the three whose products carry most of what the SSCs buy "
                "({names}) carry {share} of it; SSCs bring {ssc_share} of these suppliers' "
                "sales. They are the first to plan with customer demand data.",
                n=count(len(suppliers)),
                names=names(top.index),
                share=percent(top["share_of_ssc_revenue"].sum()),
                ssc_share=percent(top["ssc_revenue"].sum() / top["revenue"].sum()),
            )
        )
    elif "suppliers" in network.reasons:
        parts.append(
            sentence(
                "The value per supplier is not shown: {reason}.",
                reason=network.reasons["suppliers"],
            )
        )
    return paragraph(parts)


# ---------------------------------------------------------------- stage 4


def _needs(text: str) -> Safe:
    """A segment's comma-separated needs as words: ``a, b and c``."""
    return names([label(n) for n in text.split(", ") if n])


def describe_proposition(
    proposition: Proposition, company: Company, cite: Cite | None = None
) -> Safe:
    """Which needs segment the offer fits least, and why.

    ``cite`` as in :func:`describe_portfolio`.
    """
    cite_ = _citer(cite)
    profile = proposition.profile.dropna(subset=["fit"])
    segments = proposition.fit.segments
    parts = [
        sentence(
            "{lead} The survey splits the respondents into {k} needs segments; the offer fits "
            "them {fit} on average.",
            lead=_lead(company),
            k=str(proposition.segments.k),
            fit=cite_(proposition.figures()[0]),
        )
    ]
    if profile.empty:
        return paragraph(parts)
    worst, best = profile["fit"].idxmin(), profile["fit"].idxmax()
    row = segments.loc[worst]
    values = {
        "segment": worst,
        "fit": percent(profile.loc[worst, "fit"]),
        "needs": _needs(row["distinctive_needs"]),
    }
    if row["unanswered"]:
        parts.append(
            sentence(
                "It fits *{segment}* least ({fit}): its distinctive needs are {needs}, and "
                "nothing in the offer goes with {unanswered}.",
                unanswered=_needs(row["unanswered"]),
                **values,
            )
        )
    elif row["not_served"]:
        parts.append(
            sentence(
                "It fits *{segment}* least ({fit}): its distinctive needs are {needs}; fewer "
                "than half of its members buy more than average of what goes with {not_served}.",
                not_served=_needs(row["not_served"]),
                **values,
            )
        )
    else:
        parts.append(
            sentence(
                "It fits *{segment}* least ({fit}): its distinctive needs are {needs}.", **values
            )
        )
    if "nps" in profile.columns and not _is_nan(profile.loc[worst, "nps"]):
        parts.append(
            sentence("Its NPS is {nps}.", nps=number(profile.loc[worst, "nps"], 0, sign=True))
        )
    if best != worst:
        parts.append(
            sentence(
                "*{segment}* fits best ({fit}).",
                segment=best,
                fit=percent(profile.loc[best, "fit"]),
            )
        )
    weighted = proposition.value_weighted_fit
    if not _is_nan(weighted):
        parts.append(
            sentence(
                "Weighted by the value each segment brings, the offer fits {weighted}.",
                weighted=percent(weighted),
            )
        )
    first = proposition.first_segment
    if first is not None:
        parts.append(
            sentence(
                "The segment to develop the proposition for first is *{segment}*: it brings "
                "{value} of the respondents' value with a fit of {fit}, the most value the "
                "offer does not yet fit; {share} of its respondents are SSCs.",
                segment=first,
                value=percent(profile.loc[first, "value_share"]),
                fit=percent(profile.loc[first, "fit"]),
                share=percent(profile.loc[first, "ssc_share"]),
            )
        )
    rates = profile["process_cost_rate"].dropna() if "process_cost_rate" in profile else []
    if len(rates):
        costly = rates.idxmax()
        parts.append(
            sentence(
                "Lowering process costs, the other lever Buttle names: serving *{segment}* "
                "costs {rate} of its revenue, against {low} for the cheapest segment to serve.",
                segment=costly,
                rate=percent(rates.max()),
                low=percent(rates.min()),
            )
        )
    else:
        parts.append(
            sentence(
                "Lowering process costs, the other lever Buttle names, cannot be read: the "
                "cost to serve is not measured."
            )
        )
    parts.append(
        sentence(
            "The shift from product to service cannot be read from the data: it records "
            "products sold, not the services (advice, installation, maintenance) around "
            "them. Ask in the workshop which services the offer has added."
        )
    )
    return paragraph(parts)


# ---------------------------------------------------------------- stage 5


def _who(segment: str) -> Safe:
    """The customers a measure is of: all of them, or a segment's."""
    if segment in SEGMENT_CUSTOMERS:
        return Safe(shown(SEGMENT_CUSTOMERS[segment]))
    return sentence("{segment} customers", segment=segment)


def _development(measures) -> list[Safe]:
    """Up-sell, cross-sell and acquisition against their targets."""

    def row(measure: str, segment: str):
        rows = measures[(measures["measure"] == measure) & (measures["segment"] == segment)]
        return rows.iloc[0] if len(rows) else None

    upsell, cross = row("up-sell", "SSC"), row("cross-sell", "SSC")
    values = {"upsell": percent(upsell["value"]), "upsell_target": percent(upsell["target"])}
    if cross is not None:
        parts = [
            sentence(
                "{upsell} of the retained SSCs spent more than the year before (target "
                "{upsell_target}), and {cross} bought in a category new to them (target "
                "{cross_target}).",
                cross=percent(cross["value"]),
                cross_target=percent(cross["target"]),
                **values,
            )
        ]
    else:
        parts = [
            sentence(
                "{upsell} of the retained SSCs spent more than the year before (target "
                "{upsell_target}).",
                **values,
            )
        ]
    acquisition = row("acquisition", "all")
    if not _is_nan(acquisition["value"]):
        parts.append(
            sentence(
                "{ratio} new customers came in for every customer lost (target {target}).",
                ratio=decimal(acquisition["value"], 2),
                target=decimal(acquisition["target"], 2),
            )
        )
    return parts


def describe_relationships(
    relationships: Relationships,
    company: Company,
    cite: Cite | None = None,
) -> Safe:
    """Retention, development and acquisition against their targets; the largest shortfall.

    ``cite`` as in :func:`describe_portfolio`. The two years compared are named, and a
    year before only partly inside the data is said.
    """
    cite_ = _citer(cite)
    measures = relationships.measures
    figures = {f.id: f for f in relationships.figures()}
    before, last = relationships.period.split(" -> ") if relationships.period else ("", "")
    parts = [
        _lead(company),
        sentence(
            "Of last year's SSCs ({before}), {ssc} bought again in {last} (target "
            "{ssc_target}); of the other customers {other} (target {other_target}).",
            before=before,
            ssc=cite_(figures["retention_rate.ssc_last_year"]),
            last=last,
            ssc_target=cite_(figures["target.ssc_retention"]),
            other=cite_(figures["retention_rate.other"]),
            other_target=cite_(figures["target.retention"]),
        ),
    ]
    if relationships.caveat:
        parts.append(
            sentence("Read these measures with care: {caveat}.", caveat=relationships.caveat)
        )
    parts += _development(measures)
    short = measures[measures["value"] < measures["target"]]
    if len(short):
        gap = short.assign(ratio=short["value"] / short["target"]).sort_values("ratio").iloc[0]
        parts.append(
            sentence(
                "The largest shortfall is {measure} of {who}: {value} against {target}.",
                measure=shown(gap["measure"]),
                who=_who(gap["segment"]),
                value=percent(gap["value"]),
                target=percent(gap["target"]),
            )
        )
    elif measures["value"].notna().all():
        parts.append(sentence("Every measure meets its target."))
    else:
        parts.append(sentence("Every measure that could be taken meets its target."))
    source = relationships.ssc_by_source
    if source is not None and len(source):
        big = source[source["customers"] >= max(10, 0.02 * source["customers"].sum())]
        if len(big):
            channel = big["ssc_share"].idxmax()
            parts.append(
                sentence(
                    "Customers who came in through {channel} most often become SSCs ({share} "
                    "of them).",
                    channel=channel,
                    share=percent(big.loc[channel, "ssc_share"]),
                )
            )
    return paragraph(parts)


# ---------------------------------------------------------------- conditions


def describe_conditions(conditions: Conditions, company: Company) -> Safe:
    """The weakest and strongest supporting condition, or that none is scored yet."""
    areas = conditions.areas.dropna(subset=["score"])
    if areas.empty:
        return sentence(
            "{lead} No workshop answers for the supporting conditions are saved yet. Fill in "
            "the form in a workshop; until then the conditions stay grey in the diagram and "
            "are left out of the conclusion.",
            lead=_lead(company),
        )
    worst, best = areas["score"].idxmin(), areas["score"].idxmax()
    parts = [
        sentence(
            "{lead} Of the supporting conditions, {worst} scores lowest ({worst_score}) and "
            "{best} highest ({best_score}).",
            lead=_lead(company),
            worst=_lower(areas.loc[worst, "condition"]),
            worst_score=percent(areas.loc[worst, "score"]),
            best=_lower(areas.loc[best, "condition"]),
            best_score=percent(areas.loc[best, "score"]),
        )
    ]
    unscored = conditions.areas.index.difference(areas.index)
    if len(unscored):
        unscored_names = [_lower(conditions.areas.loc[a, "condition"]) for a in unscored]
        parts.append(sentence("Not scored: {conditions}.", conditions=names(unscored_names)))
    partly = conditions.areas[
        (conditions.areas["answered"] > 0)
        & (conditions.areas["answered"] < conditions.areas["total"])
    ]
    if len(partly):
        which = Safe(capitalise(names([_lower(c) for c in partly["condition"]])))
        parts.append(
            sentence("{conditions} was scored in part: read its score with care.", conditions=which)
            if len(partly) == 1
            else sentence(
                "{conditions} were scored in part: read their score with care.",
                conditions=which,
            )
        )
    return paragraph(parts)

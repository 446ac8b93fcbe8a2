"""The IDIC cycle as a whole: the diagram's figures, the verdict and its conclusion.

:func:`stages` puts the company's key figures on the four phases of
:func:`crmlib.diagrams.models.draw_idic`; :func:`verdict` gives the strategy report the
model's headline, findings and actions; :func:`describe_cycle` is the notebook's last
conclusion, from the same verdict.
"""

from __future__ import annotations

import re

import pandas as pd

from crmlib.analytics.profile import ASPECTS, completeness_words
from crmlib.formatting import count, money, percent
from crmlib.models.idic.analysis import IdicResult
from crmlib.models.idic.customize import Customization, plan_total
from crmlib.models.idic.differentiate import Differentiation
from crmlib.models.idic.identify import Identification
from crmlib.models.idic.interact import (
    Interaction,
    basis_words,
    plan_cadence_words,
)
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.stages import Stage
from crmlib.text import N_, Safe, escape, sentence, translate


def _words(template: str, **values: object) -> str:
    """``template`` in the report's language, filled as plain text.

    For the diagram's lines and the verdict's plain texts, which are not Markdown (the
    strategy report escapes what it shows).
    """
    return translate(template).format(**values)


MODEL = "IDIC"


def stages(
    identification: Identification | None,
    differentiation: Differentiation | None,
    interaction: Interaction | None,
    value: pd.DataFrame | None,
    currency: str,
    custom: Customization | None = None,
) -> list[Stage]:
    """The four phases with the company's key figures, for :func:`crmlib.diagrams.draw_idic`.

    A phase whose step was skipped shows what it lacks. Identify is coloured by the
    completeness of the customer picture (neutral when the data shows only some of its
    aspects), Interact by the share of customers who may be contacted; the other two
    have no 0-1 score and stay neutral.
    """
    if identification is not None:
        unmeasured = identification.picture.attrs.get("unmeasured", {})
        # three lines fit a phase's box: the scope goes on the completeness's own line
        picture = _words(
            N_("picture {completeness} ({n} of 6 aspects)")
            if unmeasured
            else N_("picture {completeness} complete"),
            completeness=percent(identification.completeness),
            n=len(ASPECTS) - len(unmeasured),
        )
        identify_stage = Stage(
            N_("Identify"),
            (
                _words(N_("{customers} customers"), customers=count(identification.customers)),
                picture,
                _words(
                    N_("{records} records doubled"), records=count(len(identification.duplicates))
                )
                if identification.duplicates_checked
                else translate("duplicates not checkable"),
            ),
            # a completeness over part of the picture is not coloured as if it were whole
            None if unmeasured else identification.completeness,
        )
    else:
        identify_stage = Stage(N_("Identify"), (translate("not measured"),))
    if differentiation is not None:
        d = differentiation
        differentiate_stage = Stage(
            N_("Differentiate"),
            (
                _words(
                    N_("top {customers} bring {value}"),
                    customers=percent(d.ssc_share),
                    value=percent(d.ssc_value_share),
                ),
                f"MVC {count(d.count('MVC'))} · MGC {count(d.count('MGC'))}",
                # below zero needs costs: without them the count is unknown, not zero
                f"BZ {count(d.count('BZ')) if d.bz_known else translate('n/a')}",
            ),
        )
    else:
        differentiate_stage = Stage(N_("Differentiate"), (translate("not measured"),))
    if interaction is not None:
        plan = interaction.plan
        if plan["reachable"].isna().all():
            reach = None
            lines = [translate("consent not recorded")]
        else:
            reach = plan["reachable"].sum() / max(plan["customers"].sum(), 1)
            lines = [
                _words(
                    N_("{reachable} reachable ({share})"),
                    reachable=count(plan["reachable"].sum()),
                    share=percent(reach),
                )
            ]
        rate = interaction.service["response_rate"]
        sent = interaction.service["sent"]
        if sent.sum() > 0:
            lines.append(
                _words(N_("response {rate}"), rate=percent((rate * sent).sum() / sent.sum(), 1))
            )
        channels = plan["channel"].dropna()
        if len(channels):
            lines.append(_words(N_("via {channel}"), channel=channels.mode().iloc[0]))
        interact_stage = Stage(
            N_("Interact"), tuple(lines), float(reach) if reach is not None else None
        )
    else:
        interact_stage = Stage(N_("Interact"), (translate("not measured"),))
    lines = []
    if custom is not None and len(custom.by_segment):
        label = "name" if "name" in custom.by_segment.columns else "product_id"
        first = custom.by_segment.iloc[0]
        pick = str(first[label])
        lines.append(f"{translate(first['segment'])}: {pick[:22]}")
    total = plan_total(value) if value is not None else None
    if total is not None:
        lines.append(_words(N_("{amount} a year"), amount=money(total, currency)))
    customize_stage = Stage(N_("Customize"), tuple(lines) or (translate("not measured"),))
    return [identify_stage, differentiate_stage, interact_stage, customize_stage]


def verdict(result: IdicResult) -> ModelVerdict:
    """IDIC's verdict for the strategy report, from :func:`~crmlib.models.idic.analyse`'s
    result (or the notebook's phases gathered in an :class:`IdicResult`)."""
    r = result
    return verdict_from(
        r.identification,
        r.differentiation,
        r.interaction,
        r.value,
        r.currency,
        r.customization,
        needs=r.needs,
    )


def diagram(result: IdicResult) -> list[Stage]:
    """The four phases with the company's figures, for :func:`crmlib.diagrams.draw_idic`."""
    r = result
    return stages(
        r.identification, r.differentiation, r.interaction, r.value, r.currency, r.customization
    )


def verdict_from(
    ident: Identification,
    diff: Differentiation,
    inter: Interaction,
    value: pd.DataFrame,
    currency: str,
    custom: Customization | None = None,
    *,
    needs: pd.DataFrame | None = None,
) -> ModelVerdict:
    """The verdict from phases already computed (what :func:`verdict` reads).

    ``needs`` (mean need scores per value category) lets each segment's offer be
    checked against what the segment values most.

    The texts are plain (not escaped): the strategy report escapes what it shows.
    """
    plan = inter.plan
    words = translate(N_("margin") if diff.value_metric == "margin" else N_("revenue"))
    total = plan_total(value)
    consent_known = plan["reachable"].notna().any()
    reachable = int(plan["reachable"].sum()) if consent_known else None
    headline = sentence(
        "{ssc_count} strategically significant customers bring {ssc_value_share} of the {words}",
        ssc_count=count(diff.ssc_count),
        ssc_value_share=percent(diff.ssc_value_share),
        words=words,
    )
    if not consent_known:
        headline += translate(
            "; who may be contacted with a plan per value category is not known "
            "(marketing consent is not recorded)."
        )
    elif total is not None:
        # every past response is counted (the campaigns had no control group): an upper
        # bound, which the strategy report values net of the share that comes anyway
        headline += sentence(
            "; a plan per value category for the {reachable} reachable customers would "
            "bring up to {total} of margin a year, counting every past response as the "
            "offer's.",
            reachable=count(reachable),
            total=money(total, currency),
        )
    else:
        headline += sentence(
            "; {reachable} customers may be contacted with a plan per value category.",
            reachable=count(reachable),
        )
    loss = float(diff.table.loc[diff.table["value_category"] == "BZ", "current_value"].sum())
    picture = sentence(
        "The customer picture is {completeness}; ",
        completeness=completeness_words(ident.picture),
    ) + (
        sentence(
            "{duplicates} records look like duplicates",
            duplicates=count(len(ident.duplicates)),
        )
        if ident.duplicates_checked
        else translate("duplicates cannot be checked (no names and postcodes)")
    )
    picture += (
        sentence(
            " and {no_consent} of customers may not be contacted.",
            no_consent=percent(1 - ident.coverage["marketing consent"]),
        )
        if ident.consent_known
        else translate("; marketing consent is not recorded.")
    )
    findings = [picture, _categories_finding(diff, loss, currency)]
    if inter.lessons is not None:
        clear = inter.lessons[inter.lessons["verdict"].isin(["above", "below"])]
        findings.append(
            sentence(
                "{clear} of {lessons} offer-segment combinations of past campaigns "
                "differ clearly from their segment's average; the rest are noise.",
                clear=count(len(clear)),
                lessons=count(len(inter.lessons)),
            )
        )
    if custom is not None and len(custom.by_segment):
        label = "name" if "name" in custom.by_segment.columns else "product_id"
        firsts = custom.by_segment[custom.by_segment["rank"] == 1]
        findings.append(
            _words(
                N_("First next-best product per segment: {picks}."),
                picks="; ".join(
                    f"{translate(r['segment'])} {r[label]}" for r in firsts.to_dict("records")
                ),
            )
        )
    figures = {
        "customers": float(ident.customers),
        "picture_completeness": ident.completeness,
        "probable_duplicate_records": float(len(ident.duplicates))
        if ident.duplicates_checked
        else None,
        "unknown_customer_rows": float(ident.unknown),
        "ssc": float(diff.ssc_count),
        "ssc_value_share": diff.ssc_value_share,
        "mvc": float(diff.count("MVC")),
        "mgc": float(diff.count("MGC")),
        "bz": float(diff.count("BZ")) if diff.bz_known else None,
        "bz_loss": abs(loss)
        if diff.value_metric == "margin"
        and (diff.base is None or diff.base.meta["cost_to_serve_known"])
        else None,
        "reachable": float(reachable) if reachable is not None else None,
    }
    figures = {k: v for k, v in figures.items() if v is not None}
    if total is not None:
        figures["plan_value_per_year"] = total
    actions = [
        _segment_action(segment, row, value, diff, currency, needs)
        for segment, row in plan.iterrows()
    ]
    fix = _identify_action(ident)
    if fix is not None:
        actions.append(fix)
    actions.sort(key=lambda a: (a.priority, -(a.expected_value or 0.0)))
    return ModelVerdict(
        model=MODEL, headline=headline, findings=findings, figures=figures, actions=actions
    )


#: What each value category's plan moves.
LEVER = {"MVC": "retention", "MGC": "penetration", "other": "penetration", "BZ": "cost_to_serve"}
_PRIORITY = {"MVC": 1, "MGC": 2, "other": 3, "BZ": 2}
_OWNER = {
    "MVC": N_("marketing"),
    "MGC": N_("marketing"),
    "other": N_("marketing"),
    "BZ": N_("customer service"),
}


def _segment_ids(diff: Differentiation, segment: str, reachable_only: bool) -> tuple[str, ...]:
    """The ids of a value category's customers (those with consent, where it is known)."""
    table = diff.table
    if "value_category" not in table.columns or "customer_id" not in table.columns:
        return ()
    chosen = table["value_category"] == segment
    if reachable_only and "consent_marketing" in table.columns:
        chosen &= table["consent_marketing"].astype("boolean").fillna(False).to_numpy(bool)
    return tuple(table.loc[chosen, "customer_id"].astype(str))


#: How many of a segment's highest-scored needs an offer should address.
TOP_NEEDS = 3


def offer_fit(offer: str | None, segment: str, needs: pd.DataFrame | None) -> str:
    """Whether a segment's offer fits its top needs, in words ("" when it cannot be told).

    A segment's top needs are those it scores most above the average respondent (mean
    score over the respondents' mean). An offer with a percentage in its text is read as
    a discount, which addresses the need "price"; other offers are not classified.
    """
    if offer is None or needs is None or segment not in needs.index or "%" not in offer:
        return ""
    dims = needs.drop(columns=["respondents", "nps"], errors="ignore").astype(float)
    weights = needs["respondents"].astype(float)
    overall = dims.mul(weights, axis=0).sum() / weights.sum()
    # what the segment values more than the average customer: its distinctive needs
    index = (dims.loc[segment] / overall).dropna().sort_values(ascending=False, kind="mergesort")
    if "price" not in index.index or len(index) <= TOP_NEEDS:
        return ""
    top = [str(n).replace("_", " ") for n in index.index[:TOP_NEEDS]]
    if "price" in index.index[:TOP_NEEDS]:
        return sentence(
            "the offer is a discount, and price is among the needs the segment values "
            "above average ({top})",
            top=", ".join(top),
        )
    rank = list(index.index).index("price") + 1
    return sentence(
        "the offer is a discount, but the segment values {top} most above the average "
        "customer (price ranks {rank} of {needs}): an offer around those needs fits it better",
        top=", ".join(top),
        rank=rank,
        needs=len(index),
    )


def _discount(offer: str | None) -> float | None:
    """The discount an offer's text names ("15 % off" -> 0.15); None when it names none."""
    found = re.search(r"(\d+(?:[.,]\d+)?)\s*%", offer or "")
    if found is None:
        return None
    share = float(found.group(1).replace(",", ".")) / 100
    return share if 0 < share < 1 else None


def _segment_action(
    segment: str,
    row: pd.Series,
    value: pd.DataFrame,
    diff: Differentiation,
    currency: str,
    needs: pd.DataFrame | None = None,
) -> Action:
    """The plan of one value category as an action, valued gross with its contact cost.

    The value counts every past response to the offer, including purchases that would
    have happened anyway (the campaigns had no control group): the model has no
    baseline, so the report applies its stated incremental share.
    """
    known = segment in value.index and pd.notna(value.loc[segment, "expected_value"])
    facts = value.loc[segment] if segment in value.index else None
    reach_known = pd.notna(row["reachable"])
    contacts = float(row["reachable"] * row["frequency"]) if reach_known else None
    cost_each = row.get("cost_per_contact", float("nan"))
    gross = None
    if known:
        gross = float(
            facts["reachable"] * facts["frequency"] * facts["take_up"] * facts["basket_margin"]
        )
    rationale = sentence(
        "{segment}: {customers} customers; goal '{goal}' (Peppers & Rogers).",
        segment=translate(segment),
        customers=count(row["customers"]),
        goal=translate(row["goal"]),
    )
    assumptions = []
    if known:
        assumptions.append(
            sentence(
                "take-up {take_up}: the past response to the offer in the segment ({sent} "
                "sent), basket from {basis} as paid (after any discount); responses include "
                "purchases that would have happened anyway, on which the discount is a cost",
                take_up=percent(facts["take_up"], 1),
                sent=count(row["offer_sent"]),
                basis=translate(facts["basket_basis"]),
            )
        )
    fit = offer_fit(row["offer"], segment, needs)
    if fit:
        assumptions.append(fit)
    if row["channel"] is not None:
        assumptions.append(
            sentence(
                "channel {channel} chosen on {basis} of past campaigns, which carried "
                "different offers: the channel's lead is not separated from the offer's and "
                "is uncertain",
                channel=row["channel"],
                basis=basis_words(row["channel_basis"]),
            )
        )
    common = {
        "owner": translate(_OWNER.get(segment, "marketing")),
        "model": MODEL,
        "customers": _segment_ids(diff, segment, reachable_only=reach_known),
        "customer_set": sentence("{segment} customers with consent", segment=translate(segment))
        if reach_known
        else sentence("{segment} customers", segment=translate(segment)),
        "customer_count": int(row["reachable"]) if reach_known else int(row["customers"]),
        "assumptions": "; ".join(assumptions),
        "effort": 1,
        "needs": ("consent", "readiness"),
    }
    if gross is not None and facts["value_per_contact"] < 0:
        # selling to them costs more than it brings: the action is to serve for less
        title = sentence(
            "{segment} ({reach}): {goal}; hold the offers, which cost more than they bring "
            "at the past response, and serve them through the cheapest channel",
            segment=translate(segment),
            reach=_reach(row),
            goal=translate(row["goal"]),
        )
        rationale += sentence(
            " The plan's offer would lose {loss} a year.",
            loss=money(abs(facts["expected_value"]), currency),
        )
        return Action(
            title=title, expected_value=None, rationale=rationale, priority=3,
            lever="cost_to_serve", **{**common, "needs": ()},
        )  # fmt: skip
    how = []
    if row["offer"] is not None:
        how.append(sentence("offer '{offer}'", offer=row["offer"]))
    if row["channel"] is not None:
        how.append(sentence("via {channel}", channel=row["channel"]))
    how.append(plan_cadence_words(row))
    cost, drivers = None, {}
    if contacts is not None and pd.notna(cost_each):
        cost = contacts * float(cost_each)
    elif contacts is not None:
        drivers = {"contacts": contacts}
    discount = _discount(row["offer"])
    if gross is not None and discount:
        # the discount on purchases that would have happened anyway is a cost: the
        # response revenue is as paid, so the full price was revenue / (1 - discount)
        responses = facts["reachable"] * facts["frequency"] * facts["take_up"]
        given = responses * facts["basket_revenue"] * discount / (1 - discount)
        drivers["anyway_discount"] = float(given)
    return Action(
        title=sentence(
            "{segment} ({reach}): {goal}; ",
            segment=translate(segment),
            reach=_reach(row),
            goal=translate(row["goal"]),
        )
        + " ".join(how),
        expected_value=gross,
        rationale=rationale,
        priority=_PRIORITY.get(segment, 3),
        lever=LEVER.get(segment, "penetration"),
        cost=cost,
        cost_drivers=drivers,
        incremental=None,
        **common,
    )


def _identify_action(ident: Identification) -> Action | None:
    """Merge duplicates and record or ask for consent: a data action.

    Without a consent record no campaign may be sent, so recording it is a blocker
    (it opens the gate "consent").
    """
    fixes = []
    if ident.duplicates_checked and len(ident.duplicates):
        fixes.append(
            _words(
                N_("merge the {records} probable duplicate records"),
                records=count(len(ident.duplicates)),
            )
        )
    elif not ident.duplicates_checked:
        fixes.append(translate("record names and postcodes, so duplicates can be found"))
    no_consent = None
    if ident.consent_known:
        no_consent = int(round((1 - ident.coverage["marketing consent"]) * ident.customers))
        if no_consent:
            fixes.append(
                _words(
                    N_("ask the {customers} customers without marketing consent for it"),
                    customers=count(no_consent),
                )
            )
    else:
        fixes.append(translate("record each customer's marketing consent (consent_marketing)"))
    if not fixes:
        return None
    text = translate(" and ").join(fixes)
    return Action(
        title=text[0].upper() + text[1:],
        owner="IT",
        expected_value=None,
        model=MODEL,
        rationale=_words(
            N_(
                "Identify: the customer picture is {completeness}, and only customers "
                "with consent can be reached."
            ),
            completeness=completeness_words(ident.picture),
        ),
        priority=2,
        lever="data",
        customer_set=translate("customers without marketing consent")
        if ident.consent_known
        else translate("all customers"),
        customer_count=no_consent if ident.consent_known else int(ident.customers),
        cost_drivers={"projects": 1},
        effort=1 if ident.consent_known else 2,
        unblocks="" if ident.consent_known else "consent",
    )


def _reach(row: pd.Series) -> str:
    """A plan row's reach in words: "120 reachable", or unknown without consent data."""
    if pd.isna(row["reachable"]):
        return sentence(
            "{customers} customers, consent not recorded",
            customers=count(row["customers"]),
        )
    return sentence(
        "{reachable} reachable",
        reachable=count(row["reachable"]),
    )


def _categories_finding(diff: Differentiation, loss: float, currency: str) -> str:
    """The value categories in one sentence; a category the base cannot count is said so."""
    parts = [
        sentence(
            "{mvc} MVC to retain",
            mvc=count(diff.count("MVC")),
        )
    ]
    mgc = diff.figure("value_category_count.MGC") if diff.base is not None else None
    if mgc is not None and mgc.status == "unavailable":
        parts.append(translate("the MGC cannot be told (no lifetime-value forecast)"))
    else:
        parts.append(
            sentence(
                "{mgc} MGC to develop",
                mgc=count(diff.count("MGC")),
            )
        )
    bz = diff.count("BZ")
    if diff.value_metric == "revenue":
        if bz:
            parts.append(
                sentence(
                    "{bz} customers whose returns exceeded their purchases",
                    bz=count(bz),
                )
            )
        text = ", ".join(parts) + translate(
            "; who costs more than they bring (BZ) needs cost data, which the data lacks"
        )
    elif diff.base is not None and not diff.base.meta["cost_to_serve_known"]:
        text = ", ".join(parts) + translate(
            "; who costs more to serve than they bring (BZ) needs contact costs, which the "
            "data lacks"
        )
    elif bz:
        parts.append(
            sentence(
                "{bz} BZ who lost {loss} over the last {horizon_months} months",
                bz=count(bz),
                loss=money(abs(loss), currency),
                horizon_months=diff.horizon_months,
            )
        )
        text = ", ".join(parts[:-1]) + translate(" and ") + parts[-1]
    else:
        text = ", ".join(parts) + translate("; no customer was below zero")
    return text + "."


def describe_cycle(verdict: ModelVerdict, currency: str, *, actions: int = 3) -> str:
    """The cycle's conclusion: the verdict's headline and the first actions."""
    text = escape(verdict.headline)
    parts = []
    for action in verdict.actions[:actions]:
        part = sentence(
            "{title} ({owner}",
            title=action.title,
            owner=translate(action.owner),
        )
        if action.expected_value is not None:
            part += sentence(
                ", about {expected_value} a year",
                expected_value=money(action.expected_value, currency),
            )
        parts.append(part + ")")
    if parts:
        text += sentence(" Where to start: {actions}.", actions=Safe("; ".join(parts)))
    return text

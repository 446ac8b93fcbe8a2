"""The IDIC cycle as a whole: the diagram's figures, the verdict and its conclusion.

:func:`stages` puts the company's key figures on the four phases of
:func:`crmlib.diagrams.models.draw_idic`; :func:`verdict` gives the strategy report the
model's headline, findings and actions; :func:`describe_cycle` is the notebook's last
conclusion, from the same verdict.
"""

from __future__ import annotations

import pandas as pd

from crmlib.formatting import count, money, percent
from crmlib.models.idic.analysis import IdicResult
from crmlib.models.idic.customize import Customization, plan_total
from crmlib.models.idic.differentiate import Differentiation
from crmlib.models.idic.identify import Identification
from crmlib.models.idic.interact import Interaction
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.stages import Stage
from crmlib.text import escape, sentence

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
    completeness of the customer picture, Interact by the share of customers who may be
    contacted; the other two have no 0-1 score and stay neutral.
    """
    if identification is not None:
        identify_stage = Stage(
            "Identify",
            (
                f"{count(identification.customers)} customers",
                f"picture {percent(identification.completeness)} complete",
                f"{count(len(identification.duplicates))} records doubled"
                if identification.duplicates_checked
                else "duplicates not checkable",
            ),
            identification.completeness,
        )
    else:
        identify_stage = Stage("Identify", ("not measured",))
    if differentiation is not None:
        d = differentiation
        differentiate_stage = Stage(
            "Differentiate",
            (
                f"top {percent(d.ssc_share)} bring {percent(d.ssc_value_share)}",
                f"MVC {count(d.count('MVC'))} · MGC {count(d.count('MGC'))}",
                f"BZ {count(d.count('BZ'))}",
            ),
        )
    else:
        differentiate_stage = Stage("Differentiate", ("not measured",))
    if interaction is not None:
        plan = interaction.plan
        if plan["reachable"].isna().all():
            reach = None
            lines = ["consent not recorded"]
        else:
            reach = plan["reachable"].sum() / max(plan["customers"].sum(), 1)
            lines = [f"{count(plan['reachable'].sum())} reachable ({percent(reach)})"]
        rate = interaction.service["response_rate"]
        sent = interaction.service["sent"]
        if sent.sum() > 0:
            lines.append(f"response {percent((rate * sent).sum() / sent.sum(), 1)}")
        channels = plan["channel"].dropna()
        if len(channels):
            lines.append(f"via {channels.mode().iloc[0]}")
        interact_stage = Stage(
            "Interact", tuple(lines), float(reach) if reach is not None else None
        )
    else:
        interact_stage = Stage("Interact", ("not measured",))
    lines = []
    if custom is not None and len(custom.by_segment):
        label = "name" if "name" in custom.by_segment.columns else "product_id"
        first = custom.by_segment.iloc[0]
        pick = str(first[label])
        lines.append(f"{first['segment']}: {pick[:22]}")
    total = plan_total(value) if value is not None else None
    if total is not None:
        lines.append(f"{money(total, currency)} a year")
    customize_stage = Stage("Customize", tuple(lines) or ("not measured",))
    return [identify_stage, differentiate_stage, interact_stage, customize_stage]


def verdict(result: IdicResult) -> ModelVerdict:
    """IDIC's verdict for the strategy report, from :func:`~crmlib.models.idic.analyse`'s
    result (or the notebook's phases gathered in an :class:`IdicResult`)."""
    r = result
    return verdict_from(
        r.identification, r.differentiation, r.interaction, r.value, r.currency, r.customization
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
) -> ModelVerdict:
    """The verdict from phases already computed (what :func:`verdict` reads).

    The texts are plain (not escaped): the strategy report escapes what it shows.
    """
    plan = inter.plan
    words = "margin" if diff.value_metric == "margin" else "revenue"
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
        headline += (
            "; who may be contacted with a plan per value category is not known "
            "(marketing consent is not recorded)."
        )
    elif total is not None:
        headline += sentence(
            "; a plan per value category for the {reachable} reachable customers is "
            "expected to bring {total} of margin a year.",
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
        "The customer picture is {completeness} complete; ",
        completeness=percent(ident.completeness),
    ) + (
        sentence(
            "{duplicates} records look like duplicates",
            duplicates=count(len(ident.duplicates)),
        )
        if ident.duplicates_checked
        else "duplicates cannot be checked (no names and postcodes)"
    )
    picture += (
        sentence(
            " and {no_consent} of customers may not be contacted.",
            no_consent=percent(1 - ident.coverage["marketing consent"]),
        )
        if ident.consent_known
        else "; marketing consent is not recorded."
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
            "First next-best product per segment: "
            + "; ".join(f"{r['segment']} {r[label]}" for r in firsts.to_dict("records"))
            + "."
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
        "bz": float(diff.count("BZ")),
        "bz_loss": abs(loss)
        if diff.value_metric == "margin"
        and (diff.base is None or diff.base.meta["cost_to_serve_known"])
        else None,
        "reachable": float(reachable) if reachable is not None else None,
    }
    figures = {k: v for k, v in figures.items() if v is not None}
    if total is not None:
        figures["plan_value_per_year"] = total
    actions = []
    priority = {"MVC": 1, "MGC": 2, "other": 3, "BZ": 2}
    owner = {"MVC": "marketing", "MGC": "marketing", "other": "marketing", "BZ": "customer service"}
    for segment, row in plan.iterrows():
        expected = value.loc[segment, "expected_value"] if segment in value.index else None
        expected = float(expected) if expected is not None and pd.notna(expected) else None
        rationale = (
            f"{segment}: {count(row['customers'])} customers; goal '{row['goal']}' "
            "(Peppers & Rogers)."
        )
        if expected is not None and expected < 0:
            # selling to them costs more than it brings: the action is to serve for less
            title = (
                f"{segment} ({_reach(row)}): {row['goal']}; hold the "
                "offers, which cost more than they bring at the past response, and serve "
                "them through the cheapest channel"
            )
            rationale += f" The plan's offer would lose {money(abs(expected), currency)} a year."
            expected, rank = None, 3
        else:
            how = []
            if row["offer"] is not None:
                how.append(f"offer '{row['offer']}'")
            if row["channel"] is not None:
                how.append(f"via {row['channel']}")
            how.append(str(row["cadence"]))
            title = f"{segment} ({_reach(row)}): {row['goal']}; " + " ".join(how)
            rank = priority.get(segment, 3)
        actions.append(
            Action(
                title=title,
                owner=owner.get(segment, "marketing"),
                expected_value=expected,
                model=MODEL,
                rationale=rationale,
                priority=rank,
            )
        )
    fixes = []
    if ident.duplicates_checked and len(ident.duplicates):
        fixes.append(f"merge the {count(len(ident.duplicates))} probable duplicate records")
    elif not ident.duplicates_checked:
        fixes.append("record names and postcodes, so duplicates can be found")
    if ident.consent_known:
        no_consent = int(round((1 - ident.coverage["marketing consent"]) * ident.customers))
        if no_consent:
            fixes.append(f"ask the {count(no_consent)} customers without marketing consent for it")
    else:
        fixes.append("record each customer's marketing consent (consent_marketing)")
    if fixes:
        actions.append(
            Action(
                title=(" and ".join(fixes))[0].upper() + (" and ".join(fixes))[1:],
                owner="IT",
                expected_value=None,
                model=MODEL,
                rationale=f"Identify: the customer picture is {percent(ident.completeness)} "
                "complete, and only customers with consent can be reached.",
                priority=2,
            )
        )
    actions.sort(key=lambda a: (a.priority, -(a.expected_value or 0.0)))
    return ModelVerdict(
        model=MODEL, headline=headline, findings=findings, figures=figures, actions=actions
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
        parts.append("the MGC cannot be told (no lifetime-value forecast)")
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
        text = ", ".join(parts) + (
            "; who costs more than they bring (BZ) needs cost data, which the data lacks"
        )
    elif diff.base is not None and not diff.base.meta["cost_to_serve_known"]:
        text = ", ".join(parts) + (
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
        text = ", ".join(parts[:-1]) + " and " + parts[-1]
    else:
        text = ", ".join(parts) + "; no customer was below zero"
    return text + "."


def describe_cycle(verdict: ModelVerdict, currency: str, *, actions: int = 3) -> str:
    """The cycle's conclusion: the verdict's headline and the first actions."""
    text = escape(verdict.headline)
    parts = []
    for action in verdict.actions[:actions]:
        part = sentence(
            "{title} ({owner}",
            title=action.title,
            owner=action.owner,
        )
        if action.expected_value is not None:
            part += sentence(
                ", about {expected_value} a year",
                expected_value=money(action.expected_value, currency),
            )
        parts.append(part + ")")
    if parts:
        text += " Where to start: " + "; ".join(parts) + "."
    return text

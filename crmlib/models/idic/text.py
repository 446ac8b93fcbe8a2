"""Words IDIC's results: the sentences under each phase of the notebook.

Each function takes a result of :mod:`~crmlib.models.idic.identify`,
:mod:`~crmlib.models.idic.differentiate`, :mod:`~crmlib.models.idic.interact` or
:mod:`~crmlib.models.idic.customize` and words it; the figures are computed there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from crmlib.analytics.baseline import revenue_forecast_change, selection_baseline
from crmlib.analytics.pareto import follows_20_80
from crmlib.analytics.profile import completeness_words
from crmlib.errors import MissingDataError
from crmlib.figures import Figure, format_value
from crmlib.formatting import count, money, percent
from crmlib.models.idic.customize import Customization, plan_total, require_customization
from crmlib.models.idic.differentiate import Differentiation, NeedsView, category_summary
from crmlib.models.idic.identify import Identification
from crmlib.models.idic.interact import Interaction, plan_cadence_words
from crmlib.text import N_, Safe, listing, number, plural, sentence, translate


def describe_identify(result: Identification) -> str:
    """The Identify conclusion: what is known, what is missing, and identity problems."""
    c = result.coverage
    recorded = c.drop(list(result.unrecorded))
    text = (
        sentence(
            "Of the {customers} customer records, the share with each kind of data: ",
            customers=count(result.customers),
        )
        + listing(
            (
                sentence("{data} {share}", data=translate(k), share=percent(v))
                for k, v in recorded.items()
            )
        )
        + sentence(
            ". On average the customer picture is {completeness}",
            completeness=completeness_words(result.picture),
        )
    )
    # a kind of data every customer has is not thin: only those below 100% are named
    weakest = recorded.drop(["name", "address"], errors="ignore")
    weakest = weakest[weakest < 1].sort_values().head(2)
    parts = [
        sentence("{data} ({share})", data=translate(k), share=percent(v))
        for k, v in weakest.items()
    ]
    if len(parts) == 2:
        text += sentence("; the thinnest parts are {parts}", parts=listing(parts, N_(" and ")))
    elif parts:
        text += sentence("; the thinnest part is {part}", part=parts[0])
    text += "."
    if result.unrecorded:
        text += sentence(
            " The data does not record {data} at all: the steps that need them say so and move on.",
            data=listing(translate(k) for k in result.unrecorded),
        )
    if result.customers_derived:
        # every customer is an id of the transactions: no row can point to an unknown one,
        # and no record can be a second record of another customer
        text += translate(
            " There is no customer table: the customers are the ids in the transactions, "
            "so neither customers registered twice nor sales of unknown customers can be "
            "found."
        )
        return text  # no customer table: no households, no unknown references either
    if not result.duplicates_checked:
        text += translate(
            " Probable duplicates cannot be looked for: the customer table has no names and "
            "postcodes to compare. Add both columns to find customers registered twice."
        )
    elif result.duplicate_groups:
        text += sentence(
            " {duplicates} records in {groups} share a name "
            "and postcode: probably the same customer registered twice. Until they "
            "are merged, each counts as two smaller customers, which understates "
            "their value and may send them an offer twice.",
            duplicates=count(len(result.duplicates)),
            groups=plural(result.duplicate_groups, "group", "groups"),
        )
    else:
        text += translate(
            " No two records share a name and postcode: there are no probable duplicates."
        )
    if result.households:
        text += sentence(
            " {households} households or accounts hold more than one customer "
            "record; they are kept apart here, as the data records them.",
            households=count(result.households),
        )
    tables = listing(t for t in result.unknown_references.index)
    text += sentence(
        " {unknown} rows of {tables} point to an unknown customer. The workbook "
        "refuses such data when it loads it: a sale or a contact that belongs to "
        "no known customer cannot be put in anyone's picture, and would inflate "
        "totals that no customer explains. The fix is in the export (add the "
        "missing customers or correct the ids), not in the analysis.",
        unknown=count(result.unknown),
        tables=tables,
    )
    return text


def signed_percent(share: float) -> str:
    """A change as a share with its sign, in the locale's format: ``+5%``, ``-60%``."""
    return ("+" if share >= 0 else "") + percent(share)


def _cost_to_serve_known(result: Differentiation) -> bool:
    """Whether the base measured the cost to serve (interactions and channel costs)."""
    return result.base is None or bool(result.base.meta["cost_to_serve_known"])


def _metric_words(result: Differentiation, *, short: bool = False) -> str:
    """What value is measured in, in English (translated where it is shown).

    ``short`` is the form of the statement in figures ("... cost to serve").
    """
    if result.value_metric == "margin":
        if not _cost_to_serve_known(result):
            if short:
                return N_("margin before the unmeasured cost to serve")
            return N_("margin before the unmeasured cost of serving them")
        if short:
            return N_("margin after the cost to serve")
        return N_("margin after the cost of serving them")
    return N_("revenue")


def _window_words(window: str) -> str:
    """A base's window ``"2025-01-01..2025-12-31"`` in words: ``"2025-01-01 to 2025-12-31"``."""
    start, _, end = str(window).partition("..")
    return translate("{start} to {end}").format(start=start, end=end) if end else start


def describe_value_settings(result: Differentiation) -> str:
    """One line on the current settings of the live control and what they give."""
    return sentence(
        "With the top {ssc_share} as strategically significant customers and a "
        "{horizon_months}-month horizon, they bring {ssc_value_share} of the "
        "{metric}; {mvc} MVC, ",
        ssc_share=percent(result.ssc_share),
        horizon_months=result.horizon_months,
        ssc_value_share=percent(result.ssc_value_share),
        metric=translate(_metric_words(result)),
        mvc=count(result.count("MVC")),
    ) + (
        sentence(
            "{mgc} MGC and {bz} BZ.",
            mgc=count(result.count("MGC")),
            bz=count(result.count("BZ")),
        )
        if result.value_metric == "margin" and _cost_to_serve_known(result)
        else sentence(
            "{mgc} MGC (BZ need cost data).",
            mgc=count(result.count("MGC")),
        )
    )


def describe_differentiate(
    result: Differentiation, currency: str, cite: Callable[[Figure], str] | None = None
) -> str:
    """The Differentiate conclusion: the 20/80 view and the value categories.

    The SSC count (and, for the top 20%, their share of value) are the customer base's
    figures ``ssc_count`` and ``top20_share``, written by ``cite`` (plainly by default).
    """
    cite = cite or format_value
    summary = category_summary(result)
    months = result.horizon_months
    words = translate(_metric_words(result))
    share = result.ssc_value_share
    ssc_count, share_text = count(result.ssc_count), percent(share)
    top20_value = None
    if result.base is not None:
        ssc_count = Safe(cite(result.figure("ssc_count")))
        top20 = result.figure("top20_share")
        if top20.status != "unavailable":
            top20_value = float(top20.value)
            if result.ssc_share == 0.2:
                share_text = Safe(cite(top20))
    text = sentence(
        "Over the last {months} months, the {ssc_count} strategically "
        "significant customers (the top {ssc_share} by {words}) brought {share} "
        "of it.",
        months=months,
        ssc_count=ssc_count,
        ssc_share=percent(result.ssc_share),
        words=words,
        share=share_text,
    )
    if share > 1:
        text += translate(
            " That is more than all of it: the other customers together cost more than they bring."
        )
    elif follows_20_80(top20_value if top20_value is not None else share):
        # the top 20%'s share, by the rule every report uses (the SSCs' own share when
        # they are another top share and no top-20% figure is known)
        text += translate(" Value is concentrated, as the 20/80 rule expects.")
    else:
        text += translate(" Value is spread more evenly than the 20/80 rule expects.")
    mvc, mgc, bz = summary.loc["MVC"], summary.loc["MGC"], summary.loc["BZ"]
    forecast = result.table["expected_value"].notna().any()
    text += sentence(
        " Peppers & Rogers' categories: **{customers} MVC** to retain",
        customers=count(mvc["customers"]),
    )
    if forecast:
        # the expected value is the base's: the next 12 months, whatever the window
        text += sentence(
            " (on average {mean_value} now and {mean_expected_value} expected over "
            "the next 12 months)",
            mean_value=money(mvc["mean_value"], currency),
            mean_expected_value=money(mvc["mean_expected_value"], currency),
        )
        text += sentence(
            "; **{customers} MGC** to develop (their expected {footing} of the next 12 "
            "months exceeds that of the past 12 by {mean_growth} on average: like with "
            "like, both before the cost to serve, so a customer who is merely costly to "
            "serve does not look growable)",
            customers=count(mgc["customers"]),
            footing=translate(
                N_("gross margin") if result.value_metric == "margin" else N_("revenue")
            ),
            mean_growth=money(mgc["mean_growth"], currency),
        )
    else:
        text += sentence(
            " (on average {mean_value} now); the most growable (MGC) cannot be told, "
            "because the lifetime-value models gave no forecast",
            mean_value=money(mvc["mean_value"], currency),
        )
    if result.value_metric == "revenue":
        text += translate(
            ". Who costs more than they bring (BZ) cannot be told on revenue: it needs the "
            "cost of the goods and of the contacts"
        )
        if bz["customers"]:
            text += sentence(
                "; {customers} customers returned more than they bought over the period",
                customers=count(bz["customers"]),
            )
    elif not _cost_to_serve_known(result):
        text += translate(
            ". Who costs more to serve than they bring (BZ) cannot be told: the data has no "
            "contact costs (interactions and channels with cost_per_contact)"
        )
        if bz["customers"]:
            text += sentence(
                "; {customers} customers had a negative margin even before it",
                customers=count(bz["customers"]),
            )
    else:
        text += sentence(
            "; and **{customers} BZ** who cost more to serve than they bring",
            customers=count(bz["customers"]),
        )
        if bz["customers"]:
            loss = float(
                result.table.loc[result.table["value_category"] == "BZ", "current_value"].sum()
            )
            text += sentence(
                " (together they lost {loss})",
                loss=money(abs(loss), currency),
            )
    if forecast and result.table["lifetime_value"].notna().any():
        text += sentence(
            ". Over a longer horizon, the expected lifetime value of the next "
            "{lifetime_months} months (discounted at {discount} a year{net}) is on average "
            "{mvc_ltv} for an MVC and {mgc_ltv} for an MGC",
            lifetime_months=result.lifetime_months,
            discount=percent(result.discount_rate),
            net=translate(", after the cost to serve") if _cost_to_serve_known(result) else "",
            mvc_ltv=money(mvc["mean_lifetime_value"], currency),
            mgc_ltv=money(mgc["mean_lifetime_value"], currency),
        )
    others = summary.loc["other", "customers"] + (0 if forecast else mgc["customers"])
    text += sentence(
        ". The other {others} are maintained at a cost that fits.",
        others=count(others),
    )
    if forecast and result.base is not None:
        text += describe_regression(result)
    for note in result.notes:
        # the base's notes are its own words, marked for the catalogue where they are made
        text += sentence(
            " Note: {note}.",
            note=translate(note),
        )
    return text


def describe_regression(result: Differentiation) -> str:
    """The MVC's and the MGC's forecasts read against regression to the mean.

    The MVC are picked for high value, so their forecast is set beside the revenue change
    of the customers who were MVC one window earlier (:mod:`crmlib.analytics.baseline`);
    the MGC are picked on a forecast, whose baseline the history cannot give. Empty
    without a customer base or a forecast for the MVC.
    """
    if result.base is None:
        return ""
    forecast = revenue_forecast_change(result.base, "value_category", "MVC")
    if forecast is None:
        return ""
    baseline = selection_baseline(result.base, "value_category")
    expected = baseline.change("MVC")
    if expected is None:
        text = sentence(
            " The MVC's revenue is forecast to change by {forecast} next year. A group picked "
            "for high value falls back towards the average the year after even when nothing "
            "about its customers changes (regression to the mean), so do not read the whole "
            "change as customers lost; how much of it is that effect cannot be measured "
            "here: {reason}.",
            forecast=signed_percent(forecast),
            reason=translate(baseline.why_unknown("MVC")),
        )
    else:
        points = round(100 * (forecast - expected))
        template = (
            N_(
                " The MVC's revenue is forecast to change by {forecast} next year; the customers "
                "who were MVC a year earlier changed by {baseline} the year after, because a "
                "group picked for high value falls back towards the average even when nothing "
                "about its customers changes (regression to the mean)."
            )
            if baseline.window_months == 12
            else N_(
                " The MVC's revenue is forecast to change by {forecast} next year; the "
                "customers who were MVC {months} months earlier changed by {baseline} in the "
                "{months} months after, because a group picked for high value falls back "
                "towards the average even when nothing about its customers changes (regression "
                "to the mean)."
            )
        )
        text = sentence(
            template,
            forecast=signed_percent(forecast),
            baseline=signed_percent(expected),
            months=baseline.window_months,
        ) + (
            sentence(" Only the {points} points beyond that are a fall to act on.", points=-points)
            if points < 0
            else sentence(" The forecast expects no fall beyond that.")
        )
    if result.count("MGC") and baseline.known:
        text += sentence(
            " The same effect works the other way for the MGC: customers whose last "
            "{months} months fell short of their usual tend to return towards it. How much "
            "of their growth that is cannot be measured: {reason}.",
            months=baseline.window_months,
            reason=translate(baseline.why_unknown("MGC")),
        )
    elif result.count("MGC"):
        text += sentence(
            " The same effect works the other way for the MGC: customers whose last "
            "{months} months fell short of their usual tend to return towards it, so part "
            "of their growth is that effect.",
            months=baseline.window_months,
        )
    return text


def describe_needs(view: NeedsView) -> str:
    """The needs conclusion: how needs differ between value categories, and the segments."""
    dims = [c for c in view.profile.columns if c not in ("respondents", "nps")]
    spread = (view.profile[dims].max() - view.profile[dims].min()).sort_values(ascending=False)
    top = spread.index[0]
    high, low = view.profile[top].idxmax(), view.profile[top].idxmin()
    text = sentence(
        "{respondents} customers ({respondents_2}) answered the needs survey. "
        "Between the value categories, needs differ most on **{need}**: {high} "
        "score it {high_score} out of 5, {low} {low_score}.",
        respondents=count(view.respondents),
        respondents_2=percent(view.respondents / max(view.customers, 1)),
        need=top.replace("_", " "),
        high=translate(high),
        high_score=number(view.profile.loc[high, top], 1),
        low=translate(low),
        low_score=number(view.profile.loc[low, top], 1),
    )
    if "nps" in view.profile.columns and view.profile["nps"].notna().any():
        best, worst = view.profile["nps"].idxmax(), view.profile["nps"].idxmin()
        text += sentence(
            " The net promoter score runs from {nps} ({worst}) to {nps_2} ({best}).",
            nps=number(view.profile.loc[worst, "nps"], 0),
            worst=translate(worst),
            nps_2=number(view.profile.loc[best, "nps"], 0),
            best=translate(best),
        )
    sizes = view.segments.labels.value_counts(normalize=True)
    text += sentence(
        " Clustering the answers finds {k} needs segments (chosen by the "
        "silhouette, {silhouette}); the largest is *{segment}* ({share} of "
        "respondents).",
        k=view.segments.k,
        silhouette=number(view.segments.selection.loc[view.segments.k, "silhouette"], 2),
        segment=sizes.index[0],
        share=percent(sizes.iloc[0]),
    )
    if "MVC" in view.mix.index:
        overall = view.segments.labels.value_counts(normalize=True)
        over = (view.mix.loc["MVC"] - overall.reindex(view.mix.columns)).sort_values()
        text += sentence(
            " MVC are most over-represented in *{segment}* ({mvc} of MVC against "
            "{overall} overall): the value and needs views together say what to "
            "offer the customers who matter most.",
            segment=over.index[-1],
            mvc=percent(view.mix.loc["MVC", over.index[-1]]),
            overall=percent(overall[over.index[-1]]),
        )
    return text


def describe_service(interaction: Interaction, currency: str) -> str:
    """The service conclusion: who is in contact how often, through what, at what cost."""
    s = interaction.service
    parts = []
    for segment, row in s.iterrows():
        bits = [
            sentence(
                "**{segment}**",
                segment=translate(segment),
            ),
            sentence(
                "{reachable} of {customers} may be contacted",
                reachable=count(row["reachable"]),
                customers=count(row["customers"]),
            )
            if pd.notna(row["reachable"])
            else sentence(
                "{customers} customers",
                customers=count(row["customers"]),
            ),
        ]
        if pd.notna(row["contacts_per_customer_year"]):
            bits.append(
                sentence(
                    "{contacts_per_customer_year} contacts per customer a year",
                    contacts_per_customer_year=number(row["contacts_per_customer_year"], 1),
                )
            )
        if pd.notna(row["main_channel"]):
            bits.append(
                sentence(
                    "mostly by {main_channel}",
                    main_channel=row["main_channel"],
                )
            )
        if pd.notna(row["cost_to_serve_per_customer_year"]):
            bits.append(
                sentence(
                    "costing {cost_to_serve_per_customer_year} against "
                    "{margin_per_customer_year} of margin",
                    cost_to_serve_per_customer_year=money(
                        row["cost_to_serve_per_customer_year"], currency, 2
                    ),
                    margin_per_customer_year=money(row["margin_per_customer_year"], currency, 2),
                )
            )
        if pd.notna(row["response_rate"]):
            bits.append(
                sentence(
                    "{response_rate} campaign response ({sent} sent)",
                    response_rate=percent(row["response_rate"], 1),
                    sent=count(row["sent"]),
                )
            )
        parts.append(bits[0] + ": " + ", ".join(bits[1:]))
    months = interaction.rules.months
    text = (
        sentence(
            "Per value category over the last {months} months: ",
            months=months,
        )
        + "; ".join(parts)
        + "."
    )
    if s["reachable"].isna().all():
        text += translate(
            " Who may be contacted is not known: the customer table has no "
            "consent_marketing column. Add it (yes/no per customer) before any campaign."
        )
    costs = s["cost_to_serve_per_customer_year"]
    if {"BZ", "MVC"} <= set(s.index) and costs[["BZ", "MVC"]].notna().all():
        bz, mvc = s.loc["BZ"], s.loc["MVC"]
        if bz["margin_per_customer_year"] > 0 and mvc["margin_per_customer_year"] > 0:
            bz_ratio = bz["cost_to_serve_per_customer_year"] / bz["margin_per_customer_year"]
            mvc_ratio = mvc["cost_to_serve_per_customer_year"] / mvc["margin_per_customer_year"]
            text += sentence(
                " Serving a BZ customer costs {bz_ratio} of the margin they bring, "
                "against {mvc_ratio} for an MVC: that gap is what the plan's channel and "
                "frequency for BZ address.",
                bz_ratio=percent(bz_ratio),
                mvc_ratio=percent(mvc_ratio),
            )
    return text


def describe_plan(interaction: Interaction, currency: str) -> str:
    """The plan conclusion: how each decision follows from the data."""
    plan = interaction.plan
    customers = int(plan["customers"].sum())
    if plan["reachable"].isna().all():
        text = sentence(
            "The plan covers {customers} customers, but how many of them it may "
            "reach is not known: the data records no marketing consent. "
            "Only customers who gave marketing consent may receive it.",
            customers=count(customers),
        )
    else:
        reachable = int(plan["reachable"].sum())
        text = sentence(
            "The plan reaches {reachable} of {customers} customers ({reachable_2}): "
            "only those who gave marketing consent.",
            reachable=count(reachable),
            customers=count(customers),
            reachable_2=percent(reachable / max(customers, 1)),
        )
    if "MVC" in plan.index:
        mvc = plan.loc["MVC"]
        text += (
            sentence(
                " MVC are to be retained {cadence}",
                cadence=Safe(plan_cadence_words(mvc)),
            )
            + (
                sentence(
                    " through {channel}",
                    channel=mvc["channel"],
                )
                if mvc["channel"] is not None
                else ""
            )
            + (
                sentence(
                    " with *{offer}*",
                    offer=mvc["offer"],
                )
                if mvc["offer"] is not None
                else ""
            )
            + "."
        )
    chosen = plan["channel"].dropna()
    if len(chosen):
        basis = (
            plan["channel_basis"]
            .replace("", np.nan)
            .dropna()
            .str.replace(" (all customers)", "", regex=False)
        )
        if len(basis) and (basis == "cost per response").all():
            text += translate(
                " Each channel is the one with the lowest cost per response in its segment "
                "(cost per contact divided by the smoothed response rate): the cheapest "
                "effective channel."
            )
        elif len(basis) and (basis == "most used").all():
            text += translate(
                " Without campaign history the channel is each segment's most used one; "
                "response data would let the plan pick the cheapest effective channel."
            )
    share = percent(interaction.rules.max_contact_cost_share)
    unaffordable = plan[plan["affordable"] < 1]
    capped = plan[(plan["frequency"] < plan["wanted"]) & ~plan.index.isin(unaffordable.index)]
    if len(capped):
        names = listing(translate(s) for s in capped.index)
        text += sentence(
            " For {names} the margin pays for fewer contacts than their rhythm asks "
            "(at most {share} of a customer's yearly margin may go to contact), so "
            "the plan contacts them less often.",
            names=names,
            share=share,
        )
    if len(unaffordable):
        names = listing(translate(s) for s in unaffordable.index)
        text += sentence(
            " For {names} even one contact a year costs more than {share} of the "
            "margin they bring: keep it to that one contact, through the cheapest "
            "channel, and let them come to the company's own low-cost channels for "
            "the rest.",
            names=names,
            share=share,
        )
    if not len(chosen):
        text += translate(
            " Without interactions or campaigns the plan cannot choose a channel: record "
            "every contact with its channel, and what each channel costs."
        )
    if plan["offer"].isna().all():
        text += translate(
            " Without campaign history the plan cannot say which offer works; test several."
        )
    return text


def describe_lessons(interaction: Interaction) -> str:
    """What past campaigns teach: offers clearly above or below each segment's average."""
    lessons = interaction.lessons
    if lessons is None:
        return translate(
            "There is no campaign history with offers and responses to learn from yet."
        )
    offer_col = "offer"
    clear = lessons[lessons["verdict"].isin(["above", "below"])]
    text_parts = []
    for verdict in (N_("above"), N_("below")):
        group = clear[clear["verdict"] == verdict]
        if len(group):
            items = listing(
                (
                    sentence(
                        "*{offer}* for {segment} ({response_rate} against {segment_rate}, {sent} sent)",
                        offer=r[offer_col],
                        segment=translate(r["segment"]),
                        response_rate=percent(r["response_rate"], 1),
                        segment_rate=percent(r["segment_rate"], 1),
                        sent=count(r["sent"]),
                    )
                    for r in group.to_dict("records")
                ),
                "; ",
            )
            text_parts.append(
                sentence(
                    "clearly **{verdict}** average: {items}",
                    verdict=translate(verdict),
                    items=items,
                )
            )
    unclear = int((lessons["verdict"] == "in line").sum())
    few = int((lessons["verdict"] == "too few sent").sum())
    text = sentence(
        "Of {lessons} offer-segment combinations, ",
        lessons=count(len(lessons)),
    )
    if text_parts:
        text += translate(" and ").join(text_parts) + ". "
        text += sentence(
            "The other {unclear} are within chance of their segment's average",
            unclear=count(unclear + few),
        )
    else:
        text += translate(
            "none stands out from its segment's average with confidence: all are within chance"
        )
    text += (
        sentence(
            " ({few} with fewer than 30 sent)",
            few=count(few),
        )
        if few
        else ""
    ) + translate(
        ": on samples this size, a difference of a few points is noise, so they should "
        "not be re-ranked on it."
    )
    if text_parts:
        text += translate(
            " The next round learns most by testing the clear winners again against a fresh "
            "alternative, with a control group that gets nothing."
        )
    else:
        text += translate(
            " The next round learns most from fewer, larger campaigns, each with a control "
            "group that gets nothing, so that a difference can be told from chance."
        )
    if interaction.channel_follows_campaign:
        text += translate(
            " Every campaign went out through a single channel, so a channel's response "
            "also carries its offers: to compare channels, send one offer through two."
        )
    return text


def describe_customize(custom: Customization | None) -> str:
    """The Customize conclusion: what goes together, and what each segment buys next."""
    custom = require_customization(custom, N_("Customize"))
    label = "name" if "name" in custom.by_segment.columns else "product_id"
    text = ""
    if custom.pairs is not None and len(custom.pairs):
        best = custom.pairs.iloc[0]
        text += sentence(
            "In one visit, **{item}** and **{other}** are bought together {lift} "
            "times as often as chance would have it ({together} baskets): offer them "
            "together. ",
            item=best["item"],
            other=best["other"],
            lift=number(best["lift"], 1),
            together=count(best["together"]),
        )
    firsts = custom.by_segment[custom.by_segment["rank"] == 1]
    picks = listing(
        (
            sentence(
                "{segment}: *{product}* (a next best product for {share} of them, {lift} times "
                "as likely as for the average customer)",
                segment=translate(r["segment"]),
                product=r[label],
                share=percent(r["share"]),
                lift=number(r["lift"], 1),
            )
            for r in firsts.to_dict("records")
        ),
        "; ",
    )
    text += sentence(
        "What customers with the same products went on to buy gives each segment "
        "its own first pick: {picks}.",
        picks=picks,
    )
    repeat = custom.affinity.repeat_rate
    buyers = custom.affinity.buyers
    common = repeat[buyers >= 30]
    if len(common):
        rebuy = 0.2  # the share of buyers who buy again that counts as rebought
        text += sentence(
            " Owned products are offered again only when customers rebuy them: "
            "{rebought} of {common} products with 30 or more buyers are bought again by "
            "at least {rebuy} of them.",
            rebought=count((common >= rebuy).sum()),
            common=count(len(common)),
            rebuy=percent(rebuy),
        )
    reachable = custom.top_customers["reachable"]
    if reachable.isna().all():
        text += sentence(
            " Whether the top {reachable} customers may be contacted with their "
            "personal list is not known: marketing consent is not recorded.",
            reachable=count(len(reachable)),
        )
    else:
        text += sentence(
            " Of the top {reachable} customers, {contactable} may be contacted with their personal list.",
            reachable=count(len(reachable)),
            contactable=count(int(reachable.fillna(False).sum())),
        )
    return text


def describe_plan_value(value: pd.DataFrame, currency: str) -> str:
    """The plan-value conclusion, with the estimate spelled out."""
    if value["take_up"].isna().all():
        return translate(
            "The plan's value cannot be estimated yet: it needs campaign history with "
            "responses, to know what share of customers takes up an offer."
        )
    if "reachable" in value.columns and value["reachable"].isna().all():
        return translate(
            "The plan's value cannot be estimated: it is counted over the customers who "
            "may be contacted, and the data does not record marketing consent "
            "(consent_marketing in the customer table)."
        )
    known = value.dropna(subset=["expected_value"])
    paying = known[known["value_per_contact"] >= 0]
    total = plan_total(value)
    per_segment = listing(
        (
            sentence(
                "{segment} {value}",
                segment=translate(s),
                value=money(v, currency),
            )
            for s, v in paying["expected_value"].items()
        ),
        "; ",
    )
    basis = translate(
        N_("the average revenue of a campaign response")
        if (known["basket_basis"] == "campaign responses").all()
        else N_("the average revenue of a campaign response (or of a purchase day)")
    )
    text = (
        sentence(
            "Sending each reachable customer their segment's offer with their own "
            "next best products, at the planned frequency, is expected to bring "
            "**{total} of margin a year** after contact costs",
            total=money(total, currency),
        )
        + (sentence(" ({per_segment})", per_segment=per_segment) if per_segment else "")
        + sentence(
            ". The estimate: reachable customers × contacts a year × (take-up × "
            "basket margin − cost per contact), with take-up the smoothed past "
            "response to the segment's chosen offer and basket margin {basis} in the "
            "segment times its margin rate.",
            basis=basis,
        )
    )
    losing = known[known["value_per_contact"] < 0]
    if len(losing):
        names = listing(translate(s) for s in losing.index)
        loss = float(losing["expected_value"].sum())
        text += sentence(
            " For {names} a contact costs more than it is expected to bring (the "
            "offer would lose {loss} a year, left out of the total): there the plan "
            "should only serve for less (cheaper channel, fewer contacts), not sell.",
            names=names,
            loss=money(abs(loss), currency),
        )
    text += translate(
        " It assumes a tailored offer does as well as the best past offer did; a control "
        "group that gets nothing in the first round will show whether it does."
    )
    return text


#: The Differentiate phase's figures as the report states them (filled by
#: :func:`crmlib.notebook.figures.say_figures` with :func:`value_figures`).
VALUE_STATEMENT = N_(
    "**In figures** ({window}, by {metric}): {ssc} strategically significant customers; "
    "the top {top_share} of customers hold {top20} of the value; {mvc} MVC, {mgc} MGC and {bz} BZ; "
    "value tiers: {platinum} platinum, {gold} gold, {silver} silver, {bronze} bronze."
)

#: :data:`VALUE_STATEMENT` on revenue, or without contact costs: below zero is a matter of
#: cost, which is not known.
VALUE_STATEMENT_REVENUE = N_(
    "**In figures** ({window}, by {metric}): {ssc} strategically significant customers; "
    "the top {top_share} of customers hold {top20} of the value; {mvc} MVC and {mgc} MGC (BZ need "
    "cost data, with the cost to serve); value tiers: {platinum} platinum, {gold} gold, {silver} silver, "
    "{bronze} bronze."
)


#: The Interact phase's reach as the report states it.
class _FilledInLanguage(str):
    """A template translated when it is filled, not when the module is imported.

    The notebook fills the constant itself (``say_figures(REACH_STATEMENT, ...)``) after
    the report's language is chosen, so the translation waits for ``format``.
    """

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        return translate(str(self)).format(*args, **kwargs)


REACH_STATEMENT = _FilledInLanguage(
    N_("Customers who may be contacted (marketing consent): {consent}.")
)


def value_statement(result: Differentiation) -> tuple[str, dict]:
    """The template (in the report's language) and the figures of the Differentiate
    phase's statement in figures."""
    figures = value_figures(result)
    if result.value_metric == "revenue" or not _cost_to_serve_known(result):
        figures.pop("bz")
        return translate(VALUE_STATEMENT_REVENUE), figures
    return translate(VALUE_STATEMENT), figures


def value_figures(result: Differentiation) -> dict:
    """The shared base's figures that :data:`VALUE_STATEMENT` states, by field name.

    The values are the base's :class:`crmlib.figures.Figure` (an unavailable one reads
    "not available" with its reason), plus the window and the metric in words.
    """
    base = result.base
    if base is None:
        raise MissingDataError(translate("the figures need the shared customer base"))
    figure = base.figure
    return {
        "window": _window_words(base.window),
        "metric": translate(_metric_words(result, short=True)),
        "ssc": figure("ssc_count"),
        "top_share": percent(0.2),  # the share that top20_share is measured on
        "top20": figure("top20_share"),
        **{c.lower(): figure(f"value_category_count.{c}") for c in ("MVC", "MGC", "BZ")},
        **{t: figure(f"tier_count.{t}") for t in ("platinum", "gold", "silver", "bronze")},
    }

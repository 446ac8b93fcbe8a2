"""The strategy report: every model's verdict, the key figures and one action plan.

The report does not recompute the models by hand. It builds ONE customer base
(:func:`report_base`) and passes it to every model package's ``analyse(company, base)``
(see :mod:`crmlib.models.contract`), so every verdict reads the same customers, windows
and lifetime-value fit (fitted once, in the base). Each verdict is cached on disk next to
the base (:mod:`crmlib.models.verdict_cache`) and invalidated with it. A model whose
module is not installed, or whose data is missing, is listed with the reason.

The key figures are the base's own :class:`~crmlib.figures.Figure` objects, so the
report states them exactly as every other report does, with their status: a figure the
data cannot give is "not available" with the reason, never 0.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.base import CustomerBase, customer_base, forecast_error_words
from crmlib.analytics.pareto import pareto_curve
from crmlib.data.company import Company
from crmlib.errors import CrmlibError
from crmlib.figures import Figure, label_in_words
from crmlib.formatting import count, money, percent
from crmlib.models import portfolio as portfolio_
from crmlib.models import verdict_cache
from crmlib.models.registry import MODEL_MODULES
from crmlib.models.verdict import EFFORT_SCALE, ModelVerdict
from crmlib.text import N_, Safe, escape, sentence, translate

#: The base's figures the report shows first, in reading order.
KEY_FIGURES = (
    "customers",
    "buyers",
    "retention_rate",
    "revenue",
    "gross_margin",
    "cost_to_serve",
    "cost_to_serve_share",
    "ssc_count",
    "top20_share",
    "concentration_80",
    "clv_fit",
    "expected_margin_12m",
    "lifetime_value",
)


def report_base(company: Company) -> CustomerBase:
    """The one customer base of the report (memoised and cached on disk)."""
    return customer_base(company)


def key_figures(base: CustomerBase) -> list[Figure]:
    """The base's key figures (:data:`KEY_FIGURES`), as the base states them."""
    return [base.figure(figure_id) for figure_id in KEY_FIGURES]


def shown_value(figure: Figure) -> str:
    """A figure's value as the report's table shows it ("not available" when unknown)."""
    if figure.status == "unavailable" or figure.value is None:
        return translate("not available")
    value = figure.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if figure.unit == "share":
        return percent(float(value))
    if figure.unit in ("customers", "purchases", "episodes"):
        return count(value)
    if len(figure.unit) == 3 and figure.unit.isupper():
        return money(float(value), figure.unit)
    return money(float(value))


def key_figures_table(figures: list[Figure]) -> pd.DataFrame:
    """The key figures as a table: value, period, and a note where it is not plain fact.

    Returns
    -------
    DataFrame
        Indexed by the figure's label: ``value``, ``period`` and ``note`` (the reason of
        a figure that is unavailable or carries a caveat; empty otherwise).
    """
    rows = [
        {
            "figure": label_in_words(f.label),
            "value": shown_value(f),
            "period": f.window,
            "note": translate(f.reason) if f.status != "ok" else "",
        }
        for f in figures
    ]
    table = pd.DataFrame(rows, columns=["figure", "value", "period", "note"]).set_index("figure")
    # the headers in the reader's language, as the report shows them
    headers = {
        "value": translate("value"),
        "period": translate("period"),
        "note": translate("note"),
    }
    return table.rename(columns=headers).rename_axis(translate("figure"))


def value_curve(base: CustomerBase) -> pd.DataFrame:
    """The Pareto curve of the base's current value (what the SSC count ranks on)."""
    return pareto_curve(base.table["current_value"])


def value_name(base: CustomerBase) -> str:
    """What current value measures, in words (in the reader's language)."""
    if base.value_metric == "margin":
        if not base.meta.get("cost_to_serve_known", True):
            return translate("margin before the unmeasured cost to serve")
        return translate("margin after the cost to serve")
    return translate("revenue")


#: Model names that have words of their own in a language (the others are proper names).
TRANSLATED_MODEL_NAMES = (N_("CRM value chain"), N_("CRM value chain (Buttle)"))


#: The owners the models name for their actions (roles), as words for the catalogue; an
#: action keeps its English owner, translated where the report shows it.
OWNER_WORDS = (
    N_("marketing"),
    N_("customer service"),
    N_("IT"),
    N_("board"),
    N_("HR"),
    N_("legal"),
    N_("management team"),
    N_("CRM programme lead"),
    N_("purchasing"),
    N_("operations"),
)


def model_name(model: str) -> str:
    """A model's name as the reader sees it; joined names ("IDIC, QCI") name by name.

    The English name stays the key every verdict, action and chart colour is found by.
    """
    return ", ".join(translate(name) for name in str(model).split(", "))


def lever_name(lever: str) -> str:
    """A lever (:data:`crmlib.models.verdict.LEVERS`) in words, as the reader sees it."""
    names = {
        "retention": translate("retention"),
        "acquisition": translate("acquisition"),
        "penetration": translate("penetration"),
        "cost_to_serve": translate("cost to serve"),
        "data": translate("data"),
        "readiness": translate("readiness"),
        "not said": translate("not said"),
    }
    return names.get(str(lever), str(lever).replace("_", " "))


@dataclass(frozen=True)
class Verdicts:
    """The verdicts that could be computed, and the models that could not, with why.

    ``reused`` names the models whose verdict came from the disk cache.
    """

    verdicts: list[ModelVerdict]
    skipped: dict[str, str]
    reused: tuple[str, ...] = ()


def collect_verdicts(
    company: Company,
    models: dict[str, str] | None = None,
    *,
    base: CustomerBase | None = None,
    cache: bool = True,
) -> Verdicts:
    """Ask every model module for its verdict on ``company``, all on the same base.

    Parameters
    ----------
    company : Company
    models : dict, optional
        Model name -> module (default :data:`MODEL_MODULES`).
    base : CustomerBase, optional
        The one base every model reads; by default :func:`report_base`.
    cache : bool, default True
        Read and write each verdict in the disk cache next to the base.
    """
    if base is None and company is not None:
        base = report_base(company)
    inputs = verdict_cache.inputs_digest(company, base) if cache and base is not None else None
    verdicts, skipped, reused = [], {}, []
    for name, module_name in (models or MODEL_MODULES).items():
        key = verdict_cache.verdict_key(inputs, name)
        found = verdict_cache.load(key)
        if found is not None:
            # read before the model's package is imported: a warm report imports no model
            verdicts.append(found)
            reused.append(name)
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            skipped[name] = N_("the model's module is not installed")
            continue
        if not (hasattr(module, "analyse") and hasattr(module, "verdict")):
            skipped[name] = N_("the model does not offer a verdict yet")
            continue
        try:
            verdict = verdict_cache.model_verdict(module, module.analyse(company, base))
        except CrmlibError as error:
            skipped[name] = str(error)
            continue
        verdict_cache.store(key, verdict)
        verdicts.append(verdict)
    return Verdicts(verdicts, skipped, tuple(reused))


@dataclass(frozen=True)
class ActionPortfolio:
    """Every model's actions valued, combined and put in order (:mod:`crmlib.models.portfolio`).

    Attributes
    ----------
    actions : list of Action
        Duplicates merged, each with its cost and net value low / base / high.
    combined : Portfolio
        The de-duplicated total and the table behind it.
    roadmap : DataFrame
        :func:`crmlib.models.portfolio.roadmap`.
    gross_sum : float
        The plain sum of the models' own values, for comparison only.
    """

    actions: list
    combined: portfolio_.Portfolio
    roadmap: pd.DataFrame
    gross_sum: float


def action_portfolio(
    verdicts: list[ModelVerdict], rates: portfolio_.CostRates | None = None
) -> ActionPortfolio:
    """All models' actions as one portfolio: merged, valued net, combined and scheduled."""
    gathered = [a for v in verdicts for a in v.actions]
    actions = portfolio_.value_actions(portfolio_.merge_duplicates(gathered), rates)
    gross = sum(a.expected_value for a in gathered if a.expected_value is not None)
    return ActionPortfolio(
        actions, portfolio_.combine(actions), portfolio_.roadmap(actions), float(gross)
    )


def _money_or(value: float, currency: str) -> str:
    if value is None or math.isnan(value):
        return translate("not known")
    return money(value, currency)


def _span(base: str, low: str, high: str) -> str:
    """A base value with its range, each already worded."""
    return translate("{base} ({low} to {high})").format(base=base, low=low, high=high)


def _range(low: float, base: float, high: float, currency: str) -> str:
    if any(v is None or math.isnan(v) for v in (low, base, high)):
        return translate("not estimated")
    return _span(money(base, currency), money(low, currency), money(high, currency))


def _amount(value: float) -> str:
    """A money amount without its currency (the column names it), unknown said."""
    if value is None or math.isnan(value):
        return translate("not known")
    return money(value)


def portfolio_table(found: ActionPortfolio, currency: str) -> pd.DataFrame:
    """The portfolio as the board reads it: one row per action, in roadmap order.

    Columns: ``action``, ``model``, ``lever``, ``customers``, the cost a year, the net
    value a year (base, then low to high; the currency in the column's name),
    ``effort`` and ``gated by`` (the ranks of the blockers it waits for; when each
    happens is in :func:`describe_roadmap`). Unknown is written as such, never as 0.
    """
    plan = found.roadmap
    rank_of = {title: rank for rank, title in plan["action"].items()}
    if currency:
        cost = translate("cost / year ({currency})").format(currency=currency)
        net = translate("net / year ({currency}), low to high").format(currency=currency)
    else:
        cost, net = translate("cost / year"), translate("net / year, low to high")
    shown = pd.DataFrame(index=plan.index)
    shown[translate("action")] = plan["action"]
    shown[translate("model")] = plan["model"].map(model_name)
    shown[translate("lever")] = plan["lever"].map(lever_name)
    shown[translate("customers")] = [
        count(c) if pd.notna(c) else translate("not counted") for c in plan["customers"]
    ]
    shown[cost] = [_amount(c) for c in plan["cost"]]
    shown[net] = [
        translate("not estimated")
        if pd.isna(r.net_base)
        else _span(_amount(r.net_base), _amount(r.net_low), _amount(r.net_high))
        for r in plan.itertuples()
    ]
    shown[translate("effort")] = plan["effort"]
    shown[translate("gated by")] = [
        ", ".join(f"#{rank_of[t]}" for t in g) for g in plan["gated_by"]
    ]
    return shown.rename_axis(translate("rank"))


def assumptions_table(found: ActionPortfolio) -> pd.DataFrame:
    """What each valued action's value rests on, stated (the board's caveats).

    Indexed by the action's title: a report shows no row numbers.
    """
    rows = [
        {
            translate("action"): a.title,
            translate("model"): model_name(a.model),
            translate("assumptions"): a.assumptions,
        }
        for a in found.actions
        if a.assumptions
    ]
    table = pd.DataFrame(
        rows, columns=[translate("action"), translate("model"), translate("assumptions")]
    )
    return table.set_index(translate("action"))


def describe_caveats(found: ActionPortfolio, company: Company) -> Safe:
    """The caveats the board reads before the values: only those this company's data calls for.

    The values are estimates whenever an action carries one; what the campaigns can and
    cannot show is said only when the company has a campaigns table, and the channel and
    the offer are called inseparable only when each offer went out through one channel.
    """
    valued = any(a.expected_value is not None for a in found.actions)
    if not valued:
        return Safe(
            translate(
                "No action carries a value yet, so there is no estimate to qualify: the "
                "assumptions below are what each value would rest on once the data gives it."
            )
        )
    parts = [
        translate(
            "The values are estimates, not forecasts the company can book. Each rests on the "
            "assumptions below, stated by the model that proposes it. Uplifts in retention, "
            "take-up or tailoring are assumed, not measured: the range from low to high shows "
            "how far the value moves with them."
        )
    ]
    campaigns = company.campaigns if company is not None else None
    if campaigns is not None and len(campaigns):
        parts.append(
            translate(
                "The campaigns table records no control group, so part of the responses "
                "would have come without the campaign."
            )
        )
        if {"offer", "channel"} <= set(campaigns.columns):
            sent = campaigns.dropna(subset=["offer", "channel"])
            if len(sent) and int(sent.groupby("offer")["channel"].nunique().max()) == 1:
                parts.append(
                    translate(
                        "Each offer went out through one channel, so what a channel adds "
                        "cannot be told apart from what its offer adds."
                    )
                )
    parts.append(
        translate(
            "A group chosen for its high value last year tends to fall back towards the "
            "average next year (regression to the mean): part of a lower forecast for such a "
            "group is that effect, not churn. Where the history reaches back far enough, the "
            "Payne & Frow and IDIC reports measure how large it is, from the customers picked "
            "the same way a year earlier; only the forecast beyond it is a fall to act on."
        )
    )
    return Safe(" ".join(parts))


def portfolio_payload(found: ActionPortfolio) -> dict:
    """The portfolio for ``figures.json``: its actions and its de-duplicated net total."""

    def number(value: object) -> float | None:
        return (
            None
            if value is None or (isinstance(value, float) and math.isnan(value))
            else float(value)
        )

    actions = [
        {
            "title": str(row.action),
            "lever": str(row.lever),
            "customers": None if pd.isna(row.customers) else int(row.customers),
            "cost": number(row.cost),
            "net_low": number(row.net_low),
            "net_base": number(row.net_base),
            "net_high": number(row.net_high),
            "gated_by": list(row.gated_by),
            "model": str(row.model),
            "effort": int(row.effort),
            "when": str(row.when),
        }
        for row in found.roadmap.itertuples()
    ]
    c = found.combined
    return {
        "actions": actions,
        "portfolio": {
            "net_low": number(c.net_low),
            "net_base": number(c.net_base),
            "net_high": number(c.net_high),
        },
    }


def effort_note() -> str:
    """The effort scale in one line."""
    scale = "; ".join(f"{n}, {translate(text)}" for n, text in EFFORT_SCALE.items())
    return translate("Effort: {scale}.").format(scale=scale)


#: The five figures of the situation, in the executive summary's order.
SITUATION = ("buyers", "revenue", "retention_rate", "top20_share", "expected_margin_12m")


def situation(base: CustomerBase, cite: Callable[[Figure], str] | None = None) -> str:
    """The situation in five figures from the base, as a Markdown list (each cited).

    The analysis window is said once, in the first line; a figure over another period
    names its own.
    """
    show = cite or shown_value
    window = base.figure(SITUATION[0]).window
    lines = []
    for figure_id in SITUATION:
        figure = base.figure(figure_id)
        note = f" ({escape(figure.window)})" if figure.window and figure.window != window else ""
        if figure_id == SITUATION[0] and window:
            note = " " + sentence("(analysis window {window})", window=window)
        if figure.status == "unavailable":
            note = f": {escape(translate(figure.reason).rstrip('.'))}"
        elif figure_id == "expected_margin_12m" and base.forecast_error is not None:
            # a forecast is read with the error its model made on the company's own past
            words = forecast_error_words(base.forecast_error, figure.value, base.currency)
            note = f"{note[:-1]}; {words})" if note.endswith(")") else f" ({words})"
        lines.append(f"- {escape(label_in_words(figure.label))}: **{show(figure)}**{note}")
    return "\n".join(lines)


def decisions(found: ActionPortfolio, currency: str) -> list[str]:
    """The three decisions requested of the board, from the roadmap (Markdown)."""
    plan = found.roadmap
    if plan.empty:
        return []
    blockers = plan[plan["blocker"]]
    first = plan[plan["when"] == "first 90 days"]
    year = plan[(plan["when"] == "this year") & plan["net_base"].notna()]
    out = []
    if len(blockers):
        owners = ", ".join(translate(o) for o in dict.fromkeys(blockers["owner"]))
        out.append(
            sentence(
                "**Remove the {n} blockers first** ({owners}; listed under the first 90 days): "
                "the campaigns that need them wait until they are removed.",
                n=count(len(blockers)),
                owners=owners,
            )
        )
    else:
        top = plan.iloc[0]
        out.append(
            sentence(
                "**Start with:** {action} ({owner}).",
                action=top["action"].rstrip("."),
                owner=translate(top["owner"]),
            )
        )
    cost = first["cost"].sum(min_count=1)
    net = first["net_base"].sum(min_count=1)
    if pd.notna(net):
        out.append(
            sentence(
                "**Fund the first 90 days:** {n} actions costing {cost} a year; those with a "
                "value estimate bring a net {net} a year.",
                n=count(len(first)),
                cost=_money_or(cost, currency),
                net=money(net, currency),
            )
        )
    else:
        out.append(
            sentence(
                "**Fund the first 90 days:** {n} actions costing {cost} a year.",
                n=count(len(first)),
                cost=_money_or(cost, currency),
            )
        )
    if len(year):
        best = year.sort_values("net_base", ascending=False).iloc[0]
        values = {
            "action": best["action"].rstrip("."),
            "model": model_name(best["model"]),
            "net": _range(best["net_low"], best["net_base"], best["net_high"], currency),
        }
        if best["gated_by"]:
            out.append(
                sentence(
                    "**Commit to the year's largest net value:** {action} ({model}), net {net} "
                    "a year, once the blockers it needs are removed.",
                    **values,
                )
            )
        else:
            out.append(
                sentence(
                    "**Commit to the year's largest net value:** {action} ({model}), net {net} "
                    "a year.",
                    **values,
                )
            )
    else:
        out.append(
            translate(
                "**Commission the estimates the portfolio lacks:** no action for the rest of "
                "the year carries a net value yet."
            )
        )
    return out


def describe_portfolio(found: ActionPortfolio, currency: str) -> str:
    """The portfolio's net value with its range, and what it leaves out (Markdown)."""
    c = found.combined
    n = len(found.actions)
    if c.net_base is None:
        return sentence(
            "None of the {n} actions can be valued net yet: each lacks a value or a cost the "
            "data can give. Their costs and gates are in the table below.",
            n=count(n),
        )
    values = {
        "n": count(n),
        "net": money(c.net_base, currency),
        "low": money(c.net_low, currency),
        "high": money(c.net_high, currency),
    }
    if c.enabler_cost:
        text = sentence(
            "The {n} actions are worth **{net} a year** net of their costs ({low} to {high}), "
            "each customer-euro counted once, after the {enablers} the enablers cost.",
            enablers=money(c.enabler_cost, currency),
            **values,
        )
    else:
        text = sentence(
            "The {n} actions are worth **{net} a year** net of their costs ({low} to {high}), "
            "each customer-euro counted once.",
            **values,
        )
    if c.unvalued:
        unvalued = (
            N_("{n} action cannot be valued yet (value or cost not known) and is not in it.")
            if c.unvalued == 1
            else N_("{n} actions cannot be valued yet (value or cost not known) and are not in it.")
        )
        text += " " + sentence(unvalued, n=count(c.unvalued))
    if c.not_paying:
        not_paying = (
            N_("{n} action does not pay at the stated costs and is left out.")
            if c.not_paying == 1
            else N_("{n} actions do not pay at the stated costs and are left out.")
        )
        text += " " + sentence(not_paying, n=count(c.not_paying))
    text += " " + sentence(
        "The models' own values, summed as they come, would say {gross}: gross, not "
        "incremental, and counting the same customers several times.",
        gross=money(found.gross_sum, currency),
    )
    return text


def first_days(found: ActionPortfolio) -> str:
    """The first 90 days as a Markdown list: action, owner and what it opens."""
    first = found.roadmap[found.roadmap["when"] == "first 90 days"]
    if first.empty:
        return translate(
            "Nothing can start in the first 90 days: every action waits for a blocker."
        )
    return "\n".join(
        sentence(
            N_("{rank}. {action} ({owner}; a blocker)")
            if row["blocker"]
            else N_("{rank}. {action} ({owner})"),
            rank=rank,
            action=row["action"].rstrip("."),
            owner=translate(row["owner"]),
        )
        for rank, row in first.iterrows()
    )


def executive_summary(
    company: Company,
    base: CustomerBase,
    collected: Verdicts,
    found: ActionPortfolio,
    cite: Callable[[Figure], str] | None = None,
) -> str:
    """The one-page executive summary as Markdown, computed from the base and the portfolio.

    The situation in five figures (the base's, cited), the three decisions requested of
    the board, the portfolio's net value with its range, and the first 90 days.

    Parameters
    ----------
    cite : callable, optional
        Writes a :class:`Figure` into the text; a notebook passes
        :func:`crmlib.notebook.figures.cite` so the report can check each figure. By
        default the value is written plainly.
    """
    return "\n\n".join(executive_summary_parts(company, base, collected, found, cite))


def executive_summary_parts(
    company: Company,
    base: CustomerBase,
    collected: Verdicts,
    found: ActionPortfolio,
    cite: Callable[[Figure], str] | None = None,
) -> list[str]:
    """The executive summary's blocks (Markdown), so a page can break between them."""
    currency = company.currency
    chosen = decisions(found, currency)
    parts = [
        sentence("**{company}** in five figures:", company=company.name)
        + "\n\n"
        + situation(base, cite),
        translate("**Decisions requested of the board**")
        + "\n\n"
        + (
            "\n".join(f"{i}. {d}" for i, d in enumerate(chosen, 1))
            or translate("No model could give an action on these data.")
        ),
        translate("**The portfolio**") + "\n\n" + describe_portfolio(found, currency),
        translate("**The first 90 days**") + "\n\n" + first_days(found),
    ]
    if collected.skipped:
        parts.append(describe_skipped(collected))
    return parts


def summary_payload(company: Company, base: CustomerBase, found: ActionPortfolio) -> dict:
    """The executive summary as parts (Markdown, uncited), for the slide deck."""
    first = found.roadmap[found.roadmap["when"] == "first 90 days"]
    return {
        "company": company.name,
        "currency": company.currency,
        "situation": situation(base).split("\n"),
        "decisions": decisions(found, company.currency),
        "portfolio": describe_portfolio(found, company.currency),
        "first_90_days": [
            translate("{action} ({owner})").format(
                action=row["action"].rstrip("."), owner=translate(row["owner"])
            )
            for _, row in first.iterrows()
        ],
    }


def verdict_payload(verdict: ModelVerdict) -> dict:
    """A model's verdict for the slide deck: model, headline and findings."""
    return {
        "model": verdict.model,
        "headline": verdict.headline,
        "findings": list(verdict.findings),
    }


def describe_roadmap(found: ActionPortfolio) -> str:
    """The roadmap as Markdown: the first 90 days, then the year, gates said.

    Each action carries its rank in the portfolio table (#1, #2, ...); a gated action
    names the ranks of the blockers it waits for.
    """
    plan = found.roadmap
    if plan.empty:
        return translate("No action to schedule.")
    rank_of = {title: rank for rank, title in plan["action"].items()}
    parts = []
    for when, heading in (
        ("first 90 days", translate("The first 90 days")),
        ("this year", translate("Then the year")),
        ("not at these costs", translate("Not at the stated costs (reconsider or redesign)")),
    ):
        chosen = plan[plan["when"] == when]
        if chosen.empty:
            continue
        parts += [f"**{heading}**", ""]
        for rank, row in chosen.iterrows():
            values = {
                "rank": rank,
                "action": row["action"].rstrip("."),
                "owner": translate(row["owner"]),
            }
            if row["gated_by"]:
                after = Safe(", ".join(f"#{rank_of[t]}" for t in row["gated_by"]))
                line = sentence("{rank} {action} ({owner}; after {after})", after=after, **values)
            else:
                line = sentence("{rank} {action} ({owner})", **values)
            # "#" escaped: at a line's start Markdown would read it as a heading
            parts.append(f"- \\#{line}")
        parts.append("")
    return "\n".join(parts).strip()


def describe_verdict(verdict: ModelVerdict) -> str:
    """A model's verdict as Markdown: the headline in bold, then its findings.

    Verdict texts are Markdown whose client text the model has escaped already.
    """
    lines = [f"**{verdict.headline}**", ""]
    lines += [f"- {finding}" for finding in verdict.findings]
    return "\n".join(lines)


def describe_skipped(collected: Verdicts) -> str:
    """Which models could not give a verdict, and why (empty when all could)."""
    if not collected.skipped:
        return ""
    items = Safe(
        "; ".join(
            f"{escape(model_name(name))}: {escape(translate(reason))}"
            for name, reason in collected.skipped.items()
        )
    )
    return sentence("Not in this report: {items}.", items=items)


def describe_notes(base: CustomerBase) -> str:
    """What the base could not measure, as one line (empty when nothing)."""
    notes = list(dict.fromkeys(base.notes))
    if not notes:
        return ""
    items = Safe("; ".join(escape(translate(note).rstrip(".")) for note in notes))
    return sentence("*Note: {notes}.*", notes=items)

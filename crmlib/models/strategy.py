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
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.base import CustomerBase, customer_base
from crmlib.analytics.pareto import pareto_curve
from crmlib.data.company import Company
from crmlib.errors import CrmlibError
from crmlib.figures import Figure
from crmlib.formatting import count, money, percent
from crmlib.models import verdict_cache
from crmlib.models.registry import MODEL_MODULES
from crmlib.models.verdict import ModelVerdict
from crmlib.text import escape

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
        return "not available"
    value = figure.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if figure.unit == "share":
        return percent(float(value))
    if figure.unit in ("customers", "purchases", "episodes"):
        return count(value)
    if len(figure.unit) == 3 and figure.unit.isupper():
        return money(float(value), figure.unit)
    return f"{value:,.0f}"


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
            "figure": f.label,
            "value": shown_value(f),
            "period": f.window,
            "note": f.reason if f.status != "ok" else "",
        }
        for f in figures
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "period", "note"]).set_index("figure")


def value_curve(base: CustomerBase) -> pd.DataFrame:
    """The Pareto curve of the base's current value (what the SSC count ranks on)."""
    return pareto_curve(base.table["current_value"])


def value_name(base: CustomerBase) -> str:
    """What current value measures, in words."""
    return "margin after the cost to serve" if base.value_metric == "margin" else "revenue"


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
            skipped[name] = "the model's module is not installed"
            continue
        if not (hasattr(module, "analyse") and hasattr(module, "verdict")):
            skipped[name] = "the model does not offer a verdict yet"
            continue
        try:
            verdict = module.verdict(module.analyse(company, base))
        except CrmlibError as error:
            skipped[name] = str(error)
            continue
        verdict_cache.store(key, verdict)
        verdicts.append(verdict)
    return Verdicts(verdicts, skipped, tuple(reused))


def action_plan(verdicts: list[ModelVerdict], top: int | None = None) -> pd.DataFrame:
    """All models' actions in one prioritised list.

    Actions are ranked by priority (1 first), then by expected value per year
    (unknown values last).

    Returns
    -------
    DataFrame
        Indexed by rank (1, 2, ...): ``action``, ``owner``, ``expected_value``,
        ``model``, ``priority``, ``rationale``.
    """
    rows = [
        {
            "action": a.title,
            "owner": a.owner,
            "expected_value": a.expected_value,
            "model": a.model or v.model,
            "priority": a.priority,
            "rationale": a.rationale,
        }
        for v in verdicts
        for a in v.actions
    ]
    columns = ["action", "owner", "expected_value", "model", "priority", "rationale"]
    plan = pd.DataFrame(rows, columns=columns)
    plan["expected_value"] = pd.to_numeric(plan["expected_value"], errors="coerce")
    plan = plan.sort_values(
        ["priority", "expected_value"],
        ascending=[True, False],
        na_position="last",
        kind="mergesort",
    ).reset_index(drop=True)
    if top is not None:
        plan = plan.head(top)
    plan.index = pd.RangeIndex(1, len(plan) + 1, name="rank")
    return plan


def readable_plan(plan: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The action plan with money formatted, for the report."""
    shown = plan[["action", "owner", "model", "priority", "expected_value"]].copy()
    shown["expected_value"] = [
        money(v, currency) if pd.notna(v) else "not estimated" for v in shown["expected_value"]
    ]
    return shown.rename(columns={"expected_value": "expected value / year"})


def executive_summary(
    company: Company,
    base: CustomerBase,
    collected: Verdicts,
    plan: pd.DataFrame,
    cite: Callable[[Figure], str] | None = None,
) -> str:
    """The opening paragraph of the report, computed from the base's figures and verdicts.

    Parameters
    ----------
    cite : callable, optional
        Writes a :class:`Figure` into the text; a notebook passes
        :func:`crmlib.notebook.figures.cite` so the report can check each figure. By
        default the value is written plainly.

    A figure the data cannot give is named with the reason, never written as 0.
    """
    show = cite or shown_value
    currency = company.currency
    figure = base.figure
    metric = value_name(base)
    buyers = figure("buyers")
    text = (
        f"**{escape(company.name)}** serves {show(figure('customers'))} customers, of whom "
        f"{show(buyers)} bought in the analysis window ({escape(buyers.window)}). The "
        f"strategically significant customers are the top {percent(base.settings.ssc_share)} "
        f"by {metric}: {show(figure('ssc_count'))} customers. The top 20% bring "
        f"{show(figure('top20_share'))} of it."
    )
    retention = figure("retention_rate")
    if retention.status == "unavailable":
        text += f" Retention cannot be measured: {escape(retention.reason.rstrip('.'))}."
    else:
        text += f" {show(retention)} of the previous window's buyers bought again."
    expected = figure("expected_margin_12m")
    if expected.status == "unavailable":
        text += f" No forecast of future {metric} is given: {escape(expected.reason.rstrip('.'))}."
    else:
        text += (
            f" The {escape(str(figure('clv_fit').value))} forecast expects "
            f"{show(expected)} of {'revenue' if base.value_metric == 'revenue' else 'margin'} "
            f"in the next twelve months ({escape(expected.window)})"
            + (" (with a caveat; see the key figures)." if expected.status == "caveat" else ".")
        )
    share = figure("cost_to_serve_share")
    if share.status == "unavailable":
        text += f" The cost to serve is not known: {escape(share.reason.rstrip('.'))}."
    else:
        text += f" Serving the customers through contacts costs {show(share)} of the gross margin."
    if collected.verdicts:
        text += (
            f" {len(collected.verdicts)} models were applied to the data and the workshop answers."
        )
    valued = plan.dropna(subset=["expected_value"])
    if len(valued):
        total = valued["expected_value"].sum()
        first = plan.iloc[0]
        text += (
            f" Together their {len(plan)} actions are worth an estimated "
            f"{money(total, currency)} a year where they can be valued; the first is to "
            f"*{escape(first['action'].rstrip('.').lower())}* ({escape(first['model'])})."
        )
    return text


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
    items = "; ".join(
        f"{escape(name)}: {escape(reason)}" for name, reason in collected.skipped.items()
    )
    return f"Not in this report: {items}."


def describe_notes(base: CustomerBase) -> str:
    """What the base could not measure, as one line (empty when nothing)."""
    notes = list(dict.fromkeys(base.notes))
    if not notes:
        return ""
    return "*Note: " + "; ".join(escape(note.rstrip(".")) for note in notes) + ".*"

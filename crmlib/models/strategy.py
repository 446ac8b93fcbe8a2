"""The strategy report: every model's verdict, the key figures and one action plan.

The report does not recompute the models by hand. It asks each model package for
``verdict(analyse(company))`` (see :mod:`crmlib.models.contract`), computed by the same
functions its notebook shows, and brings them together. A model whose module is not installed,
or whose data is missing, is listed with the reason.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics.base import customer_base
from crmlib.analytics.clv import observed_retention_rate
from crmlib.analytics.pareto import customer_share_for_value, pareto_curve, value_share_of_top
from crmlib.data.company import Company
from crmlib.errors import CrmlibError
from crmlib.formatting import count, money, percent
from crmlib.models.verdict import ModelVerdict
from crmlib.text import escape

# model name -> package offering analyse(company) and verdict(result)
MODEL_MODULES = {
    "IDIC": "crmlib.models.idic",
    "QCI": "crmlib.models.qci",
    "Payne & Frow": "crmlib.models.payne_frow",
    "CRM value chain": "crmlib.models.value_chain",
    "Customer IDOL": "crmlib.models.idol",
}


@dataclass(frozen=True)
class KeyFigures:
    """The figures a board reads first.

    Attributes
    ----------
    customers, buyers : int
        All customers, and those who bought in the last twelve months.
    ssc_customer_share : float
        The share of customers that brings 80 % of the last twelve months' margin.
    top20_value_share : float
        The share of that margin brought by the top 20 % of customers.
    clv_total, clv_mean : float
        Expected margin of the next twelve months (BG/NBD and Gamma-Gamma), in total
        and per buyer.
    retention_rate : float
        Share of the year-before-last's buyers who bought again last year.
    cost_to_serve, cost_to_serve_share : float
        Contact costs over the whole history, and as a share of gross margin.
    margin_last_year : float
        Profit after the cost to serve, last twelve months.
    profit_curve : DataFrame
        The Pareto curve of that profit per customer.
    notes : list of str
        What could not be measured, and why.
    """

    customers: int
    buyers: int
    ssc_customer_share: float
    top20_value_share: float
    clv_total: float
    clv_mean: float
    retention_rate: float
    cost_to_serve: float
    cost_to_serve_share: float
    margin_last_year: float
    profit_curve: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def key_figures(company: Company, *, horizon_months: int = 12) -> KeyFigures:
    """Compute the key figures from the company's per-customer value table."""
    transactions, notes = company.transactions, []
    has_margin_rate = (
        company.has("products", "margin_rate") and "product_id" in transactions.columns
    )
    if "cost" not in transactions.columns and not has_margin_rate:
        # Without any cost data the report can still rank customers: on revenue.
        transactions = transactions.assign(cost=0.0)
        notes.append("the data holds no cost or product margin, so margin figures are revenue")
    base = customer_base(company, window_months=horizon_months)
    table = base.segments_table(legacy=True)
    value = table.set_index("customer_id")["current_value"]
    clv = table["clv"]
    buyers = int(table["is_buyer"].sum())
    gross = float(table["gross_margin"].sum())
    return KeyFigures(
        customers=len(table),
        buyers=buyers,
        ssc_customer_share=customer_share_for_value(value, 0.8),
        top20_value_share=value_share_of_top(value, 0.2),
        clv_total=float(clv.sum()),
        clv_mean=float(clv[table["expected_purchases"] > 0].mean())
        if clv.notna().any()
        else float("nan"),
        retention_rate=float(
            observed_retention_rate(company.transactions, observation_end=company.observation_end)
        ),
        cost_to_serve=float(table["cost_to_serve"].sum()),
        cost_to_serve_share=float(table["cost_to_serve"].sum() / gross)
        if gross > 0
        else float("nan"),
        margin_last_year=float(table["current_value"].sum()),
        profit_curve=pareto_curve(value),
        notes=notes + base.notes,
    )


def key_figures_table(figures: KeyFigures, currency: str) -> pd.DataFrame:
    """The key figures as a two-column table (figure, value) for the report."""
    rows = [
        ("Customers", count(figures.customers)),
        ("Bought in the last 12 months", count(figures.buyers)),
        ("Customers bringing 80% of margin (SSC share)", percent(figures.ssc_customer_share)),
        ("Margin share of the top 20%", percent(figures.top20_value_share)),
        ("Expected margin next 12 months (CLV)", money(figures.clv_total, currency)),
        ("CLV per active customer", money(figures.clv_mean, currency)),
        ("Retention (year on year)", percent(figures.retention_rate)),
        ("Cost to serve (contacts)", money(figures.cost_to_serve, currency)),
        ("Cost to serve as share of gross margin", percent(figures.cost_to_serve_share)),
        ("Profit after cost to serve, last 12 months", money(figures.margin_last_year, currency)),
    ]
    return pd.DataFrame(rows, columns=["figure", "value"]).set_index("figure")


@dataclass(frozen=True)
class Verdicts:
    """The verdicts that could be computed, and the models that could not, with why."""

    verdicts: list[ModelVerdict]
    skipped: dict[str, str]


def collect_verdicts(company: Company, models: dict[str, str] | None = None) -> Verdicts:
    """Ask every model module for its verdict on ``company``."""
    verdicts, skipped = [], {}
    for name, module_name in (models or MODEL_MODULES).items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            skipped[name] = "the model's module is not installed"
            continue
        if not (hasattr(module, "analyse") and hasattr(module, "verdict")):
            skipped[name] = "the model does not offer a verdict yet"
            continue
        try:
            verdicts.append(module.verdict(module.analyse(company)))
        except CrmlibError as error:
            skipped[name] = str(error)
    return Verdicts(verdicts, skipped)


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
    company: Company, figures: KeyFigures, collected: Verdicts, plan: pd.DataFrame
) -> str:
    """The opening paragraph of the report, computed from the figures and verdicts."""
    currency = company.currency
    text = (
        f"**{escape(company.name)}** serves {count(figures.customers)} customers, of whom "
        f"{count(figures.buyers)} bought in the last twelve months. {percent(figures.ssc_customer_share)} "
        f"of the customers bring 80% of the margin: these strategically significant customers carry the "
        f"business. {percent(figures.retention_rate)} of last year's buyers came back, and the customers "
        f"are expected to bring {money(figures.clv_total, currency)} of margin in the next twelve months. "
        f"Serving them through contacts costs {percent(figures.cost_to_serve_share)} of the gross margin."
    )
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


def describe_notes(figures: KeyFigures) -> str:
    """What the key figures could not measure, as one line (empty when nothing)."""
    if not figures.notes:
        return ""
    return "*Note: " + "; ".join(escape(note.rstrip(".")) for note in figures.notes) + ".*"

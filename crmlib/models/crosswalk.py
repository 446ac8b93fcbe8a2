"""How the five CRM models relate: a crosswalk of their elements, and their advice compared.

The crosswalk is the workbook's reading of the models as :file:`MODELS.md` describes them:
each row is one idea the models share under different names (Identify ≈ Identification ≈
information management ≈ customer intimacy ...). The comparison sorts every model's
actions (:class:`~crmlib.models.verdict.Action`) onto those rows by the words of their
titles, so where the models agree or conflict for one company is computed from their
verdicts, not written in advance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from crmlib.models.verdict import ModelVerdict

MODELS = ("IDIC", "QCI", "Payne & Frow", "CRM value chain", "Customer IDOL")


@dataclass(frozen=True)
class Theme:
    """One shared idea: each model's name for it, and the words that mark an action as it."""

    name: str
    question: str
    elements: dict[str, str]
    words: tuple[str, ...]


#: The crosswalk, in the order a CRM strategy is usually built. "-" where a model has no
#: element of its own for the idea.
THEMES = (
    Theme(
        "Know the customer",
        "Do we recognise each customer and know enough about them?",
        {
            "IDIC": "Identify",
            "QCI": "Information & technology",
            "Payne & Frow": "Information management",
            "CRM value chain": "Customer intimacy",
            "Customer IDOL": "Identification",
        },
        ("picture", "duplicate", "data", "consent", "needs", "identif", "record"),
    ),
    Theme(
        "Rank customers by value",
        "Which customers matter most, now and later?",
        {
            "IDIC": "Differentiate (MVC, MGC, BZ)",
            "QCI": "Analysis & planning",
            "Payne & Frow": "Strategy development",
            "CRM value chain": "Customer portfolio analysis",
            "Customer IDOL": "Differentiation",
        },
        ("segment", "mvc", "mgc", "groups", "treat", "strateg", "portfolio", "ssc", "tier"),
    ),
    Theme(
        "Keep and grow customers",
        "How do we keep the valuable customers and sell them more?",
        {
            "IDIC": "Interact (retain MVC, develop MGC)",
            "QCI": "Retention, penetration, acquisition",
            "Payne & Frow": "Value creation",
            "CRM value chain": "Relationship management",
            "Customer IDOL": "-",
        },
        ("retain", "retention", "win back", "lapsed", "cross-sell", "loyalty", "acquisition"),
    ),
    Theme(
        "One customer across channels",
        "Does every channel and process treat the customer as one?",
        {
            "IDIC": "Interact",
            "QCI": "Customer management activities",
            "Payne & Frow": "Multichannel integration",
            "CRM value chain": "Network development",
            "Customer IDOL": "Orchestration",
        },
        ("channel", "contact history", "first contact", "settle", "partner", "handover"),
    ),
    Theme(
        "Fit the offer",
        "Does what we offer fit what each customer needs?",
        {
            "IDIC": "Customize",
            "QCI": "Proposition",
            "Payne & Frow": "Value creation",
            "CRM value chain": "Value proposition development",
            "Customer IDOL": "Differentiation (needs)",
        },
        ("proposition", "offer", "next best", "product"),
    ),
    Theme(
        "Serve at a fitting cost",
        "Where does serving customers cost more than they bring?",
        {
            "IDIC": "Differentiate (below-zero customers)",
            "QCI": "Efficiency",
            "Payne & Frow": "Value creation (cost to serve)",
            "CRM value chain": "Cost magnets",
            "Customer IDOL": "Differentiation (cost per treatment)",
        },
        ("cost", "cheaper", "serve for less", "profitable"),
    ),
    Theme(
        "Measure and learn",
        "Do we measure what the strategy does and change course?",
        {
            "IDIC": "Interact (learn from each contact)",
            "QCI": "Measuring the effect",
            "Payne & Frow": "Performance assessment",
            "CRM value chain": "-",
            "Customer IDOL": "Learning",
        },
        ("review", "measure", "kpi", "standard", "satisfaction", "every quarter", "quarter"),
    ),
    Theme(
        "People and organisation",
        "Are leadership, staff and organisation ready for it?",
        {
            "IDIC": "-",
            "QCI": "People & organisation",
            "Payne & Frow": "The four elements (readiness, change, projects, engagement)",
            "CRM value chain": "Supporting conditions",
            "Customer IDOL": "-",
        },
        ("employee", "engagement", "change management", "barrier", "leadership", "hr",
         "organisation", "culture", "it/data", "condition", "experience"),
    ),
)  # fmt: skip

#: The question each model answers best: when to use which.
BEST_FOR = {
    "IDIC": "Where to start: a step-by-step plan from knowing customers to tailoring to them, "
    "with a value category per customer.",
    "QCI": "Which activity to improve (acquisition, retention, penetration) and how the "
    "company's practice compares with others', scored on intention and reality.",
    "Payne & Frow": "Whether the organisation is ready and which cross-functional process is "
    "weakest: a programme plan for the board.",
    "CRM value chain": "Which customers are strategically significant and which link of the "
    "chain, primary or supporting, limits the value created for them.",
    "Customer IDOL": "How far to segment (how many groups pay) and whether channels, "
    "processes and offers treat the customer as one.",
}


def crosswalk() -> pd.DataFrame:
    """The crosswalk: one row per shared idea, one column per model's element."""
    rows = {t.name: {"question": t.question, **t.elements} for t in THEMES}
    return pd.DataFrame.from_dict(rows, orient="index")[["question", *MODELS]]


def theme_of(text: str) -> str | None:
    """The theme whose words occur most often in ``text`` (an action's title), or None.

    A tie goes to the theme earlier in :data:`THEMES`.
    """
    lowered = text.casefold()
    hits = [
        sum(bool(re.search(rf"\b{re.escape(w)}", lowered)) for w in theme.words) for theme in THEMES
    ]
    best = max(hits)
    return THEMES[hits.index(best)].name if best else None


def actions_by_theme(verdicts: list[ModelVerdict]) -> pd.DataFrame:
    """Every action with its theme: model, theme, priority, title, expected value."""
    rows = [
        {
            "model": v.model,
            "theme": theme_of(a.title) or "other",
            "priority": a.priority,
            "action": a.title,
            "expected_value": a.expected_value,
        }
        for v in verdicts
        for a in v.actions
    ]
    return pd.DataFrame(rows, columns=["model", "theme", "priority", "action", "expected_value"])


def priority_grid(actions: pd.DataFrame) -> pd.DataFrame:
    """Theme x model: the most urgent priority each model gives the theme (NaN: no action)."""
    if actions.empty:
        return pd.DataFrame(dtype=float)
    grid = actions.pivot_table(index="theme", columns="model", values="priority", aggfunc="min")
    order = [t.name for t in THEMES if t.name in grid.index] + (
        ["other"] if "other" in grid.index else []
    )
    return grid.reindex(index=order)


@dataclass(frozen=True)
class Comparison:
    """Where the models agree and where they pull apart, for one company.

    Attributes
    ----------
    agree : DataFrame
        Themes at least two models act on: ``models`` (how many), ``first`` (the models
        that give it priority 1), ``which`` (all of them).
    conflict : DataFrame
        Themes one model puts first (priority 1) and another acts on only later (3):
        ``first``, ``later`` and ``silent`` (the models with no action on it) models.
    values : DataFrame
        Themes two or more models value in money: the lowest and highest estimate a year
        and the models behind them (the same idea valued on different customers).
    """

    agree: pd.DataFrame
    conflict: pd.DataFrame
    values: pd.DataFrame


def compare(verdicts: list[ModelVerdict]) -> Comparison:
    """Agreements and conflicts between the models' actions, theme by theme."""
    actions = actions_by_theme(verdicts)
    grid = priority_grid(actions).drop(index="other", errors="ignore")
    # a model with a verdict but no action on any theme is silent on all of them
    grid = grid.reindex(columns=list(dict.fromkeys(v.model for v in verdicts)))
    agree, conflict = [], []
    for theme, row in grid.iterrows():
        acting = row.dropna()
        first = sorted(acting[acting == 1].index)
        if len(acting) >= 2:
            agree.append(
                {"theme": theme, "models": len(acting), "first": ", ".join(first) or "-",
                 "which": ", ".join(sorted(acting.index))}
            )  # fmt: skip
        later = sorted(acting[acting >= 3].index)
        silent = sorted(set(grid.columns) - set(acting.index))
        if first and later:
            conflict.append(
                {"theme": theme, "first": ", ".join(first), "later": ", ".join(later) or "-",
                 "silent": ", ".join(silent) or "-"}
            )  # fmt: skip
    valued = actions.dropna(subset=["expected_value"])
    valued = valued[valued["theme"] != "other"]
    spans = []
    for theme, group in valued.groupby("theme", sort=False):
        per_model = group.groupby("model")["expected_value"].sum()
        if len(per_model) >= 2:
            spans.append(
                {"theme": theme, "lowest": per_model.min(), "by": per_model.idxmin(),
                 "highest": per_model.max(), "by_highest": per_model.idxmax()}
            )  # fmt: skip
    return Comparison(
        pd.DataFrame(agree, columns=["theme", "models", "first", "which"]).set_index("theme"),
        pd.DataFrame(conflict, columns=["theme", "first", "later", "silent"]).set_index("theme"),
        pd.DataFrame(spans, columns=["theme", "lowest", "by", "highest", "by_highest"]).set_index(
            "theme"
        ),
    )


def agreement_scores(verdicts: list[ModelVerdict]) -> pd.Series:
    """Per theme: how strongly the models back it (priority 1 counts 3, 2 counts 2, 3 counts 1).

    The workbook's rule for a joint plan: an idea that several models, each asking its own
    question, put first is the most robust place to start.
    """
    grid = priority_grid(actions_by_theme(verdicts)).drop(index="other", errors="ignore")
    return (4 - grid).sum(axis=1).sort_values(ascending=False, kind="mergesort")


def _short(name: str) -> str:
    """A verdict's model name as in :data:`MODELS` ("CRM value chain (Buttle)" -> "CRM value chain")."""
    return next((m for m in MODELS if name.startswith(m)), name)


def describe(comparison: Comparison, currency: str = "") -> str:
    """The comparison in sentences (Markdown), computed from the verdicts."""
    from crmlib.formatting import money

    lines = []
    for theme, row in comparison.agree.iterrows():
        first = f"; {row['first']} put it first" if row["first"] != "-" else ""
        lines.append(f"- **{theme}**: {row['models']} models act on it ({row['which']}){first}.")
    for theme, row in comparison.conflict.iterrows():
        later = f"; {row['later']} only later" if row["later"] != "-" else ""
        silent = f"; {row['silent']} not at all" if row["silent"] != "-" else ""
        asks = " ".join(
            f"{name} asks: {BEST_FOR[short]}"
            for name in row["later"].split(", ")
            if (short := _short(name)) in BEST_FOR
        )
        lines.append(
            f"- **Conflict on {theme.lower()}**: {row['first']} put it first{later}{silent}. "
            f"Each model ranks by its own question. {asks}"
        )
    for theme, row in comparison.values.iterrows():
        lines.append(
            f"- **{theme}** is worth {money(row['lowest'], currency)} a year to {row['by']} and "
            f"{money(row['highest'], currency)} to {row['by_highest']}: the models value "
            "different actions on different customers (all buyers, a target segment, one "
            "value category) with different uplifts."
        )
    return "\n".join(lines) or "The models' actions share no theme for this company."

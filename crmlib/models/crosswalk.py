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
from crmlib.text import N_, sentence, translate

# The names are keys (verdicts, columns); the catalogue gives their words where shown.
MODELS = ("IDIC", "QCI", "Payne & Frow", N_("CRM value chain"), "Customer IDOL")


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
        N_("Know the customer"),
        N_("Do we recognise each customer and know enough about them?"),
        {
            "IDIC": N_("Identify"),
            "QCI": N_("Information & technology"),
            "Payne & Frow": N_("Information management"),
            "CRM value chain": N_("Customer intimacy"),
            "Customer IDOL": N_("Identification"),
        },
        ("picture", "duplicate", "data", "consent", "needs", "identif", "record"),
    ),
    Theme(
        N_("Rank customers by value"),
        N_("Which customers matter most, now and later?"),
        {
            "IDIC": N_("Differentiate (MVC, MGC, BZ)"),
            "QCI": N_("Analysis & planning"),
            "Payne & Frow": N_("Strategy development"),
            "CRM value chain": N_("Customer portfolio analysis"),
            "Customer IDOL": N_("Differentiation"),
        },
        ("segment", "mvc", "mgc", "groups", "treat", "strateg", "portfolio", "ssc", "tier"),
    ),
    Theme(
        N_("Keep and grow customers"),
        N_("How do we keep the valuable customers and sell them more?"),
        {
            "IDIC": N_("Interact (retain MVC, develop MGC)"),
            "QCI": N_("Retention, penetration, acquisition"),
            "Payne & Frow": N_("Value creation"),
            "CRM value chain": N_("Relationship management"),
            "Customer IDOL": "-",
        },
        ("retain", "retention", "win back", "lapsed", "cross-sell", "loyalty", "acquisition"),
    ),
    Theme(
        N_("One customer across channels"),
        N_("Does every channel and process treat the customer as one?"),
        {
            "IDIC": N_("Interact"),
            "QCI": N_("Customer management activities"),
            "Payne & Frow": N_("Multichannel integration"),
            "CRM value chain": N_("Network development"),
            "Customer IDOL": N_("Orchestration"),
        },
        ("channel", "contact history", "first contact", "settle", "partner", "handover"),
    ),
    Theme(
        N_("Fit the offer"),
        N_("Does what we offer fit what each customer needs?"),
        {
            "IDIC": N_("Customize"),
            "QCI": N_("Proposition"),
            "Payne & Frow": N_("Value creation"),
            "CRM value chain": N_("Value proposition development"),
            "Customer IDOL": N_("Differentiation (needs)"),
        },
        ("proposition", "offer", "next best", "product"),
    ),
    Theme(
        N_("Serve at a fitting cost"),
        N_("Where does serving customers cost more than they bring?"),
        {
            "IDIC": N_("Differentiate (below-zero customers)"),
            "QCI": N_("Efficiency"),
            "Payne & Frow": N_("Value creation (cost to serve)"),
            "CRM value chain": N_("Cost magnets"),
            "Customer IDOL": N_("Differentiation (cost per treatment)"),
        },
        ("cost", "cheaper", "serve for less", "profitable"),
    ),
    Theme(
        N_("Measure and learn"),
        N_("Do we measure what the strategy does and change course?"),
        {
            "IDIC": N_("Interact (learn from each contact)"),
            "QCI": N_("Measuring the effect"),
            "Payne & Frow": N_("Performance assessment"),
            "CRM value chain": "-",
            "Customer IDOL": N_("Learning"),
        },
        ("review", "measure", "kpi", "standard", "satisfaction", "every quarter", "quarter"),
    ),
    Theme(
        N_("People and organisation"),
        N_("Are leadership, staff and organisation ready for it?"),
        {
            "IDIC": "-",
            "QCI": N_("People & organisation"),
            "Payne & Frow": N_("The four elements (readiness, change, projects, engagement)"),
            "CRM value chain": N_("Supporting conditions"),
            "Customer IDOL": "-",
        },
        ("employee", "engagement", "change management", "barrier", "leadership", "hr",
         "organisation", "culture", "it/data", "condition", "experience"),
    ),
)  # fmt: skip


class _InLanguage(dict):
    """A mapping of texts that reads each text in the language in force (keys stay English).

    For texts a notebook shows straight from the mapping (``assign(best_for=BEST_FOR)``).
    """

    def __getitem__(self, key: str) -> str:
        return translate(dict.__getitem__(self, key))

    def get(self, key: str, default: str | None = None) -> str | None:
        try:
            return self[key]
        except KeyError:
            return default

    def values(self) -> list[str]:  # type: ignore[override]
        return [self[key] for key in self]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return [(key, self[key]) for key in self]


#: The question each model answers best: when to use which.
BEST_FOR = _InLanguage(
    {
        "IDIC": N_(
            "Where to start: a step-by-step plan from knowing customers to tailoring to them, "
            "with a value category per customer."
        ),
        "QCI": N_(
            "Which activity to improve (acquisition, retention, penetration) and how the "
            "company's practice compares with others', scored on intention and reality."
        ),
        "Payne & Frow": N_(
            "Whether the organisation is ready and which cross-functional process is "
            "weakest: a programme plan for the board."
        ),
        "CRM value chain": N_(
            "Which customers are strategically significant and which link of the "
            "chain, primary or supporting, limits the value created for them."
        ),
        "Customer IDOL": N_(
            "How far to segment (how many groups pay) and whether channels, "
            "processes and offers treat the customer as one."
        ),
    }
)

#: The theme of an action whose title matches no idea (a key; shown translated).
OTHER = N_("other")


def model_names(models: str) -> str:
    """Model names as the reader sees them; a joined list ("IDIC, QCI") name by name."""
    return ", ".join(translate(name) for name in str(models).split(", "))


def crosswalk() -> pd.DataFrame:
    """The crosswalk: one row per shared idea, one column per model's element.

    The ideas, questions and elements are in the reader's language; the columns keep the
    names the code selects by (``question`` and the models of :data:`MODELS`).
    """
    rows = {
        translate(t.name): {
            "question": translate(t.question),
            **{model: translate(element) for model, element in t.elements.items()},
        }
        for t in THEMES
    }
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
            "theme": theme_of(a.title) or OTHER,
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
        [OTHER] if OTHER in grid.index else []
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
    grid = priority_grid(actions).drop(index=OTHER, errors="ignore")
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
    valued = valued[valued["theme"] != OTHER]
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
    question, put first is the most robust place to start. The ideas are named as the
    reader sees them in the chart (in the report's language): a student answers with them.
    """
    grid = priority_grid(actions_by_theme(verdicts)).drop(index=OTHER, errors="ignore")
    scores = (4 - grid).sum(axis=1).sort_values(ascending=False, kind="mergesort")
    return scores.rename(index=translate)


def _short(name: str) -> str:
    """A verdict's model name as in :data:`MODELS` ("CRM value chain (Buttle)" -> "CRM value chain")."""
    return next((m for m in MODELS if name.startswith(m)), name)


def describe(comparison: Comparison, currency: str = "") -> str:
    """The comparison in sentences (Markdown), computed from the verdicts."""
    from crmlib.formatting import money

    lines = []
    for theme, row in comparison.agree.iterrows():
        values = {
            "theme": translate(theme),
            "n": row["models"],
            "which": model_names(row["which"]),
        }
        if row["first"] != "-":
            # one model or several: the verb agrees (in Dutch too)
            template = (
                N_("**{theme}**: {n} models act on it ({which}); {first} put it first.")
                if ", " in row["first"]
                else N_("**{theme}**: {n} models act on it ({which}); {first} puts it first.")
            )
            line = sentence(template, first=model_names(row["first"]), **values)
        else:
            line = sentence("**{theme}**: {n} models act on it ({which}).", **values)
        lines.append(f"- {line}")
    for theme, row in comparison.conflict.iterrows():
        template = (
            N_("**Conflict on {theme}**: {first} put it first")
            if ", " in row["first"]
            else N_("**Conflict on {theme}**: {first} puts it first")
        )
        parts = [
            sentence(
                template,
                theme=translate(theme).lower(),
                first=model_names(row["first"]),
            )
        ]
        if row["later"] != "-":
            parts.append(sentence("{models} only later", models=model_names(row["later"])))
        if row["silent"] != "-":
            parts.append(sentence("{models} not at all", models=model_names(row["silent"])))
        asks = " ".join(
            sentence("{model} asks: {question}", model=translate(name), question=BEST_FOR[short])
            for name in row["later"].split(", ")
            if (short := _short(name)) in BEST_FOR
        )
        lines.append(
            "- "
            + "; ".join(parts)
            + ". "
            + translate("Each model ranks by its own question.")
            + (f" {asks}" if asks else " ")
        )
    for theme, row in comparison.values.iterrows():
        line = sentence(
            "**{theme}** is worth {lowest} a year to {by} and {highest} to {by_highest}: the "
            "models value different actions on different customers (all buyers, a target "
            "segment, one value category) with different uplifts.",
            theme=translate(theme),
            lowest=money(row["lowest"], currency),
            by=translate(row["by"]),
            highest=money(row["highest"], currency),
            by_highest=translate(row["by_highest"]),
        )
        lines.append(f"- {line}")
    return "\n".join(lines) or translate("The models' actions share no theme for this company.")

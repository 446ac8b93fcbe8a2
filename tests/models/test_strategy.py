import matplotlib

matplotlib.use("Agg")

import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from crmlib.data.company import load_company
from crmlib.errors import MissingDataError
from crmlib.models import strategy
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.plots.strategy import plot_action_values


def verdicts():
    return [
        ModelVerdict(
            "A",
            "a",
            actions=[
                Action("low value first", "marketing", 100.0, "A", "r", 1),
                Action("unknown value", "IT", None, "A", "r", 1),
                Action("later", "board", 9999.0, "A", "r", 3),
            ],
        ),
        ModelVerdict("B", "b", actions=[Action("high value first", "service", 500.0, "B", "r", 1)]),
    ]


def test_action_plan_ranks_by_priority_then_value():
    plan = strategy.action_plan(verdicts())
    assert plan["action"].tolist() == [
        "high value first",
        "low value first",
        "unknown value",
        "later",
    ]
    assert plan.index.tolist() == [1, 2, 3, 4]
    assert strategy.action_plan(verdicts(), top=2)["action"].tolist() == [
        "high value first",
        "low value first",
    ]
    shown = strategy.readable_plan(plan, "EUR")
    assert shown.loc[1, "expected value / year"] == "EUR 500"
    assert shown.loc[3, "expected value / year"] == "not estimated"


def test_action_values_chart():
    ax = plot_action_values(strategy.action_plan(verdicts()))
    assert [round(p.get_width()) for p in ax.patches[:3]] == [500, 100, 9999]
    assert len(ax.get_yticklabels()) == 3  # the unknown value is left out


def test_collect_verdicts_lists_what_it_could_not_compute(monkeypatch):
    good = types.ModuleType("good_model")
    good.analyse = lambda company, base=None: {"company": company, "base": base}
    good.verdict = lambda result: ModelVerdict("Good", "fine")
    bad = types.ModuleType("bad_model")

    def refuse(company, base=None):
        raise MissingDataError("the needs step needs the needs table")

    bad.analyse = refuse
    bad.verdict = lambda result: ModelVerdict("Bad", "never reached")
    half = types.ModuleType("half_model")
    half.verdict = lambda result: ModelVerdict("Half", "no analyse")
    for name, module in (("good_model", good), ("bad_model", bad), ("half_model", half)):
        monkeypatch.setitem(sys.modules, name, module)
    collected = strategy.collect_verdicts(
        None,
        {"Good": "good_model", "Bad": "bad_model", "Half": "half_model", "Gone": "no_such_module"},
    )
    assert [v.model for v in collected.verdicts] == ["Good"]
    assert collected.skipped == {
        "Bad": "the needs step needs the needs table",
        "Half": "the model does not offer a verdict yet",
        "Gone": "the model's module is not installed",
    }
    assert strategy.describe_skipped(collected).startswith(
        "Not in this report: Bad: the needs step"
    )


def test_key_figures_on_a_small_company(tmp_path: Path):
    (tmp_path / "customers.csv").write_text("customer_id\nA\nB\nC\n")
    rows = [
        "A,2024-01-10,100",
        "A,2024-06-10,100",
        "A,2025-03-10,100",
        "B,2024-02-01,50",
        "B,2025-05-01,50",
        "C,2024-03-01,10",
    ]
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n")
    company = load_company(tmp_path, observation_end="2025-12-31")
    base = strategy.report_base(company)
    figures = {f.id: f for f in strategy.key_figures(base)}
    assert list(figures) == list(strategy.KEY_FIGURES)
    assert figures["customers"].value == 3
    assert figures["buyers"].value == 2  # A and B bought in 2025
    # 2024's buyers A, B, C; A and B came back in 2025
    assert figures["retention_rate"].value == pytest.approx(2 / 3)
    # no cost, no contacts: unknown, never 0
    for figure_id in ("gross_margin", "cost_to_serve", "cost_to_serve_share"):
        assert figures[figure_id].status == "unavailable", figure_id
    table = strategy.key_figures_table(list(figures.values()))
    assert table.loc["Customers", "value"] == "3"
    assert table.loc[figures["cost_to_serve"].label, "value"] == "not available"
    assert table.loc[figures["cost_to_serve"].label, "note"]
    text = strategy.executive_summary(
        company, base, strategy.Verdicts([], {}), strategy.action_plan([])
    )
    assert "serves 3 customers, of whom 2 bought in the analysis window" in text
    assert "67% of the previous window's buyers bought again" in text
    assert "The cost to serve is not known" in text
    assert "EUR 0" not in text and " 0%" not in text
    cited = strategy.executive_summary(
        company,
        base,
        strategy.Verdicts([], {}),
        strategy.action_plan([]),
        cite=lambda f: f"[{f.id}]",
    )
    assert "serves [customers] customers, of whom [buyers] bought" in cited


def test_verdicts_are_computed_once_per_base_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "company"
    data.mkdir()
    (data / "customers.csv").write_text("customer_id\nA\nB\n")
    (data / "transactions.csv").write_text(
        "customer_id,date,amount\nA,2024-01-10,100\nA,2025-03-10,100\nB,2025-05-01,50\n"
    )
    calls = []
    counting = types.ModuleType("counting_model")

    def analyse(company, base=None):
        calls.append(base)
        return base

    counting.analyse = analyse
    counting.verdict = lambda base: ModelVerdict(
        "Counting", f"{base.figure('buyers').value} buyers", figures={"buyers": 2.0}
    )
    monkeypatch.setitem(sys.modules, "counting_model", counting)
    company = load_company(data, observation_end="2025-12-31")
    base = strategy.report_base(company)
    first = strategy.collect_verdicts(company, {"Counting": "counting_model"}, base=base)
    # every model receives the one base it was given
    assert calls == [base]
    second = strategy.collect_verdicts(company, {"Counting": "counting_model"}, base=base)
    assert len(calls) == 1 and second.reused == ("Counting",)
    assert second.verdicts == first.verdicts
    assert first.verdicts[0].headline == "2 buyers"
    # a changed workshop answer is another input: computed again
    (data / "assessments").mkdir()
    (data / "assessments" / "qci.yaml").write_text("answers: {}\n")
    strategy.collect_verdicts(company, {"Counting": "counting_model"}, base=base)
    assert len(calls) == 2


def test_sample_report_brings_every_model(sample_dir: Path):
    company = load_company(sample_dir)
    collected = strategy.collect_verdicts(company, cache=False)
    assert {v.model for v in collected.verdicts} >= {"QCI", "Customer IDOL"}
    plan = strategy.action_plan(collected.verdicts)
    assert plan["owner"].notna().all() and (plan["priority"].between(1, 3)).all()
    assert isinstance(plan, pd.DataFrame) and len(plan) >= 5

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
                Action("keep them", "marketing", 1000.0, "A", "r", 1, lever="retention",
                       customers=("1", "2"), cost=100.0, needs=("consent",), effort=1),
                Action("unknown value", "IT", None, "A", "r", 1, lever="data"),
                Action("record consent", "legal", None, "A", "r", 3, lever="readiness",
                       cost=50.0, unblocks="consent", effort=1),
            ],
        ),
        ModelVerdict(
            "B",
            "b",
            actions=[
                Action("keep them too", "service", 3000.0, "B", "r", 1, lever="retention",
                       customers=("2", "3"), cost=0.0, needs=("consent",), effort=1),
                Action("serve for less", "service", 400.0, "B", "r", 2, lever="cost_to_serve",
                       cost=0.0, effort=1),
            ],
        ),
    ]  # fmt: skip


def test_action_portfolio_counts_each_customer_once_and_gates_campaigns():
    found = strategy.action_portfolio(verdicts())
    assert found.gross_sum == pytest.approx(4400.0)
    # retention: customer 1: 900/2 = 450; 2 and 3: 1500 each (B's is larger on 2)
    assert found.combined.net_base == pytest.approx(450 + 3000 + 400 - 50)
    plan = found.roadmap
    assert plan.loc[1, "action"] == "record consent" and plan.loc[1, "blocker"]
    assert plan.set_index("action").loc["keep them too", "gated_by"] == ["record consent"]
    shown = strategy.portfolio_table(found, "EUR")
    row = shown.set_index("action").loc["keep them too"]
    assert row["gated by"] == "#1" and row["net / year (EUR), low to high"] == (
        "3,000 (1,500 to 4,500)"
    )
    assert shown.set_index("action").loc["unknown value", "cost / year (EUR)"] == "not known"
    payload = strategy.portfolio_payload(found)
    assert set(payload["portfolio"]) == {"net_low", "net_base", "net_high"}
    first = payload["actions"][0]
    assert {"title", "lever", "customers", "cost", "net_low", "net_base", "net_high",
            "gated_by"} <= set(first)  # fmt: skip
    unknown = next(a for a in payload["actions"] if a["title"] == "unknown value")
    assert unknown["net_base"] is None and unknown["cost"] is None
    assert strategy.effort_note().startswith("Effort: 1, weeks")


def test_action_values_chart():
    found = strategy.action_portfolio(verdicts())
    ax = plot_action_values(found.roadmap)
    widths = sorted(round(p.get_width()) for p in ax.patches[:3])
    assert widths == [400, 900, 3000]
    assert len(ax.get_yticklabels()) == 3  # the unknown values are left out


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
    empty = strategy.action_portfolio([])
    text = strategy.executive_summary(company, base, strategy.Verdicts([], {}), empty)
    assert "Buyers in the window: **2**" in text
    assert "Retention rate: **67%**" in text
    assert "No model could give an action" in text and "None of the 0 actions" in text
    assert "EUR 0" not in text and " 0%" not in text
    cited = strategy.executive_summary(
        company, base, strategy.Verdicts([], {}), empty, cite=lambda f: f"[{f.id}]"
    )
    assert "Buyers in the window: **[buyers]**" in cited


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
    found = strategy.action_portfolio(collected.verdicts)
    assert all(a.lever for a in found.actions) and len(found.actions) >= 5
    titles = [a.title.lower() for a in found.actions]
    # the same step proposed by two models is listed once
    assert sum("complete the customer picture" in t and "needs" in t for t in titles) == 1
    # each customer-euro once and net: below the plain sum of the models' gross values
    total = found.combined
    assert total.net_low <= total.net_base <= total.net_high < found.gross_sum
    # blockers first; every campaign that needs consent waits for its blocker
    plan = found.roadmap
    assert plan["blocker"].iloc[: plan["blocker"].sum()].all()
    for _, row in plan[plan["gated_by"].str.len() > 0].iterrows():
        assert row["when"] != "first 90 days"
    # the win-back is valued over the lapsed customers it names
    win_back = next(a for a in found.actions if a.title.startswith("Win back"))
    assert win_back.customer_count == len(win_back.customers)
    assert isinstance(plan, pd.DataFrame)
    # tailoring for every buyer (IDOL) and cross-selling to single-category buyers (QCI)
    # reach some of the same customers by id: those customers count once in the total
    table = total.table.set_index("action")
    groups = next(a for a in found.actions if a.title.startswith("Treat customers"))
    cross = next(a for a in found.actions if a.title.startswith("Cross-sell"))
    assert groups.customer_count == len(groups.customers) > 0
    assert cross.customer_count == len(cross.customers) > 0
    shared = set(groups.customers) & set(cross.customers)
    assert shared and cross.title in table.loc[groups.title, "overlaps"]
    both = table.loc[[groups.title, cross.title]]
    assert both["counted_base"].sum() < both["net_base"].sum() - 1.0


def test_the_caveats_are_those_the_data_calls_for(root):
    # the sample has campaigns and valued actions; CDNOW neither
    sample = load_company(root / "data" / "sample")
    found = strategy.action_portfolio(strategy.collect_verdicts(sample, cache=False).verdicts)
    text = str(strategy.describe_caveats(found, sample))
    assert "The values are estimates" in text and "no control group" in text
    one_channel = int(sample.campaigns.groupby("offer")["channel"].nunique().max()) == 1
    assert ("cannot be told apart from what its offer adds" in text) == one_channel
    table = strategy.assumptions_table(found)
    assert table.index.name == "action" and list(table.columns) == ["model", "assumptions"]
    cdnow = load_company(root / "data" / "cdnow")
    found = strategy.action_portfolio(strategy.collect_verdicts(cdnow, cache=False).verdicts)
    assert all(a.expected_value is None for a in found.actions)
    text = str(strategy.describe_caveats(found, cdnow))
    assert text.startswith("No action carries a value yet") and "campaign" not in text
    # no margin in the data: no action's assumption speaks of a margin it puts a value on
    assert not any("the value is the margin" in a.assumptions for a in found.actions)


def test_the_situation_reads_the_forecast_with_its_models_miss(sample_dir: Path):
    from crmlib.analytics.base import customer_base

    base = customer_base(load_company(sample_dir))
    line = strategy.situation(base).splitlines()[-1]
    assert line.startswith("- Expected twelve-month margin:")
    missed = f"{abs(base.forecast_error) * 100:.1f}% more purchases"
    assert missed in line and "too high)" in line

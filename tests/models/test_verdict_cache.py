"""The verdict cache: each model computed once per base, and read by the strategy report."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import asdict
from pathlib import Path

import pytest

from crmlib.data.company import load_company
from crmlib.models import strategy, verdict_cache
from crmlib.models.verdict import Action, ModelVerdict


def _analyse(company, base=None, *, share: float = 0.2, months: int = 12, need_map=None):
    return {"base": base, "share": share, "months": months}


def test_only_settings_other_than_the_defaults_are_changed():
    assert verdict_cache.changed_parameters(_analyse, {}) == {}
    # the notebook's defaults, as papermill may pass them (12.0 for 12, {} for None)
    same = {"share": 0.2, "months": 12.0, "need_map": {}}
    assert verdict_cache.changed_parameters(_analyse, same) == {}
    assert verdict_cache.changed_parameters(_analyse, {"share": 0.3, "months": 12}) == {
        "share": 0.3
    }
    assert verdict_cache.changed_parameters(_analyse, {"need_map": {"advice": ["store"]}}) == {
        "need_map": {"advice": ["store"]}
    }
    with pytest.raises(TypeError, match="takes no 'window'"):
        verdict_cache.changed_parameters(_analyse, {"window": 3})


def test_other_settings_give_another_key():
    default = verdict_cache.verdict_key("inputs", "IDIC")
    assert verdict_cache.verdict_key("inputs", "IDIC", {}) == default
    assert verdict_cache.verdict_key("inputs", "IDIC", {"share": 0.3}) != default
    assert verdict_cache.verdict_key("inputs", "QCI") != default
    assert verdict_cache.verdict_key("other inputs", "IDIC") != default
    assert verdict_cache.verdict_key(None, "IDIC") is None


@pytest.fixture
def company_with_model(tmp_path, monkeypatch):
    """A two-customer company and a model that counts how often it is computed."""
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CRM_WORKBOOK_CACHE_LOG", str(tmp_path / "cache.log"))
    data = tmp_path / "company"
    data.mkdir()
    (data / "customers.csv").write_text("customer_id\nA\nB\n")
    (data / "transactions.csv").write_text(
        "customer_id,date,amount\nA,2024-01-10,100\nA,2025-03-10,100\nB,2025-05-01,50\n"
    )
    calls = []
    model = types.ModuleType("shared_model")

    def analyse(company, base=None, *, uplift: float = 5.0):
        calls.append(uplift)
        return {"buyers": base.figure("buyers").value, "uplift": uplift}

    model.analyse = analyse
    model.verdict = lambda result: ModelVerdict(
        "Shared",
        f"{result['buyers']} buyers at {result['uplift']} points",
        actions=[Action("call the buyers", "sales", 10.0, "Shared", "why", 1)],
    )
    monkeypatch.setitem(sys.modules, "shared_model", model)
    monkeypatch.setitem(strategy.MODEL_MODULES, "Shared", "shared_model")
    company = load_company(data, observation_end="2025-12-31")
    return company, model, calls, tmp_path / "cache.log"


def test_a_notebooks_verdict_is_what_the_report_reads(company_with_model):
    company, model, calls, log = company_with_model
    base = strategy.report_base(company)
    # the notebook computed the model with its default settings and shares the verdict
    result = model.analyse(company, base, uplift=5.0)
    assert verdict_cache.share(company, "Shared", result, base, uplift=5.0)
    collected = strategy.collect_verdicts(company, {"Shared": "shared_model"}, base=base)
    assert calls == [5.0]  # the report only read
    assert collected.reused == ("Shared",)
    assert collected.verdicts[0].headline == "2 buyers at 5.0 points"
    assert collected.verdicts[0].actions[0].title == "call the buyers"
    events = [line.split()[0] for line in log.read_text().splitlines()]
    assert events.count("verdict-shared") == 1 and events.count("verdict-read") == 1
    # sharing again writes nothing new
    assert verdict_cache.share(company, "Shared", result, base, uplift=5.0)
    events = [line.split()[0] for line in log.read_text().splitlines()]
    assert events.count("verdict-shared") == 1


def test_a_verdict_under_other_settings_is_never_the_reports(company_with_model):
    company, model, calls, _ = company_with_model
    base = strategy.report_base(company)
    other = model.analyse(company, base, uplift=9.0)
    assert verdict_cache.share(company, "Shared", other, base, uplift=9.0)
    collected = strategy.collect_verdicts(company, {"Shared": "shared_model"}, base=base)
    # the report computed its own, with the default uplift
    assert calls == [9.0, 5.0] and collected.reused == ()
    assert collected.verdicts[0].headline == "2 buyers at 5.0 points"


def test_a_verdict_on_another_base_is_never_the_reports(company_with_model):
    company, model, calls, _ = company_with_model
    from crmlib.analytics.base import customer_base

    narrow = customer_base(company, window_months=6)
    assert verdict_cache.share(company, "Shared", model.analyse(company, narrow), narrow)
    collected = strategy.collect_verdicts(company, {"Shared": "shared_model"})
    assert len(calls) == 2 and collected.reused == ()


def _as_json(verdicts: list[ModelVerdict]) -> dict[str, str]:
    return {v.model: json.dumps(asdict(v), sort_keys=True, default=str) for v in verdicts}


@pytest.mark.slow
def test_the_strategy_report_reads_the_model_notebooks_verdicts(
    sample_dir: Path, root: Path, tmp_path: Path, monkeypatch
):
    """After 01-05, 06 computes no model: it reads the five verdicts they shared."""
    from crmlib.render import render_many

    log = tmp_path / "cache.log"
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CRM_WORKBOOK_CACHE_LOG", str(log))
    notebooks = root / "notebooks"
    models = ["01_idic", "02_qci", "03_payne_frow", "04_value_chain", "05_idol"]
    parameters = {"data_dir": str(sample_dir), "interactive": False}
    render_many(
        [notebooks / f"{name}.ipynb" for name in models],
        tmp_path / "out",
        parameters=parameters,
        progress=False,
    )
    shared = [
        line.split()[1].split(":")[0]
        for line in log.read_text().splitlines()
        if line.startswith("verdict-shared")
    ]
    assert sorted(shared) == sorted(m.replace(" ", "_") for m in strategy.MODEL_MODULES)
    before = len(log.read_text().splitlines())
    render_many(
        [notebooks / "06_strategy_report.ipynb"],
        tmp_path / "out",
        parameters=parameters,
        progress=False,
    )
    events = [line.split()[0] for line in log.read_text().splitlines()[before:]]
    assert events.count("verdict-read") == len(strategy.MODEL_MODULES)
    assert "verdict-shared" not in events
    # what the notebooks shared is what the report would have computed itself
    company = load_company(sample_dir)
    read = strategy.collect_verdicts(company)
    assert sorted(read.reused) == sorted(strategy.MODEL_MODULES)
    fresh = strategy.collect_verdicts(company, cache=False)
    assert _as_json(read.verdicts) == _as_json(fresh.verdicts)


def test_a_live_session_shares_nothing(company_with_model):
    """Between two cells of a live session the workshop may save answers: not shared."""
    from crmlib.notebook import share_verdict

    company, model, calls, _ = company_with_model
    base = strategy.report_base(company)
    result = model.analyse(company, base)
    assert not share_verdict(company, "Shared", result, base, interactive=True, uplift=5.0)
    assert strategy.collect_verdicts(company, {"Shared": "shared_model"}).reused == ()
    assert share_verdict(company, "Shared", result, base, interactive=False, uplift=5.0)
    assert strategy.collect_verdicts(company, {"Shared": "shared_model"}).reused == ("Shared",)


def test_a_verdict_the_data_cannot_give_is_not_shared(company_with_model, monkeypatch):
    from crmlib.errors import MissingDataError

    company, model, _, _ = company_with_model

    def refuse(result):
        raise MissingDataError("the verdict needs the campaigns table")

    monkeypatch.setattr(model, "verdict", refuse)
    base = strategy.report_base(company)
    assert not verdict_cache.share(company, "Shared", {"buyers": 2}, base)

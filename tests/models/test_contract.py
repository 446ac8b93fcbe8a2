"""Every model package answers the same verbs: analyse, verdict, diagram."""

from __future__ import annotations

import importlib
import inspect

import pytest

from crmlib.analytics.base import customer_base
from crmlib.data.company import load_company
from crmlib.models.contract import resolve_base
from crmlib.models.strategy import MODEL_MODULES
from crmlib.models.verdict import ModelVerdict

PACKAGES = ["idic", "qci", "payne_frow", "value_chain", "idol"]


@pytest.mark.parametrize("name", PACKAGES)
def test_each_model_package_has_the_skeleton(name):
    package = importlib.import_module(f"crmlib.models.{name}")
    assert package.__file__.endswith("__init__.py")
    for verb in ("analyse", "verdict", "diagram", "Result"):
        assert hasattr(package, verb), f"crmlib.models.{name} lacks {verb}"
    assert list(inspect.signature(package.analyse).parameters)[:2] == ["company", "base"]


def test_the_strategy_report_reads_every_model_package():
    assert sorted(MODEL_MODULES.values()) == sorted(f"crmlib.models.{n}" for n in PACKAGES)


def test_the_base_seam_gives_the_base_passed_or_the_companys_own(sample_dir):
    company = load_company(sample_dir)
    own = resolve_base(company)
    assert own is customer_base(company)  # memoised: one base per company and settings
    other = customer_base(company, window_months=6)
    assert resolve_base(company, other) is other


def test_analyse_verdict_and_diagram_on_the_sample(sample_dir):
    from crmlib.models import value_chain

    sample_company = load_company(sample_dir)
    chain = value_chain.analyse(sample_company, ssc_share=0.1)
    assert isinstance(chain, value_chain.Result)
    verdict = value_chain.verdict(chain)
    assert isinstance(verdict, ModelVerdict) and verdict.model == value_chain.MODEL
    primary, supporting = value_chain.diagram(chain)
    assert [stage.name for stage in primary] == list(value_chain.PRIMARY_STAGES)
    # the entry point sets the chain up exactly as the class does by hand
    by_hand = value_chain.ValueChain(sample_company, ssc_share=0.1)
    assert verdict.headline == value_chain.verdict(by_hand).headline
    assert chain.portfolio().table["is_ssc"].sum() == 500  # a tenth of 5,000 by value

"""What current value is called: never "after the cost to serve" when the data has none."""

from __future__ import annotations

import shutil

import pytest

from crmlib.analytics.base import customer_base
from crmlib.data.company import load_company
from crmlib.models import idol, qci, strategy


@pytest.fixture(scope="module")
def purchases_only(root, tmp_path_factory):
    """The sample's customers and transactions alone: margin, but no cost to serve."""
    folder = tmp_path_factory.mktemp("purchases_only")
    for name in ("customers.csv", "transactions.csv"):
        shutil.copy(root / "data" / "sample" / name, folder / name)
    return load_company(folder)


def test_margin_without_a_cost_to_serve_is_not_called_profit(purchases_only):
    company = purchases_only
    base = customer_base(company)
    assert base.value_metric == "margin" and not base.meta["cost_to_serve_known"]
    assert base.value_words == "margin before the unmeasured cost of serving them"
    assert strategy.value_name(base) == "margin before the unmeasured cost to serve"
    text = qci.describe_base(company, qci.customer_base(company))
    assert "margin minus the cost of their contacts" not in text
    assert "the cost of their contacts is not recorded" in text
    analysis = idol.analyse(company)
    assert analysis.granularity.value_label == "margin"
    assert "of profit" not in idol.describe_values(analysis.values, company.currency)


def test_the_sample_keeps_its_profit(root):
    company = load_company(root / "data" / "sample")
    base = customer_base(company)
    assert base.value_words == "margin after the cost of serving them"
    assert idol.analyse(company).granularity.value_label == "profit"

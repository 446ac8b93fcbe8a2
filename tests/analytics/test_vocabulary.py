"""The vocabulary: one definition per concept, targets from company.yml."""

from __future__ import annotations

import pytest

from crmlib.analytics.vocabulary import (
    DEFINITIONS,
    TARGET_DEFAULTS,
    definition,
    definitions_for,
    targets,
)
from crmlib.errors import DataValidationError


def test_every_definition_says_what_where_and_in_what():
    for key, item in DEFINITIONS.items():
        assert item.id == key
        assert item.label and item.formula.endswith(".") and item.window and item.unit


def test_the_concepts_that_diverged_have_one_definition_each():
    for key in (
        "ssc_count",
        "concentration_80",
        "buyers",
        "active_customers",
        "retention_rate",
        "cost_to_serve",
        "expected_margin_12m",
        "lifetime_value",
        "top20_share",
        "contact_episode",
        "value_category_count",
        "tier_count",
        "target",
    ):
        assert key in DEFINITIONS
    # the concentration figure is not the SSC count, and Buttle's types are his own
    assert "not the SSC count" in DEFINITIONS["concentration_80"].formula
    assert "not one of the SSC count" in DEFINITIONS["buttle_ssc_type"].formula
    assert "horizon" in DEFINITIONS["lifetime_value"].formula
    assert "discounted" in DEFINITIONS["lifetime_value"].formula
    assert "cost to serve" in DEFINITIONS["lifetime_value"].formula


def test_a_qualified_figure_id_finds_its_definition():
    assert definition("tier_count.gold").id == "tier_count"
    with pytest.raises(KeyError, match="no definition 'ssc'"):
        definition("ssc")
    ids = [d.id for d in definitions_for(["tier_count.gold", "buyers", "tier_count.bronze"])]
    assert ids == ["buyers", "tier_count"]


def test_targets_default_and_come_from_company_yml(tmp_path):
    assert targets({}) == TARGET_DEFAULTS
    (tmp_path / "company.yml").write_text("name: Shop\ntargets:\n  retention: 70%\n")
    assert targets(tmp_path) == {"retention": 0.7, "ssc_retention": 0.85}
    assert targets({"targets": {"ssc_retention": 0.9}})["ssc_retention"] == 0.9


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"retension": 0.7}, "unknown target 'retension'"),
        ({"retention": 7}, "not a share between 0 and 1"),
        ({"retention": "most"}, "not a share between 0 and 1"),
        ("0.7", "must hold 'name: value' lines"),
    ],
)
def test_a_bad_target_names_company_yml_and_the_fix(given, message):
    with pytest.raises(DataValidationError, match=message) as caught:
        targets({"targets": given})
    assert str(caught.value).startswith("company.yml")
    assert "Fix:" in str(caught.value)

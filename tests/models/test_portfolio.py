"""The action portfolio: net values, each customer-euro counted once, one priority scale."""

from __future__ import annotations

import math

import pytest

from crmlib.errors import ParameterError
from crmlib.models.portfolio import (
    CostRates,
    combine,
    merge_duplicates,
    roadmap,
    value_actions,
)
from crmlib.models.verdict import Action


def _action(title, lever, value, customers=(), **kw) -> Action:
    return Action(
        title=title,
        owner="marketing",
        expected_value=value,
        model=kw.pop("model", "M"),
        rationale="why",
        lever=lever,
        customers=tuple(customers),
        **kw,
    )


RATES = CostRates(contact=1.0, benefit=10.0, enabler=1000.0, incremental_share=0.5, spread=0.5)


def test_overlapping_retention_actions_count_each_customer_once():
    # A: customers 1-4, gross 400, cost 0 -> 100 each. B: customers 3-6, gross 800 with
    # 2 benefits of 10 each... priced per customer: 4 benefits x 10 = 40 -> net 760, 190 each.
    a = _action("A", "retention", 400.0, ["1", "2", "3", "4"], cost=0.0)
    b = _action("B", "retention", 800.0, ["3", "4", "5", "6"], cost_drivers={"benefits": 4})
    valued = value_actions([a, b], RATES)
    assert valued[1].cost == 40.0
    assert valued[1].net_base == 760.0
    assert valued[0].net_low == 200.0 and valued[0].net_high == 600.0
    portfolio = combine(valued)
    # customers 1, 2: 100 each (A); 3-6: 190 each (B beats A on 3 and 4)
    assert portfolio.net_base == pytest.approx(2 * 100 + 4 * 190)
    # the plain sum would count customers 3 and 4 twice
    assert portfolio.net_base < valued[0].net_base + valued[1].net_base
    # low: A 200 -> 50 each; B 400 - 40 = 360 -> 90 each
    assert portfolio.net_low == pytest.approx(2 * 50 + 4 * 90)
    assert portfolio.net_high == pytest.approx(2 * 150 + 4 * (1200 - 40) / 4)
    counted = portfolio.table.set_index("action")["counted_base"]
    assert counted["A"] == pytest.approx(200) and counted["B"] == pytest.approx(760)
    assert portfolio.table.set_index("action").loc["A", "overlaps"] == "B"


def test_different_levers_add_and_named_sets_combine():
    keep = _action("keep", "retention", 100.0, customer_set="lapsed", customer_count=50, cost=0.0)
    again = _action("again", "retention", 300.0, customer_set="lapsed", cost=0.0)
    cheaper = _action("cheaper", "cost_to_serve", 70.0, ["1"], cost=20.0)
    portfolio = combine(value_actions([keep, again, cheaper], RATES))
    # the same named set is the same customers: the larger net (300) counts, not 400
    assert portfolio.levers["retention"] == pytest.approx(300.0)
    assert portfolio.net_base == pytest.approx(300.0 + 50.0)


def test_an_action_that_does_not_pay_is_listed_but_not_counted():
    pays = _action("pays", "retention", 300.0, ["1"], cost=100.0)
    loses = _action("loses", "retention", 100.0, ["2"], cost=400.0)
    portfolio = combine(value_actions([pays, loses], RATES))
    assert portfolio.net_base == pytest.approx(200.0) and portfolio.not_paying == 1
    assert portfolio.table.set_index("action").loc["loses", "net_base"] == -300.0


def test_unknown_is_not_zero_and_enablers_cost():
    unknown_cost = _action("no cost known", "acquisition", 500.0)
    no_value = _action("data fix", "data", None, cost_drivers={"projects": 1}, effort=2)
    valued = value_actions([unknown_cost, no_value], RATES)
    assert valued[0].net_base is None and valued[0].cost is None
    assert valued[1].cost == 2000.0 and valued[1].net_base is None
    portfolio = combine(valued)
    assert portfolio.net_base is None  # nothing valued: no total, not 0
    assert portfolio.unvalued == 1 and portfolio.enabler_cost == 2000.0
    with_value = combine(
        value_actions([_action("v", "penetration", 5000.0, cost=0.0), no_value], RATES)
    )
    assert with_value.net_base == pytest.approx(5000.0 - 2000.0)
    # a campaign whose take-up is unknown is not an enabler: its cost is not taken off
    campaign = _action("plan", "retention", None, ["1", "2"], cost=600.0)
    without = combine(value_actions([_action("v", "penetration", 5000.0, cost=0.0), campaign],
                                    RATES))  # fmt: skip
    assert without.net_base == pytest.approx(5000.0) and without.enabler_cost == 0.0
    assert without.unvalued == 1


def test_discount_on_purchases_that_happen_anyway_is_a_cost():
    action = _action(
        "offer", "penetration", 1000.0, cost=100.0, incremental=None,
        cost_drivers={"anyway_discount": 300.0, "contacts": 50},
    )  # fmt: skip
    (valued,) = value_actions([action], RATES)
    # half the responses would have come anyway: half the discount is a cost
    assert valued.cost == 100.0 + 150.0 + 50.0
    assert valued.net_base == 500.0 - 300.0 and valued.cost_drivers == {}
    # valuing again does not count the drivers twice
    assert value_actions([valued], RATES)[0].cost == valued.cost


def test_model_range_and_incremental_share():
    action = _action(
        "campaign", "penetration", 1000.0, cost=100.0, incremental=None, value_low=400.0,
        value_high=1200.0,
    )  # fmt: skip
    (valued,) = value_actions([action], RATES)
    # base: 1000 x the stated share 0.5 - 100; low and high: the model's range - 100
    assert (valued.net_low, valued.net_base, valued.net_high) == (300.0, 400.0, 1100.0)


def test_duplicates_merge_into_one_action():
    first = _action("Complete the picture: needs", "data", None, model="P&F", unblocks="data:needs")
    second = _action("Complete the customer picture: needs", "data", None, model="IDOL",
                     unblocks="data:needs", effort=3)  # fmt: skip
    merged = merge_duplicates([first, _action("x", "retention", 1.0), second])
    assert [a.title for a in merged] == ["Complete the picture: needs", "x"]
    assert merged[0].model == "P&F, IDOL" and merged[0].effort == 3


def test_the_same_step_for_the_same_customers_is_listed_once():
    # Payne & Frow and IDOL both propose one contact history across the channels for the
    # customers whose questions cross channels: one step in the roadmap, at the better value
    pf = _action("Give every channel the contact history", "cost_to_serve", 300.0, model="P&F",
                 customer_set="customers whose questions cross channels", effort=2)  # fmt: skip
    idol = _action("Share one contact history", "cost_to_serve", 500.0, model="IDOL",
                   customer_set="customers whose questions cross channels")  # fmt: skip
    other = _action("Settle in the first contact", "cost_to_serve", 200.0, model="IDOL",
                    customer_set="customers with repeated contacts")  # fmt: skip
    merged = merge_duplicates([pf, other, idol])
    assert [a.title for a in merged] == ["Share one contact history", "Settle in the first contact"]
    assert merged[0].model == "IDOL, P&F"
    assert merged[0].expected_value == 500.0 and merged[0].effort == 2


def test_roadmap_puts_blockers_first_and_gates_campaigns():
    consent = _action("Record consent", "data", None, unblocks="consent", cost=0.0, effort=1)
    big = _action("Big campaign", "retention", 10_000.0, cost=0.0, effort=3, needs=("consent",))
    quick = _action("Quick fix", "cost_to_serve", 900.0, cost=0.0, effort=1)
    slow = _action("Slow fix", "penetration", 1_500.0, cost=0.0, effort=2)
    unknown = _action("Unknown", "acquisition", None)
    plan = roadmap(value_actions([big, quick, unknown, slow, consent], RATES))
    assert list(plan["action"]) == [
        "Record consent",
        "Big campaign",
        "Quick fix",
        "Slow fix",
        "Unknown",
    ]
    # 5000/3 = 1667 per effort; quick 450; slow 375
    assert plan.loc[2, "gated_by"] == ["Record consent"]
    assert plan.loc[1, "blocker"] and plan.loc[1, "when"] == "first 90 days"
    assert plan.loc[2, "when"] == "this year"  # gated: after its blocker
    assert list(plan.loc[[3, 4], "when"]) == ["first 90 days", "first 90 days"]
    assert plan.loc[5, "when"] == "this year" and math.isnan(plan.loc[5, "net_base"])


def test_bad_rates_and_levers_are_refused():
    with pytest.raises(ParameterError, match="spread"):
        CostRates(spread=2.0)
    with pytest.raises(ValueError, match="lever"):
        _action("x", "growth", 1.0)


def test_cached_verdict_keeps_the_portfolio_fields_and_diagram(tmp_path, monkeypatch):
    from crmlib.models import verdict_cache
    from crmlib.models.verdict import ModelVerdict
    from crmlib.stages import Stage

    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    action = _action(
        "A", "retention", 10.0, ["1", "2"], cost_drivers={"contacts": 4.0},
        needs=("consent",), incremental=None, effort=1,
    )  # fmt: skip
    verdict = ModelVerdict(
        "M", "h", actions=[action], diagram=[[Stage("Identify", ("a", "b"), 0.5)]]
    )
    assert verdict_cache.store("k" * 40, verdict)
    again = verdict_cache.load("k" * 40)
    assert again.actions == [action]
    assert again.diagram == [[Stage("Identify", ("a", "b"), 0.5)]]

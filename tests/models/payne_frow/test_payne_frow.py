import matplotlib

matplotlib.use("Agg")

import copy  # noqa: E402
import dataclasses  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.analytics.base import customer_base as shared_customer_base  # noqa: E402
from crmlib.analytics.contacts import contact_episodes  # noqa: E402
from crmlib.data.company import load_company  # noqa: E402
from crmlib.diagrams import draw_payne_frow  # noqa: E402
from crmlib.errors import MissingDataError, ParameterError  # noqa: E402
from crmlib.instruments import Answers, load_instrument  # noqa: E402
from crmlib.models import idic  # noqa: E402
from crmlib.models import payne_frow as pf  # noqa: E402
from crmlib.models.verdict import ModelVerdict  # noqa: E402
from crmlib.plots import payne_frow as charts  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sample(sample_dir):
    return load_company(sample_dir)


@pytest.fixture(scope="module")
def results(sample):
    return pf.assess(sample)


@pytest.fixture
def shop(tmp_path: Path):
    """Four customers: A stays, B is lost, C is new, D never bought; three contacts."""
    (tmp_path / "company.yml").write_text("name: De <b>Linde</b>\ncurrency: EUR\n")
    (tmp_path / "customers.csv").write_text(
        "customer_id,consent_marketing\nA,yes\nB,no\nC,yes\nD,no\n"
    )
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,amount,cost\n"
        "A,2023-03-01,100,60\n"
        "B,2023-05-01,50,30\n"
        "A,2024-03-01,100,60\n"
        "C,2024-06-01,80,50\n"
    )
    (tmp_path / "interactions.csv").write_text(
        "customer_id,date,channel,process\n"
        "B,2023-06-01,call centre,billing\n"
        "A,2024-02-01,store,sales\n"
        "C,2024-07-01,webshop,sales\n"
    )
    (tmp_path / "channels.csv").write_text(
        "channel,cost_per_contact\nstore,8\nwebshop,0.4\ncall centre,6.5\n"
    )
    return load_company(tmp_path, observation_end="2024-12-31")


# ---------------------------------------------------------------- strategy development


def test_target_segments_are_read_as_tiers_or_categories():
    assert pf.parse_targets("") == ("value_tier", ())
    assert pf.parse_targets(" Platinum, gold ,platinum") == ("value_tier", ("platinum", "gold"))
    assert pf.parse_targets("mvc,MGC") == ("value_category", ("MVC", "MGC"))
    with pytest.raises(ParameterError, match="diamond"):
        pf.parse_targets("diamond")
    with pytest.raises(ParameterError, match="mixes"):
        pf.parse_targets("gold,MVC")


def test_targets_chosen_from_the_data_are_above_average_in_expected_value(sample, results):
    strategy = results.strategy
    base = pf.customer_base(sample)
    per_tier = base.groupby("value_tier", observed=True)["clv"].mean()
    above = set(per_tier[per_tier > base["clv"].mean()].index)
    assert strategy.chosen_from_data
    assert set(strategy.targets) == above == {"platinum", "gold"}
    clv = base.groupby("value_tier", observed=True)["clv"].sum()
    assert strategy.target_value_share == pytest.approx(clv[list(above)].sum() / clv.sum())
    segments = strategy.segments
    assert list(segments.index) == ["platinum", "gold", "silver", "bronze"]
    assert segments["customers"].sum() == len(sample.customers)
    assert segments.loc[["platinum", "gold"], "target"].all()
    assert segments.loc["bronze", "treatment"].startswith("maintain at low cost")


def test_growth_goal_and_forecast_by_hand(sample, results):
    strategy = results.strategy
    tx = sample.transactions
    last_year = tx[(tx["date"] > "2024-12-31") & (tx["date"] <= "2025-12-31")]
    assert strategy.revenue_last == pytest.approx(last_year["amount"].sum())
    assert strategy.revenue_goal == pytest.approx(last_year["amount"].sum() * 1.05)
    first = tx.groupby("customer_id")["date"].min()
    newcomers = first[first > "2024-12-31"].index
    new_revenue = last_year[last_year["customer_id"].isin(newcomers)]["amount"].sum()
    assert strategy.revenue_new == pytest.approx(new_revenue)
    base = pf.customer_base(sample)
    expected = (base["expected_purchases"] * base["expected_average_value"]).sum()
    assert strategy.revenue_expected == pytest.approx(expected)
    assert strategy.gap == pytest.approx(strategy.revenue_goal - expected - new_revenue)
    consent = sample.customers.set_index("customer_id")["consent_marketing"]
    targets = base.loc[base["value_tier"].isin(["platinum", "gold"]), "customer_id"]
    assert strategy.reachable == int(consent.reindex(targets).sum())


def test_a_strategy_set_by_the_business_uses_its_segments(sample):
    strategy = pf.strategy_development(sample, target_segments="MVC,MGC", growth_goal=0.5)
    assert strategy.segment_col == "value_category"
    assert strategy.targets == ("MVC", "MGC") and not strategy.chosen_from_data
    assert list(strategy.segments.index) == ["MVC", "MGC", "other", "BZ"]
    assert strategy.segments.loc["BZ", "treatment"].startswith("serve for less")
    assert strategy.gap > 0  # 50% growth is beyond the forecast
    table = pf.strategy_table(strategy, sample)
    assert list(table.index[:2]) == ["★ MVC", "★ MGC"]


# ---------------------------------------------------------------- value creation


def test_value_creation_by_hand(shop):
    value = pf.value_creation(shop, discount_rate=0.1)
    assert value.retention_rate == pytest.approx(0.5)  # A of {A, B}
    assert (value.retained_base, value.active_customers) == (2, 2)
    assert (value.new_customers, value.lost_customers) == (1, 1)
    # last year's profit: A 40 - 8 (store contact), C 30 - 0.4 (webshop contact)
    assert value.profit_per_customer == pytest.approx((32 + 29.6) / 2)
    m = 30.8
    # the retention rate is the base's: the data begins on 2023-03-01, so the year before
    # is covered in part and the figure says so
    retention = value.figure("retention_rate")
    assert retention.status == "caveat" and "covers only 84%" in retention.reason
    # no target segments: the lift is valued over every buyer of the year before (A, B)
    assert value.lift_margin_per_year == pytest.approx(0.05 * 2 * m)
    assert value.figure("retention_lift_value").value == pytest.approx(0.05 * 2 * m)
    # four customers cannot carry a lifetime-value fit: unavailable, never 0
    lifetime = value.figure("lifetime_value_per_buyer")
    assert (lifetime.status, lifetime.value) == ("unavailable", None)
    assert np.isnan(value.lifetime_value)
    # keeping a customer costs what the kept customers cost to serve (the base's one
    # definition, as QCI reads it): A, kept, had one store contact of 8
    assert value.retention_cost == pytest.approx(8.0)
    assert value.retention_cost_source == "measured cost to serve"
    assert value.acquisition_cost == pytest.approx(5 * 8.0)
    assert value.acquisition_cost_source == "5x rule of thumb"
    assert value.replacement_cost == pytest.approx(40.0)  # B, lost, won back at 40
    assert value.profitable_share == 1.0
    text = pf.describe_value(value, shop)
    assert "rule of thumb, not a measurement" in text
    assert "No lifetime value could be forecast" in text
    assert "50% of the year before's buyers bought again (2023-01-01..2023-12-31" in text
    assert "&lt;b&gt;Linde&lt;/b&gt;" in text and "<b>" not in text


def test_the_retention_action_is_valued_over_its_target_segments(shop):
    # current value: A 100 - 60 - 8 = 32, C 80 - 50 - 0.4 = 29.6; A alone is platinum
    value = pf.value_creation(shop, target_segments=("platinum",))
    assert value.target_customers == 1 and value.target_retained_base == 1
    assert value.target_profit_per_customer == pytest.approx(32)
    assert value.lift_margin_per_year == pytest.approx(0.05 * 1 * 32)
    results = pf.Result(
        strategy=None, value=value, multichannel=None, information=None, performance=None,
        readiness=None, company=shop,
    )  # fmt: skip
    from crmlib.models.payne_frow.conclude import _value_action

    action = _value_action(results, shop)
    assert "for the 1 customer of the target segments (platinum)" in action.title
    assert action.expected_value == pytest.approx(1.6)


def test_given_costs_replace_the_measured_ones(shop):
    value = pf.value_creation(shop, acquisition_cost=100, retention_cost=10)
    assert (value.acquisition_cost, value.acquisition_cost_source) == (100, "parameter")
    assert (value.retention_cost, value.retention_cost_source) == (10, "parameter")
    assert value.payback_months == pytest.approx(100 / (30.8 / 12))
    assert value.cost_ratio == pytest.approx(10)
    with pytest.raises(ParameterError):
        pf.value_creation(shop, acquisition_cost=-1)


def test_without_contact_costs_acquisition_is_skipped(shop, tmp_path):
    for name in ("interactions.csv", "channels.csv"):
        (tmp_path / name).unlink()
    bare = load_company(tmp_path, observation_end="2024-12-31")
    value = pf.value_creation(bare)
    assert np.isnan(value.acquisition_cost)
    with pytest.raises(MissingDataError):
        charts.plot_acquisition_retention(value)
    assert value.retention_rate == pytest.approx(0.5)


# ---------------------------------------------------------------- multichannel integration


@pytest.fixture
def contacts():
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B"],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-03-05", "2024-06-01", "2024-04-01", "2024-04-03"]
            ),
            "channel": ["webshop", "call centre", "store", "call centre", "call centre"],
            "process": ["billing", "billing", "billing", "complaint", "complaint"],
        }
    )


CHANNELS = pd.DataFrame(
    {"channel": ["store", "webshop", "call centre"], "cost_per_contact": [8.0, 0.4, 6.5]}
)


def test_continuity_by_hand(contacts):
    flow = pf.continuity(contacts, CHANNELS, window_days=14)
    billing = flow.by_process.loc["billing"]
    # webshop then call centre four days later: one episode that crossed channels
    assert (billing["episodes"], billing["one_contact"], billing["cross_channel"]) == (2, 1, 1)
    assert billing["repeat_contacts"] == 1
    assert billing["repeat_cost"] == pytest.approx(6.5)
    complaint = flow.by_process.loc["complaint"]
    assert (complaint["same_channel_repeat"], complaint["cross_channel"]) == (1, 0)
    assert complaint["repeat_cost"] == 0
    assert flow.cross_channel_rate == pytest.approx(1 / 3)
    assert (flow.customers, flow.hoppers) == (2, 1)
    assert flow.paths.to_dict() == {"webshop > call centre": 1}
    assert flow.worst_process == "billing"
    # a two-day window splits A's billing contacts: nothing crosses channels
    narrow = pf.continuity(contacts, CHANNELS, window_days=2)
    assert narrow.cross_channel_episodes == 0
    assert narrow.by_process.loc["complaint", "same_channel_repeat"] == 1
    with pytest.raises(ParameterError):
        pf.continuity(contacts, window_days=0)


@pytest.mark.parametrize("seed", [1, 2])
def test_episode_costs_place_each_contact_as_an_as_of_join_does(seed):
    rng = np.random.default_rng(seed)
    n = 2000
    contacts = pd.DataFrame(
        {
            "customer_id": pd.array(rng.integers(0, 150, n).astype(str), dtype="string"),
            # times of day too: a contact can fall on its episode's first moment or after
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120 * 24, n), "h"),
            "channel": rng.choice(["store", "webshop", "call centre"], n),
            "process": rng.choice(["billing", "complaint", "sales"], n),
        }
    )
    episodes = contact_episodes(contacts, window_days=10)
    cost = pf.multichannel.episode_costs(contacts, CHANNELS, 10)
    per_contact = contacts["channel"].map(CHANNELS.set_index("channel")["cost_per_contact"])
    as_text = {"customer_id": object, "process": object}
    placed = pd.merge_asof(
        contacts.astype(as_text)
        .assign(cost=per_contact.to_numpy())
        .sort_values("date", kind="mergesort"),
        episodes[["customer_id", "process", "start"]]
        .astype(as_text)
        .assign(episode=np.arange(len(episodes)))
        .sort_values("start", kind="mergesort"),
        left_on="date",
        right_on="start",
        by=["customer_id", "process"],
    )
    total = placed.groupby("episode")["cost"].sum().reindex(np.arange(len(episodes)))
    first = episodes["first_channel"].map(CHANNELS.set_index("channel")["cost_per_contact"])
    assert (episodes["contacts"] > 1).sum() > 100
    np.testing.assert_allclose(cost.to_numpy(), total.to_numpy() - first.to_numpy(), atol=1e-9)


def test_integration_scores_continued_handovers_not_channel_moves(contacts):
    # A: webshop -> call centre on billing (4 days): no further billing contact within
    # 14 days (the store visit is 88 days later) and resolved there: continued.
    # B: two call-centre complaint contacts: no move, so no handover.
    resolved = contacts.assign(resolved=[False, True, True, False, True])
    flow = pf.continuity(resolved, CHANNELS, window_days=14, until="2024-12-31")
    assert flow.handovers.loc["all", "handovers"] == 1
    assert flow.continued_rate == 1.0
    # The old measure called this episode a failure (1 of 3 crossed channels).
    assert flow.cross_channel_rate == pytest.approx(1 / 3)
    # Unresolved in the call centre: the move did not continue the case.
    unresolved = contacts.assign(resolved=[False, False, True, False, True])
    assert pf.continuity(unresolved, window_days=14).continued_rate == 0.0
    # Without moves the integration is unknown, not 0 or 100%.
    same = contacts.assign(channel="store")
    assert np.isnan(pf.continuity(same, window_days=14).continued_rate)


def test_integration_score_is_unknown_without_moves(shop, tmp_path):
    frame = pd.read_csv(tmp_path / "interactions.csv")
    frame.assign(channel=frame["channel"].iloc[0]).to_csv(
        tmp_path / "interactions.csv", index=False
    )
    m = pf.multichannel_integration(load_company(tmp_path, observation_end="2024-12-31"))
    assert m.continuity is not None and m.score is None
    assert m.figure("handover_continued_share").status == "unavailable"


def test_channel_costs_by_hand(contacts):
    resolved = contacts.assign(resolved=[True, False, True, True, True])
    costs = pf.channel_costs(resolved, CHANNELS)
    assert list(costs.index) == ["call centre", "store", "webshop"]
    assert costs.loc["call centre", "total_cost"] == pytest.approx(19.5)
    assert costs.loc["call centre", "resolution_rate"] == pytest.approx(2 / 3)
    assert costs.loc["call centre", "cost_per_resolved"] == pytest.approx(6.5 * 3 / 2)
    assert costs["cost_share"].sum() == pytest.approx(1)


def test_multichannel_on_the_sample(sample, results):
    m = results.multichannel
    assert m.skipped == {}
    assert list(m.contact_mix.index) == ["platinum", "gold", "silver", "bronze"]
    assert np.allclose(m.contact_mix.sum(axis=1), 1)
    assert m.score == pytest.approx(m.continuity.continued_rate)
    every = m.continuity.handovers.loc["all"]
    assert m.score == pytest.approx(every["continued"] / every["known"])
    assert m.figure("handover_continued_share").value == pytest.approx(m.score)
    assert m.case_history is None  # the sample workshop did not score it
    with_history = dataclasses.replace(m, case_history=0.75)
    assert "sees the case history at 75%" in str(pf.describe_multichannel(with_history, sample))
    year = sample.interactions[sample.interactions["date"] > "2024-12-31"]
    assert m.continuity.by_process["episodes"].sum() == m.continuity.episodes
    assert m.channels["contacts"].sum() == len(year)


def test_without_interactions_each_part_says_why(shop, tmp_path):
    (tmp_path / "interactions.csv").unlink()
    bare = load_company(tmp_path, observation_end="2024-12-31")
    m = pf.multichannel_integration(bare)
    assert m.score is None and m.contact_mix is None
    with pytest.raises(MissingDataError, match="interactions"):
        m.need("continuity")
    assert "channel" in m.skipped["purchase_mix"]


# ---------------------------------------------------------------- information and performance


def test_information_management_score(results):
    info = results.information
    share = (info.support["available"].map({"yes": 1, "partly": 0.5, "no": 0})).mean()
    parts = [
        info.aspects["completeness"],
        share,
        info.current_share,
        1 - info.customer_view["duplicate_share"],
    ]
    assert info.score == pytest.approx(sum(parts) / 4)
    assert info.analysis_tools is None  # not scored in the sample workshop: unknown
    assert info.weakest_aspect == "needs"
    assert info.counts == {"yes": 13, "partly": 0, "no": 1}


def test_single_customer_view_by_hand(shop, tmp_path):
    company = load_company(tmp_path, observation_end="2024-12-31")
    company.customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E", "F"],
            "name": ["An Peeters", "an peeters ", "Bo Smet", "Bo Smet", "An Peeters", "Cas"],
            "email": ["a@x.be", "A@X.BE", "c@x.be", "d@x.be", "e@y.be", None],
            "postcode": ["8800", "9000", "8800", "8800", "9000", "8800"],
        }
    )
    view = pf.single_customer_view(company)
    # the workbook's one definition (IDIC's too): the same folded name and postcode.
    # B-E and C-D match; A-B share only an e-mail, which is not a match: {B, E} and
    # {C, D} are two people recorded four times, and a merge removes 2 of 6
    assert (view["likely_duplicates"], view["surplus_records"]) == (4, 2)
    assert view["duplicate_share"] == pytest.approx(2 / 6)
    assert view["likely_duplicates"] == len(idic.identify(company).duplicates)
    # the shop's purchases and contacts are of A, B and C: all known ids
    assert view["matched_share"] == 1.0 and view["repeated_ids"] == 0
    company.customers = company.customers[["customer_id"]]
    assert np.isnan(pf.single_customer_view(company)["duplicate_share"])


def test_data_currency_by_hand(shop, tmp_path):
    company = load_company(tmp_path, observation_end="2024-12-31")
    table, current = pf.data_currency(company)
    # last purchase 2024-06-01 (213 days before the end), last contact 2024-07-01 (183)
    assert table.loc["transactions", "days_behind"] == 213
    assert table.loc["interactions", "days_behind"] == 183
    # A and C bought or called in 2024, B and D did not: half the customers are current
    assert current == pytest.approx(0.5)


def test_performance_judges_the_sample_against_the_defaults(results):
    perf = results.performance
    # 2025 against 2024: revenue +21%, retention 60.1% (< 65%), satisfaction 3.67 (< 4.0)
    assert perf.missed == ["retention_rate", "satisfaction"]
    assert perf.score == pytest.approx(3 / 5)
    assert pf.kpi_change(perf, "retention_rate") == pytest.approx(
        perf.history.loc["2025", "retention_rate"] - perf.history.loc["2024", "retention_rate"]
    )
    assert np.isnan(pf.kpi_change(perf, "nothing"))


def test_performance_reports_payne_and_frows_four_shareholder_results(results, sample):
    perf = results.performance
    assert list(perf.results.index) == [
        "employee value",
        "customer value",
        "shareholder value",
        "cost reduction",
    ]
    assert perf.results.sum() == len(perf.scorecard)
    # the data holds no employee KPI: employee value comes from the workshop
    assert perf.results["employee value"] == 0
    assert perf.scorecard.loc["retention_rate", "result"] == "shareholder value"
    assert perf.scorecard.loc["retention_rate", "measure"] == "retention"
    assert perf.scorecard.loc["cost_to_serve", "result"] == "cost reduction"
    # the sample workshop has not scored the employee-value practice: unknown, not 0
    assert perf.employee_value is None
    text = str(pf.describe_performance(perf, sample))
    assert "Employee value is not in the company's data and the workshop has not" in text
    # a 3 on the 1-5 scale is 2 points of 4: 50%
    answers = copy.deepcopy(results.readiness.answers)
    answers.set("pp_employee_value", 3)
    scored = dataclasses.replace(
        perf,
        employee_value=pf.practice_score(pf.readiness_from_answers(answers), "pp_employee_value"),
    )
    assert scored.employee_value == pytest.approx(0.5)
    assert "scores its measurement" in str(pf.describe_performance(scored, sample))


def test_employee_value_without_a_workshop_is_unknown(shop, tmp_path):
    perf = pf.performance_assessment(load_company(tmp_path, observation_end="2024-12-31"))
    assert perf.employee_value is None
    assert perf.results["employee value"] == 0


def test_the_kpi_period_can_end_earlier(sample):
    perf = pf.performance_assessment(sample, kpi_end="2025-06-30")
    assert perf.scorecard.attrs["periods"] == ("Jul 2023-Jun 2024", "Jul 2024-Jun 2025")
    with pytest.raises(ParameterError, match="after the observation end"):
        pf.kpi_end_date(sample, "2026-03-31")
    with pytest.raises(ParameterError, match="not a date"):
        pf.kpi_end_date(sample, "last year")
    options = pf.kpi_end_options(sample)
    assert options[:3] == ["2025-12-31", "2025-09-30", "2025-06-30"]


# ---------------------------------------------------------------- the four elements


def _answers(**scores) -> Answers:
    """All practices in place, no barriers, maturity 4; ``scores`` override."""
    instrument = load_instrument(pf.INSTRUMENT)
    answers = Answers(instrument)
    for item in instrument.items:
        if item.type == "maturity":
            answers.set(item.id, 4)
        elif item.type == "check":
            answers.set(item.id, item.desirable)
    for item_id, value in scores.items():
        if isinstance(value, tuple):
            answers.set(item_id, value[0], severity=value[1])
        else:
            answers.set(item_id, value)
    return answers


def test_a_company_with_everything_in_place_is_ready():
    readiness = pf.readiness_from_answers(_answers())
    assert readiness.verdict == "ready" and readiness.reasons == ()
    # maturity 4 of 5 counts 75%, every barrier absent 100%
    assert readiness.elements.loc["readiness", "score"] == pytest.approx(0.875)
    assert readiness.elements.loc["employee_engagement", "score"] == 1.0
    assert readiness.maturity_title == "Well developed"


@pytest.mark.parametrize(
    ("scores", "verdict", "reason"),
    [
        ({"rb_budget_gap": (True, 3)}, "not ready", "(blocking)"),
        ({"rb_budget_gap": (True, 2)}, "ready with conditions", "(serious)"),
        ({"rb_budget_gap": (True, 1)}, "ready", None),
        ({"maturity_level": 1}, "not ready", "maturity level 1"),
        ({"maturity_level": 2}, "ready with conditions", "maturity level 2"),
        (
            dict.fromkeys(
                (
                    "ee_design_involvement",
                    "ee_training_plan",
                    "ee_feedback_channel",
                    "ee_recognition",
                ),
                False,
            ),
            "not ready",
            "employee engagement at 20%",
        ),
        # 2 of 5 practices in place is 40%: at the floor, below the target
        (
            dict.fromkeys(("prm_plan", "prm_risk_log", "prm_phases"), False),
            "ready with conditions",
            "project management at 40%",
        ),
        (dict.fromkeys(("prm_plan", "prm_risk_log"), False), "ready", None),
    ],
)
def test_the_readiness_verdict_follows_its_rule(scores, verdict, reason):
    readiness = pf.readiness_from_answers(_answers(**scores))
    assert readiness.verdict == verdict
    if reason:
        assert any(reason in r for r in readiness.reasons)


def test_nothing_scored_is_not_assessed():
    readiness = pf.readiness_from_answers(Answers(load_instrument(pf.INSTRUMENT)))
    assert readiness.verdict == "not assessed"
    assert readiness.elements["score"].isna().all()
    assert readiness.maturity is None and readiness.barriers.empty


def test_element_items_and_the_first_gap():
    readiness = pf.readiness_from_answers(
        _answers(chm_case_for_change=False, chm_quick_wins=None, rb_skills_gap=(True, 2))
    )
    items = pf.element_items(readiness, "change_management")
    assert items.iloc[0]["answer"] == "not in place"
    assert items.iloc[3]["answer"] == "not scored"
    assert pf.first_gap(readiness, "change_management") == items.index[0]
    barriers = pf.element_items(readiness, "readiness")
    row = barriers.loc[barriers["answer"] == "present"]
    assert len(row) == 1 and row["severity"].iloc[0] == "Serious"


def test_the_sample_workshop(sample, results):
    r = results.readiness
    assert (r.maturity, r.maturity_title) == (2, "Building a data repository")
    assert list(r.barriers["item"]) == ["rb_data_quality", "rb_privacy_unclear", "rb_no_sponsor"]
    # 1 of the 3 answered engagement practices is in place
    assert r.elements.loc["employee_engagement", "score"] == pytest.approx(1 / 3)
    assert r.verdict == "not ready"
    assert r.reasons[0] == "employee engagement at 33%"
    assert r.processes["information_management"] == pytest.approx(0.25)  # 2 on 1-5
    assert "**not ready**" in pf.describe_readiness(r, sample)


# ---------------------------------------------------------------- the framework and conclusion


def test_process_scores_combine_data_and_workshop(results):
    scores = pf.process_scores(results)
    assert list(scores.index) == list(pf.PROCESSES)
    row = scores.loc["multichannel_integration"]
    assert row["measured"] == pytest.approx(results.multichannel.score)
    assert row["assessed"] == pytest.approx(0.75)  # 4 on 1-5
    assert row["score"] == pytest.approx((row["measured"] + 0.75) / 2)
    assert (scores["basis"] == "data and workshop").all()


def test_the_conclusion_puts_the_elements_first(sample, results):
    result = pf.conclusion(results, sample)
    scores = pf.process_scores(results)
    assert result.weakest_process == scores["score"].idxmin() == "information_management"
    first, second, third = result.actions[:3]
    # not ready: employee engagement is below the floor, so it comes first
    assert first.owner == "HR" and first.title.startswith("Strengthen employee engagement")
    assert second.title.startswith("Complete the customer picture") and second.priority == 1
    assert third.expected_value == pytest.approx(results.value.lift_margin_per_year)
    assert all(a.model == "Payne & Frow" for a in result.actions)
    text = pf.describe_conclusion(result, sample)
    assert "**not ready**" in text and "1. **Strengthen employee engagement" in text


def test_a_ready_company_starts_with_its_weakest_process(sample, results):
    ready = dataclasses.replace(results, readiness=pf.readiness_from_answers(_answers()))
    result = pf.conclusion(ready, sample)
    assert result.verdict == "ready"
    assert result.actions[0].rationale.startswith(PROCESS_LEAD[result.weakest_process])


PROCESS_LEAD = {p: t.lower() + " is the weakest process" for p, t in pf.PROCESSES.items()}


def test_a_company_with_only_the_required_tables(sample_dir, tmp_path):
    for name in ("customers.csv", "transactions.csv", "company.yml"):
        shutil.copy(sample_dir / name, tmp_path / name)
    bare = load_company(tmp_path)
    results = pf.assess(bare)
    assert results.readiness.verdict == "not assessed"
    scores = pf.process_scores(results)
    assert scores.loc["multichannel_integration", "basis"] == "none"
    result = pf.conclusion(results, bare)
    assert result.actions[0].title.startswith("Hold the readiness workshop")
    processes, elements = pf.diagram_stages(results, bare)
    assert processes[2].score is None and all(e.score is None for e in elements)
    draw_payne_frow(processes, elements)


def test_diagram_stages_carry_the_scores(sample, results):
    processes, elements = pf.diagram_stages(results, sample)
    scores = pf.process_scores(results)
    assert [p.name for p in processes] == list(pf.PROCESSES.values())
    assert [p.score for p in processes] == pytest.approx(list(scores["score"]))
    assert elements[0].lines[0] == "maturity 2: building a data repository"
    assert elements[3].score == pytest.approx(1 / 3)
    ax = draw_payne_frow(processes, elements)
    assert "Payne & Frow" in ax.get_title()


def test_verdict_for_the_strategy_report(sample, results):
    verdict = pf.verdict(pf.analyse(sample))
    assert isinstance(verdict, ModelVerdict) and verdict.model == "Payne & Frow"
    assert verdict.headline.startswith("CRM readiness: not ready")
    assert "information management" in verdict.headline
    assert [a.title for a in verdict.actions] == [
        a.title for a in pf.conclusion(results, sample).actions
    ]
    assert verdict.figures["maturity_level"] == 2
    assert verdict.figures["retention_rate"] == pytest.approx(results.value.retention_rate)
    assert 2 <= len(verdict.findings) <= 4
    other = pf.verdict(pf.analyse(sample, repeat_window_days=3, retention_standard=0.5))
    # retention now meets its standard: 4 of 5 measured, 75% in the workshop
    assert other.figures["score_performance_assessment"] == pytest.approx((4 / 5 + 0.75) / 2)


def test_the_goal_is_read_with_the_forecasts_own_error(sample, shop):
    import dataclasses

    strategy = pf.strategy_development(sample)
    assert strategy.forecast_error is not None
    assert pf.strategy_development(shop).forecast_error is None  # too short for a holdout
    text = pf.describe_strategy(strategy, sample)
    assert "The forecast is not exact: the purchase model forecast" in text
    # a goal just within reach, by less than the forecast's bias: not settled
    error = 0.2
    expected = strategy.revenue_expected
    close = dataclasses.replace(
        strategy,
        forecast_error=error,
        revenue_goal=expected + strategy.revenue_new - 0.05 * expected,
    )
    assert close.gap < 0
    assert "is not settled by the forecast" in pf.describe_strategy(close, sample)
    far = dataclasses.replace(close, revenue_goal=0.5 * expected)
    assert "is not settled by the forecast" not in pf.describe_strategy(far, sample)


def test_describe_functions_escape_the_company_name(shop):
    strategy = pf.strategy_development(shop)
    for text in (
        pf.describe_strategy(strategy, shop),
        pf.describe_information(pf.information_management(shop), shop),
        pf.describe_performance(pf.performance_assessment(shop), shop),
    ):
        assert text.startswith("**What this means for De &lt;b&gt;Linde&lt;/b&gt;.**")


# ---------------------------------------------------------------- charts


def test_charts_draw_the_results(sample, results):
    segments = results.strategy.segments
    ax = charts.plot_segment_strategy(segments)
    heights = [p.get_height() for p in ax.patches[: len(segments)]]
    assert heights == pytest.approx(list(segments["customer_share"]))
    assert ax.get_xticklabels()[0].get_text() == "★ platinum"
    ax = charts.plot_continuity(results.multichannel.continuity)
    table = results.multichannel.continuity.by_process
    assert "14 days" in ax.get_title()
    assert len(ax.patches) == 3 * len(table)
    ax = charts.plot_elements(results.readiness)
    assert [p.get_width() for p in ax.patches] == pytest.approx(
        list(results.readiness.elements["score"])
    )
    axes = charts.plot_kpi_trends(results.performance.history, results.performance.standards)
    assert axes.ravel()[2].get_title() == "Retention rate"
    ax = charts.plot_scorecard(results.performance.scorecard)
    assert "Retention rate ✘" in [t.get_text() for t in ax.get_yticklabels()]
    ax = charts.plot_process_scores(pf.process_scores(results))
    assert len(ax.patches) == 10


def test_the_scorecard_chart_draws_no_bar_for_an_unknown_change(results):
    card = results.performance.scorecard.copy()
    card.attrs = dict(results.performance.scorecard.attrs)
    unknown = card.index[0]
    card.loc[unknown, "relative_change"] = float("nan")
    ax = charts.plot_scorecard(card)
    # one bar per measured change; the unknown one is written n/a, not drawn as flat
    assert len(ax.patches) == len(card) - 1
    assert [t.get_text() for t in ax.texts] == ["n/a"]
    card["relative_change"] = float("nan")
    with pytest.raises(ValueError, match="no KPI"):
        charts.plot_scorecard(card)


def test_the_scorecard_table_writes_an_unknown_change_as_unknown(sample, results):
    card = results.performance.scorecard.copy()
    card.attrs = dict(results.performance.scorecard.attrs)
    card["relative_change"] = float("nan")
    card["meets"] = pd.array([pd.NA] * len(card), dtype="boolean")
    table = pf.scorecard_table(card, sample)
    assert set(table["change"]) == {"n/a"}
    # a standard that cannot be judged is unknown; a KPI without a standard has no verdict
    with_standard = card["standard"] != ""
    assert set(table["verdict"][with_standard.to_numpy()]) == {"n/a"}
    assert set(table["verdict"][~with_standard.to_numpy()]) <= {""}


def test_the_scorecard_gap_says_why_no_change_is_known(results):
    card = results.performance.scorecard.copy()
    card.attrs = {"periods": (None, "2024-07 – 2025-06")}
    assert pf.scorecard_gap(card) == (
        "the data has no whole period before 2024-07 – 2025-06 to compare with"
    )
    card.attrs = {"periods": ("A", "B")}
    assert pf.scorecard_gap(card) == "no KPI was measured in both A and B"


def test_customer_base_is_computed_once_per_company(sample):
    first = pf.customer_base(sample)
    assert pf.customer_base(sample) is first
    # the process reads the one shared customer base, not a table of its own
    direct = shared_customer_base(sample).segments_table()
    pd.testing.assert_frame_equal(first, direct)


def test_a_strategy_aimed_at_little_value_is_re_aimed(sample):
    results = pf.assess(sample, target_segments="bronze")
    actions = [a for a in pf.conclusion(results, sample).actions if a.owner == "board"]
    re_aim = [a for a in actions if a.title.startswith("Re-aim")]
    assert len(re_aim) == 1
    # platinum and gold are worth more than the average customer in expected value
    assert re_aim[0].title.endswith("(platinum, gold)")
    assert "(bronze) are 64% of the customers" in re_aim[0].rationale


def test_revenue_only_value_creation_says_revenue_and_claims_no_profit(shop, tmp_path):
    tx = (tmp_path / "transactions.csv").read_text().splitlines()
    rows = [",".join(line.split(",")[:3]) for line in tx]
    (tmp_path / "transactions.csv").write_text("\n".join(rows) + "\n")
    for name in ("interactions.csv", "channels.csv"):
        (tmp_path / name).unlink()
    bare = load_company(tmp_path, observation_end="2024-12-31")
    value = pf.value_creation(bare)
    assert value.value_word == "revenue"
    # current value is revenue: A 100, C 80 in 2024
    assert value.profit_per_customer == pytest.approx(90)
    assert np.isnan(value.profitable_share) and value.score is None
    assert value.figure("cost_to_serve").status == "unavailable"
    text = pf.describe_value(value, bare)
    assert "of revenue in the window" in text
    assert "of margin" not in text and "profit per" not in text
    assert "Which buyers are profitable is not known: it needs the margin" in text
    assert "(2 of their customers bought this year) would keep EUR 9 of revenue" in text


def test_the_weakest_aspect_is_one_for_every_model(root):
    """CDNOW holds no personal data: not the weakest at 0%, but unknown. Payne & Frow and
    IDOL name the same aspect to complete, so the board lists that step once."""
    from crmlib.models import idol, strategy

    company = load_company(root / "data" / "cdnow")
    result = pf.analyse(company)
    assert result.information.weakest_aspect == idol.analyse(company).identification.weakest_aspect
    assert result.information.weakest_aspect == "behaviour"
    titles = [a.title for a in pf.verdict(result).actions]
    information = [t for t in titles if t.startswith("Complete the customer picture")]
    assert information and all("0%" not in t for t in information)
    found = strategy.action_portfolio(strategy.collect_verdicts(company, cache=False).verdicts)
    picture = [a for a in found.actions if a.title.startswith("Complete the customer picture")]
    assert len(picture) == 1 and "Payne & Frow" in picture[0].model


def _recorder():
    """A ``cite`` that remembers the figures it writes (as the notebook's publishes them)."""
    cited = []

    def cite(figure, decimals=None):
        cited.append(figure)
        return f"[{figure.id}]"

    return cited, cite


def test_the_closing_paragraphs_cite_the_figures_their_process_states(sample, results):
    base = shared_customer_base(sample, window_months=12)
    s = results.strategy
    assert s.figure("revenue") == base.figure("revenue")
    assert s.revenue_last == pytest.approx(base.figure("revenue").value)
    assert s.figure("target_segment_share.value").value == pytest.approx(s.target_value_share)
    assert s.figure("revenue_plan.gap").value == pytest.approx(s.gap)
    assert s.figure("target_segment_reachable").value == s.reachable
    for result, describe in (
        (s, pf.describe_strategy),
        (results.multichannel, pf.describe_multichannel),
        (results.information, pf.describe_information),
        (results.performance, pf.describe_performance),
    ):
        cited, cite = _recorder()
        text = describe(result, sample, cite=cite)
        assert cited, describe.__name__
        stated = {f.id: f for f in result.figures}
        for figure in cited:
            # a cited figure is one the process publishes, with the same value
            assert stated[figure.id] == figure
            assert f"[{figure.id}]" in text
    # the scorecard's retention rate is the base's: cited as the base's figure
    cited, cite = _recorder()
    text = pf.describe_performance(results.performance, sample, cite=cite)
    assert "retention_rate" in results.performance.missed
    assert base.figure("retention_rate") in cited and "retention rate ([retention_rate]" in text
    # over another window the base states its own retention rate: not this one
    other = pf.performance_assessment(sample, horizon_months=6)
    assert "retention_rate" not in {f.id for f in other.figures}
    info = results.information
    assert info.figure("analyses_supported.yes").value == info.counts["yes"]
    flow = results.multichannel.continuity
    assert results.multichannel.figure("channel_hoppers").value == flow.hoppers


def test_the_sentences_go_through_the_translation_hook(shop):
    from crmlib.text import set_translator

    value = pf.value_creation(shop)
    dutch = {
        "{rate} of the year before's buyers bought again ({window}).": (
            "{rate} van de kopers van het jaar ervoor kocht opnieuw ({window})."
        )
    }
    set_translator(lambda template: dutch.get(template, template))
    try:
        text = pf.describe_value(value, shop)
    finally:
        set_translator(None)
    assert "50% van de kopers van het jaar ervoor kocht opnieuw (2023-01-01..2023-12-31" in text
    assert "bought again" not in text


def test_a_repeat_window_asked_again_is_read_back(sample):
    contacts = pf.contacts_last_year(sample, "process")
    assert pf.contacts_last_year(sample, "process") is contacts
    nine = pf.continuity(contacts, sample.channels, window_days=9)
    assert pf.continuity(contacts, sample.channels, window_days=9) is nine
    ten = pf.continuity(contacts, sample.channels, window_days=10)
    assert pf.continuity(contacts, sample.channels, window_days=9) is nine
    # a table made by hand is computed each time, to the same result
    fresh = pf.continuity(contacts.copy(), sample.channels, window_days=10)
    assert fresh is not ten
    pd.testing.assert_frame_equal(fresh.by_process, ten.by_process)
    assert (fresh.customers, fresh.hoppers) == (ten.customers, ten.hoppers)


def test_the_contact_history_shares_the_loaded_contacts_and_cuts_at_the_end(sample):
    history = pf.contact_history(sample, "process")
    assert pf.contact_history(sample, "process") is history
    assert history.attrs["until"] == sample.observation_end
    assert "until" not in sample.interactions.attrs
    # every contact is up to the end: the columns are the loaded table's, not a copy
    assert len(history) == len(sample.interactions)
    assert np.shares_memory(
        history["satisfaction"].to_numpy(), sample.interactions["satisfaction"].to_numpy()
    )
    # an earlier end leaves the later contacts out
    earlier = dataclasses.replace(sample, observation_end=pd.Timestamp("2024-06-30"))
    cut = pf.contact_history(earlier, "process")
    assert len(cut) == int((sample.interactions["date"] <= "2024-06-30").sum()) < len(history)
    assert cut["date"].max() <= pd.Timestamp("2024-06-30")


def test_no_standard_judged_is_not_zero_of_zero(root):
    """CDNOW has one KPI period: no standard can be judged, which is not '0 of 0 met'."""
    company = load_company(root / "data" / "cdnow")
    result = pf.analyse(company)
    assert len(result.performance.judged) == 0
    processes, _ = pf.diagram_stages(result, company)
    assert list(processes[-1].lines) == ["no standard judged yet"]


def test_strongest_and_weakest_say_over_how_many_processes(root):
    # CDNOW: two of five processes score on the data, no workshop was held
    company = load_company(root / "data" / "cdnow")
    results = pf.analyse(company)
    scores = pf.conclusion(results, company).scores
    assert scores["score"].notna().sum() == 2 and scores["assessed"].isna().all()
    text = str(pf.describe_processes(scores, company))
    assert "Taking data and workshop together" not in text
    assert "On the data alone" in text and "of the 2 processes that could be scored" in text
    headline = pf.verdict(results).headline
    assert "the weakest of the 2 processes that could be scored is" in headline
    assert "of the five processes" not in headline
    # one score alone is neither strongest nor weakest
    one = scores.copy()
    one.loc[one.index != "information_management", ["score", "measured"]] = np.nan
    text = str(pf.describe_processes(one, company))
    assert "Only information management could be scored" in text
    assert "strongest" not in text


def test_the_retention_action_is_not_judged_by_its_own_outcome(sample):
    # this year's platinum and gold all bought this year: their retention is measured on
    # the customers those tiers held a year earlier, not read as 100% or as the base's rate
    value = pf.analyse(sample).value
    table = shared_customer_base(sample).table
    assert value.target_rate_basis == "segments"
    was = table["previous_value_tier"].astype(str).isin(value.target_segments)
    cohort = was & table["bought_previous_window"].astype(bool)
    expected = (cohort & table["is_buyer"].astype(bool)).sum() / cohort.sum()
    assert value.target_retention_rate == pytest.approx(expected)
    assert value.target_retention_rate < 1.0
    assert value.target_retention_rate != pytest.approx(value.retention_rate)
    buyers = table["value_tier"].astype(str).isin(value.target_segments) & table["is_buyer"]
    assert value.target_retained_base == int(buyers.sum()) == len(value.target_ids)
    action = next(a for a in pf.verdict(pf.analyse(sample)).actions if a.title.startswith("Raise"))
    assert f"from {value.target_retention_rate:.0%} to" in action.title


def test_derived_customers_are_not_checked_against_themselves(root):
    company = load_company(root / "data" / "cdnow")  # no customers table
    information = pf.analyse(company).information
    assert information.customer_view["customers_derived"]
    text = str(pf.describe_information(information, company))
    assert "neither customers recorded twice nor records of unknown customers" in text
    assert "carry a customer id known in the customers table" not in text


def test_margin_before_an_unmeasured_cost_to_serve_does_not_score_value_creation(
    sample_dir, tmp_path
):
    # customers and transactions only: nearly every buyer has a margin above 0 before a
    # cost to serve nobody measured, which says nothing of profit: no score, not 100%
    import shutil

    from crmlib.data.company import load_company

    for name in ("customers.csv", "transactions.csv"):
        shutil.copy(sample_dir / name, tmp_path / name)
    two = load_company(tmp_path)
    value = pf.value_creation(two)
    assert value.profitable_share > 0.99
    assert value.score is None
    assert pf.value_creation(load_company(sample_dir)).score is not None

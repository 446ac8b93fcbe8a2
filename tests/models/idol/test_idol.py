import matplotlib

matplotlib.use("Agg")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.data.company import load_company  # noqa: E402
from crmlib.errors import MissingDataError, ParameterError  # noqa: E402
from crmlib.models import idol  # noqa: E402
from crmlib.models.idol import conclude as idol_conclude  # noqa: E402
from crmlib.models.idol.differentiate import Granularity, group_fit  # noqa: E402
from crmlib.models.verdict import ModelVerdict  # noqa: E402
from crmlib.notebook import views  # noqa: E402
from crmlib.plots import idol as charts  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def small(small_company_dir):
    return load_company(small_company_dir)


@pytest.fixture(scope="module")
def analysis(small):
    return idol.analyse(small)


@pytest.fixture(scope="module")
def minimal(small_company_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("idol_minimal")
    for name in ("customers.csv", "transactions.csv", "company.yml"):
        shutil.copy(Path(small_company_dir) / name, folder / name)
    return load_company(folder)


# -- the customer-group approach -------------------------------------------------------------


def test_group_fit_by_hand():
    # two pairs far apart: total sum of squares 4 * 25 + 4 * 0.25 = 101 around (5, 0.5)
    points = pd.DataFrame({"x": [0.0, 0.0, 10.0, 10.0], "y": [0.0, 1.0, 0.0, 1.0]})
    fit = group_fit(points)
    assert fit[1] == 0.0
    assert fit[2] == pytest.approx(1 - 1.0 / 101)  # within: 4 * 0.25
    assert fit[3] == pytest.approx(1 - 0.5 / 101)  # one pair split
    assert fit[4] == pytest.approx(1.0)
    assert fit.is_monotonic_increasing


def test_granularity_tradeoff_by_hand():
    fit = pd.Series([0.0, 0.5, 0.7, 0.75], index=pd.Index([1, 2, 3, 4], name="n_groups"))
    model = Granularity(
        fit=fit,
        customers=100,
        measured=40,  # so the measured curve runs to a tenth of it: 4 groups
        basis="test",
        yearly_profit=2000.0,
        tailoring_uplift=0.1,
    )
    assert model.value_at_stake == 200.0
    table = idol.granularity_tradeoff(model, cost_per_treatment=30.0)
    # value 200 * fit; cost 30 per group beyond the first
    assert table["n_groups"].tolist() == [1, 2, 3, 4, 100]
    assert table["net"].tolist() == pytest.approx([0.0, 70.0, 80.0, 60.0, 200.0 - 2970.0])
    assert idol.optimum(table)["n_groups"] == 3
    assert not table["measured"].iloc[-1]
    # expensive treatments: no tailoring pays
    dear = idol.granularity_tradeoff(model, 500.0)
    assert idol.optimum(dear)["n_groups"] == 1
    assert "**one treatment for everybody**" in idol.describe_granularity(model, dear, 500.0, "EUR")
    assert "no tailoring pays" in idol.meaning_differentiation(model, dear, None, None, "X")
    # free treatments: one-to-one
    assert idol.optimum(idol.granularity_tradeoff(model, 0.0))["n_groups"] == 100
    with pytest.raises(ParameterError):
        idol.granularity_tradeoff(model, -1.0)


def test_granularity_sentence_follows_the_cost(analysis, small):
    cheap = idol.granularity_tradeoff(analysis.granularity, 10.0)
    dear = idol.granularity_tradeoff(analysis.granularity, 5000.0)
    assert idol.optimum(cheap)["n_groups"] >= idol.optimum(dear)["n_groups"]
    text = idol.describe_granularity(analysis.granularity, cheap, 10.0, small.currency)
    assert f"**{idol.optimum(cheap)['n_groups']:,} groups**" in text
    assert f"one-to-one ({len(small.customers):,} treatments)" in text.lower()


# -- look-alikes ------------------------------------------------------------------------------


def test_look_alikes_by_hand(tmp_path):
    (tmp_path / "customers.csv").write_text(
        "customer_id,type,gender,birth_date,city\n"
        "N,B2C,M,1965-05-01,Knokke-Heist\n"
        "D,B2C,M,1962-02-01,Knokke-Heist\n"
        "Q,B2C,M,1960-03-01,Knokke-Heist\n"
        "F,B2C,F,1990-01-01,Brugge\n"
        "G,B2C,F,1992-01-01,Brugge\n"
        "S,B2C,F,1991-01-01,Gent\n"
    )
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\nN,2025-01-01,1\n")
    company = load_company(tmp_path, observation_end="2025-12-31")
    values = pd.DataFrame(
        {
            "current_value": [900.0, -30.0, 0.0, 100.0, 60.0, 5.0],
            "value_tier": ["platinum", "bronze", "bronze", "gold", "silver", "bronze"],
            "value_category": ["MVC", "BZ", "other", "MVC", "other", "other"],
            "revenue": [5000.0, 40.0, 0.0, 600.0, 300.0, 20.0],
            "purchase_days": [40, 2, 0, 8, 5, 1],
            "n_contacts": [1, 9, 0, 2, 1, 0],
            "cost_to_serve": [5.0, 60.0, 0.0, 8.0, 4.0, 0.0],
        },
        index=pd.Index(["N", "D", "Q", "F", "G", "S"], name="customer_id"),
    )
    look = idol.look_alikes(company, values)
    top = look.groups.iloc[0]
    assert top["group"] == "B2C, M, 60-69, Knokke-Heist"
    assert (top["best_customer"], top["worst_customer"], top["gap"]) == ("N", "D", 930.0)
    assert look.groups["members"].tolist() == [3, 2]  # S is alone in Gent
    assert list(look.pair.columns) == ["N", "D"]
    assert look.pair.loc["contacts", "D"] == 9
    # adjusted R-squared of five values in two groups
    v = np.array([900.0, -30.0, 0.0, 100.0, 60.0])
    total = ((v - v.mean()) ** 2).sum()
    within = ((v[:3] - v[:3].mean()) ** 2).sum() + ((v[3:] - v[3:].mean()) ** 2).sum()
    assert look.explained == pytest.approx(max(0.0, 1 - (within / 3) / (total / 4)))
    text = idol.describe_look_alikes(look, "EUR")
    assert "N brought EUR 900" in text and "D -EUR 30" in text and "9 contacts" in text


def test_look_alikes_need_demographics(minimal):
    bare = minimal.customers[["customer_id", "city"]]
    company = type(minimal)(**{**minimal.__dict__, "customers": bare})
    with pytest.raises(MissingDataError, match="gender or birth date"):
        idol.look_alikes(company, idol.customer_values(minimal))


# -- identification and differentiation on a generated company -------------------------------


def test_identification_of_the_small_company(analysis):
    ident = analysis.identification
    picture = ident.picture
    assert ident.aspects["completeness"] == pytest.approx(picture["completeness"].mean())
    assert int(ident.levels.sum()) == len(picture)
    assert ident.well_known_share == pytest.approx((picture["completeness"] >= 0.7).mean())
    assert len(ident.top_unknown) <= 10
    assert (ident.top_unknown["completeness"] < 0.7).all()
    text = idol.describe_identification(ident)
    assert f"{ident.aspects['completeness'] * 100:.0f}% of the customer picture" in text
    meaning = idol.meaning_identification(ident, "Groen <b>huis</b>")
    assert "&lt;b&gt;" in meaning and idol.ASPECT_LABELS[ident.weakest_aspect] in meaning


def test_needs_grid_counts_every_respondent(analysis, small):
    grid = analysis.grid
    assert grid.counts.to_numpy().sum() == small.needs["customer_id"].nunique()
    assert grid.segments.k == int(grid.segments.selection["silhouette"].idxmax())
    assert list(grid.counts.columns) == ["platinum", "gold", "silver", "bronze"]
    assert f"fall into {grid.segments.k} needs" in idol.describe_needs_grid(grid, "EUR")


def test_without_a_survey_groups_rest_on_value(minimal):
    values = idol.customer_values(minimal)
    with pytest.raises(MissingDataError, match="needs table"):
        idol.needs_grid(minimal, values)
    fit = idol.group_approach(minimal, values, None)
    assert "buyers" in fit.basis and fit.grid_groups is None
    assert fit.measured == int((values["purchase_days"] > 0).sum())


# -- orchestration ----------------------------------------------------------------------------


def test_orchestration_of_the_small_company(analysis, small):
    o = analysis.orchestration
    assert o.skipped == {}
    card = analysis.scorecard
    assert card.loc["channels", "mismatches"] == o.channels.handovers["history_lost"].sum()
    assert card.loc["products", "mismatches"] == len(o.products.conflicts)
    assert card.loc["customers", "mismatches"] == o.customers.mixed
    for result in (o.channels, o.processes, o.moments, o.products, o.customers):
        assert len(result.top) <= 10
    # the mixed households listed really mix a loss-making member with a top customer
    assert (o.customers.top["worst_value"] < 0).all()
    top = analysis.values.loc[o.customers.top["best_customer"], "is_ssc"]
    assert top.all()
    text = idol.meaning_orchestration(o, card, small.name)
    assert idol.biggest_gaps(card)[0] in text


def test_orchestration_skips_what_the_data_lacks(minimal):
    o = idol.orchestrate(minimal, idol.customer_values(minimal))
    # without the cost to serve a loss-making member cannot be seen: no mix found is unknown
    assert set(o.skipped) == {
        "channels",
        "customer processes",
        "contact moments",
        "products",
        "customers",
    }
    assert "without the cost to serve" in o.skipped["customers"]
    assert "interactions" in o.skipped["channels"]
    with pytest.raises(MissingDataError, match="interactions"):
        o.require("channels")
    card = o.scorecard()
    assert card["rate"].notna().tolist() == [False] * 5


def test_avoidable_costs_never_count_a_contact_twice(analysis):
    o = analysis.orchestration
    channels = idol_conclude._avoidable_cost(o, "channels")
    moments = idol_conclude._avoidable_cost(o, "contact moments")
    assert channels == pytest.approx(o.channels.yearly_cost)
    assert channels + moments == pytest.approx(o.moments.yearly_cost)
    assert idol_conclude._avoidable_cost(o, "products") is None


# -- learning ---------------------------------------------------------------------------------


def test_migration_of_the_small_company(analysis, small):
    m = analysis.migration
    assert m.second == small.observation_end
    assert m.first == small.observation_end - pd.DateOffset(months=12)
    assert m.matrix.to_numpy().sum() == len(small.customers)
    assert m.share("up") + m.share("same") + m.share("down") == pytest.approx(1.0)
    assert m.movers is not None and set(m.movers.index) <= set(analysis.grid.counts.index)
    assert f"{m.share('down') * 100:.0f}% moved down" in idol.describe_migration(m)


def test_the_review_rhythm_is_one_rule_for_the_text_and_the_action(analysis, small):
    import dataclasses

    m = analysis.migration
    rhythm = m.review_rhythm
    assert rhythm in ("every quarter", "twice a year")
    text = idol.meaning_learning(m, analysis.responses, analysis.practices, small.name)
    assert f"review segments and treatments {rhythm}" in text
    assert "regression to the mean" in text  # a move is not taken as proof of change
    titles = [a.title for a in idol.verdict(analysis).actions]
    assert f"Review segments and treatments {rhythm}" in titles
    # customers who stay far more often than chance: the segments are steady
    steady = m.baseline.copy()
    steady.attrs = {**m.baseline.attrs, "stability": 0.8}
    assert dataclasses.replace(m, baseline=steady).review_rhythm == "twice a year"
    fluid = m.baseline.copy()
    fluid.attrs = {**m.baseline.attrs, "stability": 0.1}
    expected = "every quarter" if m.moved >= 0.25 else "twice a year"
    assert dataclasses.replace(m, baseline=fluid).review_rhythm == expected


def test_migration_needs_data_from_before_the_period(small):
    with pytest.raises(MissingDataError, match="covers 0% of them"):
        idol.migrate(small, 240)
    with pytest.raises(ParameterError):
        idol.migrate(small, 0)


def test_practices_are_read_from_the_saved_answers(analysis, minimal):
    assert analysis.practices.answered
    assert 0 <= analysis.practices.learning <= 100
    empty = idol.practices(minimal)
    assert not empty.answered
    assert "not been scored" in idol.describe_practices(empty)


# -- the diagram, the conclusion and the verdict ----------------------------------------------


def test_diagram_stages_carry_the_figures(analysis):
    a = analysis
    stages = idol.diagram_stages(
        a.identification, a.tradeoff, a.grid, a.scorecard, a.migration, a.practices
    )
    assert [s.name for s in stages] == [
        "Identification",
        "Differentiation",
        "Orchestration",
        "Learning",
    ]
    assert stages[0].score == pytest.approx(a.identification.aspects["completeness"])
    assert stages[2].score == pytest.approx(1 - a.scorecard["rate"].max())
    assert f"{idol.optimum(a.tradeoff)['n_groups']:,} groups" in stages[1].lines[1]
    from crmlib.diagrams import draw_idol

    ax = draw_idol(stages)
    assert any("Identification" in t.get_text() for t in ax.texts)


def test_conclusion_names_the_gaps_and_the_moves(analysis, small):
    text = idol.conclusion(analysis.scorecard, analysis.migration, small.name)
    for gap in idol.biggest_gaps(analysis.scorecard):
        assert gap in text
    largest_down = analysis.migration.flows.query("move == 'down'").iloc[0]
    assert f"*{largest_down['before']}* to *{largest_down['after']}*" in text


def test_verdict_of_the_small_company(small, analysis):
    verdict = idol.verdict(idol.analyse(small))
    assert isinstance(verdict, ModelVerdict) and verdict.model == "Customer IDOL"
    completeness = analysis.identification.aspects["completeness"]
    assert f"knows {completeness * 100:.0f}% of its customer picture" in verdict.headline
    assert verdict.figures["picture_completeness"] == pytest.approx(completeness)
    assert verdict.figures["affordable_groups"] == idol.optimum(analysis.tradeoff)["n_groups"]
    assert 2 <= len(verdict.findings) <= 4
    assert all(action.owner and action.model == "Customer IDOL" for action in verdict.actions)
    first = verdict.actions[0]
    gap = idol.biggest_gaps(analysis.scorecard)[0]
    assert first.priority == 1 and first.title.lower().startswith(idol.REMEDIES[gap][1][:20])
    assert first.expected_value == idol_conclude._avoidable_cost(analysis.orchestration, gap)


def test_verdict_with_only_the_required_tables(minimal):
    analysis = idol.analyse(minimal)
    verdict = idol.verdict_of(analysis, minimal)
    assert "mismatch_rate_channels" not in verdict.figures
    assert "needs_segments" not in verdict.figures
    assert "mismatch_rate_customers" not in verdict.figures  # unknown, not 0%
    titles = [action.title for action in verdict.actions]
    groups = idol.optimum(analysis.tradeoff)["n_groups"]
    # without a survey the groups rest on value and behaviour, and say so
    assert any("groups on value and behaviour" in t for t in titles) == (groups > 1)
    assert not any("needs and value" in t for t in titles)


# -- charts ------------------------------------------------------------------------------------


def test_transition_matrix_chart_reads_back(analysis):
    m = analysis.migration
    ax = charts.plot_transition_matrix(m.rates, m.matrix)
    texts = [t.get_text() for t in ax.texts]
    cell = m.matrix.loc["platinum", "platinum"]
    if cell:
        assert f"{m.rates.loc['platinum', 'platinum']:.0%}\n{cell:,}" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == list(m.rates.index)


def test_flow_chart_draws_a_band_per_flow(analysis):
    m = analysis.migration
    ax = charts.plot_migration_flows(m.flows, m.order)
    assert len(ax.collections) == len(m.flows)
    labels = [t.get_text() for t in ax.texts]
    assert f"joined ({int(m.matrix.loc['joined'].sum()):,})" in labels


def test_granularity_chart_marks_the_optimum(analysis):
    ax = charts.plot_granularity(analysis.tradeoff, currency="EUR")
    best = idol.optimum(analysis.tradeoff)
    assert any(f"optimum: {int(best['n_groups']):,} groups" in t.get_text() for t in ax.texts)
    assert ax.get_xscale() == "log"


def test_scorecard_chart_says_what_was_not_checked(minimal):
    card = idol.orchestrate(minimal, idol.customer_values(minimal)).scorecard()
    ax = charts.plot_orchestration_scorecard(card)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("not checked: no data") == 5
    heights = [patch.get_width() for patch in ax.patches]
    assert heights == [0] * len(heights)


def test_handover_chart_cells(analysis):
    matrix = analysis.orchestration.channels.matrix
    ax = charts.plot_handover_matrix(matrix)
    first = matrix.iloc[0]
    expected = f"{first['lost_rate']:.0%}\n({int(first['handovers'])})"
    assert expected in [t.get_text() for t in ax.texts]


def test_live_views_redraw_for_each_setting(small, analysis, monkeypatch):
    said = []
    monkeypatch.setattr("crmlib.notebook.views.say", lambda text, **values: said.append(text))
    monkeypatch.setattr(plt, "show", lambda: None)
    draw = views.migration_view(small, computed=analysis.migration)
    draw(12)
    assert said[-1] == idol.describe_migration(analysis.migration)
    draw(6)
    assert "Between 30 Jun 2025" in said[-1]
    draw(240)  # beyond the data: said, not raised
    assert said[-1].startswith("*The migration is skipped")
    granularity = views.granularity_view(analysis.granularity, currency="EUR")
    granularity(0.0)
    one_to_one = f"**{len(small.customers):,} groups**"
    assert one_to_one in said[-1]


def test_orchestration_looks_only_up_to_the_observation_end(small_company_dir):
    earlier = load_company(small_company_dir, observation_end="2024-12-31")
    o = idol.orchestrate(earlier, idol.customer_values(earlier))
    assert o.channels.handovers["date"].max() <= pd.Timestamp("2024-12-31")
    assert o.products.conflicts["sent_date"].max() <= pd.Timestamp("2024-12-31")
    assert o.processes.issues["opened"].max() <= pd.Timestamp("2024-12-31")


# -- the one customer base, contact episodes and periods, by hand ------------------------------


def _tiny(folder: Path, *, interactions: bool = True) -> Path:
    """Two customers, revenue only (no cost, no product_id), data from 1 March 2024."""
    (folder / "transactions.csv").write_text(
        "customer_id,date,amount\nA,2024-03-01,30\nA,2025-02-01,100\nB,2025-05-01,50\n"
    )
    if interactions:
        (folder / "interactions.csv").write_text(
            "customer_id,date,channel,process\n"
            "A,2024-12-25,phone,billing\n"  # begins before the window: not counted
            "A,2025-01-03,phone,billing\n"
            "A,2025-03-01,phone,complaint\n"  # an episode of two contacts
            "A,2025-03-05,phone,complaint\n"
            "A,2025-03-30,phone,complaint\n"  # 25 days later: a new episode
            "B,2025-06-01,phone,sales\n"
        )
        (folder / "channels.csv").write_text("channel,cost_per_contact\nphone,2.0\n")
    return folder


def test_values_come_from_the_base_and_say_revenue(tmp_path):
    company = load_company(_tiny(tmp_path, interactions=False), observation_end="2025-12-31")
    from crmlib.analytics.base import customer_base

    base = customer_base(company)
    values = idol.customer_values(company, base)
    assert values.attrs["value_metric"] == "revenue"
    # the window's revenue: A 100 (the 2024 purchase is before the window), B 50
    assert values["current_value"].to_dict() == {"A": 100.0, "B": 50.0}
    assert values["is_ssc"].tolist() == base.table["is_ssc"].tolist()
    text, figures = idol.value_statement(base)
    assert figures["value"].value == 150.0 and figures["value"].status == "caveat"
    assert "revenue" in text and "profit" not in text and "margin" not in text
    said = idol.describe_values(values, "EUR")
    assert "EUR 150 of revenue in 2025-01-01..2025-12-31" in said and "profit" not in said
    fit = idol.group_approach(company, values, None)
    assert fit.value_label == "revenue" and fit.yearly_profit == 150.0


def test_aspects_the_data_holds_nothing_of_are_not_scored(tmp_path):
    company = load_company(_tiny(tmp_path, interactions=False), observation_end="2025-12-31")
    values = idol.customer_values(company)
    ident = idol.identify(company, values)
    assert set(ident.unmeasured) == {
        "personal",
        "product_ownership",
        "profitability",
        "needs",
        "contact",
    }
    # behaviour alone: A bought on two days (1.0), B on one (0.5)
    assert ident.measured == ["behaviour"]
    assert ident.aspects["completeness"] == pytest.approx(0.75)
    figures = {f.id: f for f in idol.identification_figures(ident)}
    assert figures["aspect_completeness.personal"].status == "unavailable"
    assert figures["aspect_completeness.personal"].value is None
    assert "name, address, postcode" in figures["aspect_completeness.personal"].reason
    assert figures["picture_completeness"].status == "caveat"
    text = idol.describe_identification(ident)
    assert "unknown, not zero" in text and "personal data (0%)" not in text


def test_contact_episodes_are_counted_in_the_base_window(tmp_path):
    company = load_company(_tiny(tmp_path), observation_end="2025-12-31")
    values = idol.customer_values(company)
    moments = idol.orchestrate(company, values).moments
    # episodes starting in 2025: complaint (2 contacts), complaint (1), sales (1)
    assert moments.window == "2025-01-01..2025-12-31"
    assert moments.episodes == 3
    assert moments.repeat_share == pytest.approx(1 / 3)
    assert moments.yearly_repeats == 1 and moments.yearly_cost == pytest.approx(2.0)
    figures = {f.id: f for f in idol.moment_figures(moments)}
    assert figures["contact_episode"].value == 3
    assert figures["contact_episode"].window == "2025-01-01..2025-12-31"
    assert "3 contact episodes that began in 2025-01-01..2025-12-31" in idol.describe_moments(
        moments, "EUR"
    )
    missing = idol.moment_figures(None, "no interactions")
    assert [f.status for f in missing] == ["unavailable", "unavailable"]


def test_contact_episodes_are_the_base_figures_and_another_gap_is_another_id(tmp_path):
    from crmlib.analytics.base import customer_base

    company = load_company(_tiny(tmp_path), observation_end="2025-12-31")
    base = customer_base(company)
    values = idol.customer_values(company, base)
    moments = idol.orchestrate(company, values, base=base).moments
    assert idol.moment_figures(moments) == [
        base.figure("contact_episode"),
        base.figure("repeat_episode_share"),
    ]
    assert base.figure("contact_episode").value == moments.episodes
    cited = idol.describe_moments(moments, "EUR", cite=lambda f: f"[{f.id}]")
    assert cited.startswith("[repeat_episode_share] of [contact_episode] contact episodes")
    # without interactions both say unavailable the same way, so the report set agrees
    (tmp_path / "bare").mkdir()
    bare = load_company(_tiny(tmp_path / "bare", interactions=False), observation_end="2025-12-31")
    bare_base = customer_base(bare)
    skipped = idol.orchestrate(bare, idol.customer_values(bare, bare_base), base=bare_base)
    stated = idol.moment_figures(skipped.moments, skipped.skipped.get("contact moments", ""))
    from crmlib.figures import figures_document

    assert figures_document([*bare_base.figures(), *stated])
    assert [f.window for f in stated] == [bare_base.figure("contact_episode").window] * 2
    # a week's gap forms other episodes: stated as this check's own, not as the base's
    weekly = idol.orchestrate(company, values, window_days=7, base=base).moments
    assert [f.id for f in idol.moment_figures(weekly)] == [
        "contact_episode.gap_7_days",
        "repeat_episode_share.gap_7_days",
    ]


def test_migration_needs_the_earlier_window_inside_the_data(tmp_path):
    from crmlib.models.idol.learn import earlier_coverage

    company = load_company(_tiny(tmp_path), observation_end="2025-12-31")
    # the 12 months before 31 Dec 2024 run from 1 Jan 2024; the data from 1 Mar 2024 holds
    # 306 of their 366 days
    covered = earlier_coverage(pd.Timestamp("2024-03-01"), pd.Timestamp("2024-12-31"), 12)
    assert covered == pytest.approx(306 / 366)
    twelve = idol.migrate(company, 12)
    assert twelve.status == "caveat" and "84%" in twelve.reason
    assert twelve.period == "2025-01-01..2025-12-31"
    assert "Caveat:" in idol.describe_migration(twelve)
    assert {f.status for f in idol.migration_figures(twelve)} == {"caveat"}
    six = idol.migrate(company, 6)
    assert six.status == "ok" and six.reason == ""
    assert six.value_label == "revenue"
    # 18 months: the 12 months before 30 Jun 2024 hold 122 of 366 days of data
    with pytest.raises(MissingDataError, match="covers 33% of them"):
        idol.migrate(company, 18)
    unavailable = idol.migration_figures(None, "not covered")
    assert all(f.value is None and f.status == "unavailable" for f in unavailable)


def test_households_are_not_checked_on_revenue(minimal):
    values = idol.customer_values(minimal).copy()
    values.attrs = {**values.attrs, "value_metric": "revenue"}
    o = idol.orchestrate(minimal, values)
    assert "customers" in o.skipped and "no cost" in o.skipped["customers"]
    assert o.scorecard()["rate"].isna().all()  # nothing checked, so no empty chart


def test_orchestration_and_group_figures(analysis, minimal):
    figures = {
        f.id: f
        for f in idol.orchestration_figures(
            analysis.orchestration, analysis.scorecard, "2025-12-31", "2025-01-01..2025-12-31"
        )
    }
    rate = analysis.scorecard.loc["contact moments", "rate"]
    moments = figures["orchestration_mismatch_rate.contact_moments"]
    assert moments.value == pytest.approx(rate)
    assert moments.window == analysis.orchestration.moments.window
    # every contact check counts in the base's window; the products read every campaign
    assert analysis.orchestration.channels.window == moments.window
    assert analysis.orchestration.processes.window == moments.window
    assert figures["orchestration_mismatch_rate.products"].window == "..2025-12-31"
    o = idol.orchestrate(minimal, idol.customer_values(minimal))
    bare = {f.id: f for f in idol.orchestration_figures(o, o.scorecard(), "2025-12-31")}
    channels = bare["orchestration_mismatch_rate.channels"]
    assert channels.status == "unavailable" and "interactions" in channels.reason
    groups = {
        f.id: f for f in idol.granularity_figures(analysis.granularity, analysis.tradeoff, "EUR")
    }
    assert groups["affordable_groups"].value == idol.optimum(analysis.tradeoff)["n_groups"]
    assert groups["tailoring_value_at_stake"].value == pytest.approx(
        analysis.granularity.value_at_stake
    )


def test_verdict_on_revenue_puts_no_value_on_the_groups(tmp_path):
    company = load_company(_tiny(tmp_path, interactions=False), observation_end="2025-12-31")
    verdict = idol.verdict(idol.analyse(company))
    assert "affordable_net_value" not in verdict.figures
    assert "(of the aspects its data shows)" in verdict.headline
    for action in verdict.actions:
        assert "profit" not in action.rationale and "margin of" not in action.rationale
        if action.title.startswith("Treat customers"):
            assert action.expected_value is None


def test_household_and_value_shift_figures(analysis, small):
    mixed = idol.household_figures(analysis.orchestration.customers)[0]
    assert mixed.value == analysis.orchestration.customers.mixed
    assert idol.household_figures(None, "no related_id")[0].status == "unavailable"
    before, after = idol.value_shift_figures(analysis.migration, "EUR")
    known = analysis.migration.value.drop(index="joined", errors="ignore")
    assert before.value == pytest.approx(known["value_before"].sum())
    assert after.window == "2025-01-01..2025-12-31"
    assert before.window == "2024-01-01..2024-12-31"
    assert idol.value_shift_figures(None, "EUR") == []


def test_channel_and_process_checks_count_in_the_window(tmp_path):
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\nA,2024-03-01,30\n")
    (tmp_path / "interactions.csv").write_text(
        "customer_id,date,channel,process,resolved,direction\n"
        "A,2024-12-20,phone,complaint,false,inbound\n"  # an episode that began before the window
        "A,2025-01-02,e-mail,complaint,false,inbound\n"  # its handover is inside the window
        "A,2025-04-01,phone,billing,false,inbound\n"  # an episode inside the window
        "A,2025-04-05,chat,billing,true,inbound\n"  # a handover that settled it
    )
    company = load_company(tmp_path, observation_end="2025-12-31")
    o = idol.orchestrate(company, idol.customer_values(company))
    # two handovers in 2025: phone > e-mail (lost: still open), phone > chat (settled)
    assert len(o.channels.handovers) == 2
    assert o.channels.lost_rate == pytest.approx(0.5)
    # one process episode began in 2025 (billing); the complaint began in 2024
    assert o.processes.overview["episodes"].sum() == 1
    assert o.moments.episodes == 1


def test_a_look_alike_who_bought_nothing_is_said_to_have_brought_nothing():
    from crmlib.models.idol.text import _brought

    assert _brought(0.0, "EUR") == "nothing in that window"
    assert _brought(-30.0, "EUR") == "-EUR 30"


def test_campaign_categories_read_in_words():
    from crmlib.render.scan import scan_report

    categories = pd.DataFrame(
        {
            "campaign_id": ["C1", "C2", "C3"],
            "offer": ["10% off bulbs", "we miss you", "garden set"],
            "sent_date": pd.to_datetime(["2025-01-02", "2025-02-03", "2025-03-04"]),
            "recipients": [10, 20, 30],
            "category": ["bulbs", None, "garden"],
            "odds_ratio": [2.5, 1.1, float("nan")],
            "source": ["inferred", "general", "recorded"],
        }
    )
    table = idol.categories_table(categories)
    assert table.loc["C2", "category"] == "no one category"
    assert table.loc["C3", "odds ratio"] == "n/a"
    assert table.loc["C1", "category found"] == "read from the targeting"
    assert table.loc["C1", "sent"] == "2025-01-02"
    assert scan_report(f"<html><body>{table.to_html()}</body></html>") == []


def test_aspects_that_repeat_the_purchase_are_not_counted():
    from crmlib.analytics.profile import tautological_aspects

    picture = pd.DataFrame(
        {
            "purchase_days": [3, 1, 0, 2],
            # every buyer owns a known product and nobody else: it repeats "has bought"
            "product_ownership": [1.0, 1.0, 0.0, 1.0],
            # the cost of the second buyer's sale is unknown: profitability tells something
            "profitability": [1.0, 0.0, 0.0, 1.0],
        }
    )
    measured = ["product_ownership", "profitability"]
    assert tautological_aspects(picture, measured) == ["product_ownership"]
    # an aspect the data does not show is not in question
    assert tautological_aspects(picture, ["profitability"]) == []


def test_sample_completeness_leaves_out_the_purchase_aspects(sample_dir):
    from crmlib.models.idol.identify import customer_values, identify

    company = load_company(sample_dir)
    ident = identify(company, customer_values(company))
    # the sample knows a cost for every sale: both purchase aspects equal "has bought"
    assert ident.tautological == ["product_ownership", "profitability"]
    counted = ["personal", "behaviour", "needs", "contact"]
    assert ident.counted == counted
    expected = ident.picture[counted].mean(axis=1)
    assert ident.picture["completeness"].to_numpy() == pytest.approx(expected.to_numpy())
    text = idol.describe_identification(ident)
    assert "Not counted in the completeness: product ownership and profitability" in text


def test_optimum_range_by_hand():
    from crmlib.models.idol.differentiate import Granularity, optimum_range

    # fit of 1..5 groups measured on 50 customers (a tenth: up to 5), 100 customers in all;
    # yearly profit 1,000 and an uplift of 10%: one-to-one would add 100 a year
    fit = pd.Series([0.0, 0.5, 0.7, 0.8, 0.85], index=range(1, 6))
    granularity = Granularity(
        fit=fit, customers=100, measured=50, basis="test", yearly_profit=1000.0,
        tailoring_uplift=0.1,
    )  # fmt: skip
    spread = optimum_range(granularity, 10.0)
    assert spread.index.tolist() == [0.05, 0.1, 0.2]
    assert spread.columns.tolist() == [5.0, 10.0, 20.0]
    # uplift 10%, cost 10: net 0, 40, 50, 50, 45 -> 3 groups (the fewest on a tie)
    assert spread.loc[0.1, 10.0] == 3
    # cost 20: net 0, 30, 30, 20, 5 -> 2; cost 5: net 0, 45, 60, 65, 65 -> 4
    assert spread.loc[0.1, 20.0] == 2 and spread.loc[0.1, 5.0] == 4
    # uplift 20%, cost 10: value 0, 100, 140, 160, 170; net 0, 90, 120, 130, 130 -> 4
    assert spread.loc[0.2, 10.0] == 4
    # uplift 5%, cost 20: value 0, 25, 35, 40, 42.5; net 0, 5, -5, ... -> 2
    assert spread.loc[0.05, 20.0] == 2


def test_the_groups_action_costs_what_the_trade_off_says(analysis):
    # one definition of the treatment cost: the action's cost and net are the optimum's
    best = idol.optimum(analysis.tradeoff)
    action = next(
        a for a in idol.verdict(analysis).actions if a.title.startswith("Treat customers")
    )
    assert action.cost == pytest.approx(float(best["cost"]))
    assert action.cost == pytest.approx((best["n_groups"] - 1) * analysis.cost_per_treatment)
    if action.expected_value is not None:
        assert action.expected_value - action.cost == pytest.approx(float(best["net"]))

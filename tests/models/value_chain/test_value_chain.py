"""Buttle's CRM value chain: the numbers behind each stage and the conclusion."""

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.profitability import transaction_margin
from crmlib.data.company import load_company
from crmlib.errors import MissingDataError
from crmlib.models import value_chain
from crmlib.models.value_chain import portfolio as value_chain_portfolio
from crmlib.models.value_chain.stages import supplier_value
from crmlib.models.verdict import ModelVerdict
from crmlib.notebook import views
from crmlib.plots import value_chain as charts


@pytest.fixture
def small(tmp_path: Path):
    """Six customers over two years: A and B were last year's SSCs, C lapsed, D and E are new."""
    (tmp_path / "customers.csv").write_text(
        "customer_id,name,type,signup_date,related_id\n"
        "A,Ann,B2C,2023-01-01,H1\nB,Bob,B2C,2023-02-01,H1\nC,Cas,B2C,2023-03-01,\n"
        "D,Dirk,B2C,2025-02-01,\nE,Eva,B2C,2025-06-01,\nF,Fien,B2C,2023-06-01,\n"
    )
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,product_id,amount,cost\n"
        "A,2024-03-01,P1,100,50\nA,2025-03-01,P2,150,75\n"
        "B,2024-05-01,P1,50,25\nB,2025-05-01,P1,40,20\n"
        "C,2024-06-01,P1,30,15\n"
        "D,2025-02-01,P1,20,10\nE,2025-06-01,P2,10,5\n"
        "F,2023-06-01,P1,10,5\n"
    )
    (tmp_path / "products.csv").write_text(
        "product_id,category,supplier\nP1,plants,Kwekerij\nP2,tools,Gereedschap\n"
    )
    (tmp_path / "company.yml").write_text("name: De <b>Linde</b>\nobservation_end: 2025-12-31\n")
    return load_company(tmp_path)


def test_relationship_measures_by_hand(small):
    chain = value_chain.ValueChain(small, ssc_share=0.2)
    relationships = chain.relationships()
    measures = relationships.measures.set_index(["measure", "segment"])
    # last year's profit: A 50, B 25, C 15; the top 20% of six customers (two) are A and B
    assert measures.loc[("retention", "SSC"), "value"] == 1.0
    assert measures.loc[("retention", "SSC"), "customers"] == 2
    assert measures.loc[("retention", "other"), "value"] == 0.0  # C lapsed
    # A spent 150 after 100 (up), B 40 after 50: half the retained SSCs grew
    assert measures.loc[("up-sell", "SSC"), "value"] == 0.5
    # A bought tools for the first time, B only plants again
    assert measures.loc[("cross-sell", "SSC"), "value"] == 0.5
    # D and E are new (first purchase this year), C was lost: 2 per lost customer
    assert measures.loc[("acquisition", "all"), "value"] == 2.0
    # the targets are the vocabulary's defaults: 85% for SSCs, 65% for the others
    assert measures.loc[("retention", "SSC"), "target"] == 0.85
    assert measures.loc[("retention", "other"), "target"] == 0.65
    assert measures.loc[("retention", "SSC"), "attainment"] == 1.0
    assert measures.loc[("up-sell", "SSC"), "attainment"] == pytest.approx(0.5 / 0.5)
    assert relationships.coverage == 1.0 and relationships.caveat == ""
    text = value_chain.describe_relationships(relationships, small)
    assert (
        "Of last year's SSCs (2024-01-01..2024-12-31), 100% bought again in "
        "2025-01-01..2025-12-31 (target 85%)" in text
    )
    assert "The largest shortfall is retention of other customers: 0% against 65%." in text
    figures = {f.id: f for f in relationships.figures()}
    assert figures["retention_rate.ssc_last_year"].value == 1.0
    assert figures["retention_rate.other"].value == 0.0
    assert figures["target.retention"].value == 0.65
    assert (
        figures["retention_rate.other"].window == "2024-01-01..2024-12-31 -> 2025-01-01..2025-12-31"
    )


def test_relationship_targets_come_from_company_yml(small):
    (small.data_dir / "company.yml").write_text(
        "name: De Linde\nobservation_end: 2025-12-31\ntargets:\n  retention: 0.5\n"
        "  ssc_retention: 90%\n"
    )
    measures = value_chain.ValueChain(small).relationships().measures
    measures = measures.set_index(["measure", "segment"])
    assert measures.loc[("retention", "SSC"), "target"] == 0.9
    assert measures.loc[("retention", "other"), "target"] == 0.5


def _shifted(small, tmp_path, first: str):
    """The small company with customer F's purchase moved to ``first`` (the data's start)."""
    folder = tmp_path / "shifted"
    folder.mkdir()
    for name in ("customers.csv", "products.csv", "company.yml"):
        (folder / name).write_text((small.data_dir / name).read_text())
    tx = (small.data_dir / "transactions.csv").read_text()
    (folder / "transactions.csv").write_text(tx.replace("F,2023-06-01", f"F,{first}"))
    return load_company(folder)


def test_relationships_are_unavailable_when_the_year_before_is_barely_in_the_data(small, tmp_path):
    # the data begins on 2024-12-22: ten days of the year before (2024) are covered
    company = _shifted(small, tmp_path, "2024-12-22")
    tx = company.transactions
    company.transactions = tx[tx["date"] >= "2024-12-22"].reset_index(drop=True)
    chain = value_chain.ValueChain(company)
    with pytest.raises(MissingDataError, match="covers 3% of the year before"):
        chain.relationships()
    scores = chain.stage_scores()
    assert np.isnan(scores.loc["Relationship management", "score"])


def test_relationships_carry_a_caveat_when_the_year_before_is_partly_covered(small, tmp_path):
    # the data begins on 2024-03-01 (A's first purchase): 306 of 366 days of 2024
    company = _shifted(small, tmp_path, "2024-03-01")
    relationships = value_chain.ValueChain(company).relationships()
    assert relationships.coverage == pytest.approx(306 / 366)
    assert "covers only 84% of the year before" in relationships.caveat
    figures = {f.id: f for f in relationships.figures()}
    assert figures["retention_rate.ssc_last_year"].status == "caveat"
    text = value_chain.describe_relationships(relationships, company)
    assert "Read these measures with care" in text


def test_portfolio_routes_and_types(small):
    portfolio = value_chain.ValueChain(small, ssc_share=0.2).portfolio()
    table = portfolio.table
    # current value is the margin of 2025: A 75, B 20, D 10, E 5; the top two are A and B
    assert table.loc[["A", "B"], "is_ssc"].all() and table["is_ssc"].sum() == 2
    # without interactions the cost to serve is unknown: no cost magnets
    assert not portfolio.cost_measured
    assert "cost_magnet" not in table.columns
    # positive contribution 110: A alone brings 75 (68 %), at least half
    assert table.index[table["absorbs_fixed_costs"]].tolist() == ["A"]
    # one purchase day each in 2025 for A, B, D, E: top 2 of 6 ties all four in
    assert table.index[table["high_volume"]].tolist() == ["A", "B", "D", "E"]
    # a later member of A's household is no evidence of a door opened: unknown
    assert "door_opener" not in portfolio.types.measured
    text = value_chain.describe_portfolio(portfolio, small)
    assert "&lt;b&gt;Linde" in text and "<b>" not in text
    assert "Type *benchmark customer* is not measurable here" in text
    assert "Type *door-opener* is not measurable here" in text


def test_portfolio_stage_scores_offers_against_random(small):
    # A and B are SSCs; MGCs need a forecast, which six customers cannot fit: 2 of 6
    (small.data_dir / "campaigns.csv").write_text(
        "campaign_id,customer_id,offer,channel,sent_date,responded,revenue\n"
        "K1,A,o,e-mail,2025-03-01,false,0\nK1,B,o,e-mail,2025-03-01,false,0\n"
        "K1,C,o,e-mail,2025-03-01,false,0\nK1,D,o,e-mail,2025-03-01,false,0\n"
        "K0,C,o,e-mail,2024-03-01,false,0\n"
    )
    chain = value_chain.ValueChain(load_company(small.data_dir), ssc_share=0.2)
    effort = chain.effort()
    table = chain.portfolio().table
    chosen = table["ssc"] | (table["value_category"] == "MGC")
    expected = chosen.mean()
    # four offers in 2025 (the 2024 one is outside the window): A and B of them are SSCs
    assert effort.offers == 4
    observed = (2 + int(chosen[["C", "D"]].sum())) / 4
    assert effort.observed == pytest.approx(observed)
    assert effort.score == pytest.approx(max(0.0, (observed - expected) / (1 - expected)))
    assert chain.stage_scores().loc["Customer portfolio analysis", "score"] == effort.score


def test_alignment_score_by_hand():
    # 60 % of offers to a group that is 20 % of customers: (0.6 - 0.2) / 0.8
    assert value_chain_portfolio.alignment_score(0.6, 0.2) == pytest.approx(0.5)
    assert value_chain_portfolio.alignment_score(0.1, 0.2) == 0.0  # below random
    assert value_chain_portfolio.alignment_score(1.0, 0.2) == 1.0
    assert np.isnan(value_chain_portfolio.alignment_score(float("nan"), 0.2))


def test_regrouping_changes_the_ssc_count_without_refitting(small):
    portfolio = value_chain.ValueChain(small, ssc_share=0.2).portfolio()
    wider = portfolio.regrouped(ssc_share=0.5)
    assert wider.table["is_ssc"].sum() == 3  # A, B and D
    assert wider.table["clv"].equals(portfolio.table["clv"])
    assert portfolio.table["is_ssc"].sum() == 2


def test_supplier_value_by_hand(small):
    lines = small.transactions[small.transactions["date"] > "2024-12-31"]
    suppliers = supplier_value(lines, small.products, pd.Index(["A", "B"]))
    # 2025: Kwekerij sells B 40 and D 20; Gereedschap sells A 150 and E 10
    assert suppliers.loc["Gereedschap", "revenue"] == 160
    assert suppliers.loc["Gereedschap", "share_of_ssc_revenue"] == pytest.approx(150 / 190)
    assert suppliers.loc["Kwekerij", "ssc_dependence"] == pytest.approx(40 / 60)
    assert suppliers.loc["Kwekerij", "margin"] == 30
    assert suppliers.index[0] == "Gereedschap"


def test_a_company_without_needs_or_answers_skips_those_stages(small):
    chain = value_chain.ValueChain(small)
    with pytest.raises(MissingDataError, match="needs"):
        chain.proposition()
    scores = chain.stage_scores()
    assert np.isnan(scores.loc["Value proposition development", "score"])
    assert np.isnan(scores.loc["Network development", "score"])  # suppliers, but no workshop
    assert scores.loc["Leadership & culture", "note"] == "not scored in the workshop"
    # portfolio: no campaign offers, so whether offers follow value is unknown, not 0
    assert np.isnan(scores.loc["Customer portfolio analysis", "score"])
    assert scores.loc["Customer portfolio analysis", "note"] == "the data holds no campaign offers"
    text = value_chain.describe_chain(chain, scores)
    assert "Not scored, so not compared: customer portfolio analysis, network development" in text
    assert "No workshop answers" in value_chain.describe_conditions(chain.conditions(), small)


@pytest.fixture(scope="module")
def sample_chain(sample_dir):
    return value_chain.ValueChain(load_company(sample_dir))


def test_sample_conditions_are_scored_from_the_saved_answers(sample_chain):
    scores = sample_chain.stage_scores()
    # IT/data: answers 3, 3, 2, 2, 3 -> points 2 + 2 + 1 + 1 + 2 of 5 x 4 = 40%
    assert scores.loc["IT/data management", "score"] == pytest.approx(0.40)
    # network alignment: partners 3, customer service 3, investors 3, employees 4 (suppliers
    # not scored) -> 9 of 16 points
    assert scores.loc["Network development", "score"] == pytest.approx(9 / 16)
    assert value_chain.limiting_stage(scores, "supporting") == "IT/data management"


def test_sample_portfolio_score_counts_what_can_be_analysed(sample_chain):
    scores = sample_chain.stage_scores()
    # the sample's offers reach SSCs and MGCs less often than a random draw would: 0
    effort = sample_chain.effort()
    assert effort.observed < effort.expected
    assert scores.loc["Customer portfolio analysis", "score"] == 0.0
    portfolio = sample_chain.portfolio()
    assert portfolio.types.measured == ["high_future_value", "high_volume", "absorbs_fixed_costs"]
    # the SSCs are the customer base's: the top 20% by current value, nobody added
    table = portfolio.table
    assert portfolio.n_ssc == int(table["is_ssc"].sum()) == 1000
    assert portfolio.base.figure("ssc_count").value == portfolio.n_ssc
    assert portfolio.ssc_value_share == pytest.approx(portfolio.base.figure("top20_share").value)
    # Buttle's types are the value chain's own, under their own id
    figures = {f.id: f for f in portfolio.figures()}
    future = figures["buttle_ssc_type.high_future_value"]
    assert future.value == int(table["high_future_value"].sum())
    assert future.label.startswith("Buttle's type of strategically significant customer")
    assert figures["buttle_ssc_type.benchmark"].status == "unavailable"
    text = value_chain.describe_portfolio(portfolio, sample_chain.company)
    assert "1,000 of 5,000 customers are strategically significant" in text


def test_sample_limiting_stage_is_the_lowest_primary_score(sample_chain):
    scores = sample_chain.stage_scores()
    primary = scores[scores["kind"] == "primary"]
    limiting = value_chain.limiting_stage(scores)
    assert primary.loc[limiting, "score"] == primary["score"].min()
    assert primary["score"].between(0, 1).all()
    text = value_chain.describe_chain(sample_chain, scores)
    assert f"**{limiting[0].lower() + limiting[1:]}** limits value most" in text


def test_limiting_stage_ties_go_to_the_earlier_stage():
    scores = pd.DataFrame(
        {"kind": ["primary"] * 3, "score": [0.5, 0.4, 0.4]}, index=["one", "two", "three"]
    )
    assert value_chain.limiting_stage(scores) == "two"
    assert value_chain.limiting_stage(scores.assign(score=np.nan)) is None


def test_sample_intimacy_gaps_are_below_the_threshold(sample_chain):
    intimacy = sample_chain.intimacy()
    assert (intimacy.gaps < 0.8).all()
    assert intimacy.gaps.index[0] == "needs"  # the survey reached a minority of SSCs
    points = intimacy.touchpoints
    assert points["ssc_reached"].between(0, 1).all()
    assert "store purchases" in points.index


def test_without_a_channel_the_touchpoints_are_a_sentence(sample_chain, monkeypatch):
    from crmlib.plots import value_chain as charts

    empty = sample_chain.intimacy().touchpoints.iloc[:0]
    with pytest.raises(ValueError, match="no touchpoint"):
        charts.plot_touchpoints(empty)
    shown = []
    monkeypatch.setattr(views, "say", lambda text, **values: shown.append(text))
    monkeypatch.setattr(views, "plot_touchpoints", lambda *a: shown.append("chart"))
    monkeypatch.setattr(views.plt, "show", lambda: None)
    views.show_touchpoints(empty)
    assert len(shown) == 1 and shown[0].startswith("*No touchpoint chart: the data records")
    views.show_touchpoints(sample_chain.intimacy().touchpoints)
    assert shown[-1] == "chart"


def test_sample_proposition_fit_is_a_weighted_mean(sample_chain):
    proposition = sample_chain.proposition()
    segments = proposition.fit.segments
    expected = np.average(segments["fit"], weights=segments["respondents"])
    assert proposition.mean_fit == pytest.approx(expected)
    assert proposition.profile["ssc_share"].between(0, 1).all()


def test_a_portfolio_score_floored_at_zero_says_why(sample_chain):
    # the sample's offers reach the SSCs and MGCs less often than at random: the score is
    # floored at 0, and the headline says it is below random rather than "no targeting"
    from crmlib.formatting import percent

    effort = sample_chain.effort()
    assert effort.observed < effort.expected and effort.score == 0
    headline = value_chain.verdict_of(sample_chain).headline
    assert (
        f"score 0%: offers reach the SSCs and MGCs less often than a random choice would, "
        f"{percent(effort.observed)} against {percent(effort.expected)}"
    ) in headline


def test_verdict_follows_the_stages(sample_chain):
    verdict = value_chain.verdict_of(sample_chain)
    assert isinstance(verdict, ModelVerdict)
    scores = sample_chain.stage_scores()
    limiting = value_chain.limiting_stage(scores)
    assert verdict.headline.startswith(limiting)
    assert verdict.figures["score_it_data_management"] == pytest.approx(0.4)
    assert [a.priority for a in verdict.actions] == sorted(a.priority for a in verdict.actions)
    magnets = [a for a in verdict.actions if "cost magnets" in a.title]
    assert magnets, "the sample has cost magnets"
    table = sample_chain.portfolio().table
    heavy = table[table["cost_magnet"]]
    excess = (heavy["recent_cost_to_serve"] - 0.5 * heavy["recent_margin"].clip(lower=0)).clip(
        lower=0
    )
    assert magnets[0].expected_value == pytest.approx(excess.sum())


def test_verdict_takes_the_notebook_parameters(small):
    (small.data_dir / "company.yml").write_text(
        "name: De Linde\nobservation_end: 2025-12-31\ntargets:\n  retention: 0.5\n"
    )
    verdict = value_chain.verdict(value_chain.analyse(small, ssc_share=0.2))
    # only intimacy and relationships are scored (no campaigns: the portfolio stage is
    # unknown); intimacy is weaker and comes first
    assert verdict.actions[0].title.startswith("Complete the needs aspect")
    assert verdict.actions[0].priority == 1
    assert "network development" not in verdict.findings[0]
    # the relationship action uses the target given: retention of other customers 0 vs 0.5
    relationship = [a for a in verdict.actions if a.title.startswith("Lift")]
    assert not relationship or "to 50%" in relationship[0].title


def test_diagram_has_five_stages_and_five_conditions(sample_chain):
    primary, supporting = value_chain.diagram(sample_chain)
    assert [s.name for s in primary] == list(value_chain.PRIMARY_STAGES)
    assert len(supporting) == 5
    assert primary[0].lines[0].endswith("SSCs")


def test_charts_show_the_numbers(sample_chain):
    portfolio = sample_chain.portfolio()
    ax = charts.plot_strategic_types(portfolio.type_counts())
    widths = [bar.get_width() for bar in ax.patches]
    assert widths[-1] == portfolio.table["is_ssc"].sum()  # the top row is the Pareto SSCs
    plt.close("all")
    scores = sample_chain.stage_scores()
    ax = charts.plot_stage_scores(scores, limiting=value_chain.limiting_stage(scores))
    assert [bar.get_width() for bar in ax.patches] == pytest.approx(
        scores["score"].fillna(0).tolist()
    )
    plt.close("all")
    ax = charts.plot_portfolio_matrix(portfolio.matrix, portfolio.quadrants)
    assert ax.get_xscale() == "symlog"
    plt.close("all")


def test_live_control_redraws_the_matrix_and_counts(sample_chain, monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    portfolio = sample_chain.portfolio()
    counts = views.portfolio_view(portfolio)(0.1, 0.3, "cost to serve")
    # a tenth of 5,000 customers by current value are SSCs (the base with that share)
    assert counts.loc["SSC: top 10% by current value", "customers"] == "500"
    assert counts.loc["value-chain type: benchmark customer", "status"] == "not measurable"
    matrix_ax = shown[0].axes[0]
    assert matrix_ax.get_ylabel().startswith("cost to serve")
    # the settings of the notebook's portfolio are untouched
    assert portfolio.table["is_ssc"].sum() == 1000
    plt.close("all")


def test_describe_scores_reads_the_diagram(small):
    scores = pd.DataFrame(
        {
            "kind": ["primary", "primary", "primary", "supporting", "supporting"],
            "score": [0.9, 0.4, np.nan, 0.5, 0.7],
            "basis": ["data", "data", "workshop", "workshop", "workshop"],
            "note": [""] * 5,
        },
        index=[
            "Customer intimacy",
            "Network development",
            "Value proposition development",
            "IT/data management",
            "HR management",
        ],
    )
    text = value_chain.describe_scores(scores, small)
    assert (
        "4 of the 5 elements of the chain are scored: 2 from the data and 2 by the workshop" in text
    )
    assert "primary stages run from network development (40%) to customer intimacy (90%)" in text
    assert "conditions run from IT/data management (50%) to HR management (70%)" in text
    assert "Grey, not scored: value proposition development" in text


def test_revenue_only_portfolio_labels_revenue_and_leaves_out_the_cost(small, tmp_path):
    tx = (small.data_dir / "transactions.csv").read_text().splitlines()
    (small.data_dir / "transactions.csv").write_text(
        "\n".join(",".join(line.split(",")[:4]) for line in tx) + "\n"
    )
    bare = load_company(small.data_dir)
    portfolio = value_chain.ValueChain(bare).portfolio()
    assert portfolio.value_word == "revenue" and not portfolio.margin_measured
    table = value_chain.top_customers_table(portfolio)
    assert not [c for c in table.columns if "cost" in c or "margin" in c]
    assert table.columns[0] == "current revenue"
    figures = {f.id: f for f in portfolio.figures()}
    assert figures["buttle_ssc_type.absorbs_fixed_costs"].status == "unavailable"
    assert figures["buttle_ssc_type.absorbs_fixed_costs"].value is None
    assert figures["buttle_ssc_type.high_volume"].status == "ok"


def test_the_stage_paragraphs_cite_the_figures_each_stage_states(sample_dir):
    sample = load_company(sample_dir)
    chain = value_chain.analyse(sample)
    cited = []

    def cite(figure):
        cited.append(figure)
        return f"[{figure.id}]"

    intimacy, proposition = chain.intimacy(), chain.proposition()
    value_chain.describe_intimacy(intimacy, sample, cite=cite)
    value_chain.describe_proposition(proposition, sample, cite=cite)
    text = value_chain.describe_chain(chain, chain.stage_scores(), cite=cite)
    ids = [f.id for f in cited]
    assert ids == [
        "ssc_picture_completeness.SSC",
        "ssc_picture_completeness.other",
        "offer_needs_fit",
        "ssc_count",
        "ssc_value_share",
    ]
    portfolio = chain.portfolio()
    # the SSC count is the customer base's, the value share the SSCs' own
    assert cited[3] == portfolio.base.figure("ssc_count")
    assert cited[4].value == pytest.approx(portfolio.ssc_value_share)
    assert cited[0].value == pytest.approx(intimacy.ssc_completeness)
    assert cited[2].value == pytest.approx(proposition.mean_fit)
    assert "[ssc_count] customers" in text


def test_workshop_stages_are_read_again_only_when_the_answers_change(sample_copy):
    chain = value_chain.ValueChain(load_company(sample_copy))
    network, conditions = chain.network(), chain.conditions()
    # asked again (the scores and the verdict ask many times): the same results
    chain.stage_scores()
    assert chain.network() is network and chain.conditions() is conditions
    # the workshop saves an answer: both are read afresh
    saved = sorted((sample_copy / "assessments").glob("*.yaml"))[0]
    saved.write_text(saved.read_text() + "\n")
    assert chain.network() is not network
    assert chain.conditions() is not conditions


def test_value_weighted_fit_by_hand():
    from crmlib.models.value_chain.stages import weighted_fit

    fit = pd.Series([0.2, 0.8, 0.5], index=list("abc"))
    share = pd.Series([0.75, 0.25, np.nan], index=list("abc"))
    # (0.2 * 0.75 + 0.8 * 0.25) / 1.0 = 0.35; c has no value share and is left out
    assert weighted_fit(fit, share) == pytest.approx(0.35)
    assert np.isnan(weighted_fit(fit, pd.Series(0.0, index=list("abc"))))


def test_sample_proposition_weighs_segment_value(sample_chain):
    proposition = sample_chain.proposition()
    profile = proposition.profile
    assert profile["value_share"].sum() == pytest.approx(1.0)
    expected = (profile["fit"] * profile["value_share"]).sum()
    assert proposition.value_weighted_fit == pytest.approx(expected)
    scores = sample_chain.stage_scores()
    assert scores.loc["Value proposition development", "score"] == pytest.approx(expected)
    # the first segment to develop holds the most value not fitted
    at_stake = profile["value_share"] * (1 - profile["fit"])
    assert proposition.first_segment == at_stake.idxmax()
    text = value_chain.describe_proposition(proposition, sample_chain.company)
    assert "Lowering process costs" in text and "shift from product to service" in text


def test_sample_diagram_states_the_portfolio_score_measure(sample_chain):
    primary, _ = value_chain.diagram(sample_chain)
    effort = sample_chain.effort()
    lines = primary[0].lines
    assert len(lines) <= 4
    assert lines[2] == f"SSC/MGC offers {effort.observed:.0%}"
    assert lines[3] == f"at random {effort.expected:.0%}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_new_category_buyers_are_the_pairs_no_earlier_line_had(seed):
    from crmlib.analytics.summary import customer_numbers
    from crmlib.models.value_chain.relationships import _new_category_buyers

    rng = np.random.default_rng(seed)
    products = pd.Series(
        ["plants", "tools", "seeds", None, "plants"],  # one product without a category
        index=pd.Index(["P1", "P2", "P3", "P4", "P5"], name="product_id"),
        name="category",
    )

    def lines(n):
        return pd.DataFrame(
            {
                "customer_id": pd.array(rng.integers(0, 80, n).astype(str), dtype="str"),
                # P9 is not in the catalogue: its lines have no category
                "product_id": rng.choice(["P1", "P2", "P3", "P4", "P5", "P9"], n),
            }
        )

    earlier, last = lines(400), lines(200)
    category_of = products.to_dict()
    had = {
        (c, category_of.get(p))
        for c, p in zip(earlier.customer_id, earlier.product_id, strict=True)
    }
    expected = []
    for customer, product in zip(last.customer_id, last.product_id, strict=True):
        pair = (customer, category_of.get(product))
        if pd.notna(pair[1]) and pair not in had and customer not in expected:
            expected.append(customer)
    # both years' lines in one table, as a company's: each line's customer number and
    # product, and which lines are earlier and which last
    lines = pd.concat([earlier, last], ignore_index=True)
    numbers, ids = customer_numbers(lines["customer_id"], "transactions", "customer_id")
    is_earlier = np.arange(len(lines)) < len(earlier)
    found = _new_category_buyers(
        numbers, ids, lines["product_id"], is_earlier, ~is_earlier, products
    )
    assert len(expected) > 5
    assert found.tolist() == expected


def test_sample_supplier_value_is_the_lines_grouped_by_supplier(sample_chain):
    """The engine's grouping against pandas' own over the same year of lines."""
    company, portfolio = sample_chain.company, sample_chain.portfolio()
    out = sample_chain.network().suppliers
    end = company.observation_end
    tx = company.transactions
    lines = tx[
        (tx["date"] > end - pd.DateOffset(months=portfolio.horizon_months)) & (tx["date"] <= end)
    ]
    lines = lines[lines["product_id"].notna()]
    supplier = lines["product_id"].map(company.products.set_index("product_id")["supplier"])
    frame = pd.DataFrame(
        {
            "supplier": supplier.fillna("unknown"),
            "product_id": lines["product_id"],
            "revenue": lines["amount"],
            "margin": transaction_margin(lines, company.products),
            "ssc_revenue": lines["amount"].where(lines["customer_id"].isin(portfolio.ssc_ids), 0.0),
        }
    )
    expected = frame.groupby("supplier").agg(
        products=("product_id", "nunique"),
        revenue=("revenue", "sum"),
        margin=("margin", "sum"),
        ssc_revenue=("ssc_revenue", "sum"),
    )
    got = out[expected.columns].sort_index()
    pd.testing.assert_frame_equal(
        got, expected, check_exact=False, rtol=1e-12, check_names=False, check_index_type=False
    )
    assert out["revenue"].is_monotonic_decreasing


def test_sample_touchpoints_count_the_customers_and_records_per_channel(sample_chain):
    company, ssc_ids = sample_chain.company, sample_chain.portfolio().ssc_ids
    points = sample_chain.intimacy().touchpoints
    n_ssc = int(company.customers["customer_id"].isin(ssc_ids).sum())
    n_other = len(company.customers) - n_ssc
    for kind, table in (("contact", company.interactions), ("purchase", company.transactions)):
        ssc = table["customer_id"].isin(ssc_ids)
        for channel, lines in table.groupby("channel"):
            row = points[(points["kind"] == kind) & points.index.str.startswith(str(channel))].iloc[
                0
            ]
            ssc_lines = lines[ssc[lines.index]]
            reached, ssc_reached = (
                lines["customer_id"].nunique(),
                ssc_lines["customer_id"].nunique(),
            )
            assert row["ssc_reached"] == pytest.approx(ssc_reached / n_ssc)
            assert row["other_reached"] == pytest.approx((reached - ssc_reached) / n_other)
            assert row["records_per_ssc"] == pytest.approx(len(ssc_lines) / ssc_reached)
            if kind == "contact":
                assert row["feedback_share"] == pytest.approx(
                    ssc_lines["satisfaction"].notna().mean()
                )
            else:
                assert np.isnan(row["feedback_share"])

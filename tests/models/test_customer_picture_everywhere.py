"""One customer picture: every model states the same completeness and well-known share."""

from __future__ import annotations

import matplotlib.colors
import pytest

from crmlib.analytics.profile import customer_picture
from crmlib.data.company import load_company
from crmlib.models import idic, idol
from crmlib.models import payne_frow as pf


@pytest.mark.parametrize("name", ["sample", "cdnow"])
def test_the_models_agree_on_the_customer_picture(root, name):
    company = load_company(root / "data" / name)
    identify = idic.identify(company)
    information = pf.analyse(company).information
    identification = idol.analyse(company).identification
    completeness = identification.aspects["completeness"]
    assert identify.completeness == pytest.approx(completeness)
    assert information.aspects["completeness"] == pytest.approx(completeness)
    assert information.knowledge["well known"] == pytest.approx(identification.well_known_share)
    assert set(information.unmeasured) == set(identification.unmeasured)


def test_an_aspect_the_data_lacks_is_not_counted(root):
    # CDNOW records purchases only: five aspects are not in the data
    company = load_company(root / "data" / "cdnow")
    picture = customer_picture(company.customers, company.transactions)
    assert sorted(picture.attrs["unmeasured"]) == [
        "contact",
        "needs",
        "personal",
        "product_ownership",
        "profitability",
    ]
    assert picture.attrs["counted"] == ["behaviour"]
    assert picture["completeness"].equals(picture["behaviour"])
    words = idic.describe_identify(idic.identify(company))
    assert "complete over the 1 of 6 aspects the data shows" in words


def test_the_value_chain_words_an_absent_aspect_as_absent(root):
    from crmlib.models import value_chain

    company = load_company(root / "data" / "cdnow")
    chain = value_chain.analyse(company)
    intimacy = chain.intimacy()
    assert "personal" in intimacy.unmeasured and intimacy.gaps.index[0] == "personal"
    text = str(value_chain.describe_intimacy(intimacy, company))
    assert "personal (not in the data)" in text and "personal (0%)" not in text
    verdict = value_chain.verdict(chain)
    assert not any("only 0% complete" in finding for finding in verdict.findings)


def test_the_intimacy_chart_writes_an_absent_aspect_instead_of_a_bar(root):
    from crmlib.models import value_chain
    from crmlib.plots import value_chain as charts

    company = load_company(root / "data" / "cdnow")
    intimacy = value_chain.analyse(company).intimacy()
    ax = charts.plot_intimacy(intimacy.aspects, unmeasured=intimacy.unmeasured)
    shown = len(intimacy.aspects.columns) - len(intimacy.unmeasured)
    assert len(ax.patches) == 2 * shown  # SSCs and others, measured aspects only
    assert [t.get_text() for t in ax.texts] == ["not in the data"] * len(intimacy.unmeasured)


def test_the_idic_diagram_does_not_colour_part_of_the_picture_as_whole(root):
    company = load_company(root / "data" / "cdnow")
    identify = idic.stages(idic.identify(company), None, None, None, "USD")[0]
    assert identify.lines[1] == "picture 74% (1 of 6 aspects)"
    assert identify.score is None


def test_one_scored_stage_is_not_said_to_limit_the_chain(root):
    from crmlib.models import value_chain

    company = load_company(root / "data" / "cdnow")
    chain = value_chain.analyse(company)
    scores = chain.stage_scores()
    assert scores[(scores["kind"] == "primary")]["score"].notna().sum() == 1
    verdict = value_chain.verdict(chain)
    assert "is the only stage of cdnow's CRM value chain the data can score" in verdict.headline
    conclusion = str(value_chain.describe_chain(chain, scores))
    assert "only **customer intimacy** can be scored" in conclusion
    assert "limits value most" not in conclusion


@pytest.mark.parametrize("name", ["sample", "cdnow"])
def test_no_diagram_colours_part_of_the_picture_as_whole(root, name):
    # IDIC's Identify, the value chain's customer intimacy and IDOL's Identification are
    # coloured by the picture's completeness only when the data shows every aspect
    from crmlib.models import value_chain

    company = load_company(root / "data" / name)
    partial = bool(customer_picture(company.customers, company.transactions,
                                    products=company.products,
                                    interactions=company.interactions,
                                    needs=company.needs).attrs["unmeasured"])  # fmt: skip
    assert partial == (name == "cdnow")
    chain = value_chain.analyse(company)
    intimacy = value_chain.diagram(chain)[0][1]
    a = idol.analyse(company)
    identification = idol.diagram_stages(
        a.identification, a.tradeoff, a.grid, a.scorecard, a.migration, a.practices
    )[0]
    identify = idic.stages(idic.identify(company), None, None, None, company.currency)[0]
    for stage in (intimacy, identification, identify):
        assert (stage.score is None) == partial, stage.name
    note = chain.stage_scores().loc["Customer intimacy", "note"]
    assert ("over the 1 of 6 aspects the data shows" in note) == partial


@pytest.mark.parametrize("name", ["sample", "cdnow"])
def test_the_payne_frow_picture_chart_draws_only_what_it_counts(root, name):
    from crmlib.plots.payne_frow import plot_customer_picture

    information = pf.analyse(load_company(root / "data" / name)).information
    ax = plot_customer_picture(
        information.aspects,
        unmeasured=information.unmeasured,
        uncounted=information.tautological,
    )
    texts = [t.get_text() for t in ax.texts]
    # no bar for an aspect the data lacks; a bar for every other
    assert len(ax.patches) == 6 - len(information.unmeasured)
    assert texts.count("not in the data") == len(information.unmeasured)
    assert sum("not counted" in t for t in texts) == len(information.tautological)
    counted = 6 - len(information.unmeasured) - len(information.tautological)
    legend = ax.get_legend().get_texts()[0].get_text()
    assert legend == f"overall 74%, over {counted} of 6 aspects"
    if name == "sample":
        assert information.tautological == ("product_ownership", "profitability")
    else:
        assert len(information.unmeasured) == 5


def test_the_stage_scores_chart_grades_no_partial_or_lone_score(root):
    from crmlib.diagrams.shapes import score_colour
    from crmlib.models import value_chain
    from crmlib.plots import value_chain as charts

    chain = value_chain.analyse(load_company(root / "data" / "cdnow"))
    scores = chain.stage_scores()
    assert scores["partial"].tolist() == [False, True] + [False] * (len(scores) - 2)
    ax = charts.plot_stage_scores(scores, limiting=value_chain.limiting_stage(scores))
    intimacy = ax.patches[1]
    # grey, not graded green, and not outlined as the limit of a chain of one
    assert intimacy.get_facecolor()[:3] != matplotlib.colors.to_rgb(score_colour(1.0))
    assert all(p.get_linewidth() < 2 for p in ax.patches)
    assert "100% (data, over part of the picture)" in [t.get_text() for t in ax.texts]

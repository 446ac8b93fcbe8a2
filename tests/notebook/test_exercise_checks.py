"""Every model notebook's exercise checks, fed a right, a close and a wrong answer.

The expected answers are computed from the sample company, so the tests hold for the data
the notebooks ship with; the generic checks are also tested on numbers made up here.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from crmlib.notebook import exercises as ex

ROOT = Path(__file__).resolve().parents[2]
FLIP = {"up": "down", "down": "up", "same": "up"}


@pytest.fixture(scope="module")
def company():
    from crmlib.data.company import load_company

    return load_company(ROOT / "data" / "sample")


def verdicts(check, right, close, wrong):
    return check(right).verdict, check(close).verdict, check(wrong).verdict


def predictions(changes):
    right = [c.direction for c in changes]
    close = [FLIP[right[0]], *right[1:]]
    wrong = [FLIP[d] for d in right]
    return right, close, wrong


def judged(check, scores, *, higher_is_better=True):
    """Right, close and wrong choices: the best, the nearest other, the worst."""
    known = {k: v for k, v in scores.items() if not math.isnan(v)}
    order = sorted(known, key=known.get, reverse=higher_is_better)
    return check(order[0]), check(order[1]), check(order[-1])


# -- the generic checks ---------------------------------------------------------------------


def test_prediction_verdicts():
    rise = ex.Change("revenue", 100, 120, "More customers buy.")
    fall = ex.Change("cost", 50, 40)
    assert ex.check_prediction(["up", "down"], rise, fall).verdict == "right"
    assert ex.check_prediction(["up", "up"], rise, fall).verdict == "close"
    assert ex.check_prediction(("down", "up"), rise, fall).verdict == "wrong"
    assert ex.check_prediction("more", rise).verdict == "right"
    assert "100 to 120" in ex.check_prediction("down", rise).message
    assert "More customers buy." in ex.check_prediction("down", rise).message
    assert ex.check_prediction(None, rise).verdict == "open"
    assert ex.check_prediction("sideways", rise).verdict == "wrong"
    assert ex.check_prediction(["up"], rise, fall).verdict == "wrong"
    barely = ex.Change("share", 0.5, 0.51)
    assert ex.check_prediction("same", barely).verdict == "close"
    assert ex.check_prediction("same", ex.Change("share", 0.5, 0.5001)).verdict == "right"


def test_judgement_verdicts():
    scores = {"a": 10.0, "b": 9.5, "c": 2.0, "d": float("nan")}
    check = ex.check_judgement
    args = dict(measure="value", reasoning="Value first.")
    assert check("A", "most value", scores, **args).verdict == "right"
    assert check("b", "close to a", scores, **args).verdict == "close"
    wrong = check("c", "cheap", scores, **args)
    assert wrong.verdict == "wrong" and "the best by this measure is a" in wrong.message
    assert "Value first." in wrong.message
    assert check("a", "", scores, **args).verdict == "open"
    assert check(None, "x", scores, **args).verdict == "open"
    assert "not one of the options" in check("z", "x", scores, **args).message
    assert "cannot score d" in check("d", "x", scores, **args).message
    assert check("c", "least", scores, higher_is_better=False, **args).verdict == "right"


# -- 01 IDIC --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def idic_results(company):
    from crmlib.models import idic

    differentiation = idic.differentiate(company)
    return differentiation, idic.interact(company, differentiation)


def test_idic_expected_margin_by_hand(idic_results):
    differentiation, _ = idic_results
    card = ex.value_card(differentiation).iloc[0]
    by_hand = (
        card["expected_purchases"]
        * card["expected_average_value"]
        * (card["gross_margin"] / card["revenue"])
    )
    check = lambda a: ex.check_expected_margin(a, differentiation)  # noqa: E731
    assert verdicts(check, by_hand, by_hand * 1.05, by_hand * 2) == ("right", "close", "wrong")
    # the answer is the base's own figure, which the by-hand formula reproduces
    assert check(card["expected_purchases"] * card["expected_average_value"]).verdict == "wrong"


def test_idic_ssc_share_prediction(idic_results):
    differentiation, _ = idic_results
    changes = ex.ssc_share_changes(differentiation, 0.3, "EUR")
    assert math.isclose(changes[0].before, differentiation.ssc_value_share, rel_tol=1e-6)
    right, close, wrong = predictions(changes)
    assert right == ["up", "down"]
    check = lambda p: ex.check_prediction(p, *changes)  # noqa: E731
    assert verdicts(check, right, close, wrong) == ("right", "close", "wrong")


def test_idic_cut_contacts_judgement(idic_results):
    _, interaction = idic_results
    scores = ex.cut_contact_scores(interaction)
    assert scores.idxmax() == "BZ"
    results = judged(lambda c: ex.check_cut_contacts(c, "they cost most", interaction), scores)
    assert [r.verdict for r in results][0::2] == ["right", "wrong"]
    assert "Peppers & Rogers" in results[2].message


# -- 02 QCI ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qci_results(company):
    from crmlib.models import qci

    base = qci.customer_base(company)
    kept = qci.retention_view(company, base, freq="Q")
    scored = qci.assessment(company)
    readiness = qci.readiness(company, scored)
    acquired = qci.acquisition_view(company, base, freq="Q")
    reach = qci.penetration_view(company, base, wallet_per_customer=0.0)
    potential = qci.improvement_potential(
        acquired, kept, reach, uplift=0.05, scored=scored, acquisition_cost=0.0
    )
    return kept, readiness, potential


def test_qci_overall_retention(qci_results):
    kept = qci_results[0]
    counts = ex.retention_counts(kept)
    right = counts["retained"].sum() / counts["customers_before"].sum()
    assert math.isclose(right, kept.rate)
    check = lambda a: ex.check_overall_retention(a, kept)  # noqa: E731
    assert verdicts(check, right, right + 0.01, right + 0.1) == ("right", "close", "wrong")
    unweighted = (counts["retained"] / counts["customers_before"]).mean()
    assert "mean of the tiers' rates" in check(unweighted).message


def test_qci_lapse_prediction(company, qci_results):
    changes = ex.lapse_changes(company, qci_results[1], 2.0, 3.0)
    right, close, wrong = predictions(changes)
    assert right[0] == "down"
    check = lambda p: ex.check_prediction(p, *changes)  # noqa: E731
    assert verdicts(check, right, close, wrong) == ("right", "close", "wrong")


def test_qci_activity_judgement(qci_results):
    # by hand: penetration is within a quarter of the range of the best, acquisition is not
    potential = pd.DataFrame(
        {"value_per_year": {"retention": 1000.0, "penetration": 900.0, "acquisition": 100.0}}
    )
    check = lambda c: ex.check_activity(c, "worth most", potential, "EUR")  # noqa: E731
    results = judged(check, potential["value_per_year"])
    assert [r.verdict for r in results] == ["right", "close", "wrong"]
    # on the sample: the best and the worst of its own values
    potential = qci_results[2]
    check = lambda c: ex.check_activity(c, "worth most", potential, "EUR")  # noqa: E731
    results = judged(check, potential["value_per_year"])
    assert (results[0].verdict, results[2].verdict) == ("right", "wrong")


# -- 03 Payne & Frow ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pf_results(company):
    from crmlib.models import payne_frow as pf

    strategy = pf.strategy_development(company)
    value = pf.value_creation(
        company, segment_col=strategy.segment_col, target_segments=strategy.targets
    )
    return value, pf.performance_assessment(company)


def test_pf_retention_lift(pf_results):
    value = pf_results[0]
    right = 0.05 * value.target_retained_base * value.target_profit_per_customer
    assert math.isclose(right, value.lift_margin_per_year, rel_tol=1e-6)
    check = lambda a: ex.check_retention_lift(a, value)  # noqa: E731
    assert verdicts(check, right, right * 1.05, value.lifetime_value) == ("right", "close", "wrong")
    assert "not 5" in check(right * 100).message


def test_pf_percentage_points(pf_results):
    performance = pf_results[1]
    card = performance.scorecard.loc["retention_rate"]
    right = (card["current"] - card["previous"]) * 100
    check = lambda a: ex.check_points_change(a, performance)  # noqa: E731
    assert verdicts(check, round(right, 2), right + 0.2, right + 3) == ("right", "close", "wrong")
    trap = check(card["relative_change"] * 100)
    assert trap.verdict == "wrong" and "relative change" in trap.message


def test_pf_continuity_prediction(company):
    changes = ex.continuity_changes(company, 14, 30)
    right, close, wrong = predictions(changes)
    assert right == ["down", "up"]
    check = lambda p: ex.check_prediction(p, *changes)  # noqa: E731
    assert verdicts(check, right, close, wrong) == ("right", "close", "wrong")


def test_pf_first_process_judgement():
    import pandas as pd

    scores = pd.DataFrame(
        {"title": ["strategy", "value", "channels"], "score": [0.6, 0.55, 0.9]},
        index=["strategy_development", "value_creation", "multichannel_integration"],
    )
    check = lambda c: ex.check_first_process(c, "weakest", scores, "not ready")  # noqa: E731
    assert [check(c).verdict for c in ("value", "strategy", "channels")] == [
        "right",
        "close",
        "wrong",
    ]
    assert "four elements" in check("value").message


# -- 04 CRM value chain ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain(company):
    from crmlib.models import value_chain

    return value_chain.analyse(company)


def test_chain_cost_magnets(chain):
    portfolio = chain.portfolio()
    magnets = portfolio.table[portfolio.table["cost_magnet"].astype(bool)]
    right = magnets["recent_cost_to_serve"].sum() / magnets["recent_margin"].sum()
    assert right > 1  # a cost magnet costs more than it brings
    check = lambda a: ex.check_cost_magnet_ratio(a, portfolio)  # noqa: E731
    assert verdicts(check, right, right * 1.05, 1 / right) == ("right", "close", "wrong")


def test_chain_matrix_prediction(chain):
    changes = ex.matrix_changes(chain.portfolio(), 0.4)
    right, close, wrong = predictions(changes)
    assert right == ["up", "down"]
    check = lambda p: ex.check_prediction(p, *changes)  # noqa: E731
    assert verdicts(check, right, close, wrong) == ("right", "close", "wrong")


def test_chain_stage_judgement(chain):
    # by hand: B is within a quarter of the range of the weakest, C is the strongest
    scores = pd.DataFrame({"score": {"A": 0.2, "B": 0.3, "C": 0.9}})
    check = lambda c: ex.check_stage_to_fund(c, "weakest link", scores)  # noqa: E731
    results = judged(check, scores["score"], higher_is_better=False)
    assert [r.verdict for r in results] == ["right", "close", "wrong"]
    # on the sample: the weakest and the strongest stage
    scores = chain.stage_scores()
    check = lambda c: ex.check_stage_to_fund(c, "weakest link", scores)  # noqa: E731
    results = judged(check, scores["score"], higher_is_better=False)
    assert (results[0].verdict, results[2].verdict) == ("right", "wrong")


# -- 05 Customer IDOL -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def idol_results(company):
    from crmlib.analytics.base import customer_base
    from crmlib.models import idol

    base = customer_base(company)
    values = idol.customer_values(company, base)
    grid = idol.needs_grid(company, values)
    fit = idol.group_approach(company, values, grid, tailoring_uplift=0.1)
    orchestration = idol.orchestrate(company, values, base=base)
    return fit, orchestration.scorecard()


def test_idol_mismatch_rate(idol_results):
    scorecard = idol_results[1]
    right = scorecard.loc["channels", "mismatches"] / scorecard.loc["channels", "checked"]
    check = lambda a: ex.check_mismatch_rate(a, scorecard)  # noqa: E731
    assert verdicts(check, right, right + 0.01, 1 - right) == ("right", "close", "wrong")


def test_idol_treatment_cost_prediction(idol_results):
    changes = ex.treatment_cost_changes(idol_results[0], 500.0, 250.0, "EUR")
    right, close, wrong = predictions(changes)
    assert right == ["up", "up"]
    check = lambda p: ex.check_prediction(p, *changes)  # noqa: E731
    assert verdicts(check, right, close, wrong) == ("right", "close", "wrong")


def test_idol_groups_judgement(idol_results):
    from crmlib.models import idol

    fit = idol_results[0]
    best = int(idol.optimum(idol.granularity_tradeoff(fit, 500.0))["n_groups"])
    check = lambda c: ex.check_groups(c, "balance with cost", fit, 500.0, "EUR")  # noqa: E731
    assert verdicts(check, best, best - 1, 1) == ("right", "close", "wrong")

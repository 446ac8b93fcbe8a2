"""The comparison of the models (07): the crosswalk, agreements, conflicts and their checks."""

from __future__ import annotations

from crmlib.models import crosswalk
from crmlib.models.verdict import Action, ModelVerdict
from crmlib.notebook import exercises as ex


def verdict(model, *actions):
    return ModelVerdict(
        model,
        "headline",
        actions=[Action(t, "marketing", v, model, "why", p) for t, v, p in actions],
    )


VERDICTS = [
    verdict(
        "IDIC",
        ("Merge the duplicate records", None, 1),
        ("Raise retention with loyalty benefits", 1000.0, 3),
    ),
    verdict("QCI", ("Win back the lapsed customers", 3000.0, 1)),
    verdict("Payne & Frow", ("Complete the customer picture: needs", None, 1)),
    verdict("CRM value chain (Buttle)", ("Strengthen IT/data management as a condition", None, 3)),
    verdict("Customer IDOL", ("Raise retention of the loyal customers", None, 1)),
]


def test_crosswalk_names_every_model_for_every_idea():
    table = crosswalk.crosswalk()
    assert list(table.columns) == ["question", *crosswalk.MODELS]
    assert table.loc["Know the customer", "Customer IDOL"] == "Identification"
    assert table.loc["Know the customer", "CRM value chain"] == "Customer intimacy"
    assert set(crosswalk.BEST_FOR) == set(crosswalk.MODELS)


def test_actions_land_on_their_idea():
    assert crosswalk.theme_of("Merge the 58 probable duplicate records") == "Know the customer"
    assert crosswalk.theme_of("Win back the 545 lapsed customers with consent") == (
        "Keep and grow customers"
    )
    assert crosswalk.theme_of("Strengthen employee engagement: retention") == (
        "People and organisation"
    )
    assert crosswalk.theme_of("Paint the shop") is None


def test_agreement_and_conflict_follow_the_verdicts():
    comparison = crosswalk.compare(VERDICTS)
    assert comparison.agree.loc["Know the customer", "models"] == 2
    assert comparison.conflict.loc["Keep and grow customers", "first"] == "Customer IDOL, QCI"
    assert comparison.conflict.loc["Keep and grow customers", "later"] == "IDIC"
    assert comparison.values.loc["Keep and grow customers", "highest"] == 3000.0
    text = crosswalk.describe(comparison, "EUR")
    assert "Conflict on keep and grow customers" in text and "IDIC asks" in text
    assert crosswalk.compare([]).agree.empty


def test_value_span_check():
    comparison = crosswalk.compare(VERDICTS)
    check = lambda a: ex.check_value_span(a, comparison).verdict  # noqa: E731
    assert (check(3.0), check(3.2), check(1 / 3)) == ("right", "close", "wrong")


def test_joint_first_check():
    scores = crosswalk.agreement_scores(VERDICTS)
    assert scores.index[0] == "Keep and grow customers"
    check = lambda c: ex.check_joint_first(c, "most models", VERDICTS).verdict  # noqa: E731
    assert (check("Keep and grow customers"), check("Know the customer")) == ("right", "close")
    assert check("People and organisation") == "wrong"

from crmlib.notebook.exercises import check_choice, check_number


def test_number_verdicts():
    assert check_number(0.25, 0.25).verdict == "right"
    assert check_number("25%", 0.25).verdict == "right"
    assert check_number("0,25", 0.25).verdict == "right"
    assert check_number(0.26, 0.25, tolerance=0.01).verdict == "close"
    assert "a little high" in check_number(0.26, 0.25, tolerance=0.01).message
    assert check_number(0.5, 0.25, tolerance=0.01, hint="Look again.").message == "Look again."
    assert check_number(None, 0.25).verdict == "open"
    assert check_number("lots", 0.25).verdict == "wrong"
    assert check_number(103, 100, tolerance=5, relative=False).verdict == "right"


def test_choice_verdicts():
    assert check_choice(" Retention ", "retention").verdict == "right"
    assert (
        check_choice("acquisition", "retention", hint="Which is cheaper?").message
        == "Which is cheaper?"
    )
    feedback = check_choice(
        "loyalty", "retention", options=["acquisition", "retention", "penetration"]
    )
    assert feedback.verdict == "wrong" and "not one of the options" in feedback.message


def test_feedback_renders_escaped_html():
    feedback = check_number(1, 2, hint="<b>look</b>")
    assert "&lt;b&gt;look" in feedback._repr_html_()
    assert "crm-feedback-wrong" in feedback._repr_html_()

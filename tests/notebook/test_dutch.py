"""Exercise feedback, the assessment report and the glossary view in Dutch."""

import pytest

from crmlib import i18n
from crmlib.instruments.answers import Answers
from crmlib.instruments.definition import load_instrument
from crmlib.notebook.exercises import Change, check_choice, check_number, check_prediction
from crmlib.notebook.forms import AssessmentReport


@pytest.fixture
def dutch():
    i18n.activate(language="nl")
    yield
    i18n.activate()


def test_feedback_speaks_dutch(dutch):
    assert str(check_number(None, 0.25)).startswith("Nog niet beantwoord. Vervang None")
    close = check_number(0.26, 0.25, tolerance=0.01)
    assert "Bijna." in close._repr_html_() and "iets te hoog" in close.message
    assert "is geen van de keuzes" in check_choice("x", "a", options=["a", "b"]).message


def test_a_student_may_predict_in_dutch(dutch):
    rise = Change("het aantal kopers", 100, 120, "Meer klanten kopen.")
    right = check_prediction("omhoog", rise)
    assert right.verdict == "right"
    assert right.message.startswith("Het aantal kopers steeg (100 naar 120)")
    assert check_prediction("up", rise).verdict == "right"  # English words still count
    assert "schrijf omhoog, omlaag of gelijk" in check_prediction("sideways", rise).message


def test_the_static_assessment_report_speaks_dutch(dutch, tmp_path):
    instrument = load_instrument("qci")
    page = AssessmentReport(Answers(instrument), saved=False)._repr_html_()
    assert "Nog geen antwoorden opgeslagen" in page and "Bron:" in page
    assert "<th>domein</th>" in page and "<th>soort</th>" in page


def test_show_glossary_shows_both_names_and_the_corrections(monkeypatch):
    from crmlib.notebook import views

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    monkeypatch.setattr(views, "say", lambda template, **values: shown.append(values))
    views.show_glossary("nl")
    tables = [obj.data for obj in shown if hasattr(obj, "data")]
    assert list(tables[0].columns) == ["Model of domein", "Engels", "Nederlands", "Definitie"]
    assert "Medewerkersbetrokkenheid" in set(tables[0]["Nederlands"])
    assert "personeelsbeheer" in " ".join(tables[1].stack())
    assert shown[0] == {
        "title": "Woordenlijst: de termen van het werkboek in het Engels en het Nederlands"
    }


def test_show_glossary_follows_the_report_language_by_default(dutch, monkeypatch):
    from crmlib.notebook import views

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    monkeypatch.setattr(views, "say", lambda template, **values: shown.append(template))
    views.show_glossary(corrections=False)
    assert shown[0] == "## {title}"
    assert list(shown[1].data.columns)[-1] == "Definitie" and len(shown) == 2

"""Exercise feedback, the assessment report and the glossary view in Dutch."""

import pytest
from bs4 import BeautifulSoup

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


def _glossary_page(monkeypatch, *args, **kwargs):
    """What show_glossary displays: the headings it says and its tables' HTML."""
    from crmlib.notebook import views

    said, tables = [], []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: tables.append(obj.data))
    monkeypatch.setattr(views, "say", lambda template, **values: said.append((template, values)))
    views.show_glossary(*args, **kwargs)
    return said, [BeautifulSoup(table, "html.parser") for table in tables]


def test_show_glossary_shows_both_names_and_the_corrections(monkeypatch):
    said, (terms, fixes) = _glossary_page(monkeypatch, "nl")
    assert said[0] == (
        "## {title}",
        {"title": "Woordenlijst: de termen van het werkboek in het Engels en het Nederlands"},
    )
    assert [th.get_text() for th in terms.find_all("th")] == [
        "Model of domein",
        "Engels",
        "Nederlands",
        "Definitie",
    ]
    english = [td.get_text() for td in terms.select('td[lang="en"]')]
    dutch = [td.get_text() for td in terms.select('td[lang="nl"]')]
    assert "Employee engagement" in english and "Medewerkersbetrokkenheid" in dutch
    assert len(english) == len(dutch) == len(terms.find_all("tr")) - 1
    assert "personeelsbeheer" in fixes.get_text() and "Payne &amp; Frow" in str(fixes)


@pytest.mark.slow  # the English check reads ~900 templates over every definition
def test_the_dutch_glossary_reads_as_dutch_apart_from_its_english_column(monkeypatch):
    from crmlib.render.language import english_left

    _, tables = _glossary_page(monkeypatch, "nl")
    for table in tables:
        for foreign in table.select('[lang="en"]'):
            foreign.decompose()
        assert english_left(str(table), "nl") == []


def test_show_glossary_follows_the_report_language_by_default(dutch, monkeypatch):
    said, tables = _glossary_page(monkeypatch, corrections=False)
    assert said[0][0] == "## {title}" and len(tables) == 1
    assert tables[0].find_all("th")[-1].get_text() == "Definitie"

"""The glossary: every registry figure and model element, in English and Dutch."""

import pytest

from crmlib.analytics import glossary
from crmlib.analytics.orchestration import DIMENSIONS
from crmlib.analytics.vocabulary import DEFINITIONS
from crmlib.errors import ParameterError
from crmlib.i18n.catalogue import gettext_for
from crmlib.models.idol.identify import ASPECT_LABELS
from crmlib.models.payne_frow.common import ELEMENTS, PROCESSES
from crmlib.models.qci.conclude import RINGS
from crmlib.models.value_chain.chain import PRIMARY_STAGES
from crmlib.models.value_chain.stages import CONDITIONS

DUTCH = gettext_for("nl")


@pytest.mark.parametrize("definition", DEFINITIONS.values(), ids=lambda d: d.id)
def test_every_registry_term_has_a_dutch_term_and_definition(definition):
    for text in (definition.label, definition.formula, definition.window):
        assert DUTCH(text) != text, f"no Dutch for {text!r}"


def test_the_dutch_glossary_holds_every_registry_term_defined_in_dutch():
    table = glossary.glossary("nl")
    assert list(table.columns) == list(glossary.COLUMNS)
    assert len(table) == len(DEFINITIONS) + len(glossary.MODEL_TERMS)
    figures = table.head(len(DEFINITIONS))
    assert list(figures["english"]) == [d.label for d in DEFINITIONS.values()]
    assert (figures["dutch"] != figures["english"]).all()
    assert not set(figures["definition"]) & {d.formula for d in DEFINITIONS.values()}
    assert table.notna().all().all() and (table.map(str).map(len) > 0).all().all()


def test_the_english_glossary_defines_with_the_registry_itself():
    table = glossary.glossary("en")
    figures = table.head(len(DEFINITIONS)).set_index("english")
    for d in DEFINITIONS.values():
        assert figures.loc[d.label, "definition"] == d.formula
    # the Dutch names stay beside the English ones whatever the report language
    assert (table["dutch"] == glossary.glossary("nl")["dutch"]).all()


def test_model_elements_are_named_as_the_models_and_their_diagrams_name_them():
    names = {term.name for term in glossary.MODEL_TERMS}
    expected = {"Identify", "Differentiate", "Interact", "Customize"}
    expected |= {"Acquisition", "Retention", "Penetration"} | {name for name, _ in RINGS}
    expected |= set(PROCESSES.values()) | set(ELEMENTS.values())
    expected |= set(PRIMARY_STAGES) | set(CONDITIONS.values())
    expected |= {"Identification", "Differentiation", "Orchestration", "Learning"}
    expected |= set(ASPECT_LABELS.values()) | set(DIMENSIONS)
    assert expected <= names, sorted(expected - names)
    for term in glossary.MODEL_TERMS:
        assert DUTCH(term.definition) != term.definition, term.name


def test_the_dutch_model_names_are_the_workbook_s_own():
    dutch = dict(zip(*glossary.glossary("nl")[["english", "dutch"]].T.values, strict=True))
    assert dutch["Customize"] == "Personalisatie"
    assert dutch["Employee engagement"] == "Medewerkersbetrokkenheid"
    assert dutch["Orchestration"] == "Orkestratie"
    assert dutch["Customer portfolio analysis"] == "Klantenportefeuilleanalyse"
    assert dutch["Customer intimacy"] == "Customer intimacy"  # the loanword Dutch practice keeps
    words = " ".join(glossary.glossary("nl")[["dutch", "definition"]].stack()).lower()
    assert "personeelsbeheer" not in words and "vijfkrachtenmodel" not in words


def test_corrections_name_the_sources_slips_in_both_languages():
    english, dutch = glossary.corrections("en"), glossary.corrections("nl")
    assert len(english) == len(dutch) == 3
    said = " ".join(dutch.stack())
    assert "vijfkrachtenmodel" in said and "personeelsbeheer" in said
    assert "medewerkersbetrokkenheid" in said and "CMAT" in said
    assert (english["correct"] != dutch["correct"]).all()


def test_an_unknown_language_is_a_parameter_error():
    with pytest.raises(ParameterError, match="'language': 'fr'"):
        glossary.glossary("fr")

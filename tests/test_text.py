"""The wording layer: one escape, one sentence helper, one join, one plural."""

import pytest

from crmlib import text
from crmlib.data.company import load_company
from crmlib.text import Safe, capitalise, escape, join, label, lead, plural, sentence

HOSTILE = "<b>R&D</b> *Best* [x](y) {name}"


def test_escape_makes_markdown_html_and_format_fields_inert():
    written = escape(HOSTILE)
    for raw in ("<b>", "&D", "*Best*", "[x]", "{name}"):
        assert raw not in written
    assert written.format() == written  # no field left for str.format to fill


def test_sentence_escapes_values_never_the_template():
    said = sentence("**{company}** keeps {share} of its customers.", company=HOSTILE, share="60%")
    assert said.startswith("**&lt;b&gt;R&amp;D")
    assert said.endswith("keeps 60% of its customers.")
    assert isinstance(said, Safe)
    # a sentence put into another is not escaped twice
    assert sentence("{inner} Then more.", inner=said) == said + " Then more."


def test_numbers_keep_their_format_specs():
    assert sentence("{n:,} customers, {share:.0%}", n=12615, share=0.173) == "12,615 customers, 17%"


def test_join_plural_and_label_shape_words_only():
    assert join(["a", "b", "c"]) == "a, b and c"
    assert join(["a"]) == "a" and join([]) == ""
    assert join(["a", "b"], "or") == "a or b"
    assert plural(1, "day", "days") == "1 day" and plural(1.2, "day", "days") == "1 day"
    assert plural(12615, "customer", "customers") == "12,615 customers"
    assert plural(2, "category", "categories") == "2 categories"
    assert label("cost_to_serve") == "cost to serve"
    assert capitalise("value") == "Value"


def test_lead_names_the_company_escaped():
    assert lead("A&B") == "**What this means for A&amp;B.**"
    assert lead("A&B", ":") == "**What this means for A&amp;B:**"


def test_a_translator_sees_every_template_once(monkeypatch):
    seen = []

    def dutch(template):
        seen.append(template)
        return {"{n} of {m}": "{n} van {m}", "and": "en"}.get(template, template)

    text.set_translator(dutch)
    try:
        assert sentence("{n} of {m}", n=3, m=4) == "3 van 4"
        assert join(["a", "b"]) == "a en b"
    finally:
        text.set_translator(None)
    assert seen == ["{n} of {m}", "and"]
    assert sentence("{n} of {m}", n=3, m=4) == "3 of 4"


@pytest.mark.parametrize("model", ["value_chain", "idol"])
def test_verdict_headlines_escape_the_company_name(model, small_company_dir):
    import importlib

    package = importlib.import_module(f"crmlib.models.{model}")
    company = load_company(small_company_dir, name=HOSTILE)
    headline = package.verdict(package.analyse(company)).headline
    assert escape(HOSTILE) in headline
    assert "<b>" not in headline and "{name}" not in headline

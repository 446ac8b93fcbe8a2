"""The check for English left in a translated report, on hand-made pages."""

from __future__ import annotations

from crmlib.render.language import english_left, looks_english


def page(body: str, lang: str = "nl") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title></head><body>{body}</body></html>'


def test_a_dutch_page_passes_and_an_english_sentence_in_it_is_found():
    dutch = "<p>De klanten met de hoogste waarde brengen het grootste deel van de marge op.</p>"
    assert english_left(page(dutch)) == []
    english = "<p>The customers with the highest value bring most of the margin.</p>"
    assert english_left(page(dutch + english)) == [
        "The customers with the highest value bring most of the margin."
    ]


def test_a_catalogue_template_is_found_whatever_its_values():
    assert english_left(page("<p>**What this means for De Linde.**</p>")) != []


def test_quoted_english_and_the_clients_own_words_are_not_left_over():
    body = (
        '<p><span lang="en">The customers with their value and the rest of them.</span></p>'
        '<li>Notitie: <span translate="no">The group disagreed here: head office sees more.</span></li>'
        "<li>Fader, P. S., Hardie, B. G. S. &amp; Lee, K. L. (2005). Counting your customers "
        "the easy way: an alternative to the Pareto/NBD model.</li>"
    )
    assert english_left(page(body)) == []


def test_an_english_page_is_english():
    assert english_left(page("<p>This is what the data says about the customers.</p>", "en"))


def test_short_labels_and_dutch_sentences_do_not_look_english():
    assert not looks_english("MVC MGC BZ")
    assert not looks_english("Wat de gegevens zeggen over de klanten en hun waarde")
    assert looks_english("What the data says about the customers and their value")

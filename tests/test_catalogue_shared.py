"""The Dutch catalogue covers the shared reader-facing modules, placeholders intact."""

import re

from babel.messages.pofile import read_po

from crmlib.i18n.catalogue import po_path

# The modules every report shares: exercises, forms, widgets, views, instrument charts,
# model diagrams, the vocabulary and the glossary.
SHARED = (
    "crmlib/notebook/",
    "crmlib/diagrams/",
    "crmlib/plots/instruments.py",
    "crmlib/plots/style.py",
    "crmlib/analytics/vocabulary.py",
    "crmlib/analytics/glossary.py",
)
FIELD = re.compile(r"\{[^{}]*\}")


def test_every_shared_message_has_dutch_with_the_same_placeholders():
    with po_path("nl").open("rb") as handle:
        catalogue = read_po(handle)
    shared = [
        m for m in catalogue if m.id and any(path.startswith(SHARED) for path, _ in m.locations)
    ]
    assert len(shared) > 400
    for message in shared:
        assert message.string and not message.fuzzy, f"no Dutch for {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert sorted(FIELD.findall(text)) == sorted(FIELD.findall(ids[0])), message.id

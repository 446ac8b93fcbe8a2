"""Assessment instruments in Dutch: every text translated, nothing else changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmlib.errors import InstrumentError
from crmlib.i18n import Setting, activate
from crmlib.instruments.definition import instruments_dir, load_instrument
from crmlib.instruments.translation import lay_over, overlay_path, untranslated
from crmlib.instruments.yamlio import load_yaml

FILES = sorted(p for p in instruments_dir().glob("*.yaml"))


def _data(path: Path):
    return load_yaml(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_text_of_an_instrument_has_its_dutch(path):
    overlay = overlay_path(path, "nl")
    assert overlay.is_file(), f"no Dutch texts for {path.name}. Fix: write {overlay}"
    missing = untranslated(_data(path), _data(overlay))
    assert not missing, f"{overlay.name}: untranslated {', '.join(missing[:8])}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_dutch_instrument_scores_like_the_english(path):
    english = load_instrument(path.stem)
    if not overlay_path(path, "nl").is_file():
        pytest.skip("no Dutch texts yet (the test above fails)")
    activate(Setting("nl", "nl_BE"))
    dutch = load_instrument(path.stem)
    assert dutch.id == english.id and dutch.title != english.title
    assert [a.id for a in dutch.areas] == [a.id for a in english.areas]
    assert [[i.id for i in a.items] for a in dutch.areas] == [
        [i.id for i in a.items] for a in english.areas
    ]
    assert [p.value for p in dutch.scale] == [p.value for p in english.scale]


def test_an_overlay_may_change_words_only():
    base = {"id": "x", "title": "T", "areas": [{"id": "a", "weight": 2, "title": "A"}]}
    assert lay_over(base, {"areas": [{"id": "a", "title": "Aa"}]}, "nl/x.yaml", "") == {
        "id": "x",
        "title": "T",
        "areas": [{"id": "a", "weight": 2, "title": "Aa"}],
    }
    with pytest.raises(InstrumentError, match="areas.a.weight is not a text"):
        lay_over(base, {"areas": [{"id": "a", "weight": 3}]}, "nl/x.yaml", "")
    with pytest.raises(InstrumentError, match="unknown id.*b"):
        lay_over(base, {"areas": [{"id": "b", "title": "B"}]}, "nl/x.yaml", "")

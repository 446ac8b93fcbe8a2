"""The notebooks' narrative in Dutch: one translation per cell, tied to its English text."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from crmlib.errors import ParameterError
from crmlib.i18n import LANGUAGES
from crmlib.i18n.narrative import (
    file_name,
    fingerprint,
    problems,
    translated_notebook,
    update,
    write_notebooks,
)
from crmlib.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_a_reader_sees_is_translated_and_up_to_date(notebook, language):
    found = problems(language, notebook)
    assert not found, (
        f"{len(found)} cell(s) of {notebook.stem} lack their {language} text: "
        + "; ".join(map(str, found[:8]))
        + f". Fix: python -m crmlib.i18n.narrative update {language}, then translate them"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_translated_notebook_keeps_the_code_and_its_parameters(notebook):
    """Only words change: the same cells, ids, tags and parameter names, in Dutch."""
    english = nbformat.read(notebook, as_version=4)
    if problems("nl", notebook):
        pytest.skip("not yet translated (the test above fails)")
    dutch = translated_notebook(notebook, "nl")
    assert [c.id for c in dutch.cells] == [c.id for c in english.cells]
    for en, nl in zip(english.cells, dutch.cells, strict=True):
        assert nl.cell_type == en.cell_type
        assert nl.metadata.get("tags", []) == en.metadata.get("tags", [])
        if en.cell_type == "code":
            # the code itself is the same: only comments and shown strings may differ
            assert _code_names(nl.source) == _code_names(en.source), nl.id
    parameters = next(c for c in dutch.cells if "parameters" in c.metadata.get("tags", []))
    assert 'language: str = "nl"' in parameters.source


def _code_names(source: str) -> list[str]:
    """The identifiers of a code cell, in order (comments and strings left out)."""
    import io
    import tokenize

    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    return [t.string for t in tokens if t.type == tokenize.NAME]


def _toy(tmp_path: Path) -> tuple[Path, Path]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell(
            'data_dir: str = "../data/sample"  # folder\nlanguage: str = ""  # language',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_markdown_cell("Some *text*."),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    path = tmp_path / "99_toy.ipynb"
    nbformat.write(nb, path)
    return path, tmp_path / "translations"


def test_a_changed_english_cell_makes_its_translation_out_of_date(tmp_path):
    notebook, folder = _toy(tmp_path)
    nb = nbformat.read(notebook, as_version=4)
    assert update("nl", notebook, folder) == 2
    assert [p.kind for p in problems("nl", notebook, folder)] == ["missing", "missing"]
    path = folder / "nl" / "99_toy.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["file_name"] = "99_speelgoed"
    data["cells"][nb.cells[0].id]["nl"] = "# Titel"
    data["cells"][nb.cells[2].id]["nl"] = "Wat *tekst*."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert problems("nl", notebook, folder) == []
    assert file_name("nl", "99_toy", folder) == "99_speelgoed"

    dutch = translated_notebook(notebook, "nl", folder, depth=1)
    assert [c.source for c in dutch.cells if c.cell_type == "markdown"] == [
        "# Titel",
        "Wat *tekst*.",
    ]
    assert '"../../data/sample"' in dutch.cells[1].source
    assert 'language: str = "nl"' in dutch.cells[1].source
    assert dutch.metadata["language"] == "nl"

    nb.cells[2].source = "Some *other* text."
    nbformat.write(nb, notebook)
    stale = problems("nl", notebook, folder)
    assert [(p.cell_id, p.kind) for p in stale] == [(nb.cells[2].id, "out of date")]
    with pytest.raises(ParameterError, match=r"no up-to-date nl text for cell.*Fix: translate"):
        translated_notebook(notebook, "nl", folder)


def test_the_fingerprint_ignores_surrounding_whitespace_only():
    assert fingerprint("# Title\n") == fingerprint("# Title")
    assert fingerprint("# Title") != fingerprint("# Titles")


def test_the_lab_gets_the_notebooks_that_are_translated(tmp_path, monkeypatch):
    import crmlib.lab as lab

    ready = [nb for nb in NOTEBOOKS if not problems("nl", nb)]
    if not ready:
        pytest.skip("no notebook translated yet")
    out = NOTEBOOKS_DIR / "nl"
    written = write_notebooks("nl", out, ready[:1])
    assert written[0].parent == out and written[0].is_file()
    nb = nbformat.read(written[0], as_version=4)
    assert any('"../../data/' in c.source for c in nb.cells if c.cell_type == "code")
    assert any("notebooks in nl" in line for line in lab.translated_notebooks())

"""The sample's reports in Dutch: every notebook renders, no English is left, numbers follow
nl_BE, and the figures are the same numbers as in English.

Rendered once per test run (all eight notebooks, HTML; the strategy report also as PDF
and slide deck), like the English sets of ``rendered_sets``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crmlib.i18n.narrative import file_name
from crmlib.paths import NOTEBOOKS_DIR
from crmlib.render.language import english_left

pytestmark = pytest.mark.slow

NOTEBOOKS = [p.stem for p in sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))]


@pytest.fixture(scope="module")
def dutch(once_per_run, sample_dir) -> tuple[Path, subprocess.CompletedProcess]:
    """The sample's reports and deck in Dutch, rendered once per test run."""
    command = [sys.executable, "-m", "crmlib", "render", "--data", str(sample_dir), "--lang", "nl"]

    def make(out: Path) -> None:
        once_per_run.run([*command, *NOTEBOOKS, "--out", str(out)], out, "render")
        once_per_run.run(
            [*command, "06_strategy_report", "--out", str(out / "deck"), "--format", "pdf,pptx"],
            out,
            "deck",
        )

    out = once_per_run.folder("reports_nl", make)
    deck = once_per_run.ran(out, "deck")
    assert deck.returncode == 0, deck.stderr
    return out, once_per_run.ran(out, "render")


def _html(dutch, stem: str) -> str:
    out, done = dutch
    path = out / f"{file_name('nl', stem)}.html"
    assert path.exists(), f"{stem} did not render in Dutch: {done.stderr.strip()[-2000:]}"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_notebook_renders_in_dutch_with_no_english_left(dutch, stem):
    html = _html(dutch, stem)
    assert '<html lang="nl">' in html
    left = english_left(html, "nl")
    assert not left, f"{stem}: {len(left)} English sentence(s) left, e.g. {left[:5]}"


@pytest.mark.parametrize("stem", ["00_start_here", "01_idic", "06_strategy_report"])
def test_amounts_and_shares_follow_the_belgian_locale(dutch, stem):
    html = _html(dutch, stem)
    assert re.search(r"€ \d{1,3}(\.\d{3})+\b", html), f"{stem}: no amount written as € 12.615"
    assert not re.search(r"\bEUR \d", html), f"{stem}: an amount still written as EUR 12,615"
    assert re.search(r"\d %", html), f"{stem}: no share written as 17 %"


def test_report_names_are_dutch_where_they_are_words(dutch):
    out, _ = dutch
    assert (out / "06_strategierapport.html").exists()
    assert (out / "deck" / "06_strategierapport.pptx").exists()
    assert (out / "deck" / "06_strategierapport.pdf").exists()


def test_the_dutch_figures_are_the_english_numbers(dutch, rendered_sets):
    """figures.json holds raw values: the language changes the words, not the numbers."""
    out, _ = dutch
    english = rendered_sets("sample")
    for stem in ("00_start_here", "01_idic"):
        ours = json.loads((out / f"{file_name('nl', stem)}.figures.json").read_text())["figures"]
        theirs = english.figures(stem)
        assert {f["id"]: f["value"] for f in ours} == {f["id"]: f["value"] for f in theirs}


def test_a_deck_in_dutch_has_dutch_slides(dutch):
    from pptx import Presentation

    out, _ = dutch
    deck = Presentation(str(out / "deck" / "06_strategierapport.pptx"))
    text = " ".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "Strategierapport" in text or "strategierapport" in text
    assert not [s for s in re.split(r"(?<=[.!?])\s+", text) if english_left(f"<p>{s}</p>")]


def test_a_batch_writes_each_client_in_its_language(tmp_path, sample_dir):
    clients = tmp_path / "clients.yml"
    clients.write_text(
        "notebooks: [00_start_here]\n"
        "clients:\n"
        f"  - {{name: Groenhuis NL, data: {sample_dir}, language: nl, slug: nl-client}}\n"
        f"  - {{name: Groenhuis EN, data: {sample_dir}, slug: en-client}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "crmlib", "batch", str(clients), "--out", str(out), "--jobs", "1"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    dutch_page = (out / "nl-client" / f"{file_name('nl', '00_start_here')}.html").read_text()
    english_page = (out / "en-client" / "00_start_here.html").read_text()
    assert '<html lang="nl">' in dutch_page and not english_left(dutch_page)
    assert '<html lang="en">' in english_page and english_left(english_page)

"""The notebooks' narrative in other languages: one YAML file per notebook and language.

The English notebook is the one source of the code. Its translation lives beside it, in
``notebooks/translations/<language>/<stem>.yml``, keyed by cell id::

    notebook: 01_idic
    file_name: 01_idic          # the report's file name in that language
    model: IDIC                 # the model's name in the report's title band
    cells:
      90fb74b4:
        en: 3f2a9c1b0d4e        # fingerprint of the English text translated
        nl: |-
          # IDIC: identificatie, differentiatie, interactie, personalisatie

Every markdown cell has an entry; a code cell has one only where a reader sees words in
it (the parameters' help, an exercise's comment). The fingerprint ties a translation to
the English it translates: when the English cell changes, :func:`problems` reports it
(and a test fails) until the translation is brought up to date. Nothing is copied, so
the two languages cannot drift apart unnoticed.

:func:`translated_notebook` builds the notebook in a language (render, batch and
``make lab`` call it); ``python -m crmlib.i18n.narrative check nl`` lists what is
missing or out of date, ``... update nl`` adds an empty entry for every new cell.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from crmlib.atomic import atomic_write_text
from crmlib.errors import ParameterError
from crmlib.i18n import LANGUAGES, SOURCE_LANGUAGE
from crmlib.paths import NOTEBOOKS_DIR

#: Where the translations of the notebooks are kept: ``<language>/<stem>.yml``.
TRANSLATIONS_DIR = NOTEBOOKS_DIR / "translations"

# The default data folder of a notebook, relative to notebooks/; a translated notebook
# one folder deeper (notebooks/nl/) reaches it one level further up.
_DATA_DEFAULT = '"../data/'


def fingerprint(source: str) -> str:
    """The short fingerprint of a cell's English text (its stripped source)."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:12]


def translation_path(language: str, stem: str, folder: Path = TRANSLATIONS_DIR) -> Path:
    return folder / language / f"{stem}.yml"


def load_translation(language: str, stem: str, folder: Path = TRANSLATIONS_DIR) -> dict:
    """The translation file of notebook ``stem`` (empty when there is none)."""
    path = translation_path(language, stem, folder)
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict) or not isinstance(data.get("cells", {}), dict):
        raise ParameterError(
            f"{path.name} in {path.parent} is not a translation file. Fix: write it as "
            "'notebook:', 'file_name:' and 'cells:' with one entry per cell id"
        )
    return data


@dataclass(frozen=True)
class Problem:
    """A cell whose translation is missing or translates an older English text."""

    stem: str
    cell_id: str
    kind: str  # "missing" or "out of date"

    def __str__(self) -> str:
        return f"{self.stem}: cell {self.cell_id} is {self.kind}"


def problems(language: str, notebook: Path, folder: Path = TRANSLATIONS_DIR) -> list[Problem]:
    """What keeps ``notebook`` from reading wholly in ``language``."""
    nb = nbformat.read(notebook, as_version=4)
    return _problems(nb, load_translation(language, notebook.stem, folder), language, notebook.stem)


def _problems(nb, translation: dict, language: str, stem: str) -> list[Problem]:
    cells = translation.get("cells", {})
    found = []
    if nb.metadata.get("crm_workbook", {}).get("model") and not translation.get("model"):
        found.append(Problem(stem, "model (the title band's name)", "missing"))
    for cell in nb.cells:
        entry = cells.get(cell.id)
        if entry is None or not str(entry.get(language) or "").strip():
            if cell.cell_type == "markdown" and cell.source.strip():
                found.append(Problem(stem, cell.id, "missing"))
            continue
        if entry.get(SOURCE_LANGUAGE) != fingerprint(cell.source):
            found.append(Problem(stem, cell.id, "out of date"))
    return found


def file_name(language: str, stem: str, folder: Path = TRANSLATIONS_DIR) -> str:
    """The report's file name (without suffix) of notebook ``stem`` in ``language``."""
    if language == SOURCE_LANGUAGE:
        return stem
    return str(load_translation(language, stem, folder).get("file_name") or stem)


def translated_notebook(
    notebook: Path, language: str, folder: Path = TRANSLATIONS_DIR, *, depth: int = 0
) -> nbformat.NotebookNode:
    """``notebook`` with its words in ``language`` and its ``language`` default set.

    ``depth`` is how many folders below notebooks/ the result will be saved (the default
    data folder is rewritten to still reach data/). A cell that is missing or out of date
    is an error naming the cells and the fix: a report is never half translated.
    """
    nb = nbformat.read(notebook, as_version=4)
    if language == SOURCE_LANGUAGE:
        return nb
    if language not in LANGUAGES:
        raise ParameterError(
            f"language {language!r} is not one the workbook speaks. Fix: use one of "
            f"{', '.join(LANGUAGES)}"
        )
    translation = load_translation(language, notebook.stem, folder)
    wrong = _problems(nb, translation, language, notebook.stem)
    if wrong:
        listed = "; ".join(f"{p.cell_id} ({p.kind})" for p in wrong[:5])
        more = f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""
        raise ParameterError(
            f"notebook {notebook.stem} has no up-to-date {language} text for cell(s) "
            f"{listed}{more}. Fix: translate them in "
            f"{translation_path(language, notebook.stem, folder)} "
            f"(python -m crmlib.i18n.narrative check {language} lists them)"
        )
    cells = translation["cells"]
    for cell in nb.cells:
        entry = cells.get(cell.id)
        if entry is not None and str(entry.get(language) or "").strip():
            cell.source = str(entry[language]).rstrip("\n")
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = _with_language_default(cell.source, language)
        if depth and cell.cell_type == "code":
            cell.source = cell.source.replace(_DATA_DEFAULT, '"' + "../" * (depth + 1) + "data/")
    nb.metadata["language"] = language
    if translation.get("model"):
        nb.metadata.setdefault("crm_workbook", {})["model"] = str(translation["model"])
    return nb


def _with_language_default(source: str, language: str) -> str:
    """The parameters cell with ``language``'s default set to the notebook's language."""
    lines = source.splitlines()
    for index, line in enumerate(lines):
        name, _, rest = line.partition(":")
        if name.strip() == "language" and "=" in rest:
            declared, _, after = rest.partition("=")
            _default, hash_, comment = after.partition("#")
            lines[index] = f'{name}:{declared}= "{language}"  {hash_}{comment}'.rstrip()
    return "\n".join(lines)


def write_notebooks(
    language: str, out_dir: Path, notebooks: list[Path] | None = None
) -> list[Path]:
    """Write every notebook in ``language`` into ``out_dir`` (a folder below notebooks/)."""
    out_dir = Path(out_dir)
    try:
        depth = len(out_dir.resolve().relative_to(NOTEBOOKS_DIR.resolve()).parts)
    except ValueError:
        depth = 0
    written = []
    for notebook in notebooks or sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb")):
        nb = translated_notebook(notebook, language, depth=depth)
        target = out_dir / f"{file_name(language, notebook.stem)}.ipynb"
        atomic_write_text(target, nbformat.writes(nb) + "\n")
        written.append(target)
    return written


def update(language: str, notebook: Path, folder: Path = TRANSLATIONS_DIR) -> int:
    """Add an empty entry for every markdown cell ``notebook``'s translation lacks."""
    path = translation_path(language, notebook.stem, folder)
    data = load_translation(language, notebook.stem, folder) or {
        "notebook": notebook.stem,
        "file_name": notebook.stem,
        "cells": {},
    }
    nb = nbformat.read(notebook, as_version=4)
    added = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.id not in data["cells"]:
            data["cells"][cell.id] = {SOURCE_LANGUAGE: fingerprint(cell.source), language: ""}
            added += 1
    if added:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        atomic_write_text(path, text)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crmlib.i18n.narrative",
        description="Check or extend the translations of the notebooks' narrative.",
    )
    parser.add_argument("action", choices=("check", "update"))
    parser.add_argument("language", choices=[lang for lang in LANGUAGES if lang != "en"])
    args = parser.parse_args(argv)
    notebooks = sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
    if args.action == "update":
        for notebook in notebooks:
            added = update(args.language, notebook)
            if added:
                print(f"{notebook.stem}: {added} new cell(s) to translate")
    found = [p for notebook in notebooks for p in problems(args.language, notebook)]
    for problem in found:
        print(problem)
    print(f"{len(found)} cell(s) to translate" if found else "every cell is translated")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

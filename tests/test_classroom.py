"""Teacher mode: no student copy holds a solution, and the answer key holds them all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from crmlib import classroom

ROOT = Path(__file__).resolve().parents[1]


def solutions(nb) -> list[str]:
    return [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])]


def test_every_model_notebook_has_each_kind_of_exercise_and_solutions():
    for stem in ("01_idic", "02_qci", "03_payne_frow", "04_value_chain", "05_idol"):
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
        for kind in classroom.EXERCISE_KINDS:
            assert kind in tags, f"{stem} has no {kind}"
            assert all("exercise" in c.metadata["tags"] for c in nb.cells
                       if kind in c.metadata.get("tags", []))  # fmt: skip
        assert solutions(nb), f"{stem} has no solution"


def test_classroom_writes_student_copies_without_solutions(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "crmlib", "classroom", "--out", str(tmp_path), "--no-key"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    copies = sorted((tmp_path / "students").glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in classroom.teaching_notebooks()]
    for path in copies:
        student = nbformat.read(path, as_version=4)
        assert not classroom.contains_solution(student), path.name
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        # no solution's code survives anywhere in the copy, under any tag
        text = path.read_text(encoding="utf-8")
        for source in solutions(original):
            assert source not in text, f"{path.name} gives a solution away"
        # everything else is kept: the exercises the student works on are there
        kept = [c for c in original.cells if not classroom.contains_solution_cell(c)]
        assert [c.source for c in student.cells] == [c.source for c in kept]
        assert f"wrote {path}" in done.stdout


def test_answer_key_holds_every_solution():
    executed = {p.stem: nbformat.read(p, as_version=4) for p in classroom.teaching_notebooks()}
    key = classroom.answer_key(executed)
    text = "\n".join(c.source for c in key.cells)
    for nb in executed.values():
        for source in solutions(nb):
            assert source in text
    # the key is for the teacher's report: no cell is tagged to be left out of it
    assert not any("exercise" in c.metadata.get("tags", []) for c in key.cells)
    nbformat.validate(key)


def test_every_exercise_of_the_model_notebooks_has_a_solution():
    """Each exercise code cell is followed by its solution (text, then code)."""
    for stem in ("01_idic", "02_qci", "03_payne_frow", "04_value_chain", "05_idol"):
        cells = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells
        for index, cell in enumerate(cells):
            tags = cell.metadata.get("tags", [])
            if cell.cell_type == "code" and "exercise" in tags and "solution" not in tags:
                after = [c.metadata.get("tags", []) for c in cells[index + 1 : index + 3]]
                assert all("solution" in t for t in after), f"{stem} cell {index} has no solution"

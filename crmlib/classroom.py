"""Teacher mode: student copies of the notebooks and an answer key, from one source.

Solutions live in cells tagged ``solution`` (and ``exercise``, so client reports leave
them out). A student copy is the notebook without them and without any cell tagged
``answer-key`` (a check that would give the answer away); the answer key is every
exercise with its solution, run on a company so it shows the feedback a right answer gets.
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

import nbformat

from crmlib.atomic import atomic_path
from crmlib.paths import NOTEBOOKS_DIR

#: Cells with any of these tags are not in a student copy.
HIDDEN_FROM_STUDENTS = frozenset({"solution", "answer-key"})
EXERCISE_KINDS = ("exercise-compute", "exercise-predict", "exercise-judge")


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without solutions and answer-revealing cells, and without outputs."""
    copied = copy.deepcopy(nb)
    copied.cells = [c for c in copied.cells if not _tags(c) & HIDDEN_FROM_STUDENTS]
    for cell in copied.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return copied


def contains_solution_cell(cell) -> bool:
    """Whether ``cell`` is a solution or reveals an answer."""
    return bool(_tags(cell) & HIDDEN_FROM_STUDENTS)


def contains_solution(nb: nbformat.NotebookNode) -> bool:
    """Whether any cell of ``nb`` is a solution or reveals an answer."""
    return any(contains_solution_cell(c) for c in nb.cells)


def teaching_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks of the workbook."""
    return sorted(folder.glob("[0-9]*.ipynb"))


def write_student_copies(out_dir: Path, notebooks: list[Path] | None = None) -> list[Path]:
    """Write a student copy of every notebook into ``out_dir/students``."""
    target = Path(out_dir) / "students"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks or teaching_notebooks():
        nb = student_copy(nbformat.read(path, as_version=4))
        with atomic_path(target / path.name) as tmp:
            nbformat.write(nb, tmp)
        written.append(target / path.name)
    return written


def _is_exercise(cell) -> bool:
    return "exercise" in _tags(cell) or bool(_tags(cell) & HIDDEN_FROM_STUDENTS)


def answer_key(executed: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """One notebook with every exercise, its solution and the feedback the solution gets.

    Parameters
    ----------
    executed : dict
        Notebook name -> the notebook executed on a company (solutions included).

    The key's cells carry no ``exercise`` tag, so a report of it shows them; solution code
    is also written out as text, since reports leave code out.
    """
    cells = [
        nbformat.v4.new_markdown_cell(
            "# Answer key\n\nEvery exercise of the workbook, with its solution and the "
            "feedback the check gives it on this company. The expected answers are computed "
            "from the company's data, so they hold for this company only."
        )
    ]
    for name, nb in executed.items():
        exercises = [c for c in nb.cells if _is_exercise(c)]
        if not exercises:
            continue
        cells.append(nbformat.v4.new_markdown_cell(f"## {name}"))
        for cell in exercises:
            tags = _tags(cell)
            kept = copy.deepcopy(cell)
            kept.metadata["tags"] = sorted(tags - {"exercise"})
            if cell.cell_type == "code" and "solution" in tags:
                cells.append(nbformat.v4.new_markdown_cell(f"```python\n{cell.source}\n```"))
            if cell.cell_type == "markdown" or "solution" in tags:
                cells.append(kept)
    key = nbformat.v4.new_notebook(cells=cells)
    key.metadata["crm_workbook"] = {"model": "Answer key"}
    for cell in key.cells:  # the notebooks' own ids may repeat across notebooks
        cell["id"] = uuid.uuid4().hex[:8]
    return key


def write_answer_key(
    out_dir: Path, data_dir: Path, notebooks: list[Path] | None = None, *, pdf: bool = True
) -> list[Path]:
    """Run every notebook with its solutions on ``data_dir`` and write the answer key.

    Writes ``answer_key.ipynb``, ``answer_key.html`` and (with ``pdf``) ``answer_key.pdf``
    into ``out_dir``.
    """
    from crmlib.render.execute import execute_notebook
    from crmlib.render.export import TitleBlock, format_report_date, notebook_to_html, write_pdf

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = {}
    for path in notebooks or teaching_notebooks():
        nb = nbformat.read(path, as_version=4)
        if not any(_is_exercise(c) for c in nb.cells):
            continue
        executed[path.stem] = execute_notebook(
            path,
            out_dir=out_dir,
            parameters={"data_dir": str(Path(data_dir).resolve()), "interactive": False},
            cwd=path.parent,
        )
    key = answer_key(executed)
    written = [out_dir / "answer_key.ipynb"]
    with atomic_path(written[0]) as tmp:
        nbformat.write(key, tmp)
    title = TitleBlock(model="Answer key", date=format_report_date())
    html = notebook_to_html(key, title, name="answer_key")
    with atomic_path(out_dir / "answer_key.html") as tmp:
        tmp.write_text(html, encoding="utf-8")
    written.append(out_dir / "answer_key.html")
    if pdf:
        with atomic_path(out_dir / "answer_key.pdf") as tmp:
            write_pdf(html, tmp)
        written.append(out_dir / "answer_key.pdf")
    return written

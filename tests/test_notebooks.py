"""Every notebook in notebooks/ runs under papermill, and is committed clean.

Notebooks are the product's front door: a notebook that does not run is a failing test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
BASE_PARAMETERS = (
    "data_dir",
    "company",
    "currency",
    "observation_end",
    "language",
    "interactive",
)
PARAMETER_LINE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*): (?P<type>[A-Za-z_][\w\[\], |]*) = (?P<default>.+?)  # (?P<help>\S.*)$"
)


def ids(paths):
    return [p.stem for p in paths]


def parameters_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell is tagged 'parameters'"
    return tagged[0]


def test_there_are_notebooks():
    assert any(p.stem == "00_start_here" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_committed_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {index} has outputs"
            assert cell.execution_count is None, f"cell {index} has an execution count"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_parameters_cell_grammar(path: Path):
    """Every parameter reads ``name: type = default  # help`` and the base ones are there."""
    cell = parameters_cell(nbformat.read(path, as_version=4))
    names = []
    for line in cell.source.splitlines():
        match = PARAMETER_LINE.match(line)
        assert match, f"not 'name: type = default  # help': {line!r}"
        ast.literal_eval(match["default"])
        # papermill reads "name: type = default" up to the first " = "; help text with
        # another one would be misread.
        assert " = " not in match["help"], f"help text must not contain ' = ': {line!r}"
        names.append(match["name"])
    assert set(BASE_PARAMETERS) <= set(names)
    assert names[0] == "data_dir"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_narrative_comes_first(path: Path):
    """A title cell, then a cell that says why this matters, before any code."""
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert cells[1].cell_type == "markdown"
    markdown = sum(c.cell_type == "markdown" for c in cells)
    code = sum(c.cell_type == "code" for c in cells)
    assert markdown >= code


def executed(path: Path, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    output = out_dir / path.name
    pm.execute_notebook(
        str(path),
        str(output),
        parameters={"interactive": False, **parameters},
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


def outputs_of(notebook: nbformat.NotebookNode, kind: str) -> list:
    return [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if kind in o.get("data", {})
    ]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_runs_on_a_small_generated_company(path: Path, small_company_dir: Path, tmp_path: Path):
    notebook = executed(path, tmp_path, data_dir=str(small_company_dir))
    assert outputs_of(notebook, "image/png"), "the notebook draws figures"
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors


@pytest.mark.slow
def test_start_here_findings_follow_the_data(small_company_dir: Path, tmp_path: Path):
    """The computed sentences carry the company's own numbers, not text written in advance."""
    from crmlib.data.company import load_company
    from crmlib.models.audit import value_concentration

    notebook = executed(NOTEBOOKS[0], tmp_path, data_dir=str(small_company_dir), value_share=0.5)
    text = "\n".join(o["data"]["text/markdown"] for o in outputs_of(notebook, "text/markdown"))
    text = re.sub(r"<[^>]+>", "", text)  # figures are cited as spans
    company = load_company(small_company_dir)
    share = value_concentration(company, 0.5).customer_share
    assert f"{share * 100:.0f}% of the customers bring 50% of the revenue" in text
    assert f"{len(company.customers):,} customers" in text


@pytest.fixture(scope="session")
def minimal_company_dir(small_company_dir: Path, tmp_path_factory) -> Path:
    """Only the two required tables: every step that needs more must say so and go on."""
    import shutil

    folder = tmp_path_factory.mktemp("minimal_company")
    for name in ("customers.csv", "transactions.csv", "company.yml"):
        shutil.copy(small_company_dir / name, folder / name)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_runs_with_only_the_required_tables(path: Path, minimal_company_dir: Path, tmp_path: Path):
    notebook = executed(path, tmp_path, data_dir=str(minimal_company_dir))
    assert outputs_of(notebook, "image/png")


@pytest.mark.slow
def test_comparing_models_runs_on_a_planted_case(tmp_path: Path):
    from crmlib.sample.cases import create_case

    company = create_case(tmp_path / "case", "churn-tier", n_customers=600, seed=3)
    notebook = executed(
        Path(__file__).resolve().parents[1] / "notebooks" / "07_comparing_models.ipynb",
        tmp_path,
        data_dir=str(company),
    )
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    # the crosswalk and the models' advice are shown, with their charts
    assert outputs_of(notebook, "image/png")

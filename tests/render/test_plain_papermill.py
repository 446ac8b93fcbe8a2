"""Every notebook runs under the plain papermill CLI, as a user would run it, and ends.

No ``interactive`` parameter is given: the notebooks' default, ``auto``, must give static
output under papermill. Widgets there once left papermill waiting forever on an idle
kernel (jupyter/nbclient#312), now and then, on a loaded machine; so each notebook runs
more than once, each run under a time limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
PAPERMILL = str(Path(sys.executable).with_name("papermill"))
ROUNDS = 2
# A small company's notebook takes 5-10 s here; a hang never ends.
TIME_LIMIT_SECONDS = 240
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def declares_live_controls(path: Path) -> bool:
    """Whether the notebook builds live controls (live() or an assessment form)."""
    notebook = nbformat.read(path, as_version=4)
    return any(
        "interactive=interactive" in cell.source
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(1, ROUNDS + 1), ids=lambda r: f"round{r}")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_plain_papermill_runs_every_notebook_to_the_end(
    path: Path, round_: int, small_company_dir: Path, tmp_path: Path
):
    out = tmp_path / f"{path.stem}.out.ipynb"
    command = [
        PAPERMILL,
        "--no-progress-bar",
        str(path),
        str(out),
        "-p",
        "data_dir",
        str(small_company_dir),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "JPY_SESSION_NAME")}
    # A session of its own, so that papermill and its kernel can be stopped together.
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIME_LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(
            f"papermill {path.name} (round {round_}) did not finish in {TIME_LIMIT_SECONDS} s: "
            f"a hang. Its output:\n{output[-3000:]}"
        )
    assert process.returncode == 0, output[-3000:]

    executed = nbformat.read(out, as_version=4)
    assert executed.metadata["papermill"]["parameters"] == {"data_dir": str(small_company_dir)}
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # auto chose the static fallback: no widget at all, the figures drawn once
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    if declares_live_controls(path):
        assert any("image/png" in o.get("data", {}) for o in outputs)


@pytest.mark.slow
def test_plain_nbconvert_execute_gives_static_output(tmp_path: Path):
    """``jupyter nbconvert --execute`` with the notebook's own defaults (the sample company)."""
    path = ROOT / "notebooks" / "05_idol.ipynb"
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    command = [
        jupyter, "nbconvert", "--to", "notebook", "--execute", str(path),
        "--output-dir", str(tmp_path), "--output", "executed",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "JPY_SESSION_NAME")}
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIME_LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"nbconvert {path.name} did not finish in {TIME_LIMIT_SECONDS} s:\n{output}")
    assert process.returncode == 0, output[-3000:]
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert any("image/png" in o.get("data", {}) for o in outputs)

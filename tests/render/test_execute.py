"""Starting the kernel: one that exits before it answers is started again, a few times.

The kernels here are real: a kernel spec whose command exits at once for its first
starts (as a kernel does when another took its ports), then runs ipykernel.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from crmlib.render import ReportError
from crmlib.render import execute as execute_module
from crmlib.render.execute import execute_notebook

LAUNCHER = """\
import sys
from pathlib import Path

starts = Path(sys.argv[1])
failures = int(sys.argv[2])
count = int(starts.read_text()) if starts.exists() else 0
starts.write_text(str(count + 1))
if count < failures:
    sys.exit(1)  # gone before it answers kernel_info
sys.argv = [sys.argv[0], *sys.argv[3:]]
from ipykernel import kernelapp

kernelapp.launch_new_instance()
"""


def _kernel(tmp_path: Path, monkeypatch, failures: int) -> Path:
    """Install a kernel named ``flaky`` that exits on its first ``failures`` starts."""
    starts = tmp_path / "starts"
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    argv = [sys.executable, str(launcher), str(starts), str(failures), "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Flaky", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setattr(execute_module, "_KERNEL_RESTART_PAUSE", 0.0)
    return starts


def _notebook(tmp_path: Path) -> Path:
    nb = v4.new_notebook()
    parameters = v4.new_code_cell("x: int = 1  # a number")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, v4.new_code_cell("print(x * 2)")]
    path = tmp_path / "double.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_kernel_that_exits_before_it_answers_is_started_again(tmp_path, monkeypatch):
    starts = _kernel(tmp_path, monkeypatch, failures=1)
    out = tmp_path / "out"

    executed = execute_notebook(
        _notebook(tmp_path), out_dir=out, parameters={"x": 21}, kernel_name="flaky"
    )

    assert starts.read_text() == "2"
    assert executed.cells[-1].outputs[0]["text"] == "42\n"
    assert not out.exists() or not list(out.iterdir())  # nothing kept: no cell failed


def test_a_kernel_that_never_starts_is_one_clear_error(tmp_path, monkeypatch):
    starts = _kernel(tmp_path, monkeypatch, failures=99)

    with pytest.raises(ReportError) as caught:
        execute_notebook(_notebook(tmp_path), out_dir=tmp_path / "out", kernel_name="flaky")

    assert starts.read_text() == "3"
    message = str(caught.value)
    assert message.startswith(
        "double.ipynb: the Jupyter kernel 'flaky' did not start (3 tries; the last said: "
        "Kernel died before replying to kernel_info). Fix: check that the kernel runs"
    )
    assert "\n" not in message
    assert not caught.value.user_error

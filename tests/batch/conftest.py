"""Fixtures for the batch tests: tiny companies, a tiny notebook, the command as a process.

The notebook is built here with nbformat. Its parameters switch on one way of failing
each: a cell that raises, a kernel that dies, a kernel that kills its worker process,
and a cell that waits for a file to appear (to interrupt a batch mid-way).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml
from nbformat import v4

# The command runs as users run it: a new process, through crmlib.cli's entry point.
# ``python -m crmlib`` once ``batch`` is registered there; until then the same
# entry point with the command added to it.
_REGISTER_AND_RUN = (
    "import sys; from crmlib.cli import cli, main; from crmlib.batch.command import batch; "
    "cli.add_command(batch); main(sys.argv[1:])"
)

PARAMETERS = """\
data_dir = ""
interactive = True
company = ""
fail = False
die = False
kill_worker = False
spare_pid = 0
gate = \"\""""

COUNT_CELL = """\
from pathlib import Path
rows = Path(data_dir, "customers.csv").read_text().splitlines()
print(f"{company}: {len(rows) - 1} customers")"""

FAIL_CELL = """\
if fail:
    raise ValueError("the cell failed on purpose")"""

DIE_CELL = """\
import os
if die:
    os._exit(1)  # the kernel process ends at once"""

KILL_WORKER_CELL = """\
import signal
# the kernel's parent is the batch's worker process; never the test run itself
if kill_worker and os.getppid() != spare_pid:
    os.kill(os.getppid(), signal.SIGKILL)
    os._exit(1)"""

GATE_CELL = """\
import time
if gate:
    Path(gate + ".pid").write_text(str(os.getpid()))
    while not Path(gate).exists():
        time.sleep(0.05)"""


def batch_command() -> list[str]:
    """The ``crm-workbook batch`` command line."""
    from crmlib.cli import cli

    if "batch" in cli.commands:
        return [sys.executable, "-m", "crmlib", "batch"]
    return [sys.executable, "-c", _REGISTER_AND_RUN, "batch"]


def run_batch_cli(*args: str, cwd: Path | None = None, timeout: float = 300):
    """Run ``crm-workbook batch ARGS`` and return the completed process."""
    return subprocess.run(
        [*batch_command(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def write_notebook(path: Path, title: str = "Customer count") -> Path:
    """A tiny workbook notebook; see the module docstring for its switches."""
    parameters = v4.new_code_cell(PARAMETERS)
    parameters.metadata["tags"] = ["parameters"]
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        v4.new_markdown_cell(f"# {title}\n\nHow many customers the client has."),
        parameters,
        v4.new_code_cell(COUNT_CELL),
        v4.new_code_cell(FAIL_CELL),
        v4.new_code_cell(DIE_CELL),
        v4.new_code_cell(KILL_WORKER_CELL),
        v4.new_code_cell(GATE_CELL),
        v4.new_code_cell("print('all cells ran')"),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write_company(folder: Path, *, broken: bool = False, customers: int = 3) -> Path:
    """A small valid company (customers, transactions, an assessment); or a broken one."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"C{number}" for number in range(1, customers + 1)]
    (folder / "customers.csv").write_text(
        "customer_id,name\n" + "".join(f"{cid},Customer {cid}\n" for cid in ids),
        encoding="utf-8",
    )
    amounts = ["twelve" if broken and n == 0 else f"{10 + n}.50" for n in range(len(ids))]
    (folder / "transactions.csv").write_text(
        "transaction_id,customer_id,date,amount\n"
        + "".join(
            f"T{n},{cid},2025-0{1 + n % 9}-15,{amount}\n"
            for n, (cid, amount) in enumerate(zip(ids, amounts, strict=True))
        ),
        encoding="utf-8",
    )
    (folder / "assessments").mkdir(exist_ok=True)
    (folder / "assessments" / "qci.yaml").write_text("answers: {}\n", encoding="utf-8")
    return folder


def write_clients(path: Path, clients: list[dict], **settings) -> Path:
    """A clients file with ``clients`` and top-level ``settings`` (notebooks, formats...)."""
    path.write_text(
        yaml.safe_dump({**settings, "clients": clients}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def read_summary(out_dir: Path) -> list[dict[str, str]]:
    """The rows of ``batch-summary.csv``."""
    with open(out_dir / "batch-summary.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def statuses(out_dir: Path) -> dict[tuple[str, str], str]:
    """(client, notebook) -> status, from the summary."""
    return {(row["client"], row["notebook"]): row["status"] for row in read_summary(out_dir)}


def read_manifest(out_dir: Path) -> dict:
    """The manifest's report entries."""
    return json.loads((out_dir / ".batch-manifest.json").read_text(encoding="utf-8"))["reports"]


def pid_alive(pid: int) -> bool:
    """Whether a process with this id still runs (a zombie counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        return "\nState:\tZ" not in status.read_text()
    return True


@pytest.fixture(scope="session")
def tools() -> SimpleNamespace:
    """The helpers above, for test modules (which cannot import a conftest)."""
    return SimpleNamespace(
        command=batch_command,
        run=run_batch_cli,
        notebook=write_notebook,
        company=write_company,
        clients=write_clients,
        summary=read_summary,
        statuses=statuses,
        manifest=read_manifest,
        pid_alive=pid_alive,
    )


@pytest.fixture
def tiny_notebook(tmp_path: Path) -> Path:
    """The tiny notebook, next to where the clients file will be."""
    return write_notebook(tmp_path / "notebooks" / "count.ipynb")

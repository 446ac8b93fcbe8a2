"""The report set of a large company from a DuckDB file against the same company as a folder.

The sample company of ``--customers`` customers is generated once into
``benchmarks/.data/`` twice over: into a DuckDB file and as a Parquet folder (today's
path), with the same seed, so both hold the same tables. Then each is rendered with
``crm-workbook render`` in a subprocess, with a fresh customer-base cache, and the
script prints the wall time and the peak resident memory of the render's whole process
tree (the CLI and its notebook kernels, summed, polled with psutil), and the ratios
DuckDB / folder. A run that fails or times out is reported as such, without a ratio.

Run::

    .venv/bin/python benchmarks/scale.py --customers 200000               # the report set
    .venv/bin/python benchmarks/scale.py --customers 1000000 --notebooks 01_idic --timeout 0
    .venv/bin/python benchmarks/scale.py --customers 5000000 --notebooks 01_idic --timeout 0 \\
        --only duckdb

Generating the company is measured the same way (``crm-workbook sample``) the first time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from crmlib.paths import report_set

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".data"
CLI = Path(sys.executable).with_name("crm-workbook")
REPORT_SET = report_set()
POLL_SECONDS = 0.25


@dataclass
class Run:
    """One measured subprocess: wall seconds, peak MiB of its process tree, exit code."""

    seconds: float
    peak_mib: float
    returncode: int
    tail: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants right now."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command``; poll the summed RSS of its process tree until it ends."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        watched = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        output.seek(0)
        tail = output.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    return Run(seconds, peak / 2**20, child.returncode, "\n".join(tail))


def company(customers: int, seed: int, kind: str) -> tuple[str, Run | None]:
    """The cached company's location (a duckdb:/// URL or a folder), generated if missing."""
    folder = CACHE / f"scale_{customers}_{seed}_{kind}"
    target = f"duckdb:///{folder / 'company.duckdb'}" if kind == "duckdb" else str(folder)
    if (folder / "company.yml").exists():
        return target, None
    command = [str(CLI), "sample", "--out", target, "--customers", str(customers)]
    command += ["--seed", str(seed)]
    if kind == "folder":
        command += ["--format", "parquet"]
    run = measure(command)
    if not run.ok:
        raise SystemExit(f"generating the {kind} company failed:\n{run.tail}")
    return target, run


def render(data: str, notebooks: list[str], timeout: int, formats: str) -> Run:
    """Render ``notebooks`` for ``data`` in a subprocess, with an empty base cache."""
    with tempfile.TemporaryDirectory(prefix="crm-scale-") as scratch:
        env = dict(os.environ, CRM_WORKBOOK_CACHE=str(Path(scratch) / "cache"))
        command = [str(CLI), "render", *notebooks, "--data", data]
        command += ["--out", str(Path(scratch) / "reports"), "--format", formats]
        command += ["--timeout", str(timeout)]
        return measure(command, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--notebooks",
        default=",".join(REPORT_SET),
        help="comma-separated notebook names (default: the report set 00 to 06)",
    )
    parser.add_argument("--format", default="html")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell, 0 for no limit")
    parser.add_argument(
        "--only",
        choices=("duckdb", "folder"),
        default=None,
        help="measure one source only (the folder path may not fit in memory)",
    )
    args = parser.parse_args(argv)
    notebooks = [name.strip() for name in args.notebooks.split(",") if name.strip()]
    kinds = [args.only] if args.only else ["duckdb", "folder"]

    print(f"{args.customers:,} customers (seed {args.seed}); notebooks: {', '.join(notebooks)}")
    sources = {}
    for kind in kinds:
        sources[kind], generated = company(args.customers, args.seed, kind)
        if generated is not None:
            print(
                f"  generate {kind:<6} {generated.seconds:8.1f} s  "
                f"peak {generated.peak_mib:8,.0f} MiB"
            )
    runs = {}
    for kind in kinds:
        runs[kind] = render(sources[kind], notebooks, args.timeout, args.format)
        run = runs[kind]
        state = "ok" if run.ok else f"FAILED (exit {run.returncode}): {run.tail}"
        print(f"  render   {kind:<6} {run.seconds:8.1f} s  peak {run.peak_mib:8,.0f} MiB  {state}")
    if len(runs) == 2 and all(run.ok for run in runs.values()):
        duckdb, folder = runs["duckdb"], runs["folder"]
        print(
            f"  duckdb / folder: time {duckdb.seconds / folder.seconds:.2f}, "
            f"peak memory {duckdb.peak_mib / folder.peak_mib:.2f}"
        )
    elif len(runs) == 2:
        print("  no ratio: not both renders finished")
    return 0 if all(run.ok for run in runs.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())

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
class Kernel:
    """One notebook kernel seen in the process tree: how long it lived, its peak MiB.

    ``private_mib`` is the peak of its resident memory that is not backed by a file: the
    kernel maps the render's checked tables, and those shared file pages (counted in the
    resident memory) the system can drop and read again when memory runs short.
    """

    seconds: float
    peak_mib: float
    private_mib: float


@dataclass
class Run:
    """One measured subprocess: wall seconds, peak MiB of its process tree, exit code.

    ``kernels`` are the notebook kernels it started, in order (a render runs the
    notebooks one after the other, so the n-th kernel is the n-th notebook).
    """

    seconds: float
    peak_mib: float
    returncode: int
    tail: str
    kernels: list[Kernel]

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _tree(process: psutil.Process) -> dict[int, tuple[int, int, bool]]:
    """Each member of a process tree now: pid -> (resident bytes, private bytes, is a kernel)."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    out = {}
    for member in members:
        try:
            kernel = "ipykernel" in " ".join(member.cmdline())
            memory = member.memory_info()
            # Linux: "shared" is the resident memory backed by files (RssFile + RssShmem)
            out[member.pid] = (memory.rss, memory.rss - memory.shared, kernel)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return out


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command``; poll its process tree's summed RSS, and each kernel's, until it ends."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        watched = psutil.Process(child.pid)
        peak = 0
        # pid -> [first seen, last seen, peak bytes, peak private bytes]
        kernels: dict[int, list[float]] = {}
        while child.poll() is None:
            now = time.perf_counter()
            members = _tree(watched)
            peak = max(peak, sum(rss for rss, _, _ in members.values()))
            for pid, (rss, private, kernel) in members.items():
                if kernel:
                    seen = kernels.setdefault(pid, [now, now, 0, 0])
                    seen[1], seen[2], seen[3] = now, max(seen[2], rss), max(seen[3], private)
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        output.seek(0)
        tail = output.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    lived = [
        Kernel(last - first, top / 2**20, private / 2**20)
        for first, last, top, private in kernels.values()
    ]
    return Run(seconds, peak / 2**20, child.returncode, "\n".join(tail), lived)


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
        for name, kernel in zip(notebooks, run.kernels, strict=False):
            print(
                f"    {name:<22} kernel {kernel.seconds:8.1f} s  peak {kernel.peak_mib:8,.0f} MiB"
                f"  (not file-backed {kernel.private_mib:8,.0f} MiB)"
            )
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

"""Benchmark: ``crm-workbook batch`` against a shell loop of the papermill and nbconvert CLIs.

Both render the same single-notebook report (``00_start_here``) for the same small
generated clients, in the same run:

- **batch**: ``crm-workbook batch clients.yml --out DIR`` (worker processes, one per
  core; each imports papermill, nbconvert and crmlib once);
- **CLI loop**: a bash ``for`` loop that runs, per client, ``papermill`` (execute) and
  then ``jupyter nbconvert --to html --no-input`` (export), each a new Python process.

Both start a kernel per report; the loop also pays two interpreter start-ups and the
imports of papermill and nbconvert per report, and runs one report at a time.

Usage::

    .venv/bin/python benchmarks/batch_vs_cli_loop.py [--clients 12] [--customers 300]
                                                     [--rounds 1] [--jobs N]

Prints both times and the ratio, and where the time goes: per-report times of the
batch, papermill and nbconvert times of the loop, and (on Linux) the CPU seconds each
side's whole process tree used (commands, workers, kernels), sampled from /proc. CPU
seconds do not depend on what else runs on the machine; wall-clock times do. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
BIN = Path(sys.executable).parent

# The batch command as a user runs it; through crmlib.cli's entry point.
REGISTER_AND_RUN = (
    "import sys; from crmlib.cli import cli, main; from crmlib.batch.command import batch; "
    "cli.add_command(batch); main(sys.argv[1:])"
)


class TreeCPU:
    """CPU seconds used by a process and all its descendants, sampled from /proc (Linux).

    Each process's own user+system time is read every ``interval`` seconds and the
    last reading counts; a process that ends between two readings loses at most one
    interval of CPU time.
    """

    def __init__(self, root_pid: int, interval: float = 0.1) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def available() -> bool:
        return Path("/proc/self/stat").exists()

    def __enter__(self) -> TreeCPU:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)
        self._sample()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        used: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                text = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            used[pid] = int(fields[11]) + int(fields[12])
        tree = {self.root_pid}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree & used.keys():
            self.ticks[pid] = max(self.ticks.get(pid, 0), used[pid])


def timed(command: list[str], **options) -> tuple[subprocess.CompletedProcess, float, float | None]:
    """Run a command; return it, its wall-clock seconds and its process tree's CPU seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
    )
    if TreeCPU.available():
        with TreeCPU(process.pid) as cpu:
            stdout, stderr = process.communicate()
        cpu_seconds: float | None = cpu.seconds
    else:
        stdout, stderr = process.communicate()
        cpu_seconds = None
    seconds = time.perf_counter() - started
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return done, seconds, cpu_seconds


def batch_command() -> list[str]:
    """``crm-workbook batch`` through ``python -m crmlib``, registering it if needed."""
    from crmlib.cli import cli

    if "batch" in cli.commands:
        return [sys.executable, "-m", "crmlib", "batch"]
    return [sys.executable, "-c", REGISTER_AND_RUN, "batch"]


def make_clients(folder: Path, n_clients: int, n_customers: int) -> tuple[Path, list[dict]]:
    """Generate the clients' data folders and the clients file."""
    from crmlib.sample import create_sample_company

    clients = []
    for number in range(1, n_clients + 1):
        data = folder / "clients" / f"client-{number:02d}"
        create_sample_company(data, n_customers=n_customers, seed=100 + number)
        clients.append({"name": f"Client {number:02d}", "data": str(data)})
    clients_file = folder / "clients.yml"
    clients_file.write_text(
        yaml.safe_dump({"notebooks": ["00_start_here"], "formats": ["html"], "clients": clients}),
        encoding="utf-8",
    )
    return clients_file, clients


def run_batch(
    clients_file: Path, out_dir: Path, jobs: int | None
) -> tuple[float, float | None, list[float]]:
    """Wall and CPU seconds of the batch command, and the per-report times of its summary."""
    command = [*batch_command(), str(clients_file), "--out", str(out_dir), "--no-progress"]
    if jobs:
        command += ["--jobs", str(jobs)]
    done, seconds, cpu_seconds = timed(command)
    if done.returncode != 0:
        raise SystemExit(f"the batch failed ({done.returncode}):\n{done.stderr}{done.stdout}")
    with open(out_dir / "batch-summary.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if any(row["status"] != "rendered" for row in rows):
        raise SystemExit(f"not every report was rendered: {rows}")
    return seconds, cpu_seconds, [float(row["seconds"]) for row in rows]


def loop_script(clients: list[dict], out_dir: Path) -> str:
    """A bash loop: papermill, then nbconvert, per client; logs each step's time."""
    lines = ["set -euo pipefail", f"mkdir -p {shlex.quote(str(out_dir))}"]
    lines.append("while IFS=$'\\t' read -r slug data company; do")
    lines.append("  start=$EPOCHREALTIME")
    lines.append(
        f"  {shlex.quote(str(BIN / 'papermill'))} {shlex.quote(str(NOTEBOOK))} "
        f'"{out_dir}/$slug.ipynb" -p data_dir "$data" -p company "$company" '
        "-p interactive False --no-progress-bar --log-level ERROR"
    )
    lines.append("  executed=$EPOCHREALTIME")
    lines.append(
        f"  {shlex.quote(str(BIN / 'jupyter'))} nbconvert --to html --no-input "
        f'--log-level ERROR "{out_dir}/$slug.ipynb" --output "$slug.html"'
    )
    lines.append('  echo "$slug $start $executed $EPOCHREALTIME"')
    lines.append("done <<'CLIENTS'")
    for number, client in enumerate(clients, start=1):
        lines.append(f"client-{number:02d}\t{client['data']}\t{client['name']}")
    lines.append("CLIENTS")
    return "\n".join(lines) + "\n"


def run_loop(
    clients: list[dict], out_dir: Path
) -> tuple[float, float | None, list[float], list[float]]:
    """Wall and CPU seconds of the shell loop, and its papermill and nbconvert times."""
    script = out_dir.parent / f"{out_dir.name}.sh"
    script.write_text(loop_script(clients, out_dir), encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done, seconds, cpu_seconds = timed(["bash", str(script)], env=env)
    if done.returncode != 0:
        raise SystemExit(f"the CLI loop failed ({done.returncode}):\n{done.stderr}")
    executes, exports = [], []
    for line in done.stdout.split("\n"):
        if line.strip():
            _, start, executed, end = line.split()
            executes.append(float(executed) - float(start))
            exports.append(float(end) - float(executed))
    if len(list(out_dir.glob("*.html"))) != len(clients):
        raise SystemExit("the CLI loop did not write every report")
    return seconds, cpu_seconds, executes, exports


def cpu_note(cpu_seconds: float | None, reports: int) -> str:
    if cpu_seconds is None:
        return ""
    return f"; CPU {cpu_seconds:.1f} s = {cpu_seconds / reports:.2f} s per report"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=12, help="number of clients (reports)")
    parser.add_argument("--customers", type=int, default=300, help="customers per client")
    parser.add_argument("--rounds", type=int, default=1, help="times to run each, alternating")
    parser.add_argument("--jobs", type=int, default=None, help="batch workers (default: cores)")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    with tempfile.TemporaryDirectory(prefix="crm-batch-bench-") as scratch:
        folder = Path(scratch)
        clients_file, clients = make_clients(folder, args.clients, args.customers)
        batch_times, loop_times, batch_cpu, loop_cpu = [], [], [], []
        for round_number in range(1, args.rounds + 1):
            # alternate the order, so neither always runs on a warmer machine
            order = ("loop", "batch") if round_number % 2 else ("batch", "loop")
            for which in order:
                out_dir = folder / f"{which}-{round_number}"
                if which == "batch":
                    seconds, cpu_seconds, per_report = run_batch(clients_file, out_dir, args.jobs)
                    batch_times.append(seconds)
                    batch_cpu.append(cpu_seconds)
                    print(
                        f"round {round_number} batch:    {seconds:6.1f} s  (per report in a "
                        f"worker: mean {statistics.mean(per_report):.1f} s, max "
                        f"{max(per_report):.1f} s{cpu_note(cpu_seconds, args.clients)})",
                        flush=True,
                    )
                else:
                    seconds, cpu_seconds, executes, exports = run_loop(clients, out_dir)
                    loop_times.append(seconds)
                    loop_cpu.append(cpu_seconds)
                    print(
                        f"round {round_number} CLI loop: {seconds:6.1f} s  (per report: "
                        f"papermill {statistics.mean(executes):.1f} s + nbconvert "
                        f"{statistics.mean(exports):.1f} s{cpu_note(cpu_seconds, args.clients)})",
                        flush=True,
                    )
        batch_seconds = statistics.median(batch_times)
        loop_seconds = statistics.median(loop_times)
        print(
            f"\n{args.clients} reports of {NOTEBOOK.stem} ({args.customers} customers each), "
            f"{cores} cores:"
        )
        print(f"  batch command:           {batch_seconds:6.1f} s")
        print(f"  papermill + nbconvert:   {loop_seconds:6.1f} s")
        print(f"  batch is {loop_seconds / batch_seconds:.2f}x faster (target: at least 3x)")
        if None not in batch_cpu and None not in loop_cpu:
            batch_work = statistics.median(batch_cpu)
            loop_work = statistics.median(loop_cpu)
            print(
                f"  CPU seconds: batch {batch_work:.1f}, loop {loop_work:.1f} "
                f"({loop_work / batch_work:.2f}x less work); the batch's floor on {cores} "
                f"otherwise idle cores is {batch_work / cores:.1f} s"
            )


if __name__ == "__main__":
    main()

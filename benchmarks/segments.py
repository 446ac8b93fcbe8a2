"""The segments export of a large company: built in the engine against the loaded path.

``crm-workbook segments`` writes one row per customer from the customer base. For a
database, or a folder of Parquet files, it now checks the company and builds the base
inside the engine (``engine_check``, then ``engine_customer_base``): the transaction and
contact lines never come into pandas. The anchor is the loaded path, what ``segments``
did before for every source and still does for CSV and Excel: ``load_company`` reads
and checks every table into pandas, then ``customer_base`` groups the lines in NumPy.

Three ways, each in a fresh process, on the generated company that ``scale.py`` makes:

- ``engine-duckdb``: ``crm-workbook segments --data duckdb:///.../company.duckdb``;
- ``engine-parquet``: the same command on the company's folder of Parquet files;
- ``loaded``: the loaded path on the same folder (the anchor).

The script first checks that the three write the same file, byte for byte, and then
prints each way's wall time and peak resident memory (VmHWM, reset at the start of the
process, imports included) and the ratios against ``loaded``.

Run::

    .venv/bin/python benchmarks/segments.py                       # 1,000,000 customers
    .venv/bin/python benchmarks/segments.py --customers 5000000 --ways engine-duckdb

The company is generated once per size (``crm-workbook sample``, seed 42) into
benchmarks/.data/, shared with ``scale.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".data"
WAYS = ("engine-duckdb", "engine-parquet", "loaded")


def company(customers: int, seed: int, kind: str) -> str:
    """The generated company as a DuckDB URL or a Parquet folder, made on first use."""
    folder = CACHE / f"scale_{customers}_{seed}_{kind}"
    target = f"duckdb://{folder / 'company.duckdb'}" if kind == "duckdb" else str(folder)
    made = (
        (folder / "company.duckdb").exists()
        if kind == "duckdb"
        else (folder / "transactions.parquet").exists()
    )
    if not made:
        command = [sys.executable, "-m", "crmlib", "sample", "--out", target]
        command += ["--customers", str(customers), "--seed", str(seed)]
        if kind == "folder":
            command += ["--format", "parquet"]
        subprocess.run(command, check=True)
    return target


def way_options(parser: argparse.ArgumentParser, ways) -> None:
    """The options of a script that measures ways against each other, each in a child."""
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ways", default=",".join(ways), help="comma-separated")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)


def in_fresh_process(script: str, *args: str, env: dict | None = None) -> dict:
    """Run ``script --child *args`` in a fresh process; the measurement it printed last."""
    done = subprocess.run(
        [sys.executable, script, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def reset_peak() -> None:
    """Start this process's peak resident memory afresh (a child inherits its parent's)."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def peak_bytes() -> int:
    """This process's peak resident memory since :func:`reset_peak` (VmHWM)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def print_ratios(results: dict[str, dict], ways: list[str], anchor: str = "loaded") -> None:
    """Each way's seconds and peak, and their ratios against ``anchor`` when it ran."""
    base = results.get(anchor)
    header = f"{'way':15} {'seconds':>8} {'peak MiB':>9}"
    print(header + (f"  time / {anchor}  memory / {anchor}" if base else ""))
    for way in ways:
        r = results[way]
        line = f"{way:15} {r['seconds']:8.1f} {r['peak_bytes'] / 2**20:9.0f}"
        if base:
            line += (
                f"  {r['seconds'] / base['seconds']:13.2f}"
                f"  {r['peak_bytes'] / base['peak_bytes']:15.2f}"
            )
        print(line)


def run(way: str, data: str, out: str) -> dict:
    """One measurement, in this (fresh) process."""
    reset_peak()
    started = time.perf_counter()
    if way == "loaded":
        from crmlib.analytics.base import customer_base
        from crmlib.data.company import load_company
        from crmlib.export import write_table

        base = customer_base(load_company(data), use_cache=False)
        write_table(base.segments_table(), Path(out))
    else:
        from crmlib.cli import cli

        cli.main(["segments", "--data", data, "--out", out], standalone_mode=False)
    seconds = time.perf_counter() - started
    return {"way": way, "seconds": seconds, "peak_bytes": peak_bytes()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    way_options(parser, WAYS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(*args.child)))
        return
    ways = [w for w in args.ways.split(",") if w]
    kinds = {"engine-duckdb": "duckdb", "engine-parquet": "folder", "loaded": "folder"}
    sources = {way: company(args.customers, args.seed, kinds[way]) for way in ways}
    results, files = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        # the loaded path's base is not read from an earlier run's cache
        env = {**os.environ, "CRM_WORKBOOK_CACHE": scratch}
        for way in ways:
            out = str(Path(scratch) / f"{way}.csv")
            results[way] = in_fresh_process(__file__, way, sources[way], out, env=env)
            files[way] = Path(out).read_bytes()
    first = files[ways[0]]
    same = all(content == first for content in files.values())
    print(f"{args.customers:,} customers; the ways write the same file: {same}")
    if not same:
        sys.exit("the ways differ: the times are not comparable")
    print_ratios(results, ways)


if __name__ == "__main__":
    main()

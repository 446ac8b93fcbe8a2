"""What a notebook's kernel holds of a large company: read from its source, or mapped.

A kernel started by ``crm-workbook render`` opens the company from the Arrow files the
render wrote after checking it (``crmlib.data.checked``): memory-mapped, so the lines
stay in the file's pages, which the system shares between kernels and can drop. A
kernel opened in JupyterLab reads and checks the company from its source instead, into
memory of its own. Two ways, each in a fresh process, on the generated company that
``scale.py`` makes:

- ``source`` (the anchor): ``load_company`` reads, parses and checks every table;
- ``checked``: ``load_company`` in a kernel's environment, after the render's check
  (``check_in_engine`` and ``keep_checked_tables``, done once beforehand, not timed).

After opening the company, each way runs one step that reduces the lines in the engine
(revenue per customer through ``crmlib.data.frames_engine``), as the models' steps do.
The script checks that both ways hold the same tables (their content digests) and the
same revenue, then prints each way's wall time, its peak resident memory (VmHWM, reset
at the start, imports included), and the memory the process holds of its own
(anonymous pages: what no other process shares and the system cannot drop) after the
opening and after the step, with the ratios against ``source``.

Run::

    .venv/bin/python benchmarks/kernel_load.py                        # 1,000,000 customers
    .venv/bin/python benchmarks/kernel_load.py --customers 5000000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from segments import company, in_fresh_process, peak_bytes, reset_peak, way_options

WAYS = ("checked", "source")


def own_bytes() -> int:
    """This process's anonymous resident memory (``/proc/self/smaps_rollup``)."""
    with open("/proc/self/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Anonymous:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no Anonymous line in /proc/self/smaps_rollup")


def run(way: str, data: str, folder: str) -> dict:
    """One measurement, in this (fresh) process."""
    from crmlib.data.checked import CHECKED_ENV

    if way == "checked":
        os.environ[CHECKED_ENV] = folder
    else:
        os.environ.pop(CHECKED_ENV, None)
    # the engine's imports come before the clock and the memory start, as in a kernel
    # whose first cell has imported the steps
    import ibis  # noqa: F401

    from crmlib.data.company import load_company
    from crmlib.data.frames_engine import engine_table, exact_sum
    from crmlib.data.frames_engine import run as run_engine
    from crmlib.digest import table_digest

    reset_peak()
    own_before = own_bytes()
    started = time.perf_counter()
    loaded = load_company(data)
    opened = time.perf_counter() - started
    own_opened = own_bytes()
    lines = engine_table(loaded.transactions, ["customer_id", "amount"])
    revenue = run_engine(lines.group_by("customer_id").aggregate(revenue=exact_sum(lines.amount)))
    seconds = time.perf_counter() - started
    return {
        "way": way,
        "opened": opened,
        "seconds": seconds,
        "peak_bytes": peak_bytes(),
        "own_before": own_before,
        "own_opened": own_opened,
        "own_step": own_bytes(),
        "revenue": round(float(revenue["revenue"].sum()), 2),
        "customers": len(revenue),
        "digests": {name: table_digest(frame) for name, frame in loaded.tables.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    way_options(parser, WAYS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(*args.child)))
        return
    ways = [w for w in args.ways.split(",") if w]
    data = company(args.customers, args.seed, "duckdb")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        if "checked" in ways:
            from crmlib.data.checked_in_engine import check_in_engine, keep_checked_tables

            checked = check_in_engine(data)
            if checked is None:
                sys.exit("the engine cannot check this company")
            keep_checked_tables(checked[0], Path(folder), data)
        for way in ways:
            results[way] = in_fresh_process(__file__, way, data, folder)
    first = results[ways[0]]
    same = all(
        (r["digests"], r["revenue"], r["customers"])
        == (first["digests"], first["revenue"], first["customers"])
        for r in results.values()
    )
    print(
        f"{args.customers:,} customers (duckdb); the ways hold the same tables and revenue: {same}"
    )
    if not same:
        sys.exit("the ways differ: their figures are not comparable")
    anchor = results.get("source")
    mib = 2**20
    print(
        f"{'way':8} {'opened s':>9} {'with step s':>12} {'peak MiB':>9} "
        f"{'own MiB opened':>15} {'own MiB after step':>19}"
        + ("  time / source  peak / source  own / source" if anchor else "")
    )
    for way in ways:
        r = results[way]
        line = (
            f"{way:8} {r['opened']:9.1f} {r['seconds']:12.1f} {r['peak_bytes'] / mib:9.0f} "
            f"{r['own_opened'] / mib:15.0f} {r['own_step'] / mib:19.0f}"
        )
        if anchor:
            line += (
                f"  {r['seconds'] / anchor['seconds']:13.2f}"
                f"  {r['peak_bytes'] / anchor['peak_bytes']:13.2f}"
                f"  {r['own_step'] / anchor['own_step']:12.2f}"
            )
        print(line)


if __name__ == "__main__":
    main()

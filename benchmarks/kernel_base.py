"""A notebook kernel's customer base: built from its lines, or read from the cache.

Every notebook reads the company's customer base (``customer_base(company)``). Before,
the first kernel of a render grouped the transaction lines itself to build it, and the
others read it from the base cache. Now ``render`` and ``batch`` build it in the engine
of a database or Parquet company before any kernel starts
(``crmlib.analytics.base_engine.keep_for_kernels``), and every kernel reads it.

Three measurements, each in a fresh process, on the checked tables the render keeps
(the same for all three):

- ``kernel builds`` (the anchor, what the first kernel did): read the kept tables as a
  kernel does, then build the base from the lines;
- ``kernel reads``: the same kernel, finding the base the engine stored;
- ``engine builds``: what the render now does before the kernels start (the engine's
  base, stored in the cache).

The script checks that the kernel's own base and the engine's are the same table (their
content digests), then prints each measurement's wall time and peak resident memory
(VmHWM, reset at the start of the process, imports included) and the ratios against
``kernel builds``.

Run::

    .venv/bin/python benchmarks/kernel_base.py                        # 1,000,000 customers
    .venv/bin/python benchmarks/kernel_base.py --customers 5000000

The company is generated once per size (``crm-workbook sample``, seed 42) into
benchmarks/.data/, shared with ``scale.py`` and ``segments.py``.
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

from segments import company, peak_bytes, print_ratios, reset_peak

ANCHOR = "kernel builds"
WAYS = (ANCHOR, "kernel reads", "engine builds")


def run(way: str, data: str, folder: str) -> dict:
    """One measurement, in this (fresh) process; the cache is the environment's."""
    reset_peak()
    started = time.perf_counter()
    if way == "engine builds":
        from crmlib.analytics.base_engine import store_engine_base

        manifest = json.loads((Path(folder) / "checked.json").read_text(encoding="utf-8"))
        if store_engine_base(data, manifest["digests"]) is None:
            sys.exit("the engine cannot build this company's base")
        source = "engine"
    else:
        from crmlib.analytics.base import customer_base
        from crmlib.data.checked import offered_to_kernels
        from crmlib.data.company import load_company

        with offered_to_kernels(Path(folder)):
            base = customer_base(load_company(data))
        source = base.source
    seconds = time.perf_counter() - started
    return {"way": way, "seconds": seconds, "peak_bytes": peak_bytes(), "source": source}


def child(way: str, data: str, folder: str, cache: Path) -> dict:
    env = {**os.environ, "CRM_WORKBOOK_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, __file__, "--child", way, data, folder],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def stored_tables(cache: Path) -> list[str]:
    """The content digest of every base in ``cache``."""
    import pandas as pd

    from crmlib.digest import table_digest

    entries = sorted((cache / "base").glob("*/table.parquet"))
    return [table_digest(pd.read_parquet(entry)) for entry in entries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--kind", choices=("duckdb", "folder"), default="duckdb")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(*args.child)))
        return
    data = company(args.customers, args.seed, args.kind)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "kept"
        from crmlib.data.checked_in_engine import check_in_engine, keep_checked_tables

        keep_checked_tables(check_in_engine(data)[0], folder, data)
        own, engine = Path(scratch) / "own", Path(scratch) / "engine"
        results = {
            ANCHOR: child(ANCHOR, data, str(folder), own),
            "engine builds": child("engine builds", data, str(folder), engine),
            "kernel reads": child("kernel reads", data, str(folder), engine),
        }
        same = stored_tables(own) == stored_tables(engine) and len(stored_tables(own)) == 1
    sources = {way: r["source"] for way, r in results.items()}
    print(f"{args.customers:,} customers ({args.kind}); the same base both ways: {same}")
    if not same or sources != {ANCHOR: "built", "kernel reads": "disk", "engine builds": "engine"}:
        sys.exit(f"the ways differ ({sources}): the figures are not comparable")
    print_ratios(results, list(WAYS), anchor=ANCHOR)


if __name__ == "__main__":
    main()

"""A notebook kernel's customer bases: built from its lines, or read from the cache.

Every notebook reads the company's customer base (``customer_base(company)``), and the
value chain's relationships and IDOL's migrations the base a year back. Before, the
first kernel to ask for one built it from the transaction lines, and later kernels read
it from the base cache. Now ``render`` and ``batch`` build both in the engine of a
database or Parquet company before any kernel starts
(``crmlib.analytics.base_engine.keep_for_kernels``), and every kernel reads them.

Measurements, each in a fresh process, on the checked tables the render keeps (the
same for all):

- ``kernel builds <base>`` (the anchor, what the first kernel to ask did): read the kept
  tables as a kernel does, then build the base from the lines;
- ``kernel reads <base>``: the same kernel, finding the base the engine stored;
- ``engine builds both``: what the render now does before the kernels start.

The script checks that the kernel's own bases and the engine's are the same tables
(their content digests), then prints each measurement's wall time and peak resident
memory (VmHWM, reset at the start of the process, imports included), each read against
its build, and the engine's build of both against the kernels' (their times added,
the larger peak).

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
import sys
import tempfile
import time
from pathlib import Path

from segments import company, in_fresh_process, peak_bytes, reset_peak

BASES = ("end", "a year back")


def run(way: str, data: str, folder: str) -> dict:
    """One measurement, in this (fresh) process; the cache is the environment's."""
    reset_peak()
    started = time.perf_counter()
    if way == "engine builds both":
        from crmlib.analytics.base_engine import store_engine_bases

        manifest = json.loads((Path(folder) / "checked.json").read_text(encoding="utf-8"))
        if len(store_engine_bases(data, manifest["digests"])) != len(BASES):
            sys.exit("the engine cannot build this company's bases")
        source = "engine"
    else:
        from crmlib.analytics.base import customer_base, year_back
        from crmlib.data.checked import offered_to_kernels
        from crmlib.data.company import load_company

        with offered_to_kernels(Path(folder)):
            company = load_company(data)
            end = company.observation_end
            when = end if way.endswith("end") else year_back(end)
            source = customer_base(company, observation_end=when).source
    seconds = time.perf_counter() - started
    return {"way": way, "seconds": seconds, "peak_bytes": peak_bytes(), "source": source}


def child(way: str, data: str, folder: str, cache: Path) -> dict:
    env = {**os.environ, "CRM_WORKBOOK_CACHE": str(cache)}
    return in_fresh_process(__file__, way, data, folder, env=env)


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
    results, expected = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "kept"
        from crmlib.data.checked_in_engine import check_in_engine, keep_checked_tables

        keep_checked_tables(check_in_engine(data)[0], folder, data)
        own, engine = Path(scratch) / "own", Path(scratch) / "engine"
        for base in BASES:
            for way, cache, source in (
                ("kernel builds", own, "built"),
                ("kernel reads", engine, "disk"),
            ):
                if way == "kernel reads" and "engine builds both" not in results:
                    results["engine builds both"] = child(
                        "engine builds both", data, str(folder), engine
                    )
                    expected["engine builds both"] = "engine"
                name = f"{way} {base}"
                results[name] = child(name, data, str(folder), cache)
                expected[name] = source
        same = sorted(stored_tables(own)) == sorted(stored_tables(engine))
        same = same and len(stored_tables(own)) == len(BASES)
    sources = {way: r["source"] for way, r in results.items()}
    print(f"{args.customers:,} customers ({args.kind}); the same bases both ways: {same}")
    if not same or sources != expected:
        sys.exit(f"the ways differ ({sources}): the figures are not comparable")
    print(
        f"{'way':27} {'seconds':>8} {'peak MiB':>9}  {'time / build':>12}  {'memory / build':>14}"
    )
    for base in BASES:
        built = results[f"kernel builds {base}"]
        for way in ("kernel builds", "kernel reads"):
            r = results[f"{way} {base}"]
            print(
                f"{way + ' ' + base:27} {r['seconds']:8.1f} {r['peak_bytes'] / 2**20:9.0f}"
                f"  {r['seconds'] / built['seconds']:12.2f}"
                f"  {r['peak_bytes'] / built['peak_bytes']:14.2f}"
            )
    both = results["engine builds both"]
    seconds = sum(results[f"kernel builds {base}"]["seconds"] for base in BASES)
    peak = max(results[f"kernel builds {base}"]["peak_bytes"] for base in BASES)
    print(
        f"{'engine builds both':27} {both['seconds']:8.1f} {both['peak_bytes'] / 2**20:9.0f}"
        f"  {both['seconds'] / seconds:12.2f}  {both['peak_bytes'] / peak:14.2f}"
        "  (against both kernel builds: times added, the larger peak)"
    )


if __name__ == "__main__":
    main()

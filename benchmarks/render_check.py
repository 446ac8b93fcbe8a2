"""A render's check of a large company, in the engine against the loaded path.

Before any notebook runs, ``crm-workbook render`` (and ``batch``, per client) checks the
company and keeps the checked tables as Arrow files for the kernels. Two ways, each in a
fresh process, on the generated company that ``scale.py`` makes:

- ``loaded`` (the anchor, what ``render`` did for every source and still does for CSV
  and Excel): ``load_company`` reads, parses and checks every table into pandas, then
  ``write_checked`` writes them;
- ``engine`` (what ``render`` now does for a database or a folder of Parquet files):
  ``engine_check`` checks the company inside the engine, then ``keep_checked_tables``
  reads, parses and writes one table at a time.

The script checks that both ways keep the same tables (their content digests) and then
prints each way's wall time and peak resident memory (VmHWM, reset at the start of the
process, imports included) and the ratios against ``loaded``.

Run::

    .venv/bin/python benchmarks/render_check.py                        # 1,000,000 customers
    .venv/bin/python benchmarks/render_check.py --customers 5000000
    .venv/bin/python benchmarks/render_check.py --kind folder          # Parquet files

The company is generated once per size (``crm-workbook sample``, seed 42) into
benchmarks/.data/, shared with ``scale.py`` and ``segments.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from segments import (
    company,
    in_fresh_process,
    peak_bytes,
    print_ratios,
    reset_peak,
    way_options,
)

WAYS = ("engine", "loaded")


def run(way: str, data: str, folder: str) -> dict:
    """One measurement, in this (fresh) process."""
    reset_peak()
    started = time.perf_counter()
    if way == "loaded":
        from crmlib.data.checked import write_checked
        from crmlib.data.company import load_company

        loaded = load_company(data)
        write_checked(loaded.tables, loaded.sources, loaded.customers_derived, data, Path(folder))
    else:
        from crmlib.data.checked_in_engine import check_in_engine, keep_checked_tables

        checked = check_in_engine(data)
        if checked is None:
            sys.exit("the engine cannot check this company")
        keep_checked_tables(checked[0], Path(folder), data)
    seconds = time.perf_counter() - started
    return {"way": way, "seconds": seconds, "peak_bytes": peak_bytes()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    way_options(parser, WAYS)
    parser.add_argument("--kind", choices=("duckdb", "folder"), default="duckdb")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(*args.child)))
        return
    ways = [w for w in args.ways.split(",") if w]
    data = company(args.customers, args.seed, args.kind)
    results, digests = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for way in ways:
            folder = Path(scratch) / way
            results[way] = in_fresh_process(__file__, way, data, str(folder))
            digests[way] = json.loads((folder / "checked.json").read_text())["digests"]
    same = all(d == digests[ways[0]] for d in digests.values())
    print(f"{args.customers:,} customers ({args.kind}); both ways keep the same tables: {same}")
    if not same:
        sys.exit("the ways differ: the times are not comparable")
    print_ratios(results, ways)


if __name__ == "__main__":
    main()

"""Generate and write the sample company at a given size; report time, rows and memory.

Usage::

    python benchmarks/sample_scale.py --customers 1000000 --out benchmarks/.data/sample_1m

Prints the seconds spent generating and writing, the rows of every table, the size on
disk and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from crmlib.sample import PARQUET_FROM, generate_company, write_company


def peak_memory_gb() -> float:
    """Peak resident memory of this process so far, in GB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / 1e9 if sys.platform == "darwin" else peak / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="number of customers")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("benchmarks/.data/sample_scale"),
        help="folder to write the company into",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default=None,
        help="file format (default: csv below 200,000 customers, else parquet)",
    )
    args = parser.parse_args(argv)
    fmt = args.format or ("csv" if args.customers < PARQUET_FROM else "parquet")

    started = time.perf_counter()
    tables = generate_company(args.customers, args.seed)
    generated = time.perf_counter()
    files = write_company(tables, args.out, fmt=fmt)
    written = time.perf_counter()

    print(f"customers:        {args.customers:,} (seed {args.seed}, {fmt})")
    print(f"generate seconds: {generated - started:.1f}")
    print(f"write seconds:    {written - generated:.1f}")
    print(f"total seconds:    {written - started:.1f}")
    print(f"peak memory GB:   {peak_memory_gb():.2f}")
    print(f"size on disk MB:  {sum(path.stat().st_size for path in files) / 1e6:.1f}")
    for name, table in tables.items():
        print(f"rows {name:<13} {len(table):>12,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

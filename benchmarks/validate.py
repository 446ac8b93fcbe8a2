"""``validate`` checked in an engine against read into pandas.

Two ways to the same check and data-quality summary of a generated company (a DuckDB
file, or a folder of Parquet files), each in a fresh process whose peak memory is
polled:

- ``loaded``: the path ``validate`` took before the engine checks, and the one it still
  takes for CSV and Excel files: ``load_company`` reads and parses every table into
  pandas and checks it there, then the audit counts the loaded tables;
- ``engine``: :func:`crmlib.data.engine_checks.engine_check`: DuckDB counts (in the
  file, or over the Parquet files), and only the counts (and the offending rows, if
  any) come back.

Both print the summary; the script checks the two are the same, then prints wall time,
peak resident memory and the ratios loaded / engine.

Run::

    .venv/bin/python benchmarks/validate.py                         # 200,000 customers
    .venv/bin/python benchmarks/validate.py --customers 5000000     # 48 million lines
    .venv/bin/python benchmarks/validate.py --kind folder           # Parquet files

The companies are those of ``benchmarks/scale.py`` (generated once, cached in
benchmarks/.data/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import company, measure  # noqa: E402

CHILD = """
import sys
from crmlib.data.quality import completeness_of, overview_of, table_stats
way, url = sys.argv[1], sys.argv[2]
if way == "engine":
    from crmlib.data.engine_checks import engine_check
    stats = engine_check(url).stats
else:
    from crmlib.data.company import load_company
    stats = table_stats(load_company(url))
print(overview_of(stats).to_json(date_format="iso"))
print(completeness_of(stats).to_json())
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--kind", choices=["duckdb", "folder"], default="duckdb")
    args = parser.parse_args(argv)
    url, made = company(args.customers, args.seed, args.kind)
    if made is not None:
        print(f"generated {url} in {made.seconds:.1f} s")
    runs, outputs = {}, {}
    for way in ("loaded", "engine"):
        run = measure([sys.executable, "-c", CHILD, way, url])
        if not run.ok:
            print(f"{way}: failed\n{run.tail}")
            return 1
        runs[way] = run
        outputs[way] = run.tail
        print(f"{way:>7}: {run.seconds:7.1f} s  peak {run.peak_mib:9,.0f} MiB")
    if outputs["loaded"] != outputs["engine"]:
        print("the two summaries differ:\n" + "\n---\n".join(outputs.values()))
        return 1
    loaded, engine = runs["loaded"], runs["engine"]
    print(
        f"the same summary; loaded / engine: time {loaded.seconds / engine.seconds:.2f}x, "
        f"peak memory {loaded.peak_mib / engine.peak_mib:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Per-customer purchase summary: crmlib.summarize_transactions against DuckDB.

The anchor is a hand-written DuckDB query of the same aggregation (purchase periods per
customer, first and last period, repeat value), run on the same pandas DataFrame in the
same run. Each measurement runs in a fresh process, so the peak memory of one does not
hide in another's; the time is the best of ``--repeat`` runs and the memory is the peak
resident memory the summary added on top of the loaded data (Linux: VmHWM after a reset
through /proc/self/clear_refs).

Run::

    .venv/bin/python benchmarks/summary_vs_duckdb.py            # 10 million rows
    .venv/bin/python benchmarks/summary_vs_duckdb.py --rows 1000000 --freq D

Needs duckdb (the ``bench`` extra). The synthetic transactions are drawn with numpy
from a fixed seed and cached in benchmarks/.data/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".data"

QUERY = """
WITH tx AS (
    SELECT customer_id, date, amount FROM frame
), ended AS (
    SELECT max(date) AS observation_end FROM tx
), periods AS (
    SELECT customer_id, date_trunc('{unit}', date) AS period, sum(amount) AS amount
    FROM tx GROUP BY customer_id, period
), customers AS (
    SELECT customer_id,
           min(period) AS first_period,
           max(period) AS last_period,
           count(*) AS n_periods,
           sum(amount) - arg_min(amount, period) AS repeat_amount
    FROM periods GROUP BY customer_id
)
SELECT customer_id,
       n_periods - 1 AS frequency,
       {diff_last} AS recency,
       {diff_end} AS T,
       CASE WHEN n_periods > 1 THEN repeat_amount / (n_periods - 1) ELSE 0 END AS monetary_value
FROM customers, ended
"""

DIFFS = {
    "D": (
        "datediff('day', first_period, last_period)",
        "datediff('day', first_period, date_trunc('day', observation_end))",
    ),
    "W": (
        "datediff('day', first_period, last_period) / 7",
        "datediff('day', first_period, date_trunc('week', observation_end)) / 7",
    ),
    "M": (
        "datediff('month', first_period, last_period)",
        "datediff('month', first_period, date_trunc('month', observation_end))",
    ),
}
UNITS = {"D": "day", "W": "week", "M": "month"}


def make_data(rows: int, customers: int, years: int, seed: int) -> dict[str, Path]:
    """Draw the transactions once and cache them as .npy files."""
    CACHE.mkdir(exist_ok=True)
    stem = CACHE / f"tx_{rows}_{customers}_{years}_{seed}"
    paths = {name: Path(f"{stem}_{name}.npy") for name in ("customer", "date", "amount")}
    if all(p.exists() for p in paths.values()):
        return paths
    rng = np.random.default_rng(seed)
    # a skewed base: a few customers buy a lot, most buy a few times
    weight = rng.gamma(0.7, 1.0, customers)
    customer = rng.choice(customers, size=rows, p=weight / weight.sum()).astype(np.int64)
    start = np.datetime64("2021-01-01T00:00:00", "us")
    seconds = rng.integers(0, years * 365 * 86_400, rows)
    date = start + seconds.astype("timedelta64[s]").astype("timedelta64[us]")
    amount = np.round(rng.gamma(2.0, 25.0, rows), 2)
    np.save(paths["customer"], customer)
    np.save(paths["date"], date)
    np.save(paths["amount"], amount)
    return paths


def load_frame(paths: dict[str, Path], string_ids: bool) -> pd.DataFrame:
    customer = np.load(paths["customer"])
    frame = pd.DataFrame(
        {
            "customer_id": customer,
            "date": np.load(paths["date"]),
            "amount": np.load(paths["amount"]),
        },
        copy=False,
    )
    if string_ids:
        frame["customer_id"] = frame["customer_id"].map("C{:07d}".format).astype("str")
    return frame


def _status(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def run_engine(engine: str, paths: dict[str, Path], freq: str, string_ids: bool) -> dict:
    """One measurement, in this (fresh) process."""
    frame = load_frame(paths, string_ids)
    if engine == "duckdb":
        import duckdb

        connection = duckdb.connect()
        connection.register("frame", frame)  # a view on the DataFrame, not a copy
        diff_last, diff_end = DIFFS[freq]
        query = QUERY.format(unit=UNITS[freq], diff_last=diff_last, diff_end=diff_end)

        def work() -> pd.DataFrame:
            return connection.execute(query).df()
    else:
        import crmlib

        def work() -> pd.DataFrame:
            return crmlib.summarize_transactions(frame, freq=freq)

    can_reset = _reset_peak()
    before = _status("VmRSS:")
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = _status("VmHWM:") if can_reset else 0
    return {
        "engine": engine,
        "seconds": seconds,
        "extra_peak_bytes": max(peak - before, 0) if can_reset else None,
        "customers": len(result),
    }


def check_same(paths: dict[str, Path], freq: str, string_ids: bool, sample_rows: int) -> None:
    """Both engines give the same numbers (on the first rows, to keep it quick)."""
    import duckdb

    import crmlib

    frame = load_frame(paths, string_ids).iloc[:sample_rows]
    ours = crmlib.summarize_transactions(frame, freq=freq).sort_index()
    diff_last, diff_end = DIFFS[freq]
    query = QUERY.format(unit=UNITS[freq], diff_last=diff_last, diff_end=diff_end)
    connection = duckdb.connect()
    connection.register("frame", frame)
    theirs = connection.execute(query).df().set_index("customer_id").sort_index()
    for column in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(
            ours[column].to_numpy(dtype=float),
            theirs[column].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-6,
            err_msg=column,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: rows / 10")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--freq", choices=["D", "W", "M"], default="W")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--string-ids", action="store_true", help="customer ids as text")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    customers = args.customers or max(args.rows // 10, 1)
    paths = make_data(args.rows, customers, args.years, args.seed)

    if args.child:
        print(json.dumps(run_engine(args.child, paths, args.freq, args.string_ids)))
        return

    check_same(paths, args.freq, args.string_ids, min(args.rows, 200_000))
    results: dict[str, list[dict]] = {"crmlib": [], "duckdb": []}
    for _ in range(args.repeat):
        for engine in ("duckdb", "crmlib"):  # interleaved, so load on the machine hits both
            command = [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--customers",
                str(customers),
                "--years",
                str(args.years),
                "--freq",
                args.freq,
                "--seed",
                str(args.seed),
                "--child",
                engine,
            ]
            if args.string_ids:
                command.append("--string-ids")
            output = subprocess.run(
                command, check=True, capture_output=True, text=True, env=os.environ.copy()
            ).stdout
            results[engine].append(json.loads(output.strip().splitlines()[-1]))

    def best(engine: str, key: str) -> float:
        values = [r[key] for r in results[engine] if r[key] is not None]
        return min(values) if values else float("nan")

    ours_s, duck_s = best("crmlib", "seconds"), best("duckdb", "seconds")
    ours_m, duck_m = best("crmlib", "extra_peak_bytes"), best("duckdb", "extra_peak_bytes")
    ids = "text" if args.string_ids else "integer"
    print(
        f"{args.rows:,} transactions, {results['crmlib'][0]['customers']:,} customers, "
        f"freq={args.freq}, {ids} customer ids, best of {args.repeat}"
    )
    print(
        f"  duckdb {__import__('duckdb').__version__:>8}: {duck_s:6.2f} s, "
        f"peak +{duck_m / 2**20:,.0f} MiB"
    )
    print(f"  crmlib          : {ours_s:6.2f} s, peak +{ours_m / 2**20:,.0f} MiB")
    print(f"  speed ratio (duckdb time / crmlib time): {duck_s / ours_s:.2f}x")
    print(f"  memory ratio (crmlib peak / duckdb peak): {ours_m / duck_m:.2f}")


if __name__ == "__main__":
    main()

"""BG/NBD fit on a million customers: crmlib.BetaGeoModel against lifetimes' BetaGeoFitter.

The summary is drawn from the BG/NBD model itself with known parameters (those Fader,
Hardie & Lee estimated on CDNOW) and customers of 1 to 52 weeks old, so the fit has a
truth to find. Both fitters run on the same summary in the same process, interleaved;
the time is the best of ``--repeat`` fits, and the parameters must agree to 1e-3
relative.

Run::

    .venv/bin/python benchmarks/bgnbd_vs_lifetimes.py
    .venv/bin/python benchmarks/bgnbd_vs_lifetimes.py --continuous   # fractional recency

By default the recency is in whole weeks, as :func:`crmlib.summarize_transactions`
gives it; ``--continuous`` keeps it fractional, so no two customers share a history.
Needs lifetimes (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from crmlib.analytics.bgnbd import BetaGeoModel, simulate_summary

TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2005)
    parser.add_argument(
        "--continuous", action="store_true", help="fractional recency instead of whole weeks"
    )
    args = parser.parse_args()

    from lifetimes import BetaGeoFitter

    rng = np.random.default_rng(args.seed)
    ages = rng.integers(1, 53, args.customers).astype(float)
    summary = simulate_summary(
        args.customers, **TRUE, T=ages, seed=args.seed + 1, whole_periods=not args.continuous
    )
    frequency = summary["frequency"].to_numpy()
    recency = summary["recency"].to_numpy()
    T = summary["T"].to_numpy()

    ours_times, theirs_times = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        theirs = BetaGeoFitter().fit(frequency, recency, T)
        theirs_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        ours = BetaGeoModel().fit(summary)
        ours_times.append(time.perf_counter() - started)

    relative = {k: abs(ours.params_[k] / float(theirs.params_[k]) - 1) for k in TRUE}
    kind = "fractional" if args.continuous else "whole-week"
    print(f"{args.customers:,} customers ({kind} recency), best of {args.repeat}")
    print("  parameters      r      alpha      a        b")
    print("  true       " + "  ".join(f"{TRUE[k]:7.4f}" for k in TRUE))
    print("  crmlib     " + "  ".join(f"{ours.params_[k]:7.4f}" for k in TRUE))
    print("  lifetimes  " + "  ".join(f"{float(theirs.params_[k]):7.4f}" for k in TRUE))
    print(f"  largest relative difference crmlib vs lifetimes: {max(relative.values()):.2e}")
    print(f"  lifetimes {min(theirs_times):6.2f} s   crmlib {min(ours_times):6.2f} s")
    print(
        f"  speed ratio (lifetimes time / crmlib time): {min(theirs_times) / min(ours_times):.1f}x"
    )
    if max(relative.values()) > 1e-3:
        raise SystemExit("the parameters differ by more than 1e-3 relative")


if __name__ == "__main__":
    main()

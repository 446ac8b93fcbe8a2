"""Pareto/NBD and MBG/NBD fits on a million customers against lifetimes' fitters.

The summary is drawn from the Pareto/NBD model with the parameters Fader, Hardie & Lee
(2005) estimated on CDNOW (r 0.553, alpha 10.578, s 0.606, beta 11.669), customers 1 to
52 weeks old, recency in whole weeks as :func:`crmlib.summarize_transactions` gives it.
Each pair of fitters runs on the same summary in the same process:

- crmlib.ModifiedBetaGeoModel against lifetimes.ModifiedBetaGeoFitter;
- crmlib.ParetoNBDModel against lifetimes.ParetoNBDFitter.

The script prints the wall times, their ratio (lifetimes / crmlib) and the largest
relative difference of the parameters. lifetimes' Pareto/NBD (Nelder-Mead on every
customer, scipy's hyp2f1 per row) takes many minutes on a million customers; with
``--pareto-customers`` it runs on a smaller base as well (both fitters, same data) and
the output says so. Needs lifetimes (the ``bench`` extra).

Run::

    .venv/bin/python benchmarks/ltv_fitters_vs_lifetimes.py
    .venv/bin/python benchmarks/ltv_fitters_vs_lifetimes.py --pareto-customers 100000 --skip-pareto-full
    .venv/bin/python benchmarks/ltv_fitters_vs_lifetimes.py --continuous --customers 100000

``--continuous`` keeps the recency fractional, so that hardly two customers share a
history: the hardest case for crmlib, which fits each distinct history once.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from crmlib.analytics.mbgnbd import ModifiedBetaGeoModel
from crmlib.analytics.pareto_nbd import ParetoNBDModel, simulate_pareto_nbd_summary

TRUE = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


def _timed(fit):
    started = time.perf_counter()
    result = fit()
    return result, time.perf_counter() - started


def _compare(label, ours_cls, theirs_cls, summary, repeat, kind):
    x = summary["frequency"].to_numpy()
    t = summary["recency"].to_numpy()
    T = summary["T"].to_numpy()
    ours_times, theirs_times = [], []
    for _ in range(repeat):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, seconds = _timed(lambda: theirs_cls().fit(x, t, T))
        theirs_times.append(seconds)
        ours, seconds = _timed(lambda: ours_cls().fit(summary))
        ours_times.append(seconds)
    names = list(ours.params_)
    relative = max(abs(ours.params_[k] / float(theirs.params_[k]) - 1) for k in names)
    print(f"{label}: {len(summary):,} customers ({kind} recency), best of {repeat}")
    print("  parameters  " + "".join(f"{k:>10}" for k in names))
    print("  crmlib      " + "".join(f"{ours.params_[k]:10.4f}" for k in names))
    print("  lifetimes   " + "".join(f"{float(theirs.params_[k]):10.4f}" for k in names))
    print(f"  largest relative parameter difference: {relative:.2e}")
    print(f"  lifetimes {min(theirs_times):8.2f} s   crmlib {min(ours_times):6.2f} s")
    print(f"  speed ratio (lifetimes / crmlib): {min(theirs_times) / min(ours_times):.1f}x")
    return relative


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2005)
    parser.add_argument(
        "--pareto-customers",
        type=int,
        default=0,
        help="also compare Pareto/NBD on the first N customers (lifetimes is slow on 1M)",
    )
    parser.add_argument(
        "--continuous", action="store_true", help="fractional recency instead of whole weeks"
    )
    parser.add_argument(
        "--skip-pareto-full",
        action="store_true",
        help="leave out lifetimes' Pareto/NBD on all customers (it takes many minutes)",
    )
    args = parser.parse_args()

    from lifetimes import ModifiedBetaGeoFitter, ParetoNBDFitter

    rng = np.random.default_rng(args.seed)
    ages = rng.integers(1, 53, args.customers).astype(float)
    summary = simulate_pareto_nbd_summary(
        args.customers, **TRUE, T=ages, seed=args.seed + 1, whole_periods=not args.continuous
    )
    kind = "fractional" if args.continuous else "whole-week"
    worst = [
        _compare("MBG/NBD", ModifiedBetaGeoModel, ModifiedBetaGeoFitter, summary, args.repeat, kind)
    ]
    if args.pareto_customers:
        smaller = summary.iloc[: args.pareto_customers]
        print(
            f"(Pareto/NBD also on the first {len(smaller):,} customers: lifetimes' fitter "
            "is too slow to repeat on the full base)"
        )
        worst.append(
            _compare("Pareto/NBD", ParetoNBDModel, ParetoNBDFitter, smaller, args.repeat, kind)
        )
    if not args.skip_pareto_full:
        worst.append(_compare("Pareto/NBD", ParetoNBDModel, ParetoNBDFitter, summary, 1, kind))
    if max(worst) > 1e-3:
        raise SystemExit("the parameters differ by more than 1e-3 relative")


if __name__ == "__main__":
    main()

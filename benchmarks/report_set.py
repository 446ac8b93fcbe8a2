"""The report set of the sample against seven trivial notebooks rendered the same way.

The anchor is the fixed cost of a report set: seven notebooks that do nothing but print
a line, rendered through the same path (papermill kernel, nbconvert, WeasyPrint for
PDF). The real set is rendered twice: first with an empty customer-base cache (cold),
then again (warm), when every kernel should read the base from the disk cache rather
than compute it. The cache log (``$CRM_WORKBOOK_CACHE_LOG``) shows who built the base
and who reused it, and how many model verdicts the model notebooks shared with the
strategy report and the report read back instead of computing them.

    .venv/bin/python benchmarks/report_set.py                  # html
    .venv/bin/python benchmarks/report_set.py --format html,pdf

Goal (issue "one customer base"): the whole set at most 2x the anchor.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat import v4

from crmlib.paths import report_set

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = report_set()


def trivial_notebooks(folder: Path) -> list[Path]:
    """Seven notebooks with the base parameters, a heading and one printed line."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in NOTEBOOKS:
        parameters = v4.new_code_cell(
            'data_dir = "../data/sample"\ncompany = ""\ncurrency = ""\n'
            'observation_end = ""\ninteractive = True'
        )
        parameters.metadata["tags"] = ["parameters"]
        nb = v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.cells = [
            v4.new_markdown_cell(f"# {name}"),
            parameters,
            v4.new_code_cell("print('nothing to compute')"),
        ]
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kernels = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kernels.ru_utime + kernels.ru_stime


def render_set(paths: list[Path], out: Path, data_dir: Path, formats: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of rendering ``paths``.

    On a shared machine the wall clock moves with everyone else's load; the CPU time
    (this process and its kernels) moves much less, so both are printed.
    """
    from crmlib.render import render_many

    started, cpu = time.perf_counter(), _cpu()
    render_many(
        paths,
        out,
        parameters={"data_dir": str(data_dir), "interactive": False},
        formats=formats,
        company="Sample",
        progress=False,
    )
    return time.perf_counter() - started, _cpu() - cpu


def log_counts(log: Path) -> collections.Counter:
    if not log.exists():
        return collections.Counter()
    return collections.Counter(line.split()[0] for line in log.read_text().splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--format", default="html")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="crm-bench-") as scratch:
        scratch = Path(scratch)
        cache, log = scratch / "cache", scratch / "cache.log"
        # kernels inherit these: a fresh cache, and a log of who built and who reused
        os.environ["CRM_WORKBOOK_CACHE"] = str(cache)
        os.environ["CRM_WORKBOOK_CACHE_LOG"] = str(log)
        trivial = trivial_notebooks(scratch / "trivial")
        real = [ROOT / "notebooks" / f"{name}.ipynb" for name in NOTEBOOKS]
        data = args.data.resolve()

        anchor = render_set(trivial, scratch / "out-trivial", data, args.format)
        cold = render_set(real, scratch / "out-cold", data, args.format)
        after_cold = log_counts(log)
        warm = render_set(real, scratch / "out-warm", data, args.format)
        after_warm = log_counts(log) - after_cold

    print(f"report set of {data.name}, format {args.format} (wall clock; CPU of all processes)")
    print(f"  seven trivial notebooks (anchor): {anchor[0]:6.1f} s; CPU {anchor[1]:6.1f} s")
    for run, (wall, cpu) in (("cold", cold), ("warm", warm)):
        print(
            f"  seven notebooks, {run} cache:      {wall:6.1f} s   ratio {wall / anchor[0]:.2f}x; "
            f"CPU {cpu:6.1f} s   ratio {cpu / anchor[1]:.2f}x"
        )
    for run, counts in (("cold", after_cold), ("warm", after_warm)):
        print(
            f"  {run} run: base built {counts['built']}x, read from disk {counts['disk']}x; "
            f"verdicts shared by the model notebooks {counts['verdict-shared']}x, "
            f"read by the strategy report {counts['verdict-read']}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

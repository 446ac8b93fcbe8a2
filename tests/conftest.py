"""Shared fixtures: the committed sample company and small generated companies."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# The customer-base cache of a test run stays out of the user's own cache; kernels and
# worker processes started by the tests inherit it.
os.environ.setdefault("CRM_WORKBOOK_CACHE", tempfile.mkdtemp(prefix="crm-workbook-cache-"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
NOTEBOOKS_DIR = ROOT / "notebooks"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed sample company (read-only: copy it before changing files)."""
    return SAMPLE_DIR


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample company's data folder, safe to break."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, target)
    return target


@pytest.fixture(scope="session")
def small_company_dir(tmp_path_factory) -> Path:
    """A second, small generated company (different seed and size from the sample)."""
    from crmlib.sample import create_sample_company

    out = tmp_path_factory.mktemp("small_company")
    return create_sample_company(out, n_customers=400, seed=7)


#: The seven notebooks of a report set, in order.
REPORT_NOTEBOOKS = (
    "00_start_here",
    "01_idic",
    "02_qci",
    "03_payne_frow",
    "04_value_chain",
    "05_idol",
    "06_strategy_report",
)


def strip_to_revenue_only(source: Path, target: Path) -> Path:
    """A copy of a company without cost, margin rates, consent, interactions or campaigns.

    Its channels table stays: without interactions it prices no contact.
    """
    import pandas as pd

    shutil.copytree(source, target)
    for name in ("interactions.csv", "campaigns.csv"):
        (target / name).unlink(missing_ok=True)
    for name, column in (
        ("transactions.csv", "cost"),
        ("customers.csv", "consent_marketing"),
        ("products.csv", "margin_rate"),
    ):
        table = pd.read_csv(target / name, dtype=str, keep_default_na=False)
        table.drop(columns=[column]).to_csv(target / name, index=False)
    return target


class OncePerRun:
    """Folders made once per test run and shared by every xdist worker.

    A session fixture alone is made once per worker: two workers would render the same
    report set twice, on the same two cores. Here the first worker to ask makes the
    folder under a file lock; the others wait for it and read it.
    """

    def __init__(self, tmp_path_factory) -> None:
        base = tmp_path_factory.getbasetemp()
        # under xdist, the run's own base folder is the one above each worker's
        self.base = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base

    def folder(self, name: str, make: Callable[[Path], None]) -> Path:
        """The folder ``name``, made by ``make(folder)`` if no worker made it yet."""
        folder = self.base / name
        with open(self.base / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not (folder / ".made").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                make(folder)
                (folder / ".made").touch()
        return folder

    @staticmethod
    def run(command: list[str], folder: Path, name: str, timeout: float = 1800) -> None:
        """Run ``command`` and keep its exit code and output in ``folder``.

        A run past ``timeout`` seconds raises, and the folder is not marked made.
        """
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        (folder / f"{name}.rc").write_text(str(done.returncode))
        (folder / f"{name}.stdout").write_text(done.stdout)
        (folder / f"{name}.stderr").write_text(done.stderr)

    @staticmethod
    def ran(folder: Path, name: str) -> subprocess.CompletedProcess:
        """The run :meth:`run` kept, as any worker reads it back."""
        return subprocess.CompletedProcess(
            name,
            int((folder / f"{name}.rc").read_text()),
            (folder / f"{name}.stdout").read_text(),
            (folder / f"{name}.stderr").read_text(),
        )


@pytest.fixture(scope="session")
def once_per_run(tmp_path_factory) -> OncePerRun:
    """Make a folder once per test run, for every worker: see :class:`OncePerRun`."""
    return OncePerRun(tmp_path_factory)


#: The command line, as the tests run it.
CRM_WORKBOOK = [sys.executable, "-m", "crmlib"]


class RenderedSet:
    """The seven reports of one company rendered once (HTML) and its segments export."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.render = OncePerRun.ran(out, "render")
        self.segments = OncePerRun.ran(out, "segments")
        self.export_path = out / "segments.csv"

    @staticmethod
    def make(data_dir: Path, out: Path) -> None:
        OncePerRun.run(
            [*CRM_WORKBOOK, "render", *REPORT_NOTEBOOKS, "--data", str(data_dir), "--out",
             str(out), "--format", "html"],
            out,
            "render",
        )  # fmt: skip
        OncePerRun.run(
            [*CRM_WORKBOOK, "segments", "--data", str(data_dir), "--out",
             str(out / "segments.csv")],
            out,
            "segments",
        )  # fmt: skip

    def figures(self, stem: str) -> list[dict]:
        """The entries of ``<stem>.figures.json`` (fails the test when it is missing)."""
        import json

        path = self.out / f"{stem}.figures.json"
        assert path.exists(), f"{stem} was not rendered: {self.render.stderr.strip()}"
        return json.loads(path.read_text(encoding="utf-8"))["figures"]

    def html(self, stem: str) -> str:
        path = self.out / f"{stem}.html"
        assert path.exists(), f"{stem} was not rendered: {self.render.stderr.strip()}"
        return path.read_text(encoding="utf-8")

    def export(self):
        import pandas as pd

        assert self.segments.returncode == 0, self.segments.stderr
        return pd.read_csv(self.export_path)


@pytest.fixture(scope="session")
def rendered_sets(once_per_run, small_company_dir):
    """Render a company's report set once per test run: ``rendered_sets(name)``.

    Names: ``sample``, ``small`` (a second generated company), ``cdnow`` (real data:
    transactions only, USD) and ``revenue_only`` (the sample without cost, margin rates,
    consent, interactions or campaigns). Every slow test that reads reports shares these,
    across xdist workers too (:class:`OncePerRun`).
    """
    sources = {
        "sample": lambda out: SAMPLE_DIR,
        "small": lambda out: small_company_dir,
        "cdnow": lambda out: ROOT / "data" / "cdnow",
        "revenue_only": lambda out: strip_to_revenue_only(SAMPLE_DIR, out / "company"),
    }

    def get(name: str) -> RenderedSet:
        def make(out: Path) -> None:
            RenderedSet.make(sources[name](out), out)

        return RenderedSet(once_per_run.folder(f"reports_{name}", make))

    return get


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """Every test starts and ends in English: a language is process state (crmlib.i18n)."""
    from crmlib.i18n import activate

    yield
    activate()

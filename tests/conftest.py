"""Shared fixtures: the committed sample company and small generated companies."""

from __future__ import annotations

import os
import shutil
import tempfile
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


class RenderedSet:
    """The seven reports of one company rendered once (HTML) and its segments export."""

    def __init__(self, data_dir: Path, out: Path) -> None:
        import subprocess
        import sys

        self.data_dir, self.out = data_dir, out
        command = [sys.executable, "-m", "crmlib"]
        self.render = subprocess.run(
            [*command, "render", *REPORT_NOTEBOOKS, "--data", str(data_dir), "--out", str(out),
             "--format", "html"],
            capture_output=True,
            text=True,
        )  # fmt: skip
        self.export_path = out / "segments.csv"
        self.segments = subprocess.run(
            [*command, "segments", "--data", str(data_dir), "--out", str(self.export_path)],
            capture_output=True,
            text=True,
        )

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
def rendered_sets(tmp_path_factory, small_company_dir):
    """Render a company's report set once per session: ``rendered_sets(name)``.

    Names: ``sample``, ``small`` (a second generated company), ``cdnow`` (real data:
    transactions only, USD) and ``revenue_only`` (the sample without cost, margin rates,
    consent, interactions or campaigns). Every slow test that reads reports shares these.
    """
    done: dict[str, RenderedSet] = {}
    sources = {
        "sample": lambda: SAMPLE_DIR,
        "small": lambda: small_company_dir,
        "cdnow": lambda: ROOT / "data" / "cdnow",
        "revenue_only": lambda: strip_to_revenue_only(
            SAMPLE_DIR, tmp_path_factory.mktemp("revenue_only") / "company"
        ),
    }

    def get(name: str) -> RenderedSet:
        if name not in done:
            out = tmp_path_factory.mktemp(f"reports_{name}")
            done[name] = RenderedSet(sources[name](), out)
        return done[name]

    return get


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """Every test starts and ends in English: a language is process state (crmlib.i18n)."""
    from crmlib.i18n import activate

    yield
    activate()

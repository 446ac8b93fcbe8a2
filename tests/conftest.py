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

"""--pseudonymise on render and batch: no person's name, e-mail, phone or address in any output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crmlib", *args], capture_output=True, text=True, timeout=900
    )


def people(data: Path) -> set[str]:
    """Every personal value in the company's folder: customers and workshop participants."""
    customers = pd.read_csv(data / "customers.csv", dtype=str)
    values = set()
    for column in ("name", "email", "phone", "address"):
        values |= {v for v in customers[column].dropna() if len(v) > 5}
    answers = yaml.safe_load((data / "assessments" / "qci.yaml").read_text(encoding="utf-8"))
    values |= {answers["assessor"], *answers["participants"]}
    return values


def shown(report: Path, values: set[str]) -> set[str]:
    text = report.read_text(encoding="utf-8")
    return {v for v in values if v in text}


def test_render_pseudonymises_every_person(small_company_dir: Path, tmp_path: Path):
    personal = people(small_company_dir)
    plain = run(
        "render", "02_qci", "--data", str(small_company_dir), "--out", str(tmp_path / "plain")
    )
    assert plain.returncode == 0, plain.stderr
    # Without the flag the workshop's participants are named in the assessment section...
    assert shown(tmp_path / "plain" / "02_qci.html", personal)
    private = run(
        "render",
        "02_qci",
        "--data",
        str(small_company_dir),
        "--out",
        str(tmp_path / "private"),
        "--pseudonymise",
    )
    assert private.returncode == 0, private.stderr
    # ...and with it nobody is.
    html = tmp_path / "private" / "02_qci.html"
    assert shown(html, personal) == set()
    assert "Participant " in html.read_text(encoding="utf-8")


def test_batch_pseudonymises_every_client(small_company_dir: Path, tmp_path: Path):
    clients = tmp_path / "clients.yml"
    clients.write_text(
        yaml.safe_dump(
            {
                "notebooks": ["00_start_here"],
                "clients": [{"name": "De Linde", "data": str(small_company_dir)}],
            }
        )
    )
    result = run("batch", str(clients), "--out", str(tmp_path / "out"), "--pseudonymise")
    assert result.returncode == 0, result.stderr
    copy = pd.read_parquet(tmp_path / "out" / ".pseudonymised" / "de-linde" / "customers.parquet")
    original = pd.read_csv(small_company_dir / "customers.csv", dtype=str)
    assert not set(copy["name"].dropna()) & set(original["name"].dropna())
    assert copy["name"].dropna().str.startswith("Customer ").all()
    assert (
        shown(tmp_path / "out" / "de-linde" / "00_start_here.html", people(small_company_dir))
        == set()
    )

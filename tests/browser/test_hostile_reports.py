"""Names that carry HTML or JavaScript stay inert in reports, checked in a real browser.

Customer, product and company names come from client exports and can hold anything.
A report that leaves the building must never run what a name contains.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = [
    "<script>window.__crm_pwned = 'script'</script>",
    "<img src=x onerror=\"window.__crm_pwned = 'img'\">",
    '"><svg onload="window.__crm_pwned = \'svg\'">',
    "<a href=\"javascript:window.__crm_pwned = 'link'\">click</a>",
    "[x](javascript:window.__crm_pwned='markdown')",
]


@pytest.fixture(scope="module")
def hostile_reports(once_per_run) -> Path:
    """The report set of a company whose names are attacks, rendered once per test run."""
    reports = once_per_run.folder("hostile", lambda out: _render_hostile_company(out, once_per_run))
    rendered = once_per_run.ran(reports, "render")
    assert rendered.returncode == 0, rendered.stderr
    return reports


def _render_hostile_company(out: Path, once_per_run) -> None:
    from crmlib.sample import create_sample_company

    folder = create_sample_company(out / "data", n_customers=300, seed=5)
    customers = pd.read_csv(folder / "customers.csv", dtype=str, keep_default_na=False)
    transactions = pd.read_csv(folder / "transactions.csv")
    top = (
        transactions.groupby("customer_id")["amount"].sum().sort_values(ascending=False).index[:10]
    )
    for position, customer in enumerate(top):
        customers.loc[customers["customer_id"] == customer, "name"] = PAYLOADS[
            position % len(PAYLOADS)
        ]
    customers.to_csv(folder / "customers.csv", index=False)
    products = pd.read_csv(folder / "products.csv", dtype=str, keep_default_na=False)
    products["name"] = [PAYLOADS[i % len(PAYLOADS)] + f" {i}" for i in range(len(products))]
    products.to_csv(folder / "products.csv", index=False)
    info = yaml.safe_load((folder / "company.yml").read_text())
    info["name"] = "De Linde <script>window.__crm_pwned = 'company'</script>"
    (folder / "company.yml").write_text(yaml.safe_dump(info))
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    command = [sys.executable, "-m", "crmlib", "render", *notebooks, "--data", str(folder)]
    # the reports go into out itself, beside the data folder
    once_per_run.run([*command, "--out", str(out)], out, "render", timeout=1200)


def test_reports_show_no_whole_customer_tables(hostile_reports: Path):
    """At most a top-N of customers, by id: never the whole base (300 customers here)."""
    import re

    for report in sorted(hostile_reports.glob("*.html")):
        ids = set(re.findall(r"C\d{6}", report.read_text(encoding="utf-8")))
        assert len(ids) <= 60, f"{report.name} shows {len(ids)} customers"


def test_no_script_runs_in_any_report(hostile_reports: Path, browser):
    reports = sorted(hostile_reports.glob("*.html"))
    assert reports
    for report in reports:
        html = report.read_text(encoding="utf-8")
        assert "De Linde &lt;script&gt;" in html, f"{report.name} lacks the escaped company name"
        context = browser.new_context(java_script_enabled=True)
        page = context.new_page()
        dialogs: list[str] = []
        page.on(
            "dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss())
        )
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        for link in page.locator("a").all()[:50]:
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith("javascript:"), (
                f"{report.name} keeps a javascript: link"
            )
        assert page.evaluate("() => window.__crm_pwned") is None, f"a payload ran in {report.name}"
        assert dialogs == []
        context.close()

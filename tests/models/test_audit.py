from pathlib import Path

import pytest

from crmlib.data.company import load_company
from crmlib.models import audit


@pytest.fixture
def company(tmp_path: Path):
    (tmp_path / "customers.csv").write_text(
        "customer_id,name\nA,Top <b>Klant</b>\nB,b\nC,c\nD,d\nE,e\n"
    )
    (tmp_path / "transactions.csv").write_text(
        "customer_id,date,amount\nA,2024-01-01,50\nA,2024-06-01,30\nB,2024-03-01,10\nC,2024-04-01,5\nD,2024-05-01,5\n"
    )
    (tmp_path / "company.yml").write_text("name: De <script>Linde</script>\n")
    return load_company(tmp_path)


def test_value_concentration_by_hand(company):
    concentration = audit.value_concentration(company, 0.8)
    # revenue 80, 10, 5, 5, 0 of 100: the top customer (20%) brings 80%
    assert concentration.customer_share == pytest.approx(0.2)
    assert concentration.top20_share == pytest.approx(0.8)
    assert concentration.buyers == 4 and concentration.customers == 5
    assert concentration.window == "2024-01-01..2024-06-01"
    text = audit.describe_concentration(concentration)
    assert text.startswith(
        "Over the whole history (2024-01-01..2024-06-01), 20% of the customers bring 80% of "
        "the revenue, and the top 20% bring 80%."
    )
    assert "1 of 5 customers bought nothing" in text
    # its own definitions, never the base's concentration_80 / top20_share
    shares, top = concentration.figures()
    assert (shares.id, shares.value) == ("revenue_concentration_history.80", pytest.approx(0.2))
    assert (top.id, top.value) == ("revenue_top20_history", pytest.approx(0.8))
    assert shares.window == top.window == "2024-01-01..2024-06-01"
    cited = audit.describe_concentration(concentration, cite=lambda f: f"[{f.id}]")
    assert "[revenue_concentration_history.80] of the customers" in cited
    assert "ValueConcentration(" not in repr(concentration)
    assert "Value is concentrated" in text


def test_company_name_is_escaped(company):
    text = audit.describe_tables(company)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "5 customers and 5 transaction lines from 1 Jan 2024 to 1 Jun 2024" in text
    assert "no products, interactions, channels, needs, campaigns tables" in text


def test_completeness_sentence_names_weak_columns(tmp_path: Path):
    (tmp_path / "customers.csv").write_text("customer_id,phone\nA,1\nB,\nC,\n")
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\nA,2024-01-01,1\n")
    text = audit.describe_completeness(load_company(tmp_path))
    assert text.startswith("1 column is filled below 90%: customers.phone (33%).")


def test_activity_compares_twelve_months(tmp_path: Path):
    (tmp_path / "customers.csv").write_text("customer_id\nA\n")
    (tmp_path / "company.yml").write_text("currency: EUR\n")  # no currency is no currency
    rows = [f"A,2023-{m:02d}-15,10" for m in range(1, 13)] + [
        f"A,2024-{m:02d}-15,15" for m in range(1, 13)
    ]
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n")
    company = load_company(tmp_path, observation_end="2024-12-31")
    text = audit.describe_activity(company)
    assert "brought EUR 180, up 50% on the twelve months before" in text


def test_completeness_claims_no_customer_picture_for_derived_customers(root):
    from crmlib.data.company import load_company
    from crmlib.models import audit

    text = audit.describe_completeness(load_company(root / "data" / "cdnow"))
    assert "complete" not in text.replace("Every column", "")
    assert "only the ids in the transactions" in text


def test_the_overview_reads_a_table_without_dates_in_words(company):
    from crmlib.data.quality import table_overview
    from crmlib.render.scan import scan_report

    view = audit.overview_view(table_overview(company))
    assert view.loc["customers", "first date"] == "no dates"
    assert view.loc["transactions", "first date"] == "1 Jan 2024"
    assert view.loc["transactions", "last date"] == "1 Jun 2024"
    assert view.loc["customers", "filled"] == "100%"
    assert scan_report(f"<html><body>{view.to_html()}</body></html>") == []


@pytest.mark.parametrize("name", ["sample", "cdnow"])
def test_every_report_reads_the_20_80_rule_the_same_way(root, name):
    # the data audit (whole history) and IDIC (the window) each judge their own top-20%
    # share, by one rule: the words follow the figure, never a second threshold
    from crmlib.analytics.pareto import follows_20_80
    from crmlib.models import idic

    company = load_company(root / "data" / name)
    history = audit.value_concentration(company, 0.8)
    said = "as the 20/80 rule expects" in audit.describe_concentration(history)
    assert said == follows_20_80(history.top20_share)
    result = idic.differentiate(company)
    window = result.figure("top20_share").value
    text = idic.describe_differentiate(result, company.currency)
    assert ("Value is concentrated, as the 20/80 rule expects" in text) == follows_20_80(window)


def test_the_audit_says_what_it_assumed(root, tmp_path):
    import shutil

    for name in ("customers.csv", "transactions.csv"):
        shutil.copy(root / "data" / "sample" / name, tmp_path / name)
    bare = load_company(tmp_path)
    assert bare.assumed == ("name", "observation_end", "currency")
    text = audit.describe_tables(bare)
    assert "the workbook assumes" in text and "the amounts carry no currency" in text
    given = load_company(tmp_path, name="Linde", observation_end="2025-06-30", currency="EUR")
    assert given.assumed == ()
    assert "assumes" not in audit.describe_tables(given)
    assert load_company(root / "data" / "sample").assumed == ()

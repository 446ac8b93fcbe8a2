from pathlib import Path

import pandas as pd

from crmlib.data.company import load_company
from crmlib.privacy import (
    KEY_FILE,
    pseudonym,
    pseudonym_key,
    pseudonymise_table,
    pseudonymised_copy,
)


def test_pseudonyms_are_stable_keyed_and_keep_missing():
    assert pseudonym("Jan Peeters", b"k") == pseudonym(" jan peeters ", b"k")
    assert pseudonym("Jan Peeters", b"k") != pseudonym("Jan Peeters", b"other key")
    assert pseudonym("Jan Peeters", b"k") != pseudonym("Ann Maes", b"k")
    assert pseudonym(None, b"k") is None
    assert pseudonym("x", b"k").startswith("Customer ")


def test_customers_table_loses_every_personal_value():
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "name": ["Jan Peeters", None],
            "email": ["jan@x.be", "ann@x.be"],
            "phone": ["0471 11 22 33", None],
            "address": ["Markt 1", "Kerkstraat 2"],
            "city": ["Brugge", "Gent"],
        }
    )
    out = pseudonymise_table(customers, b"k")
    assert out["customer_id"].tolist() == ["C1", "C2"] and out["city"].tolist() == [
        "Brugge",
        "Gent",
    ]
    for column in ("name", "email", "phone", "address"):
        assert not set(customers[column].dropna()) & set(out[column].dropna())
    assert out["name"].isna().tolist() == [False, True]
    assert out["email"].iloc[0].endswith("@example.invalid")
    assert customers["name"].iloc[0] == "Jan Peeters"  # the input is left alone


def test_key_file_is_created_once(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("CRM_WORKBOOK_PSEUDONYM_KEY", raising=False)
    first = pseudonym_key(tmp_path)
    assert (tmp_path / KEY_FILE).exists()
    assert pseudonym_key(tmp_path) == first
    monkeypatch.setenv("CRM_WORKBOOK_PSEUDONYM_KEY", "from the environment")
    assert pseudonym_key(tmp_path) == b"from the environment"


def test_pseudonymised_copy_loads_and_hides_people(sample_copy: Path, tmp_path: Path):
    company = load_company(sample_copy)
    copy = load_company(pseudonymised_copy(company, tmp_path / "private"))
    assert len(copy.customers) == len(company.customers)
    assert copy.name == company.name
    assert not set(company.customers["name"].dropna()) & set(copy.customers["name"].dropna())
    pd.testing.assert_frame_equal(copy.transactions, company.transactions, check_dtype=False)
    answers = (tmp_path / "private" / "assessments" / "qci.yaml").read_text()
    original = (sample_copy / "assessments" / "qci.yaml").read_text()
    assessor = next(line for line in original.splitlines() if line.startswith("assessor:"))
    assert assessor not in answers

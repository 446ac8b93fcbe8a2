import pandas as pd
import pytest

from crmlib.analytics.profile import (
    aspect_summary,
    customer_picture,
    knowledge_levels,
    normalise_name,
    probable_duplicates,
)


@pytest.fixture
def tables():
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "name": ["Zoë Peeters", "Bert Maes", "zoe  peeters"],
            "type": ["B2C", "B2B", "B2C"],
            "address": ["Markt 1", None, "Markt 1"],
            "postcode": ["8000", "9000", "8000"],
            "city": ["Brugge", "Gent", "Brugge"],
            "phone": ["050", None, None],
            "email": ["z@x.be", None, None],
            "birth_date": pd.to_datetime(["1980-01-01", None, None]),
            "gender": ["F", None, None],
            "consent_marketing": pd.array([True, None, False], dtype="boolean"),
        }
    )
    transactions = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B"],
            "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
            "product_id": ["P1", "P2", "P1"],
            "amount": [10.0, 20.0, 5.0],
            "cost": [5.0, 10.0, 2.0],
        }
    )
    interactions = pd.DataFrame({"customer_id": ["A"], "date": pd.to_datetime(["2025-01-05"])})
    needs = pd.DataFrame({"customer_id": ["A"], "price": [4.0]})
    return customers, transactions, interactions, needs


def test_picture_by_hand(tables):
    customers, transactions, interactions, needs = tables
    picture = customer_picture(customers, transactions, interactions=interactions, needs=needs)
    a, b, c = picture.loc["A"], picture.loc["B"], picture.loc["C"]
    assert a["personal"] == 1.0
    # B is B2B (demographics not asked): name, postcode, city of 5 fields + demographics 1 -> 4/6
    assert b["personal"] == pytest.approx(4 / 6)
    assert a["behaviour"] == 1.0 and b["behaviour"] == 0.5 and c["behaviour"] == 0.0
    assert a["contact"] == 1.0  # e-mail, phone, consent, history
    assert c["contact"] == 0.25  # consent recorded (False is recorded)
    assert a["needs"] == 1.0 and b["needs"] == 0.0
    assert a["completeness"] == 1.0
    assert picture.loc["C", "product_ownership"] == 0.0


def test_summary_and_levels(tables):
    customers, transactions, interactions, needs = tables
    picture = customer_picture(customers, transactions, interactions=interactions, needs=needs)
    summary = aspect_summary(picture, pd.Series({"A": "top", "B": "rest", "C": "rest"}))
    assert summary.loc["top", "completeness"] == 1.0
    assert summary.loc["rest", "needs"] == 0.0
    assert knowledge_levels(picture).loc["A"] == "well known"
    assert knowledge_levels(picture).loc["C"] == "poorly known"


def test_probable_duplicates_fold_accents_case_and_spaces(tables):
    customers = tables[0]
    assert normalise_name(pd.Series(["Zoë  Peeters-Maes"])).iloc[0] == "zoe peeters maes"
    duplicates = probable_duplicates(customers)
    assert duplicates["customer_id"].tolist() == ["A", "C"]
    assert duplicates["group"].tolist() == [1, 1]
    assert probable_duplicates(customers.drop(columns="postcode")).empty

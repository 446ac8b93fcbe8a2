import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.experience import (
    experience_by,
    nps_by_contact,
    repeat_contacts,
    satisfaction_matrix,
)
from crmlib.errors import MissingDataError, ParameterError


@pytest.fixture
def interactions():
    rows = [
        # c1: a billing question that took two contacts in two channels, then a sale
        ("c1", "2024-01-01", "call centre", "billing", False, 2.0),
        ("c1", "2024-01-05", "e-mail", "billing", True, 4.0),
        ("c1", "2024-03-01", "store", "sales", True, 5.0),
        # c2: a complaint over two calls ten days apart, and a new one a month later
        ("c2", "2024-01-10", "call centre", "complaint", False, 1.0),
        ("c2", "2024-01-20", "call centre", "complaint", False, 1.0),
        ("c2", "2024-02-20", "call centre", "complaint", True, 3.0),
        # c3: a sale without a score
        ("c3", "2024-02-01", "store", "sales", True, np.nan),
    ]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "date", "channel", "process", "resolved", "satisfaction"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture
def channels():
    return pd.DataFrame(
        {"channel": ["call centre", "e-mail", "store"], "cost_per_contact": [6.5, 3.0, 8.0]}
    )


@pytest.fixture
def needs():
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c4"],
            "survey_date": pd.to_datetime(["2024-02-01", "2024-01-15", "2024-01-01"]),
            "nps": [10, 3, 8],
        }
    )


def test_repeat_contacts_by_hand(interactions, channels):
    table = repeat_contacts(interactions, channels)
    total = table.loc["all"]
    assert total["episodes"] == 5 and total["repeat_episodes"] == 2
    assert total["repeat_rate"] == pytest.approx(0.4)
    assert total["extra_contacts"] == 2
    # the e-mail after the billing call (3.0) and the second complaint call (6.5)
    assert total["extra_cost"] == pytest.approx(9.5)
    assert total["satisfaction_single"] == pytest.approx((5 + 3) / 2)
    assert total["satisfaction_repeat"] == pytest.approx((2 + 4 + 1 + 1) / 4)
    assert table.index.tolist() == ["billing", "complaint", "sales", "all"]
    assert table.loc["complaint", "extra_cost"] == pytest.approx(6.5)
    assert table.loc["sales", "repeat_rate"] == 0.0


def test_repeat_contacts_in_a_period_and_without_costs(interactions):
    table = repeat_contacts(interactions, start="2024-01-31", end="2024-12-31")
    assert table.loc["all", "episodes"] == 3 and table.loc["all", "repeat_episodes"] == 0
    assert np.isnan(table.loc["all", "extra_cost"])
    with pytest.raises(MissingDataError, match="process"):
        repeat_contacts(interactions.drop(columns=["process"]))


def test_experience_by_process_by_hand(interactions, needs):
    table = experience_by(interactions, needs, by="process")
    assert table.loc["complaint", "contacts"] == 3
    assert table.loc["complaint", "satisfaction"] == pytest.approx(5 / 3)
    assert table.loc["billing", "resolution_rate"] == pytest.approx(0.5)
    assert table.loc["complaint", "repeat_rate"] == pytest.approx(0.5)
    assert table.loc["complaint", "first_contact_resolution"] == pytest.approx(0.5)
    assert table.loc["billing", "first_contact_resolution"] == 0.0
    assert table.loc["billing", "nps"] == 100 and table.loc["complaint", "nps"] == -100
    assert np.isnan(table.loc["sales", "nps"])  # c1's sale came after the survey


def test_experience_by_channel_counts_episodes_where_they_start(interactions):
    table = experience_by(interactions, by="channel")
    # call centre starts three episodes (billing, complaint, complaint); two repeat
    assert table.loc["call centre", "episodes"] == 3
    assert table.loc["call centre", "repeat_rate"] == pytest.approx(2 / 3)
    assert np.isnan(table.loc["store", "nps"])
    with pytest.raises(ParameterError, match="channel' or 'process"):
        experience_by(interactions, by="segment")


def test_nps_by_contact_by_hand(interactions, needs):
    table = nps_by_contact(needs, interactions, by="process")
    assert table.loc["billing", "respondents"] == 1 and table.loc["billing", "nps"] == 100
    assert table.loc["complaint", "detractors"] == 1.0
    assert "sales" not in table.index
    assert table.loc["no contact", "nps"] == 0  # c4 is a passive (8)
    assert table.loc["all respondents", "respondents"] == 3
    assert table.loc["all respondents", "nps"] == pytest.approx(0.0)


def test_satisfaction_matrix_leaves_thin_cells_empty(interactions):
    matrix = satisfaction_matrix(interactions, min_rated=2)
    assert matrix.loc["complaint", "call centre"] == pytest.approx(5 / 3)
    assert np.isnan(matrix.loc["billing", "call centre"])  # a single score
    full = satisfaction_matrix(interactions, min_rated=1)
    assert full.loc["billing", "e-mail"] == 4.0


def test_on_the_sample_complaints_score_lowest(sample_dir):
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    table = experience_by(company.interactions, company.needs, by="process")
    assert table["satisfaction"].idxmin() == "complaint"
    repeats = repeat_contacts(company.interactions, company.channels)
    # repeat episodes leave customers less satisfied than settled ones
    assert repeats.loc["all", "satisfaction_repeat"] < repeats.loc["all", "satisfaction_single"]


@pytest.mark.parametrize("seed", range(6))
def test_repeat_contacts_place_each_contact_in_its_episode(seed, channels, random_contacts):
    # each contact's episode comes from the order the episodes are formed in; this places
    # them again one by one (a thread's contacts by date, then row) and checks the sums
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 600))
    frame = random_contacts(rng, n, hours=3000, channels=["call centre", "e-mail", "store"])
    frame["satisfaction"] = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, np.nan], n)
    window = int(rng.integers(1, 15))
    start, end = pd.Timestamp("2024-02-01"), pd.Timestamp("2024-04-01")
    cost_of = channels.set_index("channel")["cost_per_contact"]
    known = frame.dropna(subset=["customer_id", "process"])
    known = known.sort_values(["customer_id", "process", "date"], kind="mergesort")
    extra_cost, single, repeat, previous, run = 0.0, [], [], None, []
    runs = []
    for contact in known.itertuples(index=False):
        if not (
            previous is not None
            and (contact.customer_id, contact.process) == (previous.customer_id, previous.process)
            and (contact.date - previous.date).days <= window
        ):
            run = []
            runs.append(run)
        run.append(contact)
        previous = contact
    counted = [r for r in runs if start < r[0].date <= end]
    for r in counted:
        extra_cost += sum(cost_of[c.channel] for c in r[1:])
        scores = [c.satisfaction for c in r if not np.isnan(c.satisfaction)]
        (repeat if len(r) > 1 else single).extend(scores)
    if not counted:
        with pytest.raises(MissingDataError):
            repeat_contacts(frame, channels, window_days=window, start=start, end=end)
        return
    table = repeat_contacts(frame, channels, window_days=window, start=start, end=end)
    total = table.loc["all"]
    assert total["episodes"] == len(counted)
    assert total["extra_contacts"] == sum(len(r) - 1 for r in counted)
    assert total["extra_cost"] == pytest.approx(extra_cost)
    assert total["satisfaction_single"] == pytest.approx(
        np.mean(single) if single else np.nan, nan_ok=True
    )
    assert total["satisfaction_repeat"] == pytest.approx(
        np.mean(repeat) if repeat else np.nan, nan_ok=True
    )

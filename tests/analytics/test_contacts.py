import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.contacts import (
    channel_hoppers,
    channel_mix,
    contact_episodes,
    contact_frequency,
    episode_starts,
    episode_summary,
    satisfaction_by,
)
from crmlib.errors import MissingDataError


@pytest.fixture
def interactions():
    rows = [
        # A: billing question over phone, then e-mail 3 days later, then chat 20 days later
        ("A", "2025-01-01", "call centre", "billing", True, 2),
        ("A", "2025-01-04", "e-mail", "billing", False, 3),
        ("A", "2025-01-24", "chat", "billing", True, 5),
        # A: a sales contact the same day as the billing one: another process
        ("A", "2025-01-01", "store", "sales", True, 5),
        # B: a warranty claim twice in the store
        ("B", "2025-02-01", "store", "warranty", False, None),
        ("B", "2025-02-10", "store", "warranty", True, 4),
    ]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "date", "channel", "process", "resolved", "satisfaction"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["resolved"] = frame["resolved"].astype("boolean")
    return frame


def test_episodes_by_hand(interactions):
    episodes = contact_episodes(interactions, window_days=14)
    assert len(episodes) == 4
    billing = episodes[(episodes.customer_id == "A") & (episodes.process == "billing")]
    # the chat 20 days later starts a second billing episode
    assert billing["contacts"].tolist() == [2, 1]
    assert billing["channel_path"].tolist() == ["call centre > e-mail", "chat"]
    assert billing["cross_channel"].tolist() == [True, False]
    warranty = episodes[episodes.process == "warranty"].iloc[0]
    assert warranty["repeat"] and not warranty["cross_channel"]
    assert not warranty["resolved_first_contact"]


def test_wider_window_joins_episodes(interactions):
    episodes = contact_episodes(interactions, window_days=30)
    assert len(episodes) == 3
    assert "call centre > e-mail > chat" in episodes["channel_path"].tolist()


def test_summary_and_hoppers(interactions):
    episodes = contact_episodes(interactions, window_days=14)
    summary = episode_summary(episodes)
    assert summary.loc["billing", "episodes"] == 2
    assert summary.loc["billing", "cross_channel_rate"] == 0.5
    assert summary.loc["warranty", "repeat_rate"] == 1.0
    assert summary.loc["sales", "first_contact_resolution"] == 1.0
    hoppers = channel_hoppers(episodes)
    assert hoppers.index.tolist() == ["A"]
    assert hoppers.loc["A", "cross_channel_episodes"] == 1
    assert hoppers.loc["A", "processes"] == "billing"


def test_channel_mix_by_segment(interactions):
    mix = channel_mix(interactions, pd.Series({"A": "gold"}))
    assert mix.loc["gold", "call centre"] == pytest.approx(0.25)
    assert mix.loc["unassigned", "store"] == 1.0
    assert mix.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])


def test_contact_frequency_counts_silent_customers(interactions):
    table = contact_frequency(
        interactions, pd.Series(["A", "B", "C"]), start="2025-01-01", end="2025-12-31"
    )
    assert table.loc["all", "contacts"] == 6
    assert table.loc["all", "share_contacted"] == pytest.approx(2 / 3)
    assert table.loc["all", "contacts_per_customer_year"] == pytest.approx(6 / 3 / (364 / 365.25))


def test_satisfaction_by_channel(interactions):
    table = satisfaction_by(interactions, "channel")
    assert table.loc["store", "satisfaction"] == pytest.approx(4.5)
    assert table.loc["store", "rated"] == 2 and table.loc["store", "contacts"] == 3
    assert table.loc["store", "resolution_rate"] == pytest.approx(2 / 3)


def test_missing_columns_say_what_is_needed(interactions):
    with pytest.raises(MissingDataError, match="needs the column\\(s\\) process"):
        contact_episodes(interactions.drop(columns="process"))


def test_channel_handovers_by_hand():
    from crmlib.analytics.contacts import channel_handovers, handover_summary

    data = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B", "C", "C"],
            "date": pd.to_datetime(
                [
                    "2024-01-01",  # A billing, webshop
                    "2024-01-03",  # A moves to phone: handover 1, followed by a repeat
                    "2024-01-05",  # A moves back to webshop: handover 2, resolved, last
                    "2024-02-01",  # B sales, store
                    "2024-03-01",  # B phone 29 days later: a new episode, no handover
                    "2024-12-20",  # C complaint, webshop
                    "2024-12-25",  # C phone 5 days before the data's end: not known yet
                ]
            ),
            "channel": ["webshop", "phone", "webshop", "store", "phone", "webshop", "phone"],
            "process": ["billing"] * 3 + ["sales"] * 2 + ["complaint"] * 2,
            "resolved": [False, False, True, True, True, False, True],
        }
    )
    moves = channel_handovers(data, window_days=14, until="2024-12-31")
    assert list(zip(moves["from_channel"], moves["to_channel"], strict=True)) == [
        ("webshop", "phone"),
        ("phone", "webshop"),
        ("webshop", "phone"),
    ]
    assert moves["continued"].tolist()[:2] == [False, True]
    assert moves["continued"].isna().tolist() == [False, False, True]
    summary = handover_summary(moves).loc["all"]
    assert (summary["handovers"], summary["known"], summary["continued"]) == (3, 2, 1)
    assert summary["continued_rate"] == pytest.approx(0.5)
    # Without resolution data only the absence of a repeat counts.
    bare = channel_handovers(data.drop(columns="resolved"), window_days=14)
    assert bare["continued"].tolist() == [False, True, True]
    assert bare["resolved"].isna().all()


def episodes_by_rule(frame: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """The episodes of ``frame`` written out contact by contact: the reference the
    engine's episodes are held to. Contacts in thread order (customer, process, date,
    then row); one continues the one before when they share customer and process and lie
    at most ``window_days`` whole days (floored) apart."""
    data = frame.dropna(subset=["customer_id", "date", "process"])
    data = data.sort_values(["customer_id", "process", "date"], kind="mergesort")
    rows, current, previous = [], None, None
    for contact in data.itertuples(index=False):
        same = (
            previous is not None
            and (contact.customer_id, contact.process) == (previous.customer_id, previous.process)
            and (contact.date - previous.date).days <= window_days
        )
        if not same:
            current = {"contact": contact, "dates": [], "channels": []}
            rows.append(current)
        current["dates"].append(contact.date)
        current["channels"].append(contact.channel)
        previous = contact
    out = []
    for episode in rows:
        first = episode["contact"]
        used = [c for c in dict.fromkeys(episode["channels"]) if not pd.isna(c)]
        resolved = getattr(first, "resolved", pd.NA)
        out.append(
            {
                "customer_id": first.customer_id,
                "process": first.process,
                "start": min(episode["dates"]),
                "end": max(episode["dates"]),
                "contacts": len(episode["dates"]),
                "channels": len(used),
                "channel_path": " > ".join(str(c) for c in used),
                "first_channel": first.channel,
                # an episode of more contacts was not resolved by its first, known or not
                "resolved_first_contact": False
                if len(episode["dates"]) > 1
                else (pd.NA if pd.isna(resolved) else bool(resolved)),
            }
        )
    return pd.DataFrame(out)


def assert_episodes_follow_the_rule(frame: pd.DataFrame, window_days: int) -> None:
    found = contact_episodes(frame, window_days)
    expected = episodes_by_rule(frame, window_days)
    assert len(found) == len(expected)
    for column in ("customer_id", "process", "channel_path"):
        assert found[column].astype(object).tolist() == expected[column].tolist(), column
    for column in ("start", "end"):
        assert found[column].tolist() == expected[column].tolist(), column
    for column in ("contacts", "channels"):
        assert found[column].tolist() == expected[column].tolist(), column

    def named(values):
        return [None if pd.isna(v) else v for v in values]

    assert named(found["first_channel"]) == named(expected["first_channel"])
    if "resolved" in frame.columns:
        assert found["resolved_first_contact"].astype(object).fillna("?").tolist() == (
            expected["resolved_first_contact"].astype(object).fillna("?").tolist()
        )
    assert (found["repeat"] == (found["contacts"] > 1)).all()
    assert (found["cross_channel"] == (found["channels"] > 1)).all()


@pytest.mark.parametrize("seed", range(12))
def test_episodes_follow_the_rule_with_ties_times_and_gaps(seed):
    # the engine forms the episodes; this holds them to the rule contact by contact,
    # with ties on one day (kept in the table's order), times of day, missing channels,
    # customers, processes, dates and resolutions, and rows in no order
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 600))
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice(["a", "b", "c", "d", None], n),
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 3000, n), "h")
            + pd.to_timedelta(rng.integers(0, 2, n) * 30, "min"),
            "channel": rng.choice(["web", "shop", "call centre", None], n),
            "process": rng.choice(["billing", "sales", "complaint", None], n),
            "resolved": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        }
    )
    frame.loc[rng.integers(0, n, 3), "date"] = pd.NaT
    assert_episodes_follow_the_rule(frame, int(rng.integers(0, 20)))


def test_episodes_of_the_sample_company_follow_the_rule(sample_dir):
    from crmlib.data.company import load_company

    interactions = load_company(sample_dir).interactions
    assert_episodes_follow_the_rule(interactions, 14)
    assert_episodes_follow_the_rule(interactions.drop(columns="resolved"), 3)


def random_contacts(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "customer_id": pd.array(rng.integers(0, 300, n).astype(str), dtype="string"),
            "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 200, n), "D"),
            "channel": rng.choice(["webshop", "call centre", "store", "e-mail"], n),
            "process": rng.choice(["billing", "sales", "complaint", "warranty", "delivery"], n),
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hoppers_list_each_customers_hopped_processes_sorted_once(seed):
    episodes = contact_episodes(random_contacts(seed), window_days=14)
    hoppers = channel_hoppers(episodes)
    hopped = episodes[episodes["cross_channel"]]
    expected = hopped.groupby("customer_id")["process"].agg(lambda s: ", ".join(sorted(set(s))))
    assert len(hoppers) > 50
    assert hoppers["processes"].to_dict() == expected.to_dict()


def test_episode_starts_by_hand(interactions):
    starts = episode_starts(interactions).sort_values(["start", "contacts"])
    # A sales, A billing (2 contacts), A billing again after 20 days, B warranty (2)
    assert starts["contacts"].tolist() == [1, 2, 1, 2]
    assert starts["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-01",
        "2025-01-01",
        "2025-01-24",
        "2025-02-01",
    ]
    # contacts after the end are left out before the episodes are formed
    assert episode_starts(interactions, end=pd.Timestamp("2025-01-04"))["contacts"].sum() == 3


@pytest.mark.parametrize("seed", range(20))
def test_episode_starts_are_the_episodes_of_contact_episodes(seed, random_contacts):
    # the counts the customer base states come from episode_starts: the same rule,
    # also with times of day (gaps floored to whole days), missing values and ties
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    frame = random_contacts(rng, n, hours=4800, channels=["web", "shop"])
    frame.loc[rng.integers(0, n, 3), "date"] = pd.NaT
    window = int(rng.integers(0, 20))
    episodes = contact_episodes(frame, window)
    starts = episode_starts(frame, window)
    assert sorted(zip(starts["start"], starts["contacts"], strict=True)) == sorted(
        zip(episodes["start"], episodes["contacts"], strict=True)
    )

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


def test_distinct_rows_match_numpy_for_narrow_and_wide_rows():
    import numpy as np

    from crmlib.analytics.contacts import _distinct_rows

    rng = np.random.default_rng(3)
    for width, symbols in ((3, 5), (40, 9)):
        matrix = rng.integers(-1, symbols, size=(500, width)).astype(np.int32)
        matrix[::7] = matrix[0]
        rows, inverse = _distinct_rows(matrix, symbols)
        np.testing.assert_array_equal(rows[inverse], matrix)
        expected = np.unique(matrix, axis=0)
        assert len(rows) == len(expected)


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
    starts = episode_starts(interactions).sort_values("start", kind="mergesort")
    # A billing (2 contacts), A sales, A billing again after 20 days, B warranty (2)
    assert starts["contacts"].tolist() == [2, 1, 1, 2]
    assert starts["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-01",
        "2025-01-01",
        "2025-01-24",
        "2025-02-01",
    ]
    # contacts after the end are left out before the episodes are formed
    assert episode_starts(interactions, end=pd.Timestamp("2025-01-04"))["contacts"].sum() == 3


@pytest.mark.parametrize("seed", range(20))
def test_episode_starts_are_the_episodes_of_contact_episodes(seed):
    # the counts the customer base states come from episode_starts: the same rule,
    # also with times of day (gaps floored to whole days), missing values and ties
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice(["a", "b", "c", None], n),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 4800, n), "h"),
            "channel": rng.choice(["web", "shop"], n),
            "process": rng.choice(["billing", "sales", None], n),
        }
    )
    frame.loc[rng.integers(0, n, 3), "date"] = pd.NaT
    window = int(rng.integers(0, 20))
    episodes = contact_episodes(frame, window)
    starts = episode_starts(frame, window)
    assert sorted(zip(starts["start"], starts["contacts"], strict=True)) == sorted(
        zip(episodes["start"], episodes["contacts"], strict=True)
    )

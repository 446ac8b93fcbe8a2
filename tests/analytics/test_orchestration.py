import numpy as np
import pandas as pd
import pytest

from crmlib.analytics import orchestration as o
from crmlib.analytics.contacts import contact_episodes
from crmlib.errors import MissingDataError, ParameterError


def frame(rows, columns):
    out = pd.DataFrame(rows, columns=columns)
    for column in out.columns:
        if "date" in column:
            out[column] = pd.to_datetime(out[column])
    return out


CONTACT_COLUMNS = ["customer_id", "date", "channel", "process", "resolved", "direction"]


@pytest.fixture
def contacts():
    rows = [
        # A: billing by phone, unresolved; e-mail 3 days later, still unresolved (history
        # lost); chat 20 days later starts a new episode and settles it
        ("A", "2025-01-01", "call centre", "billing", False, "inbound"),
        ("A", "2025-01-04", "e-mail", "billing", False, "inbound"),
        ("A", "2025-01-24", "chat", "billing", True, "inbound"),
        # B: a warranty claim twice in the store: a repeat, but no handover
        ("B", "2025-02-01", "store", "warranty", False, "inbound"),
        ("B", "2025-02-10", "store", "warranty", True, "inbound"),
        # C: a complaint by e-mail, then settled by phone: the history followed
        ("C", "2025-03-01", "e-mail", "complaint", False, "inbound"),
        ("C", "2025-03-03", "call centre", "complaint", True, "inbound"),
        # C: an information request and an outbound sales call while the complaint was open
        ("C", "2025-03-02", "webshop", "information", True, "inbound"),
        ("C", "2025-03-02", "call centre", "sales", True, "outbound"),
    ]
    out = frame(rows, CONTACT_COLUMNS)
    out["resolved"] = out["resolved"].astype("boolean")
    return out


def test_threads_match_the_episodes_of_contacts(contacts):
    threads = o.contact_threads(contacts, window_days=14)
    episodes = contact_episodes(contacts, window_days=14)
    assert threads["episode"].nunique() == len(episodes) == 6
    sizes = threads.groupby("episode").size().tolist()
    assert sizes == episodes["contacts"].tolist()
    a = threads[threads["customer_id"] == "A"]
    assert a["position"].tolist() == [0, 1, 0]
    assert a["previous_channel"].isna().tolist() == [True, False, True]
    assert a["previous_channel"].iloc[1] == "call centre"
    assert a["last"].tolist() == [False, True, True]


@pytest.fixture(scope="module")
def sample(sample_dir):
    from crmlib.data.company import load_company

    return load_company(sample_dir)


def test_threads_on_the_sample_match_contact_episodes(sample):
    interactions = sample.interactions
    threads = o.contact_threads(interactions, window_days=7)
    episodes = contact_episodes(interactions, window_days=7)
    assert threads["episode"].nunique() == len(episodes)
    assert int((threads["position"] > 0).sum()) == int((episodes["contacts"] - 1).sum())


def test_handovers_by_hand(contacts):
    handovers = o.channel_handovers(contacts)
    # A: call centre -> e-mail (still unresolved: lost); C: e-mail -> call centre (settled)
    assert handovers[["customer_id", "from_channel", "to_channel"]].values.tolist() == [
        ["A", "call centre", "e-mail"],
        ["C", "e-mail", "call centre"],
    ]
    assert handovers["history_lost"].tolist() == [True, False]
    # one definition of a handover and its outcome: Payne & Frow's continuity reads the same
    from crmlib.analytics.contacts import channel_handovers

    moves = channel_handovers(contacts)
    assert (~moves["continued"].astype(bool)).tolist() == handovers["history_lost"].tolist()
    matrix = o.handover_matrix(handovers).set_index(["from_channel", "to_channel"])
    assert matrix.loc[("call centre", "e-mail"), "lost_rate"] == 1.0
    assert matrix.loc[("e-mail", "call centre"), "lost"] == 0


def test_without_resolution_a_handover_is_lost_when_the_customer_came_back():
    rows = [
        ("D", "2025-01-01", "webshop", "delivery"),
        ("D", "2025-01-02", "call centre", "delivery"),
        ("D", "2025-01-03", "call centre", "delivery"),
        ("E", "2025-01-01", "store", "billing"),
        ("E", "2025-01-02", "e-mail", "billing"),
    ]
    handovers = o.channel_handovers(frame(rows, ["customer_id", "date", "channel", "process"]))
    assert handovers["customer_id"].tolist() == ["D", "E"]
    # D had to call again after the handover; E's e-mail was the last contact
    assert handovers["history_lost"].tolist() == [True, False]


def test_channels_per_customer(contacts):
    used = o.channels_per_customer(contacts)
    assert used.to_dict() == {"A": 3, "B": 1, "C": 3}


def test_episodes_stay_open_until_resolved(contacts):
    episodes = o.process_episodes(contacts, window_days=14).set_index(["customer_id", "process"])
    # C's complaint: opened 1 March, resolved 3 March
    complaint = episodes.loc[("C", "complaint")]
    assert complaint["opened"] == pd.Timestamp("2025-03-01")
    assert complaint["closed"] == pd.Timestamp("2025-03-03")
    assert complaint["resolved"] == 1.0
    # A's first billing episode was never resolved: open 14 days after its last contact
    first = episodes.loc[("A", "billing")].iloc[0]
    assert first["closed"] == pd.Timestamp("2025-01-18") and first["resolved"] == 0.0


def test_pushes_during_open_issues_by_hand(contacts):
    campaigns = frame(
        [
            ("K1", "A", "2025-01-10", "spring offer"),  # A's billing issue open to 18 Jan
            ("K2", "A", "2025-01-19", "summer offer"),  # after it closed: fine
            ("K1", "B", "2025-01-10", "spring offer"),  # B has no issue then
        ],
        ["campaign_id", "customer_id", "sent_date", "offer"],
    )
    issues = o.open_issues(contacts, window_days=14)
    assert set(issues["process"]) == {"billing", "warranty", "complaint"}  # no sales, information
    pushes = o.sales_pushes(contacts, campaigns)
    assert pushes["push"].value_counts().to_dict() == {
        "campaign offer": 3,
        "outbound sales contact": 1,
    }
    conflicts = o.pushes_during_open_issues(issues, pushes)
    assert conflicts[["customer_id", "push", "process"]].values.tolist() == [
        ["A", "campaign offer", "billing"],
        ["C", "outbound sales contact", "complaint"],
    ]
    overview = o.process_overview(o.process_episodes(contacts), conflicts)
    assert overview.loc["billing", "pushed"] == 1 and overview.loc["billing", "episodes"] == 2
    assert overview.loc["billing", "unresolved_rate"] == 0.5
    assert overview.loc["warranty", "repeat_rate"] == 1.0


def test_sales_pushes_need_some_source():
    with pytest.raises(MissingDataError):
        o.sales_pushes(None, None)


def test_repeat_contacts_and_their_cost(contacts):
    channels = pd.DataFrame(
        {
            "channel": ["call centre", "e-mail", "chat", "store", "webshop"],
            "cost_per_contact": [6.0, 2.0, 1.0, 8.0, 0.5],
        }
    )
    moments = o.repeat_contacts(contacts, 14, channels)
    # billing: two episodes (2 contacts, 1 contact); the repeat was an e-mail
    assert moments.loc["billing", ["episodes", "one", "two", "three_plus"]].tolist() == [2, 1, 1, 0]
    assert moments.loc["billing", "repeat_contacts"] == 1
    assert moments.loc["billing", "repeat_cost"] == 2.0
    assert moments.loc["warranty", "repeat_cost"] == 8.0
    assert moments.loc["warranty", "median_days_to_repeat"] == 9
    assert moments.loc["complaint", "repeat_rate"] == 1.0
    assert moments.loc["sales", "repeat_contacts"] == 0
    assert np.isnan(o.repeat_contacts(contacts)["repeat_cost"]).all()


def test_a_negative_window_is_refused(contacts):
    with pytest.raises(ParameterError):
        o.contact_threads(contacts, window_days=-1)


def test_missing_process_column_is_named():
    table = frame([("A", "2025-01-01", "store")], ["customer_id", "date", "channel"])
    with pytest.raises(MissingDataError, match="process"):
        o.channel_handovers(table)


# -- products ---------------------------------------------------------------------------------


@pytest.fixture
def shop():
    products = pd.DataFrame(
        {"product_id": ["P1", "P2", "P3"], "category": ["bbq", "bbq", "plants"]}
    )
    lines = [
        # recipients of K1 bought barbecues; others bought plants
        ("R1", "2024-04-01", "P1", False),
        ("R2", "2024-05-20", "P2", False),  # 11 days before K1: just bought
        ("R3", "2024-03-01", "P1", False),
        ("R3", "2024-03-10", "P1", True),  # returned 82 days before K1
        ("R4", "2024-01-05", "P1", False),
        ("R4", "2024-05-30", "P3", False),  # plants just before: not the offer's category
        ("N1", "2024-02-01", "P3", False),
        ("N2", "2024-02-01", "P3", False),
        ("N3", "2024-02-01", "P3", False),
        ("N4", "2024-02-01", "P3", False),
        ("R1", "2024-06-05", "P1", False),  # after the send date: no conflict
    ]
    transactions = frame(lines, ["customer_id", "date", "product_id", "is_return"])
    campaigns = frame(
        [
            ("K1", "R1", "2024-05-31", "Barbecue week"),
            ("K1", "R2", "2024-05-31", "Barbecue week"),
            ("K1", "R3", "2024-05-31", "Barbecue week"),
            ("K1", "R4", "2024-05-31", "Barbecue week"),
            ("K2", "R1", "2024-05-31", "A voucher"),
            ("K2", "N1", "2024-05-31", "A voucher"),
            ("K2", "R2", "2024-05-31", "A voucher"),
            ("K2", "N2", "2024-05-31", "A voucher"),
        ],
        ["campaign_id", "customer_id", "sent_date", "offer"],
    )
    return campaigns, transactions, products


def test_offer_category_is_read_from_the_targeting(shop):
    campaigns, transactions, products = shop
    categories = o.offer_categories(campaigns, transactions, products).set_index("campaign_id")
    assert categories.loc["K1", "category"] == "bbq"
    assert categories.loc["K1", "source"] == "inferred"
    # all four recipients and none of the four others had bought a barbecue:
    # odds (4.5 / 0.5) over (0.5 / 4.5) = 81
    assert categories.loc["K1", "odds_ratio"] == pytest.approx(81.0)
    # K2 went to two barbecue and two plant buyers: no category stands out
    assert categories.loc["K2", "category"] is None
    assert categories.loc["K2", "source"] == "general"
    assert categories.loc["K1", "recipients"] == 4


def test_a_recorded_category_is_used_as_given(shop):
    campaigns, transactions, products = shop
    recorded = campaigns.assign(category=np.where(campaigns["campaign_id"] == "K1", "plants", None))
    categories = o.offer_categories(recorded, transactions, products).set_index("campaign_id")
    assert categories.loc["K1", "category"] == "plants"
    assert categories.loc["K1", "source"] == "recorded"
    assert categories.loc["K2", "source"] == "general"


def test_offer_conflicts_by_hand(shop):
    campaigns, transactions, products = shop
    conflicts = o.offer_conflicts(campaigns, transactions, products, recent_days=30)
    assert conflicts[["customer_id", "conflict"]].values.tolist() == [
        ["R2", "just bought"],
        ["R3", "returned"],
    ]
    assert conflicts["last_date"].tolist() == [
        pd.Timestamp("2024-05-20"),
        pd.Timestamp("2024-03-10"),
    ]
    # a shorter window no longer catches R2's purchase 11 days before
    assert o.offer_conflicts(campaigns, transactions, products, recent_days=10)[
        "customer_id"
    ].tolist() == ["R3"]
    categories = o.offer_categories(campaigns, transactions, products)
    per_campaign = o.conflicts_per_campaign(categories, conflicts)
    assert per_campaign.loc["K1", ["offers", "just_bought", "returned"]].tolist() == [4, 1, 1]
    assert per_campaign.loc["K1", "conflict_rate"] == 0.5
    assert "K2" not in per_campaign.index


def test_offer_categories_of_the_sample_match_how_it_was_drawn(sample):
    """The sample generator targets each category campaign on that category's fans
    (crmlib.sample._catalogue.CAMPAIGNS); the inference must find them back."""
    company = sample
    found = o.offer_categories(company.campaigns, company.transactions, company.products)
    assert found.set_index("campaign_id")["category"].to_dict() == {
        "CMP01": "seeds & bulbs",
        "CMP02": "barbecue",
        "CMP03": "garden furniture",
        "CMP04": "seeds & bulbs",
        "CMP05": "christmas",
        "CMP06": "plants",
        "CMP07": "pet",
        "CMP08": None,  # the win-back voucher
        "CMP09": "christmas",
    }


# -- related customers ------------------------------------------------------------------------


def test_household_mix_by_hand():
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E", "F"],
            "related_id": ["H1", "H1", "H2", "H2", None, "H3"],
        }
    )
    values = pd.Series({"A": 500.0, "B": -20.0, "C": 10.0, "D": 5.0, "E": -99.0, "F": 800.0})
    households = o.household_mix(customers, values, top_share=0.34)
    # the top 34 % of six customers: the two best, F and A; F is alone in H3
    assert households["related_id"].tolist() == ["H1", "H2"]
    h1 = households.iloc[0]
    assert (h1["best_customer"], h1["worst_customer"]) == ("A", "B")
    assert h1["total_value"] == 480.0 and h1["mixed"]
    assert h1["top_members"] == 1 and h1["loss_members"] == 1
    assert not households.iloc[1]["mixed"]
    flagged = o.household_mix(customers, values, pd.Series({"C": True}))
    assert flagged.set_index("related_id").loc["H2", "top_members"] == 1


def test_household_mix_needs_related_id():
    with pytest.raises(MissingDataError, match="related_id"):
        o.household_mix(pd.DataFrame({"customer_id": ["A"]}), pd.Series({"A": 1.0}))


def test_scorecard_counts_each_dimension(contacts, shop):
    campaigns, transactions, products = shop
    handovers = o.channel_handovers(contacts)
    issues = o.open_issues(contacts)
    pushed = o.pushes_during_open_issues(issues, o.sales_pushes(contacts, None))
    categories = o.offer_categories(campaigns, transactions, products)
    card = o.orchestration_scorecard(
        handovers=handovers,
        issues=issues,
        pushed=pushed,
        moments=o.repeat_contacts(contacts),
        categories=categories,
        conflicts=o.offer_conflicts(campaigns, transactions, products, categories),
    )
    assert list(card.index) == list(o.DIMENSIONS)
    assert card.loc["channels", ["checked", "mismatches", "rate"]].tolist() == [2, 1, 0.5]
    assert card.loc["customer processes", ["checked", "mismatches"]].tolist() == [4, 1]
    # six episodes, three of them with a repeat
    assert card.loc["contact moments", "rate"] == 0.5
    assert card.loc["products", ["checked", "mismatches"]].tolist() == [4, 2]
    assert np.isnan(card.loc["customers", "rate"])


@pytest.mark.parametrize("seed", range(8))
def test_threads_are_the_episodes_contact_by_contact(seed, random_contacts):
    # the orchestration checks read each contact with its episode: the same episodes, in
    # the same order, as contact_episodes forms, with ties, times and missing values
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 500))
    frame = random_contacts(rng, n, hours=2000, channels=["web", "shop", "call centre"])
    window = int(rng.integers(0, 15))
    threads = o.contact_threads(frame, window)
    episodes = contact_episodes(frame, window)
    grouped = threads.groupby("episode", sort=True)
    assert grouped.ngroups == len(episodes)
    assert grouped.size().tolist() == episodes["contacts"].tolist()
    assert grouped["date"].min().tolist() == episodes["start"].tolist()
    assert grouped["channel"].first().tolist() == episodes["first_channel"].tolist()
    assert grouped["customer_id"].first().tolist() == episodes["customer_id"].tolist()
    # positions count up from 0 within an episode, the last contact is marked last
    assert (threads["position"] == threads.groupby("episode").cumcount()).all()
    assert (threads["last"] == (threads["position"] == grouped["position"].transform("max"))).all()
    later = threads["position"] > 0
    assert (
        threads.loc[later, "previous_channel"].tolist()
        == threads["channel"].shift().loc[later].tolist()
    )
    assert threads.loc[~later, "previous_channel"].isna().all()


@pytest.mark.parametrize("seed", range(4))
def test_repeats_of_whole_episodes_need_no_new_threads(seed):
    # IDOL counts repeat contacts of the episodes that began in a window: those episodes'
    # threads give what forming them again from their contacts gives
    rng = np.random.default_rng(seed)
    n = 800
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice(["a", "b", "c", "d"], n),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 4000, n), "h"),
            "channel": rng.choice(["web", "shop", "call centre"], n),
            "process": rng.choice(["billing", "sales", "complaint"], n),
        }
    )
    channels = pd.DataFrame(
        {"channel": ["web", "shop", "call centre"], "cost_per_contact": [1.0, 8.0, 6.5]}
    )
    threads = o.contact_threads(frame, 10)
    began = threads.groupby("episode")["date"].transform("min")
    chosen = threads[(began > pd.Timestamp("2024-02-01")).to_numpy()]
    again = o.repeat_contacts(chosen[["customer_id", "process", "date", "channel"]], 10, channels)
    pd.testing.assert_frame_equal(o.thread_repeats(chosen, channels), again)

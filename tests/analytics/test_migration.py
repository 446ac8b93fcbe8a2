import numpy as np
import pandas as pd
import pytest

from crmlib.analytics import migration as mg
from crmlib.errors import MissingDataError, ParameterError

ORDER = ("platinum", "gold", "silver", "bronze", "inactive")


@pytest.fixture
def moves():
    before = pd.Series({"A": "gold", "B": "silver", "C": "gold", "E": "joined", "F": "bronze"})
    after = pd.Series(
        {"A": "platinum", "B": "bronze", "C": "gold", "D": "silver", "E": "bronze", "F": "inactive"}
    )
    return mg.migration_table(before, after, ORDER)


def test_migration_table_by_hand(moves):
    assert moves["move"].to_dict() == {
        "A": "up",
        "B": "down",
        "C": "same",
        "D": "joined",  # not known at the first date
        "E": "joined",  # labelled joined there
        "F": "down",
    }
    assert moves.loc["D", "before"] == mg.NEW


def test_transition_matrix_by_hand(moves):
    matrix = mg.transition_matrix(moves, ORDER)
    assert list(matrix.index) == [*ORDER, mg.NEW]
    assert list(matrix.columns) == list(ORDER)
    assert matrix.loc["gold"].tolist() == [1, 1, 0, 0, 0]
    assert matrix.loc[mg.NEW].tolist() == [0, 0, 1, 1, 0]
    assert matrix.loc["platinum"].sum() == 0
    rates = mg.transition_matrix(moves, ORDER, normalize=True)
    assert rates.loc["gold"].tolist() == [0.5, 0.5, 0.0, 0.0, 0.0]
    assert rates.loc["platinum"].isna().all()  # nobody was platinum then
    assert matrix.to_numpy().sum() == len(moves)


def test_no_joined_row_when_nobody_joined():
    table = mg.migration_table(pd.Series({"A": "gold"}), pd.Series({"A": "silver"}), ORDER)
    assert mg.NEW not in mg.transition_matrix(table, ORDER).index


def test_summary_and_flows(moves):
    summary = mg.migration_summary(moves)
    assert summary["customers"].to_dict() == {"up": 1, "same": 1, "down": 2, "joined": 2}
    # shares of the four customers known at both dates
    assert summary.loc["down", "share_of_known"] == 0.5
    assert summary.loc["up", "share"] == pytest.approx(1 / 6)
    assert np.isnan(summary.loc["joined", "share_of_known"])
    flows = mg.migration_flows(moves)
    assert flows["customers"].sum() == 6
    assert flows.iloc[-1]["move"] == "same"  # the pairs that moved come first
    gold_up = flows[(flows["before"] == "gold") & (flows["after"] == "platinum")]
    assert gold_up["customers"].tolist() == [1]


def test_value_shift_by_hand(moves):
    before = pd.Series({"A": 100.0, "B": 40.0, "C": 80.0, "F": 5.0})
    after = pd.Series({"A": 300.0, "B": 10.0, "C": 90.0, "D": 20.0, "E": 7.0, "F": -2.0})
    shift = mg.value_shift(moves, before, after)
    assert shift.loc["gold", ["customers", "value_before", "value_after", "change"]].tolist() == [
        2,
        180.0,
        390.0,
        210.0,
    ]
    assert shift.loc["bronze", "moved_down"] == 1
    assert shift.loc[mg.NEW, "value_after"] == 27.0


def test_movers_by_group(moves):
    groups = pd.Series({"A": "advice", "B": "advice", "C": "price", "D": "price", "F": None})
    movers = mg.movers_by(moves, groups.rename("needs_segment"))
    # advice: A up, B down; price: C stayed (D joined and does not count; F has no group)
    assert movers.loc["advice", ["customers", "up", "down", "net"]].tolist() == [2, 0.5, 0.5, 0.0]
    assert movers.loc["price", ["customers", "same"]].tolist() == [1, 1.0]
    assert movers.index.name == "needs_segment"


def test_unknown_states_are_refused():
    with pytest.raises(ParameterError, match="diamond"):
        mg.migration_table(pd.Series({"A": "diamond"}), pd.Series({"A": "gold"}), ORDER)
    with pytest.raises(ParameterError):
        mg.migration_table(pd.Series({"A": "gold"}), pd.Series({"A": mg.NEW}), ORDER)
    with pytest.raises(ParameterError):
        mg.state_order("favourite colour")


def test_state_orders_name_the_segments_of_customer_segments():
    assert mg.state_order("value_tier")[0] == "platinum"
    assert mg.state_order("value_category") == ("MVC", "MGC", "other", "BZ", "inactive")
    assert mg.state_order("rfm_segment")[0] == "champions"
    assert mg.state_order("rfm_segment")[-1] == "no purchase"


# -- segments at a date -----------------------------------------------------------------------


@pytest.fixture
def tiny():
    customers = pd.DataFrame(
        {
            "customer_id": ["X", "Y", "Z", "W"],
            "signup_date": pd.to_datetime(["2022-01-01", "2024-09-01", "2023-01-01", "2023-06-01"]),
        }
    )
    rows = [
        ("X", "2022-03-01", 50.0, 10.0),  # long ago: inactive at both dates
        ("Z", "2023-10-01", 500.0, 100.0),
        ("Z", "2024-10-01", 400.0, 100.0),
        ("W", "2023-08-01", 50.0, 10.0),
        ("W", "2024-11-01", 60.0, 10.0),
        ("Y", "2024-10-15", 80.0, 20.0),  # joined after the first date
    ]
    transactions = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "cost"])
    transactions["date"] = pd.to_datetime(transactions["date"])
    return customers, transactions


def test_segments_at_labels_inactive_and_joined(tiny):
    customers, transactions = tiny
    first = mg.segments_at(transactions, customers, at="2024-06-30")
    second = mg.segments_at(transactions, customers, at="2024-12-31")
    # 12 months to 30 June 2024: Z's margin 400 and W's 40 (value tiers by share of value);
    # X last bought in March 2022; Y signed up in September 2024
    assert first["segment"].to_dict() == {
        "W": "silver",
        "X": "inactive",
        "Y": mg.NEW,
        "Z": "platinum",
    }
    assert first["current_value"].to_dict() == {"W": 40.0, "X": 0.0, "Y": 0.0, "Z": 400.0}
    # 12 months to 31 December 2024: Z 300 (73 % of 410), Y 60 (to 88 %), W 50
    assert second["segment"].to_dict() == {
        "W": "silver",
        "X": "inactive",
        "Y": "gold",
        "Z": "platinum",
    }
    table = mg.migration_table(first["segment"], second["segment"], mg.state_order("value_tier"))
    assert table.loc["Y", "move"] == mg.NEW
    assert table.loc["X", "move"] == "same"


def test_segments_at_needs_purchases_by_then(tiny):
    customers, transactions = tiny
    with pytest.raises(MissingDataError, match="no purchase"):
        mg.segments_at(transactions, customers, at="2021-01-01")


def test_entry_dates_take_the_earlier_of_signup_and_purchase(tiny):
    customers, transactions = tiny
    early = transactions.assign(
        date=transactions["date"].where(
            transactions["customer_id"] != "Y", pd.Timestamp("2024-08-01")
        )
    )
    entered = mg.entry_dates(customers, early)
    assert entered["Y"] == pd.Timestamp("2024-08-01")
    assert entered["X"] == pd.Timestamp("2022-01-01")


# -- campaign responses ----------------------------------------------------------------------


@pytest.fixture
def campaigns():
    rows = [
        ("K1", "A", True, 50.0),
        ("K1", "B", False, 0.0),
        ("K1", "C", False, 0.0),
        ("K2", "A", True, 30.0),
        ("K2", "B", False, 0.0),
        ("K2", "C", True, 20.0),
        ("K3", "B", False, 0.0),
        ("K3", "C", True, 10.0),
    ]
    return pd.DataFrame(rows, columns=["campaign_id", "customer_id", "responded", "revenue"])


def test_response_by_segment_by_hand(campaigns):
    segments = pd.Series({"A": "advice", "B": "price", "C": "price"}, name="needs_segment")
    table = mg.response_by_segment(campaigns, segments)
    # overall 4 of 8; advice 2 of 2, price 2 of 6
    assert table.loc["advice", ["offers", "responses", "response_rate"]].tolist() == [2, 2, 1.0]
    assert table.loc["price", "lift"] == pytest.approx((2 / 6) / 0.5)
    assert table.index[0] == "advice"
    assert table.loc["advice", "revenue_per_offer"] == 40.0


def test_response_matrix_blanks_small_cells(campaigns):
    segments = pd.Series({"A": "advice", "B": "price", "C": "price"})
    matrix = mg.response_matrix(campaigns, segments, min_offers=2)
    assert matrix.loc["K2", "price"] == 0.5
    assert np.isnan(matrix.loc["K1", "advice"])  # one offer only
    assert mg.response_matrix(campaigns, segments, min_offers=1).loc["K1", "advice"] == 1.0


def test_treatment_signals_respect_consent(campaigns):
    customers = pd.DataFrame(
        {"customer_id": ["A", "B", "C"], "consent_marketing": [True, True, False]}
    )
    signals = mg.treatment_signals(campaigns, customers, min_offers=3)
    # B: three offers, no response -> stop; A: two responses -> promote; C answered
    # twice but gave no consent, so is no target
    assert signals["signal"].to_dict() == {"B": "stop", "A": "promote"}
    assert signals.loc["A", "revenue"] == 80.0
    without = mg.treatment_signals(campaigns, min_offers=3)
    assert set(without.index) == {"A", "B", "C"}


def test_responses_need_the_responded_column(campaigns):
    with pytest.raises(MissingDataError, match="responded"):
        mg.response_by_segment(campaigns.drop(columns="responded"), pd.Series(dtype=object))


def test_chance_baseline_by_hand():
    from crmlib.analytics.migration import chance_baseline, migration_table

    # two customers in A and two in B at both dates; one A and one B swap places
    before = pd.Series(["A", "A", "B", "B"], index=list("wxyz"))
    after = pd.Series(["A", "B", "A", "B"], index=list("wxyz"))
    table = migration_table(before, after, ["A", "B"])
    base = chance_baseline(table, ["A", "B"])
    # at random: same 0.5*0.5 + 0.5*0.5 = 0.5; up (B before, A after) 0.25; down 0.25
    assert base["random"].to_dict() == {"up": 0.25, "same": 0.5, "down": 0.25}
    # observed: w and z stayed, y up, x down -> exactly what chance gives: stability 0
    assert base["observed"].to_dict() == {"up": 0.25, "same": 0.5, "down": 0.25}
    assert base.attrs["stability"] == 0.0
    # everyone staying is stability 1; a newcomer does not count
    still = migration_table(before, before.reindex(list("wxyzn")).fillna("B"), ["A", "B"])
    assert chance_baseline(still, ["A", "B"]).attrs["stability"] == 1.0


def test_chance_baseline_with_uneven_sizes():
    from crmlib.analytics.migration import chance_baseline, migration_table

    # before: 3 in A, 1 in B; after: 1 in A, 3 in B (order A, B)
    before = pd.Series(["A", "A", "A", "B"], index=list("wxyz"))
    after = pd.Series(["A", "B", "B", "B"], index=list("wxyz"))
    base = chance_baseline(migration_table(before, after, ["A", "B"]), ["A", "B"])
    # random: same 0.75*0.25 + 0.25*0.75 = 0.375; up 0.25*0.25; down 0.75*0.75
    assert base.loc["same", "random"] == pytest.approx(0.375)
    assert base.loc["up", "random"] == pytest.approx(0.0625)
    assert base.loc["down", "random"] == pytest.approx(0.5625)
    # observed: w and z stay (0.5), x and y down (0.5)
    assert base.loc["same", "observed"] == 0.5
    assert base.attrs["stability"] == pytest.approx((0.5 - 0.375) / 0.625)


@pytest.mark.parametrize("end", [None, "2025-06-30"])
@pytest.mark.parametrize("by", ["value_tier", "value_category", "rfm_segment"])
def test_the_bases_own_segments_are_those_a_base_of_that_day_gives(by, end, sample_dir):
    """The migration's second date reads the company's base instead of building one again."""
    from crmlib.analytics.base import customer_base
    from crmlib.data.company import load_company

    company = load_company(sample_dir, observation_end=end)
    base = customer_base(company, use_cache=False)
    settings = base.settings
    rebuilt = mg.segments_at(
        company.transactions,
        company.customers,
        company.interactions,
        company.channels,
        company.products,
        at=settings.observation_end,
        by=by,
        horizon_months=int(settings.window_months),
        value_metric=settings.value_metric,
        ssc_share=settings.ssc_share,
        mgc_share=settings.mgc_share,
    )
    own = mg.segments_of(
        base.segments_table().set_index("customer_id"),
        mg.entry_dates(company.customers, company.transactions),
        at=settings.observation_end,
        by=by,
        horizon_months=int(settings.window_months),
    )
    pd.testing.assert_frame_equal(own, rebuilt, check_exact=True)
    assert own.attrs == rebuilt.attrs

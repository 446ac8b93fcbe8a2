from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.lifecycle.cohorts import (
    acquisition,
    acquisition_quality,
    average_retention_curve,
    cohort_retention,
    first_purchases,
    period_retention,
    retention_curve,
    retention_uplift_value,
    window_retention,
)
from crmlib.analytics.lifecycle.costs import campaign_response, channel_costs, segment_costs
from crmlib.analytics.lifecycle.lapse import (
    alive_probabilities,
    lapse_summary,
    purchase_rhythm,
    recent_activity,
)
from crmlib.analytics.lifecycle.wallet import (
    category_affinity,
    category_spend,
    penetration,
    share_of_wallet,
)
from crmlib.errors import MissingDataError, ParameterError


@pytest.fixture
def transactions():
    rows = [
        ("A", "2024-01-10", "P1", "store", False),
        ("A", "2024-04-10", "P2", "store", False),
        ("A", "2024-07-10", "P1", "webshop", False),
        ("B", "2024-01-20", "P2", "webshop", False),
        ("B", "2024-02-01", "P2", "webshop", True),  # a return is not a visit
        ("C", "2024-04-05", "P1", "store", False),
        ("C", "2024-07-05", "P3", "store", False),
    ]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "date", "product_id", "channel", "is_return"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture
def products():
    return pd.DataFrame(
        {"product_id": ["P1", "P2", "P3"], "category": ["plants", "tools", "plants"]}
    )


def test_acquisition_by_first_channel(transactions, products):
    table = acquisition(transactions, products, freq="Q")
    assert table.loc["2024-01-01", "store"] == 1 and table.loc["2024-01-01", "webshop"] == 1
    assert table.loc["2024-04-01", "store"] == 1
    by_category = acquisition(transactions, products, freq="Q", by="first_category")
    assert by_category.loc["2024-01-01"].to_dict() == {"plants": 1, "tools": 1}


def test_acquisition_shows_a_covered_period_without_newcomers_as_zero(transactions, products):
    # Q3 2024 has purchases (A and C again) but nobody new; the lines run to December
    table = acquisition(transactions, products, freq="Q", by=None, end="2024-12-31")
    assert table["new_customers"].to_dict() == {
        pd.Timestamp("2024-01-01"): 2,
        pd.Timestamp("2024-04-01"): 1,
        pd.Timestamp("2024-07-01"): 0,
        pd.Timestamp("2024-10-01"): 0,
    }
    # without an end the lines' last date closes the range; nothing before the first
    by_channel = acquisition(transactions, products, freq="Q")
    assert by_channel.index.min() == pd.Timestamp("2024-01-01")
    assert by_channel.loc["2024-07-01"].sum() == 0


def test_cohort_table_by_hand(transactions):
    table = cohort_retention(transactions, "Q", end="2024-09-30")
    # cohort 2024Q1: A and B; A buys in Q2 and Q3, B never again
    assert table.loc["2024Q1", "cohort_size"] == 2
    assert table.loc["2024Q1", [0, 1, 2]].tolist() == [1.0, 0.5, 0.5]
    # cohort 2024Q2: C, who buys again in Q3; period 2 lies beyond the data: NaN, not 0
    assert table.loc["2024Q2", 1] == 1.0
    assert np.isnan(table.loc["2024Q2", 2])


@pytest.mark.parametrize("freq", ["M", "Q", "Y"])
def test_sample_cohorts_counted_in_the_engine_are_the_active_periods_crosstab(sample_dir, freq):
    """The engine's cohort counts against pandas' own, from the customers' active periods."""
    from crmlib.analytics.lifecycle.cohorts import active_periods
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    tx, end = company.transactions, company.observation_end
    active = active_periods(tx, freq, end)
    ordinal = pd.Series(active["period"].array.asi8)
    cohort = ordinal.groupby(active["customer_id"].to_numpy()).transform("min")
    counts = pd.crosstab(cohort.to_numpy(), (ordinal - cohort).to_numpy())
    table = cohort_retention(tx, freq, end=end)
    assert table["cohort_size"].tolist() == counts[0].tolist()
    for age in counts.columns:
        shares = (counts[age] / counts[0]).to_numpy()
        reached = ~np.isnan(table[int(age)].to_numpy())
        assert np.allclose(table[int(age)].to_numpy()[reached], shares[reached])
        assert (shares[~reached] == 0).all()  # beyond the data: NaN, not 0


def test_period_retention_by_hand(transactions):
    table = period_retention(transactions, "Q", segments=pd.Series({"A": "x", "B": "y", "C": "y"}))
    # Q1 {A,B} -> Q2 {A,C}: 1 of 2 retained; Q2 {A,C} -> Q3 {A,C}: 2 of 2
    assert table["retention_rate"].tolist() == [0.5, 1.0]
    assert table.loc["2024Q2", "retention_rate_y"] == 0.0
    assert table.loc["2024Q3", "retention_rate_y"] == 1.0


def test_penetration_by_hand(transactions, products):
    result = penetration(transactions, products)
    assert result["per_customer"].loc["A", "categories"] == 2
    summary = result["summary"].loc["all"]
    assert summary["buyers"] == 3 and summary["cross_sell_rate"] == pytest.approx(1 / 3)
    assert result["category_penetration"].loc["all", "plants"] == pytest.approx(2 / 3)


def test_unknown_period():
    with pytest.raises(ParameterError, match="period 'W' is not one of"):
        acquisition(pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])}), freq="W")


# ---------------------------------------------------------------------------------------
# First purchases, acquisition quality


def test_first_purchases_name_product_and_acquisition_channel(transactions, products):
    customers = pd.DataFrame(
        {"customer_id": ["A", "B", "C"], "acquisition_channel": ["fair", "referral", None]}
    )
    first = first_purchases(transactions, products, customers=customers)
    assert first.loc["A", "first_product"] == "P1"
    assert first.loc["B", "acquisition_channel"] == "referral"
    table = acquisition(transactions, freq="Y", by="acquisition_channel", customers=customers)
    assert table.loc["2024-01-01"].to_dict() == {"fair": 1, "referral": 1, "unknown": 1}


@pytest.fixture
def newcomers():
    rows = [
        ("A", "2023-01-10", 10.0, "store"),
        ("A", "2023-05-01", 20.0, "store"),
        ("A", "2024-03-01", 99.0, "store"),  # after A's first 12 months
        ("B", "2023-06-01", 50.0, "webshop"),
        ("B", "2023-06-01", 5.0, "webshop"),  # the same day: not a repeat purchase
        ("C", "2024-06-01", 70.0, "store"),  # first year not complete by the end
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "channel"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_acquisition_quality_by_hand(newcomers):
    margin = newcomers["amount"] * 0.5
    table = acquisition_quality(newcomers, end="2024-12-31", margin=margin)
    assert table.loc["store", "customers"] == 1 and table.loc["webshop", "customers"] == 1
    assert table.loc["store", "repeat_rate"] == 1.0 and table.loc["webshop", "repeat_rate"] == 0.0
    assert table.loc["store", "first_year_revenue"] == pytest.approx(30.0)
    assert table.loc["all", "first_year_revenue"] == pytest.approx(42.5)
    assert table.loc["all", "first_year_margin"] == pytest.approx(21.25)
    later = acquisition_quality(newcomers, end="2024-12-31", start="2023-03-01", by=None)
    assert later.index.tolist() == ["all"] and later.loc["all", "customers"] == 1


def test_acquisition_quality_needs_a_complete_first_year(newcomers):
    with pytest.raises(MissingDataError, match="first 12 months"):
        acquisition_quality(newcomers, end="2023-02-01")


# ---------------------------------------------------------------------------------------
# Retention: the window rate, lapse by rhythm, the value of retention


@pytest.fixture
def two_years():
    rows = [
        ("P", "2023-06-01"),
        ("P", "2024-06-01"),  # bought in both years: retained
        ("Q", "2023-03-01"),  # only in the year before: lost
        ("R", "2024-02-01"),  # new in the last year
        ("S", "2022-05-01"),
        ("S", "2024-07-01"),  # back after a gap: active, but not in the base
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_window_retention_by_hand(two_years):
    table = window_retention(two_years, end="2024-12-31", segments=pd.Series({"P": "x", "Q": "y"}))
    everyone = table.loc["all"]
    assert everyone["customers_before"] == 2 and everyone["retained"] == 1
    assert everyone["retention_rate"] == 0.5
    assert everyone["active_last"] == 3 and everyone["new_last"] == 1
    assert table.loc["x", "retention_rate"] == 1.0 and table.loc["y", "retention_rate"] == 0.0


@pytest.fixture(scope="module")
def sample(sample_dir):
    from crmlib.data.company import load_company

    return load_company(sample_dir)


def test_window_retention_equals_the_observed_rate_of_clv(sample):
    from crmlib.analytics.clv import observed_retention_rate

    company = sample
    tx = company.transactions
    purchases = tx[~tx["is_return"].to_numpy(dtype=bool)]
    end = company.observation_end
    rate = window_retention(tx, end=end).loc["all", "retention_rate"]
    assert rate == pytest.approx(observed_retention_rate(purchases, observation_end=end))


@pytest.fixture
def rhythms():
    rows = [
        ("A", "2024-01-01", False),
        ("A", "2024-03-01", False),  # 60 days (2024 is a leap year)
        ("A", "2024-05-01", False),  # 61 days: mean interval 60.5
        ("B", "2024-11-01", False),
        ("B", "2024-12-01", False),  # 30 days
        ("C", "2024-12-20", False),  # one-time buyers: C, D, E
        ("D", "2024-06-01", False),
        ("E", "2024-10-01", False),
        ("E", "2024-10-01", False),  # a second line on the same day
        ("E", "2024-10-15", True),  # a return is not a purchase
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "is_return"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_purchase_rhythm_by_hand(rhythms):
    rhythm = purchase_rhythm(rhythms, end="2024-12-31", k=2.0, min_days=30)
    assert rhythm.loc["A", "mean_interval_days"] == pytest.approx(60.5)
    assert rhythm.loc["A", "days_since_last"] == 244
    assert rhythm.loc["A", "threshold_days"] == pytest.approx(121.0)
    # one-time buyers get the median of the repeat buyers' intervals: (60.5 + 30) / 2
    assert rhythm.attrs["base_interval_days"] == pytest.approx(45.25)
    assert rhythm.loc["E", "purchase_days"] == 1 and rhythm.loc["E", "rhythm"] == "base"
    assert rhythm.loc["E", "threshold_days"] == pytest.approx(90.5)
    assert rhythm["lapsed"].to_dict() == {"A": True, "B": False, "C": False, "D": True, "E": True}


def test_lapse_floor_and_multiple(rhythms):
    # k = 1: B waited exactly its 30-day interval, which is not more than it
    strict = purchase_rhythm(rhythms, end="2024-12-31", k=1.0, min_days=0)
    assert not strict.loc["B", "lapsed"]
    assert purchase_rhythm(rhythms, end="2025-01-01", k=1.0, min_days=0).loc["B", "lapsed"]
    floored = purchase_rhythm(rhythms, end="2025-01-01", k=1.0, min_days=45)
    assert floored.loc["B", "threshold_days"] == 45 and not floored.loc["B", "lapsed"]
    with pytest.raises(ParameterError, match="lapse multiple"):
        purchase_rhythm(rhythms, k=0)


def test_lapse_needs_a_rhythm():
    once = pd.DataFrame({"customer_id": ["A", "B"], "date": pd.to_datetime(["2024-01-01"] * 2)})
    with pytest.raises(MissingDataError, match="two different days"):
        purchase_rhythm(once)


def test_lapse_summary_by_hand(rhythms):
    summary = lapse_summary(purchase_rhythm(rhythms, end="2024-12-31"))
    assert summary.loc["repeat buyers", ["customers", "lapsed"]].tolist() == [2, 1]
    assert summary.loc["one-time buyers", ["customers", "lapsed"]].tolist() == [3, 2]
    assert summary.loc["all", "lapse_rate"] == pytest.approx(3 / 5)
    by_segment = lapse_summary(
        purchase_rhythm(rhythms, end="2024-12-31"), pd.Series({"A": "x", "B": "x"})
    )
    assert by_segment.loc["x", "lapse_rate"] == 0.5
    assert by_segment.loc["unassigned", "customers"] == 3


def test_retention_uplift_value_by_hand():
    value = retention_uplift_value(100.0, 0.6, customers=1000, uplift=0.05, discount_rate=0.1)
    assert value["clv_now"] == pytest.approx(100 * 0.6 / (1.1 - 0.6))  # 120
    assert value["clv_target"] == pytest.approx(100 * 0.65 / (1.1 - 0.65))  # 144.44
    assert value["lifetime_gain"] == pytest.approx(1000 * (100 * 0.65 / 0.45 - 120))
    assert value["extra_retained"] == pytest.approx(50)
    assert value["first_year_gain"] == pytest.approx(5000)
    capped = retention_uplift_value(100.0, 0.98, customers=10, uplift=0.05)
    assert capped["target_rate"] == 1.0 and capped["uplift"] == pytest.approx(0.02)
    assert capped["clv_target"] == pytest.approx(1000.0)
    with pytest.raises(ParameterError, match="discount_rate"):
        retention_uplift_value(100.0, 0.6, customers=10, discount_rate=0)


def test_retention_curve_rises_with_retention():
    curve = retention_curve(50.0, discount_rate=0.1, rates=[0.0, 0.5, 0.9])
    assert curve["clv"].tolist() == pytest.approx([0.0, 50 * 0.5 / 0.6, 50 * 0.9 / 0.2])


def test_average_retention_curve_weights_by_cohort_size(transactions):
    table = cohort_retention(transactions, "Q", end="2024-09-30")
    curve = average_retention_curve(table)
    # period 1: 2024Q1 (2 customers, 50%) and 2024Q2 (1 customer, 100%) -> 2/3
    assert curve[1] == pytest.approx(2 / 3)
    assert curve[2] == pytest.approx(0.5)  # only 2024Q1 has reached period 2
    assert np.isnan(average_retention_curve(table, min_cohorts=2)[2])


def test_alive_probabilities_follow_recency(sample):
    company = sample
    alive = alive_probabilities(company.transactions, end=company.observation_end)
    assert set(alive.attrs["params"]) == {"r", "alpha", "a", "b"}
    assert alive["probability_alive"].between(0, 1).all()
    rhythm = purchase_rhythm(company.transactions, end=company.observation_end)
    joined = alive.join(rhythm["lapsed"])
    by_status = joined.groupby("lapsed")["probability_alive"].mean()
    assert by_status[True] < by_status[False] - 0.2


def test_alive_probabilities_need_repeat_buyers():
    once = pd.DataFrame(
        {"customer_id": ["A", "B"], "date": pd.to_datetime(["2024-01-01", "2024-02-01"])}
    )
    with pytest.raises(MissingDataError, match="BG/NBD"):
        alive_probabilities(once)


# ---------------------------------------------------------------------------------------
# Penetration: cross-sell, spend mix, share of wallet


def test_category_affinity_by_hand(transactions, products):
    affinity = category_affinity(transactions, products)
    # plants buyers: A, C; tools buyers: A, B (B's return does not count)
    assert affinity.loc["plants", "tools"] == pytest.approx(0.5)
    assert affinity.loc["tools", "plants"] == pytest.approx(0.5)
    assert np.isnan(affinity.loc["plants", "plants"])


def test_category_spend_by_hand(products):
    lines = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B"],
            "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "product_id": ["P1", "P2", "P3"],
            "amount": [30.0, 10.0, 60.0],
        }
    )
    spend = category_spend(lines, products, segments=pd.Series({"A": "x", "B": "y"}))
    assert spend.loc["x", "plants"] == pytest.approx(0.75)
    assert spend.loc["y"].to_dict() == {"plants": 1.0, "tools": 0.0}
    assert category_spend(lines, products, start="2024-01-15").loc["all", "plants"] == (
        pytest.approx(60 / 70)
    )


def test_share_of_wallet_by_hand():
    lines = pd.DataFrame(
        {
            "customer_id": ["X", "Y", "Y"],
            "date": pd.to_datetime(["2024-06-01", "2024-07-01", "2024-08-01"]),
            "amount": [50.0, 100.0, 50.0],
        }
    )
    wallet = share_of_wallet(lines, 100.0, end="2024-12-31")
    row = wallet.loc["all"]
    assert row["buyers"] == 2 and row["spend_per_buyer"] == pytest.approx(100.0)
    assert row["share_of_wallet"] == pytest.approx(0.75)  # X: 0.5, Y: capped at 1
    assert row["headroom"] == pytest.approx(50.0)
    half_year = share_of_wallet(lines, 100.0, end="2024-12-31", months=6)
    # only Y bought in the last 6 months: 150, scaled to a year
    assert half_year.loc["all", "buyers"] == 1
    assert half_year.loc["all", "spend_per_buyer"] == pytest.approx(300.0)
    with pytest.raises(MissingDataError, match="wallet_per_customer"):
        share_of_wallet(lines, 0.0)


# ---------------------------------------------------------------------------------------
# Efficiency and readiness


@pytest.fixture
def contacts():
    interactions = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c3", "c1"],
            "date": pd.to_datetime(["2024-03-01", "2024-04-01", "2024-05-01", "2023-01-01"]),
            "channel": ["store", "store", "webshop", "store"],
        }
    )
    channels = pd.DataFrame({"channel": ["store", "webshop"], "cost_per_contact": [8.0, 0.4]})
    return interactions, channels


def test_channel_costs_by_hand(contacts):
    interactions, channels = contacts
    costs = channel_costs(interactions, channels, start="2023-12-31", end="2024-12-31")
    assert costs.index.tolist() == ["store", "webshop"]
    assert costs.loc["store", ["contacts", "customers"]].tolist() == [2, 1]
    assert costs.loc["store", "cost"] == pytest.approx(16.0)
    assert costs.loc["webshop", "cost_share"] == pytest.approx(0.4 / 16.4)


def test_segment_costs_by_hand(contacts):
    interactions, channels = contacts
    segments = pd.Series({"c1": "x", "c2": "x", "c3": "y"})
    margin = pd.Series({"c1": 100.0, "c2": 0.0, "c3": 4.0})
    table = segment_costs(
        interactions, channels, segments, margin=margin, start="2023-12-31", end="2024-12-31"
    )
    assert table.loc["x", ["customers", "contacts"]].tolist() == [2, 2]
    assert table.loc["x", "cost_per_customer"] == pytest.approx(8.0)
    assert table.loc["x", "cost_to_margin"] == pytest.approx(8.0 / 50.0)
    assert table.loc["y", "cost_to_margin"] == pytest.approx(0.4 / 4.0)
    assert table.loc["all", "cost"] == pytest.approx(16.4)


def test_recent_activity_and_campaign_response(two_years):
    customers = pd.DataFrame({"customer_id": ["P", "Q", "R", "S", "T"]})
    activity = recent_activity(two_years, customers, end="2024-12-31", windows=(6, 12, 24))
    assert activity["buyers"].tolist() == [1, 3, 4]  # S (Jul); P, R, S; and Q
    assert activity.loc[12, "share"] == pytest.approx(3 / 5)
    assert activity["covered"].all()  # the lines begin in May 2022
    # the lines begin 2022-05-01: a three-year window reaches back before them, so who
    # bought in it is unknown, not everybody who ever bought
    longer = recent_activity(two_years, customers, end="2024-12-31", windows=(24, 36))
    assert longer["covered"].tolist() == [True, False]
    assert np.isnan(longer.loc[36, "share"]) and np.isnan(longer.loc[36, "buyers"])
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["K2", "K2", "K1", "K1"],
            "customer_id": ["P", "Q", "P", "R"],
            "sent_date": pd.to_datetime(["2024-05-01"] * 2 + ["2024-01-01"] * 2),
            "responded": [True, False, False, False],
        }
    )
    response = campaign_response(campaigns)
    assert response.index.tolist() == ["K1", "K2"]  # in the order sent
    assert response.loc["K2", "response_rate"] == 0.5


@pytest.mark.filterwarnings("ignore:Converting to PeriodArray")
@pytest.mark.parametrize("freq", ["M", "Q", "Y"])
def test_period_ordinals_are_pandas_periods(freq):
    from crmlib.analytics.lifecycle.cohorts import period_ordinals

    rng = np.random.default_rng(5)
    days = rng.integers(-800, 20_000, 2_000)  # before 1970 too
    dates = pd.Series(
        pd.to_datetime(days, unit="D") + pd.to_timedelta(rng.integers(0, 86_399, 2_000), unit="s")
    )
    dates[::97] = pd.NaT
    expected = dates.dt.to_period(freq).array.asi8
    assert (period_ordinals(dates, freq) == expected).all()
    # time-zone-aware dates count in their own local day, as to_period does
    local = dates.dt.tz_localize("Europe/Amsterdam", ambiguous="NaT", nonexistent="NaT")
    assert (period_ordinals(local, freq) == local.dt.to_period(freq).array.asi8).all()


def test_period_retention_needs_two_periods(transactions):
    with pytest.raises(MissingDataError, match="at least two periods"):
        period_retention(transactions, "Y")


def _lines(rng, ids: str, n: int = 3_000) -> pd.DataFrame:
    """Purchase lines of 300 customers, their ids written one of three ways, with returns."""
    number = rng.integers(0, 300, n)
    words = np.array(["".join(rng.choice(list("klantabcdxyz"), 7)) for _ in range(300)])
    customer = {
        "numbered": pd.array([f"C{x:06d}" for x in number * 7], dtype="str"),
        "words": pd.array(words[number], dtype="str"),
        "whole": number * 11 + 5,
    }[ids]
    return pd.DataFrame(
        {
            "customer_id": customer,
            # few distinct days, so customers have ties on their first day
            "date": pd.to_datetime("2021-01-01")
            + pd.to_timedelta(rng.integers(0, 60, n) * 17, unit="D"),
            "product_id": rng.choice(["P1", "P2", "P3"], n),
            "channel": rng.choice(["store", "webshop"], n),
            "is_return": rng.random(n) < 0.1,
        }
    )


@pytest.mark.parametrize("ids", ["numbered", "words", "whole"])
@pytest.mark.parametrize("freq", ["M", "Q", "Y"])
def test_active_periods_and_first_purchases_by_hand(ids, freq):
    from crmlib.analytics.lifecycle.cohorts import active_periods

    lines = _lines(np.random.default_rng(len(ids) + len(freq)), ids)
    end = pd.Timestamp("2023-06-30")
    pairs, first = [], {}
    for row in lines.itertuples():
        if row.is_return or row.date > end:
            continue
        pair = (row.customer_id, pd.Period(row.date, freq))
        if pair not in pairs:
            pairs.append(pair)
        if row.customer_id not in first or row.date < first[row.customer_id][0]:
            first[row.customer_id] = (row.date, row.channel, row.product_id)
    active = active_periods(lines, freq, end)
    assert list(zip(active["customer_id"], active["period"], strict=True)) == pairs
    found = first_purchases(lines, end=end)
    assert found.index.is_monotonic_increasing
    assert {
        c: (r.first_date, r.first_channel, r.first_product) for c, r in found.iterrows()
    } == first


@pytest.mark.parametrize("ids", ["numbered", "words", "whole"])
def test_penetration_and_category_affinity_by_hand(ids):
    lines = _lines(np.random.default_rng(len(ids)), ids)
    # P3 has no category and P4 is not in the catalogue: their lines do not count
    lines.loc[lines.index[::50], "product_id"] = "P4"
    products = pd.DataFrame(
        {"product_id": ["P1", "P2", "P3"], "category": ["plants", "tools", None]}
    )
    start, end = pd.Timestamp("2021-06-30"), pd.Timestamp("2023-06-30")
    categories, items = {}, {}
    category_of = {"P1": "plants", "P2": "tools"}
    for row in lines.itertuples():
        if row.is_return or not start < row.date <= end or row.product_id not in category_of:
            continue
        categories.setdefault(row.customer_id, set()).add(category_of[row.product_id])
        items.setdefault(row.customer_id, set()).add(row.product_id)
    found = penetration(lines, products, start=start, end=end)
    per_customer = found["per_customer"]
    # the customers listed as their ids sort as text
    assert list(per_customer.index.astype(str)) == sorted(str(c) for c in categories)
    assert per_customer["categories"].to_dict() == {c: len(v) for c, v in categories.items()}
    assert per_customer["products"].to_dict() == {c: len(v) for c, v in items.items()}
    both = sum(1 for v in categories.values() if len(v) == 2)
    assert found["summary"].loc["all", "cross_sell_rate"] == pytest.approx(both / len(categories))
    affinity = category_affinity(lines, products, start=start, end=end)
    plants = sum(1 for v in categories.values() if "plants" in v)
    assert affinity.loc["plants", "tools"] == pytest.approx(both / plants)
    assert np.isnan(affinity.loc["plants", "plants"])


@pytest.mark.parametrize("company_dir", ["sample", "cdnow"])
def test_activity_from_the_base_is_activity_from_the_lines(company_dir, sample_dir):
    """QCI reads recent activity from the base's last purchase per customer; it is the
    activity counted from the purchase lines."""
    from crmlib.analytics.base import customer_base
    from crmlib.analytics.lifecycle import activity_shares
    from crmlib.data.company import load_company

    root = Path(__file__).resolve().parents[2]
    source = sample_dir if company_dir == "sample" else root / "data" / "cdnow"
    company = load_company(source)
    end = company.observation_end
    table = customer_base(company).table
    from_base = activity_shares(
        table["last_purchase"], table["first_purchase"].min(), len(table), end=end
    )
    from_lines = recent_activity(company.transactions, company.customers, end=end)
    pd.testing.assert_frame_equal(from_base, from_lines)
    assert from_base["covered"].any()


@pytest.mark.parametrize("company_dir", ["sample", "cdnow"])
def test_retention_from_the_base_is_retention_from_the_lines(company_dir, sample_dir):
    """QCI counts yearly retention per tier from the base's flags per customer; it is the
    retention counted from the purchase lines, tier by tier."""
    from crmlib.analytics.base import customer_base
    from crmlib.analytics.lifecycle import retention_counts, window_retention
    from crmlib.data.company import load_company

    root = Path(__file__).resolve().parents[2]
    source = sample_dir if company_dir == "sample" else root / "data" / "cdnow"
    company = load_company(source)
    end = company.observation_end
    table = customer_base(company).table
    tiers = table["previous_value_tier"] if company_dir == "sample" else None
    from_base = retention_counts(
        table["bought_previous_window"],
        table["is_buyer"],
        table["first_purchase"],
        end=end,
        months=12,
        segments=tiers,
    )
    from_lines = window_retention(company.transactions, end=end, months=12, segments=tiers)
    pd.testing.assert_frame_equal(from_base, from_lines.loc[from_base.index])
    assert set(from_base.index) == set(from_lines.index)
    assert from_base.attrs == from_lines.attrs
    assert from_base.loc["all", "retained"] > 0


def spend_in_pandas(lines, products, labels, unlabelled=None) -> pd.DataFrame:
    """The lines' amounts per label (rows) and product category (columns), by pandas."""
    category = lines["product_id"].map(products.set_index("product_id")["category"])
    group = lines["customer_id"].map(labels)
    if unlabelled is not None:
        group = group.fillna(unlabelled)
    return lines["amount"].groupby([group, category]).sum().unstack(fill_value=0.0)


def test_sample_spend_per_segment_summed_in_the_engine_is_pandas_grouping(
    sample_dir, assert_same_sums
):
    """Spend per segment and category from DuckDB against pandas' own, with customers
    left out of the segments (unassigned)."""
    from crmlib.analytics.lifecycle import category_spend
    from crmlib.analytics.purchases import purchase_lines
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    end = company.observation_end
    start = end - pd.DateOffset(months=12)
    ids = company.customers["customer_id"]
    segments = pd.Series(np.where(np.arange(len(ids)) % 3 == 0, "a", "b"), index=ids)[100:]
    lines = purchase_lines(company.transactions, end)
    lines = lines[lines["date"] > start]
    spend = spend_in_pandas(lines, company.products, segments, "unassigned")
    expected = spend.div(spend.sum(axis=1), axis=0)
    got = category_spend(
        company.transactions, company.products, segments=segments, start=start, end=end
    )
    assert list(got.index) == ["a", "b", "unassigned"]
    assert_same_sums(got, expected)


def test_sample_spend_of_every_line_of_the_labelled_customers(sample_dir, assert_same_sums):
    """Returns netted and unlabelled customers left out, as Payne & Frow's mix reads it."""
    from crmlib.analytics.lifecycle import spend_by_category
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    end = company.observation_end
    start = end - pd.DateOffset(months=12)
    ids = company.customers["customer_id"]
    labels = pd.Series(np.where(np.arange(len(ids)) % 2 == 0, "x", "y"), index=ids)[200:]
    tx = company.transactions
    lines = tx[(tx["date"] > start) & (tx["date"] <= end)]
    expected = spend_in_pandas(lines, company.products, labels)
    got = spend_by_category(
        tx, company.products, labels, start=start, end=end, purchases_only=False, unassigned=False
    )
    assert list(got.index) == ["x", "y"]
    assert (lines["amount"] < 0).any()  # returns are in, netted
    assert_same_sums(got, expected)


def test_sample_first_year_summed_in_the_engine_is_pandas_grouping(sample_dir):
    """Acquisition quality's first year per new customer, from DuckDB, against pandas."""
    from crmlib.analytics.lifecycle import first_purchases
    from crmlib.analytics.profitability import transaction_margin
    from crmlib.analytics.purchases import purchase_lines
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    tx, end = company.transactions, company.observation_end
    margin = transaction_margin(tx, company.products)
    table = acquisition_quality(tx, company.products, by=None, end=end, margin=margin)
    first = first_purchases(tx, company.products, end=end)
    first = first[first["first_date"] <= end - pd.DateOffset(months=12)]
    lines = purchase_lines(tx, end)
    lines = lines[lines["customer_id"].isin(first.index)]
    start = lines["customer_id"].map(first["first_date"])
    lines = lines[lines["date"] < start + pd.DateOffset(months=12)]
    later = lines["date"] > lines["customer_id"].map(first["first_date"])
    per = pd.DataFrame(
        {
            "revenue": lines.groupby("customer_id")["amount"].sum(),
            "margin": margin[lines.index].groupby(lines["customer_id"]).sum(),
            "repeat": later.groupby(lines["customer_id"]).any(),
        }
    ).reindex(first.index)
    row = table.loc["all"]
    assert row["customers"] == len(first)
    assert row["first_year_revenue"] == pytest.approx(per["revenue"].fillna(0).mean(), rel=1e-12)
    assert row["first_year_margin"] == pytest.approx(per["margin"].fillna(0).mean(), rel=1e-12)
    assert row["repeat_rate"] == pytest.approx(per["repeat"].fillna(False).astype(bool).mean())


def test_sample_purchase_days_counted_in_the_engine_are_pandas_grouping(sample_dir):
    from crmlib.analytics.lifecycle import purchase_rhythm
    from crmlib.analytics.purchases import purchase_lines
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    end = company.observation_end - pd.DateOffset(months=7)
    rhythm = purchase_rhythm(company.transactions, end=end)
    days = purchase_lines(company.transactions, end).groupby("customer_id")["date"]
    assert rhythm["purchase_days"].to_dict() == days.nunique().to_dict()
    assert (rhythm["first_date"] == days.min().reindex(rhythm.index)).all()
    assert (rhythm["last_date"] == days.max().reindex(rhythm.index)).all()
    assert rhythm.attrs["end"] == end

"""Per-customer purchase summaries and the calibration/holdout split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlib
from crmlib.analytics.summary import check_history, check_summary, to_periods
from crmlib.errors import DataValidationError, MissingDataError, ParameterError

CDNOW = Path(__file__).resolve().parents[2] / "data" / "cdnow"


def _tx(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "amount": [float(r[2]) for r in rows],
        }
    )


@pytest.fixture(scope="module")
def cdnow_transactions() -> pd.DataFrame:
    frame = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def test_weekly_summary_by_hand():
    # 2024-01-01 is a Monday: a's first two purchases share a week
    tx = _tx(
        [
            ("a", "2024-01-01", 10),
            ("a", "2024-01-03", 5),
            ("a", "2024-01-15", 30),
            ("a", "2024-01-17", 6),
            ("b", "2024-01-08", 20),
        ]
    )
    summary = crmlib.summarize_transactions(tx, freq="W", observation_end="2024-01-29")
    assert summary.index.name == "customer_id"
    assert summary.loc["a"].to_dict() == {
        "frequency": 1,
        "recency": 2.0,
        "T": 4.0,
        "monetary_value": 36.0,
    }
    assert summary.loc["b"].to_dict() == {
        "frequency": 0,
        "recency": 0.0,
        "T": 3.0,
        "monetary_value": 0.0,
    }


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        # first 2024-01-31, last 2024-03-01, end 2024-04-15
        ("D", {"frequency": 2, "recency": 30.0, "T": 75.0}),
        ("W", {"frequency": 1, "recency": 4.0, "T": 11.0}),  # Jan 31 and Feb 1 share a week
        ("M", {"frequency": 2, "recency": 2.0, "T": 3.0}),
    ],
)
def test_units(freq, expected):
    tx = _tx([("x", "2024-01-31", 1), ("x", "2024-02-01", 1), ("x", "2024-03-01", 1)])
    row = crmlib.summarize_transactions(tx, freq=freq, observation_end="2024-04-15").loc["x"]
    assert {k: row[k] for k in expected} == expected


def test_weeks_run_monday_to_sunday():
    days = pd.to_datetime(["2024-01-07", "2024-01-08"]).to_numpy().astype("datetime64[D]")
    sunday, monday = to_periods(days.astype(np.int64), "W")
    assert monday - sunday == 1


def test_reproduces_the_published_cdnow_summary(cdnow_transactions):
    # The CDNOW summary of lifetimes' datasets is in weeks to two decimals (days / 7),
    # calibration up to 1997-09-30; frequency must match exactly.
    summary = crmlib.summarize_transactions(
        cdnow_transactions, freq="D", observation_end="1997-09-30"
    )
    published = pd.read_csv(
        CDNOW / "reference" / "cdnow_customers_summary_with_transactions.csv", index_col="ID"
    )
    summary = summary.reindex(published.index)
    assert len(summary) == 2357
    np.testing.assert_array_equal(summary["frequency"], published["x"])
    np.testing.assert_allclose(summary["recency"] / 7, published["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary["T"] / 7, published["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(summary["monetary_value"], published["zbar"], atol=0.005 + 1e-9)


def test_same_result_for_text_and_number_ids(cdnow_transactions):
    as_text = cdnow_transactions.assign(
        customer_id=cdnow_transactions["customer_id"].map("{:05d}".format)
    )
    numbers = crmlib.summarize_transactions(cdnow_transactions, freq="W")
    text = crmlib.summarize_transactions(as_text, freq="W")
    assert numbers.index.is_monotonic_increasing
    text.index = text.index.astype(int)
    pd.testing.assert_frame_equal(numbers, text.sort_index(), check_index_type=False)


def test_long_daily_spans_use_the_same_counts_as_a_plain_groupby():
    # ten years of daily purchases forces the bit map and the sort paths
    rng = np.random.default_rng(5)
    n = 20_000
    tx = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 300, n) * 7919,  # sparse ids: factorised
            "date": pd.Timestamp("2010-01-01")
            + pd.to_timedelta(rng.integers(0, 3650, n), unit="D"),
            "amount": rng.gamma(2, 10, n),
        }
    )
    summary = crmlib.summarize_transactions(tx, freq="D")
    distinct = tx.groupby("customer_id")["date"].nunique()
    np.testing.assert_array_equal(summary["frequency"] + 1, distinct.reindex(summary.index))
    first = tx.groupby("customer_id")["date"].min()
    last = tx.groupby("customer_id")["date"].max()
    np.testing.assert_array_equal(summary["recency"], (last - first).dt.days.reindex(summary.index))


def test_observation_end_drops_later_purchases_and_input_is_untouched():
    tx = _tx([("a", "2024-01-01", 10), ("a", "2024-02-01", 10), ("b", "2024-03-01", 5)])
    before = tx.copy()
    summary = crmlib.summarize_transactions(tx, freq="D", observation_end="2024-01-15")
    assert list(summary.index) == ["a"]
    assert summary.loc["a", "frequency"] == 0
    pd.testing.assert_frame_equal(tx, before)


def test_time_zones_are_taken_in_local_time():
    stamps = pd.to_datetime(["2024-01-01 23:30", "2024-01-02 00:30"]).tz_localize("Europe/Brussels")
    tx = pd.DataFrame({"customer_id": ["a", "a"], "date": stamps, "amount": [1.0, 1.0]})
    summary = crmlib.summarize_transactions(tx, freq="D")
    assert summary.loc["a", "frequency"] == 1


def test_text_dates_are_parsed():
    tx = pd.DataFrame(
        {"customer_id": ["a", "a"], "date": ["2024-01-01", "2024-01-08"], "amount": ["10", "12.5"]}
    )
    summary = crmlib.summarize_transactions(tx, freq="W")
    assert summary.loc["a", "monetary_value"] == 12.5


def test_amount_col_none_leaves_out_monetary_value():
    tx = _tx([("a", "2024-01-01", 1)]).drop(columns="amount")
    summary = crmlib.summarize_transactions(tx, amount_col=None)
    assert list(summary.columns) == ["frequency", "recency", "T"]


def test_empty_transactions_give_an_empty_summary():
    tx = _tx([]).astype({"customer_id": str})
    summary = crmlib.summarize_transactions(tx)
    assert summary.empty
    assert list(summary.columns) == ["frequency", "recency", "T", "monetary_value"]


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (lambda t: t.drop(columns="date"), MissingDataError, "no column 'date'"),
        (
            lambda t: t.assign(date=["2024-01-01", "not a date", "2024-01-03"]),
            DataValidationError,
            "row 3: 1 value is missing",
        ),
        (lambda t: t.assign(amount=[1.0, np.nan, 2.0]), DataValidationError, "column 'amount'"),
        (lambda t: t.assign(customer_id=["a", None, "b"]), DataValidationError, "no customer"),
    ],
)
def test_bad_transactions_are_named(change, error, words):
    tx = change(_tx([("a", "2024-01-01", 1), ("a", "2024-01-02", 2), ("b", "2024-01-03", 3)]))
    with pytest.raises(error, match=words):
        crmlib.summarize_transactions(tx)


def test_bad_parameters():
    tx = _tx([("a", "2024-01-01", 1)])
    with pytest.raises(ParameterError, match="freq"):
        crmlib.summarize_transactions(tx, freq="Q")
    with pytest.raises(ParameterError, match="before the first transaction"):
        crmlib.summarize_transactions(tx, observation_end="2020-01-01")
    with pytest.raises(ParameterError, match="must be a date"):
        crmlib.summarize_transactions(tx, observation_end="someday")


def test_calibration_and_holdout_counts_whole_periods():
    # calibration ends on Wednesday 2024-01-10: the rest of that week belongs to neither
    tx = _tx(
        [
            ("a", "2024-01-01", 10),
            ("a", "2024-01-09", 20),
            ("a", "2024-01-12", 99),  # after calibration_end, inside its week: left out
            ("a", "2024-01-16", 30),
            ("a", "2024-01-17", 5),
            ("a", "2024-01-30", 40),
            ("b", "2024-01-02", 7),
            ("c", "2024-01-20", 8),  # first seen in the holdout: not forecastable, left out
        ]
    )
    split = crmlib.calibration_and_holdout(tx, "2024-01-10", "2024-02-04", freq="W")
    assert list(split.index) == ["a", "b"]
    a = split.loc["a"]
    assert (a["frequency_cal"], a["recency_cal"], a["T_cal"]) == (1, 1.0, 1.0)
    assert a["frequency_holdout"] == 2
    assert a["monetary_value_holdout"] == pytest.approx((35 + 40) / 2)
    assert a["duration_holdout"] == 3.0
    assert split.loc["b", "frequency_holdout"] == 0
    assert split.loc["b", "monetary_value_holdout"] == 0.0


@pytest.mark.parametrize(("freq", "duration"), [("D", 273.0), ("W", 39.0), ("M", 9.0)])
def test_calibration_and_holdout_on_cdnow(cdnow_transactions, freq, duration):
    split = crmlib.calibration_and_holdout(
        cdnow_transactions, "1997-09-30", "1998-06-30", freq=freq
    )
    assert len(split) == 2357
    assert (split["duration_holdout"] == duration).all()
    assert (split["frequency_holdout"] <= duration).all()
    assert split["frequency_holdout"].sum() > 0


def test_calibration_and_holdout_rejects_reversed_dates():
    tx = _tx([("a", "2024-01-01", 1), ("a", "2024-03-01", 1)])
    with pytest.raises(ParameterError, match="must come before"):
        crmlib.calibration_and_holdout(tx, "2024-03-01", "2024-02-01")
    with pytest.raises(ParameterError, match="no whole week"):
        crmlib.calibration_and_holdout(tx, "2024-02-27", "2024-03-01", freq="W")


def test_check_summary_messages():
    summary = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 3.0], "T": [5.0, 2.0]})
    with pytest.raises(DataValidationError, match="Some values in recency are larger than T"):
        check_summary(summary)
    with pytest.raises(DataValidationError, match="row 3"):
        check_summary(summary)
    bad = summary.assign(recency=[1.0, 3.0], T=[5.0, 5.0])
    with pytest.raises(DataValidationError, match="one-time buyers"):
        check_summary(bad)
    with pytest.raises(DataValidationError, match="not whole numbers"):
        check_summary(summary.assign(frequency=[0, 1.5], T=[5.0, 5.0]))


def test_check_history_broadcasts_and_checks():
    x, rec, age = check_history([0, 1, 2], 1.0, 3.0)
    assert x.shape == rec.shape == age.shape == (3,)
    with pytest.raises(DataValidationError, match="recency are larger than T"):
        check_history(1, 4.0, 3.0)


@pytest.mark.parametrize(
    "ids",
    [
        ["C000120", "C000007", "C000120", "C000007", "C000999"],  # numbered, dense
        ["K900000001", "K000000007", "K900000001", "K000000007", "K500000000"],  # sparse
        ["00120", "00007", "00120", "00007", "00999"],  # digits only: zeros kept
        ["C12", "C7", "C12", "C7", "C999"],  # lengths differ: plain text
        ["AB-1", "AB-2", "AB-1", "AB-2", "XY-3"],  # prefixes differ: plain text
    ],
)
def test_text_ids_come_back_unchanged(ids):
    tx = pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="string[pyarrow]"),
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-01-15"]
            ),
            "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    summary = crmlib.summarize_transactions(tx, freq="D")
    assert sorted(summary.index) == sorted(set(ids))
    assert summary.index.dtype == tx["customer_id"].dtype
    assert summary.loc[ids[0], "frequency"] == 1
    assert summary.loc[ids[0], "monetary_value"] == 3.0
    assert summary.loc[ids[1], "monetary_value"] == 4.0
    assert summary.loc[ids[4], "frequency"] == 0


@pytest.mark.parametrize(
    ("n_customers", "rows_each", "span"),
    [
        (500, 20, 60),  # short spans: a byte per period
        (1000, 300, 5000),  # long spans: a bit per period
        (1000, 2, 1_000_000),  # spans too long even for bits: sorted keys
    ],
)
def test_distinct_period_counts_on_every_path(n_customers, rows_each, span):
    from crmlib.analytics.summary import _period_stats

    rng = np.random.default_rng(span)
    codes = np.repeat(np.arange(n_customers), rows_each)
    periods = rng.integers(0, span, len(codes)).astype(np.int32)
    periods[::rows_each] = 0  # every customer spans (almost) the whole range
    periods[1::rows_each] = span - 1
    order = rng.permutation(len(codes))
    stats = _period_stats(codes[order].astype(np.intp), n_customers, periods[order], None)
    expected = pd.DataFrame({"c": codes, "p": periods}).groupby("c")["p"].nunique()
    np.testing.assert_array_equal(stats["n_periods"], expected.to_numpy())

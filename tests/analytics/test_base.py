"""The one customer base: hand-computed on a five-customer company, then the cache.

The tiny company (observation end 2024-12-31, window 2024, previous window 2023):

====  ==========================================  =========================
cust  purchases (amount / cost)                   contacts in 2024
====  ==========================================  =========================
A     2023-03-01 100/60; 2024-02-01 200/100;      2024-07-01 email (EUR 1)
      2024-06-01 100/50
B     2023-05-01 50/30                            2024-05-01 phone (EUR 5)
C     2024-03-01 80/40; 2024-04-01 return -80/-40
D     2023-07-01 40/10; 2024-09-01 40/10
E     (none; in the customers table only)
====  ==========================================  =========================

By hand, over 2024: revenue A 300, C 0, D 40; margin A 150, C 0, D 30 (total 180); cost to
serve A 1, B 5 (total 6, 6/180 of margin); current value A 149, B -5, C 0, D 30, E 0 (net
total 174). Buyers A, C, D (3); active A-D (4); retention: 2023's buyers A, B, D, of whom
A and D bought in 2024: 2/3. SSC: ceil(0.2 x 5) = 1 customer, A. Top 20% share 149/174;
concentration: A alone brings 149/174 >= 80%, so 1 of 5 = 20%. Tiers: A platinum (the
first 50%), D silver (it starts at 86% of the value), B, C, E bronze. BZ: B.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics import base_cache
from crmlib.analytics.base import base_from_tables, clear_memory, customer_base
from crmlib.analytics.bgnbd import simulate_summary
from crmlib.analytics.lifetime_fit import fit_lifetime_models
from crmlib.errors import ParameterError


def tiny_tables() -> dict[str, pd.DataFrame]:
    tx = pd.DataFrame(
        [
            ("A", "2023-03-01", 100.0, 60.0, False),
            ("A", "2024-02-01", 200.0, 100.0, False),
            ("A", "2024-06-01", 100.0, 50.0, False),
            ("B", "2023-05-01", 50.0, 30.0, False),
            ("C", "2024-03-01", 80.0, 40.0, False),
            ("C", "2024-04-01", -80.0, -40.0, True),
            ("D", "2023-07-01", 40.0, 10.0, False),
            ("D", "2024-09-01", 40.0, 10.0, False),
        ],
        columns=["customer_id", "date", "amount", "cost", "is_return"],
    )
    tx["date"] = pd.to_datetime(tx["date"])
    customers = pd.DataFrame(
        {
            "customer_id": list("ABCDE"),
            "consent_marketing": pd.array([True, False, True, None, True], dtype="boolean"),
        }
    )
    interactions = pd.DataFrame(
        {
            "customer_id": ["A", "B", "B"],
            "date": pd.to_datetime(["2024-07-01", "2024-05-01", "2022-12-01"]),
            "channel": ["email", "phone", "phone"],
        }
    )
    channels = pd.DataFrame({"channel": ["email", "phone"], "cost_per_contact": [1.0, 5.0]})
    return {
        "transactions": tx,
        "customers": customers,
        "interactions": interactions,
        "channels": channels,
    }


def tiny_base(**changes):
    tables = tiny_tables()
    tables.update(changes.pop("tables", {}))
    settings = {"observation_end": "2024-12-31", "use_cache": False, **changes}
    return base_from_tables(**tables, **settings)


def values(base) -> dict:
    return {f.id: f.value for f in base.figures()}


def statuses(base) -> dict:
    return {f.id: f.status for f in base.figures()}


def test_the_tiny_company_by_hand():
    base = tiny_base()
    table = base.table
    assert base.window == "2024-01-01..2024-12-31"
    assert base.value_metric == "margin"
    assert table["revenue"].to_dict() == {"A": 300, "B": 0, "C": 0, "D": 40, "E": 0}
    assert table["gross_margin"].to_dict() == {"A": 150, "B": 0, "C": 0, "D": 30, "E": 0}
    assert table["cost_to_serve"].to_dict() == {"A": 1, "B": 5, "C": 0, "D": 0, "E": 0}
    assert table["current_value"].to_dict() == {"A": 149, "B": -5, "C": 0, "D": 30, "E": 0}
    assert table["purchases"].to_dict() == {"A": 2, "B": 0, "C": 1, "D": 1, "E": 0}
    assert table.loc["A", "first_purchase"] == pd.Timestamp("2023-03-01")
    got = values(base)
    assert got["customers"] == 5
    assert got["buyers"] == 3
    assert got["active_customers"] == 4
    assert got["retention_rate"] == pytest.approx(2 / 3)
    assert got["revenue"] == pytest.approx(340)
    assert got["gross_margin"] == pytest.approx(180)
    assert got["cost_to_serve"] == pytest.approx(6)
    assert got["cost_to_serve_share"] == pytest.approx(6 / 180)
    assert got["ssc_count"] == 1
    assert got["top20_share"] == pytest.approx(149 / 174)
    assert got["concentration_80"] == pytest.approx(0.2)
    assert got["value_category_count.MVC"] == 1
    assert got["value_category_count.BZ"] == 1
    assert [got[f"tier_count.{t}"] for t in ("platinum", "gold", "silver", "bronze")] == [
        1,
        0,
        1,
        3,
    ]
    assert got["consenting_customers"] == 3
    assert table.loc["A", "is_ssc"] and table["is_ssc"].sum() == 1
    assert table.loc["B", "value_category"] == "BZ"


def test_five_customers_are_too_few_for_a_forecast_and_it_says_so():
    base = tiny_base()
    state = statuses(base)
    for figure_id in (
        "clv_fit",
        "expected_margin_12m",
        "lifetime_value",
        "value_category_count.MGC",
    ):
        assert state[figure_id] == "unavailable"
        assert base.figure(figure_id).value is None
    assert "at least 10 customers" in base.figure("expected_margin_12m").reason


def test_the_forecast_error_is_the_chosen_models_miss_on_its_holdout(sample_dir):
    from crmlib.analytics.base import forecast_error_words
    from crmlib.data.company import load_company

    base = customer_base(load_company(sample_dir))
    chosen = base.fit.model_choice.comparison.query("chosen").iloc[0]
    assert base.forecast_error == pytest.approx(chosen["total_error_pct"] / 100)
    assert tiny_base().forecast_error is None  # no holdout, no measure of the miss
    # 10% too many purchases: a forecast of 1,100 is 100 too high at that bias
    words = forecast_error_words(0.1, 1100.0, "EUR")
    assert "10.0% more purchases" in words and "EUR 100 too high" in words
    assert "EUR 100 too low" in forecast_error_words(-1 / 11, 1000.0, "EUR")
    assert "too" not in forecast_error_words(0.1)


def test_revenue_only_data_runs_on_revenue_and_says_so():
    tables = tiny_tables()
    tx = tables["transactions"].drop(columns="cost")
    base = tiny_base(tables={"transactions": tx})
    assert base.value_metric == "revenue"
    assert base.table["current_value"].to_dict() == {"A": 300, "B": 0, "C": 0, "D": 40, "E": 0}
    margin = base.figure("gross_margin")
    assert margin.status == "unavailable" and margin.value is None
    assert "cost" in margin.reason
    assert base.figure("cost_to_serve_share").status == "unavailable"
    assert "(by revenue)" in base.figure("ssc_count").label
    with pytest.raises(ParameterError, match="value_metric 'margin'"):
        tiny_base(tables={"transactions": tx}, value_metric="margin")


def test_missing_contacts_and_consent_are_unavailable_not_zero():
    tables = tiny_tables()
    customers = tables["customers"].drop(columns="consent_marketing")
    base = tiny_base(tables={"interactions": None, "channels": None, "customers": customers})
    for figure_id in ("cost_to_serve", "cost_to_serve_share", "consenting_customers"):
        figure = base.figure(figure_id)
        assert figure.status == "unavailable" and figure.value is None, figure_id
    assert base.table["cost_to_serve"].isna().all()
    assert base.figure("active_customers").status == "caveat"
    assert base.figure("value_category_count.BZ").status == "caveat"


def test_retention_needs_the_previous_window_inside_the_data():
    # window 2023-10-01..2024-09-30; previous 2022-10-01..2023-09-30, data from 2023-03-01
    partly = tiny_base(observation_end="2024-09-30")
    figure = partly.figure("retention_rate")
    assert figure.status == "caveat"
    assert "59%" in figure.reason  # 214 of 365 days
    # window 2023-07-01..2024-06-30; the data covers 122 of the previous window's 365 days
    short = tiny_base(observation_end="2024-06-30").figure("retention_rate")
    assert short.status == "unavailable" and short.value is None
    assert "1 Mar 2023" in short.reason


def test_settings_out_of_range_name_the_parameter():
    with pytest.raises(ParameterError, match="window_months"):
        tiny_base(window_months=0)
    with pytest.raises(ParameterError, match="ssc_share"):
        tiny_base(ssc_share=1.5)
    with pytest.raises(ParameterError, match="value_metric"):
        tiny_base(value_metric="profit")


def test_a_fit_that_does_not_tell_active_from_lapsed_is_a_caveat():
    summary = simulate_summary(600, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39, seed=3)
    summary["monetary_value"] = np.where(summary["frequency"] > 0, 20.0, 0.0)
    # repeat buyers: BG/NBD gives every one-time buyer P(alive) = 1 by construction
    summary = summary[summary["frequency"] > 0]
    recent = pd.Series(summary["T"] - summary["recency"] < 10, index=summary.index)
    good = fit_lifetime_models(summary, recent)
    assert good.purchase_model is not None
    assert not any("tell them apart" in r for r in good.reasons)
    # "active" drawn at random: P(alive) cannot differ between the two groups
    shuffled = pd.Series(np.random.default_rng(0).random(len(summary)) < 0.5, index=summary.index)
    doubtful = fit_lifetime_models(summary, shuffled)
    assert doubtful.status == "caveat"
    assert any("tell them apart" in r for r in doubtful.reasons)


def test_the_sample_base_agrees_with_itself(sample_dir):
    from crmlib.data.company import load_company

    company = load_company(sample_dir)
    base = customer_base(company)
    table = base.table
    assert customer_base(company) is base
    got = values(base)
    assert got["ssc_count"] == int(table["is_ssc"].sum())
    # the SSCs are the MVCs: one definition
    assert (table["value_category"] == "MVC").sum() == got["ssc_count"]
    assert got["buyers"] <= got["active_customers"] <= got["customers"]
    assert base.figure("clv_fit").status == "ok"
    assert got["expected_margin_12m"] == pytest.approx(table["expected_margin_12m"].sum())


def test_whole_number_customer_ids_give_the_base_of_the_same_ids_as_text(sample_dir):
    # the base's ids are text; a table with whole-number ids is forecast all the same
    from crmlib.data.company import load_company

    transactions = load_company(sample_dir).transactions
    codes, _ = pd.factorize(transactions["customer_id"])
    as_numbers = transactions.assign(customer_id=codes + 1000)
    as_text = transactions.assign(customer_id=(codes + 1000).astype(str))
    numbers = base_from_tables(as_numbers, use_cache=False).table
    text = base_from_tables(as_text, use_cache=False).table
    assert numbers["probability_alive"].notna().all()
    pd.testing.assert_frame_equal(numbers, text)


# -- memoisation --------------------------------------------------------------------------


def test_the_same_arguments_give_the_same_object(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    first = tiny_base(use_cache=True)
    assert tiny_base(use_cache=True) is first
    # equal content in other objects is the same base too
    assert base_from_tables(**tiny_tables(), observation_end="2024-12-31") is first
    assert tiny_base(use_cache=True, ssc_share=0.4) is not first


def test_a_cached_base_equals_a_built_one(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    built = tiny_base(use_cache=True)
    clear_memory()
    read = tiny_base(use_cache=True)
    assert (built.source, read.source) == ("built", "disk")
    pd.testing.assert_frame_equal(built.table, read.table)
    assert [f.to_dict() for f in built.figures()] == [f.to_dict() for f in read.figures()]


def test_a_changed_table_or_parameter_misses(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    tiny_base(use_cache=True)
    assert len(list(base_cache.entries())) == 1
    clear_memory()
    tx = tiny_tables()["transactions"]
    tx.loc[1, "amount"] = 201.0
    changed = tiny_base(use_cache=True, tables={"transactions": tx})
    assert changed.source == "built"
    assert changed.figure("revenue").value == pytest.approx(341)
    clear_memory()
    assert tiny_base(use_cache=True, window_months=6).source == "built"
    assert len(list(base_cache.entries())) == 3


def test_a_damaged_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    tiny_base(use_cache=True)
    (entry,) = base_cache.entries()
    (entry / "table.parquet").write_bytes(b"PAR1 half a file")
    clear_memory()
    assert tiny_base(use_cache=True).source == "built"


def test_the_cache_key_follows_content_not_objects():
    tables = tiny_tables()
    again = {name: frame.copy() for name, frame in tiny_tables().items()}
    assert base_cache.cache_key(tables, {"a": 1}) == base_cache.cache_key(again, {"a": 1})
    assert base_cache.cache_key(tables, {"a": 1}) != base_cache.cache_key(tables, {"a": 2})
    again["channels"].loc[0, "cost_per_contact"] = 1.5
    assert base_cache.cache_key(tables, {"a": 1}) != base_cache.cache_key(again, {"a": 1})


def test_the_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path / "here"))
    assert base_cache.cache_dir() == tmp_path / "here"
    monkeypatch.delenv("CRM_WORKBOOK_CACHE")
    assert base_cache.cache_dir() == Path.home() / ".cache" / "crm-workbook"


def _write_company(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = tiny_tables()
    tables["transactions"].to_csv(folder / "transactions.csv", index=False)
    tables["customers"].assign(consent_marketing=["yes", "no", "yes", "", "yes"]).to_csv(
        folder / "customers.csv", index=False
    )
    return folder


SECOND_PROCESS = textwrap.dedent(
    """
    import sys
    from crmlib.analytics.base import customer_base
    from crmlib.data.company import load_company

    base = customer_base(load_company(sys.argv[1]))
    print(base.source, base.figure("revenue").value)
    """
)


def test_a_second_process_reuses_the_cache(tmp_path):
    company = _write_company(tmp_path / "company")
    env = {**os.environ, "CRM_WORKBOOK_CACHE": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", SECOND_PROCESS, str(company)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0] == ["built", "340.0"]
    assert runs[1] == ["disk", "340.0"]
    # touching the files without changing them keeps the cache; changing one misses it
    os.utime(company / "transactions.csv")
    tx = pd.read_csv(company / "transactions.csv")
    tx.loc[0, "amount"] = 101.0
    tx.to_csv(company / "transactions.csv", index=False)
    third = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, str(company)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()
    assert third == ["built", "340.0"]  # 2023's line changed: the window's revenue did not


def _build_in_worker(args: tuple[str, int]) -> list:
    cache, ssc = args
    os.environ["CRM_WORKBOOK_CACHE"] = cache
    clear_memory()
    results = []
    for _ in range(5):
        clear_memory()
        base = tiny_base(use_cache=True, ssc_share=0.2 + 0.2 * ssc)
        results.append((ssc, base.figure("ssc_count").value, base.figure("revenue").value))
    return results


def test_concurrent_writers_never_corrupt_the_cache(tmp_path):
    cache = str(tmp_path / "cache")
    jobs = [(cache, i % 2) for i in range(8)]
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = [r for chunk in pool.map(_build_in_worker, jobs) for r in chunk]
    # each ssc_share gives one answer, whoever wrote or read the entry
    assert {r for r in results} == {(0, 1, 340.0), (1, 2, 340.0)}
    entries = list(base_cache.entries(Path(cache)))
    assert len(entries) == 2
    for entry in entries:
        assert sorted(p.name for p in entry.iterdir()) == ["meta.json", "table.parquet"]
        pd.read_parquet(entry / "table.parquet")
    # no staging folder is left behind
    assert not [p for p in (Path(cache) / "base").iterdir() if p.name.startswith(".")]


def test_a_base_from_the_disk_cache_brings_its_models_back(tmp_path, monkeypatch, sample_dir):
    from crmlib.data.company import load_company

    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    company = load_company(sample_dir)
    built = customer_base(company)
    clear_memory()
    read = customer_base(company)
    assert read.source == "disk"
    assert read.fit.status == built.fit.status == "ok"
    assert read.fit.purchase_model.params_ == built.fit.purchase_model.params_
    x, rec, age = 3, 20.0, 40.0
    assert read.fit.purchase_model.probability_alive(x, rec, age) == pytest.approx(
        built.fit.purchase_model.probability_alive(x, rec, age)
    )


def test_the_window_start_and_the_previous_tier_by_hand():
    """2023 (the previous window) by hand: margin A 100-60 = 40, B 50-30 = 20, D 40-10 = 30,
    no contacts (B's is in 2022); total 90. Ranked A 44%, D to 78%, B to 100%: D completes
    platinum (A and D), B completes gold; C and E had nothing: bronze."""
    base = tiny_base()
    assert base.window_start == pd.Timestamp("2024-01-01")
    assert base.previous_window_start == pd.Timestamp("2023-01-01")
    start = base.figure("window_start")
    assert (start.value, start.unit, start.status) == ("2024-01-01", "date", "ok")
    assert start.label == "Start of the analysis window"
    table = base.table
    assert table["previous_value"].to_dict() == {"A": 40, "B": 20, "C": 0, "D": 30, "E": 0}
    assert table["previous_value_tier"].to_dict() == {
        "A": "platinum",
        "B": "gold",
        "C": "bronze",
        "D": "platinum",
        "E": "bronze",
    }
    # a contact in 2023 is that window's cost to serve: D 30 - 5 = 25
    tables = tiny_tables()
    tables["interactions"] = pd.concat(
        [
            tables["interactions"],
            pd.DataFrame(
                {"customer_id": ["D"], "date": [pd.Timestamp("2023-08-01")], "channel": ["phone"]}
            ),
        ],
        ignore_index=True,
    )
    served = tiny_base(tables={"interactions": tables["interactions"]})
    assert served.table.loc["D", "previous_value"] == 25
    # on revenue the previous value is the previous window's revenue
    on_revenue = tiny_base(value_metric="revenue")
    assert on_revenue.table["previous_value"].to_dict() == {
        "A": 100,
        "B": 50,
        "C": 0,
        "D": 40,
        "E": 0,
    }


def test_a_window_without_positive_value_states_no_concentration():
    base = tiny_base(observation_end="2025-06-30", window_months=3)
    assert base.figure("top20_share").status == "unavailable"
    assert base.figure("concentration_80").status == "unavailable"
    assert "not positive" in base.figure("top20_share").reason

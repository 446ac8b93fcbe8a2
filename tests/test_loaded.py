"""What is kept for a loaded table, and that nothing is kept for a table built by hand."""

from __future__ import annotations

import gc

import pandas as pd

from crmlib.analytics.base_cache import table_digest
from crmlib.analytics.lifecycle.lapse import purchase_rhythm
from crmlib.analytics.purchases import purchase_lines
from crmlib.loaded import is_loaded, mark_loaded, rows_kept


def lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.Series(["A", "A", "B", "B", "C"], dtype="str"),
            "date": pd.to_datetime(
                ["2025-01-01", "2025-02-01", "2025-01-10", "2025-03-10", "2025-03-01"]
            ),
            "amount": [10.0, 20.0, 5.0, 7.0, 3.0],
            "is_return": [False, False, False, False, True],
        }
    )


def test_a_marked_table_is_known_by_itself_not_by_its_address():
    table = lines()
    assert not is_loaded(table)
    mark_loaded(table)
    assert is_loaded(table)
    assert not is_loaded(table.copy())
    del table
    gc.collect()
    assert not is_loaded(lines())


def test_a_loaded_table_shares_its_purchase_lines_and_digest():
    table = lines()
    mark_loaded(table)
    first = purchase_lines(table, "2025-12-31")
    # the same rows kept, by another end: one copy
    assert purchase_lines(table) is first
    assert len(first) == 4
    assert table_digest(table) == table_digest(table)
    rhythm = purchase_rhythm(table, end="2025-12-31", k=2.0)
    again = purchase_rhythm(table, end="2025-12-31", k=3.0)
    assert rhythm["purchase_days"].tolist() == again["purchase_days"].tolist() == [2, 2]
    assert (again["threshold_days"] >= rhythm["threshold_days"]).all()


def test_a_table_built_by_hand_is_read_afresh_after_a_change_in_place():
    table = lines()
    before = table_digest(table)
    assert len(purchase_lines(table)) == 4
    rhythm = purchase_rhythm(table, end="2025-12-31")
    table.loc[4, "is_return"] = False
    table.loc[0, "date"] = pd.Timestamp("2025-01-20")
    assert table_digest(table) != before
    assert len(purchase_lines(table)) == 5
    changed = purchase_rhythm(table, end="2025-12-31")
    assert changed.loc["A", "first_date"] == pd.Timestamp("2025-01-20")
    assert rhythm.loc["A", "first_date"] == pd.Timestamp("2025-01-01")
    assert "C" in changed.index and "C" not in rhythm.index


def test_derived_results_are_kept_only_for_loaded_tables():
    from crmlib.loaded import derived

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    table = lines()
    assert derived(table, "kind", "k", compute) == 1
    assert derived(table, "kind", "k", compute) == 2  # not loaded: computed each time
    mark_loaded(table)
    assert derived(table, "kind", "k", compute) == 3
    assert derived(table, "kind", "k", compute) == 3  # kept
    assert derived(table, "other", "k", compute) == 4  # another kind has its own
    assert derived(table, "kind", "j", compute) == 5  # one result per kind: "k" is gone
    assert derived(table, "kind", "k", compute) == 6
    assert derived(table, "other", "k", compute) == 4


def test_a_selection_that_keeps_every_row_is_the_loaded_table_itself():
    table = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    mark_loaded(table)
    everything = rows_kept(table, (table["date"] <= "2024-12-31").to_numpy())
    # the table itself: still loaded, so what steps derive from it is derived once
    assert everything is table and is_loaded(everything)
    part = rows_kept(table, (table["date"] <= "2024-01-15").to_numpy())
    assert len(part) == 1 and not is_loaded(part)

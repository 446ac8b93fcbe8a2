"""Loaded tables grouped by DuckDB: read where they lie, summed to the cent."""

import math

import numpy as np
import pandas as pd

from crmlib.data.frames_engine import arrow_columns, engine_table, exact_sum, members, run


def test_arrow_text_is_read_where_it_lies():
    frame = pd.DataFrame({"customer_id": pd.array(["C1", "C2", None], dtype="str")})
    arrow = arrow_columns(frame, ["customer_id"])
    kept = frame["customer_id"].array._pa_array.chunk(0)
    # the same buffer: DuckDB reads the kernel's memory, it does not get a copy of it
    assert arrow["customer_id"].chunk(0).buffers()[2].address == kept.buffers()[2].address
    assert arrow["customer_id"].null_count == 1


def test_a_hand_built_column_of_mixed_values_is_read_as_text():
    frame = pd.DataFrame({"customer_id": [1, "B", None], "amount": [1.0, 2.0, 3.0]})
    lines = engine_table(frame, ["customer_id", "amount"])
    out = run(lines.group_by("customer_id").aggregate(total=lines.amount.sum()))
    assert sorted(out["customer_id"].dropna()) == ["1", "B"]


def test_the_exact_sum_gives_the_cents_a_plain_sum_loses():
    amounts = np.round(np.random.default_rng(1).uniform(1, 200, 2_000_000), 2)
    exact = math.fsum(amounts)  # correctly rounded
    frame = pd.DataFrame({"g": pd.array(["x"] * len(amounts), dtype="str"), "amount": amounts})
    lines = engine_table(frame, ["g", "amount"])
    out = run(
        lines.group_by("g").aggregate(
            exact=exact_sum(lines.amount),
            plain=lines.amount.sum(),
            none=exact_sum(lines.amount, where=lines.amount > 1e6),
        )
    )
    # within a step of the double (3e-8 here); the plain sum strays about 1e-6, by thread order
    assert abs(out.loc[0, "exact"] - exact) < 1e-7
    assert abs(out.loc[0, "exact"] - exact) <= abs(out.loc[0, "plain"] - exact)
    assert pd.isna(out.loc[0, "none"])  # no line counts: unknown, not 0


def test_members_are_ids_compared_as_text():
    frame = pd.DataFrame({"customer_id": pd.array(["C1", "C2", "C3", None], dtype="str")})
    lines = engine_table(frame, ["customer_id"])
    out = run(lines.mutate(ssc=members(lines.customer_id, pd.Index(["C3", "C1", "C1"]))))
    assert out["ssc"].tolist()[:3] == [True, False, True]

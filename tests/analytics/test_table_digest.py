"""The base cache's table digest: every value counts, the way a table is held does not."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from crmlib.analytics.base_cache import table_digest


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "customer_id": pd.Series(["C1", "C2", None, "C10"], dtype="str"),
            "date": pd.to_datetime(["2025-01-01", "2025-01-02", None, "2025-03-01"]),
            "amount": [10.0, np.nan, 3.5, 7.25],
            "quantity": pd.array([1, None, 2, 3], dtype="Int64"),
            "is_return": pd.array([False, True, None, False], dtype="boolean"),
            "note": pd.Series(["a", 1, None, "b"], dtype=object),
        }
    )


def changed(table, column, row, value):
    other = table.copy()
    other.loc[other.index[row], column] = value
    return other


def test_same_content_same_digest(table):
    assert table_digest(table) == table_digest(table.copy())
    assert table_digest(table) == table_digest(table.set_axis([7, 8, 9, 10]))
    # a slice of a longer Arrow column digests as the same values held on their own
    longer = pd.concat([table, table], ignore_index=True)
    assert table_digest(longer.iloc[4:].reset_index(drop=True)) == table_digest(table)


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [
        ("customer_id", 0, "C3"),
        ("customer_id", 0, None),
        ("customer_id", 2, ""),
        ("date", 1, pd.Timestamp("2025-01-03")),
        ("amount", 1, 0.0),
        ("amount", 0, 10.000001),
        ("quantity", 1, 0),
        ("is_return", 2, False),
        ("note", 1, "1"),
    ],
)
def test_any_changed_value_changes_the_digest(table, column, row, value):
    assert table_digest(changed(table, column, row, value)) != table_digest(table)


def test_text_boundaries_count():
    # "ab" + "c" and "a" + "bc" hold the same bytes: the lengths tell them apart
    one = pd.DataFrame({"x": pd.Series(["ab", "c"], dtype="str")})
    two = pd.DataFrame({"x": pd.Series(["a", "bc"], dtype="str")})
    assert table_digest(one) != table_digest(two)


def test_order_and_types_count(table):
    assert table_digest(table.iloc[::-1].reset_index(drop=True)) != table_digest(table)
    as_text = table.assign(amount=table["amount"].astype(str))
    assert table_digest(as_text) != table_digest(table)


def test_chunked_arrow_column():
    text = pa.large_string()
    chunked = pa.chunked_array([pa.array(["a", None], text), pa.array(["b"], text)])
    column = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    frame = pd.DataFrame({"x": column})
    assert table_digest(frame) == table_digest(frame.copy())
    assert table_digest(frame) != table_digest(pd.DataFrame({"x": column.fillna("")}))


def _held_as(values, kind, *cuts) -> pd.Series:
    """``values`` as one Arrow column of ``kind``, cut into chunks at ``cuts``."""
    bounds = [0, *cuts, len(values)]
    pieces = [pa.array(values[a:b], kind) for a, b in zip(bounds, bounds[1:], strict=False)]
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(pieces, kind)))


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_how_a_column_is_chunked_does_not_count(kind):
    text = ["a", None, "bc", "", None, "def", "g"]
    numbers = [1, None, 3, 4, None, 6, 7]

    def frame(*cuts):
        return pd.DataFrame(
            {"x": _held_as(text, kind, *cuts), "n": _held_as(numbers, pa.int64(), *cuts)}
        )

    whole = table_digest(frame())
    assert table_digest(frame(2)) == whole
    assert table_digest(frame(1, 4, 6)) == whole
    # the values still count across a boundary: "a", "bc" is not "ab", "c"
    text[0], text[2] = "ab", "c"
    assert table_digest(frame(2)) != whole

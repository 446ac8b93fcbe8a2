"""The Arrow fast paths give exactly what pandas gives."""

import numpy as np
import pandas as pd
import pytest

from crmlib.text_columns import as_objects, frame_values, has_duplicates, isin, sorted_codes

TEXT_TYPES = ["str", "string", object]


@pytest.mark.parametrize("left_type", TEXT_TYPES)
@pytest.mark.parametrize("right_type", TEXT_TYPES)
@pytest.mark.parametrize("right_has_missing", [False, True])
def test_isin_matches_pandas(left_type, right_type, right_has_missing):
    values = pd.Series(["C1", "C2", None, "C3", "C1", ""], dtype=left_type)
    among = ["C1", "", "C9"] + ([None] if right_has_missing else [])
    among = pd.Series(among, dtype=right_type)
    expected = values.isin(among).to_numpy(dtype=bool)
    np.testing.assert_array_equal(isin(values, among), expected)
    np.testing.assert_array_equal(isin(pd.Index(values), among), expected)


def test_isin_takes_a_list_and_other_types():
    values = pd.Series(["a", "b", None], dtype="str")
    np.testing.assert_array_equal(isin(values, ["b"]), [False, True, False])
    numbers = pd.Series([1, 2, 3])
    np.testing.assert_array_equal(isin(numbers, [3]), [False, False, True])


def test_isin_large_string_set():
    ids = pd.Series([f"C{i:07d}" for i in range(10_000)], dtype="str")
    among = ids.iloc[::3]
    np.testing.assert_array_equal(isin(ids, among), np.arange(10_000) % 3 == 0)


@pytest.mark.parametrize("kind", TEXT_TYPES)
def test_as_objects_matches_to_numpy(kind):
    values = pd.Series(["x", None, "y", "x"], dtype=kind)
    got, expected = as_objects(values), values.to_numpy(dtype=object)
    assert got.dtype == object
    assert [g if isinstance(g, str) else repr(g) for g in got] == [
        e if isinstance(e, str) else repr(e) for e in expected
    ]


def test_as_objects_shares_one_object_per_value():
    values = pd.Series(["same"] * 5 + ["other"], dtype="str")
    got = as_objects(values)
    assert len({id(v) for v in got}) == 2


@pytest.mark.parametrize("kind", TEXT_TYPES)
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "b", "c"], False),
        (["a", "b", "a"], True),
        (["a", None, None], False),
        ([None, None], False),
        ([], False),
        (["a", "", ""], True),
        # ascending ids, with and without a repeat or a gap
        (["C1", "C2", "C3"], False),
        (["C1", "C2", "C2", "C3"], True),
        (["C1", None, "C2"], False),
        (["C1", "C2", None, "C2"], True),
        (["b", "a"], False),
        (["a"], False),
    ],
)
def test_has_duplicates(kind, values, expected):
    series = pd.Series(values, dtype=kind)
    assert has_duplicates(series) is expected
    assert bool(series.dropna().duplicated().any()) is expected


@pytest.mark.parametrize("kind", TEXT_TYPES)
def test_sorted_codes_matches_numpy(kind):
    values = pd.Series(["b", "a", "b", "Ä", "c", "a", "nan", None], dtype=kind)
    items, codes = sorted_codes(values)
    expected_items, expected_codes = np.unique(values.to_numpy(dtype=str), return_inverse=True)
    np.testing.assert_array_equal(items, expected_items)
    np.testing.assert_array_equal(codes, expected_codes.ravel())


@pytest.mark.parametrize("kind", TEXT_TYPES)
def test_frame_values_make_the_same_frame(kind):
    values = pd.Series(["C2", None, "C1"], dtype=kind)
    got = pd.DataFrame({"customer_id": frame_values(values)})
    expected = pd.DataFrame({"customer_id": values.to_numpy()})
    pd.testing.assert_frame_equal(got, expected)

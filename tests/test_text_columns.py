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


ID_SETS = {
    "numbered": [f"C{i:05d}" for i in (3, 1, 7, 2)],
    "numbered, asked with gaps": [f"C{i:05d}" for i in (3, 1, 7, 2)],
    "numbered, sparse": [f"C{i:012d}" for i in (3, 10**11, 7, 2)],
    "not numbered": ["anna", "bert", "C00001", "dirk"],
}
ASKED = {
    # numbers above, below and between the known ones
    "numbered": ["C00007", "C00009", "C00001", "C00000", "C00003", "C00005"],
    "numbered, asked with gaps": ["C00007", None, "X00001", "C0001"],
    "numbered, sparse": [f"C{10**11:012d}", "C000000000002", "C000000000004"],
    "not numbered": ["dirk", "eve", "anna", None, "C00001"],
}


@pytest.mark.parametrize("kind", TEXT_TYPES)
@pytest.mark.parametrize("ids", list(ID_SETS))
def test_positions_and_mapped_match_pandas(kind, ids):
    from crmlib.text_columns import mapped, positions

    index = pd.Index(ID_SETS[ids], dtype=kind)
    values = pd.Series(ASKED[ids], dtype=kind)
    np.testing.assert_array_equal(positions(index, values), index.get_indexer(values))
    labels = pd.Series(["MVC", "MGC", None, "BZ"], index=index, dtype="str")
    expected = values.map(labels).astype(object).to_numpy()
    got = mapped(values, labels)
    assert pd.isna(got).tolist() == pd.isna(expected).tolist()
    assert got[pd.notna(got)].tolist() == expected[pd.notna(expected)].tolist()


def test_the_number_table_belongs_to_its_index():
    """The lookup table kept for the last index is not used for another index."""
    from crmlib.text_columns import positions

    first = pd.Index(["C001", "C002", "C003"], dtype="str")
    asked = pd.Series(["C003", "C001"], dtype="str")
    assert positions(first, asked).tolist() == [2, 0]
    second = pd.Index(["C003", "C001"], dtype="str")
    assert positions(second, asked).tolist() == [0, 1]
    del first, second
    third = pd.Index(["C002", "C003", "C001"], dtype="str")
    assert positions(third, asked).tolist() == [1, 2]

"""Fast paths for the text columns of a large company (pandas' Arrow-backed strings).

A loaded company's ids are Arrow strings (pandas' ``str`` dtype): compact, and quick
to group. Two everyday operations are slow on them at a million customers, so the
analytics that meet them on whole tables go through here:

- ``Series.isin`` turns each value of the set into a Python object before Arrow
  sees it (about 2 s per million ids, and the ids of a base are asked several times);
  :func:`isin` hands the set to Arrow as it is;
- ``to_numpy(dtype=object)`` makes one Python string per row (ten million strings
  for the purchase lines, about 600 MB); :func:`as_objects` makes one per distinct
  value and repeats the reference.

- ``duplicated`` on a key column factorises ten million ids to find none;
  :func:`has_duplicates` sees ascending ids at once, else counts the distinct ones.

- ``pd.DataFrame({...: column.to_numpy()})`` goes through a Python string per row
  and back; :func:`frame_values` hands Arrow text over as it is.
- ``np.unique`` of a text column writes every row as fixed-width text to sort it;
  :func:`sorted_codes` sorts the distinct values only.

They give exactly what pandas and NumPy give; tests hold them to it.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd


def _arrow_text(values: Any):
    """The Arrow array of a pandas text column, or None when it is not one."""
    import pyarrow as pa

    array = getattr(values, "array", values)
    if not isinstance(getattr(array, "dtype", None), pd.StringDtype):
        return None
    if getattr(array.dtype, "storage", "") != "pyarrow":
        return None
    chunked = pa.chunked_array(pa.array(array))
    return (
        chunked
        if pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)
        else None
    )


def isin(values: pd.Series | pd.Index, among: Any) -> np.ndarray:
    """``values.isin(among)`` as a boolean array, at Arrow speed for text in text.

    A missing value is in ``among`` when ``among`` holds a missing value, as in pandas.
    """
    import pyarrow.compute as pc

    left = _arrow_text(values)
    if left is not None:
        if not isinstance(among, pd.Series | pd.Index):
            among = pd.Index(among)
        right = _arrow_text(among)
        if right is not None:
            numbered = _numbered_isin(values, among)
            if numbered is not None:
                return numbered
            value_set = pc.unique(right.combine_chunks().cast(left.type))
            found = pc.is_in(left, value_set=value_set, skip_nulls=False)
            return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(values.isin(among), dtype=bool)


def numbered_ids(ids: pd.Series | pd.Index) -> tuple[np.ndarray, str, int] | None:
    """The numbers of text ids made of one prefix and a fixed number of digits.

    Most CRM systems number their customers (``C000123``). Such ids, when they all have
    the same length, map one-to-one onto their numbers, which are much cheaper to group
    and to look up than text. Returns ``(numbers, prefix, width)``, or None for any
    other ids (and for missing ones).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _arrow_text(ids)
    if text is None or not len(text) or text.null_count:
        return None
    values = text.combine_chunks() if text.num_chunks != 1 else text.chunk(0)
    lengths = pc.min_max(pc.utf8_length(values))
    length = lengths["min"].as_py()
    if length != lengths["max"].as_py():
        return None
    prefix = values[0].as_py().rstrip("0123456789")
    width = length - len(prefix)
    # 18 digits still fit a 64-bit integer
    if not 0 < width <= 18 or (prefix and not pc.all(pc.starts_with(values, prefix)).as_py()):
        return None
    digits = pc.utf8_slice_codeunits(values, start=len(prefix), stop=length)
    if not pc.all(pc.ascii_is_decimal(digits)).as_py():
        return None
    numbers = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    return numbers, prefix, width


def positions(index: pd.Index, values: pd.Series | pd.Index) -> np.ndarray:
    """``index.get_indexer(values)``: each value's position in ``index``, -1 where absent.

    ``index`` holds each value once. For text in text the lookup is Arrow's: pandas would
    make a Python string of every value on both sides first (a million customer ids
    looked up in the contacts of a year: seconds per lookup).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    left, right = _arrow_text(values), _arrow_text(index)
    if left is None or right is None:
        return np.asarray(index.get_indexer(values), dtype=np.intp)
    numbered = _numbered_positions(index, values)
    if numbered is not None:
        return numbered
    found = pc.index_in(left, value_set=right.combine_chunks().cast(left.type))
    found = pc.fill_null(found, -1)
    if isinstance(found, pa.ChunkedArray):
        found = found.combine_chunks()
    return found.to_numpy(zero_copy_only=False).astype(np.intp)


def _numbered_positions(index: pd.Index, values: pd.Series | pd.Index) -> np.ndarray | None:
    """:func:`positions` through the numbers of numbered ids on both sides, else None."""
    global _LAST_TABLE
    if _LAST_TABLE is not None and _LAST_TABLE[0]() is index:
        table = _LAST_TABLE[1]
    else:
        table = _number_table(numbered_ids(index))
        # an Index is immutable: while it lives, its table holds
        _LAST_TABLE = (weakref.ref(index), table)
    return _look_up(table, values)


#: the lookup table of the last index seen: a step looks many columns up in one index
#: (the segment of every customer), and a million ids take 0.3 s to read as numbers
_LAST_TABLE: tuple[weakref.ref, tuple | None] | None = None


def _number_table(
    known: tuple[np.ndarray, str, int] | None,
) -> tuple[np.ndarray, int, tuple[str, int]] | None:
    """For numbered ids (:func:`numbered_ids`): position by number (``table[number - low]``),
    ``low`` and the ids' (prefix, width); None for other ids or numbers too sparse for a
    table of every number."""
    if known is None:
        return None
    keys = known[0]
    low, high = int(keys.min()), int(keys.max())
    if high - low > 4 * len(keys) + (1 << 16):
        return None
    table = np.full(high - low + 1, -1, dtype=np.intp)
    table[keys - low] = np.arange(len(keys))
    return table, low, known[1:]


def _look_up(
    found: tuple[np.ndarray, int, tuple[str, int]] | None, values: pd.Series | pd.Index
) -> np.ndarray | None:
    """Each value's position through a :func:`_number_table` (-1 where absent), or None
    when there is no table or the values are not numbered the same way."""
    if found is None:
        return None
    table, low, shape = found
    wanted = numbered_ids(values)
    if wanted is None or wanted[1:] != shape:
        return None
    numbers, high = wanted[0], low + len(table) - 1
    inside = (numbers >= low) & (numbers <= high)
    out = np.full(len(numbers), -1, dtype=np.intp)
    out[inside] = table[numbers[inside] - low]
    return out


def mapped(values: pd.Series | pd.Index, labels: pd.Series) -> np.ndarray:
    """``values.map(labels)`` as an object array (NaN where a value has no label).

    ``labels`` is indexed by the values (each once), as a segment per customer id.
    The lookup goes through :func:`positions`; each distinct label is one Python object.
    """
    table = np.empty(len(labels) + 1, dtype=object)
    table[:-1] = as_objects(labels)
    table[-1] = np.nan
    return table[positions(labels.index, values)]


def _numbered_isin(values: pd.Series | pd.Index, among: pd.Series | pd.Index) -> np.ndarray | None:
    """:func:`isin` through the numbers of numbered ids on both sides, else None."""
    # not kept like an index's table: ``among`` may be a Series, which can change
    found = _look_up(_number_table(numbered_ids(among)), values)
    return None if found is None else found >= 0


def as_objects(values: pd.Series | pd.Index) -> np.ndarray:
    """The values as a NumPy object array, with one Python string per distinct value.

    Missing values become ``np.nan``, as ``to_numpy(dtype=object)`` gives them for
    pandas' ``str`` dtype; other columns are converted as pandas converts them.
    """
    if _arrow_text(values) is None:
        return np.asarray(values.to_numpy(dtype=object))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = uniques.to_numpy(dtype=object)
    table[-1] = values.array.dtype.na_value
    return table[codes]


def has_duplicates(values: pd.Series) -> bool:
    """Whether any value other than a missing one occurs twice.

    The common answer, no, is found in Arrow: at once when the ids ascend (an export's
    key column usually does), else by counting the distinct ones. Arrow's
    ``count_distinct`` took 10 s on ten million ids where ``unique`` takes 2 s.
    """
    import pyarrow.compute as pc

    text = _arrow_text(values)
    if text is None:
        present = values.dropna()
        return bool(present.duplicated().any())
    if len(text) < 2:
        return False
    if text.null_count == 0 and pc.all(pc.less(text[:-1], text[1:])).as_py():
        return False
    present = pc.drop_null(text)
    return len(pc.unique(present)) < len(present)


def sorted_codes(values: pd.Series | pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values.to_numpy(dtype=str), return_inverse=True)``, from the distinct values.

    NumPy's version copies every row into a fixed-width text array and sorts it (ten
    million purchase lines); here the values are numbered once (``pd.factorize``) and
    only the distinct ones are written as text and sorted.

    Returns
    -------
    items : ndarray of str
        The distinct values as text, sorted.
    codes : ndarray of int
        Each value's position in ``items``.
    """
    if _arrow_text(values) is None:
        items, inverse = np.unique(values.to_numpy(dtype=str), return_inverse=True)
        return items, np.asarray(inverse).ravel()
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    words = pd.Index(uniques).to_numpy(dtype=str)
    items, inverse = np.unique(words, return_inverse=True)
    return items, np.asarray(inverse).ravel()[codes]


def frame_values(values: pd.Series | pd.Index):
    """A column's values for a new DataFrame: Arrow text kept as it is, else ``to_numpy()``.

    ``pd.DataFrame({"customer_id": column.to_numpy()})`` makes a Python string per row
    and then infers Arrow text back from them; the array itself goes in as it is.
    """
    if _arrow_text(values) is not None:
        # pandas infers its "str" type from the strings, whichever text type they came in
        return values.astype("str").array
    return values.to_numpy()

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
            value_set = pc.unique(right.combine_chunks().cast(left.type))
            found = pc.is_in(left, value_set=value_set, skip_nulls=False)
            return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(values.isin(among), dtype=bool)


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

"""The one returns filter: purchase lines, with returns left out."""

from __future__ import annotations

import hashlib
import weakref

import numpy as np
import pandas as pd

from crmlib.loaded import is_loaded

#: The last filter of a loaded table: (weak reference to the lines it came from, key, the kept lines).
#: A model asks for the purchase lines of the same company a dozen times (cohorts,
#: lapse, wallet, retention): filtering ten million lines with all their columns costs
#: seconds each time. One entry keeps at most one extra copy of the lines alive.
_LAST: list[tuple[weakref.ref, tuple, pd.DataFrame]] = []


def purchase_lines(
    transactions: pd.DataFrame, end=None, *, negative_is_return: bool = False
) -> pd.DataFrame:
    """Purchase lines up to ``end``, returns left out (a return is not a purchase).

    Parameters
    ----------
    transactions : DataFrame
        With ``date`` when ``end`` is given; ``is_return`` when present. Not modified.
        For a loaded company's table (:mod:`crmlib.loaded`) the kept lines of the last
        call are reused when it is filtered the same way again.
    end : date-like, optional
        Last day kept (inclusive).
    negative_is_return : bool, default False
        Without an ``is_return`` column, count lines with an amount of 0 or less as
        returns (KPIs read revenue; a credit note is not a sale). With the column, the
        column decides.

    Returns
    -------
    DataFrame
        The kept rows, in their order. Callers read it and do not change it.
    """
    data = transactions
    # one mask and at most one copy: the lines of a large company are copied only when
    # some are left out
    keep = np.ones(len(data), dtype=bool)
    if "is_return" in data.columns:
        keep &= ~data["is_return"].fillna(False).to_numpy(dtype=bool)
    elif negative_is_return:
        keep &= (data["amount"] > 0).to_numpy(dtype=bool)
    if end is not None:
        keep &= (data["date"] <= pd.Timestamp(end)).to_numpy(dtype=bool, na_value=False)
    if keep.all():
        return data
    if not is_loaded(data):
        return data[keep]
    # the kept rows themselves are the key: ``end=None`` and an end after the last line
    # keep the same rows and share one copy
    key = (id(data), tuple(data.columns), hashlib.blake2b(np.packbits(keep)).hexdigest())
    if _LAST:
        ref, last_key, kept = _LAST[0]
        if ref() is data and last_key == key:
            return kept
    kept = data[keep]
    _LAST[:] = [(weakref.ref(data), key, kept)]
    return kept


def forget_purchase_lines() -> None:
    """Drop the kept copy (after the tables it came from were changed in place)."""
    _LAST.clear()

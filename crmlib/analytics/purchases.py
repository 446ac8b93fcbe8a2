"""The one returns filter: purchase lines, with returns left out."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from crmlib.loaded import derived


def purchase_mask(
    transactions: pd.DataFrame, end=None, *, negative_is_return: bool = False
) -> np.ndarray:
    """Which lines :func:`purchase_lines` keeps, as a boolean array in line order.

    For steps that group the lines by number (customer numbers, day numbers) and need
    no copy of the kept lines at all.
    """
    keep = np.ones(len(transactions), dtype=bool)
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    elif negative_is_return:
        keep &= (transactions["amount"] > 0).to_numpy(dtype=bool)
    if end is not None:
        keep &= (transactions["date"] <= pd.Timestamp(end)).to_numpy(dtype=bool, na_value=False)
    return keep


def purchase_lines(
    transactions: pd.DataFrame, end=None, *, negative_is_return: bool = False
) -> pd.DataFrame:
    """Purchase lines up to ``end``, returns left out (a return is not a purchase).

    Parameters
    ----------
    transactions : DataFrame
        With ``date`` when ``end`` is given; ``is_return`` when present. Not modified.
        For a loaded company's table (:mod:`crmlib.loaded`) the kept lines are reused
        while it is filtered the same way.
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
    keep = purchase_mask(data, end, negative_is_return=negative_is_return)
    # at most one copy: the lines of a large company are copied only when some are left out
    if keep.all():
        return data
    # a model asks for the purchase lines of a loaded company a dozen times (cohorts,
    # lapse, wallet, retention), and copying ten million lines costs seconds each time:
    # the kept rows themselves are the key, so ``end=None`` and an end after the last
    # line share one copy
    key = (tuple(data.columns), hashlib.blake2b(np.packbits(keep)).hexdigest())
    return derived(data, "purchase_lines", key, lambda: data[keep])

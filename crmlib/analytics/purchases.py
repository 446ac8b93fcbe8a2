"""The one returns filter: purchase lines, with returns left out."""

from __future__ import annotations

import numpy as np
import pandas as pd


def purchase_lines(
    transactions: pd.DataFrame, end=None, *, negative_is_return: bool = False
) -> pd.DataFrame:
    """Purchase lines up to ``end``, returns left out (a return is not a purchase).

    Parameters
    ----------
    transactions : DataFrame
        With ``date`` when ``end`` is given; ``is_return`` when present. Not modified.
    end : date-like, optional
        Last day kept (inclusive).
    negative_is_return : bool, default False
        Without an ``is_return`` column, count lines with an amount of 0 or less as
        returns (KPIs read revenue; a credit note is not a sale). With the column, the
        column decides.

    Returns
    -------
    DataFrame
        The kept rows, in their order.
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
    return data if keep.all() else data[keep]

"""The one returns filter: purchase lines, with returns left out."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from crmlib.data.frames_engine import engine_table, run
from crmlib.data.line_facts import stamp
from crmlib.errors import MissingDataError
from crmlib.loaded import derived
from crmlib.text import translate


def purchase_mask(transactions: pd.DataFrame, end=None) -> np.ndarray:
    """Which lines :func:`purchase_lines` keeps, as a boolean array in line order.

    The vocabulary's purchase (``buyers``): a line with a positive amount that is not a
    return. A line flagged ``is_return`` is a return whatever its amount; a line of 0 or
    less is a credit or a free item, not a purchase, with or without the flag. For steps
    that group the lines by number (customer numbers, day numbers) and need no copy of
    the kept lines at all.
    """
    keep = np.ones(len(transactions), dtype=bool)
    if "is_return" in transactions.columns:
        keep &= ~transactions["is_return"].fillna(False).to_numpy(dtype=bool)
    if "amount" in transactions.columns:
        keep &= (pd.to_numeric(transactions["amount"], errors="coerce") > 0).to_numpy(
            dtype=bool, na_value=False
        )
    if end is not None:
        keep &= (transactions["date"] <= pd.Timestamp(end)).to_numpy(dtype=bool, na_value=False)
    return keep


def purchase_lines(transactions: pd.DataFrame, end=None) -> pd.DataFrame:
    """Purchase lines up to ``end``: lines with a positive amount, returns left out.

    Parameters
    ----------
    transactions : DataFrame
        With ``date`` when ``end`` is given; ``is_return`` and ``amount`` when present.
        Not modified. For a loaded company's table (:mod:`crmlib.loaded`) the kept lines
        are reused while it is filtered the same way.
    end : date-like, optional
        Last day kept (inclusive).

    Returns
    -------
    DataFrame
        The kept rows, in their order. Callers read it and do not change it.
    """
    data = transactions
    keep = purchase_mask(data, end)
    # at most one copy: the lines of a large company are copied only when some are left out
    if keep.all():
        return data
    # a model asks for the purchase lines of a loaded company a dozen times (cohorts,
    # lapse, wallet, retention), and copying ten million lines costs seconds each time:
    # the kept rows themselves are the key, so ``end=None`` and an end after the last
    # line share one copy
    key = (tuple(data.columns), hashlib.blake2b(np.packbits(keep)).hexdigest())
    return derived(data, "purchase_lines", key, lambda: data[keep])


def purchase_table(transactions: pd.DataFrame, columns: list[str], end=None, extra=None):
    """The purchase lines of :func:`purchase_mask`, as an Ibis table for the in-process engine.

    The same vocabulary (a positive amount, not flagged ``is_return``, dated up to
    ``end``), for steps grouped by DuckDB over the loaded lines
    (:mod:`crmlib.data.frames_engine`); only ``columns`` are read, with ``extra`` ones
    given as arrays of one value per line. A test holds the two to the same lines.
    """
    import ibis

    read = [c for c in dict.fromkeys(columns) if c not in (extra or {})]
    read += [c for c in ("is_return", "amount") if c in transactions.columns and c not in read]
    if end is not None and "date" not in read:
        read.append("date")
    lines = engine_table(transactions, read, extra)
    keep = ibis.literal(True)
    if "is_return" in transactions.columns:
        keep = keep & ~lines.is_return.cast("boolean").fill_null(False)
    if "amount" in transactions.columns:
        keep = keep & (lines.amount.try_cast("float64") > 0).fill_null(False)
    if end is not None:
        keep = keep & (lines.date <= stamp(end)).fill_null(False)
    return lines.filter(keep).select(*columns)


def last_purchase_day(transactions: pd.DataFrame) -> pd.Timestamp:
    """The day of the last purchase line, found by the engine (no copy of the lines).

    Raises MissingDataError when there is no purchase.
    """
    lines = purchase_table(transactions, ["date"])
    last = run(lines.aggregate(last=lines.date.max()))["last"]
    if last.isna().all():
        raise MissingDataError(translate("this step needs purchases"))
    return pd.Timestamp(last.iloc[0]).normalize()

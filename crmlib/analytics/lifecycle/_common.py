"""What the lifecycle modules share: period aliases, the end of the data, groups.

Private to the package: import the public functions from its modules.
"""

from __future__ import annotations

import pandas as pd

from crmlib.errors import MissingDataError, ParameterError
from crmlib.text import translate

PERIODS = {"M": "month", "Q": "quarter", "Y": "year"}


def check_freq(freq: str) -> str:
    if freq not in PERIODS:
        raise ParameterError(f"period '{freq}' is not one of M (month), Q (quarter), Y (year)")
    return freq


def end_of(data: pd.DataFrame, end) -> pd.Timestamp:
    if end is not None:
        return pd.Timestamp(end).normalize()
    if data.empty:
        raise MissingDataError(translate("this step needs purchases"))
    return pd.Timestamp(data["date"].max()).normalize()


def check_months(months: int) -> int:
    if int(months) != months or months < 1:
        raise ParameterError(f"months must be a whole number above 0, got {months}")
    return int(months)


def group_of(index: pd.Index, segments: pd.Series | None) -> pd.Series:
    if segments is None:
        return pd.Series("all", index=index, dtype=object)
    return segments.reindex(index).astype(object).fillna("unassigned")

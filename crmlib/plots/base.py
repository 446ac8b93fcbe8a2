"""What every chart module shares: a fresh axes when none is given, and input checks."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from crmlib.errors import MissingDataError


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.5, 4.0)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``figsize``."""
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]


def require_columns(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`MissingDataError` naming the columns the ``what`` chart lacks."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise MissingDataError(
            f"the {what} chart needs the column(s) {', '.join(missing)}; pass the table made "
            "by the matching crmlib function"
        )

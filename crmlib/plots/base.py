"""What every chart module shares: the input check (the style is :mod:`crmlib.plots.style`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from crmlib.errors import MissingDataError


def require_columns(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`MissingDataError` naming the columns the ``what`` chart lacks."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise MissingDataError(
            f"the {what} chart needs the column(s) {', '.join(missing)}; pass the table made "
            "by the matching crmlib function"
        )

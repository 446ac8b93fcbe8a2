"""The one input check of the analytics: a table and the columns a step needs."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.text import translate


def need_table(
    table: pd.DataFrame | None, name: str, columns: Sequence[str], step: str
) -> pd.DataFrame:
    """``table`` when it exists and has ``columns``; else say what ``step`` needs.

    Parameters
    ----------
    table : DataFrame or None
        None when the company has no such table.
    name : str
        The table's name as the user knows it ("interactions").
    columns : sequence of str
        The columns the step reads.
    step : str
        The step, as a reader knows it ("The repeat-contact analysis").

    Raises
    ------
    MissingDataError
        Naming the table, or the missing columns in it.
    """
    if table is None:
        raise MissingDataError(
            translate("{step} needs the {table} table").format(step=translate(step), table=name)
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise MissingDataError(
            translate("{step} needs the column(s) {names} in {table}").format(
                step=translate(step), names=", ".join(missing), table=name
            )
        )
    return table

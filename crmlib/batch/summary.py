"""The batch summary: one CSV row per (client, notebook), safe to open in a spreadsheet.

Client names and error messages are user text. A cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be read by Excel, LibreOffice or Google
Sheets as a formula (CSV injection), so such a cell gets a leading apostrophe, which
spreadsheets show as text and do not display.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from crmlib.atomic import atomic_write_text

#: File name of the summary in the batch's output folder.
SUMMARY_NAME = "batch-summary.csv"

#: The summary's columns.
SUMMARY_COLUMNS = ("client", "notebook", "status", "seconds", "error")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``text`` with an apostrophe in front when it starts with ``= + - @``, a tab
        or a carriage return; else ``text`` unchanged.
    """
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_summary(
    rows: Iterable[tuple[str, str, str, float | None, str | None]],
    path: str | os.PathLike[str],
) -> Path:
    """Write the batch summary atomically.

    Parameters
    ----------
    rows : iterable of tuple
        ``(client, notebook, status, seconds, error)``; ``seconds`` and ``error`` may
        be None.
    path : path-like
        The CSV file.

    Returns
    -------
    Path
        The file written: UTF-8 with a byte-order mark (so spreadsheets read accents
        right), comma-separated, one header line.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for client, notebook, status, seconds, error in rows:
        writer.writerow(
            [
                neutralize(client),
                neutralize(notebook),
                status,
                "" if seconds is None else f"{seconds:.1f}",
                neutralize(error or ""),
            ]
        )
    return atomic_write_text(path, buffer.getvalue(), encoding="utf-8-sig")

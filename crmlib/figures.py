"""Figures a machine can check: a number a report states, with its definition and status.

Every figure a report states is a :class:`Figure`: the definition id of the vocabulary
(:mod:`crmlib.analytics.vocabulary`), its raw value (not formatted), its unit and window,
and a status:

``ok``
    measured on data that covers it;
``caveat``
    measured, but with a limit the reader must know (``reason`` says which);
``unavailable``
    not measurable on this data (``reason`` says what data would give it). The value is
    then None, never 0: unknown is not zero.

The notebook side publishes figures as a display output (:mod:`crmlib.notebook.figures`);
the render side collects them into ``<stem>.figures.json`` next to the report. This
module has no IPython and no pandas dependency, so both sides and the tests share it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crmlib.formatting import count, decimal, money, percent
from crmlib.text import N_, translate

#: The statuses a figure can have.
STATUSES = ("ok", "caveat", "unavailable")

#: The MIME type under which a notebook publishes its figures.
FIGURES_MIME = "application/vnd.crm-workbook.figures+json"

#: The MIME type of the structured content a report hands to other documents (the
#: strategy report's portfolio, summary and verdicts, from which its slide deck is made).
REPORT_MIME = "application/vnd.crm-workbook.report+json"

#: The keys of one figure in ``figures.json``, in order.
FIGURE_KEYS = ("id", "label", "value", "unit", "window", "status", "reason")


def plain(value: Any) -> Any:
    """``value`` as plain JSON data: numpy scalars to Python, NaN to None, dates to text.

    Parameters
    ----------
    value : object
        A number, text, bool, None, a numpy scalar, a date, or a list/dict of those.

    Returns
    -------
    object
        Something :func:`json.dumps` writes without a custom encoder.

    Raises
    ------
    TypeError
        For anything else (a DataFrame, an object): a figure is one raw value.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    # numpy scalars (and pandas' NA/Timestamp) without importing either here
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if type(value).__module__.startswith("numpy"):
        item = value.item()
        if isinstance(item, int | float | bool):
            return plain(item)
    if repr(value) in ("<NA>", "NaT"):
        return None
    raise TypeError(f"a figure's value must be a plain number or text, got {type(value).__name__}")


@dataclass(frozen=True)
class Figure:
    """One figure a report states.

    Attributes
    ----------
    id : str
        The definition id in the vocabulary, e.g. ``"ssc_count"``; a qualifier after a
        dot names a part, e.g. ``"value_category_count.MVC"``.
    label : str
        What the reader sees it called, e.g. ``"Strategically significant customers"``.
    value : int, float, str or None
        The raw value (a share as 0-1, money as a number). None when unavailable.
    unit : str
        ``"customers"``, ``"share"``, a currency code, ``"purchases"``...
    window : str
        The period it covers, e.g. ``"2024-01-01..2024-12-31"``, or ``""`` for a state
        at the observation end.
    status : {"ok", "caveat", "unavailable"}
    reason : str
        Why the status is not ``ok`` (what data would give it); empty when ok.
    """

    id: str
    label: str
    value: Any
    unit: str
    window: str = ""
    status: str = "ok"
    reason: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"a figure's status is one of {STATUSES}, got {self.status!r}")
        if not self.id:
            raise ValueError("a figure needs a definition id")
        object.__setattr__(self, "value", plain(self.value))
        if self.status == "unavailable" and self.value is not None:
            # unknown is never shown as a number, least of all as 0
            raise ValueError(f"figure {self.id}: an unavailable figure has no value")
        if self.status != "ok" and not self.reason:
            raise ValueError(f"figure {self.id}: status {self.status} needs a reason")
        if self.status == "ok" and self.value is None:
            raise ValueError(f"figure {self.id}: an ok figure needs a value")

    @property
    def definition_id(self) -> str:
        """The vocabulary id without the qualifier (``value_category_count``)."""
        return self.id.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        """The figure as in ``figures.json``."""
        return {key: getattr(self, key) for key in FIGURE_KEYS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figure:
        """A figure from its ``figures.json`` entry."""
        return cls(
            **{key: data.get(key, "" if key not in ("value",) else None) for key in FIGURE_KEYS}
        )

    @classmethod
    def unavailable(cls, id: str, label: str, unit: str, reason: str, window: str = "") -> Figure:
        """A figure the data cannot give, with the reason (what data would give it)."""
        return cls(id, label, None, unit, window, "unavailable", reason)


def figures_document(figures: Iterable[Figure | Mapping[str, Any]]) -> dict[str, Any]:
    """``{"figures": [...]}`` with one entry per id (the last stated wins).

    Raises
    ------
    ValueError
        When one id is stated twice with different values or windows: a report that
        contradicts itself.
    """
    seen: dict[str, dict[str, Any]] = {}
    for item in figures:
        entry = (item if isinstance(item, Figure) else Figure.from_dict(item)).to_dict()
        earlier = seen.get(entry["id"])
        if earlier is not None and (
            not values_equal(earlier["value"], entry["value"])
            or earlier["window"] != entry["window"]
        ):
            raise ValueError(
                f"figure {entry['id']} is stated twice with different values: "
                f"{earlier['value']} ({earlier['window']}) and {entry['value']} ({entry['window']})"
            )
        seen[entry["id"]] = entry
    return {"figures": list(seen.values())}


def dumps(figures: Iterable[Figure | Mapping[str, Any]]) -> str:
    """The text of a ``figures.json`` file."""
    return json.dumps(figures_document(figures), indent=2, ensure_ascii=False) + "\n"


def values_equal(a: Any, b: Any, rel_tol: float = 1e-9) -> bool:
    """Whether two raw figure values are the same (floats to a relative tolerance)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=rel_tol, abs_tol=1e-12)
    return a == b


def format_value(figure: Figure, decimals: int | None = None) -> str:
    """A figure's value as a reader sees it: ``1,000``, ``85%``, ``EUR 21,272``.

    Parameters
    ----------
    figure : Figure
    decimals : int, optional
        Decimals of a share or an amount (default 0).
    """
    if figure.status == "unavailable" or figure.value is None:
        return translate("not available")
    value = figure.value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    places = 0 if decimals is None else int(decimals)
    if figure.unit == "share":
        return percent(float(value), places)
    if figure.unit in ("customers", "purchases", "episodes"):
        return count(value)
    if len(figure.unit) == 3 and figure.unit.isupper():
        return money(float(value), figure.unit, places)
    return decimal(float(value), places)


#: What a figure's label says when the customer base ranks on revenue (no cost data).
BY_REVENUE = N_(" (by revenue)")


def label_in_words(label: str) -> str:
    """A figure's label as the reader reads it, in the report's language."""
    if label.endswith(BY_REVENUE):
        return translate(label[: -len(BY_REVENUE)]) + translate(BY_REVENUE)
    return translate(label)

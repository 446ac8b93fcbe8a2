"""Tables as the loader made them: read by every step, changed in place by none.

A loaded company's tables are not changed in place (steps work on what they derive), so
what is derived from one of them can be kept for as long as the table lives: its digest
for the caches, its purchase lines. Ten million lines are then digested and filtered
once per kernel, not once per step. A table built or changed by hand is not marked, and
nothing derived from it is kept.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

#: id of a marked table -> (a weak reference to it, {kind: (key, what was derived)}).
#: A table is not hashable, so no WeakKeyDictionary; the reference tells a marked table
#: from another that later took its address.
_LOADED: dict[int, tuple[weakref.ref, dict[str, tuple[Hashable, object]]]] = {}


def mark_loaded(frame: pd.DataFrame) -> None:
    """Mark ``frame`` as a loaded table: read from now on, never changed in place."""
    for dead in [k for k, (ref, _) in _LOADED.items() if ref() is None]:
        del _LOADED[dead]
    _LOADED[id(frame)] = (weakref.ref(frame), {})


def _entry(frame: object) -> dict[str, tuple[Hashable, object]] | None:
    """What is kept for ``frame`` when the loader marked it, else None."""
    entry = _LOADED.get(id(frame))
    return entry[1] if entry is not None and entry[0]() is frame else None


def is_loaded(frame: object) -> bool:
    """Whether ``frame`` is a table the loader marked (and not another at its address)."""
    return _entry(frame) is not None


def derived(frame: pd.DataFrame, kind: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept with a loaded ``frame`` while the frame lives.

    One result is kept per ``kind`` of derivation (its digest, its purchase lines, ...):
    the one for the last ``key`` asked, so a kind never holds more than one copy of the
    lines. For a table the loader did not mark, ``compute()`` runs every time. What is
    kept is shared between callers, who read it and do not change it.
    """
    kept = _entry(frame)
    if kept is None:
        return compute()
    last = kept.get(kind)
    if last is not None and last[0] == key:
        return last[1]
    # the old result goes before the new one is made: two copies of the lines never meet
    kept.pop(kind, None)
    value = compute()
    kept[kind] = (key, value)
    return value


def rows_kept(frame: pd.DataFrame, keep) -> pd.DataFrame:
    """The rows of ``frame`` that the boolean array ``keep`` marks.

    When every row is kept (the data ends on the observation end, say), ``frame``
    itself: a selection would copy ten million lines, and the copy is no longer a
    loaded table, so what steps derive from it (customer numbers, digests) would be
    derived again. Callers read the result and do not change it.
    """
    return frame if bool(keep.all()) else frame[keep]

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

#: id of a marked table -> a weak reference to it (a table is not hashable, so no WeakSet)
_LOADED: dict[int, weakref.ref] = {}


def mark_loaded(frame: pd.DataFrame) -> None:
    """Mark ``frame`` as a loaded table: read from now on, never changed in place."""
    for key in [k for k, ref in _LOADED.items() if ref() is None]:
        del _LOADED[key]
    _LOADED[id(frame)] = weakref.ref(frame)


def is_loaded(frame: object) -> bool:
    """Whether ``frame`` is a table the loader marked (and not another at its address)."""
    ref = _LOADED.get(id(frame))
    return ref is not None and ref() is frame


#: id of a loaded table -> (weak reference to it, {kind: (key, what was derived)})
_DERIVED: dict[int, tuple[weakref.ref, dict[str, tuple[Hashable, object]]]] = {}


def derived(frame: pd.DataFrame, kind: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept with a loaded ``frame`` while the frame lives.

    One result is kept per ``kind`` of derivation (its digest, its purchase lines, ...):
    the one for the last ``key`` asked, so a kind never holds more than one copy of the
    lines. For a table the loader did not mark, ``compute()`` runs every time. What is
    kept is shared between callers, who read it and do not change it.
    """
    if not is_loaded(frame):
        return compute()
    entry = _DERIVED.get(id(frame))
    if entry is None or entry[0]() is not frame:
        for dead in [k for k, (ref, _) in _DERIVED.items() if ref() is None]:
            del _DERIVED[dead]
        entry = (weakref.ref(frame), {})
        _DERIVED[id(frame)] = entry
    kept = entry[1].get(kind)
    if kept is not None and kept[0] == key:
        return kept[1]
    # the old result goes before the new one is made: two copies of the lines never meet
    entry[1].pop(kind, None)
    value = compute()
    entry[1][kind] = (key, value)
    return value

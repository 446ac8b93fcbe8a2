"""Tables as the loader made them: read by every step, changed in place by none.

A loaded company's tables are not changed in place (steps work on what they derive), so
what is derived from one of them can be kept for as long as the table lives: its digest
for the caches, its purchase lines. Ten million lines are then digested and filtered
once per kernel, not once per step. A table built or changed by hand is not marked, and
nothing derived from it is kept.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
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


#: id of a loaded table -> (weak reference to it, what was derived from it by key)
_DERIVED: dict[int, tuple[weakref.ref, OrderedDict]] = {}
#: What is kept per table: a few derived tables of the lines stay affordable.
_PER_TABLE = 2


def derived(frame: pd.DataFrame, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept with a loaded ``frame`` under ``key`` while the frame lives.

    For a table the loader did not mark, ``compute()`` runs every time. What is kept is
    shared between callers, who read it and do not change it. At most
    :data:`_PER_TABLE` results are kept per table, the least recently used dropped.
    """
    if not is_loaded(frame):
        return compute()
    entry = _DERIVED.get(id(frame))
    if entry is None or entry[0]() is not frame:
        for dead in [k for k, (ref, _) in _DERIVED.items() if ref() is None]:
            del _DERIVED[dead]
        entry = (weakref.ref(frame), OrderedDict())
        _DERIVED[id(frame)] = entry
    kept = entry[1]
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    value = compute()
    kept[key] = value
    while len(kept) > _PER_TABLE:
        kept.popitem(last=False)
    return value

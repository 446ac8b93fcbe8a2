"""Tables as the loader made them: read by every step, changed in place by none.

A loaded company's tables are not changed in place (steps work on what they derive), so
what is derived from one of them can be kept for as long as the table lives: its digest
for the caches, its purchase lines. Ten million lines are then digested and filtered
once per kernel, not once per step. A table built or changed by hand is not marked, and
nothing derived from it is kept.
"""

from __future__ import annotations

import weakref

import pandas as pd

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

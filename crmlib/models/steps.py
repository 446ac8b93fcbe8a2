"""Try a step of a model; when the company lacks its data, record why and go on.

The one skipping mechanism of the models. A step that needs data the company does not
have raises :class:`~crmlib.errors.MissingDataError` with the reason; :func:`attempt`
turns that into ``None`` and keeps the reason under the step's name, so a result can say
what it could not measure (unknown is never zero). The notebook's
:func:`crmlib.notebook.step` says the same reason aloud instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from crmlib.errors import MissingDataError
from crmlib.text import translate

T = TypeVar("T")


def reason(missing: MissingDataError) -> str:
    """The reason a step was skipped, as a clause (no final full stop), in the report's
    language: a message raised as a catalogue text is translated here, one already
    filled in the language in force stays as it is."""
    return translate(str(missing).rstrip("."))


def attempt(
    skipped: dict[str, str], name: str, compute: Callable[..., T], *args, **kwargs
) -> T | None:
    """``compute(*args, **kwargs)``, or None with the reason stored in ``skipped[name]``.

    Parameters
    ----------
    skipped : dict
        Step name -> reason; updated in place (it belongs to the result being built).
    name : str
        The step's name as a reader knows it, e.g. ``"look-alikes"``.
    compute : callable
        The step. Only :class:`~crmlib.errors.MissingDataError` is caught: any other
        error is a bug or a user error and propagates.

    Examples
    --------
    >>> skipped = {}
    >>> attempt(skipped, "needs", lambda: 1)
    1
    """
    try:
        return compute(*args, **kwargs)
    except MissingDataError as missing:
        skipped[name] = reason(missing)
        return None

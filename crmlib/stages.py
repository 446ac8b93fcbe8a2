"""What a model diagram shows of one element: its name, a few lines of figures, a score.

Models compute their stages from a result; :mod:`crmlib.diagrams` draws them. The type
lives below both layers so that neither has to import the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stage:
    """One element of a model diagram.

    Attributes
    ----------
    name : str
        The element's name, e.g. ``"Differentiate"``.
    lines : sequence of str
        Up to four short lines of the company's figures.
    score : float, optional
        0-1; colours the element. None leaves it neutral.
    """

    name: str
    lines: Sequence[str] = field(default_factory=tuple)
    score: float | None = None

"""Short "Your turn" exercises for students: answers checked against the data.

An exercise cell (tagged ``exercise``, so reports leave it out) asks a question whose
answer the notebook has computed, lets the student fill in ``answer = ...`` and calls a
checker, which says *right*, *close* or *wrong* with a hint::

    answer = None  # the share of customers that brings 80% of revenue, e.g. 0.25
    check_number(answer, concentration.customer_share, tolerance=0.02,
                 hint="Read it off where the red lines cross in the Pareto chart.")
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass

VERDICTS = {
    "right": ("#27ae60", "Right."),
    "close": ("#f39c12", "Close."),
    "wrong": ("#c0392b", "Not quite."),
    "open": ("#7f8c8d", "Not answered yet."),
}


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer and what to say about it.

    Attributes
    ----------
    verdict : {"right", "close", "wrong", "open"}
        ``open`` when no answer was given yet.
    message : str
        Plain text for the student.
    """

    verdict: str
    message: str

    @property
    def correct(self) -> bool:
        return self.verdict == "right"

    def __str__(self) -> str:
        return f"{VERDICTS[self.verdict][1]} {self.message}".strip()

    def _repr_html_(self) -> str:
        colour, title = VERDICTS[self.verdict]
        return (
            f"<div class='crm-feedback crm-feedback-{self.verdict}' style='border-left:4px solid "
            f"{colour};padding:4px 10px'><b>{title}</b> {html.escape(self.message)}</div>"
        )


def _number(answer) -> float | None:
    if answer is None or answer is Ellipsis:
        return None
    if isinstance(answer, str):
        text = answer.strip().replace("%", "").replace(",", ".")
        value = float(text)
        return value / 100 if answer.strip().endswith("%") else value
    return float(answer)


def check_number(
    answer,
    expected: float,
    *,
    tolerance: float = 0.01,
    close: float | None = None,
    relative: bool = True,
    hint: str = "",
    explain: str = "",
) -> Feedback:
    """Check a numeric answer.

    Parameters
    ----------
    answer : number, str or None
        The student's answer; ``"25%"`` is read as 0.25. None means not answered.
    expected : float
        The value computed from the data.
    tolerance : float
        The largest difference still counted right (relative to ``expected`` when
        ``relative``, else absolute).
    close : float, optional
        The largest difference counted close; defaults to five times ``tolerance``.
    hint : str
        Said when the answer is close or wrong.
    explain : str
        Said when the answer is right (why it is what it is).
    """
    try:
        value = _number(answer)
    except (TypeError, ValueError):
        return Feedback("wrong", f"'{answer}' is not a number. {hint}".strip())
    if value is None:
        return Feedback("open", "Replace None with your answer and run the cell again.")
    scale = abs(expected) if relative and expected else 1.0
    difference = abs(value - expected) / scale
    close = tolerance * 5 if close is None else close
    if math.isnan(difference):
        return Feedback("wrong", hint)
    if difference <= tolerance:
        return Feedback("right", explain)
    if difference <= close:
        direction = "a little high" if value > expected else "a little low"
        return Feedback("close", f"Your answer is {direction}. {hint}".strip())
    return Feedback("wrong", hint)


def check_choice(
    answer, expected, *, options: Iterable | None = None, hint: str = "", explain: str = ""
) -> Feedback:
    """Check an answer that names one thing (a segment, a channel, a process).

    Text is compared without regard to case and surrounding spaces.
    """
    if answer is None or answer is Ellipsis:
        return Feedback("open", "Replace None with your answer and run the cell again.")

    def norm(value) -> str:
        return str(value).strip().casefold()

    if options is not None and norm(answer) not in {norm(o) for o in options}:
        listed = ", ".join(str(o) for o in options)
        return Feedback("wrong", f"'{answer}' is not one of the options ({listed}).")
    if norm(answer) == norm(expected):
        return Feedback("right", explain)
    return Feedback("wrong", hint)

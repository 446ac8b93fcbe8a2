"""The checkers every exercise uses: numbers, choices, predictions and judgements.

Feedback is plain text, escaped once where it is shown (:meth:`Feedback._repr_html_`), so
its sentences are filled with ``translate(template).format(...)`` rather than
:func:`crmlib.text.sentence` (which escapes for Markdown). A hint, an explanation, a
measure or a model's reasoning arrives already in the report language: the notebook or
:mod:`.models` words it.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from crmlib.errors import CrmlibError
from crmlib.text import N_, translate

#: Said when the company's data cannot give the expected answer (unknown is not zero).
UNKNOWN = N_("The company's data cannot give this figure, so there is no answer to check against.")

VERDICTS = {
    "right": ("#27ae60", N_("Right.")),
    "close": ("#f39c12", N_("Close.")),
    "wrong": ("#c0392b", N_("Not quite.")),
    "open": ("#7f8c8d", N_("Not answered yet.")),
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
        return f"{translate(VERDICTS[self.verdict][1])} {self.message}".strip()

    def _repr_html_(self) -> str:
        colour, title = VERDICTS[self.verdict]
        title = translate(title)
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


def number_or_none(answer) -> float | None:
    """The answer as a number, or None when it is empty or not a number (for traps that
    recognise a particular wrong number before the ordinary check)."""
    try:
        return _number(answer)
    except (TypeError, ValueError):
        return None


_REPLACE_NONE = N_("Replace None with your answer and run the cell again.")


def _not_an_option(answer, options: Iterable) -> str:
    listed = ", ".join(str(o) for o in options)
    return translate("'{answer}' is not one of the options ({listed}).").format(
        answer=answer, listed=listed
    )


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
        said = translate("'{answer}' is not a number.").format(answer=answer)
        return Feedback("wrong", f"{said} {hint}".strip())
    if value is None:
        return Feedback("open", translate(_REPLACE_NONE))
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return Feedback("open", translate(UNKNOWN))
    scale = abs(expected) if relative and expected else 1.0
    difference = abs(value - expected) / scale
    close = tolerance * 5 if close is None else close
    if math.isnan(difference):
        return Feedback("wrong", hint)
    if difference <= tolerance:
        return Feedback("right", explain)
    if difference <= close:
        said = (
            translate("Your answer is a little high.")
            if value > expected
            else translate("Your answer is a little low.")
        )
        return Feedback("close", f"{said} {hint}".strip())
    return Feedback("wrong", hint)


def check_choice(
    answer, expected, *, options: Iterable | None = None, hint: str = "", explain: str = ""
) -> Feedback:
    """Check an answer that names one thing (a segment, a channel, a process).

    Text is compared without regard to case and surrounding spaces.
    """
    if answer is None or answer is Ellipsis:
        return Feedback("open", translate(_REPLACE_NONE))

    def norm(value) -> str:
        return str(value).strip().casefold()

    if expected is None:
        return Feedback("open", translate(UNKNOWN))
    # A name is right in English or as the report shows it (a Dutch student answers
    # "Waardecreatie" for "Value creation").
    if options is not None and norm(answer) not in {n for o in options for n in _names(o, norm)}:
        return Feedback("wrong", _not_an_option(answer, options))
    if norm(answer) in _names(expected, norm):
        return Feedback("right", explain)
    return Feedback("wrong", hint)


def _names(value, norm) -> set[str]:
    """``value`` and its name in the report's language, normalised by ``norm``."""
    names = {norm(value)}
    if isinstance(value, str):
        names.add(norm(translate(value)))
    return names


# -- predict: the student says what will move, then the data says what did ------------------

# English and Dutch words: a student writes the prediction in the language of the notebook.
_UP = {"up", "rise", "rises", "higher", "more", "increase", "increases", "grow", "grows", "+"}
_UP |= {"omhoog", "stijgt", "stijgen", "hoger", "meer", "groter", "toename", "groeit", "op"}
_DOWN = {"down", "fall", "falls", "lower", "less", "fewer", "decrease", "decreases", "drop", "-"}
_DOWN |= {"omlaag", "daalt", "dalen", "lager", "minder", "kleiner", "afname", "krimpt", "neer"}
_SAME = {"same", "flat", "unchanged", "no change", "stays", "="}
_SAME |= {"gelijk", "hetzelfde", "onveranderd", "blijft gelijk", "geen verandering", "vlak"}

#: How a movement is said, by direction.
_WENT = {
    "up": N_("{measure} went up ({before} to {after})"),
    "down": N_("{measure} went down ({before} to {after})"),
    "same": N_("{measure} stayed the same ({before} to {after})"),
}


@dataclass(frozen=True)
class Change:
    """What one measure did when a parameter moved: the answer to a prediction.

    Attributes
    ----------
    measure : str
        What moved, in words ("the MVC's share of value").
    before, after : float
        Its value at the notebook's setting and at the changed setting.
    why : str
        The model's reasoning for the movement, said whatever the prediction.
    show : callable
        Writes a value for the student (a percentage, an amount, a count).
    flat : float
        A relative movement at most this large counts as "same".
    """

    measure: str
    before: float
    after: float
    why: str = ""
    show: Callable[[float], str] = field(default=lambda v: f"{v:,.3g}")
    flat: float = 0.005

    @property
    def relative(self) -> float:
        scale = abs(self.before) if self.before else 1.0
        return (self.after - self.before) / scale

    @property
    def direction(self) -> str:
        if math.isnan(self.relative) or abs(self.relative) <= self.flat:
            return "same"
        return "up" if self.relative > 0 else "down"

    def said(self) -> str:
        return translate(_WENT[self.direction]).format(
            measure=self.measure, before=self.show(self.before), after=self.show(self.after)
        )


def _direction(word) -> str | None:
    text = str(word).strip().casefold()
    for name, words in (("up", _UP), ("down", _DOWN), ("same", _SAME)):
        if text in words:
            return name
    return None


def check_prediction(prediction, *changes: Change) -> Feedback:
    """Compare a predicted direction (one per measure) with what the data did.

    Parameters
    ----------
    prediction : str or sequence of str
        "up", "down" or "same" for each change, in order (one string when one change).
    *changes : Change
        What happened, computed from the data at the two settings.

    Right when every direction is right; close when some are, or when the one measure
    barely moved; wrong otherwise. The feedback says what happened and the model's why.
    """
    if not changes:
        return Feedback(
            "open",
            translate("The company's data cannot show this movement: nothing to check."),
        )
    if prediction is None or prediction is Ellipsis:
        return Feedback("open", translate("Write your prediction first, then run the cell."))
    guesses = [prediction] if isinstance(prediction, str) else list(prediction)
    if len(guesses) != len(changes):
        listed = "; ".join(c.measure for c in changes)
        return Feedback(
            "wrong",
            translate("Give one direction for each of, in order: {listed}.").format(listed=listed),
        )
    read = [_direction(g) for g in guesses]
    if None in read:
        bad = guesses[read.index(None)]
        return Feedback(
            "wrong",
            translate("'{answer}' is not a direction: write up, down or same.").format(answer=bad),
        )
    hits = [r == c.direction for r, c in zip(read, changes, strict=True)]
    story = " ".join(
        f"{c.said()[0].upper()}{c.said()[1:]}. {c.why}".strip() for c in changes
    ).strip()
    if all(hits):
        return Feedback("right", story)
    barely = len(changes) == 1 and abs(changes[0].relative) <= 10 * changes[0].flat
    if any(hits) or barely:
        return Feedback("close", story)
    return Feedback("wrong", story)


# -- judge: the student chooses and says why; the data says how the choice compares ---------


def check_judgement(
    choice,
    why,
    scores: Mapping,
    *,
    measure: str,
    reasoning: str,
    higher_is_better: bool = True,
    show: Callable[[float], str] = lambda v: f"{v:,.3g}",
    close_share: float = 0.25,
    close_of_best: float | None = None,
) -> Feedback:
    """Feedback on a choice among options, each scored on the data.

    Parameters
    ----------
    choice : str or number
        The option the student chose.
    why : str
        The student's reason; a choice without one stays open (the reasoning is the point).
    scores : mapping
        Option -> its score on ``measure`` (NaN where the data cannot score it).
    measure : str
        What the score measures, in words.
    reasoning : str
        The model's reasoning, said with every verdict.
    higher_is_better : bool
        Whether the best option has the highest score (else the lowest).
    close_share : float
        A choice whose score is within this share of the spread between the best and the
        worst option counts as close (a defensible second).
    close_of_best : float, optional
        Instead: within this share of the best score counts as close (for many options,
        such as a number of groups).
    """
    if choice is None or choice is Ellipsis:
        return Feedback("open", translate("Choose, write why, and run the cell again."))
    if not str(why or "").strip():
        return Feedback(
            "open", translate("Write why you chose it in `why`: the reasoning is the point.")
        )
    scores = dict(scores.items())  # a Series iterates over values, a dict over keys
    known = {k: float(v) for k, v in scores.items() if v is not None and not math.isnan(v)}
    if not known:
        return Feedback(
            "open",
            translate("The data cannot score the options on {measure}.").format(measure=measure),
        )

    def norm(value) -> str:
        if isinstance(value, int | float) and float(value).is_integer():
            return str(int(value))
        return str(value).strip().casefold()

    by_name = {name: k for k in scores for name in _names(k, norm)}
    if norm(choice) not in by_name:
        return Feedback("wrong", _not_an_option(choice, scores))
    chosen = by_name[norm(choice)]
    pick = max if higher_is_better else min
    best = pick(known, key=known.get)
    if chosen not in known:
        said = translate("The data cannot score {option} on {measure}.").format(
            option=chosen, measure=measure
        )
        return Feedback("wrong", f"{said} {reasoning}")
    spread = max(known.values()) - min(known.values())
    gap = abs(known[best] - known[chosen])
    said = translate(
        "{option}: {measure} {score}; the best by this measure is {best} ({best_score})."
    ).format(
        option=chosen,
        measure=measure,
        score=show(known[chosen]),
        best=best,
        best_score=show(known[best]),
    )
    said = f"{said} {reasoning}"
    if chosen == best:
        best_said = translate("{option} scores best: {measure} {score}.").format(
            option=chosen, measure=measure, score=show(known[best])
        )
        return Feedback("right", f"{best_said} {reasoning}")
    near = close_of_best * abs(known[best]) if close_of_best is not None else close_share * spread
    if spread and gap <= near:
        return Feedback("close", said)
    return Feedback("wrong", said)


def _open_without_data(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """A check that answers "open", with the reason, when the data lacks what it needs."""

    @functools.wraps(check)
    def checked(*args, **kwargs) -> Feedback:
        try:
            return check(*args, **kwargs)
        except CrmlibError as error:
            said = translate("The company's data cannot answer this: {reason}")
            return Feedback("open", said.format(reason=error))

    return checked


def _none_without_data(changes: Callable[..., list[Change]]) -> Callable[..., list[Change]]:
    """A movement that cannot be measured without some data is no movement to check."""

    @functools.wraps(changes)
    def measured(*args, **kwargs) -> list[Change]:
        try:
            return changes(*args, **kwargs)
        except CrmlibError:
            return []

    return measured

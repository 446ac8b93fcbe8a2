"""Short "Your turn" exercises for students: answers checked against the data.

An exercise cell (tagged ``exercise``, so reports leave it out) asks a question whose
answer the notebook has computed, lets the student fill in ``answer = ...`` and calls a
checker, which says *right*, *close* or *wrong* with a hint::

    answer = None  # the share of customers that brings 80% of revenue, e.g. 0.25
    check_number(answer, concentration.customer_share, tolerance=0.02,
                 hint="Read it off where the red lines cross in the Pareto chart.")
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from crmlib.errors import CrmlibError
from crmlib.formatting import count, money, percent
from crmlib.text import escape

#: Said when the company's data cannot give the expected answer (unknown is not zero).
UNKNOWN = "The company's data cannot give this figure, so there is no answer to check against."

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
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return Feedback("open", UNKNOWN)
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

    if expected is None:
        return Feedback("open", UNKNOWN)
    if options is not None and norm(answer) not in {norm(o) for o in options}:
        listed = ", ".join(str(o) for o in options)
        return Feedback("wrong", f"'{answer}' is not one of the options ({listed}).")
    if norm(answer) == norm(expected):
        return Feedback("right", explain)
    return Feedback("wrong", hint)


# -- predict: the student says what will move, then the data says what did ------------------

_UP = {"up", "rise", "rises", "higher", "more", "increase", "increases", "grow", "grows", "+"}
_DOWN = {"down", "fall", "falls", "lower", "less", "fewer", "decrease", "decreases", "drop", "-"}
_SAME = {"same", "flat", "unchanged", "no change", "stays", "="}


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
        return (
            f"{self.measure} went {self.direction} "
            f"({self.show(self.before)} to {self.show(self.after)})"
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
        return Feedback("open", "The company's data cannot show this movement: nothing to check.")
    if prediction is None or prediction is Ellipsis:
        return Feedback("open", "Write your prediction first, then run the cell.")
    guesses = [prediction] if isinstance(prediction, str) else list(prediction)
    if len(guesses) != len(changes):
        listed = "; ".join(c.measure for c in changes)
        return Feedback("wrong", f"Give one direction for each of, in order: {listed}.")
    read = [_direction(g) for g in guesses]
    if None in read:
        bad = guesses[read.index(None)]
        return Feedback("wrong", f"'{bad}' is not a direction: write up, down or same.")
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
        return Feedback("open", "Choose, write why, and run the cell again.")
    if not str(why or "").strip():
        return Feedback("open", "Write why you chose it in `why`: the reasoning is the point.")
    scores = dict(scores.items())  # a Series iterates over values, a dict over keys
    known = {k: float(v) for k, v in scores.items() if v is not None and not math.isnan(v)}
    if not known:
        return Feedback("open", f"The data cannot score the options on {measure}.")

    def norm(value) -> str:
        if isinstance(value, int | float) and float(value).is_integer():
            return str(int(value))
        return str(value).strip().casefold()

    by_name = {norm(k): k for k in scores}
    if norm(choice) not in by_name:
        listed = ", ".join(str(k) for k in scores)
        return Feedback("wrong", f"'{choice}' is not one of the options ({listed}).")
    chosen = by_name[norm(choice)]
    pick = max if higher_is_better else min
    best = pick(known, key=known.get)
    if chosen not in known:
        return Feedback("wrong", f"The data cannot score {chosen} on {measure}. {reasoning}")
    spread = max(known.values()) - min(known.values())
    gap = abs(known[best] - known[chosen])
    said = (
        f"{chosen}: {measure} {show(known[chosen])}; the best by this measure is {best} "
        f"({show(known[best])}). {reasoning}"
    )
    if chosen == best:
        return Feedback(
            "right", f"{chosen} scores best: {measure} {show(known[best])}. {reasoning}"
        )
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
            return Feedback("open", f"The company's data cannot answer this: {error}")

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


# -- the model notebooks' exercises: each expected answer computed from the company's data --
#
# One function per exercise keeps the check cell short, and lets the tests feed it a right,
# a close and a wrong answer on any company.


def _pct(value: float) -> str:
    return percent(value, 1)


# 01 IDIC


def value_card(differentiation) -> pd.DataFrame:
    """The most valuable MVC's forecast inputs: what the by-hand calculation needs."""
    table = differentiation.base.table
    forecast = table.dropna(subset=["expected_purchases", "expected_average_value"])
    mvc = forecast[forecast["value_category"] == "MVC"]["current_value"]
    if mvc.empty:  # no forecast: nothing to compute by hand
        return pd.DataFrame(columns=["expected_purchases", "expected_average_value"])
    top = mvc.idxmax()
    row = table.loc[[top], ["expected_purchases", "expected_average_value", "revenue"]]
    return row.assign(gross_margin=table.loc[[top], "gross_margin"]).round(4)


@_open_without_data
def check_expected_margin(answer, differentiation) -> Feedback:
    """Compute: the top MVC's expected twelve-month margin by hand."""
    card = value_card(differentiation)
    if card.empty:
        return Feedback("open", "No lifetime-value forecast for this company: nothing to compute.")
    customer = card.index[0]
    expected = float(differentiation.base.table.loc[customer, "expected_margin_12m"])
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint="Expected purchases x expected value per purchase x margin rate "
        "(gross margin / revenue over the window).",
        explain="BG/NBD counts the purchases, Gamma-Gamma values them, and the customer's own "
        "margin rate turns revenue into margin: the expected value that Differentiate ranks on.",
    )


def _top_share(values: pd.Series, share: float) -> tuple[float, float]:
    """The top ``share`` of customers' share of the total and their mean value."""
    ranked = values.sort_values(ascending=False)
    n = max(1, round(share * len(ranked)))
    total = ranked.sum()
    return float(ranked.head(n).sum() / total), float(ranked.head(n).mean())


@_none_without_data
def ssc_share_changes(differentiation, new_share: float, currency: str = "") -> list[Change]:
    """Predict: what a larger SSC (MVC) share does to their value share and mean value."""
    values = differentiation.base.table["current_value"]
    before = _top_share(values, differentiation.ssc_share)
    after = _top_share(values, new_share)
    return [
        Change(
            "the MVC's share of value",
            before[0],
            after[0],
            "More customers count as MVC, so their share of the value grows, unless the "
            "customers added cost more than they bring.",
            show=_pct,
        ),
        Change(
            "the mean current value per MVC",
            before[1],
            after[1],
            "The customers added are worth less than those already in: the mean falls. A "
            "larger SSC share dilutes the special treatment over less valuable customers.",
            show=lambda v: money(v, currency),
        ),
    ]


def cut_contact_scores(interaction) -> pd.Series:
    """Judge: each value category's yearly cost to serve as a share of its margin."""
    service = interaction.service
    margin = service["margin_per_customer_year"].where(service["margin_per_customer_year"] > 0)
    ratio = service["cost_to_serve_per_customer_year"] / margin
    # a category without positive margin loses on every contact: the first to cut
    return ratio.where(margin.notna(), float("inf"))


@_open_without_data
def check_cut_contacts(choice, why, interaction) -> Feedback:
    """Judge: whose contact spending to cut first."""
    return check_judgement(
        choice,
        why,
        cut_contact_scores(interaction),
        measure="cost to serve as a share of margin",
        reasoning="Peppers & Rogers: below-zero customers cost more than they bring, so make "
        "them profitable or spend less on them; cutting contacts of the MVC risks the value "
        "the strategy exists to keep.",
        show=lambda v: "more than the margin" if math.isinf(v) else _pct(v),
    )


# 02 QCI


def retention_counts(kept) -> pd.DataFrame:
    """The tiers' customers of the year before and how many were kept, without the total."""
    window = kept.window[["customers_before", "retained"]]
    return window.drop(index="all", errors="ignore")


@_open_without_data
def check_overall_retention(answer, kept) -> Feedback:
    """Compute: the overall retention rate from the tiers' counts (weighted, not averaged)."""
    counts = retention_counts(kept)
    if not counts["customers_before"].sum() or not kept.measured:
        return Feedback("open", UNKNOWN)
    expected = float(counts["retained"].sum() / counts["customers_before"].sum())
    unweighted = float((counts["retained"] / counts["customers_before"]).mean())
    try:
        value = _number(answer)
    except (TypeError, ValueError):
        value = None
    if value is not None and abs(value - unweighted) < 0.002 < abs(unweighted - expected):
        return Feedback(
            "wrong",
            "That is the mean of the tiers' rates: every tier counts as much as any other. "
            "Add up the customers kept and divide by all customers of the year before.",
        )
    return check_number(
        answer,
        expected,
        tolerance=0.002,
        close=0.02,
        relative=False,
        hint="Sum 'retained' over the tiers and divide by the sum of 'customers_before'.",
        explain="A rate over groups is weighted by their size: the large bronze tier pulls it "
        "toward its own rate.",
    )


@_none_without_data
def lapse_changes(company, readiness, k: float, new_k: float) -> list[Change]:
    """Predict: what a longer lapse multiple does to the lapsed share and the win-back list."""
    from crmlib.models import qci

    now = qci.lapse_view(company, k=k, alive=readiness.alive)
    then = qci.lapse_view(company, k=new_k, alive=readiness.alive)
    changes = [
        Change(
            "the share of customers lapsed",
            float(now.rhythm["lapsed"].mean()),
            float(then.rhythm["lapsed"].mean()),
            "A customer lapses after k times their own purchase interval; a larger k waits "
            "longer, so fewer have lapsed yet.",
            show=_pct,
        )
    ]
    if now.win_back is not None and then.win_back is not None:  # unknown without consent
        changes.append(
            Change(
                "the lapsed customers still likely alive (the win-back candidates)",
                float(now.win_back),
                float(then.win_back),
                "Fewer lapsed means fewer to win back; those who remain lapsed are the "
                "longer gone, whom the model also thinks less likely alive.",
                show=count,
            )
        )
    return changes


@_open_without_data
def check_activity(choice, why, potential, currency: str = "") -> Feedback:
    """Judge: which QCI activity gets the budget."""
    scores = potential["value_per_year"] if potential is not None else {}
    return check_judgement(
        choice,
        why,
        scores,
        measure="value a year of the same uplift",
        reasoning="QCI manages acquisition, retention and penetration as activities: put the "
        "effort where the same improvement is worth most. Keeping a customer is usually far "
        "cheaper than winning one, so a close call favours retention.",
        show=lambda v: money(v, currency),
    )


# 03 Payne & Frow


@_open_without_data
def check_retention_lift(answer, value) -> Feedback:
    """Compute: the value a year that more retention keeps among the target segments."""
    lift = value.retention_lift
    parts = (lift, value.target_retained_base, value.target_profit_per_customer)
    if any(p is None or not math.isfinite(p) for p in parts):
        return Feedback("open", UNKNOWN)
    expected = lift * value.target_retained_base * value.target_profit_per_customer
    try:
        given = _number(answer)
    except (TypeError, ValueError):
        given = None
    if given is not None and expected and abs(given / expected - 100) < 1:
        return Feedback("wrong", f"Write the {percent(lift)} as {lift:g}, not {lift * 100:g}.")
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint="0.05 x target_retained_base x target_profit_per_customer.",
        explain="Each retained customer keeps bringing their yearly value: retention is worth "
        "the value of the customers it keeps.",
    )


@_open_without_data
def check_points_change(answer, performance, kpi: str = "retention_rate") -> Feedback:
    """Compute: a rate's change in percentage points (not the relative change)."""
    card = performance.scorecard
    if card is None or kpi not in card.index:
        return Feedback("open", UNKNOWN)
    previous, current = (float(card.loc[kpi, c]) for c in ("previous", "current"))
    expected = (current - previous) * 100
    relative = float(card.loc[kpi, "relative_change"]) * 100
    try:
        given = _number(answer)
    except (TypeError, ValueError):
        given = None
    if given is not None and abs(given - relative) < 0.05 < abs(relative - expected):
        return Feedback(
            "wrong",
            f"{given:g} is the relative change: the rate changed by {relative:.1f}% of its "
            "earlier value. Percentage points are the difference of the two rates, in percent.",
        )
    return check_number(
        answer,
        expected,
        tolerance=0.05,
        close=0.3,
        relative=False,
        hint="Subtract the earlier rate from the later one (both in percent).",
        explain="A change in points is the difference of two rates; a change in percent is "
        "that difference divided by the earlier rate. Reports mix them up easily.",
    )


@_none_without_data
def continuity_changes(company, window_days: int, new_window: int) -> list[Change]:
    """Predict: what a longer repeat window does to the episodes and to channel hopping."""
    from crmlib.models import payne_frow as pf

    contacts = pf.contacts_last_year(company, "process")
    now = pf.continuity(contacts, company.channels, window_days=window_days)
    then = pf.continuity(contacts, company.channels, window_days=new_window)
    return [
        Change(
            "the number of episodes",
            float(now.episodes),
            float(then.episodes),
            "A longer window joins contacts further apart into one episode, so there are fewer.",
            show=count,
        ),
        Change(
            "the share of episodes that crossed channels",
            float(now.cross_channel_rate),
            float(then.cross_channel_rate),
            "Joined episodes hold more contacts, so more of them touch a second channel.",
            show=_pct,
        ),
    ]


@_open_without_data
def check_first_process(choice, why, scores, readiness_verdict: str = "") -> Feedback:
    """Judge: which of the five processes to strengthen first."""
    column = scores["score"].set_axis(scores["title"]) if "title" in scores else scores["score"]
    caveat = (
        f" The readiness verdict is '{readiness_verdict}': Payne & Frow say the processes fail "
        "without the four elements, so that comes first whichever process you choose."
        if readiness_verdict and readiness_verdict != "ready"
        else ""
    )
    return check_judgement(
        choice,
        why,
        column,
        measure="score",
        higher_is_better=False,
        reasoning="The five processes are cross-functional and feed each other: the weakest "
        "one holds the others back." + caveat,
        show=_pct,
    )


# 04 CRM value chain


@_open_without_data
def check_cost_magnet_ratio(answer, portfolio) -> Feedback:
    """Compute: how many times their margin the cost magnets cost to serve."""
    needed = {"cost_magnet", "recent_margin", "recent_cost_to_serve"}
    if not needed <= set(portfolio.table.columns):
        return Feedback("open", "Without the cost to serve there are no cost magnets to compute.")
    magnets = portfolio.table[portfolio.table["cost_magnet"].astype(bool)]
    margin = float(magnets["recent_margin"].sum())
    expected = float(magnets["recent_cost_to_serve"].sum()) / margin if margin else float("nan")
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint="Sum recent_cost_to_serve and recent_margin over the rows where cost_magnet is "
        "True, then divide the first by the second.",
        explain="Buttle's cost magnets absorb more than they bring: serve them through cheaper "
        "channels or change what they may ask for.",
    )


@_none_without_data
def matrix_changes(portfolio, new_share: float) -> list[Change]:
    """Predict: what a larger 'high on the y axis' share does to invest and protect."""
    now = portfolio.regrouped(matrix_axis="potential").quadrants["value_share"]
    then = portfolio.regrouped(matrix_axis="potential", matrix_share=new_share).quadrants
    then = then["value_share"]
    return [
        Change(
            "the invest quadrant's share of value",
            float(now.get("invest", float("nan"))),
            float(then.get("invest", float("nan"))),
            "More customers count as high potential, so SSCs move from protect to invest.",
            show=_pct,
        ),
        Change(
            "the protect quadrant's share of value",
            float(now.get("protect", float("nan"))),
            float(then.get("protect", float("nan"))),
            "The SSC line does not move: what invest gains among the SSCs, protect loses.",
            show=_pct,
        ),
    ]


@_open_without_data
def check_stage_to_fund(choice, why, scores) -> Feedback:
    """Judge: which stage or supporting condition of the chain to fund first."""
    return check_judgement(
        choice,
        why,
        scores["score"],
        measure="score",
        higher_is_better=False,
        reasoning="Buttle's chain creates value only as far as its weakest stage allows, and "
        "the supporting conditions carry every primary stage: the lowest score is the limit.",
        show=_pct,
    )


# 05 Customer IDOL


@_open_without_data
def check_mismatch_rate(answer, scorecard, dimension: str = "channels") -> Feedback:
    """Compute: one dimension's mismatch rate from its counts."""
    if dimension not in scorecard.index:
        return Feedback("open", UNKNOWN)
    row = scorecard.loc[dimension]
    expected = float(row["mismatches"]) / float(row["checked"]) if row["checked"] else float("nan")
    return check_number(
        answer,
        expected,
        tolerance=0.002,
        close=0.02,
        relative=False,
        hint=f"Divide the mismatches of '{dimension}' by what was checked.",
        explain="Orchestration counts the moments the customer was not treated as one.",
    )


@_none_without_data
def treatment_cost_changes(fit, cost: float, new_cost: float, currency: str = "") -> list[Change]:
    """Predict: what a cheaper treatment does to the affordable number of groups."""
    from crmlib.models import idol

    now = idol.optimum(idol.granularity_tradeoff(fit, cost))
    then = idol.optimum(idol.granularity_tradeoff(fit, new_cost))
    return [
        Change(
            "the affordable number of groups",
            float(now["n_groups"]),
            float(then["n_groups"]),
            "Each extra group costs one treatment and captures less than the one before: a "
            "cheaper treatment pays for more groups, closer to one-to-one.",
            show=count,
        ),
        Change(
            "the net value at the optimum",
            float(now["net"]),
            float(then["net"]),
            "The same groups cost less, and the extra groups add value.",
            show=lambda v: money(v, currency),
        ),
    ]


@_open_without_data
def check_groups(choice, why, fit, cost: float, currency: str = "") -> Feedback:
    """Judge: how many treatment groups to run."""
    from crmlib.models import idol

    tradeoff = idol.granularity_tradeoff(fit, cost)
    net = tradeoff.set_index("n_groups")["net"]
    return check_judgement(
        choice,
        why,
        {int(n): float(v) for n, v in net.items()},
        measure="net value a year",
        reasoning="IDOL aims at a group approach close to one-to-one that keeps the balance "
        "with cost: each group must capture more than its treatment costs.",
        show=lambda v: money(v, currency),
        close_of_best=0.05,
    )


# 07 Comparing the models


@_open_without_data
def check_value_span(answer, comparison, theme: str | None = None) -> Feedback:
    """Compute: how many times the highest estimate of one theme is the lowest."""
    spans = comparison.values
    if spans.empty:
        return Feedback("open", "No theme is valued by two models for this company.")
    row = spans.loc[theme] if theme is not None else spans.iloc[0]
    expected = float(row["highest"]) / float(row["lowest"])
    return check_number(
        answer,
        expected,
        tolerance=0.01,
        close=0.1,
        hint="Divide the highest estimate of the theme by the lowest.",
        explain="Same idea, different customers and uplifts: compare the models' assumptions "
        "before adding their values up.",
    )


@_open_without_data
def check_joint_first(choice, why, verdicts) -> Feedback:
    """Judge: which shared idea a joint plan of all the models should start with."""
    from crmlib.models import crosswalk

    return check_judgement(
        choice,
        why,
        crosswalk.agreement_scores(verdicts),
        measure="backing by the models (3 per first priority, 2 per second, 1 per third)",
        reasoning="An idea that models asking different questions all put forward is the most "
        "robust start; where only one model pushes an idea, follow it when its question is "
        "the company's question.",
        show=lambda v: f"{v:g}",
    )


# Diagnose a planted case (crm-workbook sample --case NAME)


def planted_case(data_dir) -> dict | None:
    """The ground truth of a planted case (its ``case.yml``), or None for a real company."""
    from pathlib import Path

    import yaml

    path = Path(data_dir) / "case.yml"
    if not path.exists():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def case_question(data_dir) -> str:
    """The diagnosis question of a planted case, with its options (no answer)."""
    case = planted_case(data_dir)
    if case is None:
        return (
            "This company has no planted problem. Make one with `crm-workbook sample --out "
            "DIR --case NAME` and run this notebook with `data_dir` set to DIR."
        )
    # case.yml sits in the company's folder: its text is read as user text
    options = "; ".join(escape(o) for o in case["options"])
    return f"**{escape(case['question'])}** Options: {options}."


@_open_without_data
def check_diagnosis(answer, data_dir) -> Feedback:
    """Diagnose: did the student find the planted problem? Says where to look, not what."""
    case = planted_case(data_dir)
    if case is None:
        return Feedback("open", "No planted case in this company's folder: nothing to diagnose.")
    return check_choice(
        answer,
        case["answer"],
        options=case["options"],
        hint=f"Look again at: {case['evidence']}",
        explain=f"That is the planted problem: {case['problem']}.",
    )

"""Customer IDOL, Learning: segments and treatments that change as knowledge changes.

The approach calls it the CRM continuous process: new information keeps coming, so the
segmentation changes, and the dialogues, processes, products and services follow.
This module measures the change on the company's data (segment migration between two
dates, what it did to value, which needs segments are on the move, and which campaign
responses call for another treatment) and reads the workshop's assessment of the
learning practices (``idol_practices``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib import instruments
from crmlib.analytics import migration as mg
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count, day, money, percent
from crmlib.text import escape, lead

#: The instrument of the learning (and orchestration) practices.
INSTRUMENT = "idol_practices"


@dataclass(frozen=True)
class Migration:
    """Customers' segments at two dates and how they moved.

    Attributes
    ----------
    months : int
        Months between the dates.
    by : str
        The segmentation followed (value_tier, value_category or rfm_segment).
    first, second : Timestamp
        The two dates (``second`` is the observation end).
    order : tuple of str
        The states, best first.
    table : DataFrame
        Per customer: before, after, move (not for display).
    matrix, rates : DataFrame
        The transition matrix in customers and in row shares.
    flows : DataFrame
        Every (before, after) pair with its customers, largest moves first.
    summary : DataFrame
        Customers who moved up, stayed, moved down or joined.
    value : DataFrame
        Per state at the first date: value then and now.
    movers : DataFrame or None
        Per needs segment: shares up, same, down (None without a needs survey).
    """

    months: int
    by: str
    first: pd.Timestamp
    second: pd.Timestamp
    order: tuple[str, ...]
    table: pd.DataFrame
    matrix: pd.DataFrame
    rates: pd.DataFrame
    flows: pd.DataFrame
    summary: pd.DataFrame
    value: pd.DataFrame
    movers: pd.DataFrame | None

    def share(self, move: str) -> float:
        """The share of the customers known at both dates that made ``move``."""
        return float(self.summary.loc[move, "share_of_known"])


def migrate(
    company: Company,
    months: int = 12,
    by: str = "value_tier",
    needs_labels: pd.Series | None = None,
) -> Migration:
    """Segment every customer at ``observation_end - months`` and at ``observation_end``.

    Raises
    ------
    ParameterError
        For a period under one month or an unknown segmentation.
    MissingDataError
        When the data does not reach back to the first date.
    """
    if int(months) != months or months < 1:
        raise ParameterError(f"the migration period must be a whole number of months, got {months}")
    order = mg.state_order(by)
    second = company.observation_end
    first = second - pd.DateOffset(months=int(months))
    start = company.transactions["date"].min()
    if pd.isna(start) or start > first:
        raise MissingDataError(
            f"a migration over {months} months needs purchases from before {day(first)}; "
            f"the data starts on {day(start)}"
        )
    tables = (
        company.transactions,
        company.customers,
        company.interactions,
        company.channels,
        company.products,
    )
    before = mg.segments_at(*tables, at=first, by=by)
    after = mg.segments_at(*tables, at=second, by=by)
    table = mg.migration_table(before["segment"], after["segment"], order)
    return Migration(
        months=int(months),
        by=by,
        first=first,
        second=second,
        order=order,
        table=table,
        matrix=mg.transition_matrix(table, order),
        rates=mg.transition_matrix(table, order, normalize=True),
        flows=mg.migration_flows(table),
        summary=mg.migration_summary(table),
        value=mg.value_shift(table, before["current_value"], after["current_value"]),
        movers=mg.movers_by(table, needs_labels) if needs_labels is not None else None,
    )


def _state(name: str) -> str:
    return f"*{escape(name)}*"


def describe_migration(migration: Migration) -> str:
    """One paragraph: who stayed, moved up or down, and the largest moves."""
    m = migration
    summary = m.summary
    known = int(summary.loc[["up", "same", "down"], "customers"].sum())
    text = (
        f"Between {day(m.first)} and {day(m.second)}, of the {count(known)} customers known "
        f"at both dates {percent(m.share('same'))} stayed in their segment, "
        f"{percent(m.share('up'))} moved up and {percent(m.share('down'))} moved down; "
        f"{count(summary.loc[mg.NEW, 'customers'])} joined."
    )
    moved = m.flows[m.flows["move"].isin(["up", "down"]).to_numpy(dtype=bool)]
    if len(moved):
        largest = moved.iloc[0]
        text += (
            f" The largest move is {_state(largest['before'])} to {_state(largest['after'])} "
            f"({count(largest['customers'])} customers)."
        )
    top = m.order[0]
    if m.matrix.loc[top].sum() > 0:
        kept = m.rates.loc[top, top]
        text += f" Of the {_state(top)} customers, {percent(kept)} still are."
    return text


def describe_value_shift(migration: Migration, currency: str) -> str:
    """One paragraph on what the moves did to value."""
    value = migration.value
    known = value.drop(index=mg.NEW, errors="ignore")
    text = (
        f"The customers known at the first date brought {money(known['value_before'].sum(), currency)} "
        f"of profit in the 12 months before it and {money(known['value_after'].sum(), currency)} "
        f"in the 12 months before {day(migration.second)}."
    )
    if len(known):
        worst = known["change"].idxmin()
        text += (
            f" The largest loss is in the customers who were {_state(worst)}: "
            f"{money(known.loc[worst, 'change'], currency)}, with "
            f"{count(known.loc[worst, 'moved_down'])} of {count(known.loc[worst, 'customers'])} "
            "moving down."
        )
    if mg.NEW in value.index:
        text += f" Customers who joined since brought {money(value.loc[mg.NEW, 'value_after'], currency)}."
    return text


def describe_movers(migration: Migration) -> str:
    """One paragraph on the needs segments on the move."""
    movers = migration.movers
    if movers is None or movers.empty:
        return "No needs segment can be followed: no survey respondent was known at both dates."
    down, up = movers.iloc[0], movers.iloc[-1]
    return (
        f"The survey is answered once, so needs cannot be followed per customer; the needs "
        f"segments can. {_state(movers.index[0])} is most on the move downwards: "
        f"{percent(down['down'])} moved down and {percent(down['up'])} up. "
        f"{_state(movers.index[-1])} holds up best ({percent(up['up'])} up, "
        f"{percent(up['down'])} down)."
    )


# -- campaign responses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Responses:
    """What the campaign responses say about treatments.

    Attributes
    ----------
    by_segment : DataFrame
        Offers, responses, response rate and lift per segment.
    segment_kind : str
        "needs segment" or "value tier".
    matrix : DataFrame
        Response rate per campaign (rows) and segment (columns).
    signals : DataFrame
        Customers to stop mailing or to promote (see
        :func:`crmlib.analytics.migration.treatment_signals`; not for display).
    top : DataFrame
        The ten customers with the most responses among those to promote.
    """

    by_segment: pd.DataFrame
    segment_kind: str
    matrix: pd.DataFrame
    signals: pd.DataFrame
    top: pd.DataFrame

    def count(self, signal: str) -> int:
        return int((self.signals["signal"] == signal).sum())


def learn_from_responses(
    company: Company, values: pd.DataFrame, needs_labels: pd.Series | None = None
) -> Responses:
    """Response rates per segment and campaign, and the customers whose treatment should change."""
    campaigns = company.require(
        "campaigns", "campaign_id", "responded", step="reading the responses"
    )
    if needs_labels is not None:
        segments, kind = needs_labels, "needs segment"
    else:
        segments, kind = values["value_tier"].astype(str).rename("value_tier"), "value tier"
    signals = mg.treatment_signals(campaigns, company.customers)
    promote = signals[signals["signal"] == "promote"]
    top = promote.sort_values(["responses", "revenue"], ascending=False).head(10).reset_index()
    return Responses(
        by_segment=mg.response_by_segment(campaigns, segments),
        segment_kind=kind,
        matrix=mg.response_matrix(campaigns, segments),
        signals=signals,
        top=top[["customer_id", "offers", "responses", "revenue"]],
    )


def describe_responses(responses: Responses) -> str:
    """One paragraph on the segments that answer differently, and the customers to re-treat."""
    table = responses.by_segment.drop(index="unassigned", errors="ignore")
    text = ""
    if len(table) >= 2:
        high, low = table.iloc[0], table.iloc[-1]
        text += (
            f"By {responses.segment_kind}, {_state(table.index[0])} answers offers best "
            f"({percent(high['response_rate'], 1)}, {high['lift']:.1f} times the average) and "
            f"{_state(table.index[-1])} least ({percent(low['response_rate'], 1)}). "
        )
    matrix = responses.matrix.stack().dropna()
    if len(matrix):
        best = matrix.idxmax()
        text += (
            f"The best match of offer and segment is {escape(best[0])} for "
            f"{_state(best[1])} ({percent(matrix.max())} responded). "
        )
    text += (
        f"{count(responses.count('stop'))} customers received three or more offers without "
        f"answering one (send them fewer, or something else); "
        f"{count(responses.count('promote'))} with marketing consent answered two or more "
        "(give them more of what works)."
    )
    return text


# -- the assessment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Practices:
    """The workshop's scores of the orchestration and learning practices.

    Attributes
    ----------
    areas : DataFrame
        :func:`crmlib.instruments.area_scores` of the answers.
    answered : bool
        Whether any item was scored.
    """

    areas: pd.DataFrame
    answered: bool

    @property
    def learning(self) -> float:
        """The learning area's score, 0-100 (NaN when not scored)."""
        row = self.areas[self.areas["area"] == "learning"]
        return float(row["percent"].iloc[0]) if len(row) else float("nan")

    def by_dimension(self, areas: dict[str, str]) -> pd.Series:
        """The score (0-100) of the area of each orchestration dimension."""
        percent_of = self.areas.set_index("area")["percent"]
        return pd.Series({d: percent_of.get(a, np.nan) for d, a in areas.items()}, dtype=float)


def practices(company: Company) -> Practices:
    """Read the saved answers to the IDOL practices instrument (empty when none yet)."""
    answers = instruments.load_answers(INSTRUMENT, company.data_dir, missing_ok=True)
    areas = instruments.area_scores(answers)
    return Practices(areas=areas, answered=bool(areas["answered"].sum() > 0))


def describe_practices(practices: Practices) -> str:
    """One paragraph on the assessed learning practices."""
    if not practices.answered:
        return (
            "The practices have not been scored yet: fill in the form in a workshop "
            "(interactive mode) and save it, and the next report shows the scores."
        )
    areas = practices.areas.dropna(subset=["percent"]).sort_values("percent")
    text = (
        f"The workshop scored {count(practices.areas['answered'].sum())} of "
        f"{count(practices.areas['total'].sum())} practices. "
    )
    if practices.learning == practices.learning:
        text += f"Learning scores {percent(practices.learning / 100)}. "
    text += (
        f"The weakest area is {escape(areas.iloc[0]['area_title'])} "
        f"({percent(areas.iloc[0]['percent'] / 100)}), the strongest "
        f"{escape(areas.iloc[-1]['area_title'])} ({percent(areas.iloc[-1]['percent'] / 100)})."
    )
    return text


def meaning_learning(
    migration: Migration | None,
    responses: Responses | None,
    practices: Practices,
    company_name: str,
) -> str:
    """The "What this means" paragraph of Learning."""
    parts = [lead(company_name, ":")]
    if migration is not None:
        moved = migration.share("up") + migration.share("down")
        rhythm = "every quarter" if moved >= 0.25 else "twice a year"
        parts.append(
            f"{percent(moved)} of the customers changed segment in {migration.months} months, "
            f"so a segmentation fixed once is soon wrong: review segments and treatments "
            f"{rhythm}."
        )
    if responses is not None and responses.count("stop"):
        parts.append(
            f"Let the responses steer: change the treatment of the "
            f"{count(responses.count('stop'))} customers who never answer."
        )
    if practices.answered and practices.learning == practices.learning:
        if practices.learning < 50:
            parts.append(
                f"The learning practices score {percent(practices.learning / 100)}: make "
                "test-and-learn and a fixed segment review routine before adding segments."
            )
        else:
            parts.append(
                f"The learning practices ({percent(practices.learning / 100)}) are a base to "
                "build on."
            )
    if len(parts) == 1:
        parts.append("the data is too short to see segments move; keep the history.")
    return " ".join(parts)

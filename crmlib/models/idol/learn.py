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
from crmlib.analytics.base import customer_base
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count, day, percent
from crmlib.models.contract import resolve_base
from crmlib.text import N_, sentence

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
    status : {"ok", "caveat"}
        "caveat" when the data covers only part of the window before the first date.
    reason : str
        Why the status is a caveat (the covered share), empty when ok.
    window_months : int
        The window before each date that its segments rest on.
    value_label : str
        What the value is: "profit", or "revenue" when the data has no cost.
    baseline : DataFrame or None
        :func:`crmlib.analytics.migration.chance_baseline`: the moves observed against
        those a random reshuffle of the same segment sizes would give.
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
    status: str = "ok"
    reason: str = ""
    window_months: int = 12
    value_label: str = "profit"
    baseline: pd.DataFrame | None = None

    @property
    def period(self) -> str:
        """The period compared, as ``yyyy-mm-dd..yyyy-mm-dd`` (first date excluded)."""
        start = (self.first + pd.Timedelta(days=1)).date().isoformat()
        return f"{start}..{self.second.date().isoformat()}"

    def share(self, move: str) -> float:
        """The share of the customers known at both dates that made ``move``."""
        return float(self.summary.loc[move, "share_of_known"])

    @property
    def moved(self) -> float:
        """The share of the customers known at both dates that changed segment."""
        return self.share("up") + self.share("down")

    @property
    def stability(self) -> float:
        """How much more often customers stay than chance keeps them (0 chance, 1 none
        move; :func:`crmlib.analytics.migration.chance_baseline`); NaN when unknown."""
        if self.baseline is None:
            return float("nan")
        return float(self.baseline.attrs["stability"])

    @property
    def review_rhythm(self) -> str:
        """How often to review segments and treatments: the one rule the text and the
        action read. Every quarter when a quarter or more of the customers moved and they
        stay less than halfway from chance to no move at all; twice a year otherwise (the
        moves of relative segments are partly mechanical, and not every move is news)."""
        fluid = self.moved >= 0.25 and not (self.stability >= 0.5)
        return N_("every quarter") if fluid else N_("twice a year")


def earlier_coverage(start: pd.Timestamp, first: pd.Timestamp, window_months: int) -> float:
    """The share of the days of the window before ``first`` on or after the data's ``start``.

    The segments at the first date rest on the ``window_months`` before it; this says how
    much of that window the data holds (1 when all of it, 0 when none).
    """
    window_start = first - pd.DateOffset(months=int(window_months))
    days = (first - window_start).days
    covered = (first - max(window_start, start - pd.Timedelta(days=1))).days
    return float(min(max(covered / days, 0.0), 1.0)) if days > 0 else 0.0


def migrate(
    company: Company,
    months: int = 12,
    by: str = "value_tier",
    needs_labels: pd.Series | None = None,
    base: object | None = None,
) -> Migration:
    """Segment every customer at ``observation_end - months`` and at ``observation_end``.

    Both dates are segmented as the customer base does (same window, value metric and
    shares), so the tiers at the end are the base's. Each date's segments rest on the
    window before it, so the comparison needs that window before the first date inside
    the data: with less than half of it the migration is refused; with part of it, it is
    computed with status "caveat" and the covered share in ``reason``.

    Raises
    ------
    ParameterError
        For a period under one month or an unknown segmentation.
    MissingDataError
        When the data does not cover at least half the window before the first date.
    """
    if int(months) != months or months < 1:
        raise ParameterError(f"the migration period must be a whole number of months, got {months}")
    order = mg.state_order(by)
    base = resolve_base(company, base)
    settings = base.settings
    window_months = int(settings.window_months)
    second = settings.observation_end
    first = second - pd.DateOffset(months=int(months))
    start = company.transactions["date"].min()
    earlier = first - pd.DateOffset(months=window_months)
    covered = 0.0 if pd.isna(start) else earlier_coverage(start, first, window_months)
    if covered < 0.5:
        raise MissingDataError(
            sentence(
                "a migration over {months} months ({first} to {second}) sets the segments of "
                "{first} on the {window_months} months before it, from {earlier}; the data "
                "starts on {start}, so it covers {covered} of them. Fix: choose a shorter "
                "migration_months, or give data from {earlier} on",
                months=count(months),
                first=day(first),
                second=day(second),
                window_months=count(window_months),
                earlier=day(earlier),
                start=day(start),
                covered=percent(covered),
            )
        )
    status, reason = "ok", ""
    if covered < 1:
        status = "caveat"
        reason = sentence(
            "the data starts on {start}, so the segments of {first} rest on {covered} of the "
            "{window_months} months before it: its value is undercounted",
            start=day(start),
            first=day(first),
            covered=percent(covered),
            window_months=count(window_months),
        )
    # when each customer became known, for both dates: one pass over the lines
    entered = mg.entry_dates(company.customers, company.transactions)
    # the start of the period is segmented by the company's base as of that day, with
    # every setting of the base (the forecast's too, which places the most growable): the
    # same base the value chain's relationships read a year back, kept in the cache
    earlier_base = customer_base(company, **{**settings.arguments(), "observation_end": first})
    # the end of the period is the base's own day: its tiers, not a second base's
    before, after = (
        mg.segments_of(
            each.segments_table().set_index("customer_id"),
            entered,
            at=when,
            by=by,
            horizon_months=window_months,
        )
        for each, when in ((earlier_base, first), (base, second))
    )
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
        status=status,
        reason=reason,
        window_months=window_months,
        value_label="revenue" if settings.value_metric == "revenue" else "profit",
        baseline=mg.chance_baseline(table, order),
    )


# -- campaign responses ---------------------------------------------------------------------


#: The headings of the table of customers who answered most: words as a report shows them (its headers in words), marked for the
#: catalogue so the report can show them in its language; the code reads the columns.
RESPONSE_WORDS = (N_("offers"), N_("responses"))


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
    consent_known : bool
        Whether the customers table records marketing consent (else the customers to
        promote are not filtered on it, and the text says so).
    """

    by_segment: pd.DataFrame
    segment_kind: str
    matrix: pd.DataFrame
    signals: pd.DataFrame
    top: pd.DataFrame
    consent_known: bool = True

    def count(self, signal: str) -> int:
        return int((self.signals["signal"] == signal).sum())


def learn_from_responses(
    company: Company, values: pd.DataFrame, needs_labels: pd.Series | None = None
) -> Responses:
    """Response rates per segment and campaign, and the customers whose treatment should change."""
    campaigns = company.require(
        "campaigns", "campaign_id", "responded", step=N_("reading the responses")
    )
    if needs_labels is not None:
        segments, kind = needs_labels, N_("needs segment")
    else:
        segments = values["value_tier"].astype(str).rename("value_tier")
        kind = N_("value tier")
    signals = mg.treatment_signals(campaigns, company.customers)
    promote = signals[signals["signal"] == "promote"]
    top = promote.sort_values(["responses", "revenue"], ascending=False).head(10).reset_index()
    return Responses(
        by_segment=mg.response_by_segment(campaigns, segments),
        segment_kind=kind,
        matrix=mg.response_matrix(campaigns, segments),
        signals=signals,
        top=top[["customer_id", "offers", "responses", "revenue"]],
        consent_known=company.customers is not None
        and "consent_marketing" in company.customers.columns,
    )


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

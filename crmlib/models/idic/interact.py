"""IDIC's Interact phase: an interaction plan per segment, and what past campaigns teach.

*Interact* puts the differentiation to work: from the facts per value category (see
:mod:`crmlib.models.idic.service`: reach, contact rhythm, cost to serve, response), a plan
of goal, channel, frequency and offer (:func:`plan_table`, rules in :class:`PlanRules`),
counting only customers with marketing consent as reachable; and the lessons of past
campaigns, read with their sample sizes (:func:`describe_lessons`).

The rules are the workbook's reading of Peppers & Rogers (retain MVC, develop MGC, make
BZ profitable or serve them for less); the numbers in them are defaults a consultant can
change, and the notebook says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.campaigns import (
    best_offers,
    channel_effectiveness,
    channel_follows_campaign,
    response_lessons,
)
from crmlib.analytics.contacts import channel_mix
from crmlib.data.company import Company
from crmlib.models.idic.differentiate import GOALS, Differentiation
from crmlib.models.idic.service import segment_service
from crmlib.text import N_, Safe, sentence, translate

#: Names of the usual contact cadences, by contacts per year.
CADENCE_NAMES = {
    1: N_("once a year"),
    2: N_("every six months"),
    3: N_("every four months"),
    4: N_("every quarter"),
    6: N_("every two months"),
    12: N_("every month"),
}


def cadence_name(per_year: float) -> str:
    """``4`` -> ``'every quarter'``; other counts read as "n times a year"."""
    if per_year is None or not np.isfinite(per_year):
        return "n/a"
    return CADENCE_NAMES.get(int(per_year), f"{int(per_year)} times a year")


#: The mark of a channel chosen on all customers' figures (the segment had none of its own).
ALL_CUSTOMERS = N_(" (all customers)")


def basis_words(basis: str) -> str:
    """A plan's ``channel_basis`` in the report's language (``""`` stays empty)."""
    if not basis:
        return ""
    if basis.endswith(ALL_CUSTOMERS):
        return translate(basis[: -len(ALL_CUSTOMERS)]) + translate(ALL_CUSTOMERS)
    return translate(basis)


def cadence_words(per_year: float) -> str:
    """:func:`cadence_name` in the report's language, for the texts and tables a reader sees."""
    if per_year is None or not np.isfinite(per_year):
        return translate("n/a")
    if int(per_year) in CADENCE_NAMES:
        return translate(CADENCE_NAMES[int(per_year)])
    return sentence("{times} times a year", times=int(per_year))


def plan_cadence_words(row) -> str:
    """A plan row's frequency in words, saying when it is a starting point, not a rhythm.

    Without contacts or campaigns in the data the current rhythm is unknown: the plan
    then starts at the lowest cadence, and says so rather than presenting it as derived.
    """
    words = cadence_words(row["frequency"])
    if bool(row.get("rhythm_known", True)):
        return words
    return sentence("{cadence} to start (the data records no contact rhythm)", cadence=Safe(words))


@dataclass(frozen=True)
class PlanRules:
    """How the plan is derived from the data. Each number is a default to discuss.

    Attributes
    ----------
    goals : mapping
        The goal per value category (Peppers & Rogers for MVC, MGC, BZ).
    rhythm_factor : mapping
        The current contact rhythm is multiplied by this per category: keep the rhythm
        MVC are used to (1), step it up to develop MGC (1.5), halve it to serve BZ for
        less (0.5), keep it for the others (1).
    cadences : tuple of int
        The contact frequencies a plan can have, per year; the rhythm is rounded to the
        nearest (on a log scale), and never below the first, so nobody is dropped
        silently.
    max_contact_cost_share : float
        A plan's contacts may cost at most this share of the segment's yearly gross
        margin per customer; the frequency is lowered to the cadence that fits.
    prior_strength : float
        Pseudo-sends in the smoothed response rates (see
        :mod:`crmlib.analytics.campaigns`).
    months : int
        The window of the current rhythm, cost and margin.
    """

    goals: Mapping[str, str] = field(default_factory=lambda: dict(GOALS))
    rhythm_factor: Mapping[str, float] = field(
        default_factory=lambda: {"MVC": 1.0, "MGC": 1.5, "other": 1.0, "BZ": 0.5}
    )
    cadences: tuple[int, ...] = (1, 2, 4, 6, 12)
    max_contact_cost_share: float = 0.1
    prior_strength: float = 20.0
    months: int = 12


def _nearest_cadence(per_year: float, cadences: tuple[int, ...]) -> int:
    options = np.asarray(sorted(cadences), dtype=float)
    if not np.isfinite(per_year) or per_year <= options[0]:
        return int(options[0])
    return int(options[np.argmin(np.abs(np.log(options) - np.log(per_year)))])


def _no_channel() -> dict:
    return {
        "channel": None,
        "channel_basis": "",
        "cost_per_contact": np.nan,
        "cost_per_response": np.nan,
        "contact_share": np.nan,
    }


def choose_channel(effectiveness: pd.DataFrame) -> dict:
    """The channel to use for one segment, from its rows of ``channel_effectiveness``.

    In order: the channel with the lowest cost per response (it is effective and
    cheap); else, when costs are unknown, the best smoothed response rate; else, without
    campaign history, the most used channel (the cheaper on a tie).

    Returns
    -------
    dict
        ``channel`` (None when nothing is known), ``channel_basis`` ("cost per response",
        "response rate", "most used" or ""), ``cost_per_contact``, ``cost_per_response``
        and ``contact_share`` of the chosen channel.
    """
    rows = effectiveness.reset_index()
    priced = rows.dropna(subset=["smoothed_rate", "cost_per_contact"])
    priced = priced[priced["smoothed_rate"] > 0]
    responded = rows.dropna(subset=["smoothed_rate"])
    used = rows[rows["contact_share"].fillna(0) > 0]
    if len(priced):
        pick, basis = (
            priced.sort_values(["cost_per_response", "channel"]).iloc[0],
            N_("cost per response"),
        )
    elif len(responded):
        pick, basis = (
            responded.sort_values(["smoothed_rate", "channel"], ascending=[False, True]).iloc[0],
            N_("response rate"),
        )
    elif len(used):
        used = used.assign(_cost=used["cost_per_contact"].fillna(np.inf))
        pick, basis = (
            used.sort_values(["contact_share", "_cost"], ascending=[False, True]).iloc[0],
            N_("most used"),
        )
    else:
        return _no_channel()
    return {
        "channel": str(pick["channel"]),
        "channel_basis": basis,
        "cost_per_contact": float(pick["cost_per_contact"]),
        "cost_per_response": float(pick["cost_per_response"]),
        "contact_share": float(pick["contact_share"]),
    }


def plan_table(
    service: pd.DataFrame,
    effectiveness: pd.DataFrame | None = None,
    offers: pd.DataFrame | None = None,
    rules: PlanRules | None = None,
    *,
    overall: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The interaction plan: goal, channel, frequency and offer per segment.

    Parameters
    ----------
    service : DataFrame
        :func:`segment_service`.
    effectiveness : DataFrame, optional
        :func:`crmlib.analytics.campaigns.channel_effectiveness` per segment.
    offers : DataFrame, optional
        :func:`crmlib.analytics.campaigns.best_offers` per segment (column ``offer``).
    rules : PlanRules, optional
    overall : DataFrame, optional
        ``channel_effectiveness`` of all customers together (one segment): the channel
        of a segment without contacts or campaigns of its own, marked "(all customers)"
        in ``channel_basis``.

    Returns
    -------
    DataFrame
        Indexed by segment: ``goal``; ``channel``, ``channel_basis``,
        ``cost_per_contact``, ``cost_per_response``, ``contact_share``; ``rhythm``
        (current contacts per customer-year), ``rhythm_known`` (false: no contacts or
        campaigns in the data, so the cadence is the lowest, a starting point), ``wanted``
        (the rhythm times the
        category's factor, as a cadence), ``frequency`` (planned contacts per year:
        ``wanted`` lowered to what the margin affords), ``cadence`` (in words),
        ``affordable`` (contacts a year the margin
        pays for, NaN when unknown); ``offer``, ``take_up`` (its smoothed response rate
        in the segment) and ``offer_sent``; ``customers`` and ``reachable``.
    """
    rules = rules or PlanRules()
    rows = {}
    for segment in service.index:
        facts = service.loc[segment]
        row: dict = {"goal": rules.goals.get(segment, GOALS["other"])}
        choice = _no_channel()
        if effectiveness is not None and segment in effectiveness.index.get_level_values(0):
            choice = choose_channel(effectiveness.xs(segment, level="segment"))
        if choice["channel"] is None and overall is not None and len(overall):
            choice = choose_channel(overall.droplevel("segment"))
            if choice["channel"] is not None:
                choice["channel_basis"] += ALL_CUSTOMERS
        row.update(choice)
        rhythm = float(facts["rhythm"]) if pd.notna(facts["rhythm"]) else np.nan
        target = rhythm * rules.rhythm_factor.get(segment, 1.0) if np.isfinite(rhythm) else np.nan
        frequency = wanted = _nearest_cadence(target, rules.cadences)
        margin = float(facts["margin_per_customer_year"])
        cost = row["cost_per_contact"]
        affordable = np.nan
        if np.isfinite(margin) and np.isfinite(cost) and cost > 0:
            affordable = max(margin, 0.0) * rules.max_contact_cost_share / cost
            fitting = [c for c in sorted(rules.cadences) if c <= affordable]
            frequency = min(frequency, fitting[-1] if fitting else min(rules.cadences))
        row.update(
            {
                "rhythm": rhythm,
                # no rhythm in the data: the cadence is the plan's starting point
                "rhythm_known": bool(np.isfinite(rhythm)),
                "wanted": int(wanted),
                "frequency": int(frequency),
                "cadence": cadence_name(frequency),
                "affordable": affordable,
            }
        )
        if offers is not None and segment in offers.index:
            best = offers.loc[segment]
            row.update(
                {
                    "offer": str(best["offer"]),
                    "take_up": float(best["smoothed_rate"]),
                    "offer_sent": int(best["sent"]),
                }
            )
        else:
            row.update({"offer": None, "take_up": np.nan, "offer_sent": 0})
        row["customers"] = int(facts["customers"])
        # NaN when consent is not recorded: unknown, never 0
        row["reachable"] = int(facts["reachable"]) if pd.notna(facts["reachable"]) else np.nan
        rows[segment] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "segment"
    return out


@dataclass(frozen=True)
class Interaction:
    """The Interact phase: per-segment service figures, what campaigns teach, the plan.

    Attributes
    ----------
    service : DataFrame
        :func:`segment_service` per value category.
    mix : DataFrame or None
        Share of each segment's contacts per channel (None without interactions).
    effectiveness : DataFrame or None
        :func:`crmlib.analytics.campaigns.channel_effectiveness` per segment.
    offers : DataFrame or None
        The best past offer per segment.
    lessons : DataFrame or None
        :func:`crmlib.analytics.campaigns.response_lessons` by offer.
    channel_lessons : DataFrame or None
        The same by channel.
    channel_follows_campaign : bool
        Each campaign used one channel, so channel and offer effects are mixed.
    plan : DataFrame
        :func:`plan_table`.
    rules : PlanRules
    """

    service: pd.DataFrame
    mix: pd.DataFrame | None
    effectiveness: pd.DataFrame | None
    offers: pd.DataFrame | None
    lessons: pd.DataFrame | None
    channel_lessons: pd.DataFrame | None
    channel_follows_campaign: bool
    plan: pd.DataFrame
    rules: PlanRules


def interact(
    company: Company, result: Differentiation, rules: PlanRules | None = None
) -> Interaction:
    """Interact: the channel, rhythm, cost and response of each value category, and a plan."""
    rules = rules or PlanRules()
    labels = result.segments
    service = segment_service(company, labels, months=rules.months)
    interactions = company.interactions
    mix = None
    if interactions is not None:
        mix = channel_mix(
            interactions.assign(customer_id=interactions["customer_id"].astype(str)), labels
        )
        mix = mix.reindex([s for s in service.index if s in mix.index])
    campaigns = company.campaigns
    has_response = campaigns is not None and "responded" in campaigns.columns
    effectiveness = overall = None
    if interactions is not None or (has_response and "channel" in campaigns.columns):
        effectiveness, overall = (
            channel_effectiveness(
                campaigns if has_response else None,
                interactions,
                company.channels,
                segments=by,
                prior_strength=rules.prior_strength,
            )
            for by in (labels, None)
        )
    offers = lessons = channel_lessons = None
    if has_response and "offer" in campaigns.columns:
        offers = best_offers(
            campaigns, "offer", segments=labels, prior_strength=rules.prior_strength
        )
        lessons = response_lessons(campaigns, "offer", segments=labels)
    if has_response and "channel" in campaigns.columns:
        channel_lessons = response_lessons(campaigns, "channel", segments=labels)
    return Interaction(
        service=service,
        mix=mix,
        effectiveness=effectiveness,
        offers=offers,
        lessons=lessons,
        channel_lessons=channel_lessons,
        channel_follows_campaign=bool(has_response and channel_follows_campaign(campaigns)),
        plan=plan_table(service, effectiveness, offers, rules, overall=overall),
        rules=rules,
    )

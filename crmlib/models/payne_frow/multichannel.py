"""Payne & Frow's third process: multichannel integration.

Customers use several channels; integration means that every channel sees the same
customer and that a customer process (a billing question, a warranty claim) can move
between channels without the customer starting again. The workbook measures, over the
last 12 months up to the observation end:

- the channel mix per segment, of contacts (interactions) and of purchases
  (transactions with a channel);
- channel hopping: customers who used more than one channel for one process;
- continuity: contacts about one process within ``window_days`` of each other form an
  *episode* (:func:`crmlib.analytics.contacts.contact_episodes`). Moving between
  channels is what integration serves, so a move is not counted against the company;
  what counts is whether the next channel continued the case
  (:func:`crmlib.analytics.contacts.channel_handovers`): the customer needed no further
  contact on the process within ``window_days`` and, where the data records it, the
  question was resolved in the new channel;
- the cost per channel: contacts, cost per contact, satisfaction and resolution.

Whether the new channel knew the case history is what integration means, but no
column of the interactions table records it; the workbook reads it from the outcome
(no repeat, resolved) and the workshop asks it directly.

The process score (0-1) is the share of handovers between channels that continued the
case; unknown (None) when no customer moved between channels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics.contacts import (
    channel_handovers,
    channel_hoppers,
    channel_mix,
    contact_episodes,
    handover_summary,
    thread_order,
)
from crmlib.analytics.kpis import contact_costs
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import Figure
from crmlib.loaded import derived, is_loaded, mark_loaded
from crmlib.models.payne_frow.common import (
    Parts,
    customer_base,
    in_last_year,
)
from crmlib.models.payne_frow.elements import practice_score, readiness
from crmlib.models.payne_frow.strategy import segment_order
from crmlib.models.steps import attempt
from crmlib.text import N_, translate


@dataclass(frozen=True)
class Continuity:
    """Contact episodes of the last 12 months and how often they crossed channels.

    Attributes
    ----------
    window_days : int
        The largest gap between two contacts of one episode.
    by_process : DataFrame
        Indexed by process (most episodes first): ``episodes``, ``one_contact``,
        ``same_channel_repeat`` and ``cross_channel`` (counts of episodes settled in one
        contact, repeated in one channel, and crossing channels), ``cross_channel_rate``,
        ``repeat_contacts`` (contacts after the first in cross-channel episodes) and
        ``repeat_cost`` (their cost; NaN without channel costs).
    paths : Series
        The channel paths of cross-channel episodes (e.g. ``"webshop > call centre"``),
        with their counts, most frequent first.
    customers, hoppers : int
        Customers with contacts; of them, customers who hopped channels in a process.
    handovers : DataFrame
        :func:`crmlib.analytics.contacts.handover_summary` per process, with an ``all``
        row first: how many moves between channels the next channel continued.
    resolution_known : bool
        The interactions record ``resolved``, so a continued case was also resolved.
    """

    window_days: int
    by_process: pd.DataFrame
    paths: pd.Series
    customers: int
    hoppers: int
    handovers: pd.DataFrame = field(default_factory=pd.DataFrame)
    resolution_known: bool = False

    @property
    def continued_rate(self) -> float:
        """The share of handovers (of known outcome) that the next channel continued."""
        if self.handovers.empty:
            return float("nan")
        return float(self.handovers.loc["all", "continued_rate"])

    @property
    def episodes(self) -> int:
        return int(self.by_process["episodes"].sum())

    @property
    def cross_channel_episodes(self) -> int:
        return int(self.by_process["cross_channel"].sum())

    @property
    def cross_channel_rate(self) -> float:
        return self.cross_channel_episodes / self.episodes if self.episodes else float("nan")

    @property
    def repeat_cost(self) -> float:
        cost = self.by_process["repeat_cost"]
        return float(cost.sum()) if cost.notna().any() else float("nan")

    @property
    def worst_process(self) -> str:
        """The process whose episodes cross channels most often."""
        return str(self.by_process["cross_channel_rate"].idxmax())


def episode_costs(
    interactions: pd.DataFrame, channels: pd.DataFrame, window_days: int
) -> pd.Series:
    """The cost of the contacts after the first, per episode of :func:`contact_episodes`.

    Each contact's episode is read from the thread order the episodes are formed from
    (:func:`crmlib.analytics.contacts.thread_order`): no contact is placed again by
    customer, process and date. An episode's costs are added in that order (by date,
    then row); the first contact's is that of the episode's ``first_channel``.

    Returns
    -------
    Series of float
        One value per episode of ``contact_episodes(interactions, window_days)``, in its
        order (indexed from 0), named ``repeat_cost``.
    """
    order = thread_order(interactions, window_days, "the cost of repeat contacts")
    cost = contact_costs(interactions, channels).fillna(0.0).to_numpy()[order.rows]
    total = pd.Series(cost).groupby(order.episode).sum().to_numpy()
    return pd.Series(total - cost[order.begins], name="repeat_cost")


def continuity(
    interactions: pd.DataFrame,
    channels: pd.DataFrame | None = None,
    *,
    window_days: int = 14,
    until=None,
) -> Continuity:
    """How often a customer process crossed channels within ``window_days``, and how
    often the next channel continued the case.

    Parameters
    ----------
    interactions : DataFrame
        The contacts to look at (customer_id, date, channel, process).
    channels : DataFrame, optional
        With cost_per_contact, for the cost of the repeat contacts.
    window_days : int, default 14
        Contacts on one process at most this many days apart are one episode.
    until : date-like, optional
        The last date the data covers (see
        :func:`crmlib.analytics.contacts.channel_handovers`); by default
        ``interactions.attrs["until"]``, which :func:`contacts_last_year` sets.

    Raises
    ------
    MissingDataError
        Without a process per contact, or without contacts.
    """
    if int(window_days) != window_days or window_days < 1:
        raise ParameterError(
            f"repeat_window_days must be a whole number of days, got {window_days}"
        )
    until = interactions.attrs.get("until") if until is None else until
    since = interactions.attrs.get("since")
    if channels is not None and not is_loaded(channels):
        return _continuity(interactions, channels, int(window_days), until, since)
    # the report, the live window and the exercises ask for the same windows of the same
    # contacts: each window's result is kept with the contacts (a loaded table's)
    key = (
        id(channels),
        None if until is None else pd.Timestamp(until),
        None if since is None else pd.Timestamp(since),
    )
    by_window: dict[int, Continuity] = derived(interactions, "continuity", key, dict)
    days = int(window_days)
    if days not in by_window:
        by_window[days] = _continuity(interactions, channels, days, until, since)
    return by_window[days]


def _continuity(
    interactions: pd.DataFrame,
    channels: pd.DataFrame | None,
    window_days: int,
    until,
    since=None,
) -> Continuity:
    episodes = contact_episodes(interactions, window_days=int(window_days))
    priced = channels is not None and {"channel", "cost_per_contact"} <= set(channels.columns)
    cost = episode_costs(interactions, channels, int(window_days)) if priced else None
    if since is not None and len(episodes):
        # formed on the whole history, counted when they start in the period
        begun = (episodes["start"] > pd.Timestamp(since)).to_numpy(dtype=bool)
        episodes = episodes[begun].reset_index(drop=True)
        cost = None if cost is None else cost[begun].reset_index(drop=True)
    if episodes.empty:
        raise MissingDataError(
            translate("cross-channel continuity needs contacts with a customer process")
        )
    one = ~episodes["repeat"]
    same = episodes["repeat"] & ~episodes["cross_channel"]
    cross = episodes["cross_channel"]
    by = episodes["process"]
    out = pd.DataFrame(
        {
            "episodes": by.value_counts(),
            "one_contact": one.groupby(by).sum(),
            "same_channel_repeat": same.groupby(by).sum(),
            "cross_channel": cross.groupby(by).sum(),
        }
    ).astype(int)
    out["cross_channel_rate"] = out["cross_channel"] / out["episodes"]
    out["repeat_contacts"] = (episodes["contacts"] - 1).where(cross, 0).groupby(by).sum()
    if cost is not None:
        out["repeat_cost"] = cost.where(cross, 0.0).groupby(by).sum()
    else:
        out["repeat_cost"] = np.nan
    out = out.sort_values("episodes", ascending=False, kind="mergesort")
    out.index.name = "process"
    paths = episodes.loc[cross, "channel_path"].value_counts()
    moves = channel_handovers(interactions, int(window_days), until=until)
    if since is not None and len(moves):
        moves = moves[(moves["date"] > pd.Timestamp(since)).to_numpy(dtype=bool)]
    handovers = pd.DataFrame()
    if len(moves):
        handovers = pd.concat([handover_summary(moves), handover_summary(moves, "process")])
        handovers.index.name = "process"
    return Continuity(
        window_days=int(window_days),
        by_process=out,
        paths=paths,
        customers=int(episodes["customer_id"].nunique()),
        hoppers=len(channel_hoppers(episodes)),
        handovers=handovers,
        resolution_known="resolved" in interactions.columns,
    )


def channel_costs(interactions: pd.DataFrame, channels: pd.DataFrame) -> pd.DataFrame:
    """Contacts, cost, satisfaction and resolution per channel.

    Returns
    -------
    DataFrame
        Indexed by channel (most costly first): ``contacts``, ``cost_per_contact``,
        ``total_cost``, ``cost_share``, ``satisfaction`` and ``resolution_rate`` (NaN
        without those columns) and ``cost_per_resolved`` (cost per contact over the
        resolution rate: what a resolved question costs in that channel).
    """
    if "channel" not in interactions.columns:
        raise MissingDataError(translate("the cost per channel needs the channel of each contact"))
    cost = contact_costs(interactions, channels)
    channel = interactions["channel"].astype(str).str.strip()
    grouped = cost.groupby(channel)
    out = pd.DataFrame({"contacts": grouped.size(), "total_cost": grouped.sum()})
    out.insert(1, "cost_per_contact", out["total_cost"] / out["contacts"])
    out["cost_share"] = out["total_cost"] / out["total_cost"].sum()
    for column, name in (("satisfaction", "satisfaction"), ("resolved", "resolution_rate")):
        if column in interactions.columns:
            values = interactions[column]
            values = values.astype("boolean") if column == "resolved" else values
            out[name] = values.groupby(channel).mean().astype(float)
        else:
            out[name] = np.nan
    out["cost_per_resolved"] = out["cost_per_contact"] / out["resolution_rate"]
    out.index.name = "channel"
    return out.sort_values("total_cost", ascending=False, kind="mergesort")


def _segment_mix(
    frame: pd.DataFrame, labels: pd.Series | None, what: str, order: tuple[str, ...] = ()
) -> pd.DataFrame:
    if frame.empty:
        raise MissingDataError(
            translate("it needs {what} in the last 12 months").format(what=translate(what))
        )
    mix = channel_mix(frame, labels)
    ranked = [s for s in order if s in mix.index]
    return mix.loc[ranked + [s for s in mix.index if s not in ranked]]


@dataclass(frozen=True)
class Multichannel(Parts):
    """Channel mix, channel hopping, continuity and cost per channel.

    Attributes
    ----------
    segment_col : str
    contact_mix, purchase_mix : DataFrame or None
        :func:`crmlib.analytics.contacts.channel_mix` per segment (rows sum to 1),
        of the last 12 months' contacts and purchases.
    continuity : Continuity or None
    channels : DataFrame or None
        :func:`channel_costs` of the last 12 months.
    case_history : float or None
        The readiness workshop's score (0-1) of the practice that the next channel sees
        the case history (``pp_case_history``); None when not scored.
    score : float or None
        The share of handovers between channels that the next channel continued; None
        when no customer moved between channels (integration then cannot be read).
    figures : tuple of Figure
        ``handover_continued_share``, ``cross_channel_episode_share``,
        ``channel_hoppers`` and
        ``cross_channel_repeat_cost`` (unavailable when the data cannot give them).
    """

    segment_col: str
    contact_mix: pd.DataFrame | None
    purchase_mix: pd.DataFrame | None
    continuity: Continuity | None
    channels: pd.DataFrame | None
    score: float | None
    skipped: dict[str, str] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()
    case_history: float | None = None


def continuity_figures(
    flow: Continuity | None, window: str, currency: str, reason: str = ""
) -> list[Figure]:
    """The continuity figures of one repeat window (unavailable with ``reason`` without)."""
    ids = (
        ("handover_continued_share", "share"),
        ("cross_channel_episode_share", "share"),
        ("channel_hoppers", "customers"),
        ("cross_channel_repeat_cost", currency),
    )
    labels = {key: definition(key).label for key, _ in ids}
    if flow is None:
        why = reason or translate("it needs contacts with a customer process")
        return [Figure.unavailable(key, labels[key], unit, why, window) for key, unit in ids]
    days = translate(" ({days}-day repeat window)").format(days=flow.window_days)
    continued = flow.continued_rate
    out = [
        Figure("handover_continued_share", labels["handover_continued_share"] + days, continued,
               "share", window)
        if pd.notna(continued)
        else Figure.unavailable("handover_continued_share",
                                labels["handover_continued_share"] + days, "share",
                                "no customer moved between channels within one process", window),
        Figure("cross_channel_episode_share", labels["cross_channel_episode_share"] + days,
               flow.cross_channel_rate, "share", window),
        Figure("channel_hoppers", labels["channel_hoppers"] + days, flow.hoppers, "customers",
               window),
    ]  # fmt: skip
    cost_label = labels["cross_channel_repeat_cost"] + days
    out.append(
        Figure("cross_channel_repeat_cost", cost_label, flow.repeat_cost, currency, window)
        if pd.notna(flow.repeat_cost)
        else Figure.unavailable("cross_channel_repeat_cost", cost_label, currency,
                                "it needs the channels table with cost_per_contact", window)
    )  # fmt: skip
    return out


def last_year_window(company: Company) -> str:
    """The 12 months up to the observation end, as ``yyyy-mm-dd..yyyy-mm-dd``."""
    end = company.observation_end
    start = end - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    return f"{start.date()}..{end.date()}"


def contacts_last_year(company: Company, *columns: str, step: str = "it") -> pd.DataFrame:
    """The contacts of the 12 months up to the observation end.

    For a loaded company this is the same table each time it is asked (the report, the
    live window and the exercises read it): read it, do not change it.

    Raises
    ------
    MissingDataError
        Without interactions, or without ``channel`` and ``columns`` in them.
    """
    interactions = company.require("interactions", "channel", *columns, step=step)
    end = company.observation_end

    def cut() -> pd.DataFrame:
        # a selection is a table of its own: its attrs are set without touching the loaded one
        out = in_last_year(interactions, "date", end)
        # The data's end travels with the contacts, so every view of them (the report's
        # and a workshop's live window) leaves the same late handovers open.
        out.attrs["until"] = end
        # kept like a loaded table, so what is derived from it is kept too
        mark_loaded(out)
        return out

    return derived(interactions, "contacts last year", end, cut)


def contact_history(company: Company, *columns: str, step: str = "it") -> pd.DataFrame:
    """Every contact up to the observation end, for the episodes of the last 12 months.

    An episode that began before the year is not cut in two at its start (as the customer
    base counts them): the episodes are formed on this history and those that start in
    the year are kept. ``attrs`` carries ``since`` (the year's start) and ``until`` (the
    observation end). For a loaded company it is the same table each time it is asked.
    """
    interactions = company.require("interactions", "channel", *columns, step=step)
    end = company.observation_end

    def cut() -> pd.DataFrame:
        days = pd.to_datetime(interactions["date"], errors="coerce")
        keep = (days <= end).to_numpy(dtype=bool, na_value=False)
        # every contact up to the end (the usual case): the loaded table's columns shared,
        # not copied (a step that changed one would copy it first: Copy-on-Write)
        out = interactions.copy(deep=False) if keep.all() else interactions[keep]
        out.attrs["until"] = end
        out.attrs["since"] = end - pd.DateOffset(months=12)
        mark_loaded(out)
        return out

    return derived(interactions, "contact history", end, cut)


def multichannel_integration(
    company: Company,
    *,
    segment_col: str = "value_tier",
    window_days: int = 14,
    horizon_months: int = 12,
) -> Multichannel:
    """Measure multichannel integration over the last 12 months (see the module docstring).

    Parameters
    ----------
    company : Company
    segment_col : {"value_tier", "value_category"}
    window_days : int, default 14
        The repeat-contact window.
    horizon_months : int, default 12
        The horizon of the value segments.
    """
    skipped: dict[str, str] = {}
    base = attempt(skipped, "segments", customer_base, company, horizon_months=horizon_months)
    labels = order = None
    if base is not None:
        labels = base.set_index("customer_id")[segment_col].astype(str)
        order = segment_order(segment_col)
    contacts = attempt(skipped, "contact_mix", contacts_last_year, company, step="it")
    contact_mix = None
    if contacts is not None:
        contact_mix = attempt(
            skipped, "contact_mix", _segment_mix, contacts, labels, N_("contacts"), order or ()
        )
    purchases = in_last_year(company.transactions, "date", company.observation_end)
    purchase_mix = None
    if "channel" not in purchases.columns:
        skipped["purchase_mix"] = translate("it needs a channel column in transactions")
    else:
        purchase_mix = attempt(
            skipped, "purchase_mix", _segment_mix, purchases, labels, N_("purchases"), order or ()
        )
    step = "it"
    threads = attempt(skipped, "continuity", contact_history, company, "process", step=step)
    flow = None
    if threads is not None:
        flow = attempt(
            skipped,
            "continuity",
            continuity,
            threads,
            company.channels,
            window_days=window_days,
            until=company.observation_end,
        )
    costs = None
    if contacts is None:
        attempt(skipped, "channels", company.require, "interactions", step=step)
    elif (
        attempt(skipped, "channels", company.require, "channels", "cost_per_contact", step=step)
        is not None
    ):
        costs = attempt(skipped, "channels", channel_costs, contacts, company.channels)
    score = None if flow is None or pd.isna(flow.continued_rate) else flow.continued_rate
    figures = continuity_figures(
        flow, last_year_window(company), company.currency, skipped.get("continuity", "")
    )
    return Multichannel(
        segment_col=segment_col,
        contact_mix=contact_mix,
        purchase_mix=purchase_mix,
        continuity=flow,
        channels=costs,
        score=score,
        skipped=skipped,
        figures=tuple(figures),
        case_history=practice_score(readiness(company), "pp_case_history"),
    )

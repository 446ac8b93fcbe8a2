"""QCI's customer experience measured on data: satisfaction, NPS and resolution per
touchpoint and process, and repeat contacts with what they cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.contacts import contact_episodes
from crmlib.analytics.experience import experience_by, repeat_contacts, satisfaction_matrix
from crmlib.analytics.needs import net_promoter_score
from crmlib.data.company import Company
from crmlib.formatting import count, money, percent
from crmlib.models.qci.customers import CustomerBase, available
from crmlib.text import capitalise, escape, lead

# ---------------------------------------------------------------------------------------
# Customer experience


@dataclass(frozen=True)
class Experience:
    """The customer experience per touchpoint and process.

    Attributes
    ----------
    by_channel, by_process : DataFrame
        :func:`crmlib.analytics.experience.experience_by`.
    matrix : DataFrame or None
        :func:`crmlib.analytics.experience.satisfaction_matrix`; None without scores.
    repeats : DataFrame
        :func:`crmlib.analytics.experience.repeat_contacts` over the year measured.
    nps : float or None
        The NPS of the needs survey.
    """

    by_channel: pd.DataFrame
    by_process: pd.DataFrame
    matrix: pd.DataFrame | None
    repeats: pd.DataFrame
    nps: float | None


def customer_experience(
    company: Company, base: CustomerBase, *, window_days: int = 14
) -> Experience:
    """Satisfaction, NPS, resolution and repeat contacts per touchpoint and process."""
    interactions = company.require(
        "interactions", "channel", "process", step="The customer experience"
    )
    episodes = contact_episodes(interactions, window_days)
    needs = company.needs
    by_channel = experience_by(interactions, needs, by="channel", episodes=episodes)
    by_process = experience_by(interactions, needs, by="process", episodes=episodes)
    matrix = satisfaction_matrix(interactions) if "satisfaction" in interactions.columns else None
    repeats = repeat_contacts(
        interactions, company.channels, start=base.year_start, end=base.end, episodes=episodes
    )
    nps = net_promoter_score(needs["nps"]) if needs is not None and "nps" in needs.columns else None
    return Experience(by_channel, by_process, matrix, repeats, nps)


def describe_touchpoints(result: Experience) -> str:
    """Where satisfaction and resolution are lowest, per process and per channel."""
    parts = []
    process = result.by_process.dropna(subset=["satisfaction"])
    channel = result.by_channel.dropna(subset=["satisfaction"])
    if len(process):
        low, high = process["satisfaction"].idxmin(), process["satisfaction"].idxmax()
        parts.append(
            f"Satisfaction is lowest in {escape(low)} contacts ({process.loc[low, 'satisfaction']:.1f} "
            f"of 5) and highest in {escape(high)} ({process.loc[high, 'satisfaction']:.1f})."
        )
    if len(channel):
        low = channel["satisfaction"].idxmin()
        parts.append(
            f"Of the touchpoints, {escape(low)} scores lowest ({channel.loc[low, 'satisfaction']:.1f})."
        )
    resolution = result.by_process["first_contact_resolution"].dropna()
    if len(resolution):
        worst = resolution.idxmin()
        parts.append(
            f"First-contact resolution is weakest in {escape(worst)} ({percent(resolution[worst])} "
            f"of episodes settled in one contact, against {percent(resolution.median())} for the "
            "median process)."
        )
    nps = result.by_process["nps"].dropna()
    if len(nps) and result.nps is not None:
        worst = nps.idxmin()
        parts.append(
            f"The overall NPS is {result.nps:+.0f}; among respondents who had a {escape(worst)} "
            f"contact before answering it is {nps[worst]:+.0f}."
        )
    return " ".join(parts) or "The interactions carry no satisfaction scores or resolution flags."


def describe_repeats(result: Experience, currency: str) -> str:
    """Repeat contacts last year: how many, what they cost, what they do to satisfaction."""
    r = result.repeats
    total = r.loc["all"]
    parts = [
        f"Last year {percent(total['repeat_rate'])} of the {count(total['episodes'])} contact "
        f"episodes took more than one contact: {count(total['extra_contacts'])} extra contacts"
    ]
    if not np.isnan(total["extra_cost"]):
        parts[0] += f", costing {money(total['extra_cost'], currency)}"
    parts[0] += "."
    body = r.drop(index="all")
    if len(body):
        top = body.index[0]
        parts.append(
            f"{capitalise(escape(top))} causes the most ({count(body.loc[top, 'extra_contacts'])} extra contacts, "
            f"{percent(body.loc[top, 'repeat_rate'])} of its episodes)."
        )
    if not np.isnan(total["satisfaction_repeat"]):
        parts.append(
            f"Contacts in one-contact episodes score {total['satisfaction_single']:.1f} on average, "
            f"contacts in repeat episodes {total['satisfaction_repeat']:.1f}."
        )
    return " ".join(parts)


def means_experience(company: Company, result: Experience, currency: str) -> str:
    """What this means: the process to fix first, and what it costs today."""
    body = result.repeats.drop(index="all")
    parts = [lead(company.name)]
    process = result.by_process.dropna(subset=["satisfaction"])
    if len(process):
        low = process["satisfaction"].idxmin()
        parts.append(
            f"The experience is made or lost in {escape(low)} contacts: they score lowest, and an unresolved "
            "contact drags the customer into repeat contacts."
        )
    if len(body) and not np.isnan(body["extra_cost"].sum()):
        top = body["extra_cost"].idxmax()
        parts.append(
            f"Settling {escape(top)} contacts in the first contact would save up to "
            f"{money(body.loc[top, 'extra_cost'], currency)} a year in repeat contacts, before "
            "counting the goodwill."
        )
    parts.append(
        "The proposition and the activities below should be read through this lens: a "
        "customer who had a poor contact is the one most likely to lapse."
    )
    return " ".join(parts)


def experience_table(result: Experience | None, by: str = "process") -> pd.DataFrame:
    """The experience measures side by side per process (or channel), for the report."""
    result = available(result, "the interactions table with channel and process")
    table = result.by_process if by == "process" else result.by_channel
    columns = [
        "contacts",
        "satisfaction",
        "resolution_rate",
        "first_contact_resolution",
        "repeat_rate",
        "nps",
    ]
    return table[columns]


def weakest_process(result: Experience | None) -> str | None:
    """The customer process with the lowest mean satisfaction (None when not measured)."""
    if result is None:
        return None
    scores = result.by_process["satisfaction"].dropna()
    return str(scores.idxmin()) if len(scores) else None


def processes(result: Experience | None) -> list[str] | None:
    """The customer processes in the interactions (None when not measured)."""
    return None if result is None else [str(p) for p in result.by_process.index]

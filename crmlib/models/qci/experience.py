"""QCI's customer experience measured on data: satisfaction, NPS and resolution per
touchpoint and process, and repeat contacts with what they cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.base import EPISODE_WINDOW_DAYS, episode_figures
from crmlib.analytics.contacts import contact_episodes
from crmlib.analytics.experience import experience_by, repeat_contacts, satisfaction_matrix
from crmlib.analytics.needs import net_promoter_score
from crmlib.data.company import Company
from crmlib.figures import Figure
from crmlib.models.qci.customers import CustomerBase
from crmlib.text import N_

# ---------------------------------------------------------------------------------------
# Customer experience


@dataclass(frozen=True)
class Experience:
    """The customer experience per touchpoint and process.

    Attributes
    ----------
    by_channel, by_process : DataFrame
        :func:`crmlib.analytics.experience.experience_by` over the year measured (the
        contacts in it, the episodes that start in it).
    matrix : DataFrame or None
        :func:`crmlib.analytics.experience.satisfaction_matrix` over the year measured;
        None without scores.
    repeats : DataFrame
        :func:`crmlib.analytics.experience.repeat_contacts` over the year measured.
    nps : float or None
        The NPS of the needs survey.
    counted : tuple of Figure
        The shared base's ``contact_episode`` and ``repeat_episode_share``: the episodes
        of ``repeats`` (its row ``all``), counted once for every model. Empty without a
        shared base, or when the episodes were formed with another ``window_days``.
    """

    by_channel: pd.DataFrame
    by_process: pd.DataFrame
    matrix: pd.DataFrame | None
    repeats: pd.DataFrame
    nps: float | None
    counted: tuple[Figure, ...] = ()


def customer_experience(
    company: Company, base: CustomerBase, *, window_days: int = EPISODE_WINDOW_DAYS
) -> Experience:
    """Satisfaction, NPS, resolution and repeat contacts per touchpoint and process."""
    interactions = company.require(
        "interactions", "channel", "process", step=N_("The customer experience")
    )
    episodes = contact_episodes(interactions, window_days)
    needs = company.needs
    # the year measured, as the repeats below and every other figure of the report: the
    # contacts in it, and the episodes (formed on the whole history) that start in it
    start, end = base.year_start, base.end
    moment = pd.to_datetime(interactions["date"], errors="coerce")
    in_year = interactions.loc[((moment > start) & (moment <= end)).to_numpy(dtype=bool)]
    begun = episodes.loc[((episodes["start"] > start) & (episodes["start"] <= end)).to_numpy()]
    by_channel = experience_by(in_year, needs, by="channel", episodes=begun)
    by_process = experience_by(in_year, needs, by="process", episodes=begun)
    matrix = satisfaction_matrix(in_year) if "satisfaction" in in_year.columns else None
    repeats = repeat_contacts(
        interactions,
        company.channels,
        window_days=window_days,
        start=base.year_start,
        end=base.end,
        episodes=episodes,
    )
    nps = net_promoter_score(needs["nps"]) if needs is not None and "nps" in needs.columns else None
    counted = ()
    if base.shared is not None and window_days == EPISODE_WINDOW_DAYS:
        # the year measured is the shared base's window: its episodes are these
        counted = tuple(episode_figures(base.shared))
    return Experience(by_channel, by_process, matrix, repeats, nps, counted)


def weakest_process(result: Experience | None) -> str | None:
    """The customer process with the lowest mean satisfaction (None when not measured)."""
    if result is None:
        return None
    scores = result.by_process["satisfaction"].dropna()
    return str(scores.idxmin()) if len(scores) else None


def processes(result: Experience | None) -> list[str] | None:
    """The customer processes in the interactions (None when not measured)."""
    return None if result is None else [str(p) for p in result.by_process.index]

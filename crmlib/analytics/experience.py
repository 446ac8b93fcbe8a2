"""The customer experience as the data records it: satisfaction, NPS, resolution, repeats.

QCI places the customer experience between the customer's outside world and the
proposition: what customers go through at each touchpoint (a channel) and in each
customer process (a sale, a complaint, a warranty claim) shapes what the company should
offer and how it should manage them. This module measures it on the interactions table
and the needs survey, building on :mod:`crmlib.analytics.contacts` (contact episodes,
satisfaction per channel or process) and :mod:`crmlib.analytics.needs` (NPS):

- satisfaction (1-5, given after a contact) and resolution per touchpoint and process;
- NPS per touchpoint and process: the NPS of the survey respondents who had a contact
  there (up to the day they answered, when the survey has a date);
- repeat contacts: episodes that took more than one contact, the contacts and cost they
  add, and how satisfaction differs between one-contact and repeat episodes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.analytics.checks import need_table
from crmlib.analytics.contacts import (
    contact_dates,
    contact_episodes,
    episode_summary,
    satisfaction_by,
    thread_order,
)
from crmlib.analytics.needs import net_promoter_score
from crmlib.errors import MissingDataError, ParameterError
from crmlib.text import translate
from crmlib.text_columns import isin

_BY = ("channel", "process")


def _check_by(by: str) -> str:
    if by not in _BY:
        raise ParameterError(f"by must be 'channel' or 'process', got {by!r}")
    return by


def _in_window(interactions: pd.DataFrame, start, end) -> pd.DataFrame:
    keep = np.ones(len(interactions), dtype=bool)
    if start is not None:
        keep &= (interactions["date"] > pd.Timestamp(start)).to_numpy(dtype=bool)
    if end is not None:
        keep &= (interactions["date"] <= pd.Timestamp(end)).to_numpy(dtype=bool)
    return interactions[keep]


def nps_by_contact(
    needs: pd.DataFrame, interactions: pd.DataFrame, by: str = "channel"
) -> pd.DataFrame:
    """NPS of the survey respondents per touchpoint (channel) or process they contacted.

    A respondent counts in every channel (or process) in which they had a contact up to
    the day they answered the survey (all their contacts when the survey has no
    ``survey_date``), and in ``"no contact"`` when they had none.

    Returns
    -------
    DataFrame
        Indexed by channel or process, then ``"no contact"`` and ``"all respondents"``:
        ``respondents``, ``nps`` (-100 to 100), ``promoters`` and ``detractors``
        (shares).

    Raises
    ------
    MissingDataError
        Without a needs survey with ``nps`` or interactions with the ``by`` column.
    """
    by = _check_by(by)
    survey = need_table(needs, "needs", ("customer_id", "nps"), f"NPS per {by}")
    contacts = need_table(
        interactions, "interactions", ("customer_id", "date", by), f"NPS per {by}"
    )
    scores = survey.dropna(subset=["nps"]).drop_duplicates("customer_id")
    if scores.empty:
        raise MissingDataError(
            translate("NPS per {by} needs survey answers with an nps score").format(by=by)
        )
    pairs = contacts[["customer_id", "date", by]].merge(
        scores[["customer_id", "nps", *(["survey_date"] if "survey_date" in scores else [])]],
        on="customer_id",
    )
    if "survey_date" in pairs.columns:
        before = pairs["survey_date"].isna() | (pairs["date"] <= pairs["survey_date"])
        pairs = pairs[before.to_numpy(dtype=bool)]
    pairs = pairs.drop_duplicates(["customer_id", by])

    def row(values: pd.Series) -> dict:
        values = pd.to_numeric(values, errors="coerce").dropna()
        return {
            "respondents": len(values),
            "nps": net_promoter_score(values),
            "promoters": float((values >= 9).mean()) if len(values) else np.nan,
            "detractors": float((values <= 6).mean()) if len(values) else np.nan,
        }

    rows = {str(name): row(group["nps"]) for name, group in pairs.groupby(by, sort=True)}
    contacted = isin(scores["customer_id"], pairs["customer_id"])
    rows["no contact"] = row(scores.loc[~contacted, "nps"])
    rows["all respondents"] = row(scores["nps"])
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["respondents"] = out["respondents"].astype(int)
    out.index.name = by
    return out


def experience_by(
    interactions: pd.DataFrame,
    needs: pd.DataFrame | None = None,
    *,
    by: str = "channel",
    window_days: int = 14,
    episodes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The experience scorecard per touchpoint (channel) or customer process.

    Parameters
    ----------
    interactions : DataFrame
        Contacts with customer_id, date, channel; ``process``, ``satisfaction`` and
        ``resolved`` add columns when present.
    needs : DataFrame, optional
        The needs survey; with ``nps`` it adds the NPS of respondents who had a
        contact there (:func:`nps_by_contact`).
    by : {"channel", "process"}
    window_days : int, default 14
        The contact-episode window (:func:`crmlib.analytics.contacts.contact_episodes`).
    episodes : DataFrame, optional
        The episodes of ``interactions`` when already computed (they take a moment on
        a large table); ``window_days`` is then not used.

    Returns
    -------
    DataFrame
        Indexed by channel or process, most contacts first: ``contacts``, ``rated``,
        ``satisfaction`` (mean 1-5), ``resolution_rate`` (share of contacts
        resolved), ``episodes``, ``repeat_rate`` (share of episodes that took more
        than one contact; per channel, of the episodes that started there),
        ``first_contact_resolution``, and ``nps`` with ``nps_respondents``. A column
        the data cannot fill is NaN.
    """
    by = _check_by(by)
    data = need_table(
        interactions, "interactions", ("customer_id", "date", by), f"experience per {by}"
    )
    if "satisfaction" in data.columns:
        out = satisfaction_by(data, by)
    else:
        grouped = data.groupby(by, observed=True)
        out = pd.DataFrame({"contacts": grouped.size(), "rated": 0, "satisfaction": np.nan})
        out["resolution_rate"] = (
            grouped["resolved"].apply(lambda s: s.astype("boolean").mean())
            if "resolved" in data.columns
            else np.nan
        )
    out["resolution_rate"] = out["resolution_rate"].astype(float)
    if "process" in data.columns:
        if episodes is None:
            episodes = contact_episodes(data, window_days)
        summary = episode_summary(episodes, by="process" if by == "process" else "first_channel")
        summary.index.name = by
        out = out.join(summary[["episodes", "repeat_rate", "first_contact_resolution"]])
        out["first_contact_resolution"] = out["first_contact_resolution"].astype(float)
    else:
        out[["episodes", "repeat_rate", "first_contact_resolution"]] = np.nan
    if needs is not None and {"customer_id", "nps"} <= set(needs.columns):
        nps = nps_by_contact(needs, data, by)
        out["nps"] = nps["nps"].reindex(out.index.astype(str)).to_numpy(dtype=float)
        out["nps_respondents"] = (
            nps["respondents"].reindex(out.index.astype(str)).fillna(0).to_numpy(dtype=int)
        )
    else:
        out["nps"], out["nps_respondents"] = np.nan, 0
    out.index.name = by
    return out.sort_values("contacts", ascending=False)


def satisfaction_matrix(
    interactions: pd.DataFrame,
    *,
    rows: str = "process",
    columns: str = "channel",
    min_rated: int = 5,
) -> pd.DataFrame:
    """Mean satisfaction per process and channel (the touchpoints a process runs through).

    Parameters
    ----------
    min_rated : int, default 5
        Cells with fewer scores are left empty (NaN): a mean of two scores says little.

    Returns
    -------
    DataFrame
        Rows: processes; columns: channels; values: mean satisfaction (1-5).
    """
    data = need_table(
        interactions, "interactions", (rows, columns, "satisfaction"), "the satisfaction matrix"
    )
    table = satisfaction_by(data, [rows, columns])
    means = table["satisfaction"].unstack(columns)
    rated = table["rated"].unstack(columns).fillna(0).astype(int)
    return means.where(rated >= min_rated)


def repeat_contacts(
    interactions: pd.DataFrame,
    channels: pd.DataFrame | None = None,
    *,
    window_days: int = 14,
    start=None,
    end=None,
    episodes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Repeat contacts per process: how often, at what cost, with what satisfaction.

    An episode (one customer, one process, contacts no more than ``window_days``
    apart) that takes more than one contact is a repeat episode; every contact after
    the first is an *extra* contact, a sign the first did not settle it.

    Parameters
    ----------
    channels : DataFrame, optional
        Channels with ``cost_per_contact``, for ``extra_cost``.
    start, end : date-like, optional
        Count episodes that start after ``start`` up to and including ``end``.
    episodes : DataFrame, optional
        :func:`crmlib.analytics.contacts.contact_episodes` of ``interactions`` with the
        same ``window_days``, when already computed.

    Returns
    -------
    DataFrame
        Indexed by process, most extra contacts first, ``"all"`` last: ``episodes``,
        ``repeat_episodes``, ``repeat_rate``, ``extra_contacts``, ``extra_cost`` (NaN
        without channels), ``satisfaction_single`` and ``satisfaction_repeat`` (mean
        satisfaction of the contacts in one-contact and in repeat episodes; NaN
        without satisfaction scores).
    """
    data = need_table(
        interactions,
        "interactions",
        ("customer_id", "date", "channel", "process"),
        "repeat contacts",
    )
    if episodes is None:
        episodes = contact_episodes(data, window_days)
    keep = np.ones(len(episodes), dtype=bool)
    if start is not None:
        keep &= (episodes["start"] > pd.Timestamp(start)).to_numpy(dtype=bool)
    if end is not None:
        keep &= (episodes["start"] <= pd.Timestamp(end)).to_numpy(dtype=bool)
    repeated = episodes["repeat"].to_numpy(dtype=bool)
    episodes = episodes.assign(episode=np.arange(len(episodes)))[keep]
    if episodes.empty:
        raise MissingDataError(translate("repeat contacts needs contacts in the period"))
    # each contact's episode, read from the thread order the episodes are formed from
    order = thread_order(data, window_days, "repeat contacts")
    episode_of = order.episode
    counted = keep[episode_of]
    rows, episode_of = order.rows[counted], episode_of[counted]
    # in date order (then row), as the contacts' costs and scores have always been added
    by_date = np.lexsort((rows, contact_dates(data).to_numpy()[rows]))
    columns = [c for c in ("channel", "satisfaction") if c in data.columns]
    matched = data[columns].take(rows[by_date]).reset_index(drop=True)
    matched["episode"] = episode_of[by_date]
    matched["repeat"] = repeated[episode_of[by_date]]
    if channels is not None and {"channel", "cost_per_contact"} <= set(channels.columns):
        rate = (
            channels.assign(channel=channels["channel"].astype(str).str.strip())
            .drop_duplicates("channel")
            .set_index("channel")["cost_per_contact"]
            .astype(float)
        )
        matched["cost"] = matched["channel"].astype(str).str.strip().map(rate).to_numpy(dtype=float)
        per_episode = matched.groupby("episode")["cost"].sum()
        first_cost = (
            episodes.set_index("episode")["first_channel"].astype(str).str.strip().map(rate)
        )
        episodes["extra_cost"] = (
            per_episode.reindex(episodes["episode"]) - first_cost.reindex(episodes["episode"])
        ).to_numpy(dtype=float)
    else:
        episodes["extra_cost"] = np.nan
    has_scores = "satisfaction" in matched.columns
    frames = [*episodes.groupby("process", sort=True), ("all", episodes)]
    rows = {}
    for name, part in frames:
        contacts = matched[matched["episode"].isin(part["episode"]).to_numpy(dtype=bool)]
        repeat = contacts["repeat"].astype(bool).to_numpy()
        score = contacts["satisfaction"].astype(float) if has_scores else None
        rows[str(name)] = {
            "episodes": len(part),
            "repeat_episodes": int(part["repeat"].sum()),
            "extra_contacts": int((part["contacts"] - 1).sum()),
            "extra_cost": float(part["extra_cost"].sum(min_count=1)),
            "satisfaction_single": float(score[~repeat].mean()) if has_scores else np.nan,
            "satisfaction_repeat": float(score[repeat].mean()) if has_scores else np.nan,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.insert(2, "repeat_rate", out["repeat_episodes"] / out["episodes"])
    for column in ("episodes", "repeat_episodes", "extra_contacts"):
        out[column] = out[column].astype(int)
    body = out.drop(index="all").sort_values("extra_contacts", ascending=False, kind="mergesort")
    out = pd.concat([body, out.loc[["all"]]])
    out.index.name = "process"
    return out

"""Campaign response: which offers and channels worked, for whom, and how sure we are.

IDIC's *Interact* phase asks to learn from every interaction, so each is better than
the last. The campaigns table (one row per offer sent to a customer, with
``responded`` and the ``revenue`` of the response) is the company's record of what it
tried. Three cautions shape this module:

- **Small samples.** A response rate over 25 sends is mostly noise. Every rate comes
  with a Wilson score interval (Wilson 1927), and a group only counts as above or
  below its segment's average when the interval excludes that average
  (:func:`response_lessons`).
- **Ranking by a noisy rate picks the lucky.** To choose the best offer or channel,
  rates are smoothed toward the segment's average with ``prior_strength``
  pseudo-sends (the beta-binomial, empirical-Bayes estimate): a rate over few sends
  moves toward the average, a rate over many stays close to what was measured.
- **Channel and offer can coincide.** When every campaign used one channel, a
  channel's rate also carries its campaigns' offers (:func:`channel_follows_campaign`).

Functions take DataFrames (the tables of :class:`crmlib.data.company.Company`) and
never change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from crmlib.errors import MissingDataError, ParameterError
from crmlib.text import translate
from crmlib.text_columns import mapped

#: The verdicts of :func:`response_lessons`.
VERDICTS = ("above", "below", "in line", "too few sent")


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a proportion, for arrays of counts.

    Parameters
    ----------
    successes, trials : array-like
        Responses and sends (trials of 0 give NaN bounds).
    confidence : float, default 0.95
        Between 0 and 1.

    Returns
    -------
    (low, high) : tuple of ndarray
    """
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1, got {confidence}")
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    # the standard library's normal quantile: scipy.stats costs about half a second to import
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def _campaigns(campaigns: pd.DataFrame | None, columns: Sequence[str], what: str) -> pd.DataFrame:
    if campaigns is None:
        raise MissingDataError(
            translate("{step} needs the campaigns table (offers sent and answered)").format(
                step=translate(what)
            )
        )
    missing = [c for c in ("customer_id", "responded", *columns) if c not in campaigns.columns]
    if missing:
        raise MissingDataError(
            translate("{step} needs the column(s) {names} in {table}").format(
                step=translate(what), names=", ".join(missing), table="campaigns"
            )
        )
    return campaigns


def _with_segment(campaigns: pd.DataFrame, segments: pd.Series | None) -> pd.DataFrame:
    data = pd.DataFrame(
        {
            "responded": campaigns["responded"]
            .astype("boolean")
            .fillna(False)
            .to_numpy(dtype=bool),
            "revenue": pd.to_numeric(campaigns["revenue"], errors="coerce").fillna(0.0).to_numpy()
            if "revenue" in campaigns.columns
            else np.zeros(len(campaigns)),
        },
        index=campaigns.index,
    )
    if segments is None:
        data["segment"] = "all"
    else:
        labels = segments.copy()
        labels.index = labels.index.astype(str)
        segment = mapped(campaigns["customer_id"].astype(str), labels)
        data["segment"] = pd.Series(segment, index=campaigns.index).fillna("unassigned")
    return data


def response_rates(
    campaigns: pd.DataFrame,
    by: str | Sequence[str] = "offer",
    *,
    segments: pd.Series | None = None,
    prior_strength: float = 20.0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Sends, responses and response rate per group, with its interval and smoothed rate.

    Parameters
    ----------
    campaigns : DataFrame
        With ``customer_id``, ``responded``, the ``by`` columns and, when present,
        ``revenue``.
    by : str or list of str, default "offer"
        The columns to group by (e.g. "offer", "channel", "campaign_id"); an empty
        list gives one row per segment.
    segments : Series, optional
        A segment per customer id; sends to customers without one count under
        "unassigned". Without it every send is in segment "all".
    prior_strength : float, default 20
        Pseudo-sends at the segment's average rate in the smoothed rate.
    confidence : float, default 0.95
        Of the Wilson interval.

    Returns
    -------
    DataFrame
        Indexed by ``segment`` and the ``by`` columns: ``sent``, ``responses``,
        ``response_rate``, ``ci_low``, ``ci_high``, ``smoothed_rate``,
        ``segment_rate`` (the segment's average over all its sends), ``revenue``,
        ``revenue_per_response`` (NaN without responses) and ``revenue_per_send``.
    """
    if prior_strength < 0:
        raise ParameterError(f"prior_strength must be zero or more, got {prior_strength}")
    keys = [by] if isinstance(by, str) else list(by)
    _campaigns(campaigns, keys, "response rates")
    data = _with_segment(campaigns, segments)
    for key in keys:
        data[key] = campaigns[key].astype(object).fillna("(none)").to_numpy()
    grouped = data.groupby(["segment", *keys], sort=True)
    out = pd.DataFrame(
        {
            "sent": grouped.size(),
            "responses": grouped["responded"].sum().astype(np.int64),
            "revenue": grouped["revenue"].sum(),
        }
    )
    segment = data.groupby("segment")["responded"].agg(["sum", "size"])
    segment_rate = (segment["sum"] / segment["size"]).reindex(out.index.get_level_values("segment"))
    out["response_rate"] = out["responses"] / out["sent"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["responses"], out["sent"], confidence)
    out["segment_rate"] = segment_rate.to_numpy()
    out["smoothed_rate"] = (out["responses"] + prior_strength * out["segment_rate"]) / (
        out["sent"] + prior_strength
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["revenue_per_response"] = np.where(
            out["responses"] > 0, out["revenue"] / out["responses"], np.nan
        )
    out["revenue_per_send"] = out["revenue"] / out["sent"]
    columns = [
        "sent",
        "responses",
        "response_rate",
        "ci_low",
        "ci_high",
        "smoothed_rate",
        "segment_rate",
        "revenue",
        "revenue_per_response",
        "revenue_per_send",
    ]
    return out[columns]


def response_lessons(
    campaigns: pd.DataFrame,
    by: str = "offer",
    *,
    segments: pd.Series | None = None,
    confidence: float = 0.95,
    min_sent: int = 30,
) -> pd.DataFrame:
    """Which offers (or channels) did better or worse than the segment's average.

    A group is "above" when its whole Wilson interval lies above its segment's average
    response rate, "below" when it lies below, "in line" otherwise, and "too few sent"
    under ``min_sent`` sends, whatever its rate.

    Returns
    -------
    DataFrame
        One row per segment and group: ``segment``, ``by``, ``sent``, ``responses``,
        ``response_rate``, ``ci_low``, ``ci_high``, ``segment_rate``,
        ``difference`` (rate minus segment rate, in shares) and ``verdict``; sorted by
        segment and then difference, highest first.
    """
    if int(min_sent) != min_sent or min_sent < 1:
        raise ParameterError(f"min_sent must be a whole number above 0, got {min_sent}")
    rates = response_rates(campaigns, by, segments=segments, confidence=confidence)
    out = rates.reset_index()
    out["difference"] = out["response_rate"] - out["segment_rate"]
    verdict = np.select(
        [
            out["sent"].to_numpy() < min_sent,
            out["ci_low"].to_numpy() > out["segment_rate"].to_numpy(),
            out["ci_high"].to_numpy() < out["segment_rate"].to_numpy(),
        ],
        ["too few sent", "above", "below"],
        "in line",
    )
    out["verdict"] = verdict
    out = out.sort_values(["segment", "difference"], ascending=[True, False], kind="mergesort")
    columns = [
        "segment",
        by,
        "sent",
        "responses",
        "response_rate",
        "ci_low",
        "ci_high",
        "segment_rate",
        "difference",
        "verdict",
    ]
    return out[columns].reset_index(drop=True)


def best_offers(
    campaigns: pd.DataFrame,
    by: str = "offer",
    *,
    segments: pd.Series | None = None,
    prior_strength: float = 20.0,
) -> pd.DataFrame:
    """Per segment, the offer (or channel) with the highest smoothed response rate.

    Returns
    -------
    DataFrame
        Indexed by segment: ``by``, ``sent``, ``responses``, ``response_rate``,
        ``smoothed_rate``, ``segment_rate`` and ``revenue_per_response``.
    """
    rates = response_rates(campaigns, by, segments=segments, prior_strength=prior_strength)
    table = rates.reset_index()
    table = table.sort_values(
        ["segment", "smoothed_rate", "sent"], ascending=[True, False, False], kind="mergesort"
    )
    best = table.groupby("segment", sort=True).head(1).set_index("segment")
    columns = [
        by,
        "sent",
        "responses",
        "response_rate",
        "smoothed_rate",
        "segment_rate",
        "revenue_per_response",
    ]
    return best[columns]


def channel_follows_campaign(campaigns: pd.DataFrame) -> bool:
    """Whether every campaign went out through one channel only.

    Then the response of a channel cannot be told apart from that of the offers sent
    through it: a channel comparison is also an offer comparison.
    """
    if not {"campaign_id", "channel"} <= set(campaigns.columns):
        return False
    return bool((campaigns.groupby("campaign_id")["channel"].nunique() <= 1).all())


def channel_effectiveness(
    campaigns: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    *,
    segments: pd.Series | None = None,
    prior_strength: float = 20.0,
) -> pd.DataFrame:
    """Per segment and channel: how much it is used, what it costs, how well it responds.

    Parameters
    ----------
    campaigns : DataFrame, optional
        With ``customer_id``, ``channel`` and ``responded``: the response per channel.
    interactions : DataFrame, optional
        With ``customer_id`` and ``channel``: the share of the segment's contacts.
    channels : DataFrame, optional
        ``channel`` and ``cost_per_contact``.
    segments : Series, optional
        A segment per customer id; without it one segment "all".
    prior_strength : float, default 20
        See :func:`response_rates`.

    Returns
    -------
    DataFrame
        Indexed by ``segment`` and ``channel`` (every channel seen in interactions or
        campaigns): ``contact_share`` (0 when the segment never used it, NaN without
        interactions), ``cost_per_contact`` (NaN when unknown), ``sent``,
        ``response_rate``, ``smoothed_rate`` (NaN for channels no campaign used) and
        ``cost_per_response`` (cost per contact / smoothed rate).

    Raises
    ------
    MissingDataError
        When neither campaigns with a channel nor interactions are given.
    """
    has_campaigns = campaigns is not None and {"channel", "responded", "customer_id"} <= set(
        campaigns.columns
    )
    has_contacts = interactions is not None and {"channel", "customer_id"} <= set(
        interactions.columns
    )
    if not (has_campaigns or has_contacts):
        raise MissingDataError(
            translate(
                "channel effectiveness needs the interactions table, or campaigns with a channel"
            )
        )
    labels = None
    if segments is not None:
        labels = segments.copy()
        labels.index = labels.index.astype(str)
    parts = []
    if has_contacts:
        group = (
            pd.Series(
                mapped(interactions["customer_id"].astype(str), labels), index=interactions.index
            ).fillna("unassigned")
            if labels is not None
            else pd.Series("all", index=interactions.index)
        )
        mix = pd.crosstab(group.to_numpy(), interactions["channel"].astype(str).to_numpy())
        share = mix.div(mix.sum(axis=1), axis=0).stack()
        share.index.names = ["segment", "channel"]
        parts.append(share.rename("contact_share"))
    if has_campaigns:
        rates = response_rates(
            campaigns.assign(channel=campaigns["channel"].astype(str)),
            "channel",
            segments=labels,
            prior_strength=prior_strength,
        )
        parts.append(rates[["sent", "response_rate", "smoothed_rate"]])
    out = pd.concat(parts, axis=1).sort_index()
    if has_contacts:
        out["contact_share"] = out["contact_share"].fillna(0.0)
    else:
        out["contact_share"] = np.nan
    for column in ("sent", "response_rate", "smoothed_rate"):
        if column not in out.columns:
            out[column] = np.nan
    out["sent"] = out["sent"].fillna(0).astype(np.int64)
    if channels is not None and {"channel", "cost_per_contact"} <= set(channels.columns):
        cost = pd.Series(
            pd.to_numeric(channels["cost_per_contact"], errors="coerce").to_numpy(),
            index=channels["channel"].astype(str).str.strip(),
        )
        cost = cost[~cost.index.duplicated()]
        out["cost_per_contact"] = cost.reindex(out.index.get_level_values("channel")).to_numpy()
    else:
        out["cost_per_contact"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_response"] = out["cost_per_contact"] / out["smoothed_rate"]
    out.index.names = ["segment", "channel"]
    columns = [
        "contact_share",
        "cost_per_contact",
        "sent",
        "response_rate",
        "smoothed_rate",
        "cost_per_response",
    ]
    return out[columns]

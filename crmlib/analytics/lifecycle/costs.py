"""Contact costs and campaign response: what serving customers costs, and who responds.

- **Efficiency.** The cost to serve: each contact costs its channel's
  ``cost_per_contact``, summed per channel and per segment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import MissingDataError
from crmlib.text import translate


def _contacts_in(interactions: pd.DataFrame, start, end) -> pd.DataFrame:
    data = interactions
    if "date" in data.columns:
        keep = np.ones(len(data), dtype=bool)
        if start is not None:
            keep &= (data["date"] > pd.Timestamp(start)).to_numpy(dtype=bool)
        if end is not None:
            keep &= (data["date"] <= pd.Timestamp(end)).to_numpy(dtype=bool)
        data = data[keep]
    return data


def channel_costs(
    interactions: pd.DataFrame, channels: pd.DataFrame, *, start=None, end=None
) -> pd.DataFrame:
    """The cost to serve per channel: contacts times the channel's cost per contact.

    Parameters
    ----------
    start, end : date-like, optional
        Count contacts after ``start`` up to and including ``end``.

    Returns
    -------
    DataFrame
        Indexed by channel, most costly first: ``contacts``, ``customers`` (served in
        the channel), ``cost_per_contact``, ``cost`` and ``cost_share``.

    Raises
    ------
    DataValidationError
        When a contact's channel has no cost (see
        :func:`crmlib.analytics.profitability.cost_to_serve`).
    """
    from crmlib.analytics.profitability import cost_to_serve

    data = _contacts_in(interactions, start, end)
    cost_to_serve(data, channels)  # checks every channel has a cost, naming the rows if not
    rate = (
        channels.assign(channel=channels["channel"].astype(str).str.strip())
        .drop_duplicates("channel")
        .set_index("channel")["cost_per_contact"]
        .astype(float)
    )
    used = data["channel"].astype(str).str.strip()
    grouped = data.groupby(used.to_numpy())
    out = pd.DataFrame({"contacts": grouped.size(), "customers": grouped["customer_id"].nunique()})
    out["cost_per_contact"] = out.index.map(rate).astype(float)
    out["cost"] = out["contacts"] * out["cost_per_contact"]
    total = out["cost"].sum()
    out["cost_share"] = out["cost"] / total if total > 0 else np.nan
    out.index.name = "channel"
    return out.sort_values("cost", ascending=False)


def segment_costs(
    interactions: pd.DataFrame,
    channels: pd.DataFrame,
    segments: pd.Series,
    *,
    margin: pd.Series | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """The cost to serve per segment, against the margin the segment brings.

    Parameters
    ----------
    segments : Series
        A segment for every customer to count (indexed by customer_id); customers
        without contacts count with a cost of 0.
    margin : Series, optional
        The gross margin per customer over the same period, for ``cost_to_margin``.

    Returns
    -------
    DataFrame
        Indexed by segment, ``"all"`` last: ``customers``, ``contacts``,
        ``contacts_per_customer``, ``cost``, ``cost_per_customer`` and, with
        ``margin``, ``margin_per_customer`` and ``cost_to_margin`` (cost over margin).
    """
    from crmlib.analytics.profitability import cost_to_serve

    data = _contacts_in(interactions, start, end)
    served = cost_to_serve(data, channels).reindex(segments.index, fill_value=0)
    frame = served.assign(segment=segments.astype(object).fillna("unassigned").to_numpy())
    if margin is not None:
        frame["margin"] = margin.reindex(segments.index).fillna(0.0).to_numpy(dtype=float)
    rows = [*frame.groupby("segment", sort=True), ("all", frame)]
    out = pd.DataFrame(
        {
            name: {
                "customers": len(part),
                "contacts": int(part["n_contacts"].sum()),
                "cost": float(part["cost_to_serve"].sum()),
                **({"margin": float(part["margin"].sum())} if margin is not None else {}),
            }
            for name, part in rows
        }
    ).T
    out["customers"] = out["customers"].astype(int)
    out["contacts"] = out["contacts"].astype(int)
    out.insert(2, "contacts_per_customer", out["contacts"] / out["customers"])
    out["cost_per_customer"] = out["cost"] / out["customers"]
    if margin is not None:
        out["margin_per_customer"] = out.pop("margin") / out["customers"]
        out["cost_to_margin"] = out["cost_per_customer"] / out["margin_per_customer"].where(
            out["margin_per_customer"] > 0
        )
    out.index.name = "segment"
    return out


def campaign_response(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Response per campaign, in the order sent: how ready customers are to act on an offer.

    Returns
    -------
    DataFrame
        Indexed by campaign_id: ``sent_date`` (the first, when known), ``offer``
        (when known), ``sent``, ``responses``, ``response_rate`` and ``revenue``
        (when known).

    Raises
    ------
    MissingDataError
        Without a campaigns table with campaign_id and responded.
    """
    if campaigns is None or not {"campaign_id", "responded"} <= set(campaigns.columns):
        raise MissingDataError(
            translate("campaign response needs the campaigns table with responded")
        )
    data = campaigns.assign(responded=campaigns["responded"].astype("boolean").fillna(False))
    grouped = data.groupby("campaign_id", sort=False)
    out = pd.DataFrame({"sent": grouped.size(), "responses": grouped["responded"].sum()})
    out["responses"] = out["responses"].astype(int)
    out["response_rate"] = out["responses"] / out["sent"]
    if "revenue" in data.columns:
        out["revenue"] = grouped["revenue"].sum().astype(float)
    if "offer" in data.columns:
        out.insert(0, "offer", grouped["offer"].first())
    if "sent_date" in data.columns:
        out.insert(0, "sent_date", grouped["sent_date"].min())
        out = out.sort_values("sent_date", kind="mergesort")
    return out

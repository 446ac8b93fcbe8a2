"""Orchestration: is the customer treated as one, across five dimensions?

Customer IDOL's *Orchestration* synchronises the treatment of a customer across
distribution channels, customer processes, contact moments, products and related
customers. Each dimension has a check here that finds concrete mismatches in the
company's data:

===================  =========================================  ==============================
dimension            checked                                    mismatch
===================  =========================================  ==============================
channels             handovers: a contact in another channel    the question was still not
                     than the previous contact of the same      settled in the new channel: the
                     episode                                    history did not follow
customer processes   open issues (billing, warranty,            a sales push (campaign offer or
                     complaint, ...: every process but sales    outbound sales contact) while
                     and information requests)                  the issue was open
contact moments      contact episodes                           more than one contact about the
                                                                same question (a repeat)
products             campaign offers for a product category     the customer bought that
                                                                category just before, or
                                                                returned it
related customers    households and accounts (``related_id``)   a top customer and a
                     with two or more members                   loss-making one in one group
===================  =========================================  ==============================

Episodes follow :func:`crmlib.analytics.contacts.contact_episodes`: the contacts of
one customer about one process with no gap over ``window_days``. The checks are this
workbook's operationalisation of the five dimensions; the source names the dimensions
and the example of a top customer whose partner is loss-making, not the measures.

Functions take DataFrames (the company's tables), never change them, and return
DataFrames with documented columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlib.analytics.checks import need_table
from crmlib.analytics.contacts import channel_handovers as contact_handovers
from crmlib.analytics.contacts import thread_order
from crmlib.data.frames_engine import engine_table, kept, run, small_table
from crmlib.errors import MissingDataError, ParameterError
from crmlib.text import translate
from crmlib.text_columns import as_objects, isin

#: The five synchronisation dimensions, in the order of the source.
DIMENSIONS = ("channels", "customer processes", "contact moments", "products", "customers")

#: Processes that are a sale rather than a service issue.
SALES_PROCESSES = ("sales",)

#: Processes that are no problem to be solved: a push during one of them is no clash.
ROUTINE_PROCESSES = ("sales", "information")

#: Recipients must be this many times as likely (in odds) as other buyers to have bought
#: a category before, for an offer to be read as an offer for that category.
MIN_ODDS_RATIO = 1.5


def _flags(values: pd.Series) -> np.ndarray:
    """A boolean column as float: 1.0, 0.0 or NaN when unknown."""
    return values.astype("boolean").to_numpy(dtype=float, na_value=np.nan)


def _text(values: pd.Series) -> np.ndarray:
    """The values as Python objects, None where missing.

    One Python string per distinct value (:func:`crmlib.text_columns.as_objects`), not
    one per row: ten million purchase lines name a million customers.
    """
    out = as_objects(values)
    missing = values.isna().to_numpy(dtype=bool)
    if missing.any():
        # as_objects may hand back an object column's own array: write to a copy
        out = out.copy()
        out[missing] = None
    return out


def contact_threads(interactions: pd.DataFrame, window_days: int = 14) -> pd.DataFrame:
    """Every contact with its episode and its place in it.

    The episodes are those of :func:`crmlib.analytics.contacts.contact_episodes` (same
    sorting, same gap rule), numbered in that order.

    Parameters
    ----------
    interactions : DataFrame
        With customer_id, date, channel and process; ``resolved`` and ``direction``
        are kept when present.
    window_days : int, default 14
        The largest gap between two contacts of one episode.

    Returns
    -------
    DataFrame
        One row per contact: ``customer_id``, ``process``, ``date``, ``channel``,
        ``resolved`` (float 1/0, NaN when unknown), ``direction`` (missing when not recorded),
        ``episode`` (0, 1, ...), ``position`` (0 for the first contact of its
        episode), ``previous_channel`` (missing for a first contact) and ``last`` (the
        episode's last contact).
    """
    order = thread_order(interactions, window_days, "the orchestration checks")
    columns = ["customer_id", "process", "date", "channel", "resolved", "direction"]
    data = interactions[[c for c in columns if c in interactions.columns]].take(order.rows)
    customer = _text(data["customer_id"])
    process = _text(data["process"])
    channel = _text(data["channel"])
    # same[i]: contact i continues the episode of contact i - 1
    same = ~order.begins
    episode = order.episode
    start = np.flatnonzero(order.begins)
    position = np.arange(len(data)) - start[episode] if len(data) else np.zeros(0, dtype=int)
    previous = np.empty(len(data), dtype=object)
    previous[:] = None
    previous[1:][same[1:]] = channel[:-1][same[1:]]
    last = ~order.followed
    return pd.DataFrame(
        {
            "customer_id": customer,
            "process": process,
            "date": data["date"].to_numpy(),
            "channel": channel,
            "resolved": _flags(data["resolved"])
            if "resolved" in data.columns
            else np.full(len(data), np.nan),
            "direction": _text(data["direction"])
            if "direction" in data.columns
            else np.full(len(data), None, dtype=object),
            "episode": episode.astype(np.int64),
            "position": position.astype(np.int64),
            "previous_channel": previous,
            "last": last,
        }
    )


# -- channels ------------------------------------------------------------------------


def channel_handovers(
    interactions: pd.DataFrame, window_days: int = 14, *, until=None
) -> pd.DataFrame:
    """Contacts where an episode moved to another channel, and whether the history followed.

    The handovers and their outcome are :func:`crmlib.analytics.contacts.channel_handovers`
    (one definition, which Payne & Frow's continuity reads too): the history *did not
    follow* (``history_lost``) when the new channel did not continue the case, that is
    the customer had to contact the company again about it, or its contact did not
    resolve the question. A handover too close to ``until`` to tell is not counted as
    lost (``history_known`` false).

    Returns
    -------
    DataFrame
        One row per handover: ``customer_id``, ``process``, ``date``,
        ``from_channel``, ``to_channel``, ``history_lost`` (bool) and ``history_known``
        (bool).
    """
    moves = contact_handovers(interactions, window_days, until=until)
    continued = moves["continued"]
    known = continued.notna().to_numpy(dtype=bool)
    out = moves[["customer_id", "process", "date", "from_channel", "to_channel"]].copy()
    out["history_lost"] = known & ~continued.fillna(True).to_numpy(dtype=bool)
    out["history_known"] = known
    return out.reset_index(drop=True)


def _known_handovers(handovers: pd.DataFrame) -> tuple[int, int]:
    """(handovers whose outcome is known, of them the ones where the history was lost)."""
    known = handovers["history_known"].to_numpy(dtype=bool)
    return int(known.sum()), int(handovers["history_lost"].to_numpy(dtype=bool)[known].sum())


def handover_matrix(handovers: pd.DataFrame) -> pd.DataFrame:
    """Handovers per pair of channels and the share where the history did not follow.

    Returns
    -------
    DataFrame
        One row per (``from_channel``, ``to_channel``) pair that occurs:
        ``handovers``, ``lost`` and ``lost_rate``, most handovers first.
    """
    grouped = handovers.groupby(["from_channel", "to_channel"], observed=True)
    out = pd.DataFrame(
        {
            "handovers": grouped.size(),
            "lost": grouped["history_lost"].sum().astype(np.int64),
            "known": grouped["history_known"].sum().astype(np.int64),
        }
    )
    # of the handovers whose outcome is known (one near the data's end is not yet)
    out["lost_rate"] = (out["lost"] / out["known"]).where(out["known"] > 0)
    out = out.drop(columns="known")
    return out.sort_values("handovers", ascending=False).reset_index()


def channels_per_customer(interactions: pd.DataFrame) -> pd.Series:
    """The number of distinct contact channels each contacted customer used."""
    data = need_table(
        interactions, "interactions", ("customer_id", "channel"), "channels per customer"
    )
    return data.dropna(subset=["customer_id"]).groupby("customer_id")["channel"].nunique()


# -- customer processes -----------------------------------------------------------------


def process_episodes(interactions: pd.DataFrame, window_days: int = 14) -> pd.DataFrame:
    """Every episode with the days it stayed open and whether it was resolved.

    An episode opens with its first contact. It closes at its first resolved contact;
    one never resolved stays open ``window_days`` after its last contact (the
    customer may still come back about it). Where resolution is not recorded, it
    closes at its last contact.

    Returns
    -------
    DataFrame
        One row per episode: ``customer_id``, ``process``, ``episode``, ``opened``,
        ``closed``, ``contacts`` and ``resolved`` (float 1/0, NaN when unknown).
    """
    threads = contact_threads(interactions, window_days)
    grouped = threads.groupby("episode", sort=True)
    resolved_at = threads[threads["resolved"] == 1].groupby("episode")["date"].min()
    known = threads["resolved"].notna().groupby(threads["episode"]).any().to_numpy(dtype=bool)
    out = pd.DataFrame(
        {
            "customer_id": grouped["customer_id"].first(),
            "process": grouped["process"].first(),
            "opened": grouped["date"].min(),
            "last_contact": grouped["date"].max(),
            "contacts": grouped.size(),
        }
    )
    out["resolved"] = np.where(known, isin(out.index, resolved_at.index).astype(float), np.nan)
    closed = (out["last_contact"] + pd.Timedelta(days=window_days)).where(
        known, out["last_contact"]
    )
    closed.loc[resolved_at.index] = resolved_at
    out["closed"] = closed
    out = out.reset_index()
    return out[["customer_id", "process", "episode", "opened", "closed", "contacts", "resolved"]]


def open_issues(
    interactions: pd.DataFrame,
    window_days: int = 14,
    routine_processes: Sequence[str] = ROUTINE_PROCESSES,
) -> pd.DataFrame:
    """The episodes about a problem (every process but the routine ones) and when each was open.

    Returns
    -------
    DataFrame
        The rows of :func:`process_episodes` whose process is not in
        ``routine_processes`` (by default sales and information requests).
    """
    episodes = process_episodes(interactions, window_days)
    routine = episodes["process"].isin(list(routine_processes)).to_numpy(dtype=bool)
    return episodes[~routine].reset_index(drop=True)


def sales_pushes(
    interactions: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    sales_processes: Sequence[str] = SALES_PROCESSES,
) -> pd.DataFrame:
    """Every moment the company pushed a sale: campaign offers and outbound sales contacts.

    Returns
    -------
    DataFrame
        ``customer_id``, ``date``, ``push`` ("campaign offer" or "outbound sales
        contact") and ``detail`` (the campaign and its offer, or the channel).
    """
    frames = []
    if campaigns is not None and {"customer_id", "sent_date"} <= set(campaigns.columns):
        sent = campaigns.dropna(subset=["customer_id", "sent_date"])
        offer = sent["offer"] if "offer" in sent.columns else pd.Series("", index=sent.index)
        label = sent["campaign_id"].astype(str) if "campaign_id" in sent.columns else "campaign"
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": _text(sent["customer_id"]),
                    "date": sent["sent_date"].to_numpy(),
                    "push": "campaign offer",
                    "detail": (label + ": " + offer.astype(str)).to_numpy(dtype=object),
                }
            )
        )
    if interactions is not None and {"customer_id", "date", "process", "direction"} <= set(
        interactions.columns
    ):
        outbound = interactions["direction"].astype("string").str.lower().eq("outbound")
        sale = interactions["process"].isin(list(sales_processes))
        pushed = interactions[(outbound & sale).to_numpy(dtype=bool, na_value=False)]
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": _text(pushed["customer_id"]),
                    "date": pushed["date"].to_numpy(),
                    "push": "outbound sales contact",
                    "detail": _text(pushed["channel"]),
                }
            )
        )
    if not frames:
        raise MissingDataError(
            translate(
                "the check of sales pushes needs the campaigns table (customer_id, sent_date) or "
                "interactions with direction and process"
            )
        )
    return pd.concat(frames, ignore_index=True)


def pushes_during_open_issues(issues: pd.DataFrame, pushes: pd.DataFrame) -> pd.DataFrame:
    """Sales pushes that reached a customer while one of their problem episodes was open.

    Parameters
    ----------
    issues : DataFrame
        From :func:`open_issues`.
    pushes : DataFrame
        From :func:`sales_pushes`.

    Returns
    -------
    DataFrame
        One row per push and open issue: ``customer_id``, ``date`` (of the push),
        ``push``, ``detail``, ``process`` (of the issue), ``episode``, ``opened``,
        ``closed``; sorted by date.
    """
    columns = ["customer_id", "date", "push", "detail", "process", "episode", "opened", "closed"]
    if issues.empty or pushes.empty:
        return pd.DataFrame(columns=columns)
    pairs = pushes.merge(issues, on="customer_id", how="inner")
    inside = (pairs["date"] >= pairs["opened"]) & (pairs["date"] <= pairs["closed"])
    out = pairs.loc[inside.to_numpy(dtype=bool), columns]
    return out.sort_values(["date", "customer_id"], kind="mergesort").reset_index(drop=True)


def process_overview(episodes: pd.DataFrame, conflicts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per customer process: episodes, repeats, the share never resolved, pushes while open.

    Parameters
    ----------
    episodes : DataFrame
        From :func:`process_episodes` (every process).
    conflicts : DataFrame, optional
        From :func:`pushes_during_open_issues`.

    Returns
    -------
    DataFrame
        Indexed by ``process``: ``episodes``, ``repeat_rate`` (more than one contact),
        ``unresolved_rate`` (never resolved; NaN without resolution data),
        ``pushed`` (episodes that got a sales push while open) and ``pushed_rate``;
        most episodes first.
    """
    grouped = episodes.groupby("process")
    out = pd.DataFrame(
        {
            "episodes": grouped.size(),
            "repeat_rate": grouped["contacts"].apply(lambda s: float((s > 1).mean())),
            "unresolved_rate": grouped["resolved"].apply(
                lambda s: float(1 - s.mean()) if s.notna().any() else np.nan
            ),
        }
    )
    if conflicts is None:
        out["pushed"] = 0
    else:
        pushed = conflicts.drop_duplicates("episode").groupby("process").size()
        out["pushed"] = pushed.reindex(out.index, fill_value=0).astype(np.int64)
    out["pushed_rate"] = out["pushed"] / out["episodes"]
    out.index.name = "process"
    return out.sort_values("episodes", ascending=False)


# -- contact moments --------------------------------------------------------------------


def repeat_contacts(
    interactions: pd.DataFrame,
    window_days: int = 14,
    channels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per process: episodes by number of contacts, repeat contacts and what they cost.

    A *repeat contact* is every contact of an episode after its first: the customer
    had to come back about the same question.

    Parameters
    ----------
    channels : DataFrame, optional
        With channel and cost_per_contact, for ``repeat_cost``.

    Returns
    -------
    DataFrame
        Indexed by ``process``: ``episodes``, ``one``, ``two``, ``three_plus``
        (episodes with 1, 2 and 3 or more contacts), ``repeat_rate`` (share of
        episodes with more than one), ``repeat_contacts``, ``median_days_to_repeat``
        and ``repeat_cost`` (NaN without a channels table); most episodes first.
    """
    return thread_repeats(contact_threads(interactions, window_days), channels)


def thread_repeats(threads: pd.DataFrame, channels: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`repeat_contacts` of contacts already in threads (:func:`contact_threads`).

    ``threads`` may be a selection of whole episodes (those that began in a window, say):
    leaving an episode out changes no other, so they need not be formed again.
    """
    sizes = threads.groupby("episode").agg(
        process=("process", "first"), contacts=("position", "size")
    )
    grouped = sizes.groupby("process")["contacts"]
    out = pd.DataFrame(
        {
            "episodes": grouped.size(),
            "one": grouped.apply(lambda s: int((s == 1).sum())),
            "two": grouped.apply(lambda s: int((s == 2).sum())),
            "three_plus": grouped.apply(lambda s: int((s >= 3).sum())),
        }
    )
    out["repeat_rate"] = 1 - out["one"] / out["episodes"]
    repeats = threads[threads["position"] > 0]
    out["repeat_contacts"] = repeats.groupby("process").size().reindex(out.index, fill_value=0)
    gaps = threads["date"].diff().dt.days.where(threads["position"] > 0)
    out["median_days_to_repeat"] = gaps.groupby(threads["process"]).median().reindex(out.index)
    if channels is not None and {"channel", "cost_per_contact"} <= set(channels.columns):
        cost_of = pd.Series(
            pd.to_numeric(channels["cost_per_contact"], errors="coerce").to_numpy(float),
            index=channels["channel"].astype(str),
        )
        cost_of = cost_of[~cost_of.index.duplicated()]
        cost = repeats["channel"].astype(str).map(cost_of).fillna(0.0)
        out["repeat_cost"] = cost.groupby(repeats["process"]).sum().reindex(out.index, fill_value=0)
    else:
        out["repeat_cost"] = np.nan
    out.index.name = "process"
    return out.sort_values("episodes", ascending=False)


# -- products ---------------------------------------------------------------------------


def _categorised_table(transactions: pd.DataFrame, products: pd.DataFrame):
    """The lines with their product's category, as an Ibis table for DuckDB.

    ``customer`` (the id as text), ``date``, ``category`` and ``is_return`` (flagged
    so, or a negative quantity); lines without a customer, a date or a known category
    are left out.
    """
    need_table(
        transactions, "transactions", ("customer_id", "date", "product_id"), "offer conflicts"
    )
    need_table(products, "products", ("product_id", "category"), "offer conflicts")
    catalogue = products.drop_duplicates("product_id")[["product_id", "category"]]
    catalogue = engine_table(catalogue, ["product_id", "category"])
    catalogue = catalogue.select(
        known_product=catalogue.product_id.cast("string"),
        category=catalogue.category.cast("string"),
    )
    flags = [c for c in ("is_return", "quantity") if c in transactions.columns]
    lines = engine_table(transactions, ["customer_id", "date", "product_id", *flags])
    returned = lines.is_return.cast("boolean").fill_null(False) if "is_return" in flags else False
    if "quantity" in flags:
        quantity = lines.quantity.try_cast("float64")
        returned = returned | (quantity < 0).fill_null(False)
    lines = lines.mutate(
        customer=lines.customer_id.cast("string"),
        returned=returned,
        line_product=lines.product_id.cast("string"),
    )
    lines = lines.join(catalogue, lines.line_product == catalogue.known_product)
    lines = lines.filter(lines.customer.notnull() & lines.date.notnull() & lines.category.notnull())
    return lines.select("customer", "date", "category", is_return=lines.returned)


def _conflicting_lines(
    offers: pd.DataFrame,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    recent_days: int,
    return_days: int,
) -> pd.DataFrame:
    """Per offer (its row in ``offers``) that clashes: whether a return of its category
    lies in the ``return_days`` before it (a return outweighs a purchase), and the date
    of the latest such return, else of the latest purchase in the ``recent_days``.

    The offers are joined to the customer's lines of the offer's category by DuckDB; one
    row per conflicting offer comes back, in row order.
    """
    import ibis

    sent = small_table(
        {
            "row": np.arange(len(offers), dtype=np.int64),
            "customer": offers["customer_id"].astype("str").to_numpy(),
            "offer_category": offers["category"].astype("str").to_numpy(),
            "sent": offers["sent_date"].to_numpy(dtype="datetime64[ns]"),
        }
    )
    lines = _categorised_table(transactions, products)
    pairs = sent.join(
        lines, (sent.customer == lines.customer) & (sent.offer_category == lines.category)
    )

    def within(days: int):
        # a whole number of days before the send date, 0 included: as the day count
        # of (sent - date) lies in 0..days
        return (pairs.date <= pairs.sent) & (pairs.date > pairs.sent - ibis.interval(days=days + 1))

    bought = ~pairs.is_return & within(recent_days)
    returned = pairs.is_return & within(return_days)
    pairs = pairs.filter(bought | returned).mutate(returned=returned)
    per_offer = pairs.group_by("row").aggregate(
        returned=pairs.returned.any(),
        last_return=pairs.date.max(where=pairs.returned),
        last_bought=pairs.date.max(where=~pairs.returned),
    )
    out = run(per_offer).sort_values("row", kind="mergesort")
    out["last_date"] = out["last_return"].where(out["returned"], out["last_bought"])
    return out[["row", "returned", "last_date"]].reset_index(drop=True)


def offer_categories(
    campaigns: pd.DataFrame,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    *,
    min_odds_ratio: float = MIN_ODDS_RATIO,
) -> pd.DataFrame:
    """The product category each campaign offered: recorded, or read from its targeting.

    A ``category`` column in the campaigns table is used as given. Otherwise the
    category is inferred from whom the campaign was sent to: for each category,
    the odds that a recipient had bought it before the send date, over the odds for
    the other customers who had bought anything by then. The category with the
    highest odds ratio is the offer's category when that ratio reaches
    ``min_odds_ratio``; a campaign whose recipients lean to no category is a
    *general* offer (a voucher, a win-back) and is not checked against products.

    Returns
    -------
    DataFrame
        One row per campaign: ``campaign_id``, ``offer``, ``sent_date`` (the first),
        ``recipients``, ``category`` (None for a general offer), ``odds_ratio``
        (NaN when recorded) and ``source`` ("recorded", "inferred" or "general").
    """
    need_table(
        campaigns, "campaigns", ("campaign_id", "customer_id", "sent_date"), "offer categories"
    )
    grouped = campaigns.groupby("campaign_id", sort=True)
    info = pd.DataFrame(
        {
            "offer": grouped["offer"].first()
            if "offer" in campaigns.columns
            else pd.Series("", index=grouped.size().index),
            "sent_date": grouped["sent_date"].min(),
            "recipients": grouped["customer_id"].nunique(),
        }
    )
    if "category" in campaigns.columns:
        info["category"] = grouped["category"].first().astype(object)
        info["odds_ratio"] = np.nan
        info["source"] = np.where(info["category"].notna(), "recorded", "general")
        info["category"] = info["category"].where(info["category"].notna(), None)
        return info.reset_index()
    found = _inferred_categories(campaigns, transactions, products, info["sent_date"])
    rows = []
    for campaign_id, ratios in found.items():
        best, ratio = (
            (ratios.idxmax(), float(ratios.max())) if ratios.notna().all() else (None, np.nan)
        )
        rows.append((campaign_id, best if ratio >= min_odds_ratio else None, ratio))
    found = pd.DataFrame(rows, columns=["campaign_id", "category", "odds_ratio"]).set_index(
        "campaign_id"
    )
    info = info.join(found)
    info["category"] = info["category"].astype(object).where(info["category"].notna(), None)
    info["source"] = np.where(info["category"].notna(), "inferred", "general")
    return info.reset_index()


def _inferred_categories(
    campaigns: pd.DataFrame,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    sent: pd.Series,
) -> dict:
    """Per campaign, the odds ratio of each category (sorted), counted by DuckDB.

    The odds that a recipient had bought the category before the send date (their first
    purchase of it lies before that day), over the odds for the other customers who
    had bought anything by then; half a customer is added to each cell, which keeps the
    odds finite for small bases. NaN for every category when the campaign reached no
    such buyer, or every one of them. ``sent`` is each campaign's first send date.

    What comes back from the engine is small: how many customers first bought (a
    category, or anything) on each day, and per campaign and category how many
    recipients had bought it before it was sent.
    """
    import ibis

    lines = _categorised_table(transactions, products)
    bought = lines.filter(~lines.is_return)
    # a few million (customer, category) rows, read by four queries: computed once
    firsts = kept(bought.group_by("customer", "category").aggregate(first=bought.date.min()))
    first_any = kept(firsts.group_by("customer").aggregate(first=firsts["first"].min()))
    # customers by the day they first bought anything, and first bought each category
    any_days = run(first_any.group_by("first").aggregate(n=ibis._.count()))
    category_days = run(firsts.group_by("category", "first").aggregate(n=ibis._.count()))
    names = sorted(category_days["category"].unique())
    days = sent.to_numpy(dtype="datetime64[ns]")

    def before(counts: pd.DataFrame) -> np.ndarray:
        """How many of ``counts`` (a count per first day) come before each send day."""
        counts = counts.sort_values("first")
        total = np.concatenate([[0], np.cumsum(counts["n"].to_numpy(dtype=np.int64))])
        at = np.searchsorted(counts["first"].to_numpy(dtype="datetime64[ns]"), days, side="left")
        return np.where(np.isnat(days), 0, total[at])  # no send date: no one before it

    buyers = before(any_days)
    owners = (
        np.stack(
            [before(category_days[category_days["category"] == name]) for name in names], axis=1
        )
        if names
        else np.zeros((len(days), 0), dtype=np.int64)
    )
    # the recipients (as text) who had bought anything, and each category, before the send
    given = campaigns[["campaign_id", "customer_id"]].dropna()
    recipients = engine_table(given, ["campaign_id", "customer_id"])
    recipients = recipients.select(
        campaign=recipients.campaign_id.cast("string"),
        customer=recipients.customer_id.cast("string"),
    ).distinct()
    send = small_table({"campaign": sent.index.astype(str), "day": days})
    recipients = recipients.join(send, "campaign")
    reached_buyers = recipients.join(first_any, "customer")
    reached_buyers = run(
        reached_buyers.filter(reached_buyers["first"] < reached_buyers.day)
        .group_by("campaign")
        .aggregate(n=ibis._.count())
    )
    reached_owners = recipients.join(firsts, "customer")
    reached_owners = run(
        reached_owners.filter(reached_owners["first"] < reached_owners.day)
        .group_by("campaign", "category")
        .aggregate(n=ibis._.count())
    )
    campaign_ids = sent.index.astype(str)
    recipient_buyers = (
        reached_buyers.set_index("campaign")["n"].reindex(campaign_ids, fill_value=0).to_numpy()
    )
    recipient_owners = (
        reached_owners.pivot(index="campaign", columns="category", values="n")
        .reindex(index=campaign_ids, columns=names)
        .fillna(0)
        .to_numpy(dtype=np.int64)
    )
    out = {}
    for i, campaign_id in enumerate(sent.index):
        n_in, n_out = recipient_buyers[i], buyers[i] - recipient_buyers[i]
        if n_in <= 0 or n_out <= 0 or not names:
            out[campaign_id] = pd.Series(np.nan, index=pd.Index(names, dtype=object))
            continue
        a = recipient_owners[i] + 0.5
        b = n_in - recipient_owners[i] + 0.5
        c = owners[i] - recipient_owners[i] + 0.5
        d = n_out - (owners[i] - recipient_owners[i]) + 0.5
        out[campaign_id] = pd.Series((a / b) / (c / d), index=pd.Index(names, dtype=object))
    return out


def offer_conflicts(
    campaigns: pd.DataFrame,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    *,
    recent_days: int = 30,
    return_days: int = 365,
) -> pd.DataFrame:
    """Offers that clash with what the customer owns: just bought, or returned.

    An offer for a category conflicts with the customer's products when they

    - bought that category in the ``recent_days`` before the offer was sent (the
      discount comes just after they paid full price, or offers what they have); or
    - returned a product of that category in the ``return_days`` before it.

    Parameters
    ----------
    categories : DataFrame, optional
        From :func:`offer_categories`; computed when not given.

    Returns
    -------
    DataFrame
        One row per conflicting offer: ``campaign_id``, ``customer_id``,
        ``sent_date``, ``offer``, ``category``, ``conflict`` ("just bought" or
        "returned"; "returned" wins when both apply), ``last_date`` (of that
        purchase or return) and ``responded`` (when recorded); by send date.
    """
    if recent_days < 0 or return_days < 0:
        raise ParameterError("recent_days and return_days must be zero or more")
    if categories is None:
        categories = offer_categories(campaigns, transactions, products)
    category_of = categories.set_index("campaign_id")["category"]
    offers = campaigns.dropna(subset=["customer_id", "sent_date"])
    offers = pd.DataFrame(
        {
            "campaign_id": _text(offers["campaign_id"]),
            "customer_id": _text(offers["customer_id"]),
            "sent_date": offers["sent_date"].to_numpy(),
            "responded": _flags(offers["responded"]) if "responded" in offers.columns else np.nan,
        }
    )
    offers["category"] = offers["campaign_id"].map(category_of)
    offers = offers.dropna(subset=["category"])
    offers["offer"] = offers["campaign_id"].map(categories.set_index("campaign_id")["offer"])
    hits = _conflicting_lines(offers, transactions, products, recent_days, return_days)
    hits = offers.iloc[hits["row"].to_numpy()].assign(
        conflict=np.where(hits["returned"].to_numpy(dtype=bool), "returned", "just bought"),
        date=hits["last_date"].to_numpy(dtype="datetime64[ns]"),
    )
    out = hits.rename(columns={"date": "last_date"})[
        [
            "campaign_id",
            "customer_id",
            "sent_date",
            "offer",
            "category",
            "conflict",
            "last_date",
            "responded",
        ]
    ]
    return out.sort_values(["sent_date", "customer_id"], kind="mergesort").reset_index(drop=True)


def conflicts_per_campaign(categories: pd.DataFrame, conflicts: pd.DataFrame) -> pd.DataFrame:
    """Per campaign with a category: offers sent and conflicting offers by kind.

    Returns
    -------
    DataFrame
        Indexed by ``campaign_id``: ``category``, ``offers``, ``just_bought``,
        ``returned``, ``conflict_rate``; campaigns in send order.
    """
    checked = categories[categories["category"].notna()].set_index("campaign_id")
    counts = pd.crosstab(conflicts["campaign_id"], conflicts["conflict"])
    out = pd.DataFrame(
        {"category": checked["category"], "offers": checked["recipients"]},
        index=checked.index,
    )
    for kind, column in (("just bought", "just_bought"), ("returned", "returned")):
        values = counts[kind] if kind in counts.columns else pd.Series(dtype=float)
        out[column] = values.reindex(out.index, fill_value=0).astype(np.int64)
    out["conflict_rate"] = (out["just_bought"] + out["returned"]) / out["offers"]
    return out.loc[checked.sort_values("sent_date").index]


# -- related customers ------------------------------------------------------------------


def household_mix(
    customers: pd.DataFrame,
    values: pd.Series,
    top: pd.Series | None = None,
    *,
    top_share: float = 0.2,
) -> pd.DataFrame:
    """Households and accounts (``related_id``) and the spread of value inside them.

    Parameters
    ----------
    customers : DataFrame
        With customer_id and related_id.
    values : Series
        The value of each customer (e.g. profit of the last 12 months), indexed by
        customer_id.
    top : Series of bool, optional
        Which customers are top customers (e.g. the strategically significant ones);
        by default the ``top_share`` of customers with the highest value.

    Returns
    -------
    DataFrame
        One row per group with two or more members: ``related_id``, ``members``,
        ``total_value``, ``best_customer``, ``best_value``, ``worst_customer``,
        ``worst_value``, ``top_members``, ``loss_members`` (value below 0) and
        ``mixed`` (a top member and a loss-making one); mixed groups first, then by
        best value.
    """
    need_table(customers, "customers", ("customer_id", "related_id"), "the household check")
    if not 0 < top_share <= 1:
        raise ParameterError(f"top_share must be above 0 and at most 1, got {top_share}")
    value = pd.to_numeric(values, errors="coerce").astype(float)
    if top is None:
        ranked = value.dropna().sort_values(ascending=False, kind="mergesort")
        chosen = ranked.index[: int(np.ceil(top_share * len(ranked)))]
        top = pd.Series(isin(value.index, chosen) & (value > 0).to_numpy(), index=value.index)
    members = customers.dropna(subset=["customer_id", "related_id"])
    frame = pd.DataFrame(
        {
            "related_id": _text(members["related_id"]),
            "customer_id": _text(members["customer_id"]),
        }
    )
    frame["value"] = frame["customer_id"].map(value).fillna(0.0).astype(float)
    frame["top"] = frame["customer_id"].map(top.astype(bool)).fillna(False).astype(bool)
    sizes = frame.groupby("related_id")["customer_id"].transform("size")
    frame = frame[sizes.to_numpy() >= 2]
    columns = [
        "related_id",
        "members",
        "total_value",
        "best_customer",
        "best_value",
        "worst_customer",
        "worst_value",
        "top_members",
        "loss_members",
        "mixed",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    ordered = frame.sort_values(
        ["related_id", "value", "customer_id"], ascending=[True, False, True]
    )
    ordered = ordered.assign(loss=(ordered["value"] < 0).to_numpy())
    grouped = ordered.groupby("related_id", sort=True)
    out = pd.DataFrame(
        {
            "members": grouped.size(),
            "total_value": grouped["value"].sum(),
            "best_customer": grouped["customer_id"].first(),
            "best_value": grouped["value"].first(),
            "worst_customer": grouped["customer_id"].last(),
            "worst_value": grouped["value"].last(),
            "top_members": grouped["top"].sum().astype(np.int64),
            "loss_members": grouped["loss"].sum().astype(np.int64),
        }
    )
    out["mixed"] = (out["top_members"] > 0) & (out["loss_members"] > 0)
    out = out.reset_index().sort_values(["mixed", "best_value"], ascending=[False, False])
    return out[columns].reset_index(drop=True)


# -- all five ------------------------------------------------------------------------------


def orchestration_scorecard(
    *,
    handovers: pd.DataFrame | None = None,
    issues: pd.DataFrame | None = None,
    pushed: pd.DataFrame | None = None,
    moments: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    conflicts: pd.DataFrame | None = None,
    households: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per dimension: what was checked, the mismatches found and their rate.

    Each argument is the result of the matching check; a dimension whose check could
    not run (None) gets NaN counts.

    Returns
    -------
    DataFrame
        Indexed by ``dimension`` (:data:`DIMENSIONS`): ``checked`` (how many),
        ``unit`` (of what), ``mismatches``, ``rate`` and ``mismatch`` (what counts as
        one).
    """
    rows = {
        "channels": (
            "channel handovers",
            "the history did not follow",
            None if handovers is None else _known_handovers(handovers),
        ),
        "customer processes": (
            "problem episodes",
            "a sales push while the issue was open",
            None
            if issues is None or pushed is None
            else (len(issues), int(pushed["episode"].nunique())),
        ),
        "contact moments": (
            "contact episodes",
            "a repeat contact about the same question",
            None
            if moments is None
            else (
                int(moments["episodes"].sum()),
                int(moments["episodes"].sum() - moments["one"].sum()),
            ),
        ),
        "products": (
            "category offers",
            "an offer for a category just bought or returned",
            None
            if categories is None or conflicts is None
            else (
                int(categories.loc[categories["category"].notna(), "recipients"].sum()),
                len(conflicts),
            ),
        ),
        "customers": (
            "households and accounts",
            "a top customer and a loss-making one treated apart",
            None if households is None else (len(households), int(households["mixed"].sum())),
        ),
    }
    records = []
    for dimension in DIMENSIONS:
        unit, mismatch, found = rows[dimension]
        checked, bad = found if found is not None else (np.nan, np.nan)
        rate = bad / checked if found is not None and checked else np.nan
        records.append(
            {
                "dimension": dimension,
                "checked": checked,
                "unit": unit,
                "mismatches": bad,
                "rate": rate,
                "mismatch": mismatch,
            }
        )
    return pd.DataFrame(records).set_index("dimension")

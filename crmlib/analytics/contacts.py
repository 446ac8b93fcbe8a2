"""Contacts between the company and its customers: frequency, channel mix, episodes.

An *episode* is a run of contacts by one customer about one customer process (a
billing question, a warranty claim) with no more than ``window_days`` between
consecutive contacts. Episodes are how the workbook measures what several models ask:

- Payne & Frow's multichannel integration: customers who hop channels for one process,
  and repeat contacts across channels within N days (the process crossed channels
  without continuity);
- Customer IDOL's orchestration of channels and contact moments;
- QCI's customer experience: repeat contacts and first-contact resolution.

The rule is written once, as an engine expression
(:func:`crmlib.data.line_facts.thread_marks`): the kernel's DuckDB puts a loaded table's
contacts in thread order and marks where each episode begins (:func:`thread_order`), as the
company's database does for the base's counts.

Functions take the interactions table (see :mod:`crmlib.data.schema`) and return
DataFrames with documented columns; they never change their input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.checks import need_table
from crmlib.data.frames_engine import engine_table, run
from crmlib.data.line_facts import stamp, thread_marks
from crmlib.errors import ParameterError
from crmlib.loaded import derived, is_loaded
from crmlib.text_columns import frame_values, mapped


@dataclass(frozen=True)
class ThreadOrder:
    """The contacts in thread order (customer, process, date, then row), with the marks of
    the episode rule (:func:`crmlib.data.line_facts.thread_marks`).

    ``rows`` are the contacts' rows in the interactions (those without a customer,
    process or date left out); ``begins[i]`` says contact ``rows[i]`` begins an episode,
    ``followed[i]`` that the next contact of its thread continues that episode.
    """

    rows: np.ndarray
    begins: np.ndarray
    followed: np.ndarray

    @property
    def episode(self) -> np.ndarray:
        """Each contact's episode (0, 0, 1, 2, 2...): its row in :func:`contact_episodes`."""
        return np.cumsum(self.begins) - 1


def contact_dates(data: pd.DataFrame) -> pd.Series:
    """The contacts' ``date`` column as dates (text dates parsed, unreadable ones NaT):
    the moments the threads are ordered by."""
    when = data["date"]
    if pd.api.types.is_datetime64_any_dtype(when):
        return when
    return pd.to_datetime(when, errors="coerce")


def thread_order(interactions: pd.DataFrame, window_days: int, step: str) -> ThreadOrder:
    """:class:`ThreadOrder` of the interactions, kept with a loaded table for its kernel.

    The episodes, IDOL's threads, the channel handovers, Payne & Frow's repeat costs and
    QCI's repeat contacts all read the contacts in thread order; the engine sorts and
    marks them once per window (20 MB at a million customers). An episode is a run of
    this order: from a contact that begins one to the first that no later contact of its
    thread continues. ``step`` names the analysis in the error a missing column raises.
    """
    data = _checked_contacts(interactions, window_days, step)
    if is_loaded(data):
        return derived(
            data, "thread order", int(window_days), lambda: _thread_order(data, window_days)
        )
    return _thread_order(data, window_days)


def _thread_order(data: pd.DataFrame, window_days: int) -> ThreadOrder:
    marked = thread_table(data, window_days)
    found = run(
        marked.order_by(["customer", "thread", "moment", "row"]).select("row", "begins", "followed")
    )
    return ThreadOrder(
        rows=found["row"].to_numpy(dtype=np.int64),
        begins=found["begins"].to_numpy(dtype=bool),
        followed=found["followed"].to_numpy(dtype=bool),
    )


def contact_episodes(interactions: pd.DataFrame, window_days: int = 14) -> pd.DataFrame:
    """Group contacts into episodes: one customer, one process, no gap over ``window_days``.

    The kernel's DuckDB puts the contacts in thread order and marks where each episode
    begins (:func:`thread_order`, kept with a loaded table for its kernel); an episode
    is a run of that order, summed here without copying or sorting the contacts.

    Parameters
    ----------
    interactions : DataFrame
        With customer_id, date, channel, process; ``resolved`` is used when present.
    window_days : int, default 14
        The largest gap between two contacts of the same episode.

    Returns
    -------
    DataFrame
        One row per episode, in thread order (customer, process, start):
        ``customer_id``, ``process``, ``start``, ``end``, ``contacts`` (count),
        ``channels`` (distinct count), ``channel_path`` (e.g. ``"webshop > call
        centre"``), ``first_channel``, ``repeat`` (more than one contact),
        ``cross_channel`` (more than one channel), and ``resolved_first_contact`` (the
        first contact resolved it; NA without the ``resolved`` column).
    """
    data = _checked_contacts(interactions, window_days, "contact episodes")
    order = thread_order(data, window_days, "contact episodes")
    rows, begins = order.rows, order.begins
    # the contacts in thread order: an episode is a run of them, from a contact that
    # begins one up to the contact no later one of its thread continues
    episode = order.episode
    when = contact_dates(data).to_numpy()[rows]
    codes, names = pd.factorize(data["channel"])
    codes = codes[rows]
    used = _distinct(episode[codes >= 0] * (len(names) + 1) + codes[codes >= 0])
    columns = ["customer_id", "process", "channel", "resolved"]
    first = data[[c for c in columns if c in data.columns]].take(rows[begins])
    out = pd.DataFrame(
        {
            "customer_id": frame_values(first["customer_id"]),
            "process": frame_values(first["process"]),
            "start": when[begins],
            "end": when[~order.followed],
            "contacts": np.diff(np.r_[np.flatnonzero(begins), len(rows)]),
            "channels": np.bincount(used // (len(names) + 1), minlength=int(begins.sum())),
            "channel_path": _channel_paths(episode, codes, names),
            "first_channel": frame_values(first["channel"]),
        }
    )
    out["repeat"] = out["contacts"] > 1
    out["cross_channel"] = out["channels"] > 1
    if "resolved" in data.columns:
        out["resolved_first_contact"] = (
            first["resolved"].astype("boolean").to_numpy() & ~out["repeat"].to_numpy()
        )
    else:
        out["resolved_first_contact"] = pd.array([pd.NA] * len(out), dtype="boolean")
    return out


def _checked_contacts(interactions: pd.DataFrame, window_days: int, step: str) -> pd.DataFrame:
    """The interactions, checked for what episodes need (``step`` names the analysis)."""
    if window_days < 0:
        raise ParameterError(f"window_days must be zero or more, got {window_days}")
    return need_table(
        interactions, "interactions", ("customer_id", "date", "channel", "process"), step
    )


#: The columns that name an episode in :func:`thread_table`: its customer, its process,
#: and its number in that thread (1, 2, ...).
EPISODE = ("customer", "thread", "n")


def thread_table(
    data: pd.DataFrame,
    window_days: int,
    *,
    end: pd.Timestamp | None = None,
    customers: np.ndarray | None = None,
    extra: dict | None = None,
):
    """The contacts as an engine table, each marked with its episode.

    Contacts without a customer, process or date are left out, and so are those after
    ``end``. Each row has ``customer``, ``thread`` (the process), ``moment`` (the
    contact's date), ``row`` (its row in ``data``), the marks of
    :func:`crmlib.data.line_facts.thread_marks` (``begins``, ``followed``) and ``n`` (its
    episode's number in the thread: 1, 2, ...; the episode is :data:`EPISODE`); plus the
    ``extra`` columns (arrays of one value per row of ``data``). A thread's contacts are
    in order of date, then row. ``customers`` are the rows' customer numbers, when the
    caller has them: ids are then not compared as text.
    """
    import ibis

    columns = {
        "moment": contact_dates(data),
        "row": np.arange(len(data), dtype=np.int64),
        **(extra or {}),
    }
    if customers is not None:
        columns["customer"] = pd.arrays.IntegerArray(customers, customers < 0)
    table = engine_table(
        data, ["process"] if customers is not None else ["customer_id", "process"], columns
    )
    table = table.rename(thread="process")
    if customers is None:
        table = table.rename(customer="customer_id")
    known = table.customer.notnull() & table.thread.notnull() & table.moment.notnull()
    if end is not None:
        known &= table.moment <= stamp(end)
    order = ("moment", "row")
    marked = thread_marks(table.filter(known), window_days, order_by=order)
    # the same window as the marks': the engine sorts the contacts once
    thread = ibis.cumulative_window(group_by=["customer", "thread"], order_by=list(order))
    return marked.mutate(n=marked.begins.cast("int64").sum().over(thread))


def episode_starts(
    interactions: pd.DataFrame,
    window_days: int = 14,
    *,
    end: pd.Timestamp | None = None,
    customers: np.ndarray | None = None,
) -> pd.DataFrame:
    """When each contact episode starts and how many contacts it took, and nothing else.

    The episodes of :func:`contact_episodes` (the same rule), for counting them over a
    large history: only the starts and sizes come back from the engine.

    Parameters
    ----------
    interactions : DataFrame
        With customer_id, date, channel and process. Not modified.
    window_days : int, default 14
        The largest gap between two contacts of the same episode.
    end : Timestamp, optional
        Contacts after it are left out (episodes are formed on what is left).
    customers : array, optional
        Each row's customer number (see :func:`crmlib.analytics.summary.customer_numbers`),
        when the caller has them: every row then has a customer.

    Returns
    -------
    DataFrame
        One row per episode, in no particular order: ``start`` (the first contact's
        date) and ``contacts``.
    """
    data = _checked_contacts(interactions, window_days, "contact episodes")
    marked = thread_table(data, window_days, end=end, customers=customers)
    episodes = marked.group_by(EPISODE).aggregate(
        start=marked.moment.min(), contacts=marked.count()
    )
    found = run(episodes.select("start", "contacts"))
    return pd.DataFrame(
        {
            "start": _dates_like(found["start"], data["date"]),
            "contacts": found["contacts"].to_numpy(dtype=np.int64),
        }
    )


def _dates_like(values: pd.Series, dates: pd.Series) -> np.ndarray:
    """Dates from the engine in the unit of the table's own date column (pandas reads a
    text date as microseconds, a loaded table holds nanoseconds)."""
    unit = dates.dtype if pd.api.types.is_datetime64_dtype(dates.dtype) else "datetime64[ns]"
    return values.to_numpy(dtype=unit)


def _channel_paths(episode: np.ndarray, codes: np.ndarray, names) -> np.ndarray:
    """Each episode's channels in order of first use, each once (``"webshop > shop"``).

    ``episode`` numbers the contacts' episodes in ascending runs (0, 0, 1, 2, 2...);
    ``codes`` are their channels as numbers into ``names`` (-1 where missing). The paths
    are built without Python per episode (a base has millions): each episode's channel
    codes form one row of a small matrix, and only its distinct rows become text.
    """
    firsts = pd.DataFrame({"episode": episode, "channel": codes}).drop_duplicates()
    used = firsts["channel"].to_numpy()
    runs = firsts["episode"].to_numpy()
    starts = np.r_[True, runs[1:] != runs[:-1]] if len(runs) else np.zeros(0, dtype=bool)
    group = np.cumsum(starts) - 1
    position = np.arange(len(runs)) - np.flatnonzero(starts)[group]
    width = int(position.max()) + 1 if len(runs) else 1
    matrix = np.full((int(starts.sum()), width), -1, dtype=np.int32)
    matrix[group, position] = used
    rows, inverse = _distinct_rows(matrix, len(names))
    words = np.asarray([str(name) for name in names], dtype=object)
    labels = np.asarray([" > ".join(words[row[row >= 0]]) for row in rows], dtype=object)
    return labels[inverse.ravel()]


def _distinct_rows(matrix: np.ndarray, symbols: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(matrix, axis=0, return_inverse=True)`` for small codes (-1 to symbols-1).

    Each row is read as one number in base ``symbols + 1``, so a million rows are told
    apart as a million numbers rather than sorted as rows (3 s). Rows too wide for one
    64-bit number go the NumPy way.
    """
    base = symbols + 1
    if matrix.shape[1] * np.log2(max(base, 2)) >= 62:
        rows, inverse = np.unique(matrix, axis=0, return_inverse=True)
        return rows, np.asarray(inverse).ravel()
    weights = base ** np.arange(matrix.shape[1] - 1, -1, -1, dtype=np.int64)
    keys = (matrix.astype(np.int64) + 1) @ weights
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return matrix[first], np.asarray(inverse).ravel()


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct whole numbers of ``keys`` (all 0 or more), ascending."""
    if not len(keys):
        return keys
    marked = np.zeros(int(keys.max()) + 1, dtype=bool)
    marked[keys] = True
    return np.flatnonzero(marked)


def episode_summary(episodes: pd.DataFrame, by: str = "process") -> pd.DataFrame:
    """Rates per process (or per ``first_channel``) from :func:`contact_episodes`.

    Returns
    -------
    DataFrame
        Indexed by ``by``: ``episodes``, ``contacts``, ``contacts_per_episode``,
        ``repeat_rate`` (share of episodes with more than one contact),
        ``cross_channel_rate`` (share that crossed channels) and
        ``first_contact_resolution`` (share resolved in the first contact).
    """
    grouped = episodes.groupby(by, observed=True)
    out = pd.DataFrame(
        {
            "episodes": grouped.size(),
            "contacts": grouped["contacts"].sum(),
            "repeat_rate": grouped["repeat"].mean(),
            "cross_channel_rate": grouped["cross_channel"].mean(),
            "first_contact_resolution": grouped["resolved_first_contact"].mean(),
        }
    )
    out.insert(2, "contacts_per_episode", out["contacts"] / out["episodes"])
    return out.sort_values("episodes", ascending=False)


def channel_hoppers(episodes: pd.DataFrame) -> pd.DataFrame:
    """Customers who used more than one channel for one process, with how often.

    Returns
    -------
    DataFrame
        Indexed by customer_id: ``episodes`` (all), ``cross_channel_episodes``,
        ``hop_share`` and ``processes`` (the processes where they hopped), sorted by
        the number of cross-channel episodes.
    """
    grouped = episodes.groupby("customer_id")
    hopped = episodes[episodes["cross_channel"]]
    out = (
        pd.DataFrame(
            {
                "episodes": grouped.size(),
                "cross_channel_episodes": hopped.groupby("customer_id").size(),
            }
        )
        .fillna({"cross_channel_episodes": 0})
        .astype({"cross_channel_episodes": int})
    )
    out["hop_share"] = out["cross_channel_episodes"] / out["episodes"]
    out["processes"] = _process_lists(hopped["customer_id"], hopped["process"])
    out = out[out["cross_channel_episodes"] > 0]
    return out.sort_values(["cross_channel_episodes", "hop_share"], ascending=False)


def _process_lists(customer: pd.Series, process: pd.Series) -> pd.Series:
    """Per customer, their distinct processes in sorted order, joined (``"billing, sales"``).

    A base has tens of thousands of hoppers, so the lists are not built per customer:
    each customer's set of processes is one bit mask, and only the distinct masks (a
    handful of processes make few) are turned into text.
    """
    names, codes = np.unique(process.to_numpy(dtype=object), return_inverse=True)
    if len(names) > 62:
        return process.groupby(customer).agg(lambda s: ", ".join(sorted(set(s))))
    bits = np.left_shift(np.int64(1), np.asarray(codes, dtype=np.int64).ravel())
    pairs = pd.DataFrame({"customer_id": customer.to_numpy(), "bit": bits}).drop_duplicates()
    masks = pairs.groupby("customer_id")["bit"].sum()
    distinct, inverse = np.unique(masks.to_numpy(), return_inverse=True)
    shown = np.asarray(
        [", ".join(str(n) for i, n in enumerate(names) if mask >> i & 1) for mask in distinct],
        dtype=object,
    )
    return pd.Series(shown[np.asarray(inverse).ravel()], index=masks.index, name="process")


def channel_mix(interactions: pd.DataFrame, segments: pd.Series | None = None) -> pd.DataFrame:
    """The share of contacts per channel, overall or per segment.

    Parameters
    ----------
    segments : Series, optional
        A segment label per customer (indexed by customer_id). Contacts of customers
        without a label are counted under ``"unassigned"``.

    Returns
    -------
    DataFrame
        Rows: segments (or the single row ``"all"``); columns: channels; values:
        the share of that segment's contacts (rows sum to 1).
    """
    data = need_table(interactions, "interactions", ("customer_id", "channel"), "the channel mix")
    if segments is None:
        group = pd.Series("all", index=data.index)
    else:
        group = pd.Series(mapped(data["customer_id"], segments), index=data.index)
        group = group.fillna("unassigned")
    table = pd.crosstab(group, data["channel"], normalize="index")
    table.index.name = "segment"
    table.columns.name = "channel"
    return table


def contact_frequency(
    interactions: pd.DataFrame,
    customers: pd.Series,
    *,
    start,
    end,
    segments: pd.Series | None = None,
) -> pd.DataFrame:
    """Contacts per customer per year between ``start`` and ``end``, by segment.

    Customers without contacts count as zero, so the mean is over the whole base.

    Parameters
    ----------
    customers : Series
        Every customer id to count.
    segments : Series, optional
        A segment per customer id; without it one row ``"all"``.

    Returns
    -------
    DataFrame
        Indexed by segment: ``customers``, ``contacts``, ``contacts_per_customer_year``,
        ``share_contacted`` (customers with at least one contact).
    """
    data = need_table(interactions, "interactions", ("customer_id", "date"), "contact frequency")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    years = max((end - start).days, 1) / 365.25
    window = data[(data["date"] >= start) & (data["date"] <= end)]
    per_customer = window.groupby("customer_id").size().reindex(pd.Index(customers), fill_value=0)
    group = (
        pd.Series(mapped(per_customer.index, segments), index=per_customer.index).fillna(
            "unassigned"
        )
        if segments is not None
        else pd.Series("all", index=per_customer.index)
    )
    grouped = per_customer.groupby(group)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "contacts": grouped.sum(),
            "share_contacted": grouped.apply(lambda s: float((s > 0).mean())),
        }
    )
    out.insert(2, "contacts_per_customer_year", out["contacts"] / out["customers"] / years)
    out.index.name = "segment"
    return out


def satisfaction_by(interactions: pd.DataFrame, by: str | list[str] = "channel") -> pd.DataFrame:
    """Mean satisfaction and resolution rate per channel, process or both.

    Returns
    -------
    DataFrame
        Indexed by ``by``: ``contacts``, ``rated`` (contacts with a score),
        ``satisfaction`` (mean score), ``resolution_rate``.
    """
    columns = (by,) if isinstance(by, str) else tuple(by)
    data = need_table(
        interactions, "interactions", (*columns, "satisfaction"), "satisfaction by touchpoint"
    )
    grouped = data.groupby(list(columns), observed=True)
    out = pd.DataFrame(
        {
            "contacts": grouped.size(),
            "rated": grouped["satisfaction"].count(),
            "satisfaction": grouped["satisfaction"].mean(),
        }
    )
    if "resolved" in data.columns:
        out["resolution_rate"] = grouped["resolved"].apply(lambda s: s.astype("boolean").mean())
    else:
        out["resolution_rate"] = np.nan
    return out


def channel_handovers(
    interactions: pd.DataFrame, window_days: int = 14, *, until=None
) -> pd.DataFrame:
    """Every move between channels within an episode, and whether the next channel
    continued the case.

    A *handover* is a contact in another channel than the contact before it, by the same
    customer on the same process within ``window_days`` (so inside one episode of
    :func:`contact_episodes`). The new channel *continued* the case when the customer
    needed no further contact on that process within ``window_days`` and, where the data
    holds ``resolved``, that contact resolved the question. Integration is what makes
    this possible (Payne & Frow): the new channel knows the case. The interactions table
    has no field for "the history was known to the new channel", so this is read from
    its outcome, not observed.

    Parameters
    ----------
    interactions : DataFrame
        With customer_id, date, channel, process; ``resolved`` is used when present.
    window_days : int, default 14
        The repeat window: a further contact within it means the case was not settled.
    until : date-like, optional
        The last date the data covers. A handover closer to it than ``window_days`` that
        had no further contact yet is not known (NA): a repeat may still follow.

    Returns
    -------
    DataFrame
        One row per handover: ``customer_id``, ``process``, ``date``, ``from_channel``,
        ``to_channel``, ``repeat`` (a further contact on the process followed within
        the window), ``resolved`` (the new channel's contact resolved it; NA without the
        column or the value) and ``continued`` (boolean; NA when not known).
    """
    order = thread_order(interactions, window_days, "channel handovers")
    columns = ["customer_id", "process", "channel", "date", "resolved"]
    data = interactions[[c for c in columns if c in interactions.columns]].take(order.rows)
    customer = data["customer_id"].to_numpy(dtype=object)
    process = data["process"].to_numpy(dtype=object)
    channel = data["channel"].astype(str).str.strip().to_numpy(dtype=object)
    # linked[i]: contact i follows contact i-1 in the same episode.
    linked = ~order.begins
    moved = np.zeros(len(data), dtype=bool)
    moved[1:] = linked[1:] & (channel[1:] != channel[:-1])
    followed = order.followed.copy()  # the kept order is not written to
    if "resolved" in data.columns:
        resolved = pd.array(data["resolved"].astype("boolean").to_numpy(), dtype="boolean")
    else:
        resolved = pd.array([pd.NA] * len(data), dtype="boolean")
    repeat = pd.array(followed, dtype="boolean")
    if until is not None:
        # Without a further contact yet, a handover near the data's end is still open.
        open_ = (~followed) & (data["date"] > pd.Timestamp(until) - pd.Timedelta(days=window_days))
        repeat[open_.to_numpy()] = pd.NA
    continued = ~repeat
    if "resolved" in data.columns:
        continued = continued & resolved
    previous = np.empty(len(data), dtype=object)
    previous[1:] = channel[:-1]
    out = pd.DataFrame(
        {
            "customer_id": customer[moved],
            "process": process[moved],
            "date": data["date"].to_numpy()[moved],
            "from_channel": previous[moved],
            "to_channel": channel[moved],
            "repeat": repeat[moved],
            "resolved": resolved[moved],
            "continued": continued[moved],
        }
    )
    return out


def handover_summary(handovers: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many handovers of :func:`channel_handovers` continued the case.

    Parameters
    ----------
    by : str, optional
        A column to group by (``"process"``, ``"to_channel"``); without it one row
        ``"all"``.

    Returns
    -------
    DataFrame
        Indexed by ``by`` (or ``group``): ``handovers``, ``known`` (handovers whose outcome is known), ``continued``,
        ``continued_rate`` (continued over known; NaN when none is known),
        ``repeat_rate`` (of those with a known repeat) and ``resolved_rate`` (of those
        with a known resolution; NaN without resolution data).
    """
    group = (
        handovers[by].astype(object)
        if by is not None
        else pd.Series("all", index=handovers.index, name="all")
    )
    grouped = handovers.groupby(group, sort=False)
    out = pd.DataFrame(
        {
            "handovers": grouped.size(),
            "known": grouped["continued"].count(),
            "continued": grouped["continued"].sum(),
        }
    ).astype(int)
    out["continued_rate"] = (out["continued"] / out["known"].where(out["known"] > 0)).astype(float)
    out["repeat_rate"] = grouped["repeat"].mean().astype(float)
    out["resolved_rate"] = grouped["resolved"].mean().astype(float)
    out.index.name = by or "group"
    return out.sort_values("handovers", ascending=False, kind="mergesort")

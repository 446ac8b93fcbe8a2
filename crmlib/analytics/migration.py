"""Learning: how customers move between segments, and what their responses teach.

Customer IDOL's *Learning* says a CRM strategy reinvents itself: as customer knowledge
changes, the segmentation changes, and the dialogues, processes and offers follow.
This module measures the change between two dates:

- :func:`segments_at` labels every customer at a date (value tier, value category or
  RFM segment, from the customer base as if the data ended that day); customers who had not yet signed up or bought have *joined* since;
- :func:`migration_table`, :func:`transition_matrix`, :func:`migration_flows` and
  :func:`migration_summary` compare two labellings: who stayed, moved up, moved down
  or came in; :func:`chance_baseline` sets the moves against a random reshuffle of
  the same segment sizes, the part of migration between relative segments that is
  mechanical;
- :func:`movers_by` and :func:`value_shift` say which groups are on the move and what
  it did to their value;
- :func:`response_by_segment`, :func:`response_matrix` and :func:`treatment_signals`
  read the campaign responses that should change a segment's or a customer's
  treatment.

Functions take DataFrames or Series, never change them, and return DataFrames with
documented columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlib.analytics.base import base_from_tables
from crmlib.analytics.profitability import DEFAULT_TIERS
from crmlib.analytics.rfm import SEGMENTS as RFM_SEGMENTS
from crmlib.analytics.segments import NO_PURCHASE_SEGMENT
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import day
from crmlib.loaded import rows_kept
from crmlib.text import translate

#: The state of a customer who had not yet signed up or bought at the first date
#: ("new" is taken: it is an RFM segment).
NEW = "joined"

#: The state of a customer without a purchase in the window that sets the value.
INACTIVE = "inactive"

#: The segmentations that can be followed, with their states from best to worst.
ORDERS: dict[str, tuple[str, ...]] = {
    "value_tier": (*(name for name, _ in DEFAULT_TIERS), INACTIVE),
    "value_category": ("MVC", "MGC", "other", "BZ", INACTIVE),
    "rfm_segment": (*RFM_SEGMENTS, NO_PURCHASE_SEGMENT),
}

#: The moves of :func:`migration_table`.
MOVES = ("up", "same", "down", NEW)


def state_order(by: str) -> tuple[str, ...]:
    """The states of segmentation ``by``, best first (see :data:`ORDERS`)."""
    if by not in ORDERS:
        raise ParameterError(
            f"the segmentation to follow must be one of {', '.join(ORDERS)}, got '{by}'"
        )
    return ORDERS[by]


def entry_dates(customers: pd.DataFrame | None, transactions: pd.DataFrame) -> pd.Series:
    """The day each customer became known: the earlier of sign-up and first purchase.

    Returns
    -------
    Series
        Indexed by customer_id, named ``entered``; NaT for a customer with neither.
    """
    first = transactions.dropna(subset=["customer_id"]).groupby("customer_id")["date"].min()
    if customers is None:
        return first.rename("entered")
    ids = pd.Index(customers["customer_id"].dropna().unique(), name="customer_id")
    entered = first.reindex(ids.union(first.index))
    if "signup_date" in customers.columns:
        signup = customers.dropna(subset=["customer_id"]).drop_duplicates("customer_id")
        signup = signup.set_index("customer_id")["signup_date"].reindex(entered.index)
        entered = pd.concat([entered, signup], axis=1).min(axis=1)
    return entered.rename("entered")


def segments_at(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    at,
    by: str = "value_tier",
    horizon_months: int = 12,
    value_metric: str | None = None,
    ssc_share: float = 0.2,
    mgc_share: float = 0.2,
    entered: pd.Series | None = None,
) -> pd.DataFrame:
    """Every customer's segment as the data stood on day ``at``.

    The tables are cut at ``at`` and segmented by the customer base as of that day
    (:func:`crmlib.analytics.base.base_from_tables`), so value tiers and categories rest
    on the current value of the ``horizon_months`` up to that day, with the same value
    metric and shares as the base the caller compares with. For value
    tiers and categories, a customer without a purchase in that window is
    :data:`INACTIVE` (rather than the bottom tier); a customer not yet known on that
    day is :data:`NEW` ("joined" later). ``entered`` is :func:`entry_dates` of the same
    tables, when the caller has it already.

    Returns
    -------
    DataFrame
        Indexed by customer_id (every customer of either table): ``segment`` and
        ``current_value`` (0 for a customer who joined later). ``attrs["notes"]`` holds the
        notes of the segmentation (e.g. cost to serve not measured).

    Raises
    ------
    ParameterError
        For an unknown ``by``.
    MissingDataError
        When no purchase was made by ``at``.
    """
    state_order(by)
    at = pd.Timestamp(at).normalize()
    dates = transactions["date"]
    known = rows_kept(transactions, (dates <= at).to_numpy(dtype=bool, na_value=False))
    if known.empty:
        raise MissingDataError(
            translate("no purchase was made by {day}: there is nothing to segment").format(
                day=day(at)
            )
        )
    table = (
        base_from_tables(
            known,
            customers,
            interactions,
            channels,
            products,
            observation_end=at,
            window_months=horizon_months,
            value_metric=value_metric,
            ssc_share=ssc_share,
            mgc_share=mgc_share,
        )
        .segments_table()
        .set_index("customer_id")
    )
    if entered is None:
        entered = entry_dates(customers, transactions)
    return segments_of(table, entered, at=at, by=by, horizon_months=horizon_months)


def segments_of(
    table: pd.DataFrame,
    entered: pd.Series,
    *,
    at,
    by: str = "value_tier",
    horizon_months: int = 12,
) -> pd.DataFrame:
    """Every customer's segment on day ``at``, from a base of that day.

    ``table`` is the base's segments table indexed by customer_id
    (``base.segments_table().set_index("customer_id")``) of a base whose observation end
    is ``at``: the company's own base for its observation end, so that the segments at
    the end of a migration are the base's tiers rather than those of a second base
    built again. ``entered`` is :func:`entry_dates` of the company's tables. Labels and
    columns as :func:`segments_at`.
    """
    state_order(by)
    at = pd.Timestamp(at).normalize()
    segment = table[by].astype(object)
    if by != "rfm_segment":
        window_start = at - pd.DateOffset(months=horizon_months)
        last = table["last_purchase"]
        inactive = (last.isna() | (last <= window_start)).to_numpy(dtype=bool)
        segment = segment.where(~inactive, INACTIVE)
    entered = entered.reindex(table.index)
    new = (entered.isna() | (entered > at)).to_numpy(dtype=bool)
    segment = segment.where(~new, NEW)
    value = table["current_value"].where(~new, 0.0).astype(float)
    out = pd.DataFrame({"segment": segment.astype(str), "current_value": value})
    out.attrs["notes"] = list(table.attrs.get("notes", []))
    return out


def migration_table(before: pd.Series, after: pd.Series, order: Sequence[str]) -> pd.DataFrame:
    """Each customer's segment at two dates, and how they moved.

    Parameters
    ----------
    before, after : Series
        A segment per customer (indexed by customer_id) at the first and the second
        date. A customer missing from ``before``, or labelled :data:`NEW` there, came
        in between the dates; a customer missing from ``after`` is left out.
    order : sequence of str
        The states from best to worst; "up" is towards the start.

    Returns
    -------
    DataFrame
        Indexed by customer_id: ``before``, ``after`` and ``move`` ("up", "same",
        "down" or "joined").

    Raises
    ------
    ParameterError
        If a label is not in ``order``.
    """
    order = list(order)
    rank = {state: index for index, state in enumerate(order)}
    after = after.dropna().astype(str)
    start = before.reindex(after.index).astype(object).fillna(NEW).astype(str)
    unknown = sorted((set(after) | set(start)) - set(rank) - {NEW})
    if unknown or NEW in set(after):
        names = ", ".join(unknown or [NEW])
        raise ParameterError(
            f"segments {names} are not among the states {', '.join(order)} (after: never 'joined')"
        )
    is_new = (start == NEW).to_numpy(dtype=bool)
    a = after.map(rank).to_numpy(dtype=float)
    b = start.map(rank).to_numpy(dtype=float)
    move = np.select([is_new, a < b, a > b], [NEW, "up", "down"], "same")
    out = pd.DataFrame({"before": start, "after": after, "move": move}, index=after.index)
    out.index.name = "customer_id"
    return out


def transition_matrix(
    table: pd.DataFrame, order: Sequence[str], *, normalize: bool = False
) -> pd.DataFrame:
    """Customers per (state before, state after): the migration matrix.

    Parameters
    ----------
    table : DataFrame
        From :func:`migration_table`.
    normalize : bool, default False
        Give each row's shares (the transition probabilities) instead of counts.

    Returns
    -------
    DataFrame
        Rows: the states before, in ``order``, with :data:`NEW` last when anyone came
        in; columns: the states after, in ``order``. Rows of a state nobody was in
        are 0 (or NaN when normalised).
    """
    order = list(order)
    rows = order + ([NEW] if (table["before"] == NEW).any() else [])
    counts = pd.crosstab(table["before"], table["after"]).reindex(
        index=rows, columns=order, fill_value=0
    )
    counts.index.name, counts.columns.name = "before", "after"
    if normalize:
        totals = counts.sum(axis=1).replace(0, np.nan)
        return counts.div(totals, axis=0)
    return counts.astype(np.int64)


def migration_flows(table: pd.DataFrame) -> pd.DataFrame:
    """Every (before, after) pair with its customers, the largest moves first.

    Returns
    -------
    DataFrame
        ``before``, ``after``, ``move``, ``customers`` and ``share`` (of all
        customers in the table); pairs that stayed put are included.
    """
    flows = table.groupby(["before", "after", "move"], observed=True).size().rename("customers")
    flows = flows.reset_index()
    flows["share"] = flows["customers"] / max(len(table), 1)
    moved = (flows["move"] != "same").to_numpy(dtype=bool)
    flows = flows.assign(_moved=moved).sort_values(
        ["_moved", "customers"], ascending=[False, False], kind="mergesort"
    )
    return flows.drop(columns="_moved").reset_index(drop=True)


def migration_summary(table: pd.DataFrame) -> pd.DataFrame:
    """How many customers moved up, stayed, moved down or came in.

    Returns
    -------
    DataFrame
        Indexed by move (:data:`MOVES`): ``customers`` and ``share`` (of all), and
        ``share_of_known`` (of the customers known at both dates; NaN for "joined").
    """
    counts = table["move"].value_counts().reindex(list(MOVES), fill_value=0).astype(np.int64)
    known = int(counts.drop(NEW).sum())
    out = pd.DataFrame(
        {
            "customers": counts,
            "share": counts / max(len(table), 1),
            "share_of_known": (counts / known if known else counts * np.nan).where(
                counts.index != NEW
            ),
        }
    )
    out.index.name = "move"
    return out


def chance_baseline(table: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """The moves a random reshuffle would give, next to the moves observed.

    Relative segments (value tiers by cumulative share, the top share as MVC) keep their
    sizes, so one customer moving up pushes another down: part of any migration is
    mechanical. The baseline keeps the segment sizes of both dates and pairs customers
    at random (independence): the chance of staying is the sum over states of
    ``p_before(s) * p_after(s)``, of moving up the sum over pairs with the state after
    better than before. Only customers known at both dates count.

    Example: two customers in A and two in B at both dates (order A, B): at random half
    stay, a quarter move up and a quarter down.

    Returns
    -------
    DataFrame
        Indexed by move (up, same, down): ``observed`` and ``random`` (shares of the
        customers known at both dates) and ``above_random`` (observed minus random).
        ``attrs["stability"]`` is ``(observed same - random same) / (1 - random same)``:
        0 when customers stay no more often than a reshuffle would keep them, 1 when all
        stay; NaN when nobody was known at both dates.
    """
    order = list(order)
    known = table[(table["before"] != NEW).to_numpy(dtype=bool)]
    moves = ["up", "same", "down"]
    if known.empty:
        out = pd.DataFrame(np.nan, index=moves, columns=["observed", "random", "above_random"])
        out.index.name = "move"
        out.attrs["stability"] = float("nan")
        return out
    p_before = known["before"].value_counts(normalize=True).reindex(order, fill_value=0.0)
    p_after = known["after"].value_counts(normalize=True).reindex(order, fill_value=0.0)
    joint = np.outer(p_before.to_numpy(), p_after.to_numpy())
    # rows: before, columns: after; "up" is an after state earlier in the order
    random = {
        "up": float(np.tril(joint, -1).sum()),
        "same": float(np.trace(joint)),
        "down": float(np.triu(joint, 1).sum()),
    }
    observed = known["move"].value_counts(normalize=True).reindex(moves, fill_value=0.0)
    out = pd.DataFrame({"observed": observed, "random": pd.Series(random)}, index=moves)
    out["above_random"] = out["observed"] - out["random"]
    out.index.name = "move"
    same, chance = float(out.loc["same", "observed"]), float(out.loc["same", "random"])
    out.attrs["stability"] = (same - chance) / (1.0 - chance) if chance < 1 else float("nan")
    return out


def value_shift(table: pd.DataFrame, before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """What the moves did to value: per state before, the value then and now.

    Parameters
    ----------
    table : DataFrame
        From :func:`migration_table`.
    before, after : Series
        A value per customer (e.g. profit of the last 12 months) at each date.

    Returns
    -------
    DataFrame
        Indexed by ``before`` (states that occur): ``customers``, ``value_before``,
        ``value_after`` (sums), ``change`` and ``moved_down`` (customers that moved
        down).
    """
    frame = table.assign(
        value_before=before.reindex(table.index).fillna(0.0).astype(float),
        value_after=after.reindex(table.index).fillna(0.0).astype(float),
        moved_down=(table["move"] == "down").to_numpy(dtype=bool),
    )
    grouped = frame.groupby("before", sort=False)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "value_before": grouped["value_before"].sum(),
            "value_after": grouped["value_after"].sum(),
            "moved_down": grouped["moved_down"].sum().astype(np.int64),
        }
    )
    out.insert(3, "change", out["value_after"] - out["value_before"])
    return out


def movers_by(table: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Per group (e.g. needs segment): the shares that moved up, stayed and moved down.

    Only customers known at both dates and with a group count.

    Returns
    -------
    DataFrame
        Indexed by group: ``customers``, ``up``, ``same``, ``down`` (shares) and
        ``net`` (up minus down), the most negative first.
    """
    known = table[(table["move"] != NEW).to_numpy(dtype=bool)]
    group = groups.reindex(known.index)
    known, group = known[group.notna().to_numpy(dtype=bool)], group.dropna()
    shares = pd.crosstab(group, known["move"], normalize="index")
    shares = shares.reindex(columns=["up", "same", "down"], fill_value=0.0)
    out = shares.assign(customers=known.groupby(group).size())
    out["net"] = out["up"] - out["down"]
    out.index.name = groups.name or "group"
    return out[["customers", "up", "same", "down", "net"]].sort_values("net")


# -- campaign responses -------------------------------------------------------------------


def _offers(campaigns: pd.DataFrame, step: str) -> pd.DataFrame:
    if campaigns is None:
        raise MissingDataError(
            translate("{step} needs the campaigns table").format(step=translate(step))
        )
    missing = [c for c in ("campaign_id", "customer_id", "responded") if c not in campaigns]
    if missing:
        raise MissingDataError(
            translate("{step} needs the column(s) {names} in {table}").format(
                step=translate(step), names=", ".join(missing), table="campaigns"
            )
        )
    offers = campaigns.dropna(subset=["customer_id"])
    return pd.DataFrame(
        {
            "campaign_id": offers["campaign_id"].astype(str).to_numpy(dtype=object),
            "customer_id": offers["customer_id"].astype(str).to_numpy(dtype=object),
            "responded": offers["responded"]
            .astype("boolean")
            .to_numpy(dtype=float, na_value=np.nan),
            "revenue": pd.to_numeric(offers["revenue"], errors="coerce").to_numpy(float)
            if "revenue" in offers.columns
            else np.nan,
        }
    )


def response_by_segment(campaigns: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """Offers, responses and revenue per segment, against the average.

    Parameters
    ----------
    segments : Series
        A segment per customer id; offers to customers without one count under
        "unassigned".

    Returns
    -------
    DataFrame
        Indexed by segment: ``offers``, ``responses``, ``response_rate``,
        ``revenue_per_offer`` and ``lift`` (response rate over the overall rate);
        highest lift first.
    """
    offers = _offers(campaigns, "responses by segment")
    group = offers["customer_id"].map(segments).astype(object).fillna("unassigned")
    grouped = offers.groupby(group)
    out = pd.DataFrame(
        {
            "offers": grouped.size(),
            "responses": grouped["responded"].sum().astype(np.int64),
            "response_rate": grouped["responded"].mean(),
            "revenue_per_offer": grouped["revenue"].mean(),
        }
    )
    overall = offers["responded"].mean()
    out["lift"] = out["response_rate"] / overall if overall else np.nan
    out.index.name = segments.name or "segment"
    return out.sort_values("lift", ascending=False)


def response_matrix(
    campaigns: pd.DataFrame, segments: pd.Series, *, min_offers: int = 10
) -> pd.DataFrame:
    """Response rate per campaign (rows) and segment (columns).

    Cells with fewer than ``min_offers`` offers are NaN: too few to learn from.
    Offers to customers without a segment are left out.
    """
    offers = _offers(campaigns, "the response matrix")
    group = offers["customer_id"].map(segments)
    offers, group = offers[group.notna().to_numpy(dtype=bool)], group.dropna()
    rates = offers.pivot_table(
        index="campaign_id", columns=group.to_numpy(), values="responded", aggfunc="mean"
    )
    sizes = offers.pivot_table(
        index="campaign_id", columns=group.to_numpy(), values="responded", aggfunc="size"
    )
    rates = rates.where(sizes.reindex_like(rates).fillna(0) >= min_offers)
    rates.columns.name = segments.name or "segment"
    return rates


def treatment_signals(
    campaigns: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    min_offers: int = 3,
) -> pd.DataFrame:
    """Customers whose responses say their treatment should change.

    - **stop**: ``min_offers`` or more offers and not one response: send fewer, or
      something else;
    - **promote**: responded to two or more offers: they answer this treatment, so
      give it more (a target list, so only customers who gave marketing consent
      count when the customers table records consent).

    Returns
    -------
    DataFrame
        Indexed by customer_id, one row per customer with a signal: ``offers``,
        ``responses``, ``revenue`` (attributed) and ``signal`` ("stop" or
        "promote"); most offers first.
    """
    if min_offers < 1:
        raise ParameterError(f"min_offers must be 1 or more, got {min_offers}")
    offers = _offers(campaigns, "treatment signals")
    grouped = offers.groupby("customer_id")
    out = pd.DataFrame(
        {
            "offers": grouped.size(),
            "responses": grouped["responded"].sum().astype(np.int64),
            "revenue": grouped["revenue"].sum(),
        }
    )
    stop = (out["offers"] >= min_offers) & (out["responses"] == 0)
    promote = out["responses"] >= 2
    if customers is not None and "consent_marketing" in customers.columns:
        consent = customers.drop_duplicates("customer_id").set_index("customer_id")
        allowed = consent["consent_marketing"].astype("boolean").fillna(False)
        promote &= out.index.map(allowed).fillna(False).to_numpy(dtype=bool)
    out["signal"] = np.select([stop, promote], ["stop", "promote"], "")
    out = out[out["signal"] != ""]
    out.index.name = "customer_id"
    return out.sort_values(["offers", "responses"], ascending=False)

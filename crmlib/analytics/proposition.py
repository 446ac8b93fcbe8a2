"""Value proposition development: what each target segment needs, what it buys, and the fit.

Buttle's fourth stage creates extra value for target customers. Before a proposition
can be developed, the workbook asks of each segment: which needs set it apart (the
needs survey), what it buys (product categories and sales channels), and whether what
it buys answers those needs. This module measures that *offer-needs fit*:

1. **What goes with each need.** Across all survey respondents who bought, the
   Spearman correlation between the score on a need dimension and the share of the
   customer's revenue in each *offer element*: each product category and each sales
   channel. An element *goes with* a need when the correlation is at least
   ``min_association`` and significant (p < 0.05); the ``max_elements`` strongest are
   kept. This is the need map; a consultant can replace it with the company's intended
   one (which categories and channels are meant to serve which need). Correlation is not cause: the map says what customers
   who care about a need buy more of, not that it serves them.
2. **Distinctive needs.** A segment's distinctive needs are the ``n_needs`` need
   dimensions it scores most above the average respondent (only positive lifts).
3. **Served or not.** A member of the segment is *served* on a distinctive need when
   they buy more of the elements that go with it than the base does: the mean, over
   those elements, of their share of revenue divided by the base's share is at least 1.
   A need is served when at least half the segment's members are. A distinctive need
   with no element that goes with it is *unanswered*: nothing in the offer draws the
   customers who care about it.
4. **Fit** is the share of the segment's members served on its distinctive needs,
   averaged over those needs weighted by how far each stands above the average
   (0 to 1; an unanswered need counts 0).

The fit is the workbook's measure; the sources ask for a proposition that fits the
target customers without saying how to measure the fit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.needs import need_dimensions
from crmlib.data.frames_engine import engine_table, exact_sum, run, small_table
from crmlib.data.line_facts import stamp
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count
from crmlib.text import translate

CATEGORY_PREFIX = "category: "
CHANNEL_PREFIX = "channel: "


def offer_revenue(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    end=None,
) -> pd.DataFrame:
    """Revenue per customer in each offer element: product categories and sales channels.

    Returns are left out (only lines with a positive amount count).

    Parameters
    ----------
    transactions : DataFrame
        With ``customer_id``, ``amount``, and ``product_id`` and/or ``channel``.
    products : DataFrame, optional
        With ``product_id`` and ``category``.
    end : date-like, optional
        Last day counted.

    Returns
    -------
    DataFrame
        Indexed by customer_id; one column per category (``"category: plants"``) and
        per sales channel (``"channel: store"``), revenue in the company's currency.

    Raises
    ------
    MissingDataError
        When neither categories (products with ``category`` and ``product_id`` in
        transactions) nor sales channels (``channel`` in transactions) are known.
    """
    has_categories = (
        products is not None
        and {"product_id", "category"} <= set(products.columns)
        and "product_id" in transactions.columns
    )
    has_channels = "channel" in transactions.columns
    if not has_categories and not has_channels:
        raise MissingDataError(
            translate(
                "what each segment buys needs product categories (category in products) or "
                "sales channels (channel in transactions)"
            )
        )
    return _offer_revenue_in_engine(
        transactions, products if has_categories else None, has_channels, end
    )


def _offer_revenue_in_engine(
    transactions: pd.DataFrame, products: pd.DataFrame | None, channels: bool, end
) -> pd.DataFrame:
    """:func:`offer_revenue` grouped by DuckDB: one row per customer comes back.

    The lines are read where they lie (:mod:`crmlib.data.frames_engine`). A first pass
    finds the products and channels bought; the lines are then joined to those
    products' categories (a few hundred rows), and each offer element is one
    conditional sum, so the table comes back wide: one row per customer.
    """
    import ibis

    dated = end is not None and "date" in transactions.columns
    columns = ["customer_id", "amount"]
    columns += ["date"] * dated + ["product_id"] * (products is not None)
    columns += ["channel"] * channels
    lines = engine_table(transactions, columns)
    # returns are left out; an amount that is not a number counts as none
    amount = lines.amount.try_cast("float64")
    keep = (amount > 0).fill_null(False)
    if dated:
        keep = keep & (lines.date <= stamp(end))
    labels = {"amount": amount}
    if products is not None:
        labels["product"] = lines.product_id.cast("string")
    if channels:
        labels["channel"] = lines.channel.cast("string")
    lines = lines.filter(keep).select("customer_id", **labels)
    bought = run(lines.drop("customer_id", "amount").distinct())
    conditions, names, known = [], [], []
    if products is not None:
        # the catalogue's category of each product bought: a few hundred rows
        category = products.set_index(products["product_id"].astype(str))["category"]
        bought_products = pd.Series(bought["product"].dropna().unique())
        catalogue = pd.DataFrame(
            {"catalogue_product": bought_products, "category": bought_products.map(category)}
        ).dropna()
        catalogue["category"] = catalogue["category"].astype(str)
        table = small_table(dict(catalogue.items()))
        lines = lines.left_join(table, lines["product"] == table.catalogue_product)
        known.append(lines.category.notnull())
        for value in sorted(catalogue["category"].unique()):
            conditions.append(lines.category == value)
            names.append(CATEGORY_PREFIX + value)
    if channels:
        known.append(lines["channel"].notnull())
        for value in sorted(bought["channel"].dropna().unique()):
            conditions.append(lines["channel"] == value)
            names.append(CHANNEL_PREFIX + value)
    if not names:
        return pd.DataFrame(index=pd.Index([], dtype="str", name="customer_id"), dtype=float)
    sums = {f"e{n}": exact_sum(lines.amount, where=c) for n, c in enumerate(conditions)}
    wide = run(lines.filter(ibis.or_(*known)).group_by("customer_id").aggregate(**sums))
    wide = wide.set_index("customer_id").sort_index(kind="mergesort").fillna(0.0)
    wide.columns = names
    out = wide.astype(float)
    out.index = pd.Index(out.index, dtype="str", name="customer_id")
    out.columns.name = None
    return out


def _blocks(columns: pd.Index) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for column in columns:
        prefix = CATEGORY_PREFIX if str(column).startswith(CATEGORY_PREFIX) else CHANNEL_PREFIX
        out.setdefault(prefix, []).append(column)
    return out


def offer_shares(revenue: pd.DataFrame) -> pd.DataFrame:
    """Each customer's share of revenue per element, within categories and within channels.

    Customers without revenue in a block get NaN shares for that block.
    """
    parts = []
    for columns in _blocks(revenue.columns).values():
        block = revenue[columns]
        total = block.sum(axis=1)
        parts.append(block.div(total.where(total > 0), axis=0))
    return pd.concat(parts, axis=1)[list(revenue.columns)]


def pooled_shares(revenue: pd.DataFrame, segments: pd.Series | None = None) -> pd.DataFrame:
    """The share of a group's revenue in each element (within categories, within channels).

    Parameters
    ----------
    revenue : DataFrame
        From :func:`offer_revenue`.
    segments : Series, optional
        A segment per customer; customers without one are left out. None gives one
        row, ``"all"``.

    Returns
    -------
    DataFrame
        Rows: segments (or ``"all"``); columns: the elements; values 0-1.
    """
    if segments is None:
        totals = revenue.sum().to_frame("all").T
    else:
        group = segments.reindex(revenue.index)
        keep = group.notna().to_numpy(dtype=bool)
        totals = revenue[keep].groupby(group[keep].to_numpy()).sum()
    parts = []
    for columns in _blocks(revenue.columns).values():
        block = totals[columns]
        parts.append(block.div(block.sum(axis=1).where(lambda s: s > 0), axis=0))
    out = pd.concat(parts, axis=1)[list(revenue.columns)]
    out.index.name = "segment"
    return out


def needs_offer_association(needs: pd.DataFrame, revenue: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of every need dimension with every element's revenue share.

    Parameters
    ----------
    needs : DataFrame
        The needs survey (``customer_id`` and need dimensions).
    revenue : DataFrame
        From :func:`offer_revenue`.

    Returns
    -------
    DataFrame
        Rows: need dimensions; columns: elements; values: Spearman's rho over the
        respondents who bought (NaN where a column does not vary).
        ``attrs["p_values"]`` holds the matching two-sided p-values and
        ``attrs["respondents"]`` the number of respondents used.

    Raises
    ------
    MissingDataError
        Without need dimensions, or with fewer than 10 respondents who bought.
    """
    from scipy.stats import spearmanr

    dims = need_dimensions(needs)
    if not dims:
        raise MissingDataError(
            translate("the needs survey has no need-dimension columns (scores 1-5)")
        )
    scores = needs.drop_duplicates("customer_id").set_index("customer_id")[dims]
    shares = offer_shares(revenue)
    common = scores.index.intersection(shares.index)
    if len(common) < 10:
        raise MissingDataError(
            translate(
                "the needs-offer association needs at least 10 survey respondents who bought; "
                "there are {n}"
            ).format(n=count(len(common)))
        )
    left = scores.loc[common].to_numpy(dtype=float)
    right = shares.loc[common].fillna(0.0).to_numpy(dtype=float)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        # a column that does not vary has no correlation: NaN, said in the docstring
        warnings.simplefilter("ignore")
        rho, p = spearmanr(np.column_stack([left, right]))
    rho = np.atleast_2d(rho)[: len(dims), len(dims) :]
    p = np.atleast_2d(p)[: len(dims), len(dims) :]
    out = pd.DataFrame(rho, index=pd.Index(dims, name="need"), columns=shares.columns)
    out.attrs["p_values"] = pd.DataFrame(p, index=out.index, columns=out.columns)
    out.attrs["respondents"] = len(common)
    return out


def need_map_from(
    association: pd.DataFrame, *, min_association: float = 0.1, alpha: float = 0.05
) -> dict[str, list[str]]:
    """The elements that go with each need: rho at least ``min_association``, p below ``alpha``.

    Returns
    -------
    dict
        Need dimension -> list of elements, strongest first (empty when none).
    """
    if not 0 <= min_association < 1:
        raise ParameterError(f"min_association must be in [0, 1), got {min_association}")
    p_values = association.attrs.get("p_values")
    out = {}
    for need, row in association.iterrows():
        keep = row >= min_association
        if p_values is not None:
            keep &= p_values.loc[need] < alpha
        out[str(need)] = row[keep.fillna(False)].sort_values(ascending=False).index.tolist()
    return out


@dataclass(frozen=True)
class PropositionFit:
    """Needs, purchases and the offer-needs fit per target segment.

    Attributes
    ----------
    association : DataFrame or None
        From :func:`needs_offer_association` (None when a map was given and there are
        too few respondents to compute it).
    need_map : dict
        Need -> the elements that go with it (at most ``max_elements``, strongest first).
    needs : DataFrame
        Mean score per need dimension per segment (rows), with ``"all"`` last.
    offer : DataFrame
        Share of revenue per element per segment (rows), with ``"all"`` last.
    details : DataFrame
        One row per segment and distinctive need: ``segment``, ``need``, ``lift``
        (score above the average), ``elements`` (that go with it, joined by ", "),
        ``segment_index`` (the segment's mean share of those elements over the base
        share), ``served_share`` (share of the segment's members who buy more of them
        than the base does; 0 when unanswered) and ``status`` ("served" when at
        least half the members are, "not served", or "unanswered").
    segments : DataFrame
        Indexed by segment: ``respondents`` (with purchases), ``distinctive_needs``,
        ``served``, ``not_served``, ``unanswered`` (texts) and ``fit`` (0-1; NaN when
        the segment has no need above the average).
    """

    association: pd.DataFrame | None
    need_map: dict[str, list[str]]
    needs: pd.DataFrame
    offer: pd.DataFrame
    details: pd.DataFrame
    segments: pd.DataFrame

    @property
    def mean_fit(self) -> float:
        """The fit averaged over segments, weighted by respondents (NaN if none)."""
        table = self.segments.dropna(subset=["fit"])
        if table.empty or table["respondents"].sum() == 0:
            return float("nan")
        return float(np.average(table["fit"], weights=table["respondents"]))


def _checked_map(
    need_map: dict[str, list[str]], dims: list[str], elements: pd.Index
) -> dict[str, list[str]]:
    unknown = [n for n in need_map if n not in dims] + [
        e for listed in need_map.values() for e in listed if e not in elements
    ]
    if unknown:
        raise ParameterError(
            f"the need map names {', '.join(map(str, unknown))}, which are not need "
            "dimensions or offer elements of this company; elements are written like "
            f"'{elements[0]}'"
        )
    return {str(n): list(e) for n, e in need_map.items()}


def proposition_fit(
    needs: pd.DataFrame,
    revenue: pd.DataFrame,
    segments: pd.Series,
    *,
    need_map: dict[str, list[str]] | None = None,
    n_needs: int = 3,
    min_association: float = 0.1,
    max_elements: int = 3,
) -> PropositionFit:
    """The offer-needs fit of each segment (see the module docstring).

    Parameters
    ----------
    needs : DataFrame
        The needs survey.
    revenue : DataFrame
        From :func:`offer_revenue`.
    segments : Series
        The target segment per customer id; only respondents who bought count.
    need_map : dict, optional
        Need -> elements that serve it (names as in ``revenue``'s columns); default
        (None or empty): learned with :func:`needs_offer_association` and
        :func:`need_map_from`.
    n_needs : int, default 3
        Distinctive needs per segment.
    min_association : float, default 0.1
        See :func:`need_map_from`.
    max_elements : int, default 3
        Elements kept per need in a learned map (the strongest).

    Returns
    -------
    PropositionFit

    Raises
    ------
    MissingDataError
        Without need dimensions or respondents who bought.
    ParameterError
        If ``n_needs`` or ``max_elements`` is below 1 or the map names an unknown
        need or element.
    """
    if n_needs < 1 or max_elements < 1:
        raise ParameterError(
            f"n_needs and max_elements must be 1 or more, got {n_needs} and {max_elements}"
        )
    dims = need_dimensions(needs)
    if not dims:
        raise MissingDataError(
            translate("the needs survey has no need-dimension columns (scores 1-5)")
        )
    scores = needs.drop_duplicates("customer_id").set_index("customer_id")[dims]
    bought = revenue.index[revenue.sum(axis=1) > 0]
    group = segments.reindex(scores.index.intersection(bought)).dropna()
    if group.empty:
        raise MissingDataError(translate("no survey respondent with a segment has bought anything"))
    if need_map:
        need_map = _checked_map(need_map, dims, revenue.columns)
        try:
            # shown beside the given map, for comparison; the fit does not use it
            association = needs_offer_association(needs, revenue)
        except MissingDataError:
            association = None
    else:
        association = needs_offer_association(needs, revenue)
        learned = need_map_from(association, min_association=min_association)
        need_map = {need: elements[:max_elements] for need, elements in learned.items()}
    members = scores.loc[group.index]
    base_needs = members.mean()
    need_means = members.groupby(group.to_numpy()).mean()
    counts = group.value_counts()
    member_revenue = revenue.loc[group.index]
    base_offer = pooled_shares(member_revenue).iloc[0]
    offer = pooled_shares(member_revenue, group)
    # each member against the base: above 1, they buy more of an element than the base
    member_index = offer_shares(member_revenue).fillna(0.0) / base_offer.where(base_offer > 0)

    rows, summary = [], []
    for segment in need_means.index:
        lift = (need_means.loc[segment] - base_needs).sort_values(ascending=False)
        lift = lift[lift > 0].head(n_needs)
        in_segment = group.index[(group == segment).to_numpy(dtype=bool)]
        status_by_need: dict[str, list[str]] = {"served": [], "not served": [], "unanswered": []}
        for need, amount in lift.items():
            elements = [e for e in need_map.get(need, []) if e in offer.columns]
            if elements:
                segment_index = float(
                    (
                        offer.loc[segment, elements]
                        / base_offer[elements].where(base_offer[elements] > 0)
                    ).mean()
                )
                served = float((member_index.loc[in_segment, elements].mean(axis=1) >= 1).mean())
                status = "served" if served >= 0.5 else "not served"
            else:
                segment_index, served, status = float("nan"), 0.0, "unanswered"
            status_by_need[status].append(str(need))
            rows.append(
                {
                    "segment": segment,
                    "need": need,
                    "lift": float(amount),
                    "elements": ", ".join(elements),
                    "segment_index": segment_index,
                    "served_share": served,
                    "status": status,
                }
            )
        weights = lift.to_numpy(dtype=float)
        served_shares = np.array([r["served_share"] for r in rows[len(rows) - len(lift) :]])
        summary.append(
            {
                "segment": segment,
                "respondents": int(counts.get(segment, 0)),
                "distinctive_needs": ", ".join(map(str, lift.index)),
                "served": ", ".join(status_by_need["served"]),
                "not_served": ", ".join(status_by_need["not served"]),
                "unanswered": ", ".join(status_by_need["unanswered"]),
                "fit": float(np.average(served_shares, weights=weights))
                if weights.sum() > 0
                else float("nan"),
            }
        )
    need_table = pd.concat([need_means, base_needs.to_frame("all").T])
    need_table.index.name = "segment"
    offer_table = pd.concat([offer, base_offer.to_frame("all").T])
    offer_table.index.name = "segment"
    details = pd.DataFrame(
        rows,
        columns=["segment", "need", "lift", "elements", "segment_index", "served_share", "status"],
    )
    return PropositionFit(
        association=association,
        need_map=need_map,
        needs=need_table,
        offer=offer_table,
        details=details,
        segments=pd.DataFrame(summary).set_index("segment"),
    )

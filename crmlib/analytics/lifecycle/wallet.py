"""Penetration and share of wallet: how much of what customers buy comes here.

- **Penetration.** Categories and products per customer, the cross-sell rate (share
  buying in two or more categories), category penetration, and share of wallet when
  the yearly spend of a customer in the market (the wallet) is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from crmlib.analytics.lifecycle._common import check_months, end_of, group_of
from crmlib.analytics.purchases import purchase_mask, purchase_table
from crmlib.analytics.summary import amount_per_customer, line_customers
from crmlib.data.frames_engine import engine_table, exact_sum, run, small_table
from crmlib.data.line_facts import stamp
from crmlib.errors import MissingDataError
from crmlib.formatting import count
from crmlib.loaded import derived, is_loaded
from crmlib.text import translate
from crmlib.text_columns import frame_values, positions


def penetration(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    *,
    start=None,
    end=None,
    segments: pd.Series | None = None,
) -> dict[str, pd.DataFrame]:
    """How far customers' buying reaches across the range: categories per customer,
    cross-sell and category penetration.

    Parameters
    ----------
    start, end : date-like, optional
        The purchase lines dated after ``start`` up to ``end`` (inclusive) count.

    Returns
    -------
    dict of DataFrame
        ``"per_customer"``: indexed by customer_id, ``categories`` and ``products``
        bought. ``"summary"``: per segment (or ``"all"``), ``buyers``,
        ``categories_per_buyer``, ``cross_sell_rate`` (share buying 2+ categories).
        ``"category_penetration"``: segments × categories, the share of the segment's
        buyers who bought in the category.
    """
    bought = _owned(transactions, products, start, end, "penetration")
    names, kinds = bought.customers, bought.categories
    width = max(len(kinds), 1)
    # distinct (customer, category) and (customer, product) pairs as numbers
    owned = _distinct(bought.customer * width + bought.category)
    sold = _distinct(bought.customer * max(bought.products, 1) + bought.product)
    per_customer = pd.DataFrame(
        {
            "categories": np.bincount(owned // width, minlength=len(names)),
            "products": np.bincount(sold // max(bought.products, 1), minlength=len(names)),
        },
        index=names,
    )
    group = (
        segments.reindex(per_customer.index).astype(object).fillna("unassigned")
        if segments is not None
        else pd.Series("all", index=per_customer.index)
    )
    summary = per_customer.groupby(group).agg(
        buyers=("categories", "size"), categories_per_buyer=("categories", "mean")
    )
    summary["cross_sell_rate"] = (per_customer["categories"] >= 2).groupby(group).mean()
    # one row per customer and category bought: the customer's group, the category
    counts = pd.crosstab(
        pd.Series(group.to_numpy()[owned // width], name="customer_id"),
        pd.Series(kinds.astype(object)[owned % width], name="category"),
    )
    category_penetration = counts.div(summary["buyers"], axis=0)
    for frame in (summary, category_penetration):
        frame.index.name = "segment"
    return {
        "per_customer": per_customer,
        "summary": summary,
        "category_penetration": category_penetration,
    }


@dataclass(frozen=True)
class _Bought:
    """The purchase lines with a known customer and product category, as numbers.

    ``customer`` is each line's customer as its place in ``customers`` (the buyers' ids,
    sorted as text), ``category`` its category's place in ``categories`` (sorted text),
    ``product`` its product's row in the catalogue (of ``products`` rows).
    """

    customer: np.ndarray
    category: np.ndarray
    product: np.ndarray
    customers: pd.Index
    categories: np.ndarray
    products: int
    #: the type a new frame gives the categories (pandas' str for text)
    category_dtype: object


def _require_categories(transactions: pd.DataFrame, products, step: str) -> None:
    """Raise, naming the step, unless the lines have products and the products categories."""
    if (
        products is None
        or not {"product_id", "category"} <= set(products.columns)
        or "product_id" not in transactions.columns
    ):
        raise MissingDataError(
            translate("{step} needs product_id in transactions and category in products").format(
                step=translate(step)
            )
        )


def _owned(transactions, products, start, end, step: str) -> _Bought:
    """:class:`_Bought` of the purchase lines dated in (start, end], kept with a loaded table.

    Penetration overall and per tier and the category cross-sell read the same lines:
    they are numbered once per kernel, without a copy of them or a text per line.
    """
    _require_categories(transactions, products, step)
    if is_loaded(products):
        key = (
            None if start is None else pd.Timestamp(start),
            None if end is None else pd.Timestamp(end),
            id(products),
        )
        return derived(
            transactions,
            "categories bought",
            key,
            lambda: _number_bought(transactions, products, start, end),
        )
    return _number_bought(transactions, products, start, end)


def _number_bought(transactions, products, start, end) -> _Bought:
    keep = purchase_mask(transactions, end)
    if start is not None:
        keep &= (transactions["date"] > pd.Timestamp(start)).to_numpy(dtype=bool, na_value=False)
    rows = np.flatnonzero(keep)
    catalogue = products.set_index("product_id")["category"]
    found = positions(catalogue.index, transactions["product_id"].iloc[rows])
    kind_number, kind_values = pd.factorize(catalogue)
    category = np.full(len(found), -1, dtype=np.int64)
    category[found >= 0] = kind_number[found[found >= 0]]
    customer, labels = line_customers(transactions, "transactions")
    customer = customer[rows]
    known = (category >= 0) & (customer >= 0)
    customer, category, product = customer[known], category[known], found[known]
    # customers and categories ranked by their text: the tables list them sorted so
    buyers, customer = _text_ranks(labels, customer)
    kinds, category = _text_ranks(pd.Index(kind_values), category)
    return _Bought(
        customer=customer,
        category=category,
        product=product.astype(np.int64),
        # the ids in the type a new frame gives them (pandas' str for text)
        customers=pd.Index(frame_values(labels.take(buyers)), name="customer_id"),
        categories=pd.Index(kind_values).take(kinds).to_numpy(dtype=str),
        products=len(catalogue),
        category_dtype=pd.Series(np.asarray(kind_values, dtype=object)).dtype,
    )


def _text_ranks(values: pd.Index, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes in the order of their values as text, and each code's place there.

    As ``np.unique(values[codes].astype(str), return_inverse=True)``, with only the
    distinct values written as text and sorted.
    """
    present = _distinct(codes)
    order = np.argsort(values.take(present).to_numpy(dtype=str), kind="stable")
    place = np.empty(len(values), dtype=np.int64)
    place[present[order]] = np.arange(len(present))
    return present[order], place[codes]


#: Up to this many possible keys, distinct keys are found by marking them in an array
#: (one byte per possible key, in one pass) rather than by hashing or sorting them.
_MARKED_KEYS = 1 << 28


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct non-negative whole numbers of ``keys``, ascending (``np.unique``)."""
    if not len(keys):
        return keys
    space = int(keys.max()) + 1
    if space > _MARKED_KEYS:
        return np.unique(keys)
    marked = np.zeros(space, dtype=bool)
    marked[keys] = True
    return np.flatnonzero(marked)


def category_affinity(
    transactions: pd.DataFrame, products: pd.DataFrame, *, start=None, end=None
) -> pd.DataFrame:
    """Cross-sell between categories: of the buyers of A, the share who also bought B.

    Parameters
    ----------
    start, end : date-like, optional
        The purchase lines dated after ``start`` up to ``end`` (inclusive) count.

    Returns
    -------
    DataFrame
        Rows ``bought`` (A) and columns ``also_bought`` (B), both the categories;
        the diagonal is NaN.
    """
    bought = _owned(transactions, products, start, end, "category cross-sell")
    customer, category, categories = bought.customer, bought.category, bought.categories
    # who owns what, as a sparse customers x categories matrix (a crosstab of a million
    # customers counts its cells in Python): both[a, b] = customers who bought a and b
    owned = sparse.csr_matrix(
        (np.ones(len(customer)), (customer, category)),
        shape=(len(bought.customers), len(categories)),
    )
    owned.sum_duplicates()
    owned.data[:] = 1.0
    names = pd.Index(categories, name="category").astype(bought.category_dtype)
    both = pd.DataFrame((owned.T @ owned).toarray(), index=names, columns=names)
    buyers = pd.Series(np.diag(both.to_numpy()), index=both.index)
    share = both.div(buyers, axis=0)
    values = share.to_numpy(copy=True)
    np.fill_diagonal(values, np.nan)
    out = pd.DataFrame(values, index=share.index, columns=share.columns)
    out.index.name, out.columns.name = "bought", "also_bought"
    return out


def category_spend(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    *,
    segments: pd.Series | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """What each segment buys: its spend per category as a share of its spend.

    Returns
    -------
    DataFrame
        Rows: segments (or ``"all"``); columns: categories; values: shares of the
        segment's spend (rows sum to 1).
    """
    _require_categories(transactions, products, "spend per category")
    spend = spend_by_category(transactions, products, segments, start=start, end=end)
    share = spend.div(spend.sum(axis=1).where(lambda s: s != 0), axis=0)
    share.index.name, share.columns.name = "segment", "category"
    return share


def spend_by_category(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    segments: pd.Series | None = None,
    *,
    start=None,
    end=None,
    purchases_only: bool = True,
    unassigned: bool = True,
) -> pd.DataFrame:
    """Spend per segment (rows) and product category (columns), summed by DuckDB: only
    that small table comes back, 0 where a segment bought nothing of a category.

    Parameters
    ----------
    segments : Series, optional
        A label per customer id; without it everyone is ``"all"``.
    start, end : date-like, optional
        The lines dated after ``start`` up to ``end`` count.
    purchases_only : bool, default True
        Only purchase lines (:func:`crmlib.analytics.purchases.purchase_mask`); else every
        line, returns netted.
    unassigned : bool, default True
        Customers without a segment as ``"unassigned"``; else left out.

    Lines whose product has no category are left out.
    """
    import ibis

    columns = ["customer_id", "product_id"] + ["amount"] * ("amount" in transactions.columns)
    if purchases_only:
        lines = purchase_table(transactions, [*columns, "date"], end)
    else:
        lines = engine_table(transactions, [*columns, "date"])
        if end is not None:
            lines = lines.filter(lines.date <= stamp(end))
    if start is not None:
        lines = lines.filter(lines.date > stamp(start))
    catalogue = products.drop_duplicates("product_id")[["product_id", "category"]].dropna()
    labels, names = pd.factorize(catalogue["category"], sort=True)
    catalogue = small_table(
        {"known": catalogue["product_id"].astype("str").to_numpy(), "label": labels}
    )
    lines = lines.join(catalogue, lines.product_id.cast("string") == catalogue.known)
    if segments is None:
        groups = pd.Index(["all"], dtype=object)
        lines = lines.mutate(group=ibis.literal(0))
    else:
        # each segment as a number: the labels stay as the caller gave them
        codes, groups = pd.factorize(segments.astype(object), use_na_sentinel=True)
        groups = pd.Index([*groups, "unassigned"], dtype=object)
        labelled = codes >= 0
        given = small_table(
            {"member": segments.index.astype("str").to_numpy()[labelled], "code": codes[labelled]}
        )
        matched = lines.customer_id.cast("string") == given.member
        lines = lines.left_join(given, matched) if unassigned else lines.join(given, matched)
        lines = lines.mutate(group=lines.code.fill_null(len(groups) - 1))
    summed = lines.group_by("group", "label").aggregate(
        spend=exact_sum(lines.amount if "amount" in transactions.columns else ibis.literal(0.0))
    )
    found = run(summed)
    spend = found.pivot(index="group", columns="label", values="spend").fillna(0.0)
    spend.index = groups.take(spend.index.to_numpy(dtype=np.intp))
    spend.columns = pd.Index(names.take(spend.columns.to_numpy(dtype=np.intp)))
    return spend.sort_index().sort_index(axis=1).astype(float)


def share_of_wallet(
    transactions: pd.DataFrame,
    wallet_per_customer: float,
    *,
    end=None,
    months: int = 12,
    segments: pd.Series | None = None,
) -> pd.DataFrame:
    """Share of wallet: what customers spend here against what they spend in the market.

    The wallet is an estimate, given from outside the data: what one customer spends a
    year on what the company sells, here and elsewhere. A customer's share is their
    spend over the last ``months`` (scaled to a year) divided by the wallet, capped at
    1; the headroom is the part of the wallet spent elsewhere.

    Parameters
    ----------
    wallet_per_customer : float
        A customer's yearly spend in the market. 0 means unknown.

    Returns
    -------
    DataFrame
        Indexed by segment, ``"all"`` last: ``buyers`` (active in the window),
        ``spend_per_buyer`` (a year), ``wallet_per_customer``, ``share_of_wallet``
        (mean of the customers' shares) and ``headroom`` (yearly spend left
        elsewhere by the buyers, summed).

    Raises
    ------
    MissingDataError
        When the wallet is unknown (0) or nobody bought in the window.
    """
    if not wallet_per_customer or wallet_per_customer <= 0:
        raise MissingDataError(
            translate(
                "share of wallet needs an estimate of what a customer spends a year in the market, "
                "here and elsewhere (the parameter wallet_per_customer); the data holds only the "
                "spend here"
            )
        )
    months = check_months(months)
    # the window's purchase lines as a mask, summed per customer number: no copy of them
    keep, dates = purchase_mask(transactions, end), transactions["date"]
    stop = end_of(pd.DataFrame({"date": dates[keep]}) if end is None else transactions, end)
    start = stop - pd.DateOffset(months=months)
    window = keep & (dates > start).to_numpy(dtype=bool, na_value=False)
    if not window.any():
        raise MissingDataError(
            translate("share of wallet needs purchases in the last {months} months").format(
                months=count(months)
            )
        )
    spend = amount_per_customer(transactions, window).astype(float) * 12 / months
    spend = spend[spend > 0]
    share = (spend / wallet_per_customer).clip(upper=1.0)
    headroom = (wallet_per_customer - spend).clip(lower=0.0)
    frame = pd.DataFrame({"spend": spend, "share": share, "headroom": headroom})
    group = group_of(frame.index, segments)
    rows = ([*frame.groupby(group.to_numpy(), sort=True)] if segments is not None else []) + [
        ("all", frame)
    ]
    out = pd.DataFrame(
        {
            name: {
                "buyers": len(part),
                "spend_per_buyer": float(part["spend"].mean()),
                "wallet_per_customer": float(wallet_per_customer),
                "share_of_wallet": float(part["share"].mean()),
                "headroom": float(part["headroom"].sum()),
            }
            for name, part in rows
        }
    ).T
    out["buyers"] = out["buyers"].astype(int)
    out.index.name = "segment"
    return out

"""Product affinity: what is bought together, what is bought next, and for whom.

IDIC's *Customize* phase asks what each customer (or very specific group) should be
offered. The workbook answers it from the purchase history alone, with the measures of
market-basket analysis and of item-to-item recommendation (Agrawal, Imielinski & Swami
1993 for support, confidence and lift; Linden, Smith & York 2003 for item-to-item
recommendations). An *item* is a product (``level="product"``) or a product category
(``level="category"``, which needs the products table).

Bought together (:func:`co_purchase`)
    Over *units*: baskets (one customer's purchases on one day, since the data model
    has no receipt number) or customers (their whole history). For a pair (item,
    other): ``confidence`` is the share of units with the item that also hold the
    other, and ``lift`` that confidence divided by the other's overall share. A lift
    above 1 means the two go together more than chance would have it.

Bought next (:func:`next_purchase_rates`)
    Of the customers who bought item *i*, the share who bought item *j* on a later day
    than their first purchase of *i*. For *j = i* this is the product's repeat rate:
    soil and pet food come back, a garden set rarely does. Rates are smoothed toward
    the base rate of *j* (the rate into *j* from an average history: the bought-next
    counts into *j* over all customer-item pairs) with ``prior_strength``
    pseudo-customers, so a product bought by three people does not dictate anyone's
    recommendations.

Next best product (:func:`next_best_products`)
    A customer's score for item *j* is the mean of the bought-next rates from each item
    in their history to *j*: the share of customers with the same items who went on to
    buy it. ``lift`` is the score over the base rate. Items at least ``min_lift`` times
    as likely for the customer as for anyone come first, so the few best sellers do not
    top every list. Owned items are left out when a new purchase of them is unlikely
    (repeat rate below ``repeat_threshold``), so consumables can be offered again and
    furniture is not. Customers without a history get the items most often bought next
    by everybody (``basis = "popular"``).

Purchases are lines with a product and a positive amount (returns are left out),
up to ``end`` when given. Functions never change their input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from crmlib.analytics.summary import require_columns as _require_columns
from crmlib.analytics.summary import table_customers
from crmlib.errors import MissingDataError, ParameterError
from crmlib.loaded import derived, is_loaded
from crmlib.text import translate
from crmlib.text_columns import as_objects, mapped

LEVELS = {"product": "product_id", "category": "category"}

#: Score matrices are built this many cells at a time, to bound memory on large bases.
_CELLS_PER_CHUNK = 5_000_000


def _item_col(level: str) -> str:
    if level not in LEVELS:
        raise ParameterError(f"level must be 'product' or 'category', got {level!r}")
    return LEVELS[level]


@dataclass(frozen=True)
class _Lines:
    """The purchase lines of :func:`purchase_items` as numbers: one entry per line.

    Affinity groups ten million lines by customer, by day and by item. On Python
    strings that is seconds per grouping; on these codes it is integer work.
    """

    #: each line's customer: a position in ``customers``
    customer: np.ndarray
    #: the customer ids as text; some may have no line
    customers: pd.Index
    #: each line's day, as the transactions hold it
    when: np.ndarray
    #: each line's item: a position in ``items``
    item: np.ndarray
    #: the distinct items as text, sorted
    items: np.ndarray

    def __len__(self) -> int:
        return len(self.item)


def purchase_items(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    level: str = "product",
    end=None,
) -> pd.DataFrame:
    """The purchase lines as ``customer_id``, ``date``, ``item`` (returns left out).

    Parameters
    ----------
    transactions : DataFrame
        With ``customer_id``, ``date``, ``product_id`` and ``amount``; ``is_return``
        and ``quantity`` are used when present. Not modified.
    products : DataFrame, optional
        The catalogue; needed (with ``category``) for ``level="category"``.
    level : {"product", "category"}
        What an item is.
    end : date-like, optional
        Lines after this day are left out.

    Returns
    -------
    DataFrame
        One row per purchase line with ``customer_id``, ``date`` and ``item`` (str).

    Raises
    ------
    MissingDataError
        Without ``product_id`` in transactions, or without the products' ``category``
        at the category level.
    """
    lines = _coded_lines(transactions, products, level, end)
    out = pd.DataFrame(
        {
            "customer_id": as_objects(lines.customers.take(lines.customer)),
            "date": lines.when,
            "item": lines.items.astype(object)[lines.item],
        }
    )
    out.attrs["item"] = _item_col(level)
    return out


def _coded_lines(
    transactions: pd.DataFrame, products: pd.DataFrame | None, level: str, end
) -> _Lines:
    """The purchase lines as numbers, kept with a loaded company while it lives."""
    _item_col(level)
    if products is not None and not is_loaded(products):
        return _code_lines(transactions, products, level, end)
    # the same lines are read by co-purchase, next-purchase rates and the scores
    key = (level, None if end is None else pd.Timestamp(end), id(products))
    return derived(
        transactions,
        "purchase_items",
        key,
        lambda: _code_lines(transactions, products, level, end),
    )


def _code_lines(
    transactions: pd.DataFrame, products: pd.DataFrame | None, level: str, end
) -> _Lines:
    if "product_id" not in transactions.columns:
        raise MissingDataError(
            translate(
                "product affinity needs the column product_id in transactions (what was bought)"
            )
        )
    _require_columns(transactions, "transactions", ["customer_id", "date", "amount"])
    if level == "category" and (products is None or "category" not in products.columns):
        raise MissingDataError(
            translate("category affinity needs the products table with a category column")
        )
    keep = transactions["product_id"].notna().to_numpy(dtype=bool)
    keep = keep & (pd.to_numeric(transactions["amount"], errors="coerce") > 0).to_numpy(
        dtype=bool, na_value=False
    )
    if "is_return" in transactions.columns:
        keep = keep & ~transactions["is_return"].astype("boolean").fillna(False).to_numpy(
            dtype=bool
        )
    if "quantity" in transactions.columns:
        keep = keep & ~(pd.to_numeric(transactions["quantity"], errors="coerce") < 0).to_numpy(
            dtype=bool, na_value=False
        )
    if end is not None:
        keep = keep & (transactions["date"] <= pd.Timestamp(end)).to_numpy(
            dtype=bool, na_value=False
        )
    rows = np.flatnonzero(keep)
    # A catalogue has hundreds of products and the lines millions: each product is
    # written as text, and looked up in the catalogue, once.
    product, products_seen = _kept_codes(transactions, "product_id", pd.factorize)
    if level == "category":
        category = products.drop_duplicates("product_id").set_index("product_id")["category"]
        found = pd.Index(products_seen).map(category)
    else:
        found = pd.Index(products_seen)
    words = pd.Series(found, dtype=object).astype("string")
    known = words.notna().to_numpy(dtype=bool)
    all_items, word_code = np.unique(words[known].to_numpy(dtype=str), return_inverse=True)
    item_of_product = np.full(len(words), -1, dtype=np.int64)
    item_of_product[known] = np.asarray(word_code).ravel()
    item = item_of_product[product[rows]]
    # lines whose item is unknown (a product without a category) are left out
    with_item = item >= 0
    rows, item = rows[with_item], item[with_item]
    # the items are those of the kept lines, numbered in their sorted order
    bought = np.bincount(item, minlength=len(all_items)) > 0
    item = (np.cumsum(bought) - 1)[item]
    customer, customers = table_customers(transactions, "transactions")
    # kept while the company lives: 32-bit codes halve what a line costs (a company has
    # fewer than two billion customers, a catalogue fewer than two billion items)
    return _Lines(
        customer=customer[rows].astype(np.int32),
        customers=customers.astype(str),
        when=transactions["date"].to_numpy()[rows],
        item=item.astype(np.int32),
        items=all_items[bought],
    )


def _kept_codes(transactions: pd.DataFrame, column: str, number) -> tuple[np.ndarray, pd.Index]:
    """``number(transactions[column])``: every line's code and the value of every code.

    Kept with a loaded company, for both levels of affinity.
    """
    return derived(transactions, f"codes of {column}", None, lambda: number(transactions[column]))


def co_purchase(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    level: str = "category",
    within: str = "basket",
    end=None,
) -> pd.DataFrame:
    """Support, confidence and lift of every pair of items bought together.

    Parameters
    ----------
    transactions, products, level, end
        See :func:`purchase_items`.
    within : {"basket", "customer"}
        A basket is one customer's purchases on one day; a customer is their whole
        history.

    Returns
    -------
    DataFrame
        One row per ordered pair that occurs together at least once: ``item``,
        ``other``, ``together`` (units holding both), ``item_units``, ``other_units``,
        ``units`` (all units), ``support`` (together / units), ``confidence``
        (together / item_units) and ``lift`` (confidence / (other_units / units)),
        sorted by lift, highest first.
    """
    if within not in ("basket", "customer"):
        raise ParameterError(f"within must be 'basket' or 'customer', got {within!r}")
    lines = _coded_lines(transactions, products, level, end)
    items, item_code = lines.items, lines.item
    unit = _units(lines, within)
    presence = sparse.csr_matrix(
        (np.ones(len(unit)), (unit, item_code)),
        shape=(int(unit.max()) + 1 if len(unit) else 0, len(items)),
    )
    presence.sum_duplicates()
    presence.data[:] = 1.0  # several lines of one item in a unit count once
    together = (presence.T @ presence).toarray()
    n_units = presence.shape[0]
    counts = np.diag(together).copy()
    rows, cols = np.nonzero(together)
    off = rows != cols
    rows, cols = rows[off], cols[off]
    both = together[rows, cols]
    out = pd.DataFrame(
        {
            "item": items[rows],
            "other": items[cols],
            "together": both.astype(np.int64),
            "item_units": counts[rows].astype(np.int64),
            "other_units": counts[cols].astype(np.int64),
            "units": n_units,
        }
    )
    out["support"] = out["together"] / n_units
    out["confidence"] = out["together"] / out["item_units"]
    out["lift"] = out["confidence"] / (out["other_units"] / n_units)
    out = out.sort_values(["lift", "together"], ascending=False, kind="mergesort")
    return out.reset_index(drop=True)


def _units(lines: _Lines, within: str) -> np.ndarray:
    """Each line's unit (a basket or a customer), numbered from 0."""
    if within == "customer":
        return lines.customer
    day, days = pd.factorize(lines.when)
    # one number per (customer, day): at most customers x days, well inside int64
    basket = lines.customer.astype(np.int64) * max(len(days), 1) + day
    return pd.factorize(basket)[0]


def lift_matrix(pairs: pd.DataFrame, value: str = "lift") -> pd.DataFrame:
    """The pairs of :func:`co_purchase` as a square item x item table (diagonal empty)."""
    _require_columns(pairs, "pairs", ["item", "other", value])
    items = sorted(set(pairs["item"]) | set(pairs["other"]))
    table = pairs.pivot(index="item", columns="other", values=value)
    table = table.reindex(index=items, columns=items)
    table.index.name = "item"
    table.columns.name = "other"
    return table


@dataclass(frozen=True)
class NextPurchase:
    """What customers buy after each item (see :func:`next_purchase_rates`).

    Attributes
    ----------
    rates : DataFrame
        Items x items: the smoothed share of buyers of the row item who bought the
        column item on a later day. The diagonal is the smoothed repeat rate.
    buyers : Series
        Customers who bought each item.
    repeat_rate : Series
        The raw share of each item's buyers who bought it again on a later day.
    base_rate : Series
        The rate into each item from an average history: all bought-next counts into
        the item over all (customer, item) pairs. It is the score to expect without
        knowing anything about the customer, so a lift of 1 is "as likely as anyone".
    level : str
        "product" or "category".
    """

    rates: pd.DataFrame
    buyers: pd.Series
    repeat_rate: pd.Series
    base_rate: pd.Series
    level: str


def _first_last(lines: _Lines) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (customer, item), sorted by customer then item: the customer and item codes of
    ``lines`` and the first and last day (day numbers) the customer bought the item.

    Grouped on one number per pair, and returned as arrays: at ten million lines a
    table of them would be one more copy of every column.
    """
    width = max(len(lines.items), 1)
    pair = lines.customer.astype(np.int64) * width + lines.item
    # one sort of the pair numbers, then the first and last day of each run of equal ones
    # (min and max do not depend on the order within a run, so the sort need not be stable)
    order = np.argsort(pair)
    pair = pair[order]
    days = lines.when.astype("datetime64[D]").view(np.int64)[order].astype(np.int32)
    del order
    starts = np.r_[0, np.flatnonzero(np.diff(pair)) + 1] if len(pair) else np.array([], int)
    pairs = pair[starts]
    del pair
    if len(starts):
        first, last = np.minimum.reduceat(days, starts), np.maximum.reduceat(days, starts)
    else:
        first, last = days[:0], days[:0]
    return pairs // width, pairs % width, first, last


#: Customer-item pairs compared in one block of :func:`_follow_counts`. Each pair takes
#: about 60 bytes of index arrays while its block runs; at a million customers blocks of a
#: million pairs were faster than blocks of five million (4.1-4.6 s against 5.9-6.2 s for
#: the next-purchase rates) and held 250 MB less.
_PAIRS_PER_BLOCK = 1_000_000


def _follow_counts(
    code: np.ndarray, customer: np.ndarray, first: np.ndarray, last: np.ndarray, n_items: int
) -> np.ndarray:
    """``out[i, j]``: customers whose last purchase of j is later than their first of i.

    The inputs are one row per (customer, item), sorted by customer. Every item of a
    customer is paired with every item of the same customer, a block of customers at a
    time, so memory stays bounded by the block's sum of squared history sizes.
    """
    starts = np.r_[0, np.flatnonzero(np.diff(customer)) + 1]
    sizes = np.diff(np.r_[starts, len(customer)])
    squares = sizes.astype(np.int64) ** 2
    block = (np.cumsum(squares) - squares) // _PAIRS_PER_BLOCK
    bounds = np.r_[0, np.flatnonzero(np.diff(block)) + 1, len(sizes)]
    follows = np.zeros(n_items * n_items, dtype=np.int64)
    for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
        size, square = sizes[b0:b1], squares[b0:b1]
        # pair p of customer k is (a, b) = divmod(p, size_k), both counted from the
        # customer's first row
        row_start = np.repeat(starts[b0:b1], square)
        position = np.arange(int(square.sum())) - np.repeat(np.cumsum(square) - square, square)
        width = np.repeat(size, square)
        left = row_start + position // width
        right = row_start + position % width
        later = last[right] > first[left]
        follows += np.bincount(
            code[left[later]] * n_items + code[right[later]], minlength=n_items * n_items
        )
    return follows.reshape(n_items, n_items)


def next_purchase_rates(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    level: str = "product",
    end=None,
    prior_strength: float = 10.0,
) -> NextPurchase:
    """Of the buyers of each item, the share who bought each other item on a later day.

    Parameters
    ----------
    transactions, products, level, end
        See :func:`purchase_items`.
    prior_strength : float, default 10
        Pseudo-customers at the base rate added to every item's buyers (0 = raw rates).

    Returns
    -------
    NextPurchase

    Raises
    ------
    MissingDataError
        Without product data, or without any purchase.
    """
    if prior_strength < 0:
        raise ParameterError(f"prior_strength must be zero or more, got {prior_strength}")
    lines = _coded_lines(transactions, products, level, end)
    if not len(lines):
        raise MissingDataError(
            translate("product affinity needs at least one purchase with a product")
        )
    customer, code, first, last = _first_last(lines)
    items = lines.items
    n_items = len(items)
    follows = _follow_counts(code, customer, first, last, n_items)
    buyers = np.bincount(code, minlength=n_items).astype(np.float64)
    # The rate into j of an average history: every (customer, item) weighs the same.
    base = follows.sum(axis=0) / max(buyers.sum(), 1.0)
    rates = (follows + prior_strength * base[None, :]) / (buyers[:, None] + prior_strength)
    index = pd.Index(items, name=LEVELS[level])
    return NextPurchase(
        rates=pd.DataFrame(rates, index=index, columns=index),
        buyers=pd.Series(buyers.astype(np.int64), index=index, name="buyers"),
        repeat_rate=pd.Series(np.diag(follows) / buyers, index=index, name="repeat_rate"),
        base_rate=pd.Series(base, index=index, name="base_rate"),
        level=level,
    )


def _ownership(lines: _Lines, customers: pd.Index, items: pd.Index) -> sparse.csr_matrix:
    """Customers x items: 1 where the customer bought the item."""
    # each distinct customer and item is looked up once, not once per line
    row = customers.get_indexer(lines.customers)[lines.customer]
    col = items.get_indexer(lines.items)[lines.item]
    ok = (row >= 0) & (col >= 0)
    matrix = sparse.csr_matrix(
        (np.ones(int(ok.sum())), (row[ok], col[ok])), shape=(len(customers), len(items))
    )
    matrix.sum_duplicates()
    matrix.data = np.minimum(matrix.data, 1.0)
    return matrix


def _check_exclude(exclude_owned) -> None:
    if exclude_owned not in (True, False, "one-off"):
        raise ParameterError(
            f"exclude_owned must be True, False or 'one-off', got {exclude_owned!r}"
        )


def affinity_scores(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    customers=None,
    level: str = "product",
    exclude_owned: bool | str = "one-off",
    repeat_threshold: float = 0.2,
    end=None,
    prior_strength: float = 10.0,
    affinity: NextPurchase | None = None,
):
    """Every customer's score for every item, a block of customers at a time.

    Yields ``(customer_ids, scores, owned, has_history)`` per block, where ``scores`` is
    a customers x items array (NaN where an item is left out), so callers can reduce
    it (top-n per customer, means per segment) without holding the whole matrix.
    The item index is ``affinity.rates.columns``. Parameters as in
    :func:`next_best_products`.
    """
    _check_exclude(exclude_owned)
    affinity = affinity or next_purchase_rates(
        transactions, products, level=level, end=end, prior_strength=prior_strength
    )
    lines = _coded_lines(transactions, products, affinity.level, end)
    # without a list: every customer with a purchase, in order of their first line
    ids = (
        lines.customers.take(pd.unique(lines.customer))
        if customers is None
        else pd.Index(customers).astype(str)
    )
    items = affinity.rates.columns
    owned_all = _ownership(lines, ids, items)
    rates = affinity.rates.to_numpy()
    popular = affinity.base_rate.to_numpy()
    repeatable = (affinity.repeat_rate.to_numpy() >= repeat_threshold)[None, :]
    step = max(1, _CELLS_PER_CHUNK // max(len(items), 1))
    for start in range(0, len(ids), step):
        owned = owned_all[start : start + step]
        held = np.asarray(owned.sum(axis=1)).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.asarray(owned @ rates) / held[:, None]
        history = held > 0
        scores[~history] = popular
        dense = owned.toarray() > 0
        if exclude_owned is True:
            scores[dense] = np.nan
        elif exclude_owned == "one-off":
            scores[dense & ~repeatable] = np.nan
        yield ids[start : start + step], scores, dense, history


def next_best_products(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    customers=None,
    top_n: int = 3,
    level: str = "product",
    exclude_owned: bool | str = "one-off",
    repeat_threshold: float = 0.2,
    min_lift: float = 1.2,
    end=None,
    prior_strength: float = 10.0,
    affinity: NextPurchase | None = None,
    details: bool = True,
) -> pd.DataFrame:
    """The items each customer is most likely to buy next, from what similar buyers did.

    Parameters
    ----------
    transactions, products, level, end
        See :func:`purchase_items`.
    customers : sequence of ids, optional
        The customers to recommend for (default: every customer with a purchase).
        Customers without a purchase get the most popular next items.
    top_n : int, default 3
        Items per customer.
    exclude_owned : True, False or "one-off", default "one-off"
        Leave out every owned item (True), none (False), or the owned items whose
        repeat rate is below ``repeat_threshold`` ("one-off").
    repeat_threshold : float, default 0.2
        See ``exclude_owned``.
    min_lift : float, default 1.2
        Items whose lift for the customer reaches this come first (by score), then
        the others (by score): without it the few best sellers would top every list,
        although they are no likelier for this customer than for anyone.
    prior_strength : float, default 10
        See :func:`next_purchase_rates`.
    affinity : NextPurchase, optional
        Rates computed before (saves the work when called several times).
    details : bool, default True
        Add each product's ``name`` and ``category``. A caller who sums the lists up
        can leave them out and add them to the sums (:func:`with_product_details`):
        for a million customers they are six million more values of text.

    Returns
    -------
    DataFrame
        ``top_n`` rows per customer, in the order of ``customers``: ``customer_id``,
        ``rank`` (1 = most likely), the item column (``product_id`` or ``category``),
        ``score`` (0-1), ``lift`` (score / base rate), ``owned`` (bought before) and
        ``basis`` ("history" or "popular"); with ``name`` and ``category`` of the
        product when ``products`` has them (product level).
    """
    if int(top_n) != top_n or top_n < 1:
        raise ParameterError(f"top_n must be a whole number above 0, got {top_n}")
    affinity = affinity or next_purchase_rates(
        transactions, products, level=level, end=end, prior_strength=prior_strength
    )
    # text columns are taken from Arrow text: a Python string per row of the result
    # (three per customer) would be turned back into Arrow text by pandas
    items = pd.Index(affinity.rates.columns, dtype="str")
    bases = pd.Index(["popular", "history"], dtype="str")
    base = affinity.base_rate.to_numpy()
    frames = []
    for ids, scores, owned, history in affinity_scores(
        transactions,
        products,
        customers=customers,
        exclude_owned=exclude_owned,
        repeat_threshold=repeat_threshold,
        end=end,
        affinity=affinity,
    ):
        with np.errstate(divide="ignore", invalid="ignore"):
            lifted = scores / base[None, :] >= min_lift
        # items the history makes likelier than for the average buyer come first
        filled = np.where(np.isnan(scores), -np.inf, scores - 1.0 * ~lifted)
        n = min(int(top_n), filled.shape[1])
        top = _top_columns(filled, n)
        picked = np.take_along_axis(filled, top, axis=1)
        rows = np.repeat(np.arange(len(ids)), n)
        frame = pd.DataFrame(
            {
                "customer_id": _text(ids).take(rows),
                "rank": np.tile(np.arange(1, n + 1), len(ids)),
                LEVELS[affinity.level]: items.take(top.ravel()),
                "score": np.take_along_axis(scores, top, axis=1).ravel(),
                "_key": picked.ravel(),
                "owned": np.take_along_axis(owned, top, axis=1).ravel(),
                "basis": bases.take(history[rows].astype(np.intp)),
            }
        )
        frames.append(frame[np.isfinite(frame.pop("_key").to_numpy())])
    columns = ["customer_id", "rank", LEVELS[affinity.level], "score", "lift", "owned", "basis"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    item_base = pd.Series(base, index=affinity.rates.columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["lift"] = (
            out["score"].to_numpy() / item_base.reindex(out[LEVELS[affinity.level]]).to_numpy()
        )
    out = out[columns]
    if details and affinity.level == "product":
        out = with_product_details(out, products)
    return out


def with_product_details(frame: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with the ``name`` and ``category`` of its ``product_id`` (text) added
    at the end, those the products table has; ``frame`` itself without them."""
    details = [c for c in ("name", "category") if products is not None and c in products]
    if not details or "product_id" not in frame.columns:
        return frame
    catalogue = products.drop_duplicates("product_id").set_index("product_id")[details]
    catalogue.index = catalogue.index.astype(str)
    return frame.join(catalogue, on="product_id")


def _top_columns(values: np.ndarray, n: int) -> np.ndarray:
    """Per row, the columns of the ``n`` largest values, largest first; ties by column.

    As ``np.argsort(-values, axis=1, kind="stable")[:, :n]`` for the finite values, with
    ``n`` passes of ``argmax`` instead of sorting every row's hundreds of items. Where a
    row has fewer than ``n`` finite values the remaining columns are any with ``-inf``
    (callers leave those out).
    """
    left = values.copy()
    rows = np.arange(len(values))
    top = np.empty((len(values), n), dtype=np.intp)
    for rank in range(n):
        # argmax takes the first of equal values, as the stable sort does
        top[:, rank] = np.argmax(left, axis=1)
        left[rows, top[:, rank]] = -np.inf
    return top


def _text(ids: pd.Index) -> pd.Index:
    """``ids`` as pandas text (the ids of :func:`affinity_scores` are text already)."""
    return ids if isinstance(ids.dtype, pd.StringDtype) else pd.Index(ids, dtype="str")


def segment_next_best(
    recommendations: pd.DataFrame,
    segments: pd.Series,
    *,
    top_n: int = 3,
) -> pd.DataFrame:
    """The items most often among the next best items of a segment's customers.

    Parameters
    ----------
    recommendations : DataFrame
        From :func:`next_best_products` (one row per customer and rank).
    segments : Series
        A segment per customer id (customers without a label are left out).
    top_n : int, default 3
        Items per segment.

    Returns
    -------
    DataFrame
        ``top_n`` rows per segment (segments in order of first appearance in
        ``segments``): ``segment``, ``rank``, the item column, ``customers`` (for how
        many of the segment's customers it is a next best item), ``share`` (of the
        segment's customers with recommendations), ``score`` and ``lift`` (means over
        those customers); with the product's ``name`` and ``category`` when the
        recommendations have them.
    """
    if int(top_n) != top_n or top_n < 1:
        raise ParameterError(f"top_n must be a whole number above 0, got {top_n}")
    item = next((c for c in ("product_id", "category") if c in recommendations.columns), None)
    _require_columns(recommendations, "recommendations", ["customer_id", item, "score", "lift"])
    labels = segments.dropna()
    labels.index = labels.index.astype(str)
    data = recommendations.assign(
        segment=mapped(recommendations["customer_id"].astype(str), labels),
        # customers are counted by number: counting distinct text is slower
        _customer=pd.factorize(recommendations["customer_id"])[0],
    )
    data = data[pd.notna(data["segment"])]
    details = [c for c in ("name", "category") if c in data.columns and c != item]
    grouped = data.groupby(["segment", item], sort=False)
    table = grouped.agg(
        customers=("_customer", "nunique"), score=("score", "mean"), lift=("lift", "mean")
    )
    for column in details:
        table[column] = grouped[column].first()
    table = table.reset_index()
    size = data.groupby("segment")["_customer"].nunique()
    table["share"] = table["customers"] / table["segment"].map(size).to_numpy(dtype=float)
    order = {segment: i for i, segment in enumerate(pd.unique(labels.to_numpy()))}
    table["_order"] = table["segment"].map(order)
    table = table.sort_values(
        ["_order", "customers", "score"], ascending=[True, False, False], kind="mergesort"
    )
    table["rank"] = table.groupby("segment").cumcount() + 1
    table = table[table["rank"] <= top_n]
    columns = ["segment", "rank", item, "customers", "share", "score", "lift", *details]
    return table[columns].reset_index(drop=True)

"""Customer profitability, IDIC's value categories and value tiers.

Peppers & Rogers differentiate customers by value: the **most valuable customers** (MVC:
retain them), the **most growable customers** (MGC: develop them) and the **below-zero
customers** (BZ: they cost more than they bring). Measuring this needs the margin each
customer brings and the cost of serving them, which this module computes from the
company's tables:

- margin per transaction line: ``amount - cost`` where the cost is known, otherwise
  ``amount * margin_rate`` of the product;
- cost to serve: each interaction costs its channel's ``cost_per_contact``;
- profit = margin - cost to serve.

Every function takes DataFrames (the tables of :class:`crmlib.Company`), never the
company object, so it can be used on any data and tested on small frames.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmlib.analytics.pareto import _clean_values
from crmlib.analytics.summary import count as _count
from crmlib.analytics.summary import require_columns as _require_columns
from crmlib.analytics.summary import sheet_rows as _sheet_rows
from crmlib.errors import DataValidationError, MissingDataError, ParameterError
from crmlib.money import round_money

#: Value categories, in the order of precedence in :func:`value_categories`.
VALUE_CATEGORIES = {
    "BZ": "below zero: costs more to serve than it brings; make profitable or serve for less",
    "MVC": "most valuable: the top by current value; retain",
    "MGC": "most growable: the largest gap between expected and current value; develop",
    "other": "the rest: maintain at a cost that fits their value",
}

#: Default value tiers: (name, cumulative share of value at which the tier ends).
DEFAULT_TIERS = (("platinum", 0.5), ("gold", 0.8), ("silver", 0.95), ("bronze", 1.0))


def _numbers(table: pd.DataFrame, column: str, name: str, fix: str) -> pd.Series:
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna().to_numpy() & table[column].notna().to_numpy()
    if bad.any():
        raise DataValidationError(
            name,
            f"{_count(int(bad.sum()), 'value', 'are')} not a number",
            column=column,
            rows=_sheet_rows(bad),
            fix=fix,
        )
    return values.astype(np.float64)


def transaction_margin(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    amount_col: str = "amount",
    cost_col: str = "cost",
    product_col: str = "product_id",
    margin_rate_col: str = "margin_rate",
) -> pd.Series:
    """Gross margin of every transaction line.

    ``amount - cost`` where the line has a cost; otherwise ``amount * margin_rate`` of
    its product (from ``products``). A return (negative amount) gives a negative margin.

    Parameters
    ----------
    transactions : DataFrame
        Transaction lines; not modified.
    products : DataFrame, optional
        The product catalogue with ``margin_rate``, needed for lines without a cost.
    amount_col, cost_col, product_col, margin_rate_col : str
        Column names.

    Returns
    -------
    Series of float
        Indexed like ``transactions``, named ``margin``.

    Raises
    ------
    MissingDataError
        If some lines have no cost and there is no product margin rate to fall back on.
    DataValidationError
        If amounts or costs are not numbers, or lines without a cost have a product
        that is not in the catalogue or has no margin rate.
    """
    _require_columns(transactions, "transactions", [amount_col])
    amount = _numbers(transactions, amount_col, "transactions", "enter the amount as a number")
    if amount.isna().any():
        bad = amount.isna().to_numpy()
        raise DataValidationError(
            "transactions",
            f"{_count(int(bad.sum()), 'amount', 'are')} missing",
            column=amount_col,
            rows=_sheet_rows(bad),
            fix="fill in the amount or remove the line",
        )
    if cost_col in transactions.columns:
        cost = _numbers(transactions, cost_col, "transactions", "enter the cost as a number")
    else:
        cost = pd.Series(np.nan, index=transactions.index)
    margin = amount - cost
    no_cost = cost.isna().to_numpy()
    if no_cost.any():
        has_rates = (
            products is not None
            and margin_rate_col in products.columns
            and product_col in transactions.columns
            and product_col in products.columns
        )
        if not has_rates:
            raise MissingDataError(
                f"{_count(int(no_cost.sum()), 'transaction line', 'have')} no {cost_col}, and there is no "
                f"product {margin_rate_col} to estimate their margin. Fix: add a '{cost_col}' "
                f"column to transactions, or a '{margin_rate_col}' column to products"
            )
        rates = _numbers(
            products,
            margin_rate_col,
            "products",
            "enter the margin rate as a fraction of the price, e.g. 0.35",
        )
        rate_of = pd.Series(rates.to_numpy(), index=products[product_col].astype(str))
        rate_of = rate_of[~rate_of.index.duplicated(keep="first")]
        line_rate = transactions[product_col].astype(str).map(rate_of).to_numpy(dtype=np.float64)
        unknown = no_cost & np.isnan(line_rate)
        if unknown.any():
            raise DataValidationError(
                "transactions",
                f"{_count(int(unknown.sum()), 'line', 'have')} no {cost_col} and a product without a "
                f"{margin_rate_col}",
                column=product_col,
                rows=_sheet_rows(unknown),
                fix=f"add the {cost_col} to the line, or the product with its {margin_rate_col} "
                "to products",
            )
        margin = margin.where(~no_cost, amount * line_rate)
    return margin.rename("margin")


def cost_to_serve(
    interactions: pd.DataFrame,
    channels: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    channel_col: str = "channel",
    cost_col: str = "cost_per_contact",
) -> pd.DataFrame:
    """Number of contacts and their cost, per customer.

    Parameters
    ----------
    interactions : DataFrame
        One row per contact; not modified.
    channels : DataFrame
        The channels and their ``cost_per_contact``.
    customer_col, channel_col, cost_col : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by customer: ``n_contacts`` (int) and ``cost_to_serve`` (float).

    Raises
    ------
    MissingDataError
        If a needed column is missing.
    DataValidationError
        If a contact uses a channel that has no cost in ``channels``.
    """
    _require_columns(interactions, "interactions", [customer_col, channel_col])
    _require_columns(channels, "channels", [channel_col, cost_col])
    costs = _numbers(channels, cost_col, "channels", "enter the cost per contact as a number")
    cost_of = pd.Series(costs.to_numpy(), index=channels[channel_col].astype(str).str.strip())
    cost_of = cost_of[~cost_of.index.duplicated(keep="first")].dropna()
    used = interactions[channel_col].astype(str).str.strip()
    contact_cost = used.map(cost_of).to_numpy(dtype=np.float64)
    unknown = np.isnan(contact_cost)
    if unknown.any():
        names = ", ".join(sorted(map(str, pd.unique(used[unknown])))[:5])
        raise DataValidationError(
            "interactions",
            f"{_count(int(unknown.sum()), 'contact')} with a channel without "
            f"a cost per contact ({names})",
            column=channel_col,
            rows=_sheet_rows(unknown),
            fix=f"add these channels with their {cost_col} to channels",
        )
    frame = pd.DataFrame({"customer": interactions[customer_col].to_numpy(), "cost": contact_cost})
    grouped = frame.groupby("customer", sort=True)["cost"]
    out = pd.DataFrame({"n_contacts": grouped.size(), "cost_to_serve": round_money(grouped.sum())})
    out.index.name = customer_col
    return out


def customer_profitability(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    *,
    customer_col: str = "customer_id",
    amount_col: str = "amount",
    cost_col: str = "cost",
    product_col: str = "product_id",
) -> pd.DataFrame:
    """Revenue, margin, cost to serve and profit per customer.

    Parameters
    ----------
    transactions : DataFrame
        Transaction lines (``customer_id``, ``amount``, and ``cost`` or ``product_id``).
    products : DataFrame, optional
        Products with ``margin_rate``, for lines without a cost.
    interactions, channels : DataFrame, optional
        Contacts and the cost per contact of each channel. Without them the cost to
        serve is 0 (and the result says so in ``DataFrame.attrs["cost_to_serve"]``).
    customers : DataFrame, optional
        The customer table: customers without transactions are included (revenue 0).
    customer_col, amount_col, cost_col, product_col : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by customer, sorted by customer id, with columns ``revenue``,
        ``gross_margin``, ``n_contacts``, ``cost_to_serve``, ``profit`` (gross margin
        minus cost to serve) and ``is_below_zero`` (profit below 0).

    Raises
    ------
    MissingDataError, DataValidationError
        See :func:`transaction_margin` and :func:`cost_to_serve`.
    """
    _require_columns(transactions, "transactions", [customer_col, amount_col])
    margin = transaction_margin(
        transactions, products, amount_col=amount_col, cost_col=cost_col, product_col=product_col
    )
    lines = pd.DataFrame(
        {
            "customer": transactions[customer_col].to_numpy(),
            "revenue": pd.to_numeric(transactions[amount_col]).to_numpy(dtype=np.float64),
            "gross_margin": margin.to_numpy(),
        }
    )
    out = lines.groupby("customer", sort=True)[["revenue", "gross_margin"]].sum()
    cost_known = interactions is not None and channels is not None
    if cost_known:
        serve = cost_to_serve(interactions, channels, customer_col=customer_col)
        out = out.join(serve, how="outer")
    else:
        out["n_contacts"] = 0
        out["cost_to_serve"] = 0.0
    if customers is not None:
        _require_columns(customers, "customers", [customer_col])
        everyone = pd.Index(customers[customer_col].dropna().unique())
        out = out.reindex(out.index.union(everyone))
    out = out.fillna({"revenue": 0.0, "gross_margin": 0.0, "n_contacts": 0, "cost_to_serve": 0.0})
    out["n_contacts"] = out["n_contacts"].astype(np.int64)
    out["profit"] = out["gross_margin"] - out["cost_to_serve"]
    out["is_below_zero"] = out["profit"] < 0
    out.index.name = customer_col
    out.attrs["cost_to_serve"] = (
        "measured" if cost_known else "not measured (no interactions or channels)"
    )
    return out[
        ["revenue", "gross_margin", "n_contacts", "cost_to_serve", "profit", "is_below_zero"]
    ]


def value_categories(
    table: pd.DataFrame,
    *,
    current_col: str = "current_value",
    future_col: str = "clv",
    mvc_share: float = 0.2,
    mgc_share: float = 0.2,
    past_col: str | None = None,
) -> pd.DataFrame:
    """IDIC's value categories: MVC, MGC, BZ and other.

    Definitions, applied in this order:

    1. **BZ** (below zero): current value below 0, i.e. the customer cost more to serve
       than the margin they brought.
    2. **MVC** (most valuable): the top ``mvc_share`` of all customers by current value
       (among those with a value above 0; ties at the cut are all in).
    3. **MGC** (most growable): of the customers not yet placed, the top ``mgc_share``
       of all customers by growth potential, where growth potential = expected future
       value minus past value (only a positive potential counts; ties at the cut are
       all in). Measure both values over windows of the same length and on the same
       footing (e.g. the gross margin of the last 12 months and the expected gross
       margin of the next 12), so the gap is the growth the models expect and not the
       cost to serve.
    4. **other**: everybody else.

    Parameters
    ----------
    table : DataFrame
        One row per customer; not modified.
    current_col : str, default "current_value"
        Current value (e.g. profit over the last year, after cost to serve).
    future_col : str, default "clv"
        Expected future value (e.g. predictive CLV as margin). Missing values (no model)
        mean no MGC for that customer.
    past_col : str, optional
        The past value the growth is measured from, on the footing of ``future_col``
        (e.g. gross margin when the forecast is gross margin); ``current_col`` when
        not given.
    mvc_share, mgc_share : float, default 0.2
        Share of all customers to place as MVC and as MGC, between 0 and 1.

    Returns
    -------
    DataFrame
        Indexed like ``table``: ``growth_potential`` (float) and ``value_category``
        (one of "MVC", "MGC", "BZ", "other").
    """
    for name, share in (("mvc_share", mvc_share), ("mgc_share", mgc_share)):
        if not 0 <= share <= 1:
            raise ParameterError(f"{name} must be between 0 and 1, got {share}")
    _require_columns(table, "customer table", [current_col, future_col])
    current = _clean_values(table[current_col], current_col)
    future = pd.to_numeric(table[future_col], errors="coerce").astype(float)
    past = current if past_col is None else _clean_values(table[past_col], past_col)
    growth = future - past
    n = len(table)
    category = pd.Series("other", index=table.index, dtype=object)
    below = current < 0
    category[below] = "BZ"
    category[_top_with_ties(current.where(~below & (current > 0)), int(np.ceil(mvc_share * n)))] = (
        "MVC"
    )
    open_ = category == "other"
    growable = growth.where(open_ & (growth > 0))
    category[_top_with_ties(growable, int(np.ceil(mgc_share * n)))] = "MGC"
    return pd.DataFrame(
        {"growth_potential": growth, "value_category": category.astype(str)}, index=table.index
    )


def _top_with_ties(values: pd.Series, count: int) -> pd.Series:
    """True for the ``count`` largest non-missing values, plus any tied with the last."""
    valid = values.dropna()
    if count <= 0 or valid.empty:
        return pd.Series(False, index=values.index)
    ranked = valid.sort_values(ascending=False, kind="mergesort")
    cut = ranked.iloc[min(count, len(ranked)) - 1]
    return (values >= cut).fillna(False).astype(bool)


def value_tiers(
    values: pd.Series,
    tiers: Sequence[tuple[str, float]] = DEFAULT_TIERS,
) -> pd.Series:
    """Value tiers by cumulative share of value (platinum, gold, silver, bronze).

    Customers are ranked from most to least valuable; a tier ends where the
    customers ranked so far bring its cumulative share of the total value. With the
    default tiers, platinum is the top group that brings the first 50 % of value, gold
    the next group up to 80 %, silver up to 95 % and bronze the rest. A customer whose
    value crosses a boundary belongs to the tier it completes, customers with equal
    value share a tier, and customers with a value of 0 or below are in the last tier.

    Parameters
    ----------
    values : Series
        One value per customer (current value, revenue or CLV), indexed by customer.
    tiers : sequence of (name, cumulative share)
        Tier names from most to least valuable, with the share of value at which each
        ends; the shares rise and the last is 1.

    Returns
    -------
    Series of str
        Indexed like ``values``, named ``value_tier``: a categorical whose categories
        are the tier names from the top down.

    Raises
    ------
    ParameterError
        If the tiers are not in rising order ending at 1.
    """
    names = [str(name) for name, _ in tiers]
    bounds = np.array([float(share) for _, share in tiers])
    if (
        not names
        or len(set(names)) != len(names)
        or np.any(bounds <= 0)
        or np.any(np.diff(bounds) <= 0)
        or not np.isclose(bounds[-1], 1.0)
    ):
        raise ParameterError(
            "tiers must be distinct names with rising cumulative value shares that end at 1, "
            f"got {list(tiers)}"
        )
    clean = _clean_values(values, "values").to_numpy()
    order = np.argsort(-clean, kind="stable")
    ranked = clean[order]
    positive = np.clip(ranked, 0.0, None)
    total = float(positive.sum())
    ranked_labels = np.full(len(ranked), len(names) - 1)
    if total > 0:
        before = (np.cumsum(positive) - positive) / total
        # equal values share the tier of the first of them
        before = pd.Series(before).groupby(ranked).transform("min").to_numpy()
        ranked_labels = np.searchsorted(bounds, before + 1e-9, side="left")
        ranked_labels = np.minimum(ranked_labels, len(names) - 1)
        ranked_labels[ranked <= 0] = len(names) - 1
    labels = np.empty(len(ranked), dtype=np.int64)
    labels[order] = ranked_labels
    return pd.Series(
        pd.Categorical.from_codes(labels, categories=names), index=values.index, name="value_tier"
    )

"""Purchases of the sample company: the products table and the transactions table.

Visits follow the buy-till-you-die story of BG/NBD: each customer buys at a Poisson rate
(heterogeneous across customers) and may drop out after each repeat purchase. The clock
runs in "shopping time", stretched by the season and the weekday, so spring Saturdays
are busy and January is quiet. A visit's spend follows the Gamma-Gamma story, and is
spread over one to three lines whose categories follow the customer's affinities, the
month, and what is usually bought together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from crmlib.sample import _catalogue as catalogue
from crmlib.sample._customers import SPEND_P, Population
from crmlib.sample._tools import (
    choose,
    fixed_text,
    id_width,
    pick,
    to_dates,
    to_flags,
    to_series,
)

# Relative chance that a line of each category comes back (order of CATEGORIES).
CATEGORY_RETURNS = np.array([0.6, 0.3, 1.8, 2.0, 1.6, 0.8, 0.6, 1.0, 0.4, 0.5])
RETURN_RATE = 0.016
COMPANION_SHARE = 0.45
LINES_B2C = (0.5, 0.3, 0.2)
LINES_B2B = (0.3, 0.35, 0.35)
DISCOUNTS = np.array([0.10, 0.15, 0.20, 0.25])
CHUNK = 2_000_000


@dataclass
class Catalogue:
    """The products, as arrays for drawing and as the products table."""

    category: np.ndarray
    price: np.ndarray
    margin: np.ndarray
    keys: np.ndarray
    ids: pa.Array
    table: pd.DataFrame


@dataclass
class Purchases:
    """What the customers bought: visits, lines, and the transactions table."""

    visit_customer: np.ndarray
    visit_day: np.ndarray
    visit_channel: np.ndarray
    line_customer: np.ndarray
    line_day: np.ndarray
    line_amount: np.ndarray
    line_cost: np.ndarray
    line_is_return: np.ndarray
    table: pd.DataFrame


def build_catalogue() -> Catalogue:
    """The product catalogue; the same for every seed, as it is the company's own."""
    # A fixed stream: margins and suppliers belong to the company, not to a sample.
    rng = np.random.default_rng(20_220_101)
    category = np.array([catalogue.CATEGORIES.index(row[0]) for row in catalogue.PRODUCTS])
    price = np.array([row[2] for row in catalogue.PRODUCTS])
    margin = np.clip(
        catalogue.CATEGORY_MARGIN[category] + rng.uniform(-0.04, 0.04, len(price)), 0.15, 0.6
    ).round(3)
    supplier = [
        catalogue.SUPPLIERS[row[0]][rng.integers(0, len(catalogue.SUPPLIERS[row[0]]))]
        for row in catalogue.PRODUCTS
    ]
    # Cheap items sell more often; within a category each item has its own pull.
    popularity = price**-0.5 * rng.lognormal(0.0, 0.5, len(price))
    keys = np.empty(len(price))
    for index in range(len(catalogue.CATEGORIES)):
        members = np.flatnonzero(category == index)
        cumulative = np.cumsum(popularity[members])
        within = cumulative / cumulative[-1]
        within[-1] = 1.0
        keys[members] = index + within
    ids = fixed_text("P", (np.arange(1, len(price) + 1), 4))
    table = pd.DataFrame(
        {
            "product_id": to_series(ids),
            "name": to_series([row[1] for row in catalogue.PRODUCTS]),
            "category": to_series(pick(catalogue.CATEGORIES, category)),
            "margin_rate": margin,
            "price": price,
            "supplier": to_series(supplier),
        }
    )
    return Catalogue(category, price, margin, keys, ids, table)


def day_weights(start: np.datetime64, n_days: int) -> np.ndarray:
    """Store traffic per day (month and weekday pattern), scaled to a mean of 1."""
    days = start + np.arange(n_days).astype("timedelta64[D]")
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    weight = catalogue.MONTH_TRAFFIC[month] * catalogue.WEEKDAY_TRAFFIC[weekday]
    return weight / weight.mean()


def _segment_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting at each segment of ``counts`` consecutive values."""
    total = np.cumsum(values)
    ends = np.cumsum(counts)
    before = np.r_[0.0, total][ends - counts]
    return total - np.repeat(before, counts)


def _visits(rng: np.random.Generator, population: Population, day_weight: np.ndarray):
    n_days = population.n_days
    clock = np.r_[0.0, np.cumsum(day_weight)]
    lag = np.where(
        rng.random(population.n_customers) < 0.7, 0, rng.geometric(1 / 21, population.n_customers)
    )
    first_day = population.signup_day + lag
    buyers = np.flatnonzero(~population.never_buys & (first_day < n_days))
    first_day = first_day[buyers]
    # BG/NBD in shopping time: a Poisson count over the customer's remaining weeks,
    # cut off after a geometric number of repeat purchases.
    begin = clock[first_day] + 0.5 * day_weight[first_day]
    weeks = (clock[-1] - begin) / 7.0
    poisson = rng.poisson(population.purchase_rate[buyers] * weeks)
    lifetime = rng.geometric(population.dropout[buyers])
    repeats = np.minimum(poisson, lifetime)
    # The first k of n uniform order statistics: cumulated exponentials over their total.
    spacing = _segment_cumsum(rng.standard_exponential(int(repeats.sum())), repeats)
    last = np.zeros(len(buyers))
    has_repeats = repeats > 0
    last[has_repeats] = spacing[np.cumsum(repeats)[has_repeats] - 1]
    total = last + rng.gamma(poisson - repeats + 1.0)
    owner = np.repeat(np.arange(len(buyers)), repeats)
    moment = begin[owner] + 7.0 * weeks[owner] * spacing / total[owner]
    repeat_day = np.clip(np.searchsorted(clock, moment, side="right") - 1, 0, n_days - 1)
    customer = np.r_[buyers, buyers[owner]]
    day = np.r_[first_day, np.maximum(repeat_day, first_day[owner])]
    return customer.astype(np.int64), day.astype(np.int64)


def build_purchases(
    rng: np.random.Generator, population: Population, products: Catalogue, day_weight: np.ndarray
) -> Purchases:
    """Draw every visit, line and return, and the transactions table.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream for purchases.
    population : Population
        The customers' hidden traits.
    products : Catalogue
        The product catalogue.
    day_weight : ndarray
        Store traffic per day (mean 1).

    Returns
    -------
    Purchases
    """
    visit_customer, visit_day = _visits(rng, population, day_weight)
    n_visits = len(visit_customer)
    is_b2b = population.is_b2b[visit_customer]
    spend = rng.gamma(
        SPEND_P, population.spend_level[visit_customer] / population.spend_rate[visit_customer]
    )
    draw = rng.random(n_visits)
    web = population.webshop_share[visit_customer]
    call = population.call_centre_share[visit_customer]
    visit_channel = np.where(draw < web, 1, np.where(draw < web + call, 2, 0)).astype(np.int8)

    lines = (
        np.where(
            is_b2b,
            rng.choice(3, n_visits, p=LINES_B2B),
            rng.choice(3, n_visits, p=LINES_B2C),
        )
        + 1
    )
    visit = np.repeat(np.arange(n_visits), lines)
    n_lines = len(visit)
    visit_start = np.cumsum(lines) - lines
    rank = np.arange(n_lines) - visit_start[visit]
    share = rng.gamma(2.0, 1.0, n_lines)
    if n_visits:
        share /= np.repeat(np.add.reduceat(share, visit_start), lines)
    target = spend[visit] * share
    del share
    customer = visit_customer[visit]
    day = visit_day[visit]

    # Category: the customer's affinity times the season; later lines often a companion.
    month = (population.start + day.astype("timedelta64[D]")).astype("datetime64[M]")
    month = month.astype(np.int64) % 12
    category = np.empty(n_lines, dtype=np.int64)
    for begin in range(0, n_lines, CHUNK):
        part = slice(begin, begin + CHUNK)
        weights = population.affinity[customer[part]] * catalogue.CATEGORY_SEASON[month[part]]
        category[part] = choose(rng, weights.astype(np.float32))
    companion = (rank > 0) & (rng.random(n_lines) < COMPANION_SHARE)
    partner = catalogue.COMPANION[category[visit_start[visit[companion]]]]
    # No barbecue with the plants in January: a companion has to be in season.
    in_season = catalogue.CATEGORY_SEASON[month[companion], partner] >= 0.5
    category[np.flatnonzero(companion)[in_season]] = partner[in_season]

    # Product: of two popular candidates, the one priced nearer the line's budget.
    candidates = np.searchsorted(
        products.keys, category[:, None] + rng.random((n_lines, 2)), side="right"
    )
    distance = np.abs(np.log(products.price[candidates]) - np.log(target)[:, None])
    product = candidates[np.arange(n_lines), distance.argmin(axis=1)]
    del candidates, distance
    price = products.price[product]
    most = catalogue.CATEGORY_MAX_QUANTITY[category] * np.where(is_b2b[visit], 4, 1)
    quantity = np.clip(np.rint(target / price), 1, most)
    bargain = population.segment[customer] == 0
    discounted = rng.random(n_lines) < np.where(bargain, 0.22, 0.10)
    discount = np.where(discounted, DISCOUNTS[rng.integers(0, 4, n_lines)], 0.0)
    amount = np.round(quantity * price * (1.0 - discount), 2)
    margin = products.margin[product]
    cost = np.round(amount * (1.0 - margin) * (1.0 + rng.normal(0.0, 0.03, n_lines)), 2)
    del target, price, discount, discounted, margin, month
    channel = visit_channel[visit]

    # Returns: some lines come back days later, more so for furniture and tools, and
    # far more so for cost magnets.
    chance = RETURN_RATE * CATEGORY_RETURNS[category]
    chance *= np.where(population.cost_magnet[customer], 8.0, 1.0)
    returned = np.flatnonzero(rng.random(n_lines) < chance)
    return_day = day[returned] + rng.geometric(0.1, len(returned))
    inside = return_day < population.n_days
    returned, return_day = returned[inside], return_day[inside]
    back = np.ceil(rng.random(len(returned)) * quantity[returned])
    fraction = back / quantity[returned]
    return_channel = np.where(
        (channel[returned] > 0) & (rng.random(len(returned)) < 0.6), channel[returned], 0
    )

    # Receipts: each visit is one, each return another; numbered in date order.
    n_returns = len(returned)
    receipt_day = np.r_[visit_day, return_day]
    receipt_customer = np.r_[visit_customer, customer[returned]]
    order = np.lexsort((np.arange(n_visits + n_returns), receipt_customer, receipt_day))
    receipt_number = np.empty(n_visits + n_returns, dtype=np.int64)
    receipt_number[order] = np.arange(1, n_visits + n_returns + 1)
    all_receipt = np.r_[receipt_number[visit], receipt_number[n_visits:]]
    all_line = np.r_[rank + 1, np.ones(n_returns, dtype=np.int64)]
    row_order = np.lexsort((all_line, all_receipt))

    def combined(sales: np.ndarray, returns: np.ndarray) -> np.ndarray:
        return np.r_[sales, returns][row_order]

    line_customer = combined(customer, customer[returned])
    line_day = combined(day, return_day)
    line_product = combined(product, product[returned])
    line_quantity = combined(quantity, -back)
    line_amount = combined(amount, -np.round(amount[returned] * fraction, 2))
    line_cost = combined(cost, -np.round(cost[returned] * fraction, 2))
    line_channel = combined(channel, return_channel)
    line_is_return = combined(np.zeros(n_lines, dtype=bool), np.ones(n_returns, dtype=bool))
    receipt_width = id_width(n_visits + n_returns, 8)
    transaction_id = fixed_text(
        "T", (all_receipt[row_order], receipt_width), "-", (all_line[row_order], 1)
    )
    table = pd.DataFrame(
        {
            "transaction_id": to_series(transaction_id),
            "customer_id": to_series(population.ids.take(pa.array(line_customer))),
            "date": to_dates(population.start, line_day),
            "product_id": to_series(products.ids.take(pa.array(line_product))),
            "quantity": line_quantity.astype(np.float64),
            "amount": line_amount,
            "cost": line_cost,
            "channel": to_series(pick(catalogue.SALES_CHANNELS, line_channel)),
            "is_return": to_flags(line_is_return),
        }
    )
    return Purchases(
        visit_customer=visit_customer,
        visit_day=visit_day,
        visit_channel=visit_channel,
        line_customer=line_customer,
        line_day=line_day,
        line_amount=line_amount,
        line_cost=line_cost,
        line_is_return=line_is_return,
        table=table,
    )

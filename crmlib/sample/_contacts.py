"""Contacts of the sample company: the interactions table and the channels table.

Contacts come in episodes: a question about one process (a delivery, a bill, a broken
mower). The first contact goes to a channel that suits the process and the customer;
when it does not settle the question, the customer tries again within days, often in
another channel (channel hopping). Some channel/process pairs settle less and please
less. Cost magnets (a few low-margin customers) call and visit with complaints far more
often than they buy, so they end up below zero after the cost to serve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.sample import _catalogue as catalogue
from crmlib.sample._customers import Population
from crmlib.sample._purchases import Purchases
from crmlib.sample._tools import (
    choose,
    fixed_text,
    id_width,
    pick,
    to_dates,
    to_flags,
    to_series,
)

# Episodes per visit, by sales channel (store, webshop, call centre), and the process
# such an episode is about (order of PROCESSES).
EPISODE_PER_VISIT = np.array([0.04, 0.22, 0.30])
VISIT_PROCESS = np.array(
    [
        [0.15, 0.28, 0.10, 0.25, 0.17, 0.05],
        [0.10, 0.10, 0.15, 0.05, 0.10, 0.50],
        [0.30, 0.15, 0.15, 0.10, 0.10, 0.20],
    ]
)
RETURN_EPISODE = 0.6
RETURN_PROCESS = np.array([0.0, 0.0, 0.10, 0.45, 0.45, 0.0])
# Episodes per year of membership, not tied to a purchase.
BACKGROUND_PER_YEAR = {"B2C": 0.35, "B2B": 1.2, "cost magnet": 4.0}
BACKGROUND_PROCESS = {
    "B2C": np.array([0.35, 0.45, 0.08, 0.04, 0.05, 0.03]),
    "B2B": np.array([0.55, 0.25, 0.12, 0.03, 0.03, 0.02]),
    "cost magnet": np.array([0.05, 0.15, 0.15, 0.25, 0.35, 0.05]),
}
MAX_CONTACTS = 5
FOLLOW_UP = 0.8
HOP = 0.55
SATISFACTION_ANSWERED = 0.55


@dataclass
class Contacts:
    """Every contact: whose it was, its satisfaction score, and the interactions table."""

    customer: np.ndarray
    satisfaction: np.ndarray
    table: pd.DataFrame


def channels_table() -> pd.DataFrame:
    """The contact channels and the cost of one contact in each (EUR)."""
    return pd.DataFrame(
        {
            "channel": to_series(list(catalogue.CHANNELS)),
            "cost_per_contact": catalogue.CHANNEL_COST.astype(np.float64),
        }
    )


def _episodes(rng: np.random.Generator, population: Population, purchases: Purchases):
    n_days = population.n_days
    magnet = population.cost_magnet

    # Tied to a visit: a delivery question, a bill, a plant that died.
    chance = EPISODE_PER_VISIT[purchases.visit_channel]
    chance = np.minimum(chance * np.where(magnet[purchases.visit_customer], 4.0, 1.0), 0.9)
    tied = np.flatnonzero(rng.random(len(chance)) < chance)
    tied_customer = purchases.visit_customer[tied]
    tied_day = purchases.visit_day[tied] + rng.geometric(0.3, len(tied)) - 1
    tied_process = choose(rng, VISIT_PROCESS[purchases.visit_channel[tied]])

    # Tied to a return: warranty and complaints.
    returns = np.flatnonzero(purchases.line_is_return)
    returns = returns[rng.random(len(returns)) < RETURN_EPISODE]
    return_customer = purchases.line_customer[returns]
    return_day = purchases.line_day[returns]
    return_process = rng.choice(6, len(returns), p=RETURN_PROCESS)

    # Questions and sales contacts over the membership years.
    years = (n_days - population.signup_day) / 365.25
    kind = np.where(magnet, 2, np.where(population.is_b2b, 1, 0))
    rate = np.array(list(BACKGROUND_PER_YEAR.values()))[kind]
    count = rng.poisson(rate * years)
    background_customer = np.repeat(np.arange(population.n_customers), count)
    span = n_days - population.signup_day[background_customer]
    background_day = population.signup_day[background_customer] + (
        rng.random(len(background_customer)) * span
    ).astype(np.int64)
    process_matrix = np.array(list(BACKGROUND_PROCESS.values()))
    background_process = choose(rng, process_matrix[kind[background_customer]])

    customer = np.r_[tied_customer, return_customer, background_customer]
    day = np.r_[tied_day, return_day, background_day]
    process = np.r_[tied_process, return_process, background_process]
    inside = day < n_days
    return customer[inside], day[inside], process[inside]


def build_interactions(
    rng: np.random.Generator, population: Population, purchases: Purchases
) -> Contacts:
    """Draw every contact of every customer, and the interactions table.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream for contacts.
    population : Population
        The customers' hidden traits.
    purchases : Purchases
        The visits and returns that lead to contacts.

    Returns
    -------
    Contacts
    """
    customer, day, process = _episodes(rng, population, purchases)
    n_episodes = len(customer)
    digital = population.digital[customer]
    preference = np.where(catalogue.DIGITAL_CHANNELS, digital[:, None], 1.0 - digital[:, None])
    channel = choose(rng, catalogue.PROCESS_CHANNEL[process] * preference)
    magnet = population.cost_magnet[customer]
    b2b_sales = population.is_b2b[customer] & (process == 0)
    episode = np.arange(n_episodes)

    parts: dict[str, list[np.ndarray]] = {
        key: [] for key in ("episode", "rank", "day", "channel", "process", "resolved", "outbound")
    }
    for rank in range(1, MAX_CONTACTS + 1):
        settle = catalogue.RESOLUTION[channel, process] + 0.12 * (rank - 1)
        settle = np.minimum(settle * np.where(magnet, 0.6, 1.0), 0.97)
        resolved = rng.random(len(episode)) < settle
        company_starts = np.where(rank == 1, catalogue.OUTBOUND[process], 0.3)
        company_starts = company_starts + np.where(b2b_sales, 0.3, 0.0)
        outbound = (rng.random(len(episode)) < company_starts) & catalogue.OUTBOUND_CHANNELS[
            channel
        ]
        for key, values in zip(
            parts,
            (episode, np.full(len(episode), rank), day, channel, process, resolved, outbound),
            strict=True,
        ):
            parts[key].append(values)
        again = ~resolved & (rng.random(len(episode)) < FOLLOW_UP)
        day = day + rng.geometric(0.45, len(episode)) - 1
        again &= day < population.n_days
        hop = rng.random(len(episode)) < HOP
        hopped = rng.choice(len(catalogue.CHANNELS), len(episode), p=catalogue.HOP_CHANNEL)
        channel = np.where(hop, hopped, channel)
        episode, day, channel, process = episode[again], day[again], channel[again], process[again]
        magnet, b2b_sales = magnet[again], b2b_sales[again]

    episode, rank, day, channel, process, resolved, outbound = (
        np.concatenate(values) for values in parts.values()
    )
    owner = customer[episode]
    magnet = population.cost_magnet[owner]

    mood = catalogue.SATISFACTION[channel, process] + 0.55 * resolved - 0.25 * ~resolved
    mood = mood - 0.3 * (rank - 1) - 0.5 * magnet + rng.normal(0.0, 0.75, len(owner))
    satisfaction = np.clip(np.rint(mood), 1, 5)
    answered = rng.random(len(owner)) < np.where(outbound, 0.2, SATISFACTION_ANSWERED)
    satisfaction = np.where(answered, satisfaction, np.nan)

    order = np.lexsort((rank, episode, owner, day))
    width = id_width(len(order), 8)
    table = pd.DataFrame(
        {
            "interaction_id": to_series(fixed_text("I", (np.arange(1, len(order) + 1), width))),
            "customer_id": to_series(population.ids.take(owner[order])),
            "date": to_dates(population.start, day[order]),
            "channel": to_series(pick(catalogue.CHANNELS, channel[order])),
            "process": to_series(pick(catalogue.PROCESSES, process[order])),
            "direction": to_series(pick(["inbound", "outbound"], outbound[order].astype(np.int32))),
            "resolved": to_flags(resolved[order]),
            "satisfaction": satisfaction[order].astype(np.float64),
        }
    )
    return Contacts(customer=owner, satisfaction=satisfaction, table=table)

"""The sample company's customers: who they are (the customers table) and how they behave.

Every customer gets hidden traits that drive the other tables: a needs segment, a
shopping profile (category affinities), a purchase rate and drop-out probability (the
BG/NBD story), a spend level (Gamma-Gamma), channel preferences and, for a few, the
habits of a cost magnet. The customers table shows only what a CRM system would hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from crmlib.sample import _catalogue as catalogue
from crmlib.sample._identity import customers_table
from crmlib.sample._tools import choose, fixed_text, id_width

# The buy-till-you-die process (BG/NBD), in weeks: purchase rate ~ Gamma(shape r,
# rate alpha), then scaled by the needs segment; drop-out after each repeat purchase
# ~ Beta(a, b).
BGNBD_R = 0.9
BGNBD_ALPHA = 10.0
BGNBD_A = 0.7
BGNBD_B = 4.0
# Spend per visit (Gamma-Gamma) ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate
# gamma): an average consumer basket of p * gamma / (q - 1) = 45 EUR, then scaled by
# the needs segment (business accounts spend four times as much).
SPEND_P = 4.0
SPEND_Q = 3.0
SPEND_GAMMA = 22.5

B2B_SHARE = 0.08
HOUSEHOLD_SHARE = 0.30
COST_MAGNET_SHARE = 0.025
CONSENT_BY_SEGMENT = np.array([0.73, 0.67, 0.65, 0.57, 0.63])
NEVER_BUYS = {"B2C": 0.07, "B2B": 0.02}


@dataclass
class Population:
    """Hidden traits of every customer, in customer-id order (row i is customer i + 1)."""

    n_customers: int
    n_days: int
    start: np.datetime64
    ids: pa.Array
    is_b2b: np.ndarray
    segment: np.ndarray
    affinity: np.ndarray
    signup_day: np.ndarray
    age: np.ndarray
    purchase_rate: np.ndarray
    dropout: np.ndarray
    spend_rate: np.ndarray
    spend_level: np.ndarray
    webshop_share: np.ndarray
    call_centre_share: np.ndarray
    digital: np.ndarray
    cost_magnet: np.ndarray
    never_buys: np.ndarray
    consent: np.ndarray
    has_email: np.ndarray

    @property
    def mean_spend(self) -> np.ndarray:
        """Expected spend per visit of each customer (EUR)."""
        return SPEND_P * self.spend_level / self.spend_rate


def _signup_days(rng: np.random.Generator, n: int, day_weight: np.ndarray) -> np.ndarray:
    # The customer base grows over the years, and people sign up when they shop.
    n_days = len(day_weight)
    density = day_weight * (1.0 + 0.6 * np.arange(n_days) / n_days)
    cumulative = np.cumsum(density)
    days = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return np.sort(np.minimum(days, n_days - 1)).astype(np.int32)


def _groups(rng: np.random.Generator, members: int, sizes: tuple, shares: tuple) -> np.ndarray:
    """Split ``members`` people into groups of the given sizes; returns each one's group."""
    # Enough groups even if every one drawn is of the smallest size.
    drawn = rng.choice(sizes, size=members // min(sizes) + 1, p=shares)
    cut = int(np.searchsorted(np.cumsum(drawn), members))
    drawn = drawn[: cut + 1]
    drawn[-1] -= int(drawn.sum() - members)
    drawn = drawn[drawn > 0]
    return np.repeat(np.arange(len(drawn)), drawn)


def build_population(
    rng: np.random.Generator, n: int, start: np.datetime64, day_weight: np.ndarray
) -> tuple[Population, pd.DataFrame]:
    """Draw the customers' hidden traits and the customers table.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream for customers.
    n : int
        Number of customers.
    start : numpy.datetime64
        First day of the observed years.
    day_weight : ndarray
        Store traffic per day of the observed years (mean 1).

    Returns
    -------
    (Population, DataFrame)
        The hidden traits and the customers table.
    """
    n_days = len(day_weight)
    is_b2b = np.zeros(n, dtype=bool)
    is_b2b[rng.permutation(n)[: round(B2B_SHARE * n)]] = True
    b2c = np.flatnonzero(~is_b2b)
    b2b = np.flatnonzero(is_b2b)
    signup_day = _signup_days(rng, n, day_weight)

    # Households and business accounts (related customers).
    related = np.full(n, -1, dtype=np.int64)
    head = np.arange(n)
    household_rank = np.zeros(n, dtype=np.int64)
    candidates = rng.permutation(b2c)
    members = candidates[: round(HOUSEHOLD_SHARE * len(b2c))]
    if len(members) >= 2:
        group = _groups(rng, len(members), (2, 3, 4), (0.6, 0.25, 0.15))
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        sizes = np.diff(np.r_[starts, len(group)])
        keep = np.repeat(sizes >= 2, sizes)
        members, group = members[keep], group[keep]
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        first = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
        related[members] = np.unique(group, return_inverse=True)[1]
        head[members] = members[first]
        household_rank[members] = np.arange(len(members)) - first
    singles = candidates[len(members) :]
    n_households = int(related.max()) + 1
    if len(b2b):
        account = _groups(rng, len(b2b), (1, 2, 3), (0.55, 0.25, 0.2))
        related[b2b] = n_households + account
        account_start = np.flatnonzero(np.r_[True, account[1:] != account[:-1]])
        first = np.repeat(account_start, np.diff(np.r_[account_start, len(b2b)]))
        head[b2b] = b2b[first]
        household_rank[b2b] = np.arange(len(b2b)) - first

    # Needs segment and shopping profile.
    segment = np.where(
        is_b2b,
        rng.choice(5, size=n, p=catalogue.SEGMENT_SHARE_B2B),
        rng.choice(5, size=n, p=catalogue.SEGMENT_SHARE_B2C),
    ).astype(np.int8)
    profile = choose(rng, catalogue.SEGMENT_PROFILE[segment])
    # A business account is either a landscaper or in hospitality, for all its branches.
    account_hospitality = rng.random(n) < 0.4
    profile[b2b] = np.where(account_hospitality[head[b2b]], 6, 5)
    cost_magnet = np.zeros(n, dtype=bool)
    weight = np.where(segment[b2c] == 0, 3.0, 1.0)
    n_magnets = round(COST_MAGNET_SHARE * len(b2c))
    magnets = rng.choice(b2c, size=n_magnets, replace=False, p=weight / weight.sum())
    cost_magnet[magnets] = True

    profile_matrix = np.array([catalogue.PROFILES[name] for name in catalogue.PROFILE_NAMES])
    concentration = profile_matrix[profile] / profile_matrix[profile].sum(axis=1, keepdims=True)
    concentration[cost_magnet] = np.array(catalogue.COST_MAGNET_AFFINITY) / sum(
        catalogue.COST_MAGNET_AFFINITY
    )
    affinity = rng.gamma(6.0 * concentration + 0.05)
    affinity = (affinity / affinity.sum(axis=1, keepdims=True)).astype(np.float32)

    # Age: partners are of an age, grown-up children a generation younger.
    age = np.clip(rng.normal(50.0 + catalogue.SEGMENT_AGE_SHIFT[segment], 14.0), 19.0, 90.0)
    partner = ~is_b2b & (household_rank == 1)
    age[partner] = np.clip(age[head[partner]] + rng.normal(0.0, 3.0, partner.sum()), 19.0, 90.0)
    child = ~is_b2b & (household_rank >= 2)
    age[child] = np.clip(age[head[child]] - rng.normal(28.0, 3.0, child.sum()), 19.0, 90.0)
    age[is_b2b] = np.nan
    youth = np.where(is_b2b, 0.0, (45.0 - np.nan_to_num(age, nan=45.0)) / 45.0)

    # Behaviour.
    never_buys = rng.random(n) < np.where(is_b2b, NEVER_BUYS["B2B"], NEVER_BUYS["B2C"])
    never_buys &= ~cost_magnet
    purchase_rate = rng.gamma(BGNBD_R, 1.0 / BGNBD_ALPHA, n)
    purchase_rate *= catalogue.SEGMENT_FREQUENCY[segment]
    dropout = rng.beta(BGNBD_A, BGNBD_B, n)
    spend_rate = rng.gamma(SPEND_Q, 1.0 / SPEND_GAMMA, n)
    spend_level = catalogue.SEGMENT_SPEND[segment] * np.where(cost_magnet, 0.8, 1.0)
    web_mean = np.clip(catalogue.SEGMENT_WEBSHOP[segment] + 0.2 * youth, 0.02, 0.9)
    webshop_share = rng.beta(4.0 * web_mean, 4.0 * (1.0 - web_mean))
    call_centre_share = catalogue.SEGMENT_CALL_CENTRE[segment] * np.where(youth < 0, 1.5, 1.0)
    digital = np.clip(
        catalogue.SEGMENT_DIGITAL[segment] + 0.3 * youth + rng.normal(0, 0.1, n), 0.05, 0.95
    )
    digital[cost_magnet] = 0.1
    consent = rng.random(n) < CONSENT_BY_SEGMENT[segment]
    has_email = rng.random(n) < np.where(is_b2b, 0.95, 0.55 + 0.45 * digital)
    has_phone = rng.random(n) < np.where(is_b2b, 0.97, 0.90)

    ids = fixed_text("C", (np.arange(1, n + 1), id_width(n, 6)))
    population = Population(
        n_customers=n,
        n_days=n_days,
        start=start,
        ids=ids,
        is_b2b=is_b2b,
        segment=segment,
        affinity=affinity,
        signup_day=signup_day,
        age=age,
        purchase_rate=purchase_rate,
        dropout=dropout,
        spend_rate=spend_rate,
        spend_level=spend_level,
        webshop_share=webshop_share,
        call_centre_share=call_centre_share,
        digital=digital,
        cost_magnet=cost_magnet,
        never_buys=never_buys,
        consent=consent,
        has_email=has_email,
    )

    table = customers_table(
        rng,
        population,
        related=related,
        n_households=n_households,
        head=head,
        rank=household_rank,
        profile=profile,
        singles=singles,
        has_phone=has_phone,
    )
    # A duplicate record may take over the first record's e-mail (or its gap).
    population.has_email = table["email"].notna().to_numpy()
    return population, table

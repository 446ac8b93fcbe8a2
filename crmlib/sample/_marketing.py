"""Marketing data of the sample company: the needs survey and the campaigns.

The survey answers come from the customers' hidden needs segments plus noise, so a
clustering finds the segments again; the likelihood to recommend (NPS question) rises
with the satisfaction of their contacts and with the value they bring. Campaigns go
only to customers who gave marketing consent (and, by e-mail, who left an address);
recent buyers and customers who like the campaign's category respond more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.sample import _catalogue as catalogue
from crmlib.sample._contacts import Contacts
from crmlib.sample._customers import Population
from crmlib.sample._purchases import Purchases
from crmlib.sample._tools import pick, to_dates, to_flags, to_series

SURVEY_BASE = 0.18
SURVEY_ACTIVE = 0.28
NEEDS_NOISE = 0.5
RESPONSE_STYLE = 0.15


def _per_customer(n: int, customer: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(customer, weights=values, minlength=n)


def build_needs(
    rng: np.random.Generator,
    population: Population,
    purchases: Purchases,
    contacts: Contacts,
) -> pd.DataFrame:
    """The needs survey: need dimensions (1-5) and NPS (0-10) for about 30 % of customers.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream for the survey.
    population : Population
        The customers' hidden traits (the needs segment among them).
    purchases : Purchases
        The purchases, for each customer's value and recent activity.
    contacts : Contacts
        The contacts, for each customer's satisfaction.

    Returns
    -------
    DataFrame
        customer_id, survey_date, nps and one column per need dimension.
    """
    n, n_days = population.n_customers, population.n_days
    recent = purchases.visit_day >= n_days - 365
    active = _per_customer(n, purchases.visit_customer[recent]) > 0
    eligible = population.signup_day < n_days - 60
    respond = eligible & (rng.random(n) < SURVEY_BASE + SURVEY_ACTIVE * active)
    who = np.flatnonzero(respond)

    earliest = np.maximum(population.signup_day[who] + 30, n_days - 365)
    day = earliest + (rng.random(len(who)) * (n_days - earliest)).astype(np.int64)
    segment = population.segment[who]
    style = rng.normal(0.0, RESPONSE_STYLE, (len(who), 1))
    noise = rng.normal(0.0, NEEDS_NOISE, (len(who), len(catalogue.NEED_DIMENSIONS)))
    scores = np.clip(np.rint(catalogue.SEGMENT_NEEDS[segment] + style + noise), 1, 5)

    # Likelihood to recommend: contact satisfaction, value, segment, and cost magnets' grudge.
    rated = ~np.isnan(contacts.satisfaction)
    rating_sum = _per_customer(n, contacts.customer[rated], contacts.satisfaction[rated])
    rating_count = _per_customer(n, contacts.customer[rated])
    satisfaction = np.where(rating_count > 0, rating_sum / np.maximum(rating_count, 1), 3.8)
    value = _per_customer(n, purchases.line_customer, purchases.line_amount - purchases.line_cost)
    value_rank = np.argsort(np.argsort(value, kind="stable"), kind="stable") / max(n - 1, 1)
    likelihood = (
        6.6
        + catalogue.SEGMENT_NPS[segment]
        + 1.0 * (satisfaction[who] - 3.8)
        + 2.0 * (value_rank[who] - 0.5)
        + 0.5 * active[who]
        - 2.5 * population.cost_magnet[who]
        + rng.normal(0.0, 1.4, len(who))
    )
    nps = np.clip(np.rint(likelihood), 0, 10)

    table = pd.DataFrame(
        {
            "customer_id": to_series(population.ids.take(who)),
            "survey_date": to_dates(population.start, day),
            "nps": nps.astype(np.float64),
        }
    )
    for index, dimension in enumerate(catalogue.NEED_DIMENSIONS):
        table[dimension] = scores[:, index].astype(np.float64)
    return table


def build_campaigns(
    rng: np.random.Generator, population: Population, purchases: Purchases
) -> pd.DataFrame:
    """Campaign offers sent over the last two years, and who responded.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream for campaigns.
    population : Population
        The customers' hidden traits (consent, e-mail, category affinity).
    purchases : Purchases
        The visits, for each customer's activity before a campaign.

    Returns
    -------
    DataFrame
        One row per offer sent: campaign_id, customer_id, offer, channel, sent_date,
        responded, revenue (0 when the customer did not respond).
    """
    n, n_days = population.n_customers, population.n_days
    frames = []
    for campaign_id, offer, channel, days_before, category, kind in catalogue.CAMPAIGNS:
        sent = n_days - 1 - days_before
        eligible = population.consent & (population.signup_day < sent - 14)
        if channel == "e-mail":
            eligible &= population.has_email
        before = purchases.visit_day < sent
        year_before = before & (purchases.visit_day >= sent - 365)
        lapsed_window = before & (purchases.visit_day >= sent - 270)
        activity = _per_customer(n, purchases.visit_customer[year_before])
        ever = _per_customer(n, purchases.visit_customer[before]) > 0
        if kind == "winback":
            lapsed = ever & (_per_customer(n, purchases.visit_customer[lapsed_window]) == 0)
            chosen = np.where(lapsed, 0.9, 0.0)
            liking = np.zeros(n)
            base = -3.1
        else:
            liking = population.affinity[:, category].astype(np.float64)
            chosen = np.clip(0.08 + 3.0 * liking, 0.0, 0.85)
            base = -4.1
        who = np.flatnonzero(eligible & (rng.random(n) < chosen))
        logit = (
            base
            + 0.7 * np.log1p(activity[who])
            + 4.0 * liking[who]
            + 0.5 * (population.segment[who] == 0)
        )
        responded = rng.random(len(who)) < 1.0 / (1.0 + np.exp(-logit))
        basket = rng.gamma(4.0, 1.1 * population.mean_spend[who] / 4.0)
        revenue = np.where(responded, np.round(basket, 2), 0.0)
        same = np.zeros(len(who), dtype=np.int32)
        frames.append(
            pd.DataFrame(
                {
                    "campaign_id": to_series(pick([campaign_id], same)),
                    "customer_id": to_series(population.ids.take(who)),
                    "offer": to_series(pick([offer], same)),
                    "channel": to_series(pick([channel], same)),
                    "sent_date": to_dates(population.start, np.full(len(who), sent)),
                    "responded": to_flags(responded),
                    "revenue": revenue,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)

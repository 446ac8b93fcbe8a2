"""Drawing one company (or one block of a large company) from a seed sequence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.schema import TABLE_NAMES
from crmlib.sample._contacts import build_interactions, channels_table
from crmlib.sample._customers import build_population
from crmlib.sample._marketing import build_campaigns, build_needs
from crmlib.sample._purchases import build_catalogue, build_purchases


def draw_tables(
    n_customers: int,
    seed: np.random.SeedSequence,
    start: np.datetime64,
    day_weight: np.ndarray,
) -> dict[str, pd.DataFrame]:
    """Draw every table for ``n_customers`` customers numbered from 1.

    Parameters
    ----------
    n_customers : int
        Number of customers.
    seed : numpy.random.SeedSequence
        The company's (or block's) seed; it spawns one stream per table family.
    start : numpy.datetime64
        First day of the observed years.
    day_weight : ndarray
        Store traffic per day of the observed years (mean 1).

    Returns
    -------
    dict of str to DataFrame
        One table per name in ``TABLE_NAMES``.
    """
    # One independent stream per table family, so each part stays stable on its own.
    streams = [np.random.default_rng(s) for s in seed.spawn(5)]
    population, customers = build_population(streams[0], int(n_customers), start, day_weight)
    products = build_catalogue()
    purchases = build_purchases(streams[1], population, products, day_weight)
    contacts = build_interactions(streams[2], population, purchases)
    needs = build_needs(streams[3], population, purchases, contacts)
    campaigns = build_campaigns(streams[4], population, purchases)
    tables = {
        "customers": customers,
        "transactions": purchases.table,
        "products": products.table,
        "interactions": contacts.table,
        "channels": channels_table(),
        "needs": needs,
        "campaigns": campaigns,
    }
    return {name: tables[name] for name in TABLE_NAMES}

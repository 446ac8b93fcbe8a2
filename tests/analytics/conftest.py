"""Checks and tables shared by the analytics tests."""

import numpy as np
import pandas as pd
import pytest


def _same_sums(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        got,
        expected,
        check_exact=False,
        rtol=1e-12,
        check_names=False,
        check_index_type=False,
        check_column_type=False,
    )


@pytest.fixture
def assert_same_sums():
    """Tables of sums equal to a relative 1e-12 (the engine adds in its own order), their
    labels compared as text: a step summed by DuckDB against pandas' grouping."""
    return _same_sums


def _random_contacts(rng: np.random.Generator, n: int, hours: int, channels: list[str]):
    """``n`` contacts of three customers over ``hours`` hours from 2024-01-01, with missing
    customers and processes and many on one day (drawn in this order: customer, date,
    channel, process)."""
    return pd.DataFrame(
        {
            "customer_id": rng.choice(["a", "b", "c", None], n),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, hours, n), "h"),
            "channel": rng.choice(channels, n),
            "process": rng.choice(["billing", "sales", None], n),
        }
    )


@pytest.fixture
def random_contacts():
    """A builder of random contact tables for the tests that hold a step to its rule."""
    return _random_contacts

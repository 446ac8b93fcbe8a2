"""Checks shared by the analytics tests."""

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

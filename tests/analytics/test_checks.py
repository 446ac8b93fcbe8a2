"""The one input check of the analytics."""

import pandas as pd
import pytest

from crmlib.analytics.checks import need_table
from crmlib.errors import MissingDataError


def test_a_table_with_its_columns_comes_back_as_it_is():
    table = pd.DataFrame({"customer_id": [1], "date": [pd.Timestamp("2025-01-01")]})
    assert need_table(table, "interactions", ["customer_id"], "The step") is table


def test_a_missing_table_and_missing_columns_are_named():
    with pytest.raises(MissingDataError, match="The channel mix needs the interactions table"):
        need_table(None, "interactions", ["channel"], "The channel mix")
    table = pd.DataFrame({"customer_id": [1]})
    with pytest.raises(MissingDataError, match=r"column\(s\) channel, process in interactions"):
        need_table(table, "interactions", ["customer_id", "channel", "process"], "Episodes")

"""The one step-skipping mechanism of the models."""

from __future__ import annotations

import pytest

from crmlib.errors import MissingDataError, ParameterError
from crmlib.models.steps import attempt, reason


def test_a_step_that_runs_gives_its_result_and_records_nothing():
    skipped = {}
    assert attempt(skipped, "sum", lambda a, b=0: a + b, 2, b=3) == 5
    assert skipped == {}


def test_a_step_without_its_data_is_none_with_the_reason():
    skipped = {}

    def needs():
        raise MissingDataError("it needs the needs table.")

    assert attempt(skipped, "needs segments", needs) is None
    assert skipped == {"needs segments": "it needs the needs table"}


def test_other_errors_are_not_swallowed():
    def bad():
        raise ParameterError("ssc_share must be between 0 and 1")

    with pytest.raises(ParameterError):
        attempt({}, "portfolio", bad)


def test_reason_drops_the_full_stop():
    assert reason(MissingDataError("no interactions.")) == "no interactions"

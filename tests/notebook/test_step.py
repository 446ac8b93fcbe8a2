"""A skipped notebook step says why once, without repeating its own name."""

from __future__ import annotations

import pytest

from crmlib import notebook
from crmlib.errors import MissingDataError


@pytest.fixture
def said(monkeypatch):
    lines = []
    monkeypatch.setattr(
        notebook, "say", lambda template, **values: lines.append(template.format(**values))
    )
    return lines


def test_a_reason_that_repeats_the_step_reads_it_needs(said):
    with notebook.step("Penetration"):
        raise MissingDataError("Penetration needs the products table")
    assert said == ["*Penetration is skipped: it needs the products table.*"]


def test_another_reason_is_kept_as_it_is(said):
    with notebook.step("Penetration"):
        raise MissingDataError("the data has no products")
    assert said == ["*Penetration is skipped: the data has no products.*"]

"""Amounts as a report writes them: with the company's currency, or with none at all."""

import math

from crmlib.formatting import money


def test_money_with_a_currency():
    assert money(1234567.8, "EUR") == "EUR 1,234,568"
    assert money(-12.5, "USD", 2) == "-USD 12.50"


def test_money_without_a_currency_is_a_plain_number():
    # an unknown currency is left out, never replaced by a wrong one
    assert money(1234567.8) == "1,234,568"
    assert money(1234567.8, "") == "1,234,568"
    assert money(-12.5, None, 2) == "-12.50"


def test_missing_amounts():
    assert money(math.nan, "EUR") == "n/a"
    assert money(None) == "n/a"

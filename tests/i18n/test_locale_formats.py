"""Numbers, amounts and dates in the report's locale (Babel), and how the locale is chosen."""

from __future__ import annotations

import datetime as dt

import pytest

from crmlib import formatting
from crmlib.errors import ParameterError
from crmlib.i18n import Setting, activate, check_locale, current, resolve, using
from crmlib.text import number, plural


def test_english_without_a_locale_keeps_the_workbook_formats():
    activate()
    assert formatting.money(12615.4, "EUR") == "EUR 12,615"
    assert formatting.percent(0.17) == "17%"
    assert formatting.count(1234567) == "1,234,567"
    assert formatting.day(dt.date(2026, 12, 2)) == "2 Dec 2026"
    assert number(3.14159, 1) == "3.1"


def test_belgian_dutch_amounts_shares_counts_and_dates():
    activate(Setting("nl", "nl_BE"))
    assert formatting.money(12615.4, "EUR") == "€ 12.615"
    assert formatting.money(-500, "EUR") == "€ -500"
    assert formatting.money(1234.5, "EUR", decimals=2) == "€ 1.234,50"
    assert formatting.percent(0.17) == "17 %"
    assert formatting.percent(0.1234, 1) == "12,3 %"
    assert formatting.count(1234567) == "1.234.567"
    assert formatting.decimal(3.14159, 1) == "3,1"
    assert formatting.day(dt.date(2026, 12, 2)) == "2 december 2026"
    assert number(0.5, 1, sign=True) == "+0,5"
    # an amount without a known currency stays a plain number, never a wrong currency
    assert formatting.money(12615, "") == "12.615"


def test_british_english_follows_cldr():
    activate(Setting("en", "en_GB"))
    assert formatting.money(12615, "EUR") == "€12,615"
    assert formatting.day(dt.date(2026, 12, 2)) == "2 December 2026"


def test_missing_values_are_not_available_in_the_language():
    activate(Setting("nl", "nl_BE"))
    assert formatting.money(float("nan"), "EUR") == "n.b."
    activate()
    assert formatting.percent(None) == "n/a"


def test_plural_forms_come_from_the_catalogue():
    activate(Setting("nl", "nl_BE"))
    assert plural(1, "day", "days") == "1 dag"
    assert plural(3, "day", "days") == "3 dagen"


@pytest.mark.parametrize(
    ("given", "company", "locale", "country", "expected"),
    [
        ("", "", "", "BE", Setting("en", "")),
        ("nl", "", "", "BE", Setting("nl", "nl_BE")),
        ("nl", "", "", "NL", Setting("nl", "nl_NL")),
        ("nl", "", "", "", Setting("nl", "nl_NL")),
        ("", "nl", "nl_BE", "", Setting("nl", "nl_BE")),
        # a Dutch company's report in English gets English formats, not Belgian ones
        ("en", "nl", "nl_BE", "BE", Setting("en", "")),
        ("", "en", "en_GB", "", Setting("en", "en_GB")),
    ],
)
def test_the_given_language_wins_and_the_locale_belongs_to_it(
    given, company, locale, country, expected
):
    assert (
        resolve(given, company_language=company, company_locale=locale, country=country) == expected
    )


def test_an_unknown_language_or_locale_is_one_line_with_the_fix():
    with pytest.raises(ParameterError, match="language 'fr' .*Fix: use one of en, nl"):
        resolve("fr")
    with pytest.raises(ParameterError, match="locale 'xx_YY' in company.yml.*nl_BE"):
        check_locale("xx_YY", origin="in company.yml")


def test_using_restores_the_language_before():
    activate()
    with using(Setting("nl", "nl_BE")):
        assert current().language == "nl"
        assert formatting.percent(0.5) == "50 %"
    assert current() == Setting()
    assert formatting.percent(0.5) == "50%"


def test_a_company_yml_language_and_locale_reach_the_company(sample_copy):
    from crmlib.data.company import company_setting, load_company

    info = (sample_copy / "company.yml").read_text(encoding="utf-8")
    (sample_copy / "company.yml").write_text(info + "language: nl\nlocale: nl_BE\n")
    assert company_setting(sample_copy) == Setting("nl", "nl_BE")
    assert company_setting(sample_copy, "en") == Setting("en", "")
    company = load_company(sample_copy)
    assert (company.language, company.locale) == ("nl", "nl_BE")
    (sample_copy / "company.yml").write_text(info + "language: klingon\n")
    with pytest.raises(ParameterError, match="language 'klingon' in company.yml"):
        load_company(sample_copy)

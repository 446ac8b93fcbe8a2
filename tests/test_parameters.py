"""Notebook parameters checked before a kernel starts: dates, numbers, choices, folders,
currencies; each bad value one line naming the parameter, its origin, the value and the fix."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from crmlib.parameters import (
    RULES,
    InvalidParameterError,
    ParameterSpec,
    check_currency,
    check_date,
    check_parameter,
    check_parameters,
    declared_specs,
    load_yaml,
    notebook_parameters,
    parameters_of_cell,
    parse_cli_value,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))

CELL = (
    'data_dir: str = "../data/sample"  # folder with the tables\n'
    'observation_end: str = ""  # last day to analyse (yyyy-mm-dd); empty: last sale\n'
    "interactive: bool = True  # live controls\n"
    "ssc_share: float = 0.2  # share of customers\n"
    "horizon_months: int = 12  # months\n"
    "need_map: dict = {}  # need -> elements\n"
    "mode: bool | str = 'auto'  # a union\n"
    "plain = 3\n"
)


def bad(name, value, spec=None, origin="given with -p") -> str:
    with pytest.raises(InvalidParameterError) as caught:
        check_parameter(name, value, origin=origin, spec=spec)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"parameter {name} ({origin}): ")
    assert ". Fix: " in message
    return message


def test_parameters_cell_grammar():
    specs = parameters_of_cell(CELL)
    assert list(specs) == [
        "data_dir",
        "observation_end",
        "interactive",
        "ssc_share",
        "horizon_months",
        "need_map",
        "mode",
        "plain",
    ]
    assert specs["ssc_share"] == ParameterSpec("ssc_share", ("float",), 0.2, "share of customers")
    assert specs["observation_end"].help == "last day to analyse (yyyy-mm-dd); empty: last sale"
    assert specs["mode"].types == ("bool", "str")
    assert specs["plain"].types == ("int",)
    assert parameters_of_cell("x = (") == {}


def test_every_notebook_declares_typed_parameters():
    for notebook in NOTEBOOKS:
        specs = notebook_parameters(notebook)
        assert {"data_dir", "currency", "observation_end", "interactive"} <= set(specs), notebook
        assert all(spec.types for spec in specs.values()), notebook


def test_every_notebook_default_passes_its_own_checks():
    for notebook in NOTEBOOKS:
        for name, spec in notebook_parameters(notebook).items():
            if name == "data_dir":
                continue  # relative to the notebooks folder
            # without the default in the spec, so that the rules themselves are what pass it
            checked = check_parameter(name, spec.default, spec=replace(spec, default=None))
            assert checked == spec.default, (notebook, name)


def test_no_notebook_parameter_without_a_rule_is_a_number_without_range():
    # a new numeric parameter should get its range in RULES
    for name, spec in declared_specs(NOTEBOOKS).items():
        if set(spec.types) & {"int", "float"}:
            assert name in RULES, name


def test_notebook_without_parameters_cell(tmp_path: Path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "x"}]}))
    assert notebook_parameters(path) == {}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2025-13-01", "'2025-13-01' is not a calendar date (there is no month 13)"),
        ("1998-02-30", "'1998-02-30' is not a calendar date (February 1998 has no day 30)"),
        ("2025-02-29", "'2025-02-29' is not a calendar date (February 2025 has no day 29)"),
        ("31-12-2025", "'31-12-2025' is not written yyyy-mm-dd"),
        ("2025-1-5", "'2025-1-5' is not written yyyy-mm-dd"),
        ("yesterday", "'yesterday' is not written yyyy-mm-dd"),
    ],
)
def test_dates_must_be_calendar_dates(value, problem):
    message = bad("observation_end", value)
    assert message == (
        f"parameter observation_end (given with -p): {problem}. "
        "Fix: write a calendar date as yyyy-mm-dd, e.g. 2025-12-31"
    )


def test_good_and_empty_dates():
    assert check_date("2024-02-29") == dt.date(2024, 2, 29)
    assert check_date(dt.date(2024, 1, 1)) == dt.date(2024, 1, 1)
    assert check_date(dt.datetime(2024, 1, 1, 12)) == dt.date(2024, 1, 1)
    assert check_date("") is None and check_date(None) is None
    assert check_parameter("observation_end", "2025-06-30") == "2025-06-30"
    with pytest.raises(InvalidParameterError, match="is empty"):
        check_date("", empty_ok=False)
    with pytest.raises(InvalidParameterError, match="lies outside 1900-2200"):
        check_date("0225-01-01")


def test_a_date_parameter_is_known_by_its_help_text():
    spec = ParameterSpec("first_day", ("str",), "", "first day (yyyy-mm-dd)")
    assert "is not a calendar date" in bad("first_day", "2025-04-31", spec)


@pytest.mark.parametrize(
    ("name", "value", "problem", "fix"),
    [
        (
            "ssc_share",
            1.5,
            "1.5 is out of range (it must be above 0 and at most 1)",
            "give a value above 0 and at most 1, e.g. 0.2 for 20%",
        ),
        (
            "ssc_share",
            0,
            "0 is out of range (it must be above 0 and at most 1)",
            "give a value above 0 and at most 1, e.g. 0.2 for 20%",
        ),
        (
            "discount_rate",
            10,
            "10 is out of range (it must be between 0 and 1)",
            "give a value between 0 and 1, e.g. 0.1 for 10% a year",
        ),
        (
            "horizon_months",
            0,
            "0 is out of range (it must be 1 or more)",
            "give a value 1 or more, e.g. 12",
        ),
        (
            "satisfaction_standard",
            7,
            "7 is out of range (it must be between 1 and 5)",
            "give a value between 1 and 5, e.g. 4 on the 1-5 scale",
        ),
        (
            "uplift_points",
            100,
            "100 is out of range (it must be above 0 and below 100)",
            "give a value above 0 and below 100, e.g. 5 for 5 points",
        ),
    ],
)
def test_numbers_in_range(name, value, problem, fix):
    message = bad(name, value)
    assert message == f"parameter {name} (given with -p): '{problem.split()[0]}' " + (
        " ".join(problem.split()[1:]) + f". Fix: {fix}"
    )


def test_numbers_by_declared_type():
    share = ParameterSpec("ssc_share", ("float",), 0.2)
    months = ParameterSpec("horizon_months", ("int",), 12)
    assert check_parameter("ssc_share", 1, spec=share) == 1.0
    assert isinstance(check_parameter("ssc_share", 1, spec=share), float)
    assert check_parameter("ssc_share", "1e-1", spec=share) == pytest.approx(0.1)
    assert check_parameter("horizon_months", 24.0, spec=months) == 24
    assert "'twelve' is not a whole number. Fix: give a whole number, e.g. 12" in bad(
        "horizon_months", "twelve", months
    )
    assert "'12.5' is not a whole number" in bad("horizon_months", 12.5, months)
    assert "'nan' is not a number" in bad("ssc_share", "nan", share)
    assert "'true' is not a number" in bad("ssc_share", True, share)


def test_choices():
    assert check_parameter("value_metric", "revenue") == "revenue"
    assert check_parameter("value_metric", "Revenue") == "revenue"
    assert check_parameter("matrix_axis", "cost to serve") == "cost to serve"
    assert bad("value_metric", "profit") == (
        "parameter value_metric (given with -p): 'profit' is not one of the choices. "
        "Fix: use margin or revenue"
    )
    assert "Fix: use value_tier, value_category or rfm_segment" in bad("migration_by", "tier")


def test_interactive_takes_true_false_or_auto():
    spec = ParameterSpec("interactive", ("bool",), True)
    assert check_parameter("interactive", False, spec=spec) is False
    assert check_parameter("interactive", "no", spec=spec) is False
    assert check_parameter("interactive", "auto", spec=spec) == "auto"
    assert "Fix: use true, false or auto" in bad("interactive", "sometimes", spec)


def test_folders(tmp_path: Path):
    assert check_parameter("data_dir", str(tmp_path)) == str(tmp_path)
    assert bad("data_dir", str(tmp_path / "nowhere")) == (
        f"parameter data_dir (given with -p): '{tmp_path / 'nowhere'}' does not exist. "
        "Fix: give the folder that holds the company's tables"
    )
    (tmp_path / "file.csv").write_text("x")
    assert "is not a folder" in bad("data_dir", str(tmp_path / "file.csv"))


def test_currencies_are_iso_4217():
    assert check_currency("USD") == "USD"
    assert check_currency(" eur ") == "EUR"
    assert check_currency("") == "" and check_currency(None) == ""
    assert check_parameter("currency", "gbp") == "GBP"
    assert bad("currency", "XYZ", origin="in company.yml") == (
        "parameter currency (in company.yml): 'XYZ' is not an ISO 4217 currency code. "
        "Fix: write a three-letter code such as EUR, USD or GBP"
    )
    assert bad("currency", "EURO").endswith("(did you mean EUR?)")
    assert "did you mean" not in bad("currency", "dollars")


def test_other_types():
    spec = ParameterSpec("need_map", ("dict",), {})
    assert check_parameter("need_map", "{advice: [store]}", spec=spec) == {"advice": ["store"]}
    assert "'x' is not a mapping such as {key: value}" in bad("need_map", "x", spec)
    listed = ParameterSpec("tiers", ("list",), [])
    assert check_parameter("tiers", ("gold", "silver"), spec=listed) == ["gold", "silver"]
    assert "'gold' is not a list such as [a, b]" in bad("tiers", "gold", listed)
    union = ParameterSpec("mode", ("bool", "str"), "auto")
    assert check_parameter("mode", "fast", spec=union) == "fast"
    text = ParameterSpec("company", ("str",), "")
    assert check_parameter("company", 2024, spec=text) == "2024"
    # a name no notebook declares and no rule names is passed on as it is
    assert check_parameter("something", [1, 2]) == [1, 2]


def test_check_parameters_converts_and_stops_at_the_first_bad_one():
    specs = parameters_of_cell(CELL)
    assert check_parameters({"ssc_share": 1, "horizon_months": 6.0}, specs) == {
        "ssc_share": 1.0,
        "horizon_months": 6,
    }
    with pytest.raises(InvalidParameterError, match="parameter ssc_share"):
        check_parameters({"horizon_months": 6, "ssc_share": 2}, specs, origin="x")


def test_yaml_keeps_dates_as_text():
    assert load_yaml("end: 2025-13-01\nok: 2025-01-01\n") == {
        "end": "2025-13-01",
        "ok": "2025-01-01",
    }
    assert load_yaml("n: 3\nf: 0.5\nb: yes\n") == {"n": 3, "f": 0.5, "b": True}


def test_command_line_values():
    assert parse_cli_value("2025-13-01") == "2025-13-01"
    assert parse_cli_value("0.5") == 0.5
    assert parse_cli_value("false") is False
    assert parse_cli_value("") == ""
    assert parse_cli_value("a: [") == "a: ["


def test_every_rule_belongs_to_a_notebook_parameter():
    # a rule for a name no notebook declares is dead: batch runs and the CLI never meet it
    declared = declared_specs(NOTEBOOKS)
    assert sorted(name for name in RULES if name not in declared) == []

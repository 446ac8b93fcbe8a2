"""Notebook parameters, checked before any kernel starts.

Every value a user gives a notebook (``-p NAME VALUE`` on the command line, a setting
in ``company.yml``, a client's ``parameters:`` in a clients file) passes through
:func:`check_parameter`. A bad value is one line naming the parameter, where it came
from, the value and the fix; never a traceback from deep inside a notebook.

A parameter's type comes from the notebook's ``parameters`` cell, written as
``name: type = default  # help`` (see :func:`notebook_parameters`). What the type
cannot say (a date, a share between 0 and 1, one of a few words, a folder that must
exist, an ISO 4217 currency code) is kept in :data:`RULES`, by name.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from crmlib.errors import ParameterError

__all__ = [
    "InvalidParameterError",
    "ParameterSpec",
    "RULES",
    "check_currency",
    "check_date",
    "check_parameter",
    "check_parameters",
    "load_yaml",
    "notebook_parameters",
    "parse_cli_value",
]


class InvalidParameterError(ParameterError):
    """A parameter's value is of the wrong type, out of range or not one of its choices.

    The message is one line: the parameter, where its value came from, the value, what
    is wrong with it and the fix. The parts stay available as attributes.

    Parameters
    ----------
    name : str
        The parameter, e.g. ``"observation_end"``.
    value : object
        The value as given.
    origin : str
        Where it came from, e.g. ``"given with -p"`` or ``"in company.yml"``.
    problem : str
        What is wrong, in plain words (follows the value in the message).
    fix : str
        What the user should do about it.
    """

    def __init__(self, name: str, value: Any, origin: str, problem: str, fix: str) -> None:
        self.name = name
        self.value = value
        self.origin = origin
        self.problem = problem
        self.fix = fix
        where = f" ({origin})" if origin else ""
        super().__init__(f"parameter {name}{where}: {_shown(value)} {problem}. Fix: {fix}")


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    # one line, whatever the value holds
    return repr(" ".join(str(text).split()) if isinstance(value, str) else text)


# ---------------------------------------------------------------------------------------
# YAML that keeps dates as text


class _TextDateLoader(yaml.SafeLoader):
    """PyYAML's safe loader without its timestamp rule.

    PyYAML turns ``2025-13-01`` into ``datetime.date(2025, 13, 1)`` and raises a bare
    ``ValueError`` on the impossible month, outside its own error types. Kept as text,
    a date is checked here and reported as one line.
    """


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Read YAML as :func:`yaml.safe_load` does, but keep dates as ``yyyy-mm-dd`` text.

    Raises
    ------
    yaml.YAMLError
        When the text is not valid YAML.
    """
    return yaml.load(text, Loader=_TextDateLoader)  # noqa: S506 - a SafeLoader subclass


def parse_cli_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value read as a YAML scalar (numbers, booleans); dates stay text.

    Text that is not valid YAML, and an empty value, are kept as the text given.
    """
    try:
        value = load_yaml(text)
    except yaml.YAMLError:
        return text
    return text if value is None else value


# ---------------------------------------------------------------------------------------
# What a notebook declares


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a notebook's ``parameters`` cell.

    Attributes
    ----------
    name : str
    types : tuple of str
        The annotation's types (``("float",)``; ``("bool", "str")`` for ``bool | str``);
        empty when the cell gives none.
    default : object
        The default, or None when it is not a literal.
    help : str
        The comment after the assignment.
    """

    name: str
    types: tuple[str, ...] = ()
    default: Any = None
    help: str = ""


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, ParameterSpec]:
    """The parameters a notebook declares, read from its ``parameters`` cell.

    The cell is written ``name: type = default  # help``, one per line, and read with
    :mod:`ast` (no kernel, no papermill).

    Parameters
    ----------
    notebook : path-like
        The ``.ipynb`` file.

    Returns
    -------
    dict
        Parameter name -> :class:`ParameterSpec`, in the cell's order; empty when the
        notebook has no ``parameters`` cell or the cell is not plain Python.

    Raises
    ------
    OSError, ValueError
        The file cannot be read or is not JSON.
    """
    content = json.loads(Path(notebook).read_text(encoding="utf-8"))
    for cell in content.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            return parameters_of_cell("".join(source) if isinstance(source, list) else source)
    return {}


def parameters_of_cell(source: str) -> dict[str, ParameterSpec]:
    """The parameters declared in the source of a ``parameters`` cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    specs: dict[str, ParameterSpec] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, node.annotation, node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        try:
            default = ast.literal_eval(value) if value is not None else None
        except ValueError:
            default = None
        if annotation is not None:
            types = tuple(t.strip() for t in ast.unparse(annotation).split("|"))
        elif default is not None:
            types = (type(default).__name__,)
        else:
            types = ()
        rest = lines[node.end_lineno - 1][node.end_col_offset :]
        comment = rest.split("#", 1)[1].strip() if "#" in rest else ""
        specs[name] = ParameterSpec(name, types, default, comment)
    return specs


def declared_specs(notebooks: Iterable[str | os.PathLike[str]]) -> dict[str, ParameterSpec]:
    """The parameters of several notebooks together (the first declaration of a name wins)."""
    specs: dict[str, ParameterSpec] = {}
    for notebook in notebooks:
        for name, spec in notebook_parameters(notebook).items():
            specs.setdefault(name, spec)
    return specs


# ---------------------------------------------------------------------------------------
# Rules by name: what the type alone cannot say


@dataclass(frozen=True)
class Range:
    """A number between ``low`` and ``high`` (either may be open or absent)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    example: str = ""

    def problem(self, number: float) -> str | None:
        below = self.low is not None and (
            number <= self.low if self.low_open else number < self.low
        )
        above = self.high is not None and (
            number >= self.high if self.high_open else number > self.high
        )
        return f"is out of range (it must be {self.describe()})" if below or above else None

    def describe(self) -> str:
        low = None if self.low is None else f"{self.low:g}"
        high = None if self.high is None else f"{self.high:g}"
        if low is not None and high is not None:
            if not self.low_open and not self.high_open:
                return f"between {low} and {high}"
            left = f"above {low}" if self.low_open else f"{low} or more"
            right = f"below {high}" if self.high_open else f"at most {high}"
            return f"{left} and {right}"
        if low is not None:
            return f"above {low}" if self.low_open else f"{low} or more"
        return f"below {high}" if self.high_open else f"{high} or less"


@dataclass(frozen=True)
class Choice:
    """One of a few values."""

    values: tuple[Any, ...]


class Date:
    """A calendar date written ``yyyy-mm-dd`` (empty when the notebook's default is empty)."""


class Folder:
    """A folder that exists, or a database URL (checked when the data is opened)."""


#: The URL schemes ``--data`` and ``data_dir`` take for a database instead of a folder.
DATABASE_SCHEMES = ("duckdb", "postgresql", "postgres")


def is_database_url(value: object) -> bool:
    """Whether ``value`` names a database (``duckdb:///...``, ``postgresql://...``)."""
    scheme, separator, _ = str(value).partition("://")
    return bool(separator) and scheme.lower() in DATABASE_SCHEMES


class Currency:
    """An ISO 4217 currency code, or empty for none."""


_SHARE = Range(0, 1, low_open=True, example="0.2 for 20%")
_FRACTION = Range(0, 1, example="0.65 for 65%")
_AMOUNT = Range(0, example="0 for unknown, else e.g. 25")

#: Rules for parameters by name, on top of the type their notebook declares.
RULES: dict[str, Any] = {
    "data_dir": Folder(),
    "currency": Currency(),
    "language": Choice(("", "en", "nl")),
    "observation_end": Date(),
    "kpi_end": Date(),
    # an explicit value decides; "auto" lets the notebook decide (a live session or not)
    "interactive": Choice((True, False, "auto")),
    "value_metric": Choice(("margin", "revenue")),
    "cohort_period": Choice(("M", "Q", "Y")),
    "matrix_axis": Choice(("potential", "cost to serve")),
    "migration_by": Choice(("value_tier", "value_category", "rfm_segment")),
    "value_share": _SHARE,
    "ssc_share": _SHARE,
    "matrix_share": _SHARE,
    "cost_magnet_share": _SHARE,
    "discount_rate": Range(0, 1, example="0.1 for 10% a year"),
    "growth_goal": Range(-1, 10, low_open=True, high_open=True, example="0.05 for 5%"),
    "uplift_points": Range(0, 100, low_open=True, high_open=True, example="5 for 5 points"),
    "lapse_multiple": Range(0, low_open=True, example="2"),
    "tailoring_uplift": _FRACTION,
    "upsell_target": _FRACTION,
    "cross_sell_target": _FRACTION,
    "cost_to_serve_standard": _FRACTION,
    "satisfaction_standard": Range(1, 5, example="4 on the 1-5 scale"),
    "acquisition_target": Range(0, example="1 new customer per customer lost"),
    "cost_magnet_ratio": Range(0, low_open=True, example="0.5"),
    "acquisition_cost": Range(0, example="250: acquisition spend over customers won"),
    "retention_cost": _AMOUNT,
    "wallet_per_customer": _AMOUNT,
    "cost_per_treatment": _AMOUNT,
    "horizon_months": Range(1, example="12"),
    "migration_months": Range(1, example="12"),
    "repeat_window_days": Range(1, example="14"),
    "window_days": Range(1, example="14"),
    "recent_days": Range(0, example="30"),
    "n_needs": Range(1, example="3"),
    "contact_cost": _AMOUNT,
    "benefit_cost": _AMOUNT,
    "enabler_cost": _AMOUNT,
    "incremental_share": _FRACTION,
    "value_spread": _FRACTION,
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIRST_DATE = dt.date(1900, 1, 1)
# pandas' nanosecond timestamps end in 2262; a date past 2200 is a typing slip anyway
_LAST_DATE = dt.date(2200, 12, 31)
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_NULL = frozenset({"none", "null", "~", ""})
_TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "dict": "a mapping such as {key: value}",
    "list": "a list such as [a, b]",
}


def check_date(
    value: Any, *, name: str = "observation_end", origin: str = "", empty_ok: bool = True
) -> dt.date | None:
    """A ``yyyy-mm-dd`` value as a real calendar date.

    Parameters
    ----------
    value : str, date or None
        The value as given; a ``datetime.date`` is taken as it is.
    name, origin : str
        The parameter and where it came from, for the message.
    empty_ok : bool
        Whether an empty value (None or ``""``) means "not given".

    Returns
    -------
    datetime.date or None
        None for an empty value.

    Raises
    ------
    InvalidParameterError
        For text not written ``yyyy-mm-dd``, a day that is not in the calendar
        (``2025-13-01``, ``1998-02-30``), or a year before 1900 or after 2200.
    """
    fix = "write a calendar date as yyyy-mm-dd, e.g. 2025-12-31"
    if value is None or (isinstance(value, str) and not value.strip()):
        if empty_ok:
            return None
        raise InvalidParameterError(name, value, origin, "is empty", fix)
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        if not _ISO_DATE.fullmatch(text):
            raise InvalidParameterError(name, value, origin, "is not written yyyy-mm-dd", fix)
        year, month, number = (int(part) for part in text.split("-"))
        if not 1 <= month <= 12:
            raise InvalidParameterError(
                name, value, origin, f"is not a calendar date (there is no month {month})", fix
            )
        try:
            day = dt.date(year, month, number)
        except ValueError:
            month_name = dt.date(2000, month, 1).strftime("%B")
            raise InvalidParameterError(
                name,
                value,
                origin,
                f"is not a calendar date ({month_name} {year} has no day {number})",
                fix,
            ) from None
    if not _FIRST_DATE <= day <= _LAST_DATE:
        raise InvalidParameterError(
            name,
            value,
            origin,
            "lies outside 1900-2200",
            "correct the year (a typing slip such as 0225 for 2025?)",
        )
    return day


def check_currency(value: Any, *, name: str = "currency", origin: str = "") -> str:
    """An ISO 4217 currency code, upper-case; empty when none is given.

    The list of codes is Babel's (``babel.numbers.list_currencies``).

    Raises
    ------
    InvalidParameterError
        For a value that is not an ISO 4217 code.
    """
    from babel.numbers import list_currencies

    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    code = str(value).strip().upper()
    known = list_currencies()
    if code in known:
        return code
    # a near miss of a code (EURO, USDD, GPB), not of a word such as "dollars"
    close = difflib.get_close_matches(code, sorted(known), n=1) if len(code) <= 4 else []
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise InvalidParameterError(
        name,
        value,
        origin,
        "is not an ISO 4217 currency code",
        f"write a three-letter code such as EUR, USD or GBP{hint}",
    )


def _as_type(value: Any, kind: str) -> tuple[bool, Any]:
    """Whether ``value`` is of ``kind`` (allowing the conversions YAML text needs)."""
    if kind == "bool":
        if isinstance(value, bool):
            return True, value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return True, value.strip().lower() in _TRUE
        return False, None
    if kind in ("int", "float"):
        if isinstance(value, bool):
            return False, None
        number = value
        if isinstance(value, str):
            try:
                number = float(value.strip().replace("_", ""))
            except ValueError:
                return False, None
        if not isinstance(number, int | float) or not math.isfinite(number):
            return False, None
        if kind == "float":
            return True, float(number)
        if float(number).is_integer():
            return True, int(number)
        return False, None
    if kind == "str":
        if isinstance(value, str):
            return True, value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, str(value)
        return False, None
    if kind == "None":
        # "None" in ``float | None``: the value is unknown (YAML null, or the word)
        none = value is None or (isinstance(value, str) and value.strip().lower() in _NULL)
        return none, None
    if kind == "dict":
        if isinstance(value, str):
            try:
                value = load_yaml(value)
            except yaml.YAMLError:
                return False, None
        return isinstance(value, dict), value
    if kind == "list":
        if isinstance(value, list | tuple):
            return True, list(value)
        return False, None
    return True, value  # a type this module does not know: the notebook will judge


def check_parameter(
    name: str, value: Any, *, origin: str = "", spec: ParameterSpec | None = None
) -> Any:
    """Check one parameter's value; return it converted to its declared type.

    Parameters
    ----------
    name : str
        The parameter.
    value : object
        The value as given (text from the command line is read as YAML first, see
        :func:`parse_cli_value`).
    origin : str
        Where the value came from, for the message: ``"given with -p"``,
        ``"in company.yml"``, ``"in clients.yml, client 2 ('De Linde')"``.
    spec : ParameterSpec, optional
        What the notebook declares; without it only :data:`RULES` apply.

    Returns
    -------
    object
        The value: a whole number for ``int``, a float for ``float``, an upper-case code
        for ``currency``, the text given for a date.

    Raises
    ------
    InvalidParameterError
        With one line naming the parameter, the origin, the value and the fix.
    """
    rule = RULES.get(name)
    given = value
    if spec is not None and type(value) is type(spec.default) and value == spec.default:
        return value  # the notebook's own default is valid by definition
    if isinstance(rule, Choice):
        return _check_choice(name, value, origin, rule)
    types = spec.types if spec is not None else ()
    if types:
        for kind in types:
            fits, converted = _as_type(value, kind)
            if fits:
                value = converted
                break
        else:
            wanted = " or ".join(_TYPE_WORDS.get(kind, kind) for kind in types)
            example = f", e.g. {spec.default!r}" if spec.default not in (None, "") else ""
            raise InvalidParameterError(
                name, value, origin, f"is not {wanted}", f"give {wanted}{example}"
            )
    if value is None and "None" in types:
        return None  # unknown, as the notebook allows: no range to check
    dated = isinstance(rule, Date) or (spec is not None and "yyyy-mm-dd" in spec.help)
    if dated:
        check_date(value, name=name, origin=origin)
        return value
    if isinstance(rule, Currency):
        return check_currency(value, name=name, origin=origin)
    if isinstance(rule, Folder):
        if is_database_url(value):
            return value
        folder = Path(str(value)).expanduser()
        if not folder.is_dir():
            state = "is not a folder" if folder.exists() else "does not exist"
            raise InvalidParameterError(
                name,
                given,
                origin,
                f"{state}",
                "give the folder that holds the company's tables",
            )
        return value
    if isinstance(rule, Range):
        number = value
        if isinstance(number, bool) or not isinstance(number, int | float):
            fits, number = _as_type(value, "float")
            if not fits:
                raise InvalidParameterError(
                    name, given, origin, "is not a number", f"give {rule.describe()}"
                )
        problem = rule.problem(float(number))
        if problem:
            example = f", e.g. {rule.example}" if rule.example else ""
            raise InvalidParameterError(
                name, given, origin, problem, f"give a value {rule.describe()}{example}"
            )
    return value


def _check_choice(name: str, value: Any, origin: str, rule: Choice) -> Any:
    for choice in rule.values:
        if isinstance(choice, bool):
            fits, converted = _as_type(value, "bool")
            if fits and converted is choice:
                return choice
        elif isinstance(value, str) and value.strip().casefold() == str(choice).casefold():
            return choice
    names = [str(c).lower() if isinstance(c, bool) else str(c) for c in rule.values]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}"
    raise InvalidParameterError(name, value, origin, "is not one of the choices", f"use {listed}")


def check_parameters(
    values: Mapping[str, Any],
    specs: Mapping[str, ParameterSpec] | None = None,
    *,
    origin: str = "",
) -> dict[str, Any]:
    """Check several parameters (see :func:`check_parameter`); the first bad one raises.

    Returns
    -------
    dict
        The values, converted to their declared types.
    """
    specs = specs or {}
    return {
        name: check_parameter(name, value, origin=origin, spec=specs.get(name))
        for name, value in values.items()
    }

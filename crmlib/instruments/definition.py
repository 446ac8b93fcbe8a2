"""Assessment instruments: questionnaires kept as YAML data, loaded and checked.

An instrument measures what a company's data cannot: culture, readiness, the way work
is organised. Each one is a YAML file in ``data/instruments/`` (the format is described
in that folder's ``README.md``). :func:`load_instrument` reads one and checks it
completely, so a typo in a workshop's questionnaire is reported with the file, the
item and the fix before anyone starts scoring.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.errors import InstrumentError
from crmlib.i18n import SOURCE_LANGUAGE, current_language
from crmlib.instruments.translation import translated_text
from crmlib.instruments.yamlio import load_yaml

#: Environment variable that points the workbook at another instruments folder.
INSTRUMENTS_ENV = "CRM_WORKBOOK_INSTRUMENTS"

#: The item types an instrument can use.
ITEM_TYPES = ("scale", "check", "maturity")

#: The dimension of instruments that score each item once.
SINGLE_DIMENSION = "score"

# Ids become file names (assessments/<id>.yaml), DataFrame values and CSS classes in
# the workshop form, so they are kept to lower-case letters, digits and underscores.
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP_KEYS = {
    "required": ("id", "title", "model", "source", "guidance", "scale", "areas"),
    "optional": (
        "description",
        "version",
        "dimensions",
        "main_dimension",
        "benchmarks",
        "severity_scale",
        "tags",
    ),
}
_AREA_KEYS = {
    "required": ("id", "title", "items"),
    "optional": (
        "description",
        "guidance",
        "weight",
        "item_type",
        "desirable",
        "severity",
        "required_tags",
    ),
}
_ITEM_KEYS = {
    "required": ("id", "text", "guidance"),
    "optional": ("type", "tags", "desirable", "severity", "levels"),
}
_POINT_KEYS = {"required": ("value", "label", "meaning"), "optional": ()}
_DIMENSION_KEYS = {"required": ("id", "label"), "optional": ("description",)}
_BENCHMARK_KEYS = {"required": ("id", "label", "percent"), "optional": ("description",)}
_LEVEL_KEYS = {"required": ("level", "title", "description", "markers"), "optional": ()}

# Columns of the scoring tables; a tag set may not take one of these names.
RESERVED_COLUMNS = frozenset(
    {
        "area",
        "area_title",
        "item",
        "text",
        "type",
        "dimension",
        "score",
        "points",
        "max_points",
        "percent",
        "answered",
        "total",
        "coverage",
        "score_mean",
        "weight",
    }
)


@dataclass(frozen=True)
class ScalePoint:
    """One point of a rating scale (or of the severity scale of barriers).

    Attributes
    ----------
    value : int
        The number written in the answers file.
    label : str
        A short name, shown next to the slider (e.g. ``"Largely in place"``).
    meaning : str
        What a score of this value means, in observable terms.
    """

    value: int
    label: str
    meaning: str


@dataclass(frozen=True)
class Dimension:
    """A dimension on which every item is scored (QCI: intention and reality)."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Benchmark:
    """A published reference score, as a percentage of the maximum (0-100)."""

    id: str
    label: str
    percent: float
    description: str = ""


@dataclass(frozen=True)
class MaturityLevel:
    """One level of a maturity item, with the markers that show a company is there."""

    level: int
    title: str
    description: str
    markers: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One question of an instrument.

    Attributes
    ----------
    id : str
        Unique within the instrument; the key in the answers file.
    type : {"scale", "check", "maturity"}
        ``scale``: scored on the instrument's scale (per dimension). ``check``: yes or
        no. ``maturity``: one of the item's ``levels``.
    text : str
        The practice, stated so that it can be observed.
    guidance : str
        What to look for when scoring, shown on hover in the workshop form.
    area : str
        The id of the area the item belongs to.
    tags : dict of str to str
        Classifications declared in the instrument's ``tags`` (e.g. the REAP activity).
    desirable : bool
        Check items only: whether "yes" is the good answer. Barriers have
        ``desirable: no``, because a barrier that is present lowers the score.
    severity : bool
        Check items only: whether a "yes" can carry a severity from the instrument's
        severity scale.
    levels : tuple of MaturityLevel
        Maturity items only: the levels to choose from, numbered from 1.
    """

    id: str
    type: str
    text: str
    guidance: str
    area: str
    tags: Mapping[str, str] = field(default_factory=dict)
    desirable: bool = True
    severity: bool = False
    levels: tuple[MaturityLevel, ...] = ()

    @property
    def min_value(self) -> int | None:
        """Lowest maturity level (``None`` for other item types)."""
        return self.levels[0].level if self.levels else None

    def level(self, number: int) -> MaturityLevel:
        """The maturity level with this number."""
        for level in self.levels:
            if level.level == number:
                return level
        raise KeyError(number)


@dataclass(frozen=True)
class Area:
    """A group of items: one element of the model (e.g. QCI's "proposition")."""

    id: str
    title: str
    items: tuple[Item, ...]
    description: str = ""
    guidance: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Instrument:
    """An assessment instrument, loaded and checked by :func:`load_instrument`.

    Attributes
    ----------
    id, title, model, source, guidance, description : str
        What the instrument is, which model it serves, the published source it follows
        and how a consultant should run it.
    version : int
        Raised by the author when items change meaning.
    scale : tuple of ScalePoint
        The rating scale of scale items, consecutive whole numbers.
    dimensions : tuple of Dimension
        What each scale item is scored on; one dimension ``score`` unless declared.
    main_dimension : str
        The dimension that headline results use (QCI: ``reality``).
    benchmarks : tuple of Benchmark
        Published reference scores for comparison.
    severity_scale : tuple of ScalePoint
        Severities a present barrier can carry.
    tag_sets : dict of str to tuple of str
        Tag name to its allowed values.
    areas : tuple of Area
    path : Path or None
        The file it was read from.
    """

    id: str
    title: str
    model: str
    source: str
    guidance: str
    scale: tuple[ScalePoint, ...]
    areas: tuple[Area, ...]
    dimensions: tuple[Dimension, ...] = (Dimension(SINGLE_DIMENSION, "Score"),)
    main_dimension: str = SINGLE_DIMENSION
    description: str = ""
    version: int = 1
    benchmarks: tuple[Benchmark, ...] = ()
    severity_scale: tuple[ScalePoint, ...] = ()
    tag_sets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    path: Path | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, in the order of the file."""
        return tuple(item for area in self.areas for item in area.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(dimension.id for dimension in self.dimensions)

    @property
    def scale_min(self) -> int:
        return self.scale[0].value

    @property
    def scale_max(self) -> int:
        return self.scale[-1].value

    def item(self, item_id: str) -> Item:
        """The item with this id; ``KeyError`` if there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def area(self, area_id: str) -> Area:
        """The area with this id; ``KeyError`` if there is none."""
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def scale_point(self, value: int) -> ScalePoint:
        """The scale point with this value; ``KeyError`` if it is off the scale."""
        for point in self.scale:
            if point.value == value:
                return point
        raise KeyError(value)

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)


# ---------------------------------------------------------------------------------------
# Locating instruments


def instruments_dir() -> Path:
    """The folder that holds the instrument YAML files.

    The environment variable ``CRM_WORKBOOK_INSTRUMENTS`` wins when it is set. Otherwise
    the repository's ``data/instruments`` is used: first next to the installed
    ``crmlib`` package, then in the working folder or any folder above it (a notebook
    runs from ``notebooks/``, papermill from wherever the batch was started).

    Returns
    -------
    Path

    Raises
    ------
    InstrumentError
        If the variable names a missing folder, or no ``data/instruments`` is found.
    """
    override = os.environ.get(INSTRUMENTS_ENV)
    if override:
        folder = Path(override).expanduser()
        if not folder.is_dir():
            raise InstrumentError(
                f"{INSTRUMENTS_ENV}={override}: no such folder. "
                f"Fix: point {INSTRUMENTS_ENV} at the folder that holds the instrument "
                "YAML files, or unset it to use the workbook's data/instruments"
            )
        return folder
    package_root = Path(__file__).resolve().parents[2]
    candidates = [package_root, *[Path.cwd(), *Path.cwd().parents]]
    for root in candidates:
        folder = root / "data" / "instruments"
        if folder.is_dir():
            return folder
    raise InstrumentError(
        "data/instruments: folder not found next to crmlib or above the working folder "
        f"{Path.cwd()}. Fix: run from inside the workbook's repository, or set "
        f"{INSTRUMENTS_ENV} to the folder that holds the instrument YAML files"
    )


def _instrument_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("."))


def load_instrument(id_or_path: str | os.PathLike[str] | Instrument) -> Instrument:
    """Load and check one instrument.

    Parameters
    ----------
    id_or_path : str, path-like or Instrument
        An instrument id (``"qci"``: the file ``<instruments_dir()>/qci.yaml``), the
        path of a YAML file, or an already loaded instrument (returned as it is).

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        If the file is missing or breaks a rule of the format; the message names the
        file, the area or item, the problem and the fix.
    """
    if isinstance(id_or_path, Instrument):
        return id_or_path
    text = os.fspath(id_or_path)
    looks_like_path = text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text
    if looks_like_path:
        path = Path(text)
    else:
        folder = instruments_dir()
        path = folder / f"{text}.yaml"
        if not path.is_file():
            known = [p.stem for p in _instrument_files(folder)]
            close = difflib.get_close_matches(text, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise InstrumentError(
                f"{path}: no instrument '{text}'. Fix: {hint}use one of "
                f"{', '.join(known) or '(none found)'}"
            )
    if not path.is_file():
        raise InstrumentError(f"{path}: file not found. Fix: check the path of the instrument")
    text = path.read_text(encoding="utf-8")
    language = current_language()
    if language != SOURCE_LANGUAGE:
        # The texts in the report's language; ids, values and scoring stay the file's.
        text = translated_text(text, path, language)
    instrument = parse_instrument(text, source=str(path))
    if instrument.id != path.stem:
        raise InstrumentError(
            f"{path}: the id '{instrument.id}' differs from the file name '{path.stem}'. "
            f"Fix: rename the file to {instrument.id}.yaml or set id: {path.stem}, so the "
            "answers file assessments/<id>.yaml can be found"
        )
    return _with_path(instrument, path)


def _with_path(instrument: Instrument, path: Path) -> Instrument:
    return replace(instrument, path=path)


def list_instruments(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every instrument in a folder, loaded and checked.

    Parameters
    ----------
    folder : path-like, optional
        Defaults to :func:`instruments_dir`.

    Returns
    -------
    DataFrame
        One row per instrument, sorted by id, with columns ``id``, ``title``,
        ``model``, ``n_areas``, ``n_items``, ``dimensions`` (comma-separated ids) and
        ``path``.

    Raises
    ------
    InstrumentError
        If any instrument in the folder is malformed.
    """
    folder = Path(folder) if folder is not None else instruments_dir()
    rows = []
    for path in _instrument_files(folder):
        instrument = load_instrument(path)
        rows.append(
            {
                "id": instrument.id,
                "title": instrument.title,
                "model": instrument.model,
                "n_areas": len(instrument.areas),
                "n_items": len(instrument.items),
                "dimensions": ", ".join(instrument.dimension_ids),
                "path": str(path),
            }
        )
    columns = ["id", "title", "model", "n_areas", "n_items", "dimensions", "path"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------
# Parsing and checking


class _Checker:
    """Builds error messages that say where in the file the problem is."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str, fix: str) -> InstrumentError:
        location = f"{self.source}, {where}" if where else self.source
        return InstrumentError(f"{location}: {problem}. Fix: {fix}")

    def mapping(self, value: Any, where: str, what: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(
                where,
                f"{what} must be a mapping of keys to values, not {_describe(value)}",
                f"write {what} as 'key: value' lines",
            )
        return value

    def keys(self, data: dict, spec: dict, where: str, what: str) -> None:
        for key in spec["required"]:
            if key not in data:
                raise self.fail(where, f"missing required key '{key}'", f"add {key}: to the {what}")
        allowed = (*spec["required"], *spec["optional"])
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise self.fail(
                    where,
                    f"unknown key '{key}'",
                    f"{hint}the {what}'s keys are {', '.join(allowed)}",
                )

    def text(self, value: Any, where: str, key: str, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(
                where,
                f"'{key}' must be non-empty text, not {_describe(value)}",
                f"write {key}: followed by the text",
            )
        return value.strip()

    def ident(self, value: Any, where: str, what: str) -> str:
        if not isinstance(value, str) or not _ID_PATTERN.match(value):
            raise self.fail(
                where,
                f"{what} id {_describe(value)} is not a valid id",
                "use lower-case letters, digits and underscores, starting "
                "with a letter (e.g. value_segments)",
            )
        return value

    def whole(self, value: Any, where: str, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                where,
                f"'{key}' must be a whole number, not {_describe(value)}",
                f"write {key}: as a whole number",
            )
        return value

    def flag(self, value: Any, where: str, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(
                where,
                f"'{key}' must be yes or no, not {_describe(value)}",
                f"write {key}: yes or {key}: no",
            )
        return value

    def items_list(self, value: Any, where: str, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(
                where,
                f"'{key}' must be a non-empty list, not {_describe(value)}",
                f"list the entries under {key}: as '- ' lines",
            )
        return value


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)


def _points(check: _Checker, raw: Any, key: str, *, first: int | None = None) -> tuple:
    entries = check.items_list(raw, "", key)
    points = []
    for index, entry in enumerate(entries):
        where = f"{key} point {index + 1}"
        entry = check.mapping(entry, where, f"a {key} point")
        check.keys(entry, _POINT_KEYS, where, f"{key} point")
        points.append(
            ScalePoint(
                value=check.whole(entry["value"], where, "value"),
                label=check.text(entry["label"], where, "label"),
                meaning=check.text(entry["meaning"], where, "meaning"),
            )
        )
    if len(points) < 2:
        raise check.fail("", f"the {key} has only one point", "give at least two points")
    values = [point.value for point in points]
    expected = list(range(values[0], values[0] + len(values)))
    if values != expected:
        raise check.fail(
            "",
            f"the {key} values {values} are not consecutive whole numbers in rising order",
            f"number the {key} points {expected}",
        )
    if first is not None and values[0] != first:
        raise check.fail(
            "", f"the {key} starts at {values[0]}", f"number the {key} points from {first}"
        )
    return tuple(points)


def _levels(check: _Checker, raw: Any, where: str) -> tuple[MaturityLevel, ...]:
    entries = check.items_list(raw, where, "levels")
    levels = []
    for index, entry in enumerate(entries):
        here = f"{where}, level {index + 1}"
        entry = check.mapping(entry, here, "a level")
        check.keys(entry, _LEVEL_KEYS, here, "maturity level")
        markers = check.items_list(entry["markers"], here, "markers")
        levels.append(
            MaturityLevel(
                level=check.whole(entry["level"], here, "level"),
                title=check.text(entry["title"], here, "title"),
                description=check.text(entry["description"], here, "description"),
                markers=tuple(check.text(m, here, "markers") for m in markers),
            )
        )
    numbers = [level.level for level in levels]
    expected = list(range(1, len(levels) + 1))
    if len(levels) < 2:
        raise check.fail(where, "a maturity item with only one level", "give at least two levels")
    if numbers != expected:
        raise check.fail(
            where, f"the maturity levels are numbered {numbers}", f"number them {expected}"
        )
    return tuple(levels)


def _tags(check: _Checker, raw: Any) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    raw = check.mapping(raw, "tags", "tags")
    tag_sets = {}
    for name, values in raw.items():
        where = f"tag '{name}'"
        check.ident(name, where, "tag")
        if name in RESERVED_COLUMNS:
            raise check.fail(
                where, f"'{name}' is a column of the score tables", "choose another tag name"
            )
        values = check.items_list(values, where, "values")
        tag_sets[name] = tuple(check.ident(value, where, "tag value") for value in values)
        if len(set(tag_sets[name])) != len(tag_sets[name]):
            raise check.fail(where, "a value is listed twice", "list each value once")
    return tag_sets


def _dimensions(check: _Checker, raw: Any) -> tuple[Dimension, ...]:
    if raw is None:
        return (Dimension(SINGLE_DIMENSION, "Score"),)
    entries = check.items_list(raw, "", "dimensions")
    dimensions = []
    for index, entry in enumerate(entries):
        where = f"dimension {index + 1}"
        entry = check.mapping(entry, where, "a dimension")
        check.keys(entry, _DIMENSION_KEYS, where, "dimension")
        dimensions.append(
            Dimension(
                id=check.ident(entry["id"], where, "dimension"),
                label=check.text(entry["label"], where, "label"),
                description=check.text(
                    entry.get("description"), where, "description", required=False
                ),
            )
        )
    ids = [d.id for d in dimensions]
    duplicate = next((d for d in ids if ids.count(d) > 1), None)
    if duplicate:
        raise check.fail(
            f"dimension '{duplicate}'", "the id is used twice", "give every dimension its own id"
        )
    return tuple(dimensions)


def _benchmarks(check: _Checker, raw: Any) -> tuple[Benchmark, ...]:
    if raw is None:
        return ()
    entries = check.items_list(raw, "", "benchmarks")
    benchmarks = []
    for index, entry in enumerate(entries):
        where = f"benchmark {index + 1}"
        entry = check.mapping(entry, where, "a benchmark")
        check.keys(entry, _BENCHMARK_KEYS, where, "benchmark")
        percent = entry["percent"]
        if (
            isinstance(percent, bool)
            or not isinstance(percent, (int, float))
            or not (0 <= percent <= 100)
        ):
            raise check.fail(
                where,
                f"percent {_describe(percent)} is not between 0 and 100",
                "give the benchmark as a percentage of the maximum, 0 to 100",
            )
        benchmarks.append(
            Benchmark(
                id=check.ident(entry["id"], where, "benchmark"),
                label=check.text(entry["label"], where, "label"),
                percent=float(percent),
                description=check.text(
                    entry.get("description"), where, "description", required=False
                ),
            )
        )
    return tuple(benchmarks)


def _item(check: _Checker, raw: Any, area: dict, area_id: str, index: int, context: dict) -> Item:
    where = f"area '{area_id}', item {index + 1}"
    raw = check.mapping(raw, where, "an item")
    if "id" in raw:
        where = f"item '{raw['id']}'"
    check.keys(raw, _ITEM_KEYS, where, "item")
    item_id = check.ident(raw["id"], where, "item")
    item_type = raw.get("type", area.get("item_type", "scale"))
    if item_type not in ITEM_TYPES:
        raise check.fail(
            where, f"unknown type {_describe(item_type)}", f"use one of {', '.join(ITEM_TYPES)}"
        )
    if item_type != "scale" and len(context["dimensions"]) > 1:
        raise check.fail(
            where,
            f"a {item_type} item in an instrument with several dimensions",
            "use scale items only, or drop the dimensions",
        )
    levels: tuple[MaturityLevel, ...] = ()
    if item_type == "maturity":
        if "levels" not in raw:
            raise check.fail(
                where,
                "a maturity item without levels",
                "add levels: with level, title, description and markers",
            )
        levels = _levels(check, raw["levels"], where)
    elif "levels" in raw:
        raise check.fail(
            where, f"levels given for a {item_type} item", "remove levels, or set type: maturity"
        )
    desirable = raw.get("desirable", area.get("desirable", True))
    severity = raw.get("severity", area.get("severity", False))
    if item_type != "check" and ("desirable" in raw or "severity" in raw):
        raise check.fail(
            where,
            f"desirable/severity given for a {item_type} item",
            "remove them, or set type: check",
        )
    desirable = check.flag(desirable, where, "desirable")
    severity = check.flag(severity, where, "severity") and item_type == "check"
    if severity and not context["severity_scale"]:
        raise check.fail(
            where,
            "severity is asked but the instrument has no severity scale",
            "add a top-level severity_scale: list of points, or set severity: no",
        )
    tags_raw = raw.get("tags") or {}
    tags_raw = check.mapping(tags_raw, where, "tags")
    tags = {}
    for name, value in tags_raw.items():
        allowed = context["tag_sets"].get(name)
        if allowed is None:
            raise check.fail(
                where, f"unknown tag '{name}'", "declare it under the top-level tags:, or remove it"
            )
        if value not in allowed:
            raise check.fail(
                where,
                f"tag {name} {_describe(value)} is not allowed",
                f"use one of {', '.join(allowed)}",
            )
        tags[name] = value
    for name in area.get("required_tags") or ():
        if name not in tags:
            raise check.fail(
                where,
                f"the item has no '{name}' tag, which its area requires",
                f"add tags: {{{name}: <one of {', '.join(context['tag_sets'].get(name, ()))}>}}",
            )
    return Item(
        id=item_id,
        type=item_type,
        text=check.text(raw["text"], where, "text"),
        guidance=check.text(raw["guidance"], where, "guidance"),
        area=area_id,
        tags=tags,
        desirable=desirable,
        severity=severity,
        levels=levels,
    )


def parse_instrument(text: str | dict, source: str = "<instrument>") -> Instrument:
    """Parse and check an instrument from YAML text.

    Parameters
    ----------
    text : str or dict
        The YAML text (the format is in ``data/instruments/README.md``), or its data
        already read (a translated instrument, see :mod:`crmlib.instruments.translation`).
    source : str
        The file name used in error messages.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        On the first rule the text breaks: YAML syntax, a duplicate key, a missing or
        unknown key, a duplicate id, a scale that is not consecutive, an area without
        items, a tag that is not declared, and so on.
    """
    check = _Checker(source)
    data = load_yaml(text, source) if isinstance(text, str) else text
    data = check.mapping(data, "", "the instrument")
    check.keys(data, _TOP_KEYS, "", "instrument")
    instrument_id = check.ident(data["id"], "", "instrument")
    scale = _points(check, data["scale"], "scale")
    severity_scale = (
        _points(check, data["severity_scale"], "severity_scale", first=1)
        if data.get("severity_scale") is not None
        else ()
    )
    dimensions = _dimensions(check, data.get("dimensions"))
    main_dimension = data.get("main_dimension", dimensions[0].id)
    if main_dimension not in [d.id for d in dimensions]:
        raise check.fail(
            "main_dimension",
            f"{_describe(main_dimension)} is not a dimension",
            f"use one of {', '.join(d.id for d in dimensions)}",
        )
    version = data.get("version", 1)
    version = check.whole(version, "", "version")
    context = {
        "dimensions": dimensions,
        "severity_scale": severity_scale,
        "tag_sets": _tags(check, data.get("tags")),
    }
    area_entries = check.items_list(data["areas"], "", "areas")
    areas: list[Area] = []
    seen_items: dict[str, str] = {}
    for area_index, raw_area in enumerate(area_entries):
        where = f"area {area_index + 1}"
        raw_area = check.mapping(raw_area, where, "an area")
        if "id" in raw_area:
            where = f"area '{raw_area['id']}'"
        check.keys(raw_area, _AREA_KEYS, where, "area")
        area_id = check.ident(raw_area["id"], where, "area")
        if any(a.id == area_id for a in areas):
            raise check.fail(where, "the area id is used twice", "give every area its own id")
        if not isinstance(raw_area["items"], list) or not raw_area["items"]:
            raise check.fail(
                where,
                "the area has no items",
                "list at least one item under items:, or remove the area",
            )
        for name in raw_area.get("required_tags") or ():
            if name not in context["tag_sets"]:
                raise check.fail(
                    where,
                    f"required tag '{name}' is not declared",
                    "declare it under the top-level tags:",
                )
        weight = raw_area.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise check.fail(
                where,
                f"weight {_describe(weight)} is not a number of 0 or more",
                "give the area's weight in the overall score, e.g. weight: 1",
            )
        items = []
        for item_index, raw_item in enumerate(raw_area["items"]):
            item = _item(check, raw_item, raw_area, area_id, item_index, context)
            if item.id in seen_items:
                raise check.fail(
                    f"item '{item.id}'",
                    f"the item id is used twice (areas '{seen_items[item.id]}' and '{area_id}')",
                    "give every item its own id",
                )
            seen_items[item.id] = area_id
            items.append(item)
        areas.append(
            Area(
                id=area_id,
                title=check.text(raw_area["title"], where, "title"),
                items=tuple(items),
                description=check.text(
                    raw_area.get("description"), where, "description", required=False
                ),
                guidance=check.text(raw_area.get("guidance"), where, "guidance", required=False),
                weight=float(weight),
            )
        )
    if not any(area.weight > 0 for area in areas):
        raise check.fail(
            "",
            "every area has weight 0, so there is no overall score",
            "give at least one area a weight above 0",
        )
    return Instrument(
        id=instrument_id,
        title=check.text(data["title"], "", "title"),
        model=check.text(data["model"], "", "model"),
        source=check.text(data["source"], "", "source"),
        guidance=check.text(data["guidance"], "", "guidance"),
        description=check.text(data.get("description"), "", "description", required=False),
        version=version,
        scale=scale,
        dimensions=dimensions,
        main_dimension=main_dimension,
        benchmarks=_benchmarks(check, data.get("benchmarks")),
        severity_scale=severity_scale,
        tag_sets=context["tag_sets"],
        areas=tuple(areas),
    )


def iter_instruments(folder: str | os.PathLike[str] | None = None) -> Iterable[Instrument]:
    """Load every instrument in a folder (default :func:`instruments_dir`), sorted by id."""
    folder = Path(folder) if folder is not None else instruments_dir()
    for path in _instrument_files(folder):
        yield load_instrument(path)

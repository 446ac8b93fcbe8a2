"""Scores of an assessment: per item, per area, overall, and the gaps between dimensions.

How scores are counted
----------------------
Every answered value becomes *points* out of *max_points*, counted from the lowest
possible answer, so 0 % is the lowest answer and 100 % the highest:

* a scale item scores ``score - lowest point`` out of ``highest - lowest`` (on a 1-5
  scale a 4 is 3 points of 4, 75 %);
* a check item scores 1 of 1 when the answer is the desirable one (yes for a practice,
  no for a barrier) and 0 otherwise;
* a maturity item scores ``level - 1`` out of ``number of levels - 1``.

An area's percentage is its points over its maximum, summed over the *answered*
values only. A value that was not scored is missing: it is neither zero nor part of
the denominator, and ``coverage`` tells how much of the area was answered. The overall
percentage is the mean of the area percentages, weighted by each area's ``weight``
(1 unless the instrument says otherwise), over the areas with at least one answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.errors import ParameterError
from crmlib.instruments.answers import Answers
from crmlib.instruments.definition import Instrument, Item

_ITEM_COLUMNS = [
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
]
_AREA_COLUMNS = [
    "area",
    "area_title",
    "dimension",
    "answered",
    "total",
    "coverage",
    "score_mean",
    "points",
    "max_points",
    "percent",
    "weight",
]


def _item_points(
    instrument: Instrument, item: Item, value: int | bool
) -> tuple[float, float, float]:
    """(score, points, max_points) of one answered value."""
    if item.type == "check":
        return float(value), float(bool(value) == item.desirable), 1.0
    if item.type == "maturity":
        lowest, highest = item.levels[0].level, item.levels[-1].level
        return float(value), float(value - lowest), float(highest - lowest)
    lowest, highest = instrument.scale_min, instrument.scale_max
    return float(value), float(value - lowest), float(highest - lowest)


def _max_points(instrument: Instrument, item: Item) -> float:
    if item.type == "check":
        return 1.0
    if item.type == "maturity":
        return float(item.levels[-1].level - item.levels[0].level)
    return float(instrument.scale_max - instrument.scale_min)


def item_scores(answers: Answers) -> pd.DataFrame:
    """One row per item and dimension, with its score and points.

    Parameters
    ----------
    answers : Answers

    Returns
    -------
    DataFrame
        In the order of the instrument, with columns:

        ``area``, ``area_title``, ``item``, ``text``, ``type``
            Where the item is and what it asks.
        ``dimension``
            The dimension scored (``"score"`` when the instrument declares none).
        ``score``
            The answer as given: the scale point, the level, 1.0 for yes and 0.0 for
            no. NaN when not scored.
        ``points``, ``max_points``, ``percent``
            Points counted from the lowest answer, their maximum, and
            ``100 * points / max_points``. ``points`` and ``percent`` are NaN when not
            scored; ``max_points`` is always given.
        ``answered``
            True when the value was scored.
        one column per tag set of the instrument (e.g. ``activity``)
            The item's tag, or missing.
    """
    instrument = answers.instrument
    rows = []
    for area in instrument.areas:
        for item in area.items:
            for dimension in instrument.dimension_ids:
                value = answers.scores.get(item.id, {}).get(dimension)
                if value is None:
                    score = points = np.nan
                    maximum = _max_points(instrument, item)
                else:
                    score, points, maximum = _item_points(instrument, item, value)
                row = {
                    "area": area.id,
                    "area_title": area.title,
                    "item": item.id,
                    "text": item.text,
                    "type": item.type,
                    "dimension": dimension,
                    "score": score,
                    "points": points,
                    "max_points": maximum,
                    "percent": 100.0 * points / maximum if maximum else np.nan,
                    "answered": value is not None,
                }
                for tag in instrument.tag_sets:
                    row[tag] = item.tags.get(tag)
                rows.append(row)
    frame = pd.DataFrame(rows, columns=[*_ITEM_COLUMNS, *instrument.tag_sets])
    for column in ("score", "points", "max_points", "percent"):
        frame[column] = frame[column].astype(float)
    frame["answered"] = frame["answered"].astype(bool)
    return frame


def _summarise(group: pd.DataFrame) -> pd.Series:
    answered = group[group["answered"]]
    max_points = answered["max_points"].sum()
    n_answered = len(answered)
    return pd.Series(
        {
            "answered": n_answered,
            "total": len(group),
            "coverage": n_answered / len(group) if len(group) else np.nan,
            "score_mean": answered["score"].mean() if n_answered else np.nan,
            "points": answered["points"].sum() if n_answered else np.nan,
            "max_points": max_points if n_answered else np.nan,
            "percent": 100.0 * answered["points"].sum() / max_points if max_points else np.nan,
        }
    )


def _grouped(items: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = []
    for key_values, group in items.groupby(keys, sort=False):
        summary = _summarise(group)
        rows.append({**dict(zip(keys, key_values, strict=True)), **summary.to_dict()})
    frame = pd.DataFrame(rows)
    for column in ("answered", "total"):
        frame[column] = frame[column].astype(int)
    return frame


def area_scores(answers: Answers) -> pd.DataFrame:
    """One row per area and dimension: points, percentage and coverage.

    Parameters
    ----------
    answers : Answers

    Returns
    -------
    DataFrame
        In the order of the instrument, with columns:

        ``area``, ``area_title``, ``dimension``
        ``answered``, ``total``, ``coverage``
            Values scored, values in the area, and their ratio (0-1).
        ``score_mean``
            Mean of the answers as given (for check items, the share of yes).
        ``points``, ``max_points``
            Summed over the answered values only.
        ``percent``
            ``100 * points / max_points``: 0 is the lowest answer throughout, 100 the
            highest. NaN when nothing in the area was scored.
        ``weight``
            The area's weight in the overall score.
    """
    items = item_scores(answers)
    frame = _grouped(items, ["area", "area_title", "dimension"])
    weights = {area.id: area.weight for area in answers.instrument.areas}
    frame["weight"] = frame["area"].map(weights).astype(float)
    return frame[_AREA_COLUMNS]


def overall_scores(answers: Answers) -> pd.DataFrame:
    """The overall score, one row per dimension.

    Parameters
    ----------
    answers : Answers

    Returns
    -------
    DataFrame
        With columns ``dimension``; ``answered``, ``total`` and ``coverage`` over all
        items; ``areas_scored`` (areas with at least one answer) and ``areas``; and
        ``percent``, the mean of the area percentages weighted by area weight, over
        the areas scored (NaN when nothing is scored).
    """
    areas = area_scores(answers)
    rows = []
    for dimension, group in areas.groupby("dimension", sort=False):
        scored = group[group["answered"] > 0]
        weights = scored["weight"].to_numpy()
        percent = (
            float(np.average(scored["percent"], weights=weights)) if weights.sum() > 0 else np.nan
        )
        answered, total = int(group["answered"].sum()), int(group["total"].sum())
        rows.append(
            {
                "dimension": dimension,
                "answered": answered,
                "total": total,
                "coverage": answered / total if total else np.nan,
                "areas_scored": len(scored),
                "areas": len(group),
                "percent": percent,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["dimension", "answered", "total", "coverage", "areas_scored", "areas", "percent"],
    )


def tag_scores(answers: Answers, tag: str) -> pd.DataFrame:
    """Scores per value of a tag, e.g. QCI's REAP activities.

    Parameters
    ----------
    answers : Answers
    tag : str
        A tag set declared by the instrument (``"activity"`` for QCI).

    Returns
    -------
    DataFrame
        One row per tag value (in the declared order) and dimension, with the columns
        of :func:`area_scores` but ``<tag>`` instead of ``area``/``area_title`` and
        without ``weight``. Items without the tag are left out.

    Raises
    ------
    ParameterError
        If the instrument has no such tag set.
    """
    instrument = answers.instrument
    if tag not in instrument.tag_sets:
        raise ParameterError(
            f"instrument {instrument.id} has no tag '{tag}'; its tags are "
            f"{', '.join(instrument.tag_sets) or '(none)'}"
        )
    items = item_scores(answers)
    items = items[items[tag].notna()]
    frame = _grouped(items, [tag, "dimension"])
    order = {value: index for index, value in enumerate(instrument.tag_sets[tag])}
    frame = frame.sort_values(tag, key=lambda s: s.map(order), kind="mergesort")
    return frame.reset_index(drop=True)[[tag, *_AREA_COLUMNS[2:-1]]]


def _gap_dimensions(instrument: Instrument, dimensions: tuple[str, str] | None) -> tuple[str, str]:
    if dimensions is None:
        if len(instrument.dimensions) < 2:
            raise ParameterError(
                f"instrument {instrument.id} scores each item once, so there is no gap between "
                "dimensions; gaps need an instrument with two dimensions, such as qci"
            )
        return instrument.dimension_ids[0], instrument.dimension_ids[1]
    for dimension in dimensions:
        if dimension not in instrument.dimension_ids:
            raise ParameterError(
                f"'{dimension}' is not a dimension of {instrument.id}; use "
                f"{', '.join(instrument.dimension_ids)}"
            )
    if len(dimensions) != 2 or dimensions[0] == dimensions[1]:
        raise ParameterError("dimensions must name two different dimensions")
    return dimensions[0], dimensions[1]


def item_gaps(answers: Answers, dimensions: tuple[str, str] | None = None) -> pd.DataFrame:
    """The gap between two dimensions per item: for QCI, intention minus reality.

    Parameters
    ----------
    answers : Answers
    dimensions : (str, str), optional
        The two dimensions, first minus second; default the instrument's first two.

    Returns
    -------
    DataFrame
        One row per item, with columns ``area``, ``area_title``, ``item``, ``text``;
        ``<first>`` and ``<second>`` (the scores as given, NaN when not scored);
        ``<first>_percent`` and ``<second>_percent``; ``gap_points`` (first minus
        second in scale points) and ``gap`` (in percentage points). The gaps are NaN
        unless both dimensions are scored. A positive gap means the plan is ahead of
        what happens.

    Raises
    ------
    ParameterError
        If the instrument has fewer than two dimensions or a dimension is unknown.
    """
    first, second = _gap_dimensions(answers.instrument, dimensions)
    items = item_scores(answers)
    keys = ["area", "area_title", "item", "text"]
    left = items[items["dimension"] == first].set_index("item")
    right = items[items["dimension"] == second].set_index("item")
    frame = left[keys[:2] + keys[3:]].copy()
    frame[first] = left["score"]
    frame[second] = right["score"]
    frame[f"{first}_percent"] = left["percent"]
    frame[f"{second}_percent"] = right["percent"]
    frame["gap_points"] = left["points"] - right["points"]
    frame["gap"] = left["percent"] - right["percent"]
    frame = frame.reset_index()
    columns = [*keys, first, second, f"{first}_percent", f"{second}_percent", "gap_points", "gap"]
    frame = frame[columns]
    frame.attrs["dimensions"] = (first, second)
    return frame


def area_gaps(answers: Answers, dimensions: tuple[str, str] | None = None) -> pd.DataFrame:
    """The gap between two dimensions per area, over the items scored on both.

    Only items scored on both dimensions count, so the two percentages compare the
    same practices (they can therefore differ from :func:`area_scores`).

    Parameters
    ----------
    answers : Answers
    dimensions : (str, str), optional
        The two dimensions, first minus second; default the instrument's first two.

    Returns
    -------
    DataFrame
        One row per area, in the order of the instrument, with columns ``area``,
        ``area_title``, ``paired`` (items scored on both), ``total`` (items in the
        area), ``<first>_percent``, ``<second>_percent`` and ``gap`` (first minus
        second, in percentage points; NaN when no item is scored on both).
        ``frame.attrs["dimensions"]`` holds the two dimension ids.

    Raises
    ------
    ParameterError
        If the instrument has fewer than two dimensions or a dimension is unknown.
    """
    first, second = _gap_dimensions(answers.instrument, dimensions)
    items = item_scores(answers)
    left = items[items["dimension"] == first].set_index("item")
    right = items[items["dimension"] == second].set_index("item")
    both = left["answered"] & right["answered"]
    rows = []
    for area in answers.instrument.areas:
        in_area = left["area"] == area.id
        paired = in_area & both
        maximum = left.loc[paired, "max_points"].sum()
        row = {
            "area": area.id,
            "area_title": area.title,
            "paired": int(paired.sum()),
            "total": int(in_area.sum()),
        }
        for dimension, scores in ((first, left), (second, right)):
            points = scores.loc[paired, "points"].sum()
            row[f"{dimension}_percent"] = 100.0 * points / maximum if maximum else np.nan
        row["gap"] = row[f"{first}_percent"] - row[f"{second}_percent"]
        rows.append(row)
    columns = [
        "area",
        "area_title",
        "paired",
        "total",
        f"{first}_percent",
        f"{second}_percent",
        "gap",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["dimensions"] = (first, second)
    return frame


def weakest_areas(
    answers: Answers, *, dimension: str | None = None, n: int | None = None
) -> pd.DataFrame:
    """The areas ranked from the weakest, on one dimension.

    Areas with nothing scored are left out: they are unknown, not weak.

    Parameters
    ----------
    answers : Answers
    dimension : str, optional
        Default the instrument's ``main_dimension`` (QCI: reality).
    n : int, optional
        Keep only the ``n`` weakest.

    Returns
    -------
    DataFrame
        The rows of :func:`area_scores` for the dimension, sorted by ``percent``
        ascending (ties keep the instrument's order), with a ``rank`` column
        (1 = weakest) first.
    """
    instrument = answers.instrument
    dimension = dimension or instrument.main_dimension
    if dimension not in instrument.dimension_ids:
        raise ParameterError(
            f"'{dimension}' is not a dimension of {instrument.id}; use "
            f"{', '.join(instrument.dimension_ids)}"
        )
    if n is not None and n < 1:
        raise ParameterError(f"n must be 1 or more, got {n}")
    areas = area_scores(answers)
    areas = areas[(areas["dimension"] == dimension) & areas["percent"].notna()]
    areas = areas.sort_values("percent", kind="mergesort").reset_index(drop=True)
    areas.insert(0, "rank", np.arange(1, len(areas) + 1))
    return areas.head(n) if n is not None else areas


def maturity_levels(answers: Answers) -> pd.DataFrame:
    """The maturity level chosen for each maturity item.

    Parameters
    ----------
    answers : Answers

    Returns
    -------
    DataFrame
        One row per maturity item, with columns ``area``, ``item``, ``text``,
        ``level`` (nullable integer; missing when not scored), ``levels`` (the number
        of levels), ``title`` and ``description`` of the chosen level (missing when not
        scored) and ``percent``.
    """
    rows = []
    for item in answers.instrument.items:
        if item.type != "maturity":
            continue
        level = answers.scores.get(item.id, {}).get(answers.instrument.dimension_ids[0])
        chosen = item.level(level) if level is not None else None
        lowest, highest = item.levels[0].level, item.levels[-1].level
        rows.append(
            {
                "area": item.area,
                "item": item.id,
                "text": item.text,
                "level": level,
                "levels": len(item.levels),
                "title": chosen.title if chosen else None,
                "description": chosen.description if chosen else None,
                "percent": 100.0 * (level - lowest) / (highest - lowest)
                if level is not None
                else np.nan,
            }
        )
    columns = ["area", "item", "text", "level", "levels", "title", "description", "percent"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["level"] = frame["level"].astype("Int64")
    frame["percent"] = frame["percent"].astype(float)
    return frame


def barriers(answers: Answers, *, present_only: bool = True) -> pd.DataFrame:
    """The barriers: check items whose "yes" is undesirable (``desirable: no``).

    Parameters
    ----------
    answers : Answers
    present_only : bool, default True
        Keep only the barriers answered "yes" (present), most severe first.
        With False, every barrier is listed in the instrument's order.

    Returns
    -------
    DataFrame
        Columns ``area``, ``item``, ``text``, ``present`` (nullable boolean; missing
        when not scored), ``severity`` (nullable integer) and ``severity_label``.
    """
    instrument = answers.instrument
    labels = {point.value: point.label for point in instrument.severity_scale}
    rows = []
    for item in instrument.items:
        if item.type != "check" or item.desirable:
            continue
        value = answers.scores.get(item.id, {}).get(instrument.dimension_ids[0])
        severity = answers.severity.get(item.id)
        rows.append(
            {
                "area": item.area,
                "item": item.id,
                "text": item.text,
                "present": value,
                "severity": severity,
                "severity_label": labels.get(severity) if severity is not None else None,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["area", "item", "text", "present", "severity", "severity_label"]
    )
    frame["present"] = frame["present"].astype("boolean")
    frame["severity"] = frame["severity"].astype("Int64")
    if present_only:
        frame = frame[frame["present"].fillna(False).astype(bool)]
        frame = frame.sort_values("severity", ascending=False, kind="mergesort", na_position="last")
        frame = frame.reset_index(drop=True)
    return frame

"""Scores against hand-computed examples; missing answers never count as zero."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from crmlib.errors import ParameterError
from crmlib.instruments import (
    area_gaps,
    area_scores,
    barriers,
    item_gaps,
    item_scores,
    maturity_levels,
    overall_scores,
    parse_answers,
    parse_instrument,
    tag_scores,
    weakest_areas,
)

MIXED = parse_instrument(
    textwrap.dedent(
        """\
        id: mixed
        title: Mixed item types
        model: Test
        source: Test
        guidance: Test
        scale:
          - {value: 1, label: one, meaning: m}
          - {value: 2, label: two, meaning: m}
          - {value: 3, label: three, meaning: m}
          - {value: 4, label: four, meaning: m}
          - {value: 5, label: five, meaning: m}
        severity_scale:
          - {value: 1, label: Minor, meaning: m}
          - {value: 2, label: Serious, meaning: m}
        tags:
          kind: [people, systems]
        areas:
          - id: practices
            title: Practices
            items:
              - {id: x1, text: t, guidance: g, tags: {kind: people}}
              - {id: x2, text: t, guidance: g, tags: {kind: systems}}
              - {id: x3, text: t, guidance: g, tags: {kind: people}}
          - id: checks
            title: Checks
            item_type: check
            items:
              - {id: c1, text: t, guidance: g}
              - {id: c2, text: t, guidance: g}
              - {id: b1, text: t, guidance: g, desirable: no, severity: yes}
              - {id: b2, text: t, guidance: g, desirable: no, severity: yes}
              - {id: b3, text: t, guidance: g, desirable: no, severity: yes}
          - id: level
            title: Level
            weight: 2
            items:
              - id: m
                type: maturity
                text: t
                guidance: g
                levels:
                  - {level: 1, title: L1, description: d1, markers: [k]}
                  - {level: 2, title: L2, description: d2, markers: [k]}
                  - {level: 3, title: L3, description: d3, markers: [k]}
                  - {level: 4, title: L4, description: d4, markers: [k]}
        """
    ),
    source="mixed.yaml",
)

# x3 and b3 are not scored.
MIXED_ANSWERS = parse_answers(
    textwrap.dedent(
        """\
        instrument: mixed
        scores:
          x1: 5
          x2: 2
          c1: yes
          c2: no
          b1: {answer: yes, severity: 1}
          b2: {answer: yes, severity: 2}
          m: 3
        """
    ),
    MIXED,
)

TWO_DIMENSIONS = parse_instrument(
    textwrap.dedent(
        """\
        id: planned
        title: Two dimensions
        model: Test
        source: Test
        guidance: Test
        dimensions:
          - {id: intention, label: Intention}
          - {id: reality, label: Reality}
        main_dimension: reality
        scale:
          - {value: 0, label: zero, meaning: m}
          - {value: 1, label: one, meaning: m}
          - {value: 2, label: two, meaning: m}
          - {value: 3, label: three, meaning: m}
          - {value: 4, label: four, meaning: m}
        areas:
          - id: p
            title: Area P
            items:
              - {id: p1, text: t, guidance: g}
              - {id: p2, text: t, guidance: g}
              - {id: p3, text: t, guidance: g}
          - id: q
            title: Area Q
            items:
              - {id: q1, text: t, guidance: g}
          - id: r
            title: Area R
            items:
              - {id: r1, text: t, guidance: g}
        """
    ),
    source="planned.yaml",
)

TWO_ANSWERS = parse_answers(
    textwrap.dedent(
        """\
        instrument: planned
        scores:
          p1: {intention: 4, reality: 2}
          p2: {intention: 0}
          p3: {intention: 2, reality: 2}
          q1: {intention: 1, reality: 3}
        """
    ),
    TWO_DIMENSIONS,
)


def test_item_points_count_from_the_lowest_answer() -> None:
    items = item_scores(MIXED_ANSWERS).set_index("item")
    # scale 1-5: 5 -> 4 of 4 points, 2 -> 1 of 4
    assert items.loc["x1", ["score", "points", "max_points", "percent"]].tolist() == [5, 4, 4, 100]
    assert items.loc["x2", ["points", "percent"]].tolist() == [1, 25]
    # not scored: missing, not zero, though its maximum is known
    assert np.isnan(items.loc["x3", "score"]) and np.isnan(items.loc["x3", "percent"])
    assert items.loc["x3", "max_points"] == 4 and not items.loc["x3", "answered"]
    # check items: 1 point for the desirable answer; a present barrier scores 0
    assert items.loc[["c1", "c2", "b1"], "points"].tolist() == [1, 0, 0]
    assert items.loc["b1", "score"] == 1.0
    # maturity level 3 of 1-4 -> 2 of 3 points
    assert items.loc["m", ["points", "max_points"]].tolist() == [2, 3]
    assert items.loc["x1", "kind"] == "people" and pd.isna(items.loc["c1", "kind"])


def test_area_scores_leave_missing_out_of_the_denominator() -> None:
    areas = area_scores(MIXED_ANSWERS).set_index("area")
    practices = areas.loc["practices"]
    assert (practices["answered"], practices["total"]) == (2, 3)
    assert practices["coverage"] == pytest.approx(2 / 3)
    assert practices["score_mean"] == pytest.approx(3.5)
    assert (practices["points"], practices["max_points"]) == (5, 8)
    assert practices["percent"] == pytest.approx(62.5)
    # Counting x3 as zero would give 5 / 12 = 41.7 %: that must not happen.
    assert practices["percent"] != pytest.approx(100 * 5 / 12)
    # c1 yes (1), c2 no (0), b1 and b2 present (0, 0); b3 not scored
    assert areas.loc["checks", "percent"] == pytest.approx(25.0)
    assert areas.loc["level", "percent"] == pytest.approx(100 * 2 / 3)
    assert areas.loc["level", "weight"] == 2


def test_overall_is_the_weighted_mean_of_scored_areas() -> None:
    overall = overall_scores(MIXED_ANSWERS).iloc[0]
    # (62.5 * 1 + 25 * 1 + 66.67 * 2) / 4
    assert overall["percent"] == pytest.approx((62.5 + 25 + 2 * 200 / 3) / 4)
    assert (overall["answered"], overall["total"]) == (7, 9)
    assert (overall["areas_scored"], overall["areas"]) == (3, 3)


def test_unscored_area_is_left_out_of_overall_and_weakest() -> None:
    overall = overall_scores(TWO_ANSWERS).set_index("dimension")
    # reality: P = (2 + 2) / 8 = 50 %, Q = 3 / 4 = 75 %, R not scored
    assert overall.loc["reality", "percent"] == pytest.approx(62.5)
    # intention: P = (4 + 0 + 2) / 12 = 50 %, Q = 1 / 4 = 25 %
    assert overall.loc["intention", "percent"] == pytest.approx(37.5)
    assert overall.loc["reality", "areas_scored"] == 2
    weakest = weakest_areas(TWO_ANSWERS)
    assert weakest[["rank", "area", "percent"]].values.tolist() == [[1, "p", 50.0], [2, "q", 75.0]]
    assert weakest_areas(TWO_ANSWERS, dimension="intention", n=1)["area"].tolist() == ["q"]


def test_nothing_scored_gives_missing_not_zero() -> None:
    empty = parse_answers("instrument: planned\n", TWO_DIMENSIONS)
    assert area_scores(empty)["percent"].isna().all()
    assert overall_scores(empty)["percent"].isna().all()
    assert weakest_areas(empty).empty


def test_item_gaps_need_both_dimensions() -> None:
    gaps = item_gaps(TWO_ANSWERS).set_index("item")
    assert gaps.loc["p1", ["intention", "reality", "gap_points", "gap"]].tolist() == [4, 2, 2, 50]
    assert np.isnan(gaps.loc["p2", "gap"]) and gaps.loc["p2", "intention"] == 0
    assert gaps.loc["q1", "gap"] == -50
    assert gaps.attrs["dimensions"] == ("intention", "reality")


def test_area_gaps_compare_only_items_scored_on_both() -> None:
    gaps = area_gaps(TWO_ANSWERS).set_index("area")
    # P: p1 and p3 are paired: intention (4 + 2) / 8 = 75 %, reality (2 + 2) / 8 = 50 %.
    # (Area P's intention over all its answers is 50 %, because p2 has intention 0.)
    assert gaps.loc["p", ["paired", "total"]].tolist() == [2, 3]
    assert gaps.loc["p", ["intention_percent", "reality_percent", "gap"]].tolist() == [75, 50, 25]
    assert gaps.loc["q", "gap"] == -50
    assert gaps.loc["r", "paired"] == 0 and np.isnan(gaps.loc["r", "gap"])
    reversed_gaps = area_gaps(TWO_ANSWERS, ("reality", "intention")).set_index("area")
    assert reversed_gaps.loc["p", "gap"] == -25


def test_gaps_need_two_dimensions() -> None:
    with pytest.raises(ParameterError, match="scores each item once"):
        area_gaps(MIXED_ANSWERS)
    with pytest.raises(ParameterError, match="'plans' is not a dimension of planned"):
        item_gaps(TWO_ANSWERS, ("plans", "reality"))


def test_maturity_level_and_barriers() -> None:
    maturity = maturity_levels(MIXED_ANSWERS).iloc[0]
    assert (maturity["item"], maturity["level"], maturity["title"]) == ("m", 3, "L3")
    assert maturity["percent"] == pytest.approx(100 * 2 / 3)
    present = barriers(MIXED_ANSWERS)
    assert present["item"].tolist() == ["b2", "b1"]  # most severe first
    assert present["severity_label"].tolist() == ["Serious", "Minor"]
    every = barriers(MIXED_ANSWERS, present_only=False)
    assert every["item"].tolist() == ["b1", "b2", "b3"]
    assert every["present"].isna().tolist() == [False, False, True]


def test_maturity_not_scored_is_missing() -> None:
    unscored = parse_answers("instrument: mixed\nscores: {x1: 3}\n", MIXED)
    row = maturity_levels(unscored).iloc[0]
    assert pd.isna(row["level"]) and pd.isna(row["title"]) and np.isnan(row["percent"])


def test_tag_scores() -> None:
    by_kind = tag_scores(MIXED_ANSWERS, "kind").set_index("kind")
    # people: x1 = 4 of 4 (x3 not scored); systems: x2 = 1 of 4
    assert by_kind.loc["people", ["answered", "total", "percent"]].tolist() == [1, 2, 100]
    assert by_kind.loc["systems", "percent"] == 25
    with pytest.raises(ParameterError, match="has no tag 'activity'"):
        tag_scores(MIXED_ANSWERS, "activity")

"""The QCI assessment: the people, technology and process areas, and measuring the effect,
scored in a workshop on intention and reality with ``data/instruments/qci.yaml``, and
set against the published benchmarks (lowest about 17 %, average 35 %, best 67 %).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib import instruments
from crmlib.data.company import Company
from crmlib.formatting import percent
from crmlib.text import escape, lead

#: Who owns the improvement of each assessment area.
AREA_OWNERS = {
    "analysis_planning": "marketing",
    "proposition": "marketing",
    "people_organisation": "board",
    "information_technology": "IT",
    "process_management": "operations",
    "cm_activities": "marketing",
    "customer_experience": "customer service",
    "measuring_effect": "board",
}


# ---------------------------------------------------------------------------------------
# The assessment (read first: other rings use its scores)


@dataclass(frozen=True)
class Assessment:
    """The QCI workshop assessment, scored.

    Attributes
    ----------
    answers : crmlib.instruments.Answers
    overall : DataFrame
        :func:`crmlib.instruments.overall_scores` (one row per dimension).
    areas : DataFrame
        Indexed by area id: ``area_title``, ``intention`` and ``reality`` (% of the
        maximum, each over its own answers), ``gap`` (intention minus reality over the
        items scored on both), ``coverage`` (share of the area's reality answers).
    weakest : DataFrame
        :func:`crmlib.instruments.weakest_areas` on reality.
    activities : DataFrame
        Indexed by REAP activity: ``intention`` and ``reality`` %.
    benchmarks : dict
        The published benchmarks (label -> %).
    """

    answers: instruments.Answers
    overall: pd.DataFrame
    areas: pd.DataFrame
    weakest: pd.DataFrame
    activities: pd.DataFrame
    benchmarks: dict[str, float]

    def percent(self, dimension: str = "reality") -> float:
        """The overall score on a dimension, % of the maximum (NaN when nothing is scored)."""
        row = self.overall[self.overall["dimension"] == dimension]
        return float(row["percent"].iloc[0]) if len(row) else float("nan")

    def item_percent(self, item: str, dimension: str = "reality") -> float | None:
        """One item's score, % of the maximum; None when not scored."""
        items = instruments.item_scores(self.answers)
        row = items[(items["item"] == item) & (items["dimension"] == dimension)]
        if row.empty or not bool(row["answered"].iloc[0]):
            return None
        return float(row["percent"].iloc[0])


def assessment(company: Company) -> Assessment:
    """Score the company's saved QCI answers (``assessments/qci.yaml`` in its folder).

    Raises
    ------
    MissingDataError
        When no answers were saved yet.
    """
    instrument = instruments.load_instrument("qci")
    answers = instruments.load_answers(instrument, company.data_dir)
    scores = instruments.area_scores(answers)
    wide = scores.pivot(index="area", columns="dimension", values="percent")
    reality = scores[scores["dimension"] == "reality"].set_index("area")
    gaps = instruments.area_gaps(answers).set_index("area")
    areas = pd.DataFrame(
        {
            "area_title": reality["area_title"],
            "intention": wide["intention"],
            "reality": wide["reality"],
            "gap": gaps["gap"],
            "coverage": reality["coverage"],
        }
    ).reindex([a.id for a in instrument.areas])
    tags = instruments.tag_scores(answers, "activity")
    activities = tags.pivot(index="activity", columns="dimension", values="percent").reindex(
        list(instrument.tag_sets["activity"])
    )
    return Assessment(
        answers=answers,
        overall=instruments.overall_scores(answers),
        areas=areas,
        weakest=instruments.weakest_areas(answers, dimension="reality"),
        activities=activities[["intention", "reality"]],
        benchmarks={b.label: float(b.percent) for b in instrument.benchmarks},
    )


def _benchmark_phrase(score: float, benchmarks: dict[str, float]) -> str:
    values = sorted(benchmarks.items(), key=lambda kv: kv[1])
    low, average, best = (v for _, v in values[:3]) if len(values) >= 3 else (17.0, 35.0, 67.0)
    if score >= best:
        return f"at or above the best companies in the published assessments (about {best:.0f}%)"
    if score >= average:
        return (
            f"above the average company (about {average:.0f}%) but {best - score:.0f} points "
            f"short of the best (about {best:.0f}%)"
        )
    if score > low:
        return (
            f"below the average company (about {average:.0f}%), above the weakest "
            f"(about {low:.0f}%)"
        )
    return f"at the level of the weakest companies (about {low:.0f}%)"


def describe_assessment(result: Assessment) -> str:
    """Scores against the benchmarks, the intention-reality gap, the weakest areas."""
    reality, intention = result.percent("reality"), result.percent("intention")
    if np.isnan(reality):
        return (
            "No practice has been scored on reality yet: fill in the workshop form above to "
            "place the company against the published benchmarks."
        )
    parts = [
        f"The company scores {reality:.0f}% on reality, "
        f"{_benchmark_phrase(reality, result.benchmarks)}."
    ]
    if not np.isnan(intention):
        parts.append(
            f"Intention scores {intention:.0f}%: plans run {intention - reality:.0f} points ahead "
            "of what happens."
            if intention >= reality
            else f"Intention scores {intention:.0f}%, below reality: practice runs ahead of plans."
        )
    weakest = result.weakest.head(3)
    if len(weakest):
        parts.append(
            "The weakest areas in reality: "
            + ", ".join(f"{escape(r.area_title)} ({r.percent:.0f}%)" for r in weakest.itertuples())
            + "."
        )
    gaps = result.areas.dropna(subset=["gap"])
    if len(gaps):
        widest = gaps["gap"].idxmax()
        parts.append(
            f"The widest gap between intention and reality is in "
            f"{escape(gaps.loc[widest, 'area_title'])} ({gaps.loc[widest, 'gap']:.0f} points): "
            "the plan exists, the practice does not follow."
        )
    answered = result.overall.loc[result.overall["dimension"] == "reality", "coverage"]
    if len(answered) and float(answered.iloc[0]) < 1:
        parts.append(
            f"{percent(1 - float(answered.iloc[0]))} of the practices were not scored on reality "
            "and count as unknown, not as zero."
        )
    return " ".join(parts)


def means_assessment(company: Company, scored: Assessment) -> str:
    """What this means: the area to work on first, and whether plans or practice lag."""
    parts = [lead(company.name)]
    if scored.weakest.empty:
        parts.append("Score the practices in a workshop to see where customer management lags.")
        return " ".join(parts)
    weakest = scored.weakest.iloc[0]
    owner = AREA_OWNERS.get(weakest["area"], "management")
    parts.append(
        f"{escape(weakest['area_title'])} is where customer management is weakest in practice "
        f"({weakest['percent']:.0f}%); it is for {owner} to take up first."
    )
    gaps = scored.areas.dropna(subset=["gap"])
    if len(gaps):
        mean_gap = float(gaps["gap"].mean())
        parts.append(
            f"On average plans run {mean_gap:.0f} points ahead of practice: the next step is "
            "doing what has been decided, more than deciding more."
            if mean_gap >= 10
            else f"Plans and practice are close (on average {mean_gap:.0f} points apart): the "
            "next step is raising the ambition in the weakest areas."
        )
    return " ".join(parts)

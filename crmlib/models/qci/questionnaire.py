"""The QCI assessment: the people, technology and process areas, and measuring the effect,
scored in a workshop on intention and reality with ``data/instruments/qci.yaml``, and
set against the published benchmarks (lowest about 17 %, average 35 %, best 67 %).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib import instruments
from crmlib.data.company import Company

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

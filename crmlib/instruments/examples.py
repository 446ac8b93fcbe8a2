"""Example answers for the sample company: a medium-maturity retailer.

The sample company has data but no workshop behind it, so the assessment notebooks
would have nothing to show. :func:`write_example_answers` writes plausible answers for
every instrument: overall around 35-45 % on QCI reality (the published average is
about 35 %), plans ahead of practice in most areas, maturity level 2 or 3, a few
barriers present, and a handful of items deliberately left unscored so that students
see how missing answers are shown.
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from pathlib import Path

import numpy as np

from crmlib.instruments.answers import Answers, save_answers
from crmlib.instruments.definition import Instrument, Item, iter_instruments

ASSESSOR = "Lead consultant"
PARTICIPANTS = [
    "Marketing manager",
    "Customer service lead",
    "Store operations manager",
    "E-commerce manager",
]
FIRST_WORKSHOP = dt.date(2025, 3, 10)

# Where the retailer stands, as a share of the scale on the main dimension.
REALITY_LEVEL = 0.41
REALITY_SPREAD = 0.015
SCALE_LEVEL = 0.48
AREA_SPREAD = 0.12
ITEM_SPREAD = 0.55  # in scale points
PRACTICE_IN_PLACE = 0.45
BARRIER_SHARE = 0.3
UNSCORED_SHARE = 0.06

_AREA_NOTES = (
    "Scored together with the store and web-shop teams; where they differed, the lower "
    "score was kept.",
    "Evidence checked on a sample of ten customer cases from last month.",
    "The group disagreed here: head office sees more in place than the stores do.",
)
_UNSCORED_NOTE = "Not scored: nobody present could speak for this; ask the {who}."
_WHO = ("finance director", "IT manager", "HR manager", "logistics manager")


def _rng(seed: int, instrument_id: str) -> np.random.Generator:
    # A stable hash keeps each instrument's answers independent of the others and of
    # the order in which the folder is listed.
    return np.random.default_rng([seed, zlib.crc32(instrument_id.encode("utf-8"))])


def _spread_round(targets: np.ndarray, low: int, high: int) -> np.ndarray:
    """Round while keeping the sum: each value is the floor or ceiling of its target."""
    clipped = np.clip(targets, low, high)
    totals = np.round(np.cumsum(clipped))
    rounded = np.diff(np.concatenate([[0.0], totals]))
    return np.clip(rounded, low, high).astype(int)


def _area_levels(rng: np.random.Generator, n_areas: int, mean: float) -> np.ndarray:
    levels = rng.uniform(-AREA_SPREAD, AREA_SPREAD, n_areas)
    # Centre the areas on the target, so the overall score lands where the retailer
    # should be whatever the seed, while the areas still differ.
    return np.clip(levels - levels.mean() + mean, 0.05, 0.95)


def _scale_scores(
    rng: np.random.Generator, instrument: Instrument, items: list[Item], level: float
) -> np.ndarray:
    low, high = instrument.scale_min, instrument.scale_max
    noise = rng.normal(0, ITEM_SPREAD, len(items))
    # Centred noise: items differ, but the area keeps its drawn level.
    targets = low + level * (high - low) + noise - noise.mean()
    return _spread_round(targets, low, high)


def example_answers(
    instrument: Instrument, seed: int, *, date: dt.date = FIRST_WORKSHOP
) -> Answers:
    """Plausible answers of the sample retailer to one instrument.

    Parameters
    ----------
    instrument : Instrument
    seed : int
        The same seed gives the same answers.
    date : datetime.date, optional
        The date of the workshop.

    Returns
    -------
    Answers
        Not yet saved.
    """
    rng = _rng(seed, instrument.id)
    answers = Answers(instrument, assessor=ASSESSOR, participants=list(PARTICIPANTS), date=date)
    multi = len(instrument.dimensions) > 1
    main = instrument.main_dimension
    mean = (REALITY_LEVEL + rng.uniform(-REALITY_SPREAD, REALITY_SPREAD)) if multi else SCALE_LEVEL
    levels = _area_levels(rng, len(instrument.areas), mean)
    # One area in four has practice level with (or ahead of) the plans: "intention
    # above reality in most areas", not in all.
    level_areas = set(
        rng.choice(
            len(instrument.areas), size=max(1, len(instrument.areas) // 4), replace=False
        ).tolist()
    )
    for area_index, area in enumerate(instrument.areas):
        scale_items = [item for item in area.items if item.type == "scale"]
        if scale_items:
            main_scores = _scale_scores(rng, instrument, scale_items, levels[area_index])
            for item, score in zip(scale_items, main_scores, strict=True):
                answers.set(item.id, int(score), main)
                for dimension in instrument.dimension_ids:
                    if dimension == main:
                        continue
                    mean_gap = 0.1 if area_index in level_areas else 1.0
                    gap = int(np.clip(np.round(rng.normal(mean_gap, 0.6)), -1, 2))
                    planned = int(np.clip(score + gap, instrument.scale_min, instrument.scale_max))
                    answers.set(item.id, planned, dimension)
        checks = [item for item in area.items if item.type == "check"]
        barriers = [item for item in checks if not item.desirable]
        practices = [item for item in checks if item.desirable]
        if barriers:
            n_present = max(3, round(BARRIER_SHARE * len(barriers)))
            present = set(rng.choice(len(barriers), size=n_present, replace=False).tolist())
            severities = [point.value for point in instrument.severity_scale]
            for barrier_index, item in enumerate(barriers):
                is_present = barrier_index in present
                severity = int(rng.choice(severities)) if is_present and item.severity else None
                answers.set(item.id, is_present, severity=severity)
        for item in practices:
            answers.set(item.id, bool(rng.random() < PRACTICE_IN_PLACE))
        for item in area.items:
            if item.type == "maturity":
                answers.set(item.id, int(rng.choice([2, 3])))
    _leave_unscored(rng, answers)
    for area_index in rng.choice(
        len(instrument.areas), size=min(2, len(instrument.areas)), replace=False
    ):
        area = instrument.areas[int(area_index)]
        answers.area_notes[area.id] = _AREA_NOTES[int(rng.integers(len(_AREA_NOTES)))]
    return answers


def _leave_unscored(rng: np.random.Generator, answers: Answers) -> None:
    instrument = answers.instrument
    # The maturity level and the barriers marked present stay scored: they are what the
    # readiness notebook is about.
    candidates = [
        item
        for item in instrument.items
        if item.type != "maturity"
        and not (item.type == "check" and not item.desirable and answers.get(item.id) is True)
    ]
    n_unscored = max(2, round(UNSCORED_SHARE * len(candidates)))
    chosen = rng.choice(len(candidates), size=n_unscored, replace=False)
    for position, candidate in enumerate(chosen):
        item = candidates[int(candidate)]
        if len(instrument.dimensions) > 1 and position == 0:
            # One practice keeps its plan but not its reality: nobody could show
            # evidence of what happens.
            main = instrument.dimension(instrument.main_dimension)
            answers.set(item.id, None, main.id)
            answers.item_notes[item.id] = f"{main.label} not scored: no evidence was available."
            continue
        for dimension in instrument.dimension_ids:
            answers.set(item.id, None, dimension)
        who = _WHO[int(rng.integers(len(_WHO)))]
        answers.item_notes[item.id] = _UNSCORED_NOTE.format(who=who)


def write_example_answers(data_dir: Path | str | os.PathLike[str], seed: int) -> list[Path]:
    """Write example answers for every instrument into ``data_dir/assessments/``.

    Parameters
    ----------
    data_dir : Path
        The sample company's data folder.
    seed : int
        The same seed writes the same answers.

    Returns
    -------
    list of Path
        The answers files written, one per instrument in
        :func:`~crmlib.instruments.definition.instruments_dir`, sorted by instrument id.
    """
    written = []
    # One workshop a day, in the order of the instruments.
    for index, instrument in enumerate(iter_instruments()):
        answers = example_answers(instrument, seed, date=FIRST_WORKSHOP + dt.timedelta(days=index))
        written.append(save_answers(answers, data_dir))
    return written

"""Assessment instruments: questionnaires for what a company's data cannot measure.

Culture, readiness and the way work is organised are judged in a workshop, not
computed. Each instrument is a YAML file in ``data/instruments/``; a client's answers
are a YAML file in their data folder (``assessments/<instrument id>.yaml``).

A notebook typically does::

    from crmlib import instruments

    qci = instruments.load_instrument("qci")
    answers = instruments.load_answers(qci, data_dir)
    instruments.area_scores(answers)

The workshop form that scores an instrument with the client talks to ipywidgets, so it
lives in the notebook layer: :func:`crmlib.notebook.forms.assessment_form`.
"""

from __future__ import annotations

import importlib
from typing import Any

from crmlib.instruments.answers import (
    Answers,
    answers_path,
    load_answers,
    parse_answers,
    read_answers,
    save_answers,
)
from crmlib.instruments.definition import (
    Area,
    Benchmark,
    Dimension,
    Instrument,
    Item,
    MaturityLevel,
    ScalePoint,
    instruments_dir,
    iter_instruments,
    list_instruments,
    load_instrument,
    parse_instrument,
)
from crmlib.instruments.examples import example_answers, write_example_answers
from crmlib.instruments.scoring import (
    area_gaps,
    area_scores,
    barriers,
    item_gaps,
    item_scores,
    maturity_levels,
    overall_scores,
    tag_scores,
    weakest_areas,
)

_LAZY = {
    "AnswersChangedError": "crmlib.errors",
}

__all__ = [
    "Answers",
    "Area",
    "Benchmark",
    "Dimension",
    "Instrument",
    "Item",
    "MaturityLevel",
    "ScalePoint",
    "answers_path",
    "area_gaps",
    "area_scores",
    "barriers",
    "example_answers",
    "instruments_dir",
    "item_gaps",
    "item_scores",
    "iter_instruments",
    "list_instruments",
    "load_answers",
    "load_instrument",
    "maturity_levels",
    "overall_scores",
    "parse_answers",
    "parse_instrument",
    "read_answers",
    "save_answers",
    "tag_scores",
    "weakest_areas",
    "write_example_answers",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crmlib.instruments' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

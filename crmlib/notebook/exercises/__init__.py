"""Exercises for students: answers checked against the company's data.

An exercise cell (tagged ``exercise``, so reports leave it out) asks a question whose
answer the notebook has computed, lets the student fill in ``answer = ...`` and calls a
checker, which says *right*, *close* or *wrong* with a hint::

    answer = None  # the share of customers that brings 80% of revenue, e.g. 0.25
    check_number(answer, concentration.customer_share, tolerance=0.02,
                 hint="Read it off where the red lines cross in the Pareto chart.")

Three kinds of exercise go beyond reading a number off a chart (tagged
``exercise-compute``, ``exercise-predict`` and ``exercise-judge``): the student computes
a figure by hand or in code (:func:`check_number`), predicts which way a measure moves
before moving a slider (:func:`check_prediction` against :class:`Change`), or chooses and
says why (:func:`check_judgement`, which answers with the data and the model's reasoning).
Each model notebook's exercises have one function here (:mod:`.models`) that computes the
expected answer from the company's data; :mod:`.cases` checks the diagnosis of a planted
case.
"""

from __future__ import annotations

# the exercises of the notebooks, importable as ``exercises.check_...`` (cells say ``ex.``)
from crmlib.notebook.exercises.cases import (
    case_question,
    check_diagnosis,
    planted_case,
)
from crmlib.notebook.exercises.checks import (
    UNKNOWN,
    VERDICTS,
    Change,
    Feedback,
    check_choice,
    check_judgement,
    check_number,
    check_prediction,
)
from crmlib.notebook.exercises.models import (
    check_activity,
    check_cost_magnet_ratio,
    check_cut_contacts,
    check_expected_margin,
    check_first_process,
    check_groups,
    check_joint_first,
    check_mismatch_rate,
    check_overall_retention,
    check_points_change,
    check_retention_lift,
    check_stage_to_fund,
    check_value_span,
    continuity_changes,
    cut_contact_scores,
    lapse_changes,
    matrix_changes,
    retention_counts,
    ssc_share_changes,
    treatment_cost_changes,
    value_card,
)

__all__ = [
    "UNKNOWN",
    "VERDICTS",
    "Change",
    "Feedback",
    "check_choice",
    "check_judgement",
    "check_number",
    "check_prediction",
    "planted_case",
    "case_question",
    "check_diagnosis",
    "value_card",
    "check_expected_margin",
    "ssc_share_changes",
    "cut_contact_scores",
    "check_cut_contacts",
    "retention_counts",
    "check_overall_retention",
    "lapse_changes",
    "check_activity",
    "check_retention_lift",
    "check_points_change",
    "continuity_changes",
    "check_first_process",
    "check_cost_magnet_ratio",
    "matrix_changes",
    "check_stage_to_fund",
    "check_mismatch_rate",
    "treatment_cost_changes",
    "check_groups",
    "check_value_span",
    "check_joint_first",
]

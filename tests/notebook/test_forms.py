"""The workshop form, driven programmatically, and its static fallback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import pytest

from crmlib.instruments import (
    AnswersChangedError,
    answers_path,
    load_answers,
    write_example_answers,
)
from crmlib.notebook.forms import NOT_SCORED, AssessmentForm, AssessmentReport, assessment_form


def test_form_structure_one_tab_per_area(tmp_path: Path) -> None:
    form = assessment_form("qci", tmp_path, interactive=True)
    assert isinstance(form, AssessmentForm)
    tabs = next(c for c in form.widget.children if isinstance(c, widgets.Tab))
    assert list(tabs.titles) == [area.title for area in form.instrument.areas]
    slider = form.controls[("ap_customer_value", "reality")]
    assert isinstance(slider, widgets.IntSlider)
    assert (slider.min, slider.max, slider.description) == (0, 4, "Reality")
    assert slider.tooltip.startswith("Ask for the latest ranking")
    assert "crm-score-ap_customer_value-reality" in slider._dom_classes
    assert form.save_button.description == "Save answers"
    assert "crm-save" in form.save_button._dom_classes
    rows = [w for tab in tabs.children for w in tab.children if w._dom_classes]
    assert "crm-item-ap_customer_value" in {cls for w in rows for cls in w._dom_classes}
    assert "application/vnd.jupyter.widget-view+json" in form._repr_mimebundle_()


def test_not_scored_is_distinct_from_the_lowest_score(tmp_path: Path) -> None:
    form = AssessmentForm("qci", tmp_path)
    key = ("ap_customer_value", "intention")
    slider, unscored = form.controls[key], form.not_scored[key]
    assert slider.value == 0 and unscored.value  # at the lowest point, yet not scored
    assert form.answers().get(*key) is None
    unscored.value = False
    assert form.answers().get(*key) == 0
    slider.value = 3
    unscored.value = True
    assert form.answers().get(*key) is None
    slider.value = 2  # moving the slider scores the item
    assert not unscored.value and form.answers().get(*key) == 2


def test_save_then_reopen_restores_every_widget(tmp_path: Path) -> None:
    form = AssessmentForm("payne_frow_readiness", tmp_path)
    form.assessor.value = "An Claes"
    form.participants.value = "Marketing manager, Service lead"
    form.date.value = dt.date(2025, 3, 14)
    form.controls[("maturity_level", "score")].value = 3
    form.controls[("rb_no_sponsor", "score")].value = "yes"
    form.severity["rb_no_sponsor"].value = 2
    form.controls[("rb_data_quality", "score")].value = "no"
    form.controls[("chm_quick_wins", "score")].value = "yes"
    form.controls[("fp_value_creation", "score")].value = 4
    form.area_notes["barriers"].value = "Sponsor leaves in June."
    form.item_notes["fp_value_creation"].value = "Lifetime value used by marketing only."
    path = form.save()
    assert path == answers_path(tmp_path, "payne_frow_readiness")
    assert form.status.value.startswith(f"Saved 5 answers to {path} at ")
    assert form.status.value.endswith("(29 not scored).")

    reopened = assessment_form("payne_frow_readiness", tmp_path, interactive=True)
    assert reopened.assessor.value == "An Claes"
    assert reopened.participants.value == "Marketing manager, Service lead"
    assert reopened.date.value == dt.date(2025, 3, 14)
    assert reopened.controls[("maturity_level", "score")].value == 3
    assert reopened.controls[("rb_no_sponsor", "score")].value == "yes"
    assert reopened.severity["rb_no_sponsor"].value == 2
    assert not reopened.severity["rb_no_sponsor"].disabled
    assert reopened.controls[("rb_data_quality", "score")].value == "no"
    assert reopened.controls[("rb_skills_gap", "score")].value == NOT_SCORED
    assert reopened.controls[("fp_value_creation", "score")].value == 4
    assert not reopened.not_scored[("fp_value_creation", "score")].value
    assert reopened.not_scored[("fp_strategy_development", "score")].value
    assert reopened.area_notes["barriers"].value == "Sponsor leaves in June."
    assert reopened.item_notes["fp_value_creation"].value.startswith("Lifetime value")
    assert reopened.answers().scores == form.answers().scores


def test_save_button_writes_the_file(tmp_path: Path) -> None:
    form = AssessmentForm("idol_practices", tmp_path)
    form.controls[("op_central_mail", "score")].value = 5
    form.save_button.click()
    saved = load_answers("idol_practices", tmp_path)
    assert saved.get("op_central_mail") == 5
    assert saved.date == dt.date.today()  # an empty date becomes the day of saving
    assert "Saved 1 answers" in form.status.value


def test_a_second_form_does_not_silently_overwrite_the_first(tmp_path: Path) -> None:
    first = AssessmentForm("idol_practices", tmp_path)
    second = AssessmentForm("idol_practices", tmp_path)
    first.controls[("le_test_and_learn", "score")].value = 4
    first.save()
    second.controls[("le_segment_review", "score")].value = 2
    with pytest.raises(AnswersChangedError, match="saved by another form"):
        second.save()
    second.save_button.click()  # in the workshop the refusal shows in the form
    assert second.status.value.startswith("<span style='color:#c0392b'>Not saved:")
    assert load_answers("idol_practices", tmp_path).get("le_test_and_learn") == 4
    second.save(force=True)
    assert load_answers("idol_practices", tmp_path).get("le_test_and_learn") is None


def test_static_report_shows_tables_and_png_charts(tmp_path: Path) -> None:
    write_example_answers(tmp_path, seed=1)
    report = assessment_form("qci", tmp_path, interactive=False)
    assert isinstance(report, AssessmentReport)
    page = report._repr_html_()
    assert page.count('src="data:image/png;base64,') == 3  # radar, gap bars, heatmap
    assert "<h4>Weakest areas (on reality)</h4>" in page
    assert "Analysis &amp; planning" in page
    assert "<script" not in page
    readiness = assessment_form("payne_frow_readiness", tmp_path, interactive=False)
    page = readiness._repr_html_()
    assert "<h4>Maturity level</h4>" in page and "<h4>Barriers present</h4>" in page
    assert page.count('src="data:image/png;base64,') == 2  # radar, heatmap


def test_static_report_without_answers_lists_the_questions(tmp_path: Path) -> None:
    page = assessment_form("idol_practices", tmp_path, interactive=False)._repr_html_()
    assert "No answers saved yet" in page
    assert "A shared contact history is visible to every service employee" in page
    assert not (tmp_path / "assessments").exists()  # rendering writes nothing

"""Answers files: parsing, pinned errors, round trips and interrupted saves."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from crmlib.errors import InstrumentError, MissingDataError
from crmlib.instruments import (
    Answers,
    answers_path,
    load_answers,
    load_instrument,
    parse_answers,
    read_answers,
    save_answers,
)

QCI_ANSWERS = textwrap.dedent(
    """\
    instrument: qci
    assessor: An Claes
    participants: [Marketing manager, Customer service lead]
    date: 2025-03-14
    scores:
      ap_customer_value: {intention: 3, reality: 2}
      ap_competitor_view: {intention: 2}
      pr_tested: {intention: null, reality: 0}
    notes:
      areas: {analysis_planning: Scored with marketing.}
      items: {ap_customer_value: Web shop only.}
    """
)

READINESS_ANSWERS = textwrap.dedent(
    """\
    instrument: payne_frow_readiness
    assessor: An Claes
    date: 2025-03-15
    scores:
      maturity_level: 3
      rb_no_sponsor: {answer: yes, severity: 3}
      rb_data_quality: no
      rb_skills_gap: yes
      chm_quick_wins: yes
      fp_strategy_development: 4
    """
)


@pytest.fixture(scope="module")
def qci():
    return load_instrument("qci")


@pytest.fixture(scope="module")
def readiness():
    return load_instrument("payne_frow_readiness")


def test_qci_answers_parse_with_missing_dimensions_left_out(qci) -> None:
    answers = parse_answers(QCI_ANSWERS, qci, source="qci.yaml")
    assert answers.assessor == "An Claes"
    assert answers.participants == ["Marketing manager", "Customer service lead"]
    assert answers.date == dt.date(2025, 3, 14)
    assert answers.scores == {
        "ap_customer_value": {"intention": 3, "reality": 2},
        "ap_competitor_view": {"intention": 2},
        "pr_tested": {"reality": 0},
    }
    assert answers.get("ap_competitor_view", "reality") is None
    assert answers.get("pr_tested", "reality") == 0
    assert answers.n_scored == 4
    assert answers.n_total == 2 * len(qci.items)
    assert answers.area_notes == {"analysis_planning": "Scored with marketing."}
    assert answers.item_notes == {"ap_customer_value": "Web shop only."}


def test_readiness_answers_parse_checks_severity_and_level(readiness) -> None:
    answers = parse_answers(READINESS_ANSWERS, readiness)
    assert answers.get("maturity_level") == 3
    assert answers.get("rb_no_sponsor") is True
    assert answers.get("rb_data_quality") is False
    assert answers.severity == {"rb_no_sponsor": 3}
    assert answers.get("chm_communication_plan") is None  # not scored


def _qci(old: str, new: str) -> str:
    assert old in QCI_ANSWERS
    return QCI_ANSWERS.replace(old, new)


def _readiness(old: str, new: str) -> str:
    assert old in READINESS_ANSWERS
    return READINESS_ANSWERS.replace(old, new)


BROKEN = {
    "score above the scale": (
        "qci",
        _qci("{intention: 3, reality: 2}", "{intention: 3, reality: 7}"),
        "answers.yaml, item 'ap_customer_value', dimension 'reality': score 7 is outside the "
        "scale 0-4. Fix: give a whole number from 0 to 4, or null for not scored",
    ),
    "score that is not whole": (
        "qci",
        _qci("{intention: 3, reality: 2}", "{intention: 2.5, reality: 2}"),
        "answers.yaml, item 'ap_customer_value', dimension 'intention': score 2.5 is outside "
        "the scale 0-4. Fix: give a whole number from 0 to 4, or null for not scored",
    ),
    "unknown item": (
        "qci",
        _qci("ap_competitor_view:", "ap_competitors_view:"),
        "answers.yaml, item 'ap_competitors_view': not an item of instrument 'qci'. Fix: did "
        "you mean 'ap_competitor_view'? use an item id from qci.yaml, or remove the line",
    ),
    "duplicate item": (
        "qci",
        _qci("  pr_tested:", "  ap_customer_value: {intention: 1, reality: 1}\n  pr_tested:"),
        "answers.yaml, line 8: item 'ap_customer_value' appears twice under 'scores' "
        "(lines 6 and 8). Fix: keep only one of them",
    ),
    "unknown dimension": (
        "qci",
        _qci("{intention: 2}", "{intention: 2, realty: 1}"),
        "answers.yaml, item 'ap_competitor_view': unknown dimension 'realty'. "
        "Fix: use intention, reality",
    ),
    "one value where dimensions are needed": (
        "qci",
        _qci("{intention: 2}", "2"),
        "answers.yaml, item 'ap_competitor_view': qci scores every item on intention, "
        "reality, but one value 2 is given. Fix: write {intention: N, reality: N}",
    ),
    "answers for another instrument": (
        "qci",
        _qci("instrument: qci", "instrument: idol_practices"),
        "answers.yaml: the answers are for instrument 'idol_practices', not 'qci'. Fix: set "
        "instrument: qci, or load the file with the instrument it was written for",
    ),
    "date that is not ISO": (
        "qci",
        _qci("date: 2025-03-14", "date: 14/03/2025"),
        "answers.yaml: date '14/03/2025' is not an ISO date. Fix: write the date as "
        "YYYY-MM-DD, e.g. date: 2025-03-14",
    ),
    "note for an unknown area": (
        "qci",
        _qci("{analysis_planning:", "{analysis_plan:"),
        "answers.yaml, area 'analysis_plan': a note for an unknown area. Fix: did you mean "
        "'analysis_planning'? use an area id of qci, or remove the note",
    ),
    "unknown top-level key": (
        "qci",
        _qci("assessor:", "assesor:"),
        "answers.yaml: unknown key 'assesor'. Fix: the keys of an answers file are "
        "instrument, assessor, participants, date, scores, notes",
    ),
    "maturity level off the levels": (
        "payne_frow_readiness",
        _readiness("maturity_level: 3", "maturity_level: 6"),
        "answers.yaml, item 'maturity_level': level 6 is not one of the levels 1-5. Fix: "
        "give a whole number from 1 to 5, or null for not scored",
    ),
    "severity on an absent barrier": (
        "payne_frow_readiness",
        _readiness("rb_data_quality: no", "rb_data_quality: {answer: no, severity: 2}"),
        "answers.yaml, item 'rb_data_quality': a severity is given but the answer is no. "
        "Fix: remove the severity, or answer yes",
    ),
    "severity off its scale": (
        "payne_frow_readiness",
        _readiness("severity: 3}", "severity: 5}"),
        "answers.yaml, item 'rb_no_sponsor': severity 5 is outside the severity scale 1-3. "
        "Fix: give a whole number from 1 to 3, or leave the severity out",
    ),
    "check answered with a number": (
        "payne_frow_readiness",
        _readiness("chm_quick_wins: yes", "chm_quick_wins: 4"),
        "answers.yaml, item 'chm_quick_wins': 4 is not yes or no. Fix: answer yes or no, or "
        "null for not scored",
    ),
    "dimension given where there are none": (
        "payne_frow_readiness",
        _readiness("fp_strategy_development: 4", "fp_strategy_development: {score: 4}"),
        "answers.yaml, item 'fp_strategy_development': payne_frow_readiness has no dimensions, "
        "but a mapping is given. Fix: write the score directly, e.g. "
        "fp_strategy_development: 5",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_answers_are_refused_with_a_pinned_message(case: str) -> None:
    instrument_id, text, message = BROKEN[case]
    with pytest.raises(InstrumentError) as caught:
        parse_answers(text, instrument_id, source="answers.yaml")
    assert str(caught.value) == message


def test_set_checks_values_like_the_file_does(qci) -> None:
    answers = Answers(qci)
    with pytest.raises(InstrumentError, match="score 5 is outside the scale 0-4"):
        answers.set("ap_customer_value", 5, "reality")
    with pytest.raises(InstrumentError, match="Fix: name the dimension"):
        answers.set("ap_customer_value", 3)
    answers.set("ap_customer_value", 3, "reality")
    answers.set("ap_customer_value", None, "reality")
    assert answers.scores == {}


def test_round_trip_keeps_every_answer_and_note(tmp_path: Path, qci, readiness) -> None:
    for instrument, text in ((qci, QCI_ANSWERS), (readiness, READINESS_ANSWERS)):
        original = parse_answers(text, instrument)
        original.item_notes[instrument.items[-1].id] = "A note: with a colon\nand a second line"
        path = save_answers(original, tmp_path)
        assert path == answers_path(tmp_path, instrument.id)
        assert path == tmp_path / "assessments" / f"{instrument.id}.yaml"
        loaded = load_answers(instrument.id, tmp_path)
        assert loaded.scores == original.scores
        assert loaded.severity == original.severity
        assert loaded.item_notes == original.item_notes
        assert loaded.area_notes == original.area_notes
        assert (loaded.assessor, loaded.participants, loaded.date) == (
            original.assessor,
            original.participants,
            original.date,
        )
        assert loaded.path == path


def test_written_file_is_readable_yaml_grouped_by_area(tmp_path: Path, qci) -> None:
    path = save_answers(parse_answers(QCI_ANSWERS, qci), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "  # Analysis & planning\n  ap_customer_value: {intention: 3, reality: 2}\n" in text
    assert "  pr_tested: {reality: 0}\n" in text
    assert yaml.safe_load(text)["date"] == dt.date(2025, 3, 14)


def test_missing_answers_file(tmp_path: Path, qci) -> None:
    with pytest.raises(MissingDataError, match="no answers to 'Customer management"):
        load_answers(qci, tmp_path)
    empty = load_answers(qci, tmp_path, missing_ok=True)
    assert empty.scores == {} and empty.n_scored == 0
    assert empty.path == tmp_path / "assessments" / "qci.yaml"


def test_bad_file_is_named_in_the_error(tmp_path: Path, qci) -> None:
    path = answers_path(tmp_path, "qci")
    path.parent.mkdir(parents=True)
    path.write_text(_qci("reality: 2}", "reality: 9}"), encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        read_answers(path, qci)
    assert str(caught.value).startswith(f"{path}, item 'ap_customer_value', dimension 'reality'")


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError])
def test_interrupted_save_leaves_the_previous_answers(tmp_path, monkeypatch, qci, interruption):
    path = save_answers(parse_answers(QCI_ANSWERS, qci), tmp_path)
    before = path.read_bytes()
    changed = parse_answers(QCI_ANSWERS, qci)
    changed.set("ap_customer_value", 0, "reality")
    changed.area_notes["proposition"] = "New note"
    real_dump = yaml.safe_dump
    seen_partial: list[Path] = []

    def dump_then_fail(data, *args, **kwargs):
        if "notes" in data:
            # The score lines are already in the temporary file: the save is midway.
            seen_partial.extend(path.parent.glob(".qci.yaml.*"))
            raise interruption("interrupted while writing")
        return real_dump(data, *args, **kwargs)

    monkeypatch.setattr(yaml, "safe_dump", dump_then_fail)
    with pytest.raises(interruption):
        save_answers(changed, tmp_path)
    assert len(seen_partial) == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["qci.yaml"]
    assert load_answers(qci, tmp_path).get("ap_customer_value", "reality") == 2


WRITER = textwrap.dedent(
    """\
    import sys, time
    from crmlib.instruments import answers as module
    from crmlib.instruments import load_instrument, load_answers, save_answers

    real_write = module.write_answers

    class Slow:
        def __init__(self, handle):
            self.handle = handle
        def write(self, text):
            self.handle.write(text)
            if text.startswith("scores:"):
                self.handle.flush()
                print("midway", flush=True)
                time.sleep(120)

    module.write_answers = lambda answers, handle: real_write(answers, Slow(handle))
    qci = load_instrument("qci")
    answers = load_answers(qci, sys.argv[1])
    answers.set("ap_customer_value", 0, "reality")
    module.save_answers(answers, sys.argv[1])
    """
)


@pytest.mark.skipif(os.name != "posix", reason="kills the writer with SIGKILL")
def test_killed_writer_leaves_the_previous_answers(tmp_path: Path, qci) -> None:
    path = save_answers(parse_answers(QCI_ANSWERS, qci), tmp_path)
    before = path.read_bytes()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "midway"
        temporary = list(path.parent.glob(".qci.yaml.*"))
        assert len(temporary) == 1 and temporary[0].read_text(encoding="utf-8").startswith("#")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
    assert path.read_bytes() == before
    # The killed writer's hidden temporary file does not disturb loading or saving.
    assert load_answers(qci, tmp_path).get("ap_customer_value", "reality") == 2
    assert save_answers(load_answers(qci, tmp_path), tmp_path) == path

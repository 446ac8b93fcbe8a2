"""The diagnosis of a planted case (``crm-workbook sample --case NAME``)."""

from __future__ import annotations

from crmlib.notebook.exercises.checks import Feedback, _open_without_data, check_choice
from crmlib.text import Safe, escape, sentence, translate


def planted_case(data_dir) -> dict | None:
    """The ground truth of a planted case (its ``case.yml``), or None for a real company."""
    from pathlib import Path

    import yaml

    path = Path(data_dir) / "case.yml"
    if not path.exists():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def case_question(data_dir) -> str:
    """The diagnosis question of a planted case, with its options (no answer)."""
    case = planted_case(data_dir)
    if case is None:
        return translate(
            "This company has no planted problem. Make one with `crm-workbook sample --out "
            "DIR --case NAME` and run this notebook with `data_dir` set to DIR."
        )
    # case.yml sits in the company's folder: its text is read as user text
    options = Safe("; ".join(escape(o) for o in case["options"]))
    return sentence(
        "**{question}** Options: {options}.", question=case["question"], options=options
    )


@_open_without_data
def check_diagnosis(answer, data_dir) -> Feedback:
    """Diagnose: did the student find the planted problem? Says where to look, not what."""
    case = planted_case(data_dir)
    if case is None:
        return Feedback(
            "open", translate("No planted case in this company's folder: nothing to diagnose.")
        )
    return check_choice(
        answer,
        case["answer"],
        options=case["options"],
        hint=translate("Look again at: {evidence}").format(evidence=case["evidence"]),
        explain=translate("That is the planted problem: {problem}.").format(
            problem=case["problem"]
        ),
    )

"""Payne & Frow's four elements of implementation, from the readiness workshop.

Readiness, change management, project management and employee engagement are matters of
judgement, so the workbook asks for them through the instrument
``data/instruments/payne_frow_readiness.yaml`` (answers in the client's
``assessments/payne_frow_readiness.yaml``). This module turns the answers into the
element scores, the maturity level, the barriers and a readiness verdict.

Element scores (0-1): *CRM readiness* is the mean of the maturity level (level 1 = 0,
level 5 = 1) and the share of barriers absent; the other three elements are the share of
their practices in place (:func:`crmlib.instruments.area_scores`).

The readiness verdict is this workbook's rule, not Payne & Frow's (who give the maturity
levels and the barriers, not a cut-off):

- **not ready** when a blocking barrier is present, the maturity level is 1 (pre-CRM
  planning), or an element scores below :data:`ELEMENT_FLOOR`;
- **ready with conditions** when a serious barrier is present, the maturity level is 2,
  or an element scores below :data:`ELEMENT_TARGET`;
- **ready** otherwise; **not assessed** when nothing was scored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from crmlib.data.company import Company
from crmlib.formatting import percent
from crmlib.i18n import ngettext
from crmlib.instruments import (
    Answers,
    area_scores,
    barriers,
    item_scores,
    load_answers,
    load_instrument,
    maturity_levels,
)
from crmlib.models.payne_frow.common import ELEMENTS, PROCESSES
from crmlib.text import N_, sentence, translate

INSTRUMENT = "payne_frow_readiness"

#: Below this element score the company is not ready.
ELEMENT_FLOOR = 0.4
#: Below this element score readiness comes with conditions.
ELEMENT_TARGET = 0.6

#: Severity values of the instrument's severity scale.
SERIOUS, BLOCKING = 2, 3

#: Who should own the removal of each barrier.
BARRIER_OWNERS = {
    "rb_no_sponsor": "board",
    "rb_technology_led": "board",
    "rb_unlinked_data": "IT",
    "rb_data_quality": "IT",
    "rb_department_silos": "management team",
    "rb_no_business_case": "board",
    "rb_staff_resistance": "HR",
    "rb_skills_gap": "HR",
    "rb_budget_gap": "board",
    "rb_privacy_unclear": "legal",
}

#: Who should own each element.
ELEMENT_OWNERS = {
    "readiness": "board",
    "change_management": "CRM programme lead",
    "project_management": "CRM programme lead",
    "employee_engagement": "HR",
}

VERDICTS = ("not assessed", "not ready", "ready with conditions", "ready")


@dataclass(frozen=True)
class Readiness:
    """The four elements as the workshop scored them.

    Attributes
    ----------
    answers : Answers
        The saved answers (empty when none were saved).
    maturity : int or None
        The maturity level chosen (1-5).
    maturity_title : str or None
        Its title, e.g. "Building a data repository".
    barriers : DataFrame
        The barriers present, most severe first (:func:`crmlib.instruments.barriers`).
    elements : DataFrame
        Indexed by element (:data:`~crmlib.models.payne_frow.common.ELEMENTS`):
        ``title``, ``score`` (0-1, NaN when not scored), ``answered`` and ``total``.
    processes : Series
        The workshop's score (0-1) of each of the five processes, NaN when not scored.
    verdict : str
        One of :data:`VERDICTS`.
    reasons : tuple of str
        Why the verdict is what it is, most serious first.
    """

    answers: Answers
    maturity: int | None
    maturity_title: str | None
    barriers: pd.DataFrame
    elements: pd.DataFrame
    processes: pd.Series
    verdict: str
    reasons: tuple[str, ...]

    @property
    def assessed(self) -> bool:
        return self.answers.n_scored > 0

    @property
    def weakest_element(self) -> str | None:
        scores = self.elements["score"].dropna()
        return None if scores.empty else str(scores.idxmin())

    @property
    def element_floor(self) -> float:
        """An element scoring below this holds the programme back (:data:`ELEMENT_FLOOR`)."""
        return ELEMENT_FLOOR

    @property
    def element_target(self) -> float:
        """An element scoring at least this is ready (:data:`ELEMENT_TARGET`)."""
        return ELEMENT_TARGET


def _verdict(
    maturity: int | None, maturity_title: str | None, present: pd.DataFrame, elements: pd.DataFrame
) -> tuple[str, tuple[str, ...]]:
    blocking, serious = [], []
    for row in present.itertuples():
        severity = -1 if pd.isna(row.severity) else int(row.severity)
        (blocking if severity >= BLOCKING else serious if severity == SERIOUS else []).append(
            sentence(
                "barrier: {barrier} ({severity})",
                barrier=row.text.rstrip("."),
                severity=row.severity_label.lower(),
            )
        )
    not_ready, conditions = list(blocking), list(serious)
    if maturity == 1:
        not_ready.append(sentence("maturity level 1 ({title})", title=maturity_title.lower()))
    elif maturity == 2:
        conditions.append(sentence("maturity level 2 ({title})", title=maturity_title.lower()))
    for element, row in elements.iterrows():
        if element == "readiness" or pd.isna(row["score"]):
            continue
        line = sentence(
            "{element} at {score}",
            element=translate(row["title"]).lower(),
            score=percent(row["score"]),
        )
        if row["score"] < ELEMENT_FLOOR:
            not_ready.append(line)
        elif row["score"] < ELEMENT_TARGET:
            conditions.append(line)
    # the verdicts are kept in English (compared in code) and translated where shown
    if not_ready:
        return N_("not ready"), tuple(not_ready + conditions)
    if conditions:
        return N_("ready with conditions"), tuple(conditions)
    return N_("ready"), ()


def readiness_from_answers(answers: Answers) -> Readiness:
    """The elements, maturity, barriers and verdict of a set of answers."""
    areas = area_scores(answers).set_index("area")
    levels = maturity_levels(answers)
    level = levels["level"].dropna()
    maturity = int(level.iloc[0]) if len(level) else None
    title = str(levels.loc[level.index[0], "title"]) if len(level) else None
    maturity_share = float(levels["percent"].dropna().iloc[0]) / 100 if len(level) else None
    free = areas.loc["barriers", "percent"] / 100 if "barriers" in areas.index else float("nan")
    rows = []
    for element, title_ in ELEMENTS.items():
        if element == "readiness":
            parts = [v for v in (maturity_share, free) if v is not None and pd.notna(v)]
            score = sum(parts) / len(parts) if parts else float("nan")
            answered = int(areas.loc[["maturity", "barriers"], "answered"].sum())
            total = int(areas.loc[["maturity", "barriers"], "total"].sum())
        else:
            score = areas.loc[element, "percent"] / 100
            answered, total = int(areas.loc[element, "answered"]), int(areas.loc[element, "total"])
        rows.append(
            {
                "element": element,
                "title": title_,
                "score": score,
                "answered": answered,
                "total": total,
            }
        )
    elements = pd.DataFrame(rows).set_index("element")
    elements["score"] = elements["score"].astype(float)
    items = item_scores(answers).set_index("item")
    processes = pd.Series(
        {p: items.loc[f"fp_{p}", "percent"] / 100 for p in PROCESSES}, dtype=float
    )
    present = barriers(answers)
    if answers.n_scored == 0:
        verdict = N_("not assessed")
        reasons = (sentence("the readiness workshop has not been held"),)
    else:
        verdict, reasons = _verdict(maturity, title, present, elements)
    return Readiness(
        answers=answers,
        maturity=maturity,
        maturity_title=title,
        barriers=present,
        elements=elements,
        processes=processes,
        verdict=verdict,
        reasons=reasons,
    )


def readiness(company: Company | str | os.PathLike[str]) -> Readiness:
    """Read the company's readiness answers and score them (empty answers when none saved)."""
    data_dir = company.data_dir if isinstance(company, Company) else company
    instrument = load_instrument(INSTRUMENT)
    return readiness_from_answers(load_answers(instrument, data_dir, missing_ok=True))


#: The index name of a practice table (marked for the catalogue).
PRACTICE = N_("practice")

#: The answers of :func:`element_items`, kept in English and translated where shown.
ANSWERS = {
    "present": N_("present"),
    "absent": N_("absent"),
    "in place": N_("in place"),
    "not in place": N_("not in place"),
    "not scored": N_("not scored"),
}


def element_items(readiness: Readiness, element: str) -> pd.DataFrame:
    """The practices of one element and whether they are in place, as a report shows it:
    the answers and the index name in the report language (the column names stay
    English; :func:`crmlib.notebook.views.show_table` translates them).

    Returns
    -------
    DataFrame
        Indexed by ``practice`` (the item's text, in the instrument's order), with
        ``answer``: "in place", "not in place" or "not scored". For ``"readiness"``:
        indexed by ``barrier``, answered "present", "absent" or "not scored", with
        ``severity`` (the label of a present barrier's severity, else empty).
    """
    table = _element_items(readiness, element)
    table["answer"] = [translate(ANSWERS[a]) for a in table["answer"]]
    # "barrier" is the catalogue's plural message: its singular is asked as such
    name = table.index.name
    table.index.name = ngettext("barrier", "barriers", 1) if name == "barrier" else translate(name)
    return table.rename(
        columns={"answer": translate(N_("answer")), "severity": translate(N_("severity"))}
    )


def _element_items(readiness: Readiness, element: str) -> pd.DataFrame:
    """:func:`element_items` with its answers in English, for the code that reads them."""
    if element not in ELEMENTS:
        raise KeyError(f"'{element}' is not one of {', '.join(ELEMENTS)}")
    if element == "readiness":
        table = barriers(readiness.answers, present_only=False)
        answer = table["present"].map({True: "present", False: "absent"}).fillna("not scored")
        severity = table["severity_label"].fillna("")
        return pd.DataFrame(
            {"answer": answer.astype(str).to_numpy(), "severity": severity.to_numpy()},
            index=pd.Index(table["text"], name="barrier"),
        )
    items = item_scores(readiness.answers)
    items = items[items["area"] == element]
    answer = items["score"].map({1.0: "in place", 0.0: "not in place"}).fillna("not scored")
    return pd.DataFrame(
        {"answer": answer.astype(str).to_numpy()}, index=pd.Index(items["text"], name=PRACTICE)
    )


def first_gap(readiness: Readiness, element: str) -> str | None:
    """The first practice of an element that is not in place (or the worst barrier)."""
    if element == "readiness":
        return None if readiness.barriers.empty else str(readiness.barriers.iloc[0]["text"])
    items = _element_items(readiness, element)
    missing = items[items["answer"] == "not in place"]
    return None if missing.empty else str(missing.index[0])


def practice_score(readiness: Readiness, item: str) -> float | None:
    """One workshop practice's score (0-1), e.g. ``pp_employee_value`` of the practices the
    data cannot show; None when not scored (unknown, never 0)."""
    items = item_scores(readiness.answers)
    row = items[items["item"] == item]
    if row.empty or not bool(row["answered"].iloc[0]):
        return None
    return float(row["percent"].iloc[0]) / 100

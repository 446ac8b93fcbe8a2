"""A client's answers to an instrument: read, checked, and written safely.

The answers live in the client's data folder as ``assessments/<instrument id>.yaml``::

    instrument: qci
    assessor: An Claes
    participants: [Marketing manager, Customer service lead]
    date: 2025-03-14
    scores:
      ap_value_segments: {intention: 3, reality: 2}   # instruments with dimensions
      cm_sponsor: yes                                 # a check item
      rb_data_quality: {answer: yes, severity: 2}     # a check item with severity
      maturity_level: 3                               # a maturity item
    notes:
      areas: {analysis_planning: "Scored with the marketing team."}
      items: {ap_value_segments: "Segments exist for the web shop only."}

An item that is left out (or written as ``null``) is *not scored*. It is shown as
missing and never counts as zero. Files are written through :mod:`crmlib.atomic`, so a
save that is interrupted leaves the previous answers as they were.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from crmlib.atomic import atomic_path
from crmlib.errors import InstrumentError, MissingDataError
from crmlib.instruments.definition import SINGLE_DIMENSION, Instrument, Item, load_instrument
from crmlib.instruments.yamlio import load_yaml
from crmlib.text import sentence

#: Folder inside a client's data folder that holds the answers files.
ASSESSMENTS_FOLDER = "assessments"

_TOP_KEYS = ("instrument", "assessor", "participants", "date", "scores", "notes")
_TRUE_WORDS = {"yes": True, "no": False, "true": True, "false": False}

Value = int | bool


@dataclass
class Answers:
    """One client's answers to one instrument.

    Build it with :func:`load_answers` (from the client's folder) or
    ``Answers(instrument)`` and :meth:`set`. Values are checked against the instrument
    whenever they are set, so an ``Answers`` object never holds a score off the scale.

    Attributes
    ----------
    instrument : Instrument
        The instrument answered.
    assessor : str
        Who scored (the consultant).
    participants : list of str
        Who took part (names or roles).
    date : datetime.date or None
        When the assessment was held.
    scores : dict
        ``{item id: {dimension id: value}}`` for the values that were scored. The
        dimension is ``"score"`` for instruments without declared dimensions. A value is
        an ``int`` for scale and maturity items and a ``bool`` for check items.
    severity : dict of str to int
        Severity of check items answered "yes" that carry one (barriers).
    area_notes, item_notes : dict of str to str
        Free-text notes per area id and per item id.
    path : Path or None
        The file the answers were read from or last saved to.
    """

    instrument: Instrument
    assessor: str = ""
    participants: list[str] = field(default_factory=list)
    date: dt.date | None = None
    scores: dict[str, dict[str, Value]] = field(default_factory=dict)
    severity: dict[str, int] = field(default_factory=dict)
    area_notes: dict[str, str] = field(default_factory=dict)
    item_notes: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def get(self, item_id: str, dimension: str | None = None) -> Value | None:
        """The value scored for an item (on a dimension), or ``None`` when not scored."""
        dimension = dimension or _only_dimension(self.instrument)
        return self.scores.get(item_id, {}).get(dimension)

    def set(
        self,
        item_id: str,
        value: Value | None,
        dimension: str | None = None,
        *,
        severity: int | None = None,
    ) -> None:
        """Score an item, or clear it with ``value=None``.

        Parameters
        ----------
        item_id : str
        value : int, bool or None
            A scale point (scale items), ``True``/``False`` (check items) or a level
            number (maturity items). ``None`` marks the item as not scored.
        dimension : str, optional
            Required when the instrument has more than one dimension.
        severity : int, optional
            For check items with severity answered ``True``.

        Raises
        ------
        InstrumentError
            For an unknown item or dimension, or a value the item cannot take.
        """
        source = f"answers to {self.instrument.id}"
        item = _known_item(self.instrument, item_id, source)
        dimension = dimension or _only_dimension(self.instrument, item_id, source)
        if dimension not in self.instrument.dimension_ids:
            raise _unknown_dimension(self.instrument, item_id, dimension, source)
        if value is None:
            self.scores.get(item_id, {}).pop(dimension, None)
            if not self.scores.get(item_id):
                self.scores.pop(item_id, None)
            self.severity.pop(item_id, None)
            return
        value = _checked_value(self.instrument, item, dimension, value, source)
        self.scores.setdefault(item_id, {})[dimension] = value
        if severity is None:
            self.severity.pop(item_id, None)
        else:
            self.severity[item_id] = _checked_severity(
                self.instrument, item, value, severity, source
            )

    @property
    def n_scored(self) -> int:
        """How many values are scored (items times dimensions)."""
        return sum(len(values) for values in self.scores.values())

    @property
    def n_total(self) -> int:
        """How many values could be scored (items times dimensions)."""
        return len(self.instrument.items) * len(self.instrument.dimensions)


def answers_path(data_dir: str | os.PathLike[str], instrument_id: str) -> Path:
    """Where a client's answers to an instrument are kept: ``<data_dir>/assessments/<id>.yaml``."""
    return Path(data_dir) / ASSESSMENTS_FOLDER / f"{instrument_id}.yaml"


def load_answers(
    instrument: Instrument | str,
    data_dir: str | os.PathLike[str],
    *,
    missing_ok: bool = False,
) -> Answers:
    """Load a client's answers to an instrument from their data folder.

    Parameters
    ----------
    instrument : Instrument or str
        The instrument, or its id or path (see :func:`load_instrument`).
    data_dir : path-like
        The client's data folder.
    missing_ok : bool, default False
        Return empty answers (everything not scored) when no answers were saved yet.

    Returns
    -------
    Answers

    Raises
    ------
    MissingDataError
        If no answers file exists and ``missing_ok`` is false.
    InstrumentError
        If the answers file is malformed; the message names the file and the item.
    """
    instrument = load_instrument(instrument)
    path = answers_path(data_dir, instrument.id)
    if not path.is_file():
        if missing_ok:
            return Answers(instrument, path=path)
        raise MissingDataError(
            sentence(
                "no answers to '{title}' saved yet ({file} in the company's folder); the "
                "workshop fills them in with the client",
                title=instrument.title,
                file=f"{path.parent.name}/{path.name}",
            )
        )
    return read_answers(path, instrument)


def read_answers(path: str | os.PathLike[str], instrument: Instrument | str) -> Answers:
    """Read and check one answers file.

    Parameters
    ----------
    path : path-like
    instrument : Instrument or str

    Returns
    -------
    Answers

    Raises
    ------
    InstrumentError
        If the file is malformed.
    """
    path = Path(path)
    instrument = load_instrument(instrument)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InstrumentError(
            f"{path}: not a UTF-8 text file. Fix: save the answers as UTF-8 YAML"
        ) from None
    answers = parse_answers(text, instrument, source=str(path))
    answers.path = path
    return answers


def parse_answers(text: str, instrument: Instrument | str, source: str = "<answers>") -> Answers:
    """Parse and check answers from YAML text.

    Parameters
    ----------
    text : str
        The YAML text of an answers file.
    instrument : Instrument or str
        The instrument the answers must fit.
    source : str
        The file name used in error messages.

    Returns
    -------
    Answers

    Raises
    ------
    InstrumentError
        On the first problem: invalid YAML, an item listed twice, an unknown item or
        dimension, a score off the scale, a bad date, notes for an unknown area.
    """
    instrument = load_instrument(instrument)
    data = load_yaml(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InstrumentError(
            f"{source}: an answers file must be a mapping of keys to values. "
            "Fix: start from a file the workshop form wrote"
        )
    for key in data:
        if key not in _TOP_KEYS:
            raise InstrumentError(
                f"{source}: unknown key '{key}'. Fix: the keys of an answers "
                f"file are {', '.join(_TOP_KEYS)}"
            )
    written_for = data.get("instrument")
    if written_for != instrument.id:
        raise InstrumentError(
            f"{source}: the answers are for instrument {_show(written_for)}, not "
            f"'{instrument.id}'. Fix: set instrument: {instrument.id}, or load the file with "
            "the instrument it was written for"
        )
    answers = Answers(
        instrument,
        assessor=_text(data.get("assessor"), source, "assessor"),
        participants=_participants(data.get("participants"), source),
        date=_date(data.get("date"), source),
    )
    scores = data.get("scores") or {}
    if not isinstance(scores, dict):
        raise InstrumentError(
            f"{source}: 'scores' must be a mapping of item ids to scores. "
            "Fix: write one 'item_id: score' line per item under scores:"
        )
    for item_id, raw in scores.items():
        _parse_score(answers, str(item_id), raw, source)
    _parse_notes(answers, data.get("notes"), source)
    return answers


def _show(value: Any) -> str:
    return "(none)" if value is None else repr(value)


def _text(value: Any, source: str, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise InstrumentError(f"{source}: '{key}' must be text. Fix: write {key}: followed by a name")


def _participants(value: Any, source: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return [p.strip() for p in value if p.strip()]
    raise InstrumentError(
        f"{source}: 'participants' must be a list of names. "
        "Fix: write one '- name' line per participant"
    )


def _date(value: Any, source: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InstrumentError(
            f"{source}: date {value!r} is not an ISO date. "
            "Fix: write the date as YYYY-MM-DD, e.g. date: 2025-03-14"
        ) from None


def _known_item(instrument: Instrument, item_id: str, source: str) -> Item:
    try:
        return instrument.item(item_id)
    except KeyError:
        close = difflib.get_close_matches(item_id, instrument.item_ids, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise InstrumentError(
            f"{source}, item '{item_id}': not an item of instrument '{instrument.id}'. "
            f"Fix: {hint}use an item id from {instrument.id}.yaml, or remove the line"
        ) from None


def _only_dimension(instrument: Instrument, item_id: str = "", source: str = "") -> str:
    if len(instrument.dimensions) == 1:
        return instrument.dimensions[0].id
    raise InstrumentError(
        f"{source}, item '{item_id}': {instrument.id} scores every item on "
        f"{', '.join(instrument.dimension_ids)}. Fix: name the dimension"
    )


def _unknown_dimension(
    instrument: Instrument, item_id: str, dimension: Any, source: str
) -> InstrumentError:
    return InstrumentError(
        f"{source}, item '{item_id}': unknown dimension {_show(dimension)}. "
        f"Fix: use {', '.join(instrument.dimension_ids)}"
    )


def _checked_value(
    instrument: Instrument, item: Item, dimension: str, value: Any, source: str
) -> Value:
    where = f"{source}, item '{item.id}'"
    if len(instrument.dimensions) > 1:
        where += f", dimension '{dimension}'"
    if item.type == "check":
        if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS:
            return _TRUE_WORDS[value.strip().lower()]
        if not isinstance(value, bool):
            raise InstrumentError(
                f"{where}: {value!r} is not yes or no. "
                "Fix: answer yes or no, or null for not scored"
            )
        return value
    if item.type == "maturity":
        numbers = [level.level for level in item.levels]
        if isinstance(value, bool) or not isinstance(value, int) or value not in numbers:
            raise InstrumentError(
                f"{where}: level {value!r} is not one of the levels {numbers[0]}-{numbers[-1]}. "
                f"Fix: give a whole number from {numbers[0]} to {numbers[-1]}, or null for "
                "not scored"
            )
        return value
    low, high = instrument.scale_min, instrument.scale_max
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InstrumentError(
            f"{where}: score {value!r} is outside the scale {low}-{high}. "
            f"Fix: give a whole number from {low} to {high}, or null for not scored"
        )
    return value


def _checked_severity(
    instrument: Instrument, item: Item, value: Value, severity: Any, source: str
) -> int:
    where = f"{source}, item '{item.id}'"
    if not item.severity:
        raise InstrumentError(f"{where}: the item has no severity. Fix: remove the severity")
    if value is not True:
        raise InstrumentError(
            f"{where}: a severity is given but the answer is no. "
            "Fix: remove the severity, or answer yes"
        )
    values = [point.value for point in instrument.severity_scale]
    if isinstance(severity, bool) or not isinstance(severity, int) or severity not in values:
        raise InstrumentError(
            f"{where}: severity {severity!r} is outside the severity scale "
            f"{values[0]}-{values[-1]}. Fix: give a whole number from {values[0]} to "
            f"{values[-1]}, or leave the severity out"
        )
    return severity


def _parse_score(answers: Answers, item_id: str, raw: Any, source: str) -> None:
    instrument = answers.instrument
    item = _known_item(instrument, item_id, source)
    dimensions = instrument.dimension_ids
    where = f"{source}, item '{item_id}'"
    if len(dimensions) > 1:
        if raw is None:
            return
        if not isinstance(raw, dict):
            example = ", ".join(f"{d}: N" for d in dimensions)
            raise InstrumentError(
                f"{where}: {instrument.id} scores every item on "
                f"{', '.join(dimensions)}, but one value {raw!r} is given. "
                f"Fix: write {{{example}}}"
            )
        for dimension, value in raw.items():
            if dimension not in dimensions:
                raise _unknown_dimension(instrument, item_id, dimension, source)
            if value is not None:
                answers.scores.setdefault(item_id, {})[dimension] = _checked_value(
                    instrument, item, dimension, value, source
                )
        return
    severity = None
    if item.type == "check" and isinstance(raw, dict):
        if not item.severity:
            raise InstrumentError(
                f"{where}: a mapping is given for a yes/no item. Fix: answer yes or no"
            )
        unknown = [key for key in raw if key not in ("answer", "severity")]
        if unknown:
            raise InstrumentError(
                f"{where}: unknown key '{unknown[0]}'. Fix: write {{answer: yes, severity: N}}"
            )
        severity = raw.get("severity")
        raw = raw.get("answer")
    elif isinstance(raw, dict):
        raise InstrumentError(
            f"{where}: {instrument.id} has no dimensions, but a mapping is "
            "given. Fix: write the score directly, e.g. "
            f"{item_id}: {instrument.scale_max}"
        )
    if raw is None:
        if severity is not None:
            raise InstrumentError(
                f"{where}: a severity is given but no answer. "
                "Fix: add answer: yes, or remove the severity"
            )
        return
    value = _checked_value(instrument, item, SINGLE_DIMENSION, raw, source)
    answers.scores[item_id] = {instrument.dimensions[0].id: value}
    if severity is not None:
        answers.severity[item_id] = _checked_severity(instrument, item, value, severity, source)


def _parse_notes(answers: Answers, raw: Any, source: str) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict) or any(key not in ("areas", "items") for key in raw):
        raise InstrumentError(
            f"{source}: 'notes' must have the keys areas and items. "
            "Fix: write notes under notes: areas: and notes: items:"
        )
    instrument = answers.instrument
    area_ids = [area.id for area in instrument.areas]
    for kind, known, target in (
        ("areas", area_ids, answers.area_notes),
        ("items", instrument.item_ids, answers.item_notes),
    ):
        entries = raw.get(kind) or {}
        if not isinstance(entries, dict):
            raise InstrumentError(
                f"{source}: notes {kind} must map ids to text. "
                f"Fix: write one 'id: text' line per note under {kind}:"
            )
        for key, note in entries.items():
            if key not in known:
                singular = kind[:-1]
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise InstrumentError(
                    f"{source}, {singular} '{key}': a note for an unknown "
                    f"{singular}. Fix: {hint}use an {singular} id of "
                    f"{instrument.id}, or remove the note"
                )
            if note is None or (isinstance(note, str) and not note.strip()):
                continue
            if not isinstance(note, str):
                note = str(note)
            target[key] = note.strip()


# ---------------------------------------------------------------------------------------
# Writing


def _comment(text: str) -> str:
    return " ".join(text.split())


def _format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(int(value))


def write_answers(answers: Answers, handle: IO[str]) -> int:
    """Write answers as YAML to an open text file, part by part.

    Parameters
    ----------
    answers : Answers
    handle : text file

    Returns
    -------
    int
        The number of values scored.
    """
    instrument = answers.instrument
    handle.write(f"# Answers to '{_comment(instrument.title)}' ({instrument.id}).\n")
    handle.write("# Written by the CRM Strategy Workbook. An item left out is not scored.\n")
    meta = {
        "instrument": instrument.id,
        "assessor": answers.assessor,
        "participants": list(answers.participants),
        "date": answers.date,
    }
    handle.write(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000))
    multi = len(instrument.dimensions) > 1
    if not answers.scores:
        handle.write("scores: {}\n")
    else:
        handle.write("scores:\n")
    # Ids are checked to be plain lower-case words and values are whole numbers or
    # yes/no, so the score lines are written directly, grouped under a comment per
    # area, which a dump of a mapping cannot do.
    for area in instrument.areas:
        scored = [item for item in area.items if answers.scores.get(item.id)]
        if not scored:
            continue
        handle.write(f"  # {_comment(area.title)}\n")
        for item in scored:
            values = answers.scores[item.id]
            if multi:
                parts = ", ".join(
                    f"{d}: {_format_value(values[d])}"
                    for d in instrument.dimension_ids
                    if d in values
                )
                line = f"{{{parts}}}"
            elif item.id in answers.severity:
                line = (
                    f"{{answer: {_format_value(values[instrument.dimensions[0].id])}, "
                    f"severity: {answers.severity[item.id]}}}"
                )
            else:
                line = _format_value(values[instrument.dimensions[0].id])
            handle.write(f"  {item.id}: {line}\n")
    notes = {
        "areas": {
            a.id: answers.area_notes[a.id] for a in instrument.areas if answers.area_notes.get(a.id)
        },
        "items": {
            i.id: answers.item_notes[i.id] for i in instrument.items if answers.item_notes.get(i.id)
        },
    }
    handle.write(yaml.safe_dump({"notes": notes}, sort_keys=False, allow_unicode=True, width=1000))
    return answers.n_scored


def save_answers(answers: Answers, data_dir: str | os.PathLike[str]) -> Path:
    """Save answers to ``<data_dir>/assessments/<instrument id>.yaml``, atomically.

    The file is written to a temporary file next to the target and renamed over it
    only when complete, so an interrupted save (a kernel restart, a full disk, a
    ``KeyboardInterrupt``) leaves the previous answers intact.

    Parameters
    ----------
    answers : Answers
    data_dir : path-like
        The client's data folder.

    Returns
    -------
    Path
        The file written; ``answers.path`` is set to it.
    """
    target = answers_path(data_dir, answers.instrument.id)
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        write_answers(answers, handle)
    answers.path = target
    return target

"""The workshop form: score an instrument together with the client, save it safely.

In JupyterLab, :func:`assessment_form` with ``interactive=True`` shows one tab per
area with a control per item (a slider per dimension for scale items, yes/no buttons
for check items, a level list for maturity items), a "not scored" state that is
distinct from every score, notes per area and per item, and a Save button that writes
the client's answers file atomically. Calling it again loads the saved answers back.

When a notebook is rendered as a report (papermill, ``interactive=False``), the same
call returns an :class:`AssessmentReport` whose HTML shows the scored tables and
static PNG charts, so the report needs neither widgets nor JavaScript.

Browser tests find the controls by these CSS classes: ``crm-assessment`` (the form),
``crm-item-<item id>`` (an item's row), ``crm-score-<item id>-<dimension>`` (a
control), ``crm-not-scored-<item id>-<dimension>`` (a not-scored box),
``crm-notes-<area id>`` (an area's notes), ``crm-save`` (the Save button) and
``crm-status`` (the confirmation line).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import os
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from crmlib.errors import AnswersChangedError, CrmlibError
from crmlib.formatting import count, day
from crmlib.instruments import scoring
from crmlib.instruments.answers import Answers, answers_path, load_answers, save_answers
from crmlib.instruments.definition import Area, Dimension, Instrument, Item, load_instrument
from crmlib.text import N_, translate
from crmlib.text import label as words_of

#: The value of a control nobody scored (a value the code reads: shown translated).
NOT_SCORED = N_("not scored")
_NO_LEVEL = 0  # maturity levels and severities are numbered from 1
_FULL_WIDTH = widgets.Layout(width="100%")


def _file_signature(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _scale_label(instrument: Instrument, value: int) -> str:
    point = instrument.scale_point(value)
    return f"{point.value} – {point.label}"


def _source(instrument: Instrument) -> str:
    """The instrument's source line as HTML (the source stays in its own language)."""
    return translate("Source: {source}").format(source=html.escape(instrument.source))


class AssessmentForm:
    """An ipywidgets form for one instrument and one client.

    Parameters
    ----------
    instrument : Instrument or str
        The instrument, or its id or path.
    data_dir : path-like
        The client's data folder; answers go to ``assessments/<id>.yaml`` in it.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole form, ready to display.
    controls : dict
        ``{(item id, dimension): widget}``: an ``IntSlider`` (scale items), a
        ``ToggleButtons`` with values "not scored"/"yes"/"no" (check items) or a
        ``Dropdown`` of levels with 0 for not scored (maturity items).
    not_scored : dict
        ``{(item id, dimension): Checkbox}`` for the sliders of scale items.
    severity : dict
        ``{item id: Dropdown}`` for check items with severity (0 = not given).
    area_notes, item_notes : dict
        ``{area id: Textarea}`` and ``{item id: Text}``.
    assessor, participants : ipywidgets.Text
    date : ipywidgets.DatePicker
    save_button : ipywidgets.Button
    status : ipywidgets.HTML
        The confirmation (or error) after a save.
    path : Path
        The answers file.

    Raises
    ------
    InstrumentError
        If the saved answers file is malformed (it is not overwritten).
    """

    def __init__(self, instrument: Instrument | str, data_dir: str | os.PathLike[str]) -> None:
        self.instrument = load_instrument(instrument)
        self.data_dir = Path(data_dir)
        self.path = answers_path(self.data_dir, self.instrument.id)
        self.controls: dict[tuple[str, str], widgets.Widget] = {}
        self.not_scored: dict[tuple[str, str], widgets.Checkbox] = {}
        self.severity: dict[str, widgets.Dropdown] = {}
        self.item_notes: dict[str, widgets.Text] = {}
        self.area_notes: dict[str, widgets.Textarea] = {}
        self._readouts: dict[tuple[str, str], widgets.Label] = {}
        self._level_details: dict[str, widgets.HTML] = {}
        self._signature = _file_signature(self.path)
        loaded = load_answers(self.instrument, self.data_dir, missing_ok=True)
        self.widget = self._build()
        self._fill(loaded)

    # -- building ------------------------------------------------------------------------

    def _build(self) -> widgets.VBox:
        instrument = self.instrument
        header = widgets.HTML(
            f"<h3>{html.escape(instrument.title)}</h3>"
            f"<p>{html.escape(instrument.guidance)}</p>"
            f"<p><small>{_source(instrument)}</small></p>"
        )
        self.assessor = widgets.Text(
            description=translate("Assessor"), placeholder=translate("who scores")
        )
        self.participants = widgets.Text(
            description=translate("Participants"),
            placeholder=translate("names or roles, separated by commas"),
            layout=widgets.Layout(width="60%"),
        )
        self.date = widgets.DatePicker(description=translate("Date"))
        self.assessor.add_class("crm-assessor")
        tabs = widgets.Tab(
            children=[self._area_tab(area) for area in instrument.areas],
            titles=tuple(area.title for area in instrument.areas),
        )
        self.save_button = widgets.Button(
            description=translate("Save answers"),
            button_style="primary",
            icon="save",
            tooltip=translate("Write {path}").format(path=self.path),
        )
        self.save_button.add_class("crm-save")
        self.save_button.on_click(self._on_save)
        self.status = widgets.HTML("")
        self.status.add_class("crm-status")
        form = widgets.VBox(
            [
                header,
                widgets.HBox([self.assessor, self.date]),
                self.participants,
                tabs,
                widgets.HBox([self.save_button, self.status]),
            ]
        )
        form.add_class("crm-assessment")
        form.add_class(f"crm-instrument-{instrument.id}")
        return form

    def _area_tab(self, area: Area) -> widgets.VBox:
        parts: list[widgets.Widget] = []
        intro = " ".join(part for part in (area.description, area.guidance) if part)
        if intro:
            parts.append(widgets.HTML(f"<p><i>{html.escape(intro)}</i></p>"))
        parts.extend(self._item_row(item) for item in area.items)
        notes = widgets.Textarea(
            description=translate("Notes"),
            placeholder=translate("Notes on {area}").format(area=area.title),
            layout=widgets.Layout(width="90%", height="5em"),
        )
        notes.add_class(f"crm-notes-{area.id}")
        self.area_notes[area.id] = notes
        parts.append(notes)
        return widgets.VBox(parts)

    def _item_row(self, item: Item) -> widgets.VBox:
        text = widgets.HTML(
            f"<b>{html.escape(item.text)}</b>", tooltip=item.guidance, layout=_FULL_WIDTH
        )
        if item.type == "scale":
            controls = [self._slider(item, dimension) for dimension in self.instrument.dimensions]
        elif item.type == "check":
            controls = [self._check(item)]
        else:
            controls = [self._maturity(item)]
        note = widgets.Text(
            placeholder=translate("note on this item"),
            layout=widgets.Layout(width="60%"),
            tooltip=translate("Note on {item}").format(item=item.id),
        )
        self.item_notes[item.id] = note
        row = widgets.VBox(
            [text, *controls, note],
            layout=widgets.Layout(border_bottom="1px solid #ddd", padding="4px 0"),
        )
        row.add_class(f"crm-item-{item.id}")
        return row

    def _slider(self, item: Item, dimension: Dimension) -> widgets.HBox:
        key = (item.id, dimension.id)
        instrument = self.instrument
        slider = widgets.IntSlider(
            value=instrument.scale_min,
            min=instrument.scale_min,
            max=instrument.scale_max,
            description=dimension.label,
            tooltip=f"{item.guidance} ({dimension.description})"
            if dimension.description
            else item.guidance,
            continuous_update=False,
        )
        slider.add_class("crm-score")
        slider.add_class(f"crm-score-{item.id}-{dimension.id}")
        unscored = widgets.Checkbox(
            value=True,
            description=translate(NOT_SCORED),
            indent=False,
            layout=widgets.Layout(width="8em"),
        )
        unscored.add_class(f"crm-not-scored-{item.id}-{dimension.id}")
        readout = widgets.Label(translate(NOT_SCORED))
        self.controls[key] = slider
        self.not_scored[key] = unscored
        self._readouts[key] = readout

        def on_value(change: dict) -> None:
            # Moving the slider is scoring it.
            unscored.value = False
            self._show_scale_state(key)

        def on_unscored(change: dict) -> None:
            self._show_scale_state(key)

        slider.observe(on_value, names="value")
        unscored.observe(on_unscored, names="value")
        return widgets.HBox([slider, unscored, readout])

    def _show_scale_state(self, key: tuple[str, str]) -> None:
        slider, unscored = self.controls[key], self.not_scored[key]
        # Without a readout the slider shows no number, so "not scored" cannot be
        # mistaken for the lowest score.
        slider.readout = not unscored.value
        slider.style.handle_color = "#bbbbbb" if unscored.value else None
        self._readouts[key].value = (
            translate(NOT_SCORED) if unscored.value else _scale_label(self.instrument, slider.value)
        )

    def _check(self, item: Item) -> widgets.HBox:
        yes, no = (N_("present"), N_("absent")) if not item.desirable else (N_("yes"), N_("no"))
        buttons = widgets.ToggleButtons(
            # (label, value): the values are what the answers file records
            options=[
                (translate(NOT_SCORED), NOT_SCORED),
                (translate(yes), "yes"),
                (translate(no), "no"),
            ],
            value=NOT_SCORED,
            description=translate("Answer"),
            tooltips=[translate("not scored: nobody could answer"), item.guidance, item.guidance],
            tooltip=item.guidance,
            style={"button_width": "7em"},
        )
        dimension = self.instrument.dimension_ids[0]
        buttons.add_class(f"crm-score-{item.id}-{dimension}")
        self.controls[(item.id, dimension)] = buttons
        children: list[widgets.Widget] = [buttons]
        if item.severity:
            options = [(translate("severity not given"), _NO_LEVEL)] + [
                (f"{point.value} – {point.label}", point.value)
                for point in self.instrument.severity_scale
            ]
            severity = widgets.Dropdown(
                options=options,
                value=_NO_LEVEL,
                description=translate("Severity"),
                disabled=True,
                tooltip="; ".join(
                    f"{p.label}: {p.meaning}" for p in self.instrument.severity_scale
                ),
            )
            severity.add_class(f"crm-severity-{item.id}")
            self.severity[item.id] = severity

            def on_answer(change: dict) -> None:
                severity.disabled = change["new"] != "yes"
                if severity.disabled:
                    severity.value = _NO_LEVEL

            buttons.observe(on_answer, names="value")
            children.append(severity)
        return widgets.HBox(children)

    def _maturity(self, item: Item) -> widgets.VBox:
        options = [(translate(NOT_SCORED), _NO_LEVEL)] + [
            (f"{level.level} – {level.title}", level.level) for level in item.levels
        ]
        dropdown = widgets.Dropdown(
            options=options,
            value=_NO_LEVEL,
            description=translate("Level"),
            tooltip=item.guidance,
            layout=widgets.Layout(width="50%"),
        )
        dimension = self.instrument.dimension_ids[0]
        dropdown.add_class(f"crm-score-{item.id}-{dimension}")
        self.controls[(item.id, dimension)] = dropdown
        details = widgets.HTML(self._level_html(item, _NO_LEVEL))
        self._level_details[item.id] = details

        def on_level(change: dict) -> None:
            details.value = self._level_html(item, change["new"])

        dropdown.observe(on_level, names="value")
        return widgets.VBox([dropdown, details])

    @staticmethod
    def _level_html(item: Item, number: int) -> str:
        if number == _NO_LEVEL:
            rows = "".join(
                f"<li><b>{level.level} {html.escape(level.title)}</b>: "
                f"{html.escape(level.description)}</li>"
                for level in item.levels
            )
            return f"<ul>{rows}</ul>"
        level = item.level(number)
        markers = "".join(f"<li>{html.escape(marker)}</li>" for marker in level.markers)
        said = html.escape(translate("Markers:"))
        return f"<p>{html.escape(level.description)}</p><p>{said}</p><ul>{markers}</ul>"

    # -- state -----------------------------------------------------------------------------

    def _fill(self, answers: Answers) -> None:
        self.assessor.value = answers.assessor
        self.participants.value = ", ".join(answers.participants)
        self.date.value = answers.date
        for (item_id, dimension), control in self.controls.items():
            item = self.instrument.item(item_id)
            value = answers.scores.get(item_id, {}).get(dimension)
            if item.type == "scale":
                # The slider first: moving it clears "not scored", which is then set.
                control.value = self.instrument.scale_min if value is None else value
                self.not_scored[(item_id, dimension)].value = value is None
                self._show_scale_state((item_id, dimension))
            elif item.type == "check":
                control.value = NOT_SCORED if value is None else ("yes" if value else "no")
                if item.id in self.severity:
                    self.severity[item.id].value = answers.severity.get(item.id, _NO_LEVEL)
            else:
                control.value = _NO_LEVEL if value is None else value
        for area_id, notes in self.area_notes.items():
            notes.value = answers.area_notes.get(area_id, "")
        for item_id, note in self.item_notes.items():
            note.value = answers.item_notes.get(item_id, "")

    def answers(self) -> Answers:
        """The answers as the widgets show them now.

        Returns
        -------
        Answers
            Not-scored controls are left out; nothing is written to disk.
        """
        participants = [p.strip() for p in self.participants.value.split(",") if p.strip()]
        answers = Answers(
            self.instrument,
            assessor=self.assessor.value.strip(),
            participants=participants,
            date=self.date.value,
            path=self.path,
        )
        for (item_id, dimension), control in self.controls.items():
            item = self.instrument.item(item_id)
            if item.type == "scale":
                if not self.not_scored[(item_id, dimension)].value:
                    answers.set(item_id, int(control.value), dimension)
            elif item.type == "check":
                if control.value != NOT_SCORED:
                    severity = self.severity[item_id].value if item_id in self.severity else 0
                    answers.set(
                        item_id, control.value == "yes", dimension, severity=severity or None
                    )
            elif control.value != _NO_LEVEL:
                answers.set(item_id, int(control.value), dimension)
        for area_id, notes in self.area_notes.items():
            if notes.value.strip():
                answers.area_notes[area_id] = notes.value.strip()
        for item_id, note in self.item_notes.items():
            if note.value.strip():
                answers.item_notes[item_id] = note.value.strip()
        return answers

    def save(self, *, force: bool = False) -> Path:
        """Write the current answers to the client's answers file, atomically.

        The date is set to today when it was left empty. The confirmation line of the
        form says how many answers were saved, where, and when.

        Parameters
        ----------
        force : bool, default False
            Save even when the file changed on disk since the form was opened.

        Returns
        -------
        Path
            The answers file.

        Raises
        ------
        AnswersChangedError
            If another form saved to the same file after this one was opened, and
            ``force`` is false.
        """
        if not force and _file_signature(self.path) != self._signature:
            raise AnswersChangedError(
                translate(
                    "{path}: the answers were saved by another form after this one was "
                    "opened. Fix: run the cell again to load them, or call save(force=True) to "
                    "overwrite them with this form's answers"
                ).format(path=self.path)
            )
        answers = self.answers()
        if answers.date is None:
            answers.date = dt.date.today()
            self.date.value = answers.date
        path = save_answers(answers, self.data_dir)
        self._signature = _file_signature(path)
        unscored = answers.n_total - answers.n_scored
        self.status.value = html.escape(
            translate("Saved {scored} answers to {path} at {time} ({unscored} not scored).").format(
                scored=count(answers.n_scored),
                path=path,
                time=f"{dt.datetime.now():%H:%M}",
                unscored=count(unscored),
            )
        )
        return path

    def _on_save(self, button: widgets.Button) -> None:
        # A click handler's exception would only reach the kernel log, so the people
        # in the workshop would not see it: show it in the form instead.
        try:
            self.save()
        except (CrmlibError, OSError) as error:
            said = translate("Not saved: {error}").format(error=str(error))
            self.status.value = f"<span style='color:#c0392b'>{html.escape(said)}</span>"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# ---------------------------------------------------------------------------------------
# The static report


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


_HEADINGS = {
    "area_title": N_("area"),
    "text": N_("item"),
    "percent": N_("% of maximum"),
    "severity_label": N_("severity"),
    "paired": N_("items scored on both"),
}

#: The other headings and values the report shows as words (the catalogue holds them).
_WORDS = (
    N_("area"),
    N_("item"),
    N_("type"),
    N_("answered"),
    N_("total"),
    N_("rank"),
    N_("level"),
    N_("title"),
    N_("description"),
    N_("dimension"),
    N_("gap"),
    N_("intention"),
    N_("reality"),
    N_("score"),
    N_("scale"),
    N_("check"),
    N_("maturity"),
)


def _heading(column: str) -> str:
    if column in _HEADINGS:
        return translate(_HEADINGS[column])
    if column.endswith("_percent"):
        dimension = translate(words_of(column.removesuffix("_percent")))
        return translate("{dimension} (%)").format(dimension=dimension)
    return translate(words_of(column))


def _readable(frame: pd.DataFrame, multi: bool) -> pd.DataFrame:
    """Column headings (and dimension names) for readers of a report rather than programmers."""
    if not multi and "dimension" in frame.columns:
        frame = frame.drop(columns=["dimension"])
    elif "dimension" in frame.columns:
        frame = frame.assign(dimension=frame["dimension"].map(lambda d: translate(words_of(d))))
    return frame.rename(columns={c: _heading(c) for c in frame.columns})


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(
        index=False,
        na_rep=translate(NOT_SCORED),
        border=0,
        classes="crm-table",
        float_format=lambda value: f"{value:.0f}",
    )


class AssessmentReport:
    """The static view of an assessment, for rendered reports.

    Its HTML (``_repr_html_``) holds the scores as tables and the charts as embedded
    PNG images, so it shows without widgets, JavaScript or network access.

    Parameters
    ----------
    answers : Answers
        The answers; empty answers give the questionnaire with a note that nothing
        was saved yet.
    saved : bool
        Whether the answers were read from a file.
    """

    def __init__(self, answers: Answers, *, saved: bool) -> None:
        self.answers = answers
        self.instrument = answers.instrument
        self.saved = saved

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables shown, by name: overall, areas, gaps, weakest, maturity, barriers."""
        answers = self.answers
        tables = {
            "overall": scoring.overall_scores(answers),
            "areas": scoring.area_scores(answers),
            "weakest": scoring.weakest_areas(answers, n=3),
        }
        if len(self.instrument.dimensions) > 1:
            tables["gaps"] = scoring.area_gaps(answers)
        if any(item.type == "maturity" for item in self.instrument.items):
            tables["maturity"] = scoring.maturity_levels(answers)
        if any(item.type == "check" and not item.desirable for item in self.instrument.items):
            tables["barriers"] = scoring.barriers(answers)
        return tables

    def figures(self) -> dict[str, object]:
        """The charts, by name (radar, heatmap, gaps), as matplotlib Figures.

        The figures are not registered with pyplot, so a notebook does not show them
        twice and they are freed with this object.
        """
        from matplotlib.figure import Figure

        from crmlib.plots.instruments import plot_area_radar, plot_gap_bars, plot_item_heatmap

        figures = {}
        radar = Figure(figsize=(6.5, 6))
        plot_area_radar(
            scoring.area_scores(self.answers),
            radar.add_subplot(projection="polar"),
            benchmarks=self.instrument.benchmarks or None,
            title=translate("{instrument}: score per area").format(
                instrument=self.instrument.title
            ),
        )
        figures["radar"] = radar
        if len(self.instrument.dimensions) > 1:
            gaps = scoring.area_gaps(self.answers)
            bars = Figure(figsize=(7.5, 0.55 * len(gaps) + 1.2))
            plot_gap_bars(gaps, bars.add_subplot())
            figures["gaps"] = bars
        items = scoring.item_scores(self.answers)
        n_rows = items["item"].nunique()
        heatmap = Figure(
            # Capped so the chart fits an A4 page in the PDF report; rows get denser.
            figsize=(
                4.5 + 1.2 * items["dimension"].nunique(),
                min(9.0, max(3.0, 0.28 * n_rows + 1.5)),
            )
        )
        plot_item_heatmap(items, heatmap.add_subplot())
        figures["heatmap"] = heatmap
        return figures

    def _questionnaire_html(self) -> str:
        rows = [
            {"area": area.title, "item": item.text, "type": translate(item.type)}
            for area in self.instrument.areas
            for item in area.items
        ]
        return _table(pd.DataFrame(rows).rename(columns=_heading))

    def _repr_html_(self) -> str:
        instrument, answers = self.instrument, self.answers
        parts = [
            f"<h3>{html.escape(instrument.title)}</h3>",
            f"<p><small>{_source(instrument)}</small></p>",
        ]
        if not self.saved:
            said = translate(
                "No answers saved yet: the workshop has not scored this assessment. "
                "The questions are:"
            )
            parts.append(f"<p>{html.escape(said)}</p>")
            parts.append(self._questionnaire_html())
            return "\n".join(parts)
        not_given = translate("not given")
        meta = [
            translate("Assessor: {name}").format(name=answers.assessor or not_given),
            translate("participants: {names}").format(
                names=", ".join(answers.participants) or not_given
            ),
            translate("date: {date}").format(date=day(answers.date) if answers.date else not_given),
            translate("{scored} of {total} answers scored").format(
                scored=count(answers.n_scored), total=count(answers.n_total)
            ),
        ]
        parts.append(f"<p>{html.escape('; '.join(meta))}.</p>")
        tables = self.tables()
        multi = len(instrument.dimensions) > 1
        figures = self.figures()
        overall = tables["overall"][["dimension", "percent", "answered", "total"]]
        parts += [_h4(N_("Overall")), _table(_readable(overall, multi))]
        for name in ("radar", "gaps"):
            if name in figures:
                parts.append(
                    f'<img alt="{name}" src="data:image/png;base64,{_png(figures[name])}"/>'
                )
        if "maturity" in tables:
            maturity = tables["maturity"][["text", "level", "title", "description"]]
            parts += [_h4(N_("Maturity level")), _table(_readable(maturity, multi))]
        if "barriers" in tables:
            present = tables["barriers"][["text", "severity_label"]]
            parts.append(_h4(N_("Barriers present")))
            parts.append(
                _table(_readable(present, multi))
                if len(present)
                else _paragraph(N_("No barrier marked present."))
            )
        areas = tables["areas"][["area_title", "dimension", "percent", "answered", "total"]]
        parts += [_h4(N_("Areas")), _table(_readable(areas, multi))]
        weakest = tables["weakest"][["rank", "area_title", "percent"]]
        heading = (
            translate("Weakest areas (on {dimension})").format(
                dimension=instrument.dimension(instrument.main_dimension).label.lower()
            )
            if multi
            else translate("Weakest areas")
        )
        parts += [f"<h4>{html.escape(heading)}</h4>", _table(_readable(weakest, multi))]
        if "gaps" in tables:
            gaps = tables["gaps"].drop(columns=["area"])
            parts += [
                _h4(N_("Gap per area (percentage points)")),
                _table(_readable(gaps, multi)),
            ]
        parts.append(f'<img alt="heatmap" src="data:image/png;base64,{_png(figures["heatmap"])}"/>')
        notes = [(instrument.area(a).title, n) for a, n in answers.area_notes.items()]
        notes += [(instrument.item(i).text, n) for i, n in answers.item_notes.items()]
        if notes:
            # The workshop's own words, shown as written: translate="no" tells readers
            # (and the check for English left in a translated report) they are quoted.
            items = "".join(
                f'<li><b>{html.escape(where)}</b>: <span translate="no">{html.escape(note)}</span></li>'
                for where, note in notes
            )
            parts.append(_h4(N_("Notes")) + f"<ul>{items}</ul>")
        return "\n".join(parts)


def _h4(heading: str) -> str:
    """A report heading in the report language."""
    return f"<h4>{html.escape(translate(heading))}</h4>"


def _paragraph(text: str) -> str:
    """A report paragraph in the report language."""
    return f"<p>{html.escape(translate(text))}</p>"


def assessment_form(
    instrument: Instrument | str,
    data_dir: str | os.PathLike[str],
    *,
    interactive: bool | str,
) -> AssessmentForm | AssessmentReport:
    """The workshop form, or its static report when the notebook is not interactive.

    Parameters
    ----------
    instrument : Instrument or str
        The instrument, or its id (``"qci"``) or path.
    data_dir : path-like
        The client's data folder.
    interactive : bool or str
        True in a live JupyterLab session: return the ipywidgets form. False when
        rendering a report: return the static tables and charts of the saved answers.
        ``"auto"``: the form only in a live notebook server session (see
        :func:`crmlib.notebook.widgets.resolve_interactive`).

    Returns
    -------
    AssessmentForm or AssessmentReport
        Either one displays itself as the last expression of a cell.

    Raises
    ------
    InstrumentError
        If the instrument or the saved answers file is malformed.
    """
    # The forms belong with the notebook's live controls (DESIGN: crmlib.notebook);
    # imported here so that reading instruments and answers needs no IPython.
    from crmlib.notebook.widgets import resolve_interactive

    if resolve_interactive(interactive):
        return AssessmentForm(instrument, data_dir)
    instrument = load_instrument(instrument)
    answers = load_answers(instrument, data_dir, missing_ok=True)
    saved = answers_path(data_dir, instrument.id).is_file()
    return AssessmentReport(answers, saved=saved)

"""The five model diagrams. Each takes the company's figures per element and draws them.

An element is given as a :class:`crmlib.stages.Stage`: its name, a few short lines of figures
("1,203 SSCs", "CLV EUR 412"), and an optional 0-1 score that colours it (red weak,
green strong; grey when there is no score).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.patches import Circle, Wedge

from crmlib.diagrams.shapes import (
    ACCENT,
    INK,
    NEUTRAL,
    arrow,
    box,
    canvas,
    chevron,
    cycle_positions,
    score_colour,
    text_colour,
    wrap_label,
)
from crmlib.errors import ParameterError
from crmlib.stages import Stage
from crmlib.text import N_, translate


def _stages(items, expected: int, what: str) -> list[Stage]:
    stages = [item if isinstance(item, Stage) else Stage(*item) for item in items]
    if len(stages) != expected:
        raise ParameterError(f"the {what} diagram needs {expected} elements, got {len(stages)}")
    return stages


def _name(stage: Stage) -> str:
    """An element's name in the report language: the models name elements in English, and
    the glossary (:mod:`crmlib.analytics.glossary`) holds every name in the catalogue."""
    return translate(stage.name)


def _colour(stage: Stage, default=NEUTRAL):
    return score_colour(stage.score) if stage.score is not None else default


def _bars(
    ax: Axes,
    stages: list[Stage],
    *,
    x: float,
    top: float,
    width: float,
    gap: float,
    height: float = 0.78,
) -> None:
    """Full-width bars stacked downwards from ``top``: the supporting elements under a model."""
    for index, stage in enumerate(stages):
        y = top - index * (height + gap)
        colour = _colour(stage)
        box(ax, x, y, width, height, "", (), colour=colour)
        text = _name(stage) + ("  -  " + "; ".join(stage.lines) if stage.lines else "")
        ax.text(
            x + width / 2,
            y + height / 2,
            text,
            ha="center",
            va="center",
            fontsize=8.5,
            color=text_colour(colour),
            fontweight="bold",
        )


def draw_idic(
    phases: Sequence[Stage],
    ax: Axes | None = None,
    *,
    centre: str = "IDIC",
    title: str = N_("The IDIC cycle"),
) -> Axes:
    """Peppers & Rogers' four phases as a cycle: Identify, Differentiate, Interact, Customize.

    Parameters
    ----------
    phases : sequence of Stage
        The four phases in order, each with the company's figures.
    centre : str
        Text in the middle of the cycle (e.g. the company's name).
    """
    stages = _stages(phases, 4, "IDIC")
    ax = canvas(ax, 10, 7.5, figsize=(8, 6))
    positions = cycle_positions(4, (5, 3.6), 2.55, start_angle=90)
    width, height = 3.3, 1.55
    for stage, (x, y) in zip(stages, positions, strict=True):
        box(
            ax,
            x - width / 2,
            y - height / 2,
            width,
            height,
            _name(stage),
            stage.lines,
            colour=_colour(stage, "#d6e6f2"),
        )
    for i in range(4):
        (x0, y0), (x1, y1) = positions[i], positions[(i + 1) % 4]
        start = (x0 + (x1 - x0) * 0.33, y0 + (y1 - y0) * 0.33)
        end = (x0 + (x1 - x0) * 0.67, y0 + (y1 - y0) * 0.67)
        arrow(ax, start, end, curve=-0.25)
    ax.text(
        5,
        3.6,
        wrap_label(centre, 14),
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        color=ACCENT,
    )
    ax.set_title(translate(title))
    return ax


def draw_qci(
    rings: Sequence[Stage],
    activities: Sequence[Stage],
    ax: Axes | None = None,
    *,
    title: str = N_("The QCI customer management model"),
) -> Axes:
    """The QCI model from the outside in: concentric rings around the four activities.

    Parameters
    ----------
    rings : sequence of Stage
        From the outside in, e.g. external environment, customer experience,
        proposition, people & organisation, information & technology, process
        management, measuring the effect. Each ring is coloured by its score.
    activities : sequence of Stage
        The centre: acquisition, retention, penetration, efficiency.
    """
    rings = [r if isinstance(r, Stage) else Stage(*r) for r in rings]
    centre = _stages(activities, 4, "QCI activities")
    if not rings:
        raise ParameterError("the QCI diagram needs at least one ring")
    ax = canvas(ax, 10, 10, figsize=(7.5, 7.5))
    cx, cy = 5.0, 5.0
    inner, outer = 1.6, 4.9
    step = (outer - inner) / len(rings)
    for index, ring in enumerate(rings):
        radius = outer - index * step
        ax.add_patch(
            Circle((cx, cy), radius, facecolor=_colour(ring), edgecolor="white", linewidth=2)
        )
        label = _name(ring) + (f"  ({ring.lines[0]})" if ring.lines else "")
        ax.text(
            cx,
            cy + radius - step / 2,
            label,
            ha="center",
            va="center",
            fontsize=7.5,
            color=text_colour(_colour(ring)),
            fontweight="bold",
        )
    for index, stage in enumerate(centre):
        start = 90 - 90 * (index + 1)
        colour = _colour(stage, "#d6e6f2")
        ax.add_patch(
            Wedge(
                (cx, cy), inner, start, start + 90, facecolor=colour, edgecolor="white", linewidth=2
            )
        )
        mid = math.radians(start + 45)
        tx, ty = cx + inner * 0.55 * math.cos(mid), cy + inner * 0.55 * math.sin(mid)
        lines = [_name(stage), *stage.lines[:1]]
        # a quarter of the centre holds about 12 characters a line at this size; longer
        # words (Dutch: "2,9 categorieën") get a smaller type rather than cross the edge
        longest = max(len(line) for line in lines)
        ax.text(
            tx,
            ty,
            "\n".join(lines),
            ha="center",
            va="center",
            fontsize=6.5 * min(1.0, 12 / longest),
            color=text_colour(colour),
            fontweight="bold",
        )
    ax.set_title(translate(title))
    return ax


def draw_payne_frow(
    processes: Sequence[Stage],
    elements: Sequence[Stage],
    ax: Axes | None = None,
    *,
    title: str = N_("Payne & Frow: five CRM processes on four implementation elements"),
) -> Axes:
    """The five cross-functional processes over the four elements that carry them."""
    procs = _stages(processes, 5, "Payne & Frow processes")
    elems = _stages(elements, 4, "Payne & Frow elements")
    ax = canvas(ax, 15, 8, figsize=(11, 6))
    width, gap, top = 2.7, 0.3, 4.2
    for index, stage in enumerate(procs):
        x = 0.15 + index * (width + gap)
        box(
            ax,
            x,
            top,
            width,
            3.3,
            wrap_label(_name(stage), 14),
            stage.lines,
            colour=_colour(stage, "#d6e6f2"),
            title_size=9,
            line_size=7.5,
        )
        if index < len(procs) - 1:
            arrow(
                ax, (x + width + 0.02, top + 1.65), (x + width + gap - 0.02, top + 1.65), width=1.5
            )
    ax.text(
        7.5,
        3.85,
        translate("implementation elements"),
        ha="center",
        va="center",
        fontsize=8,
        color=INK,
        style="italic",
    )
    _bars(ax, elems, x=0.15, top=2.9, width=14.7, gap=0.12)
    ax.set_title(translate(title))
    return ax


def draw_value_chain(
    primary: Sequence[Stage],
    supporting: Sequence[Stage],
    ax: Axes | None = None,
    *,
    outcome: str = N_("customer profitability"),
    title: str = N_("Buttle's CRM value chain"),
) -> Axes:
    """The five primary stages as a chain of arrows over the five supporting conditions."""
    stages = _stages(primary, 5, "value chain primary")
    conditions = _stages(supporting, 5, "value chain supporting")
    ax = canvas(ax, 17.2, 8.5, figsize=(12.5, 6.2))
    width, top, height = 2.95, 5.0, 2.9
    for index, stage in enumerate(stages):
        chevron(
            ax,
            0.1 + index * (width - 0.05),
            top,
            width,
            height,
            wrap_label(_name(stage), 15),
            stage.lines,
            colour=_colour(stage, "#d6e6f2"),
            first=index == 0,
        )
    ax.text(
        14.95,
        top + height / 2,
        wrap_label(translate(outcome), 12),
        ha="left",
        va="center",
        fontsize=8.5,
        fontweight="bold",
        color=ACCENT,
    )
    ax.text(
        7.5,
        top - 0.35,
        translate("supporting conditions"),
        ha="center",
        va="center",
        fontsize=8,
        style="italic",
        color=INK,
    )
    _bars(ax, conditions, x=0.1, top=top - 1.35, width=14.6, gap=0.1)
    ax.set_title(translate(title))
    return ax


def draw_idol(
    elements: Sequence[Stage],
    ax: Axes | None = None,
    *,
    title: str = N_("Customer IDOL: a continuous process"),
) -> Axes:
    """Identification, Differentiation, Orchestration and Learning in a row, with
    Learning feeding back into Identification (the CRM continuous process)."""
    stages = _stages(elements, 4, "IDOL")
    ax = canvas(ax, 14, 6.2, figsize=(11, 5))
    width, gap, y, height = 3.0, 0.55, 1.6, 2.8
    for index, stage in enumerate(stages):
        x = 0.3 + index * (width + gap)
        box(
            ax,
            x,
            y,
            width,
            height,
            _name(stage),
            stage.lines,
            colour=_colour(stage, "#d6e6f2"),
            wrap=24,
        )
        if index < 3:
            arrow(ax, (x + width + 0.03, y + height / 2), (x + width + gap - 0.03, y + height / 2))
    last_x = 0.3 + 3 * (width + gap) + width / 2
    arrow(ax, (last_x, y + height + 0.05), (0.3 + width / 2, y + height + 0.05), curve=0.22)
    ax.text(
        7,
        5.85,
        translate("new knowledge changes segments and treatments"),
        ha="center",
        va="center",
        fontsize=8.5,
        style="italic",
        color=ACCENT,
    )
    ax.set_title(translate(title), pad=14)
    return ax

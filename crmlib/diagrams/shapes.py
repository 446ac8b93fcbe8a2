"""Drawing primitives shared by the model diagrams."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon
from matplotlib.text import Text

from crmlib.plots.style import BLUE, GREEN, RED

INK = "#1d2b36"
NEUTRAL = "#dfe6ec"
ACCENT = BLUE
# Red (weak) through amber to green (strong), for scores from 0 to 1.
SCORE_COLOURS = LinearSegmentedColormap.from_list("crm_score", [RED, "#f5b041", GREEN])


def score_colour(score: float | None) -> str | tuple:
    """The colour of a 0-1 score (missing scores are neutral grey)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return NEUTRAL
    return SCORE_COLOURS(float(np.clip(score, 0, 1)))


def text_colour(background) -> str:
    """Black or white, whichever reads better on ``background``."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(background)
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def canvas(ax: Axes | None, width: float, height: float, figsize=(9, 5.5)) -> Axes:
    """An axes with a fixed coordinate box and no frame."""
    ax = ax or plt.subplots(figsize=figsize)[1]
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def box(
    ax: Axes,
    x: float,
    y: float,
    width: float,
    height: float,
    title: str,
    lines: Sequence[str] = (),
    *,
    colour=NEUTRAL,
    title_size: float = 10,
    line_size: float = 8,
    wrap: int | None = None,
) -> FancyBboxPatch:
    """A rounded box with a bold title and a few lines of figures, centred.

    ``wrap`` breaks each line of figures at about that many characters, so long
    figures stay inside the box.
    """
    if wrap:
        lines = [wrap_label(line, wrap) for line in lines]
    patch = FancyBboxPatch(
        (x, y),
        width,
        height,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=colour,
        edgecolor=INK,
        linewidth=1,
    )
    ax.add_patch(patch)
    ink = text_colour(colour)
    body = "\n".join(lines)
    centre_y = y + height / 2
    if body:
        heading = ax.text(
            x + width / 2,
            centre_y + height * 0.18,
            title,
            ha="center",
            va="center",
            fontsize=title_size,
            fontweight="bold",
            color=ink,
            wrap=True,
        )
        ax.text(
            x + width / 2,
            centre_y - height * 0.12,
            body,
            ha="center",
            va="center",
            fontsize=line_size,
            color=ink,
            linespacing=1.3,
        )
    else:
        heading = ax.text(
            x + width / 2,
            centre_y,
            title,
            ha="center",
            va="center",
            fontsize=title_size,
            fontweight="bold",
            color=ink,
        )
    fit_width(heading, width * 0.94)
    return patch


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    curve: float = 0.0,
    colour=ACCENT,
    width: float = 2.0,
) -> FancyArrowPatch:
    """An arrow from ``start`` to ``end`` (``curve`` bends it: 0 is straight)."""
    patch = FancyArrowPatch(
        start,
        end,
        connectionstyle=f"arc3,rad={curve}",
        arrowstyle="-|>",
        mutation_scale=18,
        linewidth=width,
        color=colour,
    )
    ax.add_patch(patch)
    return patch


def chevron(
    ax: Axes,
    x: float,
    y: float,
    width: float,
    height: float,
    title: str,
    lines: Sequence[str] = (),
    *,
    colour=NEUTRAL,
    notch: float = 0.35,
    first: bool = False,
) -> Polygon:
    """An arrow-shaped stage of a chain (a value-chain primary activity)."""
    points = [
        (x, y),
        (x + width - notch, y),
        (x + width, y + height / 2),
        (x + width - notch, y + height),
        (x, y + height),
    ]
    if not first:
        points.append((x + notch, y + height / 2))
    patch = Polygon(points, closed=True, facecolor=colour, edgecolor=INK, linewidth=1)
    ax.add_patch(patch)
    ink = text_colour(colour)
    centre = x + (width + (0 if first else notch)) / 2 - notch / 2
    heading = ax.text(
        centre,
        y + height * 0.68,
        title,
        ha="center",
        va="center",
        fontsize=8.5,
        fontweight="bold",
        color=ink,
    )
    fit_width(heading, width - notch * (1 if first else 2) - 0.1)
    if lines:
        ax.text(
            centre,
            y + height * 0.32,
            "\n".join(lines),
            ha="center",
            va="center",
            fontsize=7,
            color=ink,
            linespacing=1.25,
        )
    return patch


def cycle_positions(
    count: int, centre: tuple[float, float], radius: float, start_angle: float = 90.0
) -> list[tuple[float, float]]:
    """Points evenly spread clockwise on a circle, the first at ``start_angle`` degrees."""
    cx, cy = centre
    angles = [math.radians(start_angle - 360.0 * i / count) for i in range(count)]
    return [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles]


def fit_width(text: Text, width: float) -> Text:
    """Shrink ``text``'s font until its widest line fits ``width`` data units.

    A label is wrapped on spaces, but one long word cannot be (Dutch compounds such as
    "Klantenportefeuilleanalyse"): rather than run over its shape, it gets smaller.
    Without a canvas that can measure text, the text is left as it is.
    """
    ax = text.axes
    get_renderer = getattr(ax.figure.canvas, "get_renderer", None)
    if get_renderer is None:
        return text
    ax.apply_aspect()  # the equal aspect decides how wide a data unit is drawn
    drawn = text.get_window_extent(get_renderer()).width
    (left, _), (right, _) = ax.transData.transform([(0, 0), (width, 0)])
    room = abs(right - left)
    if drawn > room > 0:
        text.set_fontsize(text.get_fontsize() * room / drawn)
    return text


def wrap_label(text: str, width: int = 16) -> str:
    """Break a label into lines of about ``width`` characters, on spaces."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text

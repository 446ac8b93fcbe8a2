"""Charts of the strategy report: the portfolio's net values and each model's diagram."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes

from crmlib.diagrams.models import draw_idic, draw_idol, draw_payne_frow, draw_qci, draw_value_chain
from crmlib.plots.style import BLUE, GREEN, GREY, PURPLE, RED, in_currency, new_axes
from crmlib.stages import Stage
from crmlib.text import translate

#: Colours of the models in the action chart, in the order they appear.
MODEL_COLOURS = (BLUE, GREEN, PURPLE, "#d35400", RED, GREY)

#: The diagram of each model, by the name its verdict carries (one or two stage groups).
_DRAW = {
    "IDIC": lambda groups, ax: draw_idic(groups[0], ax),
    "QCI": lambda groups, ax: draw_qci(groups[0], groups[1], ax),
    "Payne & Frow": lambda groups, ax: draw_payne_frow(groups[0], groups[1], ax),
    "Customer IDOL": lambda groups, ax: draw_idol(groups[0], ax),
}


def draw_verdict_diagram(
    model: str, groups: Sequence[Sequence[Stage]], ax: Axes | None = None
) -> Axes | None:
    """A model's diagram from its verdict's stage groups; None when there is none to draw.

    ``model`` is the verdict's model name, ``groups`` its ``diagram`` (one or two groups
    of stages, see :func:`crmlib.models.verdict_cache.diagram_groups`).
    """
    if not groups:
        return None
    draw = _DRAW.get(model)
    if draw is None and model.startswith("CRM value chain"):
        draw = lambda groups, ax: draw_value_chain(groups[0], groups[1], ax)  # noqa: E731
    if draw is None:
        return None
    return draw(groups, ax)


def plot_action_values(
    plan: pd.DataFrame, ax: Axes | None = None, *, currency: str | None = None
) -> Axes:
    """Horizontal bars of the actions' net value per year (base), low to high as a line.

    ``plan`` is the portfolio's roadmap (:func:`crmlib.models.portfolio.roadmap`);
    actions without a net value are left out (their value is unknown, not 0).
    """
    valued = plan.dropna(subset=["net_base"])
    ax = new_axes(ax, (8, max(2.5, 0.45 * len(valued) + 1)))
    labels = [
        f"{rank}. {text[:60]}{'...' if len(text) > 60 else ''}"
        for rank, text in valued["action"].items()
    ]
    models = list(dict.fromkeys(plan["model"]))
    colour_of = {m: MODEL_COLOURS[i % len(MODEL_COLOURS)] for i, m in enumerate(models)}
    colours = [colour_of[m] for m in valued["model"]]
    rows = range(len(valued))
    ax.barh(rows, valued["net_base"], color=colours)
    ax.hlines(rows, valued["net_low"], valued["net_high"], color="black", linewidth=1)
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.set_yticks(rows, labels=labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(in_currency(translate("net value per year, low to high"), currency))
    ax.set_title(translate("Actions with a net value, in the roadmap's order"))
    for model in dict.fromkeys(valued["model"]):
        # joined model names ("IDIC, QCI") are translated name by name
        shown = ", ".join(translate(name) for name in model.split(", "))
        ax.bar(0, 0, color=colour_of[model], label=shown)
    if len(valued):
        ax.legend(loc="lower right", fontsize=8)
    return ax

"""Charts of assessment results: area radar, item heatmap and gap bars.

Each function takes a table from :mod:`crmlib.instruments.scoring` and an optional
``ax``, and returns the ``Axes`` it drew on. Percentages run from 0 (the lowest answer)
to 100 (the highest). Values that were not scored are shown as missing, never as 0.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from crmlib.errors import ParameterError
from crmlib.plots.style import BLUE, GREEN, GREY, PURPLE, RED
from crmlib.text import N_, capitalise, number, translate
from crmlib.text import label as words_of

#: Colours per dimension, in the order the instrument declares them.
DIMENSION_COLOURS = (BLUE, RED, GREEN, PURPLE)
_BENCHMARK_COLOUR = GREY
_NOT_SCORED_COLOUR = "#d9d9d9"
_NOT_SCORED_LABEL = N_("not scored")


_RADAR_TITLE = N_("Score per area (% of maximum)")
_HEATMAP_TITLE = N_("Score per item")


def _dimension(dimension: str) -> str:
    """A dimension's name as a legend shows it: ``"intention"`` -> ``"Intention"``, translated."""
    return capitalise(translate(words_of(dimension)))


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], function: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ParameterError(
            f"{function} needs the columns {', '.join(missing)}; pass the table from "
            "crmlib.instruments.scoring as it is returned"
        )


def _benchmark_pairs(benchmarks: object) -> list[tuple[str, float]]:
    if benchmarks is None:
        return []
    if isinstance(benchmarks, Mapping):
        return [(str(label), float(value)) for label, value in benchmarks.items()]
    pairs = []
    for benchmark in benchmarks:  # Benchmark objects of an Instrument
        pairs.append((benchmark.label, float(benchmark.percent)))
    return pairs


def plot_area_radar(
    area_scores: pd.DataFrame,
    ax: Axes | None = None,
    *,
    dimensions: Sequence[str] | None = None,
    benchmarks: Mapping[str, float] | Sequence | None = None,
    title: str | None = None,
) -> Axes:
    """Radar of area percentages, one polygon per dimension.

    Parameters
    ----------
    area_scores : DataFrame
        From :func:`crmlib.instruments.scoring.area_scores`.
    ax : Axes, optional
        A polar axes (``fig.add_subplot(projection="polar")``); one is created when
        omitted.
    dimensions : sequence of str, optional
        The dimensions to draw; default all in the table.
    benchmarks : mapping or sequence of Benchmark, optional
        Reference rings: ``{"Average company": 35}`` or ``instrument.benchmarks``.
    title : str, optional

    Returns
    -------
    Axes
        The polar axes. An area with nothing scored breaks the polygon and its label
        says "not scored".

    Raises
    ------
    ParameterError
        If ``ax`` is not a polar axes or the table lacks the needed columns.
    """
    _require_columns(area_scores, ["area_title", "dimension", "percent"], "plot_area_radar")
    if ax is None:
        figure = plt.figure(figsize=(6.5, 6))
        ax = figure.add_subplot(projection="polar")
    elif ax.name != "polar":
        raise ParameterError(
            "plot_area_radar draws on a polar axes, but a "
            f"'{ax.name}' axes was given; create one with "
            "fig.add_subplot(projection='polar'), or pass ax=None"
        )
    all_dimensions = list(dict.fromkeys(area_scores["dimension"]))
    dimensions = list(dimensions) if dimensions is not None else all_dimensions
    areas = list(dict.fromkeys(area_scores["area_title"]))
    angles = np.linspace(0, 2 * np.pi, len(areas), endpoint=False)
    closed = np.append(angles, angles[:1])
    for dimension in dimensions:
        rows = area_scores[area_scores["dimension"] == dimension].set_index("area_title")
        if rows.empty:
            raise ParameterError(
                f"plot_area_radar: no rows for dimension '{dimension}'; the table has "
                f"{', '.join(all_dimensions)}"
            )
        values = rows["percent"].reindex(areas).to_numpy(dtype=float)
        colour = DIMENSION_COLOURS[all_dimensions.index(dimension) % len(DIMENSION_COLOURS)]
        label = _dimension(dimension) if len(all_dimensions) > 1 else translate("score")
        ax.plot(
            closed,
            np.append(values, values[:1]),
            color=colour,
            linewidth=2,
            marker="o",
            label=label,
        )
        if not np.isnan(values).any():
            ax.fill(closed, np.append(values, values[:1]), color=colour, alpha=0.12)
    ring = np.linspace(0, 2 * np.pi, 200)
    for index, (name, percent) in enumerate(_benchmark_pairs(benchmarks)):
        ax.plot(
            ring,
            np.full_like(ring, percent),
            color=_BENCHMARK_COLOUR,
            linewidth=1,
            linestyle=("--", ":", "-.")[index % 3],
            label=f"{name} ({number(percent)} %)",
        )
    not_scored = set(area_scores.loc[area_scores["percent"].isna(), "area_title"]) - set(
        area_scores.loc[area_scores["percent"].notna(), "area_title"]
    )
    unscored = " " + translate("(not scored)")
    labels = [
        "\n".join(textwrap.wrap(area + (unscored if area in not_scored else ""), 18))
        for area in areas
    ]
    ax.set_xticks(angles)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100])
    ax.set_yticklabels(["25 %", "50 %", "75 %", "100 %"], fontsize=7)
    ax.set_title(translate(title or _RADAR_TITLE), pad=20)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.12), fontsize=8)
    return ax


def _short(text: str, width: int = 60) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


def _cell_text(item_type: str, score: float) -> str:
    if np.isnan(score):
        return "–"
    if item_type == "check":
        return translate("yes") if score else translate("no")
    return number(score)


def plot_item_heatmap(
    item_scores: pd.DataFrame,
    ax: Axes | None = None,
    *,
    columns: str = "dimension",
    dimension: str | None = None,
    label_width: int = 60,
    title: str | None = None,
) -> Axes:
    """Heatmap of item percentages: rows are items, columns dimensions or areas.

    Parameters
    ----------
    item_scores : DataFrame
        From :func:`crmlib.instruments.scoring.item_scores`.
    ax : Axes, optional
    columns : {"dimension", "area"}
        ``"dimension"``: one column per dimension (QCI: intention, reality).
        ``"area"``: one column per area, each item filled in under its own area.
    dimension : str, optional
        With ``columns="area"``, the dimension to show (required when there are
        several).
    label_width : int, default 60
        Item texts are shortened to this many characters.
    title : str, optional

    Returns
    -------
    Axes
        Cells are coloured by percent (red 0 to green 100) and show the answer as
        given; a cell that was not scored is grey, hatched and marked "–", and listed
        in the legend as "not scored".
    """
    needed = ["area", "area_title", "item", "text", "type", "dimension", "score", "percent"]
    _require_columns(item_scores, needed, "plot_item_heatmap")
    if columns not in ("dimension", "area"):
        raise ParameterError(f"columns must be 'dimension' or 'area', got {columns!r}")
    frame = item_scores
    all_dimensions = list(dict.fromkeys(frame["dimension"]))
    if columns == "area":
        if dimension is None and len(all_dimensions) > 1:
            raise ParameterError(
                "plot_item_heatmap with columns='area' shows one dimension; pass dimension= "
                f"one of {', '.join(all_dimensions)}"
            )
        dimension = dimension or all_dimensions[0]
        frame = frame[frame["dimension"] == dimension]
        column_keys = list(dict.fromkeys(frame["area"]))
        column_labels = [
            "\n".join(textwrap.wrap(t, 14)) for t in dict.fromkeys(frame["area_title"])
        ]
        key_column = "area"
    else:
        column_keys = all_dimensions
        column_labels = [_dimension(d) for d in all_dimensions]
        key_column = "dimension"
    items = list(dict.fromkeys(frame["item"]))
    first = frame.drop_duplicates("item").set_index("item")
    values = np.full((len(items), len(column_keys)), np.nan)
    texts = [["" for _ in column_keys] for _ in items]
    missing: list[tuple[int, int]] = []
    for row in frame.itertuples(index=False):
        r, c = items.index(row.item), column_keys.index(getattr(row, key_column))
        values[r, c] = row.percent
        texts[r][c] = _cell_text(row.type, row.score)
        if np.isnan(row.score):
            missing.append((r, c))
    if ax is None:
        height = max(3.0, 0.28 * len(items) + 1.5)
        width = 4.5 + 1.2 * len(column_keys)
        ax = plt.subplots(figsize=(width, height))[1]
    colour_map = plt.get_cmap("RdYlGn").with_extremes(bad=(1, 1, 1, 0))
    image = ax.imshow(
        np.ma.masked_invalid(values),
        cmap=colour_map,
        vmin=0,
        vmax=100,
        aspect="auto",
        interpolation="nearest",
    )
    for r, c in missing:
        ax.add_patch(
            Rectangle(
                (c - 0.5, r - 0.5),
                1,
                1,
                facecolor=_NOT_SCORED_COLOUR,
                edgecolor="white",
                hatch="///",
                linewidth=0.5,
                label=translate(_NOT_SCORED_LABEL),
            )
        )
    for r, row_texts in enumerate(texts):
        for c, text in enumerate(row_texts):
            if text:
                ax.text(c, r, text, ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(column_keys)))
    ax.set_xticklabels(column_labels, fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([_short(first.loc[i, "text"], label_width) for i in items], fontsize=7)
    # Thin lines between areas make the grouping visible in dimension mode.
    area_of = first["area"].reindex(items).tolist()
    for r in range(1, len(items)):
        if area_of[r] != area_of[r - 1]:
            ax.axhline(r - 0.5, color="black", linewidth=0.6)
    colourbar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    colourbar.set_label(translate("% of maximum"))
    if missing:
        ax.legend(
            handles=[
                Patch(facecolor=_NOT_SCORED_COLOUR, hatch="///", label=translate(_NOT_SCORED_LABEL))
            ],
            loc="upper left",
            bbox_to_anchor=(0, 0),
            fontsize=8,
            frameon=False,
        )
    ax.set_title(translate(title or _HEATMAP_TITLE), fontsize=10)
    return ax


def plot_gap_bars(
    gaps: pd.DataFrame,
    ax: Axes | None = None,
    *,
    dimensions: tuple[str, str] | None = None,
    title: str | None = None,
) -> Axes:
    """Paired bars of two dimensions per area (QCI: intention against reality).

    Parameters
    ----------
    gaps : DataFrame
        From :func:`crmlib.instruments.scoring.area_gaps` (one row per area) or
        :func:`~crmlib.instruments.scoring.item_gaps` (one row per item).
    ax : Axes, optional
    dimensions : (str, str), optional
        Default ``gaps.attrs["dimensions"]``, which the scoring functions set.
    title : str, optional

    Returns
    -------
    Axes
        Horizontal bars, the first dimension above the second in each row, with the
        gap in percentage points written at the end of the row. Rows without a pair
        of scores are labelled "not scored".
    """
    dimensions = dimensions or gaps.attrs.get("dimensions")
    if dimensions is None:
        raise ParameterError(
            "plot_gap_bars needs to know the two dimensions; pass dimensions=('intention', "
            "'reality') or the table from area_gaps/item_gaps as it is returned"
        )
    first, second = dimensions
    label_column = "text" if "item" in gaps.columns else "area_title"
    _require_columns(
        gaps, [label_column, f"{first}_percent", f"{second}_percent", "gap"], "plot_gap_bars"
    )
    if ax is None:
        height = max(3.0, 0.55 * len(gaps) + 1.2)
        ax = plt.subplots(figsize=(7.5, height))[1]
    positions = np.arange(len(gaps))
    bar_height = 0.38
    first_values = gaps[f"{first}_percent"].to_numpy(dtype=float)
    second_values = gaps[f"{second}_percent"].to_numpy(dtype=float)
    ax.barh(
        positions - bar_height / 2,
        np.nan_to_num(first_values),
        height=bar_height,
        color=DIMENSION_COLOURS[0],
        label=_dimension(first),
    )
    ax.barh(
        positions + bar_height / 2,
        np.nan_to_num(second_values),
        height=bar_height,
        color=DIMENSION_COLOURS[1],
        label=_dimension(second),
    )
    for position, gap, a, b in zip(
        positions, gaps["gap"].to_numpy(dtype=float), first_values, second_values, strict=True
    ):
        if np.isnan(gap):
            ax.text(
                2,
                position,
                translate(_NOT_SCORED_LABEL),
                va="center",
                fontsize=8,
                color=_BENCHMARK_COLOUR,
            )
        else:
            points = number(gap, sign=True) + " " + translate("pp")
            ax.text(max(a, b) + 2, position, points, va="center", fontsize=8)
    labels = [_short(str(t), 40) for t in gaps[label_column]]
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel(translate("% of maximum"))
    ax.set_title(
        translate(title)
        if title
        else translate("{first} against {second} per area").format(
            first=_dimension(first), second=_dimension(second).lower()
        )
    )
    ax.legend(loc="lower right", fontsize=8)
    return ax

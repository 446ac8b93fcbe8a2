"""Charts of assessment results, drawn on the sample retailer's example answers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from crmlib.errors import ParameterError  # noqa: E402
from crmlib.instruments import (  # noqa: E402
    area_gaps,
    area_scores,
    item_gaps,
    item_scores,
    load_answers,
    write_example_answers,
)
from crmlib.plots.instruments import (  # noqa: E402
    plot_area_radar,
    plot_gap_bars,
    plot_item_heatmap,
)


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("retailer")
    write_example_answers(folder, seed=5)
    return folder


@pytest.fixture(scope="module")
def qci(example_dir):
    return load_answers("qci", example_dir)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _ydata(line) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=float)


def test_radar_has_one_polygon_per_dimension_and_benchmark_rings(qci) -> None:
    scores = area_scores(qci)
    ax = plot_area_radar(scores, benchmarks=qci.instrument.benchmarks)
    assert ax.name == "polar"
    labels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert labels == [area.title for area in qci.instrument.areas]
    intention, reality, *rings = ax.get_lines()
    expected = scores[scores["dimension"] == "reality"]["percent"].to_numpy()
    np.testing.assert_allclose(_ydata(reality)[:-1], expected)
    assert _ydata(reality)[-1] == _ydata(reality)[0]  # the polygon is closed
    assert [float(np.unique(_ydata(ring))[0]) for ring in rings] == [17, 35, 67]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["Intention", "Reality"] and "Average company (35 %)" in legend


def test_radar_on_a_given_polar_axes_and_an_unscored_area(example_dir) -> None:
    answers = load_answers("value_chain_conditions", example_dir)
    for item in answers.instrument.area("procurement").items:
        answers.set(item.id, None)
    figure = plt.figure()
    polar = figure.add_subplot(projection="polar")
    ax = plot_area_radar(area_scores(answers), polar, title="Supporting conditions")
    assert ax is polar and ax.get_title() == "Supporting conditions"
    assert "Procurement processes (not scored)" in [
        t.get_text().replace("\n", " ") for t in ax.get_xticklabels()
    ]
    values = _ydata(ax.get_lines()[0])
    assert np.isnan(values[1]) and not np.isnan(values[0])  # a gap, not a zero


def test_radar_refuses_a_cartesian_axes(qci) -> None:
    _, ax = plt.subplots()
    with pytest.raises(ParameterError, match="plot_area_radar draws on a polar axes"):
        plot_area_radar(area_scores(qci), ax)


def test_heatmap_marks_unscored_cells(qci) -> None:
    items = item_scores(qci)
    ax = plot_item_heatmap(items)
    image = ax.images[0].get_array()
    assert image.shape == (len(qci.instrument.items), 2)
    expected_missing = (
        ~items.pivot(index="item", columns="dimension", values="answered")
        .loc[list(qci.instrument.item_ids), ["intention", "reality"]]
        .to_numpy()
    )
    np.testing.assert_array_equal(np.ma.getmaskarray(image), expected_missing)
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "///"]
    assert len(hatched) == expected_missing.sum() > 0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Intention", "Reality"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["not scored"]
    first = qci.instrument.items[0]
    expected_label = textwrap.shorten(first.text, width=60, placeholder="…")
    assert ax.get_yticklabels()[0].get_text() == expected_label
    score = qci.get(first.id, "reality")
    cell_texts = [t.get_text() for t in ax.texts]
    assert cell_texts[1] == (str(score) if score is not None else "–")


def test_heatmap_by_area_for_checks(example_dir) -> None:
    answers = load_answers("payne_frow_readiness", example_dir)
    items = item_scores(answers)
    ax = plot_item_heatmap(items, columns="area")
    image = ax.images[0].get_array()
    assert image.shape == (len(answers.instrument.items), len(answers.instrument.areas))
    # an answered item is filled in under its own area only; an unscored one nowhere
    area_ids = [a.id for a in answers.instrument.areas]
    expected = np.zeros(image.shape, dtype=bool)
    for row, item in enumerate(answers.instrument.items):
        expected[row, area_ids.index(item.area)] = answers.get(item.id) is not None
    np.testing.assert_array_equal(~np.ma.getmaskarray(image), expected)
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch() == "///"]
    assert len(hatched) == answers.n_total - answers.n_scored
    barrier = answers.instrument.item_ids.index("rb_no_sponsor")
    answer = answers.get("rb_no_sponsor")
    cell = next(t for t in ax.texts if t.get_position() == (area_ids.index("barriers"), barrier))
    assert cell.get_text() == {True: "yes", False: "no", None: "–"}[answer]


def test_heatmap_by_area_needs_a_dimension_for_qci(qci) -> None:
    with pytest.raises(ParameterError, match="pass dimension="):
        plot_item_heatmap(item_scores(qci), columns="area")
    ax = plot_item_heatmap(item_scores(qci), columns="area", dimension="reality")
    assert ax.images[0].get_array().shape == (len(qci.instrument.items), 8)


def test_gap_bars_show_both_dimensions_and_the_gap(qci) -> None:
    gaps = area_gaps(qci)
    ax = plot_gap_bars(gaps)
    bars = ax.patches
    n_areas = len(gaps)
    assert len(bars) == 2 * n_areas
    widths = [bar.get_width() for bar in bars]
    np.testing.assert_allclose(widths[:n_areas], gaps["intention_percent"].fillna(0))
    np.testing.assert_allclose(widths[n_areas:], gaps["reality_percent"].fillna(0))
    assert [t.get_text() for t in ax.get_yticklabels()] == gaps["area_title"].tolist()
    expected = [f"{gap:+.0f} pp" for gap in gaps["gap"]]
    assert [t.get_text() for t in ax.texts] == expected
    assert ax.get_xlabel() == "% of maximum"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Intention", "Reality"]


def test_gap_bars_per_item_label_unscored_pairs(qci) -> None:
    gaps = item_gaps(qci)
    _, ax = plt.subplots()
    assert plot_gap_bars(gaps, ax) is ax
    unpaired = gaps["gap"].isna().sum()
    assert unpaired > 0
    assert [t.get_text() for t in ax.texts].count("not scored") == unpaired

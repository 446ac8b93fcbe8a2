"""One figure, one value: across the seven reports of a company and its segments export.

The check itself (:func:`crmlib.render.consistency.check_report_set`) is shown to fail on
hand-made figures.json files first; then the whole set is rendered (slow, once per session
in ``rendered_sets``) for the sample, a second generated company, the real CDNOW data and
the sample without cost, consent, interactions or campaigns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmlib.figures import Figure, dumps
from crmlib.models.strategy import KEY_FIGURES
from crmlib.notebook.figures import figure_span
from crmlib.render.consistency import check_report_set

NOTEBOOKS = (
    "00_start_here",
    "01_idic",
    "02_qci",
    "03_payne_frow",
    "04_value_chain",
    "05_idol",
    "06_strategy_report",
)

#: The figures 00_start_here states, at least; the other reports are wired in later.
REQUIRED_FROM_00 = {"customers", "buyers", "ssc_count", "top20_share", "concentration_80"}


def ssc(value: int, window: str = "2025") -> Figure:
    return Figure("ssc_count", "SSC", value, "customers", window)


def write_report(folder: Path, stem: str, figures: list[Figure], text: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.figures.json").write_text(dumps(figures))
    (folder / f"{stem}.html").write_text(f"<html><body><p>{text}</p></body></html>")


def test_a_consistent_set_passes(tmp_path):
    write_report(tmp_path, "00", [ssc(1000)], f"{figure_span(ssc(1000))} SSCs")
    write_report(tmp_path, "01", [ssc(1000)])
    assert check_report_set(tmp_path) == []


def test_two_reports_with_different_values_fail(tmp_path):
    write_report(tmp_path, "01_idic", [ssc(1000)])
    write_report(tmp_path, "04_value_chain", [ssc(1280)])
    assert check_report_set(tmp_path) == [
        "ssc_count: 01_idic states 1000 (2025), 04_value_chain states 1280 (2025)"
    ]


def test_the_same_value_over_another_window_fails(tmp_path):
    write_report(tmp_path, "00", [ssc(1000, "2022..2025")])
    write_report(tmp_path, "06", [ssc(1000, "2025")])
    assert len(check_report_set(tmp_path)) == 1


def test_a_figure_in_the_text_must_be_in_figures_json(tmp_path):
    write_report(tmp_path, "02_qci", [ssc(1000)], f"{figure_span(ssc(999))} SSCs")
    share = Figure("top20_share", "Top 20%", 0.85, "share", "2025")
    write_report(tmp_path, "03", [ssc(1000)], f"{figure_span(share)} of value")
    (tmp_path / "05.html").write_text(f"<p>{figure_span(share)}</p>")
    assert check_report_set(tmp_path) == [
        "02_qci: the text shows ssc_count = 999, its figures.json says 1000",
        "03: the text shows top20_share, its figures.json lacks it",
        "05: the text shows figures but has no figures.json",
    ]


def test_the_segments_export_must_agree(tmp_path):
    write_report(tmp_path, "01", [ssc(2), Figure("tier_count.gold", "Gold", 1, "customers")])
    export = pd.DataFrame(
        {
            "is_ssc": [True, False, False],
            "value_category": ["MVC", "BZ", "other"],
            "value_tier": ["gold", "bronze", "bronze"],
        }
    )
    assert check_report_set(tmp_path, export) == [
        "ssc_count: the segments export has 1, 01 states 2"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("company", ["sample", "small", "cdnow", "revenue_only"])
def test_the_report_set_states_each_figure_one_way(company, rendered_sets):
    """All seven reports and the segments export: one value per definition id."""
    rendered = rendered_sets(company)
    export = rendered.export()
    for stem in NOTEBOOKS:
        assert (rendered.out / f"{stem}.html").exists(), rendered.render.stderr
        assert (rendered.out / f"{stem}.figures.json").exists(), stem
    start = {f["id"] for f in rendered.figures("00_start_here")}
    assert start >= REQUIRED_FROM_00
    # the strategy report states the base's key figures, as the base states them
    strategy = {f["id"] for f in rendered.figures("06_strategy_report")}
    assert strategy >= set(KEY_FIGURES)
    # every model report states its figures in figures.json
    for stem in NOTEBOOKS[1:6]:
        assert rendered.figures(stem), f"{stem} states no figure in its figures.json"
    assert check_report_set(rendered.out, export) == []

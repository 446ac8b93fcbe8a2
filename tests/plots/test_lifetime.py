"""The holdout comparison chart and table, read back."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlib.errors import MissingDataError, ParameterError  # noqa: E402
from crmlib.plots.lifetime import holdout_table, plot_holdout_comparison  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def comparison() -> pd.DataFrame:
    # hand-made: 100 actual purchases; MBG/NBD predicts 104 (+4%), Pareto/NBD failed
    return pd.DataFrame(
        {
            "model": ["BG/NBD", "MBG/NBD", "Pareto/NBD"],
            "status": ["caveat", "ok", "unavailable"],
            "predicted": [110.0, 104.0, np.nan],
            "actual": [100.0, 100.0, 100.0],
            "total_error_pct": [10.0, 4.0, np.nan],
            "mae": [0.52, 0.49, np.nan],
            "chosen": [False, True, False],
        }
    )


def test_the_table_marks_the_chosen_model_and_the_errors():
    table = holdout_table(comparison())
    assert table.loc["MBG/NBD", "chosen"] == "chosen"
    assert table.loc["BG/NBD", "chosen"] == ""
    assert table.loc["MBG/NBD", "error on the total"] == "+4.0%"
    assert table.loc["BG/NBD", "error per customer"] == "0.520"
    assert table.loc["Pareto/NBD", "predicted"] == "not available"
    assert table.loc["Pareto/NBD", "fit"] == "unavailable"


def test_the_chart_draws_predicted_bars_and_the_actual_line():
    ax = plot_holdout_comparison(comparison())
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [110.0, 104.0, 0.0]
    assert ax.get_lines()[0].get_ydata()[0] == 100.0
    texts = [t.get_text() for t in ax.texts]
    assert texts[1].startswith("chosen") and "+4.0% on the total" in texts[1]
    assert texts[2] == "could not be fitted"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["BG/NBD", "MBG/NBD", "Pareto/NBD"]


def test_an_empty_comparison_is_not_drawn():
    with pytest.raises(ParameterError, match="empty"):
        plot_holdout_comparison(comparison().iloc[0:0])
    with pytest.raises(MissingDataError, match="mae"):
        holdout_table(comparison().drop(columns=["mae"]))

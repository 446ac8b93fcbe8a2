"""The base's one lifetime fit: chosen on a holdout, checked, cached with its comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlib.analytics.base import base_from_tables, clear_memory
from crmlib.analytics.lifetime_fit import fit_lifetime_models, restore_fit
from crmlib.analytics.summary import summarize_transactions
from crmlib.data.company import load_company

FORECAST_COLUMNS = [
    "probability_alive",
    "expected_purchases",
    "expected_margin_12m",
    "lifetime_value",
]


@pytest.fixture(scope="module")
def cdnow_tx(root) -> pd.DataFrame:
    return load_company(root / "data" / "cdnow").transactions


def _summary(tx: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    return summarize_transactions(
        tx, "customer_id", "date", "amount", freq="W", observation_end=end
    )


def test_the_purchase_model_is_chosen_on_the_holdout(cdnow_tx):
    end = pd.Timestamp(cdnow_tx["date"].max())
    summary = _summary(cdnow_tx, end)
    active = pd.Series(summary["T"] - summary["recency"] < 26, index=summary.index)
    fit = fit_lifetime_models(summary, active, cdnow_tx, observation_end=end)
    table = fit.model_choice.comparison
    assert list(table["model"]) == ["BG/NBD", "MBG/NBD", "Pareto/NBD"]
    assert int(table["chosen"].sum()) == 1
    chosen = table.loc[table["chosen"], "model"].item()
    # the chosen model is the one the base predicts with, and it has the smallest error
    assert fit.purchase_model_name == chosen == fit.purchase_model.model_name
    usable = table[table["status"] != "unavailable"]
    assert table.loc[table["chosen"], "mae"].item() == usable["mae"].min()
    # the holdout's actual purchases are the same number for every model
    assert table["actual"].nunique() == 1 and table["actual"].iloc[0] > 0
    assert fit.status in ("ok", "caveat")


def test_restore_fit_brings_the_comparison_and_the_chosen_model_back(cdnow_tx):
    end = pd.Timestamp(cdnow_tx["date"].max())
    summary = _summary(cdnow_tx, end)
    active = pd.Series(summary["T"] - summary["recency"] < 26, index=summary.index)
    fit = fit_lifetime_models(summary, active, cdnow_tx, observation_end=end)
    import json

    stored = json.loads(json.dumps(fit.to_dict(), default=str))  # as on disk
    back = restore_fit(stored)
    assert back.purchase_model_name == fit.purchase_model_name
    assert type(back.purchase_model) is type(fit.purchase_model)
    assert back.model_choice.chosen == fit.model_choice.chosen
    assert back.model_choice.calibration_end == fit.model_choice.calibration_end
    pd.testing.assert_frame_equal(
        back.comparison[["model", "predicted", "actual", "mae", "chosen"]],
        fit.comparison[["model", "predicted", "actual", "mae", "chosen"]],
        check_dtype=False,
    )
    x, rec, age = 2.0, 30.0, 70.0
    assert back.purchase_model.probability_alive(x, rec, age) == pytest.approx(
        fit.purchase_model.probability_alive(x, rec, age)
    )


def test_a_history_too_short_for_a_holdout_is_fitted_on_all_data_and_says_so(cdnow_tx):
    # the first five weeks only: no holdout of two months fits in them
    short = cdnow_tx[cdnow_tx["date"] < pd.Timestamp("1997-02-05")]
    end = pd.Timestamp(short["date"].max())
    summary = _summary(short, end)
    active = pd.Series(True, index=summary.index)
    fit = fit_lifetime_models(summary, active, short, observation_end=end)
    assert fit.model_choice.status == "unavailable"
    assert fit.model_choice.comparison.empty
    assert fit.status in ("caveat", "unavailable")
    assert "could not be checked on a holdout" in fit.reason


def test_no_repeat_purchase_leaves_every_forecast_unknown():
    # every customer bought once: no model can learn a purchase rate
    days = pd.date_range("2023-01-01", periods=60, freq="7D")
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(60)],
            "date": days,
            "amount": np.linspace(10, 100, 60),
            "cost": np.linspace(5, 50, 60),
        }
    )
    clear_memory()
    base = base_from_tables(tx, observation_end="2024-02-29", use_cache=False)
    assert base.fit.status == "unavailable"
    assert base.fit.purchase_model is None
    # unknown, never 0 or 1
    assert base.table[FORECAST_COLUMNS].isna().all().all()
    figures = {f.id: f for f in base.figures()}
    for figure_id in ("clv_fit", "expected_margin_12m", "lifetime_value"):
        assert figures[figure_id].status == "unavailable", figure_id
        assert figures[figure_id].value is None
        assert figures[figure_id].reason


def test_the_disk_cache_keeps_the_model_comparison(tmp_path, monkeypatch, root):
    from crmlib.analytics.base import customer_base

    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    company = load_company(root / "data" / "cdnow")
    built = customer_base(company)
    clear_memory()
    read = customer_base(company)
    assert read.source == "disk"
    assert read.fit.purchase_model_name == built.fit.purchase_model_name
    assert read.fit.model_choice.chosen == built.fit.model_choice.chosen
    assert list(read.fit.comparison["model"]) == list(built.fit.comparison["model"])
    pd.testing.assert_frame_equal(
        read.table[FORECAST_COLUMNS], built.table[FORECAST_COLUMNS], check_dtype=False
    )


def test_bases_on_the_same_transactions_share_one_fit(tmp_path, monkeypatch, root):
    from crmlib.analytics import base_cache
    from crmlib.analytics.base import customer_base

    monkeypatch.setenv("CRM_WORKBOOK_CACHE", str(tmp_path))
    clear_memory()
    company = load_company(root / "data" / "cdnow")
    first = customer_base(company)
    other = customer_base(company, ssc_share=0.3, horizon_months=24)
    assert first is not other
    assert other.fit is first.fit  # chosen and fitted once in this process
    assert len(list((tmp_path / "fits").iterdir())) == 1
    clear_memory()
    # another process (here: an emptied memory) reads the fit back from disk
    again = customer_base(company, ssc_share=0.25)
    assert again.fit.purchase_model_name == first.fit.purchase_model_name
    assert again.fit.model_choice.chosen == first.fit.model_choice.chosen
    assert base_cache.entries(tmp_path)

"""Planted cases: the planted problem is what the models find, and the truth is recorded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crmlib.data.company import load_company
from crmlib.errors import ParameterError
from crmlib.notebook import exercises as ex
from crmlib.sample.cases import CASES, create_case


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cases")
    return {name: create_case(root / name, name, n_customers=1200, seed=5) for name in CASES}


def truth(folder: Path) -> dict:
    return yaml.safe_load((folder / "case.yml").read_text(encoding="utf-8"))


def test_every_case_records_its_truth(cases):
    for name, folder in cases.items():
        case = truth(folder)
        assert case["case"] == name and case["answer"] in case["options"]
        assert case["question"] and case["evidence"] and case["problem"]
        load_company(folder)  # the planted company is valid data


def test_churn_is_concentrated_in_the_planted_tier(cases):
    from crmlib.models import qci

    data = load_company(cases["churn-tier"])
    window = qci.retention_view(data, qci.customer_base(data)).window.drop(index="all")
    assert window["retention_rate"].idxmin() == truth(cases["churn-tier"])["answer"]


def test_handovers_lose_history_in_the_planted_process(cases):
    from crmlib.models import payne_frow as pf

    data = load_company(cases["channel-handover"])
    flow = pf.continuity(pf.contacts_last_year(data, "process"), data.channels)
    assert (
        flow.by_process["cross_channel_rate"].idxmax() == truth(cases["channel-handover"])["answer"]
    )


def test_the_planted_campaign_looks_best_for_its_audience(cases):
    data = load_company(cases["campaign-audience"])
    rates = data.campaigns.groupby("campaign_id")["responded"].mean()
    chosen = truth(cases["campaign-audience"])["answer"]
    assert rates.idxmax() == chosen
    # its recipients answer the other offers as often: the offer adds nothing of its own
    campaigns = data.campaigns
    audience = campaigns.loc[campaigns["campaign_id"] == chosen, "customer_id"]
    elsewhere = campaigns[(campaigns["campaign_id"] != chosen) & campaigns["customer_id"].isin(
        audience)]["responded"].mean()  # fmt: skip
    assert abs(rates[chosen] - elsewhere) < 0.1


def test_consent_is_missing_for_the_planted_channel(cases):
    data = load_company(cases["data-gap"])
    missing = data.customers.groupby("acquisition_channel")["consent_marketing"].apply(
        lambda s: s.isna().mean()
    )
    assert missing.idxmax() == truth(cases["data-gap"])["answer"] and missing.max() == 1


def test_diagnosis_check(cases, tmp_path):
    folder = cases["churn-tier"]
    right = truth(folder)["answer"]
    wrong = next(o for o in truth(folder)["options"] if o != right)
    assert ex.check_diagnosis(right.upper(), folder).verdict == "right"
    feedback = ex.check_diagnosis(wrong, folder)
    assert feedback.verdict == "wrong" and right not in feedback.message
    assert "not one of the options" in ex.check_diagnosis("diamond", folder).message
    assert ex.check_diagnosis(right, tmp_path).verdict == "open"
    assert truth(folder)["problem"] not in ex.case_question(folder)  # the problem is not named


def test_unknown_case_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="no planted case"):
        create_case(tmp_path, "fraud")


def test_sample_command_plants_a_case(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "crmlib", "sample", "--out", str(tmp_path), "--customers", "300",
         "--case", "data-gap"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert truth(tmp_path)["case"] == "data-gap" and "case.yml" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "crmlib", "sample", "--out", str(tmp_path), "--case", "fraud"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2

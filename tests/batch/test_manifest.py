"""Input digests and the manifest: what counts as a change, and what survives a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crmlib.batch.manifest import (
    MANIFEST_NAME,
    Manifest,
    file_digest,
    folder_digest,
    inputs_digest,
    report_inputs,
)


@pytest.fixture
def company(tmp_path: Path, tools) -> Path:
    return tools.company(tmp_path / "company")


def base_inputs(**changes) -> dict:
    values = {
        "notebook_digest": "n" * 64,
        "data_digest": "d" * 64,
        "parameters": {"data_dir": "/data/a", "interactive": False, "currency": "EUR"},
        "formats": ("html",),
        "client": "De Linde",
        "version": "0.1.0",
    }
    values.update(changes)
    return report_inputs(**values)


def test_folder_digest_is_stable_across_copies_and_saves(company: Path, tmp_path: Path):
    before = folder_digest(company)
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in company.rglob("*"):
        target = copy / path.relative_to(company)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    # same bytes, other folder and times: the same inputs
    os.utime(company / "customers.csv", (1, 1))
    assert folder_digest(company) == before
    assert folder_digest(copy) == before


@pytest.mark.parametrize(
    "change",
    ["edit a table", "edit an assessment", "add a file", "rename a file", "remove a file"],
)
def test_folder_digest_sees_every_change(company: Path, change: str):
    before = folder_digest(company)
    if change == "edit a table":
        with open(company / "transactions.csv", "a", encoding="utf-8") as handle:
            handle.write("T9,C1,2025-03-01,5\n")
    elif change == "edit an assessment":
        (company / "assessments" / "qci.yaml").write_text("answers: {q1: 4}\n")
    elif change == "add a file":
        (company / "products.csv").write_text("product_id\nP1\n")
    elif change == "rename a file":
        (company / "assessments" / "qci.yaml").rename(company / "assessments" / "idol.yaml")
    else:
        (company / "assessments" / "qci.yaml").unlink()
    assert folder_digest(company) != before


def test_hidden_files_and_the_output_folder_are_not_inputs(company: Path):
    before = folder_digest(company, exclude=[company / "reports"])
    (company / ".DS_Store").write_bytes(b"\x00\x01")
    (company / ".ipynb_checkpoints").mkdir()
    (company / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    (company / "reports").mkdir()
    (company / "reports" / "00_start_here.html").write_text("<html></html>")
    assert folder_digest(company, exclude=[company / "reports"]) == before


@pytest.mark.parametrize(
    "change",
    [
        {"notebook_digest": "m" * 64},
        {"data_digest": "e" * 64},
        {"parameters": {"data_dir": "/data/a", "interactive": False, "currency": "USD"}},
        {"formats": ("html", "pdf")},
        {"client": "De Linde Gent"},
        {"version": "0.2.0"},
    ],
    ids=["notebook", "data", "parameters", "formats", "client name", "crmlib version"],
)
def test_every_input_changes_the_digest(change: dict):
    assert inputs_digest(base_inputs(**change)) != inputs_digest(base_inputs())


def test_digest_ignores_parameter_order_and_format_order():
    shuffled = base_inputs(
        parameters={"currency": "EUR", "interactive": False, "data_dir": "/data/a"},
        formats=("html",),
    )
    assert inputs_digest(shuffled) == inputs_digest(base_inputs())
    assert inputs_digest(base_inputs(formats=("pdf", "html"))) == inputs_digest(
        base_inputs(formats=("html", "pdf"))
    )


def test_file_digest_is_sha256(tmp_path: Path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"abc")
    assert file_digest(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_recorded_report_is_up_to_date_while_its_files_are_there(tmp_path: Path):
    report_dir = tmp_path / "de-linde"
    report_dir.mkdir()
    (report_dir / "01_idic.html").write_text("<html></html>")
    manifest = Manifest.load(tmp_path)
    inputs = base_inputs()
    digest = inputs_digest(inputs)
    manifest.record(
        "de-linde/01_idic",
        client="De Linde",
        notebook="01_idic",
        digest=digest,
        inputs=inputs,
        outputs=["01_idic.html"],
        seconds=3.25,
    )
    again = Manifest.load(tmp_path)  # written at once, as a crash would find it
    assert again.is_up_to_date("de-linde/01_idic", digest, report_dir)
    assert not again.is_up_to_date("de-linde/01_idic", "0" * 64, report_dir)
    assert not again.is_up_to_date("de-linde/02_qci", digest, report_dir)
    entry = again.reports["de-linde/01_idic"]
    assert entry["inputs"]["parameters"]["currency"] == "EUR"
    assert entry["outputs"] == ["01_idic.html"]
    (report_dir / "01_idic.html").unlink()
    assert not again.is_up_to_date("de-linde/01_idic", digest, report_dir)


def test_forget_removes_a_report(tmp_path: Path):
    manifest = Manifest.load(tmp_path)
    manifest.record(
        "a/x", client="A", notebook="x", digest="1", inputs={}, outputs=["x.html"], seconds=1
    )
    manifest.forget("a/x")
    assert Manifest.load(tmp_path).reports == {}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f"{MANIFEST_NAME}.")]


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"format": 99, "reports": {}}), json.dumps([1, 2])],
    ids=["damaged", "other layout", "not a mapping"],
)
def test_an_unreadable_manifest_counts_nothing_as_rendered(tmp_path: Path, content: str):
    (tmp_path / MANIFEST_NAME).write_text(content)
    manifest = Manifest.load(tmp_path)
    assert manifest.unreadable
    assert manifest.reports == {}

"""Example answers of the sample retailer."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmlib.instruments import (
    area_gaps,
    barriers,
    list_instruments,
    load_answers,
    maturity_levels,
    overall_scores,
    write_example_answers,
)


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("retailer")
    write_example_answers(folder, seed=42)
    return folder


def test_one_valid_file_per_instrument(example_dir: Path) -> None:
    ids = list_instruments()["id"].tolist()
    files = sorted(p.name for p in (example_dir / "assessments").iterdir())
    assert files == [f"{instrument_id}.yaml" for instrument_id in ids]
    for instrument_id in ids:
        answers = load_answers(instrument_id, example_dir)  # parses and checks the file
        assert answers.assessor and answers.participants and answers.date is not None
        # a handful deliberately left unscored, so "missing" shows in the notebooks
        assert 2 <= answers.n_total - answers.n_scored <= answers.n_total // 5
        assert answers.item_notes


def test_same_seed_same_files_other_seed_other_answers(tmp_path: Path) -> None:
    first = write_example_answers(tmp_path / "a", seed=7)
    again = write_example_answers(tmp_path / "b", seed=7)
    other = write_example_answers(tmp_path / "c", seed=8)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    assert first == sorted(first) and all(p.parent == tmp_path / "a" / "assessments" for p in first)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 42])
def test_a_medium_maturity_retailer(tmp_path: Path, seed: int) -> None:
    write_example_answers(tmp_path, seed=seed)
    qci = load_answers("qci", tmp_path)
    reality = overall_scores(qci).set_index("dimension").loc["reality", "percent"]
    assert 35 <= reality <= 45
    gaps = area_gaps(qci)["gap"].dropna()
    assert (gaps > 0).sum() > len(gaps) / 2  # plans ahead of practice in most areas
    readiness = load_answers("payne_frow_readiness", tmp_path)
    assert maturity_levels(readiness)["level"].iloc[0] in (2, 3)
    present = barriers(readiness)
    assert 2 <= len(present) <= 5 and present["severity"].notna().all()

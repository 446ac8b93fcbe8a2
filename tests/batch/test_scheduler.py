"""The scheduler's part in keeping each client's checked tables: handed out, then removed."""

from __future__ import annotations

from pathlib import Path

from crmlib.batch.clients import load_clients
from crmlib.batch.jobs import FAILED, RENDERED, JobOutcome, check_client, run_job
from crmlib.batch.manifest import Manifest
from crmlib.batch.runner import plan_batch
from crmlib.batch.scheduler import CHECK, RENDER, BatchScheduler


def _planned(tmp_path: Path, tools, root: Path | None):
    tools.company(tmp_path / "clients" / "linde")
    for stem in ("01_count", "02_more"):
        tools.notebook(tmp_path / "notebooks" / f"{stem}.ipynb")
    spec = load_clients(
        tools.clients(
            tmp_path / "clients.yml",
            [{"name": "De Linde", "data": "clients/linde"}],
            notebooks=["./notebooks/01_count.ipynb", "./notebooks/02_more.ipynb"],
        )
    )
    manifest = Manifest.load(tmp_path / "out")
    reports = plan_batch(spec, tmp_path / "out", manifest=manifest)
    return BatchScheduler(reports, manifest, checked_root=root)


def test_a_clients_folder_is_handed_to_its_reports_and_removed_after_the_last(
    tmp_path: Path, tools
):
    root = tmp_path / "checked"
    batch = _planned(tmp_path, tools, root)
    check = batch.next_task()
    assert (check.kind, check.function) == (CHECK, check_client)
    folder = root / "de-linde"
    assert check.args[2] == str(folder)
    folder.mkdir(parents=True)  # as the check keeps its tables
    batch.complete(check, None)
    first, second = batch.next_task(), batch.next_task()
    assert {first.kind, second.kind} == {RENDER}
    assert first.function is run_job
    assert {first.args[0].checked, second.args[0].checked} == {str(folder)}
    # a failed report is finished too, but the other still needs the tables
    batch.complete(first, JobOutcome(first.key, FAILED, 1.0, error="a cell failed"))
    assert folder.exists()
    batch.complete(second, JobOutcome(second.key, RENDERED, 1.0))
    assert not folder.exists()


def test_a_failed_check_removes_what_it_kept(tmp_path: Path, tools):
    root = tmp_path / "checked"
    batch = _planned(tmp_path, tools, root)
    check = batch.next_task()
    Path(check.args[2]).mkdir(parents=True)
    batch.fail(check, "checking the data folder failed: the worker died")
    assert batch.next_task() is None
    assert not Path(check.args[2]).exists()


def test_without_a_root_nothing_is_kept(tmp_path: Path, tools):
    batch = _planned(tmp_path, tools, None)
    check = batch.next_task()
    assert check.args[2] is None
    batch.complete(check, None)
    assert batch.next_task().args[0].checked is None

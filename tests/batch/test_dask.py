"""The batch on a Dask cluster (``--scheduler``), and without Dask installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crmlib.batch import ClusterConnectionError
from crmlib.batch.manifest import Manifest
from crmlib.batch.scheduler import BatchScheduler


@pytest.fixture(scope="module")
def cluster():
    """A one-worker, one-thread Dask cluster in its own process, on loopback only."""
    distributed = pytest.importorskip(
        "distributed", reason="Dask's distributed is not installed (the 'dask' extra)"
    )
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


@pytest.mark.slow
def test_batch_on_a_local_dask_cluster(tmp_path: Path, tools, tiny_notebook: Path, cluster):
    tools.company(tmp_path / "clients" / "ok")
    tools.company(tmp_path / "clients" / "broken", broken=True)
    tools.clients(
        tmp_path / "clients.yml",
        [
            {"name": "Ok", "data": "clients/ok"},
            {"name": "Broken", "data": "clients/broken"},
        ],
        notebooks=["./notebooks/count.ipynb"],
    )
    address = cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    out = tmp_path / "out"

    result = tools.run("clients.yml", "--out", "out", "--scheduler", address, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rows = {row["client"]: row for row in tools.summary(out)}
    assert rows["Ok"]["status"] == "rendered"
    assert "Ok: 3 customers" in (out / "ok" / "count.html").read_text(encoding="utf-8")
    assert rows["Broken"]["error"].startswith("transactions.csv, column 'amount', row 2")
    assert not (out / "broken").exists()
    assert sorted(tools.manifest(out)) == ["ok/count"]

    again = tools.run("clients.yml", "--out", "out", "--scheduler", address, cwd=tmp_path)
    assert again.returncode == 1
    assert tools.statuses(out)[("Ok", "count")] == "up to date"


def test_scheduler_without_dask_installed_is_a_usage_error(tmp_path: Path, tools):
    tools.company(tmp_path / "clients" / "ok")
    tools.notebook(tmp_path / "count.ipynb")
    tools.clients(
        tmp_path / "clients.yml",
        [{"name": "Ok", "data": "clients/ok"}],
        notebooks=["./count.ipynb"],
    )
    # a 'distributed' that cannot be imported, first on the path
    shadow = tmp_path / "shadow" / "distributed"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'distributed'\")\n"
    )
    result = subprocess.run(
        [*tools.command(), "clients.yml", "--out", "out", "--scheduler", "tcp://127.0.0.1:8786"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(shadow.parent)},
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: running on a Dask cluster (--scheduler) needs Dask. Fix: pip install "
        "'crm-strategy-workbook[dask]', or leave out --scheduler to render on this machine\n"
    )
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path: Path):
    pytest.importorskip("distributed", reason="Dask's distributed is not installed")
    from crmlib.batch.dask_runner import run_on_dask

    nothing = BatchScheduler([], Manifest(tmp_path / "manifest.json"))
    with pytest.raises(ClusterConnectionError) as caught:
        run_on_dask(nothing, "tcp://127.0.0.1:9", connect_timeout=1)
    assert str(caught.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert "\n" not in str(caught.value)


def test_importing_the_batch_needs_no_dask_and_no_renderer():
    code = (
        "import sys, crmlib.batch, crmlib.batch.command; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'dask', 'distributed', 'papermill', 'nbconvert', 'pandas'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "[]"

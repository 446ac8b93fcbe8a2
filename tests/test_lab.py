"""``make lab DATA=...``: the company checked once, its tables kept for the lab's kernels.

The lab is a real JupyterLab on a free loopback port, and the kernel a real one started
through the server's API; what the kernel is told is read from its environment.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crmlib.data.checked import CHECKED_ENV, offered_to_kernels, read_checked
from crmlib.lab import _lab_with_company, free_port, lab_command


def test_a_broken_company_is_one_line_and_no_lab(sample_copy: Path, tmp_path: Path, capsys):
    lines = (sample_copy / "transactions.csv").read_text().splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[5], "twelve", 1)
    (sample_copy / "transactions.csv").write_text("\n".join(lines) + "\n")
    never = [sys.executable, "-c", "raise SystemExit('the lab must not start')"]
    assert _lab_with_company(str(sample_copy), never, "http://127.0.0.1:1/lab") == 2
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: transactions.csv")
    assert "JupyterLab" not in out


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)


def call(url: str, method: str = "GET") -> dict:
    request = urllib.request.Request(url, method=method, data=b"{}" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"{}")


@pytest.mark.slow
def test_the_labs_kernels_read_the_tables_checked_at_its_start(tmp_path):
    from crmlib.sample import create_sample_company

    sample_duckdb = f"duckdb://{tmp_path / 'company.duckdb'}"
    create_sample_company(sample_duckdb, n_customers=300, seed=5)
    root = tmp_path / "notebooks"
    root.mkdir()
    port, token = free_port(), secrets.token_urlsafe(16)
    command = lab_command(port=port, token=token, root_dir=root)
    env = {k: v for k, v in os.environ.items() if k != CHECKED_ENV}
    script = (
        "import sys; from crmlib.lab import _lab_with_company; "
        f"sys.exit(_lab_with_company({sample_duckdb!r}, {command!r}, 'url'))"
    )
    lab = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                call(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert lab.poll() is None, lab.communicate()
                assert time.monotonic() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        kernel = call(f"{base}/api/kernels?token={token}", "POST")
        server = children(lab.pid)[0]
        deadline = time.monotonic() + 60
        while not (kernels := children(server)):
            assert time.monotonic() < deadline, "no kernel process"
            time.sleep(0.2)
        folder = Path(environment(kernels[0])[CHECKED_ENV])
        assert json.loads((folder / "checked.json").read_text())["fingerprint"]
        with offered_to_kernels(folder):
            checked = read_checked(sample_duckdb)
        assert checked is not None and len(checked.tables["transactions"]) > 0
        call(f"{base}/api/kernels/{kernel['id']}?token={token}", "DELETE")
    finally:
        os.kill(lab.pid, signal.SIGTERM)
        out, err = lab.communicate(timeout=60)
    # the lab said which notebooks read the tables; stopped, it took them away
    assert f"Notebooks whose data_dir is\n\n    {sample_duckdb}\n" in out, (out, err)
    assert not folder.exists()

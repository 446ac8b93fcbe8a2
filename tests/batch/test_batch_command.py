"""``crm-workbook batch`` end to end, as a real process: outputs, resume, failures, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

NAMES = {
    "linde": "Tuincentrum De Linde",
    "evil": '=HYPERLINK("http://evil.example","Groenrijk")',
    "bart": "Bloemen Bart",
    "broken": "Kapotte Data BV",
}
SLUGS = {
    "linde": "tuincentrum-de-linde",
    "evil": "hyperlink-http-evil-example-groenrijk",
    "bart": "bloemen-bart",
    "broken": "kapotte-data-bv",
}
NOTEBOOKS = ("01_count", "02_more")


def wait_for(condition, what: str, limit: float = 180.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def mtimes(out_dir: Path) -> dict[str, int]:
    return {str(p.relative_to(out_dir)): p.stat().st_mtime_ns for p in out_dir.rglob("*.html")}


def test_four_clients_one_broken_then_resume_touch_and_force(tmp_path: Path, tools):
    for name in NOTEBOOKS:
        tools.notebook(tmp_path / "notebooks" / f"{name}.ipynb", title=name)
    for key in NAMES:
        tools.company(tmp_path / "clients" / key, broken=key == "broken")
    tools.clients(
        tmp_path / "clients.yml",
        [{"name": NAMES[key], "data": f"clients/{key}"} for key in NAMES],
        notebooks=[f"./notebooks/{name}.ipynb" for name in NOTEBOOKS],
    )
    out = tmp_path / "reports"

    # 1. three complete report sets, the broken client's rows, exit 1
    first = tools.run("clients.yml", "--out", "reports", "--jobs", "2", cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    assert "8 reports for 4 clients: 6 rendered, 0 up to date, 2 failed." in first.stdout
    rows = tools.summary(out)
    assert [(row["client"], row["notebook"]) for row in rows] == [
        ("'" + NAMES[key] if key == "evil" else NAMES[key], name)
        for key in NAMES
        for name in NOTEBOOKS
    ]
    for row in rows:
        if row["client"] == NAMES["broken"]:
            assert row["status"] == "failed"
            assert row["error"].startswith(
                "transactions.csv, column 'amount', row 2: 1 value are not numbers "
                "(e.g. 'twelve'). Fix:"
            )
            assert row["seconds"] == ""
        else:
            assert row["status"] == "rendered", row
            assert float(row["seconds"]) > 0
    for key in ("linde", "evil", "bart"):
        for name in NOTEBOOKS:
            html = (out / SLUGS[key] / f"{name}.html").read_text(encoding="utf-8")
            assert "3 customers" in html
            assert "Groenrijk" in html if key == "evil" else NAMES[key] in html
    # the broken client's data was refused before any kernel started for it
    assert not (out / SLUGS["broken"]).exists()
    assert f"failed: {NAMES['broken']} / 01_count: transactions.csv" in first.stderr
    raw = (out / "batch-summary.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""Groenrijk"")",01_count,rendered' in raw
    assert sorted(tools.manifest(out)) == sorted(
        f"{SLUGS[key]}/{name}" for key in ("linde", "evil", "bart") for name in NOTEBOOKS
    )
    rendered_at = mtimes(out)

    # 2. nothing changed: nothing is rendered again
    second = tools.run("clients.yml", "--out", "reports", "--jobs", "2", cwd=tmp_path)
    assert second.returncode == 1
    assert "6 up to date, 2 failed" in second.stdout
    assert set(tools.statuses(out).values()) == {"up to date", "failed"}
    assert mtimes(out) == rendered_at

    # 3. one client's data changes: only that client's reports are rendered again
    with open(tmp_path / "clients" / "bart" / "transactions.csv", "a", encoding="utf-8") as fh:
        fh.write("T9,C1,2025-09-30,99.00\n")
    third = tools.run("clients.yml", "--out", "reports", "--jobs", "2", cwd=tmp_path)
    assert third.returncode == 1
    changed = {key for key, status in tools.statuses(out).items() if status == "rendered"}
    assert changed == {(NAMES["bart"], name) for name in NOTEBOOKS}
    after = mtimes(out)
    assert {path for path in after if after[path] != rendered_at[path]} == {
        f"{SLUGS['bart']}/{name}.html" for name in NOTEBOOKS
    }

    # 4. --force renders every report again; the broken client still fails
    forced = tools.run("clients.yml", "--out", "reports", "--jobs", "2", "--force", cwd=tmp_path)
    assert forced.returncode == 1
    assert "8 reports for 4 clients: 6 rendered, 0 up to date, 2 failed." in forced.stdout
    final = mtimes(out)
    assert all(final[path] != after[path] for path in after)


def test_failing_cell_dead_kernel_and_killed_worker_are_rows_then_a_fixed_rerun(
    tmp_path: Path, tools, tiny_notebook: Path
):
    for key in ("ok", "fails", "dies", "kills"):
        tools.company(tmp_path / "clients" / key)
    clients = [
        {"name": "Ok", "data": "clients/ok"},
        {"name": "Fails", "data": "clients/fails", "parameters": {"fail": True}},
        {"name": "Dies", "data": "clients/dies", "parameters": {"die": True}},
        {
            "name": "Kills",
            "data": "clients/kills",
            "parameters": {"kill_worker": True, "spare_pid": os.getpid()},
        },
    ]
    tools.clients(tmp_path / "clients.yml", clients, notebooks=["./notebooks/count.ipynb"])
    out = tmp_path / "out"

    result = tools.run("clients.yml", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rows = {row["client"]: row for row in tools.summary(out)}
    assert rows["Ok"]["status"] == "rendered"
    assert (out / "ok" / "count.html").is_file()
    # what was written, then the summary, on stdout; one line per failure on stderr
    assert result.stdout.splitlines() == [
        "wrote out/ok/count.html",
        "4 reports for 4 clients: 1 rendered, 0 up to date, 3 failed. "
        f"Summary: {out / 'batch-summary.csv'}",
    ]
    failed_lines = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert [line.split(":")[1] for line in failed_lines] == [
        " Fails / count",
        " Dies / count",
        " Kills / count",
    ]
    assert failed_lines[0] == f"failed: Fails / count: {rows['Fails']['error']}"

    failed = rows["Fails"]
    kept = out / "fails" / "count.failed.ipynb"
    assert failed["status"] == "failed"
    assert failed["error"] == (
        "count.ipynb failed in cell 4: ValueError: the cell failed on purpose "
        f"(executed notebook kept at {kept})"
    )
    kept_text = kept.read_text(encoding="utf-8")
    assert "papermill-error-cell" in kept_text  # papermill's banner
    assert "the cell failed on purpose" in kept_text

    assert rows["Dies"]["status"] == "failed"
    # the cell's execution count, or its index ("#5") when the kernel died before
    # the count was recorded
    assert re.match(r"count\.ipynb: the kernel died in cell #?5 ", rows["Dies"]["error"])
    assert rows["Kills"]["status"] == "failed"
    assert rows["Kills"]["error"] == (
        "the worker process died while rendering count (it was killed, or ran out of "
        f"memory; see {out / 'batch.log'})"
    )
    for key in ("fails", "dies", "kills"):
        assert not (out / key / "count.html").exists()

    # the causes are removed: only the failed reports run again, and the batch completes
    for client in clients:
        client.pop("parameters", None)
    tools.clients(tmp_path / "clients.yml", clients, notebooks=["./notebooks/count.ipynb"])
    rerun = tools.run("clients.yml", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert tools.statuses(out) == {
        ("Ok", "count"): "up to date",
        ("Fails", "count"): "rendered",
        ("Dies", "count"): "rendered",
        ("Kills", "count"): "rendered",
    }
    assert not kept.exists()  # a successful render removes the kept failure


def test_ctrl_c_keeps_finished_reports_and_a_rerun_renders_the_rest(
    tmp_path: Path, tools, tiny_notebook: Path
):
    gate = tmp_path / "gate"
    tools.company(tmp_path / "clients" / "quick")
    tools.company(tmp_path / "clients" / "slow")
    tools.clients(
        tmp_path / "clients.yml",
        [
            {"name": "Quick", "data": "clients/quick"},
            {"name": "Slow", "data": "clients/slow", "parameters": {"gate": str(gate)}},
        ],
        notebooks=["./notebooks/count.ipynb"],
    )
    out = tmp_path / "out"
    manifest = out / ".batch-manifest.json"
    kernel_pid_file = Path(f"{gate}.pid")
    process = subprocess.Popen(
        [*tools.command(), "clients.yml", "--out", "out", "--jobs", "2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(
            lambda: manifest.exists() and "quick/count" in tools.manifest(out),
            "the quick client's report",
        )
        wait_for(kernel_pid_file.exists, "the slow client's kernel")
        process.send_signal(signal.SIGINT)
        # a guard against a hang, not a speed check: a loaded machine takes its time
        try:
            stdout, stderr = process.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            # where it is stuck: the command prints its threads' stacks on SIGUSR1
            process.send_signal(signal.SIGUSR1)
            time.sleep(2)
            process.kill()
            stdout, stderr = process.communicate()
            pytest.fail(f"the batch did not stop within 180 s of Ctrl-C:\n{stderr[-6000:]}")
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines[-1] == (
        "Interrupted: 1 rendered, 1 cancelled; run the same command again to render the "
        f"rest (summary: {out / 'batch-summary.csv'})."
    )
    assert "Traceback" not in stderr
    assert stdout == "wrote out/quick/count.html\n"
    assert sorted(tools.manifest(out)) == ["quick/count"]
    assert tools.statuses(out) == {("Quick", "count"): "rendered", ("Slow", "count"): "cancelled"}
    # the slow client's kernel does not outlive the batch
    kernel_pid = int(kernel_pid_file.read_text())
    wait_for(lambda: not tools.pid_alive(kernel_pid), "the interrupted kernel to exit", 30)

    gate.touch()
    rerun = tools.run("clients.yml", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert tools.statuses(out) == {("Quick", "count"): "up to date", ("Slow", "count"): "rendered"}


BAD_FILES = {
    "missing key": (
        "clients:\n  - name: Tuincentrum De Linde\n",
        "error: clients.yml, client 1 ('Tuincentrum De Linde'): 'data' is missing. Fix: give "
        "the client's data folder, relative to clients.yml",
    ),
    "unknown notebook": (
        "notebooks: [99_nothing]\nclients:\n  - {name: A, data: clients/a}\n",
        "error: clients.yml, notebooks: no notebook '99_nothing' in {notebooks} (known: ",
    ),
    "duplicate slug": (
        "clients:\n  - {name: De Linde, data: clients/a}\n  - {name: de linde, data: clients/b}\n",
        "error: clients.yml, client 2 ('de linde'): its report folder name 'de-linde' is the "
        "same as that of client 1 ('De Linde'). Fix: rename one of them, or give one a "
        "'slug:' of its own",
    ),
    "missing data folder": (
        "clients:\n  - {name: A, data: clients/a}\n  - {name: B, data: clients/b}\n"
        "  - {name: De Linde, data: clients/de-linde}\n",
        "error: clients.yml, client 3 ('De Linde'): data folder clients/de-linde does not "
        "exist. Fix: give the folder that holds the client's customers and transactions "
        "files, relative to clients.yml",
    ),
    "bad timeout": (
        "timeout: soon\nclients:\n  - {name: A, data: clients/a}\n",
        "error: clients.yml, timeout: 'soon' is not a number of seconds. Fix: give the "
        "seconds one cell may run, e.g. 'timeout: 1200', or 0 for no limit",
    ),
    "yaml syntax": (
        "clients:\n  - name: De Linde\n    data: [clients/a\n",
        "error: clients.yml, line 4, column 1: not valid YAML (expected ',' or ']', but got "
        "'<stream end>'). Fix: check the indentation there, and quote values that contain "
        "': ' or '#'",
    ),
}


def test_a_cell_past_the_time_out_fails_its_report_with_a_line_naming_the_option(
    tmp_path: Path, tools, tiny_notebook: Path
):
    never = tmp_path / "never-opened"  # the gate cell waits for it forever
    tools.company(tmp_path / "clients" / "quick")
    tools.company(tmp_path / "clients" / "stuck")
    tools.clients(
        tmp_path / "clients.yml",
        [
            {"name": "Quick", "data": "clients/quick"},
            {"name": "Stuck", "data": "clients/stuck", "parameters": {"gate": str(never)}},
        ],
        notebooks=["./notebooks/count.ipynb"],
        timeout=2,
    )
    out = tmp_path / "out"
    kept = out / "stuck" / "count.failed.ipynb"

    def expected(seconds: int) -> str:
        return (
            f"failed: Stuck / count: count.ipynb timed out in cell 7: a cell ran longer than "
            f"{seconds} s. Fix: allow more time per cell with --timeout SECONDS (timeout: in "
            f"a clients file; 0 for no limit), or use a smaller data set (executed notebook "
            f"kept at {kept})"
        )

    # the clients file's time-out
    result = tools.run("clients.yml", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == "wrote out/quick/count.html"
    assert "1 rendered, 0 up to date, 1 failed" in result.stdout
    assert expected(2) in result.stderr.splitlines()
    # --timeout wins over the file
    result = tools.run("clients.yml", "--out", "out", "--timeout", "3", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("2 reports for 2 clients: 0 rendered, 1 up to date, 1 failed")
    assert expected(3) in result.stderr.splitlines()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_clients_file_exits_2_with_one_line(tmp_path: Path, tools, case: str):
    from crmlib.batch.clients import NOTEBOOKS_DIR

    tools.company(tmp_path / "clients" / "a")
    tools.company(tmp_path / "clients" / "b")
    text, expected = BAD_FILES[case]
    (tmp_path / "clients.yml").write_text(text, encoding="utf-8")
    result = tools.run("clients.yml", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(expected.format(notebooks=NOTEBOOKS_DIR))
    assert not (tmp_path / "out").exists()


def test_start_here_for_a_generated_company_as_html_and_pdf_no_deck(
    tmp_path: Path, tools, small_company_dir: Path
):
    tools.clients(
        tmp_path / "clients.yml",
        [{"name": "Tuincentrum De Linde", "data": str(small_company_dir)}],
        notebooks=["00_start_here"],
        formats=["html", "pdf", "pptx"],
        parameters={"value_share": 0.8},
    )
    result = tools.run("clients.yml", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 report for 1 client: 1 rendered, 0 up to date, 0 failed." in result.stdout
    folder = tmp_path / "out" / "tuincentrum-de-linde"
    html = (folder / "00_start_here.html").read_text(encoding="utf-8")
    assert "<title>Start here: data audit — Tuincentrum De Linde</title>" in html
    assert (folder / "00_start_here.pdf").read_bytes().startswith(b"%PDF")
    # pptx is asked for the whole batch; only the strategy report publishes a deck
    assert not (folder / "00_start_here.pptx").exists()
    entry = tools.manifest(tmp_path / "out")["tuincentrum-de-linde/00_start_here"]
    assert entry["outputs"] == ["00_start_here.html", "00_start_here.pdf"]
    assert entry["inputs"]["parameters"] == {
        "data_dir": str(small_company_dir.resolve()),
        "interactive": False,
        "company": "Tuincentrum De Linde",
        "value_share": 0.8,
    }


def test_each_clients_kernels_read_the_tables_its_check_kept_then_they_are_removed(
    tmp_path: Path, tools
):
    import nbformat
    from nbformat import v4

    parameters = v4.new_code_cell('data_dir = ""\nrecord = ""')
    parameters.metadata["tags"] = ["parameters"]
    probe = v4.new_code_cell(
        "import os\n"
        "from pathlib import Path\n"
        "from crmlib.data.checked import read_checked\n"
        "checked = read_checked(data_dir)\n"
        "assert checked is not None, 'the checked tables were not offered'\n"
        "Path(record).write_text(os.environ['CRM_WORKBOOK_CHECKED'])\n"
    )
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [parameters, probe]
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    clients = []
    for name in ("linde", "bart"):
        tools.company(tmp_path / "clients" / name)
        record = tmp_path / f"{name}.folder"
        clients.append(
            {"name": NAMES[name], "data": f"clients/{name}", "parameters": {"record": str(record)}}
        )
    tools.clients(tmp_path / "clients.yml", clients, notebooks=["./probe.ipynb"], formats=["html"])

    result = tools.run("clients.yml", "--out", "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folders = {Path((tmp_path / f"{name}.folder").read_text()) for name in ("linde", "bart")}
    # one folder per client, in one private folder of the batch, gone when it ended
    assert {folder.name for folder in folders} == {SLUGS["linde"], SLUGS["bart"]}
    (root,) = {folder.parent for folder in folders}
    assert root.name.startswith("crm-batch-")
    assert not root.exists()

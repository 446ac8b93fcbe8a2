"""A real JupyterLab in a real headless Chromium, for the workshop tests.

The server runs on a free loopback port with a token, on a private copy of the
notebooks and the sample company (the tests save assessment answers there), and is
stopped by its process id at the end. Outside CI the tests are skipped when no
Chromium is installed; under CI (CI=true) a missing Chromium is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            "Chromium is not installed; .ci/run installs Debian's chromium before the tests"
        )
    pytest.skip("no Chromium on this machine (apt-get install chromium); the browser tests need it")


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """notebooks/ and data/sample/ copied side by side, as in the repository."""
    root = tmp_path_factory.mktemp("workshop")
    shutil.copytree(
        ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    shutil.copytree(ROOT / "data" / "sample", root / "data" / "sample")
    return root


def lab_settings(workspace: Path) -> Path:
    """JupyterLab user settings for the tests: every cell in the page (no windowed
    rendering, so the test sees every prompt and output), no news fetched."""
    settings = workspace / ".lab-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text('{"windowingMode": "none"}')
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    return settings


class Lab(NamedTuple):
    base: str
    token: str
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def lab(workspace: Path):
    """A running JupyterLab: yields a :class:`Lab`; stops it by its pid."""
    from crmlib.lab import free_port, lab_command

    chromium_path()
    port, token = free_port(), secrets.token_urlsafe(16)
    log = open(workspace / "jupyterlab.log", "w")  # noqa: SIM115 - open for the server's lifetime
    # The kernel must draw figures inline, whatever backend the test process uses.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["JUPYTERLAB_SETTINGS_DIR"] = str(lab_settings(workspace))
    process = subprocess.Popen(
        lab_command(port=port, token=token, root_dir=workspace / "notebooks"),
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.flush()
            pytest.fail(
                "JupyterLab did not start:\n" + (workspace / "jupyterlab.log").read_text()[-2000:]
            )
        time.sleep(0.5)
    yield Lab(base, token, process, workspace / "jupyterlab.log")
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_FLAGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()

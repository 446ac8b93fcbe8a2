"""Workshop mode in a real browser: run a notebook in JupyterLab and see its output."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.slow


def open_notebook(page, lab, name: str) -> None:
    base, token, _ = lab
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
    # JupyterLab may ask which kernel to start; the notebook's own (python3) is preselected.
    select = page.locator(".jp-Dialog button.jp-mod-accept", has_text="Select")
    try:
        select.wait_for(timeout=5_000)
        select.click()
    except PlaywrightTimeout:
        pass
    # The kernel is ready when the toolbar's kernel status reads idle.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-Toolbar-kernelStatus, .jp-Notebook-ExecutionIndicator')]"
        ".some(e => /idle/i.test(e.getAttribute('title') || e.dataset.status || ''))",
        timeout=90_000,
    )


def run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    wait_until_executed(page)


ERRORS = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"


def wait_until_executed(page, timeout: int = 180_000) -> None:
    """Wait until every code cell shows an execution count ([n]:, not [*]: or [ ]:),
    or a cell shows an error (run-all stops there); fail on the error."""
    page.wait_for_function(
        r"""(errors) => {
            if (document.querySelector(errors)) return true;
            const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\[\d+\]/.test(p.textContent));
        }""",
        arg=ERRORS,
        timeout=timeout,
    )
    errors = page.locator(ERRORS)
    assert errors.count() == 0, errors.first.inner_text()


def screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000, "the screenshot is (nearly) blank"
    return path


def test_start_notebook_runs_in_jupyterlab(page, lab, tmp_path: Path):
    open_notebook(page, lab, "00_start_here.ipynb")
    run_all(page)
    images = page.locator(".jp-OutputArea-output img")
    images.first.wait_for(state="attached")
    assert images.count() >= 3
    assert (
        page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).count()
        == 0
    )
    screenshot(page, tmp_path, "start_here")

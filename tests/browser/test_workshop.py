"""Workshop mode in a real browser: run a notebook in JupyterLab and see its output."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.slow


def open_notebook(page, lab, name: str) -> None:
    page.goto(f"{lab.base}/lab/tree/{name}?token={lab.token}")
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


# The notebook in the tab on show; other open notebooks sit in hidden panels.
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
ERRORS = f"{ACTIVE} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def cell_state(page) -> dict:
    """The code cells' prompts ([ ]:, [*]: or [n]:), the kernel status, any error shown."""
    return page.evaluate(
        """([active, errors]) => ({
            prompts: [...document.querySelectorAll(active + ' .jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim()),
            kernel: [...document.querySelectorAll('.jp-Toolbar-kernelStatus, .jp-Notebook-ExecutionIndicator')]
                .map(e => e.getAttribute('title') || e.dataset.status || '').join(' / '),
            error: document.querySelector(errors)?.innerText || null,
        })""",
        [ACTIVE, ERRORS],
    )


def run_all(page, lab, *, timeout: float = 240, stall: float = 90) -> None:
    """Run every cell and wait until each code cell shows an execution count.

    Fails on the first error a cell shows (run-all stops there). A kernel can die under
    a busy machine (two processes starting kernels at one moment may pick the same local
    ports); JupyterLab then starts a new one and the queued cells never run. When nothing
    has moved for ``stall`` seconds, the kernel is restarted and every cell run once
    more; if that does not finish either, the failure shows the prompts, the kernel
    status and the server's log.
    """
    menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + timeout
    last, since, retried = None, time.monotonic(), False
    while True:
        state = cell_state(page)
        assert state["error"] is None, state["error"]
        prompts = state["prompts"]
        if prompts and all(re.fullmatch(r"\[\d+\]:?", p) for p in prompts):
            return
        now = time.monotonic()
        if state != last:
            last, since = state, now
        elif now - since > stall and not retried:
            warnings.warn(
                f"no cell moved for {stall:.0f} s ({state}); restarting the kernel", stacklevel=2
            )
            # JupyterLab says so in a dialog ("The kernel … appears to have died")
            # (one or more: each death and restart may say so)
            dialog = page.locator(".jp-Dialog button.jp-mod-accept")
            for _ in range(5):
                if not dialog.count():
                    break
                dialog.first.click()
                page.wait_for_timeout(500)
            menu(page, "Kernel", "Restart Kernel and Run All Cells")
            dialog.first.click()
            last, since, retried = None, time.monotonic(), True
        if now > deadline:
            log = lab.log.read_text(errors="replace")[-3000:] if lab.log.exists() else ""
            pytest.fail(
                f"the notebook did not finish in {timeout:.0f} s: prompts {prompts}, "
                f"kernel {state['kernel']!r}; JupyterLab's log ends:\n{log}"
            )
        time.sleep(1)


def screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000, "the screenshot is (nearly) blank"
    return path


def test_start_notebook_runs_in_jupyterlab(page, lab, tmp_path: Path):
    open_notebook(page, lab, "00_start_here.ipynb")
    run_all(page, lab)
    images = page.locator(f"{ACTIVE} .jp-OutputArea-output img")
    images.first.wait_for(state="attached")
    assert images.count() >= 3
    assert (
        page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).count()
        == 0
    )
    screenshot(page, tmp_path, "start_here")


def live_output_signature(page) -> str:
    """What the live output shows now: its text and its figures' data."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .crm-live-output')].map(out =>
            out.innerText + [...out.querySelectorAll('img')].map(i => i.src.slice(-200)).join('|')).join('#')"""
    )


def test_idic_ssc_slider_redraws_live(page, lab, tmp_path: Path):
    open_notebook(page, lab, "01_idic.ipynb")
    run_all(page, lab)
    handle = page.locator(f"{ACTIVE} .crm-control-ssc_share .noUi-handle").first
    handle.wait_for()
    handle.scroll_into_view_if_needed()
    before = live_output_signature(page)
    assert before
    screenshot(page, tmp_path, "idic_before")
    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """(before) => {
            const now = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .crm-live-output')].map(out =>
                out.innerText + [...out.querySelectorAll('img')].map(i => i.src.slice(-200)).join('|')).join('#');
            return now !== before && now.length > 0;
        }""",
        arg=before,
        timeout=60_000,
    )
    screenshot(page, tmp_path, "idic_after")


FORM_NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Workshop: supporting conditions"},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "from crmlib.notebook.forms import assessment_form\n\n"
            'assessment_form("value_chain_conditions", "../data/sample", interactive=True)',
        },
    ],
    "metadata": {
        "kernelspec": {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def set_score(page, item: str, key: str) -> None:
    handle = page.locator(f"{ACTIVE} .crm-score-{item}-score .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)


def score_shown(page, item: str) -> str:
    """The score the item's slider shows (its readout)."""
    return (
        page.locator(f"{ACTIVE} .crm-score-{item}-score .widget-readout").first.inner_text().strip()
    )


def test_assessment_form_saves_and_comes_back_after_a_restart(
    page, lab, workspace: Path, tmp_path: Path
):
    import json

    import yaml

    (workspace / "notebooks" / "workshop_form.ipynb").write_text(json.dumps(FORM_NOTEBOOK))
    answers_file = workspace / "data" / "sample" / "assessments" / "value_chain_conditions.yaml"
    open_notebook(page, lab, "workshop_form.ipynb")
    run_all(page, lab)
    page.locator(f"{ACTIVE} .crm-save").first.wait_for()
    set_score(page, "lc_customer_agenda", "Home")  # lowest point of the scale
    set_score(page, "lc_leaders_listen", "End")  # highest point
    page.locator(f"{ACTIVE} button.crm-save").first.click()
    page.wait_for_function(
        "() => /Saved/.test(document.querySelector('.crm-status')?.innerText || '')", timeout=30_000
    )
    screenshot(page, tmp_path, "form_saved")
    saved = yaml.safe_load(answers_file.read_text(encoding="utf-8"))["scores"]
    assert saved["lc_customer_agenda"] == 1
    assert saved["lc_leaders_listen"] == 5

    # Restart the kernel, reload the page, run again: the answers come back from disk.
    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel…").first.click()
    page.locator(".jp-Dialog button.jp-mod-accept").first.click()
    page.reload()
    open_notebook(page, lab, "workshop_form.ipynb")
    run_all(page, lab)
    page.locator(f"{ACTIVE} .crm-save").first.wait_for()
    assert score_shown(page, "lc_customer_agenda") == "1"
    assert score_shown(page, "lc_leaders_listen") == "5"
    screenshot(page, tmp_path, "form_reloaded")
    assert (
        yaml.safe_load(answers_file.read_text(encoding="utf-8"))["scores"]["lc_customer_agenda"]
        == 1
    )

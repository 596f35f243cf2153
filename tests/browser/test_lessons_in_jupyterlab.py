"""The course as a learner meets it: the lessons in JupyterLab, headless Chromium.

For each lesson notebook: open it, Run All, wait for the last live panel's plots, move the
panel's first slider with the keyboard, and check that the plotted lines change and that
no unexpected error output appears (lesson 01 raises two errors on purpose, in cells
tagged ``raises-exception``). Reuses the JupyterLab and Chromium fixtures of
test_panel_in_jupyterlab.py, pointed at the repository instead of a temporary notebook.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_panel_in_jupyterlab import _errors, _free_port, _wait_for, _wait_until
from test_panel_in_jupyterlab import page as page  # noqa: F401 - the Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
EXPECTED_ERRORS = {"01_units.ipynb": 2}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/ (JupyterLab autosaves, and the committed
    notebooks must keep their nbval outputs); yields its base URL."""
    state = tmp_path_factory.mktemp("lab-state")
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    # render every cell (JupyterLab 4 otherwise draws only the cells in view)
    settings = state / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={root}", "--ServerApp.disable_check_xsrf=True",
               f"--LabApp.workspaces_dir={state / 'workspaces'}",
               f"--LabApp.user_settings_dir={state / 'settings'}",
               "--LabApp.news_url=", "--ServerApp.open_browser=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    log = open(state / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/status", timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()


def _lines(page) -> str:
    """Every bqplot line's path, joined: changes when any plotted line changes."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.bqplot.figure path.line'))"
        ".map(p => p.getAttribute('d') || '').join('|')")


def _shutdown_kernels(page, lab):
    page.evaluate("url => fetch(url + '/api/kernels').then(r => r.json()).then(ks =>"
                  " Promise.all(ks.map(k => fetch(url + '/api/kernels/' + k.id,"
                  " {method: 'DELETE'}))))", lab)


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_and_its_panel_responds(page, lab, name):
    tab = page                          # the shared browser; a fresh page for each lesson
    page = tab.context.browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{lab}/lab/tree/notebooks/{name}?reset")      # no restored workspace
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=60_000)
        page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        # the panel's status line appears once its first run is drawn
        status = page.locator(".widget-html-content", has_text="simulated").last
        status.wait_for(timeout=180_000)
        status.scroll_into_view_if_needed()
        handle = page.locator(".widget-slider .noUi-handle").first
        _wait_until(lambda: _lines(page).count("L") > 10, 60, "the panel's lines")
        time.sleep(1)
        before = _lines(page)
        handle.focus()
        for _ in range(15):
            page.keyboard.press("ArrowRight")
        _wait_until(lambda: _lines(page) != before, 60,
                    "the plotted lines to change after the slider moved")
        errors = _errors(page)
        assert len(errors) == EXPECTED_ERRORS.get(name, 0), errors
        assert page.locator("text=the plots show the last good run").count() == 0
    except Exception:
        page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / f"lesson-{name}.png"),
                        full_page=True)
        raise
    finally:
        _shutdown_kernels(page, lab)
        page.close(run_before_unload=False)

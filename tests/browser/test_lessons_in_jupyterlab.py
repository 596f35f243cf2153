"""The course as a learner meets it: the lessons in JupyterLab, headless Chromium.

For each lesson notebook: open it, Run All, wait for the last live panel's plots, move the
panel's first slider with the keyboard, and check that the plotted lines change and that
no unexpected error output appears (cells tagged ``raises-exception`` raise on
purpose: lesson 01's unit mistakes and the blanks of the inline exercises). Reuses the
JupyterLab and Chromium fixtures of test_panel_in_jupyterlab.py, pointed at the repository
instead of a temporary notebook.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from test_panel_in_jupyterlab import _errors, _wait_until, jupyterlab
from test_panel_in_jupyterlab import page as page  # noqa: F401 - the Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# lessons whose demo is a running Scope: tests/browser/test_scope_lessons_in_jupyterlab.py
SCOPE_LESSONS = {"08_multiscale_neuron.ipynb", "09_neuromodulation.ipynb"}
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")
                 if p.name not in SCOPE_LESSONS)


def _expected_errors(name: str) -> int:
    """Cells that raise on purpose: lesson 01's unit mistakes and every lesson's inline
    exercise blanks (``todo(...)``), all tagged ``raises-exception``."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return sum("raises-exception" in c.metadata.get("tags", []) for c in nb.cells)


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
    with jupyterlab(root, state) as url:
        yield url


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
        assert len(errors) == _expected_errors(name), errors
        assert page.locator("text=the plots show the last good run").count() == 0
    except Exception:
        page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / f"lesson-{name}.png"),
                        full_page=True)
        raise
    finally:
        _shutdown_kernels(page, lab)
        page.close(run_before_unload=False)

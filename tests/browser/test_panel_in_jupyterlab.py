"""A real browser: JupyterLab on localhost, headless Chromium driven by Playwright.

The notebook builds a Panel on the exact LIF model and a Scope on the multi-scale neuron.
The test runs all cells, moves a slider with the keyboard, and checks that the plotted
line (the ``d`` attribute of the bqplot line's SVG path) changes, that the running scope's
line moves on its own (widget updates from the scope's thread reach the browser), that
``Panel.download_svg`` makes the browser save bqplot's SVG, and that no error output
appears. Chromium is the Debian package (``make test`` installs it through
tools/system-packages.sh); Playwright drives it through ``executable_path``, so no browser
download is needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]

CELLS = [
    "from labkit.units import mV, ms, nA, second\n"
    "from labkit.widgets import FloatControl, Panel, Scope, TraceView\n"
    "from labkit.lessons.lesson08 import MultiScaleModel\n"
    "from labkit.widgets.examples import LIFNeuron",
    "panel = Panel(LIFNeuron(duration=100 * ms),\n"
    "              [FloatControl('I', 0 * nA, 1 * nA, 0.3 * nA),\n"
    "               FloatControl('tau', 1 * ms, 100 * ms, 10 * ms, log=True)],\n"
    "              [TraceView('v', unit=mV, threshold='v_th', title='membrane')],\n"
    "              title='LIF panel')\n"
    "panel",
    "scope = Scope(MultiScaleModel(), [FloatControl('a_sp', 0, 4, 2.5)],\n"
    "              [TraceView('V', title='scope')], window=1 * second, chunk=50 * ms,\n"
    "              speed=2.0, mode='thread')\n"
    "scope.start()\n"
    "scope",
    # bqplot's own export renders in the browser: give the views a moment to exist
    "import time\n"
    "time.sleep(3)\n"
    "panel.download_svg('lif_panel.svg')",
]


def _notebook() -> dict:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"cell{k}",
                   "metadata": {}, "outputs": [], "source": source}
                  for k, source in enumerate(CELLS)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {timeout} s")


@contextlib.contextmanager
def jupyterlab(root: Path, state: Path):
    """JupyterLab serving ``root`` (its settings, workspaces and runtime files in ``state``);
    yields the base URL, then stops the server and its kernels."""
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
        os.killpg(server.pid, signal.SIGTERM)      # the server and its kernels
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a temporary directory with panel.ipynb; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    (root / "panel.ipynb").write_text(json.dumps(_notebook()))
    with jupyterlab(root, tmp_path_factory.mktemp("lab-state")) as url:
        yield url


@pytest.fixture(scope="module")
def page(lab):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it: "
                    "tools/system-packages.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True, timeout=30_000)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def _line_d(page, figure: int) -> str | None:
    """The ``d`` attribute of the first bqplot line in figure number ``figure``."""
    return page.evaluate(
        "k => { const figs = document.querySelectorAll('.bqplot.figure');"
        " if (figs.length <= k) return null;"
        " const p = figs[k].querySelector('path.line'); return p ? p.getAttribute('d') : null; }",
        figure)


def _wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _errors(page) -> list[str]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"],"
        " .jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.error\"]'))"
        ".map(e => e.innerText)")


def test_slider_moves_the_plotted_line_without_errors(page, lab):
    started = time.monotonic()
    page.goto(f"{lab}/lab/tree/panel.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # the kernel must be connected (status bar: "... | Idle"), or Run All does nothing
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")

    first = _wait_until(lambda: _line_d(page, 0), 60, "the panel's line")
    assert first.count("L") > 100                        # a real trace, not a stub
    status = page.locator(".widget-html-content", has_text="simulated").first
    assert "simulated 100 ms" in status.inner_text()

    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    readout = page.locator(".widget-slider .widget-readout").first
    _wait_until(lambda: readout.inner_text() != "0.3", 10, "the slider to move")
    moved = _wait_until(lambda: (d := _line_d(page, 0)) and d != first and d, 20,
                        "the line to change after the slider moved")
    assert moved != first

    scope_a = _wait_until(lambda: _line_d(page, 1), 30, "the scope's line")
    scope_b = _wait_until(lambda: (d := _line_d(page, 1)) and d != scope_a and d, 20,
                          "the running scope's line to move on its own")
    assert scope_b != scope_a

    svg = download.value                                 # Panel.download_svg -> bqplot
    assert svg.suggested_filename == "lif_panel.svg"
    assert "<svg" in Path(svg.path()).read_text()[:2000]

    assert _errors(page) == []
    assert page.locator("text=Traceback").count() == 0
    assert time.monotonic() - started < 90

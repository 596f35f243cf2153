"""A real browser: JupyterLab on localhost, headless Chromium driven by Playwright.

The notebook builds a Panel on the exact LIF model and a Scope on the multi-scale neuron.
The test runs all cells, moves a slider with the keyboard, and checks that the plotted
line (the ``d`` attribute of the bqplot line's SVG path) changes, that the running scope's
line moves on its own (widget updates from the scope's thread reach the browser), that
``Panel.download_svg`` makes the browser save bqplot's SVG, and that no error output
appears. The server and the browser are shared with the other browser tests (conftest.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .lab_page import errors, open_notebook, run_all, wait_until, write_notebook

pytestmark = pytest.mark.browser

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


def _line_d(page, figure: int) -> str | None:
    """The ``d`` attribute of the first bqplot line in figure number ``figure``."""
    return page.evaluate(
        "k => { const figs = document.querySelectorAll('.bqplot.figure');"
        " if (figs.length <= k) return null;"
        " const p = figs[k].querySelector('path.line'); return p ? p.getAttribute('d') : null; }",
        figure)


def test_slider_moves_the_plotted_line_without_errors(page, lab):
    started = time.monotonic()
    write_notebook(lab.root / "panel.ipynb", CELLS)
    open_notebook(page, "panel.ipynb")
    with page.expect_download(timeout=60_000) as download:
        run_all(page)

    first = wait_until(lambda: _line_d(page, 0), 60, "the panel's line")
    assert first.count("L") > 100                        # a real trace, not a stub
    status = page.locator(".widget-html-content", has_text="simulated").first
    assert "simulated 100 ms" in status.inner_text()

    handle = page.locator(".widget-slider .noUi-handle").first
    readout = page.locator(".widget-slider .widget-readout").first
    assert readout.inner_text() == "0.30"                # the default, in the step's digits
    handle.focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    wait_until(lambda: readout.inner_text() == "1.00", 10, "the slider to move 15 steps")
    moved = wait_until(lambda: (d := _line_d(page, 0)) and d != first and d, 60,
                        "the line to change after the slider moved")
    assert moved != first

    scope_a = wait_until(lambda: _line_d(page, 1), 30, "the scope's line")
    scope_b = wait_until(lambda: (d := _line_d(page, 1)) and d != scope_a and d, 20,
                          "the running scope's line to move on its own")
    assert scope_b != scope_a

    svg = download.value                                 # Panel.download_svg -> bqplot
    assert svg.suggested_filename == "lif_panel.svg"
    assert "<svg" in Path(svg.path()).read_text()[:2000]

    assert errors(page) == []
    assert page.locator("text=Traceback").count() == 0
    assert time.monotonic() - started < 150

"""MorphologyView in a real browser: the neuron's compartments drawn and recoloured.

The notebook draws a ball-and-stick neuron with a branch, coloured by a potential falling
from the soma to the tips, then shows a uniform value. The test reads the SVG bqplot drew:
one path per compartment (plus the soma's circle), their strokes graded along the ramp,
then all one colour; and saves a screenshot of the view (out/screenshots/).
"""

from __future__ import annotations

import pytest

from .lab_page import (
    SCREENSHOTS,
    errors,
    open_notebook,
    run_all,
    wait_until,
    write_notebook,
)

pytestmark = pytest.mark.browser

CELLS = [
    "import numpy as np\n"
    "from labkit.spatial import Cylinder, Soma\n"
    "from labkit.units import mV, um\n"
    "from labkit.widgets import MorphologyView\n"
    "morpho = Soma(diameter=30*um)\n"
    "morpho.dend = Cylinder(diameter=2*um, length=200*um, n=8)\n"
    "morpho.dend.L = Cylinder(diameter=1*um, length=100*um, n=4)\n"
    "morpho.dend.R = Cylinder(diameter=1*um, length=100*um, n=4)\n"
    "view = MorphologyView(morpho, value_range=(-70*mV, -50*mV), title='v along the cell')\n"
    "view.show(np.linspace(-50, -70, 17)*mV)\n"
    "view.widget",
]


def _strokes(page) -> list[str]:
    """The stroke colour of every bqplot line path, in drawing order."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.bqplot.figure path.line'))"
        ".map(p => getComputedStyle(p).stroke)")


def test_the_morphology_is_drawn_and_recoloured(page, lab):
    write_notebook(lab.root / "morphology.ipynb", CELLS)
    open_notebook(page, "morphology.ipynb")
    run_all(page)
    strokes = wait_until(lambda: len(_strokes(page)) >= 17 and _strokes(page), 60,
                         "the compartments' lines")
    assert len(strokes) == 17                        # 16 compartments and the soma
    dendrite = strokes[:16]
    assert len(set(dendrite)) >= 12                  # graded, not one colour
    assert strokes[16] == "rgb(253, 231, 37)"         # the soma, at the top (#fde725)
    assert "rgb(253, 231, 37)" not in dendrite        # below it everywhere else
    output = page.locator(".jp-OutputArea-output", has=page.locator(".bqplot.figure")).first
    assert "v along the cell" in output.inner_text()  # the header: title, colour scale
    assert "-70" in output.locator(".lk-colour-scale").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    output.screenshot(path=str(SCREENSHOTS / "morphology_view.png"))

    page.locator(".jp-Cell .jp-InputArea-editor").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")                         # a cell below, to recolour
    page.keyboard.press("Enter")
    page.keyboard.type("view.show(np.full(17, -50.0)*mV)")
    page.keyboard.press("Shift+Enter")
    uniform = wait_until(lambda: len(set(_strokes(page)[:16])) == 1 and _strokes(page), 30,
                         "one colour everywhere")
    assert uniform[0] == "rgb(253, 231, 37)"          # the ramp's top: #fde725
    assert errors(page) == []

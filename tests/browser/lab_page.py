"""What the browser tests do and read in JupyterLab: open a notebook, run it, find a panel,
read its plots (axes, legends, lines), its sliders and its status line.

Reading is done on the page's DOM, as a learner sees it: bqplot draws each figure as SVG
(``.bqplot.figure``: axes as ``g.axis`` of ``g.tick`` labels, lines as ``path.line``), a
view's title and legend are HTML above it (``.lk-view-title``, ``.lk-legend``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where the browser tests save what they saw (not committed: /out/ is in .gitignore).
SCREENSHOTS = ROOT / "out" / "screenshots"
STATUS = re.compile(r"simulated|computed")


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def write_notebook(path: Path, cells: list[str]) -> None:
    """Code cells (their sources) -> an unexecuted notebook at ``path``, for a test to open."""
    import json

    path.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"cell{k}",
                   "metadata": {}, "outputs": [], "source": source}
                  for k, source in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }))


def open_notebook(page, path: str) -> None:
    """Open ``path`` (relative to the served directory) in the JupyterLab already loaded
    (File > Open from Path), with a connected, idle kernel."""
    page.click("div.lm-MenuBar-itemLabel:text-is('File')")
    page.click("li.lm-Menu-item[data-command='filebrowser:open-path']")
    page.locator(".jp-Dialog input").fill(path)
    page.keyboard.press("Enter")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # the kernel must be connected (status bar: "... | Idle"), or Run All does nothing
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=60_000)


def run_all(page) -> None:
    page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']")


def errors(page) -> list[str]:
    """The text of every error and stderr output in the notebook."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"],"
        " .jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.error\"]'))"
        ".map(e => e.innerText)")


def lines(page) -> str:
    """Every bqplot line's path, joined: changes when any plotted line changes."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.bqplot.figure path.line'))"
        ".map(p => p.getAttribute('d') || '').join('|')")


def panels(page):
    """The output areas holding a panel (they have a status line), in notebook order."""
    return page.locator(".jp-OutputArea-output",
                        has=page.locator(".widget-html-content", has_text=STATUS))


def status(panel) -> str:
    return panel.locator(".widget-html-content", has_text=STATUS).first.inner_text()


_VIEWS = """panel => Array.from(panel.querySelectorAll('.bqplot.figure')).map(figure => {
    const view = figure.parentElement;
    const header = view.querySelector('.lk-view-header');
    const axes = Array.from(figure.querySelectorAll('g.axis')).map(axis => {
        const ticks = Array.from(axis.querySelectorAll('g.tick'));
        const vertical = axis.getAttribute('text-anchor') !== 'middle';   // y: 'end'/'start'
        const label = axis.querySelector('.axislabel');
        const texts = ticks.map(t => t.querySelector('text')).filter(t => t &&
                                                                      t.textContent.trim());
        const line = axis.querySelector('path.domain');
        const box = line ? line.getBoundingClientRect() : null;
        return {vertical: vertical, label: label ? label.textContent.trim() : '',
                labels: ticks.map(t => t.textContent.trim()).filter(t => t.length),
                positions: ticks.map(t => t.getBoundingClientRect()[vertical ? 'y' : 'x']),
                boxes: texts.map(t => { const r = t.getBoundingClientRect();
                                        return [r.left, r.top, r.right, r.bottom]; }),
                line: box ? [box.left, box.top, box.right, box.bottom] : null};
    });
    const none = {label: '', labels: [], positions: [], boxes: [], line: null};
    const x = axes.filter(a => !a.vertical)[0] || none;
    const y = axes.filter(a => a.vertical)[0] || none;
    return {
        title: header ? header.querySelector('.lk-view-title').textContent.trim() : '',
        legend: header ? Array.from(header.querySelectorAll('.lk-legend > span'))
                         .map(s => s.textContent.replace(/^[^A-Za-z0-9]+/, '').trim()) : [],
        x: x, y: y, xlabel: x.label, ylabel: y.label,
        height: figure.getBoundingClientRect().height,
    };
})"""


def views(panel) -> list[dict]:
    """Each view of a panel: title, legend entries, axis labels (``xlabel``, ``ylabel``),
    x and y tick labels with their pixel positions and the boxes their text covers
    (``[left, top, right, bottom]``), the box of the axis line with its end ticks
    (``line``), figure height."""
    return panel.evaluate(_VIEWS)


def overprinted(boxes, room: float = 1.0) -> list[tuple]:
    """Text boxes ``[left, top, right, bottom]`` -> the pairs that overlap (closer than
    ``room`` pixels in both directions): tick labels written over each other."""
    return [(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:]
            if a[0] < b[2] + room and b[0] < a[2] + room
            and a[1] < b[3] + room and b[1] < a[3] + room]


def on_the_axis_line(axis) -> list:
    """An axis of :func:`views` -> its tick labels' boxes that the axis line or its end
    ticks cross (bqplot's 6 px end ticks crossed a label at an end of the range)."""
    line = axis["line"]
    return [box for box in axis["boxes"] if line and overprinted([box, line], 0)]


def sliders(panel):
    return panel.locator(".widget-slider")


def readout(slider) -> str:
    return slider.locator(".widget-readout").inner_text().strip()


def press(slider, key: str, times: int) -> None:
    handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)

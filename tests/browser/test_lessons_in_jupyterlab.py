"""The course as a learner meets it: every lesson in JupyterLab, in headless Chromium.

For each lesson notebook: open it, Run All, and once its panels are drawn

* save a screenshot of every panel in out/screenshots/ (to look at: they show what no
  assertion can);
* check what a learner reads: the status line ("simulated 200 ms in ..."); each time axis
  spans the simulated window, the same for every plot of the panel; a raster's neuron
  axis has integer ticks from 0; the legends name every line; no two tick labels
  overprint;
* move the panel's first slider with the keyboard: the plotted lines change; move it back
  as many steps: the readout and the lines are the default's again (the default lies on
  the slider's grid);
* the cells that raise on purpose (lesson 01's unit mistakes, the blanks of the inline
  exercises) show short: the message (which exercise, for a blank), the cell's line, no
  labkit frames; lesson 05's presets reset what they do not name; no other error appears.
"""

from __future__ import annotations

import re
import time

import pytest

from .lab_page import (
    ROOT,
    SCREENSHOTS,
    STATUS,
    errors,
    lines,
    on_the_axis_line,
    open_notebook,
    overprinted,
    panels,
    press,
    readout,
    run_all,
    sliders,
    status,
    views,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# lessons whose demo is a running Scope: tests/browser/test_scope_lessons_in_jupyterlab.py
SCOPE_LESSONS = {"08_multiscale_neuron.ipynb", "09_neuromodulation.ipynb",
                 "12_eye_movements.ipynb"}
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")
                 if p.name not in SCOPE_LESSONS)


def expected_errors(name: str) -> int:
    """Cells that raise on purpose: lesson 01's unit mistakes and every lesson's inline
    exercise blanks (``todo(...)``), all tagged ``raises-exception``."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return sum("raises-exception" in c.metadata.get("tags", []) for c in nb.cells)


#: What each lesson's last panel simulates, as its status line says it.
DURATION_MS = {"00": 100, "01": 200, "02": 100, "03": 200, "04": 100, "05": 100, "06": 1000,
               "07": 200, "10": 30, "11": 200}
#: Legend entries each lesson's last panel must show (view by view, those with a legend).
LEGENDS = {
    "01": [["v", "v_inf = E_L + R I"]],
    "02": [["v", "threshold V_t"]],
    "03": [["neuron 0", "neuron 50", "neuron 99", "threshold V_t"]],
    "04": [["neuron 0 (driven)", "neuron 1 (target)", "threshold V_t"]],
    "05": [["v", "spike detection (-40 mV)"], ["m", "h", "n"]],
    "06": [["simulated, with noise", "formula, no noise"], ["simulated, with noise"]],
    "07": [["v", "threshold V_t"]],
    "10": [["soma", "at the synapse"], ["peak\xa0-70\xa0\xa0-64.9 mV"]],  # + the colour scale
}
#: A connection rule of lesson 04 that no cell runs before the test chooses it.
NEW_RULE = "distance-dependent (p='exp(-abs(i-j)/3.0)')"
#: Closest two tick labels of one axis may come (pixels) without overprinting.
TICK_ROOM = 13


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_and_its_panel_reads_well(page, lab, name):
    lesson = name[:2]
    open_notebook(page, f"notebooks/{name}")
    run_all(page)
    # the panel's status line appears once its first run is drawn
    wait_until(lambda: re.search(r"simulated \S+ \S+ in", status(panels(page).last))
               if panels(page).count() else False, 240, "the last panel's first run")
    panel = panels(page).last
    panel.scroll_into_view_if_needed()
    wait_until(lambda: lines(page).count("L") > 10, 60, "the panel's lines")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for k in range(panels(page).count()):
        suffix = "" if k == panels(page).count() - 1 else f"-{k + 1}"
        panels(page).nth(k).screenshot(path=str(SCREENSHOTS / f"{name[:-6]}{suffix}.png"))

    duration = DURATION_MS[lesson]
    shown_duration = f"{duration:g} ms" if duration < 1000 else f"{duration / 1000:g} s"
    assert re.search(rf"simulated {shown_duration} in \d", status(panel)), status(panel)
    shown = views(panel)
    time_views = [v for v in shown if v["x"]["labels"] and v["xlabel"].startswith("t [")]
    for view in time_views:                   # each time axis is the simulated window ...
        assert float(view["x"]["labels"][0]) == 0, view
        assert float(view["x"]["labels"][-1]) == duration, view
    for end in (0, -1):                        # ... at the same place in every plot
        at = [v["x"]["positions"][end] for v in time_views]
        assert not at or max(at) - min(at) <= 2, at
    for k in range(panels(page).count()):     # every panel of the lesson
        for view in views(panels(page).nth(k)):
            _ticks_read_well(view)
    legends = [v["legend"] for v in shown if v["legend"]]
    assert legends == LEGENDS.get(lesson, legends), legends

    first = sliders(panel).first
    default, before = readout(first), lines(page)
    press(first, "ArrowRight", 5)
    wait_until(lambda: lines(page) != before, 60,
               "the plotted lines to change after the slider moved")
    if lesson == "01":                 # v_inf moves on a fixed axis: the move is visible
        assert [v["y"]["labels"] for v in views(panel)] == [v["y"]["labels"] for v in shown]
    press(first, "ArrowLeft", 5)
    wait_until(lambda: readout(first) == default and lines(page) == before, 60,
               f"the slider back at its default {default} to draw the default's lines")
    if lesson == "05":
        _presets_reset_what_they_do_not_name(page, panel)
    if lesson == "04":
        _a_new_rule_is_drawn_busy_line_if_slow(page)

    shown_errors = errors(page)
    assert len(shown_errors) == expected_errors(name), shown_errors
    for text in shown_errors:   # short: message (hint), the user's line; no labkit frames
        assert len(text.splitlines()) <= 4 and "Cell In[" in text, text
        assert "labkit/" not in text and "Traceback" not in text, text
        if text.startswith("ExerciseIncomplete"):          # which exercise, not which cell
            assert re.match(r"ExerciseIncomplete: Exercise \d\d\.\w+", text), text
    assert page.locator("text=the plots show the last good run").count() == 0


def _ticks_read_well(view) -> None:
    """No two tick labels of an axis overprint; a raster's neuron ticks are integers from
    0."""
    y = view["y"]
    gaps = [abs(a - b) for a, b in zip(y["positions"], y["positions"][1:], strict=False)]
    assert not gaps or min(gaps) >= TICK_ROOM, f"{view['title']}: tick labels overprint"
    for axis in ("x", "y"):                     # no two labels' text boxes overlap either
        assert not overprinted(view[axis]["boxes"]), (view["title"], axis, view[axis])
        assert not on_the_axis_line(view[axis]), (view["title"], axis, view[axis])
    if view["ylabel"] == "neuron":
        assert y["labels"][0] == "0" and all(re.fullmatch(r"\d+", t) for t in y["labels"])


def _a_new_rule_is_drawn_busy_line_if_slow(page) -> None:
    """A rule not run before: the matrix shows it, the status line says what it computed
    and, if the run took longer than the panel's busy_after (a kernel compiling), that the
    panel was busy meanwhile (small rules connect on numpy, with no kernel to compile)."""
    rules = page.locator(".jp-OutputArea-output",
                         has=page.locator("option", has_text=NEW_RULE))
    line = rules.locator(".widget-html-content", has_text=STATUS).first
    # every text the status line shows, recorded by the page as it changes
    line.evaluate("e => { window.lkStatuses = []; new MutationObserver(() => "
                  "window.lkStatuses.push(e.innerText)).observe(e, "
                  "{subtree: true, childList: true, characterData: true}); }")
    before = rules.locator(".bqplot.figure").first.inner_html()
    rules.locator("select", has=page.locator("option", has_text=NEW_RULE)) \
        .select_option(label=NEW_RULE)
    shown = wait_until(lambda: (seen := page.evaluate("() => window.lkStatuses"))
                       and re.match(r"computed in \d", seen[-1]) and seen, 90,
                       "the status line after the new rule's run")
    took = re.match(r"computed in ([\d.]+) (ms|s)", shown[-1]).groups()
    if float(took[0]) * (1e-3 if took[1] == "ms" else 1) >= 0.3:   # Panel's busy_after
        assert any("running" in text for text in shown), shown
    assert rules.locator(".bqplot.figure").first.inner_html() != before


def _settled(page) -> bool:
    """The kernel is idle and the plots stay the same for a second (the browser holds back
    a slider's later values while the kernel works on an earlier one)."""
    drawn = lines(page)
    time.sleep(1.0)
    idle = page.locator("#jp-main-statusbar").get_by_text("Idle").count() > 0
    return idle and lines(page) == drawn


def _presets_reset_what_they_do_not_name(page, panel) -> None:
    g_na, g_kd = sliders(panel).nth(0), sliders(panel).nth(1)
    na_default = readout(g_na)
    press(g_na, "ArrowLeft", 10)
    wait_until(lambda: readout(g_na) == "15.0" and _settled(page), 60,
               "g_na to move 10 steps down and the panel to draw it")
    panel.locator("select").select_option("no potassium current")
    wait_until(lambda: readout(g_kd) == "0.00" and readout(g_na) == na_default, 60,
               "the preset to set g_kd = 0 and put g_na back at its default")

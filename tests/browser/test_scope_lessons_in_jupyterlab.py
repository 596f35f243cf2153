"""The lessons whose demo is a running Scope (08, 09, 12), as a learner meets them:
JupyterLab, headless Chromium, Run All, then, with no interaction, the scope's trace must
move; paused, a button must change the trace (08: pulse; 09: the presynaptic neuron on), and
a slider must change what it drives (08: the I-V curves; 09: the traces; 12: the eye's
path). No error output.

Uses the JupyterLab, Chromium and page the other browser tests share (conftest.py); the
lesson panels of test_lessons_in_jupyterlab.py wait for a Panel's status line, which a
Scope does not have, so these lessons are tested here instead.
"""

from __future__ import annotations

import re
import time

import pytest

from .lab_page import (
    SCREENSHOTS,
    errors,
    on_the_axis_line,
    open_notebook,
    overprinted,
    run_all,
    views,
    wait_until,
)
from .test_lessons_in_jupyterlab import expected_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _figures(page) -> list[str]:
    """Each bqplot figure's line paths, joined: one string per figure, in page order."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.bqplot.figure')).map(f =>"
        " Array.from(f.querySelectorAll('path.line')).map(p => p.getAttribute('d') || '')"
        ".join('|'))")


def _run_all(page, name):
    open_notebook(page, f"notebooks/{name}")
    run_all(page)
    status = page.locator(".widget-html-content", has_text="chunk of").last
    status.wait_for(timeout=240_000)
    status.scroll_into_view_if_needed()
    return status


def _button(page, text):
    """The last button whose label starts with ``text`` ("start" is not "restart")."""
    return page.locator("button.jupyter-button",
                        has_text=re.compile(rf"^\s*{re.escape(text)}")).last


def _slider_handle(page, description):
    return page.locator(".widget-slider", has_text=description).last.locator(".noUi-handle")


def _moves_then_pauses(page, status, trace: int, figures: int):
    first = wait_until(lambda: (f := _figures(page)) and len(f) >= figures
                        and f[trace].count("L") > 10 and f[trace], 60, "the scope's trace")
    wait_until(lambda: _figures(page)[trace] != first, 30,
                "the running scope's trace to move on its own")
    _button(page, "pause").click()
    wait_until(lambda: "paused" in status.inner_text(), 30, "the scope to pause")
    time.sleep(1)
    still = _figures(page)
    time.sleep(1.5)
    assert _figures(page) == still, "the trace moved while the scope was paused"
    return still


def _check(page, name, test, legends):
    test(page, _run_all(page, name))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scope = page.locator(".jp-OutputArea-output",
                         has=page.locator(".widget-html-content", has_text="chunk of")).last
    scope.screenshot(path=str(SCREENSHOTS / f"{name[:-6]}.png"))
    shown = views(scope)
    for view in shown:                  # side by side the I-V plots are narrow
        for axis in ("x", "y"):
            assert not overprinted(view[axis]["boxes"]), (view["title"], axis, view[axis])
            assert not on_the_axis_line(view[axis]), (view["title"], axis, view[axis])
    assert {v["title"]: v["legend"] for v in shown if v["title"] in legends} == legends
    shown = errors(page)                  # the inline exercises' blanks raise on purpose
    assert len(shown) == expected_errors(name), shown
    assert all(re.match(r"ExerciseIncomplete: Exercise \d\d\.\w+", e) for e in shown), shown
    assert page.locator("text=Traceback").count() == 0


def test_08_scope_runs_pulses_and_a_slider_redraws_the_iv_curves(page, lab):
    def test(tab, status):
        # figures: the trace, then the fast, slow and ultra-slow I-V curves
        still = _moves_then_pauses(tab, status, trace=0, figures=4)
        _button(tab, "pulse").click()                       # paused: one chunk, pulsed
        wait_until(lambda: _figures(tab)[0] != still[0], 30, "the pulse to change the trace")
        curves = _figures(tab)[1:4]
        handle = _slider_handle(tab, "a_sp")
        handle.focus()
        for _ in range(10):
            tab.keyboard.press("ArrowRight")
        wait_until(lambda: _figures(tab)[2] != curves[1], 30,
                    "the slow I-V curve to change after the a_sp slider moved")
        assert _figures(tab)[1] == curves[0]                # a_sp is not a fast element
        assert "regime" in tab.locator(".widget-html-content", has_text="regime").last \
            .inner_text()

    _check(page, "08_multiscale_neuron.ipynb", test,
           {"membrane potential V": ["V", "threshold"],
            "fast I-V": ["slope > 0", "slope < 0", "I_app"]})


def test_09_scope_runs_the_button_switches_the_presynaptic_neuron_a_slider_acts(page, lab):
    def test(tab, status):
        # figures: V_pre, s, alpha_mod, g, V (post)
        still = _moves_then_pauses(tab, status, trace=4, figures=5)
        _button(tab, "presynaptic neuron").click()           # paused: one chunk, switched on
        wait_until(lambda: _figures(tab)[1] != still[1], 30,
                   "the trace s to change when the presynaptic neuron is switched on")
        wait_until(lambda: "presynaptic neuron: on" in _button(tab, "presynaptic").inner_text(),
                   10, "the button to say on")
        _button(tab, "start").click()
        wait_until(lambda: "running" in status.inner_text(), 30, "the scope to run again")
        before = _figures(tab)[2]
        handle = _slider_handle(tab, "theta")
        handle.focus()
        for _ in range(40):
            tab.keyboard.press("ArrowRight")
        wait_until(lambda: _figures(tab)[2] != before, 30,
                   "alpha_mod to change after the theta slider moved")

    _check(page, "09_neuromodulation.ipynb", test,
           {"synaptic traces": ["s", "s_dep"], "postsynaptic V": ["V", "threshold"]})


def _sim_time(status) -> float:
    """The scope's status line -> the simulated time it reached, in seconds."""
    found = re.search(r"t = ([\d.]+) s", status.inner_text())
    return float(found.group(1)) if found else -1.0


def _where(page) -> str:
    return page.locator(".widget-html-content", has_text="correlation over").last.inner_text()


def test_12_scope_runs_the_eye_follows_and_a_slider_changes_the_eye(page, lab):
    def test(tab, status):
        # figures: the raster, the positions (eye, object), the receptive fields
        _moves_then_pauses(tab, status, trace=1, figures=3)
        _button(tab, "start").click()
        wait_until(lambda: _sim_time(status) >= 3.0, 90, "three seconds of pursuit")
        _button(tab, "pause").click()
        wait_until(lambda: "paused" in status.inner_text(), 30, "the scope to pause")
        r = re.search(r"window: ([-\d.]+)", _where(tab))
        assert r and float(r.group(1)) > 0.5, _where(tab)     # the eye follows the object
        pursuit = _figures(tab)[1]
        handle = _slider_handle(tab, "motor_weight")
        handle.focus()
        for _ in range(10):                                  # 0.5 -> 0: no muscles
            tab.keyboard.press("ArrowLeft")
        wait_until(lambda: "0.00" in tab.locator(".widget-slider", has_text="motor_weight")
                   .last.inner_text(), 30, "the motor_weight slider at 0")
        _button(tab, "restart").click()                     # paused: t = 0, one chunk
        wait_until(lambda: 0 < _sim_time(status) < 0.25, 30, "the restart")
        _button(tab, "start").click()
        wait_until(lambda: _sim_time(status) >= 1.0, 90, "a second without muscles")
        _button(tab, "pause").click()
        wait_until(lambda: "paused" in status.inner_text(), 30, "the scope to pause")
        assert "eye +0.00" in _where(tab), _where(tab)       # the eye never moved
        assert _figures(tab)[1] != pursuit

    _check(page, "12_eye_movements.ipynb", test,
           {"retina (rows 0-19) and motoneurons": ["retina", "left motoneuron",
                                                   "right motoneuron"],
            "positions": ["eye", "object"],
            "the retina: receptive fields and the object now": ["firing level", "object"]})

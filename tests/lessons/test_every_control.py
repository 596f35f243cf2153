"""A learner may drag any slider to either end: every control of every lesson panel, at
its extremes, re-runs the model without an error shown in the panel, and changes what the
plots show (no control looks dead); every control of every running demo (Scope), at its
extremes, lets the next chunk run."""

import numpy as np
import pytest

PANELS = [
    ("labkit.lessons.lesson01", "panel"),
    ("labkit.lessons.lesson02", "panel"),
    ("labkit.lessons.lesson03", "panel"),
    ("labkit.lessons.lesson04", "panel"),
    ("labkit.lessons.lesson04", "connectivity_panel"),
    ("labkit.lessons.lesson05", "panel"),
    ("labkit.lessons.lesson06", "panel"),
    ("labkit.lessons.lesson07", "panel"),
    ("labkit.lessons.lesson10", "panel"),
]
#: Controls whose effect is not in the plots, by design, and where it shows instead.
NOT_IN_THE_PLOTS = {"use_network_operation": "the wall time in the status line (lesson 07)"}
#: A change counts as visible when a line moves by this fraction of its plot's height.
VISIBLE = 0.02


def _extremes(widget):
    if hasattr(widget, "options"):  # a choice: every option
        options = list(widget.options)
        return [o[1] if isinstance(o, tuple) else o for o in options]
    if isinstance(widget.value, bool):
        return [not widget.value, widget.value]
    return [widget.max, widget.min]


def _picture(panel) -> list[np.ndarray]:
    """What the browser draws: every mark's x and y, view by view."""
    arrays = []
    for view in panel.views:
        for mark in view.figure.marks:
            arrays += [np.asarray(mark.x, dtype=float), np.asarray(mark.y, dtype=float)]
    return arrays


def _visibly_different(before, after) -> bool:
    for a, b in zip(before, after, strict=True):
        if a.shape != b.shape:
            return True
        if a.size:
            height = max(np.nanmax(a) - np.nanmin(a), 1e-12)
            if np.nanmax(np.abs(a - b)) > VISIBLE * height:
                return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("module, factory", PANELS, ids=[f"{m[-8:]}.{f}" for m, f in PANELS])
def test_every_control_at_its_extremes(module, factory):
    import importlib

    panel = getattr(importlib.import_module(module), factory)()
    assert panel.error is None
    default = _picture(panel)
    for name, control in panel.controls.items():
        widget = control.widget
        assert widget.description.split(" [")[0] != name, f"{name}: a bare variable name"
        original = widget.value
        visible = False
        for value in _extremes(widget):
            widget.value = value
            assert panel.error is None, f"{module}.{factory}: {name}={value!r}: {panel.error}"
            visible = visible or _visibly_different(default, _picture(panel))
        widget.value = original
        assert panel.error is None
        assert visible or name in NOT_IN_THE_PLOTS, \
            f"{module}.{factory}: {name} at its extremes changes nothing visible"


#: The lessons whose demo is a running Scope (``scope(start=False)``).
SCOPES = ["labkit.lessons.lesson08", "labkit.lessons.lesson09", "labkit.lessons.lesson12"]


@pytest.mark.slow
@pytest.mark.parametrize("module", SCOPES, ids=[m[-8:] for m in SCOPES])
def test_every_scope_control_at_its_extremes_lets_the_next_chunk_run(module):
    import importlib

    demo = importlib.import_module(module).scope(start=False)
    if hasattr(demo, "presynaptic"):            # lesson 09: its sliders act on the drive
        demo.presynaptic(True)
    for name, control in demo.controls.items():
        original = control.widget.value
        for value in _extremes(control.widget):
            control.widget.value = value
            assert demo.step() is not None, f"{module}: {name}={value!r}: {demo.error}"
        control.widget.value = original
    assert demo.error is None


@pytest.mark.slow
def test_the_network_operation_box_shows_in_the_wall_time_with_the_same_spikes():
    from labkit.lessons.lesson07 import panel

    p = panel()
    walls, spikes = {}, {}
    for flag in (False, True, False, True, False, True):
        p.set(use_network_operation=flag)
        walls.setdefault(flag, []).append(p.timings[-1])
        spikes[flag] = np.asarray(p.results["spike_t"])
    np.testing.assert_allclose(spikes[True], spikes[False])
    assert np.median(walls[True]) > 2 * np.median(walls[False])

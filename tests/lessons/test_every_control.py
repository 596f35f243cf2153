"""A learner may drag any slider to either end: every control of every lesson panel, at
its extremes, re-runs the model without an error shown in the panel."""

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
]


def _extremes(widget):
    if hasattr(widget, "options"):  # a choice: every option
        options = list(widget.options)
        return [o[1] if isinstance(o, tuple) else o for o in options]
    if isinstance(widget.value, bool):
        return [not widget.value, widget.value]
    return [widget.max, widget.min]


@pytest.mark.slow
@pytest.mark.parametrize("module, factory", PANELS, ids=[f"{m[-8:]}.{f}" for m, f in PANELS])
def test_every_control_at_its_extremes(module, factory):
    import importlib

    panel = getattr(importlib.import_module(module), factory)()
    assert panel.error is None
    for name, control in panel.controls.items():
        widget = control.widget
        original = widget.value
        for value in _extremes(widget):
            widget.value = value
            assert panel.error is None, f"{module}.{factory}: {name}={value!r}: {panel.error}"
        widget.value = original
        assert panel.error is None

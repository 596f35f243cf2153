"""Controls: units on the label, Quantities out, log/int/choice/checkbox, spec parsing."""

import ipywidgets as W
import numpy as np
import pytest

from labkit.units import (
    DimensionMismatchError,
    Mohm,
    Quantity,
    mS,
    ms,
    mV,
    nA,
    nS,
    pA,
    pF,
    second,
    uS,
)
from labkit.widgets.controls import (
    CheckControl,
    ChoiceControl,
    FloatControl,
    IntControl,
    control_from_spec,
    on_grid,
)


def test_float_control_shows_its_unit_and_gives_quantities():
    c = FloatControl("I", 0 * nA, 2 * nA, 0.5 * nA)
    assert isinstance(c.widget, W.FloatSlider)
    assert c.widget.description == "I [nA]"
    assert (c.widget.min, c.widget.max, c.widget.value) == (0.0, 2.0, 0.5)
    assert isinstance(c.value, Quantity) and c.value.dim is nA.dim
    assert float(c.value) == pytest.approx(0.5e-9)
    c.widget.value = 1.25                     # what the browser does: a bare number
    assert float(c.value) == pytest.approx(1.25e-9)
    c.value = 300 * pA                        # what code does: a Quantity, any unit
    assert c.widget.value == pytest.approx(0.3)


def test_log_control_for_time_constants():
    c = FloatControl("tau", 1 * ms, 100 * ms, 20 * ms, log=True)
    assert isinstance(c.widget, W.FloatLogSlider)
    assert c.widget.description == "tau [ms]"
    assert (c.widget.min, c.widget.max) == pytest.approx((0.0, 2.0))
    assert float(c.value) == pytest.approx(0.02)
    default = FloatControl("g", 0.1 * nS, 10 * nS, log=True)   # geometric middle
    assert float(default.value) == pytest.approx(1e-9)


def test_unit_can_be_forced_and_range_defaults():
    c = FloatControl("tau", 0.001 * second, 0.1 * second, unit=ms)
    assert c.widget.description == "tau [ms]"
    assert c.widget.step == 1.0                                # 99 ms: a nice step, ends on it
    assert float(c.value) == pytest.approx(0.051)             # the grid point mid-range


@pytest.mark.parametrize(("lo", "hi", "default", "step"), [
    (0.0, 3.0, 1.0, 0.1),          # lesson 02's I = 1.0 (was 0.99 after a move)
    (-0.5, 0.5, 0.0, 0.05),
    (0.0, 0.2, 0.05, 0.01),        # at least 20 steps, so that a key press shows
    (0.1, 1.5, 0.8, 0.05),
    (0.0, 1.0, 0.123456, None),    # no nice step fits: an exact division of the default
])
def test_a_default_lies_on_the_slider_grid(lo, hi, default, step):
    c = FloatControl("x", lo, hi, default)
    w = c.widget
    assert w.value == default
    assert on_grid(w.value, w.min, w.step) and (hi - lo) / w.step >= 20
    if step is not None:
        assert w.step == pytest.approx(step) and on_grid(w.max, w.min, w.step)
        digits = {0.1: ".1f", 0.05: ".2f", 0.01: ".2f"}[step]   # the readout: 1.0, not 1.000
        assert w.readout_format == digits


@pytest.mark.parametrize(("lo", "hi", "default"), [
    (20 * pF, 1000 * pF, 200 * pF), (2 * ms, 50 * ms, 10 * ms), (0.2 * uS, 40 * uS, 20 * uS),
    (1 * ms, 100 * ms, 1 * ms)])
def test_a_log_slider_default_lies_on_its_exponent_grid(lo, hi, default):
    c = FloatControl("x", lo, hi, default, log=True)
    w = c.widget
    assert on_grid(np.log10(w.value), w.min, w.step)
    assert float(c.value) == pytest.approx(float(default), rel=1e-12)
    assert 15 <= 1 / w.step <= 25                               # about 20 steps a decade


def test_a_step_that_misses_the_default_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"default 1 is not on the slider's grid 0 \+ "
                                         r"k\*0.03.*divides 1"):
        FloatControl("I", 0.0, 3.0, 1.0, step=0.03)
    with pytest.raises(ValueError, match="outside"):
        FloatControl("I", 0.0, 3.0, 4.0)


def test_a_control_can_have_a_readable_label_and_help():
    c = FloatControl("R", 10 * Mohm, 500 * Mohm, 100 * Mohm, log=True, unit=Mohm,
                     label="membrane resistance R", help="R sets the steady state")
    assert c.widget.description == "membrane resistance R [Mohm]"
    assert c.widget.tooltip == "R sets the steady state"


def test_dimensionless_control_gives_floats():
    c = FloatControl("a_sp", 0, 4, 1.5, label="alpha_s+")
    assert c.widget.description == "alpha_s+"
    assert c.value == 1.5 and type(c.value) is float


def test_wrong_units_are_refused():
    with pytest.raises((ValueError, DimensionMismatchError)):
        FloatControl("tau", 1 * ms, 100 * mV)
    c = FloatControl("tau", 1 * ms, 100 * ms)
    with pytest.raises(ValueError, match="units"):
        c.value = 3 * mV
    with pytest.raises(ValueError, match="min > 0"):
        FloatControl("tau", 0 * ms, 10 * ms, log=True)
    with pytest.raises(ValueError, match="below"):
        FloatControl("x", 2, 1)


def test_int_choice_and_checkbox():
    n = IntControl("N", 1, 100, 10)
    assert isinstance(n.widget, W.IntSlider) and n.value == 10
    method = ChoiceControl("method", ["euler", "rk4", "exact"], "rk4")
    assert method.value == "rk4"
    method.widget.value = 2                   # the dropdown holds positions
    assert method.value == "exact"
    dt = ChoiceControl("dt", {"fine": 0.01 * ms, "coarse": 0.1 * ms})
    assert [o[0] for o in dt.widget.options] == ["fine", "coarse"]
    dt.value = 0.1 * ms
    assert float(dt.value) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="not one of"):
        dt.value = 0.5 * ms
    noise = CheckControl("noise", True)
    assert noise.value is True
    noise.widget.value = False
    assert noise.value is False


def test_reset_and_observe():
    c = FloatControl("g", 1 * mS, 10 * mS, 2 * mS)
    seen = []
    c.observe(lambda control: seen.append(float(control.value)))
    c.value = 5 * mS
    c.reset()
    assert seen == pytest.approx([5e-3, 2e-3])
    c.continuous_update = False
    assert c.widget.continuous_update is False


@pytest.mark.parametrize(("spec", "default", "kind", "value"), [
    ((1 * ms, 100 * ms, "log"), None, FloatControl, 10 * ms),
    ((0, 3), None, FloatControl, 1.5),                 # not interact's IntSlider: see docs
    ((0, 3, 0.5), 1.0, FloatControl, 1.0),
    ((1, 10), 3, IntControl, 3),
    ((1, 10, 1), None, IntControl, 5),
    (["euler", "rk4"], "rk4", ChoiceControl, "rk4"),
    (True, None, CheckControl, True),
    ((0 * nA, 1 * nA), 0.2 * nA, FloatControl, 0.2 * nA),
])
def test_control_from_spec(spec, default, kind, value):
    c = control_from_spec("p", spec, default)
    assert type(c) is kind
    if isinstance(value, str):
        assert c.value == value
    else:
        assert np.allclose(np.asarray(c.value, dtype=float), np.asarray(value, dtype=float))


def test_control_from_spec_errors_say_what_is_accepted():
    with pytest.raises(TypeError, match=r"\(min, max\)"):
        control_from_spec("p", "fast")

"""Lesson 09: the running pair of neurons with a modulatory synapse (the presynaptic button,
the sliders, the depression switch), the stacked-traces figure and bursting_time (its
checkers are tried in test_checkers.py)."""

import doctest

import numpy as np
import pytest

import labkit.lessons.lesson09 as lesson09
from labkit import Hz, ms, second
from labkit.lessons.lesson09 import ModulationModel, bursting_time, plot_protocol, scope
from labkit.widgets import TraceView


def test_doctests():
    assert doctest.testmod(lesson09, optionflags=doctest.ELLIPSIS).failed == 0


def test_the_presynaptic_switch_drives_the_trace_and_the_modulation():
    model = ModulationModel()
    quiet = model.advance(2 * second)
    assert np.all(np.asarray(quiet["s"]) == 0) and not quiet["pre_on"]
    model.presynaptic(True)
    on = model.advance(2 * second)
    s = np.asarray(on["s"])
    assert on["pre_on"] and 15 < s[0, -500:].mean() < 25           # ~20 Hz
    assert np.asarray(on["alpha_mod"])[-1] == pytest.approx(-0.99, abs=0.01)
    g, alpha = np.asarray(on["g"])[-1], np.asarray(on["alpha_mod"])[-1]
    assert 0.8 < g < 1 and np.asarray(on["a_sp"])[-1] == pytest.approx(2.5 + g * alpha, abs=1e-3)
    assert s[1, -1] > s[1, 0]                                      # s_dep climbs slowly
    model.presynaptic(False)
    off = model.advance(2 * second)
    assert np.asarray(off["s"])[0, -1] < 0.1 and len(model.network) == 3


def test_depression_off_is_the_additive_synapse():
    with_depression, without = ModulationModel(), ModulationModel()
    without.set(depression=False)
    for model in (with_depression, without):
        model.presynaptic(True)
        model.advance(8 * second)
    assert np.asarray(without.advance(100 * ms)["g"]) == pytest.approx(1.0)
    assert np.asarray(with_depression.advance(100 * ms)["g"])[-1] < 0.5
    without.set(g0=0.5, tau_syn=100 * ms)
    assert without.synapses.g0[0] == 0.5 and float(without.synapses.tau_fac[0]) == 0.1
    assert np.asarray(without.advance(500 * ms)["alpha_mod"])[-1] * 0.5 == \
        pytest.approx(np.asarray(without.advance(1 * ms)["a_sp"])[-1] - 2.5, abs=0.01)
    with pytest.raises(TypeError, match="no parameter 'tau_fac'"):
        without.set(tau_fac=1 * second)


def test_the_neuron_bursts_while_the_presynaptic_neuron_fires_and_the_label_says_so():
    model = ModulationModel()
    model.set(depression=False)
    model.presynaptic(True)
    model.advance(12 * second)
    assert model.advance(100 * ms)["regime"].startswith(("bursting: 7", "bursting: 8"))


def test_scope_stacks_the_traces_and_the_button_switches_the_neuron():
    demo = scope(start=False)
    assert [v.var for v in demo.views if isinstance(v, TraceView)] == \
        ["V_pre", "s", "alpha_mod", "g", "V"]
    assert {v.t_unit.factor for v in demo.views} == {1.0}          # one time axis, in s
    assert set(demo.controls) == {"beta", "theta", "tau_syn", "tau_dep", "g0", "depression"}
    assert [label for label, _, _ in demo.views[1].legend_entries()] == ["s", "s_dep"]
    for name, control in demo.controls.items():           # named by what they do, not bare
        assert control.widget.description.split(" [")[0] not in (name, ""), name
    before = np.asarray(demo.views[1].line.y).copy()
    demo.pre_button.value = True                                   # paused: a chunk now
    assert demo.model.pre_on and demo.pre_button.description.endswith("on")
    assert np.asarray(demo.views[1].line.y).max() > before.max() + 1
    demo.controls["theta"].value = 10.0                            # half modulation at 20 Hz
    assert demo.model.synapses.theta_fac[0] == 10.0
    for _ in range(20):
        demo.step()
    assert "effective a_sp" in demo.readout_line.value
    alpha = np.asarray(demo.results["alpha_mod"])[-1000:]
    assert -0.7 < alpha.mean() < -0.3


def test_bursting_time():
    assert bursting_time([]) == 0.0 and bursting_time(np.arange(8, 24, 0.1)) == 0.0
    bursts = np.concatenate([9 + np.arange(6) * 0.08, 11 + np.arange(6) * 0.08,
                             13 + np.arange(0, 11, 0.15)])
    assert bursting_time(bursts) == pytest.approx(5.0)
    assert bursting_time(bursts, on=(8, 12)) == pytest.approx(3.0)


def test_protocol_figure_has_one_row_per_trace_and_the_voltage():
    from labkit.models.neuromodulation import simulate_modulation

    objects = simulate_modulation("depressive", schedule=((1 * second, False),
                                                         (1 * second, True)))
    fig = plot_protocol(objects, on=(1, 2))
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == ["s [Hz]", "s_dep [Hz]", "alpha_mod", "g", "V (post)"]
    assert float(objects["traces"].s_fac[0][-1] / Hz) > 10

"""Lesson 07, network operations and TimedArray: the input model, its panel, the checkers.

The panel drives the course's LIF with a square-wave input (``amplitude``, ``period``) in
one of two ways, chosen by a checkbox:

* a ``network_operation`` that sets ``G.I`` from Python at every step;
* a ``TimedArray`` ``I_ext(t)`` read inside the compiled loop.

Both give the same spikes; the panel's status line shows the wall time, which is the point:
a network operation returns to Python every time it is called.
"""

from __future__ import annotations

import numpy as np

from labkit import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    TimedArray,
    defaultclock,
    get_dimensions,
    ms,
    network_operation,
)
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.models.lif import LIF_EQS, V_T, lif_namespace
from labkit.widgets import (
    CheckControl,
    FloatControl,
    NetworkModel,
    Panel,
    RasterView,
    Results,
    TraceView,
)

__all__ = ["square_wave", "InputModel", "panel", "CHECKS", "reset_every"]

DURATION = 200 * ms
EQS_TIMED = """
dv/dt = (-v + I_ext(t))/tau : 1 (unless refractory)
"""


def square_wave(amplitude, period, duration=DURATION, dt=0.1 * ms) -> np.ndarray:
    """Values of a square wave (``amplitude`` in the first half of each period, else 0)."""
    t = np.arange(int(round(float(duration / dt)))) * float(dt)
    return float(amplitude) * ((t % float(period)) < float(period) / 2)


class InputModel:
    """simulate(amplitude, period, use_network_operation) -> ``v``, spikes, ``I_stim``."""

    def __init__(self):
        ns = lif_namespace()
        timed = NeuronGroup(1, EQS_TIMED, threshold="v > V_t", reset="v = V_r",
                            refractory="tau_ref", method="euler", name="timed")
        self.timed = NetworkModel(
            Network(timed, StateMonitor(timed, "v", record=0), SpikeMonitor(timed)),
            DURATION, namespace=ns)
        python = NeuronGroup(1, LIF_EQS, threshold="v > V_t", reset="v = V_r",
                             refractory="tau_ref", method="euler", name="python")
        self.wave = np.zeros(1)

        @network_operation(dt=defaultclock.dt)
        def drive(t):
            step = min(int(round(float(t / defaultclock.dt))), len(self.wave) - 1)
            python.I = self.wave[step]

        self.python = NetworkModel(
            Network(python, StateMonitor(python, "v", record=0), SpikeMonitor(python), drive),
            DURATION, namespace=ns)

    def simulate(self, amplitude=1.5, period=40 * ms, use_network_operation=False) -> Results:
        self.wave = square_wave(amplitude, period)
        if use_network_operation:
            results = self.python.simulate()
        else:
            stim = TimedArray(self.wave, dt=defaultclock.dt)
            results = self.timed.simulate(I_ext=stim)
        return Results({**results, "I_stim": self.wave}, sim_time=results.sim_time)


def panel(**kw) -> Panel:
    """amplitude, period, use_network_operation -> v with the input, spikes, wall time."""
    controls = [FloatControl("amplitude", 0.0, 3.0, 1.5, label="input amplitude"),
                FloatControl("period", 5 * ms, 100 * ms, 40 * ms, log=True, unit=ms,
                             label="input period"),
                CheckControl("use_network_operation", False,
                             label="set the input from Python at every step "
                                   "(network_operation) instead of a TimedArray")]
    views = [TraceView("v", threshold=V_T, threshold_label="threshold V_t",
                       title="v (dimensionless)"),
             TraceView("I_stim", title="input (square wave)", height="140px"),
             RasterView(title="spikes", height="110px")]
    return Panel(InputModel(), controls, views,
                 title="Time-varying input: network_operation or TimedArray", **kw)


# -- checkers -------------------------------------------------------------------------------
def reset_every(interval=20 * ms, I=0.9, duration=100 * ms):
    """The reference of exercise 07.1: (v trace of the neuron, number of spikes)."""
    group = NeuronGroup(1, LIF_EQS, threshold="v > V_t", reset="v = V_r",
                        refractory="tau_ref", method="exact")
    group.I = I

    @network_operation(dt=interval)
    def reset():
        group.v = 0

    state, spikes = StateMonitor(group, "v", record=0), SpikeMonitor(group)
    Network(group, state, spikes, reset).run(duration, namespace=lif_namespace())
    return np.asarray(state.v[0]), spikes.num_spikes


def _check_reset(v, num_spikes):
    """07.1: I = 0.9, reset v to 0 every 20 ms with a network operation, 100 ms."""
    want_v, want_n = reset_every()
    got = np.asarray(v, dtype=float)
    yield expect_true(int(num_spikes) == want_n, "num_spikes is right",
                      "num_spikes is not what this protocol gives",
                      "how long does the neuron need to reach V_t from 0 with I = 0.9?")
    if got.shape != want_v.shape:
        yield Verdict(False, f"v has {got.size} samples; 100 ms at 0.1 ms has 1000",
                      "record v of neuron 0 at every step: Vmon.v[0]")
        return
    yield expect_true(np.allclose(got, want_v, rtol=1e-6, atol=1e-9),
                      "v is reset at the right times",
                      "v does not drop to 0 every 20 ms as expected",
                      "network_operation(dt=20*ms) calls the function every 20 ms, from t = 0")


def _check_call_times(calls):
    """07.a (inline): the times at which a network operation with dt = 20 ms is called
    during a 100 ms run."""
    items = list(calls) if np.ndim(calls) == 1 else []
    timed = bool(items) and all(get_dimensions(c) is ms.dim for c in items)
    got = np.array([float(c) for c in items])
    want = np.arange(5) * 0.02
    yield expect_true(timed, "calls are times", "calls is not a list of times",
                      "append the t the operation receives, with its unit")
    yield expect_true(got.shape == want.shape and np.allclose(got, want),
                      "the operation runs at the right times",
                      f"the operation should run {want.size} times, at other times than "
                      f"these", "a network operation first runs at t = 0, then every dt; the "
                                "run ends before t = 100 ms")


def _check_slow_monitor(Vmon):
    """07.3: v of the course neuron (I = 1.2) sampled every 1 ms by a monitor on its own
    clock, while the neuron is integrated at 0.1 ms, in an explicit Network, for 100 ms."""
    group = NeuronGroup(1, LIF_EQS, threshold="v > V_t", reset="v = V_r",
                        refractory="tau_ref", method="exact", dt=0.1 * ms)
    group.I = 1.2
    state = StateMonitor(group, "v", record=0, dt=1 * ms)
    Network(group, state).run(100 * ms, namespace=lif_namespace())
    times = np.asarray(getattr(Vmon, "t_", []), dtype=float)
    yield expect_true(times.shape == (100,) and np.allclose(times, state.t_),
                      "Vmon sampled every 1 ms", "Vmon does not hold 100 samples 1 ms apart",
                      "StateMonitor(G, 'v', record=0, dt=1*ms), or clock=Clock(dt=1*ms)")
    if times.shape == (100,):
        values = np.asarray(getattr(Vmon, "v", np.zeros((1, 0))), dtype=float)
        yield expect_true(values.ndim == 2 and values.shape[1] == 100
                          and np.allclose(values[0], state.v[0], rtol=1e-9, atol=1e-12),
                          "the neuron was integrated at 0.1 ms",
                          "v does not match a neuron integrated at 0.1 ms with I = 1.2",
                          "only the monitor gets the 1 ms clock; the group keeps 0.1 ms")


def _check_timed(stim, num_spikes):
    """07.2: a TimedArray, 1.5 for 20 <= t < 60 ms and 0 otherwise (dt = 1 ms, 100 values),
    driving the course LIF for 100 ms."""
    values = np.asarray(getattr(stim, "values", []), dtype=float)
    want = np.where((np.arange(100) >= 20) & (np.arange(100) < 60), 1.5, 0.0)
    if values.shape != want.shape:
        yield Verdict(False, f"stim holds {values.size} values; 100 ms at 1 ms steps is 100",
                      "TimedArray(values, dt=1*ms) with one value per millisecond")
        return
    yield expect_close("stim's dt", getattr(stim, "dt", None), 1 * ms,
                       hint="pass dt=1*ms to TimedArray")
    yield expect_true(np.allclose(values, want), "stim has the right values",
                      "stim's values are not 1.5 exactly from 20 ms to 60 ms",
                      "index k of the array holds the value for k*dt <= t < (k+1)*dt")
    group = NeuronGroup(1, EQS_TIMED, threshold="v > V_t", reset="v = V_r",
                        refractory="tau_ref", method="euler")
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(100 * ms, namespace=lif_namespace(
        I_ext=TimedArray(want, dt=1 * ms)))
    yield expect_true(int(num_spikes) == spikes.num_spikes, "num_spikes is right",
                      "num_spikes does not match that input",
                      "use I_ext(t) in the equation in place of I, and run 100 ms")


CHECKS = {"07.a": _check_call_times, "07.1": _check_reset, "07.2": _check_timed,
          "07.3": _check_slow_monitor}

"""Lesson 02, the leaky integrate-and-fire neuron: the panel's model, the panel, checkers.

The panel runs the course's minimal LIF script (:mod:`labkit.models.lif`), built once:
``tau``, ``V_t``, ``V_r`` and ``tau_ref`` are external constants given to each run, ``I``
is the group's variable; moving a slider restores the stored initial state, sets the
values and runs again, with the kernel compiled once.
"""

from __future__ import annotations

import numpy as np

from labkit import get_dimensions, ms, second
from labkit.lessons.checking import expect_close, expect_true
from labkit.lessons.common import WithValues
from labkit.models.lif import TAU, TAU_REF, V_R, V_T, lif_namespace, lif_network
from labkit.widgets import FloatControl, NetworkModel, Panel, RasterView, TraceView

__all__ = ["lif_model", "panel", "lif_spike_times", "CHECKS"]


def lif_model(duration=100 * ms) -> WithValues:
    """The course's LIF as a panel model: simulate(tau, I, V_t, V_r, tau_ref) -> Results.

    ``v`` starts at ``V_r``; the results also hold ``V_t`` (for the threshold line).
    """
    net, objects = lif_network(1)
    group = objects["neurons"]

    def start_at_reset(value):
        group.v = value
        model.namespace["V_r"] = value

    model = NetworkModel(net, duration, targets={"I": "neurons.I", "V_r": start_at_reset},
                         monitors=[objects["state"], objects["spikes"]])
    return WithValues(model, lambda p: {"V_t": p["V_t"]})


def panel(**kw) -> Panel:
    """tau, I, V_t, V_r, tau_ref -> the membrane trace (threshold dashed) and the spikes."""
    controls = [FloatControl("tau", 1 * ms, 100 * ms, TAU, log=True, unit=ms,
                             label="membrane time constant tau"),
                FloatControl("I", 0.0, 3.0, 1.0, label="input I"),
                FloatControl("V_t", 0.1, 1.5, V_T, label="threshold V_t"),
                FloatControl("V_r", -0.5, 0.5, V_R, label="reset V_r"),
                FloatControl("tau_ref", 0 * ms, 20 * ms, TAU_REF, unit=ms,
                             label="refractory period tau_ref")]
    views = [TraceView("v", threshold="V_t", threshold_label="threshold V_t",
                       title="v (dimensionless)"),
             RasterView(title="spikes", height="120px")]
    return Panel(lif_model(), controls, views, title="Leaky integrate-and-fire", **kw)


# -- checkers -------------------------------------------------------------------------------
def lif_spike_times(I, tau_ref=TAU_REF, duration=100 * ms, steps=None):
    """The lesson's LIF (from v = 0) -> its spike times, as a Quantity array.

    ``steps``: a list of inputs, one per equal part of ``duration`` (the step protocol of
    section 5), run one after the other as the lesson does; otherwise ``I`` is constant.
    """
    net, objects = lif_network(1, I=I)
    namespace = lif_namespace(tau_ref=tau_ref)
    if steps is None:
        net.run(duration, namespace=namespace)
    else:
        for value in steps:
            objects["neurons"].I = value
            net.run(duration / len(steps), namespace=namespace)
    return objects["spikes"].t[:]


def _check_interval(isi):
    """02.a (inline): the interval between spikes for I = 1.5, from the formula."""
    period = TAU_REF + TAU * np.log(1.5 / (1.5 - V_T))
    yield expect_close("isi", isi, period, rtol=0.01,
                       hint="after a spike the neuron waits tau_ref, then climbs from V_r to "
                            "V_t again: add the two")


def _check_step_counts(amplitudes, per_step):
    """02.b (inline): five 20 ms steps of the given amplitudes: spikes in each step."""
    amplitudes = np.asarray(amplitudes, dtype=float)
    yield expect_true(amplitudes.shape == (5,), "amplitudes holds the five steps",
                      "amplitudes should hold one input per step: five numbers",
                      "collect group.I[0] (or the value you set) in each pass of the loop")
    if amplitudes.shape != (5,):
        return
    times = np.asarray(lif_spike_times(1.0, duration=100 * ms, steps=list(amplitudes)) / ms)
    want = np.histogram(times, bins=np.arange(6) * 20)[0]
    got = np.asarray(per_step)
    yield expect_true(got.shape == (5,), "per_step has one count per step",
                      f"per_step has shape {got.shape}; it needs five counts",
                      "np.histogram(Smon.t/ms, bins=[0, 20, 40, 60, 80, 100])[0]")
    if got.shape == (5,):
        yield expect_true(np.array_equal(got, want), "per_step is right",
                          "per_step does not match the spikes of that protocol",
                          "a spike at exactly 20 ms belongs to the second step; count each "
                          "step's spikes separately, not the running total")


def _check_first_spike(t_first):
    """02.1: with I = 1.5 (tau 10 ms, V_t 0.8, from v = 0), when does it first cross V_t?"""
    exact = TAU * np.log(1.5 / (1.5 - V_T))
    yield expect_close("t_first", t_first, exact, rtol=0.02,
                       hint="solve v(t) = I (1 - exp(-t/tau)) = V_t for t; np.log is the "
                            "natural logarithm")


def _check_rheobase(I_min):
    """02.2: the smallest constant input for which the course's LIF fires at all."""
    yield expect_close("I_min", I_min, V_T, rtol=0.02,
                       hint="without a threshold, v would settle at I; what must I exceed?")


def _check_rate(tau_ref, rate):
    """02.3: choose tau_ref so that the neuron fires at 40 Hz with I = 1; report the rate
    measured in a 1 s simulation with that tau_ref."""
    yield expect_true(get_dimensions(tau_ref) is ms.dim and float(tau_ref) >= 0,
                      "tau_ref is a duration >= 0", "tau_ref must be a non-negative time",
                      "e.g. tau_ref = 3*ms")
    needed = 25 * ms - TAU * np.log((1 - V_R) / (1 - V_T))     # 40 Hz: a 25 ms period
    yield expect_close("tau_ref", tau_ref, needed, rtol=0.025,
                       hint="period = tau_ref + time to climb from V_r to V_t; 40 Hz is a "
                            "25 ms period")
    if get_dimensions(tau_ref) is ms.dim and float(tau_ref) >= 0:
        measured = len(lif_spike_times(1.0, tau_ref=tau_ref, duration=1 * second)) / second
        yield expect_close("rate", rate, measured, rtol=0.026,
                           hint="run 1 s with your tau_ref and I = 1, count the spikes "
                                "(Smon.num_spikes) and divide by the duration")


CHECKS = {"02.a": _check_interval, "02.b": _check_step_counts,
          "02.1": _check_first_spike, "02.2": _check_rheobase, "02.3": _check_rate}

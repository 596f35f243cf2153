"""Lesson 03, monitors: a population to record from, its panel, the checkers.

The panel's network: ``N`` course LIF neurons with noise; neuron ``i`` receives
``I_max * i / (N - 1)``, so the population spans silent to fast-firing cells, and the three
monitors each have something to show: a StateMonitor (three neurons' traces), a
SpikeMonitor (the raster) and a PopulationRateMonitor (the rate, smoothed).
"""

from __future__ import annotations

import numpy as np

from labkit import PopulationRateMonitor, ms
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.models.lif import V_T, lif_namespace, lif_network, simulate_lif
from labkit.widgets import FloatControl, NetworkModel, Panel, RasterView, RateView, TraceView

__all__ = ["population_model", "panel", "CHECKS"]


def population_model(N: int = 100, duration=200 * ms) -> NetworkModel:
    """simulate(I_max, sigma, tau) -> Results with ``v`` (3 neurons), spikes and rate."""
    record = [0, N // 2, N - 1]
    net, objects = lif_network(N, record=record, noisy=True)
    group = objects["neurons"]
    rate = PopulationRateMonitor(group)
    net.add(rate)

    def set_inputs(I_max):
        group.I = float(I_max) * np.arange(N) / (N - 1)

    return NetworkModel(net, duration, targets={"I_max": set_inputs},
                        namespace=lif_namespace(), monitors=[objects["state"],
                                                             objects["spikes"], rate])


def panel(**kw) -> Panel:
    """I_max, sigma, tau -> traces of neurons 0, N/2, N-1; raster; population rate."""
    N = 100
    controls = [FloatControl("I_max", 0.0, 3.0, 2.0, label=f"input of neuron {N - 1}, I_max"),
                FloatControl("sigma", 0.0, 0.5, 0.1, label="noise sigma"),
                FloatControl("tau", 2 * ms, 50 * ms, 10 * ms, log=True, unit=ms,
                             label="membrane time constant tau")]
    views = [TraceView("v", threshold=V_T, threshold_label="threshold V_t",
                       labels=[f"neuron {k}" for k in (0, N // 2, N - 1)],
                       title="v of three neurons (StateMonitor)"),
             RasterView(title="spikes (SpikeMonitor)", height="220px"),
             RateView(smooth=5 * ms, title="population rate, 5 ms window "
                      "(PopulationRateMonitor)", height="180px")]
    return Panel(population_model(N), controls, views,
                 title="Three monitors on one population", **kw)


# -- checkers -------------------------------------------------------------------------------
def _check_top_rates(rates_top):
    """03.a (inline): the lesson's population (100 neurons, I = 2i/99, 200 ms): the firing
    rate of each of neurons 50..99."""
    _, spikes = simulate_lif(I=2.0 * np.arange(100) / 99, duration=200 * ms, N=100)
    yield expect_close("rates_top", rates_top, spikes.count[50:] / (200 * ms), rtol=1e-6,
                       hint="Smon.count[50:] holds the spike counts of neurons 50..99; a "
                            "rate is a count divided by the duration")


def _check_spikes(num_spikes, isi):
    """03.1: the course script (I = 1, 70 ms): number of spikes, and the intervals."""
    _, spikes = simulate_lif(I=1.0, duration=70 * ms)
    yield expect_true(int(np.asarray(num_spikes)) == spikes.num_spikes,
                      "num_spikes is right", "num_spikes is not the number of spikes",
                      "a SpikeMonitor counts them for you")
    yield expect_close("isi", isi, np.diff(spikes.t), rtol=1e-6,
                       hint="the intervals are the differences of successive spike times "
                            "(np.diff), in units of time")


def _check_counts(count, first_firing):
    """03.2: 10 neurons, I = i*0.3 (i = 0..9), 200 ms: spikes per neuron; first that fires."""
    _, spikes = simulate_lif(I=np.arange(10) * 0.3, duration=200 * ms, N=10)
    got = np.asarray(count)
    want = np.asarray(spikes.count)
    if got.shape != want.shape:
        yield Verdict(False, f"count has shape {got.shape}; it needs one number per neuron",
                      "Smon.count is an array indexed by neuron")
        return
    yield expect_true(np.array_equal(got, want), "count is right",
                      "count does not match the spikes of that run",
                      "did you set I and run for 200 ms, from v = 0?")
    yield expect_true(int(first_firing) == int(np.flatnonzero(want)[0]),
                      "first_firing is right", "first_firing is not the lowest-index neuron "
                      "that fires", "np.flatnonzero(count) lists the neurons with spikes")


def _check_trace(Vmon, v_22):
    """03.3: the course neuron with I = 1.2 (from 0), recorded for 40 ms: the monitor, and v
    at t = 22 ms read from it (after the first spike: no simple formula gives it)."""
    state, _ = simulate_lif(I=1.2, duration=40 * ms)
    want_t, want_v = np.asarray(state.t_), np.asarray(state.v[0])
    times = np.asarray(getattr(Vmon, "t_", []), dtype=float)
    yield expect_true(times.shape == want_t.shape and np.allclose(times, want_t),
                      "Vmon recorded every step of 40 ms",
                      "Vmon is not a StateMonitor that recorded the 40 ms run at every step",
                      "pass the monitor itself: StateMonitor(G, 'v', record=True), run(40*ms)")
    if times.shape == want_t.shape:
        values = np.asarray(getattr(Vmon, "v", np.zeros((1, 0))), dtype=float)
        yield expect_true(values.ndim == 2 and values.shape[1] == want_v.size
                          and np.allclose(values[0], want_v, rtol=1e-9, atol=1e-12),
                          "Vmon holds v of the neuron with I = 1.2",
                          "the recorded v is not that of the neuron with I = 1.2 from v = 0",
                          "set G.I = 1.2 before the run")
    yield expect_close("v_22", v_22, want_v[np.argmin(np.abs(want_t - 0.022))], rtol=1e-6,
                       hint="the sample nearest 22 ms: k = np.argmin(np.abs(Vmon.t - 22*ms)), "
                            "then Vmon.v[0][k]. The neuron has spiked once by then: a "
                            "formula for the first climb does not apply")


CHECKS = {"03.a": _check_top_rates,
          "03.1": _check_spikes, "03.2": _check_counts, "03.3": _check_trace}

"""NetworkModel and as_results on real labkit networks and monitors (the engine's public,
Brian2-like API: Network, store/restore, run(namespace=...), monitors)."""

import numpy as np
import pytest

from labkit import (
    Network,
    NeuronGroup,
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    ms,
)
from labkit.widgets import FloatControl, NetworkModel, Panel, RasterView, TraceView, as_results

EQS = """
dv/dt = (I - v) / tau : 1
I : 1
"""


def build(n=5):
    group = NeuronGroup(n, EQS, threshold="v > 1", reset="v = 0", method="exact",
                        name="neurons")
    state = StateMonitor(group, "v", record=[0, 1])
    spikes = SpikeMonitor(group)
    rate = PopulationRateMonitor(group)
    return Network(group, state, spikes, rate), group


@pytest.fixture(scope="module")
def model():
    net, _ = build()
    return NetworkModel(net, 100 * ms, targets={"I": "neurons.I"},
                        namespace={"tau": 10 * ms})


def test_simulate_restores_sets_and_runs(model):
    weak = model.simulate(I=1.5)
    again = model.simulate(I=1.5)                    # restored: the same, not continued
    strong = model.simulate(I=3.0)
    np.testing.assert_array_equal(np.asarray(weak["spike_t"]), np.asarray(again["spike_t"]))
    assert len(strong["spike_t"]) > len(weak["spike_t"]) > 0
    assert float(weak["t"][-1]) < 0.1 + 1e-9 and weak["v"].shape == (2, 1000)
    assert set(weak) >= {"t", "v", "spike_t", "spike_i", "rate_t", "rate"}
    # exact LIF: first spike at tau*ln(I/(I-1)) for v(0) = 0
    first = float(np.min(np.asarray(strong["spike_t"])))
    assert first == pytest.approx(0.01 * np.log(3 / 2), abs=1.1e-4)


def test_namespace_parameters_reach_run(model):
    slow = model.simulate(I=3.0, tau=20 * ms)
    fast = model.simulate(I=3.0, tau=5 * ms)
    assert len(fast["spike_t"]) > len(slow["spike_t"])


def test_chunks_continue_the_same_run(model):
    whole = model.simulate(I=2.0)
    model.start(I=2.0)
    first = model.advance(40 * ms)
    second = model.advance(60 * ms)
    assert second.sim_time == pytest.approx(0.1)
    assert float(np.min(second["t"])) >= 0.04 - 1e-12
    joined = np.concatenate([np.asarray(first["spike_t"]), np.asarray(second["spike_t"])])
    np.testing.assert_allclose(joined, np.asarray(whole["spike_t"]))
    model.set(I=4.0)                                 # a change between chunks
    third = model.advance(100 * ms)
    assert len(third["spike_t"]) > len(whole["spike_t"])


def test_a_panel_on_a_labkit_network(model):
    panel = Panel(model, [FloatControl("I", 0.0, 4.0, 1.5),
                          FloatControl("tau", 1 * ms, 100 * ms, 10 * ms, log=True)],
                  [TraceView("v", threshold=1.0), RasterView()])
    assert panel.error is None
    n0 = panel.views[1].drawn()[0].size
    panel.controls["I"].value = 3.5
    assert panel.views[1].drawn()[0].size > n0


def test_as_results_reads_labkit_monitors_and_stacks_populations():
    exc = NeuronGroup(3, EQS, threshold="v > 1", reset="v = 0", method="exact")
    inh = NeuronGroup(2, EQS, threshold="v > 1", reset="v = 0", method="exact")
    exc.I, inh.I = 2.0, 3.0
    s_exc, s_inh = SpikeMonitor(exc), SpikeMonitor(inh)
    Network(exc, inh, s_exc, s_inh).run(50 * ms, namespace={"tau": 10 * ms})
    results = as_results({"exc": s_exc, "inh": s_inh})
    assert results["populations"] == ("exc", "inh")
    i, pop = np.asarray(results["spike_i"]), np.asarray(results["spike_pop"])
    assert set(i[pop == 0]) == {0, 1, 2} and set(i[pop == 1]) == {3, 4}   # stacked
    assert results["spike_t"].dim is ms.dim

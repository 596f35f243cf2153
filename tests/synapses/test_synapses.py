"""Synapses: the user-facing API, the queue across runs, values without recompiling, errors."""

from __future__ import annotations

import numpy as np
import pytest

import labkit
from labkit import (
    Network,
    NeuronGroup,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    set_device,
    start_scope,
)
from labkit.codegen.compile import compile_count
from labkit.errors import DimensionMismatchError, UnknownNameError

DEVICES = ("runtime", "numpy")

LIF = """dv/dt = (I - v)/(10*ms) : 1
         I : 1"""


def _chain(delay_text="(i + 1)*2*ms"):
    """A spike generator driving 3 cells through per-synapse delays; returns the network."""
    inp = SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 3] * ms)
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", threshold="v > 10", reset="v = 0",
                    method="exact")
    S = Synapses(inp, G, "w : 1", on_pre="v_post += w")
    S.connect()
    S.w = "1 + i + 0.5*j"
    S.delay = delay_text
    M = StateMonitor(G, "v", record=True)
    return Network(inp, G, S, M), G, S, M


def test_attributes_and_indexing():
    G = NeuronGroup(4, LIF, threshold="v > 1", reset="v = 0", method="exact")
    S = Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect("i != j")
    S.connect(i=0, j=0)  # a second call appends
    assert len(S) == 13 and S.N == 13
    assert S.i[:].tolist()[-1] == 0 and S.j[:].tolist()[-1] == 0
    S.w = "j*0.1"
    assert np.allclose(S.w[:], 0.1 * S.j[:])
    S.w[0, 1] = 5
    assert S.w[0, 1].tolist() == [5.0]
    assert np.allclose(S.w[1, :], 0.1 * np.array([0, 2, 3]))
    assert S.w["i == 2"].size == 3
    assert S.N_outgoing[:].tolist()[:3] == [4, 4, 4]  # source 0: 3 + the self-synapse
    G.v = "i*0.25"
    assert np.allclose(S.v_post[:], 0.25 * S.j[:])
    assert np.allclose(S.v_pre[:], 0.25 * S.i[:])
    S.w = "v_pre + rand()*0"
    assert np.allclose(S.w[:], S.v_pre[:])
    assert np.asarray(S.delay).shape == (13,)
    assert "synapses" in repr(S)


def test_units_in_synaptic_strings():
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : volt", threshold="v > 10*mV", reset="v = 0*mV",
                    method="exact")
    S = Synapses(G, G, "w : volt", on_pre="v += w")
    S.connect(j="i")
    S.w = "i*mV"
    assert np.allclose(np.asarray(S.w), [0, 1e-3, 2e-3])
    with pytest.raises(DimensionMismatchError, match="units"):
        S.w = "i*ms"


@pytest.mark.parametrize("device", DEVICES)
def test_store_restore_keeps_pending_spikes_bit_identical(device):
    set_device(device)
    net, G, S, M = _chain()
    net.run(3.05 * ms)  # spikes have been pushed; most are still in flight
    assert sum(p.qn.sum() for p in S._pathways) > 0
    net.store()
    net.run(10 * ms)
    first = np.array(M.v[:, -100:])
    net.restore()
    net.run(10 * ms)
    assert np.array_equal(first, np.array(M.v[:, -100:]))


@pytest.mark.parametrize("device", DEVICES)
def test_queue_grows_when_many_events_meet_in_one_slot(device):
    """300 sources fire at once onto one target: the queue doubles its capacity mid-run."""
    set_device(device)
    inp = SpikeGeneratorGroup(300, np.arange(300), np.full(300, 1.0) * ms)
    G = NeuronGroup(1, "n : 1")
    S = Synapses(inp, G, on_pre="n_post += 1", delay=2 * ms)
    S.connect()
    capacity = S.pre.qdata.shape[1]
    net = Network(inp, G, S)
    net.run(5 * ms)
    assert G.n[0] == 300 and S.pre.qdata.shape[1] > capacity


def test_changing_weights_and_delays_does_not_recompile():
    net, G, S, M = _chain()
    net.run(5 * ms)
    compiled = compile_count()
    S.w = "2*w"
    S.delay = "j*0.5*ms"
    net.run(5 * ms)
    S.delay = 7 * ms  # larger maximum delay: a longer queue, same kernel
    net.run(5 * ms)
    assert compile_count() == compiled


def test_delays_round_to_steps_as_brian2():
    net, G, S, M = _chain("0.26*ms")  # 2.6 steps -> 3 steps
    net.run(2 * ms)
    assert S.pre.delay_steps(1e-4, len(S))[1] == 3  # one delay: the queue's one slot
    S.delay = "(0.26 + 0.01*i)*ms"  # 2.6, 2.7, ... steps -> 3 each, but a delay per synapse
    steps, hom = S.pre.delay_steps(1e-4, len(S))
    assert hom == -1 and steps.tolist() == [3] * len(S)


def test_numba_and_numpy_agree_on_coupled_network():
    results = []
    for device in DEVICES:
        start_scope()
        set_device(device)
        labkit.seed(3)
        G = NeuronGroup(50, LIF, threshold="v > 1", reset="v = 0", method="exact")
        G.I = "1.05 + 0.2*rand()"
        S = Synapses(G, G, "w : 1", on_pre="v_post += w*(rand() < 0.7)")
        S.connect(p=0.2)
        S.w = "0.1*rand() - 0.04"
        S.delay = "rand()*3*ms"
        M = SpikeMonitor(G)
        Network(G, S, M).run(100 * ms)
        results.append((np.array(M.i), np.array(M.t)))
    assert len(results[0][0]) > 100
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])


# -- errors -----------------------------------------------------------------------------------


def _pair():
    return NeuronGroup(2, LIF, threshold="v > 1", reset="v = 0", method="exact")


def test_unknown_name_in_on_pre_suggests():
    G = _pair()
    weight = 0.1  # noqa: F841 - found by run()
    S = Synapses(G, G, on_pre="v_post += wieght")
    S.connect()
    with pytest.raises(UnknownNameError, match="did you mean 'weight'"):
        Network(G, S).run(1 * ms)


def test_target_variable_not_in_target():
    G = _pair()
    S = Synapses(G, G, on_pre="x_post += 1")
    S.connect()
    with pytest.raises(UnknownNameError, match="target group has no such variable"):
        Network(G, S).run(1 * ms)


def test_dimension_mismatch_in_on_pre():
    G = _pair()
    S = Synapses(G, G, on_pre="v_post += 1*mV")
    S.connect()
    with pytest.raises(DimensionMismatchError, match="on_pre code 'v_post \\+= 1\\*mV'"):
        Network(G, S).run(1 * ms)


def test_negative_delay_and_bad_probability():
    G = _pair()
    S = Synapses(G, G, on_pre="v_post += 0.1")
    with pytest.raises(ValueError, match="between 0 and 1"):
        S.connect(p=1.5)
    S.connect()
    S.delay = -1 * ms
    with pytest.raises(ValueError, match="negative delay"):
        Network(G, S).run(1 * ms)
    with pytest.raises(ValueError, match="negative"):
        Synapses(G, G, on_pre="v_post += 0.1", delay=-2 * ms)


def test_construction_errors():
    G = _pair()
    silent = NeuronGroup(2, "v : 1")
    with pytest.raises(TypeError, match="create it first"):
        Synapses(None, G)
    with pytest.raises(ValueError, match="forget to set a 'threshold'"):
        Synapses(silent, G, on_pre="v_post += 1")
    S = Synapses(G, G, "w : 1", on_pre="v_post += w")
    with pytest.raises(TypeError, match="connect"):
        S.w = 1
    with pytest.raises(TypeError, match="has no synapses"):
        Network(G, S).run(1 * ms)


def test_group_from_another_scope():
    G = _pair()
    start_scope()
    S = Synapses(G, G, on_pre="v_post += 0.1")
    S.connect()
    with pytest.raises(ValueError, match="not part of this run"):
        Network(S).run(1 * ms)


def test_mv_units_import_is_used():
    assert float(1 * mV) == pytest.approx(1e-3)


def test_values_computed_from_a_view_are_plain_arrays():
    # matplotlib indexes y[:, None]; a (source, target) reading of it raised IndexError
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    G = NeuronGroup(3, "v : 1")
    S = Synapses(G, G, "w : 1")
    S.connect()
    S.w = "i + 10*j"
    scaled = S.w / 0.5
    assert type(scaled) is np.ndarray and scaled[1] == 20.0  # synapse 1 is (0, 1)
    assert type(S.w * 2 + 1) is np.ndarray and float(S.w.sum()) == 99.0
    assert scaled[:, None].shape == (9, 1) and S.w[:][:, None].shape == (9, 1)
    assert S.w[1, 2].tolist() == [21.0]  # the view itself keeps pair indexing
    line, = plt.plot(S.w / 0.5, ".k")
    assert line.get_ydata().tolist() == scaled.tolist()
    plt.close("all")


def test_expressions_assigned_to_a_selection_of_synapses():
    G = NeuronGroup(4, "v : volt")
    S = Synapses(G, G, "w : volt")
    S.connect()
    space_constant = 2.0
    S.w["i > j"] = "exp(-(i - j)**2/space_constant) * mV"
    i, j = S.i[:], S.j[:]
    expected = np.where(i > j, np.exp(-(i - j) ** 2 / 2.0), 0)
    assert np.allclose(S.w / mV, expected)
    S.w[1, :] = "3*mV"
    S.w[2] = "5*mV"
    assert np.allclose(S.w[1, :] / mV, 3) and float(S.w[2] / mV) == 5
    with pytest.raises(DimensionMismatchError, match="w"):
        S.w[0, :] = "3*ms"
    del space_constant


def test_indices_of_synapses_by_pairs_and_conditions():
    G = NeuronGroup(4, "v : 1")
    S = Synapses(G, G, "w : 1")
    S.connect()
    k = 2
    assert S.indices[:, 1:3].tolist() == [1, 2, 5, 6, 9, 10, 13, 14]  # Brian2's answer
    assert S.indices["i > k"].tolist() == [12, 13, 14, 15]
    assert S.indices[0, 0].tolist() == [0] and S.indices[1:3].tolist() == [1, 2]
    S.w[S.indices[:, 1:3]] = 1  # as Brunel & Wang (2001) set their weights
    assert float(S.w.sum()) == 8 and np.all(S.w[:, 1:3] == 1)
    del k
    with pytest.raises(UnknownNameError, match="'k'"):
        S.indices["i > k"]  # noqa: B018


def test_summed_updaters_expose_when_and_order_as_brian2():
    G = NeuronGroup(2, "g : 1")
    S = Synapses(G, G, "x : 1\ng_post = x : 1 (summed)")
    updater = S.summed_updaters["g_post"]
    assert (updater.when, updater.order) == ("groups", -1)       # before G's own update
    updater.when = "after_groups"
    updater.order = 3
    assert (S.summed_updaters["g_post"].when, S.summed_updaters["g_post"].order) == \
        ("after_groups", 3)
    assert list(S.summed_updaters) == ["g_post"]
    with pytest.raises(AttributeError, match="'when' and 'order'"):
        updater.slot = "end"

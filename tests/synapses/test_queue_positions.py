"""A pathway's queue holds positions in its order of synapses by source, not synapse indices
(labkit.synapses.queue): events in flight must still reach their own synapses when that
order changes between runs (a connect() in between, a restore() of other connections)
and a store() must hold synapse indices. Runs on the runtime and numpy devices."""

from __future__ import annotations

import numpy as np

from labkit import Network, NeuronGroup, SpikeGeneratorGroup, Synapses, ms


def _pending(device_name, on_post=False):
    """Source 2 spikes at 1 ms onto four targets (delay 3 ms; weights 1, 10, 100, 1000);
    its synapses 0, 2, 4, 5 sit at positions 2..5 of the queue's order, behind source 0's
    (which never spikes). After 2 ms its four events are in flight."""
    gen = SpikeGeneratorGroup(3, [2], [1.0] * ms)
    T = NeuronGroup(4, "v : 1")
    sources, targets = [2, 0, 2, 0, 2, 2], [0, 0, 1, 1, 2, 3]
    if on_post:  # the generator is the target side: its spikes trigger on_post
        S = Synapses(T, gen, "w : 1", on_post="v_pre += w", delay={"post": 3 * ms})
        S.connect(i=targets, j=sources)
    else:
        S = Synapses(gen, T, "w : 1", on_pre="v_post += w", delay=3 * ms)
        S.connect(i=sources, j=targets)
    S.w = [1, 7, 10, 7, 100, 1000]
    net = Network(gen, T, S)
    net.run(2 * ms)
    pathway = S._pathways[0]
    assert pathway.qn.sum() == 4
    return net, T, S


def _connect_before(S, on_post):
    """Two synapses whose source sorts before the pending ones (their positions move)."""
    if on_post:
        S.connect(i=[3, 2], j=[0, 1])
    else:
        S.connect(i=[0, 1], j=[3, 2])
    S.w[6:] = [0.5, 0.25]


def test_connect_between_runs_keeps_the_events_in_flight(device_name):
    for on_post in (False, True):
        net, T, S = _pending(device_name, on_post)
        _connect_before(S, on_post)
        net.run(5 * ms)
        np.testing.assert_array_equal(np.asarray(T.v), [1, 10, 100, 1000])


def test_store_holds_synapse_indices_and_restores_after_connect(device_name):
    net, T, S = _pending(device_name)
    net.store("pending")
    state = S._pathways[0].state()
    slot = int(np.flatnonzero(state["qn"])[0])
    assert sorted(state["qdata"][slot, :4]) == [0, 2, 4, 5]  # the synapses themselves
    _connect_before(S, False)
    net.run(0.5 * ms)  # positions in the new order
    net.restore("pending")  # the four synapses again, their events in flight
    net.run(5 * ms)
    assert len(S) == 6
    np.testing.assert_array_equal(np.asarray(T.v), [1, 10, 100, 1000])


def test_a_queue_without_its_order_translates_the_events_in_flight(device_name,
                                                                    monkeypatch):
    """``v_post += 1`` reads no synapse: the queue keeps ``reach`` and no order, and makes
    the order again where events in flight must move (a connect(), a store()). With the
    counting sort (as for 10^6 synapses) and numpy's. Source 2's events reach 0, 0, 2, 2;
    left untranslated after the connect() they would reach 3, 2, 0, 0."""
    from labkit.synapses import queue

    for counting_from in (queue.COUNTING_FROM, 0):
        monkeypatch.setattr(queue, "COUNTING_FROM", counting_from)
        gen = SpikeGeneratorGroup(3, [2], [1.0] * ms)
        T = NeuronGroup(4, "v : 1")
        S = Synapses(gen, T, on_pre="v_post += 1", delay=3 * ms)
        S.connect(i=[2, 0, 2, 0, 2, 2], j=[0, 3, 0, 1, 2, 2])
        net = Network(gen, T, S)
        net.run(2 * ms)
        pathway = S._pathways[0]
        assert pathway.qn.sum() == 4 and pathway._csr[1] is None
        net.store("pending")
        S.connect(i=[0, 1], j=[3, 2])
        net.run(5 * ms)
        np.testing.assert_array_equal(np.asarray(T.v), [2, 0, 2, 0])
        net.restore("pending")
        net.run(0.5 * ms)
        S.connect(i=[0], j=[1])
        net.run(5 * ms)
        np.testing.assert_array_equal(np.asarray(T.v), [2, 0, 2, 0])

"""Writes to an ``(unless refractory)`` variable skip refractory neurons, as in Brian2.

Brian2 makes every write to such a variable conditional on ``not_refractory`` except the
reset's: a synaptic ``v_post += w`` arriving during the refractory period is lost, and so
is a string assignment ``G.v = '...'`` to a refractory neuron; plain values (``G.v = 3*mV``)
and variables without the flag are written as usual.
"""

import numpy as np
import pytest

from labkit import *

MODEL = '''
dv/dt = -v/(10*ms) : volt (unless refractory)
u : volt
'''


def _pair():
    G = NeuronGroup(2, MODEL, threshold='v > 10*mV', reset='v = 0*mV', refractory=5 * ms,
                    method='exact')
    S = Synapses(G, G, on_pre='v_post += 1*mV\nu_post += 1*mV')
    S.connect(i=1, j=[0, 1])
    return G, S


def test_synaptic_input_to_a_refractory_neuron_is_lost(device_name):
    G, S = _pair()
    net = Network(G, S)
    G.v = [20, 0] * mV  # neuron 0 spikes at once and is refractory for 5 ms
    net.run(1 * ms)
    assert G.not_refractory.tolist() == [False, True]
    G.v = 4 * mV  # a value: written whatever the refractory state (as Brian2)
    G.v[1] = 20 * mV  # neuron 1 spikes at 1 ms: its synapses reach 0 (refractory) and 1
    net.run(2 * ms)
    assert G.v_ * 1e3 == pytest.approx([4.0, 0.0])  # 0 kept its 4 mV, 1 was reset
    assert G.u_ * 1e3 == pytest.approx([1.0, 1.0])  # u has no flag: both got the input


def test_after_the_refractory_period_input_counts_again(device_name):
    G = NeuronGroup(1, MODEL, threshold='v > 10*mV', reset='v = 0*mV', refractory=2 * ms,
                    method='exact')
    gen = SpikeGeneratorGroup(1, [0, 0], [1.5, 2.5] * ms)  # arrive at 1.5 and 2.5 ms
    S = Synapses(gen, G, on_pre='v_post += 3*mV')
    S.connect()
    M = StateMonitor(G, 'v', record=0, when='end')
    G.v = 20 * mV  # spikes at 0 ms: refractory until 2 ms
    Network(G, gen, S, M).run(3 * ms)
    assert M.v_[0][15] == 0 and M.v_[0][25] == pytest.approx(3e-3)


def test_string_assignment_skips_refractory_neurons():
    G, _ = _pair()
    net = Network(G)
    G.v = [20, 0] * mV
    net.run(1 * ms)
    G.v = '3*mV'
    G.u = '2*mV'
    assert G.v_ * 1e3 == pytest.approx([0.0, 3.0]) and G.u_ * 1e3 == pytest.approx([2.0, 2.0])
    G[1:].v = '0'  # a subgroup, and the literal zero, follow the same rule
    G[:1].v = '7*mV'
    assert np.array_equal(G.v_, [0.0, 0.0])


def test_the_reset_still_writes_and_no_refractoriness_means_no_condition(device_name):
    G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : volt (unless refractory)',
                    threshold='v > 10*mV', reset='v = -5*mV', refractory=5 * ms,
                    method='exact')
    G.v = 20 * mV
    Network(G).run(1 * ms)
    assert G.v_[0] == pytest.approx(-5e-3)
    H = NeuronGroup(1, 'dv/dt = -v/(10*ms) : volt', method='exact')
    assert H._conditional_writes == frozenset() and G._conditional_writes == {"v"}

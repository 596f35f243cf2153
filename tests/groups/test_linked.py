"""Linked variables: `x : 1 (linked)` reads another group's variable, Brian2's rules."""

import numpy as np
import pytest

from labkit import *
from labkit.errors import UnsupportedFeatureError


def linked_network():
    # named so that they update in the order Brian2 gives them in a fresh process (ties
    # in a slot go by name: K, G, then H), whatever other tests named their groups
    H = NeuronGroup(1, 'dx/dt = (1 - x)/(5*ms) : 1', method='exact', name='k3')
    K = NeuronGroup(3, 'dy/dt = (i*mV - y)/(5*ms) : volt', method='exact', name='k1')
    G = NeuronGroup(3, '''dv/dt = (I - v)/(2*ms) + z/(10*ms*volt) : 1
                          I : 1 (linked)
                          z : volt (linked)''', method='euler', threshold='v > 0.5',
                    reset='v = 0', name='k2')
    G.I = linked_var(H, 'x')  # one value for all (H has one element)
    G.z = linked_var(K.y)  # one value each (equal sizes)
    K.y = 'i*mV'
    return H, K, G


def test_a_linked_variable_reads_the_current_values_every_step(device_name):
    H, K, G = linked_network()
    S = SpikeMonitor(G)
    M = StateMonitor(G, ['v', 'I', 'z'], record=True)
    run(20 * ms)
    # the same numbers as Brian2 for this script
    assert S.count[:].tolist() == [9, 9, 9]
    assert np.allclose(G.v_, [0.39311464, 0.39319489, 0.39327514])
    assert np.allclose(M.I[:, ::50], [0, 0.63212056, 0.86466472, 0.95021293])
    assert np.allclose(M.z[:, -1] / mV, [0, 1, 2])
    assert np.allclose(G.I_, H.x_[0]) and np.array_equal(G.z_, K.y_)
    H.x = 0.25  # no copy: the link sees the change at once
    assert np.allclose(G.I_, 0.25)


def test_synapses_link_to_a_single_value():
    H = NeuronGroup(1, 'g : 1')
    A = NeuronGroup(2, 'v : 1', threshold='True', reset='')
    B = NeuronGroup(2, 'v : 1')
    S = Synapses(A, B, 'scale : 1 (linked)', on_pre='v_post += scale')
    S.connect(j='i')
    S.scale = linked_var(H, 'g')
    H.g = 0.5
    run(1 * ms)
    assert np.allclose(B.v_, 5.0)


def test_linking_follows_brian2s_rules():
    H = NeuronGroup(4, 'y : volt\ns = y/mV : 1')
    G = NeuronGroup(3, 'x : volt (linked)\nw : volt\nn : 1 (linked)')
    with pytest.raises(TypeError, match="declare it as linked"):
        G.w = linked_var(H, 'y')
    with pytest.raises(TypeError, match="cannot be set, only linked"):
        G.x = 3 * mV
    with pytest.raises(DimensionMismatchError, match="n is declared in 1 .dimensionless."):
        G.n = linked_var(H, 'y')
    with pytest.raises(ValueError, match="has 3 elements and NeuronGroup .* has 4"):
        G.x = linked_var(H, 'y')
    with pytest.raises(UnsupportedFeatureError, match="subexpression"):
        G.n = linked_var(NeuronGroup(3, 's = 1 : 1'), 's')
    with pytest.raises(UnsupportedFeatureError, match="with an index"):
        G.x = linked_var(H, 'y', index=[0, 1, 2])
    with pytest.raises(TypeError, match="whole group"):
        G[0:2].x = linked_var(H[0:2], 'y')
    with pytest.raises(ValueError, match="needs the name"):
        linked_var(H)
    with pytest.raises(KeyError, match="no variable 'q'"):
        linked_var(H, 'q')
    G.x = linked_var(H[1:4], 'y')  # a subgroup of the right size is fine
    H.y = 'i*mV'
    assert np.allclose(G.x / mV, [1, 2, 3])


def test_a_group_with_an_unlinked_variable_cannot_run():
    G = NeuronGroup(2, 'x : 1 (linked)')  # noqa: F841 - collected by run()
    with pytest.raises(ValueError, match="'x' has not been linked"):
        run(0.1 * ms)

"""StateMonitors of Synapses (synapses/nonlinear, Stimberg_et_al_2018 example 1).

A Synapses' monitor records what its names mean in ``on_pre``: a synaptic variable, the
source's or target's through ``x_pre``/``x_post``, or a plain target name (``g``, the
target's ``g`` at each synapse's target, as Brian2 records it); ``record=S[i, :]`` picks
synapses. Brian2's numbers for these scripts are compared in tests/parity/example_cases.py.
"""

import numpy as np
import pytest

from labkit import NeuronGroup, StateMonitor, Synapses, ms, mV, run
from labkit.errors import NotFoundError


def _net():
    inp = NeuronGroup(3, 'dv/dt = (1 + 0.2*i)/(10*ms) : 1', threshold='v > 1',
                      reset='v = 0', method='euler')
    G = NeuronGroup(2, '''dv/dt = (g - v)/(10*ms) : volt
                          g : volt''', method='exact')
    S = Synapses(inp, G, '''dg_syn/dt = -g_syn/(5*ms) : volt (clock-driven)
                            g_post = g_syn : volt (summed)
                            drive = w*v_post : volt
                            w : 1''', on_pre='g_syn += w*mV')
    S.connect()
    S.w = 'i + 10*j'
    return inp, G, S


def test_plain_and_suffixed_names_record_the_source_and_target(device_name):
    inp, G, S = _net()
    M = StateMonitor(S, ['g', 'v_post', 'v_pre', 'g_syn', 'drive'], record=True, when='end')
    run(12 * ms)  # the targets' g and v move after the first spikes (at 5 ms and later)
    post, pre = S.j[:], S.i[:]
    assert M.g.shape == (6, 120)
    # every synapse onto target k records the target's g: the same trace
    for k in range(2):
        rows = M.g_[post == k]
        assert np.all(rows == rows[0])
    np.testing.assert_allclose(M.g_[:, -1], G.g_[post], rtol=1e-12)
    np.testing.assert_allclose(M.v_post_[:, -1], G.v_[post], rtol=1e-12)
    np.testing.assert_allclose(M.v_pre_[:, -1], inp.v_[pre], rtol=1e-12)
    np.testing.assert_allclose(M.drive_, S.w[:][:, None] * M.v_post_, rtol=1e-12)
    assert M.g.dim == mV.dim and M.g_[:, -1].min() > 0 and M.v_post_[:, -1].min() > 0


def test_record_a_synaptic_subgroup(device_name):
    inp, G, S = _net()
    chosen = S[1, :]
    assert len(chosen) == 2 and list(S.i[:][chosen._indices()]) == [1, 1]
    M = StateMonitor(S, 'w', record=chosen)
    Mc = StateMonitor(S, 'w', record=S['j == 1'])
    run(1 * ms)
    np.testing.assert_array_equal(M.w[:, 0], [1, 11])
    np.testing.assert_array_equal(Mc.w[:, 0], [10, 11, 12])


def test_names_neither_side_has_are_refused_with_the_known_ones():
    inp, G, S = _net()
    with pytest.raises(NotFoundError, match=r"has no variable 'x'.*g_syn"):
        StateMonitor(S, 'x', record=True)
    with pytest.raises(NotFoundError, match="'u_post'"):
        StateMonitor(S, 'u_post', record=True)


def test_a_subgroup_of_other_synapses_or_of_fewer_synapses_is_refused():
    inp, G, S = _net()
    other = Synapses(inp, G, 'w : 1')
    other.connect()
    with pytest.raises(ValueError, match="select synapses of the monitored Synapses"):
        StateMonitor(S, 'w', record=other[0, :])
    chosen = S[0, :]
    S.connect(i=0, j=0)
    with pytest.raises(RuntimeError, match="make it again after the last connect"):
        StateMonitor(S, 'w', record=chosen)

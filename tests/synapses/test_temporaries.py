"""Temporaries in pathway code (Brian2's abstract code, Clopath_et_al_2010): ``a = ...``
to a name that is no variable is a local of that code, with the units of its value.

The same numbers as Brian2 are checked in tests/parity/example_cases.py; here: units,
scope and the refusals.
"""

import numpy as np
import pytest

from labkit import NeuronGroup, SpikeGeneratorGroup, Synapses, ms, run
from labkit.errors import DimensionMismatchError, UnknownNameError


def _net(code):
    inp = SpikeGeneratorGroup(1, [0, 0], [1, 3] * ms)
    G = NeuronGroup(2, 'v : volt\nu : volt')
    G.u = '(i + 1)*mV'
    S = Synapses(inp, G, 'w : 1', on_pre=code)
    S.connect()
    S.w = 'j + 1'
    return inp, G, S


def test_a_temporary_carries_units_and_is_read_by_later_statements(device_name):
    inp, G, S = _net('''d = w*u_post
                   d = d*2
                   v_post += d + 1*mV''')
    run(5 * ms)
    # two spikes: v = 2*(2*w*u + 1 mV), w = j + 1, u = (j + 1) mV
    assert np.allclose(np.asarray(G.v) / 1e-3, [2 * (2 * 1 * 1 + 1), 2 * (2 * 2 * 2 + 1)])


def test_a_temporary_is_local_to_its_pathway():
    inp = SpikeGeneratorGroup(1, [0], [1] * ms)
    G = NeuronGroup(1, 'v : volt')
    S = Synapses(inp, G, on_pre={'a': 'x = 1*mV\nv_post += x', 'b': 'v_post += x'})
    S.connect()
    with pytest.raises(UnknownNameError, match="'x'"):
        run(2 * ms)


def test_a_temporary_keeps_its_units():
    inp, G, S = _net('''d = w*u_post
                   d = w
                   v_post += d*mV''')
    with pytest.raises(DimensionMismatchError, match="'d' had units of volt"):
        run(2 * ms)


def test_an_update_of_an_unknown_name_is_still_refused():
    inp, G, S = _net('vv_post += 1*mV')
    with pytest.raises(UnknownNameError, match="no such variable"):
        run(2 * ms)


def test_synapses_per_target_and_per_source_element():
    # Spreizer_et_al_2019 reads S.N_incoming_post; the numbers are Brian2's for this script
    G, H = NeuronGroup(5, 'v : 1'), NeuronGroup(5, 'v : 1')
    S = Synapses(G, H, 'w : 1')
    S.connect(condition='i != j and (i + j) % 3 != 0')
    assert S.N_incoming_post.tolist() == [3, 3, 2, 3, 3]
    assert S.N_outgoing_pre.tolist() == [3, 3, 2, 3, 3]
    assert np.array_equal(S.N_incoming_post[S.j[:]], S.N_incoming[:])


def test_synapses_per_element_of_subgroups_are_indexed_in_the_whole_group():
    # Brian2's numbers for this script: the arrays run up to the subgroup's last element,
    # indexed in the whole group (entries before the subgroup are zero)
    G = NeuronGroup(10, 'v : 1')
    S = Synapses(G[2:6], G[5:], 'w : 1')
    S.connect(condition='i <= j')
    assert S.N_outgoing_pre.tolist() == [0, 0, 5, 4, 3, 2]
    assert S.N_incoming_post.tolist() == [0, 0, 0, 0, 0, 1, 2, 3, 4, 4]
    assert np.array_equal(S.N_outgoing_pre[S.i[:] + 2], S.N_outgoing[:])

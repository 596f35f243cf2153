"""A Synapses whose source or target is another Synapses (Izhikevich_2007's reward,
Stimberg_et_al_2018's astrocytes): its ``_post`` (``_pre``) names are the other synapses'
variables, ``j`` (``i``) a synapse's index. Brian2's numbers for such scripts are compared
in tests/parity/example_cases.py (and, on cpp_standalone, in tests/cpp).
The runtime device runs the same code (compiled): tests/parity compares it on both.
"""

import numpy as np
import pytest

from labkit import (
    Network,
    NeuronGroup,
    SpikeGeneratorGroup,
    Synapses,
    ms,
    run,
    set_device,
)


@pytest.fixture(autouse=True)
def _numpy_device():
    set_device('numpy')  # quick: no kernel to compile (conftest selects runtime again)


def _neurons_and_synapses():
    G = NeuronGroup(3, 'v : 1', threshold='v > 1', reset='v = 0')
    S = Synapses(G, G, '''d : 1
                          w : 1''')
    S.connect(i=[0, 1, 2, 0], j=[1, 2, 0, 2])
    return G, S


def test_pathway_code_writes_the_target_synapses():
    _, S = _neurons_and_synapses()
    reward = SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 3] * ms)
    R = Synapses(reward, S, 'k : 1', on_pre='''d_post += k
                                             w += 1''')  # plain 'w': the target's, as Brian2
    R.connect(j='2*i + 1')  # reward 0 -> synapse 1, reward 1 -> synapse 3
    R.k = [0.5, 2.0]
    run(5 * ms)
    np.testing.assert_array_equal(R.j[:], [1, 3])
    np.testing.assert_allclose(S.d[:], [0, 1.0, 0, 2.0])  # two spikes of reward 0
    np.testing.assert_allclose(S.w[:], [0, 2, 0, 1])
    np.testing.assert_allclose(R.d_post, [1.0, 2.0])


def test_summed_into_synapses_and_out_of_them():
    G, S = _neurons_and_synapses()
    S.d = [10, 20, 30, 40]
    astro = NeuronGroup(2, '''A : 1
                              Y : 1''')
    astro.A = [5, 7]
    to_syn = Synapses(astro, S, 'w_post = A_pre : 1 (summed)')
    to_syn.connect('i == j % 2')  # synapses 0, 2 get astrocyte 0; 1, 3 astrocyte 1
    from_syn = Synapses(S, astro, 'Y_post = d_pre/N_incoming : 1 (summed)')
    from_syn.connect('j == (i_pre + j_pre) % 2')  # source and target neuron of the synapse
    assert list(from_syn.j[:]) == [1, 1, 0, 0]
    run(1 * ms)
    np.testing.assert_allclose(S.w[:], [5, 7, 5, 7])
    np.testing.assert_allclose(astro.Y[:], [(30 + 40) / 2, (10 + 20) / 2])


def test_connect_condition_over_the_synapses_variables():
    _, S = _neurons_and_synapses()
    S.w = [0.1, 0.9, 0.2, 0.8]
    inp = SpikeGeneratorGroup(2, [], [] * ms)
    R = Synapses(inp, S, on_pre='d_post += 1')
    R.connect('w_post > 0.5 and i_post != i')  # synapses 1 (1->2) and 3 (0->2)
    assert list(zip(R.i[:], R.j[:], strict=True)) == [(0, 1), (1, 3)]


def test_synapses_emit_no_spikes():
    G, S = _neurons_and_synapses()
    with pytest.raises(ValueError, match="synapses emit no spikes.*summed"):
        Synapses(S, G, on_pre='v_post += 1')
    with pytest.raises(ValueError, match="on_post needs events of its target"):
        Synapses(G, S, on_post='v_pre += 1')


def test_some_synapses_are_no_target():
    G, S = _neurons_and_synapses()
    with pytest.raises(TypeError, match=r"cannot be some synapses.*connect\('j < 10'\)"):
        Synapses(G, S[0:2], on_pre='d_post += 1')


def test_the_target_synapses_must_run_too():
    G, S = _neurons_and_synapses()
    inp = SpikeGeneratorGroup(1, [0], [1] * ms)
    R = Synapses(inp, S, on_pre='d_post += 1')
    R.connect()
    with pytest.raises(ValueError, match="its target.*not part of this run"):
        Network(inp, G, R).run(1 * ms)

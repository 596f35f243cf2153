"""Synaptic strings reading a subexpression of the source or target (``F_pre``,
``F_post``; Tetzlaff_2015): the subexpression's expression, over that group's variables,
as Brian2 puts a referred subexpression into the code. Brian2's numbers for such a
script are compared in tests/parity/example_cases.py.
"""

import numpy as np
import pytest

from labkit import Hz, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, ms, run
from labkit.errors import UnsupportedFeatureError

RATE = '1/(1 + exp(beta*(eps - u{s})))'


def _run(written_out: bool):
    beta, eps = 5, 0.5  # noqa: F841 - read by the strings
    G = NeuronGroup(3, '''F = 1/(1 + exp(beta*(eps - u))) : 1
                          du/dt = (0.3*(i + 1) + I_E - u)/(10*ms) : 1
                          I_E : 1''', method='euler')
    F_pre, F_post = (RATE.format(s='_pre'), RATE.format(s='_post')) if written_out \
        else ('F_pre', 'F_post')
    growth = f'{F_pre}*{F_post}/(50*ms) - {F_post}*w**2/(80*ms)'
    S = Synapses(G, G, f'''dw/dt = {growth} : 1 (clock-driven)
                           I_E_post = w*{F_pre} : 1 (summed)''', method='euler')
    S.connect(condition='i != j')
    S.w = 'i*0.1 + j*0.05'
    inp = SpikeGeneratorGroup(1, [0, 0], [2, 6] * ms)
    kick = Synapses(inp, S.target, on_pre=f'u_post += 0.2*{F_post}')
    kick.connect()
    M = StateMonitor(S, ['w', 'F_post'] if not written_out else ['w'], record=True,
                     when='end')
    run(15 * ms)
    return S.w[:], G.u[:], M, S


def test_a_group_subexpression_reads_as_its_expression(device_name):
    w, u, M, S = _run(False)
    w_ref, u_ref, M_ref, _ = _run(True)
    np.testing.assert_allclose(w, w_ref, rtol=1e-13)
    np.testing.assert_allclose(u, u_ref, rtol=1e-13)
    np.testing.assert_allclose(M.w_, M_ref.w_, rtol=1e-13)
    assert abs(w - w_ref).max() == 0 and not np.allclose(w, w[0])
    # the monitor's F_post is the target's F at each synapse, as S.F_post reads it now
    np.testing.assert_allclose(M.F_post_[:, -1], S.F_post[:], rtol=1e-12)


def test_a_subexpression_using_the_index_through_a_subgroup_is_refused():
    G = NeuronGroup(4, '''F = 0.1*i + u : 1
                          u : 1''')
    S = Synapses(G, G[2:], '''dw/dt = F_post/ms : 1 (clock-driven)''', method='euler')
    S.connect()
    with pytest.raises(UnsupportedFeatureError, match="reads 'F_post'.*uses 'i'.*subgroup"):
        run(1 * ms)


def _linked(factor_size=1):
    from labkit import linked_var

    drive = SpikeGeneratorGroup(1, [0, 0], [1, 4] * ms)
    factor = NeuronGroup(factor_size, '''G = H - 5*Hz : Hz
                                         dH/dt = -H/(20*ms) : Hz''', method='exact')
    up = Synapses(drive, factor, on_pre='H_post += 40*Hz')
    up.connect()
    pre = SpikeGeneratorGroup(2, [0, 1, 0], [2, 3, 6] * ms)
    post = NeuronGroup(2, 'v : 1')
    S = Synapses(pre, post, '''G : Hz (linked)
                               w : siemens''', on_pre='w += 1*nS*second*G')
    S.connect()
    return (drive, factor, up, pre, post, S), lambda: setattr(S, 'G', linked_var(factor, 'G'))


def test_a_synaptic_variable_linked_to_a_subexpression_reads_its_value(device_name):
    (drive, factor, up, pre, post, S), link = _linked()
    link()
    assert float(S.G[:] / Hz) == -5  # one value, shape (), as Brian2
    M = StateMonitor(S, ['G', 'w'], record=True, when='end')
    run(8 * ms)
    np.testing.assert_array_equal(M.G_[0], M.G_[3])  # one value for all synapses
    G = M.G_[0]  # column k: step k, where the pathway read it (nothing changes G after)
    assert G[5] == -5 and G[20] > G[30] > 0
    expected = [1e-9 * (G[20] + G[60]), 1e-9 * G[30]]
    np.testing.assert_allclose(S.w_[[0, 2]], expected, rtol=1e-9)
    np.testing.assert_allclose(float(S.G[:] / Hz), float(factor.G_[0]), rtol=1e-12)


def test_linking_a_synaptic_variable_to_a_subexpression_of_many_elements_is_refused():
    _, link = _linked(factor_size=3)
    with pytest.raises(UnsupportedFeatureError, match="is a subexpression"):
        link()


def test_a_string_assigned_to_a_synaptic_variable_reads_a_side_subexpression_with_its_names():
    """``S.w = '0.1*I_post'`` where the target's ``I`` reads ``E``: ``E`` is looked up where
    the assignment was written, as the synapses' own names are (it was looked up in no
    namespace at all: unknown name 'E')."""
    G = NeuronGroup(3, '''I = g*(E - v) : 1
                          v : 1
                          g : 1''')
    G.v = [0, 0.5, 1]
    G.g = 1
    E = 2.0  # noqa: F841 - read by the target's subexpression
    S = Synapses(G, G, 'w : 1')
    S.connect(i=[0, 1, 2], j=[1, 2, 0])
    S.w = '0.1*I_post'
    np.testing.assert_allclose(S.w[:], [0.15, 0.1, 0.2])


def test_a_connect_condition_reads_a_subexpression_of_the_source_or_target():
    """As Brian2 (2.9, numpy target: the same synapses): ``I_pre`` in a condition is the
    source's ``I`` at connect() time, with the names where connect() was called; one
    that no rule reads is not computed (``J`` reads a name not defined)."""
    G = NeuronGroup(4, '''I = v*scale : 1
                          J = v*undefined_yet : 1
                          v : 1''')
    G.v = [0, 0.2, 0.4, 0.6]
    scale = 2  # noqa: F841 - read by I
    S = Synapses(G, G, 'w : 1')
    S.connect(condition='I_pre > 0.5 and i != j')
    assert S.i[:].tolist() == [2, 2, 2, 3, 3, 3] and S.j[:].tolist() == [0, 1, 3, 0, 1, 2]
    T = Synapses(G[1:], G, 'w : 1')  # through a subgroup: its elements' values
    T.connect(condition='I_pre > 0.5 and I_post < 0.5', p=1)
    assert T.i[:].tolist() == [1, 1, 2, 2] and T.j[:].tolist() == [0, 1, 0, 1]

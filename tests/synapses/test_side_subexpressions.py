"""Synaptic strings reading a subexpression of the source or target (``F_pre``,
``F_post``; Tetzlaff_2015): the subexpression's expression, over that group's variables,
as Brian2 puts a referred subexpression into the code. Brian2's numbers for such a
script are compared in tests/parity/example_cases.py.
"""

import numpy as np
import pytest

from labkit import NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, ms, run
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

"""run_regularly: Brian2's abstract code over a group at its own interval and slot."""

import numpy as np
import pytest

from labkit import *
from labkit.errors import ExpressionError, UnknownNameError

MODEL = '''dv/dt = -v/(10*ms) : 1
           I : 1
           k : 1
           direction : 1 (shared)'''


def test_scalar_and_vector_statements_subgroups_and_slots(device_name):
    G = NeuronGroup(6, MODEL, method='exact')
    G.run_regularly('''direction = 7*t/ms
                       v = v + 0.5 + direction
                       k = i''', dt=1 * ms)
    G[2:5].run_regularly('I = i + N', dt=2 * ms, when='end')  # i, N: the subgroup's
    M = StateMonitor(G, ['v', 'direction'], record=[0, 3])
    run(5 * ms)
    # the same numbers as Brian2 (this script, with brian2 imported instead)
    assert np.allclose(M.direction[0, ::10], [0, 7, 14, 21, 28])
    assert np.allclose(M.v[1, ::10], [0.5, 7.95241871, 21.69564601, 41.13103232,
                                      65.71689709])
    assert np.allclose(G.v_, 59.46310748) and G.k_.tolist() == [0, 1, 2, 3, 4, 5]
    assert G.I_.tolist() == [0, 0, 3, 4, 5, 0]


def test_rand_is_drawn_once_for_shared_and_per_element_for_the_rest(device_name):
    seed(3)
    G = NeuronGroup(1000, '''v : 1
                             direction : 1 (shared)
                             sx : 1 (shared)''')
    G.run_regularly('''direction = rand()*2*pi
                       sx = 5 - cos(direction)
                       pick = floor(rand()*10)
                       v = sx*int(pick == 3)''', dt=1 * ms)
    M = StateMonitor(G, ['direction', 'sx'], record=[0])
    run(20 * ms)
    assert len(set(np.round(M.direction[0], 8))) == 20  # one new draw per call
    assert np.allclose(M.sx[0], 5 - np.cos(M.direction[0]))
    selected = G.v_ > 0
    assert 0.07 < selected.mean() < 0.13  # each element picks on its own, as in Brian2
    assert np.allclose(G.v_[selected], G.sx_)  # shape (), as Brian2


def test_runtime_and_numpy_draw_the_same_numbers():
    results = []
    for name in ("runtime", "numpy"):
        set_device(name)
        start_scope()
        seed(8)
        G = NeuronGroup(50, 'x : 1\ny : 1 (shared)')
        G.run_regularly('y = rand()\nx = y + randn()', dt=0.5 * ms)
        run(3 * ms)
        results.append((G.x_.copy(), G.y_.copy()))
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])


def test_temporaries_with_units_and_the_groups_constants(device_name):
    theta, A = -50 * mV, 0.1
    G = NeuronGroup(3, 'v : volt\nw : 1', method='exact')
    G.v = '-60*mV + 10*i*mV'
    G.run_regularly('''depol = v - theta
                       w = A*depol/mV*int(depol > 0*mV)''', dt=1 * ms)
    run(1 * ms)
    assert np.allclose(G.w_, [0, 0, 1.0])
    del theta, A


def test_errors_name_the_code_and_the_fix():
    G = NeuronGroup(3, MODEL + '\nc : 1 (constant)\nsub = 2*v : 1', method='exact')
    with pytest.raises(TypeError, match="code as a string"):
        G.run_regularly(5)
    with pytest.raises(ExpressionError):
        G.run_regularly('v = = 1')  # a syntax error points at the call
    cases = [('v = nope', UnknownNameError, "nope"),
             ('v = 3*mV', DimensionMismatchError, "units"),
             ('v = 1\ndirection = 2', ExpressionError, "write the shared variables first"),
             ('c = 1', ExpressionError, "cannot assign to 'c'"),
             ('sub = 1', ExpressionError, "cannot assign to 'sub'")]
    for code, error, message in cases:
        start_scope()
        H = NeuronGroup(3, MODEL + '\nc : 1 (constant)\nsub = 2*v : 1', method='exact')
        H.run_regularly(code)
        with pytest.raises(error, match=message):
            run(0.1 * ms)
    start_scope()
    H = NeuronGroup(3, 'v : 1')
    runner = H.run_regularly('v = 1')
    with pytest.raises(ValueError, match="not part of this run"):
        Network(runner).run(0.1 * ms)


def test_synapses_refuse_run_regularly_with_advice():
    from labkit.errors import UnsupportedFeatureError

    G = NeuronGroup(2, 'v : 1')
    S = Synapses(G, G, 'w : 1')
    with pytest.raises(UnsupportedFeatureError, match="clock-driven"):
        S.run_regularly('w = rand()')


def test_a_shared_variable_reads_as_one_value_of_shape_nothing():
    # Brian2: G.x, G.x[:], G.x_ and a (shared) subexpression all have shape ()
    G = NeuronGroup(3, '''v : 1
                          phase : volt (shared)
                          double = 2*phase : volt (shared)''')
    G.phase[:] = 3 * mV
    assert np.shape(G.phase) == () and np.shape(G.phase[:]) == () and G.phase_ == 0.003
    assert np.shape(G.double[:]) == () and float(G.double / mV) == 6
    G.phase += 1 * mV
    assert float(G.phase_[:]) == 0.004
    with pytest.raises(IndexError, match=r"'neurongroup\w*'.phase is a \(shared\) variable"):
        G.phase[0]


def test_an_unless_refractory_variable_is_written_only_where_not_refractory(device_name):
    # Brian2's conditional write (its run_regularly code runs where not_refractory for
    # such a variable); labkit wrote every element
    G = NeuronGroup(3, 'dv/dt = -v/(20*ms) : 1 (unless refractory)\nw : 1',
                    threshold='v > 5', reset='v = 0', refractory=5 * ms, method='exact')
    G.v = [10, 0, 0]  # the first spikes at the first step, then is refractory
    G.run_regularly('v += 0.5\nw += 0.5', dt=2 * ms)
    run(4.5 * ms)  # writes at 0 (before the spike), 2 and 4 ms
    assert G.v[0] == 0 and np.all(G.v[1:] > 0.9) and np.all(G.w == 1.5)
    run(2 * ms)  # at 6 ms it is no longer refractory
    assert 0.48 < G.v[0] < 0.5  # written at 6 ms, then decaying

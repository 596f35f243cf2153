"""NeuronGroup variables, assignments, errors, refractoriness and subgroups."""

import numpy as np
import pytest

from labkit import *
from labkit.errors import ExpressionError, UnknownNameError, UnknownVariableError

LIF = '''
dv/dt = (v_rest - v)/tau_m : volt (unless refractory)
tau_m : second
'''


def test_variables_read_as_quantities_and_raw_arrays():
    G = NeuronGroup(4, LIF, threshold='v > -50*mV', reset='v = v_rest', refractory=2 * ms,
                    method='exact')
    G.v = -70 * mV
    G.tau_m = [10, 20, 30, 40] * ms
    assert G.v.dim is mV.dim and np.allclose(G.v_, -0.07)
    assert G.tau_m[1] == 20 * ms
    G.v[3] = -60 * mV  # writes through the view
    assert G.v_[3] == pytest.approx(-0.06)
    assert len(G) == 4 and G.N == 4 and list(G.i) == [0, 1, 2, 3]
    assert np.all(G.lastspike_ == -1e4) and G.not_refractory.dtype == bool


def test_string_assignment_uses_indices_units_and_random_numbers():
    G = NeuronGroup(5, LIF, method='exact')
    v0 = -70 * mV
    G.v = 'v0 + i*mV'
    assert np.allclose(G.v / mV, [-70, -69, -68, -67, -66])
    seed(5)
    G.v = 'rand()*mV'
    first = G.v_.copy()
    seed(5)
    G.v = 'rand()*mV'
    assert np.array_equal(first, G.v_) and np.all((first >= 0) & (first < 1e-3))
    assert len(set(first)) == 5
    G[1:3].v = '-i*mV'  # i counts within the subgroup
    assert np.allclose(G.v_[1:3], [0, -1e-3])
    del v0


def test_string_assignment_checks_units_and_names():
    G = NeuronGroup(2, LIF, method='exact')
    with pytest.raises(DimensionMismatchError, match="needs volt"):
        G.v = '3*ms'
    with pytest.raises(UnknownNameError, match="v_rset"):
        G.v = 'v_rset'


def test_assignment_checks_dimensions():
    G = NeuronGroup(2, LIF, method='exact')
    with pytest.raises(DimensionMismatchError, match="variable 'tau_m'.*units of second"):
        G.tau_m = 5 * mV
    with pytest.raises(DimensionMismatchError):
        G.v = 3  # a plain number for a voltage


def test_setting_an_undeclared_variable_says_how_to_declare_it():
    G = NeuronGroup(2, 'dv/dt = -v/tau : 1', method='exact')
    with pytest.raises(UnknownVariableError) as info:
        G.tau = 10 * ms
    message = str(info.value)
    assert "'tau'" in message and "not a variable of the model" in message
    assert "tau : second" in message


def test_unknown_name_in_threshold_suggests_the_closest(device_name):
    tau = 10 * ms  # noqa: F841 - looked up by run()
    G = NeuronGroup(1, 'dv/dt = -v/tau : 1', threshold='v > tua', method='exact',
                    name='cell')
    with pytest.raises(UnknownNameError) as info:
        run(1 * ms)
    message = str(info.value)
    assert "'tua'" in message and "did you mean 'tau'" in message and "'cell'" in message
    del G


def test_dimension_mismatch_in_threshold_quotes_the_string():
    G = NeuronGroup(1, LIF, threshold='v > 10*ms', method='exact', name='cell')  # noqa: F841
    v_rest = -70 * mV  # noqa: F841
    with pytest.raises(DimensionMismatchError) as info:
        run(1 * ms)
    assert "v > 10*ms" in str(info.value) and "cell" in str(info.value)


def test_syntax_errors_show_up_at_construction():
    with pytest.raises(ExpressionError):
        NeuronGroup(1, 'v : 1', threshold='v >> 1')


def test_external_arrays_are_refused_with_advice():
    tau = [1, 2] * ms  # noqa: F841
    G = NeuronGroup(2, 'dv/dt = -v/tau : 1', method='exact')  # noqa: F841
    with pytest.raises(TypeError, match="declare 'tau : <unit>'"):
        run(1 * ms)


def _refractory_run(refractory, model=LIF, extra=None):
    v_rest = -50 * mV  # noqa: F841 - drives v above threshold
    G = NeuronGroup(3, model, threshold='v > -55*mV', reset='v = -70*mV',
                    refractory=refractory, method='exact', namespace=extra)
    G.v = -70 * mV
    G.tau_m = 1 * ms
    S = SpikeMonitor(G)
    run(20 * ms)
    return S


def test_refractory_as_time_array_and_string_time(device_name):
    S = _refractory_run(3 * ms)
    isi = np.diff(S.t[S.i == 0] / ms)
    assert len(isi) > 2 and np.all(isi >= 3)
    S_arr = _refractory_run([1, 3, 5] * ms)
    counts = S_arr.count
    assert counts[0] > counts[1] > counts[2]
    for k, ref in enumerate([1, 3, 5]):
        assert np.all(np.diff(S_arr.t[S_arr.i == k] / ms) >= ref)
    S_str = _refractory_run('(1 + 2*i)*ms')
    assert list(S_str.count) == list(counts)


def test_refractory_as_condition(device_name):
    # refractory while v > -65 mV: after the reset to -70 mV the neuron can spike again at once,
    # so the condition changes nothing here, unlike a long refractory time
    S = _refractory_run('v > -65*mV')
    S_none = _refractory_run(False)
    assert list(S.count) == list(S_none.count)
    assert S.num_spikes > 0


def test_unless_refractory_holds_the_variable(device_name):
    G = NeuronGroup(1, 'dv/dt = 1/ms : 1 (unless refractory)', threshold='v > 0.5',
                    reset='v = 0', refractory=1 * ms, method='euler')
    M = StateMonitor(G, 'v', record=0)
    S = SpikeMonitor(G)
    run(3 * ms)
    v = M.v[0]
    first = int(round(float(S.t[0] / (0.1 * ms))))
    assert first == 5  # the update at step 5 reaches 0.6
    assert np.all(v[first + 1:first + 11] == 0.0)  # held for 1 ms = 10 steps
    assert v[first + 11] == pytest.approx(0.1)


def test_subgroups_are_views_usable_in_monitors(device_name):
    G = NeuronGroup(10, 'dv/dt = 1/ms : 1', threshold='v > 0.45 + 0.1*i', reset='v = 0',
                    method='euler')
    sub = G[4:7]
    sub.v = 0.3
    assert np.allclose(G.v_[4:7], 0.3) and G.v_[3] == 0 and len(sub) == 3
    S = SpikeMonitor(sub)
    M = StateMonitor(sub, 'v', record=[0, 2])
    run(2 * ms)
    assert set(S.i) == {0, 1, 2}
    assert S.count.size == 3
    first_spike = {k: float(S.t[S.i == k][0] / ms) for k in range(3)}
    assert first_spike[0] < first_spike[1] < first_spike[2]
    assert M.v[0, 0] == pytest.approx(0.3)
    nested = G[2:8][1:3]
    assert nested.N == 2 and nested._start == 3


def test_subexpressions_see_the_parents_i_and_n_through_a_subgroup(device_name):
    """Brian2: a subgroup's own i and N are local, but a model subexpression belongs to
    the parent group, so through ``G[3:6]`` ``x = i*1.0`` reads 3, 4, 5 everywhere."""
    G = NeuronGroup(10, '''x = i*1.0 : 1
                           y = N*1.0 : 1
                           v : 1''')
    S = G[3:6]
    assert list(S.i) == [0, 1, 2]
    assert list(S.x) == [3, 4, 5] and list(S.y) == [10, 10, 10]
    assert list(G[2:8][1:3].x) == [3, 4]
    S.v = 'x + 100*y'  # subexpressions: parent's i and N
    assert list(G.v[3:6]) == [1003, 1004, 1005]
    S.v = 'i + 100*N'  # the string's own i and N: the subgroup's
    assert list(G.v[3:6]) == [300, 301, 302]
    M = StateMonitor(S, ['x', 'y'], record=True)
    run(0.1 * ms)
    assert list(M.x[:, 0]) == [3, 4, 5] and list(M.y[:, 0]) == [10, 10, 10]


def test_boolean_namespace_values_stay_booleans(device_name):
    flag = True
    G = NeuronGroup(3, '''v : 1
                          b : boolean''', threshold='flag and v > 0', reset='v = 0')
    G.v = [1, 0, 1]
    G.b = 'flag'
    assert G.b.dtype == bool and G.b.all()
    S = SpikeMonitor(G)
    run(0.1 * ms)
    assert list(S.i) == [0, 2]
    flag = False  # noqa: F841 - read by run(): a new value, same compiled kernel
    G.v = 1
    run(0.1 * ms)
    assert list(S.i) == [0, 2]
    G.b = 'flag or v > 2'
    assert not G.b.any()


def test_a_reset_cannot_write_a_shared_variable():
    with pytest.raises(ExpressionError, match=r"writes to 's', a \(shared\) variable"):
        NeuronGroup(3, '''v : 1
                          s : 1 (shared)''', threshold='v > 1', reset='s += 1')


def test_string_assignment_through_a_subexpression_finds_its_constants():
    V_3, V_4 = -1 * mV, 14.5 * mV
    G = NeuronGroup(3, '''dn/dt = (n_inf - n)/(10*ms) : 1
                          n_inf = 0.5*(1 + tanh((V - V_3)/V_4)) : 1
                          twice = 2*n_inf : 1
                          V : volt''', method='euler')
    G.V = '(i - 1)*10*mV'
    G.n = 'twice/2'  # n_inf, through twice: V_3 and V_4 come from here
    assert np.allclose(G.n_, 0.5 * (1 + np.tanh((np.array([-10, 0, 10]) + 1) / 14.5)))
    del V_3, V_4
    with pytest.raises(UnknownNameError, match="V_3"):
        G.n = 'n_inf'


def test_string_indexing_and_expressions_on_a_part_of_a_group():
    G = NeuronGroup(5, 'v : volt')
    G.v[1:3] = 'i*mV'  # i is the element's index, as in Brian2
    assert np.allclose(G.v / mV, [0, 1, 2, 0, 0])
    k = 2
    G.v['i > k'] = '2*i*mV'  # names from where the line was written
    assert np.allclose(G.v / mV, [0, 1, 2, 6, 8])
    assert np.allclose(G.v['i >= 3'] / mV, [6, 8])
    G.v['i == 0'] = -1 * mV
    G[2:5].v['i == 0'] = '-i*mV - 5*mV'  # within a subgroup i counts from its start
    assert np.allclose(G.v / mV, [-1, 1, -5, 6, 8])
    del k
    with pytest.raises(DimensionMismatchError, match="needs volt"):
        G.v[:2] = '3*ms'
    with pytest.raises(ExpressionError):
        G.v['i + 1'] = 1 * mV  # a condition must be boolean
    with pytest.raises(UnknownNameError, match="k"):
        G.v['i > k'] = 1 * mV


def test_a_subexpression_read_takes_the_readers_names_also_after_a_run():
    """As in Brian2 2.9 (its compartmental examples read neuron.space_constant so): the
    names where G.x is read, before and after a run (Brian2 resolves them at each read;
    labkit kept the last run's values after one until 6 December); a name the reader does
    not have: the last run's value (Brian2 raises there)."""
    from labkit import Network, NeuronGroup, ms
    from labkit.errors import UnknownNameError

    def read_with(tau_here):
        tau = tau_here   # noqa: F841 - found by name
        return float(G.rate[:][0])

    G = NeuronGroup(1, "v : 1\nrate = v/tau : Hz")
    G.v = 1
    assert read_with(10 * ms) == pytest.approx(100.0)
    assert read_with(20 * ms) == pytest.approx(50.0)
    with pytest.raises(UnknownNameError, match="tau"):
        G.rate  # noqa: B018 - reading it is the test
    Network(G).run(0.1 * ms, namespace={"tau": 5 * ms})
    assert read_with(20 * ms) == pytest.approx(50.0)   # the reader's tau, as Brian2
    assert float(G.rate[:][0]) == pytest.approx(200.0)  # none here: the run's, 5 ms


def test_a_subexpression_read_after_a_run_sees_a_changed_constant():
    """Brian2 2.9 gives 5 10 15 / 7 14 21 / 9 18 27 / 11 22 33 for this script (its
    reads resolve ``gain`` where they are written)."""
    from labkit import NeuronGroup, ms, run

    gain = 5
    G = NeuronGroup(3, "x : 1\nJ = gain*x : 1")
    G.x = "i + 1"
    assert list(G.J[:]) == [5, 10, 15]
    gain = 7
    run(0.1 * ms)
    assert list(G.J[:]) == [7, 14, 21]
    gain = 9  # noqa: F841 - found by name
    assert list(G.J[:]) == [9, 18, 27]

    def in_a_function():
        gain = 11  # noqa: F841 - found by name
        return list(G.J[:])

    assert in_a_function() == [11, 22, 33]

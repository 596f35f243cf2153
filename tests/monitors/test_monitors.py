"""StateMonitor, SpikeMonitor and PopulationRateMonitor results."""

import numpy as np
import pytest

from labkit import *

DRIVEN = '''
dv/dt = (I - v)/(10*ms) : 1
I : 1
'''


def driven(n=4):
    G = NeuronGroup(n, DRIVEN, threshold='v > 0.5', reset='v = 0', method='exact')
    G.I = 'i*0.5'
    return G


def test_state_monitor_shapes_indexing_and_subexpressions(device_name):
    G = NeuronGroup(3, '''dv/dt = (1 - v)/(10*ms) : 1
                          w = 2*v : 1''', method='exact')
    M = StateMonitor(G, ['v', 'w'], record=[0, 2])
    M_all = StateMonitor(G, 'v', record=True, dt=1 * ms)
    run(5 * ms)
    assert M.v.shape == (2, 50) and M.t.size == 50
    assert np.array_equal(M[2].v, M.v[1]) and np.allclose(M.w, 2 * M.v)
    assert M_all.v.shape == (3, 5) and np.allclose(M_all.t / ms, [0, 1, 2, 3, 4])
    assert np.allclose(M_all.v[:, 3], M.v[0, 30])
    run(1 * ms)  # a second run appends
    assert M.v.shape == (2, 60) and M.t[-1] == pytest.approx(5.9 * ms)
    with pytest.raises(IndexError, match="did not record element 1"):
        M[1]


def test_monitors_record_a_subexpression_that_draws_random_numbers(device_name):
    """A recorded subexpression calling rand() draws for each recorded element (the
    monitors' code had no draws: NameError of the random buffer on every device)."""
    seed(3)
    G = NeuronGroup(3, """dv/dt = 1/(10*ms) : 1
                          u = 2*v + rand() : 1""",
                    threshold='v > 0.25', reset='v = 0', method='euler')
    M = StateMonitor(G, 'u', record=[0, 2])
    S = SpikeMonitor(G, variables='u')
    run(6 * ms)
    assert M.u.shape == (2, 60) and S.num_spikes == 6
    # at t=0 v is 0: u is the draw alone, in [0, 1), and the draws differ
    assert np.all((M.u[:, 0] >= 0) & (M.u[:, 0] < 1)) and M.u[0, 0] != M.u[1, 0]
    assert np.all((S.u >= 0.5) & (S.u < 1.6)) and np.unique(S.u).size == 6


def test_spike_monitor_results(device_name):
    G = driven()
    S = SpikeMonitor(G, variables='I')
    run(100 * ms)
    assert S.count[0] == 0 and S.count[1] == 0  # I = 0 and 0.5 never exceed 0.5
    assert S.count[3] > S.count[2] > 0
    assert S.num_spikes == S.count.sum() == S.i.size == S.t.size
    trains = S.spike_trains()
    assert set(trains) == {0, 1, 2, 3} and trains[0].size == 0
    assert np.allclose(trains[2] / ms, S.t[S.i == 2] / ms)
    assert np.all(np.diff(S.t_) >= 0)
    values = S.values('I')
    assert np.allclose(values[3], 1.5) and np.allclose(S.all_values()['I'][2], 1.0)


def test_spike_monitor_buffers_grow_without_losing_spikes(device_name):
    G = NeuronGroup(300, 'v : 1', threshold='True', reset='')
    S = SpikeMonitor(G)
    run(5 * ms)  # 300 spikes per step, 50 steps: many times the first buffer
    assert S.num_spikes == 300 * 50 and S.i.size == 15000
    assert np.array_equal(S.i[:300], np.arange(300)) and np.all(S.count == 50)


def test_population_rate_and_smoothing(device_name):
    G = NeuronGroup(10, 'v : 1', threshold='i < 3', reset='')
    R = PopulationRateMonitor(G)
    R_sub = PopulationRateMonitor(G[0:5])
    run(2 * ms)
    assert np.allclose(R.rate / Hz, 0.3 / 1e-4) and np.allclose(R_sub.rate / Hz, 0.6 / 1e-4)
    assert R.t.size == 20
    flat = R.smooth_rate('flat', width=0.5 * ms)
    gauss = R.smooth_rate('gaussian', width=0.2 * ms)
    assert flat.dim is Hz.dim and np.allclose(flat[8:12] / Hz, 3000)
    assert np.allclose(gauss[8:12] / Hz, 3000)


def test_state_monitor_record_false_records_only_times():
    G = NeuronGroup(2, 'v : 1')
    M = StateMonitor(G, 'v', record=False)
    run(1 * ms)
    assert M.v.shape == (0, 10) and M.t.size == 10


def test_population_rate_monitor_dt_is_refused_as_in_brian2():
    G = NeuronGroup(2, 'v : 1', threshold='v > 1')
    with pytest.raises(TypeError, match="smooth_rate"):
        PopulationRateMonitor(G, dt=1 * ms)
    PopulationRateMonitor(G, codeobj_class=None, dtype=float)  # Brian2's other arguments


def test_an_unknown_variable_to_record_is_a_readable_key_error():
    # was a raw KeyError whose text came out repr-escaped
    G = NeuronGroup(1, 'dv/dt = -v/ms : 1\nI : 1')
    with pytest.raises(KeyError) as info:
        StateMonitor(G, 'vv', record=True)
    message = str(info.value)
    assert message.startswith("StateMonitor") and "\\" not in message
    assert "has no variable 'vv'; its variables are v, I" in message
    assert "Did you mean 'v'?" in message and "StateMonitor(group, 'v', record=True)" in message
    from labkit.errors import LabkitError

    assert isinstance(info.value, LabkitError)

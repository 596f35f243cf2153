"""PoissonGroup statistics, SpikeGeneratorGroup times and periods, TimedArray lookups."""

import numpy as np
import pytest

from labkit import *


def test_poisson_rate_statistics(device_name):
    seed(2)
    P = PoissonGroup(500, 20 * Hz)
    S = SpikeMonitor(P)
    run(1 * second)
    expected = 500 * 20 * 1.0
    assert abs(S.num_spikes - expected) < 4 * np.sqrt(expected)
    # per-neuron counts are Poisson: variance close to the mean
    assert 0.7 < S.count.var() / S.count.mean() < 1.3


def test_poisson_rates_per_neuron_and_as_string():
    seed(3)
    P = PoissonGroup(2, [0, 100] * Hz)
    Q = PoissonGroup(100, '200*Hz*clip(50 - i, 0, 1)')
    S, SQ = SpikeMonitor(P), SpikeMonitor(Q)
    run(500 * ms)
    assert S.count[0] == 0 and 20 < S.count[1] < 80
    assert SQ.count[50:].sum() == 0 and abs(SQ.count[:50].sum() - 5000) < 4 * np.sqrt(5000)


def test_poisson_same_seed_same_spikes_on_both_devices():
    results = []
    for name in ("runtime", "numpy"):
        start_scope()
        set_device(name)
        seed(9)
        P = PoissonGroup(50, 100 * Hz)
        S = SpikeMonitor(P)
        run(50 * ms)
        results.append((S.i.copy(), S.t_.copy()))
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])


def test_spike_generator_exact_times(device_name):
    times = [0.0, 0.1, 1.0, 1.05, 2.3, 2.3] * ms
    SG = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1, 2], times)
    S = SpikeMonitor(SG)
    run(3 * ms)
    steps = np.round(S.t / (0.1 * ms)).astype(int)
    # 1.05 ms falls into the step of 1.0 ms (Brian2 bins with int((t + 1e-3*dt)/dt))
    # (sorted by time, as Brian2 sorts them: 1.0 ms before 1.05 ms)
    pairs = list(zip(steps, S.i, strict=True))
    assert pairs == [(0, 0), (1, 1), (10, 2), (10, 0), (23, 1), (23, 2)]


def test_spike_generator_period_repeats(device_name):
    SG = SpikeGeneratorGroup(2, [0, 1], [1, 3] * ms, period=5 * ms)
    S = SpikeMonitor(SG)
    run(12 * ms)
    assert np.allclose(S.t / ms, [1, 3, 6, 8, 11])
    assert list(S.i) == [0, 1, 0, 1, 0]
    run(5 * ms)  # continues the pattern
    assert np.allclose(S.t[5:] / ms, [13, 16])


def test_spike_generator_rejects_two_spikes_in_one_step():
    SG = SpikeGeneratorGroup(1, [0, 0], [1.0, 1.02] * ms)  # noqa: F841
    with pytest.raises(ValueError, match="twice in one time step"):
        run(2 * ms)


def test_timed_array_in_equations_one_and_two_dimensional(device_name):
    stim = TimedArray([0, 1, 2, 3] * mV, dt=1 * ms)
    values = np.array([[0.0, 10.0], [1.0, 11.0], [2.0, 12.0]])
    grid = TimedArray(values, dt=2 * ms)  # noqa: F841 - used by name in the model
    G = NeuronGroup(2, '''x = stim(t) : volt
                          y = grid(t, i) : 1
                          dz/dt = stim(t)/(mV*ms) : 1''', method='euler')
    M = StateMonitor(G, ['x', 'y', 'z'], record=True)
    run(5 * ms)
    t = M.t / ms
    assert np.allclose(M.x[0] / mV, np.clip(np.floor(t + 1e-9), 0, 3))
    assert np.allclose(M.y[1], 10 + np.clip(np.floor(t / 2 + 1e-9), 0, 2))
    assert np.allclose(M.y[0], np.clip(np.floor(t / 2 + 1e-9), 0, 2))
    # z integrates stim: 10 steps of 0.1 ms at each of 0, 1, 2, 3 mV, then 3 mV
    assert G.z_[0] == pytest.approx(0.1 * (0 + 1 + 2 + 3) * 10 + 0.1 * 3 * 10)
    assert stim(1.5 * ms) == 1 * mV


def test_timed_array_values_change_without_recompiling():
    from labkit.codegen.compile import compile_count

    def once(values):
        start_scope()
        drive = TimedArray(values, dt=1 * ms)  # noqa: F841
        G = NeuronGroup(1, 'dv/dt = drive(t)/ms : 1', method='euler')
        run(3 * ms)
        return G.v_[0]

    once([1.0, 1.0, 1.0])
    before = compile_count()
    assert once([0.0, 1.0, 2.0]) == pytest.approx(0.1 * (0 + 1 + 2) * 10)
    assert compile_count() == before

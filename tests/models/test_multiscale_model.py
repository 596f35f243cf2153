"""labkit.models.multiscale on the runtime and numpy devices: the verified table of
models-reference section 1.4, the I-V curves of 1.2, the regime map, and the errors."""

import doctest
import time

import numpy as np
import pytest

import labkit.models.multiscale as ms_model
from labkit import ms, second, set_device
from labkit.models.bursts import classify
from labkit.models.multiscale import (
    DEFAULTS,
    equilibria,
    iv_curves,
    multiscale_group,
    negative_slope_windows,
    neuromodulated,
    regime_map,
    simulate_multiscale,
)

TABLE_A_SP = [1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 4.0]


def test_doctests():
    assert doctest.testmod(ms_model, optionflags=doctest.ELLIPSIS).failed == 0


def _table(dt):
    """Section 1.4's protocol: I_app = -1, 25 000 time units, the first 10 000 discarded."""
    _, spikes = simulate_multiscale(25 * second, record=False, dt=dt, a_sp=TABLE_A_SP)
    return {a: classify(spikes.t_[spikes.i_ == k], start=10) for k, a in
            enumerate(TABLE_A_SP)}


def _check_table(regimes):
    # bursting below the switch, with more spikes per burst as a_sp grows
    for a, spikes, burst_period in [(1.25, 3, 2.150), (1.5, 7, 1.950), (1.75, 11, 1.990)]:
        r = regimes[a]
        assert r.kind == "bursting" and r.spikes_per_burst == spikes, (a, r)
        assert float(r.period) == pytest.approx(burst_period, rel=0.03), (a, r)
    assert float(regimes[1.5].isi) == pytest.approx(0.083, rel=0.1)
    assert float(regimes[1.75].isi) == pytest.approx(0.067, rel=0.1)
    r20 = regimes[2.0]
    assert r20.kind == "bursting" and 15 <= r20.spikes_per_burst <= 16, r20   # ref: 16 (LSODA)
    assert float(r20.period) == pytest.approx(2.190, rel=0.06)
    # the switch between 2.0 and 2.25, then tonic spiking faster as a_sp grows
    for a, period in [(2.25, 0.313), (2.5, 0.111), (3.0, 0.053), (4.0, 0.034)]:
        r = regimes[a]
        assert r.kind == "tonic", (a, r)
        assert float(r.period) == pytest.approx(period, rel=0.04), (a, r)
    # a_sp = 1.0: one long event per ~2650-unit cycle (the reference's "plateau-like")
    assert regimes[1.0].kind == "plateau"
    assert float(regimes[1.0].period) == pytest.approx(2.650, rel=0.02)


def test_section_1_4_table_on_the_runtime_device_at_the_reference_dt():
    _check_table(_table(0.1 * ms))


@pytest.mark.slow
def test_section_1_4_table_on_the_numpy_device():
    """The numpy device steps ~100x slower per step: dt = 1 ms, which gives the same
    regimes (models-reference 1.4: Euler counts agree for dt = 1, 0.5, 0.1)."""
    set_device("numpy")
    numpy_regimes = _table(1 * ms)
    _check_table(numpy_regimes)
    set_device("runtime")
    assert _table(1 * ms) == numpy_regimes              # same numbers on both devices


def test_fast_iv_curve_has_a_negative_slope_exactly_when_a_fm_exceeds_one():
    V = np.linspace(-0.05, 0.05, 11)
    assert np.all(np.diff(iv_curves(V, a_fm=2.0)[0]) < 0)
    assert np.all(np.diff(iv_curves(V, a_fm=0.9)[0]) > 0)


def test_slow_negative_slope_window_shrinks_as_a_sp_grows():
    """Section 1.4: about [-2.2, -0.5] at a_sp = 1.5, about [-2.1, -1.0] at 2.5."""
    V = np.linspace(-3, 1, 4001)
    (lo15, hi15), = negative_slope_windows(V, iv_curves(V, a_sp=1.5)[1])
    (lo25, hi25), = negative_slope_windows(V, iv_curves(V, a_sp=2.5)[1])
    assert (lo15, hi15) == pytest.approx((-2.2, -0.5), abs=0.05)
    assert (lo25, hi25) == pytest.approx((-2.1, -1.0), abs=0.05)
    assert negative_slope_windows(V, iv_curves(V)[2]) == []      # ultra-slow: monotone


def test_equilibria_solve_the_ultra_slow_curve_and_the_neuron_rests_at_a_stable_one():
    for params in [DEFAULTS, dict(DEFAULTS, I_app=-2.5, a_sp=2.0), dict(DEFAULTS, a_sp=3.3)]:
        V = equilibria(**params)
        assert V.size >= 1
        np.testing.assert_allclose(iv_curves(V, **params)[2], params["I_app"], atol=1e-5)
    # I_app = -2.5: silent (section 1.4); the trace ends at the equilibrium
    state, spikes = simulate_multiscale(20 * second, record_dt=10 * ms, I_app=-2.5)
    assert spikes.num_spikes == 0
    assert float(state.V_[0, -1]) == pytest.approx(equilibria(I_app=-2.5)[0], abs=1e-3)


def test_parameters_are_per_neuron_variables_and_errors_name_the_fix():
    G = multiscale_group(2, a_sp=[1.5, 2.5], I_app=0.5)
    np.testing.assert_array_equal(G.a_sp_, [1.5, 2.5])
    np.testing.assert_array_equal(G.I_app_, [0.5, 0.5])
    np.testing.assert_array_equal(G.V_, [-1.9, -1.9])
    with pytest.raises(TypeError, match="no parameter 'alpha_sp'.*a_fm, d_fm, a_sp"):
        multiscale_group(alpha_sp=2.0)
    with pytest.raises(ValueError, match="one length; got lengths \\[2, 3\\]"):
        simulate_multiscale(1 * second, a_sp=[1, 2], I_app=[0, 1, 2])


def test_simulate_records_every_neuron_and_the_detector_agrees_with_the_threshold():
    """The in-kernel hysteresis (threshold 'V > 0', refractory 'V > -0.5') and the
    trace-based detector count the same spikes."""
    from labkit.models.bursts import spike_times

    state, spikes = simulate_multiscale(5 * second, a_sp=[1.5, 2.5])
    for k in range(2):
        found = spike_times(state.t_, state.V_[k])
        got = spikes.t_[spikes.i_ == k]
        assert found.size == got.size > 10
        np.testing.assert_allclose(np.asarray(found), got, atol=0.11e-3)  # within a step


@pytest.mark.slow
def test_regime_map_is_one_run_reproduces_the_reference_rows_and_is_quick():
    """Section 1.4's rows at I_app = -1, -1.5 and -2 (not monotone in a_sp), 400 points
    in one NeuronGroup. The kernel runs single-threaded: its CPU time is the wall time on
    an idle machine (the CI machine is shared), and must stay under 10 s."""
    a = np.arange(0.25, 4.01, 0.25)
    I = np.array([-2.0, -1.5, -1.0] + list(np.linspace(-3, 1, 22)))
    started = time.process_time()
    grid = regime_map(a, I)
    cpu = time.process_time() - started
    assert grid.kinds.shape == (16, 25)
    assert cpu < 10, f"the regime map took {cpu:.1f} s of CPU"
    row = {float(x): grid.at(x, -1.0) for x in a}
    assert [row[x].kind for x in (1.25, 1.5, 1.75, 2.0)] == ["bursting"] * 4
    assert [row[x].spikes_per_burst for x in (1.25, 1.5, 1.75)] == [3, 7, 11]
    assert all(row[x].kind == "tonic" for x in a if x >= 2.25)
    assert row[1.0].kind == "plateau"
    # I_app = -2: silent <= 1.75, bursting 2.0-2.75, rest 3.0-3.5, tonic at 4.0
    kinds = {float(x): grid.at(x, -2.0).kind for x in a}
    assert all(kinds[x] == "rest" for x in a if x <= 1.75)
    assert all(kinds[x] == "bursting" for x in (2.0, 2.25, 2.5, 2.75))
    assert all(kinds[x] == "rest" for x in (3.0, 3.25, 3.5))
    assert kinds[4.0] == "tonic"
    # I_app = -1.5: bursting 1.5-2.5 with 6 -> 13 spikes per burst, rest at 2.75
    sizes = [grid.at(x, -1.5).spikes_per_burst for x in (1.5, 1.75, 2.0, 2.25, 2.5)]
    assert sizes[0] == 6 and sizes[-1] == 13 and sizes == sorted(sizes)
    assert grid.at(2.75, -1.5).kind == "rest"
    assert grid.spikes_per_burst.shape == grid.kinds.shape


def test_the_neuromodulator_turns_tonic_spiking_into_bursting():
    levels = [0.0, 0.3, 0.5, 1.0]
    gains = [neuromodulated(m) for m in levels]
    _, spikes = simulate_multiscale(25 * second, record=False, dt=0.5 * ms,
                                    a_sp=[g["a_sp"] for g in gains],
                                    a_sm=[g["a_sm"] for g in gains])
    regimes = [classify(spikes.t_[spikes.i_ == k], start=10) for k in range(4)]
    assert [r.kind for r in regimes] == ["tonic", "tonic", "bursting", "bursting"]
    assert regimes[2].spikes_per_burst > regimes[3].spikes_per_burst == 17
    with pytest.raises(ValueError, match="from 0 to 1; got 1.5"):
        neuromodulated(1.5)

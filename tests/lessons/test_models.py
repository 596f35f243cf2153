"""labkit.models: physiology and numbers (models-reference sections 3.1, 3.2; the LIF
rate formula), not just "it runs"."""

import doctest

import numpy as np
import pytest

import labkit.models.hh as hh
import labkit.models.lif as lif
from labkit import Hz, cm, ms, mV, nA, second, uA


@pytest.mark.parametrize("module", [lif, hh])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_course_lif_script_spike_times():
    _, spikes = lif.simulate_lif(I=1.0, duration=70 * ms)
    np.testing.assert_allclose(np.asarray(spikes.t / ms), [16.0, 37.0, 58.0])


@pytest.mark.parametrize("I", [0.9, 1.0, 1.5, 3.0])
def test_lif_rate_formula_matches_simulation(I):
    from labkit import defaultclock

    defaultclock.dt = 0.01 * ms
    _, spikes = lif.simulate_lif(I=I, duration=2 * second)
    simulated = spikes.num_spikes / (2 * second)
    # one spike more or less at the end of the run, and one step per period
    assert float(simulated) == pytest.approx(float(lif.lif_rate(I)), rel=0.01, abs=0.6)


def test_lif_rate_is_zero_at_and_below_rheobase_and_capped_by_refractoriness():
    assert np.all(np.asarray(lif.lif_rate([0.0, 0.5, 0.8])) == 0)
    assert float(lif.lif_rate(1e6)) == pytest.approx(1 / float(lif.TAU_REF), rel=1e-3)
    rates = np.asarray(lif.lif_rate(np.linspace(0.81, 5, 30)))
    assert np.all(np.diff(rates) > 0)


def test_physical_lif_rheobase_and_formula():
    assert float(lif.lif_physical_rate(0.15 * nA)) == 0
    assert float(lif.lif_physical_rate(0.2 * nA)) == pytest.approx(33.64, abs=0.01)
    net, objects = lif.lif_physical_network([0.2, 0.3, 0.5] * nA)
    net.run(1 * second, namespace=lif.lif_physical_namespace())
    rates = np.asarray(objects["spikes"].count, dtype=float)
    np.testing.assert_allclose(rates, np.asarray(lif.lif_physical_rate([0.2, 0.3, 0.5] * nA)),
                               atol=1.5)


def test_physical_lif_noise_makes_a_subthreshold_neuron_fire():
    from labkit import seed

    seed(5)
    net, objects = lif.lif_physical_network([0.12] * nA)
    net.store()
    net.run(1 * second, namespace=lif.lif_physical_namespace())
    assert objects["spikes"].num_spikes == 0
    net.restore()
    net.run(1 * second, namespace=lif.lif_physical_namespace(sigma=0.1 * nA))
    assert objects["spikes"].num_spikes > 0


@pytest.mark.slow
def test_traub_miles_f_I_curve_matches_reference():
    """models-reference 3.1 (Brian2 2.9.0, exponential Euler, dt 0.1 ms, 2 s)."""
    currents = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7] * nA
    _, spikes = hh.simulate_traub_miles(currents, duration=2 * second, record=False)
    rates = np.asarray(spikes.count / (2 * second))
    np.testing.assert_allclose(rates, [0, 13.5, 22.5, 30, 36.5, 49, 70.5, 90], atol=0.51)


def test_traub_miles_spike_is_an_action_potential():
    state, spikes = hh.simulate_traub_miles(0.5 * nA, duration=100 * ms)
    v = np.asarray(state.v[0] / mV)
    assert spikes.num_spikes >= 5
    assert v.max() > 40            # overshoot towards ENa = +50 mV
    assert v.min() < -70           # after-hyperpolarisation towards EK = -90 mV
    # during the upstroke sodium activates before potassium
    up = int(np.argmax(v > 0))
    assert state.m[0][up] > 0.5 > state.n[0][up]


def test_tetrodotoxin_abolishes_action_potentials():
    peaks = []
    for fraction in [1.0, 0.1, 0.025]:
        state, _ = hh.simulate_step_protocol(2 * nA, g_na=fraction * hh.G_NA)
        peaks.append(float(np.max(state.v[0]) / mV))
    assert peaks[0] > 40 and peaks[0] > peaks[1] > peaks[2]
    assert peaks[2] < -20          # no action potential left


def test_step_protocol_is_seeded():
    a, b = hh.step_protocol(), hh.step_protocol()
    np.testing.assert_array_equal(np.asarray(a.values), np.asarray(b.values))
    assert len(np.asarray(a.values)) == 5


@pytest.mark.slow
def test_hh1952_type_II_onset_and_rates():
    """models-reference 3.2: one spike at 5 uA/cm^2, repetitive from 6.5 (~56 Hz, no low
    rates), 10 -> 69, 20 -> 87, 50 -> 118 Hz (counted over 1 s, so within a few Hz)."""
    densities = [5, 6.5, 10, 20, 50] * uA / cm**2
    _, spikes = hh.simulate_hh1952(densities, duration=1 * second, record=False)
    counts = np.asarray(spikes.count)
    assert counts[0] <= 2
    np.testing.assert_allclose(counts[1:], [56, 69, 87, 118], atol=3)


def test_hh1952_rests_at_minus_65_mV():
    state, spikes = hh.simulate_hh1952(0 * uA / cm**2, duration=50 * ms)
    assert spikes.num_spikes == 0
    np.testing.assert_allclose(np.asarray(state.v[0] / mV), -65, atol=0.1)


def test_rates_are_in_hertz():
    assert lif.lif_rate(1.0).dim is Hz.dim

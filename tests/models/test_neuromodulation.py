"""Modulatory synapses (models-reference section 2.4) on the runtime and numpy devices:
the additive one makes a tonic neuron burst while the presynaptic neuron fires; the
depressive one makes it burst, then spike tonically again although the presynaptic
neuron keeps firing."""

import numpy as np
import pytest

from labkit import ms, second, set_device
from labkit.models.bursts import classify, split_bursts
from labkit.models.multiscale import multiscale_group
from labkit.models.neuromodulation import modulatory_synapses, simulate_modulation


def _windows(objects):
    post = objects["post_spikes"].t_
    return {(lo, hi): classify(post, lo, hi) for lo, hi in
            [(2, 8), (10, 24), (14, 24), (18, 24), (28, 40)]}, post


def _presynaptic_fires_only_when_on(objects):
    pre = objects["pre_spikes"].t_
    assert pre.min() >= 8.0 and pre.max() < 24.0
    assert float(np.mean(np.diff(pre))) == pytest.approx(0.0506, rel=0.03)   # ~20 Hz


def _check_additive(objects):
    _presynaptic_fires_only_when_on(objects)
    regimes, post = _windows(objects)
    assert regimes[2, 8].kind == "tonic"
    during = regimes[10, 24]
    assert during.kind == "bursting" and 7 <= during.spikes_per_burst <= 8, during
    assert float(during.period) == pytest.approx(1.97, rel=0.05)
    first_burst = split_bursts(post[(post >= 8) & (post < 24)])[0][0]
    assert 1.4 < first_burst - 8 < 2.1            # the ultra-slow variable relaxes first
    after = regimes[28, 40]
    assert after.kind == "tonic" and float(after.period) == pytest.approx(0.112, rel=0.04)


def _check_depressive(objects):
    _presynaptic_fires_only_when_on(objects)
    regimes, post = _windows(objects)
    assert regimes[2, 8].kind == "tonic"
    bursts = [b for b in split_bursts(post[(post >= 8) & (post < 24)]) if b.size > 1]
    assert len(bursts) >= 3 and all(b.size >= 5 for b in bursts[:2])   # it bursts ...
    assert regimes[14, 24].kind == "tonic" == regimes[18, 24].kind      # ... then it does not
    assert float(regimes[18, 24].period) > 0.12          # still slowed by the modulation
    g = objects["traces"].g_[0] if "traces" in objects else None
    if g is not None:
        t = objects["traces"].t_
        assert g[t < 8].min() > 0.99 and g[(t > 20) & (t < 24)].max() < 0.3
    assert regimes[28, 40].kind == "tonic"


CHECKS = {"additive": _check_additive, "depressive": _check_depressive}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["additive", "depressive"])
def test_reference_protocol_on_the_runtime_device(kind):
    """dt = 0.1 ms, records as lesson 09 does (the same compiled kernel)."""
    objects = simulate_modulation(kind)
    CHECKS[kind](objects)
    if kind == "additive":
        t, a_mod = objects["state"].t_, objects["state"].a_mod_[0]
        assert a_mod[t < 8].min() > -0.01                          # no modulation at rest
        np.testing.assert_allclose(a_mod[(t > 8.6) & (t < 24)], -1.0, atol=0.04)  # a_sp 1.50-1.54
        assert a_mod[t > 25].max() > -0.01                          # and it wears off


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["additive", "depressive"])
def test_reference_protocol_on_the_numpy_device(kind):
    """The numpy device at dt = 1 ms (the runtime gives the same outcome at that dt)."""
    set_device("numpy")
    CHECKS[kind](simulate_modulation(kind, record=False, dt=1 * ms))


def test_errors_name_the_kind_the_parameter_and_the_fix():
    pre, plain = multiscale_group(name="a"), multiscale_group(name="b")
    with pytest.raises(ValueError, match="kind 'facilitating'; the kinds are additive, depr"):
        modulatory_synapses(pre, plain, "facilitating")
    with pytest.raises(ValueError, match="no variable 'a_mod'.*modulated=True"):
        modulatory_synapses(pre, plain)
    post = multiscale_group(name="c", modulated=True)
    with pytest.raises(TypeError, match="additive modulatory synapse has no parameter 'tau_dep'"):
        modulatory_synapses(pre, post, tau_dep=1 * second)
    S = modulatory_synapses(pre, post, "depressive", tau_dep=2 * second)
    assert float(S.tau_dep[0]) == 2.0 and float(S.g0[0]) == 1.0

"""White noise (xi) in a Synapses' clock-driven equations, as Brian2 allows it."""

import shutil

import numpy as np
import pytest

from labkit import *
from labkit.errors import ExpressionError


def _ou_synapses():
    """4000 synaptic Ornstein-Uhlenbeck processes; stationary variance sigma**2."""
    start_scope()
    seed(7)
    G = NeuronGroup(2, 'v : 1')
    S = Synapses(G, G, '''dw/dt = -w/tau + sigma*sqrt(2/tau)*xi : 1 (clock-driven)''',
                 namespace=dict(tau=10 * ms, sigma=0.5))
    S.connect(i=np.zeros(4000, dtype=int), j=np.zeros(4000, dtype=int))
    run(150 * ms)
    return np.asarray(S.w[:])


def _assert_stationary_variance(w):
    # Euler's stationary variance is sigma**2/(1 - dt/(2 tau)) = 1.005 sigma**2; the
    # estimate from 4000 samples has a standard error of sqrt(2/4000) = 2.2 %
    ratio = w.var() / (0.25 / (1 - 0.1 / 20))
    assert abs(ratio - 1) < 4 * np.sqrt(2 / 4000), ratio


def test_noise_in_synapses_has_the_stationary_variance(device_name):
    w = _ou_synapses()
    _assert_stationary_variance(w)
    assert abs(w.mean()) < 4 * 0.5 / np.sqrt(4000)


@pytest.mark.cpp
def test_noise_in_synapses_on_cpp_standalone():
    if not shutil.which("g++") or not shutil.which("make"):
        pytest.skip("no C++ compiler")
    set_device('cpp_standalone')
    _assert_stationary_variance(_ou_synapses())


def test_noise_in_synapses_is_reproducible_with_seed():
    assert np.array_equal(_ou_synapses(), _ou_synapses())


@pytest.mark.parametrize("where", ["on_pre", "reset"])
def test_noise_in_event_code_is_refused_clearly(where):
    """Brian2 refuses xi outside differential equations too; we say what to write."""
    start_scope()
    code = 'v += xi*sqrt(ms)'
    G = NeuronGroup(2, 'v : 1', threshold='True', reset=code if where == "reset" else None)
    if where == "on_pre":
        S = Synapses(G, G, 'w : 1', on_pre='v_post += xi*sqrt(ms)')
        S.connect(i=0, j=1)
    with pytest.raises(ExpressionError, match=r"'xi' is white noise.*randn\(\)"):
        run(1 * ms)

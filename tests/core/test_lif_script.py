"""The issue's LIF script runs unchanged and gives the analytic spike times on both devices."""

import math

import numpy as np
import pytest

from labkit import *
from labkit.codegen.compile import compile_count


def lif_script(I_value=1, tau_value=10, n=1):
    start_scope()
    defaultclock.dt = 0.1 * ms
    tau = tau_value * ms; V_t = 0.8; V_r = 0; tau_ref = 5 * ms  # noqa: E702, F841
    eqs = '''
    dv/dt = (-v + I)/tau : 1 (unless refractory)
    I : 1
    '''
    G = NeuronGroup(n, eqs, threshold='v > V_t', reset='v = V_r', refractory=tau_ref,
                    method='exact')
    G.v = V_r; G.I = I_value  # noqa: E702
    Vmon = StateMonitor(G, 'v', record=True); Smon = SpikeMonitor(G)  # noqa: E702
    run(70 * ms)
    return G, Vmon, Smon


def expected_spike_steps(I=1.0, tau=10e-3, dt=1e-4, ref=5e-3, steps=700, v_t=0.8):
    """Brian2's semantics: the update of step n gives v(t_{n+1}); a spike is stamped t_n."""
    spikes, n, v, last = [], 0, 0.0, -1e9
    decay = math.exp(-dt / tau)
    while n < steps:
        if int((n * dt - last + 1e-3 * dt) / dt) >= int((ref + 1e-3 * dt) / dt):
            v = I - I * decay + decay * v
            if v > v_t:
                spikes.append(n)
                last = n * dt
                v = 0.0
        n += 1
    return spikes


def test_issue_script_gives_the_analytic_spike_times(device_name):
    G, Vmon, Smon = lif_script()
    # v(t) = 1 - exp(-t/tau) crosses 0.8 at t = tau*ln(5) = 16.09 ms: the update at
    # t = 16.0 ms reaches 16.1 ms, so the spike is stamped 16.0 ms; 5 ms refractory, again.
    assert np.allclose(Smon.t / ms, [16.0, 37.0, 58.0])
    assert list(Smon.i) == [0, 0, 0]
    assert [round(float(t / (0.1 * ms))) for t in Smon.t] == expected_spike_steps()
    assert Vmon.v.shape == (1, 700)
    assert np.allclose(Vmon.t / ms, np.arange(700) * 0.1)
    t = Vmon.t_[:160]
    assert np.allclose(Vmon.v[0, :160], 1 - np.exp(-t / 10e-3), rtol=1e-12, atol=1e-15)
    # refractory: v stays at V_r for 5 ms after each spike
    k = 161  # first step after the spike's update
    assert np.all(Vmon.v[0, k:k + 50] == 0)
    assert Vmon.v[0, k + 50] > 0  # the update at t = 21.0 ms, recorded at 21.1 ms
    assert Smon.count.tolist() == [3] and Smon.num_spikes == 3
    assert float(G.t / ms) == pytest.approx(70.0)


def test_devices_agree_bit_for_bit():
    set_device("runtime")
    _, v1, s1 = lif_script(I_value=1.3)
    set_device("numpy")
    _, v2, s2 = lif_script(I_value=1.3)
    assert np.array_equal(v1.v_, v2.v_)
    assert np.array_equal(s1.t_, s2.t_)


def test_changing_values_never_recompiles():
    lif_script()
    before = compile_count()
    _, _, s = lif_script(I_value=2.0, tau_value=20, n=3)  # new N, I, namespace tau
    assert compile_count() == before
    steps = expected_spike_steps(I=2.0, tau=20e-3)
    assert [round(float(t / (0.1 * ms))) for t in s.t[s.i == 0]] == steps
    assert s.count.tolist() == [len(steps)] * 3


def test_rerun_with_new_values_is_fast():
    import time

    lif_script()
    started = time.perf_counter()
    for k in range(5):
        lif_script(I_value=1 + 0.1 * k)
    per_run = (time.perf_counter() - started) / 5
    assert per_run < 0.05, per_run  # widgets need well under 20 ms; allow a slow CI machine

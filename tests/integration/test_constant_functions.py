"""Functions constant over a step (a TimedArray on a grid of whole steps) in linear methods.

Brian2 integrates ``dv/dt = (El - v + R*stim(t))/tau`` with ``method='exact'``: the
TimedArray cannot change within a step, so its call is a constant of the step. Only a
genuine dependence on ``t`` (``t`` itself, ``stim(t + 1*ms)``, ``stim(2*t)``) is refused.
"""

import numpy as np
import pytest

from labkit import *
from labkit.errors import IntegrationError
from labkit.integration import cache_key, choose_method, integrate

STIM = frozenset({"stim"})
LIF = Equations("dv/dt = (El - v + R*stim(t))/tau : volt")


def test_exact_holds_a_constant_function_over_the_step():
    import sympy

    block = integrate(LIF, "exact", constant_functions=STIM)
    assert "stim(t)" in str(block) and "exp(-dt/tau)" in str(block)
    # the exact solution of dv/dt = (c - v)/tau over one step, with c = El + R*stim(t)
    new_v = block.statements[-2].expr
    v, c, tau, dt = sympy.symbols("v c tau dt", real=True)
    stim_t = sympy.Function("stim")(sympy.Symbol("t", real=True))
    El, R = sympy.symbols("El R", real=True)
    reference = c + (v - c) * sympy.exp(-dt / tau)
    names = {s.name: s for s in new_v.free_symbols}
    difference = new_v.subs({names["v"]: v, names["tau"]: tau, names["dt"]: dt}) \
        - reference.subs(c, names["El"] + names["R"] * stim_t)
    assert sympy.simplify(difference.subs({names["El"]: El, names["R"]: R})) == 0


def test_without_the_declaration_the_refusal_explains_timed_arrays():
    with pytest.raises(IntegrationError) as info:
        integrate(LIF, "exact")
    message = str(info.value)
    assert "depend on time t" in message and "TimedArray" in message
    assert "whole number of the group's time steps" in message


@pytest.mark.parametrize("rhs", ["(El - v + R*stim(t + 1*ms))/tau", "(El - v)/tau + t*mV/ms**2",
                                 "(El - v + R*stim(2*t))/tau", "(El - v + R*stim(t)*t/ms)/tau"])
def test_a_genuine_dependence_on_time_is_still_refused(rhs):
    with pytest.raises(IntegrationError, match="not constant over a time step"):
        integrate(Equations(f"dv/dt = {rhs} : volt"), "exact", constant_functions=STIM)


def test_the_automatic_choice_is_exact_as_in_brian2():
    assert choose_method(LIF, constant_functions=STIM)[0] == "exact"
    assert choose_method(LIF)[0] == "euler"


def test_noise_scaled_by_a_constant_function_is_additive():
    eqs = Equations("dv/dt = -v/tau + sigma*stim(t)*xi*tau**-0.5 : volt")
    with pytest.raises(IntegrationError, match="multiplicative"):
        integrate(eqs, "euler")
    assert integrate(eqs, "euler", constant_functions=STIM).method == "euler"


def test_the_declaration_is_part_of_the_cache_key():
    assert cache_key(LIF, "exact") != cache_key(LIF, "exact", STIM)


def _lif_with(stim, method):
    tau, El, R = 10 * ms, -70 * mV, 50 * Mohm  # noqa: F841 - read by run()
    G = NeuronGroup(1, "dv/dt = (El - v + R*stim(t))/tau : volt", threshold="v > -50*mV",
                    reset="v = El", method=method)
    G.v = El
    S = SpikeMonitor(G)
    M = StateMonitor(G, "v", record=0)
    Network(G, S, M).run(100 * ms)
    return S, M


def test_neurongroup_with_a_timed_array_runs_exactly(device_name):
    stim = TimedArray([0, 0.6, 0.2, 0.9] * nA, dt=25 * ms)
    S, M = _lif_with(stim, "exact")
    assert len(S.t) == 6
    # the exact solution within the second block (25-50 ms, 0.6 nA, from its value at 25 ms)
    k = 300
    v25, v30 = float(M.v[0][250]), float(M.v[0][k])
    target = -70e-3 + 50e6 * 0.6e-9
    np.testing.assert_allclose(v30, target + (v25 - target) * np.exp(-5e-3 / 10e-3),
                               rtol=1e-12)
    auto, _ = _lif_with(stim, None)
    assert np.array_equal(np.asarray(auto.t), np.asarray(S.t))


def test_a_timed_array_off_the_step_grid_cannot_be_exact():
    stim = TimedArray([0, 0.6, 0.2, 0.9] * nA, dt=0.25 * ms)  # 2.5 steps: changes mid-step
    assert not stim.is_locally_constant(0.1e-3) and stim.is_locally_constant(0.05e-3)
    with pytest.raises(IntegrationError, match="TimedArray"):
        _lif_with(stim, "exact")
    _lif_with(stim, None)  # the automatic choice falls back to euler, as Brian2's does


def test_clock_driven_synapses_with_a_timed_array():
    gain = TimedArray([1.0, 3.0], dt=5 * ms)  # noqa: F841 - read by run()
    G = NeuronGroup(2, "v : 1")
    S = Synapses(G, G, "dw/dt = (gain(t) - w)/(2*ms) : 1 (clock-driven)", method="exact")
    S.connect(j="i")
    run(10 * ms)
    w5 = 1.0 * (1 - np.exp(-5 / 2))  # w(5 ms) from 0, driven by 1; then driven by 3
    expected = 3.0 + (w5 - 3.0) * np.exp(-5 / 2)
    np.testing.assert_allclose(np.asarray(S.w), expected, rtol=1e-9)

"""Each method converges at its order on problems with known solutions; exact is exact."""

from __future__ import annotations

import numpy as np
import pytest
from intg_helpers import Stepper, make_eqs, slope

from labkit.integration import integrate

T = 1.0
DECAY = make_eqs("dv/dt = -v/tau : 1")
LEAK = make_eqs("dv/dt = (I - v)/tau : 1")
OSCILLATOR = make_eqs("""
dx/dt = w*y : 1
dy/dt = -w*x : 1
""")
# Conditionally linear, non-linear: a membrane and an HH-like gate with voltage-dependent rates.
GATED = make_eqs("""
dv/dt = (gl*(El - v) + g*m**3*(E - v))/C : 1
dm/dt = a*exp(v/k)*(1 - m) - b*exp(-v/k)*m : 1
""")
GATED_VALUES = dict(gl=1.0, El=0.0, g=5.0, E=1.0, C=1.0, a=1.0, b=1.0, k=0.5, v=0.0, m=0.1)


def run(eqs, method, values, dt, steps):
    values = dict(values, dt=dt, t=0.0)
    return Stepper(integrate(eqs, method)).run(values, steps)


PROBLEMS = {
    "decay": (DECAY, dict(v=1.0, tau=0.5), lambda: {"v": np.exp(-T / 0.5)}),
    "leak": (LEAK, dict(v=0.0, I=2.0, tau=0.5), lambda: {"v": 2 + (0 - 2) * np.exp(-T / 0.5)}),
    "oscillator": (
        OSCILLATOR,
        dict(x=1.0, y=0.5, w=2 * np.pi * 0.8),
        lambda: {
            "x": np.cos(2 * np.pi * 0.8 * T) + 0.5 * np.sin(2 * np.pi * 0.8 * T),
            "y": 0.5 * np.cos(2 * np.pi * 0.8 * T) - np.sin(2 * np.pi * 0.8 * T),
        },
    ),
}

ORDERS = {"euler": (1, [40, 80, 160, 320]), "rk2": (2, [20, 40, 80, 160]),
          "rk4": (4, [10, 20, 40, 80])}


def global_errors(eqs, method, values, exact, steps_list):
    errors = []
    for steps in steps_list:
        result = run(eqs, method, values, T / steps, steps)
        errors.append(max(abs(result[k] - v) for k, v in exact().items()))
    return errors


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("method", sorted(ORDERS))
def test_explicit_methods_converge_at_their_order(method, problem):
    eqs, values, exact = PROBLEMS[problem]
    order, steps_list = ORDERS[method]
    errors = global_errors(eqs, method, values, exact, steps_list)
    dts = [T / n for n in steps_list]
    assert slope(dts, errors) == pytest.approx(order, abs=0.15)
    assert errors[-1] < errors[0]


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_exact_matches_the_analytic_solution(problem):
    eqs, values, exact = PROBLEMS[problem]
    for steps in (1, 7, 100):
        result = run(eqs, "exact", values, T / steps, steps)
        for name, expected in exact().items():
            assert result[name] == pytest.approx(expected, rel=1e-12, abs=1e-13)


def test_exact_solves_a_coupled_triangular_system():
    eqs = make_eqs("""
    dv/dt = (ge - v)/taum : 1
    dge/dt = -ge/taue : 1
    """)
    taum, taue, ge0, v0 = 0.02, 0.005, 1.5, -0.3
    expected = v0 * np.exp(-T / taum) + ge0 * taue / (taue - taum) * (
        np.exp(-T / taue) - np.exp(-T / taum))
    result = run(eqs, "exact", dict(v=v0, ge=ge0, taum=taum, taue=taue), T / 50, 50)
    assert result["v"] == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert result["ge"] == pytest.approx(ge0 * np.exp(-T / taue), rel=1e-12)


def test_exact_handles_a_zero_coefficient():
    eqs = make_eqs("dv/dt = I/tau : 1")
    result = run(eqs, "exact", dict(v=0.25, I=2.0, tau=0.5), 0.1, 10)
    assert result["v"] == pytest.approx(0.25 + 2.0 / 0.5 * T, rel=1e-12)


def test_exponential_euler_is_exact_on_linear_problems():
    for name in ("decay", "leak"):
        eqs, values, exact = PROBLEMS[name]
        result = run(eqs, "exponential_euler", values, T / 10, 10)
        assert result["v"] == pytest.approx(exact()["v"], rel=1e-12)


def test_exponential_euler_converges_at_first_order_on_gated_dynamics():
    reference = run(GATED, "rk4", GATED_VALUES, T / 4000, 4000)
    steps_list = [20, 40, 80, 160]
    errors = [
        max(abs(run(GATED, "exponential_euler", GATED_VALUES, T / n, n)[k] - reference[k])
            for k in ("v", "m"))
        for n in steps_list
    ]
    assert slope([T / n for n in steps_list], errors) == pytest.approx(1, abs=0.15)


def test_rk4_reference_for_gated_dynamics_is_converged():
    fine = run(GATED, "rk4", GATED_VALUES, T / 4000, 4000)
    coarse = run(GATED, "rk4", GATED_VALUES, T / 2000, 2000)
    assert abs(fine["v"] - coarse["v"]) < 1e-10

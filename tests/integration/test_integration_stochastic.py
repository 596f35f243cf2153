"""Stochastic methods: statistics against theory, and one shared draw per noise symbol."""

from __future__ import annotations

import numpy as np
import pytest
from intg_helpers import Stepper, make_eqs

from labkit.equations.functions import randn
from labkit.integration import integrate

N = 20_000  # independent trajectories, stepped together
OU = make_eqs("dx/dt = -x/tau + sigma*sqrt(2/tau)*xi : 1")  # stationary variance sigma**2


def simulate(eqs, method, values, dt, steps, seed=1):
    stepper = Stepper(integrate(eqs, method), np.random.default_rng(seed), N)
    return stepper.run(dict(values, dt=dt, t=0.0), steps)


@pytest.mark.parametrize("method", ["euler", "heun", "milstein"])
def test_ornstein_uhlenbeck_stationary_variance(method):
    sigma = 1.5
    # start at 0; after 6 tau the variance has reached 1 - exp(-12) of its limit
    x = simulate(OU, method, dict(x=np.zeros(N), tau=1.0, sigma=sigma), 0.01, 600)["x"]
    variance = x.var(ddof=1)
    standard_error = sigma**2 * np.sqrt(2 / (N - 1))
    assert abs(variance - sigma**2) < 4 * standard_error
    assert abs(x.mean()) < 4 * sigma / np.sqrt(N)


@pytest.mark.parametrize("method", ["heun", "milstein"])
def test_multiplicative_noise_is_read_as_stratonovich(method):
    # dx = b*x o dW (Stratonovich) has x(T) = exp(b*W(T)): mean exp(b**2*T/2).
    # The Ito reading would give mean 1, about 30 standard errors away.
    eqs = make_eqs("dx/dt = b*x*xi : 1")
    b, T = 0.5, 1.0
    x = simulate(eqs, method, dict(x=np.ones(N), b=b), 0.01, 100)["x"]
    mean = np.exp(b**2 * T / 2)
    standard_error = np.sqrt(np.exp(2 * b**2 * T) - np.exp(b**2 * T)) / np.sqrt(N)
    assert abs(x.mean() - mean) < 4 * standard_error


def test_the_same_noise_symbol_is_one_draw_shared_by_all_equations():
    eqs = make_eqs("""
    dx/dt = -x/tau + s*xi_1 : 1
    dy/dt = -y/tau + s*xi_1 : 1
    dz/dt = -z/tau + s*xi_2 : 1
    """)
    for method in ("euler", "heun"):
        block = integrate(eqs, method)
        assert len(block.random) == 2 and all(r.func is randn for r in block.random)
        zeros = np.zeros(N)
        out = simulate(eqs, method, dict(x=zeros, y=zeros, z=zeros, tau=1.0, s=1.0), 0.01, 50)
        np.testing.assert_array_equal(out["x"], out["y"])  # correlated: identical
        correlation = np.corrcoef(out["x"], out["z"])[0, 1]
        assert abs(correlation) < 4 / np.sqrt(N)  # independent


def test_noise_increment_scales_with_sqrt_dt():
    block = integrate(OU, "euler")
    draw = block.statements[0]
    assert draw.target == "__dW_xi"
    assert str(draw.expr) == "sqrt(dt)*randn(-1)"
    # one step from x = 0: x_new = sigma*sqrt(2/tau)*sqrt(dt)*N(0, 1)
    out = simulate(OU, "euler", dict(x=np.zeros(N), tau=2.0, sigma=1.0), 0.04, 1)["x"]
    expected_sd = np.sqrt(2 / 2.0) * np.sqrt(0.04)
    assert out.std(ddof=1) == pytest.approx(expected_sd, rel=4 * np.sqrt(1 / (2 * N)))


def test_random_calls_of_the_model_are_reported_too():
    eqs = make_eqs("""
    dv/dt = (-v + s*noise)/tau : 1
    noise = randn() : 1 (constant over dt)
    """)
    block = integrate(eqs, "euler")
    assert block.statements[0].target == "noise"
    assert [str(r) for r in block.random] == ["randn(0)"]

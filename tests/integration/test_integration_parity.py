"""One step of exact and exponential Euler agrees with Brian2's own state updaters."""

from __future__ import annotations

import numpy as np
import pytest
from intg_helpers import UNITS, Stepper, make_eqs, np_exprel
from test_integration_models import COBAHH, CUBA, HH_VALUES

from labkit.integration import integrate, integrate_event_driven

b2 = pytest.importorskip("brian2")
from brian2.stateupdaters.exact import linear as b2_linear  # noqa: E402
from brian2.stateupdaters.exponential_euler import (  # noqa: E402
    exponential_euler as b2_exponential_euler,
)

pytestmark = pytest.mark.parity
N = 16  # random states compared at once
RNG = np.random.default_rng(2024)


def brian2_step(abstract_code: str, values: dict) -> dict:
    """Run Brian2's abstract code (``name = expression`` lines) with numpy, test-side."""
    namespace = {"exp": np.exp, "exprel": np_exprel, "sqrt": np.sqrt, **UNITS, **values}
    for line in abstract_code.strip().splitlines():
        target, expression = line.split("=", 1)
        namespace[target.strip()] = eval(expression, namespace)  # Brian2's output, tests only
    return namespace


def labkit_step(block, values: dict) -> dict:
    values = dict(values)
    Stepper(block).step(values)
    return values


def assert_same_step(text, method, brian2_method, values, names):
    ours = labkit_step(integrate(make_eqs(text), method), values)
    theirs = brian2_step(brian2_method(b2.Equations(text)), values)
    for name in names:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-12, atol=0, err_msg=name)
        assert not np.allclose(ours[name], values[name], rtol=1e-6, atol=0)  # it did change


def test_exact_cuba_matches_brian2():
    values = dict(
        taum=RNG.uniform(10e-3, 30e-3, N), taue=RNG.uniform(2e-3, 8e-3, N),
        taui=RNG.uniform(8e-3, 15e-3, N), El=RNG.uniform(-70e-3, -40e-3, N),
        v=RNG.uniform(-70e-3, -50e-3, N), ge=RNG.uniform(0, 5e-3, N),
        gi=RNG.uniform(-5e-3, 0, N), dt=1e-4, t=0.0,
    )
    assert_same_step(CUBA, "exact", b2_linear, values, ["v", "ge", "gi"])


def test_exact_coupled_system_with_real_eigenvalues_matches_brian2():
    text = """
    dx/dt = (-x + a*y)/tau1 : 1
    dy/dt = (b*x - y + c)/tau2 : 1
    """
    values = dict(a=RNG.uniform(0.1, 0.5, N), b=RNG.uniform(0.1, 0.5, N),
                  c=RNG.uniform(-1, 1, N), tau1=RNG.uniform(5e-3, 10e-3, N),
                  tau2=RNG.uniform(12e-3, 20e-3, N), x=RNG.normal(size=N), y=RNG.normal(size=N),
                  dt=1e-3, t=0.0)
    assert_same_step(text, "exact", b2_linear, values, ["x", "y"])


def test_exponential_euler_cobahh_matches_brian2():
    values = dict(
        HH_VALUES, v=RNG.uniform(-80e-3, 20e-3, N), m=RNG.uniform(0, 1, N),
        n=RNG.uniform(0, 1, N), h=RNG.uniform(0, 1, N), ge=RNG.uniform(0, 50e-9, N),
        gi=RNG.uniform(0, 200e-9, N), I=RNG.uniform(0, 1e-9, N), dt=1e-4, t=0.0,
    )
    assert_same_step(COBAHH, "exponential_euler", b2_exponential_euler, values,
                     ["v", "m", "n", "h", "ge", "gi"])


def test_event_driven_traces_match_brian2_over_the_elapsed_time():
    text = """
    dapre/dt = -apre/taupre : 1 (event-driven)
    dapost/dt = -apost/taupost : 1 (event-driven)
    dw_clock/dt = -w_clock/tau : 1
    """
    block = integrate_event_driven(make_eqs(text))
    assert block.state == ("apre", "apost") and block.method == "exact"
    values = dict(apre=RNG.uniform(0, 1, N), apost=RNG.uniform(-1, 0, N),
                  taupre=20e-3, taupost=20e-3, t=1.5, lastupdate=RNG.uniform(0, 1.5, N))
    ours = labkit_step(block, values)
    b2_text = "\n".join(line.replace("(event-driven)", "") for line in text.splitlines()[:3])
    theirs = brian2_step(b2_linear(b2.Equations(b2_text)),
                         dict(values, dt=values["t"] - values["lastupdate"]))
    for name in ("apre", "apost"):
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-12, atol=0)


# Wang & Buzsaki (1996): the sodium activation m is instantaneous, a subexpression of v, so
# dv/dt is linear in v only "conditionally" (v also appears inside m**3)
WANG_BUZSAKI = """
dv/dt = (-gNa*m**3*h*(v-ENa) - gK*n**4*(v-EK) - gL*(v-EL) + Iapp)/Cm : volt
m = alpha_m/(alpha_m+beta_m) : 1
alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz
"""


def test_exponential_euler_with_an_instantaneous_gate_matches_brian2():
    values = dict(Cm=1e-6, Iapp=2e-6, gL=0.1e-3, EL=-65e-3, ENa=55e-3, EK=-90e-3,
                  gNa=35e-3, gK=9e-3, v=RNG.uniform(-80e-3, 20e-3, N),
                  h=RNG.uniform(0, 1, N), n=RNG.uniform(0, 1, N), dt=1e-5, t=0.0)
    assert_same_step(WANG_BUZSAKI, "exponential_euler", b2_exponential_euler, values,
                     ["v", "h", "n"])

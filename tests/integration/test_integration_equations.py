"""The same methods on real parsed Equations (labkit.equations), not the test stand-in."""

from __future__ import annotations

import numpy as np
import pytest
from intg_helpers import Stepper, make_eqs
from test_integration_models import COBAHH, CUBA

from labkit.equations.equations import Equations
from labkit.errors import IntegrationError
from labkit.integration import choose_method, integrate, integrate_event_driven


def test_parsed_and_stand_in_equations_give_the_same_statements():
    for text, method in [(CUBA, "exact"), (COBAHH, "exponential_euler"), (CUBA, "rk4")]:
        ours, stand_in = integrate(Equations(text), method), integrate(make_eqs(text), method)
        assert ours.state == stand_in.state and ours.held == stand_in.held
        assert len(ours.statements) == len(stand_in.statements)


def test_parsed_cuba_is_exact_and_cached_by_equality():
    eqs = Equations(CUBA)
    assert choose_method(eqs)[0] == "exact"
    assert integrate(Equations(CUBA)) is integrate(eqs)  # equal Equations share a solution
    assert integrate(eqs).held == frozenset({"v"})


def test_parsed_hh_refuses_exact_and_runs_with_exponential_euler():
    eqs = Equations(COBAHH)
    with pytest.raises(IntegrationError, match="cannot integrate v because it depends non-lin"):
        integrate(eqs, "exact")
    block = integrate(eqs, "exponential_euler")
    values = dict(Cm=200e-12, gl=10e-9, El=-65e-3, EK=-90e-3, ENa=50e-3, g_na=20e-6,
                  g_kd=6e-6, VT=-63e-3, Ee=0.0, Ei=-80e-3, taue=5e-3, taui=10e-3, I=0.5e-9,
                  v=-65e-3, m=0.0, n=0.0, h=0.0, ge=0.0, gi=0.0, dt=1e-4, t=0.0, mV=1e-3,
                  ms=1e-3)
    trace = []
    stepper = Stepper(block)
    for _ in range(1000):  # 100 ms
        stepper.step(values)
        trace.append(values["v"])
    trace = np.array(trace)
    assert ((trace[1:] > -0.04) & (trace[:-1] <= -0.04)).sum() == pytest.approx(7, abs=1)


def test_parsed_noise_constant_over_dt_and_event_driven():
    eqs = Equations("""
    dx/dt = -x/tau + sigma*xi_1/sqrt(tau) : 1
    dy/dt = -y/tau + sigma*xi_1/sqrt(tau) : 1
    kick = rand() : 1 (constant over dt)
    dz/dt = (kick - z)/tau : 1
    dapre/dt = -apre/taupre : 1 (event-driven)
    """)
    assert choose_method(eqs)[0] == "euler"
    block = integrate(eqs, "euler")
    assert block.state == ("x", "y", "z")
    assert block.statements[0].target == "kick"
    assert sum(s.target.startswith("__dW_") for s in block.statements) == 1
    assert integrate_event_driven(eqs).state == ("apre",)

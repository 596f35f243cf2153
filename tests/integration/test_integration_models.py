"""The course's models (models-reference.md) get statements from the methods that suit them,
and those statements reproduce the documented behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from intg_helpers import Stepper, make_eqs

from labkit.integration import choose_method, integrate

# models-reference 3.1, Brian2's COBAHH (Traub-Miles) neuron
COBAHH = """
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK)
         + I)/Cm : volt
dm/dt = alpha_m*(1-m) - beta_m*m : 1
dn/dt = alpha_n*(1-n) - beta_n*n : 1
dh/dt = alpha_h*(1-h) - beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
I : amp
"""
HH_VALUES = dict(  # 20 000 um^2 of membrane, SI units
    Cm=200e-12, gl=10e-9, El=-65e-3, EK=-90e-3, ENa=50e-3, g_na=20e-6, g_kd=6e-6, VT=-63e-3,
    Ee=0.0, Ei=-80e-3, taue=5e-3, taui=10e-3,
)
# models-reference 6.1
CUBA = """
dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
# models-reference 4.1, the eye plant and stimulus
EYE = """
dx/dt = velocity : 1
dvelocity/dt = alpha*(x0 - x) - beta*velocity : Hz
dx0/dt = -x0/tau_muscle : 1
dx_object/dt = (noise - x_object)/tau_object : 1
dnoise/dt = -noise/tau_object + tau_object**-0.5*xi : 1
"""
# models-reference 1.5, the multi-scale neuron (time in units of 1 ms)
MULTISCALE = """
dV/dt = (-V + a_fm*tanh(V - d_fm) - a_sp*tanh(Vs - d_sp)
         + a_sm*tanh(Vs - d_sm) - a_up*tanh(Vu - d_up) + I_app)/tau_m : 1
dVs/dt = (V - Vs)/tau_s : 1
dVu/dt = (V - Vu)/tau_u : 1
"""


def upward_crossings(trace, threshold, rearm=None):
    """Spikes: upward crossings of ``threshold``, re-armed below ``rearm`` (hysteresis)."""
    rearm = threshold if rearm is None else rearm
    armed, count = np.ones(trace.shape[1], bool), np.zeros(trace.shape[1], int)
    times = [[] for _ in range(trace.shape[1])]
    for step, row in enumerate(trace):
        fired = armed & (row > threshold)
        count += fired
        for j in np.flatnonzero(fired):
            times[j].append(step)
        armed = (armed & ~fired) | (row < rearm)
    return count, times


def test_hh_exponential_euler_reproduces_the_f_i_curve():
    block = integrate(make_eqs(COBAHH), "exponential_euler")
    assert block.state == ("v", "m", "n", "h", "ge", "gi")
    currents = np.array([0.0, 0.05e-9, 0.2e-9, 0.5e-9, 0.7e-9])
    expected_hz = np.array([0.0, 13.5, 36.5, 70.5, 90.0])  # models-reference 3.1 (Brian2, 2 s)
    zeros = np.zeros_like(currents)
    values = dict(HH_VALUES, v=np.full_like(currents, -65e-3), m=zeros, n=zeros, h=zeros,
                  ge=zeros, gi=zeros, I=currents, dt=1e-4, t=0.0)
    stepper, trace = Stepper(block), []
    for _ in range(10_000):  # 1 s at dt = 0.1 ms
        stepper.step(values)
        trace.append(values["v"].copy())
    trace = np.array(trace)
    counts = ((trace[1:] > -40e-3) & (trace[:-1] <= -40e-3)).sum(axis=0)
    np.testing.assert_allclose(counts / 1.0, expected_hz, atol=1.5)


def test_cuba_is_solved_exactly_with_v_held_during_refractoriness():
    eqs = make_eqs(CUBA)
    assert choose_method(eqs)[0] == "exact"
    block = integrate(eqs)
    assert block.method == "exact" and block.held == frozenset({"v"})
    assert block.state == ("v", "ge", "gi")
    assert "not_refractory" not in str(block)
    assert [s.target for s in block.statements] == ["_v", "_ge", "_gi", "v", "ge", "gi"]


def test_eye_movement_plant_with_noise_uses_euler_maruyama():
    eqs = make_eqs(EYE)
    assert choose_method(eqs)[0] == "euler"
    block = integrate(eqs, "euler")
    assert len(block.random) == 1 and block.statements[0].target == "__dW_xi"
    assert block.state == ("x", "velocity", "x0", "x_object", "noise")
    # Only the noise equation draws; the others are plain Euler steps.
    uses_noise = [s.target for s in block.statements if "__dW_xi" in str(s.expr)]
    assert uses_noise == ["_noise"]


@pytest.mark.parametrize("method, dt", [("euler", 0.05), ("rk4", 0.1)])
def test_multiscale_spiking_circuit_fires_with_the_documented_period(method, dt):
    # models-reference 1.4: spiking-only circuit, silent at I_app = -1, period ~50 at I_app = 0
    block = integrate(make_eqs(MULTISCALE), method)
    apps = np.array([-1.0, 0.0])
    values = dict(a_fm=2.0, d_fm=0.0, a_sp=2.0, d_sp=0.0, a_sm=0.0, d_sm=-1.5, a_up=0.0,
                  d_up=-1.5, tau_m=1.0, tau_s=50.0, tau_u=2500.0, I_app=apps,
                  V=np.full(2, -1.9), Vs=np.full(2, -1.8), Vu=np.full(2, -1.8), dt=dt, t=0.0)
    stepper, trace = Stepper(block), []
    for _ in range(int(1000 / dt)):
        stepper.step(values)
        trace.append(values["V"].copy())
    counts, times = upward_crossings(np.array(trace)[int(200 / dt):], 0.0, rearm=-0.5)
    assert counts[0] == 0
    period = np.mean(np.diff(times[1])) * dt
    assert period == pytest.approx(50, rel=0.06)

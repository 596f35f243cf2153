"""SpatialNeuron against cable theory: Green's function, length constant, velocity, dt.

Each test compares a simulation with a closed-form solution of the cable equation
``tau dV/dt = lambda**2 d2V/dx2 - V + r_m i``, with ``lambda = sqrt(d Rm / (4 Ri))`` and
``tau = Rm Cm``. The tolerances are the measured errors of the discretisation (printed in
each docstring), with a margin, so that a wrong geometry, area or conductance fails.
(The finite sealed cable's cosh steady state and a ball-and-stick's input resistance are
in test_spatialneuron.py; the Rallpacks in test_rallpack.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from labkit import (
    Cylinder,
    Network,
    Soma,
    SpatialNeuron,
    StateMonitor,
    amp,
    cm,
    meter,
    mm,
    ms,
    mV,
    nA,
    ohm,
    second,
    uF,
    um,
)
from labkit.models.cable import travelling_spike

PASSIVE = """Im = (EL - v)/Rm : amp/meter**2
I : amp (point current)"""
RM, RI, CM = 1.0, 1.0, 0.01       # ohm m^2, ohm m (100 ohm cm), F/m^2 (1 uF/cm^2)


def passive(morpho, dt, EL=0 * mV):
    neuron = SpatialNeuron(morpho, PASSIVE, Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm,
                           namespace={"EL": EL, "Rm": RM * ohm * meter ** 2}, dt=dt)
    neuron.v = EL
    return neuron


def test_a_brief_pulse_spreads_as_the_infinite_cables_greens_function():
    """Charge Q at x = 0, t = 0 gives V = Q/(pi d Cm) exp(-x^2/(4 D t) - t/tau) /
    sqrt(4 pi D t), D = lambda^2/tau; a 20 us pulse is that, integrated over the pulse.

    A 3 mm cable is "infinite" for 6 ms (its ends are 3 lambda from the middle: their
    reflections are e^-18 of the signal). Measured at dt = 2 us, 5 um compartments:
    relative RMS error 0.01-0.06 %, largest 0.16 % of the peak.
    """
    d, n, dt, pulse = 1e-6, 600, 2e-6, 20e-6
    lam = np.sqrt(d * RM / (4 * RI))
    tau = RM * CM
    diffusion = lam ** 2 / tau
    neuron = passive(Cylinder(diameter=1 * um, length=3 * mm, n=n), dt * second)
    mid = n // 2
    recorded = [mid, mid + 20, mid + 50, mid + 100]
    monitor = StateMonitor(neuron, "v", record=recorded, dt=dt * second)
    net = Network(neuron, monitor)
    neuron.I[mid] = 1 * nA
    net.run(pulse * second)
    neuron.I = 0 * amp
    net.run(6 * ms)
    t, v = np.asarray(monitor.t), np.asarray(monitor.v)
    x = np.asarray(neuron.distance)[recorded] - np.asarray(neuron.distance)[mid]
    assert x[-1] == pytest.approx(lam)                  # 0, 0.2, 0.5 and 1 lambda away
    later = t >= 0.5e-3
    emitted = (np.arange(200) + 0.5) / 200 * pulse       # midpoint rule over the pulse
    age = t[later][None, :, None] - emitted[None, None, :]
    green = np.exp(-x[:, None, None] ** 2 / (4 * diffusion * age) - age / tau) / \
        np.sqrt(4 * np.pi * diffusion * age)
    expected = 1e-9 * (pulse / 200) * green.sum(axis=-1) / (np.pi * d * CM)
    error = v[:, later] - expected
    rms = np.sqrt(np.mean(error ** 2, axis=1) / np.mean(expected ** 2, axis=1))
    assert np.all(rms < 1e-3)
    assert np.all(np.abs(error).max(axis=1) < 3e-3 * expected.max(axis=1))


@pytest.mark.parametrize("diameter", [1, 4])
def test_the_steady_state_decays_with_the_length_constant(diameter):
    """A constant current into one end of a cable 10 lambda long: V = I r_a lambda
    exp(-x/lambda) (the far end's correction is e^-14). Fitted lambda = sqrt(d Rm /
    (4 Ri)) within 0.02 % (measured: 0.002 %), so it doubles when d is four times larger."""
    d = diameter * 1e-6
    lam = np.sqrt(d * RM / (4 * RI))
    ra = 4 * RI / (np.pi * d ** 2)
    neuron = passive(Cylinder(diameter=diameter * um, length=10 * lam * meter, n=1000),
                     0.1 * ms)
    neuron.I[0] = 0.01 * nA
    net = Network(neuron)
    net.run(200 * ms)                    # 20 tau: the slowest transient is e^-20 of it
    x, v = np.asarray(neuron.distance), np.asarray(neuron.v)
    near = x < 3 * lam
    slope = np.polyfit(x[near], np.log(v[near]), 1)[0]
    assert -1 / slope == pytest.approx(lam, rel=2e-4)
    np.testing.assert_allclose(v[near], 1e-11 * ra * lam * np.exp(-x[near] / lam),
                               rtol=2e-3)


def hh_velocity(diameter_um: float, length_mm: float, dt=0.01 * ms) -> float:
    """An HH axon (labkit.models.cable: 10 um compartments, rest -65 mV) kicked at one
    end -> the spike's velocity (m/s) between a quarter and three quarters of its length."""
    spike = travelling_spike(diameter_um * um, length=length_mm * mm, dt=dt)
    return float(spike["velocity"])


@pytest.mark.slow
def test_an_hh_axons_conduction_velocity_grows_as_the_root_of_its_diameter():
    """Scaling x by sqrt(d) maps the cable equation onto itself, so v ~ sqrt(d). With the
    same 10 um compartments on every axon the discrete systems differ; measured: v/sqrt(d)
    = 0.56216, 0.56223, 0.56221 m/s for 1, 2, 4 um, equal within 0.013 %."""
    speeds = np.array([hh_velocity(d, length) for d, length in ((1, 4), (2, 6), (4, 8))])
    per_root = speeds / np.sqrt([1, 2, 4])
    np.testing.assert_allclose(per_root, per_root[0], rtol=2e-3)
    assert 0.5 < speeds[0] < 0.62          # m/s: 1 um at 6.3 degrees (12 m/s at 476 um)


@pytest.mark.slow
def test_the_velocity_converges_as_dt_shrinks():
    """The cable step is backward Euler, the gates exponential Euler: first order in dt.
    Measured against dt = 2.5 us: about -0.9 % at 25 us, -0.3 % at 10 us."""
    reference = hh_velocity(1, 4, dt=2.5e-3 * ms)
    errors = [abs(hh_velocity(1, 4, dt=dt * ms) / reference - 1) for dt in (0.025, 0.01)]
    assert errors[1] < errors[0] / 2 < 0.01
    assert errors[1] < 0.006


@pytest.mark.parametrize("dt", [0.37 * ms, 0.02 * ms])
def test_the_neurons_own_dt_is_the_cable_steps(dt):
    """An isopotential soma under a current step, backward Euler with the neuron's dt:
    v_k - EL = I R (1 - (1 + dt/tau)^-k) exactly (the default clock's 0.1 ms would give
    other numbers)."""
    neuron = passive(Soma(diameter=20 * um), dt, EL=-70 * mV)
    neuron.I = 0.05 * nA
    monitor = StateMonitor(neuron, "v", record=0)
    net = Network(neuron, monitor)
    net.run(40 * dt)
    area = np.pi * 20e-6 ** 2
    k = np.arange(40)                     # recorded before each step
    expected = 0.05e-9 * RM / area * (1 - (1 + float(dt) / (RM * CM)) ** -k)
    np.testing.assert_allclose(np.asarray(monitor.v)[0] + 0.07, expected, rtol=1e-9)

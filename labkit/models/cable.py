"""Geometry and parameters -> the spatial neurons of lesson 10, simulated: a passive
ball-and-stick neuron with a synapse somewhere on its dendrite, and a Hodgkin-Huxley axon
whose spike travels.

Why a module: the lesson, its panel, its checkers and the tests run the same models; the
checkers compute the right answers with exactly the code the learner is told about.
Defaults are models-reference section 5.2's ball-and-stick (soma 20 um; dendrite 500 um x
2 um in 50 compartments; Cm 1 uF/cm^2, Ri 150 ohm cm, gL 1e-4 S/cm^2 so tau_m = 10 ms,
EL -70 mV; an AMPA-like synapse, E 0 mV, tau 2 ms) and Hodgkin and Huxley's squid axon
(6.3 degrees, rest -65 mV, Ri 35.4 ohm cm).
"""

from __future__ import annotations

import numpy as np

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
    msiemens,
    mV,
    nA,
    nS,
    ohm,
    second,
    siemens,
    uF,
    um,
)

__all__ = ["PASSIVE_EQS", "PASSIVE_CONSTANTS", "ball_and_stick", "passive_neuron",
           "length_constant", "synaptic_response", "NMDA_EQS", "NMDA_CONSTANTS",
           "nmda_response", "HH_EQS", "HH_CONSTANTS", "hh_axon", "travelling_spike"]

PASSIVE_EQS = """
Im = gL*(EL - v) : amp/meter**2
Is = gs*(Es - v) : amp (point current)
I : amp (point current)
dgs/dt = -gs/taus : siemens
"""
PASSIVE_CONSTANTS = {"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV, "Es": 0 * mV,
                     "taus": 2 * ms}
CM, RI = 1 * uF / cm ** 2, 150 * ohm * cm


def ball_and_stick(diameter=2 * um, length=500 * um, n=50, soma=20 * um):
    """Dendrite's diameter and length -> a Soma with one Cylinder, ``morpho.dend``."""
    morpho = Soma(diameter=soma)
    morpho.dend = Cylinder(diameter=diameter, length=length, n=n)
    return morpho


def passive_neuron(morpho, Ri=RI, dt=0.025 * ms):
    """A morphology -> a passive SpatialNeuron at rest (EL), with a point current ``I`` and
    a synaptic conductance ``gs`` in every compartment."""
    neuron = SpatialNeuron(morpho, PASSIVE_EQS, Cm=CM, Ri=Ri, namespace=PASSIVE_CONSTANTS,
                           method="exact", dt=dt)
    neuron.v = PASSIVE_CONSTANTS["EL"]
    return neuron


def length_constant(diameter, Ri=RI, gL=PASSIVE_CONSTANTS["gL"]):
    """lambda = sqrt(d Rm / (4 Ri)), Rm = 1/gL: the distance over which a steady
    potential along a long cylinder falls by a factor e."""
    return np.sqrt(diameter / (4 * Ri * gL))


def synaptic_response(position=250 * um, diameter=2 * um, length=500 * um, Ri=RI,
                      weight=2 * nS, duration=30 * ms, onset=2 * ms):
    """A synapse at ``position`` on the dendrite (distance from its start), opening
    ``weight`` at ``onset`` -> dict: ``t``, ``v_soma``, ``v_syn`` (at the synapse),
    ``v`` (every compartment, compartments x times), ``peak`` (each compartment's highest
    v), ``morphology``, ``synapse`` (the compartment's index)."""
    morpho = ball_and_stick(diameter, length)
    neuron = passive_neuron(morpho, Ri)
    where = int(np.atleast_1d(morpho.dend.indices[min(position, length * 0.999)])[0])
    monitor = StateMonitor(neuron, "v", record=True, dt=0.1 * ms)
    net = Network(neuron, monitor)
    net.run(onset)
    neuron.gs[where] = weight
    net.run(duration - onset)
    v = monitor.v
    return {"t": monitor.t, "v_soma": v[0], "v_syn": v[where], "v": v,
            "peak": v.max(axis=1), "morphology": neuron.morphology, "synapse": where}


#: An NMDA synapse as a point current: 50 ms, reversal 0 mV, and the magnesium block of
#: Jahr and Stevens (1990), [Mg] in mM (``Mg``, a constant of the namespace), which lifts
#: as ``v`` rises (models-reference 5.1: Bono & Clopath's NMDA synapses).
NMDA_EQS = """
Im = gL*(EL - v) : amp/meter**2
Is = gN*(EN - v)/(1 + Mg*exp(-0.062*v/mV)/3.57) : amp (point current)
dgN/dt = -gN/tauN : siemens
"""
NMDA_CONSTANTS = {"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV, "EN": 0 * mV,
                  "tauN": 50 * ms}


def nmda_response(weight=6 * nS, mg=1.0, position=250 * um, duration=40 * ms,
                  onset=2 * ms):
    """An NMDA conductance ``weight`` opening at ``onset`` at ``position`` on a thin
    dendrite (a 20 um soma, 0.8 um x 300 um in 20 compartments), with ``mg`` mM of
    magnesium -> dict: ``t``, ``v_soma``, ``v_syn`` (at the synapse), ``synapse`` (its
    compartment). Measured (1 mM): peaks at the synapse -65.3, -57.5, -37.3, -20.6 mV
    for 2, 4, 6, 8 nS, above -40 mV for 0, 0, 15, 35 ms (tests/spatial/test_nmda_spike)."""
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=0.8 * um, length=300 * um, n=20)
    neuron = SpatialNeuron(morpho, NMDA_EQS, Cm=CM, Ri=RI, method="exact", dt=0.1 * ms,
                           namespace={**NMDA_CONSTANTS, "Mg": mg})
    neuron.v = NMDA_CONSTANTS["EL"]
    where = int(np.atleast_1d(morpho.dend.indices[position])[0])
    monitor = StateMonitor(neuron, "v", record=[0, where])
    net = Network(neuron, monitor)
    net.run(onset)
    neuron.gN[where] = weight
    net.run(duration - onset)
    return {"t": monitor.t, "v_soma": monitor.v[0], "v_syn": monitor.v[1],
            "synapse": where}


HH_EQS = """
Im = gl*(El - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
u = v + 65*mV : volt
dm/dt = alpham*(1 - m) - betam*m : 1
dn/dt = alphan*(1 - n) - betan*n : 1
dh/dt = alphah*(1 - h) - betah*h : 1
alpham = (0.1/mV)*10*mV/exprel((25*mV - u)/(10*mV))/ms : Hz
betam = 4*exp(-u/(18*mV))/ms : Hz
alphah = 0.07*exp(-u/(20*mV))/ms : Hz
betah = 1/(exp((30*mV - u)/(10*mV)) + 1)/ms : Hz
alphan = (0.01/mV)*10*mV/exprel((10*mV - u)/(10*mV))/ms : Hz
betan = 0.125*exp(-u/(80*mV))/ms : Hz
"""
HH_CONSTANTS = {"El": -54.387 * mV, "ENa": 50 * mV, "EK": -77 * mV,
                "gl": 0.3 * msiemens / cm ** 2, "gNa": 120 * msiemens / cm ** 2,
                "gK": 36 * msiemens / cm ** 2}
#: The gates at rest (-65 mV): m, h, n.
HH_REST = {"m": 0.0529, "h": 0.5961, "n": 0.3177}


def hh_axon(diameter=1 * um, length=4 * mm, dx=10 * um, dt=0.01 * ms):
    """An axon (a Cylinder, no soma) of HH membrane at rest, ``dx`` per compartment."""
    n = int(round(float(length / dx)))
    axon = SpatialNeuron(Cylinder(diameter=diameter, length=length, n=n), HH_EQS, Cm=CM,
                         Ri=35.4 * ohm * cm, namespace=HH_CONSTANTS,
                         method="exponential_euler", dt=dt)
    axon.v = -65 * mV
    for gate, value in HH_REST.items():
        setattr(axon, gate, value)
    return axon


def _crossing(trace, t, level):
    """The first time ``trace`` rises through ``level`` (interpolated), or nan."""
    above = np.flatnonzero(trace > level)
    if not above.size or above[0] == 0:
        return np.nan
    k = above[0]
    return t[k - 1] + (level - trace[k - 1]) / (trace[k] - trace[k - 1]) * (t[k] - t[k - 1])


def travelling_spike(diameter=1 * um, length=4 * mm, duration=None, dt=0.01 * ms):
    """A 0.5 ms kick into one end of an HH axon -> dict: ``t``, ``x`` (distances),
    ``v`` (compartments x times, every 0.05 ms), ``arrival`` (when v crosses 0 mV at
    each compartment; nan where the spike never came) and ``velocity`` (from the
    arrivals between a quarter and three quarters of the length)."""
    axon = hh_axon(diameter, length, dt=dt)
    if duration is None:              # long enough for 0.3 m/s per sqrt(um), and the tail
        duration = float(length / mm) / np.sqrt(float(diameter / um)) * 3.5 * ms + 2 * ms
    monitor = StateMonitor(axon, "v", record=True, dt=0.05 * ms)
    net = Network(axon, monitor)
    axon.I[0] = float(diameter / um) ** 1.5 * nA    # the same kick per unit of input conductance
    net.run(0.5 * ms)
    axon.I = 0 * amp
    net.run(duration - 0.5 * ms)
    v, t = np.asarray(monitor.v), np.asarray(monitor.t)
    x = np.asarray(axon.distance)
    arrival = np.array([_crossing(trace, t, 0.0) for trace in v])
    near, far = len(x) // 4, 3 * len(x) // 4
    velocity = (x[far] - x[near]) / (arrival[far] - arrival[near])
    return {"t": monitor.t, "x": axon.distance, "v": monitor.v, "arrival": arrival,
            "velocity": velocity * meter / second}

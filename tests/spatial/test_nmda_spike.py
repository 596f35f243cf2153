"""A dendritic NMDA spike on a ball-and-stick neuron (models-reference 5.1, Bono & Clopath).

An NMDA conductance far out on a thin dendrite, with the Jahr-Stevens magnesium block
``1/(1 + [Mg] exp(-0.062 v/mV)/3.57)``: the more it depolarises, the more the block lifts,
so past a threshold the depolarisation regenerates into a plateau of tens of ms near
-20 mV, which the soma sees attenuated. Without magnesium the same conductance is an
ordinary one and its response grows ever more slowly (the driving force shrinks). The
cable solver sees this only through ``Im``: the block makes it nonlinear in ``v``, so the
linearisation around ``v`` (gtot from its derivative) is what is exercised here.
"""

from __future__ import annotations

import numpy as np

from labkit import (
    Cylinder,
    Network,
    Soma,
    SpatialNeuron,
    StateMonitor,
    cm,
    ms,
    mV,
    nS,
    ohm,
    set_device,
    siemens,
    uF,
    um,
)

NMDA = """
Im = gL*(EL - v) : amp/meter**2
Is = gN*(0*mV - v)/(1 + Mg*exp(-0.062*v/mV)/3.57) : amp (point current)
dgN/dt = -gN/tauN : siemens
Mg : 1 (shared)
"""


def peak_and_plateau(cases):
    """(Mg in mM, NMDA conductance in nS given at t = 0 to the compartment 250 um out)
    pairs -> per pair: the peak there (V), the time it spends above -40 mV (s) and the
    soma's peak (V)."""
    morpho = Soma(20 * um)
    morpho.dend = Cylinder(diameter=0.8 * um, length=300 * um, n=20)
    neuron = SpatialNeuron(morpho, NMDA, Cm=1 * uF / cm ** 2, Ri=150 * ohm * cm,
                           method="exact", dt=0.1 * ms,
                           namespace={"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV,
                                      "tauN": 50 * ms})
    neuron.v = -70 * mV
    site = int(morpho.dend[250 * um].indices[:][0])
    monitor = StateMonitor(neuron, "v", record=[0, site])
    net = Network(neuron, monitor)
    net.store()
    out = []
    for mg, w in cases:
        net.restore()
        neuron.Mg = mg
        neuron.gN[site] = w * nS
        net.run(40 * ms)
        soma, dendrite = np.asarray(monitor.v)
        out.append((dendrite.max(), (dendrite > -0.040).sum() * 0.1e-3, soma.max()))
    return np.array(out)


def test_an_nmda_conductance_with_magnesium_block_fires_a_dendritic_plateau():
    set_device("numpy")   # seven short runs of a small tree: no kernel worth compiling
    """Measured (peaks at the site): -65.3, -57.5, -37.3, -20.6 mV for 2, 4, 6, 8 nS; above
    -40 mV for 0, 0, 15 and 35 ms (of 40); soma peaks -68.0 to -48.9 mV. Without magnesium:
    -62.2, -56.0, -50.8 mV for 0.2, 0.4, 0.6 nS."""
    results = peak_and_plateau([(1.0, w) for w in (2, 4, 6, 8)] +
                               [(0.0, w) for w in (0.2, 0.4, 0.6)])
    peaks, plateaus, soma = results[:4].T
    steps = np.diff(peaks)
    assert steps[1] > 2 * steps[0]                  # supralinear: the block lifts
    assert plateaus[1] == 0 and plateaus[3] > 25e-3   # below threshold none, above a plateau
    assert peaks[3] > -0.025                        # the plateau nears NMDA's reversal
    assert np.all(np.diff(soma) > 0) and soma[3] < peaks[3] - 0.02   # attenuated at the soma
    free = np.diff(results[4:, 0])
    assert free[1] < free[0]                        # sublinear without the block

"""Parity scripts for Brian2's compartmental examples, written after those models.

Our own short scripts in the spirit of ``examples/compartmental/`` (named in each
comment), not copies: the same features on smaller morphologies and shorter runs, so that
Brian2's numpy target (the reference; it solves the cable with scipy) stays quick. All are
passive and deterministic, with no spikes to compare: potentials within the harness's
tolerances, except where a soma joins three sections (``SECTIONED``): Brian2 solves each
section for three right-hand sides and joins them through the branch points, which
rounds differently from labkit's one elimination (measured: 2.4e-9 V at most on -70 mV,
3.4e-8 of the scale).
"""

from __future__ import annotations

from harness import Case

SECTIONED = 1e-7

# bipolar_cell: a soma with an axon and two dendrites; a current step into the middle of
# one dendrite (indexed by distance on the morphology), monitors on a section and on a
# compartment chosen by distance, several runs with the input changed in between
BIPOLAR = Case(
    "example_spatial_bipolar",
    """
    start_scope()
    morpho = Soma(30*um)
    morpho.axon = Cylinder(diameter=1*um, length=300*um, n=30)
    morpho.L = Cylinder(diameter=1*um, length=100*um, n=10)
    morpho.R = Cylinder(diameter=1*um, length=150*um, n=15)
    gL = 1e-4*siemens/cm**2
    EL = -70*mV
    neuron = SpatialNeuron(morphology=morpho, model='''Im = gL*(EL - v) : amp/meter**2
                           I : amp (point current)''', Cm=1*uF/cm**2, Ri=100*ohm*cm,
                           method='exponential_euler')
    neuron.v = EL
    neuron.I = 0*amp
    mon_soma = StateMonitor(neuron, 'v', record=[0])
    mon_L = StateMonitor(neuron.L, 'v', record=True)
    mon_R = StateMonitor(neuron, 'v', record=morpho.R[75*um])
    run(1*ms)
    neuron.I[morpho.L[50*um]] = 0.2*nA
    run(2*ms)
    neuron.I = 0*amp
    run(5*ms)
    """,
    traces=("mon_soma.v", "mon_L.v", "mon_R.v", "mon_L.t", "neuron.v"),
    min_spikes=0,
    atol_of_scale=SECTIONED,
)

# rall: a cylinder splitting into two branches whose diameters obey Rall's 3/2 rule, the
# second branch as long electrotonically as the first; a current into the trunk's end
RALL = Case(
    "example_spatial_rall",
    """
    start_scope()
    defaultclock.dt = 0.01*ms
    gL = 1e-4*siemens/cm**2
    EL = -70*mV
    Ri = 150*ohm*cm
    d1 = 0.5*um
    d2 = ((1*um)**1.5 - d1**1.5)**(1/1.5)
    morpho = Cylinder(diameter=1*um, length=300*um, n=40)
    morpho.L = Cylinder(diameter=d1, length=200*um, n=30)
    morpho.R = Cylinder(diameter=d2, length=200*um*sqrt(d2/d1), n=30)
    neuron = SpatialNeuron(morphology=morpho, model='''Im = gL*(EL - v) : amp/meter**2
                           I : amp (point current)''', Cm=1*uF/cm**2, Ri=Ri,
                           method='exponential_euler')
    neuron.v = EL
    neuron.I[0] = 0.02*nA
    run(5*ms)
    """,
    traces=("neuron.main.v", "neuron.L.v", "neuron.R.v", "neuron.L.distance",
            "neuron.R.distance", "neuron.R.area"),
    dt=1e-5,
    min_spikes=0,
)

# morphotest: a soma and three sections, one a child of another; a potential per
# compartment set from an array and read back through each part of the tree
MORPHOLOGY_PARTS = Case(
    "example_spatial_morphology_parts",
    """
    start_scope()
    morpho = Soma(30*um)
    morpho.L = Cylinder(diameter=1*um, length=100*um, n=5)
    morpho.LL = Cylinder(diameter=1*um, length=20*um, n=2)
    morpho.R = Cylinder(diameter=1*um, length=100*um, n=5)
    neuron = SpatialNeuron(morphology=morpho, model='Im = 1e-4*siemens/cm**2*(-70*mV - v) '
                           ': amp/meter**2', Cm=1*uF/cm**2, Ri=100*ohm*cm)
    neuron.v = arange(0, 13)*volt
    """,
    traces=("neuron.v", "neuron.L.v", "neuron.LL.v", "neuron.L.main.v", "neuron.R.v",
            "neuron.distance", "neuron.area"),
    exact=("neuron.N", "neuron.L.N", "neuron.LL.N"),
    min_spikes=0,
)

SPATIAL_CASES = (BIPOLAR, RALL, MORPHOLOGY_PARTS)

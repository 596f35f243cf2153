"""Spatial neurons (issue 17), labkit next to Brian2: whole process, run(), loop.

    python benchmarks/spatial.py                  # the HH axon (everything, ~3 min)
    python benchmarks/spatial.py --tree           # the passive binary tree
    python benchmarks/spatial.py --quick          # skip Brian2's cold-cache run, 1 repeat

Two models, both as one would write them for Brian2's ``SpatialNeuron``:

- **HH axon** (default): a 1 um x 10 mm cylinder of Hodgkin-Huxley membrane in ``--n``
  compartments (1000), 0.5 nA into its first compartment (it fires repeatedly, each spike
  travelling the length), ``threshold='v > 0*mV'`` in every compartment with the condition
  refractoriness ``'v > -40*mV'``; 50 ms at dt = 0.01 ms (``--duration 0.05``).
- **passive tree** (``--tree``): Rallpack 2's binary tree (10 levels, 1023 cylinders obeying
  the 3/2 rule) with 4 compartments per branch (4092), a current into the root; no spikes.
  250 ms at dt = 0.05 ms (``--duration 0.25``). The spike table is then empty.

The rows and the measuring machinery are ``cuba.py``'s (see there): whole process with
warm and cold caches vs Brian2 runtime (Cython), ``run()`` times, and labkit's loop vs
Brian2 ``cpp_standalone``'s. Issue 17's targets: loop <= 1.0x Brian2 cpp_standalone,
whole process <= 0.5x Brian2 runtime. (The header's "dt = 0.1 ms" is cuba.py's; the
models set their own.) Measured (HH axon, 2 busy cores, one process each): loop 349 ms vs
661 ms (0.53x), whole process 4.2 s vs 8.4 s (0.50x), the same 4067 spikes in all three.
Passive tree: whole process 5.7 s vs 15.6 s (0.36x), but the loop 620 ms vs 338 ms (1.83x,
over the 1.0x target: 30 ns per compartment and step in the one Hines elimination, whose
indirect parent/order indexing Brian2's per-section tridiagonal solves avoid).
"""

from __future__ import annotations

import sys

import cuba

from labkit.models.cable import HH_EQS

#: The axon (the lesson's equations, labkit.models.cable.HH_EQS, pasted into the script
#: both simulators run); N is the number of compartments (the benchmark's --n).
AXON = f"""
defaultclock.dt = 0.01*ms
El = -54.387*mV; ENa = 50*mV; EK = -77*mV
gl = 0.3*msiemens/cm**2; gNa = 120*msiemens/cm**2; gK = 36*msiemens/cm**2
eqs = '''{HH_EQS}'''
P = SpatialNeuron(Cylinder(diameter=1*um, length=10*mm, n=N), eqs, Cm=1*uF/cm**2,
                  Ri=35.4*ohm*cm, method='exponential_euler', threshold='v > 0*mV',
                  refractory='v > -40*mV')
P.v = -65*mV
P.m = 0.0529
P.h = 0.5961
P.n = 0.3177
P.I[0] = 0.5*nA
"""

#: Rallpack 2's tree, 4 compartments a branch (N is not used: the tree fixes its size).
TREE = """
defaultclock.dt = 0.05*ms
def branch(level, d, l):
    section = Cylinder(diameter=d*um, length=l*um, n=4)
    if level < 10:
        section.L = branch(level + 1, d*2**(-2/3), l*2**(-1/3))
        section.R = branch(level + 1, d*2**(-2/3), l*2**(-1/3))
    return section
P = SpatialNeuron(branch(1, 16, 32), '''Im = (Em - v)/Rm : amp/meter**2
I : amp (point current)''', Cm=1*uF/cm**2, Ri=100*ohm*cm,
                  namespace={'Em': -65*mV, 'Rm': 4*ohm*meter**2},
                  threshold='v > 0*mV')   # never reached: the rows' SpikeMonitor needs one
P.v = -65*mV
P.I[0] = 0.1*nA
"""


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--tree" in argv:
        argv.remove("--tree")
        if not any(a.startswith("--duration") for a in argv):
            argv += ["--duration", "0.25"]
        cuba.main(argv + ["--n", "4092"], title="passive tree (Rallpack 2)",
                  cells="compartments", model=TREE, synapses="", doc=__doc__)
        return
    if not any(a.startswith("--duration") for a in argv):
        argv += ["--duration", "0.05"]
    if not any(a.startswith("--n") for a in argv):
        argv += ["--n", "1000"]
    cuba.main(argv, title="HH axon", cells="compartments", model=AXON, synapses="",
              doc=__doc__)


if __name__ == "__main__":
    main()

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
Passive tree, before 5 December: whole process 5.7 s vs 15.6 s (0.36x), loop 620 ms vs
338 ms (1.83x); since the section-wise solve (below), at 08:23 on 5 December (load 7-9,
--tree --quick): loop 281 ms wall (0.82x), 144 ms CPU (0.42x) vs 342 ms. Brian2's loop
time is ``std::clock()``, CPU time, labkit's wall time: on the shared machine that
comparison is unfair to labkit, hence cuba.py's second loop row
(labkit's loop in CPU time). Measured on 5 December in one invocation (load 10-12 on the
2 cores; Brian2's loop CPU time checked as the binary of twice the duration minus the
binary of once it: 355 ms): Brian2 cpp_standalone 357 ms; labkit before the section-wise
solve 734 ms wall (2.05x), 306 ms CPU (0.86x); after it 346 ms wall (0.97x), 142 ms CPU
(0.40x); HH axon in the same way: Brian2 649 ms, labkit before 239 ms CPU (0.36x),
after 205 ms CPU (0.31x). benchmarks/spatial.py --tree --quick itself at load 14-16:
loop 686 ms wall, 145 ms CPU vs 331 ms (0.44x in CPU time). The solve: per section over
contiguous arrays, sections in level order, one division per unknown in the
factorisation, which a passive membrane (gtot constant during a run) needs once a run
(codegen/cable.py). Whole process with warm caches (5 December, load 12-15, medians of
interleaved fresh processes, CPU time of each process and its children, to the end of its
first run()): passive tree, labkit with the fast start's first 100 steps on numpy 2.20 s,
with the cable estimate that loads such a run's kernel first (labkit/devices/fast_start.py)
1.71 s, Brian2 runtime 3.64 s (0.60x -> 0.47x; wall 0.45x); HH axon 1.98 -> 1.95 s vs
3.19 s (0.61x). Later (02:50-02:58, load 11-15, 14 interleaved processes each), without
scipy.linalg's import and the parallel kernel's text at the disk lookup: HH axon 2.16 ->
1.93 s vs Brian2 runtime 4.31 s in that run (0.50x -> 0.45x).
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

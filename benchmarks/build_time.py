"""Model build time, labkit next to Brian2: from NeuronGroup(...) to ready to run.

    python benchmarks/build_time.py            # 5 repeats (fresh processes), both models
    python benchmarks/build_time.py --quick    # 2 repeats

Issue 22: building a model must take at most as long as in Brian2. The models are
``cuba.py``'s and ``cobahh.py``'s (4000 neurons; CUBA without and with its synapses,
COBAHH with them: its connect() calls are part of building). Each measurement is a fresh
process whose disk caches are warm (an unmeasured process ran first: labkit's parsed
equations, integration results and kernels, Brian2's Cython extensions), as when a
lesson's kernel is restarted. Rows, medians over the repeats:

- ``import``: ``from labkit import *`` / ``from brian2 import *`` (Brian2 imports sympy
  here; labkit defers it to the first model);
- ``first build``: the network code in that process (labkit: includes importing sympy);
- ``import + first build``: what a script or a fresh notebook waits for;
- ``build after another model``: the network built in a process that built a small other
  model first (sympy loaded, this model not yet parsed): what each further lesson cell pays;
- ``first run()``: then ``run(1*ms)`` in that fresh process (labkit: planned from its
  disk store, without sympy, and started on the fast start's numpy loop; Brian2: its code
  objects made and their Cython extensions loaded), and the process's CPU time to its
  end: what a lesson cell that builds and runs a model seen before waits for.

Each with its CPU time (``time.process_time()``; for ``import + first build``, of the
whole process up to there), which a shared machine's load changes far less than the wall
time. Ratios are labkit / Brian2, measured in the same run; the load average is printed,
since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os

import cobahh
import cuba
from common import (
    Caches,
    fmt_ratio,
    fmt_seconds,
    machine_summary,
    median,
    print_table,
    repeat,
    run_snippet,
    versions_summary,
)

SNIPPET = """
_t0 = _time.perf_counter()
{import_line}
import numpy as np
_t1 = _time.perf_counter()
{setup}
if {warm}:  # another model first: sympy loaded, the network's own text not yet parsed
    G = NeuronGroup(10, 'dw/dt = (1 - w)/(7*ms) : 1', threshold='w > 0.9', reset='w = 0')
    _t1 = _time.perf_counter()
_c1 = _time.process_time()
{network}
_t2, _c2 = _time.perf_counter(), _time.process_time()
import sys as _sys
_sympy = "sympy" in _sys.modules
run(1*ms)
_t3, _c3 = _time.perf_counter(), _time.process_time()
report(import_s=_t1 - _t0, build_s=_t2 - _t1, total_s=_t2 - _t0,
       build_cpu_s=_c2 - _c1, total_cpu_s=_c2, run_s=_t3 - _t2, run_cpu_s=_c3 - _c2,
       to_run_end_cpu_s=_c3, sympy_built=_sympy, sympy_ran="sympy" in _sys.modules)
"""

LABKIT = dict(import_line="from labkit import *", setup="")
BRIAN2 = dict(import_line="from brian2 import *", setup="brian2_cache_prefs()")

MODELS = {
    "CUBA": (cuba.MODEL, ""),
    "CUBA + synapses": (cuba.MODEL, cuba.SYNAPSES),
    "COBAHH + synapses": (cobahh.MODEL, cobahh.SYNAPSES),
}


def measure(simulator: dict, model: str, synapses: str, caches: Caches, times: int):
    """-> (timings of fresh processes, of processes that built another model first)."""
    results = []
    for warm in (False, True):
        code = SNIPPET.format(network=cuba.network(model, synapses), warm=warm, **simulator)
        run_snippet(code, caches.env())  # fills the disk caches
        results.append(repeat(lambda code=code: run_snippet(code, caches.env()), times))
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repeats")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    times = 2 if args.quick else args.repeats
    print(__doc__.splitlines()[0])
    print(machine_summary(), "|", versions_summary(), "| load", os.getloadavg())
    caches = Caches.fresh()
    rows = []
    for name, (model, synapses) in MODELS.items():
        ours = measure(LABKIT, model, synapses, caches, times)
        theirs = measure(BRIAN2, model, synapses, caches, times)
        for which, key, label in ((0, "import_s", "import"), (0, "build_s", "first build"),
                                  (0, "build_cpu_s", "first build, CPU time"),
                                  (0, "total_s", "import + first build"),
                                  (0, "total_cpu_s", "the process to there, CPU time"),
                                  (1, "build_s", "build after another model"),
                                  (1, "build_cpu_s", "build after another model, CPU"),
                                  (0, "run_s", "first run() of 1 ms"),
                                  (0, "run_cpu_s", "first run(), CPU time"),
                                  (0, "to_run_end_cpu_s", "import + build + run, CPU")):
            a, b = median(ours[which], key), median(theirs[which], key)
            rows.append([f"{name}: {label}", fmt_seconds(a), fmt_seconds(b), fmt_ratio(a, b)])
        sympy = sorted({(t.data["sympy_built"], t.data["sympy_ran"]) for t in ours[0]})
        rows.append([f"{name}: sympy imported (build, run)", str(sympy), "", ""])
    print_table(["", "labkit", "Brian2", "ratio"], rows)
    print("load after:", os.getloadavg())


if __name__ == "__main__":
    main()

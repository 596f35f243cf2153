"""Building CUBA's connections at growing sizes, labkit next to Brian2: time per connect().

    python benchmarks/connect_scale.py                 # N = 1000 ... 64 000, 3 repeats
    python benchmarks/connect_scale.py --quick         # 1 repeat
    python benchmarks/connect_scale.py --sizes 4000 64000 --device numpy

Issue 22: connecting must cost time in proportion to the synapses made, not to the pairs
considered. The rules are CUBA's with 80 inputs per neuron (``p = 80/N``):

- ``Ce.connect('i<n_exc', p=p)`` and ``Ci.connect('i>=n_exc', p=p)``: a condition on ``i``
  only, so a row either draws nothing or keeps each target with probability ``p``;
- fixed out-degree ``connect(j='k for k in sample(N_post, size=80)')`` and fixed in-degree
  ``connect(i='k for k in sample(N_pre, size=80)')``.

Each simulator runs in its own fresh process per repeat, after one unmeasured process that
fills the disk caches (compiling is not counted). In each, every rule connects twice: the
first time includes loading its compiled code (Numba's kernel, Brian2's Cython extension;
labkit runs a rule with numpy instead where that costs less than loading the kernel, see
``labkit.synapses.connect_run.COST_NS``),
the second is what a later ``connect()`` of the same rule costs. Brian2 runs in its default
runtime mode (Cython). Reported: the median time per rule and size, synapses made, and
the ratio labkit / Brian2 measured in the same run (target: <= 1.0x at every size); then
the same in CPU time (``time.process_time``), which other work on a shared machine
disturbs less than wall time. The machine's load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os

from common import (
    fmt_ratio,
    fmt_seconds,
    machine_summary,
    median,
    print_table,
    repeat,
    run_snippet,
    versions_summary,
)

#: name -> (Synapses source, connect() arguments); ``N``, ``n_exc`` and ``p`` are defined.
RULES = {
    "Ce i<n_exc, p": "S.connect('i<n_exc', p=p)",
    "Ci i>=n_exc, p": "S.connect('i>=n_exc', p=p)",
    "out-degree 80": "S.connect(j='k for k in sample(N_post, size=80)')",
    "in-degree 80": "S.connect(i='k for k in sample(N_pre, size=80)')",
}

SNIPPET = """
import time
{import_line}
{setup}
times, again, counts = {{}}, {{}}, {{}}
cpu, cpu_again = {{}}, {{}}
N = {size}
n_exc = int(0.8*N)
p = 80.0/N
for name, rule in {rules!r}.items():
    for record, record_cpu in ((times, cpu), (again, cpu_again)):
        P = NeuronGroup(N, 'dv/dt = -v/(10*ms) : 1', threshold='v > 1', reset='v = 0')
        S = Synapses(P, P, on_pre='v += 0.1')
        start, start_cpu = time.perf_counter(), time.process_time()
        exec(rule)
        record[name] = time.perf_counter() - start
        record_cpu[name] = time.process_time() - start_cpu
        counts[name] = len(S)
report(times=times, again=again, cpu=cpu, cpu_again=cpu_again, counts=counts)
"""

LABKIT = dict(import_line="from labkit import *", setup="seed(1); set_device({device!r})")
BRIAN2 = dict(import_line="from brian2 import *",
              setup="brian2_cache_prefs(); seed(1); prefs.codegen.target = 'cython'")


def measure(simulator: dict, size: int, device: str, times: int):
    setup = simulator["setup"].format(device=device)
    code = SNIPPET.format(import_line=simulator["import_line"], setup=setup,
                          rules=RULES, size=size)
    # the first process fills the disk caches: Brian2 compiles a rule's Cython code for
    # each size (it writes N and the constants into the code), labkit loads its kernels
    return repeat(lambda: run_snippet(code), times + 1)[1:]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000, 64000])
    parser.add_argument("--quick", action="store_true", help="1 repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="runtime", help="labkit's device")
    parser.add_argument("--skip-brian2", action="store_true")
    args = parser.parse_args(argv)
    times = 1 if args.quick else args.repeats
    print(__doc__.splitlines()[0])
    print(machine_summary(), "|", versions_summary(), "| load", os.getloadavg())
    rows = []
    for size in args.sizes:
        labkit = measure(LABKIT, size, args.device, times)
        brian2 = None if args.skip_brian2 else measure(BRIAN2, size, args.device, times)
        for name in RULES:
            row = [f"N={size:,} {name}", f"{labkit[0]['counts'][name]:,}"]
            for key in ("times", "again", "cpu", "cpu_again"):
                ours = median([type(t)(t.wall, t[key]) for t in labkit], name)
                theirs = None if brian2 is None else \
                    median([type(t)(t.wall, t[key]) for t in brian2], name)
                row += [fmt_seconds(ours), fmt_seconds(theirs), fmt_ratio(ours, theirs)]
            rows.append(row)
    print_table(["connect()", "synapses", "labkit 1st", "Brian2 1st", "ratio",
                 "labkit again", "Brian2 again", "ratio", "CPU lk 1st", "CPU B2 1st", "ratio",
                 "CPU lk again", "CPU B2 again", "ratio"], rows)
    print("load after:", os.getloadavg())


if __name__ == "__main__":
    main()

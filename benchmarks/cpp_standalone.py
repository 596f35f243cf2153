"""labkit cpp_standalone next to Brian2 cpp_standalone: compile, simulation loop, whole process.

    python benchmarks/cpp_standalone.py                  # CUBA and COBAHH neurons, 1 s each
    python benchmarks/cpp_standalone.py --models cuba    # one model
    python benchmarks/cpp_standalone.py --coupled        # both with their Synapses
    python benchmarks/cpp_standalone.py --repeats 3      # medians over fresh processes

Models (models-reference 6.1 and 6.2): CUBA, 4000 LIF neurons, exact integration, dt 0.1 ms;
COBAHH's 4000 Traub-Miles HH neurons with decaying conductances, exponential Euler,
dt 0.1 ms. By default both run **uncoupled**; ``--coupled`` adds each model's recurrent
Synapses (``SYNAPSES`` of cuba.py and cobahh.py: two objects, p = 0.02), as Brian2's
examples write them.

Each measurement is a fresh process with empty caches and a new project directory, so
both simulators generate and compile from scratch:

- compile: labkit's ``make`` (``device.timings['compile']``) vs Brian2's ``make``
  (``device.timers['compile']['make']``);
- simulation loop: the time each binary reports for its loop over time steps (labkit
  sums its program's calls, in case the runner resumed it; the program grows its own
  spike buffers, so a run is normally one call);
- whole process: interpreter start to exit (import, build, generate, compile, run, load).

Targets (issue 6): loop <= 1.0x Brian2's, compile <= 0.7x.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

# One definition of each network, shared with the runtime benchmarks.
from cobahh import MODEL as COBAHH
from cobahh import SYNAPSES as COBAHH_SYNAPSES
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
from cuba import MODEL as CUBA
from cuba import SYNAPSES as CUBA_SYNAPSES
from cuba import network

MODELS = {"cuba": CUBA, "cobahh": COBAHH}
SYNAPSES = {"cuba": CUBA_SYNAPSES, "cobahh": COBAHH_SYNAPSES}

SNIPPET = """
import numpy as np
{import_line}
set_device('cpp_standalone', directory=_os.environ['BENCH_DIR'])
{network}
_t = _time.perf_counter()
run({duration}*second)
_run_s = _time.perf_counter() - _t
{after}
report(run_s=_run_s, spikes=int(s_mon.num_spikes), **_extra)
"""

LABKIT = {
    "import_line": "from labkit import *",
    "after": """
_d = get_device()
_extra = dict(compile_s=_d.timings['compile'], loop_s=_d.timings['loop'],
              binary_s=_d.timings['run'])
""",
}

BRIAN2 = {
    "import_line": "from brian2 import *",
    "after": """
_extra = dict(compile_s=float(device.timers['compile']['make']),
              loop_s=float(device._last_run_time), binary_s=float(device.timers['run_binary']))
""",
}


def measure(backend: dict, model: str, args, tmp: Path) -> list:
    def once():
        caches = Caches.fresh(tmp)
        code = SNIPPET.format(
            import_line=backend["import_line"], duration=args.duration, after=backend["after"],
            network=network(MODELS[model], SYNAPSES[model] if args.coupled else "", args.n))
        env = caches.env() | {"BENCH_DIR": str(caches.root / "project")}
        return run_snippet(code, env=env)

    return repeat(once, args.repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0, help="seconds simulated")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--coupled", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cpp-"))
    print(machine_summary())
    print(versions_summary())
    rows = []
    for model in args.models:
        print(f"{model}: labkit ...", flush=True)
        lab = measure(LABKIT, model, args, tmp)
        print(f"{model}: Brian2 ...", flush=True)
        b2 = measure(BRIAN2, model, args, tmp)
        for label, key in (("compile (make)", "compile_s"), ("simulation loop", "loop_s"),
                           ("binary incl. start/IO", "binary_s"), ("run() call", "run_s"),
                           ("whole process", None)):
            mine, theirs = median(lab, key), median(b2, key)
            rows.append([f"{model}: {label}", fmt_seconds(mine), fmt_seconds(theirs),
                         fmt_ratio(mine, theirs)])
        rows.append([f"{model}: spikes", str(lab[0]["spikes"]), str(b2[0]["spikes"]), ""])
    print()
    print_table(["measure", "labkit cpp", "Brian2 cpp", "ratio"], rows)
    print("\nTargets: simulation loop <= 1.0x, compile <= 0.7x (issue 6).")


if __name__ == "__main__":
    main()

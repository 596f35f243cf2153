"""Start-up costs of the course's first script: import, cold compile, warm start, re-run.

    python benchmarks/lif_startup.py           # labkit, plus Brian2 (warm Cython) as context
    python benchmarks/lif_startup.py --quick   # labkit only, fewer repeats

What a student waits for (issue 4 targets in brackets):

- ``import labkit`` in a fresh process, median of 5  [< 0.5 s];
- the issue's LIF script with an **empty** cache (Numba compiles the kernel)  [< 3 s] and with
  a **warm** disk cache in a new process (kernel loaded, not compiled)  [< 0.5 s]: the whole
  process and the time inside ``run()``;
- the same script as notebook cells (import; build; a 1 s pause; run), where Numba warms up
  in the background during the pause;
- a re-run in the same process after changing a value (what a widget does): rebuilding the
  network with another ``tau`` and running again, and setting ``G.I`` and continuing. Neither
  may recompile; the Numba compile counters are reported to show it.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

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

#: The course script of issue 4, exactly (the import line is added per simulator).
LIF_SCRIPT = """
start_scope()
defaultclock.dt = 0.1*ms
tau = TAU; V_t = 0.8; V_r = 0; tau_ref = 5*ms
eqs = '''
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
'''
G = NeuronGroup(1, eqs, threshold='v > V_t', reset='v = V_r', refractory=tau_ref, method='exact')
G.v = V_r; G.I = 1
Vmon = StateMonitor(G, 'v', record=True); Smon = SpikeMonitor(G)
run(70*ms)
"""

IMPORT_ONLY = """
_t = _time.perf_counter()
import {module}
report(import_s=_time.perf_counter() - _t)
"""

#: Runs the script, then the widget-style re-runs; the run() calls are timed by wrapping run.
SCRIPT_SNIPPET = """
_t0 = _time.perf_counter()
from {module} import *
_t_import = _time.perf_counter()
{setup}
_run_times = []
_run = run
def run(*args, **kwargs):
    _t = _time.perf_counter()
    _run(*args, **kwargs)
    _run_times.append(_time.perf_counter() - _t)
exec({script!r}.replace("TAU", "10*ms"))
_t_script = _time.perf_counter()
_first = dict(import_s=_t_import - _t0, script_s=_t_script - _t_import,
              run_s=_run_times[0], to_end_s=_t_script - _T_START, spikes=int(Smon.num_spikes))
{stats}
_first.update(_stats("first_"))
_t = _time.perf_counter()
exec({script!r}.replace("TAU", "15*ms"))
_first["rebuild_s"] = _time.perf_counter() - _t
_first["rebuild_run_s"] = _run_times[-1]
_t = _time.perf_counter()
G.I = 1.5
run(70*ms)
_first["continue_s"] = _time.perf_counter() - _t
_first.update(_stats("after_"))
report(**_first)
"""

#: The script as three notebook cells (import; build; run) in an IPython shell, with a
#: one-second pause before the run cell, as a student reads between cells. labkit uses
#: such pauses to warm Numba up in the background (``devices.runtime.warm_up``).
NOTEBOOK_SNIPPET = """
from IPython.core.interactiveshell import InteractiveShell
_shell = InteractiveShell.instance()
_script = {script!r}.replace("TAU", "10*ms")
_build, _run_line = _script.rsplit("run(", 1)
_shell.run_cell("from {module} import *")
_t = _time.perf_counter()
_shell.run_cell(_build)
_t_build = _time.perf_counter() - _t
_time.sleep(1.0)
_t = _time.perf_counter()
_shell.run_cell("run(" + _run_line)
report(build_cell_s=_t_build, run_cell_s=_time.perf_counter() - _t,
       spikes=int(_shell.user_ns["Smon"].num_spikes))
"""

LABKIT_STATS = """
def _stats(prefix):
    from labkit.codegen.compile import compile_stats
    s = compile_stats()
    return {prefix + "compiled": s.numba_compiled, prefix + "loaded": s.numba_loaded}
"""

NO_STATS = """
def _stats(prefix):
    return {}
"""


def script_snippet(module: str) -> str:
    if module == "labkit":
        setup, stats = "", LABKIT_STATS
    else:
        setup, stats = "brian2_cache_prefs()\nprefs.codegen.target = 'cython'", NO_STATS
    return SCRIPT_SNIPPET.format(module=module, setup=setup, stats=stats, script=LIF_SCRIPT)


def med(timings, key=None):
    if not timings or (key is not None and key not in timings[0].data):
        return None
    return median(timings, key)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="labkit only, fewer repeats")
    args = parser.parse_args(argv)
    n_import, n_warm, n_cold = (5, 3, 1) if args.quick else (5, 5, 3)
    print("labkit start-up, the course LIF script (1 neuron, 70 ms at dt = 0.1 ms)")
    print(f"{machine_summary()}; {versions_summary()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-lif-"))
    try:
        baseline = repeat(lambda: run_snippet("pass"), n_import)
        imports = repeat(lambda: run_snippet(IMPORT_ONLY.format(module="labkit")), n_import)
        cold = repeat(
            lambda: run_snippet(script_snippet("labkit"), env=Caches.fresh(tmp).env()), n_cold
        )
        caches = Caches.fresh(tmp)
        run_snippet(script_snippet("labkit"), env=caches.env())  # primes the disk cache
        warm = repeat(lambda: run_snippet(script_snippet("labkit"), env=caches.env()), n_warm)
        # the background warm-up is opt-in (LABKIT_WARM_UP=1): measured with it switched on
        notebook = repeat(lambda: run_snippet(
            NOTEBOOK_SNIPPET.format(module="labkit", script=LIF_SCRIPT),
            env={**caches.env(), "LABKIT_WARM_UP": "1"}), n_warm)
        b2_warm = []
        if not args.quick:
            b2_caches = Caches.fresh(tmp)
            run_snippet(script_snippet("brian2"), env=b2_caches.env())
            b2_warm = repeat(
                lambda: run_snippet(script_snippet("brian2"), env=b2_caches.env()), n_warm
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def row(label, value, target="", b2=None):
        return [label, fmt_seconds(value), target, fmt_seconds(b2), fmt_ratio(value, b2)]

    rows = [
        row("python -c pass (interpreter alone)", med(baseline)),
        row("import labkit (inside the process)", med(imports, "import_s"), "< 0.5 s"),
        row("import labkit, whole process", med(imports)),
        row("cold cache: whole process", med(cold), "", None),
        row("cold cache: time in run()", med(cold, "run_s"), "< 3 s"),
        row("warm cache: whole process", med(warm), "", med(b2_warm)),
        row("warm cache: start to end of run()", med(warm, "to_end_s"), "",
            med(b2_warm, "to_end_s")),
        row("warm cache: time in run()", med(warm, "run_s"), "< 0.5 s", med(b2_warm, "run_s")),
        row("warm, notebook: the build cell", med(notebook, "build_cell_s")),
        row("warm, notebook: run() cell 1 s later", med(notebook, "run_cell_s"), "< 0.5 s"),
        row("re-run: rebuild with new tau, run", med(warm, "rebuild_s"), "",
            med(b2_warm, "rebuild_s")),
        row("re-run: set G.I, run 70 ms more", med(warm, "continue_s"), "",
            med(b2_warm, "continue_s")),
    ]
    print()
    print_table(["", "labkit", "target", "Brian2 (cython, warm)", "ratio"], rows)
    w = warm[0].data
    c = cold[0].data
    print()
    print(f"spikes: {w['spikes']} (expected 3)")
    print(f"Numba kernels, cold process: compiled {c['first_compiled']} "
          f"loaded {c['first_loaded']} for the first run; after both re-runs: "
          f"compiled {c['after_compiled']} loaded {c['after_loaded']}")
    print(f"Numba kernels, warm process: compiled {w['first_compiled']} "
          f"loaded {w['first_loaded']} for the first run; after both re-runs: "
          f"compiled {w['after_compiled']} loaded {w['after_loaded']}")


if __name__ == "__main__":
    main()

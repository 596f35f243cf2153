"""Start-up costs of the course's first script: import, cold and warm run(), re-run.

    python benchmarks/lif_startup.py           # labkit next to Brian2 (Cython, cold and warm)
    python benchmarks/lif_startup.py --quick   # labkit only, fewer repeats

What a student waits for (issue 22's targets in brackets):

- ``import labkit`` in a fresh process, median of 5;
- the course's LIF script with an **empty** cache (a fresh ``LABKIT_CACHE_DIR`` and
  ``NUMBA_CACHE_DIR``: nothing compiled yet) [run() <= 300 ms] and with a **warm** disk
  cache in a new process [run() <= 50 ms]: the whole process and the time inside
  ``run()``; by default the runtime device's fast start runs this model on numpy (no
  Numba at all), and the same with it switched off (``LABKIT_FAST_START=0``: Numba
  compiles, or loads, the kernel) shows what it saves;
- the same script as notebook cells (import; a 1 s pause; build; a 1 s pause; run), with
  and without labkit's sympy import in a thread after the import cell;
- a re-run in the same process after changing a value (what a widget does): rebuilding the
  network with another ``tau`` and running again, and setting ``G.I`` and continuing. Neither
  may recompile; the Numba compile counters are reported to show it.

The machine's load (1-minute average) is printed before and after: timings on a shared
machine are only comparable within one invocation (ratios against Brian2). The CPU time of
the warm build and run() is shown too: the load changes it far less than the wall time.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
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
_run_times, _run_cpu = [], []
_run = run
def run(*args, **kwargs):
    _t, _c = _time.perf_counter(), _time.process_time()
    _run(*args, **kwargs)
    _run_times.append(_time.perf_counter() - _t)
    _run_cpu.append(_time.process_time() - _c)
_c_script = _time.process_time()
exec({script!r}.replace("TAU", "10*ms"))
_t_script = _time.perf_counter()
_first = dict(import_s=_t_import - _t0, script_s=_t_script - _t_import,
              run_s=_run_times[0], to_end_s=_t_script - _T_START, spikes=int(Smon.num_spikes),
              run_cpu_s=_run_cpu[0], build_cpu_s=_time.process_time() - _c_script - _run_cpu[0])
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
#: one-second pause before the build cell and before the run cell, as a student reads
#: between cells (labkit imports sympy in a thread after the import cell meanwhile;
#: ``LABKIT_SYMPY_WARM_UP=0`` switches that off; the opt-in background warm-up of Numba,
#: ``LABKIT_WARM_UP=1``, is not used: the fast start needs no Numba for this model).
NOTEBOOK_SNIPPET = """
from IPython.core.interactiveshell import InteractiveShell
_shell = InteractiveShell.instance()
_script = {script!r}.replace("TAU", "10*ms")
_build, _run_line = _script.rsplit("run(", 1)
_shell.run_cell("from {module} import *")
_time.sleep(1.0)
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
    # as installed: with labkit's bytecode written (an environment with
    # PYTHONDONTWRITEBYTECODE would otherwise compile changed modules at every start)
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "labkit", quiet=1)
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-lif-"))
    off = {"LABKIT_FAST_START": "0"}
    try:
        baseline = repeat(lambda: run_snippet("pass"), n_import)
        imports = repeat(lambda: run_snippet(IMPORT_ONLY.format(module="labkit")), n_import)
        cold = repeat(
            lambda: run_snippet(script_snippet("labkit"), env=Caches.fresh(tmp).env()), n_cold
        )
        cold_off = repeat(lambda: run_snippet(
            script_snippet("labkit"), env={**Caches.fresh(tmp).env(), **off}), n_cold)
        caches = Caches.fresh(tmp)
        run_snippet(script_snippet("labkit"), env={**caches.env(), **off})  # primes the cache
        warm = repeat(lambda: run_snippet(script_snippet("labkit"), env=caches.env()), n_warm)
        warm_off = repeat(lambda: run_snippet(script_snippet("labkit"),
                                              env={**caches.env(), **off}), n_warm)
        notebook = repeat(lambda: run_snippet(
            NOTEBOOK_SNIPPET.format(module="labkit", script=LIF_SCRIPT), env=caches.env()),
            n_warm)
        notebook_no_thread = repeat(lambda: run_snippet(
            NOTEBOOK_SNIPPET.format(module="labkit", script=LIF_SCRIPT),
            env={**caches.env(), "LABKIT_SYMPY_WARM_UP": "0"}), n_warm)
        b2_warm, b2_cold = [], []
        if not args.quick:
            b2_cold = repeat(lambda: run_snippet(script_snippet("brian2"),
                                                 env=Caches.fresh(tmp).env()), n_cold)
            b2_caches = Caches.fresh(tmp)
            run_snippet(script_snippet("brian2"), env=b2_caches.env())
            b2_warm = repeat(
                lambda: run_snippet(script_snippet("brian2"), env=b2_caches.env()), n_warm
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()[0]

    def row(label, value, target="", b2=None):
        return [label, fmt_seconds(value), target, fmt_seconds(b2), fmt_ratio(value, b2)]

    rows = [
        row("python -c pass (interpreter alone)", med(baseline)),
        row("import labkit (inside the process)", med(imports, "import_s"), "< 0.5 s"),
        row("import labkit, whole process", med(imports)),
        row("cold cache: whole process", med(cold), "", med(b2_cold)),
        row("cold cache: time in run()", med(cold, "run_s"), "<= 300 ms",
            med(b2_cold, "run_s")),
        row("cold, fast start off: time in run()", med(cold_off, "run_s"), "",
            med(b2_cold, "run_s")),
        row("warm cache: whole process", med(warm), "", med(b2_warm)),
        row("warm cache: start to end of run()", med(warm, "to_end_s"), "",
            med(b2_warm, "to_end_s")),
        row("warm cache: build (script minus run())",
            _build(warm), "", _build(b2_warm)),
        row("  its CPU time", med(warm, "build_cpu_s"), "", med(b2_warm, "build_cpu_s")),
        row("warm cache: time in run()", med(warm, "run_s"), "<= 50 ms", med(b2_warm, "run_s")),
        row("  its CPU time", med(warm, "run_cpu_s"), "", med(b2_warm, "run_cpu_s")),
        row("warm, fast start off: time in run()", med(warm_off, "run_s"), "",
            med(b2_warm, "run_s")),
        row("warm, notebook: the build cell", med(notebook, "build_cell_s")),
        row("  the same, no sympy import thread", med(notebook_no_thread, "build_cell_s")),
        row("warm, notebook: run() cell 1 s later", med(notebook, "run_cell_s"), "<= 50 ms"),
        row("re-run: rebuild with new tau, run", med(warm, "rebuild_s"), "",
            med(b2_warm, "rebuild_s")),
        row("re-run: set G.I, run 70 ms more", med(warm, "continue_s"), "",
            med(b2_warm, "continue_s")),
    ]
    print()
    print_table(["", "labkit", "target", "Brian2 (cython)", "ratio"], rows)
    print()
    print(f"load (1-minute average): {load_before:.1f} before, {load_after:.1f} after")
    spikes = {t.data["spikes"] for t in cold + cold_off + warm + warm_off + notebook
              + notebook_no_thread}
    print(f"spikes: {sorted(spikes)} (expected [3]: the same whichever engine ran)")
    for label, runs in (("cold", cold), ("cold, fast start off", cold_off), ("warm", warm),
                        ("warm, fast start off", warm_off)):
        d = runs[0].data
        print(f"Numba kernels, {label}: compiled {d['first_compiled']} loaded "
              f"{d['first_loaded']} for the first run; after both re-runs: "
              f"compiled {d['after_compiled']} loaded {d['after_loaded']}")


def _build(timings):
    """Median time of the script outside run() (building the model and monitors)."""
    if not timings:
        return None
    return statistics.median(t.data["script_s"] - t.data["run_s"] for t in timings)


if __name__ == "__main__":
    main()

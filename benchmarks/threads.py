"""The runtime device on 1 and on 2+ threads: CUBA and COBAHH (4000 neurons, coupled).

    python benchmarks/threads.py                 # both models, 1 s each, threads 1 and 2
    python benchmarks/threads.py --duration 0.2 --threads 1 2 4

Per model and thread count (more than one: the parallel kernel always, and adaptive, the
default: the faster of the two as measured during the run), one fresh process with empty
caches (cold): the first
``run()`` (compiling the kernel: the serial one for 1 thread, the ``prange`` one for more,
which is used from the first call here), then the loop, the best of three more runs
(``Network._last_run_time``), and the least CPU time of the process in those ``run()``
calls (all threads: on idle cores threads that split the work well take about
the serial CPU time in half the wall time; under load the wall times mostly measure the
other jobs). The layer column is Numba's threading layer (``-``: the parallel kernel
never ran). For the adaptive kernel, the best run's share of steps that ran on threads
(probes included) and its probes (each runs both kernels for a few steps, side by side),
and the team kernel's calls over the process, with those whose threads did not all start
(run on one thread instead; on idle cores there should be none):
on idle cores CUBA should run ~0 % on threads (a parallel region per step costs more than
its 8 us state update) and COBAHH ~100 %. Spikes must be identical whatever the threads; the script
checks it. The speedup on a machine others use too depends on their load: a parallel
region waits for its slowest thread at every step, so it prints the load average.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import cobahh
import cuba
import numpy as np
from common import Caches, fmt_seconds, machine_summary, print_table, run_snippet

SNIPPET = """
import numpy as np
from labkit import *
import labkit.devices.threads as _T
_T.COMPILE_BUDGET = 0.0  # the parallel kernel from the first call: its compile is measured
_T.BACKGROUND = False  # (compiled in this process, not while the serial kernel runs on)
_T.ADAPTIVE = {adaptive}
set_device('runtime', threads={threads})
{network}
_t = _time.perf_counter()
run({duration}*second)
_first = _time.perf_counter() - _t
from labkit.core.magic import magic_network as _net
from labkit.devices import DEVICES as _DEVICES
_kernels = list(_DEVICES["runtime"]._threaded.values())
def _counts():
    return [sum(k.probes for k in _kernels),
            sum(k.totals["parallel"][1] for k in _kernels),
            sum(k.totals["serial"][1] + k.totals["parallel"][1] for k in _kernels)]
_loops, _cpus, _probes, _on_threads = [], [], [], []
for _k in range(3):
    _before = _counts()
    _c = _time.process_time()
    run({duration}*second)
    _cpus.append(_time.process_time() - _c)
    _loops.append(float(_net._last_run_time))
    _after = _counts()
    _probes.append(_after[0] - _before[0])
    _on_threads.append((_after[1] - _before[1]) / max(1, _after[2] - _before[2]))
import numba as _numba
_threaded = any(k.parallel_calls for k in _kernels)
_best = int(np.argmin(_loops))
_steps = np.round(np.asarray(s_mon.t) / 1e-4).astype(np.int64)
_keep = _steps < round({duration} / 1e-4)
np.savez(_os.environ["BENCH_OUT"], i=np.asarray(s_mon.i)[_keep], steps=_steps[_keep])
report(first_run_s=_first, loop_s=min(_loops), cpu_s=min(_cpus), spikes=int(_keep.sum()),
       teams=sum(k.team_calls for k in _kernels),
       not_formed=sum(k.teams_not_formed for k in _kernels),
       layer=_numba.threading_layer() if _threaded else "-", probes=_probes[_best],
       on_threads=_on_threads[_best], load=_os.getloadavg()[0])
"""

MODELS = {"CUBA": (cuba.MODEL, cuba.SYNAPSES), "COBAHH": (cobahh.MODEL, cobahh.SYNAPSES)}


def measure(model: str, threads: int, adaptive: bool, duration: float, n: int, out: Path):
    neurons, synapses = MODELS[model]
    code = SNIPPET.format(threads=threads, adaptive=adaptive, duration=duration,
                          network=cuba.network(neurons, synapses, n=n))
    caches = Caches.fresh()
    # fast start off: the loops measured are the compiled kernels' (with it, a cold first
    # run's engine hand-over made CUBA's "loop" 1.32 s instead of 43 ms)
    timing = run_snippet(code, env={**caches.env(), "BENCH_OUT": str(out),
                                    "LABKIT_FAST_START": "0"})
    return timing, np.load(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--threads", type=int, nargs="+", default=[2],
                        help="thread counts besides 1")
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    args = parser.parse_args(argv)
    print(machine_summary(), f"load average {os.getloadavg()[0]:.1f} at start")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            base = None
            for threads, adaptive in [(1, True)] + [(t, a) for t in args.threads if t > 1
                                                    for a in (False, True)]:
                timing, spikes = measure(model, threads, adaptive, args.duration, args.n,
                                         Path(tmp) / f"{model}{threads}.npz")
                if base is None:
                    base = (timing, spikes)
                same = (np.array_equal(spikes["i"], base[1]["i"])
                        and np.array_equal(spikes["steps"], base[1]["steps"]))
                speedup = base[0]["loop_s"] / timing["loop_s"]
                how = f"{threads}" + ("" if threads == 1 else
                                      " (adaptive)" if adaptive else " (always)")
                adaptive_cols = (["-", "-", "-"] if threads == 1 else
                                 [f"{100 * timing['on_threads']:.0f} %", str(timing["probes"]),
                                  f"{timing['teams']} ({timing['not_formed']})"])
                rows.append([model, how, timing["layer"], fmt_seconds(timing["first_run_s"]),
                             fmt_seconds(timing["loop_s"]), f"{speedup:.2f}x",
                             fmt_seconds(timing["cpu_s"]), *adaptive_cols,
                             str(timing["spikes"]), "yes" if same else "NO",
                             f"{timing['load']:.1f}"])
    print_table(["model", "threads", "layer", "first run() (cold)", "loop (best of 3)",
                 "loop speedup", "run() CPU (all threads)", "steps on threads", "probes",
                 "team calls (not formed)",
                 "spikes", "same spikes", "load"], rows)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

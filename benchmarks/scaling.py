"""CUBA with 80 inputs per neuron from 10^3 to 10^6 neurons, labkit next to Brian2 standalone.

    python benchmarks/scaling.py                         # 10^3 ... 10^6 neurons (~5 min)
    python benchmarks/scaling.py --sizes 1000 10000      # a quick run
    python benchmarks/scaling.py --skip-brian2

Issue 22 (scale). The network is CUBA's (models-reference 6.1: LIF, exact integration,
dt = 0.1 ms, we = 1.62 mV, wi = -9 mV) with a **fixed in-degree**: every neuron receives
64 excitatory and 16 inhibitory synapses (``connect(i='k for k in sample(N_pre,
size=...)')`` from the excitatory and inhibitory subgroups), so the mean out-degree is
80 at every size and the activity per neuron does not change with N. The durations
shrink as N grows (``DURATIONS``) so that the whole benchmark takes minutes.

Each simulator and size is measured in its own fresh process:

- labkit (runtime device, warm kernel cache: one unmeasured process at the smallest size
  fills it, with the counting sort that orders the queues of larger networks; fast
  start off, ``LABKIT_FAST_START=0``, so that every step is the compiled kernel's; one
  thread, ``--threads``, as Brian2's binary without OpenMP): one ``run()`` of 1 ms to
  load the kernel, then the timed ``run()``, in ``--repeats`` processes (the
  same spikes; the fastest reported); its time is the CPU time of the
  loop (``_last_run_cpu_time``, ``time.process_time`` around the compiled kernel's
  calls), the whole ``run()`` call's CPU time (with its Python preparation) and the
  loop's wall time (``_last_run_time``) are reported apart; peak resident memory is the
  process's ``ru_maxrss`` after the timed run (before the script counts the events),
  also reported per phase: before ``connect()`` (imports, neurons, monitor), after it,
  after the first ``run()`` (its kernel and the spike queues' arrays).
- Brian2 2.9 runtime device (``--brian2-runtime``; Cython, its cache filled by one
  unmeasured process or given with ``--brian2-cache``): one process per size, for its
  peak resident memory (the whole process: imports, build, connect, run).
- Brian2 2.9 ``cpp_standalone`` (compiled per size: N is written into its code), one
  ``run()`` and ``--repeats`` - 1 re-runs of its binary (the best reported): the loop
  time its binary reports (``Network::run``, timed with ``std::clock()``, i.e. CPU time
  like labkit's), peak memory of the
  **binary** (measured around it: ``os.wait4``), and of its Python process apart
  (imports, code generation).

Reported per size: time per neuron-step (loop / (N * steps)), time per synaptic event
(loop / events, events = the spikes' out-degrees summed, both sides read their own), the
peak resident memory, and the memory per synapse: the growth of peak memory from the
previous size divided by the growth in synapses (what each further synapse costs, the
interpreter, libraries and compiled kernels left out). Ratios are labkit / Brian2 in the
same invocation (target <= 1.0x for time per event and memory per synapse); the
machine's load is printed before and after, since the machine may be shared (CPU time
is what stays comparable under load; the wall times are printed for reference).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import (
    Caches,
    fmt_ratio,
    fmt_seconds,
    machine_summary,
    print_table,
    run_snippet,
    versions_summary,
)
from cuba import MODEL

SIZES = [1_000, 10_000, 100_000, 1_000_000]
#: Simulated time per size (seconds): shorter at the top end, where one step costs most.
DURATIONS = {1_000: 1.0, 10_000: 0.1, 100_000: 0.02, 1_000_000: 0.005}

#: CUBA's neurons are cuba.py's (one definition for every benchmark).
NETWORK = """
import numpy as np, resource, time
N = {n}
defaultclock.dt = 0.1*ms
seed(7)
{model}
n_exc = int(0.8*N)
we = (60*0.27/10)*mV
wi = (-20*4.5/10)*mV
s_mon = SpikeMonitor(P)
_rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_t = time.perf_counter()
Ce = Synapses(P[:n_exc], P, on_pre='ge += we')
Ce.connect(i='k for k in sample(N_pre, size=64)')
Ci = Synapses(P[n_exc:], P, on_pre='gi += wi')
Ci.connect(i='k for k in sample(N_pre, size=16)')
_connect_s = time.perf_counter() - _t
"""

LABKIT = NETWORK + """
_rss_connect = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
run(1*ms)  # loads the compiled kernel; the timed run below is the loop alone
_rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_spikes0 = s_mon.num_spikes
_c = time.process_time()
run({duration}*second)
run_cpu_s = time.process_time() - _c
_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the counting below
from labkit.core.magic import magic_network
loop_s = float(magic_network._last_run_time)
# (a labkit before _last_run_cpu_time: the run() call's CPU time)
cpu_s = float(getattr(magic_network, "_last_run_cpu_time", run_cpu_s))
out = np.concatenate([Ce.N_outgoing_pre[:n_exc], Ci.N_outgoing_pre[n_exc:]])
spikes = np.asarray(s_mon.i)[_spikes0:]
report(loop_s=loop_s, cpu_s=cpu_s, run_cpu_s=run_cpu_s, connect_s=_connect_s,
       spikes=int(spikes.size), events=int(out[spikes].sum()), synapses=len(Ce) + len(Ci),
       steps=int(round({duration}/1e-4)),
       peak_kb=_peak, before_kb=_rss_before, connect_kb=_rss_connect, first_kb=_rss_first)
"""

#: Brian2's runtime device (Cython, warm cache): the same network in one process, for
#: its peak memory next to labkit's (``--brian2-runtime``).
BRIAN2_RUNTIME = """
from brian2 import *
brian2_cache_prefs()
""" + NETWORK + """
run(1*ms)
_c = time.process_time()
run({duration}*second)
report(cpu_s=time.process_time() - _c, spikes=int(s_mon.num_spikes),
       peak_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

#: Runs the standalone binary for Brian2 and writes the binary's peak memory (kB) to a file.
WRAPPER = """\
import os, subprocess, sys
proc = subprocess.Popen(['./main'] + sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
with open(os.environ['BENCH_BINARY_RSS'], 'w') as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""

BRIAN2 = """
from brian2 import *
import sys
set_device('cpp_standalone', directory=_os.environ['BENCH_STANDALONE_DIR'])
prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, '-c', {wrapper!r}]
""" + NETWORK + """
run({duration}*second)  # one run: the binary has nothing to load first
# the best of it and re-runs of the same binary (the same spikes), as for labkit
import subprocess as _sp
_loops = [float(device._last_run_time)]
for _k in range({repeats} - 1):
    _sp.run(["./main"], cwd=device.project_dir, check=True, capture_output=True)
    with open(_os.path.join(device.project_dir, "results", "last_run_info.txt")) as _f:
        _loops.append(float(_f.read().split()[0]))
loop_s = min(_loops)
spikes = np.asarray(s_mon.i)
out = np.concatenate([np.asarray(Ce.N_outgoing_pre)[:n_exc],
                      np.asarray(Ci.N_outgoing_pre)[n_exc:]])
with open(_os.environ['BENCH_BINARY_RSS']) as f:
    binary_kb = int(f.read())
report(loop_s=loop_s, cpu_s=loop_s, spikes=int(spikes.size), events=int(out[spikes].sum()),
       synapses=len(Ce) + len(Ci), steps=int(round({duration}/1e-4)),
       compile_s=float(device.timers['compile']['make']), binary_kb=binary_kb,
       peak_kb=binary_kb,
       python_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def labkit_code(n: int, duration: float, threads: int | None = 1) -> str:
    head = "from labkit import *\n"
    if threads is not None:
        head += f"set_device('runtime', threads={threads})\n"
    return head + LABKIT.format(n=n, duration=duration, model=MODEL)


def brian2_code(n: int, duration: float, repeats: int = 1) -> str:
    return BRIAN2.format(n=n, duration=duration, wrapper=WRAPPER, model=MODEL,
                         repeats=repeats)


def brian2_runtime_code(n: int, duration: float) -> str:
    return BRIAN2_RUNTIME.format(n=n, duration=duration, model=MODEL)


def duration_for(n: int) -> float:
    """The simulated time for ``n`` neurons: DURATIONS', or scaled as 1000 s*neurons/N."""
    return DURATIONS.get(n, max(0.005, min(1.0, 1000.0 / n)))


def per(value: float | None, count: float) -> str:
    if value is None or not count:
        return "-"
    seconds = value / count
    return f"{seconds * 1e9:.2f} ns" if seconds < 1e-6 else fmt_seconds(seconds)


def mb(kb: float | None) -> str:
    return "-" if kb is None else f"{kb / 1024:,.0f} MB"


def marginal(rows: list[dict], key: str = "peak_kb") -> list[float | None]:
    """Bytes per synapse: growth of ``key`` (kB) over growth of synapses, from the
    previous size (None for the first)."""
    out: list[float | None] = [None]
    for before, after in zip(rows[:-1], rows[1:], strict=True):
        grown = after["synapses"] - before["synapses"]
        out.append(1024 * (after[key] - before[key]) / grown if grown > 0 else None)
    return out


def measure(args, tmp: Path) -> tuple[list[dict], list[dict | None]]:
    caches = Caches.fresh(tmp)
    env = caches.env() | {"LABKIT_FAST_START": "0"}
    if args.brian2_cache:  # a warm Cython cache of an earlier invocation
        env["BENCH_BRIAN2_CACHE"] = str(args.brian2_cache)
    print(f"  labkit: filling the kernel cache (N={args.sizes[0]:,}) ...", flush=True)
    # the queues of networks from 2^20 synapses are ordered by a compiled counting sort
    # (labkit.synapses.queue.COUNTING_FROM): the filling process uses it at any size, so
    # that no later size compiles it in its measured process (at 10^5 neurons that
    # compile's LLVM took the peak from 222 to 268 MB)
    warm = "import labkit.synapses.queue as _queue\n_queue.COUNTING_FROM = 0\n"
    run_snippet(warm + labkit_code(args.sizes[0], 0.001, args.threads), env=env)
    labkit, brian2 = [], []
    for n in args.sizes:
        duration = duration_for(n)
        print(f"  N={n:,}, {duration * 1e3:g} ms: labkit ...", flush=True)
        # the same run in fresh processes (the same spikes: one seed), the fastest kept
        timings = [run_snippet(labkit_code(n, duration, args.threads), env=env)
                   for _ in range(args.repeats)]
        timing = min(timings, key=lambda t: t.data["cpu_s"])
        labkit.append(timing.data | {"wall": timing.wall, "n": n, "duration": duration})
        if args.skip_brian2:
            brian2.append(None)
            continue
        print(f"  N={n:,}: Brian2 cpp_standalone ...", flush=True)
        run_env = env | {"BENCH_STANDALONE_DIR": str(tmp / f"standalone{n}"),
                         "BENCH_BINARY_RSS": str(tmp / f"rss{n}")}
        try:
            timing = run_snippet(brian2_code(n, duration, args.repeats), env=run_env)
            brian2.append(timing.data | {"wall": timing.wall, "n": n})
        except RuntimeError as error:
            print(f"    failed: {str(error).strip().splitlines()[-1]}", flush=True)
            brian2.append(None)
        shutil.rmtree(tmp / f"standalone{n}", ignore_errors=True)
        if args.brian2_runtime and brian2[-1] is not None:
            if n == args.sizes[0] and not args.brian2_cache:
                print("  Brian2 runtime: filling its Cython cache ...", flush=True)
                run_snippet(brian2_runtime_code(n, 0.001), env=env)
            print(f"  N={n:,}: Brian2 runtime ...", flush=True)
            timing = run_snippet(brian2_runtime_code(n, duration), env=env)
            brian2[-1]["runtime_kb"] = timing.data["peak_kb"]
    return labkit, brian2


def report_tables(labkit: list[dict], brian2: list[dict | None]) -> None:
    both = all(b is not None for b in brian2)
    lk_syn = marginal(labkit)
    b2_syn = marginal(brian2) if both else [None] * len(brian2)
    time_rows, memory_rows = [], []
    for k, lk in enumerate(labkit):
        b2 = brian2[k] or {}
        cells = lk["n"] * lk["steps"]
        lk_event = lk["cpu_s"] / lk["events"] if lk["events"] else None
        b2_event = b2["cpu_s"] / b2["events"] if b2.get("events") else None
        time_rows.append([
            f"N={lk['n']:,}, {lk['duration'] * 1e3:g} ms", f"{lk['synapses']:,}",
            f"{lk['events']:,}/{b2.get('events', 0):,}",
            fmt_seconds(lk["cpu_s"]), fmt_seconds(b2.get("cpu_s")), fmt_seconds(lk["run_cpu_s"]),
            fmt_seconds(lk["loop_s"]),
            per(lk["cpu_s"], cells), per(b2.get("cpu_s"), cells),
            per(lk["cpu_s"], lk["events"]), per(b2.get("cpu_s"), b2.get("events", 0)),
            fmt_ratio(lk_event, b2_event)])
        memory_rows.append([
            f"N={lk['n']:,}", mb(lk["peak_kb"]), mb(b2.get("binary_kb")),
            mb(b2.get("python_kb")), mb(b2.get("runtime_kb")),
            "-" if lk_syn[k] is None else f"{lk_syn[k]:.1f}",
            "-" if b2_syn[k] is None else f"{b2_syn[k]:.1f}",
            fmt_ratio(lk_syn[k], b2_syn[k]), fmt_seconds(lk["connect_s"]),
            fmt_seconds(lk["wall"]), fmt_seconds(b2.get("wall"))])
    print()
    print_table(["size", "synapses", "events lk/B2", "CPU lk", "CPU B2", "run() CPU lk",
                 "wall lk",
                 "/neuron-step lk", "/neuron-step B2", "/event lk", "/event B2",
                 "ratio /event"], time_rows)
    print()
    print_table(["size", "lk before connect", "after connect", "after run(1 ms)",
                 "after the timed run"],
                [[f"N={lk['n']:,}", *(mb(lk.get(k)) for k in
                                      ("before_kb", "connect_kb", "first_kb", "peak_kb"))]
                 for lk in labkit])
    print()
    print_table(["size", "peak lk", "peak B2 binary", "B2 python", "B2 runtime", "B/syn lk",
                 "B/syn B2", "ratio B/syn", "lk connect", "lk process",
                 "B2 process"], memory_rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--skip-brian2", action="store_true")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs per process, the best reported (default 3)")
    parser.add_argument("--brian2-runtime", action="store_true",
                        help="also Brian2's runtime device (Cython) per size, for its peak "
                             "memory (its first process compiles: minutes)")
    parser.add_argument("--brian2-cache", type=Path, default=None,
                        help="Brian2's Cython cache for --brian2-runtime (default: a fresh "
                             "one, compiled by the first process)")
    parser.add_argument("--threads", type=int, default=1,
                        help="labkit's threads (default 1, as Brian2's binary; 0: the "
                             "device's default, all cores)")
    args = parser.parse_args(argv)
    args.threads = args.threads or None
    print(__doc__.splitlines()[0])
    print(machine_summary(), "|", versions_summary(), "| load", os.getloadavg())
    tmp = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    try:
        labkit, brian2 = measure(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report_tables(labkit, brian2)
    print("CPU: the loop's CPU time (labkit: process_time around its kernel's calls; B2: "
          "its binary's std::clock loop time); /neuron-step and /event from it; run() CPU "
          "lk: the whole run() call (with its Python preparation); wall lk: labkit's loop "
          "in wall time")
    print("B/syn: bytes per synapse, the growth of peak memory from the previous size over "
          "the growth in synapses; B2 = its binary's. B2 python: its cpp_standalone "
          "process (imports, code generation; the binary runs beside it); B2 runtime: "
          "its runtime device's whole process (--brian2-runtime, warm Cython cache)")
    print("load after:", os.getloadavg(), file=sys.stdout)


if __name__ == "__main__":
    main()

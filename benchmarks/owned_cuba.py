"""labkit's own CUBA kernel on threads that own chunks of the neurons: a hand-made team
version of the runtime device's generated serial kernel, measured against that kernel on
the same arguments (issue 22, README "All cores"; ``owned_chunks.py`` is the same design on
a kernel of its own).

    python benchmarks/owned_cuba.py                 # 4000 neurons, 10 000 steps, 5 rounds
    python benchmarks/owned_cuba.py --steps 20000 --repeats 7

The script builds CUBA (coupled, 4000 neurons, SpikeMonitor) on the runtime device, runs
10 ms and takes the serial kernel (as compiled by labkit) and the arguments of its first
call. The team kernel below is that kernel's text, by hand, for ``T`` threads in one
``prange(T)`` region per call: thread ``t`` owns the neurons ``[t*N/T, (t+1)*N/T)``; it
updates them (the generated state update, its loop over its chunk), tests their threshold
into its own spike list, then meets the others at the step's one barrier (each publishes
its step; double-buffered spike lists), walks every thread's spikes in index order and
adds the synaptic events onto its own targets (the synapses sorted once by source and
owner of the target, their order kept within each part: the float additions of one
thread, per target), then resets its own spikes. Thread 0 also writes the group's spike
array and the SpikeMonitor. Pathways with one delay of zero only (CUBA's); a value that is
not finite is noted, not stopped at.

Per variant, interleaved rounds: wall time per step (best, median), and the per-step times
of the instrumented variants (the serial text with a time stamp per step, the team's
leader): their 5/10/25/50th percentiles. On a machine others use, the wall times measure
them (a barrier waits a time slice when a thread is off its core); the low percentiles are
steps in which every thread kept its core, i.e. what idle cores would do. Last, per thread
of the team: its work before the barrier, its wait there, its work after (10th/50th pct).
Bits: the state, the spike monitor and the group's spikes must equal the serial kernel's.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numba  # noqa: E402
import owned_chunks as oc  # noqa: E402 (loads TBB before Numba starts threads)
from numba import njit, prange  # noqa: E402
from team_barrier import atomic_load, atomic_store, pause  # noqa: E402

from labkit.codegen.support_numba import _lk_exp  # noqa: E402

cycles, arrived = oc.cycles, oc.arrived
# what the team kernel reads, by the generated kernel's argument names
TEAM_ARGS = ["_lk_s0", "_lk_s1", "_lk_clock_ts", "_lk_clock_end", "_lk_clock_k",
             "_lk_clock_dt", "_lk_status", "_o0__N", "_o0__c_El", "_o0__c_Vr", "_o0__c_Vt",
             "_o0__c__refractory", "_o0__c_taue", "_o0__c_taui", "_o0__c_taum",
             "_o0__nspikes", "_o0__spikes", "_o0_ge", "_o0_gi", "_o0_lastspike",
             "_o0_not_refractory", "_o0_v", "_o1__c_we", "_o1__post", "_o2__c_wi",
             "_o2__post", "_o3__count", "_o3__i", "_o3__n", "_o3__start", "_o3__stop",
             "_o3__t"]


@njit
def member(t, T, ctl, spin, tsp, tn, eptr, esyn, iptr, isyn, tq, stamps, waits,
           _lk_s0, _lk_s1, _lk_clock_ts, _lk_clock_end, _lk_clock_k, _lk_clock_dt, _lk_status,
           _o0__N, _o0__c_El, _o0__c_Vr, _o0__c_Vt, _o0__c__refractory, _o0__c_taue,
           _o0__c_taui, _o0__c_taum, _o0__nspikes, _o0__spikes, _o0_ge, _o0_gi,
           _o0_lastspike, _o0_not_refractory, _o0_v, _o1__c_we, _o1__post, _o2__c_wi,
           _o2__post, _o3__count, _o3__i, _o3__n, _o3__start, _o3__stop, _o3__t):
    size = (_o0__N + T - 1) // T
    lo, hi = min(_o0__N, t * size), min(_o0__N, (t + 1) * size)
    _lk_ts0 = int(_lk_clock_ts[0])
    w_total = 0
    c_start = cycles()
    for _lk_s in range(_lk_s0, _lk_s1):
        stamps[t, 0, _lk_s - _lk_s0] = cycles()
        buf = _lk_s & 1
        _lk_on0 = ((_lk_ts0 < _lk_clock_end[0]) and ((_lk_ts0 * _lk_clock_k[0]) == _lk_s))
        _lk_dt0 = float(_lk_clock_dt[0])
        _lk_t0 = (_lk_ts0 * _lk_dt0)
        if _lk_on0:
            _lkh0_0 = (_lk_exp(-_lk_dt0/_o0__c_taum))
            _lkh1_0 = (_lk_exp(-_lk_dt0/_o0__c_taue))
            _lkh2_0 = (_o0__c_taue*(-_lkh0_0 + _lkh1_0)/(_o0__c_taue - _o0__c_taum))
            _lkh3_0 = (_lk_exp(-_lk_dt0/_o0__c_taui))
            _lkh4_0 = (_o0__c_taui*(-_lkh0_0 + _lkh3_0)/(_o0__c_taui - _o0__c_taum))
            _lkh5_0 = (-_o0__c_El*_lkh0_0 + _o0__c_El)
            _lk_reft = (int(((_o0__c__refractory) + (0.001 * _lk_dt0)) / _lk_dt0) * _lk_dt0)
            _lk_bad = False
            for _ii in range(lo, hi):
                _i = np.uint64(_ii)
                _lk_l_ge = _o0_ge[_i]
                _lk_l_gi = _o0_gi[_i]
                _lk_l_lastspike = _o0_lastspike[_i]
                _lk_l_not_refractory = _o0_not_refractory[_i]
                _lk_l_v = _o0_v[_i]
                _lk_l_not_refractory = (((_lk_t0 - _lk_l_lastspike) + (0.001 * _lk_dt0))
                                        >= _lk_reft)
                _tmp__v = (_lkh0_0*_lk_l_v + _lkh2_0*_lk_l_ge + _lkh4_0*_lk_l_gi + _lkh5_0)
                _tmp__ge = (_lkh1_0*_lk_l_ge)
                _tmp__gi = (_lkh3_0*_lk_l_gi)
                if _lk_l_not_refractory:
                    _lk_l_v = (_tmp__v)
                _lk_l_ge = (_tmp__ge)
                _lk_l_gi = (_tmp__gi)
                _o0_ge[_i] = _lk_l_ge
                _o0_gi[_i] = _lk_l_gi
                _o0_not_refractory[_i] = _lk_l_not_refractory
                _o0_v[_i] = _lk_l_v
                _lk_bad |= (not (math.isfinite(_lk_l_v) and math.isfinite(_lk_l_ge)
                                 and math.isfinite(_lk_l_gi)))
            if _lk_bad:
                _lk_status[0] = 2  # (the prototype does not stop)
            # threshold, own chunk
            _lk_n = 0
            sp = tsp[buf, t]
            for _lk_b in range(lo, hi, 256):
                _lk_e = min((_lk_b + 256), hi)
                _lk_any = False
                for _ii in range(_lk_b, _lk_e):
                    _i = np.uint64(_ii)
                    _lk_any |= (_o0_v[_i] > _o0__c_Vt)
                if (not _lk_any):
                    continue
                for _ii in range(_lk_b, _lk_e):
                    _i = np.uint64(_ii)
                    if (((_o0_v[_i] > _o0__c_Vt)) and _o0_not_refractory[_i]):
                        sp[_lk_n] = _ii
                        _o0_lastspike[_i] = _lk_t0
                        _o0_not_refractory[_i] = False
                        _lk_n += 1
            tn[buf, t] = _lk_n
        # the step's one barrier
        atomic_store(ctl, arrived(t), _lk_s + 1)
        w0 = cycles()
        stamps[t, 1, _lk_s - _lk_s0] = w0
        for u in range(T):
            polls = 0
            while atomic_load(ctl, arrived(u)) <= _lk_s:
                polls += 1
                pause(polls, spin)
        w1 = cycles()
        stamps[t, 2, _lk_s - _lk_s0] = w1
        w_total += w1 - w0
        if _lk_on0:
            if t == 0:  # the group's spikes (for Python) and the SpikeMonitor
                _lk_j = _o3__n[0]
                _k = 0
                for u in range(T):
                    for q in range(tn[buf, u]):
                        _i = tsp[buf, u, q]
                        _o0__spikes[_k] = _i
                        _k += 1
                        if ((_i >= _o3__start) and (_i < _o3__stop)):
                            _o3__i[_lk_j] = (_i - _o3__start)
                            _o3__t[_lk_j] = _lk_t0
                            _o3__count[(_i - _o3__start)] += 1
                            _lk_j += 1
                _o0__nspikes[0] = _k
                _o3__n[0] = _lk_j
            # inhibitory pathway: this thread's queue of its own targets' events, then them
            c = 0
            for u in range(T):
                for q in range(tn[buf, u]):
                    e = tsp[buf, u, q]
                    for m in range(iptr[e * T + t], iptr[e * T + t + 1]):
                        tq[t, c] = isyn[m]
                        c += 1
            for k in range(c):
                p = _o2__post[tq[t, k]]
                _o0_gi[p] = _o0_gi[p] + _o2__c_wi
            c = 0
            for u in range(T):
                for q in range(tn[buf, u]):
                    e = tsp[buf, u, q]
                    for m in range(eptr[e * T + t], eptr[e * T + t + 1]):
                        tq[t, c] = esyn[m]
                        c += 1
            for k in range(c):
                p = _o1__post[tq[t, k]]
                _o0_ge[p] = _o0_ge[p] + _o1__c_we
            # reset, own spikes
            sp = tsp[buf, t]
            for q in range(tn[buf, t]):
                _o0_v[sp[q]] = _o0__c_Vr
            _lk_ts0 += 1
    stamps[t, 0, _lk_s1 - _lk_s0] = cycles()
    waits[t] = w_total
    waits[T + t] = cycles() - c_start
    if t == 0:
        _lk_clock_ts[0] = _lk_ts0
        _lk_status[1] = _lk_s1


@njit(parallel=True)
def team(T, ctl, spin, tsp, tn, eptr, esyn, iptr, isyn, tq, stamps, waits,
         _lk_s0, _lk_s1, _lk_clock_ts, _lk_clock_end, _lk_clock_k, _lk_clock_dt, _lk_status,
         _o0__N, _o0__c_El, _o0__c_Vr, _o0__c_Vt, _o0__c__refractory, _o0__c_taue,
         _o0__c_taui, _o0__c_taum, _o0__nspikes, _o0__spikes, _o0_ge, _o0_gi,
         _o0_lastspike, _o0_not_refractory, _o0_v, _o1__c_we, _o1__post, _o2__c_wi,
         _o2__post, _o3__count, _o3__i, _o3__n, _o3__start, _o3__stop, _o3__t, out):
    for t in prange(T):
        if oc.join(ctl, T, 200_000, spin):
            member(t, T, ctl, spin, tsp, tn, eptr, esyn, iptr, isyn, tq, stamps, waits,
                   _lk_s0, _lk_s1, _lk_clock_ts, _lk_clock_end, _lk_clock_k, _lk_clock_dt,
                   _lk_status, _o0__N, _o0__c_El, _o0__c_Vr, _o0__c_Vt, _o0__c__refractory,
                   _o0__c_taue, _o0__c_taui, _o0__c_taum, _o0__nspikes, _o0__spikes, _o0_ge,
                   _o0_gi, _o0_lastspike, _o0_not_refractory, _o0_v, _o1__c_we, _o1__post,
                   _o2__c_wi, _o2__post, _o3__count, _o3__i, _o3__n, _o3__start, _o3__stop,
                   _o3__t)
            out[t] = 1



def capture():
    """CUBA on labkit -> (the serial Kernel, its argument names, the first call's values)."""
    import labkit.devices.threads as threads
    from labkit import prefs, set_device

    seen = []
    called = threads.ThreadedKernel.__call__

    def spy(self, *args):
        if not seen:
            seen.append((self.serial, [a.copy() if isinstance(a, np.ndarray) else a
                                       for a in args]))
        return called(self, *args)

    threads.ThreadedKernel.__call__ = spy
    try:
        import cuba

        import labkit

        namespace = {"np": np, **{k: getattr(labkit, k) for k in labkit.__all__}, "N": 4000}
        set_device("runtime", threads=2)
        prefs.devices.runtime.fast_start = False  # the compiled kernel from the first call
        # run() in the namespace: the magic network collects the objects of its caller
        exec(cuba.MODEL + cuba.SYNAPSES + "s_mon = SpikeMonitor(P)\nrun(10*ms)\n",
             namespace)
    finally:
        threads.ThreadedKernel.__call__ = called
    serial, values = seen[0]
    names = serial.source.arg_names
    missing = set(TEAM_ARGS) - set(names)
    if missing or "# 7: Reset" not in serial.source.text or "# 8:" in serial.source.text:
        raise SystemExit(f"labkit's CUBA kernel is not the one the team kernel was written "
                         f"from (missing {sorted(missing)}); update owned_cuba.py")
    return serial, names, dict(zip(names, values, strict=True))


def split(ptr, syn, post, n, T):
    """Per (source, owner of the target): the synapse numbers, in their order."""
    size = (n + T - 1) // T
    src = np.repeat(np.arange(ptr.shape[0] - 1), np.diff(ptr))
    s = syn.astype(np.int64)
    owner = post[s] // size
    order = np.lexsort((np.arange(s.shape[0]), owner, src))
    counts = np.zeros((ptr.shape[0] - 1) * T, dtype=np.int64)
    np.add.at(counts, src * T + owner, 1)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), s[order].astype(np.int32)


def stamped_kernel(text):
    """The generated serial kernel's text with a time stamp at each step's start."""
    loop = "    for _lk_s in range(_lk_s0, _lk_s1):\n"
    end = "    _lk_status[0] = 0\n    _lk_status[1] = _lk_s1"
    stamped = (text.replace("def _lk_run(_lk_s0,", "def _lk_run(_lk_stamps, _lk_s0,")
               .replace(loop, loop + "        _lk_stamps[0, 0, _lk_s - _lk_s0] = _lk_cycles()\n")
               .replace(end, "    _lk_stamps[0, 0, _lk_s1 - _lk_s0] = _lk_cycles()\n" + end))
    assert stamped.count("_lk_cycles") == 2
    namespace = {"_lk_cycles": cycles}
    exec(compile(stamped, "<serial kernel, stamped>", "exec"), namespace)
    return njit(namespace["_lk_run"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--spin", type=int, default=2000, help="polls before yielding")
    args = parser.parse_args(argv)
    from common import machine_summary

    print(machine_summary(), f"load average {os.getloadavg()[0]:.2f} at start,",
          f"{args.steps} steps")
    serial, names, first = capture()
    stamped = stamped_kernel(serial.source.text)
    N = first["_o0__N"]
    T = min(args.threads, numba.config.NUMBA_NUM_THREADS)
    splits = {}
    now = njit(lambda: cycles())

    def fresh(steps):
        a = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in first.items()}
        room = steps * 40 + 100_000  # no buffer fills: the kernels run every step
        a["_o3__i"] = np.zeros(room, dtype=first["_o3__i"].dtype)
        a["_o3__t"] = np.zeros(room)
        for o in ("_o1", "_o2"):
            a[f"{o}__q0__qdata"] = np.zeros((1, first[f"{o}__post"].shape[0]),
                                            dtype=first[f"{o}__q0__qdata"].dtype)
        a["_lk_s1"] = steps
        a["_lk_clock_end"] = np.array([1 << 40], dtype=first["_lk_clock_end"].dtype)
        return a

    def call(kind, threads, steps):
        a = fresh(steps)
        stamps = np.zeros((threads, 3, steps + 1), dtype=np.int64)
        waits = np.zeros(2 * threads, dtype=np.int64)
        formed = True
        c0, w0 = now(), time.perf_counter()
        if kind == "labkit serial":
            serial(*[a[n] for n in names])
        elif kind == "serial, stamped":
            stamped(stamps, *[a[n] for n in names])
        else:
            if threads not in splits:
                splits[threads] = (
                    *split(first["_o1__q0__ptr"], first["_o1__q0__syn"], first["_o1__post"],
                           N, threads),
                    *split(first["_o2__q0__ptr"], first["_o2__q0__syn"], first["_o2__post"],
                           N, threads))
            numba.set_num_threads(threads)
            ctl = np.zeros(8 * (threads + 1), dtype=np.int64)
            try:
                team(threads, ctl, args.spin, np.zeros((2, threads, N), dtype=np.int64),
                     np.zeros((2, threads), dtype=np.int64), *splits[threads],
                     np.zeros((threads, first["_o1__post"].shape[0]), dtype=np.int32),
                     stamps, waits, *[a[n] for n in TEAM_ARGS],
                     np.zeros(threads, dtype=np.int64))
            finally:
                numba.set_num_threads(T)
            formed = ctl[oc.JOIN] < oc.CLOSED
        wall = time.perf_counter() - w0
        ns = wall / max(1, now() - c0) * 1e9
        per_step = None if kind == "labkit serial" else np.diff(stamps[0, 0]) * ns / 1e3
        parts = None
        if kind.startswith("team"):
            parts = [(stamps[:, 1, :-1] - stamps[:, 0, :-1]) * ns / 1e3,
                     (stamps[:, 2, :-1] - stamps[:, 1, :-1]) * ns / 1e3,
                     (stamps[:, 0, 1:] - stamps[:, 2, :-1]) * ns / 1e3]
        return a, wall / steps * 1e6, formed, per_step, parts

    kinds = [("labkit serial", 1), ("serial, stamped", 1), ("team, 1 thread", 1),
             (f"team, {T} threads", T)]
    for kind, threads in kinds:  # compile
        call(kind, threads, 20)
    reference = call("labkit serial", 1, args.steps)[0]
    keys = ("_o0_v", "_o0_ge", "_o0_gi", "_o0_lastspike", "_o0_not_refractory", "_o3__i",
            "_o3__t", "_o3__n", "_o3__count", "_o0__nspikes", "_o0__spikes")
    rows = {kind: [] for kind, _ in kinds}
    for _ in range(args.repeats):  # interleaved: the variants see the same load
        for kind, threads in kinds:
            a, us, formed, per_step, parts = call(kind, threads, args.steps)
            same = all(np.array_equal(a[k], reference[k]) for k in keys)
            rows[kind].append((us, formed, same, per_step, parts))
    base = min(r[0] for r in rows["labkit serial"])
    pcts = (5, 10, 25, 50)
    low = {}
    for kind, _ in kinds:
        mine = [r for r in rows[kind] if r[1]]
        steps_ = [r[3] for r in mine if r[3] is not None]
        if steps_:
            low[kind] = np.percentile(np.concatenate(steps_), pcts)
    table = []
    for kind, _ in kinds:
        mine = [r for r in rows[kind] if r[1]]
        walls = [r[0] for r in mine] or [float("nan")]
        q = low.get(kind)
        ratio = ("-" if q is None else
                 " ".join(f"{x:.2f}" for x in low["serial, stamped"] / q))
        table.append([kind, f"{min(walls):.2f}", f"{np.median(walls):.2f}",
                      f"{base / min(walls):.2f}x",
                      "-" if q is None else " ".join(f"{x:.2f}" for x in q), ratio,
                      f"{len(mine)}/{len(rows[kind])}",
                      "yes" if all(r[2] for r in rows[kind]) else "NO"])
    from common import print_table

    print_table(["variant", "wall us/step (best)", "(median)", "speedup (best wall)",
                 "per-step us: 5/10/25/50th pct", "speedup per pct", "team formed",
                 "same bits"], table)
    for kind, threads in kinds:
        if not kind.startswith("team"):
            continue
        parts = [np.concatenate([r[4][j] for r in rows[kind] if r[1]], axis=1)
                 for j in range(3)]
        print(f"{kind}, per thread, us a step (10th/50th pct):", "; ".join(
            f"{label} " + ", ".join(f"{np.percentile(parts[j][t], 10):.2f}/"
                                    f"{np.percentile(parts[j][t], 50):.2f}"
                                    for t in range(threads))
            for j, label in enumerate(("before the barrier", "waiting", "after it"))))
    print(f"spikes per step {reference['_o3__n'][0] / args.steps:.2f}; load average "
          f"{os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

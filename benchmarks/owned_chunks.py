"""Threads that own chunks of the neurons for a whole run: a prototype, CUBA-like, measured
against one thread (issue 22, README "All cores").

    python benchmarks/owned_chunks.py                  # 4000 neurons, 20 000 steps
    python benchmarks/owned_chunks.py --n 16000 --repeats 5

Why: ``team_barrier.py``'s team claimed chunks dynamically and its leader alone added the
synaptic events, so a step moved the state between the cores' caches (the team lost to
one thread, 8.5 vs 7.0 us a step on 2 idle cores). Here thread ``t`` of ``T`` owns the
neurons ``[t*N/T, (t+1)*N/T)`` for the whole run (one ``prange(T)`` region per kernel
call): it updates them, tests their threshold, resets them, and adds the synaptic events
whose *target* it owns. The synapses are sorted once by (source, owner of the target),
keeping their order within each part, so each thread walks every spike of the step in
index order and adds only its own events, in the order one thread adds them: every
target sees the same float additions in the same order, so the bits are one thread's.
No atomics on the state, no state moving between cores.

One barrier a step, after the threshold (every thread's spikes known): a thread
publishes the step it finished (its own cache line) and waits until every other one has
published it. Spike lists are double-buffered by the step's parity, so a thread one step
ahead writes the other buffer while the rest still read this one (it cannot get two steps
ahead: the next barrier waits for them). The leader (thread 0) also records the spikes.

Variants: one thread (the plain serial loop), the team's code on one thread, the team on
``T`` threads, and the team with labkit's spike queues as they are (``queue``: after the
threshold's barrier the leader pushes the step's events, a second barrier, then each
thread walks the whole queue and adds the events onto its own targets): the shape the
design would have in labkit without per-owner synapse lists.

Starting: TBB may run the iterations of ``prange(T)`` one after another on one thread
(on busy cores), so a thread that waited for an absent partner would wait forever. Each
thread counts itself in on a join word; when it does not reach ``T`` within ``--join``
polls, the first thread to notice closes the word; the leader then runs every chunk
alone and a late helper leaves. Rows: wall time per step (best, median), CPU time per
step over all threads (best), the ``--quantile`` percentile of the 100-step blocks' times
(blocks shorter than a time slice: on a busy machine its low percentiles are blocks in
which every thread kept its core, i.e. what idle cores would do), the runs in which the
team formed, same bits as one thread. ``--verbose``: each thread's time in the region
and at the barrier, per run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numba  # noqa: E402
import team_barrier as tb  # noqa: E402 (loads TBB before Numba starts threads)
from common import machine_summary, print_table  # noqa: E402
from llvmlite import ir  # noqa: E402
from numba import njit, prange, types  # noqa: E402
from numba.core import cgutils  # noqa: E402
from numba.extending import intrinsic  # noqa: E402

atomic_add, atomic_load, atomic_store, atomic_cas = (tb.atomic_add, tb.atomic_load,
                                                     tb.atomic_store, tb.atomic_cas)
pause = tb.pause

#: steps per time stamp: blocks short against a time slice (~0.7 ms), so on a busy machine
#: many blocks still run with every thread on a core; their low quantile is what idle
#: cores would do
BLOCK = 100


@intrinsic
def cycles(typingctx):
    """The CPU's time stamp counter (``llvm.readcyclecounter``; constant rate on x86-64)."""
    sig = types.int64()

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.readcyclecounter")
        return builder.call(fn, [])

    return sig, codegen

#: control words, a cache line (8 int64) apart: the join word, then thread t's step.
JOIN, CLOSED = 0, 1 << 40


@njit(inline="always")
def arrived(t):
    return 8 * (t + 1)


def split(ptr, post, n, threads):
    """Synapses per (source, owner of target), each part in the original order -> ptr2
    (``n*T+1``) and post2."""
    size = (n + threads - 1) // threads
    owner = post // size
    src = np.repeat(np.arange(n), np.diff(ptr))
    order = np.lexsort((np.arange(post.shape[0]), owner, src))  # stable within a part
    counts = np.zeros(n * threads, dtype=np.int64)
    np.add.at(counts, src * threads + owner, 1)
    ptr2 = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ptr2, post[order].astype(np.int64)


@njit(inline="always")
def update(lo, hi, v, ge, gi, ref_until, s, c):
    # the constants in locals, as labkit's kernels have them (read from ``c`` in the
    # loop, they are reloaded each iteration: ``c`` might alias ``v``; 4.5 vs 2.4 us)
    c0, c1, c2, c3, c4, c5 = c[0], c[1], c[2], c[3], c[4], c[5]
    for i in range(lo, hi):
        u = np.uint64(i)
        vi = c0 * v[u] + c2 * ge[u] + c4 * gi[u] + c5
        if s >= ref_until[u]:
            v[u] = vi
        ge[u] = c1 * ge[u]
        gi[u] = c3 * gi[u]


@njit(inline="always")
def threshold(lo, hi, v, ref_until, s, c, spikes):
    """labkit's: a vectorised test of 256-element blocks first (spikes are rare)."""
    vt, vr = c[6], c[7]
    found = 0
    for b in range(lo, hi, 256):
        e = min(b + 256, hi)
        any_ = False
        for i in range(b, e):
            any_ |= v[np.uint64(i)] > vt
        if not any_:
            continue
        for i in range(b, e):
            u = np.uint64(i)
            if v[u] > vt and s >= ref_until[u]:
                spikes[found] = i
                found += 1
                v[u] = vr
                ref_until[u] = s + 50  # 5 ms at 0.1 ms
    return found


@njit(inline="always")
def events(t, T, buf, ge, gi, spikes, counts, ptr2, post2, n_exc, we, wi):
    """Every spike of the step in index order; only the events onto ``t``'s targets."""
    for u in range(T):
        for j in range(counts[buf, u]):
            i = spikes[buf, u, j]
            w = we if i < n_exc else wi
            target = ge if i < n_exc else gi
            for m in range(ptr2[i * T + t], ptr2[i * T + t + 1]):
                target[post2[m]] += w


@njit(inline="always")
def record_spikes(s, T, buf, spikes, counts, record):
    total = 0
    for u in range(T):
        for j in range(counts[buf, u]):
            if record[0] < record.shape[0] - 1:
                record[record[0] + 1] = s * 100_000 + spikes[buf, u, j]
                record[0] += 1
            total += 1
    return total


@njit(inline="always")
def join(ctl, T, polls_max, spin):
    """-> True when all ``T`` threads are in; False when the team was closed (or this
    thread closed it): then the leader runs alone and helpers leave."""
    word = atomic_add(ctl, JOIN, 1) + 1
    polls = 0
    while word < T:
        polls += 1
        if polls > polls_max and atomic_cas(ctl, JOIN, word, CLOSED):
            return False
        pause(polls, spin)
        word = atomic_load(ctl, JOIN)
    return word < CLOSED


@njit(inline="always")
def wait_for(ctl, first, last, phase, spin):
    """Until threads ``first .. last-1`` have each published ``phase`` (or later)."""
    for u in range(first, last):
        polls = 0
        while atomic_load(ctl, arrived(u)) < phase:
            polls += 1
            pause(polls, spin)


@njit(inline="always")
def push(T, buf, spikes, counts, ptr, n_exc, queue, qn):
    """The leader: every spike's synapses in index order into the pathway's queue (as
    labkit's one-slot push: synapse numbers, excitatory and inhibitory pathways apart)."""
    qn[0] = 0
    qn[1] = 0
    for u in range(T):
        for j in range(counts[buf, u]):
            i = spikes[buf, u, j]
            k = 0 if i < n_exc else 1
            c = qn[k]
            for m in range(ptr[i], ptr[i + 1]):
                queue[k, c] = m
                c += 1
            qn[k] = c


@njit(inline="always")
def filtered(lo, hi, ge, gi, post, we, wi, queue, qn):
    """Every queued event in order; only those onto ``lo .. hi-1`` (labkit's synaptic
    code with an owner test)."""
    for k in range(qn[0]):
        p = post[queue[0, k]]
        if p >= lo and p < hi:
            ge[p] += we
    for k in range(qn[1]):
        p = post[queue[1, k]]
        if p >= lo and p < hi:
            gi[p] += wi


@njit(inline="always")
def member(t, T, ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr2, post2, n_exc,
           we, wi, record, spin, stamps, waits, mode, ptr, post, queue, qn):
    """Thread ``t``'s run. ``mode`` 0: one barrier a step, each thread adds its own
    targets' events from the synapses sorted by owner. ``mode`` 1: labkit's queues as
    they are: after the threshold's barrier the leader pushes the step's events into the
    queue (and records spikes), a second barrier, then each thread walks the whole queue
    and adds the events onto its own targets."""
    n = v.shape[0]
    t_start = cycles()
    size = (n + T - 1) // T
    lo, hi = min(n, t * size), min(n, (t + 1) * size)
    total = 0
    for s in range(steps):
        if t == 0 and s % BLOCK == 0:
            stamps[s // BLOCK] = cycles()
        buf = s & 1
        update(lo, hi, v, ge, gi, ref_until, s, c)
        counts[buf, t] = threshold(lo, hi, v, ref_until, s, c, spikes[buf, t])
        # barrier: this thread's step done (release: its spikes are published), and
        # every other one's
        atomic_store(ctl, arrived(t), 2 * s + 1)
        w0 = cycles()
        wait_for(ctl, 0, T, 2 * s + 1, spin)
        waits[t] += cycles() - w0
        if mode == 0:
            events(t, T, buf, ge, gi, spikes, counts, ptr2, post2, n_exc, we, wi)
            if t == 0:
                total += record_spikes(s, T, buf, spikes, counts, record)
        else:
            if t == 0:
                total += record_spikes(s, T, buf, spikes, counts, record)
                push(T, buf, spikes, counts, ptr, n_exc, queue, qn)
                atomic_store(ctl, arrived(0), 2 * s + 2)
            else:
                w0 = cycles()
                wait_for(ctl, 0, 1, 2 * s + 2, spin)
                waits[t] += cycles() - w0
            filtered(lo, hi, ge, gi, post, we, wi, queue, qn)
    waits[T + t] = cycles() - t_start
    return total


@njit(parallel=True)
def owned(ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr2, post2, n_exc, we, wi,
          record, spin, join_polls, out, stamps, waits, mode, ptr, post, queue, qn):
    T = spikes.shape[1]
    for t in prange(T):
        if join(ctl, T, join_polls, spin):
            out[t] = member(t, T, ctl, v, ge, gi, ref_until, steps, c, spikes, counts,
                            ptr2, post2, n_exc, we, wi, record, spin, stamps, waits, mode,
                            ptr, post, queue, qn)
        elif t == 0:  # alone: all chunks, in order (T chunks = the same bits anyway)
            out[t] = alone(T, ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr2,
                           post2, n_exc, we, wi, record, stamps)


@njit(inline="always")
def alone(T, ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr2, post2, n_exc, we,
          wi, record, stamps):
    n = v.shape[0]
    size = (n + T - 1) // T
    total = 0
    for s in range(steps):
        if s % BLOCK == 0:
            stamps[s // BLOCK] = cycles()
        buf = s & 1
        for t in range(T):
            lo, hi = min(n, t * size), min(n, (t + 1) * size)
            update(lo, hi, v, ge, gi, ref_until, s, c)
            counts[buf, t] = threshold(lo, hi, v, ref_until, s, c, spikes[buf, t])
        for t in range(T):
            events(t, T, buf, ge, gi, spikes, counts, ptr2, post2, n_exc, we, wi)
        total += record_spikes(s, T, buf, spikes, counts, record)
    return total


@njit
def one_thread(v, ge, gi, ref_until, steps, c, spikes, counts, ptr, post, n_exc, we, wi,
               record, stamps):
    """The plain serial loop (labkit's serial kernel's shape)."""
    n = v.shape[0]
    total = 0
    for s in range(steps):
        if s % BLOCK == 0:
            stamps[s // BLOCK] = cycles()
        update(0, n, v, ge, gi, ref_until, s, c)
        counts[0, 0] = threshold(0, n, v, ref_until, s, c, spikes[0, 0])
        for j in range(counts[0, 0]):
            i = spikes[0, 0, j]
            w = we if i < n_exc else wi
            target = ge if i < n_exc else gi
            for m in range(ptr[i], ptr[i + 1]):
                target[post[m]] += w
        total += record_spikes(s, 1, 0, spikes, counts, record)
    return total


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--spin", type=int, default=2000, help="polls before yielding")
    parser.add_argument("--join", type=int, default=200_000,
                        help="polls for the team to form before the leader runs alone")
    parser.add_argument("--quantile", type=float, default=10,
                        help="percentile of the 100-step blocks' times reported")
    parser.add_argument("--verbose", action="store_true",
                        help="per run: each thread's time in the region and at the barrier")
    args = parser.parse_args(argv)
    print(machine_summary(), f"load average {os.getloadavg()[0]:.2f} at start,",
          f"{args.n} neurons, {args.steps} steps, {args.threads} threads")
    c, ptr, post, v0 = tb.network(args.n)
    n_exc, we, wi = int(0.8 * args.n), 1.62e-3, -9e-3
    T = min(args.threads, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(T)
    ptr2, post2 = split(ptr, post, args.n, T)

    def state():
        n = args.n
        return dict(v=v0.copy(), ge=np.zeros(n), gi=np.zeros(n),
                    ref_until=np.zeros(n, dtype=np.int64),
                    record=np.zeros(200_000, dtype=np.int64))

    def call(name, steps, s):
        """-> whether the team formed (always True for one thread)."""
        stamps = s["stamps"] = np.zeros(steps // BLOCK + 1, dtype=np.int64)
        if name == "one thread":
            spikes = np.zeros((1, 1, args.n), dtype=np.int64)
            counts = np.zeros((1, 1), dtype=np.int64)
            one_thread(s["v"], s["ge"], s["gi"], s["ref_until"], steps, c, spikes, counts,
                       ptr, post, n_exc, we, wi, s["record"], stamps)
            return True
        threads = 1 if name == "owned, 1 thread" else T
        mode = 1 if "queue" in name else 0
        numba.set_num_threads(threads)
        spikes = np.zeros((2, threads, args.n), dtype=np.int64)
        counts = np.zeros((2, threads), dtype=np.int64)
        ctl = np.zeros(8 * (threads + 1), dtype=np.int64)
        out = np.zeros(threads, dtype=np.int64)
        waits = np.zeros(2 * threads, dtype=np.int64)
        queue = np.zeros((2, post.shape[0]), dtype=np.int64)
        qn = np.zeros(2, dtype=np.int64)
        p2, q2 = (ptr, post) if threads == 1 else (ptr2, post2)
        try:
            owned(ctl, s["v"], s["ge"], s["gi"], s["ref_until"], steps, c, spikes, counts,
                  p2, q2, n_exc, we, wi, s["record"], args.spin, args.join, out, stamps,
                  waits, mode, ptr, post, queue, qn)
            s["waits"] = waits
        finally:
            numba.set_num_threads(T)
        return ctl[JOIN] < CLOSED

    tb_cycles = njit(lambda: cycles())
    names = ["one thread", "owned, 1 thread", f"owned, {T} threads",
             f"owned, {T} threads, queue"]
    for name in names:  # compile
        call(name, 10, state())
    reference = state()
    call("one thread", args.steps, reference)
    rows = []
    for _ in range(args.repeats):  # interleaved: each variant sees the same load
        for name in names:
            s = state()
            started, cpu = time.perf_counter(), time.process_time()
            c0 = tb_cycles()
            formed = call(name, args.steps, s)
            ns_per_cycle = (time.perf_counter() - started) / max(1, tb_cycles() - c0) * 1e9
            wall = (time.perf_counter() - started) / args.steps * 1e6
            cpu = (time.process_time() - cpu) / args.steps * 1e6
            same = all(np.array_equal(s[k], reference[k]) for k in reference
                       if k not in ("stamps", "waits"))
            blocks = np.diff(s["stamps"][: args.steps // BLOCK]) * ns_per_cycle / BLOCK / 1e3
            rows.append((name, wall, cpu, formed, same, blocks))
            if "waits" in s and args.verbose:
                w = s["waits"]
                T_ = w.shape[0] // 2
                print(name, "per thread: in region us/step",
                      [round(x * ns_per_cycle / args.steps / 1e3, 2) for x in w[T_:]],
                      "waiting", [round(x * ns_per_cycle / args.steps / 1e3, 2) for x in w[:T_]])
    table = []
    base = min(r[1] for r in rows if r[0] == "one thread")
    quantile = {name: np.percentile(np.concatenate([r[5] for r in rows if r[0] == name]),
                                    args.quantile) for name in names}
    for name in names:
        mine = [r for r in rows if r[0] == name]
        walls = [r[1] for r in mine]
        table.append([name, f"{min(walls):.2f}", f"{np.median(walls):.2f}",
                      f"{min(r[2] for r in mine):.2f}", f"{base / min(walls):.2f}x",
                      f"{quantile[name]:.2f}",
                      f"{quantile['one thread'] / quantile[name]:.2f}x",
                      f"{sum(r[3] for r in mine)}/{len(mine)}",
                      "yes" if all(r[4] for r in mine) else "NO"])
    print_table(["variant", "wall us/step (best)", "(median)", "CPU us/step (best)",
                 "speedup (best)",
                 f"blocks' {args.quantile:g}th pct us/step", "speedup (blocks)",
                 "team formed", "same bits"], table)
    print(f"spikes per step {reference['record'][0] / args.steps:.2f}; load average "
          f"{os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

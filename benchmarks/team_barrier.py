"""Threads that stay in one parallel region for many steps: a prototype, CUBA-like, measured
against one thread and against a Numba region per step (what labkit's parallel kernel does).

    python benchmarks/team_barrier.py                  # 4000 neurons, 20 000 steps
    python benchmarks/team_barrier.py --n 16000 --chunks 8

Why (issue 22, README "All cores"): CUBA's step is ~8.4 us on one thread, and a Numba
``prange`` region costs ~4 us to start and join on TBB, so a region per state update loses
(0.49x on 2 idle cores). The prototype starts one region per run: thread 0 (the leader)
runs the step loop; each step it publishes a phase, and every thread of the team claims
chunks of the neurons (state update, threshold test, reset: element-wise, so who computes
an element changes no bit) with a compare-and-swap on a word that carries the phase, so a
late claim from an earlier phase fails. The leader waits for the phase's chunks, then alone
collects the chunks' spikes in chunk order (index order, as one thread) and adds the
synaptic events onto their targets in that order (the float additions of one thread), and
publishes the next phase. The other threads poll for a new phase (``--spin`` polls, then
``sched_yield`` between polls, then 20 us sleeps: on busy cores a pure spin takes the core
from the thread that holds the work), and leave after ``--give-up`` sleeps without one.
No thread ever waits for a thread that has not claimed work, so the team cannot deadlock
if TBB runs both iterations of ``prange(2)`` on one thread one after the other (it does on
busy cores: the helper then finds the run over and leaves). Atomics: Numba has none; llvmlite's
``atomicrmw``/``cmpxchg``/atomic load and store through ``numba.extending.intrinsic``.

Rows per variant: wall time per step (best and median of ``--repeats`` runs), CPU time per
step over all threads (best), the share of chunks the helper ran in the best run (the
region per step's are not counted: ``-``), and whether the final
state and the spikes are those of one thread, bit for bit. On a machine others use too, the
wall times measure them (the helper may never run); the CPU times and the helper's share say
whether the team worked. Last, the best round trip of a word between two threads (what a
barrier costs at least; a Numba region costs microseconds). Not used by labkit yet (see
the README's "All cores").
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine_summary, print_table  # noqa: E402

from labkit.devices.threads import load_tbb  # noqa: E402

load_tbb()  # before Numba starts its threads: the layer labkit uses

import numba  # noqa: E402
from numba import njit, prange  # noqa: E402

# the atomics of labkit's team kernel (llvmlite intrinsics on int64 words)
from labkit.codegen.support_team import atomic_add, atomic_cas, atomic_load, atomic_store  # noqa: E402

_libc = ctypes.CDLL(None)
sched_yield = _libc.sched_yield
sched_yield.restype = ctypes.c_int
sched_yield.argtypes = ()
usleep = _libc.usleep
usleep.restype = ctypes.c_int
usleep.argtypes = (ctypes.c_uint,)


@njit(inline="always")
def pause(polls, spin):
    """Wait a little: poll ``spin`` times, then yield the core, and after 100x as many
    polls sleep 20 us at a time (on busy cores CFS keeps scheduling a thread that only
    yields, taking time from the thread that holds the work)."""
    if polls > 100 * spin:
        usleep(20)
    elif polls > spin:
        sched_yield()

# The control words, a cache line apart: the phase word (phase << 32 | next chunk), the
# chunks done in the phase, the end of the run.
PHASE, DONE, END = 0, 8, 16


@njit(inline="always")
def chunk(k, nchunks, v, ge, gi, ref_until, s, c, spikes, counts):
    """Neurons of chunk ``k``: exact update (CUBA's), threshold, reset, refractoriness;
    the chunk's spikes in index order into ``spikes[k]``."""
    n = v.shape[0]
    size = (n + nchunks - 1) // nchunks
    lo, hi = k * size, min(n, (k + 1) * size)
    found = 0
    for i in range(lo, hi):
        u = np.uint64(i)  # unsigned: no negative-index branch, the loop vectorises
        vi = c[0] * v[u] + c[2] * ge[u] + c[4] * gi[u] + c[5]
        if s >= ref_until[u]:
            v[u] = vi
        ge[u] = c[1] * ge[u]
        gi[u] = c[3] * gi[u]
    for i in range(lo, hi):
        u = np.uint64(i)
        if v[u] > c[6] and s >= ref_until[u]:
            spikes[k, found] = i
            found += 1
            v[u] = c[7]
            ref_until[u] = s + 50  # 5 ms at 0.1 ms
    counts[k] = found
    return found


@njit(inline="always")
def serial_part(s, nchunks, ge, gi, spikes, counts, ptr, post, n_exc, we, wi, record):
    """The leader alone: spikes in index order, their synaptic events in that order."""
    total = 0
    for k in range(nchunks):
        for j in range(counts[k]):
            i = spikes[k, j]
            w = we if i < n_exc else wi
            target = ge if i < n_exc else gi
            for m in range(ptr[i], ptr[i + 1]):
                target[post[m]] += w
            if record[0] < record.shape[0] - 1:
                record[record[0] + 1] = s * 100_000 + i
                record[0] += 1
            total += 1
    return total


@njit
def one_thread(v, ge, gi, ref_until, steps, c, spikes, counts, ptr, post, n_exc, we, wi,
               record):
    total = 0
    for s in range(steps):
        chunk(0, 1, v, ge, gi, ref_until, s, c, spikes, counts)
        total += serial_part(s, 1, ge, gi, spikes, counts, ptr, post, n_exc, we, wi, record)
    return total


@njit(parallel=True)
def region_per_step(v, ge, gi, ref_until, steps, c, spikes, counts, ptr, post, n_exc, we,
                    wi, record):
    """labkit's parallel kernel's shape: one prange region per step (over the chunks)."""
    nchunks = counts.shape[0]
    total = 0
    for s in range(steps):
        for k in prange(nchunks):
            chunk(k, nchunks, v, ge, gi, ref_until, s, c, spikes, counts)
        total += serial_part(s, nchunks, ge, gi, spikes, counts, ptr, post, n_exc, we, wi,
                             record)
    return total


@njit(inline="always")
def claim(ctl, phase, nchunks, v, ge, gi, ref_until, s, c, spikes, counts):
    """Run chunks of ``phase`` while there are unclaimed ones -> how many this thread ran."""
    ran = 0
    while True:
        word = atomic_load(ctl, PHASE)
        k = word & 0xFFFFFFFF
        if (word >> 32) != phase or k >= nchunks:
            return ran
        if atomic_cas(ctl, PHASE, word, word + 1):
            chunk(k, nchunks, v, ge, gi, ref_until, s, c, spikes, counts)
            atomic_add(ctl, DONE, 1)
            ran += 1


@njit
def leader(ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr, post, n_exc, we, wi,
           record, spin):
    nchunks = counts.shape[0]
    total = 0
    for s in range(steps):
        phase = s + 1
        atomic_store(ctl, DONE, 0)
        atomic_store(ctl, PHASE, phase << 32)  # publishes the serial part's writes too
        claim(ctl, phase, nchunks, v, ge, gi, ref_until, s, c, spikes, counts)
        polls = 0
        while atomic_load(ctl, DONE) < nchunks:  # chunks a helper claimed and still runs
            polls += 1
            pause(polls, spin)
        total += serial_part(s, nchunks, ge, gi, spikes, counts, ptr, post, n_exc, we, wi,
                             record)
    atomic_store(ctl, END, 1)
    return total


@njit
def helper(ctl, v, ge, gi, ref_until, c, spikes, counts, spin, give_up):
    nchunks = counts.shape[0]
    seen, polls, ran = 0, 0, 0
    while atomic_load(ctl, END) == 0:
        phase = atomic_load(ctl, PHASE) >> 32
        if phase != seen:
            seen, polls = phase, 0
            ran += claim(ctl, phase, nchunks, v, ge, gi, ref_until, phase - 1, c, spikes,
                         counts)
            continue
        polls += 1
        pause(polls, spin)
        if polls > 100 * spin + give_up:  # no leader (not started, or gone): leave
            break
    return ran


@njit(parallel=True)
def team(ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr, post, n_exc, we, wi,
         record, spin, give_up, out):
    for t in prange(2):
        if t == 0:
            out[0] = leader(ctl, v, ge, gi, ref_until, steps, c, spikes, counts, ptr, post,
                            n_exc, we, wi, record, spin)
        else:
            out[1] = helper(ctl, v, ge, gi, ref_until, c, spikes, counts, spin, give_up)


@njit
def ping(ctl, rounds):
    """Thread 0 of :func:`ping_pong`: write a round's number, wait for it to come back."""
    for r in range(rounds):
        atomic_store(ctl, PHASE, r + 1)
        polls = 0
        while atomic_load(ctl, DONE) != r + 1:
            polls += 1
            pause(polls, 100_000)
            if polls > 100 * 100_000 + 1000:  # no partner: give up, measured nothing
                atomic_store(ctl, END, 1)
                return r
    return rounds


@njit
def pong(ctl, rounds):
    last, polls = 0, 0
    while atomic_load(ctl, END) == 0:
        word = atomic_load(ctl, PHASE)
        if word != last:
            last, polls = word, 0
            atomic_store(ctl, DONE, word)
            if word == rounds:
                return 1
            continue
        polls += 1
        pause(polls, 100_000)
        if polls > 100 * 100_000 + 1000:
            return 0
    return 0


@njit(parallel=True)
def ping_pong(ctl, rounds, out):
    """Round trips of a word between two threads: the least a barrier costs."""
    for t in prange(2):
        if t == 0:
            out[0] = ping(ctl, rounds)
        else:
            out[1] = pong(ctl, rounds)


def round_trip(tries: int = 300, rounds: int = 2000) -> tuple[float, int]:
    """-> the best seconds per round trip over ``tries`` regions of ``rounds`` round trips
    (the region's start included), and how many regions completed them all."""
    ctl, out = np.zeros(24, dtype=np.int64), np.zeros(2, dtype=np.int64)
    ping_pong(ctl, 10, out)
    best, complete = float("inf"), 0
    for _ in range(tries):
        ctl[:] = 0
        started = time.perf_counter()
        ping_pong(ctl, rounds, out)
        seconds = time.perf_counter() - started
        if out[0] == rounds and ctl[END] == 0:
            complete += 1
            best = min(best, seconds / rounds)
    return best, complete


def network(n: int, seed: int = 11):
    """CUBA's neurons (exact update coefficients at dt = 0.1 ms) and p = 0.02 synapses."""
    dt, taum, taue, taui = 1e-4, 20e-3, 5e-3, 10e-3
    el, vt, vr = -49e-3, -50e-3, -60e-3
    a, e, i_ = np.exp(-dt / taum), np.exp(-dt / taue), np.exp(-dt / taui)
    c = np.array([a, e, taue * (e - a) / (taue - taum), i_, taui * (i_ - a) / (taui - taum),
                  el * (1 - a), vt, vr])
    rng = np.random.default_rng(seed)
    counts = rng.binomial(n, 0.02, size=n)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    post = rng.integers(0, n, size=int(ptr[-1])).astype(np.int64)
    v0 = vr + (vt - vr) * np.arange(n) / n
    return c, ptr, post, v0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--chunks", type=int, default=4, help="chunks per step")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--spin", type=int, default=2000, help="polls before yielding")
    parser.add_argument("--give-up", type=int, default=1000,
                        help="sleeps without a new phase before a helper leaves")
    args = parser.parse_args(argv)
    print(machine_summary(), f"load average {os.getloadavg()[0]:.1f} at start,",
          f"{args.n} neurons, {args.steps} steps, {args.chunks} chunks")
    c, ptr, post, v0 = network(args.n)
    n_exc, we, wi = int(0.8 * args.n), 1.62e-3, -9e-3
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(threads)
    out = np.zeros(2, dtype=np.int64)

    def state():
        n = args.n
        return dict(v=v0.copy(), ge=np.zeros(n), gi=np.zeros(n),
                    ref_until=np.zeros(n, dtype=np.int64),
                    record=np.zeros(200_000, dtype=np.int64))

    def call(name, steps, s):
        nchunks = 1 if name == "one thread" else args.chunks
        spikes = np.zeros((nchunks, args.n), dtype=np.int64)
        counts = np.zeros(nchunks, dtype=np.int64)
        common = (s["v"], s["ge"], s["gi"], s["ref_until"], steps, c, spikes, counts, ptr,
                  post, n_exc, we, wi, s["record"])
        out[:] = 0
        if name == "one thread":
            one_thread(*common)
        elif name == "region per step":
            region_per_step(*common)
        else:
            ctl = np.zeros(24, dtype=np.int64)
            alone = name == "team on one thread"
            numba.set_num_threads(1 if alone else threads)
            try:
                team(ctl, *common, args.spin, args.give_up, out)
            finally:
                numba.set_num_threads(threads)
        return out[1] / max(1, steps * nchunks)

    # the team's code on one thread too: its like-for-like baseline (Numba compiles the
    # chunk loops of one_thread differently; measured at load 1.5: 11.5 us a step there
    # against 6.9 us for the team with its helper absent)
    names = ["one thread", "team on one thread", "region per step", "team (one region)"]
    for name in names:  # compile
        call(name, 10, state())
    reference = state()
    call("one thread", args.steps, reference)
    rows = []
    for name in names:
        walls, cpus, shares, same = [], [], [], True
        for _ in range(args.repeats):
            s = state()
            started, cpu = time.perf_counter(), time.process_time()
            shares.append(call(name, args.steps, s))
            walls.append((time.perf_counter() - started) / args.steps * 1e6)
            cpus.append((time.process_time() - cpu) / args.steps * 1e6)
            same &= all(np.array_equal(s[k], reference[k]) for k in reference)
        rows.append([name, f"{min(walls):.2f}", f"{np.median(walls):.2f}",
                     f"{min(cpus):.2f}",
                     "-" if name != "team (one region)" else
                     f"{100 * shares[int(np.argmin(walls))]:.0f} %",
                     "yes" if same else "NO"])
    print_table(["variant", "wall us/step (best)", "(median)", "CPU us/step (best)",
                 "helper's chunks", "same bits"], rows)
    best, complete = round_trip()
    print(f"spikes per step {reference['record'][0] / args.steps:.2f}; a word's round trip "
          f"between two threads: best {best * 1e9:.0f} ns ({complete}/300 regions had both "
          f"threads); load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

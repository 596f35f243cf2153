"""What a team kernel (:mod:`labkit.codegen.team`) calls: atomics, the join, the barrier.

Numba has no atomics; these are llvmlite's (``atomicrmw``, ``cmpxchg``, atomic loads and
stores) through ``numba.extending.intrinsic``: the join on an int64 control array (word
0), the step's barrier on the phase words of the threads' mailboxes (``team.BOX_PHASE``),
a cache line apart. Imported by team kernels only (it imports Numba).
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["JOIN", "CLOSED", "SPIN", "JOIN_POLLS", "control_words", "lk_join", "lk_barrier",
           "lk_cycles", "atomic_add", "atomic_load", "atomic_store", "atomic_cas"]

#: The join word's index, and its value once a thread gave up waiting for the others.
JOIN, CLOSED = 0, 1 << 40
#: Polls of a word before a waiting thread yields its core; after 100x as many it sleeps
#: 20 us at a time (on busy cores a thread that only spins or yields takes time from the
#: thread it waits for).
SPIN = 2000
#: Polls for every thread to join before the team gives up (TBB may run the iterations of
#: ``prange(T)`` one after another on one thread, when the cores are busy).
JOIN_POLLS = 20_000


def control_words(threads: int) -> int:
    """The length of a team's control array (the join word, alone on its cache line)."""
    return 8


def _pointer(context, builder, sig, args):
    ary = context.make_array(sig.args[0])(context, builder, args[0])
    return cgutils.get_item_pointer(context, builder, sig.args[0], ary, [args[1]],
                                    wraparound=False)


@intrinsic
def atomic_add(typingctx, arr, idx, val):
    """``arr[idx] += val`` atomically -> the old value."""
    sig = types.int64(arr, types.intp, types.int64)

    def codegen(context, builder, sig, args):
        return builder.atomic_rmw("add", _pointer(context, builder, sig, args), args[2],
                                  "seq_cst")

    return sig, codegen


@intrinsic
def atomic_load(typingctx, arr, idx):
    """``arr[idx]`` with acquire ordering: what the writer wrote before is seen."""
    sig = types.int64(arr, types.intp)

    def codegen(context, builder, sig, args):
        return builder.load_atomic(_pointer(context, builder, sig, args), "acquire", 8)

    return sig, codegen


@intrinsic
def atomic_store(typingctx, arr, idx, val):
    """``arr[idx] = val`` with release ordering: what was written before is published."""
    sig = types.void(arr, types.intp, types.int64)

    def codegen(context, builder, sig, args):
        builder.store_atomic(args[2], _pointer(context, builder, sig, args), "release", 8)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def atomic_cas(typingctx, arr, idx, expected, new):
    """``arr[idx] = new`` if it holds ``expected`` -> whether it did, atomically."""
    sig = types.boolean(arr, types.intp, types.int64, types.int64)

    def codegen(context, builder, sig, args):
        pair = builder.cmpxchg(_pointer(context, builder, sig, args), args[2], args[3],
                               "seq_cst", "seq_cst")
        return builder.extract_value(pair, 1)

    return sig, codegen


def _call(symbol: str, bits: int):
    """The codegen of an intrinsic that calls ``symbol()``, an external function of no
    arguments returning an integer of ``bits`` bits, declared in the kernel's module (a
    ctypes function would be a dynamic global, which Numba cannot cache)."""

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.IntType(bits), [])
        return builder.call(cgutils.get_or_insert_function(builder.module, fnty, symbol), [])

    return codegen


@intrinsic
def lk_cycles(typingctx):
    """The CPU's cycle counter (``llvm.readcyclecounter``: the time stamp counter, at a
    constant rate, on x86-64; 0 on a target without one): each thread's busy time in a
    team call (``team_layout.rebalanced``)."""
    return types.int64(), _call("llvm.readcyclecounter", 64)


@intrinsic
def _sched_yield(typingctx):
    """libc's ``sched_yield()``."""
    return types.int32(), _call("sched_yield", 32)


@intrinsic
def _usleep(typingctx, micros):
    """libc's ``usleep(micros)`` (see :func:`_sched_yield`)."""
    sig = types.int32(types.uint32)

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.IntType(32), [ir.IntType(32)])
        return builder.call(cgutils.get_or_insert_function(builder.module, fnty, "usleep"),
                            [args[0]])

    return sig, codegen


@numba.njit(inline="always", cache=True)
def _pause(polls):
    if polls > 100 * SPIN:
        _usleep(np.uint32(20))
    elif polls > SPIN:
        _sched_yield()


@numba.njit(cache=True)
def lk_join(ctl, threads):
    """-> True once all ``threads`` counted themselves in; False when the team was closed
    (this thread or another gave up waiting): the caller then leaves, and the caller of the
    kernel runs the call on one thread."""
    word = atomic_add(ctl, JOIN, 1) + 1
    polls = 0
    while word < threads:
        polls += 1
        if polls > JOIN_POLLS and atomic_cas(ctl, JOIN, word, CLOSED):
            return False
        _pause(polls)
        word = atomic_load(ctl, JOIN)
    return word < CLOSED


@numba.njit(cache=True)
def lk_barrier(box, base, row, t, threads, phase):
    """Thread ``t`` finished ``phase`` (release: its writes are published); wait until
    every thread has (acquire: theirs are seen). The phase words are ``box[base + u*row]``
    for each thread ``u`` (the first word of its mailbox: ``team.BOX_PHASE``); phases only
    grow within a call."""
    atomic_store(box, base + t * row, phase)
    for u in range(threads):
        if u == t:
            continue
        polls = 0
        while atomic_load(box, base + u * row) < phase:
            polls += 1
            _pause(polls)

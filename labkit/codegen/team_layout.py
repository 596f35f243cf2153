"""Where a team kernel's threads keep their parts (:mod:`labkit.codegen.team`): each
thread's chunk of the group, its mailbox row, and the layout line that heads a team
kernel's text.

Why a module of its own: the runtime device (``labkit.devices.threads``) lays out a team's
arrays at each call, also when the team kernel's text comes from the disk cache. Importing
:mod:`labkit.codegen.team` for that (its plan: which argument is the group's size, which
are each pathway's queue) loaded the code printers and with them sympy, 0.27 s of a warm
process's first team call (CUBA 4000), for a model whose plan and kernels all came from the
stores. The plan's few names now travel in the kernel's text (:func:`layout_line`), and
this module imports nothing heavy.
"""

from __future__ import annotations

import json

__all__ = ["ALIGN", "BOX_COUNT", "BOX_PHASE", "BOX_SPIKES", "LEAST", "MOST", "WORK_ROW",
           "bounds", "box_row", "largest_chunk", "rebalanced", "layout_line", "read_layout"]

#: A thread's mailbox for a step, a row of ``_lk_box`` (int64 words; rows 64-byte aligned,
#: ``box_row`` words long, ``2 x T`` of them: the step's parity, then the thread): the
#: barrier's phase word (``support_team.lk_barrier``), the count of the thread's spikes,
#: then the spikes. Why in one row: after the barrier every thread reads every other
#: thread's count and spikes, and the barrier's poll has just brought that thread's first
#: cache line over, so a step's few spikes (CUBA: ~2 a step) cost no further transfer
#: between the cores. Before, the counts of all threads shared one line (written by all
#: every step) and the spikes were in another array: 3-4 transfers a step, each ~0.1 us.
BOX_PHASE, BOX_COUNT, BOX_SPIKES = 0, 1, 2


#: Thread ``t`` owns the elements ``[lo_t, lo_t+1)``, each ``lo`` a multiple of ``ALIGN``
#: elements (64: a cache line of a bool array, 8 of a float64 one): with the group's arrays
#: starting on a cache line (``labkit.memory.aligned_zeros``) no line holds two threads'
#: elements, so no line is written by two cores every step. Measured (``team_steps.py``,
#: CUBA 4096 with the boundary at 2048, arrays copied to aligned buffers, load 5-6, three
#: pairs): the step's median on two threads 2.53/2.47/2.48 us against 2.68/2.54/2.53.
ALIGN = 64


def bounds(n: int, threads: int) -> list[int]:
    """``lo_0 = 0, lo_1, ..., lo_T = n``: thread ``t`` owns ``[lo_t, lo_t+1)`` (see
    ``ALIGN``; the kernel's text computes the same)."""
    return [0, *((t * n // threads) // ALIGN * ALIGN for t in range(1, threads)), n]


#: A chunk's least and largest size as shares of an even one (``rebalanced``): the
#: mailbox rows hold the spikes of the largest (``largest_chunk``).
LEAST, MOST = 0.5, 1.25
#: The words of a thread's row in a team call's work counters (``_lk_work``): a cache
#: line each, so the threads' counters share none.
WORK_ROW = 8


def largest_chunk(n: int, threads: int) -> int:
    """The most elements a thread may own (``MOST`` of an even share, and an ``ALIGN``
    for the rounding of the cuts)."""
    return min(n, int(MOST * n / threads) + ALIGN)


def rebalanced(cuts: list[int], busy: list[int]) -> tuple[list[int], float] | None:
    """A team's cuts (``lo_0 = 0 ... lo_T = n``, see :func:`bounds`) and each thread's busy
    time in a call (its work before and after the step's barrier, the wait left out) ->
    cuts that give each thread its share of the work and the share of the busiest
    thread's time they are expected to save, or None to keep the cuts.

    Why: the threads meet at a barrier every step, so a step takes as long as the busiest
    thread. Measured on two cores (``benchmarks/team_steps.py --phases``, CUBA 4000): the
    thread that owned the upper half worked 0.2 us a step longer for as many neurons, in
    every process on 6 December, and which core is slower varies by process and over a
    run on a shared machine. Each chunk's cost per element is taken from its busy time;
    the new sizes move halfway to the sizes that balance those costs (the measure is
    noisy), stay within ``LEAST`` and ``MOST`` of an even share, and the cuts stay on
    ``ALIGN``. A cut moves only by at least ``ALIGN`` elements: moving one re-splits each
    pathway's events by owner (:class:`labkit.devices.threads.ThreadedKernel`)."""
    threads, n = len(cuts) - 1, cuts[-1]
    sizes = [b - a for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    if threads < 2 or min(busy) <= 0 or min(sizes) <= 0:
        return None  # one thread, no measure (no cycle counter), or an empty chunk
    speed = [size / work for size, work in zip(sizes, busy, strict=True)]  # elements per cycle
    total = sum(speed)
    least, most = LEAST * n / threads, MOST * n / threads
    new, at = [0], 0.0
    for t, (size, v) in enumerate(zip(sizes[:-1], speed[:-1], strict=True), 1):
        at += (size + n * v / total) / 2
        # each chunk within least..most, and room for the rest's
        at = min(max(at, new[-1] + least, n - (threads - t) * most),
                 new[-1] + most, n - (threads - t) * least)
        new.append(min(n, int(round(at / ALIGN)) * ALIGN))
    new.append(n)
    sizes = [b - a for a, b in zip(new[:-1], new[1:], strict=True)]
    if min(sizes) <= 0 or max(sizes) > largest_chunk(n, threads) or new == list(cuts):
        return None
    expected = max(size / v for size, v in zip(sizes, speed, strict=True))
    return new, 1 - expected / max(busy)


def box_row(chunk: int) -> int:
    """The words of a mailbox for a thread owning up to ``chunk`` elements (a multiple of 8:
    a cache line)."""
    return -(-(BOX_SPIKES + chunk) // 8) * 8


#: How the first line of a team kernel's text starts (:func:`layout_line`).
LAYOUT_MARK = "# team layout: "


def layout_line(size: str, pathways: tuple, synapse: tuple) -> str:
    """The comment heading a team kernel's text: its plan's size argument and, per
    pathway, its queue's prefix and whether its code reads the synapse (``TeamPlan``)."""
    return LAYOUT_MARK + json.dumps({"size": size, "pathways": list(pathways),
                                     "synapse": list(synapse)})


def read_layout(text: str) -> tuple[str, tuple, tuple] | None:
    """A team kernel's text -> (size, pathways, synapse) from its layout line, or None when
    it has none."""
    first = text.split("\n", 1)[0]
    if not first.startswith(LAYOUT_MARK):
        return None
    found = json.loads(first[len(LAYOUT_MARK):])
    return found["size"], tuple(found["pathways"]), tuple(found["synapse"])

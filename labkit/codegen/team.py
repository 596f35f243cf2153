"""KernelSpec -> a team kernel: threads that own chunks of a group's neurons for a whole call.

Why (README "All cores"): a Numba ``prange`` region per state update costs microseconds to
start and join, CUBA's whole step (4000 neurons) is ~6 us, and serial synaptic events
between the regions move the state between the cores' caches; so the parallel kernel made
CUBA slower on 2 cores than on one. Here one ``prange(T)`` region runs every step of the
call: thread ``t`` owns the elements ``[cut[t], cut[t+1])`` of the group (about
``[t*N/T, (t+1)*N/T)`` at first, on ``ALIGN``; the caller moves the cuts between calls
so that each thread's share of the work is even: ``team_layout.rebalanced``); it updates
them, tests their threshold into its own spike list, and meets the others at the step's
one barrier; then every thread walks all spike lists in thread order (index order) and
runs the synaptic code of the events whose *target* it owns (the synapses sorted by
source and target, keeping their order otherwise, each source's part per thread found
from the cuts: each target gets the float additions of one thread in the same order),
and resets its own spikes. Thread 0 also writes the group's spike array and the
SpikeMonitors. Spike lists are double-buffered by the step's parity (a thread one step
ahead writes the other buffer). On every ``SAMPLE``-th step each thread adds its busy
cycles (the step without its wait at the barrier) to its counter in ``_lk_work``.

Which kernels have a team form (:func:`team_plan`): one clock; one neuron group ``G``
whose operations are, in order, state updates, its threshold, then SpikeMonitors of ``G``
without recorded variables and pathways from ``G`` (a push and its synaptic code) whose
code reads and writes only the target's and the synapse's own variables, then ``G``'s
reset; no random numbers. The caller (``labkit.devices.threads``) uses it only when every
pathway has one delay of zero steps (its queue is then empty between steps, so the team
and the other kernels can take turns) and the call starts at a step's beginning.

Stops: a SpikeMonitor that could fill stops the call before the step, as the serial
kernel does (every thread counts the recorded spikes itself, so all stop at the same
step); a value that is not finite is flagged by its owner, and after the barrier thread
0 searches and reports it as the serial kernel does. When the threads do not all start
(the join times out), nothing runs and the join word says so (``support_team.CLOSED``).
"""

from __future__ import annotations

import dataclasses
import functools

from labkit.codegen import loops as L
from labkit.codegen import spec as S
from labkit.codegen.compile import KernelSource
from labkit.codegen.operations import describe
from labkit.codegen.print_python import NumbaLoops
from labkit.codegen.printers import PRELUDES
from labkit.codegen.spec import BUFFER_FULL, FIXED_ARGS, argument
from labkit.codegen.stored_expr import materialised
from labkit.codegen.team_layout import (
    ALIGN,
    BOX_COUNT,
    BOX_PHASE,
    BOX_SPIKES,
    WORK_ROW,
    bounds,
    box_row,
    layout_line,
)

__all__ = ["TeamPlan", "team_plan", "team_source", "TEAM_ARGS", "pathway_args", "box_row",
           "bounds", "ALIGN", "BOX_PHASE", "BOX_COUNT", "BOX_SPIKES"]

#: The team kernel's arguments after the serial kernel's: the control words (the join),
#: the flags of values not finite (one per thread), the threads' mailboxes (``_lk_box``:
#: see ``support_team.box_row``), the cuts (``_lk_cut``: thread ``t`` owns the elements
#: ``[cut[t], cut[t+1])``, see ``team_layout.rebalanced``), each thread's busy cycles
#: (``_lk_work[t * WORK_ROW]``, added to: the caller sums calls there), then per pathway
#: its synapses by (source, owner) (``pathway_args``).
TEAM_ARGS = ("_lk_ctl", "_lk_flags", "_lk_box", "_lk_cut", "_lk_work")

#: Steps apart of those whose busy time a thread measures (two readings of the cycle
#: counter before the barrier and two after, every step, were 1-2 % of CUBA's step).
SAMPLE = 8

def pathway_args(k: int) -> tuple[str, str, str]:
    """Pathway ``k``'s part pointers (sources x T + 1), and per event in the parts' order
    its synapse (``syn[m]`` of its queue position ``m``, see ``spec``; a placeholder when
    the code does not read it: ``TeamPlan.synapse``) and its target (``reach[m]``).

    Why the targets, not the positions: an event read through its position read two
    arrays (positions, then targets: CUBA's 80 synapses a spike, 15 cache lines a spike
    from far caches), and the events on two threads took as long as one thread's push and
    events together (0.53 vs 0.47 us a step, load 5); the targets alone (int32) are 2.5
    lines a spike and thread. A queue sorted by target within each source (as connect()
    builds it) gives its own ``reach`` and ``syn``; another one, sorted copies."""
    return f"_lk_p{k}", f"_lk_y{k}", f"_lk_g{k}"


@dataclasses.dataclass(frozen=True)
class TeamPlan:
    """What the team kernel of a spec needs: the group, its size argument, and per
    pathway its queue's prefix and whether its code reads the synapse (its variables)."""

    group: str
    size: str
    pathways: tuple[str, ...]
    synapse: tuple[bool, ...]


def _nodes(tree):
    """Every loop node and expression in ``tree`` (tuples, dataclasses), depth first."""
    if isinstance(tree, tuple):
        for x in tree:
            yield from _nodes(x)
    elif dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        yield tree
        if isinstance(tree, L.Model):
            return
        for f in dataclasses.fields(tree):
            yield from _nodes(getattr(tree, f.name))


def _map(tree, fn):
    """``tree`` with every node replaced by ``fn(node)`` (children first; ``fn`` returns
    the node itself to keep it)."""
    if isinstance(tree, tuple):
        return tuple(_map(x, fn) for x in tree)
    if dataclasses.is_dataclass(tree) and not isinstance(tree, type) \
            and not isinstance(tree, L.Model):
        changed = {f.name: _map(getattr(tree, f.name), fn) for f in dataclasses.fields(tree)}
        tree = dataclasses.replace(tree, **changed)
        return fn(tree)
    return tree


@functools.lru_cache(maxsize=64)
def team_plan(spec: S.KernelSpec) -> TeamPlan | None:
    """The team form of ``spec``'s kernel, or None when it has none (see the module doc)."""
    spec = materialised(spec)
    ops = spec.operations
    if spec.n_clocks != 1 or not ops:
        return None
    updates = 0
    while updates < len(ops) and isinstance(ops[updates], S.StateUpdate):
        updates += 1
    if not updates or updates >= len(ops) or not isinstance(ops[updates], S.Threshold):
        return None
    group, size = ops[updates].owner, ops[updates].size
    if any(op.owner != group or op.size != size for op in ops[:updates]):
        return None
    monitors = set()
    pathways, synapse = [], []
    rest = list(ops[updates + 1:])
    if rest and isinstance(rest[-1], S.Reset):
        if rest[-1].owner != group:
            return None
        rest = rest[:-1]
    k = 0
    while k < len(rest):
        op = rest[k]
        if isinstance(op, S.SpikeRecord) and op.source == group and not op.variables:
            monitors.add(op.owner)
            k += 1
            continue
        code = rest[k + 1] if k + 1 < len(rest) else None
        if not (isinstance(op, S.SpikePush) and op.source == group
                and isinstance(code, S.SynapticCode) and code.queue == op.owner):
            return None
        kinds = {kind for _, kind in code.indices}
        arrays = [s.arg for s in code.symbols if s.role == "array"]
        post = {name for name, kind in code.indices if kind == "post"}
        # targets' variables must be the group's own (indices in its element space)
        if "pre" in kinds or any(s.arg and not s.arg.startswith(group + "_")
                                 for s in code.symbols
                                 if s.role == "array" and s.name in post):
            return None
        # the split by owner reads the targets from the queue's copy of them (``reach``)
        if (not arrays and not post) or code.reach != "post":
            return None
        pathways.append(op.owner)
        synapse.append(bool(code.reads_synapse))
        k += 2
    if {owner for owner, _ in spec.buffers} - monitors:
        return None
    for p, op in enumerate(ops):
        if any(isinstance(node, (L.Draws, L.PythonCallStop, L.Push)) and
               not isinstance(op, S.SpikePush) for node in _nodes(describe(op, p, spec))):
            return None
    return TeamPlan(group, size, tuple(pathways), tuple(synapse))


#: Elements at the top of a thread's chunk that its state update walks downwards, first.
#: Why: a loop walking up to the chunk's end makes the core's prefetcher fetch the next
#: thread's first cache lines of every array, which that thread then writes: each step
#: its core must take them back. Measured (a microbenchmark of CUBA's update on 2 x 2000
#: of 4000 elements, pinned, load 5): the upper half 2710-2974 cycles a step against the
#: lower's 1780-1990, both ~1850-1950 with the top 128-512 elements walked downwards; a
#: chunk walked downwards whole moves the cost to the lower half (its loop then reaches
#: into the lower chunk's top). In the team kernel the upper half had taken 0.25-0.3 us
#: longer a step whichever thread or core ran it.
TOP = 256


class _TeamLoops(NumbaLoops):
    """The state update's element loop over the thread's own chunk, indexed unsigned
    (a loop from a variable start keeps Numba's negative-index branch otherwise, and does
    not vectorise). The chunk's top ``TOP`` elements first, downwards, then the rest
    upwards (elements are independent in a state update: the order changes no bit)."""

    def _threaded(self, s) -> bool:
        return s.kind == "elements" and bool(s.threads) and s.step == 1

    def _For(self, s, depth) -> None:
        if self._threaded(s):
            self.write(depth, f"_lk_top = max(_lk_lo, _lk_hi - {TOP})")
            self._ranges(s, depth, ((None, ("range(_lk_hi - 1, _lk_top - 1, -1)",
                                            "range(_lk_lo, _lk_top)")),))
        elif (s.kind == "elements" and s.simd and s.step == 1 and s.reduce
              and s.start == L.Name("_lk_b") and s.stop == L.Name("_lk_e")):
            # a threshold's vectorised pre-pass over a block (loops.Append): the chunk's
            # top block downwards, as the state update's top (see TOP: measured, the
            # step's median on two threads 2.25/2.19 us against 2.33/2.31)
            self._ranges(s, depth, (("if _lk_e == _lk_hi:", ("range(_lk_e - 1, _lk_b - 1, -1)",)),
                                    ("else:", ("range(_lk_b, _lk_e)",))))
        else:
            super()._For(s, depth)


def _own_update(body: tuple) -> tuple[tuple, tuple]:
    """A state update's statements -> (the thread's part: the values not finite only
    flagged, the search for thread 0 after the barrier)."""
    searches = []

    def fn(node):
        if isinstance(node, L.If) and node.cond == L.Name("_lk_bad"):
            searches.extend(node.body)  # thread 0 searches whoever flagged
            # the step, not a 1: a thread one step ahead may flag its next step while
            # another still reads this step's flags
            return L.If(node.cond, (L.Assign(L.At("_lk_flags", (L.Name("_lk_t"),)),
                                             L.Name("_lk_s") + 1),))
        return node

    return _map(body, fn), tuple(searches)


def _own_list(body: tuple, group: str, threshold: bool) -> tuple:
    """A threshold's or reset's statements on the thread's own spike list (this step's
    buffer) instead of the group's spike array."""
    spikes, nspikes = argument(group, "spikes", "internal"), argument(group, "nspikes",
                                                                      "internal")
    mine = L.Name("_lk_mine")

    def fn(node):
        if isinstance(node, L.At) and node.array == spikes:
            return L.At("_lk_box", (mine + L.Const(BOX_SPIKES) + node.index[0],))
        if isinstance(node, L.At) and node.array == nspikes:
            return L.At("_lk_box", (mine + L.Const(BOX_COUNT),))
        if threshold and isinstance(node, L.Append):
            return dataclasses.replace(node, start=L.Name("_lk_lo"), stop=L.Name("_lk_hi"))
        return node

    return _map(body, fn)


def _each_spike(inner: tuple) -> tuple:
    """``inner`` for every spike of the step, all threads' lists in order (``_lk_e``)."""
    v, q, box = L.Name("_lk_v"), L.Name("_lk_q"), L.Name("_lk_boxv")
    return (L.For("_lk_v", L.Const(0), L.Name("_lk_T"), (
        L.Assign(box, L.Name("_lk_base") + v * L.Name("_lk_row"), "const int64_t"),
        L.For("_lk_q", L.Const(0), L.At("_lk_box", (box + L.Const(BOX_COUNT),)), (
            L.Assign(L.Name("_lk_e"), L.At("_lk_box", (box + L.Const(BOX_SPIKES) + q,)),
                     "const int64_t"),
            *inner)),)),)


class _NoTeam(Exception):
    """The kernel has no team form after all (found while writing it)."""


def _pathway(k: int, queue: str, code_body: tuple) -> tuple:
    """Pathway ``k``: for every spike of the step in order, the synaptic code of its
    synapses onto this thread's targets, in their order (no queue: one delay of zero)."""
    part, synapses, targets = pathway_args(k)
    start, stop = (L.Name(argument(queue, x, "internal")) for x in ("start", "stop"))
    reach, syn = argument(queue, "reach", "internal"), argument(queue, "syn", "internal")
    m, tm = L.Name("_lk_qm"), L.Name("_lk_tm")
    e, t, T = L.Name("_lk_e"), L.Name("_lk_t"), L.Name("_lk_T")
    split = code_body.index(next(n for n in code_body if isinstance(n, L.Assign)
                                 and n.target == L.Name("_lk_off")))
    head = code_body[:split]
    loop = next(n for n in code_body[split:] if isinstance(n, L.For))

    def copied(node):  # the event's synapse and target from the team's copies
        if isinstance(node, L.At) and node.index == (m,) and node.array in (reach, syn):
            return L.At(targets if node.array == reach else synapses, (tm,))
        return node

    # after ``_lk_qm = qdata[off, k]`` (the event's position)
    per_event = _map(loop.body[1:], copied)
    if any(node == m for node in _nodes(per_event)):
        raise _NoTeam  # the code reads the position otherwise
    slot = (L.Op("-", (e, start)) * T) + t
    return (*head, *_each_spike((_if_in(e, start, stop, (
        L.For("_lk_tm", L.At(part, (slot,)), L.At(part, (slot + 1,)), per_event),)),)))


def _if_in(e, start, stop, body):
    """``body`` when ``start <= e < stop``."""
    return L.If(L.land(e.ge(start), e.lt(stop)), body)


def _member(spec: S.KernelSpec, plan: TeamPlan, printer) -> None:
    """The body of ``_lk_member``: one thread's run of the steps."""
    ops = spec.operations
    group = plan.group
    t, T, s = L.Name("_lk_t"), L.Name("_lk_T"), L.Name("_lk_s")
    on, ts = L.Name("_lk_on0"), L.Name("_lk_ts0")
    before, after, searches = [], [], []
    k = 0
    counts = {}  # monitor -> its local count
    for p, op in enumerate(ops):
        body = describe(op, p, spec)
        if isinstance(op, S.StateUpdate):
            own, found = _own_update(body)
            before.append(L.Comment(f"{p}: StateUpdate"))
            before += own
            searches += found
        elif isinstance(op, S.Threshold):
            before.append(L.Comment(f"{p}: Threshold"))
            before += _own_list(body, group, True)
        elif isinstance(op, S.SpikeRecord):
            n = L.Name(f"_lk_rec{len(counts)}")
            counts[op.owner] = n
            start, stop = (L.Name(argument(op.owner, x, "internal")) for x in ("start", "stop"))
            after.append(L.Comment(f"{p}: SpikeRecord"))
            after.append(L.If(t.eq(0), body))
            after += _each_spike((_if_in(L.Name("_lk_e"), start, stop,
                                        (L.Update(n, "+", L.Const(1)),)),))
        elif isinstance(op, S.SynapticCode):
            after.append(L.Comment(f"{p}: SynapticCode"))
            after += _pathway(k, plan.pathways[k], body)
            k += 1
        elif isinstance(op, S.Reset):
            after.append(L.Comment(f"{p}: Reset"))
            after += _own_list(body, group, False)
    spikes, nspikes = argument(group, "spikes", "internal"), argument(group, "nspikes",
                                                                      "internal")
    j = L.Name("_lk_j")
    merge = (L.Assign(j, L.Const(0), "int64_t"),
             *_each_spike((L.Assign(L.At(spikes, (j,)), L.Name("_lk_e")),
                           L.Update(j, "+", L.Const(1)))),
             L.Assign(L.At(nspikes, (L.Const(0),)), j))
    any_bad = L.Name("_lk_anybad")
    check_bad = (L.Assign(any_bad, L.Const(0), "int64_t"),
                 L.For("_lk_v", L.Const(0), T, (
                     L.If(L.At("_lk_flags", (L.Name("_lk_v"),)).eq(s + 1),
                          (L.Update(any_bad, "+", L.Const(1)),)),)),
                 L.If(any_bad.gt(0), (L.If(t.eq(0), tuple(searches)), Return())))
    checks = []
    for monitor, size in spec.buffers:
        arrays = argument(monitor, "i", "internal")
        full = (counts[monitor] + L.Name(size)).gt(L.Length(arrays))
        checks.append(L.If(full, (
            L.If(t.eq(0), (L.Stop(BUFFER_FULL, 0, ((3, L.Const(spec.growth_of(monitor))),)),)),
            Return())))
    w = printer.write
    n = printer.use(plan.size)
    w(1, "_lk_lo = _lk_cut[_lk_t]")
    w(1, "_lk_hi = _lk_cut[_lk_t + 1]")
    w(1, f"_lk_busy = _lk_work[_lk_t * {WORK_ROW}]")
    w(1, "_lk_c0 = 0")
    w(1, "_lk_row = _lk_box.shape[0] // (2 * _lk_T)")
    w(1, "_lk_tsc = int(_lk_clock_ts[0])")
    for m, n in counts.items():
        w(1, f"{n.name} = {printer.use(argument(m, 'n', 'internal'))}[0]")
    clock = (L.Assign(ts, L.Name("_lk_tsc"), "const int64_t"),
             L.Assign(on, L.land(ts.lt(L.At("_lk_clock_end", (L.Const(0),))),
                                 (ts * L.At("_lk_clock_k", (L.Const(0),))).eq(s)),
                      "const bool"),
             L.Assign(L.Name("_lk_dt0"), L.Call("float", (L.At("_lk_clock_dt",
                                                                (L.Const(0),)),)),
                      "const double"),
             L.Assign(L.Name("_lk_t0"), ts * L.Name("_lk_dt0"), "const double"),
             L.Assign(L.Name("_lk_base"), L.Op("%", (s, L.Const(2))) * T * L.Name("_lk_row"),
                      "const int64_t"),
             L.Assign(L.Name("_lk_mine"), L.Name("_lk_base") + t * L.Name("_lk_row"),
                      "const int64_t"))
    step = (Stamp("start"), *clock, *checks,
            L.If(on, tuple(before)),
            Barrier(),
            L.If(on, (*check_bad, L.If(t.eq(0), merge), *after,
                      L.Update(L.Name("_lk_tsc"), "+", L.Const(1)))),
            Stamp("end"))
    w(1, "for _lk_s in range(_lk_s0, _lk_s1):")
    printer.block(step, 2)
    w(1, "if _lk_t == 0:")
    w(2, "_lk_clock_ts[0] = _lk_tsc")
    w(2, "_lk_status[0] = 0")
    w(2, "_lk_status[1] = _lk_s1")


@dataclasses.dataclass(frozen=True)
class Barrier:
    """The step's barrier (see ``support_team.lk_barrier``): phase = the step + 1; on a
    sampled step, the thread's busy time stops while it waits there."""


@dataclasses.dataclass(frozen=True)
class Stamp:
    """A sampled step's start (``"start"``) or end (``"end"``: its busy cycles added to
    the thread's counter, ``_lk_work``)."""

    at: str


@dataclasses.dataclass(frozen=True)
class Return:
    """Leave ``_lk_member`` (thread 0 has set the status)."""


class _MemberLoops(_TeamLoops):
    def _Barrier(self, s, depth) -> None:
        self.write(depth, "if _lk_timed:")
        self.write(depth + 1, "_lk_busy += lk_cycles() - _lk_c0")
        self.write(depth, "lk_barrier(_lk_box, _lk_base, _lk_row, _lk_t, _lk_T, _lk_s + 1)")
        self.write(depth, "if _lk_timed:")
        self.write(depth + 1, "_lk_c0 = lk_cycles()")

    def _Stamp(self, s, depth) -> None:
        if s.at == "start":
            self.write(depth, f"_lk_timed = _lk_s % {SAMPLE} == 0")
            self.write(depth, "if _lk_timed:")
            self.write(depth + 1, "_lk_c0 = lk_cycles()")
        else:
            self.write(depth, "if _lk_timed:")
            self.write(depth + 1, "_lk_busy += lk_cycles() - _lk_c0")
            self.write(depth + 1, f"_lk_work[_lk_t * {WORK_ROW}] = _lk_busy")

    def _Stop(self, s, depth) -> None:
        # the serial kernel advances the clock at each step's end: so does thread 0 here
        # when a stop ends the call (the step stopped in is not done)
        self.write(depth, "_lk_clock_ts[0] = _lk_tsc")
        super()._Stop(s, depth)

    def _Return(self, s, depth) -> None:
        self.write(depth, "return")


#: What a team kernel imports besides a serial kernel's.
TEAM_PRELUDE = ("import numba\nfrom numba import prange\n\n"
                "from labkit.codegen.support_team import lk_barrier, lk_cycles, lk_join\n")


@functools.lru_cache(maxsize=64)
def team_source(spec: S.KernelSpec, serial_args: tuple[str, ...]) -> KernelSource | None:
    """KernelSpec -> the team kernel's source (``_lk_run(<serial_args>, <TEAM_ARGS>,
    <pathway_args>...)``), or None if it has no team form. ``serial_args``: the serial
    kernel's arguments, which the caller passes to either kernel."""
    spec = materialised(spec)
    plan = team_plan(spec)
    if plan is None:
        return None
    printer = _MemberLoops()
    try:
        _member(spec, plan, printer)
    except _NoTeam:
        return None
    extra = TEAM_ARGS + tuple(a for k in range(len(plan.pathways)) for a in pathway_args(k))
    member_args = ("_lk_t", "_lk_T", *FIXED_ARGS, *sorted(printer.args), *extra)
    missing = set(printer.args) - set(serial_args)
    if missing:  # an argument the serial kernel does not take: no team form
        return None
    args = (*serial_args, *extra)
    lines = [layout_line(plan.size, plan.pathways, plan.synapse),
             PRELUDES["numba"] + TEAM_PRELUDE, "",
             '@numba.njit(cache=True, error_model="numpy")',
             f"def _lk_member({', '.join(member_args)}):",
             *printer.lines, "", "",
             f"def _lk_run({', '.join(args)}):",
             "    _lk_T = _lk_flags.shape[0]",
             "    for _lk_t in prange(_lk_T):",
             "        if lk_join(_lk_ctl, _lk_T):",
             f"            _lk_member(_lk_t, _lk_T, {', '.join(member_args[2:])})"]
    return KernelSource("\n".join(lines) + "\n", "_lk_run", args)

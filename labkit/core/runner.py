"""A network's objects + a duration -> one run of the device's kernel (resumed as needed).

Steps of a run: gather the objects and their clocks (several clocks must have dts that are
integer multiples of the smallest); give each object an argument prefix; ask each for its
:class:`~labkit.plan.objectplan.ObjectPlan` (plain data: operations and argument values);
sort the operations into Brian2's schedule; build (or fetch from cache) the kernel for that
structure; call it with the values, resuming after every early return: a full buffer (the
runner doubles that :class:`~labkit.plan.buffers.Growable`), a network_operation (its
function is called), a value that is not finite (an error); finally advance the clocks.
A kernel that enlarges full buffers itself (cpp_standalone) hands back the larger arrays,
which go into their Growables. Monitors read what was recorded from the arrays they own;
nothing calls back into the objects.

Interrupted runs: the Python devices run the duration in calls of about 50 ms of wall time
(compiled code cannot be interrupted), and a Ctrl-C stops the run at the end of the step
being computed. Whatever stops a run -- Ctrl-C, an error, a network_operation that raises
-- the clocks, ``net.t`` and the monitors agree on the first step not completed, and the
next run continues from it. cpp_standalone's program is one process per run: interrupted,
nothing is read back and everything stays as before the run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from labkit.codegen.spec import (
    BUFFER_FULL,
    DONE,
    FIXED_ARGS,
    NOT_FINITE,
    PYTHON_CALL,
    KernelSpec,
    Symbol,
)
from labkit.core.namespace import Namespace, is_number_like, model_constants
from labkit.core.random import get_rng, get_state, set_state
from labkit.devices import get_device
from labkit.errors import SimulationError
from labkit.plan.buffers import Growable
from labkit.plan.neurons import integration_method
from labkit.prefs import prefs
from labkit.units.dimension import get_or_create_dimension
from labkit.units.quantity import Quantity

__all__ = ["RunContext", "RunRequest", "run_objects", "slot_rank"]


def slot_rank(when: str, schedule) -> int:
    """'thresholds' -> its position; 'before_x' just before x, 'after_x' just after."""
    ranks = {w: 1 + 3 * k for k, w in enumerate(schedule)}
    ranks.update({f"before_{w}": 3 * k for k, w in enumerate(schedule)})
    ranks.update({f"after_{w}": 2 + 3 * k for k, w in enumerate(schedule)})
    try:
        return ranks[when]
    except KeyError:
        raise ValueError(f"unknown schedule slot {when!r}; known: {', '.join(schedule)} "
                         "(optionally with before_/after_)") from None


@dataclass
class RunContext:
    """What objects need while preparing a run: prefixes, clock indices, step counts."""

    owners: dict
    clocks: dict
    ranges: list  # per clock index: (first timestep, end timestep)
    namespace: Mapping  # the run's: run(namespace=...) or the caller's frame
    device: object
    overrides: Mapping | None = None  # values for this run only (device.run(run_args=))
    _aranges: dict = field(default_factory=dict)

    def owner(self, obj) -> str:
        return self.owners[id(obj)]

    def namespace_of(self, obj) -> Namespace:
        """Where ``obj``'s external names are looked up in this run (see core.namespace)."""
        return Namespace(getattr(obj, "_namespace", None), self.namespace, self.overrides,
                         model_constants(obj))

    def clock(self, obj) -> int:
        return self.clocks[id(obj.clock)]

    def n_steps(self, obj) -> int:
        """How many times ``obj``'s clock acts in this run."""
        start, end = self.ranges[self.clock(obj)]
        return max(0, end - start)

    def arange(self, n: int) -> np.ndarray:
        found = self._aranges.get(n)
        if found is None:
            found = self._aranges[n] = np.arange(n)
        return found


@dataclass
class RunRequest:
    """One ``run()``, as a device may keep it: it runs itself again (with ``overrides``,
    values for this run only), and takes and puts back the state a run depends on (as
    ``Network.store``): cpp_standalone's ``build_on_run=False`` and ``device.run()``."""

    net: object
    objects: list
    duration: float
    namespace: Mapping
    report: object = None
    report_period: float = 10.0

    def run(self, overrides: Mapping | None = None, device=None) -> None:
        """Run again; on ``device`` (the one replaying it), else on the active device."""
        run_objects(self.net, self.objects, self.duration, self.namespace, self.report,
                    self.report_period, overrides, device)

    def __getstate__(self) -> dict:
        """Pickled with its device to a worker process (Brian2's
        standalone_multiple_processes): of the caller's namespace only what a string can
        read (numbers, arrays, Quantities, TimedArrays: core.namespace), since the frame also
        holds modules, classes and functions, which the run never reads and which a module
        or a local function cannot be pickled."""
        state = dict(vars(self))
        if self.namespace is not None:
            state["namespace"] = {name: value for name, value in self.namespace.items()
                                  if isinstance(name, str) and is_number_like(value)}
        return state

    def state(self) -> dict:
        """The objects' states, their clocks, the time and the random generator's state."""
        clocks = {id(o.clock): o.clock for o in self.objects}
        return {"t": self.net.t_, "objects": [(o, o._store_state()) for o in self.objects],
                "clocks": [(c, c.timestep, c.dt_) for c in clocks.values()],
                "rng": get_state()}

    def restore(self, state: dict) -> None:
        """Put back a :meth:`state`."""
        self.net.t_ = state["t"]
        for obj, saved in state["objects"]:
            obj._restore_state(saved)
        for clock, timestep, dt in state["clocks"]:
            clock._dt = dt
            clock.timestep = timestep
        set_state(state["rng"])


def _clock_table(clocks, t_start: float, t_end: float):
    """Clocks -> (k per clock, first/end timestep per clock); checks the dts fit together."""
    base = min(c.dt_ for c in clocks)
    ks, ranges = [], []
    for c in clocks:
        k = int(round(c.dt_ / base))
        if abs(k * base - c.dt_) > 1e-9 * c.dt_:
            dts = ", ".join(f"{x.name}: {x.dt_ * 1e3:g} ms" for x in clocks)
            raise ValueError(
                f"the clocks of this network have dts that are not integer multiples of the "
                f"smallest ({dts}); choose dts such as 0.1 ms, 0.2 ms, 1 ms")
        ks.append(k)
        ranges.append((c.steps_until(t_start), c.steps_until(t_end)))
    return base, ks, ranges


def _sorted_ops(objects, plans, schedule):
    """(operation, its object, its object's plan) in Brian2's schedule order."""
    rows = []
    for obj, plan in zip(objects, plans, strict=True):
        for k, (when, order, op, *suffix) in enumerate(plan.ops):
            # Brian2 breaks ties by name (its sub-objects are '<group>_stateupdater', ...)
            name = obj.name + (suffix[0] if suffix else "")
            rows.append(((slot_rank(when, schedule), order, name, obj._creation, k), op, obj,
                         plan))
    rows.sort(key=lambda row: row[0])
    return [row[1:] for row in rows]


def run_objects(net, objects, duration: float, namespace: Mapping, report=None,
                report_period: float = 10.0, overrides: Mapping | None = None, device=None):
    """Run ``objects`` for ``duration`` seconds from ``net.t_`` on ``device`` (default: the
    active one); see the module docstring."""
    if device is None:
        device = get_device()
    hook = getattr(device, "before_run", None)  # cpp_standalone records runs (run_args)
    request = RunRequest(net, list(objects), duration, namespace, report, report_period)
    if hook is not None and hook(request):
        return  # the device took the run over (build_on_run=False: device.build() runs it)
    objects = sorted(objects, key=lambda o: o._creation)
    names = [o.name for o in objects]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"two objects in this network are named {duplicates[0]!r}; "
                         "give them different names")
    clocks = list({id(o.clock): o.clock for o in objects}.values())
    t_start, t_end = net.t_, net.t_ + duration
    base, ks, ranges = _clock_table(clocks, t_start, t_end) if clocks else (1.0, [], [])
    ctx = RunContext({id(o): f"_o{k}" for k, o in enumerate(objects)},
                     {id(c): k for k, c in enumerate(clocks)}, ranges, namespace, device,
                     overrides)
    plans = [o._prepare(ctx) for o in objects]
    for obj in objects:  # prepared without error: they belong to this network (Brian2)
        if obj._network is None:
            obj._network = net.id
    ordered = _sorted_ops(objects, plans, prefs.core.network.default_schedule)
    aliases = {a: b for p in plans for a, b in p.aliases.items()}
    if aliases:  # a linked variable reads the argument of the variable it links to
        ordered = [(_aliased(op, aliases), obj, plan) for op, obj, plan in ordered]
    spec = KernelSpec(
        tuple(op for op, _, _ in ordered), len(clocks),
        tuple(b for p in plans for b in p.buffers),
        tuple(g for p in plans for g in p.growable))
    kernel = device.kernel(spec)
    values = {}
    for plan in plans:
        values.update(plan.values)
    growable = {n: v.axis for n, v in values.items() if isinstance(v, Growable)}
    clock_ts = np.array([r[0] for r in ranges], dtype=np.int64)
    clock_end = np.array([r[1] for r in ranges], dtype=np.int64)
    clock_k = np.array(ks, dtype=np.int64)
    clock_dt = np.array([c.dt_ for c in clocks], dtype=np.float64)
    status = np.zeros(6, dtype=np.int64)
    live = [(r, k) for r, k in zip(ranges, ks, strict=True) if r[1] > r[0]]
    s0 = min((r[0] * k for r, k in live), default=0)
    s_end = max(((r[1] - 1) * k + 1 for r, k in live), default=s0)
    fixed = (clock_ts, clock_end, clock_k, clock_dt, status)
    reporter = _Reporter(report, report_period, t_start, duration) if report else None
    chunks = None if getattr(kernel, "enlarges_arrays", False) else _Chunks(CHUNK_SECONDS)
    if chunks is None and reporter is not None:
        # a program launched per call (C++) runs the whole duration at once, unless
        # reporting: then about ten calls per report period, none over a second, but at
        # most five calls in all: each launch reads and writes the whole state with the
        # monitors' records (Stimberg_et_al_2018's example 4: 468 MB), so short calls
        # cost more than the run (measured: 20 calls 117 s, one call 27 s)
        chunks = _Chunks(min(reporter.period / 10, 1.0), minimum=(s_end - s0) // 5)
    pos, step = 0, s0
    planned = getattr(kernel, "run_steps", None)  # the fast start weighs the run's length
    if planned is not None:
        planned(s0, s_end)
    error = None
    tail = _Tail(kernel, values)
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        with _deferred_interrupt(not getattr(kernel, "enlarges_arrays", False)) as interrupted:
            while step < s_end:
                chunk_end = s_end if chunks is None else chunks.end(step, s_end)
                args = (step, pos, chunk_end, *fixed, get_rng(), *tail.arrays())
                called = time.perf_counter()
                with np.errstate(all="ignore"):  # inf/NaN are reported by the kernel's check
                    resized = _call(kernel, args, growable)
                for name, array in resized.items():  # enlarged by the device itself
                    values[name].array = array
                code = int(status[0])
                if code == DONE:
                    if chunks is not None:
                        chunks.took(chunk_end - step, time.perf_counter() - called)
                    step, pos = chunk_end, 0
                    if reporter is not None:
                        reporter.progress(step - s0, s_end - s0)
                    if interrupted() and step < s_end:
                        raise KeyboardInterrupt  # at a step's end: the state is consistent
                    continue
                step, pos = int(status[1]), int(status[2])
                if code == BUFFER_FULL:
                    _enlarge(spec, int(status[3]), values)
                elif code == PYTHON_CALL:
                    # the function may read clock times
                    for c, ts in zip(clocks, clock_ts, strict=True):
                        c.timestep = int(ts)
                    op, _, plan = ordered[pos - 1]
                    plan.call(float(clock_ts[op.clock]) * float(clock_dt[op.clock]))
                    if net.stop_requested:  # stop(): finish this step, then end the run
                        s_end = min(s_end, step + 1)
                elif code == NOT_FINITE:
                    op, obj, plan = ordered[pos]
                    error = _not_finite(op, obj, plan, values, status, clock_dt, clock_ts,
                                        int(status[1]) == s0)
                    break
                else:
                    raise SimulationError(f"the kernel stopped with unknown status {code}")
    finally:
        # Whatever stopped the run (an error, Ctrl-C, a network_operation that raised), the
        # clocks, the network's time and the monitors' records agree: at the first step not
        # completed, which the next run() starts with (as in Brian2).
        for c, ts in zip(clocks, clock_ts, strict=True):
            c.timestep = int(ts)
        net.t_ = _time_reached(clock_ts, clock_end, clock_k, base, s0, t_start, t_end)
        net._last_run_time = time.perf_counter() - started
        # the loop's CPU time (all the process's threads), what Brian2's standalone binary
        # reports (std::clock): comparable on a machine shared with other work
        net._last_run_cpu_time = time.process_time() - started_cpu
    if error is not None:
        raise error
    if reporter is not None:
        reporter.done()
    if interrupted():
        raise KeyboardInterrupt  # pressed during the last call: the run is complete


def _aliased(op, aliases: dict):
    """``op`` with the arguments of its symbols renamed by ``aliases``."""
    if not any(s.arg in aliases for s in op.symbols):
        return op
    symbols = tuple(Symbol(s.name, s.role, aliases.get(s.arg, s.arg)) for s in op.symbols)
    return dataclasses.replace(op, symbols=symbols)


#: Wall-clock seconds one kernel call aims at: Ctrl-C is answered within about this time
#: (compiled code cannot be interrupted; the runner checks between calls).
CHUNK_SECONDS = 0.05


class _Chunks:
    """Steps per kernel call, adapted so that each call takes about ``seconds``."""

    def __init__(self, seconds: float, minimum: int = 10):
        self.seconds = seconds
        self.minimum = max(10, minimum)
        self.size = max(100, self.minimum)

    def end(self, step: int, s_end: int) -> int:
        return min(s_end, step + self.size)

    def took(self, steps: int, seconds: float) -> None:
        if steps < self.size:  # the run's last, short call says nothing about the rate
            return
        factor = min(4.0, self.seconds / seconds) if seconds > 0 else 4.0
        self.size = max(self.minimum, int(self.size * factor))


@contextlib.contextmanager
def _deferred_interrupt(wanted: bool):
    """Within: a first Ctrl-C is noted (-> ``interrupted()`` is true), not raised, so the
    runner stops at the end of a step; a second one interrupts at once, as usual.

    Only when ``wanted`` (not for a C++ program, which a Ctrl-C stops with nothing read
    back), in the main thread (where Python delivers signals) and over a handler that
    raises KeyboardInterrupt or some other Python function (Jupyter's); elsewhere the
    usual behaviour stays.
    """
    noted = []
    previous = None
    if wanted and threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if noted and callable(previous):
            previous(signum, frame)
        noted.append(True)

    installed = callable(previous)
    if installed:
        signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(noted)
    finally:
        if installed:
            signal.signal(signal.SIGINT, previous)


def _time_reached(clock_ts, clock_end, clock_k, base: float, s0: int, t_start: float,
                  t_end: float) -> float:
    """The network's time once a run stopped: that of the first (smallest-dt) step some
    clock has not completed, ``t_end`` if none is left, ``t_start`` if none has run."""
    left = [int(ts) * int(k) for ts, end, k in zip(clock_ts, clock_end, clock_k, strict=True)
            if ts < end]
    if not left:
        return t_end
    step = min(left)
    return t_start if step <= s0 else step * base


class _Tail:
    """The kernel's arguments after the fixed ones (state arrays, constants, buffers), in
    its order: gathered once per run and kept, since a run calls the kernel again after
    every network_operation (Nicola_Clopath_2017: 300 000 calls, 12 us each to gather its
    56 arguments anew). Only a Growable buffer's array can change between calls (the
    runner or the device enlarged it), so only those are looked at again."""

    def __init__(self, kernel, values):
        names = kernel.source.arg_names[len(FIXED_ARGS):]
        try:
            found = [values[n] for n in names]
        except KeyError as missing:
            raise SimulationError(f"internal error: no value for kernel argument {missing}") \
                from None
        self._values = [_array(v) for v in found]
        self._growable = [(k, v) for k, v in enumerate(found) if isinstance(v, Growable)]

    def arrays(self) -> list:
        values = self._values
        for k, buffer in self._growable:
            values[k] = buffer.array
        return values


def _array(value):
    return value.array if isinstance(value, Growable) else value


def _call(kernel, args, growable: dict) -> dict:
    """One kernel call -> the arrays it enlarged (name -> array; {} for in-place kernels)."""
    if getattr(kernel, "enlarges_arrays", False):
        return kernel(*args, growable=growable)
    kernel(*args)
    return {}


def _enlarge(spec, k: int, values: dict) -> None:
    """Double the buffers the kernel found full (it resumes where it stopped)."""
    if not 0 <= k < len(spec.growable):
        raise SimulationError(f"internal error: a kernel found buffer {k} full, but the run "
                              "declared no such growable buffer")
    for name in spec.growable[k].arrays:
        buffer = values[name]
        buffer.enlarge(2 * buffer.array.shape[buffer.axis])


def _not_finite(op, obj, plan, values, status, clock_dt, clock_ts,
                first_step) -> SimulationError:
    from labkit.core.not_finite import not_finite_error

    neuron, var = int(status[3]), op.checked[int(status[4])]
    t = int(clock_ts[op.clock]) * float(clock_dt[op.clock])
    value = _array(values[op.roles()[var].arg])[neuron]
    return not_finite_error(obj, var, neuron, value, t, float(clock_dt[op.clock]), first_step,
                            integration_method(obj), plan.externals or {})


class _Reporter:
    """``report='text'``: progress lines (or a callable report(elapsed, fraction, t0, T))."""

    def __init__(self, report, period: float, t_start: float, duration: float):
        if not (report in ("text", "stdout", "stderr") or callable(report)):
            raise ValueError(f"report must be 'text', 'stdout', 'stderr' or a function, "
                             f"not {report!r}")
        self.report, self.period = report, period
        self.t_start, self.duration = t_start, duration
        self.started = time.perf_counter()
        self.emit(0.0)

    def progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - getattr(self, "_last_emit", self.started) >= self.period:
            self.emit(done / total if total else 1.0)

    def emit(self, fraction: float) -> None:
        import sys

        self._last_emit = time.perf_counter()
        elapsed = self._last_emit - self.started
        if callable(self.report):
            second = get_or_create_dimension(s=1)
            self.report(Quantity(elapsed, dim=second), fraction,
                        Quantity(self.t_start, dim=second), Quantity(self.duration, dim=second))
            return
        stream = sys.stderr if self.report == "stderr" else sys.stdout
        if fraction == 0.0:
            print(f"Starting simulation for {self.duration:g} s", file=stream)
            return
        remaining = elapsed / fraction * (1 - fraction) if fraction else float("nan")
        print(f"{fraction * self.duration:g} s ({fraction:.0%}) simulated in {elapsed:.2f} s"
              f", estimated {remaining:.2f} s remaining.", file=stream, flush=True)

    def done(self) -> None:
        self.emit(1.0)

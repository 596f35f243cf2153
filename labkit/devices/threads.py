"""The runtime device's threads: option -> a count; KernelSpec -> a kernel using them.

``set_device('runtime', threads=n)`` or ``prefs.devices.runtime.threads = n`` (``None``,
the default: every core this process may use) sets how many threads a state update may
run on. Numba's ``prange`` spreads a state update's elements over them (``parallel=True``);
collecting spikes, adding synaptic events onto targets and pushing spikes stay serial, in
index order, so spikes and traces are those of one thread, bit for bit.

A model with a team form (``labkit.codegen.team``: one neuron group, its threshold, reset,
SpikeMonitors, and synapses onto it without delays; CUBA and COBAHH) runs on threads
another way: one ``prange(T)`` region per kernel call in which each thread owns a chunk
of the neurons for every step (their update, threshold, reset and the synaptic events
onto them), meeting the others at one barrier a step (``TEAM``); between calls the chunks
follow the threads' measured work (``REBALANCE``). A call that cannot run
on it (a pathway with a delay, a call resuming mid-step) runs on the ``prange`` kernel
(or that step's rest on the serial one); one whose threads do not all start runs on
the serial kernel. Either way the bits are one thread's.

When threads pay (measured: README "All cores", benchmarks/HISTORY.md): a parallel kernel
compiles about a second slower than the serial one, and starting the threads costs
microseconds per state update and step. So :class:`ThreadedKernel` runs the serial kernel
for small groups (``MIN_ELEMENTS``), and for a large one until the serial kernel has run
for as long as compiling the parallel one takes (``COMPILE_BUDGET``), or, if that kernel is
already in the disk cache, for as long as loading it takes (``LOAD_BUDGET``): a short first
run of a learner compiles and loads nothing more than before. That serial time is CPU time,
without the serial kernel's first call (which compiles or loads it): in wall time, a busy
machine, or the serial kernel's own compilation in its first call (3.9 s for a
1000-compartment HH axon at load 8), passed the budget and compiled the parallel kernel
(4.8 s more of CPU) for a run that the serial kernel finished in 0.1 s. Past the budget,
the threads' kernel compiles in a subprocess that fills the disk cache (``BACKGROUND``, the
fast start's compile job) while the serial kernel runs on, and is loaded from there when
the job is done: the learner never waits for that compilation (CUBA's team kernel: 4-9 s).

Threads only pay on idle cores: every state update waits for its slowest thread, and on
a machine whose cores are busy with other work a thread may wait a whole time slice
(measured on 2 cores at load 6 on GNU OpenMP's threads: CUBA's loop 100x slower on 2
threads than on 1; on TBB's, which :func:`load_tbb` makes Numba use, 0.77-0.79x at load
8-10). So once
both kernels exist, the kernel times both as the run goes and runs the faster: a probe
runs a few steps of the kernel not in use and then as many of the one in use, and
switches if the first was faster. Side by side, the two see the same network activity
and the same load. Until 5 December a probe was compared with the rate of earlier,
longer calls (other moments of the run, with other activity), and one that won by chance
held the slower kernel for 16 of the runner's calls, up to a whole run() of CUBA (on the
idle machine: CUBA adaptive 0.82x of one thread, COBAHH 1.58x where always-parallel made
1.78x). Probes now come at step counts, not calls (a call is split where one is due), and
a switch is checked again soon; what the probes that lose cost is kept under a share of
the time run (``PROBE_SHARE``), so a kernel that keeps losing is probed less and less
often, however cheap its probes looked before. Both compute the same
numbers, so switching between steps changes no result. It also runs
serially outside the main thread (a panel's background thread: Numba's thread pools are
not all safe to enter from two threads at once) and in a process forked after threads
started (GNU OpenMP does not survive a fork).
"""

from __future__ import annotations

import numbers
import os
import threading
import time
from pathlib import Path

import numpy as np

import labkit.codegen.compile as kernel_compile
import labkit.codegen.source_cache as kernel_sources
from labkit.codegen import spec as S
from labkit.codegen.team_layout import (
    WORK_ROW,
    bounds,
    box_row,
    largest_chunk,
    read_layout,
    rebalanced,
)
from labkit.devices import fast_start
from labkit.memory import aligned_zeros
from labkit.prefs import prefs

__all__ = ["ThreadedKernel", "checked_threads", "all_cores", "load_tbb", "MIN_ELEMENTS",
           "COMPILE_BUDGET", "LOAD_BUDGET", "ADAPTIVE", "TEAM", "BACKGROUND"]

#: Elements of the largest state update below which threads cost more than they save.
MIN_ELEMENTS = 1000
#: CPU seconds of serial kernel time after which the parallel kernel is compiled (if it
#: is not on disk): about what that compilation costs, so a run is never much slower than
#: with either kernel alone. CPU time, as the fast start's hand-over: on a busy machine
#: the serial calls and the compilation take longer in wall time by the same factor.
COMPILE_BUDGET = 2.0
#: The same when the parallel kernel is in the disk cache. Getting it from there is not
#: free: its text, its import, Numba's load and starting the threads cost 0.39-0.41 s of
#: CPU in a warm HH axon process (1000 compartments, load 15 on 2 cores), and its first
#: probes on busy cores 0.07 s per 10 steps against the serial kernel's 0.001 s; the HH
#: axon's whole first run(), 0.55 s of serial kernel, would pay that for nothing. Threads
#: at best halve the time left on 2 cores, so loading pays only once that time exceeds
#: about twice the cost: 1 s.
LOAD_BUDGET = 1.0
#: Whether to measure both kernels as the run goes and use the faster (see the module
#: docstring); False: always the parallel one (benchmarks/threads.py measures both ways).
ADAPTIVE = True
#: A probe runs the kernel not in use and then the one in use, each for ``PROBE_STEPS``
#: steps or, if that is shorter, ``PROBE_SECONDS`` (at most ``PROBE_MOST_STEPS``), and
#: compares the two: side by side, so both see the same network activity and the same
#: load. Probes are ``PROBE_EVERY`` probe lengths apart, twice as far each time the kernel
#: in use wins again (up to ``PROBE_MOST``: on a busy machine a probe on threads costs
#: milliseconds a step), and ``PROBE_EVERY`` again after a switch (so a probe that a noisy
#: machine let win is checked soon); at once when the kernel in use becomes ``SLOWER``
#: times slower than at its last probe (other jobs started).
#: ``PROBE_SECONDS`` was 1 ms until 5 December: on the idle machine a team call costs
#: 100-250 us beyond its steps (waking the workers, the join), a quarter of a 1 ms probe,
#: so CUBA 4000's threads measured 2.8-3.1 us a step in probes against 1.9-2.0 in longer
#: calls, lost to one thread's 3.2-3.3 by the margin, and adaptive ran one thread (1.00x)
#: where threads always made 1.51x (benchmarks/threads_alternating.py, load 0.8); with 5
#: ms probes it switches to threads in the run's first probe (1.45x). On busy cores the
#: probe's length comes from the slower kernel's last rate, so a slow team's probe stays
#: at ``PROBE_STEPS``.
PROBE_STEPS = 10
PROBE_SECONDS = 5e-3
PROBE_MOST_STEPS = 1000
PROBE_EVERY = 16
PROBE_MOST = 1024
SLOWER = 2.0
#: How much faster the threads must be in a probe to be switched to from one thread: a
#: switch moves the state between the cores' caches, and on busy cores two 10-step
#: measurements differ by more than that at random. COBAHH at load 7-17 (the kernels
#: close), benchmarks/threads_alternating.py, adaptive's median against one thread's in
#: two runs each: 0.95x/0.91x switching on any win, 0.95x/1.00x with this margin.
SWITCH_MARGIN = 1.15
#: What probes may cost at most, as a share of the time both kernels have run (this
#: kernel's calls, all its runs): a probe's cost is the time its side on the kernel not in
#: use took beyond what the kernel in use took for as many steps, and a probe comes only
#: when the cost so far and the next one's (estimated from the last rates) fit in the
#: share. On the idle machine a probe of threads had cost more than it found (CUBA
#: adaptive 0.71x of one thread, 1 probe a run); on busy cores one 10-step probe of the
#: team kernel takes 7-10 ms (the barrier waits for a thread off its core), a tenth of a
#: CUBA run() of 1 s. Probes then come less often, however many steps apart they are due.
PROBE_SHARE = 0.02
#: Seconds the kernel in use runs between two looks at its rate (one kernel call each:
#: tens of microseconds).
SEGMENT_SECONDS = 0.01
#: Whether the threads' kernel (the team's, else the ``prange`` one) compiles in a
#: subprocess (:mod:`labkit.devices.compile_job`) that fills the disk cache while the
#: serial kernel runs on, loaded from there once done; False: compiled in this process
#: when ``COMPILE_BUDGET`` is reached, the run waiting for it (CUBA's team kernel: 4-9 s
#: on an idle machine, 69-74 s at load 9-15; README "All cores").
BACKGROUND = True
#: Whether the threads run a model that has a team form (``labkit.codegen.team``: threads
#: that own chunks of the group for a whole call, one barrier a step) on its team kernel
#: instead of the ``prange`` one. False: always the ``prange`` kernel.
TEAM = True
#: Whether a team's cuts follow its threads' measured work between calls
#: (``team_layout.rebalanced``). False: the even cuts of ``team_layout.bounds``.
REBALANCE = True
#: The time of the team's calls on one set of cuts whose busy cycles decide the next
#: move. Why summed over calls: one call measures noise (CUBA's calls of ~100 steps, cut
#: short by a SpikeMonitor's growth, moved its cut back and forth; so did COBAHH's of ~200
#: steps, by ``ALIGN``, re-splitting the events each time).
REBALANCE_SECONDS = 0.01
#: The windows of ``REBALANCE_SECONDS`` over which a move's expected saving is counted
#: against its cost.
REBALANCE_HORIZON = 10
#: Where in a team's work counters (``_lk_work``) the caller sums its calls' nanoseconds:
#: a word of thread 0's row that the kernel leaves alone.
_SPENT_NS = 1


def _parts(ptr, targets, cut):
    """Per source ``s`` and thread ``t``, where the source's events onto thread ``t``'s
    chunk start (``parts[s*T + t]``, and ``parts[S*T]``: the end), its events sorted by
    target (``targets``, in runs ``ptr[s]:ptr[s+1]``): a binary search of every source's
    run at once for each inner cut (CUBA's 4000 sources: ~12 halvings of numpy arrays)."""
    sources, threads = ptr.shape[0] - 1, cut.shape[0] - 1
    parts = np.empty(sources * threads + 1, dtype=np.int64)
    parts[:-1:threads] = ptr[:-1]
    parts[-1] = ptr[-1]
    last = max(0, targets.shape[0] - 1)
    for t in range(1, threads):
        lo, hi = ptr[:-1].astype(np.int64), ptr[1:].astype(np.int64)
        while True:
            open_ = lo < hi
            if not open_.any():
                break
            mid = (lo + hi) >> 1
            below = open_ & (targets[np.minimum(mid, last)] < cut[t])
            lo = np.where(below, mid + 1, lo)
            hi = np.where(open_ & ~below, mid, hi)
        parts[t:-1:threads] = lo
    return parts


def checked_threads(value, where: str):
    """An option's value -> the thread count (``None``: all cores), or a clear error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where} must be a whole number of threads (1, 2, ...) or None for "
                        f"all cores, got {value!r}; e.g. set_device('runtime', threads=2)")
    if value < 1:
        raise ValueError(f"{where} must be at least 1, got {value}; threads=1 runs on one "
                         "core, threads=None on all of them")
    return int(value)


def all_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _pool_size() -> int:
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


def resolve(threads) -> int:
    """``set_device``'s threads (or None) -> the count to run with, checked against the
    threads Numba started with."""
    if threads is None:
        threads = checked_threads(prefs.devices.runtime.threads, "prefs.devices.runtime.threads")
    if threads is None:
        return max(1, min(all_cores(), _pool_size()))
    if threads > _pool_size():
        raise ValueError(f"the runtime device was asked for {threads} threads, but Numba "
                         f"started with {_pool_size()} (NUMBA_NUM_THREADS); ask for fewer, "
                         "or set the environment variable NUMBA_NUM_THREADS before Python "
                         "starts")
    return threads


#: The process that first ran threads: a forked child runs serially (GNU OpenMP).
_threads_pid: list[int] = []

#: Intel TBB's runtime library, as the ``tbb`` wheel names it, per platform.
_TBB_LIBRARY = {"linux": "libtbb.so.12", "darwin": "libtbb.12.dylib", "win32": "tbb12.dll"}
_tbb_tried: list[bool] = []


def load_tbb() -> bool:
    """Make Numba's TBB threading layer loadable; whether ``libtbb`` is now loaded.

    Numba picks its threading layer when it first starts threads, the first of TBB, OpenMP
    and its own workqueue that loads (unless ``NUMBA_THREADING_LAYER`` says otherwise). TBB
    starts and joins a parallel region fastest and keeps doing so on busy cores (measured
    on 2 cores at load 8-10, 4000-element ``prange`` loops, best/median per region: TBB
    3.7-4.2/8-9 us, GNU OpenMP 2.4/24-122 us - its threads spin between regions and fight
    the busy cores - and 9-20/14-28 us with ``OMP_WAIT_POLICY=passive``, workqueue 49-102/
    55-136 us; CUBA's parallel kernel on 2 threads at load 10: 44 us a step on TBB, 908 us
    on OpenMP). But pip's ``tbb`` wheel puts ``libtbb`` in the environment's ``lib/``,
    where the dynamic loader does not look in a venv, so Numba cannot find it: this loads
    it by its path first (globally, so Numba's ``tbbpool`` and its version check bind to
    it). Without the wheel (or on a platform without one) nothing changes: Numba falls
    back to OpenMP or workqueue. Called once, before labkit first starts threads.
    """
    if _tbb_tried:
        return _tbb_tried[0]
    _tbb_tried.append(False)
    import ctypes
    import sys
    from importlib import metadata

    name = _TBB_LIBRARY.get(sys.platform)
    try:
        files = metadata.distribution("tbb").files or ()
    except metadata.PackageNotFoundError:
        return False
    for file in files:
        if name is not None and file.name == name:
            try:
                ctypes.CDLL(str(file.locate()), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
            except OSError:  # a broken install: Numba's usual choice, as without it
                return False
            _tbb_tried[0] = True
            return True
    return False


def _index_path(serial_hash: str):
    cache_dir = kernel_compile.cache_dir

    return cache_dir() / f"{serial_hash}.parallel"


def _write_index(serial_hash: str, parallel_hash: str) -> None:
    """Note beside the kernels which parallel kernel belongs to a serial one (see
    :func:`_parallel_on_disk`); written whole or not at all, and never needed: without
    it the parallel kernel waits for ``COMPILE_BUDGET`` as if it were not on disk."""
    import tempfile

    path = _index_path(serial_hash)
    try:
        if path.read_text(encoding="ascii") == parallel_hash:
            return
    except (OSError, UnicodeDecodeError):
        pass
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{serial_hash[:12]}-",
                                   suffix=".tmp")
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(parallel_hash)
        os.replace(tmp, path)
    except OSError:  # a read-only cache: the lookup then finds nothing, as before
        pass


def _parallel_on_disk(serial) -> bool:
    """Whether Numba's disk cache holds the parallel twin of the ``serial`` Kernel.

    Looked up by the serial kernel's hash in the index :func:`_write_index` keeps, not
    by generating the parallel kernel's text to hash it: that generation cost ~0.1 s of
    a warm 1000-compartment HH axon's whole process (2 s), for a lookup whose answer is
    usually no. The machine code is looked for where Numba keeps the serial kernel's
    (beside the kernel files, or under ``NUMBA_CACHE_DIR``).
    """
    try:
        digest = _index_path(serial.source.hash).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    cache_dir = kernel_compile.cache_dir

    cache = getattr(getattr(serial, "func", None), "_cache", None)
    where = getattr(cache, "cache_path", None) or cache_dir() / "__pycache__"
    return any(Path(where).glob(f"{digest}.*.nbi"))


class ThreadedKernel:
    """A serial kernel and, when worth it, its parallel twin: the same arguments, the same
    results. Called like a :class:`~labkit.codegen.compile.Kernel`."""

    language = "numba"

    def __init__(self, spec, serial, threads: int):
        self.spec, self.serial, self.threads = spec, serial, threads
        # spec imports sympy: not at labkit's import
        self._status, self._done = S.FIXED_ARGS.index("_lk_status"), S.DONE
        self.source = serial.source
        names = serial.source.arg_names
        self._sizes = tuple(names.index(op.size) for op in spec.operations
                            if isinstance(op, S.StateUpdate) and op.size in names)
        self._parallel = None
        self._team = None  # the team kernel; False: the model has none
        self._team_cache: dict = {}  # its per-call arrays and synapses split by owner
        self.team_calls = 0
        self.rebalances = 0  # team calls after which the cuts moved
        self._split_seconds: dict = {}  # pathway -> its last split's seconds
        #: team calls whose threads did not all start (run on one thread instead): on
        #: idle cores there should be none (benchmarks/threads.py reports them)
        self.teams_not_formed = 0
        self._on_disk = None
        self._job = None  # the threads' kernel compiling elsewhere: (process, log, source)
        self._job_failed = False
        #: the threads' kernels compiled in a subprocess (``BACKGROUND``)
        self.background_jobs = 0
        self.serial_seconds = 0.0  # CPU time of the serial kernel on a large group
        self._serial_called = False
        self.parallel_calls = 0
        self.seconds_per_step = {"serial": None, "parallel": None}  # last measured
        #: per kernel: calls, steps, seconds (benchmarks/threads.py reports them)
        self.totals = {"serial": [0, 0, 0.0], "parallel": [0, 0, 0.0]}
        self.probes = 0  # probes that compared both kernels
        self._mode = "serial"  # the kernel in use
        self._started: set[str] = set()
        self._pair: list | None = None  # a probe under way: the rates measured so far
        self._paired = None  # the kernel in use's rate at the last probe
        self._due = 0  # steps until the next probe
        self._gap = PROBE_EVERY  # probe lengths between probes
        self._seconds = 0.0  # time both kernels ran (PROBE_SHARE)
        self._probe_cost = 0.0  # what probes cost beyond the kernel in use

    @property
    def func(self):
        return self.serial.func

    def parallel_kernel(self):
        """The ``prange`` kernel (made on first use)."""
        if self._parallel is None:
            source = kernel_sources.kernel_source(self.spec, "numba-parallel")
            self._parallel = kernel_compile.compile_numba(source, True)
            _write_index(self.serial.source.hash, self._parallel.source.hash)
        return self._parallel

    def team_kernel(self):
        """The team kernel (made on first use), or None when the model has no team form."""
        if self._team is None:
            source = self._team_source()
            self._team = False
            if source is not None:
                self._team = kernel_compile.compile_numba(source, True)
        return self._team or None

    def _team_source(self):
        """The team kernel's source, or None when the model has no team form."""
        if self._team is False:  # known to have none (or a test's stand-in kernels)
            return None
        if "source" not in self._team_cache:
            self._team_cache["source"] = kernel_sources.kernel_source(self.spec, "numba-team")
        return self._team_cache["source"]

    def _team_args(self, args):
        """The team kernel's arguments after the serial ones for this call, or None when it
        cannot run it: it starts mid-step, or a pathway has a delay (its queue holds events
        across steps, which the team kernel does not keep)."""
        if not TEAM or int(args[1]) != 0 or self._team_source() is None:
            return None
        from labkit.codegen.support_team import control_words

        size, queues = self._team_positions()
        for hom, qn, *_ in queues:
            if int(args[hom]) != 0 or np.any(args[qn]):
                return None
        T, n = self.threads, int(args[size])
        key = ("arrays", T, n)
        if key not in self._team_cache:
            row = box_row(largest_chunk(n, T))
            self._team_cache[key] = (np.zeros(control_words(T), dtype=np.int64),
                                     np.zeros(T, dtype=np.int64),
                                     aligned_zeros(2 * T * row, np.int64), row,
                                     np.asarray(bounds(n, T), dtype=np.int64),
                                     aligned_zeros(T * WORK_ROW, np.int64))
        ctl, flags, box, row, cut, work = self._team_cache[key]
        ctl[:] = 0
        flags[:] = 0
        box[::row] = 0  # the phase words: a call's steps may start below the last call's
        extra = [ctl, flags, box, cut, work]
        for k, (_, _, ptr, reach, syn) in enumerate(queues):
            extra += self._by_owner(k, args[ptr], args[reach],
                                    None if syn is None else args[syn], cut)
        return tuple(extra)

    def _rebalance(self, extra, seconds: float) -> None:
        """After a team call of ``seconds``: its threads' busy cycles added to those
        measured on the same cuts, and once those calls lasted ``REBALANCE_SECONDS``, the
        cuts moved for that work when it is uneven (``team_layout.rebalanced``; the next
        call splits the events anew, ~0.2 ms a pathway for CUBA)."""
        cut, work = extra[3], extra[4]  # the threads add their cycles to work[t*WORK_ROW]
        work[_SPENT_NS] += round(seconds * 1e9)
        spent = work[_SPENT_NS] / 1e9
        if spent < REBALANCE_SECONDS:
            return
        busy = [int(w) for w in work[::WORK_ROW]]
        work[:] = 0
        moved = rebalanced([int(c) for c in cut], busy)
        # a move re-splits every pathway's events (0.2-0.6 ms each for CUBA): only when the
        # time it is expected to save over the next REBALANCE_HORIZON windows pays that
        # twice (over one window, the rule needed a 20 % saving and CUBA never moved)
        if moved is not None and \
                moved[1] * spent * REBALANCE_HORIZON > 2 * sum(self._split_seconds.values()):
            cut[:] = moved[0]
            self.rebalances += 1

    def _team_positions(self):
        """-> the positions among the arguments of the team's group size and, per pathway,
        of its queue's ``hom``, ``qn``, ``ptr``, ``reach`` and ``syn`` (None when the code
        does not read the synapse): found once (looking the plan up by the spec hashed the
        whole spec, ~60 of the ~115 us a team call spent here)."""
        if "positions" not in self._team_cache:
            # from the kernel's text (no plan: the plan's code loads sympy); every team
            # text has the line (the source store is keyed by codegen's own source)
            size, pathways, synapse = read_layout(self._team_source().text)
            at = {name: k for k, name in enumerate(self.serial.source.arg_names)}
            queues = tuple((*(at[S.argument(queue, part, "internal")]
                              for part in ("hom", "qn", "ptr", "reach")),
                            at[S.argument(queue, "syn", "internal")] if reads else None)
                           for queue, reads in zip(pathways, synapse, strict=True))
            self._team_cache["positions"] = (at[size], queues)
        return self._team_cache["positions"]

    def _forget(self, k, *kinds) -> None:
        """Drop pathway ``k``'s entries of these kinds from the team cache."""
        self._team_cache = {key: v for key, v in self._team_cache.items()
                            if not (isinstance(key, tuple) and key[0] in kinds and key[1] == k)}

    def _by_owner(self, k, ptr, reach, syn, cut):
        """Pathway ``k``'s events per (source, owner of the target), each part by target
        (in the queue's order among a target's events) -> (pointers, each event's synapse,
        each event's target: see ``team.pathway_args``). ``reach``: each queue position's
        target, ``syn`` its synapse (None: the code does not read it); ``cut``: the
        threads' chunks. The events sorted by (source, target) are kept while the arrays
        are the same, the pointers while the cuts are."""
        arrays = (ptr, reach) if syn is None else (ptr, reach, syn)
        key = ("sorted", k, *(a.ctypes.data for a in arrays), *(a.shape for a in arrays))
        if key not in self._team_cache:
            self._forget(k, "sorted", "split")
            events = int(ptr[-1])
            targets = reach[:events]
            # a placeholder when the code does not read the synapse (CUBA, COBAHH)
            synapses = np.zeros(1, dtype=np.int32) if syn is None else syn[:events]
            # sorted by target within a source, any cuts give each thread one run of a
            # source's events. connect() builds them so: then the queue's own arrays serve
            # (no copy: CUBA at N = 64 000 has 8.2e7 events, which the team's first call
            # split by owner in 3.1 s, sorted by target in 3.9 s, and now checks in 0.4 s)
            drops = np.flatnonzero(np.diff(targets) < 0) + 1
            if not np.isin(drops, ptr).all():
                # a stable sort keeps the queue's order among a source's synapses onto
                # one target: each target gets its additions in the serial kernel's order
                source = np.repeat(np.arange(ptr.shape[0] - 1, dtype=np.int64),
                                   np.diff(ptr))
                order = np.argsort(source * (int(targets.max(initial=0)) + 1) + targets,
                                   kind="stable")
                targets = targets[order]
                synapses = synapses if syn is None else synapses[order]
            # the entry holds the queue's arrays: while it lives no other array can have
            # their addresses, so the key (addresses, shapes) names these arrays only (a
            # new network's queue of the same size, at a freed queue's address, would
            # otherwise find this split)
            self._team_cache[key] = (targets, synapses, arrays)
        targets, synapses, _ = self._team_cache[key]
        split = ("split", k, tuple(int(c) for c in cut))
        if split not in self._team_cache:
            self._forget(k, "split")
            started = time.perf_counter()
            self._team_cache[split] = _parts(ptr, targets, cut)
            self._split_seconds[k] = time.perf_counter() - started
        return [self._team_cache[split], synapses, targets]

    def _large(self, args) -> bool:
        return any(int(args[k]) >= MIN_ELEMENTS for k in self._sizes)

    def _may_thread(self) -> bool:
        if threading.current_thread() is not threading.main_thread():
            return False
        return not _threads_pid or _threads_pid[0] == os.getpid()

    def _ready(self, args=None) -> bool:
        """Whether to use the parallel kernel now (see the module docstring); ``args``: the
        call's, for a compile job (none: compiled here)."""
        if self._parallel is not None or self._team:
            return True
        if self._job is not None:
            return self._job_done()
        if self.serial_seconds >= COMPILE_BUDGET:
            return args is None or not self._start_job(args)
        if self.serial_seconds < LOAD_BUDGET:
            return False
        if self._on_disk is None:  # looked up once: a kernel compiled later is in memory
            self._on_disk = _parallel_on_disk(self.serial)
        return self._on_disk

    def _threads_source(self, args):
        """-> the source of the kernel the threads would run ``args`` on (the team's, else
        the ``prange`` one's) and its arguments for a call at a step's start."""
        call = (args[0], 0, *args[2:])
        extra = self._team_args(call)
        if extra is not None:
            return self._team_source(), (*call, *extra)
        return kernel_sources.kernel_source(self.spec, "numba-parallel"), call

    def _start_job(self, args) -> bool:
        """Start compiling the threads' kernel in a subprocess (``BACKGROUND``) -> whether
        it started; not when it is in memory or on disk (loaded here: ``LOAD_BUDGET``),
        nor when a job cannot run or failed before (then it compiles here)."""
        if not BACKGROUND or self._job_failed or self.background_jobs:
            return False  # (a job that ran left the kernel on disk: loaded here)
        source, call = self._threads_source(args)
        if kernel_compile.in_memory(source, parallel=True) or fast_start.on_disk(source):
            return False
        job = fast_start.start_compile_job(source, call, parallel=True)
        if job is None:
            return False
        self._job = (*job, source)
        self.background_jobs += 1
        return True

    def _job_done(self) -> bool:
        """Whether the compile job has ended (its kernel is then on disk, or, if it
        failed, compiled here: the reason is logged)."""
        process, log, source = self._job
        succeeded = fast_start.job_ended((process, log), source, "threads")
        if succeeded is None:
            return False
        self._job = None
        self._job_failed = not succeeded
        return True

    def __call__(self, *args):
        if self.threads < 2 or not self._large(args) or not self._may_thread():
            return self.serial(*args)
        if not self._ready(args):
            first = not self._serial_called
            self._serial_called = True
            started = time.process_time()
            try:
                return self.serial(*args)
            finally:
                if not first:  # the first call compiles or loads the serial kernel
                    self.serial_seconds += time.process_time() - started
        if not ADAPTIVE:
            self._timed("parallel", args)
            return None
        s1 = int(args[2])
        while True:
            s0 = int(args[0])
            if self._pair is None and self._due <= 0:
                self._due = self._unaffordable_steps()
            probing = self._pair is not None or self._due <= 0
            if probing:
                if self._pair is None:
                    self._pair = []  # the other kernel's measurement, then this one's
                mode = self._mode if self._pair else self._other()
                end = min(s1, s0 + self._probe_steps())
            else:
                mode, end = self._mode, min(s1, s0 + self._due, s0 + self._segment_steps())
            first = mode not in self._started  # may compile, load, start threads
            steps, seconds = self._timed(mode, args[:2] + (end,) + args[3:])
            if not first:
                self._seconds += seconds
            if steps > 0:
                self._due -= steps
                self._noted(mode, steps, seconds, probing)
            if int(args[self._status][0]) != self._done:
                return None  # stopped early: the runner resumes where the status says
            if end >= s1:
                return None
            args = (end, 0) + args[2:]

    def _other(self) -> str:
        return "serial" if self._mode == "parallel" else "parallel"

    def _probe_steps(self) -> int:
        """Steps of one side of a probe: ``PROBE_STEPS``, or more when that is under
        ``PROBE_SECONDS`` (a call's own cost, up to hundreds of microseconds, then weighs
        little) on the slower kernel as last measured: on busy cores the team kernel waited ~2 ms a
        step (a thread off its core holds the barrier), and a probe as long as 1 ms of the
        serial kernel (34 CUBA steps) cost 68 ms of it (CUBA at load 11: 0.37x of one
        thread with 2 probes a run)."""
        rates = [r for r in self.seconds_per_step.values() if r]
        rate = max(rates) if rates else None
        if not rate:
            return PROBE_STEPS
        return max(PROBE_STEPS, min(PROBE_MOST_STEPS, int(PROBE_SECONDS / rate) + 1))

    def _unaffordable_steps(self) -> int:
        """Steps the kernel in use must run before a probe fits in ``PROBE_SHARE`` (0: it
        does now). The next probe's cost is estimated from the last rates (unknown: the
        kernel in use's), as if the other kernel took twice as long as its last rate says
        (the noise between two probes on a busy machine)."""
        other = self._other()
        rate = self.seconds_per_step[self._mode]
        other_rate = self.seconds_per_step[other] or rate
        if not rate or not other_rate:
            return 0  # nothing measured yet: the probe measures
        estimate = max(0.0, 2 * other_rate - rate) * self._probe_steps()
        missing = (self._probe_cost + estimate) / PROBE_SHARE - self._seconds
        return 0 if missing <= 0 else max(1, int(missing / rate))

    def _segment_steps(self) -> int:
        """Steps the kernel in use runs before its rate is looked at again: about
        ``SEGMENT_SECONDS`` (the runner's calls last 50 ms at the rate of the call before:
        after other jobs start, a call on threads can take a second)."""
        rate = self.seconds_per_step[self._mode]
        return max(PROBE_STEPS, int(SEGMENT_SECONDS / rate)) if rate else 1 << 62

    def _noted(self, mode: str, steps: int, seconds: float, probing: bool) -> None:
        """A measured stretch of ``steps`` (a first call of a kernel, which may compile,
        load or start threads, measures nothing). The decision: see the module docstring."""
        if mode not in self._started:
            self._started.add(mode)
            self._pair = None  # this probe compared nothing: another one at once
            self._due = 0
            return
        rate = seconds / steps
        self.seconds_per_step[mode] = rate
        if not probing:
            # the kernel in use slowed down (other jobs started): probe now (the gap
            # stays: on a busy machine rates jump by half from one call to the next)
            if self._paired is not None and rate > SLOWER * self._paired:
                self._due = min(self._due, 0)
            return
        self._pair.append((rate, steps))
        if len(self._pair) < 2:
            return
        (other_rate, other_steps), (own_rate, _) = self._pair
        self._pair = None
        self.probes += 1
        self._probe_cost += max(0.0, other_rate - own_rate) * other_steps
        # to threads only by a margin (back to one thread at once: the safe choice)
        margin = SWITCH_MARGIN if self._mode == "serial" else 1.0
        if other_rate * margin < own_rate:  # switch, and check soon that the switch holds
            self._mode, self._paired, self._gap = self._other(), other_rate, PROBE_EVERY
        else:  # the kernel in use won again: probe less often
            self._paired, self._gap = own_rate, min(2 * self._gap, PROBE_MOST)
        self._due = self._gap * self._probe_steps()

    def _timed(self, mode: str, args) -> tuple[int, float]:
        """Run ``mode``'s kernel on ``args`` -> (steps completed, seconds)."""
        s0 = int(args[0])
        started = time.perf_counter()
        if mode == "parallel":
            import numba

            if not _threads_pid:
                load_tbb()  # before Numba starts its threads, i.e. chooses a layer
                _threads_pid.append(os.getpid())
            numba.set_num_threads(self.threads)
            self.parallel_calls += 1
            self._parallel_call(args)
        else:
            self.serial(*args)
        seconds = time.perf_counter() - started
        # stopped in the step it started with (a network_operation's place there): it
        # measured nothing
        steps = max(0, int(args[self._status][1]) - s0)
        totals = self.totals[mode]
        totals[0] += 1
        totals[1] += steps
        totals[2] += seconds
        return steps, seconds

    def _parallel_call(self, args) -> None:
        """The team kernel when the call allows it (see :meth:`_team_args`), else the
        ``prange`` one. A call resuming mid-step (after a full buffer) runs that step's rest
        on the serial kernel first: the team kernel runs whole steps only."""
        if TEAM and self.team_kernel() is not None and int(args[1]) != 0:
            s0, s1 = int(args[0]), int(args[2])
            self.serial(*((s0, args[1], min(s0 + 1, s1)) + args[3:]))
            if int(args[self._status][0]) != self._done or s0 + 1 >= s1:
                return
            args = (s0 + 1, 0) + args[2:]
        extra = self._team_args(args)
        if extra is None:
            self.parallel_kernel()(*args)
            return
        from labkit.codegen.support_team import CLOSED, JOIN

        started = time.perf_counter()
        self.team_kernel()(*args, *extra)
        seconds = time.perf_counter() - started
        self.team_calls += 1
        if extra[0][JOIN] >= CLOSED:  # the threads did not all start: nothing ran
            self.teams_not_formed += 1
            self.serial(*args)
        elif REBALANCE:
            self._rebalance(extra, seconds)

    def __repr__(self) -> str:
        return f"<ThreadedKernel threads={self.threads} {self.source!r}>"

"""The runtime device's threads: option -> a count; KernelSpec -> a kernel using them.

``set_device('runtime', threads=n)`` or ``prefs.devices.runtime.threads = n`` (``None``,
the default: every core this process may use) sets how many threads a state update may
run on. Numba's ``prange`` spreads a state update's elements over them (``parallel=True``);
collecting spikes, adding synaptic events onto targets and pushing spikes stay serial, in
index order, so spikes and traces are those of one thread, bit for bit.

When threads pay (measured, README "Performance notes"): a parallel kernel compiles about
a second slower than the serial one, and starting the threads costs microseconds per state
update and step. So :class:`ThreadedKernel` runs the serial kernel for small groups
(``MIN_ELEMENTS``), and for a large one until the serial kernel has run for as long as
compiling the parallel one takes (``COMPILE_BUDGET``), unless that kernel is already in the
disk cache: a short first run of a learner compiles nothing more than before. It also runs
serially outside the main thread (a panel's background thread: Numba's thread pools are
not all safe to enter from two threads at once) and in a process forked after threads
started (GNU OpenMP does not survive a fork).
"""

from __future__ import annotations

import numbers
import os
import threading
import time

from labkit.prefs import prefs

__all__ = ["ThreadedKernel", "checked_threads", "all_cores", "MIN_ELEMENTS",
           "COMPILE_BUDGET"]

#: Elements of the largest state update below which threads cost more than they save.
MIN_ELEMENTS = 1000
#: Seconds of serial kernel time after which the parallel kernel is compiled (if it is not
#: on disk): about what that compilation costs, so a run is never much slower than with
#: either kernel alone.
COMPILE_BUDGET = 2.0


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


class ThreadedKernel:
    """A serial kernel and, when worth it, its parallel twin: the same arguments, the same
    results. Called like a :class:`~labkit.codegen.compile.Kernel`."""

    language = "numba"

    def __init__(self, spec, serial, threads: int):
        from labkit.codegen import spec as S

        self.spec, self.serial, self.threads = spec, serial, threads
        self.source = serial.source
        names = serial.source.arg_names
        self._sizes = tuple(names.index(op.size) for op in spec.operations
                            if isinstance(op, S.StateUpdate) and op.size in names)
        self._parallel = None
        self._on_disk = None
        self.serial_seconds = 0.0  # kernel time run serially on a large group
        self.parallel_calls = 0

    @property
    def func(self):
        return self.serial.func

    def parallel_kernel(self):
        """The ``prange`` kernel (made on first use)."""
        if self._parallel is None:
            from labkit.codegen.compile import compile_numba
            from labkit.codegen.kernels import numba_source

            self._parallel = compile_numba(numba_source(self.spec, parallel=True), True)
        return self._parallel

    def _large(self, args) -> bool:
        return any(int(args[k]) >= MIN_ELEMENTS for k in self._sizes)

    def _may_thread(self) -> bool:
        if threading.current_thread() is not threading.main_thread():
            return False
        return not _threads_pid or _threads_pid[0] == os.getpid()

    def _ready(self) -> bool:
        """Whether to use the parallel kernel now (see the module docstring)."""
        if self._parallel is not None or self.serial_seconds >= COMPILE_BUDGET:
            return True
        if self._on_disk is None:  # looked up once: a kernel compiled later is in memory
            from labkit.codegen.compile import cache_dir
            from labkit.codegen.kernels import numba_source

            digest = numba_source(self.spec, parallel=True).hash
            self._on_disk = any((cache_dir() / "__pycache__").glob(f"{digest}.*.nbi"))
        return self._on_disk

    def __call__(self, *args):
        if self.threads < 2 or not self._large(args) or not self._may_thread():
            return self.serial(*args)
        if not self._ready():
            started = time.perf_counter()
            try:
                return self.serial(*args)
            finally:
                self.serial_seconds += time.perf_counter() - started
        import numba

        kernel = self.parallel_kernel()
        if not _threads_pid:
            _threads_pid.append(os.getpid())
        numba.set_num_threads(self.threads)
        self.parallel_calls += 1
        return kernel(*args)

    def __repr__(self) -> str:
        return f"<ThreadedKernel threads={self.threads} {self.source!r}>"

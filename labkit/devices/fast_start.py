"""KernelSpec -> a kernel that starts at once without Numba and hands over to it when ready.

Why: a learner's first ``run()`` of a model used to wait for Numba: importing it and
filling its registries (~0.5 s even with the compiled kernel on disk), compiling the
kernel (1-3 s) when it is not. A small model's whole run takes milliseconds without it.
So the runtime device's kernel (:class:`FastStartKernel`) runs the first calls on a form
of the same loop that needs no compilation: the Numba kernel's own text run as plain
Python for small models (``SMALL``; :func:`labkit.codegen.kernels.exact_python_source`),
the numpy form for larger ones (``exact_numpy_source``); both sources are kept on disk
(:mod:`labkit.codegen.source_cache`). It hands over to the compiled kernel at a call
boundary (the runner calls a kernel in chunks of ~50 ms, each starting and ending between
two steps), once the calls without Numba have taken, or by the end of the current run
will have taken, ``HAND_OVER_AFTER`` CPU seconds in all:

- the compiled kernel is used at once if it is in memory, or on disk and Numba is
  imported already (a preloaded Binder kernel; another model loaded it);
- otherwise, once past the threshold: loaded from disk if it is there; if not, compiled
  in a subprocess (:mod:`labkit.devices.compile_job`) that fills the disk cache while the
  calls without Numba go on, so Numba's compiler lock is never taken in this process;
  loaded when the subprocess is done (at a call of this run, or of a later one).

The state is the same arrays whichever kernel runs a step, and both first engines compute
the compiled kernel's bits: the same float64 operations in the same order, ``exp`` and
``exprel`` by labkit's own algorithm (``support.exp_scalar``, ``support_exact``). Models
whose code would call a function that numpy or Python and Numba may compute differently
(``log``, ``sin``, ``**``, binomial draws, ...: ``kernels.INEXACT``, ``INEXACT_SCALAR``)
get no fast start: they compile first, as before. A run whose cable solves (a
SpatialNeuron's scalar loops) would take longer than the hand-over's threshold on a
first engine (``CABLE_SECONDS``) starts on its compiled kernel if that is on disk, and a
run whose cable solves on a first engine would outlast the kernel's compilation
(``COMPILE_SECONDS``) waits for it: compiled here, or by the job already running.
``prefs.devices.runtime.fast_start = False`` (or ``LABKIT_FAST_START=0`` in the
environment) turns it off for every model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import labkit.codegen.compile as kernel_compile
from labkit.cache import cache_root
from labkit.logs import info

__all__ = ["FastStartKernel", "HAND_OVER_AFTER", "IN_PROCESS", "SMALL", "describe_argument",
           "job_environment", "on_disk", "start_compile_job", "job_ended"]

#: CPU seconds of numpy calls of one kernel (those made, plus those the current run
#: still needs at the rate of the last call) from which the compiled kernel is loaded or
#: compiled: about what loading Numba and a kernel costs (0.4-0.5 s on an idle machine),
#: so a run waits at most about twice as long as with either kernel alone, a long run
#: hands over after its first call, and a model whose runs all take milliseconds never
#: loads Numba. CPU time, not wall time: on a busy machine both the numpy calls and
#: loading Numba take longer in wall time, by the same factor, so the choice is the same
#: (measured in wall time at load 20, the course's LIF script loaded Numba for 4-8 s).
HAND_OVER_AFTER = 0.5
#: Groups and synapses up to this many elements start on the Numba text run as Python:
#: numpy's calls cost ~1-3 us each whatever the size, a scalar operation ~0.1 us.
SMALL = 16
#: CPU seconds per step and unknown of a cable solve (a SpatialNeuron) on the first
#: engines: its Hines passes are scalar loops in Python (measured at load 8: 0.9-1.9 us,
#: a 4092-compartment tree to a 400-compartment HH axon). A run whose solves would take
#: more than ``HAND_OVER_AFTER`` by this estimate loads its compiled kernel at once when
#: it is on disk: it would hand over after its first call anyway, and that call of 100
#: steps can take seconds. (Not on disk, the first engines go on while it compiles.)
CABLE_SECONDS = 1e-6
#: CPU seconds a kernel's compilation takes (measured at load 7-8, Numba's import
#: included: 2.3 s for a 500-compartment passive cable, 2.8 s for a 1000-compartment HH
#: axon; a subprocess's job ~1 s more for its own imports). Cable solves on a first
#: engine are ~100 times slower than compiled (Python's scalar loops against Numba's
#: 5-10 ns an unknown and step), so the steps they make while the kernel compiles save
#: next to nothing of the wall time and cost their CPU time: a run of a kernel with a
#: cable whose first-engine time left exceeds the compilation's time left compiles here
#: at once, or waits for the job already compiling it. (infinite_cable, 500
#: compartments x 10 000 steps, nothing on disk, load 8: the numpy engine ran 6535 steps
#: in 2.3 s of CPU while the job compiled, steps the compiled kernel runs in 25 ms.)
COMPILE_SECONDS = 2.0
#: Compile in this process instead of a subprocess (tests; Pyodide has no subprocesses).
IN_PROCESS = False

_running: list = []  # the one compile job running at a time: (kernel, process)


def on_disk(source) -> bool:
    """Whether Numba's disk cache holds machine code for ``source`` (any signature): next
    to the kernel file, or under ``NUMBA_CACHE_DIR`` (one directory per source directory)."""
    cache_dir = kernel_compile.cache_dir

    pattern = f"{source.hash}.*.nbi"
    if any((cache_dir() / "__pycache__").glob(pattern)):
        return True
    numba_dir = os.environ.get("NUMBA_CACHE_DIR")
    return bool(numba_dir) and any(Path(numba_dir).glob(f"*/{pattern}"))


def describe_argument(value):
    """A kernel argument -> what the compile job needs to type it (JSON), or None."""
    if isinstance(value, np.ndarray):
        layout = "C" if value.flags.c_contiguous else "F" if value.flags.f_contiguous else "A"
        return ["array", value.dtype.str, value.ndim, layout, bool(value.flags.writeable),
                bool(value.flags.aligned)]
    if isinstance(value, np.random.Generator):
        return ["generator"]
    if isinstance(value, bool | np.bool_):
        return ["scalar", "bool"]
    if isinstance(value, np.generic):
        return ["scalar", value.dtype.str]
    if isinstance(value, int):
        return ["scalar", "int"]
    if isinstance(value, float):
        return ["scalar", "float"]
    return None


def job_environment() -> dict:
    """The environment of a process that compiles for this one: this labkit first on its
    path, the same caches (labkit's and, inherited, Numba's)."""
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "LABKIT_CACHE_DIR": str(cache_root()),
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}


def start_compile_job(source, args, parallel: bool = False):
    """Compile ``source`` for ``args``' types in a subprocess (:mod:`compile_job`) that
    fills the disk cache -> (process, its stderr's file), or None when it cannot start
    (an argument it cannot describe, no subprocesses here): then compile here."""
    write_source = kernel_compile.write_source

    types = [describe_argument(a) for a in args]
    if any(t is None for t in types):
        return None
    request = {"path": str(write_source(source)), "name": source.name,
               "arg_names": list(source.arg_names), "types": types, "parallel": parallel}
    log = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "labkit.devices.compile_job"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=log, env=job_environment())
        process.stdin.write(json.dumps(request).encode())
        process.stdin.close()
    except (OSError, RuntimeError):
        log.close()
        return None
    return process, log


def job_ended(job, source, where: str) -> bool | None:
    """A compile job ``(process, log)`` of ``source``: None while it runs, else whether it
    succeeded (its kernel is then on disk); a failure is logged under ``where`` with the
    tail of its stderr (the caller compiles here instead, where an error reaches the
    user). The log is closed once the job has ended."""
    process, log = job
    code = process.poll()
    if code is None:
        return None
    if code != 0:
        log.seek(0)
        tail = log.read()[-2000:].decode(errors="replace")
        info(f"the background compilation of {source.name} ({source.hash[:12]}) failed "
             f"with status {code}; compiling in this process.\n{tail}", where)
    log.close()
    return code == 0


class FastStartKernel:
    """The runtime device's kernel for a model with an exact form without Numba (see the
    module).

    ``python``: the Numba kernel's text as a plain-Python Kernel, whose ``source``
    (arguments: the same for all three) this kernel shows; ``numpy``: () -> the numpy
    Kernel, or None (made when first needed); ``compiled_source``: () -> the Numba
    KernelSource (generated when first needed); ``load``: () -> the compiled kernel (the
    runtime device's, threads included).
    """

    def __init__(self, python, numpy, compiled_source, load):
        self.source, self._python, self._numpy, self._load = python.source, python, numpy, load
        self._compiled_source, self._numba_source = compiled_source, None
        self.first = None  # the engine of the first calls, chosen at the first call
        self.compiled = None
        self.first_seconds = 0.0  # CPU time of the calls before the hand-over, all runs
        self.first_calls = 0
        self._per_step = 0.0  # seconds per step of the last such call
        self._run_end = None  # the base step the current run ends at (run_steps)
        self._status = self.source.arg_names.index("_lk_status")
        self._job = None
        self._job_failed = False
        self._job_mark = 0.0  # first_seconds when the job started
        self._cable = any(name.endswith("__hines_d") for name in self.source.arg_names)
        self._looked_on_disk = False  # looked once Numba was imported: found nothing

    def _choose(self, args):
        """The first engine: the scalar loops of the Numba text run as Python for groups
        and synapses of at most ``SMALL`` elements, numpy's whole-array calls beyond."""
        sizes = [int(a) for name, a in zip(self.source.arg_names, args, strict=True)
                 if name.endswith("__N")]
        if max(sizes, default=0) <= SMALL:
            return self._python
        numpy = self._numpy()
        if numpy is None:
            return self._python
        names = tuple(numpy.source.arg_names)
        if names == tuple(self.source.arg_names):
            return numpy
        # the numpy form leaves out arguments it does not read (a run_regularly's size):
        # hand it its own, by name
        where = [self.source.arg_names.index(name) for name in names]
        return lambda *args: numpy(*(args[k] for k in where))

    def _cable_seconds(self, args) -> float:
        """The estimated CPU seconds of this run's cable solves on a first engine."""
        unknowns = sum(len(a) for name, a in zip(self.source.arg_names, args, strict=True)
                       if name.endswith("__hines_d"))
        return unknowns * CABLE_SECONDS * self._steps_left(args)

    def _steps_left(self, args) -> int:
        """The steps from this call's first to the run's end (a call may stop earlier)."""
        end = self._run_end if self._run_end is not None else int(args[2])
        return max(0, end - int(args[0]))

    def _cable_waits(self, args) -> bool:
        """Whether this run's cable solves on a first engine would outlast the compilation
        (see ``COMPILE_SECONDS``). While a job compiles, both processes progress at about
        the same rate (one core each, or equal shares of busy ones): the compilation's
        time left is its estimate less the first engine's CPU time since the job started."""
        if not self._cable:
            return False
        left = (self._per_step * self._steps_left(args) if self.first_calls
                else self._cable_seconds(args))
        compiling = self.first_seconds - self._job_mark if self._job is not None else 0.0
        return left > COMPILE_SECONDS - compiling

    def __call__(self, *args):
        if self.compiled is None:
            if self._cable_waits(args):
                self._compile_now()
            else:
                self._advance(args)
        if self.compiled is not None:
            return self.compiled(*args)
        if self.first is None:
            if self._cable_seconds(args) > HAND_OVER_AFTER and on_disk(self.compiled_source):
                self.take_over()
                return self.compiled(*args)
            self.first = self._choose(args)
        started = time.process_time()
        try:
            return self.first(*args)
        finally:
            seconds = time.process_time() - started
            self.first_seconds += seconds
            self.first_calls += 1
            steps = int(args[self._status][1]) - int(args[0])
            if steps > 0:
                self._per_step = seconds / steps

    def run_steps(self, first: int, end: int) -> None:
        """The runner says which base steps this run covers: the numpy time a run still
        needs (its rate so far times the steps left) counts towards the hand-over."""
        self._run_end = end

    def _expected_seconds(self, step: int) -> float:
        """numpy seconds spent so far plus those the rest of this run would take."""
        left = max(0, self._run_end - step) if self._run_end is not None else 0
        return self.first_seconds + self._per_step * left

    @property
    def compiled_source(self):
        """The Numba kernel's KernelSource (the same arguments as the numpy kernel's)."""
        if self._numba_source is None:
            source = self._compiled_source()
            if source.arg_names != self.source.arg_names:
                raise ValueError(f"internal error: the numpy and Numba kernels of {source!r}"
                                 " take different arguments")
            self._numba_source = source
        return self._numba_source

    @property
    def engine(self) -> str:
        """'python' or 'numpy' (the first engine; None before the first call) until the
        compiled kernel took over, then 'numba'."""
        if self.compiled is not None:
            return "numba"
        if self.first is None:
            return None
        return "python" if self.first is self._python else "numpy"

    def take_over(self) -> None:
        """Use the compiled kernel from the next call (loading or compiling it here)."""
        self.compiled = self._load()

    def _compile_now(self) -> None:
        """The compiled kernel now: the running job's (waited for), else from disk or
        compiled here."""
        if self._job is None:
            self.take_over()
            return
        self._job[0].wait()
        self._poll()

    def _advance(self, args) -> None:
        """Hand over if the compiled kernel is ready (see the module docstring)."""
        if self._ready():
            self.take_over()
            return
        if self._job is not None:
            self._poll()
            return
        if self.first_calls == 0 or self._expected_seconds(int(args[0])) < HAND_OVER_AFTER:
            return
        if IN_PROCESS or self._job_failed or on_disk(self.compiled_source):
            self.take_over()
        elif not _running or not self._busy():
            self._start(args)

    def _ready(self) -> bool:
        """Whether the compiled kernel costs next to nothing to get: in memory, or on disk
        with Numba imported already (looked up once: a glob per call would cost)."""
        in_memory = kernel_compile.in_memory

        if "numba" not in sys.modules:  # then no compiled kernel is in memory either
            return False
        if in_memory(self.compiled_source):
            return True
        if not self._looked_on_disk:
            self._looked_on_disk = True
            return on_disk(self.compiled_source)
        return False

    def _busy(self) -> bool:
        """Whether the running job (another kernel's) is still going; forget it if not."""
        kernel, process = _running[0]
        if process.poll() is None:
            return True
        _running.clear()
        return False

    def _start(self, args) -> None:
        job = start_compile_job(self.compiled_source, args)
        if job is None:  # an argument it cannot describe, no subprocesses: compile here
            self.take_over()
            return
        self._job = job
        self._job_mark = self.first_seconds
        _running[:] = [(self, job[0])]

    def _poll(self) -> None:
        succeeded = job_ended(self._job, self.compiled_source, "fast_start")
        if succeeded is None:
            return
        self._job = None
        _running.clear()
        self._job_failed = not succeeded
        self.take_over()

    def __repr__(self) -> str:
        return f"<FastStartKernel on {self.engine} {self.source!r}>"

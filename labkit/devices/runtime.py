"""The default device: KernelSpec -> one Numba-compiled loop over all time steps.

With ``prefs.devices.runtime.fast_start`` (the default), a model whose loop has an exact
form without Numba (plain Python, numpy) starts on it and the compiled loop takes over
when it is worth its loading (:mod:`labkit.devices.fast_start`): a small model's first
run needs no Numba at all.

Kernels are cached by structure at three levels: the generated source per KernelSpec
(``codegen.kernels.numba_source`` is memoised), the compiled dispatcher per source hash in
memory, and the machine code on disk (``codegen.compile``), so a re-run with new values
costs neither sympy nor Numba, and a new process loads instead of compiling.

Even a kernel loaded from disk costs the first ``run()`` of a process about half a second
of Numba start-up: importing it, then filling its typing and target registries. In an
IPython or Jupyter session, building the first group (:func:`warm_up`) can arrange for that
work to start in a background thread when the cell finishes, so it happens while the
student reads and types. It is opt-in (``LABKIT_WARM_UP=1``): running the course's
notebooks under nbval showed the thread's registry refresh deadlocking with the first
compile of the next cell, and a hang is far worse than half a second. Scripts get no
thread: measured on the course's LIF script, a thread racing the model build for the GIL
made the whole run ~0.1 s *slower*, not faster.
The thread changes nothing else: ``run()`` imports numba as before, and waits for the
thread's import or registry refresh if they are still going.
"""

from __future__ import annotations

import os
import sys
import threading

import labkit.codegen.compile as kernel_compile
import labkit.codegen.source_cache as kernel_sources
from labkit.devices.fast_start import FastStartKernel
from labkit.devices.numpy_device import NumpyDevice
from labkit.devices.threads import ThreadedKernel, checked_threads, resolve
from labkit.prefs import prefs

__all__ = ["RuntimeDevice", "warm_up"]

_warm_started = threading.Event()


def _warm() -> None:
    try:
        import numba  # noqa: F401
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target

        with global_compiler_lock:  # what a dispatcher holds when it refreshes them
            cpu_target.typing_context.refresh()
            cpu_target.target_context.refresh()
    except Exception:  # noqa: BLE001 - a missing or broken numba shows up in run() instead
        pass


def _start_thread() -> None:
    if "numba" in sys.modules:  # run() already imported it
        return
    try:
        threading.Thread(target=_warm, name="labkit-numba-warm-up", daemon=True).start()
    except RuntimeError:  # no threads (Pyodide)
        pass


def _ipython():
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None)
    return get() if get is not None else None


def warm_up() -> None:
    """In IPython/Jupyter: warm Numba up in a thread once the current cell is done.

    Once per process, and only with ``LABKIT_WARM_UP=1`` (see the module docstring for why
    it is off by default); does nothing in scripts or when numba is already imported.
    """
    if _warm_started.is_set() or "numba" in sys.modules \
            or os.environ.get("LABKIT_WARM_UP", "0") != "1":
        return
    shell = _ipython()
    events = getattr(shell, "events", None)
    if events is None:
        return
    _warm_started.set()

    def after_cell(*_):
        events.unregister("post_run_cell", after_cell)
        _start_thread()

    events.register("post_run_cell", after_cell)


def _numba_source(spec):
    """The compiled kernel's text: from disk for a structure seen before (no sympy)."""
    return kernel_sources.kernel_source(spec, "numba")


class RuntimeDevice:
    """Compiles with Numba (without numba, ``get_device()`` hands out the numpy device).

    ``set_device('runtime', threads=n)``: state updates of large groups run on ``n``
    threads (default: ``prefs.devices.runtime.threads``, whose default None means all
    cores); see :mod:`labkit.devices.threads`.
    """

    name = "runtime"

    def __init__(self):
        self._threads = None
        self._threaded: dict = {}  # (source hash, threads) -> ThreadedKernel
        self._fast: dict = {}  # KernelSpec -> FastStartKernel, kept across runs

    def configure(self, **options) -> None:
        """``set_device('runtime', threads=n)``: n >= 1, or None for the preference."""
        unknown = sorted(set(options) - {"threads"})
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(unknown)} for the runtime device; "
                            "known: threads")
        self._threads = checked_threads(options.get("threads"),
                                        "set_device('runtime', threads=...)")

    def reinit(self) -> None:
        self._threads = None

    @property
    def threads(self) -> int:
        """The threads the next run may use (asks Numba how many it started)."""
        return resolve(self._threads)

    def warm_up(self) -> None:
        """See :func:`warm_up`."""
        warm_up()

    def kernel(self, spec):
        """KernelSpec -> a kernel callable with the arguments its source names: with
        ``prefs.devices.runtime.fast_start`` (the default), one that starts without Numba
        and hands over to the compiled kernel (:mod:`labkit.devices.fast_start`) if the
        model has an exact form without it, else the compiled kernel."""
        if prefs.devices.runtime.fast_start:
            kernel_source = kernel_sources.kernel_source

            found = self._fast.get(spec)
            if found is not None:  # once handed over, the compiled kernel as without it
                return found if found.compiled is None else self._compiled(spec)
            python = kernel_source(spec, "python")
            if python is not None:
                compile_numpy = kernel_compile.compile_numpy

                def numpy():
                    source = kernel_source(spec, "numpy")
                    return compile_numpy(source) if source is not None else None

                found = self._fast[spec] = FastStartKernel(
                    compile_numpy(python), numpy, lambda: _numba_source(spec),
                    lambda: self._compiled(spec))
                return found
        return self._compiled(spec)

    def _compiled(self, spec):
        """KernelSpec -> compiled Kernel (callable with the arguments its source names)."""
        try:
            import numba  # noqa: F401
        except ImportError:  # found but broken (get_device() handles a missing numba)
            return NumpyDevice().kernel(spec)
        serial = kernel_compile.compile_numba(_numba_source(spec))
        threads = self.threads
        if threads < 2:
            return serial
        key = (serial.source.hash, threads)
        if key not in self._threaded:  # kept: its serial time counts across runs
            self._threaded[key] = ThreadedKernel(spec, serial, threads)
        return self._threaded[key]

    def __repr__(self) -> str:
        threads = "all cores" if self._threads is None else self._threads
        return f"<device 'runtime' (Numba, one compiled loop per run, threads={threads})>"

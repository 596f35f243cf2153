"""The cpp_standalone device: each run() as a generated C++ project, built and executed.

``set_device('cpp_standalone', directory=None, build_on_run=True, threads=1)`` makes every
``run()`` generate a C++ project from the run's KernelSpec (``codegen.kernels``), build it
with ``make`` (only when the structure or the argument types are new), write the values
to ``static/``, run the program and read ``results/`` back into the monitors and groups,
which then read exactly as on the runtime device. Every object the runtime device runs
runs here too, Synapses included (their loops stay serial, in Brian2's order, whatever
``threads``), except ``network_operation``, which needs Python during the run and is
refused before anything runs.

What differs from Brian2's standalone mode, on purpose:

- Values are inputs, not code: parameters, initial values and namespace constants are
  read from ``static/`` when the program starts, so ``device.run(run_args={G.tau: 20*ms,
  'I0': 1.5})`` re-runs the last run from its starting state with new values, without a
  compiler; several ``run()`` calls in one script each re-use the program.
- ``directory=None`` keeps projects in labkit's cache (one per structure), so a new
  process with the same model starts without compiling.
- With ``build_on_run=False``, ``run()`` calls are recorded (with the values their
  strings read at that call) and ``device.build()`` runs them in order; ``device.run()``
  then runs them all again, in order, from the state before the first (Brian2's program
  is all the runs). With ``build_on_run=True`` it repeats the last ``run()``.

Random numbers come from a xoshiro256++ generator in C++, seeded from labkit's ``seed()``:
random models agree with the runtime device statistically, not number for number.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from labkit.cache import cache_root
from labkit.devices.cpp.build import find_compiler, openmp_flag, run_make
from labkit.devices.cpp.place import checked_directory, one_process
from labkit.errors import DeviceError
from labkit.prefs import prefs

__all__ = ["CppStandaloneDevice"]

_OPTIONS = ("directory", "build_on_run", "threads", "compiler", "with_output", "clean",
            "debug")


@dataclass
class _Recorded:
    """A run() the device keeps to run again: the runner's request (it can run itself,
    take and restore the state it depends on), the state before it, its KernelSpec."""

    request: object
    before: dict = field(default_factory=dict)
    spec: object = None


class CppStandaloneDevice:
    """Generates, builds and runs C++; see the module docstring."""

    name = "cpp_standalone"

    class DryRun(Exception):  # noqa: N818 - control flow for build(run=False)
        """Raised by the kernel instead of running the program."""

    def __init__(self):
        self.compile_count = 0  # how many times make was called (a test counts these)
        self.launch_count = 0  # how many times a compiled program was started
        self.timings: dict[str, float] = {}
        self._programs: dict = {}
        self.reinit()

    # -- options and Brian2's device API --------------------------------------------------
    def configure(self, **options) -> None:
        """``set_device('cpp_standalone', **options)``: directory, build_on_run, threads, ..."""
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(unknown)} for cpp_standalone; "
                            f"known: {', '.join(_OPTIONS)}")
        self.reinit()
        directory = options.get("directory")
        self.directory = checked_directory(directory) if directory is not None else None
        self.build_on_run = bool(options.get("build_on_run", True))
        threads = options.get("threads")
        if threads is not None and int(threads) < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self._threads = None if threads is None else int(threads)
        self.compiler = options.get("compiler")
        self.with_output = bool(options.get("with_output", False))
        if options.get("clean") and self.directory is not None and self.directory.exists():
            shutil.rmtree(self.directory)

    @property
    def threads(self) -> int:
        """OpenMP threads of the program: ``set_device(..., threads=n)``, else Brian2's
        ``prefs.devices.cpp_standalone.openmp_threads`` when above 0, else 1."""
        if self._threads is not None:
            return self._threads
        return max(1, int(prefs.devices.cpp_standalone.openmp_threads))

    def reinit(self) -> None:
        """Forget recorded runs and options (Brian2's ``device.reinit()``)."""
        self.directory = None
        self.build_on_run = True
        self._threads = None
        self.compiler = None
        self.with_output = False
        self.dry_run = False
        self._pending: list = []  # requests recorded with build_on_run=False
        self._last: _Recorded | None = None
        self._program: list[_Recorded] = []  # the runs device.build() ran, in order
        self._replaying = False

    def activate(self, **options) -> None:
        """Brian2's ``device.activate(...)``: configure again (the device is already chosen)."""
        self.configure(**options)

    # -- the runner's side: kernels and the run hook --------------------------------------
    def kernel(self, spec):
        """KernelSpec -> CppKernel (generated now, built at its first call)."""
        from labkit.codegen.kernels import cpp_code
        from labkit.devices.cpp.kernel import CppKernel

        started = time.perf_counter()
        kernel = CppKernel(self, spec, cpp_code(spec))
        self.timings["generate"] = self.timings.get("generate", 0.0) + \
            time.perf_counter() - started
        if self._last is not None and self._last.spec is None:
            self._last.spec = spec
        return kernel

    def before_run(self, request) -> bool:
        """Called by the runner with a run's request; True means "recorded, not run now"."""
        _refuse_python(request.objects)
        if not self.build_on_run and not self._replaying:
            # the names its strings read keep the values of this run() call, as Brian2's
            # code generated at run() does (a later I = 0 is for the next run())
            if request.namespace is not None:
                request.namespace = dict(request.namespace)
            self._pending.append(request)
            return True
        if not self._replaying:
            self._last = _Recorded(request, request.state())
            self._program = []  # run() now: device.run() repeats this one
        return False

    def build(self, directory=None, compile=True, run=True, clean=False,  # noqa: A002
              run_args=None, with_output=None, results_directory=None, debug=False,
              direct_call=True, additional_source_files=None, **unknown) -> None:
        """Run the recorded run() calls in order (Brian2's ``device.build``); ``run=False`` only
        builds the first.

        Brian2's ``results_directory``, ``debug``, ``direct_call`` and
        ``additional_source_files`` are accepted and change nothing: labkit's program hands
        its results back in memory, and a run's directory is taken in turn. Other keywords
        are warned about, as Brian2 does."""
        _warn_unknown("build", unknown)
        if directory is not None:
            self.directory = checked_directory(directory)
        if clean and self.directory is not None and self.directory.exists():
            shutil.rmtree(self.directory)
        if with_output is not None:
            self.with_output = bool(with_output)
        if not self._pending:
            if self._last is None:
                raise DeviceError("device.build(): nothing to build; call run() first")
            return
        requests = list(self._pending)
        if not run:
            self._dry(requests[0])
            return
        self._pending.clear()
        # nothing ran yet: each state is the one before the first run (device.run() goes
        # back to them and runs the whole program again)
        self._program = [_Recorded(request, request.state()) for request in requests]
        self._run_program(run_args)

    def _run_program(self, run_args) -> None:
        """The recorded runs in order, each from where the last ended; ``run_args``
        set before the first (Brian2: they replace initial values)."""
        for k, recorded in enumerate(self._program):
            self._last = recorded
            if run_args and k == 0:
                self._apply(run_args)
            self._execute(recorded.request, _constants(run_args))

    def run(self, run_args=None, directory=None, with_output=None, results_directory=None,
            **unknown) -> None:
        """Run the program again with ``run_args`` values: all the run() calls
        ``device.build()`` ran (build_on_run=False), or the last run() (otherwise), from
        their starting state.

        ``run_args`` maps a group's variable (``G.tau``) or a constant's name (``'I0'``)
        to its value for this run; the compiled program is re-used (no compiler runs).
        ``results_directory`` changes nothing (see :meth:`build`).
        """
        _warn_unknown("run", unknown)
        if self._pending:
            self.build(directory=directory, run_args=run_args, with_output=with_output)
            return
        if self._last is None:
            raise DeviceError("device.run(): there is no run to repeat; call run(duration) "
                              "first (with build_on_run=False, then device.build())")
        if with_output is not None:
            self.with_output = bool(with_output)
        if self._program:
            for recorded in reversed(self._program):  # the first's state last: its t, rng
                recorded.request.restore(recorded.before)
            self._run_program(run_args)
            return
        self._last.request.restore(self._last.before)
        self._apply(run_args or {})
        self._execute(self._last.request, _constants(run_args))

    # -- building -------------------------------------------------------------------------
    @contextlib.contextmanager
    def program(self, code, types):
        """CppCode + argument types -> (within) the directory with a built ``main``
        (built if needed); no other process builds or runs there meanwhile."""
        from labkit.codegen.cpp_project import render

        compiler = find_compiler(self.compiler)
        openmp = openmp_flag(compiler) if self.threads > 1 else ""
        if self.threads > 1 and not openmp:
            warnings.warn(f"{compiler} does not support OpenMP; running on one thread",
                          RuntimeWarning, stacklevel=4)
        key = (code, tuple(types.items()), openmp)
        project = self._programs.get(key)
        if project is None:
            project = self._programs[key] = render(code, types, openmp)
        directory = self._directory_for(project)
        with one_process(directory):
            _write_project(directory, project.files)
            stamp = directory / ".labkit-build"
            # make takes ARCH from the environment when it is set (binder/start names a
            # portable target): a program built for other instructions is built again
            built = f"{project.hash} {compiler} {os.environ.get('ARCH', '-march=native')}"
            if not (directory / "main").exists() or not stamp.exists() or \
                    stamp.read_text() != built:
                started = time.perf_counter()
                stamp.unlink(missing_ok=True)
                self.compile_count += 1
                run_make(directory, compiler, openmp)
                stamp.write_text(built)
                self.timings["compile"] = self.timings.get("compile", 0.0) + \
                    time.perf_counter() - started
            self.last_directory = directory
            yield directory

    def _directory_for(self, project) -> Path:
        if self.directory is not None:
            return self.directory
        return cache_root() / "cpp_standalone" / project.hash[:20]

    # -- helpers --------------------------------------------------------------------------
    def _execute(self, request, overrides=None) -> None:
        """Run ``request`` again; ``overrides`` (constants) beat every other value of their
        names, for this run only."""
        self._replaying = True
        try:  # on this device, active or not: a copy unpickled in a worker process runs
            request.run(overrides, device=self)  # its own program (standalone_multiple_...)
        finally:
            self._replaying = False

    def _dry(self, request) -> None:
        """Generate (and build) the pending run's project without running it."""
        before = request.state()
        self.dry_run = True
        try:
            self._execute(request)
        except self.DryRun:
            pass
        finally:
            self.dry_run = False
            request.restore(before)

    def _apply(self, run_args) -> None:
        """Set the group variables of ``run_args``; check that named constants are used."""
        specs = [r.spec for r in self._program or [self._last] if r is not None]
        spec = None if not specs or any(s is None for s in specs) else specs
        used = set()
        for one in spec or ():  # the constants of every run of the program
            used |= {s.name for op in one.operations for s in op.symbols
                     if s.role == "scalar" and not s.name.startswith("_")}
        for key, value in run_args.items():
            if isinstance(key, str):
                if spec is not None and key not in used:
                    raise ValueError(f"run_args: the model uses no constant named {key!r}"
                                 f"; the constants it uses: {', '.join(sorted(used)) or 'none'}")
                continue
            origin = getattr(key, "_lk_origin", None)
            if origin is None:
                raise TypeError("run_args keys are a group's variable (G.tau) or the name of "
                                f"a constant ('I0'), not {type(key).__name__}")
            group, name = origin
            setattr(group, name, value)

    def __repr__(self) -> str:
        where = self.directory or "labkit's cache"
        return (f"<device 'cpp_standalone' (C++ project in {where}, threads={self.threads}, "
                f"build_on_run={self.build_on_run})>")


def _constants(run_args) -> dict | None:
    """The constants of ``run_args`` (string keys), or None when it names none."""
    names = {k: v for k, v in (run_args or {}).items() if isinstance(k, str)}
    return names or None


def _refuse_python(objects) -> None:
    """A network_operation needs Python during the run: a clear error before anything runs."""
    for obj in objects:
        function = getattr(obj, "function", None)
        if type(obj).__name__ == "NetworkOperation":
            name = getattr(function, "__name__", obj.name)
            raise DeviceError(
                f"network_operation {name!r} ({obj.name}) cannot run on the cpp_standalone "
                "device: the compiled program runs the whole simulation without Python. Run "
                "this script on the default device (set_device('runtime')), or express the "
                "operation in the model (e.g. a TimedArray for an input that changes).")


def _write_project(directory: Path, files: dict) -> None:
    """Write files whose text changed (make then rebuilds only those); drop stale objects."""
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    objects = directory / "objects"
    if objects.exists():
        for old in objects.iterdir():
            name = f"objects/{old.name}"
            if old.suffix == ".cpp" and name not in files:
                old.unlink()
            elif old.suffix == ".o" and f"objects/{old.stem}.cpp" not in files:
                old.unlink()
    os.makedirs(directory / "static", exist_ok=True)


def _warn_unknown(method: str, unknown: dict) -> None:
    """Brian2 warns about keywords its device does not know, and runs: so does labkit."""
    if unknown:
        warnings.warn(f"device.{method}(): unsupported keyword argument(s) "
                      f"{', '.join(sorted(unknown))}; they are ignored", UserWarning,
                      stacklevel=3)

"""CppKernel: called like the Numba kernel, it runs the compiled C++ program instead.

The runner hands a kernel its arguments (step range, clocks, status, state arrays,
parameters, constants) and reads the status afterwards. A CppKernel writes those
arguments to the project's ``static/`` inputs, makes sure the program for their types is
built (the device builds it at most once per structure and types), runs it, and copies
every array back from ``results/``. Numbers never go into the program's text: a call with
new values reuses the program.

Unlike the runtime device's kernel, the program enlarges a full SpikeMonitor buffer or
synaptic queue itself instead of returning to Python, since every return would be a new
process. The
runner therefore passes ``growable`` (argument -> axis, from the objects' plans) and gets
back the arrays that came back larger, for their Growable buffers.
"""

from __future__ import annotations

import signal
import subprocess
import time

import numpy as np

from labkit.codegen.compile import KernelSource
from labkit.codegen.kernels import CppCode
from labkit.devices.cpp.io import arg_type, as_input, read_results, write_inputs
from labkit.errors import DeviceError

__all__ = ["CppKernel"]


class CppKernel:
    """KernelSpec's C++ code + its device -> callable ``kernel(*arguments)``."""

    language = "cpp"
    #: called with ``growable=``, returns the arrays the program enlarged (see the module)
    enlarges_arrays = True

    def __init__(self, device, spec, code: CppCode):
        self.device = device
        self.spec = spec
        self.code = code
        self.roles = {s.arg: s.role for op in spec.operations for s in op.symbols if s.arg}
        # a TimedArray's values are only read: several groups may share one array
        self.read_only = {f"{arg}_values" for arg, role in self.roles.items() if role == "timed"}
        text = "\n".join(line for f in code.functions for line in f.body)
        self.source = KernelSource(text + "\n" + "\n".join(code.main_loop), "_lk_run",
                                   code.arg_names)

    def inputs(self, args) -> tuple[dict, dict]:
        """Argument values -> (name -> array written for it, name -> array to fill after)."""
        arrays, targets = {}, {}
        for name, value in zip(self.code.arg_names, args, strict=True):
            if name == "_rng":  # the C++ generator's state, drawn from labkit's generator
                state = value.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)
                state[0] |= np.uint64(1)  # never all zero
                arrays[name] = state
                continue
            array = as_input(value, self.roles.get(name))
            arrays[name] = array
            if array.ndim > 0 and name not in self.read_only:
                targets[name] = value
        arrays["_lk_threads"] = np.asarray(self.device.threads, dtype=np.int64)
        _check_no_overlap(targets)
        return arrays, targets

    def __call__(self, *args, growable: dict[str, int] | None = None) -> dict:
        """Run the program on ``args``; -> name -> array for results larger than their
        argument (allowed only for ``growable`` ones, along the given axis)."""
        device = self.device
        arrays, targets = self.inputs(args)
        types = {name: arg_type(array) for name, array in arrays.items()}
        # built when new (timed as 'compile'); one process at a time in the directory
        with device.program(self.code, types) as directory:
            started = time.perf_counter()
            write_inputs(directory / "static", arrays)
            results = directory / "results"
            (results / "index.json").unlink(missing_ok=True)  # never read a previous run's
            device.timings["write"] = device.timings.get("write", 0.0) + \
                time.perf_counter() - started
            if device.dry_run:
                raise device.DryRun()
            ran = time.perf_counter()
            device.launch_count += 1
            done = subprocess.run([str(directory / "main"), "static", "results"], cwd=directory,
                                  capture_output=True, text=True, check=False)
            device.timings["run"] = device.timings.get("run", 0.0) + time.perf_counter() - ran
            for line in done.stdout.splitlines():
                if line.startswith("labkit loop_seconds "):
                    device.timings["loop"] = device.timings.get("loop", 0.0) + \
                        float(line.split()[2])
                elif device.with_output:
                    print(line)
            if done.returncode == -signal.SIGINT:  # Ctrl-C reached the program too
                raise KeyboardInterrupt
            if done.returncode != 0:
                raise DeviceError(_failure(done, directory))
            loaded = time.perf_counter()
            resized = read_results(results, targets, growable)
            device.timings["read"] = device.timings.get("read", 0.0) + \
                time.perf_counter() - loaded
        return resized

    def __repr__(self) -> str:
        return f"<CppKernel {len(self.code.functions)} operations, {self.source!r}>"


def _failure(done: subprocess.CompletedProcess, directory) -> str:
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        # SIGXCPU: the CPU time limit the program inherited (ulimit -t; a test harness's
        # RLIMIT_CPU), counted afresh for the program: it ran out of time, not crashed
        what = (f"ran out of its CPU time limit ({name}, ulimit -t)"
                if -done.returncode == signal.SIGXCPU else f"crashed ({name})")
    else:
        what = f"stopped with exit code {done.returncode}"
    detail = (done.stderr or done.stdout or "").strip()[-2000:]
    return (f"the compiled simulation in {directory} {what}; no results were loaded, the "
            f"state is as before the run.{' Its message: ' + detail if detail else ''} "
            "Try the same script on the default device (set_device('runtime')).")


def _check_no_overlap(targets: dict) -> None:
    """Two arguments backed by one numpy buffer would be two copies in C++: refuse."""
    items = list(targets.items())
    for k, (name, a) in enumerate(items):
        for other, b in items[k + 1:]:
            if np.may_share_memory(a, b):
                raise DeviceError(f"internal error: arguments {name} and {other} share memory; "
                                  "cpp_standalone cannot pass them separately")

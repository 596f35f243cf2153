"""One point of a sweep, where it runs: fn + params + seed -> an :class:`Outcome`.

Why: every backend (this process, local worker processes, Dask workers) must run a point
the same way, or the same sweep would give different numbers on different machinery. So a
point always starts from the same state: labkit's engine as the caller had it when the
sweep began (device, ``defaultclock.dt``), a fresh scope, and every generator seeded from
the point's own seed (:func:`point_seed`, from the sweep's seed and the point's index:
independent of which worker runs it, and when). What comes back is plain data (SI floats
and arrays, their dimensions, the error as text), so it pickles from any worker.

Functions defined in a notebook travel to workers by value (cloudpickle), taking with them
only the globals their code names. Names used only inside model strings (``'v > V_th'``)
are looked up at run time, so :class:`Task` also takes the globals that appear as words in
the function's strings, and puts them back beside the function in the worker.
"""

from __future__ import annotations

import os
import random
import re
import socket
import sys
import threading
import time
import traceback
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Outcome", "Task", "EngineState", "EngineSnapshot", "point_seed", "normalise",
           "preload"]

#: Dask may run several points at once in one worker process (threads); labkit's engine
#: (scope, clock, generator) is per process, so such points take turns.
_ENGINE_LOCK = threading.Lock()
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def point_seed(sweep_seed: int, index: int) -> int:
    """The seed of point ``index``: numpy's SeedSequence spawned from the sweep's seed.

    >>> point_seed(0, 3) == point_seed(0, 3) != point_seed(1, 3)
    True
    """
    sequence = np.random.SeedSequence(sweep_seed, spawn_key=(int(index),))
    return int(sequence.generate_state(1, np.uint32)[0])


@dataclass(frozen=True)
class EngineState:
    """What a point's run depends on besides its arguments: the device and the time step."""

    device: str
    dt: float

    @classmethod
    def current(cls) -> EngineState:
        """The caller's state; refused for cpp_standalone (workers would share its folder)."""
        from labkit.core.clock import defaultclock
        from labkit.devices import get_device

        name = get_device().name
        if name not in ("runtime", "numpy"):
            raise ValueError(
                f"sweep runs points on the 'runtime' or 'numpy' device; the current device "
                f"is {name!r}. Call set_device('runtime') before the sweep (or choose the "
                "device inside fn).")
        return cls(name, defaultclock.dt_)

    def apply(self) -> None:
        """Put labkit's engine into this state, in a fresh scope at t = 0."""
        from labkit.core.clock import defaultclock
        from labkit.core.magic import start_scope
        from labkit.devices import set_device
        from labkit.units import second

        start_scope()
        set_device(self.device)
        defaultclock.timestep = 0
        defaultclock.dt = self.dt * second


@dataclass
class EngineSnapshot:
    """Everything a point run in this process changes, to give the caller it back."""

    scope: int
    magic: tuple
    clock: tuple
    chosen: list
    target: str
    generators: tuple

    @classmethod
    def take(cls) -> EngineSnapshot:
        from labkit.core.base import SCOPE
        from labkit.core.clock import defaultclock
        from labkit.core.magic import magic_network
        from labkit.core.prefs import prefs
        from labkit.core.random import get_state
        from labkit.devices.device import choice as device_choice

        legacy = np.random.get_state()  # noqa: NPY002 (users' fns may draw from it)
        return cls(SCOPE.key, (magic_network.t_, magic_network.id, magic_network.objects),
                   (defaultclock.dt, defaultclock.timestep), device_choice(),
                   prefs.codegen.target, (get_state(), legacy, random.getstate()))

    def restore(self) -> None:
        from labkit.core.base import SCOPE
        from labkit.core.clock import defaultclock
        from labkit.core.magic import magic_network
        from labkit.core.prefs import prefs
        from labkit.core.random import set_state
        from labkit.devices.device import restore_choice

        SCOPE.key = self.scope
        magic_network.t_, magic_network.id, magic_network.objects = self.magic
        defaultclock.timestep = 0  # so that setting dt never needs to keep a time
        defaultclock.dt, defaultclock.timestep = self.clock
        restore_choice(self.chosen)
        prefs.codegen.target = self.target
        set_state(self.generators[0])
        np.random.set_state(self.generators[1])  # noqa: NPY002
        random.setstate(self.generators[2])


def preload() -> str:
    """Import what a first model needs (sympy, numba, labkit's model stack) -> worker id.

    Run by idle workers while the sweep's first point compiles its kernels elsewhere, so
    that their own first point only loads kernels. The tiny model runs on the numpy
    device: it compiles nothing.
    """
    try:
        import numba  # noqa: F401 (imported for its import time)
    except ImportError:  # optional: without it every point runs on the numpy device
        pass

    from labkit import Network, NeuronGroup, ms

    with _ENGINE_LOCK:
        snapshot = EngineSnapshot.take()
        try:
            EngineState("numpy", 1e-4).apply()
            group = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                                method="exact")
            Network(group).run(0.1 * ms)
        finally:
            snapshot.restore()
    return f"{socket.gethostname()}:{os.getpid()}"


def _reseed(seed: int) -> None:
    from labkit.core.random import seed as labkit_seed

    labkit_seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (a fn may use numpy's global generator)
    random.seed(seed)


def _strings_of(code: types.CodeType):
    for const in code.co_consts:
        if isinstance(const, str):
            yield const
        elif isinstance(const, types.CodeType):
            yield from _strings_of(const)


def _names_in_strings(fn) -> dict:
    """fn -> its globals named as words in its strings (or in strings it refers to).

    Only values a model string can use are taken (numbers, quantities, arrays, strings,
    labkit objects such as a TimedArray), not modules, classes or functions: cloudpickle
    sends those the code names, and a word in a docstring must not drag them along.
    """
    code = getattr(fn, "__code__", None)
    env = getattr(fn, "__globals__", None)
    if code is None or env is None:
        return {}
    texts = list(_strings_of(code))
    texts += [str(env[name]) for name in code.co_names
              if type(env.get(name)).__name__ in ("str", "Equations")]
    words = {word for text in texts for word in _WORD.findall(text)}
    skipped = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)
    return {word: env[word] for word in sorted(words)
            if word in env and not isinstance(env[word], skipped)}


@dataclass(frozen=True)
class Outcome:
    """What one point gave: results (plain data), timing, the error if it failed."""

    index: int
    values: dict = field(default_factory=dict)  # name -> float, ndarray or other object
    dims: dict = field(default_factory=dict)    # name -> Dimension, for quantities only
    wall: float = float("nan")
    error: str | None = None
    traceback: str | None = None
    worker: str = ""
    compiled: int = 0
    loaded: int = 0

    @property
    def failed(self) -> bool:
        return self.error is not None


def _plain(value) -> tuple[Any, Any]:
    """A returned value -> (SI float / ndarray / object, Dimension or None)."""
    dim = getattr(value, "dim", None)
    if dim is not None and type(dim).__name__ == "Dimension":
        raw = np.array(value, dtype=float)
        return (raw.item() if raw.ndim == 0 else raw), dim
    if isinstance(value, np.generic):
        return value.item(), None
    return value, None


def normalise(result) -> tuple[dict, dict]:
    """fn's return value -> (values, dims): a dict stays a dict, anything else is 'result'."""
    if result is None:
        return {}, {}
    items = result.items() if isinstance(result, Mapping) else [("result", result)]
    values, dims = {}, {}
    for name, value in items:
        values[str(name)], dim = _plain(value)
        if dim is not None:
            dims[str(name)] = dim
    return values, dims


def _kernel_counts() -> tuple[int, int]:
    """(compiled, loaded) Numba kernels so far in this process; zero before any exists."""
    compile_module = sys.modules.get("labkit.codegen.compile")
    if compile_module is None:
        return 0, 0
    stats = compile_module.compile_stats()
    return stats.numba_compiled, stats.numba_loaded


@dataclass(frozen=True)
class Task:
    """fn and the engine state -> a picklable callable that runs one point.

    ``extras`` are the globals named in fn's strings (see the module docstring).
    """

    fn: Any
    engine: EngineState
    extras: dict = field(default_factory=dict)

    @classmethod
    def of(cls, fn) -> Task:
        if not callable(fn):
            raise TypeError(f"sweep: fn must be a function taking the grid's parameters as "
                            f"keywords, got {type(fn).__name__}")
        return cls(fn, EngineState.current(), _names_in_strings(fn))

    def _restore_globals(self) -> None:
        env = getattr(self.fn, "__globals__", None)
        if env is not None:
            for name, value in self.extras.items():
                env.setdefault(name, value)

    def __call__(self, index: int, params: dict, seed: int) -> Outcome:
        worker = f"{socket.gethostname()}:{os.getpid()}"
        with _ENGINE_LOCK:
            self._restore_globals()
            self.engine.apply()
            _reseed(seed)
            compiled, loaded = _kernel_counts()
            started = time.perf_counter()
            try:
                values, dims = normalise(self.fn(**params))
                error = tb = None
            except Exception as exc:  # noqa: BLE001 (one point's failure is its row's error)
                values, dims = {}, {}
                error = f"{type(exc).__name__}: {exc}"
                tb = traceback.format_exc()
            wall = time.perf_counter() - started
            compiled_after, loaded_after = _kernel_counts()
        return Outcome(index, values, dims, wall, error, tb, worker,
                       compiled_after - compiled, loaded_after - loaded)

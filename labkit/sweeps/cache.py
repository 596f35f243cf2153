"""A folder of finished points: (fn, params, seed) -> the point's :class:`Outcome`, on disk.

Why: a sweep of hours must survive an interruption (Ctrl-C, a closed laptop, a killed
job). Each point that finishes without error is written at once, as one file named by a
hash of what determines it: the function (its source text, else its bytecode), the
parameter values (in SI, with their dimensions) and the point's seed. A re-run of the same
sweep finds those files and computes only what is missing; a changed function, value or
seed gives other names, so a stale result is never returned. Failed points are not kept:
a re-run tries them again.

Writes are atomic (labkit's kernel cache does the same), so an interruption mid-write
leaves no half file for the next run to read.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import pickle
from pathlib import Path

import numpy as np

from labkit.cache import atomic_write
from labkit.sweeps.point import Outcome

__all__ = ["PointCache", "fingerprint"]


def fingerprint(fn) -> str:
    """fn -> a hash of its source (or bytecode and constants when there is no source)."""
    if isinstance(fn, functools.partial):
        bound = json.dumps([_canonical(a) for a in fn.args], sort_keys=True)
        bound += json.dumps({k: _canonical(v) for k, v in fn.keywords.items()}, sort_keys=True)
        return hashlib.sha256(f"{fingerprint(fn.func)}\n{bound}".encode()).hexdigest()
    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        code = getattr(fn, "__code__", None)
        text = repr((code.co_code, code.co_consts)) if code is not None else repr(fn)
    name = getattr(fn, "__qualname__", type(fn).__name__)
    return hashlib.sha256(f"{name}\n{text}".encode()).hexdigest()


def _canonical(value):
    """A parameter value -> JSON-able data that differs whenever the value does."""
    dim = getattr(value, "dim", None)
    if dim is not None:
        return {"si": np.asarray(value, dtype=float).tolist(), "dim": str(dim)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return repr(value)


class PointCache:
    """The folder ``directory`` holding the finished points of sweeps of ``fn``."""

    def __init__(self, directory, fn):
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise ValueError(f"sweep: cache={str(directory)!r} is a file; give a folder "
                             "name (it is created if missing)")
        self.directory.mkdir(parents=True, exist_ok=True)
        self._fn = fingerprint(fn)

    def key(self, params: dict, seed: int) -> str:
        data = {"fn": self._fn, "seed": int(seed),
                "params": {name: _canonical(v) for name, v in params.items()}}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pkl"

    def load(self, key: str, index: int) -> Outcome | None:
        """The stored outcome, re-indexed for this sweep; None if missing or unreadable."""
        try:
            stored = pickle.loads(self._path(key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(stored, Outcome):
            return None
        return Outcome(index, stored.values, stored.dims, stored.wall, None, None,
                       stored.worker, stored.compiled, stored.loaded)

    def store(self, key: str, outcome: Outcome) -> None:
        if not outcome.failed:
            atomic_write(self._path(key), pickle.dumps(outcome))

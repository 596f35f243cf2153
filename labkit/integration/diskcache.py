"""(equations, method) -> UpdateBlock or refusal, kept on disk between processes.

Why: sympy's exact solution of a small linear system takes 0.3-1.5 s, which is most of a
warm start. The key is the printed equations plus the method, the source of every module
that shapes the result (so a changed method never serves a stale block) and the sympy
version; the value is the pickled UpdateBlock (or the IntegrationError that refused).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from pathlib import Path

import sympy

from labkit.cache import atomic_write, cache_root

_PACKAGES = ("integration", "equations")


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of the sources the integration result depends on, computed once."""
    labkit_dir = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(sympy.__version__.encode())
    for package in _PACKAGES:
        for path in sorted((labkit_dir / package).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update((labkit_dir / "codegen" / "ir.py").read_bytes())
    return digest.hexdigest()[:16]


def _path(key: str) -> Path:
    return cache_root() / "integration" / f"{key}-{_code_version()}.pickle"


def load(key: str):
    """The stored result for ``key``, or None when there is none (or it is unreadable)."""
    try:
        with open(_path(key), "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def save(key: str, result) -> None:
    """Store ``result``; a cache that cannot be written only costs time, never an error."""
    try:
        atomic_write(_path(key), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass

"""Model or expression text -> its parse, kept in memory and on disk between processes.

Why: parsing a model goes through sympy node by node (units, folding, settling the printed
form) and costs 0.1-0.5 s for a model such as COBAHH's, paid again by every fresh process
(each lesson's kernel, each script), while reading the stored result takes about 10 ms.
The parse depends only on the text, this package's code and sympy's version, so those are
the key; a changed parser never serves a stale result. Only successful parses are stored:
an error is raised afresh, with its caret, every time. Expressions are stored the same way
when nothing outside the text shapes them (no shared ``rand()`` numbering, no user
functions).

``load``/``save`` are the pickled-results store the integration cache uses too.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import time
from pathlib import Path

from labkit.cache import atomic_write, cache_root
from labkit.equations.model import SingleEquation

__all__ = ["code_version", "load", "parsed_equations", "remembered", "save"]

#: Parses that take this long (seconds) are always written to disk.
WORTH_STORING = 0.005
#: Quicker parses are written too, up to this many per process: one that took 1 ms here
#: (where sympy had imported what sums and relations need) costs a fresh process ~25 ms of
#: CPU (its first evaluated sum imports ``sympy.tensor`` and ``sympy.combinatorics``), so
#: the course's LIF script needed three processes before its build read everything back
#: (the threshold ``'v > V_t'`` was quick in the first). The bound keeps a sweep over
#: texts from filling the cache with them.
QUICK_STORED = 100
_quick_stored = [0]  # quick parses written by this process
#: kind -> text -> result: what this process has parsed or loaded already.
_MEMORY: dict[str, dict] = {}


@functools.lru_cache(maxsize=8)
def code_version(packages: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
    """A hash of sympy's version and the sources of ``packages`` (folders of labkit) and
    ``extra`` files (paths within labkit), computed once per process."""
    import sympy

    labkit_dir = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(sympy.__version__.encode())
    for package in packages:
        for path in sorted((labkit_dir / package).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for name in extra:
        digest.update((labkit_dir / name).read_bytes())
    return digest.hexdigest()[:16]


def _path(kind: str, key: str, version: str) -> Path:
    return cache_root() / kind / f"{key}-{version}.pickle"


def load(kind: str, key: str, version: str):
    """The stored result for ``key``, or None when there is none (or it is unreadable)."""
    import sympy

    try:
        with open(_path(kind, key, version), "rb") as handle:
            data = handle.read()
        # the stored expressions are already in sympy's canonical form: rebuilding them
        # without evaluating again gives the same trees in a fraction of the time
        with sympy.evaluate(False):
            return pickle.loads(data)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        return None


def save(kind: str, key: str, version: str, result) -> None:
    """Store ``result``; a cache that cannot be written only costs time, never an error."""
    try:
        atomic_write(_path(kind, key, version),
                     pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass


def remembered(kind: str, text: str, parse, valid):
    """``parse(text)`` from memory, else from disk (when ``valid(result)``), else parsed
    and stored. ``kind`` names the store (``'equations'``, ``'expressions'``)."""
    memory = _MEMORY.setdefault(kind, {})
    found = memory.get(text)
    if found is not None:
        return found
    key = hashlib.sha256(text.encode()).hexdigest()[:32]
    version = code_version(("equations", "units"))
    found = load(kind, key, version)
    if found is None or not valid(found):
        started = time.perf_counter()
        found = parse(text)
        if time.perf_counter() - started >= WORTH_STORING:
            save(kind, key, version, found)
        elif _quick_stored[0] < QUICK_STORED:
            _quick_stored[0] += 1
            save(kind, key, version, found)
    memory[text] = found
    return found


def parsed_equations(text: str, parse) -> tuple:
    """Model text -> ``parse(text)``, a tuple of SingleEquation (see :func:`remembered`)."""
    return remembered("equations", text, parse, lambda found: isinstance(found, tuple) and all(
        isinstance(eq, SingleEquation) for eq in found))

"""(KernelSpec, engine) -> its kernel source, kept on disk by the spec's structure.

Why: generating a kernel's source is most of what a small model's first ``run()`` costs
once it runs without Numba (the runtime device's fast start): importing the loop description
and the printers, and the sympy work of preparing every expression (whose first sum
imports ``sympy.tensor``, ~30 ms). The text depends only on the spec and on labkit's
code generator, so a new process reads it back instead, by a key made of:

- every field of the spec, recursively (dataclasses field by field, sympy expressions as
  their trees, symbols with their assumptions: :func:`labkit.codegen.stored_expr.
  tree_text`, which an expression read back from the plan store already is, so a run of
  a model seen before finds its sources without sympy); a spec holding anything else
  (whose repr could hide a difference) is not kept;
- the text of every module of :mod:`labkit.codegen` and :mod:`labkit.equations` and
  sympy's version, read without importing it (a changed generator changes the key), and
  the versions
  :func:`labkit.codegen.compile.source_hash` includes.

A record says either the source (text, function name, arguments) or that the model has no
exact numpy form. Files are written atomically (``labkit.cache.atomic_write``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

from labkit.cache import atomic_write, cache_root, source_version
from labkit.codegen.compile import KernelSource, source_hash
from labkit.codegen.stored_expr import StoredExpr, tree_text

__all__ = ["kernel_source", "structure_key"]

_PRIMITIVES = (str, int, float, bool, type(None))
_GENERATOR: list[str] = []  # the hash of labkit.codegen's modules, computed once
_memory: dict = {}
#: Sources kept in memory at most (as the generator's own lru_caches did): a session that
#: makes many structures (a sweep over models) does not keep every text.
_MEMORY_LIMIT = 512


class _Unkeyable(Exception):
    """A value in a spec that has no faithful text form."""


def _text(value) -> str:
    """A value of a spec -> text that differs whenever the value does."""
    if isinstance(value, _PRIMITIVES):
        return repr(value)
    if isinstance(value, StoredExpr):  # an expression read back from the plan store
        return value.text
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(f"{f.name}={_text(getattr(value, f.name))}"
                          for f in dataclasses.fields(value))
        return f"{type(value).__module__}.{type(value).__qualname__}({fields})"
    if isinstance(value, tuple | list):
        return f"{type(value).__name__}[{','.join(_text(v) for v in value)}]"
    if isinstance(value, frozenset | set):
        return f"set[{','.join(sorted(_text(v) for v in value))}]"
    sympy = sys.modules.get("sympy")
    if sympy is not None and isinstance(value, sympy.Basic):
        return tree_text(value)
    raise _Unkeyable(type(value).__name__)


def _generator_hash() -> str:
    """The text of labkit.codegen's and labkit.equations' modules (the printers use the
    functions the latter defines) and sympy's version (read without importing it):
    what turns a spec into source."""
    if not _GENERATOR:
        digest = hashlib.sha256(source_version(()).encode())
        package = Path(__file__).resolve().parents[1]
        for path in sorted([*package.glob("codegen/*.py"), *package.glob("equations/*.py")]):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _GENERATOR.append(digest.hexdigest())
    return _GENERATOR[0]


def structure_key(spec, engine: str = "numpy") -> str | None:
    """KernelSpec -> a hex key naming its ``engine`` source on disk, or None if it cannot
    be keyed."""
    try:
        text = _text(spec)
    except _Unkeyable:
        return None
    return source_hash(f"exact-{engine} {_generator_hash()}\n{text}")


def _path(key: str) -> Path:
    return cache_root() / "sources" / f"{key}.json"


def _read(key: str):
    """-> KernelSource, False (no exact form), or None (not on disk / unreadable)."""
    try:
        record = json.loads(_path(key).read_text(encoding="utf-8"))
        if record["source"] is None:
            return False
        text, name, args = record["source"]
        source = KernelSource(text, name, tuple(args))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return source


def _team_source(spec):
    from labkit.codegen import kernels, team

    return team.team_source(spec, kernels.numba_source(spec).arg_names)


def _generate(spec, engine: str):
    from labkit.codegen import kernels

    generate = {"numpy": kernels.exact_numpy_source, "python": kernels.exact_python_source,
                "numba": kernels.numba_source, "numpy-device": kernels.numpy_source,
                "numba-parallel": lambda s: kernels.numba_source(s, parallel=True),
                "numba-team": _team_source}[engine]
    return generate(spec)


def kernel_source(spec, engine: str) -> KernelSource | None:
    """(KernelSpec, engine) -> its source, read from disk when another process generated
    it (see the module docstring). ``engine``: 'numba', 'numba-parallel' or 'numba-team'
    (the compiled kernels' text; the team kernel's is None when the model has no team
    form, :mod:`labkit.codegen.team`), 'numpy-device' (the numpy device's; never None),
    'numpy' or 'python' (:func:`labkit.codegen.kernels.exact_numpy_source` or
    ``exact_python_source``: None when the model has no exact form there)."""
    if (engine, spec) in _memory:
        return _memory[engine, spec]
    key = structure_key(spec, engine)
    found = _read(key) if key is not None else None
    if found is None:
        found = _generate(spec, engine)
        if key is not None:
            record = {"source": None if found is None
                      else [found.text, found.name, list(found.arg_names)]}
            try:
                atomic_write(_path(key), json.dumps(record).encode())
            except OSError:  # a read-only cache: generated again next time
                pass
    if len(_memory) >= _MEMORY_LIMIT:
        _memory.clear()
    _memory[engine, spec] = found or None
    return found or None


"""(KernelSpec, engine) -> the fast start's kernel source, kept on disk by the spec's structure.

Why: generating a kernel's source is most of what a small model's first ``run()`` costs
once it runs without Numba (the runtime device's fast start): importing the loop description
and the printers, and the sympy work of preparing every expression (whose first sum
imports ``sympy.tensor``, ~30 ms). The text depends only on the spec and on labkit's
code generator, so a new process reads it back instead, by a key made of:

- every field of the spec, recursively (dataclasses field by field, sympy expressions as
  their trees, symbols with their assumptions); a spec holding anything else (whose repr
  could hide a difference) is not kept;
- the text of every module of :mod:`labkit.codegen` and :mod:`labkit.equations` and
  sympy's version (a changed generator changes the key), and the versions
  :func:`labkit.codegen.compile.source_hash` includes.

A record says either the source (text, function name, arguments) or that the model has no
exact numpy form. Files are written atomically (``labkit.cache.atomic_write``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from labkit.cache import atomic_write, cache_root
from labkit.codegen.compile import KernelSource, source_hash

__all__ = ["exact_source", "structure_key"]

_PRIMITIVES = (str, int, float, bool, type(None))
_GENERATOR: list[str] = []  # the hash of labkit.codegen's modules, computed once
_memory: dict = {}


class _Unkeyable(Exception):
    """A value in a spec that has no faithful text form."""


def _text(value) -> str:
    """A value of a spec -> text that differs whenever the value does."""
    if isinstance(value, _PRIMITIVES):
        return repr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(f"{f.name}={_text(getattr(value, f.name))}"
                          for f in dataclasses.fields(value))
        return f"{type(value).__module__}.{type(value).__qualname__}({fields})"
    if isinstance(value, tuple | list):
        return f"{type(value).__name__}[{','.join(_text(v) for v in value)}]"
    if isinstance(value, frozenset | set):
        return f"set[{','.join(sorted(_text(v) for v in value))}]"
    import sympy

    if isinstance(value, sympy.Basic):
        return _sympy_text(value)
    raise _Unkeyable(type(value).__name__)


def _sympy_text(expr) -> str:
    """A sympy expression -> its tree as text: each node's class and its arguments in
    sympy's own (canonical, deterministic) order, symbols with their assumptions, numbers
    exactly. ``srepr`` says the same but orders the terms of every sum for printing, which
    cost a first run ~5 ms."""
    if expr.is_Symbol:
        assumptions = ",".join(f"{k}={v}" for k, v in sorted(expr.assumptions0.items()))
        return f"{type(expr).__name__}({expr.name!r};{assumptions})"
    if expr.is_Float:
        return f"Float({expr._mpf_})"
    if expr.is_Rational:
        return f"Rational({expr.p},{expr.q})"
    if not expr.args:
        return f"{type(expr).__name__}()"
    return f"{type(expr).__name__}({','.join(_sympy_text(a) for a in expr.args)})"


def _generator_hash() -> str:
    """The text of labkit.codegen's and labkit.equations' modules (the printers use the
    functions the latter defines) and sympy's version: what turns a spec into source."""
    if not _GENERATOR:
        import sympy

        digest = hashlib.sha256(sympy.__version__.encode())
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


def exact_source(spec, engine: str) -> KernelSource | None:
    """(KernelSpec, 'numpy' or 'python') -> :func:`labkit.codegen.kernels.exact_numpy_source`
    or ``exact_python_source``, read from disk when another process generated it (see the
    module docstring)."""
    if (engine, spec) in _memory:
        return _memory[engine, spec]
    key = structure_key(spec, engine)
    found = _read(key) if key is not None else None
    if found is None:
        from labkit.codegen import kernels

        generate = {"numpy": kernels.exact_numpy_source,
                    "python": kernels.exact_python_source}[engine]
        found = generate(spec)
        if key is not None:
            record = {"source": None if found is None
                      else [found.text, found.name, list(found.arg_names)]}
            try:
                atomic_write(_path(key), json.dumps(record).encode())
            except OSError:  # a read-only cache: generated again next time
                pass
    _memory[engine, spec] = found or None
    return found or None

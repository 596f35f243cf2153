"""A sympy expression kept as plain data: its tree's text and its pickle.

Why: a run's operations hold sympy expressions, but a run of a model seen before needs
none of them once its kernel's source is on disk (:mod:`labkit.codegen.source_cache` keys
that source by the expressions' trees as text). Operations read back from the plan store
(:mod:`labkit.plan.stored_ops`) hold a :class:`StoredExpr` in place of each expression:
equal and hashed by the tree's text (the same text :func:`tree_text` gives the expression
itself, so the source is found under the same key), and turned back into the expression
(:func:`materialised`, which imports sympy) only when a source has to be generated.
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
from dataclasses import dataclass, field

__all__ = ["StoredExpr", "materialised", "stored", "tree_text"]


@dataclass(frozen=True)
class StoredExpr:
    """An expression's tree as text (:func:`tree_text`) and its pickle (``blob``)."""

    text: str
    blob: bytes = field(compare=False, repr=False)

    def expr(self):
        """The sympy expression (imports sympy)."""
        return _loads(self.blob)


def _loads(blob: bytes):
    """Unpickle an expression as it was: sympy rebuilds each node from its arguments,
    which would evaluate again what the planner kept unevaluated (``rand()/(v < x)``
    became ``zoo``); with evaluation off, the nodes come back as they were pickled."""
    from sympy.core.parameters import evaluate

    with evaluate(False):
        return pickle.loads(blob)  # noqa: S301 - written by labkit's own plan store


def _kept(expr) -> StoredExpr:
    """An expression -> its StoredExpr, if it comes back as the same tree (checked once,
    when stored: a ValueError otherwise, and the caller keeps nothing)."""
    blob = pickle.dumps(expr, protocol=4)
    text = tree_text(expr)
    if tree_text(_loads(blob)) != text:
        raise ValueError(f"the expression {text} does not come back from its pickle")
    return StoredExpr(text, blob)


def tree_text(expr) -> str:
    """A sympy expression -> its tree as text: each node's class and its arguments in
    sympy's own (canonical, deterministic) order, symbols with their assumptions, numbers
    exactly. ``srepr`` says the same but orders the terms of every sum for printing, which
    cost a first run ~5 ms."""
    if isinstance(expr, StoredExpr):
        return expr.text
    if expr.is_Symbol:
        assumptions = ",".join(f"{k}={v}" for k, v in sorted(expr.assumptions0.items()))
        return f"{type(expr).__name__}({expr.name!r};{assumptions})"
    if expr.is_Float:
        return f"Float({expr._mpf_})"
    if expr.is_Rational:
        return f"Rational({expr.p},{expr.q})"
    if not expr.args:
        return f"{type(expr).__name__}()"
    return f"{type(expr).__name__}({','.join(tree_text(a) for a in expr.args)})"


def _walk(value, leaf, convert):
    """``value`` with every ``leaf`` inside dataclasses, tuples and frozensets converted."""
    if leaf(value):
        return convert(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), leaf, convert)
                   for f in dataclasses.fields(value) if f.init}
        if all(changes[name] is getattr(value, name) for name in changes):
            return value
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        items = tuple(_walk(v, leaf, convert) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, frozenset):
        return frozenset(_walk(v, leaf, convert) for v in value)
    return value


def _is_sympy(value) -> bool:
    sympy = sys.modules.get("sympy")  # no sympy loaded: no sympy expression either
    return sympy is not None and isinstance(value, sympy.Basic)


def stored(value):
    """Operations (or anything made of dataclasses and tuples) -> the same with each sympy
    expression a :class:`StoredExpr`. Raises what pickling raises, or ValueError, for an
    expression that cannot be kept exactly (the caller then keeps nothing)."""
    return _walk(value, _is_sympy, _kept)


def materialised(value):
    """The inverse of :func:`stored`: each :class:`StoredExpr` its expression again (a
    value holding none comes back as it is, without importing sympy)."""
    return _walk(value, lambda v: isinstance(v, StoredExpr), StoredExpr.expr)

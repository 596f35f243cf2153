"""The pieces of numba code every operation's emitter writes: expressions, the per-step
head, random draws, TimedArray lookups, statements.

Shared by ``loop_numba`` (neurons, monitors, inputs) and ``synapse_numba`` (synapses).
"""

from __future__ import annotations

from labkit.codegen.loop_common import timed_index
from labkit.codegen.printers import print_expr

LANG = "numba"


def _expr(expr, rename) -> str:
    return print_expr(expr, LANG, rename)


def _head(op, p, w, d, prepared, rename) -> None:
    """Per-step scalars of an operation: TimedArray lookups and hoisted terms."""
    roles = op.roles()
    for lookup in prepared.hoisted_lookups:
        args = [_expr(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, False)}]")
    for name, expr in prepared.hoisted:
        w(d, f"{rename[name]} = {_expr(expr, rename)}")


def _draws(p, w, d, prepared, size: str) -> None:
    """Random numbers for ``size`` elements, call site by call site (numpy's order)."""
    for j, kind in enumerate(prepared.randoms):
        call = "_rng.random()" if kind == "rand" else "_rng.standard_normal()"
        w(d, f"for _k in range({size}):")
        w(d + 1, f"_lkr{p}_{j}[_k] = {call}")


def _lookups(op, w, d, lookups, rename) -> None:
    roles = op.roles()
    for lookup in lookups:
        args = [_expr(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, False)}]")


def _statements(op, w, d, prepared, rename, held=frozenset(), nr="") -> None:
    roles = op.roles()
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        value = _expr(stmt.expr, rename)
        target = rename[stmt.target]
        if stmt.target in held and stmt.target in roles:
            w(d, f"if {nr}:")
            w(d + 1, f"{target} = {value}")
        else:
            w(d, f"{target} = {value}")



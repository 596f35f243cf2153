"""The pieces of cpp code every operation's emitter writes: expressions, the per-step
head, random draws, TimedArray lookups, statements.

Shared by ``loop_cpp`` (neurons, monitors, inputs) and ``synapse_cpp`` (synapses).
"""

from __future__ import annotations

import sympy

from labkit.codegen.printers import print_expr

LANG = "cpp"


def _expr(expr, rename) -> str:
    return print_expr(expr, LANG, rename)


def _timed(op, lookup, rename) -> str:
    """``values[row]`` of a TimedArray lookup, with Brian2's rounding (as ``timed_index``)."""
    arg = op.roles()[lookup.timed].arg
    args = [_expr(a, rename) for a in lookup.args]
    row = f"_lk_row({args[0]}, {arg}_eps, {arg}_K, {arg}_n)"
    if len(args) > 1:
        row = f"{row}*{arg}_ncols + (int64_t)({args[1]})"
    return f"{arg}_values[{row}]"


def _head(op, w, d, prepared, rename) -> None:
    """Per-step scalars of an operation: TimedArray lookups and hoisted terms."""
    for lookup in prepared.hoisted_lookups:
        w(d, f"const double {rename[lookup.symbol]} = {_timed(op, lookup, rename)};")
    for name, expr in prepared.hoisted:
        w(d, f"const double {rename[name]} = {_expr(expr, rename)};")


def _draws(p, w, d, prepared, size: str, scratch: list) -> None:
    """Random numbers for ``size`` elements, call site by call site, before the loop.

    Drawing serially into buffers keeps the element loops free of RNG state, so they can
    run on several threads and still give the one-thread numbers.
    """
    for j, kind in enumerate(prepared.randoms):
        name = f"_lkr{p}_{j}"
        scratch.append(name)
        call = "_rand()" if kind == "rand" else "_randn()"
        w(d, f"double* const __restrict {name} = {name}_buf.get({size});")
        w(d, f"for (int64_t _k = 0; _k < {size}; ++_k) {name}[_k] = {call};")


def _lookups(op, w, d, lookups, rename) -> None:
    for lookup in lookups:
        w(d, f"const double {rename[lookup.symbol]} = {_timed(op, lookup, rename)};")


def _statements(op, w, d, prepared, rename, held=frozenset(), nr="") -> None:
    roles = op.roles()
    declared: set[str] = set()
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        value = _expr(stmt.expr, rename)
        target = rename[stmt.target]
        if stmt.target in roles:
            guard = f"if ({nr}) " if stmt.target in held else ""
            w(d, f"{guard}{target} = {value};")
        elif stmt.target in declared:
            w(d, f"{target} = {value};")
        else:  # a temporary of the integration method
            declared.add(stmt.target)
            kind = "bool" if isinstance(stmt.expr, sympy.logic.boolalg.Boolean) else "double"
            w(d, f"{kind} {target} = {value};")


def _stop(w, d, code: int, p: int, extra: str = "") -> None:
    w(d, f"_lk_status[0] = {code}; _lk_status[1] = _lk_s; _lk_status[2] = {p};{extra}")
    w(d, "return 1;")



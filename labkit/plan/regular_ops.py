"""A group's ``run_regularly`` code -> its operations: the sympy part of its plan.

:mod:`labkit.plan.regular` calls this on the cold path only (code not planned in this
process nor kept on disk). The code follows Brian2's rules for abstract code
(:mod:`labkit.equations.code`): temporaries, and statements that run once (``(shared)``
variables, ``rand()`` drawn once for them) before those that run for each element. Two
operations: a :class:`~labkit.codegen.spec.ScalarCode` for the scalar block, then a
:class:`~labkit.codegen.spec.Reset` over this object's own list of elements, so that a
subgroup's code runs on its part only (``i`` counts from the subgroup's start, ``N`` is
its size).
"""

from __future__ import annotations

import sympy

from labkit.codegen import spec as S
from labkit.codegen.ir import Statement
from labkit.equations.checks import external_dimension
from labkit.equations.code import translate
from labkit.plan.arguments import is_boolean
from labkit.plan.structure import (
    _resolver,
    names_in,
    parse_code,
    symbols_for,
)

__all__ = ["operations", "through_subexpressions", "used_names"]


def used_names(code: str) -> frozenset[str]:
    """The names ``code`` reads that are not its own temporaries (may raise: a syntax
    error, quoted)."""
    names, temporaries = set(), set()
    for stmt in parse_code(code, "run_regularly"):
        names |= names_in(stmt.expr) - temporaries
        temporaries.add(stmt.target)
    return frozenset(names)


def through_subexpressions(variables, names: set[str]) -> set[str]:
    """``names`` and every name the subexpressions among them use, at any depth (a string
    naming a subexpression needs the names in its expression too)."""
    found, todo = set(names), list(names)
    while todo:
        var = variables.get(todo.pop())
        if var is not None and var.kind == "subexpression":
            for name in names_in(var.expr) - found:
                found.add(name)
                todo.append(name)
    return found


def operations(code_object, externals, kinds, prefix, me, clock,
               conditional: frozenset = frozenset()) -> tuple:
    """-> ``(when, order, operation, '')`` rows: the scalar block, then the vector one.
    ``conditional``: ``(unless refractory)`` variables, which the vector block writes only
    where the element is not refractory (Brian2's conditional write: its run_regularly
    code skips them; labkit wrote them)."""
    group, owner = code_object.group, code_object.group._owner
    variables = {n: (v.dim, v.is_boolean) for n, v in owner.variables.items()
                 if v.kind != "index"}
    ext_dims = {n: external_dimension(v) for n, v in externals.items()}
    booleans = frozenset(n for n, v in externals.items() if is_boolean(v))
    equations = getattr(owner, "equations", None)
    resolve = _resolver(equations, variables, ext_dims, booleans)
    constant = {n for n, eq in equations.items() if "constant" in eq.flags} \
        if equations is not None else set()
    assignable = {n for n, v in owner.variables.items()
                  if v.array is not None and not v.read_only and v.kind != "linked"
                  and n not in constant and not n.startswith("_")
                  and n not in ("lastspike", "not_refractory")}
    shared = {n for n, v in owner.variables.items() if v.shared}
    scalar = shared | set(externals) | {"t", "dt", "N", "t_in_timesteps"}
    subs = {sympy.Symbol(n, real=True): v.expr for n, v in owner.variables.items()
            if v.kind == "subexpression"}
    statements = tuple(
        type(stmt)(stmt.target, stmt.op, stmt.expr.xreplace(subs), stmt.source)
        for stmt in parse_code(code_object.code, "run_regularly"))
    code = translate(statements, resolve, scalar_names=scalar, assignable=assignable,
                     where=code_object._label())
    local = _local_names(group, owner)
    arrays = {n: ("shared" if v.shared else "array") for n, v in owner.variables.items()
              if v.array is not None}

    def roles(stmts):
        names = set()
        for s in stmts:
            names |= names_in(s.expr) | {s.target}
        return symbols_for(names - set(kinds), prefix, arrays, {}) + \
            symbols_for(names & set(kinds), me, {}, kinds)

    ops = []
    label, when, order = code_object.name, code_object.when, code_object.order
    if code.scalar:
        scalar_stmts = tuple(Statement(s.target, s.expr.xreplace(local)) for s in code.scalar)
        op = S.ScalarCode(prefix, clock, roles(scalar_stmts), f"{label} (scalar)",
                          scalar_stmts)
        ops.append((when, order, op, ""))  # the same name: ties keep this order
    if code.vector:
        vector_stmts = tuple(Statement(s.target, _written(s.target, s.expr.xreplace(local),
                                                          conditional))
                             for s in code.vector)
        ops.append((when, order, S.Reset(me, clock, roles(vector_stmts), label, vector_stmts),
                    ""))
    return tuple(ops)


def _written(target: str, value, conditional: frozenset):
    """``target = value``, or, for an ``(unless refractory)`` variable, ``value`` where
    not refractory and the old value elsewhere."""
    if target not in conditional:
        return value
    return sympy.Piecewise((value, sympy.Symbol("not_refractory", real=True)),
                           (sympy.Symbol(target, real=True), True))


def _local_names(group, owner) -> dict:
    """In a subgroup's code, ``i`` counts from the subgroup's start and ``N`` is its size."""
    if group is owner:
        return {}
    i = sympy.Symbol("i", real=True)
    return {i: i - group._start, sympy.Symbol("N", real=True): sympy.Integer(group.N)}

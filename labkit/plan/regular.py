"""A group's ``run_regularly`` code at the start of a run -> its ObjectPlan.

The code follows Brian2's rules for abstract code (:mod:`labkit.equations.code`):
temporaries, and statements that run once (``(shared)`` variables, ``rand()`` drawn once
for them) before those that run for each element. Two operations: a
:class:`~labkit.codegen.spec.ScalarCode` for the scalar block, then a
:class:`~labkit.codegen.spec.Reset` over this object's own list of elements, so that a
subgroup's code runs on its part only (``i`` counts from the subgroup's start, ``N`` is
its size). The group binds its own arrays and size; the elements and the constants are
the code object's (a TimedArray's values depend on the reader's dt, which may differ from
the group's).
"""

from __future__ import annotations

import numpy as np
import sympy

from labkit.codegen import spec as S
from labkit.codegen.ir import Statement
from labkit.codegen.spec import argument
from labkit.equations.code import translate
from labkit.plan.arguments import bind, is_boolean
from labkit.plan.neurons import resolve_externals
from labkit.plan.objectplan import ObjectPlan, operations_for
from labkit.plan.structure import (
    _resolver,
    dimension_of_external,
    external_kinds,
    names_in,
    parse_code,
    symbols_for,
)

__all__ = ["plan_regular", "through_subexpressions"]


def plan_regular(code_object, ctx) -> ObjectPlan:
    """See the module docstring. ``code_object``: a ``RegularCode`` (group, code, when...)."""
    group = code_object.group
    owner = group._owner
    try:
        prefix = ctx.owner(owner)
    except KeyError:
        raise ValueError(f"{code_object._label()} runs on {owner._label()}, which is not part "
                         "of this run; add the group to the network") from None
    names, temporaries = set(), set()
    for stmt in parse_code(code_object.code, "run_regularly"):
        names |= names_in(stmt.expr) - temporaries
        if stmt.target not in owner.variables:  # a temporary: not looked up
            temporaries.add(stmt.target)
    externals = resolve_externals(owner, through_subexpressions(owner.variables, names), ctx)
    kinds = external_kinds(externals)
    dims = {n: getattr(v, "dim", None) for n, v in externals.items()}
    me, clock = ctx.owner(code_object), ctx.clock(code_object)
    key = (code_object.code, prefix, me, clock, group._start, group._stop,
           code_object.when, code_object.order,
           tuple(sorted((n, kinds[n], dims[n]) for n in kinds)))
    ops = operations_for(code_object, key, lambda: _operations(
        code_object, externals, kinds, prefix, me, clock))
    count = group._stop - group._start
    values = {argument(me, "spikes", "internal"): np.arange(group._start, group._stop,
                                                            dtype=np.int32),
              argument(me, "nspikes", "internal"): np.array([count], dtype=np.int64),
              argument(me, "N", "internal"): count}
    values.update(bind(me, externals, code_object.clock.dt_))
    return ObjectPlan(ops, values, externals=externals)


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


def _operations(code_object, externals, kinds, prefix, me, clock) -> tuple:
    group, owner = code_object.group, code_object.group._owner
    variables = {n: (v.dim, v.is_boolean) for n, v in owner.variables.items()
                 if v.kind != "index"}
    ext_dims = {n: dimension_of_external(v) for n, v in externals.items()}
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
        vector_stmts = tuple(Statement(s.target, s.expr.xreplace(local)) for s in code.vector)
        ops.append((when, order, S.Reset(me, clock, roles(vector_stmts), label, vector_stmts),
                    ""))
    return tuple(ops)


def _local_names(group, owner) -> dict:
    """In a subgroup's code, ``i`` counts from the subgroup's start and ``N`` is its size."""
    if group is owner:
        return {}
    i = sympy.Symbol("i", real=True)
    return {i: i - group._start, sympy.Symbol("N", real=True): sympy.Integer(group.N)}

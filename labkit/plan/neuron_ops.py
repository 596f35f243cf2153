"""A neuron-like group's strings -> its operations: the sympy part of its plan.

:mod:`labkit.plan.neurons` calls this on the cold path only (a structure not planned in
this process nor kept on disk): checking and integrating the model
(:mod:`labkit.plan.structure`) and writing up to three operations in Brian2's schedule --
refractoriness + integration (``groups``), the threshold (``thresholds``), the reset
(``resets``) -- plus those of custom events.
"""

from __future__ import annotations

import numpy as np
import sympy

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.equations.checks import external_dimension
from labkit.plan.events import event_names, event_operations
from labkit.plan.structure import (
    _resolver,
    build_structure,
    names_in,
    parse_code,
    parse_condition,
    symbols_for,
)
from labkit.units.dimension import get_or_create_dimension

__all__ = ["operations", "structure_key", "used_names"]

SECOND = get_or_create_dimension(s=1)


def used_names(group) -> frozenset[str]:
    """Every name ``group``'s strings use (its model, threshold, reset, refractory
    condition, events)."""
    names = set(group.equations.identifiers)
    if group.threshold is not None:
        names |= names_in(parse_condition(group.threshold, "threshold"))
    for stmt in parse_code(group.reset, "reset") if group.reset else ():
        names |= names_in(stmt.expr) | {stmt.target}
    if group._refractory and group._refractory[0] == "string":
        names |= names_in(parse_condition(group._refractory[1], "refractory"))
    return frozenset(names | event_names(group))


def _dimensions(group, externals: dict) -> dict:
    dims = {n: external_dimension(v) for n, v in externals.items()}
    if group._refractory is not None and group._refractory[0] == "time":
        dims["_refractory"] = SECOND
    return dims


def structure_key(group, externals, kinds, booleans, constants) -> tuple:
    """What the operations depend on (sympy objects included): the in-memory key."""
    dims = _dimensions(group, externals)
    return (group.equations, group.method, group.threshold, group.reset, group._refractory,
            tuple(sorted(group.events.items())),
            tuple(sorted((e, c.code, c.when, c.order) for e, c in group._event_code.items())),
            tuple(sorted((n, kinds[n], dims[n], n in booleans) for n in kinds)),
            tuple(sorted(constants)))


def operations(group, externals, kinds, booleans, constants, prefix, clock) -> tuple:
    """-> (ops, the integration method used, how it was chosen or None)."""
    key = structure_key(group, externals, kinds, booleans, constants)
    ext_dims = _dimensions(group, externals)
    variables = {n: (v.dim, v.is_boolean) for n, v in group.variables.items()
                 if v.kind != "index"}
    ref = group._refractory
    refractory = None if ref is None else ("time",) if ref[0].startswith("time") else ref
    structure = build_structure(key, group._label(), group.equations, variables, ext_dims,
                                group.method, group.threshold, group.reset, refractory,
                                boolean_externals=booleans, constant_functions=constants)
    arrays = {n: ("shared" if v.shared else "array") for n, v in group.variables.items()
              if v.array is not None}
    ext_kinds = dict(kinds)
    if ref is not None and ref[0] == "time-array":
        ext_kinds.pop("_refractory", None)

    def roles(*exprs, extra=()):
        names = set(extra)
        for e in exprs:
            names |= names_in(e)
        return symbols_for(names, prefix, arrays, ext_kinds)

    ops = []
    block = structure.block
    label = group.name
    size = argument(prefix, "N", "internal")
    if block is not None or structure.refractory is not None:
        statements = block.statements if block is not None else ()
        exprs = [s.expr for s in statements]
        extra = {s.target for s in statements}
        if structure.refractory is not None:
            exprs.append(structure.ref_expr)
            extra |= {"lastspike", "not_refractory", "t", "dt"}
        held = block.held if (block is not None and ref is not None) else frozenset()
        checked = tuple(n for n in (block.state if block is not None else ())
                        if group.variables[n].dtype == np.float64)
        op = S.StateUpdate(prefix, clock, roles(*exprs, extra=extra), f"{label} update",
                           statements, frozenset(held), checked, structure.refractory,
                           structure.ref_expr, size)
        ops.append(("groups", group.order, op, "_stateupdater"))
    if structure.threshold is not None:
        extra = {"lastspike", "not_refractory", "t"} if ref is not None else set()
        op = S.Threshold(prefix, clock, roles(structure.threshold, extra=extra),
                         f"{label} threshold", structure.threshold, ref is not None, size)
        ops.append(("thresholds", group.order, op, "_spike_thresholder"))
    if structure.reset:
        exprs = [s.expr for s in structure.reset]
        op = S.Reset(prefix, clock, roles(*exprs, extra={s.target for s in structure.reset}),
                     f"{label} reset", structure.reset)
        ops.append(("resets", group.order, op, "_spike_resetter"))
    if group.events:
        resolve = _resolver(group.equations, variables, ext_dims, booleans)
        sub_symbols = {sympy.Symbol(n, real=True): e for n, e in structure.subexpressions
                       if "constant over dt" not in group.equations[n].flags}
        ops += event_operations(group, resolve, sub_symbols, prefix, clock, roles)
    return tuple(ops), structure.method, structure.method_choice

"""A neuron-like group at the start of a run -> its ObjectPlan: operations and values.

The group (NeuronGroup, PoissonGroup) hands over its strings, variables and sizes; this
module looks up the external names its strings use (:mod:`labkit.core.namespace`, via
the run's context), builds (or fetches) the checked and integrated structure for the
*kinds* of those names (:mod:`labkit.plan.structure`), turns it into up to three
operations in Brian2's schedule -- refractoriness + integration (``groups``), the
threshold (``thresholds``), the reset (``resets``) -- and binds the values: N, the state
arrays, the constants. Values never enter the structure, so changing ``tau`` re-runs
without recompiling.
"""

from __future__ import annotations

import weakref

import numpy as np
import sympy

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.equations.checks import external_dimension
from labkit.logs import get_logger, info
from labkit.plan.arguments import bind, is_boolean, link_aliases
from labkit.plan.events import event_names, event_operations, event_values
from labkit.plan.objectplan import ObjectPlan, operations_for
from labkit.plan.structure import (
    _resolver,
    build_structure,
    constant_functions,
    external_kinds,
    names_in,
    parse_code,
    parse_condition,
    symbols_for,
)
from labkit.units.dimension import get_or_create_dimension

__all__ = ["plan_neurons", "resolve_externals", "SPECIAL"]

SECOND = get_or_create_dimension(s=1)

#: Names a group's strings may use that are neither its variables nor external.
SPECIAL = frozenset({"t", "dt", "i", "N", "t_in_timesteps"})

#: Groups whose chosen integration method was reported (once per group, as Brian2).
_REPORTED: weakref.WeakSet = weakref.WeakSet()
#: The integration method each group's plan uses (given or chosen), for messages.
_METHODS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def integration_method(group) -> str:
    """The name of the method ``group`` was last planned with ('' before any run)."""
    return _METHODS.get(group, "")


def resolve_externals(group, names, ctx) -> dict:
    """Names used by ``group``'s strings that are not its own -> their namespace values.

    The lookup is :mod:`labkit.core.namespace`'s (one order for every object); the
    group's variables, ``t``, ``dt``, ``i``, ``N``, temporaries (``_x``) and noise
    (``xi``, ``xi_1``) are its own.
    """
    own = set(group.variables) | SPECIAL
    external = {n for n in names if n not in own and not n.startswith("_")
                and n != "xi" and not n.startswith("xi_")}
    known = [n for n in group.variables if not n.startswith("_")]
    return ctx.namespace_of(group).resolve(external, group._label(), "its model strings",
                                           known)


def _used_names(group) -> set[str]:
    names = set(group.equations.identifiers)
    if group.threshold is not None:
        names |= names_in(parse_condition(group.threshold, "threshold"))
    for stmt in parse_code(group.reset, "reset") if group.reset else ():
        names |= names_in(stmt.expr) | {stmt.target}
    if group._refractory and group._refractory[0] == "string":
        names |= names_in(parse_condition(group._refractory[1], "refractory"))
    return names | event_names(group)


def plan_neurons(group, ctx) -> ObjectPlan:
    """See the module docstring."""
    prefix, clock = ctx.owner(group), ctx.clock(group)
    externals = resolve_externals(group, _used_names(group), ctx)
    kinds = external_kinds(externals)
    ext_dims = {n: external_dimension(v) for n, v in externals.items()}
    ref = group._refractory
    if ref is not None and ref[0] == "time":
        kinds["_refractory"], ext_dims["_refractory"] = "scalar", SECOND
    booleans = frozenset(n for n, v in externals.items() if is_boolean(v))
    constants = constant_functions(externals, group.clock.dt_)
    key = (group.equations, group.method, group.threshold, group.reset, ref,
           tuple(sorted(group.events.items())),
           tuple(sorted((e, c.code, c.when, c.order) for e, c in group._event_code.items())),
           tuple(sorted((n, kinds[n], ext_dims[n], n in booleans) for n in kinds)),
           tuple(sorted(constants)))
    ops = operations_for(group, (key, prefix, clock), lambda: _operations(
        group, key, kinds, ext_dims, prefix, clock, booleans, constants))
    return ObjectPlan(ops, _values(group, prefix, externals, ctx), externals=externals,
                      aliases=link_aliases(group, ctx))


def _report_method_choice(group, structure) -> None:
    """As Brian2: one INFO line, once per group, naming the method chosen for it."""
    if structure.method_choice is None or group in _REPORTED:
        return
    _REPORTED.add(group)
    reason, seconds = structure.method_choice
    info(f"No numerical integration method specified for group '{group.name}', "
         f"using method '{structure.method}' (took {seconds:.2f}s).", "method_choice")
    if "(" in reason:  # other methods were refused first: say why, for the curious
        get_logger().getChild("method_choice").debug(reason)


def _operations(group, key, kinds, ext_dims, prefix, clock, booleans, constants) -> tuple:
    variables = {n: (v.dim, v.is_boolean) for n, v in group.variables.items()
                 if v.kind != "index"}
    ref = group._refractory
    refractory = None if ref is None else ("time",) if ref[0].startswith("time") else ref
    structure = build_structure(key, group._label(), group.equations, variables, ext_dims,
                                group.method, group.threshold, group.reset, refractory,
                                boolean_externals=booleans, constant_functions=constants)
    _report_method_choice(group, structure)
    _METHODS[group] = structure.method
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
    return tuple(ops)


def _values(group, prefix: str, externals: dict, ctx) -> dict:
    values = {argument(prefix, "N", "internal"): group._N,
              argument(prefix, "i", "internal"): ctx.arange(group._N)}
    for name, var in group.variables.items():
        if var.array is not None:
            values[argument(prefix, name)] = var.array
    values.update(bind(prefix, externals, group.clock.dt_))
    if group._refractory is not None and group._refractory[0] == "time":
        values[argument(prefix, "_refractory", "constant")] = group._refractory_value
    if group._spikes is not None:
        values[argument(prefix, "spikes", "internal")] = group._spikes
        values[argument(prefix, "nspikes", "internal")] = group._nspikes
    values.update(event_values(group, prefix))
    return values

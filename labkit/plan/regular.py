"""A group's ``run_regularly`` code at the start of a run -> its ObjectPlan.

Its operations (:mod:`labkit.plan.regular_ops`, with sympy) come from memory on a re-run,
from the plan store (:mod:`labkit.plan.stored_ops`: no sympy) for code planned in an
earlier process with the same group variables and kinds of names, else are made. The group
binds its own arrays and size; the elements and the constants are the code object's (a
TimedArray's values depend on the reader's dt, which may differ from the group's).
"""

from __future__ import annotations

import numpy as np

from labkit.codegen.spec import argument
from labkit.plan.arguments import bind
from labkit.plan.externals import external_kinds
from labkit.plan.neurons import resolve_externals
from labkit.plan.objectplan import ObjectPlan
from labkit.plan.stored_ops import (
    dimension_key,
    external_keys,
    model_text,
    stored_names,
    stored_operations,
)

__all__ = ["plan_regular"]


def plan_regular(code_object, ctx) -> ObjectPlan:
    """See the module docstring. ``code_object``: a ``RegularCode`` (group, code, when...)."""
    group = code_object.group
    owner = group._owner
    try:
        prefix = ctx.owner(owner)
    except KeyError:
        raise ValueError(f"{code_object._label()} runs on {owner._label()}, which is not part "
                         "of this run; add the group to the network") from None
    names = _used_names(code_object.code)
    model = model_text(getattr(owner, "_model", None))
    if any(getattr(owner.variables.get(n), "kind", "") == "subexpression" for n in names):
        from labkit.plan.regular_ops import through_subexpressions  # loads sympy

        names, model = through_subexpressions(owner.variables, set(names)), None
    externals = resolve_externals(owner, names, ctx)
    kinds = external_kinds(externals)
    me, clock = ctx.owner(code_object), ctx.clock(code_object)
    # (unless refractory) variables the code writes only where not refractory (Brian2)
    conditional = tuple(sorted(owner._conditional_writes))
    key = _plain_key(code_object, model, externals, kinds, prefix, me, clock)
    if key is not None:
        memory_key = key = repr((key, conditional))
    else:
        dims = {n: getattr(v, "dim", None) for n, v in externals.items()}
        memory_key = (code_object.code, prefix, me, clock, group._start, group._stop,
                      code_object.when, code_object.order, conditional,
                      tuple(sorted((n, kinds[n], dims[n]) for n in kinds)))

    def make():
        from labkit.plan.regular_ops import operations  # loads sympy: the cold path

        return operations(code_object, externals, kinds, prefix, me, clock,
                          frozenset(conditional)), None, None

    ops = stored_operations(code_object, memory_key, key, make)[0]
    count = group._stop - group._start
    values = {argument(me, "spikes", "internal"): np.arange(group._start, group._stop,
                                                            dtype=np.int32),
              argument(me, "nspikes", "internal"): np.array([count], dtype=np.int64),
              argument(me, "N", "internal"): count}
    values.update(bind(me, externals, code_object.clock.dt_))
    return ObjectPlan(ops, values, externals=externals)


def _used_names(code: str) -> frozenset[str]:
    """The names the code reads (its temporaries left out), stored by its text."""
    def make():
        from labkit.plan.regular_ops import used_names  # loads sympy: the cold path

        return used_names(code)

    return stored_names("regular-names", (code,), make)


def _plain_key(code_object, model, externals, kinds, prefix, me, clock) -> str | None:
    """Everything the operations depend on, as text; None when not all plain (a model
    that is neither text nor Equations, code reading a subexpression, a namespace value
    of another kind)."""
    found = external_keys(externals)
    if model is None or found is None:
        return None
    group, owner = code_object.group, code_object.group._owner
    variables = tuple(sorted(
        (n, v.kind, dimension_key(v.dim), v.shared, v.read_only, v.var_type, str(v.dtype),
         v.array is not None) for n, v in owner.variables.items()))
    names = tuple(sorted((n, kinds[n], found[n]) for n in kinds))
    return repr(("regular", code_object.code, type(owner).__name__, model, variables,
                 group is owner, group._start, group._stop, prefix, me, clock,
                 code_object.when, code_object.order, names))

"""A PoissonInput at the start of a run -> its ObjectPlan: one operation and its numbers.

Each step draws, for each element of the target, how many of the ``N`` sources fired (a
binomial count with probability ``rate*dt``) and adds that many ``weight`` to the target
variable. When both ``N*p`` and ``N*(1-p)`` exceed 5 the count follows Brian2's normal
approximation (mean ``N*p``, variance ``N*p*(1-p)``, not rounded), else it is exact.

The operation (:mod:`labkit.plan.poisson_input_ops`, with sympy) comes from memory on a
re-run, from the plan store (:mod:`labkit.plan.stored_ops`: no sympy) for an input planned
in an earlier process with the same target variables, weight and kinds of names, else is
made. ``N``, ``p`` and the normal approximation's mean and spread are arguments, so
changing ``rate`` between runs costs a recompile only when it moves the count from one
sampling rule to the other.
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

__all__ = ["plan_poisson_input"]

#: Model names of the object's own numbers in its statement (never a user's name).
_N, _P, _LOC, _SCALE, _WEIGHT = "_pin_n", "_pin_p", "_pin_loc", "_pin_scale", "_pin_w"
_OWN_ROLES = {_N: "int", _P: "scalar", _LOC: "scalar", _SCALE: "scalar", _WEIGHT: "scalar"}


def plan_poisson_input(pin, ctx) -> ObjectPlan:
    """See the module docstring. ``pin``: a ``PoissonInput`` (target, N, rate, weight)."""
    target, owner = pin.target, pin.target._owner
    if owner.clock.dt_ != pin._dt:
        raise ValueError(f"{pin._label()}: the dt of {owner._label()} changed after the "
                         "PoissonInput was created (Brian2 refuses this too); create it "
                         "after setting dt")
    try:
        prefix = ctx.owner(owner)
    except KeyError:
        raise ValueError(f"{pin._label()}: {owner._label()} is not part of this run; "
                         "add it to the network") from None
    names, model = frozenset(), ""  # a value as weight reads no names, and no model
    if isinstance(pin.weight, str):
        names = _used_names(pin.weight)
        model = model_text(getattr(owner, "_model", None))
        if any(getattr(owner.variables.get(n), "kind", "") == "subexpression" for n in names):
            from labkit.plan.regular_ops import through_subexpressions  # loads sympy

            names, model = through_subexpressions(owner.variables, set(names)), None
    externals = resolve_externals(owner, names, ctx)
    kinds = external_kinds(externals)
    numbers = _numbers(pin)
    normal = numbers[_LOC] > 5 and pin.N * (1 - numbers[_P]) > 5  # Brian2's rule
    me, clock = ctx.owner(pin), ctx.clock(pin)
    # an (unless refractory) target keeps its value while refractory (Brian2's conditional
    # write): Brunel_2000's rates were 35% above Brian2's at twice the threshold rate
    conditional = pin.target_var in owner._conditional_writes
    memory_key = (prefix, me, clock, normal, conditional, target._start, target._stop,
                  pin.when, pin.order, tuple(sorted(kinds.items())))
    key = _plain_key(pin, model, externals, kinds, memory_key)

    def make():
        from labkit.plan.poisson_input_ops import operation  # loads sympy: the cold path

        op = operation(pin, externals, kinds, prefix, me, clock, normal, _OWN_ROLES,
                       conditional)
        return ((pin.when, pin.order, op, ""),), None, None

    ops = stored_operations(pin, key if key is not None else memory_key, key, make)[0]
    count = target._stop - target._start
    values = {argument(me, "spikes", "internal"): np.arange(target._start, target._stop,
                                                            dtype=np.int32),
              argument(me, "nspikes", "internal"): np.array([count], dtype=np.int64),
              argument(me, "N", "internal"): count}
    values.update({argument(me, name, "internal"): numbers[name]
                   for name in (_N, _P, _LOC, _SCALE)})
    if not isinstance(pin.weight, str):
        values[argument(me, _WEIGHT, "internal")] = float(np.asarray(pin.weight))
    values.update(bind(me, externals, pin.clock.dt_))
    return ObjectPlan(ops, values, externals=externals)


def _used_names(weight: str) -> frozenset[str]:
    """The names a weight string uses, stored by its text."""
    def make():
        from labkit.plan.poisson_input_ops import used_names  # loads sympy: the cold path

        return used_names(weight)

    return stored_names("weight-names", (weight,), make)


def _plain_key(pin, model, externals, kinds, memory_key) -> str | None:
    """Everything the operation depends on, as text; None when not all plain (a weight
    string over a model that is neither text nor Equations, or reading a subexpression;
    a namespace value of another kind)."""
    found = external_keys(externals)
    if model is None or found is None:
        return None
    owner = pin.target._owner
    variables = tuple(sorted(
        (n, v.kind, dimension_key(v.dim), v.shared, v.read_only, v.var_type, str(v.dtype),
         v.array is not None) for n, v in owner.variables.items()))
    weight = pin.weight if isinstance(pin.weight, str) else None
    names = tuple(sorted((n, kinds[n], found[n]) for n in kinds))
    return repr(("poisson-input", pin.target_var, weight, type(owner).__name__, model,
                 variables, *memory_key[:-1], names))


def _numbers(pin) -> dict:
    p = float(np.asarray(pin.rate)) * pin._dt
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{pin._label()}: rate*dt = {p:g} is not a probability; use a "
                         "smaller dt or rate")
    n = pin.N
    return {_N: n, _P: p, _LOC: n * p, _SCALE: float(np.sqrt(n * p * (1 - p)))}



"""A PoissonInput at the start of a run -> its ObjectPlan: one operation and its numbers.

Each step draws, for each element of the target, how many of the ``N`` sources fired (a
binomial count with probability ``rate*dt``) and adds that many ``weight`` to the target
variable. When both ``N*p`` and ``N*(1-p)`` exceed 5 the count follows Brian2's normal
approximation (mean ``N*p``, variance ``N*p*(1-p)``, not rounded), else it is exact.

The operation is a :class:`~labkit.codegen.spec.Reset` over the object's own list of
elements (a subgroup as target gets its part only). ``N``, ``p`` and the normal
approximation's mean and spread are arguments, so changing ``rate`` between runs costs a
recompile only when it moves the count from one sampling rule to the other.
"""

from __future__ import annotations

import numpy as np
import sympy

from labkit.codegen import spec as S
from labkit.codegen.ir import Statement
from labkit.codegen.spec import argument
from labkit.equations.checks import infer_dimension
from labkit.equations.functions import binomial, randn, random_call
from labkit.errors import DimensionMismatchError
from labkit.plan.arguments import bind, is_boolean
from labkit.plan.neurons import resolve_externals
from labkit.plan.objectplan import ObjectPlan, operations_for
from labkit.plan.regular_ops import through_subexpressions
from labkit.plan.structure import (
    _resolver,
    dimension_of_external,
    external_kinds,
    names_in,
    parse_condition,
    symbols_for,
)
from labkit.units.dimension import readable

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
    names = set()
    if isinstance(pin.weight, str):
        names = through_subexpressions(
            owner.variables, names_in(parse_condition(pin.weight, "weight")))
    externals = resolve_externals(owner, names, ctx)
    kinds = external_kinds(externals)
    numbers = _numbers(pin)
    normal = numbers[_LOC] > 5 and pin.N * (1 - numbers[_P]) > 5  # Brian2's rule
    me, clock = ctx.owner(pin), ctx.clock(pin)
    key = (prefix, me, clock, normal, target._start, target._stop, pin.when, pin.order,
           tuple(sorted(kinds.items())))
    ops = operations_for(pin, key, lambda: (
        (pin.when, pin.order, _operation(pin, externals, kinds, prefix, me, clock, normal),
         ""),))
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


def _numbers(pin) -> dict:
    p = float(np.asarray(pin.rate)) * pin._dt
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{pin._label()}: rate*dt = {p:g} is not a probability; use a "
                         "smaller dt or rate")
    n = pin.N
    return {_N: n, _P: p, _LOC: n * p, _SCALE: float(np.sqrt(n * p * (1 - p)))}


def _operation(pin, externals, kinds, prefix, me, clock, normal: bool):
    owner = pin.target._owner
    symbol = sympy.Symbol
    if normal:
        count = random_call(randn, 0) * symbol(_SCALE, real=True) + symbol(_LOC, real=True)
    else:
        count = binomial(symbol(_N, real=True), symbol(_P, real=True), sympy.Integer(0))
    var = symbol(pin.target_var, real=True)
    statement = Statement(pin.target_var, var + count * _weight_expr(pin, externals))
    arrays = {n: ("shared" if v.shared else "array") for n, v in owner.variables.items()
              if v.array is not None}
    names = names_in(statement.expr) | {pin.target_var}
    symbols = symbols_for(names - set(kinds) - set(_OWN_ROLES), prefix, arrays, {}) + \
        symbols_for(names & set(kinds), me, {}, kinds) + \
        tuple(S.Symbol(n, role, argument(me, n, "internal"))
              for n, role in _OWN_ROLES.items() if n in names)
    return S.Reset(me, clock, symbols, pin.name, (statement,))


def _weight_expr(pin, externals):
    """The weight: a Quantity (an argument) or the checked expression of a string."""
    if not isinstance(pin.weight, str):
        return sympy.Symbol(_WEIGHT, real=True)
    owner = pin.target._owner
    variables = {n: (v.dim, v.is_boolean) for n, v in owner.variables.items()
                 if v.kind != "index"}
    resolve = _resolver(getattr(owner, "equations", None), variables,
                        {n: dimension_of_external(v) for n, v in externals.items()},
                        frozenset(n for n, v in externals.items() if is_boolean(v)))
    expr = parse_condition(pin.weight, "weight")
    where = f"the weight '{pin.weight}' of {pin._label()}"
    dim = infer_dimension(expr, resolve, where=where)
    needed = owner.variables[pin.target_var].dim
    if dim is not needed:
        raise DimensionMismatchError(
            f"in {where}: the weight has units of {readable(dim)}, but {pin.target_var} "
            f"needs {readable(needed)}", dim, needed)
    subs = {sympy.Symbol(n, real=True): v.expr for n, v in owner.variables.items()
            if v.kind == "subexpression"}
    return expr.xreplace(subs)

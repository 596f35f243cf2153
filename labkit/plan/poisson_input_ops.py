"""A PoissonInput -> its operation: the sympy part of its plan.

:mod:`labkit.plan.poisson_input` calls this on the cold path only (a structure not planned
in this process nor kept on disk). The operation is a :class:`~labkit.codegen.spec.Reset`
over the object's own list of elements (a subgroup as target gets its part only):
``var += weight * count``, the count a binomial draw or, when both ``N*p`` and
``N*(1-p)`` exceed 5, Brian2's normal approximation.
"""

from __future__ import annotations

import sympy

from labkit.codegen import spec as S
from labkit.codegen.ir import Statement
from labkit.codegen.spec import argument
from labkit.equations.checks import external_dimension, infer_dimension
from labkit.equations.functions import binomial, randn, random_call
from labkit.errors import DimensionMismatchError
from labkit.plan.arguments import is_boolean
from labkit.plan.structure import (
    _resolver,
    names_in,
    parse_condition,
    symbols_for,
)
from labkit.units.dimension import readable

__all__ = ["operation", "used_names"]


def used_names(weight: str) -> frozenset[str]:
    """The names a weight string uses (may raise: a syntax error, quoted)."""
    return frozenset(names_in(parse_condition(weight, "weight")))


def operation(pin, externals, kinds, prefix, me, clock, normal: bool, own_roles: dict,
              conditional: bool = False):
    """The one operation: ``var += weight * count``, the count drawn by ``normal``'s rule.
    ``own_roles``: the model names of the object's own numbers (N, p, the normal rule's
    mean and spread, a weight given as a value, in this order) -> their roles.
    ``conditional``: the target is an ``(unless refractory)`` variable, written only where
    the neuron is not refractory (Brian2's conditional write; the count is drawn anyway)."""
    _N, _P, _LOC, _SCALE, _WEIGHT = own_roles  # noqa: N806 - the plan's constants
    owner = pin.target._owner
    symbol = sympy.Symbol
    if normal:
        count = random_call(randn, 0) * symbol(_SCALE, real=True) + symbol(_LOC, real=True)
    else:
        count = binomial(symbol(_N, real=True), symbol(_P, real=True), sympy.Integer(0))
    var = symbol(pin.target_var, real=True)
    value = var + count * _weight_expr(pin, externals, _WEIGHT)
    if conditional:
        value = sympy.Piecewise((value, symbol("not_refractory", real=True)), (var, True))
    statement = Statement(pin.target_var, value)
    arrays = {n: ("shared" if v.shared else "array") for n, v in owner.variables.items()
              if v.array is not None}
    names = names_in(statement.expr) | {pin.target_var}
    symbols = symbols_for(names - set(kinds) - set(own_roles), prefix, arrays, {}) + \
        symbols_for(names & set(kinds), me, {}, kinds) + \
        tuple(S.Symbol(n, role, argument(me, n, "internal"))
              for n, role in own_roles.items() if n in names)
    return S.Reset(me, clock, symbols, pin.name, (statement,))


def _weight_expr(pin, externals, value_name: str):
    """The weight: a Quantity (the argument ``value_name``) or the checked expression of a
    string."""
    if not isinstance(pin.weight, str):
        return sympy.Symbol(value_name, real=True)
    owner = pin.target._owner
    variables = {n: (v.dim, v.is_boolean) for n, v in owner.variables.items()
                 if v.kind != "index"}
    resolve = _resolver(getattr(owner, "equations", None), variables,
                        {n: external_dimension(v) for n, v in externals.items()},
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

"""A string expression + a group -> values for each element (``G.v = 'rand()*mV'``).

The string is parsed through the same whitelist as model strings, its units are checked
against the target variable, and it is printed as vectorised numpy code and run over the
group's elements: ``i`` is the element index (within a subgroup, as in Brian2, except
inside the model's subexpressions, which belong to the parent group), ``N`` the number of
elements, ``t`` the group's current time, the group's variables; other names are looked
up as :mod:`labkit.core.namespace` says, with the names where the string was written.
"""

from __future__ import annotations

import functools

import numpy as np

import labkit.codegen.support as kernel_support
from labkit.core.namespace import Namespace
from labkit.core.random import get_rng
from labkit.errors import DimensionMismatchError
from labkit.units.dimension import readable

__all__ = ["evaluate", "evaluate_string", "indices_where"]


@functools.lru_cache(maxsize=512)
def _parse(text: str):
    from labkit.equations import parse_expression

    return parse_expression(text, allow_undefined_functions=True)


def _names(expr) -> set[str]:
    from sympy.core.function import AppliedUndef

    return {s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(AppliedUndef)}


def evaluate(group, expr, where: str, externals: dict, subexpression: bool = False):
    """sympy expression over ``group``'s variables -> numpy values (array or scalar).

    ``i`` and ``N`` are the subgroup's own, except inside a subexpression of the model
    (``subexpression=True``, and the subexpressions an expression uses): a subexpression
    belongs to the whole group, so there they are the parent's, as in Brian2.
    """
    n = group.N
    owner = getattr(group, "_owner", group)
    first, size = (group._start - owner._start, owner.N) if subexpression else (0, n)
    scope = {"np": np, "_rng": get_rng(), "_N": n}
    rename, functions = {}, {}
    for name in _names(expr):
        key = f"_a_{name}"
        if name in externals:
            bind_external(scope, functions, name, key, externals[name], group.clock.dt_)
        elif name in ("i", "N", "t", "dt"):
            scope[key] = {"i": lambda: np.arange(first, first + n), "N": lambda: size,
                          "t": lambda: group.clock.t_, "dt": lambda: group.clock.dt_}[name]()
        else:
            var = group.variables[name]
            if var.kind == "subexpression":
                scope[key] = evaluate(group, var.expr, where, externals, subexpression=True)
            elif var.kind == "index":
                scope[key] = np.arange(first, first + n)
            else:
                scope[key] = var.array[0] if var.shared else var.array[group._start:group._stop]
        rename[name] = key
    return run_printed(expr, scope, rename, functions, where)


def bind_external(scope: dict, functions: dict, name: str, key: str, value, dt: float) -> None:
    """Put a namespace value into ``scope`` under ``key``: raw numbers for Quantities, and
    for a TimedArray its numpy lookup (called with plain floats), registered in ``functions``.
    """
    if hasattr(value, "_numpy_function"):
        functions[name] = key
        scope[key] = value._numpy_function(dt)
    else:
        scope[key] = np.asarray(value).view(np.ndarray) if hasattr(value, "dim") else value


def run_printed(expr, scope: dict, rename: dict, functions: dict, where: str):
    """Print ``expr`` as numpy code over ``scope`` and evaluate it (the string came from the
    parser's whitelist, never from the user directly)."""
    from labkit.codegen.printers import print_expr

    # a function's name is printed through ``functions``, never renamed as a symbol
    rename = {name: key for name, key in rename.items() if name not in functions}
    code = print_expr(expr, "numpy", rename, functions)
    if "_exprel_vec" in code:
        scope["_exprel_vec"] = kernel_support._exprel_vec
    with np.errstate(all="ignore"):
        return eval(compile(code, f"<{where}>", "eval"), scope)  # noqa: S307 - printed by us


def externals_for(group, expr, namespace, where: str) -> dict:
    """The external names ``expr`` uses -> their values (:mod:`labkit.core.namespace`).

    ``namespace``: the names where the string was written (None: the group's only).
    """
    from labkit.plan.regular import through_subexpressions  # loads sympy, as _names does

    own = set(group.variables) | {"t", "dt", "N", "i"}
    known = [n for n in group.variables if not n.startswith("_")]
    lookup = Namespace(getattr(group, "_namespace", None), namespace)
    # ``G.n = 'n_inf'`` needs the constants in ``n_inf``'s expression too
    return lookup.resolve(through_subexpressions(group.variables, _names(expr)) - own,
                          group._label(), where, known)


def evaluate_string(group, text: str, var, namespace):
    """``G.v = text`` -> the values to store, after the unit check against ``var``."""
    label = f"'{text}' assigned to {group._label()}.{var.name}"
    return _checked_values(group, text, namespace, label, var.dim, var.is_boolean, var.name)


def indices_where(group, condition: str, namespace) -> np.ndarray:
    """``G.v['i > 2']`` -> the indices (within ``group``) of the elements where it holds."""
    label = f"the condition '{condition}' indexing {group._label()}"
    mask = _checked_values(group, condition, namespace, label, None, True, "")
    return np.flatnonzero(np.broadcast_to(mask, (group.N,)))


def _checked_values(group, text: str, namespace, label: str, dim, condition: bool, name: str):
    from labkit.equations.checks import Resolver, check_condition, infer_dimension, resolver
    from labkit.plan.arguments import is_boolean

    expr = _parse(text)
    externals = externals_for(group, expr, namespace, f"the string {label}")
    res = resolver(None, externals)
    dims = {**res.dims, **{n: v.dim for n, v in group.variables.items()}}
    booleans = set(res.booleans) | {n for n, v in group.variables.items() if v.is_boolean} \
        | {n for n, v in externals.items() if is_boolean(v)}
    lookup = Resolver(dims, frozenset(booleans), None)
    if condition:
        check_condition(expr, lookup, where=label)
    else:
        got = infer_dimension(expr, lookup, where=label)
        if got is not dim:
            raise DimensionMismatchError(
                f"in {label}: the expression has units of {readable(got)}, but "
                f"{name} needs {readable(dim)}")
    return evaluate(group, expr, label, externals)

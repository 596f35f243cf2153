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
from labkit.cache import load_plain, save_plain, source_version
from labkit.core.namespace import Namespace, model_constants
from labkit.core.random import get_rng
from labkit.errors import DimensionMismatchError
from labkit.plan.arguments import is_boolean
from labkit.units.dimension import DIMENSIONLESS, dim_of, readable

__all__ = ["evaluate", "evaluate_string", "indices_where"]

#: The code a stored string's checks and printed form depend on.
_PACKAGES = ("equations", "codegen", "units", "groups", "core", "plan")


@functools.lru_cache(maxsize=512)
def _parse(text: str):
    from labkit.equations.expressions import parse_expression

    return parse_expression(text, allow_undefined_functions=True)


def _names(expr) -> set[str]:
    from sympy.core.function import AppliedUndef

    return {s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(AppliedUndef)}


def evaluate(group, expr, where: str, externals: dict, subexpression: bool = False,
             printed=None):
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
    return run_printed(expr, scope, rename, functions, where, printed)


def _scope(group, names, externals, first, n, size=None) -> dict:
    """The evaluation scope of a stored string's code (names: externals, TimedArrays
    among them, special names, stored variables), as :func:`evaluate` makes it (``size``:
    what ``N`` means, the parent's size inside a subexpression; else ``n``)."""
    scope = {"np": np, "_rng": get_rng(), "_N": n}
    for name in names:
        key = f"_a_{name}"
        if name in externals:
            bind_external(scope, {}, name, key, externals[name], group.clock.dt_)
        elif name in _SPECIAL and name not in group.variables:
            scope[key] = {"i": lambda: np.arange(first, first + n),
                          "N": lambda: n if size is None else size,
                          "t": lambda: group.clock.t_, "dt": lambda: group.clock.dt_}[name]()
        else:
            var = group.variables[name]
            if var.kind == "index":
                scope[key] = np.arange(first, first + n)
            else:
                scope[key] = var.array[0] if var.shared else var.array[group._start:group._stop]
    return scope


def bind_external(scope: dict, functions: dict, name: str, key: str, value, dt: float) -> None:
    """Put a namespace value into ``scope`` under ``key``: raw numbers for Quantities, and
    for a TimedArray its numpy lookup (called with plain floats), registered in ``functions``.
    """
    if hasattr(value, "_numpy_function"):
        functions[name] = key
        scope[key] = value._numpy_function(dt)
    else:
        scope[key] = np.asarray(value).view(np.ndarray) if hasattr(value, "dim") else value


def run_printed(expr, scope: dict, rename: dict, functions: dict, where: str,
                printed=None):
    """Print ``expr`` as numpy code over ``scope`` and evaluate it (the string came from the
    parser's whitelist, never from the user directly); the code is appended to
    ``printed`` (a list) when given."""
    from labkit.codegen.printers import print_expr

    # a function's name is printed through ``functions``, never renamed as a symbol
    rename = {name: key for name, key in rename.items() if name not in functions}
    code = print_expr(expr, "numpy", rename, functions)
    if printed is not None:
        printed.append(code)
    return eval_printed(code, scope, where)


def eval_printed(code: str, scope: dict, where: str):
    """Numpy code printed by :func:`labkit.codegen.printers.print_expr` (now or in an
    earlier process) -> its value over ``scope``, with IEEE math as in the kernels."""
    if "_exprel_vec" in code:
        scope["_exprel_vec"] = kernel_support._exprel_vec
    with np.errstate(all="ignore"):
        return eval(compile(code, f"<{where}>", "eval"), scope)  # noqa: S307 - printed by us


def externals_for(group, expr, namespace, where: str) -> dict:
    """The external names ``expr`` uses -> their values (:mod:`labkit.core.namespace`).

    ``namespace``: the names where the string was written (None: the group's only).
    """
    from labkit.plan.regular_ops import through_subexpressions  # loads sympy, as _names does

    own = set(group.variables) | {"t", "dt", "N", "i"}
    known = [n for n in group.variables if not n.startswith("_")]
    lookup = Namespace(getattr(group, "_namespace", None), namespace,
                       bound=model_constants(group))
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


_SPECIAL = ("i", "N", "t", "dt")


def _roles(group, names, externals) -> tuple | None:
    """The names a string uses -> what each is (an external with its dimension and
    whether it is a flag, a special name, a stored variable with its dimension and
    dtype, a TimedArray with its result's and arguments' units), or None when one is
    something a stored string does not cover (a subexpression, another function)."""
    roles = []
    for name in sorted(names):
        if name in externals:
            value = externals[name]
            if hasattr(value, "_numpy_function") and hasattr(value, "arg_dims"):
                # called with its numpy lookup (bind_external), the units checked as these
                roles.append((name, "timed", dim_of(value), tuple(value.arg_dims)))
                continue
            if hasattr(value, "_numpy_function") or hasattr(value, "arg_dims") \
                    or callable(value):
                return None
            roles.append((name, "external", dim_of(value), is_boolean(value)))
        elif name in _SPECIAL and name not in group.variables:
            roles.append((name, "special", DIMENSIONLESS, False))
        else:
            var = group.variables.get(name)
            if var is None or var.kind in ("subexpression", "linked") or (
                    var.kind != "index" and var.array is None):
                return None
            roles.append((name, var.kind, var.dim, str(var.dtype)))
    return tuple(roles)


def _stored_values(group, text, namespace, label, dim, condition, key):
    """The values of a string assigned before (its checks passed for names of the same
    kinds), evaluated from its stored numpy code without sympy; None when not stored or
    a name now means something else."""
    found = load_plain("assigned-string", key, source_version(_PACKAGES), lambda found: (
        isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)))
    if found is None:
        return None
    code, roles = found
    names = {role[0] for role in roles}
    own = set(group.variables) | set(_SPECIAL)
    lookup = Namespace(getattr(group, "_namespace", None), namespace,
                       bound=model_constants(group))
    try:
        externals = lookup.resolve(names - own, group._label(), f"the string {label}")
    except Exception:  # noqa: BLE001 - the cold path raises it with its context
        return None
    if _roles(group, names, externals) != roles:
        return None
    return eval_printed(code, _scope(group, sorted(names), externals, 0, group.N), label)


def string_key(text: str, dim, condition: bool) -> str:
    """A stored string's key: its text, the unit it must have, or a condition."""
    return f"{condition}\0{dim!r}\0{text}"


def _checked_values(group, text: str, namespace, label: str, dim, condition: bool, name: str):
    key = string_key(text, dim, condition)
    values = _stored_values(group, text, namespace, label, dim, condition, key)
    if values is not None:
        return values
    from labkit.equations.checks import Resolver, check_condition, infer_dimension, resolver

    expr = _parse(text)
    externals = externals_for(group, expr, namespace, f"the string {label}")
    res = resolver(None, externals)
    dims = {**res.dims, **{n: v.dim for n, v in group.variables.items()}}
    booleans = set(res.booleans) | {n for n, v in group.variables.items() if v.is_boolean} \
        | {n for n, v in externals.items() if is_boolean(v)}
    lookup = Resolver(dims, frozenset(booleans), None, functions=True)
    if condition:
        check_condition(expr, lookup, where=label)
    else:
        got = infer_dimension(expr, lookup, where=label)
        if got is not dim:
            raise DimensionMismatchError(
                f"in {label}: the expression has units of {readable(got)}, but "
                f"{name} needs {readable(dim)}")
    store = []
    values = evaluate(group, expr, label, externals, printed=store)
    roles = _roles(group, _names(expr), externals)
    if roles is not None and store:  # kept for processes that assign it again
        save_plain("assigned-string", key, source_version(_PACKAGES), (store[0], roles))
    return values

"""A parsed expression + a group -> values for each element: how a string assigned to a
group's variable (``G.v = 'rand()*mV'``, :mod:`labkit.groups.assigned`) or one of its
model's subexpressions (:mod:`labkit.groups.subexpressions`) is evaluated, and how its
stored numpy code is evaluated again in another process.

An expression is printed as vectorised numpy code and run over the group's elements:
``i`` is the element index (within a subgroup, as in Brian2, except inside the model's
subexpressions, which belong to the parent group), ``N`` the number of elements, ``t``
the group's current time, the group's variables and subexpressions; other names are
looked up as :mod:`labkit.core.namespace` says, with the names where the string was
written.
"""

from __future__ import annotations

import numpy as np

import labkit.codegen.support as kernel_support
from labkit.cache import load_plain, save_plain, source_version
from labkit.core.namespace import Namespace, model_constants
from labkit.core.random import get_rng
from labkit.plan.arguments import is_boolean
from labkit.units.dimension import DIMENSIONLESS, dim_of

__all__ = ["SPECIAL", "evaluate", "eval_printed", "evaluate_stored", "externals_for",
           "load_stored", "save_stored", "string_key"]

#: The code a stored string's checks and printed form depend on.
_PACKAGES = ("equations", "codegen", "units", "groups", "core", "plan")
#: Names a string may read that are neither the group's variables nor external.
SPECIAL = frozenset({"i", "N", "t", "dt"})


def _names(expr) -> set[str]:
    from sympy.core.function import AppliedUndef

    return {s.name for s in expr.free_symbols} | {
        f.func.__name__ for f in expr.atoms(AppliedUndef)}


def evaluate(group, expr, where: str, externals: dict, values_of, subexpression: bool = False,
             printed=None):
    """sympy expression over ``group``'s variables -> numpy values (array or scalar).

    ``i`` and ``N`` are the subgroup's own, except inside a subexpression of the model
    (``subexpression=True``, and the subexpressions an expression uses): a subexpression
    belongs to the whole group, so there they are the parent's, as in Brian2.
    ``values_of(name)``: the values of a subexpression the expression reads
    (:func:`labkit.groups.subexpressions.reader`, which also keeps its code).
    """
    n = group.N
    owner = getattr(group, "_owner", group)
    first, size = (group._start - owner._start, owner.N) if subexpression else (0, n)
    scope = {"np": np, "_rng": get_rng(), "_N": n}
    rename, functions = {}, {}
    # sorted, as the stored path binds them: subexpressions calling rand() draw in one order
    for name in sorted(_names(expr)):
        key = f"_a_{name}"
        if name in externals:
            bind_external(scope, functions, name, key, externals[name], group.clock.dt_)
        elif name in ("i", "N", "t", "dt"):
            scope[key] = {"i": lambda: np.arange(first, first + n), "N": lambda: size,
                          "t": lambda: group.clock.t_, "dt": lambda: group.clock.dt_}[name]()
        else:
            var = group.variables[name]
            if var.kind == "subexpression":
                scope[key] = values_of(name)
            elif var.kind == "index":
                scope[key] = np.arange(first, first + n)
            else:
                scope[key] = var.array[0] if var.shared else var.array[group._start:group._stop]
        rename[name] = key
    return run_printed(expr, scope, rename, functions, where, printed)


def _scope(group, names, externals, first, n, values_of, size=None) -> dict | None:
    """The evaluation scope of a stored string's code (names: externals, TimedArrays
    among them, special names, stored variables, subexpressions), as :func:`evaluate`
    makes it (``size``: what ``N`` means, the parent's size inside a subexpression; else
    ``n``). ``values_of(name)``: a subexpression's values from its stored code, None
    when it is not stored; then the scope is None too (the cold path takes the string).
    """
    scope = {"np": np, "_rng": get_rng(), "_N": n}
    for name in names:
        key = f"_a_{name}"
        if name in externals:
            bind_external(scope, {}, name, key, externals[name], group.clock.dt_)
        elif name in SPECIAL and name not in group.variables:
            scope[key] = {"i": lambda: np.arange(first, first + n),
                          "N": lambda: n if size is None else size,
                          "t": lambda: group.clock.t_, "dt": lambda: group.clock.dt_}[name]()
        else:
            var = group.variables[name]
            if var.kind == "subexpression":
                scope[key] = values_of(name)
                if scope[key] is None:
                    return None
            elif var.kind == "index":
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

    own = set(group.variables) | SPECIAL
    known = [n for n in group.variables if not n.startswith("_")]
    lookup = Namespace(getattr(group, "_namespace", None), namespace,
                       bound=model_constants(group))
    # ``G.n = 'n_inf'`` needs the constants in ``n_inf``'s expression too
    return lookup.resolve(through_subexpressions(group.variables, _names(expr)) - own,
                          group._label(), where, known)


def _roles(group, names, externals) -> tuple | None:
    """The names a string uses -> what each is (an external with its dimension and
    whether it is a flag, a special name, a stored variable or a subexpression with its
    dimension and dtype, a TimedArray with its result's and arguments' units), or None
    when one is something a stored string does not cover (a linked variable, another
    function). A subexpression is an array to the code like a variable: its values come
    from its own stored code, kept under the group's model."""
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
        elif name in SPECIAL and name not in group.variables:
            roles.append((name, "special", DIMENSIONLESS, False))
        else:
            var = group.variables.get(name)
            if var is None or var.kind == "linked" or (
                    var.kind not in ("index", "subexpression") and var.array is None):
                return None
            roles.append((name, var.kind, var.dim, str(var.dtype)))
    return tuple(roles)


def string_key(text: str, dim, condition: bool) -> str:
    """A stored string's key: its text, the unit it must have, or a condition."""
    return f"{condition}\0{dim!r}\0{text}"


def load_stored(kind: str, key: str):
    """A stored string's or subexpression's (code, roles) under ``key``, or None."""
    return load_plain(kind, key, source_version(_PACKAGES), lambda found: (
        isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)))


def save_stored(kind: str, key: str, code: str, roles: tuple) -> None:
    """Keep a string's or subexpression's printed ``code`` and its names' ``roles``."""
    save_plain(kind, key, source_version(_PACKAGES), (code, roles))


def evaluate_stored(group, found, namespace, known, label: str, values_of, first: int = 0,
                    size=None):
    """A stored string's or subexpression's (code, roles) -> its values over ``group``,
    without sympy; None when a name cannot be found or now means something else, or a
    subexpression it reads is not stored (the caller then takes its cold path). Its
    external names are ``known``'s (a dict: the last run's, or those of the string that
    reads it), else looked up in ``namespace`` as the cold path does; ``values_of``, the
    subexpressions it reads (:func:`evaluate`); ``first``, ``size``: as :func:`_scope`."""
    code, roles = found
    names = {role[0] for role in roles}
    outside = names - set(group.variables) - SPECIAL
    if known:
        externals = known if outside <= set(known) else None
    else:
        lookup = Namespace(getattr(group, "_namespace", None), namespace,
                           bound=model_constants(group))
        try:
            externals = lookup.resolve(outside, group._label(), label)
        except Exception:  # noqa: BLE001 - the cold path raises it with its context
            externals = None
    if externals is None or _roles(group, names, externals) != roles:
        return None
    scope = _scope(group, sorted(names), externals, first, group.N, values_of, size)
    return None if scope is None else eval_printed(code, scope, label)

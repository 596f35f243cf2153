"""A string over synaptic names + a Synapses -> one value per synapse.

Used by ``S.w = 'rand()*w_max'``, ``S.delay = 'j*0.1*ms'``, ``S.w['i > j']`` and by
reading synaptic subexpressions. Names mean what they mean in ``on_pre``: synaptic
variables, ``i``/``j`` (source/target index of each synapse), ``x_pre``/``x_post`` (and
plain ``x`` for a target variable), ``N`` (number of synapses), ``N_pre``, ``N_post``,
``t``, then the namespace. The string is parsed through the whitelist, unit-checked and
printed as vectorised numpy code (never ``eval`` of the user's text).
"""

from __future__ import annotations

import numpy as np

from labkit.cache import load_plain, save_plain, source_version
from labkit.core.random import get_rng
from labkit.errors import DimensionMismatchError
from labkit.groups.strings import bind_external, eval_printed, run_printed, string_key
from labkit.plan.arguments import is_boolean
from labkit.plan.stored_ops import model_text
from labkit.units.dimension import DIMENSIONLESS, dim_of, readable

__all__ = ["assigned_values", "synaptic_arrays", "evaluate_synaptic", "subexpression_values"]

#: The code a stored string's checks and printed form depend on.
_PACKAGES = ("equations", "codegen", "units", "groups", "core", "plan", "synapses")


def synaptic_arrays(syn, names, namespace=None) -> tuple[dict, dict]:
    """Names -> (values per synapse or scalars, dimensions); unknown names are left out.
    ``namespace``: the names where the string was written, which a subexpression of the
    source or target may read (``E`` in ``I = g*(E - v)``), as the synapses' own do."""
    n = syn.N
    values, dims = {}, {}
    for name in names:
        kind, base = syn._kind_of(name)
        if kind is None:
            continue
        if kind == "int":
            values[name] = {"N": n, "N_pre": syn.source.N, "N_post": syn.target.N}[name]
            dims[name] = DIMENSIONLESS
        elif kind == "t":
            values[name] = syn.clock.t_ if name == "t" else syn.clock.dt_
            dims[name] = syn.clock.t.dim
        elif kind == "syn":
            var = syn.variables[base]
            if var.kind == "subexpression":
                values[name] = subexpression_values(syn, base, namespace)
            else:
                values[name] = var.array[0] if var.shared else var.array[:n]
            dims[name] = var.dim
        else:
            group = syn.source if kind == "pre" else syn.target
            var = group._owner.variables[base]
            index = syn._pre[:n] if kind == "pre" else syn._post[:n]
            if var.kind == "subexpression":
                raw = _owner_values(group, base, namespace)
                values[name] = raw[index] if raw.ndim else raw
            elif var.kind == "index":
                values[name] = index.astype(np.int64)
            else:
                values[name] = var.array[0] if var.shared else var.array[index]
            dims[name] = var.dim
    return values, dims


def _owner_values(group, name: str, namespace=None) -> np.ndarray:
    owner = group._owner
    return np.asarray(owner._get(name, units=False, namespace=namespace))


def evaluate_synaptic(syn, expr, where: str, namespace=None, externals=None, printed=None):
    """sympy expression -> numpy values, one per synapse (or a scalar); the printed code
    is appended to ``printed`` (a list) when given."""
    from labkit.plan.structure import names_in

    names = names_in(expr)
    values, _ = synaptic_arrays(syn, names, namespace)
    if externals is None:
        externals = syn._externals_for(names - set(values), namespace, where)
    scope = {"np": np, "_rng": get_rng(), "_N": syn.N}
    rename, functions = {}, {}
    for name in names:
        key = f"_a_{name}"
        if name in values:
            scope[key] = values[name]
        else:
            bind_external(scope, functions, name, key, externals[name], syn.clock.dt_)
        rename[name] = key
    return run_printed(expr, scope, rename, functions, where, printed)


def check_units(syn, expr, where: str, namespace, dim=None, condition: bool = False):
    """Unit check of a string against the target dimension; returns the externals."""
    from labkit.equations.checks import Resolver, check_condition, infer_dimension
    from labkit.equations.unitspec import _unit_tables
    from labkit.plan.structure import names_in
    names = names_in(expr)
    values, dims = synaptic_arrays(syn, names, namespace)
    externals = syn._externals_for(names - set(values), namespace, where)
    from labkit.equations.checks import external_dimension

    table = dict(_unit_tables()[1])
    table.update({n: external_dimension(v) for n, v in externals.items()})
    table.update(dims)
    booleans = frozenset(n for n, v in values.items() if np.asarray(v).dtype == np.bool_)
    lookup = Resolver(table, booleans, None, functions=True)
    if condition:
        check_condition(expr, lookup, where=where)
    else:
        got = infer_dimension(expr, lookup, where=where)
        if dim is not None and got is not dim:
            raise DimensionMismatchError(
                f"in {where}: the expression has units of {readable(got)}, but the variable "
                f"needs {readable(dim)}")
    return externals


def assigned_values(syn, text: str, dim, condition: bool, namespace, where: str):
    """``S.w = text`` -> the values to store: from the string's stored numpy code when it
    was assigned before with names of the same kinds (no sympy: a fresh process's
    ``S.w = '20*abs(x_pre)/N_pre'``), else parsed, unit-checked against ``dim`` (or as a
    condition) and evaluated, and its code stored."""
    key = string_key(text, dim, condition)
    values = _stored_values(syn, "synaptic-string", key, namespace, where)
    if values is not None:
        return values
    from labkit.plan.structure import parse_condition  # loads sympy

    expr = parse_condition(text, "synaptic string")
    externals = check_units(syn, expr, where, namespace, dim, condition=condition)
    return _evaluated(syn, expr, "synaptic-string", key, namespace, where, externals)


def subexpression_values(syn, name: str, namespace=None):
    """The values of ``syn``'s subexpression ``name`` (one per synapse, or a scalar): from
    its stored numpy code, kept under the synapses' model and the name (no sympy: a fresh
    process's ``S.w = '0.2 + 0.1*x'`` or ``S.x[:]``), else evaluated from its expression
    (the model's other subexpressions substituted) and its code stored. ``namespace``:
    where it is read, for the names it uses (``E`` in the target's ``I`` of
    ``x = w*I_post``), as the synapses' own strings look them up."""
    model = model_text(getattr(syn, "_model", None))
    key = None if model is None else repr(("synaptic-subexpression", model, name))
    where = f"subexpression '{name}' of {syn._label()}"
    if key is not None:
        values = _stored_values(syn, "synaptic-subexpression", key, namespace, where)
        if values is not None:
            return values
    from labkit.plan.structure import names_in  # loads sympy (so does the expression)

    expr = syn.variables[name].expr
    values, _ = synaptic_arrays(syn, names_in(expr), namespace)
    externals = syn._externals_for(names_in(expr) - set(values), namespace, where)
    return _evaluated(syn, expr, "synaptic-subexpression", key, namespace, where, externals)


def _evaluated(syn, expr, kind: str, key, namespace, where: str, externals):
    """``expr``'s values, its printed code kept under ``key`` (when not None) with the
    roles of the names it uses, for processes that evaluate it again."""
    from labkit.plan.structure import names_in

    store = []
    values = evaluate_synaptic(syn, expr, where, namespace, externals=externals, printed=store)
    roles = _roles(syn, names_in(expr), externals)
    if key is not None and roles is not None and store:
        save_plain(kind, key, source_version(_PACKAGES), (store[0], roles))
    return values


def _roles(syn, names, externals) -> tuple | None:
    """The names a string uses -> what each is (a synaptic, pre- or postsynaptic variable
    with its kind, unit, dtype and sharing; a special name; an external with its unit and
    whether it is a flag; a TimedArray with its result's and arguments' units), or None
    when one is something the stored code does not cover (another function). A
    subexpression, of the synapses or of the source or target, is an array to the code
    like a variable (its values come from :func:`subexpression_values` or from its group,
    :func:`_owner_values`, which keep their own code under their model)."""
    roles = []
    for name in sorted(names):
        kind, base = syn._kind_of(name)
        if kind is None:
            value = externals.get(name)
            if hasattr(value, "_numpy_function") and hasattr(value, "arg_dims"):
                # called with its numpy lookup (bind_external), the units checked as these
                roles.append((name, "timed", dim_of(value), tuple(value.arg_dims)))
                continue
            if value is None or hasattr(value, "_numpy_function") \
                    or hasattr(value, "arg_dims") or callable(value):
                return None
            roles.append((name, "external", dim_of(value), is_boolean(value)))
        elif kind in ("int", "t"):
            roles.append((name, kind))
        else:
            owner = syn if kind == "syn" else (
                syn.source if kind == "pre" else syn.target)._owner
            var = owner.variables[base]
            if var.kind not in ("index", "subexpression") and var.array is None:
                return None
            roles.append((name, kind, var.kind, var.dim, str(var.dtype), var.shared))
    return tuple(roles)


def _stored_values(syn, kind: str, key: str, namespace, where: str):
    """The values of a string assigned before (or a subexpression read before), from its
    stored code; None when it is not stored or a name now means something else (the cold
    path then checks it)."""
    found = load_plain(kind, key, source_version(_PACKAGES), lambda found: (
        isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)
        and isinstance(found[1], tuple)))
    if found is None:
        return None
    code, roles = found
    names = {role[0] for role in roles}
    values, _ = synaptic_arrays(syn, names, namespace)
    try:
        externals = syn._externals_for(names - set(values), namespace, where)
    except Exception:  # noqa: BLE001 - the cold path raises it with its context
        return None
    if _roles(syn, names, externals) != roles:
        return None
    scope = {"np": np, "_rng": get_rng(), "_N": syn.N}
    for name in names:
        if name in values:
            scope[f"_a_{name}"] = values[name]
        else:
            bind_external(scope, {}, name, f"_a_{name}", externals[name], syn.clock.dt_)
    return eval_printed(code, scope, where)

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

from labkit.core.random import get_rng
from labkit.errors import DimensionMismatchError
from labkit.groups.strings import bind_external, run_printed
from labkit.units.dimension import DIMENSIONLESS, readable

__all__ = ["synaptic_arrays", "evaluate_synaptic"]


def synaptic_arrays(syn, names) -> tuple[dict, dict]:
    """Names -> (values per synapse or scalars, dimensions); unknown names are left out."""
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
                values[name] = evaluate_synaptic(syn, var.expr, f"subexpression '{base}'")
            else:
                values[name] = var.array[0] if var.shared else var.array[:n]
            dims[name] = var.dim
        else:
            group = syn.source if kind == "pre" else syn.target
            var = group._owner.variables[base]
            index = syn._pre[:n] if kind == "pre" else syn._post[:n]
            if var.kind == "subexpression":
                raw = _owner_values(group, base)
                values[name] = raw[index] if raw.ndim else raw
            elif var.kind == "index":
                values[name] = index.astype(np.int64)
            else:
                values[name] = var.array[0] if var.shared else var.array[index]
            dims[name] = var.dim
    return values, dims


def _owner_values(group, name: str) -> np.ndarray:
    owner = group._owner
    return np.asarray(owner._get(name, units=False))


def evaluate_synaptic(syn, expr, where: str, namespace=None, externals=None):
    """sympy expression -> numpy values, one per synapse (or a scalar)."""
    from labkit.plan.structure import names_in

    names = names_in(expr)
    values, _ = synaptic_arrays(syn, names)
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
    return run_printed(expr, scope, rename, functions, where)


def check_units(syn, expr, where: str, namespace, dim=None, condition: bool = False):
    """Unit check of a string against the target dimension; returns the externals."""
    from labkit.equations.checks import Resolver, check_condition, infer_dimension
    from labkit.equations.unitspec import _unit_tables
    from labkit.plan.structure import names_in
    names = names_in(expr)
    values, dims = synaptic_arrays(syn, names)
    externals = syn._externals_for(names - set(values), namespace, where)
    from labkit.equations.checks import external_dimension

    table = dict(_unit_tables()[1])
    table.update({n: external_dimension(v) for n, v in externals.items()})
    table.update(dims)
    booleans = frozenset(n for n, v in values.items() if np.asarray(v).dtype == np.bool_)
    lookup = Resolver(table, booleans, None)
    if condition:
        check_condition(expr, lookup, where=where)
    else:
        got = infer_dimension(expr, lookup, where=where)
        if dim is not None and got is not dim:
            raise DimensionMismatchError(
                f"in {where}: the expression has units of {readable(got)}, but the variable "
                f"needs {readable(dim)}")
    return externals

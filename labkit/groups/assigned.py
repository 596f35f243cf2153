"""``G.v = 'rand()*mV'`` and ``G.v['i > 2'] = ...``: a string assigned to a group's
variable, or a condition indexing it -> its values.

The string is parsed through the same whitelist as model strings, its units are checked
against the target variable (or as a condition), and it is evaluated as
:mod:`labkit.groups.strings` says. Its printed numpy code is kept in the plain store
under its text and target unit, with what each name it reads is (kinds, units, dtypes):
a second process that assigns it again evaluates that code without sympy when its names
mean the same. A subexpression it reads is such a name, its values from its own stored
code (:mod:`labkit.groups.subexpressions`).
"""

from __future__ import annotations

import functools

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.groups.strings import (
    _names,
    _roles,
    evaluate,
    evaluate_stored,
    externals_for,
    load_stored,
    save_stored,
    string_key,
)
from labkit.groups.subexpressions import reader
from labkit.plan.arguments import is_boolean
from labkit.units.dimension import readable

__all__ = ["evaluate_string", "indices_where"]


@functools.lru_cache(maxsize=512)
def _parse(text: str):
    from labkit.equations.expressions import parse_expression

    return parse_expression(text, allow_undefined_functions=True)


def evaluate_string(group, text: str, var, namespace):
    """``G.v = text`` -> the values to store, after the unit check against ``var``."""
    label = f"'{text}' assigned to {group._label()}.{var.name}"
    return _checked_values(group, text, namespace, label, var.dim, var.is_boolean, var.name)


def indices_where(group, condition: str, namespace) -> np.ndarray:
    """``G.v['i > 2']`` -> the indices (within ``group``) of the elements where it holds."""
    label = f"the condition '{condition}' indexing {group._label()}"
    mask = _checked_values(group, condition, namespace, label, None, True, "")
    return np.flatnonzero(np.broadcast_to(mask, (group.N,)))


def _stored_values(group, namespace, label, key):
    """The values of a string assigned before (its checks passed for names of the same
    kinds), evaluated from its stored numpy code without sympy; None when not stored or
    a name now means something else."""
    found = load_stored("assigned-string", key)
    # a subexpression's names are looked up where the string is written, as in Brian2
    return None if found is None else evaluate_stored(
        group, found, namespace, None, label, reader(group, namespace, None))


def _checked_values(group, text: str, namespace, label: str, dim, condition: bool, name: str):
    key = string_key(text, dim, condition)
    values = _stored_values(group, namespace, label, key)
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
    values = evaluate(group, expr, label, externals, reader(group, None, externals, True),
                      printed=store)
    roles = _roles(group, _names(expr), externals)
    if roles is not None and store:  # kept for processes that assign it again
        save_stored("assigned-string", key, store[0], roles)
    return values

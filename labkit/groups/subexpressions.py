"""A subexpression ``u`` of a group's model, outside a run: its values (``G.u``, or read
by a string assigned to the group, ``G.v = '2*u'``, or indexing it, ``G.v['u > 1']``).

Why: reading one (lesson 10 prints ``neuron.time_constant[0]`` after building the neuron)
parsed the model and printed the expression with sympy in every process, although the
expression depends only on the model. Its printed numpy code is kept in the plain store
under the model (:func:`~labkit.plan.stored_ops.model_text`: the text or an Equations
object's recipe) and the name, with the kinds and units of the names it reads (checked
again at each read, as for a stored string: a name that now means something else takes
the cold path). A subexpression it reads is such a name, its values from its own stored
code. A model that cannot be said as plain text is evaluated every time.
"""

from __future__ import annotations

import numpy as np

from labkit.groups.strings import (
    _names,
    _roles,
    evaluate,
    evaluate_stored,
    load_stored,
    save_stored,
)
from labkit.plan.stored_ops import model_text

__all__ = ["reader", "subexpression_values"]


def subexpression_values(group, name: str, namespace, known, cold_externals=None):
    """The values of ``group``'s subexpression ``name`` (a subgroup's part of them):
    from the stored code of this model's ``name``, else evaluated from its expression
    (sympy) with ``cold_externals(expr)``, and its code stored. ``known``: the namespace
    values to read its names from (the last run's; a string's, whose subexpressions take
    the names where it is written, as in Brian2), else they are looked up in
    ``namespace``. Without ``cold_externals``, None when its code is not stored or a name
    now means something else (a stored string then takes its cold path)."""
    owner = getattr(group, "_owner", group)
    first = group._start - owner._start
    model = model_text(getattr(owner, "_model", None))
    key = None if model is None else repr(("subexpression", model, name))
    label = f"subexpression '{name}'"
    found = None if key is None else load_stored("subexpression", key)
    if found is not None:
        values = evaluate_stored(group, found, namespace, known, label,
                                 reader(group, namespace, known), first, owner.N)
        if values is not None:
            return np.asarray(values)
    if cold_externals is None:
        return None
    expr = group.variables[name].expr  # parsed now (sympy)
    externals = cold_externals(expr)
    printed = []
    values = np.asarray(evaluate(group, expr, label, externals,
                                 reader(group, None, externals, True), subexpression=True,
                                 printed=printed))
    roles = _roles(group, _names(expr), externals)
    if key is not None and roles is not None and printed:
        save_stored("subexpression", key, printed[0], roles)
    return values


def reader(group, namespace, known, cold: bool = False):
    """``values_of(name)`` for :func:`~labkit.groups.strings.evaluate` and a stored
    code's scope: the values of ``group``'s subexpression ``name``, its names read from
    ``known`` (the externals of the expression that reads it) or looked up in
    ``namespace``. When its code is not stored: with ``cold``, evaluated from its
    expression with ``known`` (and its code stored); else None."""
    cold_externals = (lambda _: known) if cold else None
    return lambda name: subexpression_values(group, name, namespace, known, cold_externals)

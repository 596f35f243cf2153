"""``G.u`` for a subexpression ``u`` of the model, outside a run: its values.

Why: reading one (lesson 10 prints ``neuron.time_constant[0]`` after building the neuron)
parsed the model and printed the expression with sympy in every process, although the
expression depends only on the model. Its printed numpy code is kept in the plain store
under the model (:func:`~labkit.plan.stored_ops.model_text`: the text or an Equations
object's recipe) and the name, with the kinds and units of the names it reads (checked
again at each read, as for a stored string: a name that now means something else takes
the cold path). A model that cannot be said as plain text is evaluated every time.
"""

from __future__ import annotations

import numpy as np

from labkit.cache import load_plain, save_plain, source_version
from labkit.core.namespace import Namespace, model_constants
from labkit.groups.strings import _PACKAGES, _names, _roles, _scope, eval_printed, evaluate
from labkit.plan.stored_ops import model_text

__all__ = ["subexpression_values"]

_SPECIAL = frozenset({"i", "N", "t", "dt"})


def _valid(found) -> bool:
    return isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)


def _externals(group, names, namespace, label):
    """The names' namespace values: the last run's, or resolved as the cold path does."""
    own = set(group.variables) | _SPECIAL
    last = getattr(group, "_last_externals", None)
    if last:
        return last if names - own <= set(last) else None
    lookup = Namespace(getattr(group, "_namespace", None), namespace,
                       bound=model_constants(group))
    try:
        return lookup.resolve(names - own, group._label(), label)
    except Exception:  # noqa: BLE001 - the cold path raises it with its context
        return None


def subexpression_values(group, name: str, namespace, cold_externals):
    """The values of ``group``'s subexpression ``name`` (a subgroup's part of them):
    from the stored code of this model's ``name``, else evaluated from its expression
    (sympy) with ``cold_externals(expr)``, and its code stored."""
    owner = getattr(group, "_owner", group)
    first = group._start - owner._start
    model = model_text(getattr(owner, "_model", None))
    key = None if model is None else repr(("subexpression", model, name))
    label = f"subexpression '{name}'"
    version = source_version(_PACKAGES)
    found = None if key is None else load_plain("subexpression", key, version, _valid)
    if found is not None:
        code, roles = found
        names = {role[0] for role in roles}
        externals = _externals(group, names, namespace, label)
        if externals is not None and _roles(group, names, externals) == roles:
            scope = _scope(group, sorted(names), externals, first, group.N, size=owner.N)
            return np.asarray(eval_printed(code, scope, label))
    expr = group.variables[name].expr  # parsed now (sympy)
    externals = cold_externals(expr)
    printed = []
    values = np.asarray(evaluate(group, expr, label, externals, subexpression=True,
                                 printed=printed))
    roles = _roles(group, _names(expr), externals)
    if key is not None and roles is not None and printed:
        save_plain("subexpression", key, version, (printed[0], roles))
    return values

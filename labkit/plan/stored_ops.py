"""An object's operations for a run, kept on disk without sympy: a run of a model seen before.

Why: planning a run (unit checks, integration, the operations' sympy statements) was the
one part of a fresh process's first ``run()`` that still imported sympy (0.2-0.25 s of
CPU, more than the whole run of a small model) although the model had been planned in
an earlier process. What planning makes depends only on the object's strings, the kinds,
units and types of the names they use, its variables, its place in the run (argument
prefix, clock) and labkit's code, so a plan can say all that in plain text (its *plain
key*); the operations made for it are kept in :func:`labkit.cache.load_plain`'s store
under that key, with each sympy expression a :class:`~labkit.codegen.stored_expr.
StoredExpr` (its tree as text, which keys the kernel's source on disk exactly as the
expression does; the expression itself comes back only if a source has to be generated).

A key is made afresh at every run from what the names resolve to *now*, so a name bound
to something else (another unit, a boolean, a TimedArray), a changed string, dt or
method, or another version of labkit gives another key and takes the cold path, which
plans, checks and fails as before. Only successful plans are stored; an unreadable or
foreign entry is a miss. Plans that cannot say everything in plain text (an object kind
not covered, namespace values other than numbers, booleans, quantities and TimedArrays)
give no key and always take the cold path. A model given as an ``Equations`` object is
said by its recipe (:func:`model_text`), so that one made again in a fresh process plans
without sympy too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from labkit.cache import load_plain, save_plain, source_version
from labkit.codegen.spec import Operation
from labkit.codegen.stored_expr import stored, tree_text
from labkit.plan.objectplan import operations_for
from labkit.units.dimension import Dimension

__all__ = ["dimension_key", "external_key", "external_keys", "fetched_operations",
           "model_text", "plain_facts", "stored_operations"]

#: The code whose change invalidates stored plans: everything between a string and the
#: operations (the parser, units, integration, the plans, the objects that ask for them).
_PACKAGES = ("codegen", "core", "equations", "groups", "integration", "monitors", "plan",
             "spatial", "synapses", "units")


def _version() -> str:
    return source_version(_PACKAGES)


def dimension_key(dim) -> tuple | None:
    """A Dimension -> its exponents (plain, exact), or None for anything else."""
    return tuple(dim._exponents) if isinstance(dim, Dimension) else None


def model_text(model) -> str | None:
    """A model as the text its plans are kept under: a string as it is; an ``Equations``
    object made from text as its recipe (the texts, renames, bound names and sums that
    decide its lines and trees: no sympy needed), and its bound names; another as each
    line's fields with its expression's tree (:func:`~labkit.codegen.stored_expr.
    tree_text`, which keeps what printing forgets, such as the numbering of ``rand()``
    calls) and the names it binds (their values' units are part of the key as namespace
    values'); None for anything else (planned every time)."""
    if isinstance(model, str):
        return model
    recipe, bound = getattr(model, "recipe", None), getattr(model, "constants", None)
    if recipe is not None and bound is not None:  # made from text: no sympy form needed
        return repr(("Equations-recipe", recipe, sorted(bound)))
    lines = getattr(model, "values", None)
    if lines is None or bound is None:
        return None
    rows = []
    for eq in lines():
        dim = dimension_key(eq.dim)
        if dim is None:
            return None
        rows.append((eq.kind, eq.name, dim, eq.var_type, sorted(eq.flags), eq.source,
                     None if eq.expr is None else tree_text(eq.expr)))
    return repr(("Equations", rows, sorted(bound)))


def external_key(value):
    """A namespace value -> what a plan reads of it, as plain data: the unit of a number,
    boolean or scalar quantity (and whether it is a boolean), a TimedArray's result and
    argument units; None for anything else (such a plan is made every time)."""
    is_bool = isinstance(value, (bool, np.bool_))
    if is_bool or isinstance(value, (int, float, np.number)):
        return ("value", dimension_key(getattr(value, "dim", None)), is_bool)
    if hasattr(value, "_kernel_values"):  # a TimedArray: its units and argument units
        args = getattr(value, "arg_dims", None)
        dims = (dimension_key(getattr(value, "dim", None)),
                *(dimension_key(d) for d in args or ()))
        if args is None or any(d is None for d in dims):
            return None
        return ("timed", type(value).__qualname__, dims)
    if isinstance(value, np.ndarray) and value.ndim == 0 \
            and type(value).__module__.startswith(("numpy", "labkit")):
        return ("value", dimension_key(getattr(value, "dim", None)), bool(value.dtype == np.bool_))
    return None


def external_keys(externals: dict) -> dict | None:
    """Each namespace value's :func:`external_key`, or None when one has none (such a plan
    is made every time)."""
    found = {n: external_key(v) for n, v in externals.items()}
    return None if any(k is None for k in found.values()) else found


def plain_facts(kind: str, key: str | None, make: Callable[[], object], valid):
    """``make()``'s plain result, read from the store when ``key`` was seen before (and
    ``valid(result)``); a None key always makes it (and stores nothing)."""
    if key is None:
        return make()
    found = load_plain(kind, key, _version(), valid)
    if found is None:
        found = make()
        save_plain(kind, key, _version(), found)
    return found


def stored_names(kind: str, parts: tuple | None, make: Callable[[], frozenset]) -> frozenset:
    """The names a model's strings use (``make()``, which parses them with sympy), stored
    under ``kind`` and ``parts`` (the strings and whatever else decides the names); None
    parts: always made."""
    key = None if parts is None else repr((kind, *parts))
    return plain_facts(kind, key, make, _name_set)


def _name_set(found) -> bool:
    return isinstance(found, frozenset) and all(isinstance(n, str) for n in found)


def _valid(found) -> bool:
    """``(ops, method, method_choice)``: ops one Operation or (when, order, op, ...) rows."""
    ops, *rest = found
    return len(rest) == 2 and (isinstance(ops, Operation) or isinstance(ops, tuple) and all(
        isinstance(row, tuple) and len(row) >= 3 and isinstance(row[0], str)
        and isinstance(row[2], Operation) for row in ops))


#: What a stored operation's label starts with instead of its object's name: the plan
#: does not depend on names, so a group built again (``neurongroup_1``) finds it too.
_NAME = "\0"


def _relabelled(found, old: str, new: str):
    """``(ops, ...)`` with each operation's label starting with ``new`` instead of ``old``
    (labels only name the object in messages; they are no part of the structure)."""
    def one(op):
        if op.label.startswith(old):
            return dataclasses.replace(op, label=new + op.label[len(old):])
        return op

    ops, *rest = found
    ops = one(ops) if isinstance(ops, Operation) else tuple(
        (row[0], row[1], one(row[2]), *row[3:]) for row in ops)
    return (ops, *rest)


def fetched_operations(obj, key: str | None, make: Callable[[], tuple]) -> tuple:
    """``(ops, method, method_choice)`` for ``obj``: read from the store under the plain
    ``key``, else ``make()`` (the cold path: sympy, its checks and errors), then stored.
    Labels are kept without ``obj.name`` and get it back when read."""
    if key is not None:
        found = load_plain("run-ops", key, _version(), _valid)
        if found is not None:
            return _relabelled(found, _NAME, obj.name)
    made = make()
    if key is not None:
        try:
            kept = stored(_relabelled(made, obj.name, _NAME))
        except Exception:  # noqa: BLE001 - an expression pickle refuses: kept in memory only
            return made
        save_plain("run-ops", key, _version(), kept)
    return made


def stored_operations(obj, memory_key, key: str | None, make: Callable[[], tuple]) -> tuple:
    """:func:`fetched_operations`, but the last ones while ``memory_key`` is the same (a
    re-run with new values)."""
    return operations_for(obj, memory_key, lambda: fetched_operations(obj, key, make))

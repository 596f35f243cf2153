"""Namespace values -> the values bound to kernel arguments, and the Symbols that read them.

Arguments are named by :func:`labkit.codegen.spec.argument` (one function, for the plans
that bind values and the loops that read them). Here: a constant becomes a ``float``, or a
``bool`` for a flag, so it stays usable as a condition; a TimedArray its five parts; a
model name of an operation a :class:`~labkit.codegen.spec.Symbol` with its role and
argument.

>>> bind("_o3", {"flag": True, "tau": 0.01}, dt=1e-4)
{'_o3__c_flag': True, '_o3__c_tau': 0.01}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labkit.codegen.spec import Symbol, argument

__all__ = ["is_boolean", "constant_value", "bind", "symbol", "link_aliases", "event_prefix"]

#: Symbol roles whose argument is the owner's variable, constant or TimedArray.
_ROLE_KINDS = {"array": "variable", "shared": "variable", "scalar": "constant",
               "timed": "timed", "int": "internal"}


def is_boolean(value) -> bool:
    """True for a namespace value that is a boolean (``flag = True``), not a number."""
    return isinstance(value, (bool, np.bool_)) or (
        getattr(value, "dim", None) is None and not hasattr(value, "_kernel_values")
        and np.asarray(value).dtype == np.bool_)


def constant_value(value):
    """A namespace value -> what the kernel gets: ``bool`` for booleans, else a float64.

    numpy's float64, not Python's float: the numpy device's scalar arithmetic then divides
    by zero as the compiled devices do (``inf``, reported as a non-finite state naming the
    zero) instead of raising ZeroDivisionError from generated code.
    """
    return bool(value) if is_boolean(value) else np.float64(np.asarray(value))


def bind(owner: str, externals: Mapping, dt: float) -> dict:
    """An object's external names -> {argument: value}, constants and TimedArrays alike.

    ``dt``: the time step of the object that reads them (a TimedArray's rounding uses it).
    """
    values = {}
    for name, value in externals.items():
        if hasattr(value, "_kernel_values"):
            values.update(value._kernel_values(argument(owner, name, "timed"), dt))
        else:
            values[argument(owner, name, "constant")] = constant_value(value)
    return values


def symbol(name: str, role: str, owner: str = "", variable: str | None = None) -> Symbol:
    """A model name of an operation -> its :class:`Symbol` (role and argument).

    ``owner``: the prefix of the object that owns the value; ``variable``: the model name
    behind it when it differs from ``name`` (``v`` for a synapse's ``v_post``).
    """
    kind = _ROLE_KINDS.get(role)
    if kind is None:  # the index, t, dt, timestep: no argument
        return Symbol(name, role)
    return Symbol(name, role, argument(owner, variable or name, kind))


def link_aliases(group, ctx) -> dict[str, str]:
    """The kernel arguments of ``group``'s linked variables -> the arguments of the
    variables they link to (only for links to groups in this run: a group outside it
    passes the linked array itself)."""
    aliases = {}
    for name, target in getattr(group, "_links", {}).items():
        try:
            source = ctx.owner(getattr(target.group, "_owner", target.group))
        except KeyError:
            continue
        aliases[argument(ctx.owner(group), name)] = argument(source, target.name)
    return aliases


def event_prefix(group, prefix: str, event: str) -> str:
    """The argument prefix of ``event``'s arrays in a run where ``group`` has ``prefix``.

    The spike's are the group's own; a custom event's are numbered in name order, never
    named after the event (kernel structure must not depend on user names).
    """
    if event == "spike":
        return prefix
    return f"{prefix}__e{sorted(group.events).index(event)}"  # an internal name of the group

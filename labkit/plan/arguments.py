"""A model name + the prefix of its owner -> the kernel argument, and the value bound to it.

Every number a kernel reads is an argument. Its name comes from the owner's prefix (the
run numbers its objects ``_o0``, ``_o1``, ...) and the model name, here and nowhere
else, so two objects that read one value (a group and the monitor recording one of its
subexpressions) bind it under one name, and names of different kinds never meet:

============  =====================  ===============================================
kind          argument               value
============  =====================  ===============================================
variable      ``_o3_v``              the variable's storage array
constant      ``_o3__c_tau``         a namespace number: float (bool for a boolean)
timed         ``_o3__t_I``           a TimedArray: ``_o3__t_I_values``, ``_eps``, ...
internal      ``_o3_N``              sizes, indices, buffers the object keeps
============  =====================  ===============================================

(User names never start with ``_``, so ``_o3__c_tau`` cannot be a variable's argument.)

>>> argument("_o3", "tau", "constant"), argument("_o3", "v")
('_o3__c_tau', '_o3_v')
>>> bind("_o3", {"flag": True, "tau": 0.01}, dt=1e-4)
{'_o3__c_flag': True, '_o3__c_tau': 0.01}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labkit.codegen.spec import Symbol

__all__ = ["KINDS", "argument", "is_boolean", "constant_value", "bind", "symbol"]

#: kind -> how the argument's name follows the owner's prefix.
KINDS = {"variable": "_", "constant": "__c_", "timed": "__t_", "internal": "_"}

#: Symbol roles whose argument is the owner's variable, constant or TimedArray.
_ROLE_KINDS = {"array": "variable", "shared": "variable", "scalar": "constant",
               "timed": "timed", "int": "internal"}


def argument(owner: str, name: str, kind: str = "variable") -> str:
    """The kernel argument of ``name`` (of ``kind``, see the module doc) owned by ``owner``."""
    return f"{owner}{KINDS[kind]}{name}"


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

"""External names in strings -> values: the one place that looks them up (Brian2's order).

A name in an equation, threshold, reset, refractory, ``on_pre``/``on_post`` or ``connect``
string, in a string assigned to a variable (``G.v = 'v_rest + rand()*mV'``) or in a
recorded subexpression means, in this order (Brian2's ``Group.resolve``):

1. a variable of the object, or one of its special names (``i``, ``j``, ``N``, ``t``,
   ``dt``, ``xi``, ``v_pre``/``v_post`` for a synapse): each object knows its own and
   passes them as ``known``; they are never looked up here;
2. a value bound by the object's model (``Equations(eqs, tau=10*ms)``; Brian2 pastes
   it into the equations' text, so it beats every place below);
3. a default: a unit name (``mV`` means 1 mV as outside strings), ``pi``, ``e``, ``inf``;
4. the object's own ``namespace=`` (given when it was created);
5. the run's namespace: ``run(namespace=...)`` (or ``connect(namespace=...)``) if given,
   else the locals and globals where ``run()`` (``connect()``, the assignment) was called.

Only number-like values count (numbers, arrays, Quantities, TimedArrays): a name bound
to anything else in one place is looked for further on. When two places give one name
different values, the first wins and a warning says so, once, as Brian2 warns. Values
are read at every ``run()``, so changing ``tau`` between runs changes the simulation
(without recompiling: values are kernel arguments).

Only this module and :mod:`labkit.core.magic` read the caller's frame: every other
function that needs the caller's names takes a ``level`` and calls
:func:`frame_namespace`, as Brian2's ``get_local_namespace``.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections import ChainMap
from collections.abc import Iterable, Mapping

import numpy as np

from labkit.equations.names import FUNCTION_NAMES
from labkit.errors import ArgumentTypeError, UnknownNameError, shorten, suggest
from labkit.logs import warn
from labkit.units.table import UNITS

__all__ = ["Namespace", "defaults", "frame_namespace", "MISSING", "model_constants",
           "unknown_name"]

MISSING = object()
_DEFAULTS: dict = {}
_WARNED: set = set()


def defaults() -> dict:
    """Names every string can use without defining them: units, ``pi``, ``e``, ``inf``."""
    if not _DEFAULTS:
        _DEFAULTS.update(UNITS)
        _DEFAULTS.update(pi=math.pi, e=math.e, inf=math.inf)
    return _DEFAULTS


def frame_namespace(level: int = 0) -> Mapping:
    """The locals and globals (locals first) of a caller's frame.

    ``level=0`` is the function that calls this one; each function between it and the
    user's code adds one, as Brian2's ``get_local_namespace(level)``.
    """
    frame = sys._getframe(level + 1)
    if frame.f_locals is frame.f_globals:
        return frame.f_globals
    return ChainMap(dict(frame.f_locals), frame.f_globals)


def model_constants(obj) -> Mapping | None:
    """The values ``obj``'s model binds (``Equations(eqs, tau=10*ms)``), or None: a
    model given as text binds none."""
    equations = getattr(obj, "_equations", None)  # a model given as (or parsed to) Equations
    return getattr(equations, "constants", None) or None


def is_number_like(value) -> bool:
    """Values a string may use: numbers, arrays and Quantities, TimedArrays."""
    return isinstance(value, (numbers.Number, np.ndarray, np.generic)) or hasattr(
        value, "_kernel_values")


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        return getattr(a, "dim", None) is getattr(b, "dim", None) and bool(
            np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return False


class Namespace:
    """Where one object's external names are looked up, in the order of the module doc.

    ``own``: the object's ``namespace=``; ``run``: the run's namespace (explicit, or a
    frame's from :func:`frame_namespace`); ``overrides``: values given for one run only
    (cpp_standalone's ``device.run(run_args={'I0': ...})``), which beat everything but
    ``bound``: the values the object's model binds (``Equations(eqs, tau=10*ms)``).

    >>> ns = Namespace(own={"tau": 2.0}, run={"tau": 3.0, "w": 1.0, "mV": "text"})
    >>> ns.lookup("tau"), ns.lookup("w"), float(ns.lookup("mV"))
    (2.0, 1.0, 0.001)
    """

    def __init__(self, own: Mapping | None = None, run: Mapping | None = None,
                 overrides: Mapping | None = None, bound: Mapping | None = None):
        self.bound = bound or None
        self.own = own
        self.run = run
        self.overrides = overrides

    def _places(self):
        if self.bound is not None:
            yield "the model's Equations", self.bound
        yield "default", defaults()
        if self.own is not None:
            yield "the object's namespace=", self.own
        if self.run is not None:
            yield "the run's namespace", self.run

    def lookup(self, name: str, owner: str = ""):
        """The value of ``name`` (number-like only), or :data:`MISSING`."""
        if self.bound is not None and name in self.bound:
            return self.bound[name]  # part of the model's text in Brian2: no conflict
        if self.overrides is not None and name in self.overrides:
            return _override(name, self.overrides[name])
        found = MISSING
        where = ""
        for place, mapping in self._places():
            value = mapping.get(name, MISSING)
            if value is MISSING or not is_number_like(value):
                continue
            if found is MISSING:
                found, where = value, place
            elif not _same(found, value):
                _conflict(name, owner, where, place, found, value)
                break
        return found

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not MISSING

    def candidates(self) -> list[str]:
        """Names bound to number-like values, for "did you mean" (not the units)."""
        names = []
        for place, mapping in self._places():
            if place != "default":
                names += [k for k, v in list(mapping.items())
                          if isinstance(k, str) and not k.startswith("_") and is_number_like(v)]
        return names + ["pi", "e", "inf"]

    def resolve(self, names: Iterable[str], owner: str, where: str, known=()) -> dict:
        """``names`` (none of them the object's own) -> name -> checked value.

        Raises UnknownNameError (with the closest of ``known`` and the namespace's names)
        for a name found nowhere, TypeError for a name bound to something that is not a
        number, quantity or TimedArray, or to more than one value.
        """
        out = {}
        for name in sorted(names):
            value = self.lookup(name, owner)
            if value is MISSING:
                self._not_a_number(name, owner)
                raise unknown_name(name, owner, where, [*known, *self.candidates()])
            out[name] = _checked(name, value, owner)
        return out

    def _not_a_number(self, name: str, owner: str) -> None:
        for _, mapping in self._places():
            value = mapping.get(name, MISSING)
            if value is not MISSING:
                raise _not_a_number(name, owner, value)


def _not_a_number(name: str, owner: str, value) -> ArgumentTypeError:
    """A string's name bound, where it is looked up, to something that is not a number."""
    return ArgumentTypeError(
        f"'{name}' used in {owner} is the {type(value).__name__} "
        f"{shorten(repr(value), 60)} where it is looked up, not a number, quantity or "
        f"TimedArray. If '{name}' is meant to be a model constant, give it a value such as "
        f"{name} = 10*ms; if that name is taken by something else in your script, rename "
        "the constant in the model (or pass namespace={...} with its value)")


def _override(name: str, value):
    """A value given for one run (cpp_standalone's ``device.run(run_args=...)``), checked."""
    array = None if hasattr(value, "_kernel_values") else np.asarray(
        value.view(np.ndarray) if hasattr(value, "dim") else value)
    if array is not None and (array.dtype.kind not in "fiub" or array.size != 1):
        raise ArgumentTypeError(
            f"run_args gives '{name}' the {type(value).__name__} {shorten(repr(value), 60)}; "
            "a constant's value must be one number or quantity, e.g. "
            f"run_args={{'{name}': 1.5*nA}} (a string is not evaluated here; to set a "
            "group's variable from an expression, assign it before the run: G.v = '...')")
    return value


def _conflict(name: str, owner: str, first: str, second: str, value, other) -> None:
    """Warn that two places give ``name`` different values; each message once (Brian2's)."""
    message = (f"The name '{name}' used in {owner} has different values in {first} "
               f"({value!r}) and in {second} ({other!r}); using the one from {first}, as "
               "Brian2 does. Rename one of them to avoid the confusion.")
    if message not in _WARNED:
        _WARNED.add(message)
        warn(message, "namespace")


def _checked(name: str, value, owner: str):
    """A found value -> the value to use: one number, a boolean, or a TimedArray."""
    if hasattr(value, "_kernel_values"):
        return value
    if isinstance(value, (bool, np.bool_)):
        return np.bool_(value)  # stays a boolean: usable in conditions, as in Brian2
    array = np.asarray(value.view(np.ndarray) if hasattr(value, "dim") else value)
    if array.dtype.kind not in "fiub":
        raise _not_a_number(name, owner, value)
    if array.ndim != 0 and array.size != 1:
        raise ArgumentTypeError(
            f"'{name}' used in {owner} has {array.size} values; an external name must be "
            f"one value. For one value per element declare '{name} : <unit>' in the model "
            "and set it on the object")
    return value


def unknown_name(name: str, owner: str, where: str, candidates) -> UnknownNameError:
    """The error for a name found nowhere, naming the object and the string (the hint
    looks at the built-in functions too: a misspelt call, ``tanh2(v)``, reaches here)."""
    hint = suggest(name, [*candidates, *FUNCTION_NAMES])
    return UnknownNameError(
        f"unknown name '{name}' in {where} of {owner}: it is neither a variable of the "
        f"group nor defined where run() was called (or in namespace=){hint}"
    )

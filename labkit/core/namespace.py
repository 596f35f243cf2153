"""External names in model strings -> values, at run time (Brian2's namespace rules).

A name in an equation, threshold, reset or refractory string that is not one of the
group's variables is looked up, in order, in: the group's own ``namespace=`` if it was
given, then ``run(namespace=...)`` if given, else the caller's locals and globals; and
finally in the defaults: unit names (``mV`` inside a string means 3 mV as outside) and the
constants ``pi``, ``e``, ``inf``. Values are read at every ``run()``, so changing ``tau``
between runs changes the simulation (and never recompiles: values are kernel arguments).
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping

import numpy as np

from labkit.errors import UnknownNameError

__all__ = ["Namespace", "defaults", "caller_namespace", "MISSING", "suggest"]

MISSING = object()
_DEFAULTS: dict = {}


def defaults() -> dict:
    """Names every string can use without defining them: units, ``pi``, ``e``, ``inf``."""
    if not _DEFAULTS:
        from labkit.units.table import UNITS

        _DEFAULTS.update(UNITS)
        _DEFAULTS.update(pi=math.pi, e=math.e, inf=math.inf)
    return _DEFAULTS


class Namespace:
    """An ordered chain of mappings searched for external names (first hit wins).

    >>> ns = Namespace({"tau": 2.0}, {"tau": 3.0, "w": 1.0})
    >>> ns.lookup("tau"), ns.lookup("w"), ns.lookup("mV") is not MISSING
    (2.0, 1.0, True)
    """

    def __init__(self, *mappings: Mapping):
        self.mappings = [m for m in mappings if m is not None]

    def lookup(self, name: str):
        for mapping in self.mappings:
            if name in mapping:
                return mapping[name]
        return defaults().get(name, MISSING)

    def numeric_names(self) -> list[str]:
        """Names bound to numbers or quantities (candidates for 'did you mean')."""
        names = []
        for mapping in self.mappings:
            for key, value in list(mapping.items()):
                if isinstance(key, str) and not key.startswith("_") and _is_numberlike(value):
                    names.append(key)
        return names


def _is_numberlike(value) -> bool:
    return isinstance(value, (numbers.Number, np.ndarray, np.generic)) or hasattr(value, "dim")


def caller_namespace(frame) -> list[Mapping]:
    """A frame -> [its locals, its globals] (locals first), for :class:`Namespace`."""
    if frame.f_locals is frame.f_globals:
        return [frame.f_globals]
    return [dict(frame.f_locals), frame.f_globals]


def suggest(name: str, candidates) -> str:
    """'; did you mean 'tau'?' for the closest candidate, or '' when none is close."""
    close = difflib.get_close_matches(name, list(dict.fromkeys(candidates)), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def unknown_name(name: str, owner: str, where: str, candidates) -> UnknownNameError:
    """The error for a name found nowhere, naming the object and the string."""
    return UnknownNameError(
        f"unknown name '{name}' in {where} of {owner}: it is neither a variable of the "
        f"group nor defined where run() was called (or in namespace=){suggest(name, candidates)}"
    )

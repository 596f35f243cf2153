"""What every simulated object shares: a unique name, a clock, a schedule slot, a scope.

``run()`` collects the objects created since the last ``start_scope()`` (Brian2's rule),
orders them by ``(slot of when, order, name)`` as Brian2 does (its sub-objects are named
``<group>_stateupdater``, ``<group>_spike_thresholder``, ...), then by creation number,
a process-wide counter.
"""

from __future__ import annotations

import itertools
import re
import weakref

from labkit.core.clock import Clock, defaultclock

__all__ = ["LabkitObject", "SCOPE", "unique_name"]

_creation = itertools.count()
_names: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class _Scope:
    """The current scope number; ``start_scope()`` increments it."""

    key = 0


SCOPE = _Scope()


def unique_name(base: str) -> str:
    """'neurongroup' -> 'neurongroup', then 'neurongroup_1', ... (as Brian2 names objects)."""
    if base.endswith("*"):
        base = base[:-1]
        for k in itertools.count():
            name = base if k == 0 else f"{base}_{k}"
            if name not in _names:
                return name
    return base


class LabkitObject:
    """Base of groups, monitors and network operations.

    Parameters
    ----------
    dt : Quantity, optional
        The object's own time step (a new Clock); cannot be combined with ``clock``.
    clock : Clock, optional
        Share a clock with other objects. Default: ``defaultclock``.
    when : str
        The schedule slot (``start, groups, thresholds, synapses, resets, end``, optionally
        prefixed ``before_``/``after_``).
    order : int
        Position within the slot (lower first; ties by creation order).
    name : str, optional
        Unique name; ``'neurongroup*'`` style defaults get a numbered suffix.
    """

    #: Default name pattern of a class (``*`` -> numbered).
    _default_name = "object*"

    #: Whether a new object of this kind makes ``run()`` start a new simulation (Brian2's
    #: flag; monitors clear it, so adding one between runs continues the simulation).
    invalidates_magic_network = True

    def __init__(self, dt=None, clock=None, when="start", order=0, name=None):
        if dt is not None and clock is not None:
            raise ValueError(f"give {type(self).__name__} either dt or clock, not both")
        if clock is None:
            clock = Clock(dt, name=f"{name or self._default_name.rstrip('*')}_clock") \
                if dt is not None else defaultclock
        if not isinstance(clock, Clock):
            raise TypeError(f"clock must be a Clock, not {type(clock).__name__}")
        name = unique_name(name or self._default_name)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{name!r} is not a valid name (letters, digits, underscores)")
        _names[name] = self  # explicit names may repeat; a Network refuses duplicates
        self.name = name
        self.clock = clock
        self.when = when
        self.order = order
        self.active = True
        self._creation = next(_creation)
        self._scope_key = SCOPE.key
        self._network = None  # id of the network that ran this object first

    @property
    def dt(self):
        return self.clock.dt

    @property
    def dt_(self) -> float:
        return self.clock.dt_

    @property
    def t(self):
        return self.clock.t

    @property
    def t_(self) -> float:
        return self.clock.t_

    #: Objects this one brings into a network with it (a group's subgroups do not count).
    contained_objects: tuple = ()

    def add_attribute(self, name: str) -> None:
        """Make ``name`` an attribute of this object (``None`` until set), as Brian2's
        ``add_attribute``: a group refuses to set names that are not its variables, so a
        misspelt variable is caught, and this says the new name is meant."""
        if hasattr(self, name):
            raise AttributeError(f"{type(self).__name__} {self.name!r} already has an "
                                 f"attribute {name!r}; choose another name")
        object.__setattr__(self, name, None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

"""What an object hands a run: its operations and the values of its kernel arguments.

:class:`ObjectPlan` is the contract between a simulated object and the runner, plain data
made fresh at every run: the operations the object runs (each with its schedule slot and
order), the values of the kernel arguments it owns, the spike arrays it provides and the
buffers a run may enlarge. A buffer that may grow is a :class:`Growable`: the kernel gets
its ``array``; when it is full, the runner (or a device that enlarges buffers itself, as
cpp_standalone's program does) puts a larger copy into it, and the object that keeps the
Growable reads the new array from there. Nothing calls back into the object.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from labkit.codegen.spec import Growth
from labkit.plan.buffers import Growable

__all__ = ["ObjectPlan", "Growable", "Growth", "operations_for"]


@dataclass(frozen=True)
class ObjectPlan:
    """One object's part of a run.

    ``ops``: (when, order, Operation, name suffix) per operation; ``values``: argument
    name -> value (arrays, numbers, :class:`Growable` buffers); ``buffers``: (monitor
    prefix, size argument) of spike buffers checked at each step; ``growable``: the
    buffers a run may enlarge, as :class:`Growth` (owner, arguments, axis); ``externals``:
    the namespace values its strings use; ``call``: a network_operation's function,
    called with the time (seconds) when its operation is due; ``aliases``: argument ->
    argument its operations read instead (a linked variable reads the variable it links
    to, one array under one argument).
    """

    ops: tuple = ()
    values: Mapping = field(default_factory=dict)
    buffers: tuple[tuple[str, str], ...] = ()
    growable: tuple[Growth, ...] = ()
    externals: Mapping = field(default_factory=dict)
    call: Callable[[float], None] | None = None
    aliases: Mapping = field(default_factory=dict)


#: object -> (structure key, its operations): the last plan's, reused while nothing changes.
_OPERATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def operations_for(obj, key, make: Callable[[], tuple]) -> tuple:
    """``obj``'s operations for structure ``key``: the last ones if the key is the same,
    else ``make()`` (building them costs sympy work; a re-run with new values costs none)."""
    cached = _OPERATIONS.get(obj)
    if cached is not None and cached[0] == key:
        return cached[1]
    ops = make()
    _OPERATIONS[obj] = (key, ops)
    return ops

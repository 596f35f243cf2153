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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from labkit.codegen.spec import Growth
from labkit.plan.buffers import Growable

__all__ = ["ObjectPlan", "Growable", "Growth"]


@dataclass(frozen=True)
class ObjectPlan:
    """One object's part of a run.

    ``ops``: (when, order, Operation, name suffix) per operation; ``values``: argument
    name -> value (arrays, numbers, :class:`Growable` buffers); ``spikes``: (owner prefix,
    size argument) when the object makes spikes; ``buffers``: (monitor prefix, size
    argument) of spike buffers checked at each step; ``growable``: the buffers a run may
    enlarge, as :class:`Growth` (owner, arguments, axis); ``externals``: the namespace
    values its strings use; ``call``: a network_operation's function, called with the
    time (seconds) when its operation is due.
    """

    ops: tuple = ()
    values: Mapping = field(default_factory=dict)
    spikes: tuple[str, str] | None = None
    buffers: tuple[tuple[str, str], ...] = ()
    growable: tuple[Growth, ...] = ()
    externals: Mapping = field(default_factory=dict)
    call: Callable[[float], None] | None = None

"""``G[10:20]`` -> a Subgroup: a contiguous view of a group's elements.

A subgroup owns no storage and runs nothing: reading ``S.v`` gives a view of the parent's
arrays, assigning writes into them, and monitors of a subgroup record the parent's
elements ``start .. stop-1`` (reporting indices relative to the subgroup, as Brian2).
"""

from __future__ import annotations

from labkit.core.base import LabkitObject
from labkit.groups.group import Group

__all__ = ["Subgroup"]


class Subgroup(Group):
    """Elements ``start .. stop-1`` of ``parent`` (use ``G[start:stop]`` to make one)."""

    _kind = "Subgroup"
    _magic = False  # never collected by run(): it runs nothing of its own

    def __init__(self, parent: Group, start: int, stop: int, name=None):
        root = parent._owner
        offset = parent._start
        LabkitObject.__init__(self, clock=root.clock, when=root.when, order=root.order,
                              name=name or f"{root.name}_subgroup*")
        self.parent = root
        self._start, self._stop = offset + start, offset + stop
        self._N = stop - start
        self.variables = root.variables
        self._namespace = getattr(root, "_namespace", None)
        self._freeze()

    @property
    def _owner(self) -> Group:
        return self.parent

    @property
    def _spikes(self):
        return getattr(self.parent, "_spikes", None)

    def _prepare(self, ctx):
        from labkit.groups.runtime_values import ObjectPlan

        return ObjectPlan([], {})

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass

    def __repr__(self) -> str:
        return f"<Subgroup {self.parent.name}[{self._start}:{self._stop}]>"

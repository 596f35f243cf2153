"""The magic network: ``run(duration)`` simulates the objects visible where it is called.

With :mod:`labkit.core.namespace` (which reads it for names), this is the only module
that looks at the caller's frame: here for objects. Brian2's rule:
``run()`` collects the labkit objects bound to names in the caller's locals and globals
that were created since the last ``start_scope()``. If all of them are new, time starts
again at 0; if all have run before, time continues; a mix is an error (it is unclear
whether a new simulation is meant), which says to use ``start_scope()`` or a Network.
Monitors do not count as new: one added between two runs joins the continuing simulation.
"""

from __future__ import annotations

import sys

from labkit.core.base import SCOPE, LabkitObject
from labkit.core.network import Network, _network_ids
from labkit.errors import LabkitError

__all__ = ["start_scope", "run", "store", "restore", "collect", "MagicError", "magic_network",
           "profiling_summary"]


class MagicError(LabkitError, RuntimeError):
    """run() cannot tell whether a new simulation or a continuation is meant."""


class _MagicNetwork(Network):
    def __init__(self):
        super().__init__(name="magicnetwork")

    def _update(self, frame) -> None:
        objects = collect_from(frame)
        contained = [c for o in objects for c in getattr(o, "contained_objects", ())]
        objects += [c for c in contained if all(c is not o for o in objects)]
        known = [o for o in objects if o._network == self.id]
        # monitors added between runs neither start a new simulation nor clash (Brian2)
        new = [o for o in objects if o._network is None and o.invalidates_magic_network]
        if known and new:
            raise MagicError(
                "run() sees objects that were simulated before "
                f"({', '.join(o.name for o in known[:3])}) and new ones "
                f"({', '.join(o.name for o in new[:3])}): it cannot tell whether to continue "
                "the old simulation or start a new one. Call start_scope() before creating "
                "the new objects, or use an explicit Network(...).")
        if new and not known:
            self.t_ = 0.0
            self.id = _new_id()
        self.objects = objects


def _new_id() -> int:
    return next(_network_ids)


magic_network = _MagicNetwork()


def collect_from(frame) -> list:
    """labkit objects bound in ``frame``'s globals and locals, created in the current scope."""
    found = []
    seen = set()
    mappings = [frame.f_globals] if frame.f_locals is frame.f_globals else \
        [frame.f_globals, frame.f_locals]
    for mapping in mappings:
        for value in list(mapping.values()):
            if isinstance(value, LabkitObject) and id(value) not in seen \
                    and value._scope_key == SCOPE.key and getattr(value, "_magic", True):
                seen.add(id(value))
                found.append(value)
    return sorted(found, key=lambda o: o._creation)


def collect(level: int = 0) -> list:
    """The objects ``run()`` would simulate if called here."""
    return collect_from(sys._getframe(level + 1))


def start_scope() -> None:
    """Objects created before this call are no longer collected by ``run()``."""
    SCOPE.key += 1


def run(duration, report=None, report_period=None, namespace=None, level: int = 0,
        profile=None) -> None:
    """Simulate the objects visible here for ``duration`` (e.g. ``100*ms``).

    External names in model strings are looked up as :mod:`labkit.core.namespace` says:
    defaults (units, ``pi``, ``e``, ``inf``), an object's own ``namespace=``, then
    ``namespace`` if given, else the caller's locals and globals.
    """
    frame = sys._getframe(level + 1)
    magic_network._update(frame)
    magic_network.run(duration, report=report, report_period=report_period,
                      namespace=namespace, level=level + 1, profile=profile)
    magic_network.objects = []


def store(name: str = "default", filename=None, level: int = 0) -> None:
    """Snapshot the visible objects (state, monitors, clocks, time, random state)."""
    magic_network._update(sys._getframe(level + 1))
    magic_network.store(name, filename)
    magic_network.objects = []


def restore(name: str = "default", filename=None, restore_random_state=False,
            level: int = 0) -> None:
    """Put back the snapshot taken by ``store(name)`` (the random generators only with
    ``restore_random_state=True``, as in Brian2: see ``Network.restore``)."""
    magic_network._update(sys._getframe(level + 1))
    magic_network.restore(name, filename, restore_random_state)
    magic_network.objects = []


def profiling_summary(net=None, show=None) -> str:
    """Brian2's ``profiling_summary()``: the last profiled run of ``net`` (default: the
    magic network's) as a table of name, time and share; ``show``: at most that many rows.

    labkit runs a whole run in one compiled loop, so the table has that one row.
    """
    rows = (magic_network if net is None else net).profiling_info
    rows = rows[:show] if show is not None else rows
    total = sum(float(t) for _, t in rows) or 1.0
    width = max(len("Profiling summary"), *(len(name) for name, _ in rows))
    lines = ["Profiling summary", "=" * width]
    lines += [f"{name:<{width}}  {float(t):10.3f} s  {100 * float(t) / total:6.2f} %"
              for name, t in rows]
    return "\n".join(lines)

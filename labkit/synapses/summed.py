"""A Synapses' ``(summed)`` variable -> where its update runs in a time step
(``S.summed_updaters['v_post'].when = 'after_groups'``, as in Brian2).

Why: a summed variable is written once per step from the synapses' values; by default
before the target group's own update (``groups``, one order earlier). A sum that reads
what the target computes in that same step (the membrane currents of a SpatialNeuron, for
a field potential) must come after it: Brian2 exposes the updater's ``when`` and ``order``
for that, and its compartmental example ``lfp.py`` sets them. Here they are kept on the
Synapses and read by the plan (:mod:`labkit.plan.synapses`).
"""

from __future__ import annotations

__all__ = ["SummedSchedule", "summed_updaters"]


class SummedSchedule:
    """``when`` and ``order`` of one summed variable's update (None: the default)."""

    def __init__(self, synapses, name: str):
        object.__setattr__(self, "_synapses", synapses)
        object.__setattr__(self, "_name", name)

    def _get(self, key: str):
        return self._synapses._summed_schedule.get(self._name, {}).get(key)

    @property
    def when(self):
        return self._get("when") or "groups"

    @property
    def order(self):
        order = self._get("order")
        return self._synapses.target._owner.order - 1 if order is None else order

    def __setattr__(self, key: str, value) -> None:
        if key not in ("when", "order"):
            raise AttributeError(f"a summed variable's updater has 'when' and 'order', not "
                                 f"{key!r}")
        self._synapses._summed_schedule.setdefault(self._name, {})[key] = value

    def __repr__(self) -> str:
        return f"<summed updater of {self._name}: when={self.when!r}, order={self.order}>"


def summed_updaters(synapses) -> dict:
    """A Synapses -> ``{'g_post': SummedSchedule, ...}``, one per ``(summed)`` line."""
    return {name: SummedSchedule(synapses, name) for name, eq in synapses.equations.items()
            if "summed" in eq.flags}

"""SpikeMonitor, EventMonitor: a source's spikes (or custom events) -> ``i``, ``t``,
``count``, ``spike_trains()``, values.

The kernel appends each step's spikes to buffers that live across runs. At the start of
every step it checks that one more step's worth (the source's size) fits; if not it
returns, the monitor doubles its buffers, and the kernel resumes at that step, so no spike
is ever lost and nothing has to be guessed in advance. The cpp_standalone program doubles
them itself; either way the monitor reads the larger arrays from its Growable buffers.
"""

from __future__ import annotations

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND
from labkit.core.variables import as_quantity
from labkit.groups.events import check_event
from labkit.plan.buffers import Growable
from labkit.plan.monitors import plan_spike_monitor
from labkit.units.quantity import Quantity

__all__ = ["EventMonitor", "SpikeMonitor"]


class EventMonitor(LabkitObject):
    """Record the events of a group (and optionally variables at event time).

    Parameters
    ----------
    source : NeuronGroup, PoissonGroup, SpikeGeneratorGroup or a subgroup of one
    event : str
        ``'spike'``, or one of the source's custom events (``NeuronGroup(events=...)``).
    variables : str or list of str, optional
        Variables to record at each event (when it is detected, before code runs on it).
    record : bool
        False keeps only ``count`` (no indices or times).
    when, order
        The schedule slot; by default, right after the event's detection (Brian2's rule).
    """

    _default_name = "eventmonitor*"
    invalidates_magic_network = False  # added between runs, it joins the simulation

    def __init__(self, source, event, variables=None, record=True, when=None, order=None,
                 name=None, codeobj_class=None):
        owner = source._owner
        if not isinstance(event, str):
            raise TypeError(f"{type(self).__name__}: the event must be a name such as "
                            f"'spike', not {type(event).__name__}")
        if event == "spike" and getattr(owner, "_spikes", None) is None:
            raise TypeError(f"{type(self).__name__} needs a source that spikes; "
                            f"{owner._label()} has no threshold")
        check_event(source, event, type(self).__name__)
        if when is None:
            if order is not None:
                raise ValueError(f"{type(self).__name__}: give 'when' with 'order' (the "
                                 "order alone has no slot to apply to)")
            when = "thresholds" if event == "spike" else "after_thresholds"
            order = owner.order + 1
        super().__init__(clock=source.clock, when=when, order=0 if order is None else order,
                         name=name)
        self.source, self.event = source, event
        if isinstance(variables, str):
            variables = [variables]
        self.record_variables = list(variables or ())
        for var in self.record_variables:
            if var not in source.variables:
                raise KeyError(f"{type(self).__name__} {self.name!r}: {owner._label()} has no "
                               f"variable {var!r}")
        self.record = bool(record)
        self._n = np.zeros(1, dtype=np.int64)
        self._count = np.zeros(source.N, dtype=np.int64)
        self._allocate(max(64, 2 * source.N))

    def _allocate(self, capacity: int) -> None:
        """Per-spike buffers a run may enlarge (it doubles them when a step might not fit)."""
        self._buffers = {"i": Growable(np.zeros(capacity, dtype=np.int32)),
                         "t": Growable(np.zeros(capacity))}
        self._buffers.update({f"v_{v}": Growable(np.zeros(
            capacity, dtype=self.source.variables[v].dtype)) for v in self.record_variables})

    @property
    def _i(self) -> np.ndarray:
        return self._buffers["i"].array

    @property
    def _t(self) -> np.ndarray:
        return self._buffers["t"].array

    @property
    def _v(self) -> dict:
        return {v: self._buffers[f"v_{v}"].array for v in self.record_variables}

    # -- running ------------------------------------------------------------------------------

    def _prepare(self, ctx):
        """Record into the buffers this monitor keeps across runs (appending)."""
        if not self.record:
            self._n[0] = 0  # counts only: the buffers start empty at every run
        return plan_spike_monitor(self, ctx, {"n": self._n, "count": self._count,
                                              **self._buffers})

    def _recorded(self) -> int:
        """How many spikes the buffers hold (none are kept with ``record=False``)."""
        return int(self._n[0]) if self.record else 0

    # -- results ----------------------------------------------------------------------------

    @property
    def num_spikes(self) -> int:
        """Total number of spikes recorded (as Brian2: the sum of ``count``)."""
        return int(self._count.sum())

    @property
    def i(self) -> np.ndarray:
        """Index of each recorded spike (within the source), in time order."""
        return self._i[:self._recorded()].copy()

    @property
    def i_(self) -> np.ndarray:
        return self.i

    @property
    def t(self) -> Quantity:
        """Time of each recorded spike."""
        return Quantity(self._t[:self._recorded()].copy(), dim=SECOND)

    @property
    def t_(self) -> np.ndarray:
        return self._t[:self._recorded()].copy()

    @property
    def it(self):
        return self.i, self.t

    @property
    def it_(self):
        return self.i, self.t_

    @property
    def count(self) -> np.ndarray:
        """Number of spikes of each element of the source."""
        return self._count.copy()

    def __getattr__(self, name_: str):
        if name_.startswith("__") or "_buffers" not in self.__dict__:
            raise AttributeError(name_)
        raw = name_.endswith("_") and name_[:-1] in self.record_variables
        key = name_[:-1] if raw else name_
        if key in self.record_variables:
            data = self._buffers[f"v_{key}"].array[:self._recorded()].copy()
            return data if raw else as_quantity(data, self.source.variables[key].dim)
        raise AttributeError(f"{type(self).__name__} {self.name!r} has no attribute {name_!r}")

    def _per_element(self, values) -> dict:
        i = self.i
        order = np.argsort(i, kind="stable")
        bounds = np.searchsorted(i[order], np.arange(self.source.N + 1))
        return {k: values[order[bounds[k]:bounds[k + 1]]] for k in range(self.source.N)}

    def spike_trains(self) -> dict:
        """element index -> its spike times (Quantity), for every element of the source."""
        return self._per_element(self.t)

    def values(self, var: str) -> dict:
        """element index -> the recorded values of ``var`` at its spikes."""
        return self._per_element(getattr(self, var))

    def all_values(self) -> dict:
        """{'t': spike_trains(), var: values(var), ...}."""
        out = {"t": self.spike_trains()}
        out.update({v: self.values(v) for v in self.record_variables})
        return out

    def _store_state(self) -> dict:
        return {"n": self._n.copy(), "count": self._count.copy(),
                "buffers": {k: b.array.copy() for k, b in self._buffers.items()}}

    def _restore_state(self, state) -> None:
        self._n[...] = state["n"]
        self._count[...] = state["count"]
        for k, buffer in self._buffers.items():
            buffer.array = state["buffers"][k].copy()

    def __repr__(self) -> str:
        what = "spikes" if self.event == "spike" else f"{self.event!r} events"
        return (f"<{type(self).__name__} {self.name!r} of {self.source.name!r}: "
                f"{self.num_spikes} {what}>")


class SpikeMonitor(EventMonitor):
    """Record the spikes of a group (and optionally variables at spike time).

    Parameters
    ----------
    source : NeuronGroup, PoissonGroup, SpikeGeneratorGroup or a subgroup of one
    variables : str or list of str, optional
        Variables to record at each spike (after the threshold, before the reset).
    record : bool
        False keeps only ``count`` (no indices or times).
    """

    _default_name = "spikemonitor*"

    def __init__(self, source, variables=None, record=True, when=None, order=None,
                 name=None, codeobj_class=None):
        super().__init__(source, "spike", variables, record, when, order, name)

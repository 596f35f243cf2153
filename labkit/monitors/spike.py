"""SpikeMonitor: a source's spikes -> ``i``, ``t``, ``count``, ``spike_trains()``, values.

The kernel appends each step's spikes to buffers that live across runs. At the start of
every step it checks that one more step's worth (the source's size) fits; if not it
returns, the monitor doubles its buffers, and the kernel resumes at that step, so no spike
is ever lost and nothing has to be guessed in advance. The cpp_standalone program doubles
them itself and hands back the larger arrays, which the monitor adopts.
"""

from __future__ import annotations

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND
from labkit.core.variables import as_quantity
from labkit.groups.runtime_values import ObjectPlan, resolve_externals
from labkit.units.quantity import Quantity

__all__ = ["SpikeMonitor"]


class SpikeMonitor(LabkitObject):
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
    invalidates_magic_network = False  # added between runs, it joins the simulation

    def __init__(self, source, variables=None, record=True, when="thresholds", order=None,
                 name=None):
        owner = source._owner
        if getattr(owner, "_spikes", None) is None:
            raise TypeError(f"SpikeMonitor needs a source that spikes; {owner._label()} has no "
                            "threshold")
        super().__init__(clock=source.clock, when=when,
                         order=owner.order + 1 if order is None else order, name=name)
        self.source = source
        if isinstance(variables, str):
            variables = [variables]
        self.record_variables = list(variables or ())
        for var in self.record_variables:
            if var not in source.variables:
                raise KeyError(f"SpikeMonitor {self.name!r}: {owner._label()} has no variable "
                               f"{var!r}")
        self.record = bool(record)
        self._n = np.zeros(1, dtype=np.int64)
        self._count = np.zeros(source.N, dtype=np.int64)
        self._allocate(max(64, 2 * source.N))
        self._plans: dict = {}

    def _allocate(self, capacity: int) -> None:
        n = int(self._n[0])
        old_i, old_t = getattr(self, "_i", None), getattr(self, "_t", None)
        old_v = getattr(self, "_v", {})
        self._i = np.zeros(capacity, dtype=np.int32)
        self._t = np.zeros(capacity)
        self._v = {v: np.zeros(capacity, dtype=self.source.variables[v].dtype)
                   for v in self.record_variables}
        if old_i is not None:
            self._i[:n], self._t[:n] = old_i[:n], old_t[:n]
            for v in self._v:
                self._v[v][:n] = old_v[v][:n]

    # -- running ------------------------------------------------------------------------------

    def _prepare(self, ctx) -> ObjectPlan:
        import sympy

        from labkit.codegen import spec as S
        from labkit.groups.build import external_kinds, names_in, symbols_for
        from labkit.plan.arguments import bind

        owner = self.source._owner
        try:
            src = ctx.owner(owner)
        except KeyError:
            raise ValueError(f"SpikeMonitor {self.name!r} listens to {owner._label()}, which "
                             "is not part of this run; add it to the network") from None
        prefix = ctx.owner(self)
        exprs = {}
        for var in self.record_variables:
            v = owner.variables[var]
            exprs[var] = v.expr if v.kind == "subexpression" else sympy.Symbol(var, real=True)
        names = set().union(*(names_in(e) for e in exprs.values())) if exprs else set()
        externals = resolve_externals(owner, names, ctx) if names else {}
        kinds = external_kinds(externals)
        key = (src, prefix, ctx.clock(self), tuple(sorted(kinds.items())))
        op = self._plans.get(key)
        if op is None:
            arrays = {k: ("shared" if v.shared else "array") for k, v in owner.variables.items()
                      if v.array is not None}
            op = S.SpikeRecord(prefix, ctx.clock(self),
                               symbols_for(names, src, arrays, kinds), self.name, src,
                               tuple(exprs.items()))
            self._plans = {key: op}
        if not self.record:
            self._n[0] = 0
        self._prefix, self._source_size = prefix, f"{src}_N"
        values = {f"{src}_N": owner._N, f"{prefix}_start": self.source._start,
                  f"{prefix}_stop": self.source._stop}
        values.update(bind(src, externals, self.clock.dt_))
        self._put(values)
        growable = {name: 0 for name in self._per_spike()}
        return ObjectPlan([(self.when, self.order, op)], values,
                          buffers=[(prefix, f"{src}_N")], grow=[self._grow],
                          growable=growable, adopt=self._adopt)

    def _per_spike(self) -> dict:
        """Argument name -> buffer, for the arrays with one entry per recorded spike."""
        p = self._prefix
        return {f"{p}_i": self._i, f"{p}_t": self._t,
                **{f"{p}_v_{k}": v for k, v in self._v.items()}}

    def _put(self, values: dict) -> None:
        p = self._prefix
        values.update({f"{p}_n": self._n, f"{p}_count": self._count})
        values.update(self._per_spike())

    def _grow(self, values: dict) -> None:
        needed = int(self._n[0]) + int(values[self._source_size])
        if needed > self._i.size:
            self._allocate(max(2 * self._i.size, needed))
            self._put(values)

    def _adopt(self, arrays: dict) -> None:
        """Buffers the kernel enlarged itself (argument name -> array) replace ours."""
        p = self._prefix
        self._i = arrays.get(f"{p}_i", self._i)
        self._t = arrays.get(f"{p}_t", self._t)
        self._v = {k: arrays.get(f"{p}_v_{k}", v) for k, v in self._v.items()}

    def _finish_run(self, values) -> None:
        if not self.record:
            self._n[0] = 0

    # -- results ----------------------------------------------------------------------------

    @property
    def num_spikes(self) -> int:
        """Total number of spikes recorded (as Brian2: the sum of ``count``)."""
        return int(self._count.sum())

    @property
    def i(self) -> np.ndarray:
        """Index of each recorded spike (within the source), in time order."""
        return self._i[:self._n[0]].copy()

    @property
    def i_(self) -> np.ndarray:
        return self.i

    @property
    def t(self) -> Quantity:
        """Time of each recorded spike."""
        return Quantity(self._t[:self._n[0]].copy(), dim=SECOND)

    @property
    def t_(self) -> np.ndarray:
        return self._t[:self._n[0]].copy()

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
        if name_.startswith("__") or "_v" not in self.__dict__:
            raise AttributeError(name_)
        raw = name_.endswith("_") and name_[:-1] in self._v
        key = name_[:-1] if raw else name_
        if key in self._v:
            data = self._v[key][:self._n[0]].copy()
            return data if raw else as_quantity(data, self.source.variables[key].dim)
        raise AttributeError(f"SpikeMonitor {self.name!r} has no attribute {name_!r}")

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
        return {"n": self._n.copy(), "count": self._count.copy(), "i": self._i.copy(),
                "t": self._t.copy(), "v": {k: v.copy() for k, v in self._v.items()}}

    def _restore_state(self, state) -> None:
        self._n[...] = state["n"]
        self._count[...] = state["count"]
        self._i, self._t = state["i"].copy(), state["t"].copy()
        self._v = {k: v.copy() for k, v in state["v"].items()}

    def __repr__(self) -> str:
        return f"<SpikeMonitor {self.name!r} of {self.source.name!r}: {self.num_spikes} spikes>"

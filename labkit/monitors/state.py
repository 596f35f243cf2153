"""StateMonitor: a source's variables at every step -> 2-D Quantities ``M.v[neuron, time]``.

Before each run the monitor allocates exactly the arrays that run fills (one column per
step of its clock), after checking that they fit in the available memory; the kernel
writes into them; afterwards the filled part is kept (a run stopped by an error keeps the
steps recorded until then).
"""

from __future__ import annotations

import difflib

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND
from labkit.core.variables import as_quantity
from labkit.errors import NotFoundError, SimulationError, shorten
from labkit.groups.runtime_values import ObjectPlan, resolve_externals
from labkit.memory import available_memory, size_text
from labkit.units.quantity import Quantity

__all__ = ["StateMonitor", "available_memory"]


class StateMonitor(LabkitObject):
    """Record variables of a group over time.

    Parameters
    ----------
    source : NeuronGroup or Subgroup
    variables : str, list of str, or True
        Names to record (variables or subexpressions); True records all.
    record : bool, int or sequence of int
        Which elements (indices within ``source``): True for all, False for none.
    dt, clock, when, order, name
        As for every object; by default the source's clock at ``when='start'``.
    """

    _default_name = "statemonitor*"
    invalidates_magic_network = False  # added between runs, it joins the simulation

    def __init__(self, source, variables, record, dt=None, clock=None, when="start", order=0,
                 name=None):
        if dt is None and clock is None:
            clock = source.clock
        super().__init__(dt=dt, clock=clock, when=when, order=order, name=name)
        self.source = source
        if variables is True:
            variables = [n for n, v in source.variables.items()
                         if not n.startswith("_") and v.kind != "index"]
        elif isinstance(variables, str):
            variables = [variables]
        for name_ in variables:
            if not isinstance(name_, str) or name_ not in source.variables:
                raise self._unknown(name_)
        self.record_variables = list(variables)
        if record is True:
            record = np.arange(source.N)
        elif record is False or record is None:
            record = np.zeros(0, dtype=np.int64)
        record = np.atleast_1d(np.asarray(record, dtype=np.int64))
        if record.size and (record.min() < 0 or record.max() >= source.N):
            raise IndexError(f"StateMonitor {self.name!r}: record indices must be in "
                             f"0..{source.N - 1} for {source._label()}")
        self.record = record
        self._chunks: dict[str, list] = {name_: [] for name_ in self.record_variables}
        self._t_chunks: list = []
        self._cache: dict = {}
        self._plans: dict = {}

    def _unknown(self, name) -> NotFoundError:
        known = [n for n in self.source.variables if not n.startswith("_")]
        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        example = close[0] if close else known[0]
        return NotFoundError(
            f"StateMonitor {self.name!r}: {self.source._label()} has no variable "
            f"{shorten(repr(name))}; "
            f"its variables are {', '.join(known)}. {hint}Record one of them by name, e.g. "
            f"StateMonitor(group, '{example}', record=True)")

    # -- running ------------------------------------------------------------------------------

    def _prepare(self, ctx) -> ObjectPlan:
        import sympy

        from labkit.codegen import spec as S
        from labkit.groups.build import external_kinds, names_in, symbols_for
        from labkit.plan.arguments import bind

        src = self.source
        owner = src._owner
        try:
            src_prefix = ctx.owner(owner)
        except KeyError:
            raise ValueError(f"StateMonitor {self.name!r} records {owner._label()}, which is "
                             "not part of this run; add it to the network") from None
        prefix, n = ctx.owner(self), ctx.n_steps(self)
        exprs = {}
        for name_ in self.record_variables:
            var = src.variables[name_]
            exprs[name_] = var.expr if var.kind == "subexpression" else \
                sympy.Symbol(name_, real=True)
        names = set().union(*(names_in(e) for e in exprs.values())) if exprs else set()
        externals = resolve_externals(owner, names, ctx)
        kinds = external_kinds(externals)
        key = (src_prefix, prefix, ctx.clock(self), tuple(sorted(kinds.items())))
        op = self._plans.get(key)
        if op is None:
            arrays = {k: ("shared" if v.shared else "array") for k, v in owner.variables.items()
                      if v.array is not None}
            op = S.StateRecord(prefix, ctx.clock(self), symbols_for(names, src_prefix, arrays,
                               kinds), f"{self.name}", src_prefix,
                               tuple((k, e) for k, e in exprs.items()))
            self._plans = {key: op}
        self._check_memory(n)
        absolute = self.record + src._start
        values = {f"{prefix}_n": np.zeros(1, dtype=np.int64), f"{prefix}_rec": absolute,
                  f"{prefix}_t": np.zeros(n)}
        for name_ in self.record_variables:
            dtype = src.variables[name_].dtype
            values[f"{prefix}_v_{name_}"] = np.zeros((absolute.size, n), dtype=dtype)
        values.update(bind(src_prefix, externals, self.clock.dt_))
        values[f"{src_prefix}_N"] = owner._N
        self._prefix = prefix
        return ObjectPlan([(self.when, self.order, op)], values)

    def _check_memory(self, n_steps: int) -> None:
        per_step = 8 + sum(self.record.size * self.source.variables[v].dtype.itemsize
                           for v in self.record_variables)
        needed = n_steps * per_step
        available = available_memory()
        if needed > available:
            raise SimulationError(
                f"StateMonitor {self.name!r} would need {size_text(needed)} to record "
                f"{', '.join(self.record_variables)} of {self.record.size} elements for "
                f"{n_steps} steps, but only {size_text(available)} of memory is available. Record "
                "less: fewer neurons (record=[0, 10, 20]), a larger monitor dt "
                "(StateMonitor(..., dt=1*ms)), fewer variables, or a shorter run.")

    def _finish_run(self, values) -> None:
        prefix = self._prefix
        n = int(values[f"{prefix}_n"][0])
        self._t_chunks.append(values[f"{prefix}_t"][:n].copy())
        for name_ in self.record_variables:
            self._chunks[name_].append(values[f"{prefix}_v_{name_}"][:, :n].copy())
        self._cache.clear()

    # -- results --------------------------------------------------------------------------------

    def _data(self, name_: str) -> np.ndarray:
        if name_ not in self._cache:
            if name_ == "t":
                chunks = self._t_chunks or [np.zeros(0)]
                self._cache[name_] = np.concatenate(chunks)
            else:
                dtype = self.source.variables[name_].dtype
                chunks = self._chunks[name_] or [np.zeros((self.record.size, 0), dtype=dtype)]
                self._cache[name_] = np.concatenate(chunks, axis=1)
        return self._cache[name_]

    @property
    def t(self) -> Quantity:
        """Times of the recorded steps."""
        return Quantity(self._data("t"), dim=SECOND)

    @property
    def t_(self) -> np.ndarray:
        return self._data("t")

    def __getattr__(self, name_: str):
        if name_.startswith("__") or "_chunks" not in self.__dict__:
            raise AttributeError(name_)
        raw = name_.endswith("_") and name_[:-1] in self._chunks
        key = name_[:-1] if raw else name_
        if key in self._chunks:
            data = self._data(key)
            return data if raw else as_quantity(data, self.source.variables[key].dim)
        raise AttributeError(f"StateMonitor {self.name!r} has no attribute {name_!r}; it "
                             f"records {', '.join(self.record_variables)}")

    def __getitem__(self, item):
        """``M[i]``: the recordings of element ``i`` of the source (it must be recorded)."""
        indices = np.atleast_1d(np.asarray(item))
        rows = []
        for index in indices:
            found = np.flatnonzero(self.record == index)
            if not found.size:
                raise IndexError(f"StateMonitor {self.name!r} did not record element {index};"
                                 " pass it in record=")
            rows.append(int(found[0]))
        return _MonitorView(self, rows[0] if np.ndim(item) == 0 else rows)

    def get_states(self, variables=None, units: bool = True) -> dict:
        names = variables or ["t", *self.record_variables]
        return {n: getattr(self, n if units else n + "_") for n in names}

    def _store_state(self) -> dict:
        return {"t": list(self._t_chunks), "v": {k: list(v) for k, v in self._chunks.items()}}

    def _restore_state(self, state: dict) -> None:
        self._t_chunks = list(state["t"])
        self._chunks = {k: list(v) for k, v in state["v"].items()}
        self._cache.clear()

    def __repr__(self) -> str:
        return (f"<StateMonitor {self.name!r} of {self.source.name!r}: "
                f"{', '.join(self.record_variables)}, {self.record.size} element(s)>")


class _MonitorView:
    """``M[i]``: ``.v`` gives element i's trace (1-D), ``.t`` the times."""

    def __init__(self, monitor: StateMonitor, rows):
        self._monitor, self._rows = monitor, rows

    def __getattr__(self, name_: str):
        if name_.startswith("__"):
            raise AttributeError(name_)
        if name_ in ("t", "t_"):
            return getattr(self._monitor, name_)
        return getattr(self._monitor, name_)[self._rows]

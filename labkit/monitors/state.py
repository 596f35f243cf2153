"""StateMonitor: a source's variables at every step -> 2-D Quantities ``M.v[neuron, time]``.

Before each run the monitor allocates exactly the arrays that run fills (one column per
step of its clock), after checking that they fit in the available memory; the kernel
writes into them; afterwards the filled part is kept (a run stopped by an error keeps the
steps recorded until then).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND
from labkit.core.elements import element_indices
from labkit.core.variables import as_quantity
from labkit.errors import NotFoundError, SimulationError, shorten
from labkit.memory import available_memory, limit_text, size_text
from labkit.plan.monitors import plan_state_monitor
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
        self._variables = {}  # recorded name -> its Variable (a Synapses': maybe the target's)
        for name_ in variables:
            var = source._recordable(name_) if isinstance(name_, str) else None
            if var is None:
                raise self._unknown(name_)
            self._variables[name_] = var
        self.record_variables = list(variables)
        if hasattr(record, "synapses"):  # S[i, :]: some synapses of the source
            if record.synapses is not source._owner:
                raise ValueError(f"StateMonitor {self.name!r}: record={record!r} selects "
                                 f"synapses of {record.synapses._label()}, but the monitor "
                                 f"records {source._label()}; select synapses of the "
                                 "monitored Synapses")
            record = record._indices()
        record = element_indices(record, source)   # a part of a morphology: its compartments
        if record is True:
            record = np.arange(source.N)
        elif record is False or record is None:
            record = np.zeros(0, dtype=np.int64)
        record = np.atleast_1d(np.asarray(record, dtype=np.int64))
        if record.size and (record.min() < 0 or record.max() >= source.N):
            raise IndexError(f"StateMonitor {self.name!r}: record indices must be in "
                             f"0..{source.N - 1} for {source._label()}")
        self.record = record
        self._chunks: list[_Chunk] = []  # one per run: the arrays the kernel filled
        self._cache: dict = {}

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

    def _prepare(self, ctx):
        """Allocate this run's arrays (one column per step) and record into them."""
        steps = ctx.n_steps(self)
        self._check_memory(steps)
        chunk = _Chunk(np.zeros(1, dtype=np.int64), np.zeros(steps), {
            name_: np.zeros((self.record.size, steps), dtype=self._variables[name_].dtype)
            for name_ in self.record_variables})
        self._chunks.append(chunk)
        return plan_state_monitor(self, ctx, chunk.n, chunk.t, chunk.values)

    def _check_memory(self, n_steps: int) -> None:
        per_step = 8 + sum(self.record.size * self._variables[v].dtype.itemsize
                           for v in self.record_variables)
        needed = n_steps * per_step
        available = available_memory()
        if needed > available:
            raise SimulationError(
                f"StateMonitor {self.name!r} would need {size_text(needed)} to record "
                f"{', '.join(self.record_variables)} of {self.record.size} elements for "
                f"{n_steps} steps, but only {size_text(available)} of memory is available "
                f"(limit: {limit_text()}). Record "
                "less: fewer neurons (record=[0, 10, 20]), a larger monitor dt "
                "(StateMonitor(..., dt=1*ms)), fewer variables, or a shorter run.")

    # -- results --------------------------------------------------------------------------------

    def _data(self, name_: str) -> np.ndarray:
        """The recorded values of ``name_`` (or the times, ``'t'``) of every run so far."""
        filled = tuple((id(c), int(c.n[0])) for c in self._chunks)
        found = self._cache.get(name_)
        if found is not None and found[0] == filled:
            return found[1]
        if name_ == "t":
            data = np.concatenate([c.t[:c.n[0]] for c in self._chunks] or [np.zeros(0)])
        else:
            dtype = self._variables[name_].dtype
            data = np.concatenate([c.values[name_][:, :c.n[0]] for c in self._chunks]
                                  or [np.zeros((self.record.size, 0), dtype=dtype)], axis=1)
        self._cache[name_] = (filled, data)
        return data

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
        raw = name_.endswith("_") and name_[:-1] in self.record_variables
        key = name_[:-1] if raw else name_
        if key in self.record_variables:
            data = self._data(key)
            return data if raw else as_quantity(data, self._variables[key].dim)
        raise AttributeError(f"StateMonitor {self.name!r} has no attribute {name_!r}; it "
                             f"records {', '.join(self.record_variables)}")

    def __getitem__(self, item):
        """``M[i]``: the recordings of element ``i`` of the source (it must be recorded)."""
        item = element_indices(item, self.source)
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
        # runs only append (to their own chunk): how far each chunk was filled is the state
        return {"chunks": [(c, int(c.n[0])) for c in self._chunks]}

    def _restore_state(self, state: dict) -> None:
        self._chunks = [_Chunk(np.array([n]), c.t, c.values) for c, n in state["chunks"]]
        self._cache.clear()

    def __repr__(self) -> str:
        return (f"<StateMonitor {self.name!r} of {self.source.name!r}: "
                f"{', '.join(self.record_variables)}, {self.record.size} element(s)>")


@dataclass(frozen=True)
class _Chunk:
    """The arrays one run records into: ``n`` (steps written so far), ``t``, ``values``
    (name -> elements x steps)."""

    n: np.ndarray
    t: np.ndarray
    values: dict


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

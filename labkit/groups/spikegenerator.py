"""SpikeGeneratorGroup(N, indices, times, period) -> exactly these spikes, repeated if asked.

Spike times are binned to the group's time steps as Brian2 does (``int((t + 1e-3*dt)/dt)``,
so a time that is a multiple of dt lands in its own step) and emitted at that step;
with a ``period`` the pattern repeats. Two spikes of one element in one step are an error.
"""

from __future__ import annotations

import numpy as np

from labkit.core.clock import SECOND, as_seconds
from labkit.core.variables import Variable
from labkit.errors import DimensionMismatchError
from labkit.groups.group import Group, add_standard_variables, spike_arrays
from labkit.plan.inputs import plan_spike_generator

__all__ = ["SpikeGeneratorGroup"]


class SpikeGeneratorGroup(Group):
    """Spike sources that fire at given times.

    Parameters
    ----------
    N : int
        Number of elements.
    indices : array of int
        Element of each spike.
    times : Quantity
        Time of each spike.
    period : Quantity
        Repeat the pattern with this period (0 s: no repetition).
    """

    _kind = "SpikeGeneratorGroup"
    _default_name = "spikegeneratorgroup*"

    def __init__(self, N, indices, times, dt=None, clock=None, period=None, when="thresholds",
                 order=0, sorted=False, name=None):
        super().__init__(dt=dt, clock=clock, when=when, order=order, name=name)
        self._N = int(N)
        self._start, self._stop = 0, self._N
        self.variables: dict[str, Variable] = {}
        add_standard_variables(self.variables, self._N)
        self._spikes, self._nspikes = spike_arrays(self._N)
        self._last = np.zeros(1, dtype=np.int64)
        self.set_spikes(indices, times, period, sorted)
        self._freeze()

    def set_spikes(self, indices, times, period=None, sorted=False) -> None:
        """Replace the spikes (takes effect at the next run; past times are skipped)."""
        indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        seconds = np.atleast_1d(_times_in_seconds(times)).astype(float)
        if indices.shape != seconds.shape:
            raise ValueError(f"{self._label()}: {indices.size} indices but {seconds.size} times")
        if indices.size and (indices.min() < 0 or indices.max() >= self._N):
            raise IndexError(f"{self._label()}: indices must be in 0..{self._N - 1}")
        if seconds.size and seconds.min() < 0:
            raise ValueError(f"{self._label()}: spike times must not be negative")
        self.period_ = 0.0 if period is None else as_seconds(period, "period")
        if self.period_ and seconds.size and seconds.max() >= self.period_:
            raise ValueError(f"{self._label()}: with period {self.period_ * 1e3:g} ms every "
                             "spike time must be smaller than the period")
        order = np.lexsort((indices, seconds))
        object.__setattr__(self, "_indices", indices[order].astype(np.int32))
        object.__setattr__(self, "_times", seconds[order])
        object.__setattr__(self, "_changed", True)

    def _prepare(self, ctx):
        """Bin the spikes for this run's dt, then plan (:mod:`labkit.plan.inputs`)."""
        dt = self.clock.dt_
        bins = ((self._times + 1e-3 * dt) / dt).astype(np.int64)
        clash = (np.diff(bins) == 0) & (np.diff(self._indices) == 0)
        if clash.any():
            k = int(np.flatnonzero(clash)[0])
            raise ValueError(f"{self._label()}: element {self._indices[k]} spikes twice in one "
                             f"time step of {dt * 1e3:g} ms (at {self._times[k] * 1e3:g} ms); use "
                             "a smaller dt or merge the spikes")
        period = int(round(self.period_ / dt)) if self.period_ else 0
        if period and abs(period * dt - self.period_) > 1e-9 * self.period_:
            raise ValueError(f"{self._label()}: the period {self.period_ * 1e3:g} ms is not a "
                             f"multiple of dt = {dt * 1e3:g} ms")
        if self._changed:
            now = ctx.ranges[ctx.clock(self)][0]  # spikes before the run's start: skipped
            self._last[0] = np.searchsorted(bins, now, side="left") if not period else 0
            object.__setattr__(self, "_changed", False)
        return plan_spike_generator(self, ctx, bins, period)

    def _store_state(self) -> dict:
        state = super()._store_state()
        state["_changed"] = self._changed
        return state

    def _restore_state(self, state) -> None:
        state = dict(state)
        object.__setattr__(self, "_changed", state.pop("_changed"))
        super()._restore_state(state)

    def __repr__(self) -> str:
        return f"SpikeGeneratorGroup({self._N}, {self._times.size} spikes, name={self.name!r})"


def _times_in_seconds(times) -> np.ndarray:
    if getattr(times, "dim", None) is not SECOND:
        raise DimensionMismatchError("times of a SpikeGeneratorGroup must be times (e.g. "
                                     "[1, 2]*ms)", getattr(times, "dim", None))
    return np.asarray(times.view(np.ndarray))

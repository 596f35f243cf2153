"""PopulationRateMonitor: a source's spikes -> the population rate at every step.

``rate[k]`` is the fraction of the source's elements that spiked in step k, divided by
dt (Brian2's definition); ``smooth_rate`` convolves it with a Gaussian or flat window.
"""

from __future__ import annotations

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND, as_seconds
from labkit.errors import UnsupportedFeatureError
from labkit.groups.runtime_values import ObjectPlan
from labkit.units.dimension import get_or_create_dimension
from labkit.units.quantity import Quantity

__all__ = ["PopulationRateMonitor"]

HERTZ = get_or_create_dimension(s=-1)


class PopulationRateMonitor(LabkitObject):
    """Record the instantaneous population rate of a spiking group (at ``when='end'``)."""

    _default_name = "ratemonitor*"
    invalidates_magic_network = False  # added between runs, it joins the simulation

    def __init__(self, source, name=None, when="end", order=0, dt=None, codeobj_class=None,
                 dtype=np.float64):
        owner = source._owner
        if getattr(owner, "_spikes", None) is None:
            raise TypeError(f"PopulationRateMonitor needs a source that spikes; "
                            f"{owner._label()} has no threshold")
        if dt is not None:  # Brian2 (2.9) has no dt argument here either
            raise TypeError(
                "PopulationRateMonitor records at every step of its source (it has no dt, "
                "as in Brian2); for a coarser rate use M.smooth_rate(window='flat', "
                "width=...) after the run")
        super().__init__(clock=source.clock, when=when, order=order, name=name)
        self.source = source
        self._rate_chunks: list = []
        self._t_chunks: list = []

    def _prepare(self, ctx) -> ObjectPlan:
        owner = self.source._owner
        try:
            src = ctx.owner(owner)
        except KeyError:
            raise ValueError(f"PopulationRateMonitor {self.name!r} listens to "
                             f"{owner._label()}, which is not part of this run") from None
        from labkit.codegen import spec as S

        prefix, n = ctx.owner(self), ctx.n_steps(self)
        op = S.RateRecord(prefix, ctx.clock(self), (), self.name, src)
        self._prefix = prefix
        values = {f"{prefix}_n": np.zeros(1, dtype=np.int64), f"{prefix}_t": np.zeros(n),
                  f"{prefix}_rate": np.zeros(n), f"{prefix}_start": self.source._start,
                  f"{prefix}_stop": self.source._stop}
        return ObjectPlan([(self.when, self.order, op)], values)

    def _finish_run(self, values) -> None:
        n = int(values[f"{self._prefix}_n"][0])
        self._t_chunks.append(values[f"{self._prefix}_t"][:n].copy())
        self._rate_chunks.append(values[f"{self._prefix}_rate"][:n].copy())

    @property
    def rate_(self) -> np.ndarray:
        return np.concatenate(self._rate_chunks) if self._rate_chunks else np.zeros(0)

    @property
    def rate(self) -> Quantity:
        """The population rate at each recorded step (Hz)."""
        return Quantity(self.rate_, dim=HERTZ)

    @property
    def t_(self) -> np.ndarray:
        return np.concatenate(self._t_chunks) if self._t_chunks else np.zeros(0)

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=SECOND)

    def smooth_rate(self, window="gaussian", width=None) -> Quantity:
        """The rate convolved with a window (Brian2's definition).

        ``window='gaussian'``: ``width`` is the standard deviation (the window spans
        +-2 widths); ``'flat'``: a box of ``width`` (rounded to an odd number of steps);
        or an array with an odd number of weights.
        """
        dt = self.clock.dt_
        if isinstance(window, str):
            if width is None:
                raise TypeError("smooth_rate needs width= for a named window, e.g. 5*ms")
            w = as_seconds(width, "width of smooth_rate")
            if window == "gaussian":
                half = int(np.round(2 * w / dt))
                kernel = np.exp(-np.arange(-half, half + 1) ** 2 / (2 * (w / dt) ** 2))
            elif window == "flat":
                kernel = np.ones(int(w / 2 / dt) * 2 + 1)
            else:
                raise UnsupportedFeatureError(f"unknown window {window!r}: use 'gaussian', "
                                              "'flat' or an array")
        else:
            kernel = np.asarray(window, dtype=float)
            if kernel.ndim != 1 or kernel.size % 2 != 1:
                raise TypeError("a window must be 1-D with an odd number of values")
        smoothed = np.convolve(self.rate_, kernel / kernel.sum(), mode="same")
        return Quantity(smoothed, dim=HERTZ)

    def _store_state(self) -> dict:
        return {"t": list(self._t_chunks), "rate": list(self._rate_chunks)}

    def _restore_state(self, state) -> None:
        self._t_chunks, self._rate_chunks = list(state["t"]), list(state["rate"])

    def __repr__(self) -> str:
        return f"<PopulationRateMonitor {self.name!r} of {self.source.name!r}>"

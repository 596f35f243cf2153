"""PopulationRateMonitor: a source's spikes -> the population rate at every step.

``rate[k]`` is the fraction of the source's elements that spiked in step k, divided by
dt (Brian2's definition); ``smooth_rate`` convolves it with a Gaussian or flat window.
"""

from __future__ import annotations

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND, as_seconds
from labkit.errors import UnsupportedFeatureError
from labkit.plan.monitors import plan_rate_monitor
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
        self._chunks: list = []  # per run: (steps written, times, rates), filled by the kernel

    def _prepare(self, ctx):
        """Allocate this run's arrays (one entry per step) and record into them."""
        steps = ctx.n_steps(self)
        chunk = (np.zeros(1, dtype=np.int64), np.zeros(steps), np.zeros(steps))
        self._chunks.append(chunk)
        return plan_rate_monitor(self, ctx, *chunk)

    @property
    def rate_(self) -> np.ndarray:
        return np.concatenate([rate[:n[0]] for n, _, rate in self._chunks] or [np.zeros(0)])

    @property
    def rate(self) -> Quantity:
        """The population rate at each recorded step (Hz)."""
        return Quantity(self.rate_, dim=HERTZ)

    @property
    def t_(self) -> np.ndarray:
        return np.concatenate([t[:n[0]] for n, t, _ in self._chunks] or [np.zeros(0)])

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
        # runs only append (to their own chunk): how far each chunk was filled is the state
        return {"chunks": [(n[0], t, rate) for n, t, rate in self._chunks]}

    def _restore_state(self, state) -> None:
        self._chunks = [(np.array([n]), t, rate) for n, t, rate in state["chunks"]]

    def __repr__(self) -> str:
        return f"<PopulationRateMonitor {self.name!r} of {self.source.name!r}>"

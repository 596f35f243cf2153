"""Results -> population rate over time (from ``rate_t``/``rate``, or binned from spikes).

Why: a raster of a thousand neurons is hard to read; the population rate is the summary a
lesson asks about ("does the network oscillate?"). The view uses a rate monitor's output when
there is one and otherwise bins the spikes itself, so a model that records only spikes still
gets a rate plot. An optional box-car smoothing (``smooth=5*ms``) matches
``PopulationRateMonitor.smooth_rate(window='flat')``.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines

from labkit.units import Hz, ms
from labkit.widgets.decimate import minmax_decimate
from labkit.widgets.views.base import PALETTE, AxisUnit, View, padded, set_marks

__all__ = ["RateView", "binned_rate"]


def binned_rate(spike_t, n_neurons: int, t0: float, t1: float, width: float):
    """Spike times (s) of ``n_neurons`` -> (bin centres (s), rate per neuron (Hz))."""
    n_bins = max(int(np.ceil((t1 - t0) / width - 1e-9)), 1)
    counts, edges = np.histogram(np.asarray(spike_t, dtype=float), bins=n_bins,
                                 range=(t0, t0 + n_bins * width))
    return (edges[:-1] + edges[1:]) / 2, counts / (max(n_neurons, 1) * width)


class RateView(View):
    """Population rate over time.

    Parameters
    ----------
    key, t_key : str
        Results keys of the rate and its times. When ``key`` is missing, spikes are binned.
    smooth : Quantity, optional
        Width of a flat smoothing window.
    bin : Quantity
        Bin width when binning spikes.
    n_neurons : int or str
        Number of neurons (or a Results key holding it) when binning spikes; default
        ``max(spike_i) + 1``.

    Attributes
    ----------
    line : bqplot.Lines
    """

    is_time_view = True

    def __init__(self, key="rate", t_key="rate_t", unit=Hz, time_unit=ms, smooth=None,
                 bin=1 * ms, n_neurons="N", title=None, height="200px", pixels: int = 800,
                 color=PALETTE[0]):
        super().__init__(title=title, height=height, pixels=pixels)
        self.key, self.t_key = key, t_key
        self.smooth, self.bin, self.n_neurons = smooth, bin, n_neurons
        self.t_unit = AxisUnit("t", time_unit or ms)       # fixed units: data arrive in SI
        self.y_unit = AxisUnit("rate", unit or Hz)
        self.line = Lines(x=np.zeros(0), y=np.zeros(0), colors=[color],
                          scales={"x": self.x_scale, "y": self.y_scale})
        self._figure([self.line], self.t_unit.label, self.y_unit.label)

    def rate(self, results):
        """Results -> (times in the time unit, rate in the rate unit)."""
        if self.key in results:
            t_si = np.asarray(results[self.t_key], dtype=float)
            r_si = np.asarray(results[self.key], dtype=float)
        else:
            spike_t = np.asarray(results["spike_t"], dtype=float)
            n = self.n_neurons
            n = results.get(n) if isinstance(n, str) else n
            if n is None:
                i = np.asarray(results["spike_i"])
                n = int(i.max()) + 1 if i.size else 1
            t_end = results.sim_time if getattr(results, "sim_time", None) is not None else (
                spike_t.max() if spike_t.size else 1.0)
            t0 = float(np.asarray(results["t"], float)[0]) if "t" in results and \
                np.size(results["t"]) else 0.0
            t_si, r_si = binned_rate(spike_t, int(n), t0, float(t_end), float(self.bin))
        if self.smooth is not None and t_si.size > 1:
            dt = t_si[1] - t_si[0]
            k = max(int(round(float(self.smooth) / dt)), 1)
            r_si = np.convolve(r_si, np.ones(k) / k, mode="same")
        return t_si / self.t_unit.factor, r_si / self.y_unit.factor

    def update(self, results) -> None:
        t, r = self.rate(results)
        x, y = minmax_decimate(t, r, self.pixels)
        set_marks((self.line, {"x": x, "y": y}))
        self._show_time_window(results, self.t_unit.factor)
        top = float(np.nanmax(y)) if np.size(y) and np.isfinite(np.nanmax(y)) else 0.0
        self._show_yrange(*padded(0.0, top if top > 0 else 1.0))

    def plot_static(self, results, ax) -> None:
        t, r = self.rate(results)
        ax.plot(t, r, color=self.line.colors[0])
        window = self.time_window(results, self.t_unit.factor)
        if window:
            ax.set_xlim(*window)
        ax.set(xlabel=self.t_unit.label, ylabel=self.y_unit.label, title=self.title or "")

"""Results (``spike_t``, ``spike_i``, optional ``spike_pop``) -> a raster, one colour each
population.

Why: spikes are the output of a network. Each population gets its own Scatter mark (so the
legend names it and the colour stays with it). A raster of many neurons over a long time has
more spikes than pixels: spikes falling on the same pixel cell (column, neuron) are drawn
once, and at most ``max_spikes`` points are sent (evenly thinned beyond that), so redraws
stay fast.
"""

from __future__ import annotations

import numpy as np
from bqplot import Scatter

from labkit.units import ms
from labkit.widgets.views.base import PALETTE, AxisUnit, View, set_marks

__all__ = ["RasterView", "thin_spikes"]


def thin_spikes(t, i, lo, hi, pixels: int, max_spikes: int):
    """Spike times/indices -> indices of spikes to draw: one per (pixel column, neuron) cell,
    at most ``max_spikes`` (every k-th beyond that)."""
    t = np.asarray(t, dtype=float)
    if t.size == 0:
        return np.zeros(0, dtype=np.int64)
    width = (hi - lo) / max(pixels, 1) if hi > lo else 1.0
    column = np.floor((t - lo) / width).astype(np.int64)
    cell = column * (int(np.max(i)) + 1 if len(i) else 1) + np.asarray(i, dtype=np.int64)
    _, keep = np.unique(cell, return_index=True)
    keep.sort()
    if keep.size > max_spikes:
        keep = keep[np.linspace(0, keep.size - 1, max_spikes).astype(np.int64)]
    return keep


class RasterView(View):
    """Spike raster, coloured by population.

    Parameters
    ----------
    time_unit : Unit
        Unit of the time axis.
    max_spikes : int
        Most points sent to the browser.
    t_key, i_key, pop_key : str
        Results keys of spike times, neuron indices and population codes.

    Attributes
    ----------
    scatters : list of bqplot.Scatter
        One per population (the first one is used when there are no populations).
    """

    is_time_view = True

    def __init__(self, time_unit=ms, title=None, height="260px", pixels: int = 800,
                 max_spikes: int = 20000, t_key="spike_t", i_key="spike_i",
                 pop_key="spike_pop", colors=PALETTE, marker_size: int = 6):
        super().__init__(title=title, height=height, pixels=pixels)
        self.t_unit = AxisUnit("t", time_unit)
        self.keys = (t_key, i_key, pop_key)
        self.max_spikes, self.colors, self.marker_size = max_spikes, colors, marker_size
        self.scatters: list[Scatter] = [self._scatter(0, None)]
        self._figure(self.scatters, self.t_unit.label, "neuron")
        self._xrange: tuple[float, float] | None = None

    def _scatter(self, k: int, label: str | None) -> Scatter:
        return Scatter(x=np.zeros(0), y=np.zeros(0), marker="square",
                       default_size=self.marker_size, stroke_width=0,
                       scales={"x": self.x_scale, "y": self.y_scale},
                       colors=[self.colors[k % len(self.colors)]],
                       labels=[label or "spikes"], display_legend=label is not None)

    def _ensure_marks(self, names: tuple[str, ...]) -> None:
        """One Scatter per population; rebuilt only when the populations change."""
        wanted = len(names) if names else 1
        current = tuple(s.labels[0] for s in self.scatters)
        if len(self.scatters) == wanted and (not names or current == names):
            return
        self.scatters = [self._scatter(k, names[k] if names else None) for k in range(wanted)]
        self.figure.marks = list(self.scatters)

    def spikes(self, results):
        """Results -> (times in the time unit, indices, population codes, population names)."""
        t_key, i_key, pop_key = self.keys
        t = self.t_unit.numbers(results[t_key])
        i = np.asarray(results[i_key], dtype=np.int64)
        pop = np.asarray(results[pop_key]) if pop_key in results else np.zeros(i.size, int)
        names = tuple(results.get("populations", ()))
        return t, i, pop, names

    def update(self, results) -> None:
        t, i, pop, names = self.spikes(results)
        self._ensure_marks(names)
        lo, hi = self._xrange or ((float(t.min()), float(t.max())) if t.size else (0.0, 1.0))
        updates = []
        for k, scatter in enumerate(self.scatters):
            sel = np.flatnonzero(pop == k)
            keep = sel[thin_spikes(t[sel], i[sel], lo, hi, self.pixels,
                                   self.max_spikes // len(self.scatters))]
            updates.append((scatter, {"x": t[keep], "y": i[keep].astype(float)}))
        set_marks(*updates)
        self._labels(self.t_unit.label, "neuron")

    def set_xrange(self, lo, hi) -> None:
        self._xrange = None if lo is None or hi is None else (float(lo), float(hi))
        super().set_xrange(lo, hi)

    def plot_static(self, results, ax) -> None:
        t, i, pop, names = self.spikes(results)
        for k in range(max(len(names), 1)):
            sel = pop == k
            ax.plot(t[sel], i[sel], "|" if sel.sum() < 5000 else ",", ls="none",
                    color=self.colors[k % len(self.colors)],
                    label=names[k] if names else None)
        if names:
            ax.legend(loc="upper right")
        ax.set(xlabel=self.t_unit.label, ylabel="neuron", title=self.title or "")

"""Results (``spike_t``, ``spike_i``, optional ``spike_pop``) -> a raster, one colour each
population.

Why: spikes are the output of a network. Each population gets its own mark (so the legend
names it and the colour stays with it). The axes are the experiment's, not the data's:
time spans the simulated window (a raster lines up with the trace above it and does not
jump when a spike appears), neurons run from 0 to N-1 with integer ticks (a silent neuron
keeps its row), and each spike is a vertical tick 80 % of its row tall: one bqplot Lines
mark per population whose segments are separated by NaN (a Scatter's markers have a fixed
size in pixels, and bqplot insets a figure holding one by the marker's size, so that its
time axis no longer lines up with the figures above). A raster of many neurons over a
long time has more spikes than pixels: spikes falling on the same pixel cell (column,
neuron) are drawn once, and at most ``max_spikes`` are sent (evenly thinned beyond that),
so redraws stay fast.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines

from labkit.units import ms
from labkit.widgets.views.base import (
    PALETTE,
    AxisUnit,
    View,
    integer_ticks,
    set_marks,
    set_range,
    set_ticks,
)

__all__ = ["RasterView", "thin_spikes"]


#: Height of a spike's tick: a fraction of its neuron's row, at most so many pixels.
TICK, TICK_PIXELS = 0.8, 18.0


def tick_height(rows: int, plot_pixels: float) -> float:
    """A spike tick's height in rows: 0.8 of a row, at most 18 px (one neuron on a tall
    plot gets a tick, not a bar across the plot)."""
    return min(TICK, TICK_PIXELS * max(rows, 1) / max(plot_pixels, 1.0))


def spike_ticks(t, i, height: float = TICK) -> tuple[np.ndarray, np.ndarray]:
    """Spike times and rows -> x, y of a line drawing one vertical tick per spike
    (``t, t, t`` and ``i - h/2, i + h/2, NaN``: the NaN breaks the line between ticks)."""
    t = np.asarray(t, dtype=float)
    i = np.asarray(i, dtype=float)
    x = np.repeat(t, 3)
    y = np.empty(3 * i.size)
    y[0::3], y[1::3], y[2::3] = i - height / 2, i + height / 2, np.nan
    return x, y


def tick_width(rows: int, plot_pixels: float) -> float:
    """A spike tick's stroke: 2 px, thinner when rows are thinner than 3 px."""
    return float(np.clip(plot_pixels / max(rows, 1), 1.0, 2.0))


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
        Most spikes sent to the browser.
    t_key, i_key, pop_key : str
        Results keys of spike times, neuron indices and population codes.

    Attributes
    ----------
    spike_marks : list of bqplot.Lines
        One per population (the first one is used when there are no populations); their
        x, y hold three points per spike drawn (see :func:`spike_ticks`).
    """

    is_time_view = True

    def __init__(self, time_unit=ms, title=None, height="260px", pixels: int = 800,
                 max_spikes: int = 20000, t_key="spike_t", i_key="spike_i",
                 pop_key="spike_pop", colors=PALETTE, n_key="N"):
        super().__init__(title=title, height=height, pixels=pixels)
        self.t_unit = AxisUnit("t", time_unit)
        self.keys = (t_key, i_key, pop_key)
        self.n_key = n_key
        self.max_spikes, self.colors = max_spikes, colors
        self.rows = 1
        self.spike_marks: list[Lines] = [self._spike_mark(0, None)]
        self._figure(self.spike_marks, self.t_unit.label, "neuron")
        self._show_rows(1)

    def _spike_mark(self, k: int, label: str | None) -> Lines:
        mark = Lines(x=np.zeros(0), y=np.zeros(0), colors=[self.colors[k % len(self.colors)]],
                     stroke_width=tick_width(self.rows, self.plot_pixels),
                     scales={"x": self.x_scale, "y": self.y_scale}, labels=[label or "spikes"])
        self.show_in_legend(mark, label is not None)
        return mark

    def drawn(self, k: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(times, neurons) of the spikes population ``k``'s mark draws."""
        mark = self.spike_marks[k]
        ends = np.asarray(mark.y)
        return np.asarray(mark.x)[0::3], (ends[0::3] + ends[1::3]) / 2

    def neuron_count(self, results, i) -> int:
        """Results -> N, the number of rows: the recorded groups' size when the results
        say it (``N``), else one more than the highest index that spiked."""
        n = results.get(self.n_key) if self.n_key else None
        if n is not None and np.ndim(n) == 0:
            return max(int(n), 1)
        return int(i.max()) + 1 if i.size else 1

    def _show_rows(self, n: int) -> None:
        """Neurons 0..n-1: y from -0.5 to n-0.5, integer ticks, ticks' stroke fit to a row."""
        self.rows = n
        set_range(self.y_scale, -0.5, n - 0.5)
        set_ticks(self.y_axis, integer_ticks(n, self.plot_pixels), "d")
        width = tick_width(n, self.plot_pixels)
        for mark in self.spike_marks:
            if mark.stroke_width != width:
                mark.stroke_width = width

    def _ensure_marks(self, names: tuple[str, ...]) -> None:
        """One mark per population; rebuilt only when the populations change."""
        wanted = len(names) if names else 1
        current = tuple(m.labels[0] for m in self.spike_marks)
        if len(self.spike_marks) == wanted and (not names or current == names):
            return
        self.spike_marks = [self._spike_mark(k, names[k] if names else None)
                            for k in range(wanted)]
        self.figure.marks = list(self.spike_marks)

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
        self._show_rows(self.neuron_count(results, i))
        window = self._show_time_window(results, self.t_unit.factor)
        lo, hi = window or ((float(t.min()), float(t.max())) if t.size else (0.0, 1.0))
        updates = []
        for k, mark in enumerate(self.spike_marks):
            sel = np.flatnonzero(pop == k)
            keep = sel[thin_spikes(t[sel], i[sel], lo, hi, self.pixels,
                                   self.max_spikes // len(self.spike_marks))]
            x, y = spike_ticks(t[keep], i[keep], tick_height(self.rows, self.plot_pixels))
            updates.append((mark, {"x": x, "y": y}))
        set_marks(*updates)
        self._labels(self.t_unit.label, "neuron")

    def plot_static(self, results, ax) -> None:
        t, i, pop, names = self.spikes(results)
        for k in range(max(len(names), 1)):
            sel = pop == k
            ax.plot(t[sel], i[sel], "|" if sel.sum() < 5000 else ",", ls="none",
                    color=self.colors[k % len(self.colors)],
                    label=names[k] if names else None)
        if names:
            ax.legend(loc="upper right")
        n = self.neuron_count(results, i)
        ax.set_yticks(integer_ticks(n, self.plot_pixels))
        ax.set_ylim(-0.5, n - 0.5)
        window = self.time_window(results, self.t_unit.factor)
        if window:
            ax.set_xlim(*window)
        ax.set(xlabel=self.t_unit.label, ylabel="neuron", title=self.title or "")

"""Results (``t`` + state variables) -> lines over time, decimated to screen resolution.

Why: the first plot of every lesson is a membrane potential. The view draws one line per
recorded neuron (a few, chosen by index) or one per variable (``('m', 'h', 'n')``), each
named in the legend, an optional reference line (a threshold, a steady state) named too,
and decimates long recordings (min/max per pixel column) so that moving a slider on a
1e6-sample trace still redraws quickly. The y range includes the reference line with a
margin, or is fixed (``y_range``) where the point is to see a level move.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines

from labkit.units import ms
from labkit.widgets.decimate import minmax_decimate
from labkit.widgets.views.base import PALETTE, AxisUnit, View, padded, set_marks

__all__ = ["TraceView"]


class TraceView(View):
    """State variable(s) over time for several neurons, with an optional reference line.

    Parameters
    ----------
    var : str or sequence of str
        Results key of the variable, shape (n_t,) or (n_neurons, n_t); or several keys
        in the same unit (``('m', 'h', 'n')``), one line each (their first row).
    unit : Unit, optional
        Display unit of the variable (chosen from the data when omitted).
    neurons : sequence of int, optional
        Rows to draw; the first ``max_lines`` when omitted.
    labels : sequence of str, optional
        Legend entry of each line; default ``'neuron k'`` (or the variable names).
    threshold : Quantity, float or str, optional
        A horizontal line: a value, or a Results key holding it (e.g. ``'v_th'``).
    threshold_label : str
        Its legend entry.
    y_range : (float, float), optional
        Fixed y range in the display unit; default: the data and the line, with a margin.
    time_key : str
        Results key of the sample times.
    time_unit : Unit
        Unit of the time axis.
    pixels : int
        Columns to decimate to (the plot's width in pixels is a good choice).

    Attributes
    ----------
    line : bqplot.Lines
        x: times (1-D), y: one row per line (2-D), after decimation.
    threshold_line : bqplot.Lines
        Two points spanning the time window at the threshold value (empty when none).
    """

    is_time_view = True

    def __init__(self, var="v", unit=None, neurons=None, threshold=None,
                 time_key: str = "t", time_unit=ms, max_lines: int = 10, title=None,
                 height="260px", pixels: int = 800, colors=PALETTE, labels=None,
                 threshold_label: str = "threshold", y_range=None):
        super().__init__(title=title, height=height, pixels=pixels)
        self.vars = (var,) if isinstance(var, str) else tuple(var)
        self.var, self.time_key = self.vars[0], time_key
        self.neurons = None if neurons is None else np.atleast_1d(neurons)
        self.threshold, self.max_lines = threshold, max_lines
        self.labels = None if labels is None else list(labels)
        self.y_range = None if y_range is None else (float(y_range[0]), float(y_range[1]))
        self.t_unit = AxisUnit("t", time_unit)
        self.y_unit = AxisUnit(", ".join(self.vars), unit)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.line = Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=list(colors),
                          stroke_width=1.5, labels=self.labels or list(self.vars))
        self.threshold_line = Lines(x=np.zeros(0), y=np.zeros(0), scales=scales,
                                    colors=["#555555"], line_style="dashed", stroke_width=1.5,
                                    labels=[threshold_label])
        self.show_in_legend(self.threshold_line, threshold is not None)
        self._figure([self.line, self.threshold_line], self.t_unit.label, self.y_unit.label)
        if self.y_range is not None:
            self._show_yrange(*self.y_range)

    def rows(self, results) -> tuple[np.ndarray, np.ndarray]:
        """Results -> (times in the time unit (n_t,), values in the unit (k, n_t))."""
        t = self.t_unit.numbers(results[self.time_key])
        if len(self.vars) > 1:
            row = 0 if self.neurons is None else int(self.neurons[0])
            return t, np.array([np.atleast_2d(self.y_unit.numbers(results[key]))[row]
                                for key in self.vars])
        y = np.atleast_2d(self.y_unit.numbers(results[self.var]))
        if self.neurons is not None:
            y = y[self.neurons]
        elif y.shape[0] > self.max_lines:
            y = y[: self.max_lines]
        return t, y

    def line_labels(self, n_rows: int) -> list[str]:
        """The legend entry of each of ``n_rows`` lines."""
        if self.labels is not None:
            return self.labels[:n_rows]
        if len(self.vars) > 1:
            return list(self.vars)
        index = self.neurons if self.neurons is not None else np.arange(n_rows)
        return [f"neuron {int(k)}" for k in index[:n_rows]] if n_rows > 1 else [self.var]

    def _threshold_value(self, results):
        if self.threshold is None:
            return None
        value = results.get(self.threshold) if isinstance(self.threshold, str) else \
            self.threshold
        return None if value is None else float(self.y_unit.numbers(value))

    def update(self, results) -> None:
        t, y = self.rows(results)
        x, y = minmax_decimate(t, y, self.pixels)
        th = self._threshold_value(results)
        window = self._show_time_window(results, self.t_unit.factor)
        span = list(window) if window else ([float(t[0]), float(t[-1])] if t.size else [])
        labels = self.line_labels(len(y))
        legend = len(labels) > 1 or th is not None
        self.show_in_legend(self.line, legend)
        set_marks((self.line, {"x": x, "y": y, "labels": labels}),
                  (self.threshold_line, {"x": np.asarray(span if th is not None else []),
                                         "y": np.asarray([th] * len(span) if th is not None
                                                         else [])}))
        if self.y_range is None:
            finite = y[np.isfinite(y)]
            if finite.size:
                lo, hi = float(finite.min()), float(finite.max())
                if th is not None:
                    lo, hi = min(lo, th), max(hi, th)
                self._show_yrange(*padded(lo, hi))
        self._labels(self.t_unit.label, self.y_unit.label)

    def plot_static(self, results, ax) -> None:
        t, y = self.rows(results)
        labels = self.line_labels(len(y))
        for k, row in enumerate(y):
            ax.plot(t, row, lw=1, color=PALETTE[k % len(PALETTE)], label=labels[k])
        th = self._threshold_value(results)
        if th is not None:
            ax.axhline(th, ls="--", color="#555555", lw=1, label=self.threshold_line.labels[0])
        if len(labels) > 1 or th is not None:
            ax.legend(loc="upper right")
        window = self.time_window(results, self.t_unit.factor)
        if window:
            ax.set_xlim(*window)
        if self.y_range is not None:
            ax.set_ylim(*self.y_range)
        ax.set(xlabel=self.t_unit.label, ylabel=self.y_unit.label, title=self.title or "")

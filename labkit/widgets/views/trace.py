"""Results (``t`` + a state variable) -> lines over time, decimated to screen resolution.

Why: the first plot of every lesson is a membrane potential. The view draws one line per
recorded neuron (a few, chosen by index), an optional threshold line, and decimates long
recordings (min/max per pixel column) so that moving a slider on a 1e6-sample trace still
redraws quickly.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines

from labkit.units import ms
from labkit.widgets.decimate import minmax_decimate
from labkit.widgets.views.base import PALETTE, AxisUnit, View, set_marks

__all__ = ["TraceView"]


class TraceView(View):
    """State variable(s) over time for several neurons, with an optional threshold line.

    Parameters
    ----------
    var : str
        Results key of the variable, shape (n_t,) or (n_neurons, n_t).
    unit : Unit, optional
        Display unit of the variable (chosen from the data when omitted).
    neurons : sequence of int, optional
        Rows to draw; the first ``max_lines`` when omitted.
    threshold : Quantity, float or str, optional
        A horizontal line: a value, or a Results key holding it (e.g. ``'v_th'``).
    time_key : str
        Results key of the sample times.
    time_unit : Unit
        Unit of the time axis.
    pixels : int
        Columns to decimate to (the plot's width in pixels is a good choice).

    Attributes
    ----------
    line : bqplot.Lines
        x: times (1-D), y: one row per neuron (2-D), after decimation.
    threshold_line : bqplot.Lines
        Two points spanning the time range at the threshold value (empty when none).
    """

    is_time_view = True

    def __init__(self, var: str = "v", unit=None, neurons=None, threshold=None,
                 time_key: str = "t", time_unit=ms, max_lines: int = 10, title=None,
                 height="260px", pixels: int = 800, colors=PALETTE):
        super().__init__(title=title, height=height, pixels=pixels)
        self.var, self.time_key = var, time_key
        self.neurons = None if neurons is None else np.atleast_1d(neurons)
        self.threshold, self.max_lines = threshold, max_lines
        self.t_unit = AxisUnit("t", time_unit)
        self.y_unit = AxisUnit(var, unit)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.line = Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=list(colors),
                          stroke_width=1.5)
        self.threshold_line = Lines(x=np.zeros(0), y=np.zeros(0), scales=scales,
                                    colors=["#555555"], line_style="dashed", stroke_width=1)
        self._figure([self.line, self.threshold_line], self.t_unit.label, self.y_unit.label)

    def rows(self, results) -> tuple[np.ndarray, np.ndarray]:
        """Results -> (times in the time unit (n_t,), values in the unit (k, n_t))."""
        t = self.t_unit.numbers(results[self.time_key])
        y = np.atleast_2d(self.y_unit.numbers(results[self.var]))
        if self.neurons is not None:
            y = y[self.neurons]
        elif y.shape[0] > self.max_lines:
            y = y[: self.max_lines]
        return t, y

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
        span = [float(t[0]), float(t[-1])] if t.size else []
        set_marks((self.line, {"x": x, "y": y}),
                  (self.threshold_line, {"x": np.asarray(span if th is not None else []),
                                         "y": np.asarray([th] * len(span) if th is not None
                                                         else [])}))
        self._labels(self.t_unit.label, self.y_unit.label)

    def plot_static(self, results, ax) -> None:
        t, y = self.rows(results)
        for k, row in enumerate(y):
            ax.plot(t, row, lw=1, color=PALETTE[k % len(PALETTE)])
        th = self._threshold_value(results)
        if th is not None:
            ax.axhline(th, ls="--", color="#555555", lw=1)
        ax.set(xlabel=self.t_unit.label, ylabel=self.y_unit.label, title=self.title or "")

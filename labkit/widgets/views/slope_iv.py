"""Results (voltage grid, one I-V curve) -> the curve coloured by the sign of its slope, the
applied-current level and the equilibria.

Why: in the multi-scale neuron (models-reference section 1.2) what matters about an I-V
curve is where its slope is negative: a negative conductance is positive feedback, the
source of the spike upstroke (fast curve) and of the bistability behind bursts (slow
curve). Ribar and Sepulchre's GUI draws each timescale's curve in two colours for that
reason, and marks where the ultra-slow curve meets the applied current (the equilibria).
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines, Scatter

from labkit.widgets.views.base import (
    AxisUnit,
    View,
    nice_ticks,
    padded,
    set_marks,
    set_range,
    set_ticks,
)

__all__ = ["SlopeIVView", "split_by_slope"]

_EMPTY = np.zeros(0)
#: (positive slope, negative slope): the GUI's blue and red.
SLOPE_COLORS = ("#1f77b4", "#d62728")


def split_by_slope(V, I) -> tuple[np.ndarray, np.ndarray]:
    """Curve samples -> (x, rows): ``x`` the grid with each segment's midpoint inserted,
    ``rows[0]`` the curve where its slope is positive, ``rows[1]`` where it is negative,
    NaN elsewhere (a gap when drawn). A midpoint is NaN in the row its segment does not
    belong to, so the two colours join at the vertices without overlapping.

    >>> x, rows = split_by_slope([0, 1, 2, 3], [0, 1, 0, 1])
    >>> x
    array([0. , 0.5, 1. , 1.5, 2. , 2.5, 3. ])
    >>> rows
    array([[0. , 0.5, 1. , nan, 0. , 0.5, 1. ],
           [nan, nan, 1. , 0.5, 0. , nan, nan]])
    """
    V, I = np.asarray(V, dtype=float), np.asarray(I, dtype=float)
    if I.size < 2:
        return V.copy(), np.vstack([I, np.full(I.size, np.nan)])
    x = np.empty(2 * I.size - 1)
    x[0::2], x[1::2] = V, (V[:-1] + V[1:]) / 2
    y = np.empty_like(x)
    y[0::2], y[1::2] = I, (I[:-1] + I[1:]) / 2
    negative = np.diff(I) / np.diff(V) < 0                  # per segment k -> k+1
    rows = np.full((2, x.size), np.nan)
    for row, keep in ((0, ~negative), (1, negative)):
        points = np.zeros(x.size, dtype=bool)
        points[1::2] = keep
        points[0:-1:2] |= keep
        points[2::2] |= keep
        rows[row, points] = y[points]
    return x, rows


class SlopeIVView(View):
    """One I-V curve, blue where its slope is positive and red where it is negative, with
    the applied current (dashed) and, optionally, the equilibria (dots on the level).

    Parameters
    ----------
    curve : str
        Results key of the current on the voltage grid.
    v : str
        Results key of the voltage grid.
    level : str or None
        Results key of the applied current.
    points : str or None
        Results key of the equilibrium voltages (drawn at the level).

    Attributes
    ----------
    lines : bqplot.Lines
        Two rows sharing x: the positive-slope and the negative-slope parts.
    level_line : bqplot.Lines
    points_mark : bqplot.Scatter
    """

    def __init__(self, curve="I_ultra", v="iv_V", level="I_app", points=None, v_unit=None,
                 i_unit=None, title=None, height="240px", colors=SLOPE_COLORS):
        super().__init__(title=title, height=height)
        self.curve, self.v_key, self.level, self.points = curve, v, level, points
        self.v_unit, self.i_unit = AxisUnit("V", v_unit), AxisUnit("I", i_unit)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.lines = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=list(colors),
                           labels=["slope > 0", "slope < 0"],
                           stroke_width=2)
        self.level_line = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=["#555555"],
                                line_style="dashed", stroke_width=1,
                                labels=[level or "level"])
        self.points_mark = Scatter(x=_EMPTY, y=_EMPTY, scales=scales, colors=["black"],
                                   default_size=48, labels=["equilibria"])
        self.show_in_legend(self.lines)
        self.show_in_legend(self.level_line, level is not None)
        self.show_in_legend(self.points_mark, points is not None)
        self._figure([self.lines, self.level_line, self.points_mark], self.v_unit.label,
                     self.i_unit.label)
        self._drawn = None

    def data(self, results):
        """Results -> (x, (2, n) split curve, level or None, equilibria) in display units."""
        v, rows = split_by_slope(self.v_unit.numbers(results[self.v_key]),
                                 self.i_unit.numbers(results[self.curve]))
        level = results.get(self.level) if self.level else None
        level = None if level is None else float(self.i_unit.numbers(level))
        eq = results.get(self.points) if self.points else None
        eq = _EMPTY if eq is None or level is None else self.v_unit.numbers(eq)
        return v, rows, level, np.atleast_1d(eq)

    def update(self, results) -> None:
        # a running Scope sends the same curves with every chunk: redraw only on a change
        inputs = [results[self.v_key], results[self.curve], results.get(self.level),
                  results.get(self.points)]
        if self._drawn is not None and all(
                a is b or np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
                for a, b in zip(inputs, self._drawn, strict=True)):
            return
        self._drawn = inputs
        v, rows, level, eq = self.data(results)
        span = np.array([v.min(), v.max()]) if level is not None and v.size else _EMPTY
        set_marks((self.lines, {"x": v, "y": rows}),
                  (self.level_line, {"x": span, "y": np.full(span.size, level or 0.0)}),
                  (self.points_mark, {"x": eq, "y": np.full(eq.size, level or 0.0)}))
        if v.size:          # side by side the views are narrow: six x labels at most
            set_range(self.x_scale, float(v.min()), float(v.max()))
            set_ticks(self.x_axis, *nice_ticks(float(v.min()), float(v.max()), 6))
        finite = rows[np.isfinite(rows)]
        if finite.size:     # the curve and the level, off the plot's edges; labels that fit
            lo, hi = float(finite.min()), float(finite.max())
            if level is not None:
                lo, hi = min(lo, level), max(hi, level)
            self._show_yrange(*padded(lo, hi))
        self._labels(self.v_unit.label, self.i_unit.label)

    def plot_static(self, results, ax) -> None:
        v, rows, level, eq = self.data(results)
        for row, color, label in zip(rows, self.lines.colors, self.lines.labels, strict=True):
            ax.plot(v, row, color=color, label=label)
        if level is not None:
            ax.axhline(level, ls="--", color="#555555", lw=1)
            ax.plot(eq, np.full(eq.size, level), "ko")
        ax.set(xlabel=self.v_unit.label, ylabel=self.i_unit.label, title=self.title or "")

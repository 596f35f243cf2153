"""Results (two state variables, nullclines) -> a phase-plane picture of a 2-D model.

Why: a 2-D model (FitzHugh-Nagumo, adaptive LIF) is understood in its phase plane: where
the nullclines cross lie the fixed points, and the trajectory shows spikes as loops. The
model computes the nullclines (it knows its equations); the view only draws them.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines, Scatter

from labkit.widgets.views.base import PALETTE, AxisUnit, View, set_marks

__all__ = ["PhasePlaneView"]

_EMPTY = np.zeros(0)


class PhasePlaneView(View):
    """Trajectory of a 2-D model in its phase plane, with nullclines and fixed points.

    Parameters
    ----------
    x, y : str
        Results keys of the two state variables (first row if 2-D).
    nullclines : sequence of str
        Results keys, each holding a (2, n) array of points (x row, y row) of a nullcline.
    fixed_points : str
        Results key of a (2, k) array of fixed points (optional in the results).
    x_unit, y_unit : Unit, optional

    Attributes
    ----------
    trajectory : bqplot.Lines
    nullcline_lines : bqplot.Lines
        One row per nullcline (x and y 2-D, NaN-padded to a common length).
    points : bqplot.Scatter
    """

    def __init__(self, x="v", y="w", nullclines=("v_nullcline", "w_nullcline"),
                 fixed_points="fixed_points", x_unit=None, y_unit=None, title=None,
                 height="320px", pixels: int = 800):
        super().__init__(title=title, height=height, pixels=pixels)
        self.keys, self.nullclines, self.fixed_key = (x, y), tuple(nullclines), fixed_points
        self.x_unit, self.y_unit = AxisUnit(x, x_unit), AxisUnit(y, y_unit)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.nullcline_lines = Lines(x=_EMPTY, y=_EMPTY, scales=scales,
                                     colors=list(PALETTE[1:3]), line_style="dashed",
                                     labels=list(self.nullclines))
        self.trajectory = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=[PALETTE[0]],
                                labels=["trajectory"])
        self.points = Scatter(x=_EMPTY, y=_EMPTY, scales=scales, colors=["black"],
                              default_size=40, labels=["fixed points"])
        for mark in (self.nullcline_lines, self.trajectory, self.points):
            self.show_in_legend(mark)
        self._figure([self.nullcline_lines, self.trajectory, self.points],
                     self.x_unit.label, self.y_unit.label)

    def _xy(self, values_x, values_y):
        x = np.atleast_2d(self.x_unit.numbers(values_x))[0]
        y = np.atleast_2d(self.y_unit.numbers(values_y))[0]
        return x, y

    def update(self, results) -> None:
        x, y = self._xy(results[self.keys[0]], results[self.keys[1]])
        if x.size > 4 * self.pixels:                 # a path, not a function of x: stride
            step = -(-x.size // (4 * self.pixels))
            x, y = np.append(x[::step], x[-1]), np.append(y[::step], y[-1])
        curves = [self._xy(*results[k]) for k in self.nullclines if k in results]
        n = max((c[0].size for c in curves), default=0)
        pad = [np.pad(c, (0, n - c.size), constant_values=np.nan) for xy in curves for c in xy]
        nx, ny = np.array(pad[0::2]), np.array(pad[1::2])
        updates = [(self.trajectory, {"x": x, "y": y}),
                   (self.nullcline_lines, {"x": nx if curves else _EMPTY,
                                           "y": ny if curves else _EMPTY})]
        if self.fixed_key in results:
            fx, fy = self._xy(*results[self.fixed_key])
            updates.append((self.points, {"x": fx, "y": fy}))
        set_marks(*updates)
        self._labels(self.x_unit.label, self.y_unit.label)

    def plot_static(self, results, ax) -> None:
        for k, key in enumerate(self.nullclines):
            if key in results:
                ax.plot(*self._xy(*results[key]), "--", color=PALETTE[1 + k], label=key)
        ax.plot(*self._xy(results[self.keys[0]], results[self.keys[1]]), color=PALETTE[0],
                label="trajectory")
        if self.fixed_key in results:
            ax.plot(*self._xy(*results[self.fixed_key]), "ko")
        ax.legend(loc="best")
        ax.set(xlabel=self.x_unit.label, ylabel=self.y_unit.label, title=self.title or "")

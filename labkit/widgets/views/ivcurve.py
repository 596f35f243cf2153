"""Results (voltage grid, currents) -> I-V curves at the fast, slow and ultra-slow scales.

Why: the multi-scale neuron lesson (models-reference section 1.2) explains spiking and
bursting by the shapes of three I-V curves: a negative slope of the fast curve means
excitability, and equilibria sit where the ultra-slow curve meets the applied current.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines

from labkit.widgets.decimate import minmax_decimate
from labkit.widgets.views.base import PALETTE, AxisUnit, View, set_marks

__all__ = ["IVCurveView"]

_EMPTY = np.zeros(0)


class IVCurveView(View):
    """Current-voltage curves at several timescales + the applied-current level.

    For the multi-scale neuron (models-reference section 1.2): ``I_fast``, ``I_slow`` and
    ``I_ultra`` against ``V``; equilibria are where ``I_ultra`` meets the ``I_app`` line, and
    a negative slope of ``I_fast`` means excitability.

    Parameters
    ----------
    v : str
        Results key of the voltage grid.
    curves : mapping of str to str
        Label -> Results key of the current on that grid.
    level : str, optional
        Results key of the applied current (drawn as a horizontal line).

    Attributes
    ----------
    lines : bqplot.Lines
        One row per curve, sharing x.
    level_line : bqplot.Lines
    """

    def __init__(self, v="iv_V", curves=None, level="I_app", v_unit=None, i_unit=None,
                 title=None, height="300px", pixels: int = 800):
        super().__init__(title=title, height=height, pixels=pixels)
        self.v_key, self.level = v, level
        self.curves = dict(curves or {"fast": "I_fast", "slow": "I_slow",
                                      "ultra-slow": "I_ultra"})
        self.v_unit, self.i_unit = AxisUnit("V", v_unit), AxisUnit("I", i_unit)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.lines = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=list(PALETTE),
                           labels=list(self.curves))
        self.level_line = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=["#555555"],
                                line_style="dashed", labels=[level or "level"])
        self.show_in_legend(self.lines)
        self.show_in_legend(self.level_line, level is not None)
        self._figure([self.lines, self.level_line], self.v_unit.label, self.i_unit.label)

    def iv(self, results):
        """Results -> (V grid, currents (k, n), level or None) in display units."""
        v = self.v_unit.numbers(results[self.v_key])
        rows = np.array([self.i_unit.numbers(results[key]) for key in self.curves.values()])
        level = results.get(self.level) if self.level else None
        return v, rows, None if level is None else float(self.i_unit.numbers(level))

    def update(self, results) -> None:
        v, rows, level = self.iv(results)
        x, y = minmax_decimate(v, rows, self.pixels)
        span = np.array([v.min(), v.max()]) if level is not None and v.size else _EMPTY
        set_marks((self.lines, {"x": x, "y": y}),
                  (self.level_line, {"x": span, "y": np.full(span.size, level or 0.0)}))
        self._labels(self.v_unit.label, self.i_unit.label)

    def plot_static(self, results, ax) -> None:
        v, rows, level = self.iv(results)
        for k, (label, row) in enumerate(zip(self.curves, rows, strict=True)):
            ax.plot(v, row, color=PALETTE[k], label=label)
        if level is not None:
            ax.axhline(level, ls="--", color="#555555", label="I_app")
        ax.legend(loc="best")
        ax.set(xlabel=self.v_unit.label, ylabel=self.i_unit.label, title=self.title or "")

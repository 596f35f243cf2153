"""Results (inputs, rates) -> an input-frequency curve: a line with a dot per input.

Why: lesson 06 asks how a neuron's rate grows with its input current, and how noise
smooths the threshold; the view draws the simulated curve and, optionally, a reference
(the analytic LIF formula), both named in the legend. The reference is drawn dashed and on
top: where the simulation follows the formula exactly, a line drawn underneath would vanish.
"""

from __future__ import annotations

import numpy as np
from bqplot import Lines, Scatter

from labkit.units import Hz
from labkit.widgets.views.base import PALETTE, AxisUnit, View, padded, set_marks

__all__ = ["IFCurveView"]

_EMPTY = np.zeros(0)


class IFCurveView(View):
    """Input (current) vs firing rate: a line with a dot per simulated input.

    Parameters
    ----------
    x, y : str
        Results keys of the inputs and the rates.
    x_unit, y_unit : Unit, optional
        Display units (input: from the data; rate: Hz).
    reference : str, optional
        Results key of a second rate curve drawn dashed (e.g. the analytic formula).
    label, reference_label : str
        Legend entries of the two curves.
    legend : bool, optional
        Name the simulated curve in the legend above the plot; default: only when there
        is a reference (a lone curve is named by the title).

    Attributes
    ----------
    line, dots, reference_line : bqplot marks
    """

    def __init__(self, x="I", y="f", x_unit=None, y_unit=Hz, reference=None, title=None,
                 height="260px", pixels: int = 800, color=PALETTE[0], label="simulated",
                 reference_label="formula", legend=None):
        super().__init__(title=title, height=height, pixels=pixels)
        self.keys, self.reference = (x, y), reference
        self.x_unit, self.y_unit = AxisUnit(x, x_unit), AxisUnit("rate", y_unit)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.line = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=[color], stroke_width=2,
                          labels=[label])
        self.dots = Scatter(x=_EMPTY, y=_EMPTY, scales=scales, colors=[color], default_size=12)
        self.reference_line = Lines(x=_EMPTY, y=_EMPTY, scales=scales, colors=["#222222"],
                                    line_style="dashed", stroke_width=2,
                                    labels=[reference_label])
        self.show_in_legend(self.line, reference is not None if legend is None else legend)
        self.show_in_legend(self.reference_line, reference is not None)
        self._figure([self.line, self.dots, self.reference_line], self.x_unit.label,
                     self.y_unit.label)

    def curve(self, results):
        """Results -> (inputs, rates[, reference rates]) in display units."""
        x = self.x_unit.numbers(results[self.keys[0]])
        y = self.y_unit.numbers(results[self.keys[1]])
        ref = self.y_unit.numbers(results[self.reference]) if self.reference else None
        return x, y, ref

    def update(self, results) -> None:
        x, y, ref = self.curve(results)
        order = np.argsort(x, kind="stable")
        xs, ys = x[order], y[order]
        dots = slice(None) if xs.size <= 60 else slice(None, None, -(-xs.size // 60))
        updates = [(self.line, {"x": xs, "y": ys}),
                   (self.dots, {"x": xs[dots], "y": ys[dots]})]
        if ref is not None:
            updates.append((self.reference_line, {"x": xs, "y": ref[order]}))
        set_marks(*updates)
        top = max([float(np.nanmax(v)) for v in (ys, ref) if v is not None and np.size(v)]
                  or [0.0])
        self._show_yrange(*padded(0.0, top if top > 0 else 1.0))
        self._labels(self.x_unit.label, self.y_unit.label)

    def plot_static(self, results, ax) -> None:
        x, y, ref = self.curve(results)
        order = np.argsort(x)
        ax.plot(x[order], y[order], "o-", ms=3, color=self.line.colors[0],
                label=self.line.labels[0])
        if ref is not None:
            ax.plot(x[order], ref[order], "--", color="#222222", zorder=3,
                    label=self.reference_line.labels[0])
        if self.in_legend(self.line) or ref is not None:
            ax.legend(loc="upper left")
        ax.set(xlabel=self.x_unit.label, ylabel=self.y_unit.label, title=self.title or "")

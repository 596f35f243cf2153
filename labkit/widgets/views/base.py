"""Shared machinery of views: Results -> numbers in display units -> a bqplot Figure.

Why: every view does the same three things: pick arrays out of :class:`Results`, turn
Quantities into numbers in a readable unit (the axis label says which), and write them into
marks built once, inside ``hold_sync`` so the front-end receives one message per mark
instead of one per trait (bqplot's "Updating Plots" tutorial).
"""

from __future__ import annotations

import contextlib

import numpy as np
from bqplot import Axis, Figure, LinearScale
from ipywidgets import Layout

from labkit.errors import UnsupportedFeatureError
from labkit.units import DIMENSIONLESS, get_dimensions
from labkit.units.display import best_unit

__all__ = ["View", "AxisUnit", "PALETTE", "set_marks"]

#: Colours for neurons, populations and curves (matplotlib's "tab10", colour-blind safe-ish).
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


class AxisUnit:
    """A fixed unit, or one chosen from the first data seen -> factor and axis label.

    Parameters
    ----------
    name : str
        What the axis shows (``'v'``, ``'t'``, ``'rate'``).
    unit : Unit, optional
        Fixed unit; chosen from the data's dimension and magnitude when omitted.
    """

    def __init__(self, name: str, unit=None):
        self.name = name
        self.factor: float | None = None
        self.text = ""
        self.dim = None
        if unit is not None:
            self.factor = float(np.asarray(unit))
            self.dim = get_dimensions(unit)
            self.text = "" if self.dim is DIMENSIONLESS else str(unit)

    @property
    def label(self) -> str:
        return f"{self.name} [{self.text}]" if self.text else self.name

    def numbers(self, value) -> np.ndarray:
        """Quantity / array -> float array in this unit (the unit is fixed at the first call)."""
        if self.factor is None:
            dim = get_dimensions(value)
            self.dim = dim
            if dim is DIMENSIONLESS:
                self.factor, self.text = 1.0, ""
            else:
                raw = np.asarray(value, dtype=float)
                finite = raw[np.isfinite(raw)] if raw.size else raw
                shown = best_unit(dim, np.abs(finite).max() if finite.size else None)
                self.factor, self.text = shown.factor, shown.text
        elif self.dim is not None and get_dimensions(value) is not self.dim \
                and self.dim is not DIMENSIONLESS:
            raise ValueError(f"{self.name}: expected values with the units of {self.text}, "
                             f"got {get_dimensions(value)}")
        return np.asarray(value, dtype=float) / self.factor


@contextlib.contextmanager
def _held(marks):
    with contextlib.ExitStack() as stack:
        for mark in marks:
            stack.enter_context(mark.hold_sync())
        yield


def set_marks(*updates) -> None:
    """``(mark, {trait: value}), ...`` -> all traits set, each mark inside its hold_sync.

    One message per mark reaches the front-end, and never a half-updated x/y pair.
    """
    with _held([mark for mark, _ in updates]):
        for mark, traits in updates:
            for name, value in traits.items():
                setattr(mark, name, value)


class View:
    """Base of all views: holds the Figure, its x/y scales and axes.

    Subclasses create marks in ``__init__`` (calling :meth:`_figure`), implement
    :meth:`update` (Results -> marks) and :meth:`plot_static` (Results -> matplotlib axes,
    for export without a browser).
    """

    #: Whether the x axis is time (a Scope scrolls these views).
    is_time_view = False

    def __init__(self, title: str | None = None, height: str = "260px", pixels: int = 800):
        self.title = title
        self.height = height
        self.pixels = pixels
        self.x_scale = LinearScale()
        self.y_scale = LinearScale()
        self.figure: Figure | None = None

    def _figure(self, marks, x_label: str, y_label: str) -> Figure:
        self.x_axis = Axis(scale=self.x_scale, label=x_label)
        self.y_axis = Axis(scale=self.y_scale, label=y_label, side="left",
                           label_offset="40px")
        self.figure = Figure(marks=list(marks), axes=[self.x_axis, self.y_axis],
                             title=self.title or "", animation_duration=0,
                             fig_margin=dict(top=30, bottom=40, left=60, right=20),
                             layout=Layout(width="100%", height=self.height))
        return self.figure

    @property
    def widget(self) -> Figure:
        return self.figure

    @property
    def marks(self):
        return self.figure.marks

    def update(self, results) -> None:
        """Results -> marks hold the new data."""
        raise TypeError(f"{type(self).__name__} must define update(results)")

    def set_xrange(self, lo: float | None, hi: float | None) -> None:
        """Fix the x range (in the axis' display unit), or free it with ``None``."""
        with self.x_scale.hold_sync():
            self.x_scale.min = None if lo is None else float(lo)
            self.x_scale.max = None if hi is None else float(hi)

    def _labels(self, x_label: str, y_label: str) -> None:
        if self.x_axis.label != x_label:
            self.x_axis.label = x_label
        if self.y_axis.label != y_label:
            self.y_axis.label = y_label

    def plot_static(self, results, ax) -> None:
        """Results + matplotlib Axes -> the same picture, drawn by matplotlib."""
        raise UnsupportedFeatureError(f"{type(self).__name__} has no static plot")

    def __repr__(self):
        return f"{type(self).__name__}(title={self.title!r})"

"""Shared machinery of views: Results -> numbers in display units -> a bqplot Figure.

Why: every view does the same three things: pick arrays out of :class:`Results`, turn
Quantities into numbers in a readable unit (the axis label says which), and write them into
marks built once, inside ``hold_sync`` so the front-end receives one message per mark
instead of one per trait (bqplot's "Updating Plots" tutorial).

What every figure shares, so that plots read alike: a time axis that spans the simulated
window (the same for every time view of a panel, whatever the data), as many tick labels
as the plot's height has room for, and a header line above the plot with the title and a
legend of the marks that carry labels (outside the plot, where it hides no data).
"""

from __future__ import annotations

import contextlib
import html

import numpy as np
from bqplot import Axis, Figure, LinearScale
from ipywidgets import HTML, Layout, VBox

from labkit.errors import UnsupportedFeatureError
from labkit.units import DIMENSIONLESS, get_dimensions
from labkit.units.display import best_unit

__all__ = ["View", "AxisUnit", "PALETTE", "set_marks", "set_range", "set_ticks", "padded",
           "nice_ticks", "integer_ticks", "tick_count"]

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


#: Figure margins (pixels): room for the axis labels beside the plot (the title and the
#: legend are a line of HTML above the figure).
MARGIN = dict(top=12, bottom=40, left=60, right=28)
#: Vertical room one tick label needs (pixels) for labels never to overprint.
TICK_SPACING = 22


def tick_count(plot_pixels: float) -> int:
    """Height of a plot area in pixels -> how many tick labels fit (2 to 8)."""
    return int(min(8, max(2, plot_pixels // TICK_SPACING)))


def padded(lo: float, hi: float, fraction: float = 0.06) -> tuple[float, float]:
    """A data range -> a slightly larger one, so that lines at its edges (a threshold at
    the top) stay inside the plot instead of on its border under the title."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return lo, hi
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - fraction * span, hi + fraction * span


def nice_ticks(lo: float, hi: float, max_count: int) -> tuple[np.ndarray, str]:
    """A range -> (tick values k*step inside it, step 1, 2 or 5 times a power of ten, at
    most ``max_count`` of them; the d3 format that writes them with the digits the step
    needs). bqplot's own ``num_ticks`` spaces ticks evenly over the range instead, at
    values such as 0.08 and 0.37.

    >>> nice_ticks(-0.05, 0.85, 7)
    (array([0. , 0.2, 0.4, 0.6, 0.8]), '.1f')
    """
    span = hi - lo
    if not (np.isfinite(span) and span > 0):
        return np.zeros(0), ""
    power = 10.0 ** np.floor(np.log10(span / max(max_count, 1)))
    for step in (power * m for m in (1, 2, 5, 10, 20, 50)):
        first = np.ceil(lo / step - 1e-9)
        values = (first + np.arange(int(np.floor(hi / step + 1e-9) - first) + 1)) * step
        if values.size <= max_count:
            break
    digits = max(0, int(-np.floor(np.log10(step) + 1e-9)))
    return np.round(values, digits + 1) + 0.0, f".{digits}f"


def integer_ticks(n: int, plot_pixels: float) -> np.ndarray:
    """Rows 0..n-1 on a plot ``plot_pixels`` high -> integer tick values 0, k, 2k, ... with
    k in 1, 2, 5, 10, 20, ..., the smallest that leaves every label room."""
    room = tick_count(plot_pixels)
    steps = (m * 10**e for e in range(12) for m in (1, 2, 5))
    step = next(k for k in steps if (max(n, 1) - 1) // k + 1 <= room)
    return np.arange(0, max(n, 1), step, dtype=float)


def _pixels(css: str, default: float = 260.0) -> float:
    """'260px' -> 260.0 (other CSS lengths: ``default``)."""
    text = str(css).strip()
    try:
        return float(text[:-2]) if text.endswith("px") else default
    except ValueError:
        return default


class View:
    """Base of all views: holds the Figure, its x/y scales and axes.

    Subclasses create marks in ``__init__`` (calling :meth:`_figure`), implement
    :meth:`update` (Results -> marks) and :meth:`plot_static` (Results -> matplotlib axes,
    for export without a browser). Time views call :meth:`_show_time_window` in ``update``.
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
        self._xrange: tuple[float, float] | None = None
        self._legend: dict[int, bool] = {}

    @property
    def plot_pixels(self) -> float:
        """Height of the plot area (the figure less its top and bottom margins), pixels."""
        return max(_pixels(self.height) - MARGIN["top"] - MARGIN["bottom"], 10.0)

    def _figure(self, marks, x_label: str, y_label: str) -> Figure:
        # bqplot draws the axis line with 6 px ticks at its two ends and tick labels 3 px
        # from the line: a label at an end of the range was crossed by that tick ("1|3").
        # Labels 6 px further out clear it; the axis' name moves with them (default 2em).
        self.x_axis = Axis(scale=self.x_scale, label=x_label, label_offset="2.5em",
                           tick_style={"transform": "translateY(6px)"})
        self.y_axis = Axis(scale=self.y_scale, label=y_label, side="left",
                           label_offset="40px", tick_style={"transform": "translateX(-4px)"})
        self.figure = Figure(marks=list(marks), axes=[self.x_axis, self.y_axis],
                             title="", animation_duration=0, fig_margin=dict(MARGIN),
                             display_toolbar=False,
                             layout=Layout(width="100%", height=self.height))
        self.header = HTML(layout=Layout(margin="0", width="100%"))
        self._widget = VBox([self.header, self.figure], layout=Layout(width="100%"))
        self.figure.observe(self._follow_marks, names="marks")
        self._follow_marks()
        return self.figure

    def _follow_marks(self, _change=None) -> None:
        for mark in self.figure.marks:
            mark.observe(self._show_header, names=["labels", "colors"])
        self._show_header()

    def show_in_legend(self, mark, shown: bool = True) -> None:
        """Name ``mark`` (its ``labels``) in the legend above the plot, or not. (bqplot's own
        legend, ``display_legend``, is drawn over the data; it stays off.)"""
        if self._legend.get(id(mark)) != bool(shown):
            self._legend[id(mark)] = bool(shown)
            if self.figure is not None:
                self._show_header()

    def in_legend(self, mark) -> bool:
        return self._legend.get(id(mark), False)

    def legend_entries(self) -> list[tuple[str, str, str]]:
        """(label, colour, 'solid' / 'dashed' / 'marker') of every labelled mark shown in
        the legend, in drawing order."""
        entries = []
        for mark in self.figure.marks:
            if not self.in_legend(mark):
                continue
            style = getattr(mark, "line_style", None) or "marker"
            colors = list(mark.colors) or ["#000000"]
            for k, label in enumerate(mark.labels):
                entries.append((str(label), colors[k % len(colors)], style))
        return entries

    def legend_extra(self) -> str:
        """HTML a view adds to its legend (a colour scale, say); none by default."""
        return ""

    def _show_header(self, _change=None) -> None:
        """The title on the left and the legend on the right, in one line above the plot:
        a legend inside the plot would hide the data it names."""
        samples = {"solid": "&#9472;&#9472;", "dashed": "&#9472; &#9472;",
                   "dotted": "&middot;&middot;&middot;", "marker": "&#9646;"}
        legend = "&ensp;".join(
            f"<span style='white-space:nowrap'><b style='color:{color}'>"
            f"{samples.get(style, samples['solid'])}</b>&nbsp;{html.escape(label)}</span>"
            for label, color, style in self.legend_entries()) + self.legend_extra()
        value = (f"<div class='lk-view-header' style='display:flex;flex-wrap:wrap;"
                 f"justify-content:space-between;gap:4px 16px;margin:6px {MARGIN['right']}px "
                 f"0 {MARGIN['left']}px;font-size:13px;line-height:1.3'>"
                 f"<span class='lk-view-title' style='font-weight:600'>"
                 f"{html.escape(self.title or '')}</span>"
                 f"<span class='lk-legend'>{legend}</span></div>")
        if self.header.value != value:
            self.header.value = value

    @property
    def widget(self) -> VBox:
        """What a panel shows: the header (title, legend) above the bqplot figure."""
        return self._widget

    @property
    def marks(self):
        return self.figure.marks

    def update(self, results) -> None:
        """Results -> marks hold the new data."""
        raise TypeError(f"{type(self).__name__} must define update(results)")

    def set_xrange(self, lo: float | None, hi: float | None) -> None:
        """Fix the x range (in the axis' display unit), or free it with ``None``."""
        self._xrange = None if lo is None or hi is None else (float(lo), float(hi))
        set_range(self.x_scale, lo, hi)

    def time_window(self, results, factor: float) -> tuple[float, float] | None:
        """Results -> the simulated window [0, sim_time] in the time unit (``factor`` s), or
        the range fixed by :meth:`set_xrange`; None when the results hold no duration."""
        if self._xrange is not None:
            return self._xrange
        end = getattr(results, "sim_time", None)
        if end is None or not float(np.asarray(end, dtype=float)) > 0:
            return None
        return 0.0, float(np.asarray(end, dtype=float)) / factor

    def _show_time_window(self, results, factor: float) -> tuple[float, float] | None:
        """The x axis spans the simulated window: the same for every time view of a panel,
        so that a raster lines up with the trace above it."""
        window = self.time_window(results, factor)
        if window is not None:
            set_range(self.x_scale, *window)
        return window

    def _show_yrange(self, lo: float, hi: float) -> None:
        """The y axis spans [lo, hi], with as many nice tick labels as its height has room
        for (labels never overprint on a short plot)."""
        set_range(self.y_scale, lo, hi)
        set_ticks(self.y_axis, *nice_ticks(lo, hi, tick_count(self.plot_pixels)))

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


def set_ticks(axis, values, fmt: str) -> None:
    """Set an axis' tick values and format; sends nothing when they are unchanged."""
    values = np.asarray(values, dtype=float)
    if axis.tick_format != fmt or not np.array_equal(np.asarray(axis.tick_values), values):
        with axis.hold_sync():
            axis.tick_values, axis.tick_format = values, fmt


def set_range(scale, lo, hi) -> None:
    """Set a scale's min/max (None frees them); sends nothing when they are unchanged."""
    lo = None if lo is None else float(lo)
    hi = None if hi is None else float(hi)
    if (scale.min, scale.max) != (lo, hi):
        with scale.hold_sync():
            scale.min, scale.max = lo, hi

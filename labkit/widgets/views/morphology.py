"""A morphology + one value per compartment (``results['v']``) -> the neuron drawn in
bqplot, each compartment coloured by its value, recoloured at every update.

Why: a spatial neuron's state is a value per place; the picture that shows it is the
neuron itself, coloured (the learner watches a spike travel down the axon, a synaptic
potential fade towards the soma). The shape is drawn once (x-y projection in micrometres,
as :func:`labkit.spatial.plot_morphology` draws it); an update sends only the colours: one
number per compartment, mapped by bqplot's colour scale, so a running
:class:`~labkit.widgets.Scope` can recolour a thousand compartments every chunk. The soma
(a sphere) is a filled circle whose fill is computed here from the same colour ramp, linear
in RGB as the front-end's; the header above the plot shows the ramp and its values. A
micrometre is as long on both axes (the figure is sized for it). The colour range is fixed
(``value_range``) so that colours mean the same at every step; without it, the first values
seen set it. A panel, whose every update is a new result, may leave one end open
(``(-70*mV, None)``): that end follows each result, so a setting whose peak is 2 mV above
rest and one whose peak is 40 mV above both use the whole ramp, and the header says where
it ends.
"""

from __future__ import annotations

import numpy as np
from bqplot import ColorScale, Lines

from labkit.units import mV
from labkit.widgets.views.base import (
    AxisUnit,
    View,
    nice_ticks,
    set_marks,
    set_range,
    set_ticks,
    tick_count,
)

__all__ = ["MorphologyView", "RAMP", "ramp_color"]

#: The colour ramp, low to high (viridis' five anchors: readable, colour-blind safe).
RAMP = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")


def ramp_color(fraction: float, ramp=RAMP) -> str:
    """A position in [0, 1] on the ramp -> its colour, linear in RGB between anchors (as
    d3's linear colour scale, which draws the compartments)."""
    rgb = np.array([[int(c[k:k + 2], 16) for k in (1, 3, 5)] for c in ramp], dtype=float)
    where = np.clip(float(fraction), 0.0, 1.0) * (len(ramp) - 1)
    mixed = [np.interp(where, np.arange(len(ramp)), rgb[:, k]) for k in range(3)]
    return "#" + "".join(f"{int(np.floor(x + 0.5)):02x}" for x in mixed)


def _short(value: float) -> str:
    """A colour scale's end for the header: three significant digits, no exponent for
    everyday magnitudes (-64.9474 -> '-64.9', 1234.5 -> '1230')."""
    return f"{float(f'{value:.3g}'):g}"


def _outline(morphology):
    """A morphology -> (segments (n_lines, 2) x and y in um, compartment of each line,
    [(compartment, centre x, centre y, radius)] of its spheres)."""
    if any(s.coordinates_ is None for s in morphology.sections()):
        morphology = morphology.generate_coordinates()
    xs, ys, owner, spheres, start = [], [], [], [], 0
    for section in morphology.sections():
        points = np.asarray(section.coordinates_) * 1e6
        if section.is_spherical:
            radius = float(np.asarray(section.diameter)[0]) * 1e6 / 2
            spheres.append((start, points[0, 0], points[0, 1], radius))
        else:
            xs.append(np.stack([points[:-1, 0], points[1:, 0]], axis=1))
            ys.append(np.stack([points[:-1, 1], points[1:, 1]], axis=1))
            owner.append(np.arange(start, start + section.n))
        start += section.n
    empty = np.zeros((0, 2))
    return (np.vstack(xs) if xs else empty, np.vstack(ys) if ys else empty,
            np.concatenate(owner) if owner else np.zeros(0, dtype=np.int64), spheres, start)


def _on_its_side(x, y, spheres):
    """A tree taller than wide -> turned a quarter (what ran down now runs right), so that
    a dendrite fills a wide cell output instead of a narrow strip; others unchanged.
    -> (x, y, spheres, turned)."""
    span = [np.ptp(a) if a.size else 0.0 for a in (x, y)]
    if span[1] <= span[0]:
        return x, y, spheres, False
    return -y, x, [(k, -cy, cx, r) for k, cx, cy, r in spheres], True


class MorphologyView(View):
    """The morphology, compartments coloured by ``results[key]``.

    Parameters
    ----------
    morphology : Morphology
        The shape (e.g. ``neuron.morphology``); laid out in 2-D if it has no coordinates.
    key : str
        Results key: one value per compartment, shape (N,), or recorded over time,
        (N, n_t), of which the last sample is shown (a StateMonitor with ``record=True``).
    value_range : (Quantity or None, Quantity or None), optional
        The values at the two ends of the colour ramp; an end given as None follows the
        data of each update (its lowest or highest value).
    unit : Unit
        Unit of the colour bar (default mV).
    line_width : float
        Width of the dendrites' lines, pixels.
    morphology_key : str, optional
        Results key of the morphology, for panels whose controls change the shape: a new
        one is drawn before it is coloured.

    A tree taller than wide is drawn on its side (``turned``; axes "-y" and "x").

    Attributes
    ----------
    compartments : bqplot.Lines
        One line per non-spherical compartment; ``color`` holds their values.
    somata : list of bqplot.Lines
        One filled circle per sphere.
    """

    def __init__(self, morphology, key="v", value_range=None, unit=mV, title=None,
                 height="320px", line_width: float = 4.0, ramp=RAMP, morphology_key=None):
        super().__init__(title=title, height=height)
        self.key, self.ramp, self.morphology_key = key, ramp, morphology_key
        self.value_unit = AxisUnit(key, unit)
        self.color_scale = ColorScale(colors=list(ramp))
        self.compartments = Lines(x=np.zeros((0, 2)), y=np.zeros((0, 2)),
                                  stroke_width=line_width,
                                  scales={"x": self.x_scale, "y": self.y_scale,
                                          "color": self.color_scale})
        self.somata: list[Lines] = []
        self._figure([self.compartments], "x [um]", "y [um]")
        self.draw(morphology)
        self.value_range = None
        self._open = (False, False)  # an end that follows each update's data
        if value_range is not None:
            self.set_value_range(*value_range)

    def draw(self, morphology) -> None:
        """A (new) morphology -> the lines and circles drawn, the ranges fit to it. (A
        panel whose sliders change the shape passes it in the results under
        ``morphology_key``; :meth:`update` calls this when it is another object.)"""
        self.morphology = morphology
        x, y, self.owner, spheres, self.size = _outline(morphology)
        x, y, spheres, self.turned = _on_its_side(x, y, spheres)
        angle = np.linspace(0, 2 * np.pi, 41)
        while len(self.somata) < len(spheres):
            self.somata.append(Lines(fill="inside", colors=[self.ramp[0]],
                                     fill_colors=[self.ramp[0]], fill_opacities=[1.0],
                                     scales={"x": self.x_scale, "y": self.y_scale}))
        del self.somata[len(spheres):]
        set_marks((self.compartments, {"x": x, "y": y, "color": np.zeros(len(x))}),
                  *((soma, {"x": cx + r * np.cos(angle), "y": cy + r * np.sin(angle)})
                    for soma, (_, cx, cy, r) in zip(self.somata, spheres, strict=True)))
        self.sphere_index = [k for k, *_ in spheres]
        if list(self.figure.marks) != [self.compartments, *self.somata]:
            self.figure.marks = [self.compartments, *self.somata]
        self._labels(*(("-y [um]", "x [um]") if self.turned else ("x [um]", "y [um]")))
        self._frame(x, y, spheres)

    def _frame(self, x, y, spheres) -> None:
        """x and y ranges holding the whole neuron with a 5 % border, one micrometre as
        many pixels on both axes: the figure is given the width that makes it so (its
        plot area's width/height, between 0.5 and 3, is the ranges' ratio)."""
        lo_x, hi_x = [x.min()] if x.size else [], [x.max()] if x.size else []
        lo_y, hi_y = [y.min()] if y.size else [], [y.max()] if y.size else []
        for _, cx, cy, r in spheres:
            lo_x.append(cx - r), hi_x.append(cx + r), lo_y.append(cy - r), hi_y.append(cy + r)
        (x0, x1), (y0, y1) = (min(lo_x), max(hi_x)), (min(lo_y), max(hi_y))
        width, height = max(x1 - x0, 1.0) * 1.1, max(y1 - y0, 1.0) * 1.1
        ratio = float(np.clip(width / height, 0.5, 3.0))
        width, height = max(width, ratio * height), max(height, width / ratio)
        set_range(self.x_scale, (x0 + x1 - width) / 2, (x0 + x1 + width) / 2)
        set_range(self.y_scale, (y0 + y1 - height) / 2, (y0 + y1 + height) / 2)
        margin = self.figure.fig_margin
        pixels = ratio * self.plot_pixels + margin["left"] + margin["right"]
        figure_height = self.plot_pixels + margin["top"] + margin["bottom"]
        self.figure.layout.width = f"{pixels:.0f}px"
        self.figure.min_aspect_ratio = self.figure.max_aspect_ratio = pixels / figure_height
        self.figure.padding_y = 0.0
        # horizontal labels need about 70 px each, vertical ones 22 px
        for axis, scale, count in ((self.x_axis, self.x_scale, max(2, int(ratio *
                                    self.plot_pixels // 70))),
                                   (self.y_axis, self.y_scale, tick_count(self.plot_pixels))):
            set_ticks(axis, *nice_ticks(scale.min, scale.max, count))

    def legend_extra(self) -> str:
        """The colour scale, as a gradient between its two values, in the header line."""
        if getattr(self, "value_range", None) is None or None in self.value_range:
            return ""  # an open end: known at the first update
        lo, hi = self.value_range
        unit = f" {self.value_unit.text}" if self.value_unit.text else ""
        return (f"<span class='lk-colour-scale' style='white-space:nowrap'>"
                f"{self.key}&nbsp;{_short(lo)}&nbsp;<span style='display:inline-block;width:90px;"
                f"height:10px;vertical-align:middle;background:linear-gradient(to right, "
                f"{', '.join(self.ramp)})'></span>&nbsp;{_short(hi)}{unit}</span>")

    def set_value_range(self, low, high) -> None:
        """The values (Quantities) at the ramp's two ends; None: that end follows the data."""
        if low is None and high is None:
            raise ValueError(f"MorphologyView('{self.key}'): value_range needs at least one "
                             "end; leave value_range out for a range set by the first values")
        self._open = (low is None, high is None)
        if low is None or high is None:
            self.value_range = tuple(None if v is None else float(self.value_unit.numbers(v))
                                     for v in (low, high))
            return
        lo, hi = (float(self.value_unit.numbers(v)) for v in (low, high))
        if not hi > lo:
            raise ValueError(f"MorphologyView('{self.key}'): value_range needs low < high, "
                             f"got {low} and {high}")
        self._set_numbers(lo, hi)

    def _set_numbers(self, lo: float, hi: float) -> None:
        self.value_range = (lo, hi)
        set_range(self.color_scale, lo, hi)
        self._show_header()

    def values_of(self, results) -> np.ndarray:
        """Results (or one value per compartment) -> the shown values, in the view's unit."""
        data = results[self.key] if hasattr(results, "keys") else results
        values = self.value_unit.numbers(data)
        if values.ndim == 2 and values.shape[0] == self.size:
            if values.shape[1] == 0:
                raise ValueError(f"MorphologyView('{self.key}'): no sample recorded yet")
            values = values[:, -1]
        if values.shape != (self.size,):
            raise ValueError(f"MorphologyView('{self.key}'): needs one value per compartment "
                             f"({self.size}), or compartments x times, got shape "
                             f"{values.shape}; record every compartment "
                             "(StateMonitor(neuron, 'v', record=True))")
        return values

    def show(self, values) -> None:
        """One value per compartment (e.g. ``neuron.v``) -> the colours."""
        self.update({self.key: values})

    def update(self, results) -> None:
        shape = results.get(self.morphology_key) if self.morphology_key and \
            hasattr(results, "get") else None
        if shape is not None and shape is not self.morphology:
            self.draw(shape)
        values = self.values_of(results)
        if self.value_range is None or any(self._open):
            self._fit(values)
        lo, hi = self.value_range
        updates = [(self.compartments, {"color": values[self.owner]})]
        for index, soma in zip(self.sphere_index, self.somata, strict=True):
            shade = ramp_color((values[index] - lo) / (hi - lo), self.ramp)
            updates.append((soma, {"colors": [shade], "fill_colors": [shade]}))
        set_marks(*updates)

    def _fit(self, values) -> None:
        """The open ends (all, with no range yet) -> the data's lowest and highest values,
        at least one unit apart (1 mV) so that equal values still map onto the ramp."""
        fixed = self.value_range or (None, None)
        lo = float(np.min(values)) if self._open[0] or fixed[0] is None else fixed[0]
        hi = float(np.max(values)) if self._open[1] or fixed[1] is None else fixed[1]
        if not hi - lo >= 1.0:
            lo, hi = (hi - 1.0, hi) if self._open[0] and not self._open[1] else (lo, lo + 1.0)
        self._set_numbers(lo, hi)

    def plot_static(self, results, ax) -> None:
        """The same picture in matplotlib (the same ramp, range and layout)."""
        from matplotlib.collections import LineCollection
        from matplotlib.colors import LinearSegmentedColormap, Normalize
        from matplotlib.patches import Circle

        values = self.values_of(results)
        if self.value_range is None or any(self._open):
            self._fit(values)
        lo, hi = self.value_range
        shade = LinearSegmentedColormap.from_list("ramp", list(self.ramp))
        norm = Normalize(lo, hi)
        x, y = np.asarray(self.compartments.x), np.asarray(self.compartments.y)
        ax.add_collection(LineCollection(np.stack([x, y], axis=-1),
                                         colors=shade(norm(values[self.owner])),
                                         linewidths=self.compartments.stroke_width / 2))
        for index, soma in zip(self.sphere_index, self.somata, strict=True):
            sx, sy = np.asarray(soma.x), np.asarray(soma.y)
            ax.add_patch(Circle((sx.mean(), sy.mean()), (sx.max() - sx.min()) / 2,
                                color=shade(norm(values[index]))))
        ax.set_xlim(self.x_scale.min, self.x_scale.max)
        ax.set_ylim(self.y_scale.min, self.y_scale.max)
        ax.set_aspect("equal")
        ax.set(xlabel=self.x_axis.label, ylabel=self.y_axis.label, title=self.title or "")

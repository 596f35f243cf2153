"""A morphology (and optionally one value per compartment) -> a matplotlib picture of it.

Why: the course shows neurons as brian2tools draws them. ``plot_morphology`` keeps
brian2tools' signature: each compartment is a line from its start to its end point in the
x-y plane (micrometres), the soma a disk, sections alternating between two colours, or,
with ``values`` (e.g. ``neuron.v``), every compartment coloured by its value with a
colour bar. A tree without coordinates is laid out first (``generate_coordinates``).
``plot_dendrogram`` draws the tree's topology: each section a vertical line as long as the
section, children side by side below their parent. matplotlib is imported only when a
function is called, so ``import labkit`` stays light.
"""

from __future__ import annotations

import numpy as np

from labkit.units import Quantity, get_dimensions, get_unit

__all__ = ["plot_morphology", "plot_dendrogram"]


def _sections(morpho):
    yield morpho
    for child in morpho.children:
        yield from _sections(child)


def _values(values, total: int, value_unit):
    """A Quantity or array, one per compartment -> (raw floats in value_unit, unit)."""
    unit = value_unit
    if isinstance(values, Quantity):
        unit = value_unit if value_unit is not None else get_unit(get_dimensions(values))
        if get_dimensions(values) is not get_dimensions(unit):
            raise TypeError(f"value_unit {unit} does not fit the values' unit "
                            f"{get_unit(get_dimensions(values))}")
        raw = np.asarray(values / unit, dtype=float)
    else:
        raw = np.asarray(values, dtype=float)
    if raw.shape != (total,):
        raise ValueError(f"values needs one number per compartment ({total}), got an array "
                         f"of shape {raw.shape}; pass e.g. neuron.v")
    return raw, unit


def plot_morphology(morphology, plot_3d=None, show_compartments=False, show_diameter=False,
                    colors=("darkblue", "darkred"), values=None, value_norm=(None, None),
                    value_colormap="hot", value_colorbar=True, value_unit=None, axes=None):
    """Draw ``morphology`` in the x-y plane (2-D; ``plot_3d=True`` is refused).

    Parameters follow brian2tools: ``show_compartments`` marks compartment ends,
    ``show_diameter`` scales line widths with diameters, ``colors`` alternate between
    sections, ``values`` colour compartments through ``value_colormap`` within
    ``value_norm`` (min, max; None: the data's), with a colour bar labelled in
    ``value_unit``. Returns the axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Circle

    if plot_3d:
        raise ValueError("plot_morphology draws in 2-D only (the x-y plane); call it "
                         "with plot_3d=None or False")
    if any(section.coordinates_ is None for section in _sections(morphology)):
        morphology = morphology.generate_coordinates()
    sections = list(_sections(morphology))
    axes = axes if axes is not None else plt.figure().add_subplot(111)
    raw = None
    if values is not None:
        raw, unit = _values(values, sum(s.n for s in sections), value_unit)
        low, high = value_norm
        norm = Normalize(vmin=np.min(raw) if low is None else float(np.asarray(low / unit)
                         if isinstance(low, Quantity) else low),
                         vmax=np.max(raw) if high is None else float(np.asarray(high / unit)
                         if isinstance(high, Quantity) else high))
        cmap = plt.get_cmap(value_colormap)
    start = 0
    for k, section in enumerate(sections):
        points = np.asarray(section.coordinates_) * 1e6
        diameters = np.asarray(section.diameter) * 1e6
        shade = [cmap(norm(x)) for x in raw[start:start + section.n]] if raw is not None \
            else [colors[k % len(colors)]] * section.n
        if section.is_spherical:
            axes.add_patch(Circle(points[0, :2], diameters[0] / 2, color=shade[0]))
        else:
            segments = np.stack([points[:-1, :2], points[1:, :2]], axis=1)
            widths = diameters if show_diameter else np.full(section.n, 2.0)
            axes.add_collection(LineCollection(segments, colors=shade, linewidths=widths))
            if show_compartments:
                axes.plot(points[1:, 0], points[1:, 1], ".", color="black", markersize=2)
        start += section.n
    axes.set_aspect("equal")
    axes.autoscale_view()
    axes.set_xlabel("x (um)")
    axes.set_ylabel("y (um)")
    if raw is not None and value_colorbar:
        mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        bar = axes.figure.colorbar(mappable, ax=axes)
        if unit is not None:
            bar.set_label(str(unit))
    return axes


def _dendrogram(section, x: float, top: float, axes, color):
    """Draw ``section`` from depth ``top`` down at ``x``; the next free x."""
    length = float(np.sum(np.asarray(section.length))) * 1e6 if not section.is_spherical \
        else 0.0
    children = list(section.children)
    if not children:
        axes.plot([x, x], [top, top + length], color=color)
        return x, x + 1
    positions, free = [], x
    for child in children:
        here, free = _dendrogram(child, free, top + length, axes, color)
        positions.append(here)
    middle = (positions[0] + positions[-1]) / 2
    axes.plot([positions[0], positions[-1]], [top + length] * 2, color=color)
    axes.plot([middle, middle], [top, top + length], color=color)
    return middle, free


def plot_dendrogram(morphology, axes=None, color="darkblue"):
    """Draw the tree of ``morphology``: depth (um from the root) downwards. Returns axes."""
    import matplotlib.pyplot as plt

    axes = axes if axes is not None else plt.figure().add_subplot(111)
    _dendrogram(morphology, 0.0, 0.0, axes, color)
    axes.invert_yaxis()
    axes.set_xticks([])
    axes.set_ylabel("distance from the root (um)")
    return axes

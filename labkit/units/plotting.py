"""Quantities on matplotlib axes -> numbers in a display unit, with the unit as axis label.

Why: ``plot(M.t, M.v[0])`` should draw, as it does in Brian2, instead of failing when
matplotlib stacks milliseconds next to volts. matplotlib asks a *converter* registered
for a type how to turn its values into numbers; this module's converter shows an axis in
the unit ``str()`` would choose for the first data plotted on it (``ms``, ``mV``) and
labels the axis with it. Later data on the same axis must have the same dimension; plain
numbers (``xlim(0, 100)``) are taken as already in the axis' unit.

matplotlib is never imported here at import time: :func:`register_when_matplotlib_loads`
registers the converter at once if matplotlib is loaded, else the moment a program
imports ``matplotlib.units`` (every pyplot import does), so that importing labkit stays
fast and scripts may import pyplot before or after labkit.
"""

from __future__ import annotations

import importlib.abc
import sys
from typing import NamedTuple

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.dimension import Dimension, dim_of, readable
from labkit.units.display import best_unit
from labkit.units.quantity import Quantity

__all__ = ["PlotUnit", "register", "register_when_matplotlib_loads"]


class PlotUnit(NamedTuple):
    """The unit of one axis: its dimension, SI factor and text (``'ms'``)."""

    dim: Dimension
    factor: float
    text: str


def _values(x) -> tuple[Dimension, np.ndarray]:
    """A Quantity, or a list of them, -> (dimension, raw SI values)."""
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, Quantity) for v in x):
        x = Quantity(x)
    return dim_of(x), np.asarray(x, dtype=float)


def default_units(x, axis=None) -> PlotUnit:
    """The unit the first data on an axis is shown in: the one ``str`` would choose."""
    dim, raw = _values(x)
    finite = raw[np.isfinite(raw)]
    shown = best_unit(dim, finite if finite.size else raw)
    return PlotUnit(dim, shown.factor, shown.text)


def convert(value, unit: PlotUnit, axis=None):
    """Quantities -> numbers in ``unit``; anything without units passes unchanged."""
    if not isinstance(value, Quantity) and not (
            isinstance(value, (list, tuple)) and value and isinstance(value[0], Quantity)):
        return value
    dim, raw = _values(value)
    if dim is not unit.dim:
        raise DimensionMismatchError(
            f"cannot plot values in units of {readable(dim)} on an axis that shows "
            f"{unit.text or 'numbers without units'} ({readable(unit.dim)}); plot them on "
            "another axis (twinx(), or a new subplot)", unit.dim, dim)
    return raw / unit.factor


def _axis_info(unit: PlotUnit, axis=None):
    from matplotlib.units import AxisInfo

    return AxisInfo(label=unit.text or None)


def register() -> None:
    """Make matplotlib convert Quantities (once; matplotlib is imported here)."""
    from matplotlib import units

    if isinstance(units.registry.get(Quantity), _converter_class()):
        return
    units.registry[Quantity] = _converter_class()()


_CLASS: list = []


def _converter_class():
    """The ``matplotlib.units.ConversionInterface`` subclass (built once matplotlib is in)."""
    if not _CLASS:
        from matplotlib.units import ConversionInterface

        _CLASS.append(type("QuantityConverter", (ConversionInterface,), {
            "__doc__": "labkit Quantities on a matplotlib axis (see labkit.units.plotting).",
            "default_units": staticmethod(default_units),
            "convert": staticmethod(convert),
            "axisinfo": staticmethod(_axis_info),
        }))
    return _CLASS[0]


class _RegisterAfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: when ``matplotlib.units`` is about to load, it wraps the real
    loader so that the converter is registered right after the module has run."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "matplotlib.units":
            return None
        sys.meta_path.remove(self)  # one use; also keeps the search below from finding us
        for finder in sys.meta_path:
            spec = finder.find_spec(fullname, path, target) if hasattr(finder, "find_spec") \
                else None
            if spec is not None and spec.loader is not None:
                spec.loader = _RegisteringLoader(spec.loader)
                return spec
        return None


class _RegisteringLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        register()

    def __getattr__(self, name):  # get_source, get_filename, ...: the real loader's
        return getattr(self._loader, name)


def register_when_matplotlib_loads() -> None:
    """Register now if matplotlib is loaded, else as soon as it is (called by ``labkit``)."""
    if "matplotlib.units" in sys.modules:
        register()
    elif not any(isinstance(f, _RegisterAfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterAfterImport())

"""Parameter values -> the points of a sweep: a full product, a list, or random samples.

Why: a sweep needs one ordered list of points (dicts of keyword arguments), and for a full
product also its axes, so that the results can become an N-d array. Random and
Latin-hypercube sampling cover ranges too wide for a product (a product of 5 parameters at
10 values each is 100 000 points; 200 well-spread samples often say as much). Values may
carry units; a range is given as the widget controls take it: ``(low, high)`` or
``(low, high, 'log')``.

>>> from labkit.units import nA, mV
>>> grid = Grid(I=[0.1, 0.2] * nA, sigma=[0, 1, 2] * mV)
>>> len(grid), grid.names, grid.is_product
(6, ('I', 'sigma'), True)
>>> print(grid.points[1]["I"], grid.points[1]["sigma"])
100. pA 1. mV
>>> len(Grid.latin_hypercube(8, I=(0 * nA, 0.5 * nA), seed=1))
8
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from labkit.units import Quantity, get_dimensions
from labkit.units.dimension import DIMENSIONLESS

__all__ = ["Grid", "as_grid"]

_SAMPLINGS = ("random", "latin_hypercube")


def _axis(name: str, values) -> list:
    """One parameter's values (a list, an array, a Quantity array) -> a list of values."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable) \
            or (isinstance(values, np.ndarray) and values.ndim == 0):
        raise TypeError(f"Grid: the values of {name!r} must be a list or an array, "
                        f"got {values!r}; write {name}=[{values!r}] for a single value")
    items = list(values)
    if not items:
        raise ValueError(f"Grid: {name!r} has no values; give at least one")
    return items


class Grid:
    """The points of a sweep; ``Grid(**values)`` is the full product of the values.

    Parameters
    ----------
    **values
        One list (or array, or Quantity array) of values per parameter. The product is
        taken in order: the last parameter varies fastest.

    Other constructors: :meth:`from_points` (a list of dicts), :meth:`random` and
    :meth:`latin_hypercube` (``n`` samples of ranges).

    Attributes
    ----------
    points : tuple of dict
        The keyword arguments of each point, in order.
    names : tuple of str
        The parameter names.
    axes : dict or None
        For a full product, parameter -> its values; None otherwise.
    """

    def __init__(self, **values):
        if not values:
            raise ValueError("Grid needs at least one parameter, e.g. Grid(I=[0.1, 0.2]*nA)")
        axes = {name: _axis(name, vals) for name, vals in values.items()}
        shape = [len(vals) for vals in axes.values()]
        points = []
        for flat in range(int(np.prod(shape))):
            position = np.unravel_index(flat, shape)
            points.append({name: vals[k] for (name, vals), k in zip(axes.items(), position,
                                                                      strict=True)})
        self._init(points, axes, "product")

    def _init(self, points: list[dict], axes: dict | None, kind: str) -> None:
        self.points = tuple(points)
        self.names = tuple(points[0]) if points else ()
        self.axes = axes
        self.kind = kind

    @property
    def is_product(self) -> bool:
        """True when the points are the full product of :attr:`axes`."""
        return self.axes is not None

    @classmethod
    def from_points(cls, points: Iterable[Mapping]) -> Grid:
        """A list of dicts (each the keyword arguments of one point) -> Grid, in that order."""
        points = [dict(point) for point in points]
        if not points:
            raise ValueError("Grid.from_points: the list of points is empty")
        names = set(points[0])
        for k, point in enumerate(points):
            if set(point) != names:
                raise ValueError(
                    f"Grid.from_points: point {k} has parameters {sorted(point)}, point 0 "
                    f"has {sorted(names)}; every point needs the same parameters")
        grid = cls.__new__(cls)
        grid._init(points, None, "points")
        return grid

    @classmethod
    def random(cls, n: int, *, seed=0, **ranges) -> Grid:
        """``n`` points drawn independently and uniformly from each range.

        Each range is ``(low, high)`` or ``(low, high, 'log')`` (uniform in the logarithm);
        ``seed`` makes the draw reproducible.
        """
        return cls._sampled("random", n, seed, ranges)

    @classmethod
    def latin_hypercube(cls, n: int, *, seed=0, **ranges) -> Grid:
        """``n`` points spread so that each range's ``n`` equal strata hold one point each.

        Same arguments as :meth:`random`. Unlike random draws, no region of any single
        parameter is left empty or sampled twice.
        """
        return cls._sampled("latin_hypercube", n, seed, ranges)

    @classmethod
    def _sampled(cls, kind: str, n: int, seed, ranges: dict) -> Grid:
        if not ranges:
            raise ValueError(f"Grid.{kind} needs at least one range, e.g. I=(0*nA, 0.5*nA)")
        if int(n) != n or n < 1:
            raise ValueError(f"Grid.{kind}: n must be a positive integer, got {n!r}")
        n = int(n)
        rng = np.random.default_rng(seed)
        columns = {}
        for name, spec in ranges.items():
            low, high, log, dim = _range(kind, name, spec)
            if kind == "random":
                u = rng.random(n)
            else:  # one point per stratum, strata shuffled independently per parameter
                u = (rng.permutation(n) + rng.random(n)) / n
            raw = np.exp(np.log(low) + u * np.log(high / low)) if log else low + u * (high - low)
            columns[name] = [Quantity(x, dim=dim) if dim is not DIMENSIONLESS else float(x)
                             for x in raw]
        grid = cls.__new__(cls)
        grid._init([{name: col[k] for name, col in columns.items()} for k in range(n)],
                   None, kind)
        return grid

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self):
        return iter(self.points)

    def __repr__(self) -> str:
        if self.is_product:
            sizes = " x ".join(f"{name}: {len(vals)}" for name, vals in self.axes.items())
            return f"<Grid product of {sizes} = {len(self)} points>"
        return f"<Grid {self.kind}: {len(self)} points of {', '.join(self.names)}>"


def _range(kind: str, name: str, spec) -> tuple[float, float, bool, object]:
    """``(low, high)`` or ``(low, high, 'log')`` -> SI floats, log flag, dimension."""
    usage = (f"Grid.{kind}: {name}={spec!r} is not a range; give (low, high) or "
             f"(low, high, 'log'), e.g. {name}=(1*ms, 100*ms, 'log')")
    if not isinstance(spec, tuple) or len(spec) not in (2, 3):
        raise ValueError(usage)
    if len(spec) == 3 and spec[2] != "log":
        raise ValueError(usage)
    low, high = spec[:2]
    dim = get_dimensions(low)
    if get_dimensions(high) is not dim:
        raise ValueError(f"Grid.{kind}: {name}=({low}, {high}): the two ends have different "
                         "units; give both in the same kind of unit")
    low, high, log = float(np.asarray(low)), float(np.asarray(high)), len(spec) == 3
    if not low < high:
        raise ValueError(f"Grid.{kind}: {name} needs low < high, got ({spec[0]}, {spec[1]})")
    if log and low <= 0:
        raise ValueError(f"Grid.{kind}: {name} on a 'log' scale needs low > 0, got {spec[0]}")
    return low, high, log, dim


def as_grid(grid) -> Grid:
    """A Grid, a dict of lists (full product) or a list of dicts -> Grid."""
    if isinstance(grid, Grid):
        return grid
    if isinstance(grid, Mapping):
        return Grid(**grid)
    if isinstance(grid, Iterable) and not isinstance(grid, (str, bytes)):
        return Grid.from_points(grid)
    raise TypeError(f"sweep: grid must be a dict of lists, a list of dicts or a Grid, got "
                    f"{type(grid).__name__}")

"""Diameters, lengths or points -> the shapes of sections: Soma, Section (cones), Cylinder.

Why: a section's shape decides each compartment's membrane area, volume and the axial
conductance between neighbours; the formulas are Brian2's (and NEURON's): a soma is one
sphere (area pi d^2, no axial resistance worth counting), a Section is a run of truncated
cones whose diameters are given at the n+1 nodes between compartments (lateral area
pi/2 (d1+d2) sqrt(l^2 + (d1-d2)^2/4), without the end disks), a Cylinder is a Section of
constant diameter given by its total length. Coordinates are optional: a section's points
are relative to the end of its parent (so a sub-tree can be moved), a soma's are absolute.

>>> from labkit.units import um
>>> cone = Section(diameter=[4, 2]*um, length=[10]*um)
>>> cone.diameter, Cylinder(diameter=2*um, length=30*um, n=3).length
(array([3.]) * umetre, array([10., 10., 10.]) * umetre)
"""

from __future__ import annotations

import numpy as np

from labkit.spatial.morphology import SECTION_KINDS, Morphology
from labkit.units import Quantity, get_dimensions, meter

__all__ = ["Soma", "Section", "Cylinder"]

_AREA = (meter ** 2).dim
_VOLUME = (meter ** 3).dim


def _raw_length(owner: str, name: str, value, count=None) -> np.ndarray:
    """A length Quantity (one value or ``count`` values) -> metres as a float array."""
    example = "[1, 2, 3]*um" if count else "10*um"
    if not isinstance(value, Quantity) or get_dimensions(value) is not meter.dim:
        raise TypeError(f"{owner}: {name} must be a length such as {example}, "
                        f"not {value!r}")
    raw = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
    if count is not None and raw.size != count:
        raise TypeError(f"{owner}: {name} needs {count} value{'s' if count != 1 else ''}, "
                        f"got {raw.size}")
    return raw.copy()


def _points(owner: str, x, y, z, count: int):
    """x, y, z (any given, each ``count`` lengths; missing ones are 0) -> (count, 3) m."""
    columns = [np.zeros(count) if value is None else _raw_length(owner, name, value, count)
               for name, value in (("x", x), ("y", y), ("z", z))]
    return np.column_stack(columns)


def _area(raw) -> Quantity:
    return Quantity(raw, dim=_AREA)


class Soma(Morphology):
    """A spherical, isopotential soma: one compartment.

    Parameters
    ----------
    diameter : Quantity
        The sphere's diameter (its membrane area is pi d^2).
    x, y, z : Quantity, optional
        Its centre (absolute coordinates; the ones not given are 0).
    type : str
        The kind of section (``'soma'``).
    """

    is_spherical = True

    def __init__(self, diameter, x=None, y=None, z=None, type="soma"):
        super().__init__(1, type=type)
        self._diameter = _raw_length("Soma", "diameter", diameter, 1)
        given = any(value is not None for value in (x, y, z))
        self._point = _points("Soma", x, y, z, 1) if given else None

    def __repr__(self) -> str:
        text = f"Soma(diameter={self.diameter[0]!r}"
        if self._point is not None:
            text += f", x={self.x[0]!r}, y={self.y[0]!r}, z={self.z[0]!r}"
        if self.type != "soma":
            text += f", type={self.type!r}"
        return text + ")"

    def copy_section(self):
        """This soma alone (no parent, no children)."""
        copy = Soma(self.diameter, type=self.type)
        copy._point = None if self._point is None else self._point.copy()
        return copy

    def _placed(self, point, straight=True):
        copy = self.copy_section()
        copy._point = np.array(point, dtype=float).reshape(1, 3)
        return copy

    area = property(lambda self: _area(np.pi * self._diameter ** 2),
                    doc="The sphere's membrane area, pi d^2 (an array of one).")
    volume = property(lambda self: Quantity(np.pi * self._diameter ** 3 / 6, dim=_VOLUME),
                      doc="The sphere's volume, pi d^3 / 6.")
    length = property(lambda self: Quantity(self._diameter.copy(), dim=meter.dim),
                      doc="The 'length' of a soma is its diameter.")
    diameter = property(lambda self: Quantity(self._diameter.copy(), dim=meter.dim),
                        doc="The sphere's diameter (an array of one).")
    start_diameter = end_diameter = diameter
    # Why 1 metre: half-compartment "length terms" so large that the soma's own axial
    # resistance vanishes next to its neighbours' (Brian2 does the same).
    r_length_1 = property(lambda self: Quantity(np.ones(1), dim=meter.dim))
    r_length_2 = r_length_1

    @property
    def distance(self) -> Quantity:
        """Distance from the root to the soma's centre: 0 for a root soma."""
        if self._parent is None:
            return Quantity(np.zeros(1), dim=meter.dim)
        return self._parent.distance[-1:]

    @property
    def end_distance(self) -> float:
        # a soma is a point for distances: sections leaving it start where it starts
        return self._parent_end_distance()

    @property
    def coordinates_(self):
        return None if self._point is None else np.vstack([self._point, self._point])


class Section(Morphology):
    """An unbranched section of n truncated cones.

    Parameters
    ----------
    diameter : Quantity
        n+1 diameters: at the start of the first compartment, then at the end of each.
    n : int
        Number of compartments.
    length : Quantity, optional
        The n compartments' lengths (not together with coordinates).
    x, y, z : Quantity, optional
        n+1 points relative to the end of the parent section (the start first).
    type : str, optional
        The kind of section (``'axon'``, ``'dend'``, ...).
    """

    def __init__(self, diameter, n=1, length=None, x=None, y=None, z=None, type=None):
        super().__init__(n, type=type)
        self._diameter = _raw_length("Section", "diameter", diameter, self.n + 1)
        self._set_shape("Section", length, x, y, z, self.n + 1)

    def _set_shape(self, name, length, x, y, z, n_points):
        """Either n lengths or ``n_points`` points -> ``_length`` and ``_relative``."""
        given = [value is not None for value in (x, y, z)]
        if length is not None and any(given):
            raise TypeError(f"{name}: give either length or coordinates (x, y, z), not both")
        if length is None and not any(given):
            raise TypeError(f"{name}: give its length (length=100*um) or its coordinates "
                            "(x=..., y=..., z=...)")
        if length is not None:
            self._length = _raw_length(name, "length", length, self.n)
            self._relative = None
        else:
            self._relative = self._interpolated(_points(name, x, y, z, n_points))
            self._length = np.sqrt(np.sum(np.diff(self._relative, axis=0) ** 2, axis=1))

    def _interpolated(self, points):
        return points

    def _diameter_text(self) -> str:
        nodes = self._diameter
        constant = np.all(np.abs(nodes - nodes[0]) < nodes[0] * 1e-12)
        return repr(Quantity(nodes[0] if constant else nodes, dim=meter.dim))

    def _points_text(self) -> str:
        return "x=..., y=..., z=..."

    def __repr__(self) -> str:
        text = f"{self.__class__.__name__}(diameter={self._diameter_text()}"
        if self.n != 1:
            text += f", n={self.n}"
        if self._relative is None:
            text += f", length={Quantity(self._length.sum(), dim=meter.dim)!r}"
        else:
            text += ", " + self._points_text()
        if self.type is not None:
            text += f", type={self.type!r}"
        return text + ")"

    def copy_section(self):
        """This section alone (no parent, no children), of the same kind."""
        copy = object.__new__(self.__class__)
        Morphology.__init__(copy, self.n, type=self.type)
        copy._diameter = self._diameter.copy()
        copy._length = self._length.copy()
        copy._relative = None if self._relative is None else self._relative.copy()
        return copy

    def _placed(self, points, straight=True):
        """This section with the given relative points (n+1, 3); a bent one is a Section."""
        if straight or type(self) is Section:
            copy = self.copy_section()
        else:
            copy = Section(Quantity(self._diameter, dim=meter.dim), n=self.n,
                           length=Quantity(self._length, dim=meter.dim), type=self.type)
        copy._relative = np.array(points, dtype=float)
        copy._length = np.sqrt(np.sum(np.diff(copy._relative, axis=0) ** 2, axis=1))
        return copy

    # ---- per-compartment geometry -------------------------------------------------------
    start_diameter = property(lambda self: Quantity(self._diameter[:-1], dim=meter.dim),
                              doc="Diameter at the start of each compartment.")
    end_diameter = property(lambda self: Quantity(self._diameter[1:], dim=meter.dim),
                            doc="Diameter at the end of each compartment.")
    length = property(lambda self: Quantity(self._length.copy(), dim=meter.dim),
                      doc="Length of each compartment.")

    @property
    def diameter(self) -> Quantity:
        """Diameter at the middle of each compartment."""
        return Quantity(0.5 * (self._diameter[:-1] + self._diameter[1:]), dim=meter.dim)

    @property
    def area(self) -> Quantity:
        """Lateral area of each truncated cone (the end disks are inside the cable)."""
        d1, d2, length = self._diameter[:-1], self._diameter[1:], self._length
        return _area(np.pi / 2 * (d1 + d2) * np.sqrt((d1 - d2) ** 2 / 4 + length ** 2))

    @property
    def volume(self) -> Quantity:
        """Volume of each truncated cone, pi l (d1^2 + d1 d2 + d2^2) / 12."""
        d1, d2 = self._diameter[:-1], self._diameter[1:]
        return Quantity(np.pi * self._length * (d1 ** 2 + d1 * d2 + d2 ** 2) / 12,
                        dim=_VOLUME)

    @property
    def r_length_1(self) -> Quantity:
        """pi/2 d_start d_mid / l: the axial conductance start -> middle, times Ri."""
        d1 = self._diameter[:-1]
        middle = 0.5 * (d1 + self._diameter[1:])
        return Quantity(np.pi / 2 * d1 * middle / self._length, dim=meter.dim)

    @property
    def r_length_2(self) -> Quantity:
        """pi/2 d_mid d_end / l: the axial conductance middle -> end, times Ri."""
        d2 = self._diameter[1:]
        middle = 0.5 * (self._diameter[:-1] + d2)
        return Quantity(np.pi / 2 * middle * d2 / self._length, dim=meter.dim)

    @property
    def distance(self) -> Quantity:
        """Distance from the root to the middle of each compartment, along the tree."""
        raw = self._parent_end_distance() + np.cumsum(self._length) - 0.5 * self._length
        return Quantity(raw, dim=meter.dim)

    @property
    def end_distance(self) -> float:
        return self._parent_end_distance() + float(self._length.sum())

    @property
    def coordinates_(self):
        if self._relative is None:
            return None
        above = None if self._parent is None else self._parent.coordinates_
        return self._relative if above is None else above[-1] + self._relative


class Cylinder(Section):
    """A section of constant diameter cut into n equal compartments.

    Parameters
    ----------
    diameter : Quantity
        The one diameter.
    n : int
        Number of compartments.
    length : Quantity, optional
        The total length (not together with coordinates).
    x, y, z : Quantity, optional
        Two points each, start and end, relative to the end of the parent section.
    type : str, optional
        The kind of section.
    """

    def __init__(self, diameter, n=1, length=None, x=None, y=None, z=None, type=None):
        Morphology.__init__(self, n, type=type)
        one = _raw_length("Cylinder", "diameter", diameter, 1)
        self._diameter = np.full(self.n + 1, one[0])
        if length is not None and not any(v is not None for v in (x, y, z)):
            total = _raw_length("Cylinder", "length", length, 1)[0]
            self._length = np.full(self.n, total / self.n)
            self._relative = None
        else:
            self._set_shape("Cylinder", length, x, y, z, 2)

    def _interpolated(self, points):
        """The two end points -> n+1 equally spaced points."""
        return np.linspace(points[0], points[-1], self.n + 1)

    def _diameter_text(self) -> str:
        return repr(self.diameter[0])

    def _points_text(self) -> str:
        ends = self._relative[[0, -1]]
        return ", ".join(f"{axis}={Quantity(ends[:, k], dim=meter.dim)!r}"
                         for k, axis in enumerate("xyz"))


SECTION_KINDS.update(soma=Soma, section=Section)

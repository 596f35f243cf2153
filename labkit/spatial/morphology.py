"""A tree of sections -> names, compartment numbers, geometry with units (the Morphology base).

Why: a spatial neuron is a tree of unbranched sections, each cut into compartments. The
learner builds it by attribute (``morpho.dend = Cylinder(...)``), reaches parts of it by
name, index or distance (``morpho.dend[50*um]``) and reads its geometry (``area``,
``distance``, coordinates) as Quantities. The solver needs the same tree flattened: every
compartment gets a number, the root's first and then each sub-tree in attachment order
(depth first), as in Brian2. The kinds of section (:mod:`labkit.spatial.sections`) only say
how their compartments are shaped; everything about the tree lives here.

>>> from labkit.units import um
>>> from labkit.spatial.sections import Soma, Cylinder
>>> morpho = Soma(diameter=30*um)
>>> morpho.dend = Cylinder(diameter=1*um, length=100*um, n=10)
>>> morpho.total_compartments, morpho.dend.indices[:3], morpho.dend[25*um].indices[:]
(11, array([1, 2, 3]), array([3]))
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

import numpy as np

from labkit.spatial import coordinates as _coordinates
from labkit.spatial.addressing import at_distance, is_length, one_index, parse_slice, to_meters
from labkit.spatial.children import Children, is_chained_name
from labkit.spatial.loading import build
from labkit.spatial.subtree import IndexView, SubMorphology
from labkit.spatial.swc import read_swc, sections_from_points
from labkit.spatial.topology import Topology
from labkit.units import Quantity, meter

__all__ = ["Morphology"]

#: The classes a file's sections become (``"soma"``, ``"section"``). They subclass
#: Morphology, so :mod:`labkit.spatial.sections` comes after this module and fills this in.
SECTION_KINDS: dict = {}


def _points_axis(points, axis: int, rows: slice):
    return None if points is None else points[rows, axis]


class Morphology(metaclass=ABCMeta):
    """A section of a neuron and the sub-trees attached to it.

    Create a :class:`~labkit.spatial.sections.Soma`, a
    :class:`~labkit.spatial.sections.Cylinder` or a
    :class:`~labkit.spatial.sections.Section`, or load a file with
    :meth:`Morphology.from_file`; this class is their common part.
    """

    #: Overridden by Soma: one isopotential sphere, not a cable.
    is_spherical = False

    def __init__(self, n, type=None):
        if isinstance(n, str):
            raise TypeError(f"a section needs its number of compartments n, not the string "
                            f"{n!r}; to load a file use Morphology.from_file({n!r})")
        if isinstance(n, Quantity) or int(n) != n:
            raise TypeError(f"the number of compartments n must be a whole number, not {n!r}")
        if n < 1:
            raise ValueError(f"a section needs at least one compartment, not n={n}")
        object.__setattr__(self, "_n", int(n))
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "_children", Children(self))
        object.__setattr__(self, "_parent", None)
        object.__setattr__(self, "indices", IndexView(self))

    # ---- the tree ---------------------------------------------------------------------
    @property
    def n(self) -> int:
        """The number of compartments in this section (not its sub-trees)."""
        return self._n

    def __len__(self):
        raise TypeError("the 'length' of a morphology is ambiguous: use morpho.n for the "
                        "compartments of this section or morpho.total_compartments for "
                        "the whole sub-tree")

    @property
    def total_compartments(self) -> int:
        """Compartments in this section and every section below it."""
        return self.n + sum(child.total_compartments for child in self._children)

    @property
    def total_sections(self) -> int:
        """Sections in this sub-tree, this one included."""
        return 1 + sum(child.total_sections for child in self._children)

    @property
    def parent(self):
        """The section this one is attached to (None for the root)."""
        return self._parent

    @property
    def children(self) -> Children:
        """The sub-trees attached to the end of this section."""
        return self._children

    def sections(self):
        """This section and every section below it, in the flat numbering's order."""
        yield self
        for child in self._children:
            yield from child.sections()

    def _root(self):
        root = self
        while root._parent is not None:
            root = root._parent
        return root

    def _start_index(self) -> int:
        """The flat number of this section's first compartment in the whole tree."""
        index = 0
        for section in self._root().sections():
            if section is self:
                return index
            index += section.n
        raise RuntimeError("a section was not found below its own root")

    def _indices(self, item=None):
        if item is None or item == slice(None):
            start = self._start_index()
            if self.n == 1 and item is None:
                return start
            return np.arange(start, start + self.n)
        selected = self[item]
        return selected._indices(slice(None) if isinstance(item, slice) else None)

    def __getitem__(self, item):
        if isinstance(item, str):
            if is_chained_name(item):
                return self._children[item[0]][item[1:]]
            return self._children[item]
        lengths = np.asarray(self.length, dtype=float)
        if isinstance(item, slice):
            i, j = parse_slice(item, lengths)
        elif is_length(item):
            i, j = at_distance(lengths, float(np.asarray(item)))
        elif isinstance(item, (int, np.integer)):
            i, j = one_index(item, self.n)
        else:
            raise TypeError(f"cannot index a morphology with {item!r}: use a sub-tree's name "
                            "('dend'), a compartment index (3), a distance (50*um) or a "
                            "slice of either")
        return SubMorphology(self, i, j)

    def __setitem__(self, name, child):
        if not isinstance(child, Morphology):
            raise TypeError(f"only a Soma, Cylinder or Section can be attached as {name!r}, "
                            f"not {type(child).__name__}")
        name = str(name)
        if is_chained_name(name):
            self._children[name[0]][name[1:]] = child
        else:
            self._children.add(name, child)

    def __delitem__(self, name):
        name = str(name)
        if is_chained_name(name):
            del self._children[name[0]][name[1:]]
        else:
            self._children.remove(name)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __setattr__(self, name: str, value):
        if isinstance(value, Morphology) and not name.startswith("_"):
            self[name] = value
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str):
        del self[name]

    def topology(self) -> Topology:
        """The tree as text: ``print(morpho.topology())``."""
        return Topology(self)

    def generate_coordinates(self, section_randomness=0.0, compartment_randomness=0.0,
                             overwrite_existing=False):
        """A copy of this tree with x, y, z for the sections that have none (for plots).

        The randomness values are in degrees (the scale of an exponential distribution of
        the deviation from the parent's direction, per section and per compartment); with
        both 0 the layout is deterministic and flat.
        """
        return _coordinates.generate(self, section_randomness, compartment_randomness,
                                     overwrite_existing)

    # ---- geometry common to all sections (the shapes give the rest) ---------------------
    @property
    @abstractmethod
    def end_distance(self) -> float:
        """Distance (m, a float) from the root to the end of this section."""

    def _parent_end_distance(self) -> float:
        return 0.0 if self._parent is None else self._parent.end_distance

    @property
    @abstractmethod
    def coordinates_(self):
        """Points (n+1, 3) in metres, absolute: the start, then each compartment's end."""

    @property
    def coordinates(self):
        """``coordinates_`` as a Quantity in metres (None without coordinates)."""
        points = self.coordinates_
        return None if points is None else Quantity(points, dim=meter.dim)

    @property
    def start_x_(self):
        """x at the start of each compartment (m, raw floats; None without coordinates)."""
        return _points_axis(self.coordinates_, 0, slice(None, -1))

    @property
    def start_y_(self):
        """y at the start of each compartment (m, raw floats)."""
        return _points_axis(self.coordinates_, 1, slice(None, -1))

    @property
    def start_z_(self):
        """z at the start of each compartment (m, raw floats)."""
        return _points_axis(self.coordinates_, 2, slice(None, -1))

    @property
    def end_x_(self):
        """x at the end of each compartment (m, raw floats)."""
        return _points_axis(self.coordinates_, 0, slice(1, None))

    @property
    def end_y_(self):
        """y at the end of each compartment (m, raw floats)."""
        return _points_axis(self.coordinates_, 1, slice(1, None))

    @property
    def end_z_(self):
        """z at the end of each compartment (m, raw floats)."""
        return _points_axis(self.coordinates_, 2, slice(1, None))

    def _midpoints(self, axis: int):
        points = self.coordinates_
        return None if points is None else 0.5 * (points[:-1, axis] + points[1:, axis])

    @property
    def x_(self):
        """x at the middle of each compartment (m, raw floats)."""
        return self._midpoints(0)

    @property
    def y_(self):
        """y at the middle of each compartment (m, raw floats)."""
        return self._midpoints(1)

    @property
    def z_(self):
        """z at the middle of each compartment (m, raw floats)."""
        return self._midpoints(2)

    def _with_unit(self, raw):
        return None if raw is None else to_meters(raw)

    start_x = property(lambda self: self._with_unit(self.start_x_), doc="x at the starts")
    start_y = property(lambda self: self._with_unit(self.start_y_), doc="y at the starts")
    start_z = property(lambda self: self._with_unit(self.start_z_), doc="z at the starts")
    x = property(lambda self: self._with_unit(self.x_), doc="x at the midpoints")
    y = property(lambda self: self._with_unit(self.y_), doc="y at the midpoints")
    z = property(lambda self: self._with_unit(self.z_), doc="z at the midpoints")
    end_x = property(lambda self: self._with_unit(self.end_x_), doc="x at the ends")
    end_y = property(lambda self: self._with_unit(self.end_y_), doc="y at the ends")
    end_z = property(lambda self: self._with_unit(self.end_z_), doc="z at the ends")

    # ---- loading ------------------------------------------------------------------------
    @staticmethod
    def from_points(points, spherical_soma=True):
        """Points ``(index, type name, x, y, z, diameter, parent)`` (um) -> a Morphology.

        As SWC (:meth:`from_swc_file`) but with the type as a name (``'soma'``, ``'dend'``)
        and the diameter instead of the radius.
        """
        return build(sections_from_points(points, spherical_soma), SECTION_KINDS)

    @staticmethod
    def from_swc_file(filename, spherical_soma=True):
        """An SWC file (``index type x y z radius parent`` per line, um) -> a Morphology.

        Unbranched runs of points of one type become one section; types 1-4 name their
        sections ``soma``, ``axon``, ``dend``, ``apic``; a three-point soma becomes one
        spherical :class:`Soma` unless ``spherical_soma=False``.
        """
        return Morphology.from_points(read_swc(filename), spherical_soma)

    @staticmethod
    def from_file(filename, spherical_soma=True):
        """A morphology file -> a Morphology (SWC, the one format there is so far)."""
        if not str(filename).lower().endswith(".swc"):
            raise ValueError(f"cannot read {filename!r}: only SWC files (.swc) can be "
                             "loaded; convert it to SWC (e.g. with NeuroMorpho's tools)")
        return Morphology.from_swc_file(filename, spherical_soma)

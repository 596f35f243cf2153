"""A morphology -> flat per-compartment geometry and the tree of the implicit cable solve.

Why: each step the cable equation is solved for all compartments at once (backward
Euler), a linear system whose matrix has the shape of the tree. Its unknowns are the
compartments' potentials and, as in Brian2, one potential without capacitance at each
branch point (the end of a section that has children): the last compartment of a section
reaches that node through its second half (conductance ``r_length_2/Ri``), each child's
first compartment through its first half (``r_length_1/Ri``); neighbours inside a section
through both halves in series. Sealed ends (the root's start, the leaves' ends) carry no
current and need no node. Ordered so that every unknown comes after its parent, the
system is solved exactly in two passes (Hines 1984): eliminate from the leaves to the
root, substitute back from the root. Conductances here are in metres (``r_length``
terms); the plan divides them by ``Ri`` at each run.

>>> from labkit.units import um
>>> from labkit.spatial.sections import Soma, Cylinder
>>> morpho = Soma(10*um); morpho.dend = Cylinder(diameter=1*um, length=20*um, n=2)
>>> tree = hines_tree(morpho)
>>> tree.parent.tolist(), tree.order.tolist()
([-1, 3, 1, 0], [0, 3, 1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FlatGeometry", "flat_geometry", "HinesTree", "hines_tree"]

_PER_COMPARTMENT = ("length", "distance", "area", "volume", "diameter", "r_length_1",
                    "r_length_2")


@dataclass(frozen=True)
class FlatGeometry:
    """Per-compartment geometry (SI floats) in the flat numbering; coordinates or None."""

    values: dict
    coordinates: dict | None


def flat_geometry(morphology) -> FlatGeometry:
    """A morphology -> its compartments' geometry, concatenated section by section."""
    sections = list(morphology.sections())
    values = {name: np.concatenate([np.asarray(getattr(s, name), dtype=float)
                                     for s in sections]) for name in _PER_COMPARTMENT}
    coordinates = None
    if all(s.coordinates_ is not None for s in sections):
        coordinates = {axis: np.concatenate([getattr(s, f"{axis}_") for s in sections])
                       for axis in "xyz"}
    return FlatGeometry(values, coordinates)


@dataclass(frozen=True)
class HinesTree:
    """Unknowns 0..N-1 are compartments, N..M-1 branch points.

    ``parent[u]`` (-1 for the root) and ``g[u]``, the conductance times Ri (m) between
    ``u`` and its parent; ``gsum[u]`` the sum of ``u``'s conductances (times Ri);
    ``order``: the unknowns with each parent before its children.
    """

    parent: np.ndarray
    g: np.ndarray
    gsum: np.ndarray
    order: np.ndarray


def hines_tree(morphology) -> HinesTree:
    """A morphology -> the tree of its cable system (see the module docstring)."""
    sections = list(morphology.sections())
    n = sum(s.n for s in sections)
    branching = [s for s in sections if len(s.children)]
    node = {id(s): n + k for k, s in enumerate(branching)}
    size = n + len(branching)
    parent = np.full(size, -1, dtype=np.int64)
    g = np.zeros(size)
    order = []
    start = 0
    for section in sections:
        r1 = np.asarray(section.r_length_1, dtype=float)
        r2 = np.asarray(section.r_length_2, dtype=float)
        stop = start + section.n
        if section.parent is not None:
            parent[start], g[start] = node[id(section.parent)], r1[0]
        inner = np.arange(start + 1, stop)
        parent[inner] = inner - 1
        g[inner] = 1.0 / (1.0 / r2[:-1] + 1.0 / r1[1:])
        order.extend(range(start, stop))
        if id(section) in node:
            u = node[id(section)]
            parent[u], g[u] = stop - 1, r2[-1]
            order.append(u)
        start = stop
    gsum = g.copy()
    has_parent = parent >= 0
    np.add.at(gsum, parent[has_parent], g[has_parent])
    return HinesTree(parent, g, gsum, np.array(order, dtype=np.int64))

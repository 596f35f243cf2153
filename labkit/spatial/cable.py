"""A morphology -> flat per-compartment geometry and the tree of the implicit cable solve.

Why: each step the cable equation is solved for all compartments at once (backward
Euler), a linear system whose matrix has the shape of the tree. Its unknowns are the
compartments' potentials and, as in Brian2, one potential without capacitance at each
branch point (the end of a section that has children): the last compartment of a section
reaches that node through its second half (conductance ``r_length_2/Ri``), each child's
first compartment through its first half (``r_length_1/Ri``); neighbours inside a section
through both halves in series. Sealed ends (the root's start, the leaves' ends) carry no
current and need no node. Sections are listed parents first, each one's compartments
contiguous (each the parent of the next), so the system is solved exactly in two passes
(Hines 1984): eliminate from the leaves to the root, substitute back from the root,
section by section over contiguous arrays, looking an index up only where a section meets
a branch point. Conductances here are in metres (``r_length`` terms); the plan divides
them by ``Ri`` at each run.

>>> from labkit.units import um
>>> from labkit.spatial.sections import Soma, Cylinder
>>> morpho = Soma(10*um); morpho.dend = Cylinder(diameter=1*um, length=20*um, n=2)
>>> tree = hines_tree(morpho)
>>> tree.start.tolist(), tree.stop.tolist(), tree.node.tolist(), tree.pnode.tolist()
([0, 1], [1, 3], [3, 4], [4, 3])
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
    """Unknowns 0..N-1 are compartments, N..M-1 branch points, M a spare (see below).

    ``g[u]``: the conductance times Ri (m) between ``u`` and its parent (0 for the root);
    ``gsum[u]``: the sum of ``u``'s conductances (times Ri). Per section: its compartments
    ``start .. stop-1`` (each the parent of the next), ``node``, the branch point at its
    end, and ``pnode``, the branch point its first compartment hangs from. Sections come
    level by level (the root, its children, theirs, ...): parents before children, as
    the passes need, and sections next to each other in the list independent, so that
    the processor overlaps their serial chains (a fifth faster than depth-first order
    on Rallpack 2's tree). Where a section has no such node (a leaf's end, the root's
    start) the index is the spare unknown ``M``: its ``g`` is 0 and its ``gsum`` 1, so
    eliminating or substituting it changes nothing and the solver needs no branch.
    """

    g: np.ndarray
    gsum: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    node: np.ndarray
    pnode: np.ndarray


def hines_tree(morphology) -> HinesTree:
    """A morphology -> the tree of its cable system (see the module docstring)."""
    sections = list(morphology.sections())
    n = sum(s.n for s in sections)
    branching = [s for s in sections if len(s.children)]
    node = {id(s): n + k for k, s in enumerate(branching)}
    spare = n + len(branching)
    parent = np.full(spare + 1, -1, dtype=np.int64)
    g = np.zeros(spare + 1)
    starts, stops, nodes, pnodes, depths = [], [], [], [], []
    depth = {}
    start = 0
    for section in sections:
        r1 = np.asarray(section.r_length_1, dtype=float)
        r2 = np.asarray(section.r_length_2, dtype=float)
        stop = start + section.n
        pnode, depth[id(section)] = spare, 0
        if section.parent is not None:
            pnode = node[id(section.parent)]
            depth[id(section)] = depth[id(section.parent)] + 1
            parent[start], g[start] = pnode, r1[0]
        inner = np.arange(start + 1, stop)
        parent[inner] = inner - 1
        g[inner] = 1.0 / (1.0 / r2[:-1] + 1.0 / r1[1:])
        end = node.get(id(section), spare)
        if end != spare:
            parent[end], g[end] = stop - 1, r2[-1]
        starts.append(start), stops.append(stop), nodes.append(end), pnodes.append(pnode)
        depths.append(depth[id(section)])
        start = stop
    gsum = g.copy()
    has_parent = parent >= 0
    np.add.at(gsum, parent[has_parent], g[has_parent])
    gsum[spare] = 1.0
    levels = np.argsort(depths, kind="stable")
    return HinesTree(g, gsum, *(np.array(a, dtype=np.int64)[levels]
                                for a in (starts, stops, nodes, pnodes)))

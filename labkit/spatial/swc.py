"""SWC text or a list of points -> section descriptions (plain data) for a Morphology.

Why: reconstructions come as SWC files, one point a line (``index type x y z radius
parent``, micrometres; see neuromorpho.org). A SpatialNeuron wants sections, so
unbranched runs of points of one type become one section, as Brian2 does: a new section
starts at each branch point and wherever the type changes (soma 1, axon 2, dend 3, apic 4;
other types have no name). The three-point soma of NeuroMorpho's format (a centre and two
points one radius away) becomes one spherical soma. This module returns descriptions, not
objects, so that it depends on nothing but numpy; :mod:`labkit.spatial.morphology` builds
the sections.

>>> points = [(1, 'soma', 0, 0, 0, 20, -1), (2, 'dend', 10, 0, 0, 2, 1),
...           (3, 'dend', 60, 0, 0, 2, 2)]
>>> [(s.kind, s.name, s.n, s.parent) for s in sections_from_points(points)]
[('soma', 'soma', 1, None), ('section', 'dend', 2, 0)]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SectionSpec", "read_swc", "sections_from_points", "SWC_TYPES"]

#: SWC type numbers that give sections a name; the others are left unnamed.
SWC_TYPES = {"1": "soma", "2": "axon", "3": "dend", "4": "apic"}


@dataclass
class SectionSpec:
    """One section to build: a soma, or a section with its n+1 node diameters and points.

    ``points`` are in micrometres, relative to the end of the parent section (absolute for
    the root and for a soma); ``parent`` indexes the list of specs; ``names`` are the extra
    names it gets in its parent (``'L'``, ``'R'``, or numbers when there are more children).
    """

    kind: str
    name: str | None
    n: int
    diameters: np.ndarray
    points: np.ndarray
    parent: int | None
    names: list = field(default_factory=list)


@dataclass
class _Node:
    index: int
    name: str | None
    point: np.ndarray
    diameter: float
    parent: _Node | None
    children: list = field(default_factory=list)


def read_swc(filename) -> list:
    """An SWC file -> points ``(index, type name, x, y, z, diameter, parent)`` (um)."""
    points = []
    with open(filename, encoding="utf-8") as text:
        for number, line in enumerate(text, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) != 7:
                raise ValueError(f"{filename}, line {number}: an SWC line has 7 entries "
                                 f"(index type x y z radius parent), this one has "
                                 f"{len(fields)}: {line!r}")
            index, kind, x, y, z, radius, parent = fields
            points.append((int(index), SWC_TYPES.get(kind), float(x), float(y), float(z),
                           2 * float(radius), int(parent)))
    if not points:
        raise ValueError(f"{filename} holds no SWC points (only comments or blank lines)")
    return points


def _nodes(points) -> dict:
    nodes: dict = {}
    for count, point in enumerate(points):
        if len(point) != 7:
            raise ValueError(f"point {count} has {len(point)} values; each point needs 7: "
                             "(index, type name, x, y, z, diameter, parent)")
        index, name, x, y, z, diameter, parent = point
        if index in nodes:
            raise ValueError(f"two points have the index {index}; SWC indices are unique")
        if parent == index:
            raise ValueError(f"point {index} names itself as its parent")
        if count == 0 and parent == -1:
            parent_node = None
        elif parent not in nodes:
            where = "only the first point may be a root (parent -1)" if parent == -1 else \
                "parents must come before their children"
            raise ValueError(f"point {index}: its parent {parent} was not found before it "
                             f"({where})")
        else:
            parent_node = nodes[parent]
        node = _Node(index, name, np.array([x, y, z], dtype=float), float(diameter),
                     parent_node)
        nodes[index] = node
        if parent_node is not None:
            parent_node.children.append(node)
    return nodes


def _merge_three_point_soma(root: _Node, nodes: dict) -> None:
    """A soma centre with two childless soma points one radius away -> one soma point."""
    somatic = [c for c in root.children if c.name == "soma"]
    if not (root.name == "soma" and len(somatic) == 2
            and all(not c.children for c in somatic)):
        count = sum(node.name == "soma" for node in nodes.values())
        if count > 1:
            # the logger by name: the module that configures labkit's loggers is moving
            logging.getLogger("labkit.spatial").warning(
                f"the morphology has {count} soma points; a three-point soma is "
                "recognised only when it comes first in the file")
        return
    for side in somatic:
        if abs(side.diameter - root.diameter) > 1e-15:
            raise ValueError(f"points {root.index}, {somatic[0].index}, {somatic[1].index} "
                             "look like a three-point soma but their diameters differ")
        distance = float(np.sqrt(np.sum((side.point - root.point) ** 2)))
        if abs(distance - root.diameter / 2) > 0.1:
            raise ValueError(
                f"cannot merge the three-point soma at point {root.index}: point "
                f"{side.index} lies {distance:.3f} um from the centre, not one radius "
                f"({root.diameter / 2:.3f} um); load with spherical_soma=False")
        del nodes[side.index]
    root.children = [c for c in root.children if c not in somatic]


def _run(node: _Node) -> list:
    """The unbranched run of points of one type that starts at ``node``."""
    run = [node]
    while len(node.children) == 1 and node.children[0].name == node.name:
        node = node.children[0]
        run.append(node)
    return run


def _spec(run: list, parent: int | None, spherical_soma: bool) -> SectionSpec:
    first = run[0]
    if spherical_soma and len(run) == 1 and first.name == "soma":
        return SectionSpec("soma", "soma", 1, np.array([first.diameter]),
                           first.point[None, :], parent)
    points = np.array([node.point for node in run])
    diameters = np.array([node.diameter for node in run])
    if first.parent is None:
        if len(run) < 2:
            raise ValueError(f"the root point {first.index} is not a soma and has no "
                             "points of its type after it: a section needs two points")
        return SectionSpec("section", first.name, len(run) - 1, diameters, points, None)
    above = first.parent
    start = diameters[0] if above.name == "soma" else above.diameter
    relative = np.vstack([np.zeros(3), points - above.point])
    return SectionSpec("section", first.name, len(run), np.concatenate([[start], diameters]),
                       relative, parent)


def sections_from_points(points, spherical_soma: bool = True) -> list:
    """Points ``(index, type name, x, y, z, diameter, parent)`` (um) -> SectionSpecs."""
    nodes = _nodes(points)
    root = next(iter(nodes.values()))
    if spherical_soma:
        _merge_three_point_soma(root, nodes)
    specs: list = []
    stack = [(root, None)]
    while stack:
        node, parent = stack.pop()
        run = _run(node)
        specs.append(_spec(run, parent, spherical_soma))
        here = len(specs) - 1
        stack.extend((child, here) for child in reversed(run[-1].children))
    families: dict = {}
    for spec in specs:
        families.setdefault(spec.parent, []).append(spec)
    for parent, siblings in families.items():
        if parent is None:
            continue
        for k, child in enumerate(siblings):
            child.names.append(("L" if k == 0 else "R") if len(siblings) <= 2 else str(k + 1))
    return specs

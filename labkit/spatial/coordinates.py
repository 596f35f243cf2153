"""A morphology without coordinates -> a copy with x, y, z laid out for plotting.

Why: a tree built from ``Cylinder(length=...)`` has no shape in space, yet a picture of it
(``plot_morphology``) needs one; the electrical model never looks at coordinates. The layout
follows Brian2's ``generate_coordinates``: the sections leaving a soma (or the root) fan out
in the x-y plane around a circle; the children of a section fan out within +-90 degrees of
their parent's direction; sections that already have coordinates keep them unless
``overwrite_existing``. Optional randomness (in degrees, the scale of an exponential
distribution) bends sections and compartments; it draws from labkit's one generator, so
``seed(n)`` makes it repeatable.
"""

from __future__ import annotations

import numpy as np

from labkit.core.random import get_rng

__all__ = ["generate", "rotate"]

_Z = np.array([0.0, 0.0, 1.0])


def rotate(vector: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotate ``vector`` around the unit ``axis`` by ``angle`` radians, clockwise.

    Clockwise (seen from the tip of ``axis``) so that generated layouts are Brian2's:

    >>> np.round(rotate(np.array([1.0, 0, 0]), np.array([0, 0, 1.0]), np.pi / 2), 12) + 0
    array([ 0., -1.,  0.])
    """
    return (vector * np.cos(angle) - np.cross(axis, vector) * np.sin(angle)
            + axis * np.dot(axis, vector) * (1 - np.cos(angle)))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.sqrt(np.sum(vector ** 2))
    return vector / norm if norm > 0 else np.zeros(3)


def _perturb(direction: np.ndarray, scale: float) -> np.ndarray:
    """Tilt ``direction`` by an exponentially distributed angle, around a random axis."""
    if scale == 0:
        return direction
    helper = np.array([direction[1], direction[0], 0.0]) if direction[:2].any() else \
        np.array([1.0, 0.0, 0.0])
    orthogonal = _unit(np.cross(direction, helper))
    axis = rotate(orthogonal, direction, get_rng().random() * 2 * np.pi)
    return _unit(rotate(direction, axis, get_rng().exponential(scale)))


def _direction(parent_direction: np.ndarray, k: int, siblings: int, randomness: float):
    """The k-th of ``siblings`` children of a section pointing along ``parent_direction``."""
    if not parent_direction.any():
        # around the soma (or the root): a full circle in the x-y plane, the first child down
        direction = rotate(np.array([1.0, 0.0, 0.0]), _Z, np.pi / 2 + 2 * np.pi * k / siblings)
    elif randomness == 0:
        flat = parent_direction[2] == 0
        axis = _Z if flat else _unit(np.cross(parent_direction, _Z) if
                                     np.cross(parent_direction, _Z).any() else
                                     np.array([1.0, 0.0, 0.0]))
        angle = -np.pi / 2 + np.pi * (k + 1) / (siblings + 1)
        direction = rotate(parent_direction, axis, angle)
    else:
        direction = parent_direction
    return _unit(_perturb(direction, randomness))


def _points(section, origin: np.ndarray, direction: np.ndarray, randomness: float):
    """Relative points (n+1, 3) in metres: from ``origin``, one compartment after another."""
    steps = [_perturb(direction, randomness) * length
             for length in np.asarray(section.length, dtype=float)]
    return origin + np.concatenate([np.zeros((1, 3)), np.cumsum(steps, axis=0)])


def _placed(section, parent, k, siblings, randomness, overwrite):
    section_r, compartment_r = randomness
    if section.coordinates_ is not None and not overwrite:
        return section.copy_section()
    if section.is_spherical:
        return section._placed(np.zeros((1, 3)) if parent is None else
                               parent.coordinates_[-1:])
    parent_direction = np.zeros(3)
    if parent is not None and not parent.is_spherical:
        points = parent.coordinates_
        parent_direction = _unit(points[-1] - points[0])
    direction = _direction(parent_direction, k, siblings, section_r)
    origin = np.zeros(3)
    if parent is not None and parent.is_spherical:
        origin = direction * float(np.asarray(parent.diameter)[0]) / 2
    return section._placed(_points(section, origin, direction, compartment_r),
                           straight=compartment_r == 0)


def generate(morphology, section_randomness=0.0, compartment_randomness=0.0,
             overwrite_existing=False):
    """A morphology -> a new tree with coordinates (randomness in degrees)."""
    randomness = (np.deg2rad(section_randomness), np.deg2rad(compartment_randomness))
    return _generate(morphology, randomness, overwrite_existing, None, 0, 1)


def _generate(original, randomness, overwrite, new_parent, k, siblings):
    section = _placed(original, new_parent, k, siblings, randomness, overwrite)
    if new_parent is not None:
        section._parent = new_parent   # so that coordinates_ is absolute while placing
    children = list(original.children)
    for index, child in enumerate(children):
        copy = _generate(child, randomness, overwrite, section, index, len(children))
        for alias in original.children.aliases(child):
            section.children.add(alias, copy)
    return section

"""A seed -> an SWC file of a pyramidal-like neuron with hundreds of sections (test data).

Why: the morphology tests need a large reconstruction in a file we may ship. This one is
grown, not traced: a three-point soma (NeuroMorpho's convention), an axon with collaterals
(type 2), basal dendrites (type 3) and an apical trunk with oblique branches and a tuft
(type 4), each branch a random walk whose diameter shrinks and which splits in two with a
fixed probability per point. Points are 3-8 um apart, as in traced cells.

    python tools/make_synthetic_swc.py tests/spatial/data/synthetic_pyramidal.swc
"""

from __future__ import annotations

import sys

import numpy as np

SOMA_RADIUS = 8.0


class Grower:
    """Appends SWC points (index, type, x, y, z, radius, parent) as branches grow."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.points: list = []

    def add(self, kind, point, radius, parent) -> int:
        self.points.append((len(self.points) + 1, kind, *point, radius, parent))
        return len(self.points)

    def branch(self, kind, start, direction, radius, parent, depth, *, split=0.06,
               max_depth=7, steps=(6, 40), pull=(0.0, 0.0, 0.0)):
        """Grow one branch from ``start``; it may split in two (recursively)."""
        position = np.array(start, dtype=float)
        direction = np.array(direction, dtype=float) / np.linalg.norm(direction)
        count = int(self.rng.integers(*steps))
        for step in range(count):
            wobble = self.rng.normal(0, 0.25, 3) + np.asarray(pull)
            direction = direction + wobble
            direction /= np.linalg.norm(direction)
            position = position + direction * self.rng.uniform(3, 8)
            radius = max(0.15, radius * self.rng.uniform(0.97, 1.0))
            parent = self.add(kind, position, radius, parent)
            last = step == count - 1
            if depth < max_depth and (last or self.rng.random() < split) and step > 2:
                for sign in (1, -1):
                    turn = np.cross(direction, self.rng.normal(0, 1, 3))
                    child = direction + sign * 0.8 * turn / np.linalg.norm(turn)
                    self.branch(kind, position, child, radius * 0.8, parent, depth + 1,
                                split=split, max_depth=max_depth, steps=steps, pull=pull)
                return


def grow(seed: int = 2017) -> list:
    """The neuron's SWC points, soma first."""
    cell = Grower(seed)
    soma = cell.add(1, (0.0, 0.0, 0.0), SOMA_RADIUS, -1)
    cell.add(1, (0.0, -SOMA_RADIUS, 0.0), SOMA_RADIUS, soma)
    cell.add(1, (0.0, SOMA_RADIUS, 0.0), SOMA_RADIUS, soma)
    cell.branch(2, (0, -SOMA_RADIUS, 0), (0, -1, 0), 0.6, soma, 3, split=0.04,
                steps=(20, 60), pull=(0, -0.1, 0))
    for angle in np.linspace(0.4, 2 * np.pi - 0.4, 5):
        start = SOMA_RADIUS * np.array([np.sin(angle), -abs(np.cos(angle)) * 0.5, 0.3])
        cell.branch(3, start, start, 1.0, soma, 2, steps=(5, 25))
    trunk = soma
    position = np.array([0.0, SOMA_RADIUS, 0.0])
    for _ in range(60):   # the apical trunk, with oblique dendrites every few points
        position = position + np.array([0, 5.0, 0]) + cell.rng.normal(0, 0.5, 3)
        trunk = cell.add(4, position, 1.5, trunk)
        if cell.rng.random() < 0.15:
            side = np.array([cell.rng.choice([-1, 1]), 0.3, cell.rng.normal(0, 0.3)])
            cell.branch(4, position, side, 0.6, trunk, 4, steps=(5, 20))
    cell.branch(4, position, (0.3, 1, 0), 1.0, trunk, 1, split=0.08, steps=(5, 20))
    return cell.points


def write(filename: str, seed: int = 2017) -> None:
    """Write the grown neuron as SWC text (micrometres, radii)."""
    lines = [f"# synthetic pyramidal-like neuron grown by tools/make_synthetic_swc.py, "
             f"seed {seed}", "# index type x y z radius parent"]
    for index, kind, x, y, z, radius, parent in grow(seed):
        lines.append(f"{index} {kind} {x:.3f} {y:.3f} {z:.3f} {radius:.3f} {parent}")
    with open(filename, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    write(sys.argv[1])

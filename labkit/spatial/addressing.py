"""A section's compartment lengths + an index, a slice or a distance -> compartments (i, j).

Why: ``morpho.dend[50*um]``, ``morpho.dend[10*um:100*um]``, ``morpho.dend[3]`` and
``morpho.dend[2:5]`` all name a run of compartments ``i <= k < j`` of one section. The rules
are Brian2's: a distance picks the compartment that contains it, a point that falls (within
a relative 1e-12) on the boundary between two compartments belongs to the one that starts
there, and a distance slice keeps every compartment that overlaps it. The section end itself
(``morpho.dend[500*um]`` on a 500 um dendrite) picks the last compartment.

>>> import numpy as np
>>> lengths = np.full(10, 1e-5)                      # ten 10 um compartments
>>> at_distance(lengths, 25e-6), at_distance(lengths, 30e-6), at_distance(lengths, 1e-4)
((2, 3), (3, 4), (9, 10))
>>> distance_slice(lengths, 10e-6, 30e-6)
(1, 3)
"""

from __future__ import annotations

import numpy as np

from labkit.units import Quantity, get_dimensions, meter

__all__ = ["at_distance", "distance_slice", "index_slice", "is_length", "one_index",
           "parse_slice", "to_meters"]

_CLOSE = 1e-12


def is_length(value) -> bool:
    """True for a Quantity with the dimension of a length."""
    return isinstance(value, Quantity) and get_dimensions(value) is meter.dim


def at_distance(lengths: np.ndarray, position: float) -> tuple[int, int]:
    """Lengths of a section's compartments (m), a distance from its start (m) -> (i, i+1)."""
    nodes = np.concatenate([[0.0], np.cumsum(lengths)])
    total = nodes[-1]
    if position < 0 or position > (1 + _CLOSE) * total:
        raise IndexError(f"the distance {position * 1e6:g} um lies outside this section, "
                         f"which is {total * 1e6:g} um long; give a distance between 0 um "
                         f"and {total * 1e6:g} um")
    gaps = np.abs(position - nodes)
    if gaps.min() < _CLOSE * total:
        i = int(np.argmin(gaps))
    else:
        i = int(np.searchsorted(nodes, position)) - 1
    i = min(i, len(lengths) - 1)
    return i, i + 1


def distance_slice(lengths: np.ndarray, start, stop) -> tuple[int, int]:
    """Compartment lengths (m), start and stop distances (m, or None) -> (i, j)."""
    ends = np.cumsum(lengths)
    total = ends[-1]
    i, j = 0, len(ends)
    if start is not None:
        gaps = np.abs(start - ends)
        i = int(np.argmin(gaps)) + 1 if gaps.min() < _CLOSE * total else \
            int(np.searchsorted(ends, start))
    if stop is not None:
        gaps = np.abs(stop - ends)
        j = int(np.argmin(gaps)) + 1 if gaps.min() < _CLOSE * total else \
            int(np.searchsorted(ends, stop)) + 1
    return i, min(j, len(ends))


def index_slice(item: slice, n: int) -> tuple[int, int]:
    """A slice of compartment indices, the section's size -> (i, j); steps are refused."""
    i, j, step = item.indices(n)
    if step != 1:
        raise TypeError(f"a morphology slice must be contiguous, but {item} has step {step}; "
                        "select the compartments one run at a time")
    return i, j


def one_index(item: int, n: int) -> tuple[int, int]:
    """One compartment index (negative counts from the end), the section's size -> (i, i+1)."""
    index = int(item) + n if item < 0 else int(item)
    if not 0 <= index < n:
        raise IndexError(f"compartment {item} does not exist in a section of {n} "
                         f"compartment{'s' if n != 1 else ''}; use 0 to {n - 1}")
    return index, index + 1


def parse_slice(item: slice, lengths: np.ndarray) -> tuple[int, int]:
    """A slice by distances or by indices, the section's compartment lengths -> (i, j)."""
    bounds = [item.start, item.stop]
    if all(b is None or is_length(b) for b in bounds) and any(b is not None for b in bounds):
        if item.step is not None:
            raise TypeError(f"a slice by distance cannot have a step (got {item.step}); "
                            "write morpho[10*um:50*um]")
        start, stop = (None if b is None else float(np.asarray(b)) for b in bounds)
        return distance_slice(lengths, start, stop)
    for bound in bounds:
        if bound is not None and (isinstance(bound, Quantity)
                                  or not float(bound).is_integer()):
            raise TypeError(f"cannot slice a morphology with {item}: use compartment indices "
                            "(morpho[2:5]) or distances (morpho[10*um:50*um]) for both ends")
    return index_slice(slice(*(None if b is None else int(b) for b in bounds), item.step),
                       len(lengths))


def to_meters(values) -> Quantity:
    """Raw values in metres -> a Quantity in metres (a copy, so callers cannot edit ours)."""
    return Quantity(np.array(values, dtype=float), dim=meter.dim)

"""A run of compartments i <= k < j of one section -> a view with that section's geometry.

Why: ``morpho.dend[10*um:50*um]`` and ``morpho.axon[3]`` must answer the same questions as a
section (``n``, ``length``, ``area``, ``distance``, coordinates, and above all ``indices``,
the compartments' numbers in the whole tree) without copying anything: the view slices its
section's arrays on every access, so it stays true when the tree around it changes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SubMorphology", "IndexView"]

#: Per-compartment attributes a view takes from its section, sliced.
_SLICED = ("area", "volume", "length", "r_length_1", "r_length_2", "diameter", "distance",
           "start_diameter", "end_diameter")
_POINTS = tuple(f"{where}{axis}{raw}" for where in ("start_", "", "end_") for axis in "xyz"
                for raw in ("", "_"))


class IndexView:
    """``morpho.indices[...]``: the flat compartment numbers of ``morpho[...]``."""

    def __init__(self, morphology):
        self._morphology = morphology

    def __getitem__(self, item):
        if isinstance(item, str):
            raise TypeError(f"morphologies cannot be indexed by strings ({item!r}); use "
                            "morpho.indices[:], an index, a slice or a distance")
        return self._morphology._indices(item)


class SubMorphology:
    """Compartments ``i`` to ``j - 1`` of ``morphology`` (one section)."""

    def __init__(self, morphology, i: int, j: int):
        if j <= i:
            raise IndexError(f"the selection of compartments {i} to {j - 1} of "
                             f"{morphology!r} is empty; check the bounds of the slice")
        self._morphology = morphology
        self._i, self._j = int(i), int(j)
        self.indices = IndexView(self)

    @property
    def n(self) -> int:
        """The number of compartments in this view."""
        return self._j - self._i

    def __len__(self) -> int:
        return self.n

    @property
    def n_sections(self) -> int:
        """Always 1: a view never spans two sections."""
        return 1

    @property
    def section(self):
        """The section this view belongs to."""
        return self._morphology

    def _indices(self, item=None):
        if not (item is None or item == slice(None)):
            raise IndexError("a view on part of a section cannot be indexed further; index "
                             "the section itself (morpho.dend[...]) instead")
        start = self._morphology._start_index() + self._i
        if item is None and self.n == 1:
            return start
        return np.arange(start, start + self.n)

    def __getattr__(self, name: str):
        if name in _SLICED:
            return getattr(self._morphology, name)[self._i:self._j]
        if name in _POINTS:
            values = getattr(self._morphology, name)
            return None if values is None else values[self._i:self._j]
        raise AttributeError(f"a view on compartments of a section has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<compartments {self._i} to {self._j - 1} of {self._morphology!r}>"

"""Per-synapse values -> arrays that also accept Brian2's synaptic indexing.

``S.w`` is a view of the storage (writes go through, as for groups), of a class that
understands, besides synapse indices and slices, ``S.w[i, j]`` (synapses from source
``i`` to target ``j``; each part an int, a slice or an array), ``S.w[i, j, k]`` (the
``k``-th of several synapses of a pair) and ``S.w['i > j']`` (synapses where a condition
holds); an expression string may be assigned to any such selection.
"""

from __future__ import annotations

import numpy as np

from labkit.core.namespace import frame_namespace
from labkit.units.dimension import DIMENSIONLESS
from labkit.units.quantity import Quantity

__all__ = ["SynapticArray", "SynapticQuantity", "SynapseIndices", "SynapticSubgroup",
           "synaptic_view"]


class _PairIndexing:
    """Translates synaptic keys into synapse indices before numpy sees them."""

    _lk_synapses = None

    def __array_finalize__(self, obj):
        parent = getattr(super(), "__array_finalize__", None)
        if parent is not None:
            parent(obj)
        # only the view synaptic_view makes indexes by pairs: an array computed from it
        # (S.w / gmax, S.w[:]) is indexed as numpy does, or matplotlib's y[:, None] would
        # be read as a (source, target) pair
        self._lk_synapses = None

    def _lk_key(self, key):
        synapses = self._lk_synapses
        if synapses is None or self.ndim != 1:
            return key
        if isinstance(key, str):  # frame 2: the user's line, via __getitem__/__setitem__
            return synapses._indices_where(key, frame_namespace(2))
        if isinstance(key, tuple) and len(key) in (2, 3):
            return synapses._indices_of_pairs(*key)
        return key

    def __getitem__(self, key):
        if self.ndim == 0 and isinstance(key, slice) and key == slice(None):  # S.G[:], Brian2
            key = ()
        result = super().__getitem__(self._lk_key(key))
        if isinstance(result, _PairIndexing):
            result._lk_synapses = None
        return result

    def __setitem__(self, key, value):
        if isinstance(value, str) and self._lk_synapses is not None:
            # S.w['i > j'] = 'exp(-(i - j)**2/sigma)*mV': an expression for those synapses
            self._lk_synapses._set(self._lk_name, value, units=True,
                                   namespace=frame_namespace(1), key=self._lk_key(key))
        else:
            super().__setitem__(self._lk_key(key), value)


class SynapticArray(_PairIndexing, np.ndarray):
    """A dimensionless (or integer) per-synapse array with synaptic indexing."""

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # arithmetic gives plain numbers, as Brian2's views do (S.w / gmax is an ndarray)
        result = np.asarray(array).view(np.ndarray)
        return result[()] if return_scalar else result


class SynapticQuantity(_PairIndexing, Quantity):
    """A per-synapse Quantity with synaptic indexing."""


class SynapseIndices:
    """``S.indices[...]``: synapse indices for a key of any form ``S.w[...]`` takes
    (Brian2's ``Synapses.indices``), e.g. ``S.w[S.indices[:, 10:20]] = w_minus``."""

    def __init__(self, synapses):
        self._synapses = synapses

    def __getitem__(self, key) -> np.ndarray:
        synapses = self._synapses
        if isinstance(key, str):
            return synapses._indices_where(key, frame_namespace(1))
        if isinstance(key, tuple) and len(key) in (2, 3):
            return synapses._indices_of_pairs(*key)
        return np.arange(synapses.N)[key]

    def __len__(self) -> int:
        return self._synapses.N

    def __repr__(self) -> str:
        return f"<synapse indices of {self._synapses._label()}>"


class SynapticSubgroup:
    """``S[i, :]``, ``S['i > j']``: some synapses of ``S`` by index, for a StateMonitor's
    ``record=`` (Brian2's SynapticSubgroup). The indices are those when it was made: new
    synapses since make it an error, as in Brian2."""

    def __init__(self, synapses, indices):
        self.synapses = synapses
        self._stored = np.asarray(indices, dtype=np.int64)
        self._made_with = synapses.N

    def _indices(self) -> np.ndarray:
        if self.synapses.N != self._made_with:
            raise RuntimeError(
                f"{self!r}: synapses were added to {self.synapses._label()} since this "
                f"subgroup was made ({self._made_with} then, {self.synapses.N} now); make it "
                "again after the last connect()")
        return self._stored

    def __len__(self) -> int:
        return len(self._stored)

    def __repr__(self) -> str:
        return f"<SynapticSubgroup of {len(self._stored)} synapses of {self.synapses.name!r}>"


def synaptic_view(values: np.ndarray, dim, synapses, name: str):
    """Raw array (a view) of variable ``name`` -> SynapticArray / SynapticQuantity bound to
    ``synapses``."""
    if dim is None or dim is DIMENSIONLESS:
        view = values.view(SynapticArray)
    else:
        view = values.view(SynapticQuantity)
        view.dim = dim
    view._lk_synapses, view._lk_name = synapses, name
    return view


def match(values: np.ndarray, key, size: int) -> np.ndarray:
    """Mask of ``values`` selected by one part of a synaptic key (int, slice, array)."""
    if isinstance(key, slice):
        start, stop, step = key.indices(size)
        return np.isin(values, np.arange(start, stop, step))
    if isinstance(key, (int, np.integer)):
        return values == int(key)
    array = np.asarray(key)
    if array.dtype == np.bool_:
        raise TypeError("boolean masks cannot be used in S.x[i, j]; give indices")
    return np.isin(values, array)

"""A group's variable read as ``G.tau`` -> the same array, usable as a dictionary key.

Brian2's ``device.run(run_args={G.tau: 20*ms})`` names a variable by reading it, so the
object ``G.tau`` returns must be hashable (numpy arrays are not) and must remember where
it came from. These subclasses add exactly that: identity hashing (as Brian2's
``VariableView``) and ``_lk_origin = (group, name)``, which also lets them take Brian2's
string indexing (``G.v['i > 2']``, ``G.v[:5] = 'rand()*mV'``); everything else, printing
included, is the Quantity or array it was.

>>> import numpy as np
>>> view = with_origin(np.zeros(2), 'G', 'v')
>>> view._lk_origin, repr(view), {view: 1}[view]
(('G', 'v'), 'array([0., 0.])', 1)
"""

from __future__ import annotations

import numpy as np

from labkit.core.elements import element_indices
from labkit.core.namespace import frame_namespace
from labkit.groups.assigned import indices_where
from labkit.units.quantity import Quantity

__all__ = ["with_origin"]


class _ByCondition:
    """Brian2's string indexing on the view read from a group: ``G.v['i > 2']`` (a
    condition over the group) and ``G.v[2:5] = 'rand()*mV'`` (an expression per element),
    both with the names where the line was written."""

    _lk_origin = None

    def _lk_scalar_key(self, key):
        """A (shared) variable's view has shape (), as Brian2's: ``G.x[:]`` reads (or
        writes) its one value; another index is an error, as in Brian2."""
        if self.ndim or self._lk_origin is None:
            return key
        if key is Ellipsis or key == () or (isinstance(key, slice) and key == slice(None)):
            return ()
        group, name = self._lk_origin
        raise IndexError(f"{group._label()}.{name} is a (shared) variable: it has one value "
                         f"and no index {key!r}; read it as {name} or {name}[:]")

    def __getitem__(self, key):
        key = self._lk_scalar_key(key)
        if self._lk_origin is not None:
            key = element_indices(key, self._lk_origin[0])   # neuron.v[morpho.L[50*um]]
        if isinstance(key, str) and self._lk_origin is not None:
            key = indices_where(self._lk_origin[0], key, frame_namespace(1))
        return super().__getitem__(key)

    def __setitem__(self, key, value):
        key = self._lk_scalar_key(key)
        if self._lk_origin is not None:
            key = element_indices(key, self._lk_origin[0])
        if self._lk_origin is not None and (isinstance(key, str) or isinstance(value, str)):
            group, name = self._lk_origin
            group._set(name, value, units=isinstance(self, Quantity),
                       namespace=frame_namespace(1), key=key)
        else:
            super().__setitem__(key, value)


class VariableQuantity(_ByCondition, Quantity):
    """A Quantity read from a group variable: hashable by identity, knows its origin."""

    __hash__ = object.__hash__


class VariableArray(_ByCondition, np.ndarray):
    """A dimensionless variable's array: hashable by identity, prints as a plain array."""

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __str__(self) -> str:
        return str(self.view(np.ndarray))

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # results of arithmetic are plain arrays: only the view read from G keeps the origin
        array = array.view(np.ndarray)
        return array[()] if return_scalar else array


def with_origin(values, group, name: str):
    """An array or Quantity read from ``group.name`` -> a view of it that knows that."""
    if isinstance(values, Quantity):
        view = values.view(VariableQuantity)
        view.dim = values.dim
    elif type(values) is np.ndarray:
        view = values.view(VariableArray)
    else:
        return values
    view._lk_origin = (group, name)
    return view

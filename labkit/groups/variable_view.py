"""A group's variable read as ``G.tau`` -> the same array, usable as a dictionary key.

Brian2's ``device.run(run_args={G.tau: 20*ms})`` names a variable by reading it, so the
object ``G.tau`` returns must be hashable (numpy arrays are not) and must remember where
it came from. These subclasses add exactly that: identity hashing (as Brian2's
``VariableView``) and ``_lk_origin = (group, name)``; everything else, printing included,
is the Quantity or array it was.

>>> import numpy as np
>>> view = with_origin(np.zeros(2), 'G', 'v')
>>> view._lk_origin, repr(view), {view: 1}[view]
(('G', 'v'), 'array([0., 0.])', 1)
"""

from __future__ import annotations

import numpy as np

from labkit.units.quantity import Quantity

__all__ = ["with_origin"]


class VariableQuantity(Quantity):
    """A Quantity read from a group variable: hashable by identity, knows its origin."""

    __hash__ = object.__hash__
    _lk_origin = None


class VariableArray(np.ndarray):
    """A dimensionless variable's array: hashable by identity, prints as a plain array."""

    __hash__ = object.__hash__
    _lk_origin = None

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

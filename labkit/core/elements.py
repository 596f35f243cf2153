"""A choice of elements (an index, indices, or a part of a morphology) -> indices relative
to a group.

Why: Brian2 lets a part of a morphology stand for its compartments wherever indices go
(``StateMonitor(neuron, 'v', record=morpho.L[50*um])``, ``S.connect(i=0,
j=morpho.L[-1])``, ``mon[morpho.R[75*um]]``): such an object has ``_indices()``, the
absolute compartment numbers. A subgroup counts from its own start, so those are shifted
by it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["element_indices"]


def element_indices(item, group):
    """``item`` (int, sequence, array, or anything with ``_indices()``) -> indices relative
    to ``group`` (an int stays an int, so that ``M[3]`` still means one element)."""
    if hasattr(item, "_indices") and not hasattr(item, "variables"):
        absolute = item._indices()
        offset = getattr(group, "_start", 0)
        return absolute - offset if np.ndim(absolute) == 0 else np.asarray(absolute) - offset
    return item

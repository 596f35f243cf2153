"""Source element of each synapse -> the synapses in order of source, stable (int32).

Why: a pathway's spike queue finds the synapses of a spiking element through this order.
For 10^8 synapses ``np.argsort`` makes an int64 index array (800 MB) before it can be
narrowed to int32; a counting sort writes the int32 result directly, in two passes over
the synapses. Compiled once and cached on disk (Numba's cache), so it is loaded only for
networks large enough to need it (``labkit.synapses.queue``).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["counting_sort"]


@numba.njit(cache=True, nogil=True)
def _counting_sort(sources, n_elements):
    starts = np.zeros(n_elements + 1, dtype=np.int64)
    for s in sources:
        starts[s + 1] += 1
    for k in range(n_elements):
        starts[k + 1] += starts[k]
    order = np.empty(sources.size, dtype=np.int32)
    for syn in range(sources.size):
        element = sources[syn]
        order[starts[element]] = syn
        starts[element] += 1
    return order


def counting_sort(sources: np.ndarray, n_elements: int) -> np.ndarray:
    """``np.argsort(sources, kind='stable').astype(np.int32)``, for ``sources`` in
    ``0..n_elements-1``.

    >>> counting_sort(np.array([2, 0, 2, 1], dtype=np.int32), 3).tolist()
    [1, 3, 0, 2]
    """
    return _counting_sort(sources, int(n_elements))

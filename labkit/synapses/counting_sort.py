"""Source element of each synapse -> the synapses in order of source (stable, int32).

Why: a pathway's spike queue finds the synapses of a spiking element through this order.
For 10^8 synapses ``np.argsort`` makes an int64 index array (800 MB) before it can be
narrowed to int32; a counting sort writes the int32 result directly, in two passes over
the synapses. Compiled once and cached on disk (Numba's cache), so it is loaded only for
networks large enough to need it (``labkit.synapses.queue``).
"""

from __future__ import annotations

import numba
import numpy as np

from labkit.codegen.compile import lean_cache_loads

__all__ = ["counting_scatter", "counting_sort"]


@numba.njit(cache=True, nogil=True)
def _starts(sources, n_elements):
    ptr = np.zeros(n_elements + 1, dtype=np.int64)
    for s in sources:
        ptr[s + 1] += 1
    for k in range(n_elements):
        ptr[k + 1] += ptr[k]
    return ptr


@lean_cache_loads
@numba.njit(cache=True, nogil=True)
def _counting_sort(sources, n_elements):
    ptr = _starts(sources, n_elements)
    order = np.empty(sources.size, dtype=np.int32)
    fill = ptr[:-1].copy()
    for syn in range(sources.size):
        element = sources[syn]
        order[fill[element]] = syn
        fill[element] += 1
    return order, ptr


def counting_sort(sources: np.ndarray, n_elements: int) -> tuple[np.ndarray, np.ndarray]:
    """-> ``np.argsort(sources, kind='stable').astype(np.int32)`` and the start of each
    element's synapses in it (``ptr``, int64, ``n_elements + 1``: element ``e``'s are
    ``order[ptr[e]:ptr[e + 1]]``), for ``sources`` in ``0..n_elements-1``. (numpy's
    ``bincount`` would also copy ``sources`` to int64 first.)

    >>> order, ptr = counting_sort(np.array([2, 0, 2, 1], dtype=np.int32), 3)
    >>> order.tolist(), ptr.tolist()
    ([1, 3, 0, 2], [0, 1, 2, 4])
    """
    return _counting_sort(sources, int(n_elements))


@lean_cache_loads
@numba.njit(cache=True, nogil=True)
def _counting_scatter(sources, values, n_elements):
    ptr = _starts(sources, n_elements)
    out = np.empty(sources.size, dtype=np.int32)
    fill = ptr[:-1].copy()
    for syn in range(sources.size):
        element = sources[syn]
        out[fill[element]] = values[syn]
        fill[element] += 1
    return out, ptr


def counting_scatter(sources: np.ndarray, values: np.ndarray,
                     n_elements: int) -> tuple[np.ndarray, np.ndarray]:
    """-> ``values[counting_sort(sources, n_elements)[0]]`` (int32) and ``ptr``, without
    making the order (a queue whose kernel reads only the targets in that order).

    >>> out, ptr = counting_scatter(np.array([2, 0, 2, 1], dtype=np.int32),
    ...                             np.array([5, 6, 7, 8], dtype=np.int32), 3)
    >>> out.tolist(), ptr.tolist()
    ([6, 8, 5, 7], [0, 1, 2, 4])
    """
    return _counting_scatter(sources, values, int(n_elements))

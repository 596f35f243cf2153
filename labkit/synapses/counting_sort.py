"""Source element of each synapse -> the synapses in order of source (stable, int32).

Why: a pathway's spike queue finds the synapses of a spiking element through this order.
For 10^8 synapses ``np.argsort`` makes an int64 index array (800 MB) before it can be
narrowed to int32; a counting sort writes the int32 result directly, in two passes over
the synapses. Compiled once and cached on disk (Numba's cache), so it is loaded only for
networks large enough to need it (``labkit.synapses.queue``).

Compiled in another process when the disk cache lacks it (:func:`compiled_apart`, with the
runtime device's fast start on, as the kernels are): Numba's compiler in the user's process
took 46 MB of peak memory at the first run of CUBA with 10^5 neurons on a fresh install
(268 against 222 MB), and kept them for the life of the process.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numba
import numpy as np

from labkit.codegen.compile import lean_cache_loads
from labkit.devices.compile_job import argument_type
from labkit.devices.fast_start import describe_argument, job_environment
from labkit.logs import info
from labkit.prefs import prefs

__all__ = ["compiled_apart", "counting_scatter", "counting_sort", "main"]

#: Seconds to wait for the compiling process (it takes 2-5 s; then this process compiles).
APART_TIMEOUT = 300


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
    compiled_apart(_counting_sort, (sources, int(n_elements)))
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
    compiled_apart(_counting_scatter, (sources, values, int(n_elements)))
    return _counting_scatter(sources, values, int(n_elements))


def _in_disk_cache(dispatcher, signature) -> bool:
    """Whether Numba's disk cache holds ``dispatcher``'s machine code for ``signature``
    (its index, keyed as Numba keys it: the types, the CPU, the function's bytecode)."""
    cache = dispatcher._cache
    try:
        key = cache._index_key(signature, dispatcher.targetctx.codegen())
        return cache._cache_file._load_index().get(key) is not None
    except AttributeError:  # a Numba whose cache is laid out otherwise: as it would do
        return True


def compiled_apart(dispatcher, args) -> bool:
    """Compile ``dispatcher`` for ``args``' types in another process when neither this
    process nor the disk cache has it (and the fast start is on) -> whether a process
    compiled it; the call that follows loads it from the disk cache. When that process
    fails, the call compiles here, as before (logged with the tail of its stderr)."""
    signature = tuple(dispatcher.typeof_pyval(a) for a in args)
    if signature in dispatcher.overloads or not prefs.devices.runtime.fast_start \
            or _in_disk_cache(dispatcher, signature):
        return False
    request = json.dumps([dispatcher.py_func.__name__, [describe_argument(a) for a in args]])
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from labkit.synapses.counting_sort import main;"
             " sys.exit(main(sys.argv[1]))", request], env=job_environment(), capture_output=True,
            timeout=APART_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as error:
        info(f"the background compilation of the counting sort failed ({error}); compiling "
             "in this process.", "counting_sort")
        return False
    if done.returncode != 0:
        info(f"the background compilation of the counting sort failed with status "
             f"{done.returncode}; compiling in this process.\n"
             + done.stderr.decode(errors="replace")[-2000:], "counting_sort")
        return False
    return True


def main(request: str) -> int:
    """The compiling process: ``request`` (JSON: a function's name here and its arguments'
    descriptions, ``fast_start.describe_argument``) -> its machine code in the disk cache."""
    name, descriptions = json.loads(request)
    if name not in ("_counting_sort", "_counting_scatter"):
        print(f"counting_sort: no function {name!r} to compile", file=sys.stderr)
        return 2
    globals()[name].compile(tuple(argument_type(d) for d in descriptions))
    return 0

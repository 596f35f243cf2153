"""One random number generator for the process -> reproducible ``rand()``/``randn()``.

Every device draws from the same ``numpy.random.Generator`` (PCG64), handed to compiled
kernels as ``_rng`` (Numba accepts Generator arguments and reproduces numpy's streams).
``seed(n)`` re-creates it, so the same seed gives the same results on every device;
``store()``/``restore()`` save and restore its ``bit_generator.state``.

>>> seed(4); a = get_rng().random()
>>> seed(4); a == get_rng().random()
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["seed", "get_rng", "get_state", "set_state"]

_RNG = [np.random.Generator(np.random.PCG64())]


def seed(seed=None) -> None:
    """Re-create the generator from ``seed`` (an int; None for fresh OS entropy).

    As Brian2's ``seed``: call it before building and running to make runs reproducible.
    Like Brian2's, it also seeds numpy's global generator, which ``rand()``/``randn()``
    called from Python (the star import's numpy names) draw from.
    """
    _RNG[0] = np.random.Generator(np.random.PCG64(seed))
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator rand() draws from


def get_rng() -> np.random.Generator:
    """The generator every device draws from (it changes when :func:`seed` is called)."""
    return _RNG[0]


def get_state() -> dict:
    """A copy of the generator's state, for ``store()``."""
    return dict(_RNG[0].bit_generator.state)


def set_state(state: dict) -> None:
    """Put the generator back into a state from :func:`get_state`, for ``restore()``."""
    _RNG[0].bit_generator.state = state

"""Arrays -> labkit's ``exp`` and ``exprel`` of each element, with the compiled kernel's bits.

Why: the numpy device computes ``exp`` of arrays with numpy's own function, one pass,
which may differ from the runtime device's ``_lk_exp`` in the last bit (see
:mod:`labkit.codegen.support`). The runtime device's fast start
(:mod:`labkit.devices.fast_start`) runs a model's first steps on numpy and hands the
state over to the compiled kernel, so its numpy kernel must give the compiled kernel's
bits: it calls these, the operations of ``support_numba._exp_parts`` in the same order on
whole arrays (~25 numpy passes instead of one; a fast start runs small models).
Kept apart from ``support``, whose text is part of every kernel's cache key.
"""

from __future__ import annotations

import numpy as np

from labkit.codegen.support import _MAGIC_BITS, EXP_CONSTANTS, EXPREL_OVERFLOW

__all__ = ["exp_exact", "exprel_exact"]

_C = EXP_CONSTANTS


def _pow2_exact(kf: np.ndarray) -> np.ndarray:
    """Integer-valued float array -> 2^kf, built from the bit pattern as Numba's ``_pow2``."""
    bits = ((kf + _C["MAGIC"]).view(np.int64) - _MAGIC_BITS + 1023) << 52
    return bits.view(np.float64)


def _exp_parts_exact(x: np.ndarray):
    """float64 array -> (em, f1, f2), each element as Numba's ``_exp_parts`` computes it."""
    x = np.where(x > _C["XMAX"], _C["XMAX"], x)
    x = np.where(x < _C["XMIN"], _C["XMIN"], x)
    kf = np.floor(x * _C["INVLN2"] + 0.5)
    kf = np.where(kf == kf, kf, 0.0)
    hi = x - kf * _C["LN2HI"]
    lo = kf * _C["LN2LO"]
    r = hi - lo
    t = r * r
    c = r - t * (_C["P1"] + t * (_C["P2"] + t * (_C["P3"] + t * (_C["P4"] + t * _C["P5"]))))
    em = hi - (lo - (r * c) / (2.0 - c))
    k1 = np.floor(kf * 0.5)
    return em, _pow2_exact(k1), _pow2_exact(kf - k1)


def exp_exact(x):
    """Array (or scalar) -> exp of each element with the bits of the Numba ``_lk_exp``.

    >>> exp_exact(np.array([0.0, 2.0, -np.inf, 1000.0, np.nan])).tolist()
    [1.0, 7.38905609893065, 0.0, inf, nan]
    """
    shape = np.shape(x)
    x = np.array(x, dtype=np.float64, ndmin=1)
    under = x < _C["XMIN"]  # +0.0 there, without the underflowing product (see Numba's)
    em, f1, f2 = _exp_parts_exact(np.where(under, 0.0, x))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(under, 0.0, (1.0 + em) * f1 * f2).reshape(shape)[()]


def exprel_exact(x):
    """Array (or scalar) -> exprel of each element with the bits of the Numba ``_exprel``.

    >>> exprel_exact(np.array([0.0, 1e-300, -np.inf, 800.0])).tolist()
    [1.0, 1.0, 0.0, inf]
    """
    shape = np.shape(x)
    x = np.array(x, dtype=np.float64, ndmin=1)
    em, f1, f2 = _exp_parts_exact(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        s = f1 * f2
        out = (em * s + (s - 1.0)) / x
    out = np.where(x == 0.0, 1.0, out)
    return np.where(x > EXPREL_OVERFLOW, np.inf, out).reshape(shape)[()]


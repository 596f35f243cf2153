"""The Numba-compiled form of the support helpers (``_lk_exp``, ``_exprel``) kernels call.

The same operations, in the same order, as ``support.exp_scalar``/``exprel_scalar`` and
the C++ ``CPP_SUPPORT`` (the algorithm is described in ``labkit.codegen.support``).
Bit casts are LLVM ``bitcast`` instructions, so loops calling these still vectorise.
Separate from ``support`` so that only the Numba path imports Numba.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

from labkit.codegen.support import _MAGIC_BITS, EXP_CONSTANTS, EXPREL_OVERFLOW

__all__ = ["_lk_exp", "_exprel"]

_P1, _P2, _P3, _P4, _P5 = (EXP_CONSTANTS[f"P{k}"] for k in range(1, 6))
_LN2HI, _LN2LO, _INVLN2 = EXP_CONSTANTS["LN2HI"], EXP_CONSTANTS["LN2LO"], EXP_CONSTANTS["INVLN2"]
_XMAX, _XMIN, _MAGIC = EXP_CONSTANTS["XMAX"], EXP_CONSTANTS["XMIN"], EXP_CONSTANTS["MAGIC"]


@intrinsic
def _f64_bits(typingctx, x):
    """float64 -> int64 with the same bits."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))
    return types.int64(types.float64), codegen


@intrinsic
def _bits_f64(typingctx, x):
    """int64 -> float64 with the same bits."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))
    return types.float64(types.int64), codegen


# LLVM inlines these small functions into the kernels and vectorises the loop; Numba's own
# inline="always" gave the same speed for twice the compile time (COBAHH: 3-7 s vs 14 s).
_jit = numba.njit(cache=True, error_model="numpy")


@_jit
def _pow2(kf):
    return _bits_f64((_f64_bits(kf + _MAGIC) - _MAGIC_BITS + 1023) << 52)


@_jit
def _exp_parts(x):
    x = _XMAX if x > _XMAX else x
    x = _XMIN if x < _XMIN else x
    kf = np.floor(x * _INVLN2 + 0.5)
    kf = kf if kf == kf else 0.0
    hi = x - kf * _LN2HI
    lo = kf * _LN2LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    em = hi - (lo - (r * c) / (2.0 - c))
    k1 = np.floor(kf * 0.5)
    return em, _pow2(k1), _pow2(kf - k1)


@_jit
def _lk_exp(x):
    # below XMIN the result is +0.0, which the clamped computation also gives, but through
    # a product that underflows: x86 takes a microcode assist (~100 cycles) for each such
    # product, so exp(-0.1*(i-j)**2) over all pairs of 20 000 neurons (Brian2's
    # efficient_gaussian_connectivity) took 89 ns per call instead of 6. The select keeps
    # the loop branch-free.
    under = x < _XMIN
    em, f1, f2 = _exp_parts(0.0 if under else x)
    out = (1.0 + em) * f1 * f2
    return 0.0 if under else out


@_jit
def _exprel(x):
    em, f1, f2 = _exp_parts(x)
    s = f1 * f2
    out = (em * s + (s - 1.0)) / x
    out = 1.0 if x == 0.0 else out
    return np.inf if x > EXPREL_OVERFLOW else out

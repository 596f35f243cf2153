"""Runtime helpers that printed code calls by name -> the functions themselves.

The printers turn ``exprel(x)`` into a call of a helper rather than an inline formula,
because the careful version needs a branch: ``expm1(x)/x`` is accurate for every nonzero
``x`` (``expm1`` keeps the digits that ``exp(x) - 1`` cancels away), and ``x == 0`` is the
removable singularity whose value is 1. Each language gets its own copy:

- ``exprel_scalar``: the scalar function; ``support_numba._exprel`` is its Numba-compiled
  form, kept in its own module so that the numpy device never imports Numba (Pyodide);
- ``_exprel_vec``: the numpy version for whole arrays;
- ``CPP_SUPPORT``: the C++ source of ``_exprel``, ``_sign`` (numpy's sign, NaN stays NaN)
  and ``_mod`` (Python's floored ``%``, which C's ``fmod`` is not), pasted before a kernel.

All three agree: ``exprel(0) = 1``, ``exprel(x) = inf`` for ``x > 717`` (where
``expm1`` overflows; Brian2 uses the same cut), ``exprel(-inf) = 0``, NaN stays NaN.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["CPP_SUPPORT", "exprel_scalar", "_exprel_vec"]

#: Above this, expm1(x) overflows; exprel(x) is +inf there (as Brian2 has it).
EXPREL_OVERFLOW = 717.0


def exprel_scalar(x):
    """x -> (exp(x) - 1)/x as a float, with exprel(0) = 1.

    >>> exprel_scalar(0.0), exprel_scalar(1e-300), round(exprel_scalar(1.0), 12)
    (1.0, 1.0, 1.718281828459)
    """
    if x == 0.0:
        return 1.0
    if x > EXPREL_OVERFLOW:
        return math.inf
    return math.expm1(x) / x


def _exprel_vec(x):
    """Array (or scalar) x -> exprel of each element, as ``_exprel`` computes it.

    >>> _exprel_vec(np.array([0.0, 1e-12, -np.inf])).tolist()
    [1.0, 1.0000000000005, 0.0]
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.expm1(x) / x
    out = np.where(x == 0.0, 1.0, out)
    out = np.where(x > EXPREL_OVERFLOW, np.inf, out)
    return out[()]  # a 0-d result becomes a numpy scalar


#: C++ source of the helpers the C++ printer calls; needs <cmath>.
CPP_SUPPORT = """\
static inline double _exprel(const double x)
{
    if (x == 0.0) return 1.0;
    if (x > 717.0) return INFINITY;
    return std::expm1(x) / x;
}

static inline double _sign(const double x)
{
    // 1, -1, or x itself for 0, -0 and NaN (as numpy.sign)
    return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x);
}

static inline double _mod(const double a, const double b)
{
    // Python's a % b: the result has the sign of b (C's fmod has the sign of a)
    const double r = std::fmod(a, b);
    return (r != 0.0 && ((r < 0.0) != (b < 0.0))) ? r + b : r;
}
"""

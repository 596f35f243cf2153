"""The ``math`` that a kernel's scalar code uses when it runs as plain Python.

Why: the scalar parts of the numpy kernels, and the runtime kernel's own text run by fast
start for small models, are printed for Numba (``math.log(x)``). Compiled, ``math.log(0)``
is ``-inf`` and ``math.sqrt(-1)`` is NaN, as in C; in plain Python they raise
``ValueError`` (and ``math.exp(1000)`` ``OverflowError``), which escaped from a run as a
raw error instead of labkit's report of the variable that became NaN or inf, and made the
devices disagree. Each function here returns ``math``'s result (the same libm bits) and,
where ``math`` refuses, numpy's IEEE value; as numpy's float64, so that the code computing
on with it divides as compiled code does (x/0.0 is inf, not Python's ZeroDivisionError).

>>> [float(y) for y in (log(0.0), exp(1000.0), log1p(-1.0), sqrt(-1.0))]
[-inf, inf, -inf, nan]
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["e", "pi", "inf", "nan", "isfinite", "exp", "log", "sqrt", "sin", "cos", "tan",
           "sinh", "cosh", "tanh", "asin", "acos", "atan", "expm1", "log1p", "log10"]

e, pi, inf, nan, isfinite = math.e, math.pi, math.inf, math.nan, math.isfinite

_NUMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}


def _ieee(name: str):
    exact = getattr(math, name)
    vector = getattr(np, _NUMPY_NAMES.get(name, name))

    def function(x):
        try:
            return np.float64(exact(x))
        except (ValueError, OverflowError):  # outside the domain, or past the largest double
            with np.errstate(all="ignore"):
                return np.float64(vector(x))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"math.{name}, with the IEEE value (NaN, +-inf) where math raises."
    return function


exp, log, sqrt, sin, cos, tan = (_ieee(n) for n in ("exp", "log", "sqrt", "sin", "cos", "tan"))
sinh, cosh, tanh, asin, acos, atan = (_ieee(n) for n in ("sinh", "cosh", "tanh", "asin",
                                                          "acos", "atan"))
expm1, log1p, log10 = (_ieee(n) for n in ("expm1", "log1p", "log10"))

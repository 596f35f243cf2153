"""The numpy names a Brian2 script uses bare (``linspace``, ``exp``, ``where``, ...).

Why: ``from brian2 import *`` hands scripts much of numpy's namespace, and course code calls
``linspace(0, 1, N)*nA``, ``exp(-t/tau)`` or ``arange(0, 100)*ms`` without a prefix. Most of
these *are* numpy's own functions: they accept quantities because :class:`Quantity`
implements ``__array_ufunc__`` and ``__array_function__``. Only ``arange`` (which numpy does
not dispatch) has a unit-aware wrapper here. Names that would shadow a Python builtin
(``sum min max abs round all any pow``) are deliberately not exported: use ``np.sum`` etc.

>>> from labkit.units import mV, ms
>>> print(clip([-5, 5, 50] * mV, 0 * mV, 10 * mV))
[ 0.  5. 10.] mV
>>> print(arange(0 * ms, 3 * ms, 1 * ms))
[0. 1. 2.] ms
"""

from __future__ import annotations

import numpy as np
from numpy import (
    absolute,
    allclose,
    arccos,
    arcsin,
    arctan,
    arctan2,
    argmax,
    argmin,
    argsort,
    array,
    asarray,
    ceil,
    clip,
    concatenate,
    cos,
    cosh,
    cumsum,
    diff,
    dot,
    empty,
    exp,
    floor,
    full,
    histogram,
    hstack,
    inf,
    interp,
    isclose,
    isfinite,
    isinf,
    isnan,
    linspace,
    log,
    log10,
    logspace,
    maximum,
    mean,
    median,
    meshgrid,
    minimum,
    nan,
    ones,
    ones_like,
    outer,
    pi,
    sign,
    sin,
    sinh,
    sort,
    sqrt,
    std,
    tan,
    tanh,
    unique,
    var,
    vstack,
    where,
    zeros,
    zeros_like,
)

from labkit.units.dimension import dim_of
from labkit.units.quantity import wrap
from labkit.units.ufunc_rules import common_dim

__all__ = [
    "absolute", "allclose", "arange", "arccos", "arcsin", "arctan", "arctan2", "argmax",
    "argmin", "argsort", "array", "asarray", "ceil", "clip", "concatenate", "cos", "cosh",
    "cumsum", "diff", "dot", "empty", "exp", "floor", "full", "histogram", "hstack", "inf",
    "interp", "isclose", "isfinite", "isinf", "isnan", "linspace", "log", "log10", "logspace",
    "maximum", "mean", "median", "meshgrid", "minimum", "nan", "ones", "ones_like", "outer",
    "pi", "sign", "sin", "sinh", "sort", "sqrt", "std", "tan", "tanh", "unique", "var",
    "vstack", "where", "zeros", "zeros_like",
]


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values, with units when the arguments have them.

    Parameters
    ----------
    start, stop, step : number or Quantity
        As for :func:`numpy.arange`; all given ones must share units (a plain 0 fits any).
    dtype : dtype, optional

    Returns
    -------
    ndarray or Quantity

    Examples
    --------
    >>> arange(3)
    array([0, 1, 2])
    >>> from labkit.units import ms
    >>> arange(0, 3 * ms, 0.5 * ms)
    array([0. , 0.5, 1. , 1.5, 2. , 2.5]) * msecond
    """
    if stop is None:
        start, stop = 0, start
    given = [start, stop] if step is None else [start, stop, step]
    dim = common_dim(np.arange, given, [dim_of(v) for v in given])
    raw = [np.asarray(v) for v in given]
    return wrap(np.arange(*raw, dtype=dtype), dim)

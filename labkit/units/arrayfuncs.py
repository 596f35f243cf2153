"""numpy function + quantity arguments -> unit-aware result: the ``__array_function__`` table.

Why: functions such as ``np.concatenate``, ``np.where``, ``np.clip`` or ``np.linspace`` would
otherwise drop the units or mix values of different units silently. ``HANDLED`` maps each
such numpy function to a short implementation that checks dimensions, calls numpy on the raw
SI values and puts the dimension back. Functions not in the table fall back to numpy's own
implementation, which works through methods and ufuncs and so still checks units.
"""

from __future__ import annotations

import functools

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.dimension import DIMENSIONLESS, dim_of
from labkit.units.ufunc_rules import common_dim, dim_mul, dim_pow, is_plain_zero

__all__ = ["HANDLED", "implements"]

#: numpy function -> implementation taking ``wrap`` (raw result + dimension -> Quantity,
#: handed over by :class:`~labkit.units.quantity.Quantity`, which this module cannot
#: import: it imports this table) and then the numpy function's own arguments.
HANDLED: dict = {}


def implements(*functions):
    """Register the decorated ``impl(func, wrap, *args, **kwargs)`` for each numpy function."""

    def decorator(impl):
        for func in functions:
            if func is not None:
                HANDLED[func] = functools.partial(impl, func)
        return impl

    return decorator


def _raw(x):
    return x.view(np.ndarray) if isinstance(x, np.ndarray) and hasattr(x, "dim") else x


def _common(func, *values):
    """The shared dimension of ``values`` (None ignored, plain zeros fit any)."""
    present = [v for v in values if v is not None]
    return common_dim(func, present, [dim_of(v) for v in present]) if present else DIMENSIONLESS


def _optional(name):
    return getattr(np, name, None)


@implements(np.concatenate, np.stack, np.hstack, np.vstack, np.dstack, np.column_stack)
def _join(func, wrap, arrays, *args, **kwargs):
    arrays = list(arrays)
    dim = _common(func, *arrays)
    return wrap(func([_raw(a) for a in arrays], *args, **kwargs), dim)


@implements(np.append)
def _append(func, wrap, arr, values, axis=None):
    return wrap(func(_raw(arr), _raw(values), axis=axis), _common(func, arr, values))


@implements(np.insert)
def _insert(func, wrap, arr, obj, values, axis=None):
    return wrap(func(_raw(arr), obj, _raw(values), axis=axis), _common(func, arr, values))


@implements(np.where)
def _where(func, wrap, condition, *xy):
    condition = _raw(condition)
    if not xy:
        return func(condition)
    x, y = xy
    return wrap(func(condition, _raw(x), _raw(y)), _common(func, x, y))


@implements(np.clip)
def _clip(func, wrap, a, a_min=None, a_max=None, out=None, **kwargs):
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    dim = _common(func, a, a_min, a_max)
    if hasattr(out, "dim"):
        if out.dim is not dim:
            raise DimensionMismatchError("clip: the output array has other units", dim, out.dim)
        func(_raw(a), _raw(a_min), _raw(a_max), out=out.view(np.ndarray), **kwargs)
        return out
    return wrap(func(_raw(a), _raw(a_min), _raw(a_max), out=out, **kwargs), dim)


@implements(np.linspace, np.geomspace)
def _space(func, wrap, start, stop, *args, **kwargs):
    dim = _common(func, start, stop)
    result = func(_raw(start), _raw(stop), *args, **kwargs)
    if isinstance(result, tuple):  # linspace(..., retstep=True)
        return tuple(wrap(r, dim) for r in result)
    return wrap(result, dim)


@implements(np.isclose, np.allclose)
def _close(func, wrap, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    dim = _common(func, a, b)
    if hasattr(atol, "dim") and atol.dim is not dim and not is_plain_zero(atol):
        raise DimensionMismatchError(f"{func.__name__}: atol has other units", dim, atol.dim)
    return func(_raw(a), _raw(b), rtol=rtol, atol=_raw(atol), equal_nan=equal_nan)


@implements(np.array_equal)
def _array_equal(func, wrap, a1, a2, equal_nan=False):
    if dim_of(a1) is not dim_of(a2):
        return False
    return func(_raw(a1), _raw(a2), equal_nan=equal_nan)


@implements(np.interp)
def _interp(func, wrap, x, xp, fp, left=None, right=None, period=None):
    _common(func, x, xp, period)
    dim = _common(func, fp, left, right)
    return wrap(func(_raw(x), _raw(xp), _raw(fp), _raw(left), _raw(right), _raw(period)), dim)


@implements(np.dot, np.inner, np.outer, np.cross, np.kron, np.tensordot, np.vdot)
def _product(func, wrap, a, b, *args, **kwargs):
    return wrap(func(_raw(a), _raw(b), *args, **kwargs), dim_mul(dim_of(a), dim_of(b)))


@implements(_optional("trapezoid"), _optional("trapz"))
def _trapezoid(func, wrap, y, x=None, dx=1.0, axis=-1):
    step_dim = dim_of(x) if x is not None else dim_of(dx)
    return wrap(func(_raw(y), _raw(x), dx=_raw(dx), axis=axis), dim_mul(dim_of(y), step_dim))


@implements(np.diff)
def _diff(func, wrap, a, n=1, axis=-1, **kwargs):
    dim = _common(func, a, kwargs.get("prepend"), kwargs.get("append"))
    kwargs = {key: _raw(value) for key, value in kwargs.items()}
    return wrap(func(_raw(a), n, axis, **kwargs), dim)


@implements(np.ediff1d)
def _ediff1d(func, wrap, ary, to_end=None, to_begin=None):
    dim = _common(func, ary, to_end, to_begin)
    return wrap(func(_raw(ary), _raw(to_end), _raw(to_begin)), dim)


@implements(np.unique)
def _unique(func, wrap, ar, *args, **kwargs):
    result = func(_raw(ar), *args, **kwargs)
    if isinstance(result, tuple):
        return (wrap(result[0], dim_of(ar)), *result[1:])
    return wrap(result, dim_of(ar))


@implements(np.median, np.percentile, np.quantile, np.nanmedian, np.nanpercentile,
            np.nanquantile, np.nanmean, np.nansum, np.nanmin, np.nanmax, np.nanstd,
            np.nancumsum, np.sort, np.round, np.around, np.real, np.imag, np.fix, np.tile,
            np.repeat, np.roll, np.flip, np.diagonal, np.delete, np.resize, np.trim_zeros,
            np.partition, np.take, np.squeeze, np.ravel, np.ptp, np.nan_to_num,
            np.max, np.min, np.amax, np.amin, np.sum, np.cumsum, np.mean, np.std, np.copy,
            np.broadcast_to, np.empty_like)
def _keep(func, wrap, a, *args, **kwargs):
    return wrap(func(_raw(a), *args, **kwargs), dim_of(a))


@implements(np.zeros_like, np.ones_like)
def _plain_like(func, wrap, a, *args, **kwargs):
    # plain numbers, as in Brian2: ones_like(v) is an array of ones, not of volts, and
    # zeros_like(t) can then be filled with plain numbers
    return func(_raw(a), *args, **kwargs)


@implements(np.var, np.nanvar)
def _variance(func, wrap, a, *args, **kwargs):
    return wrap(func(_raw(a), *args, **kwargs), dim_pow(dim_of(a), 2.0))


@implements(np.average)
def _average(func, wrap, a, axis=None, weights=None, returned=False, **kwargs):
    result = func(_raw(a), axis=axis, weights=_raw(weights), returned=returned, **kwargs)
    if returned:
        return wrap(result[0], dim_of(a)), wrap(result[1], dim_of(weights))
    return wrap(result, dim_of(a))


@implements(np.searchsorted)
def _searchsorted(func, wrap, a, v, *args, **kwargs):
    _common(func, a, v)
    return func(_raw(a), _raw(v), *args, **kwargs)


@implements(np.full_like)
def _full_like(func, wrap, a, fill_value, *args, **kwargs):
    dim = dim_of(fill_value)
    if dim is DIMENSIONLESS and is_plain_zero(fill_value):
        dim = dim_of(a)
    return wrap(func(_raw(a), _raw(fill_value), *args, **kwargs), dim)


@implements(np.histogram)
def _histogram(func, wrap, a, bins=10, range=None, density=None, weights=None):
    dim = _common(func, a, *(range or ()), bins if np.ndim(bins) else None)
    if range is not None:
        range = tuple(_raw(r) for r in range)
    counts, edges = func(_raw(a), bins=_raw(bins), range=range, density=density,
                         weights=_raw(weights))
    counts_dim = dim_of(weights)
    if density:
        counts_dim = counts_dim / dim if dim is not DIMENSIONLESS else counts_dim
    return wrap(counts, counts_dim), wrap(edges, dim)


@implements(np.meshgrid, np.broadcast_arrays)
def _each(func, wrap, *arrays, **kwargs):
    results = func(*[_raw(a) for a in arrays], **kwargs)
    return type(results)(wrap(r, dim_of(a)) for r, a in zip(results, arrays, strict=True))


@implements(np.copyto)
def _copyto(func, wrap, dst, src, casting="same_kind", where=True):
    if dim_of(dst) is not dim_of(src) and not is_plain_zero(src):
        raise DimensionMismatchError("copyto: units do not match", dim_of(dst), dim_of(src))
    func(_raw(dst), _raw(src), casting=casting, where=_raw(where))


@implements(np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.nonzero,
            np.count_nonzero, np.argwhere, np.flatnonzero)
def _plain(func, wrap, a, *args, **kwargs):
    return func(_raw(a), *args, **kwargs)

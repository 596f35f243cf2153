"""Numbers or arrays + a Dimension -> Quantity: a numpy array that checks its units.

Why: users write ``3*mV`` and ``G.v`` and expect dimension errors to be caught, while the
simulator wants plain float64 arrays. A Quantity *is* an ndarray (values in SI base units, so
``3*mV`` holds 0.003) with one extra attribute, ``dim``; ``np.asarray(q)`` is the raw array.

Every operation goes through one of two doors:

* ``__array_ufunc__`` (and the Python operators, which take a shortcut to the same code):
  the dimension rule comes from the table in :mod:`labkit.units.ufunc_rules`;
* ``__array_function__``: numpy functions from the table in :mod:`labkit.units.arrayfuncs`,
  else numpy's own implementation, which reaches the ufuncs and so still checks units.

Results without dimension collapse to plain floats / ndarrays, as in Brian2:
``(3*ms)/(1*ms)`` is the float 3.0.
"""

from __future__ import annotations

import numbers

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.arrayfuncs import HANDLED
from labkit.units.dimension import DIMENSIONLESS, Dimension, dim_of
from labkit.units.display import describe, format_in_unit, format_quantity, format_with_spec
from labkit.units.registry import register_new_unit
from labkit.units.ufunc_rules import (
    RULES,
    dim_mul,
    dim_pow,
    is_plain_zero,
    rule_for,
)

__all__ = ["Quantity", "Unit", "wrap"]

_FAST_TYPES = (float, int)
_OPERANDS = (numbers.Number, np.ndarray, np.generic, list, tuple)


def wrap(raw, dim: Dimension):
    """Raw numpy result + dimension -> Quantity, or plain float/ndarray when dimensionless."""
    if dim is DIMENSIONLESS:
        if isinstance(raw, np.ndarray) and raw.ndim:
            return raw
        return raw.item() if hasattr(raw, "item") else raw
    if not isinstance(raw, np.ndarray):
        raw = np.asarray(raw)
    result = raw.view(Quantity)
    result.dim = dim
    return result


def _raw(x):
    return x.view(np.ndarray) if isinstance(x, Quantity) else x


def _binary(ufunc, a, b):
    """The operator shortcut: one rule lookup, one numpy call, one wrap."""
    dims = (dim_of(a), dim_of(b))
    result_dim = RULES[ufunc](ufunc, (a, b), dims)
    return wrap(ufunc(_raw(a), _raw(b)), result_dim)


def _dims_of_value(value) -> Dimension:
    """The common dimension of a (possibly nested) list of quantities, checked."""
    if isinstance(value, np.ndarray):
        return dim_of(value)
    if isinstance(value, (list, tuple)) and value:
        dims = {_dims_of_value(item) for item in value}
        if len(dims) > 1:
            raise DimensionMismatchError("Cannot make one array of items with different units",
                                         *dims)
        return dims.pop()
    return dim_of(value)


def _operator(ufunc, reflected: bool = False):
    if reflected:

        def method(self, other):
            if type(other) in _FAST_TYPES or isinstance(other, _OPERANDS):
                return _binary(ufunc, other, self)
            return NotImplemented

    else:

        def method(self, other):
            if type(other) in _FAST_TYPES or isinstance(other, _OPERANDS):
                return _binary(ufunc, self, other)
            return NotImplemented

    method.__name__ = f"__{'r' if reflected else ''}{ufunc.__name__}__"
    return method


def _keeping(name: str, power: float = 1.0):
    """An ndarray reduction method that keeps (or raises to ``power``) the dimension."""
    base = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        return wrap(base(self.view(np.ndarray), *args, **kwargs), dim_pow(self.dim, power))

    method.__name__ = name
    method.__doc__ = f"Like ``ndarray.{name}``, with units."
    return method


class Quantity(np.ndarray):
    """An array of values in SI base units with a physical dimension.

    Parameters
    ----------
    arr : array_like
        Values in SI base units (a list of quantities is checked and accepted).
    dim : Dimension, optional
        The dimension; taken from ``arr`` when omitted.
    dtype : dtype, optional
    copy : bool
        Copy the data (default: share it when possible).

    Examples
    --------
    >>> from labkit.units import mV, ms, Quantity
    >>> v = 3 * mV
    >>> float(v / mV)
    3.0
    >>> Quantity([1, 2], dim=mV.dim)
    array([1., 2.]) * volt
    """

    dim: Dimension = DIMENSIONLESS

    def __new__(cls, arr, dim=None, dtype=None, copy=False, force_quantity=False):
        if dim is None:
            dim = _dims_of_value(arr)
        elif not isinstance(dim, Dimension):
            raise TypeError(f"dim must be a Dimension, not {type(dim).__name__}")
        if isinstance(arr, (list, tuple)):
            arr = [np.asarray(item) if isinstance(item, Quantity) else item for item in arr]
        raw = np.array(arr, dtype=dtype, copy=True) if copy else np.asarray(arr, dtype=dtype)
        if raw.dtype.kind in "iub" and dtype is None:
            raw = raw.astype(float)
        result = raw.view(cls)
        result.dim = dim
        return result

    def __array_finalize__(self, obj):
        if obj is not None:
            self.dim = getattr(obj, "dim", DIMENSIONLESS)

    @staticmethod
    def with_dimensions(value, dim: Dimension) -> Quantity:
        """value (SI), dim -> Quantity (kept for Brian2 compatibility)."""
        return Quantity(value, dim=dim)

    # -- dimension information ------------------------------------------------------------
    @property
    def dimensions(self) -> Dimension:
        """Alias of ``dim``."""
        return self.dim

    @property
    def is_dimensionless(self) -> bool:
        return self.dim is DIMENSIONLESS

    def has_same_dimensions(self, other) -> bool:
        return self.dim is dim_of(other)

    # -- the two numpy doors ---------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        dims = [dim_of(x) for x in inputs]
        result_dim = rule_for(ufunc, method, inputs, dims)
        raw_inputs = [_raw(x) for x in inputs]
        if out is not None:
            result_dims = result_dim if ufunc.nout > 1 else (result_dim,)
            kwargs["out"] = tuple(_checked_out(o, d) for o, d in zip(out, result_dims, strict=True))
            getattr(ufunc, method)(*raw_inputs, **kwargs)
            return out[0] if len(out) == 1 else out
        result = getattr(ufunc, method)(*raw_inputs, **kwargs)
        if method == "at":
            return None
        if ufunc.nout > 1:
            return tuple(wrap(r, d) for r, d in zip(result, result_dim, strict=True))
        return wrap(result, result_dim)

    def __array_function__(self, func, types, args, kwargs):
        implementation = HANDLED.get(func)
        if implementation is not None:
            return implementation(wrap, *args, **kwargs)
        return super().__array_function__(func, types, args, kwargs)

    # -- Python operators (shortcuts to the same rules) ------------------------------------
    __add__ = _operator(np.add)
    __radd__ = _operator(np.add, reflected=True)
    __sub__ = _operator(np.subtract)
    __rsub__ = _operator(np.subtract, reflected=True)
    __mul__ = _operator(np.multiply)
    __rmul__ = _operator(np.multiply, reflected=True)
    __truediv__ = _operator(np.divide)
    __rtruediv__ = _operator(np.divide, reflected=True)
    __floordiv__ = _operator(np.floor_divide)
    __rfloordiv__ = _operator(np.floor_divide, reflected=True)
    __mod__ = _operator(np.remainder)
    __rmod__ = _operator(np.remainder, reflected=True)
    __pow__ = _operator(np.power)
    __rpow__ = _operator(np.power, reflected=True)
    __lt__ = _operator(np.less)
    __le__ = _operator(np.less_equal)
    __gt__ = _operator(np.greater)
    __ge__ = _operator(np.greater_equal)
    _eq = _operator(np.equal)
    _ne = _operator(np.not_equal)

    def __eq__(self, other):
        if other is None or isinstance(other, str):
            return False
        return self._eq(other)

    def __ne__(self, other):
        if other is None or isinstance(other, str):
            return True
        return self._ne(other)

    __hash__ = None

    def __neg__(self):
        return wrap(-self.view(np.ndarray), self.dim)

    def __pos__(self):
        return wrap(+self.view(np.ndarray), self.dim)

    def __abs__(self):
        return wrap(abs(self.view(np.ndarray)), self.dim)

    # -- conversion to plain Python numbers ----------------------------------------------
    def _plain_number(self, kind):
        # Brian2 returns the value in SI base units (float(3*ms) == 0.003), and numpy relies on
        # it when array() gets a list of quantities; scripts ported from Brian2 depend on both.
        return kind(self.view(np.ndarray))

    def __float__(self):
        return self._plain_number(float)

    def __int__(self):
        return self._plain_number(int)

    def __complex__(self):
        return self._plain_number(complex)

    # -- element access --------------------------------------------------------------------
    def __getitem__(self, key):
        result = np.ndarray.__getitem__(self, key)
        if isinstance(result, np.ndarray):
            return result
        quantity = np.asarray(result).view(Quantity)
        quantity.dim = self.dim
        return quantity

    def __setitem__(self, key, value):
        value_dim = dim_of(value)
        if value_dim is not self.dim and not (value_dim is DIMENSIONLESS
                                              and is_plain_zero(value)):
            raise DimensionMismatchError(f"Cannot assign {describe(value)} to an array in "
                                         f"{describe(self)}, units do not match",
                                         self.dim, value_dim)
        np.ndarray.__setitem__(self, key, _raw(value))

    def __iter__(self):
        # raise at iter(), not at the first next(): np.iterable (and matplotlib) rely on it
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d quantity")
        return (self[index] for index in range(len(self)))

    def tolist(self):
        """Nested lists of scalar Quantities (a 0-d Quantity returns itself)."""
        if self.ndim == 0:
            return self
        return [item.tolist() for item in self]

    # -- reductions with units -------------------------------------------------------------
    sum = _keeping("sum")
    mean = _keeping("mean")
    std = _keeping("std")
    min = _keeping("min")
    max = _keeping("max")
    cumsum = _keeping("cumsum")
    trace = _keeping("trace")
    var = _keeping("var", 2.0)

    def prod(self, axis=None, *args, **kwargs):
        """Product; the dimension is raised to the number of factors."""
        count = self.size if axis is None else self.shape[axis]
        raw = self.view(np.ndarray).prod(axis, *args, **kwargs)
        return wrap(raw, dim_pow(self.dim, float(count)))

    def dot(self, other, out=None):
        return wrap(np.dot(self.view(np.ndarray), _raw(other)), dim_mul(self.dim, dim_of(other)))

    # -- display -------------------------------------------------------------------------
    def in_unit(self, unit, precision=None, python_code=False) -> str:
        """This quantity as text in ``unit``: ``(3*mV).in_unit(volt) == '0.003 V'``."""
        return format_in_unit(self, unit, precision, python_code)

    def in_best_unit(self, precision=None, python_code=False) -> str:
        """This quantity as text in the unit that reads best: ``'3. mV'``."""
        return format_quantity(self, precision, python_code)

    def __str__(self):
        return self.in_best_unit()

    def __repr__(self):
        return format_quantity(self, python_code=True)

    def __format__(self, spec):
        if not spec:
            return str(self)
        return format_with_spec(self, spec)

    # -- pickling: the dimension travels with the data ----------------------------------
    def __reduce__(self):
        return _rebuild, (self.view(np.ndarray), self.dim, type(self), self._names())

    def _names(self):
        return None


def _checked_out(out, dim):
    if isinstance(out, Quantity):
        if out.dim is not dim:
            raise DimensionMismatchError(
                "Cannot store the result in an output array with different units", dim, out.dim)
        return out.view(np.ndarray)
    return out


def _rebuild(raw, dim, cls, names):
    if cls is Unit and names is not None:
        name, dispname, *scale = names
        return Unit(raw, dim, name, dispname, *scale)
    result = raw.view(cls)
    result.dim = dim
    return result


class Unit(Quantity):
    """A named, read-only unit such as ``mV``: shown by its name, multiplied into quantities.

    ``str(mV) == 'mV'`` and ``repr(mV) == 'mvolt'``; ``3*mV`` is a plain :class:`Quantity`.
    Units combined with units stay units, named after how they were built and registered
    for display, as in Brian2: ``mV/ms`` is the unit ``mvolt / msecond``, and afterwards
    ``3*volt/second`` prints as ``3. mV/ms``.

    >>> from labkit.units import mV, ms
    >>> print(mV, repr(mV), 3 * mV, mV / ms, repr(ms**2))
    mV mvolt 3. mV mV/ms msecond ** 2
    """

    name: str | None = None
    dispname: str | None = None
    scale: float = 0.0  # the value is 10**scale
    iscompound: bool = False

    def __new__(cls, value, dim: Dimension, name: str, dispname: str | None = None,
                scale: float | None = None, iscompound: bool = False):
        raw = np.array(value, dtype=float)
        raw.flags.writeable = False
        unit = raw.view(cls)
        unit.dim = dim
        unit.name = name
        unit.dispname = dispname or name
        unit.scale = _scale_of(float(raw)) if scale is None else scale
        unit.iscompound = iscompound
        return unit

    def __array_finalize__(self, obj):
        Quantity.__array_finalize__(self, obj)
        self.name = getattr(obj, "name", None)
        self.dispname = getattr(obj, "dispname", None)
        self.scale = getattr(obj, "scale", 0.0)
        self.iscompound = getattr(obj, "iscompound", False)

    def _names(self):
        return (self.name, self.dispname, self.scale, self.iscompound)

    def __str__(self):
        return self.dispname if self.dispname and self.ndim == 0 else super().__str__()

    def __repr__(self):
        return self.name if self.name and self.ndim == 0 else super().__repr__()

    # -- units from units (Brian2 keeps these as units, named and registered) -------------
    def __mul__(self, other):
        if isinstance(other, Unit):
            return _compound(self.dim * other.dim, self.scale + other.scale,
                             f"{self.name} * {other.name}", f"{self.dispname} {other.dispname}")
        return Quantity.__mul__(self, other)

    def __rmul__(self, other):
        return Quantity.__rmul__(self, other)

    def __truediv__(self, other):
        if isinstance(other, Unit):
            return _compound(self.dim / other.dim, self.scale - other.scale,
                             f"{self._part('name')} / {other._part('name')}",
                             f"{self._part('dispname')}/{other._part('dispname')}")
        return Quantity.__truediv__(self, other)

    def __rtruediv__(self, other):
        if not isinstance(other, Quantity) and np.ndim(other) == 0 and _is_one(other):
            return self._raised("-1", "-1", -1)
        return Quantity.__rtruediv__(self, other)

    def __pow__(self, other):
        if isinstance(other, (numbers.Real, np.number)) and not isinstance(other, bool) \
                or isinstance(other, np.ndarray) and other.ndim == 0 and other.dtype.kind in "if":
            return self._raised(str(other), repr(other), other)
        return Quantity.__pow__(self, other)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs and len(inputs) == 1 and inputs[0] is self:
            shown = {np.square: ("2", "2", 2), np.sqrt: ("0.5", "0.5", 0.5),
                     np.reciprocal: ("-1", "-1", -1)}.get(ufunc)
            if shown is not None:
                return self._raised(*shown)
        if method == "__call__" and not kwargs and len(inputs) == 2 and all(
                isinstance(x, Unit) for x in inputs):
            if ufunc is np.multiply:
                return Unit.__mul__(*inputs)
            if ufunc in (np.divide, np.true_divide):
                return Unit.__truediv__(*inputs)
        return Quantity.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)

    def _part(self, attribute: str) -> str:
        text = getattr(self, attribute)
        return f"({text})" if self.iscompound else text

    def _raised(self, text: str, code: str, power):
        return _compound(dim_pow(self.dim, power), self.scale * power,
                         f"{self._part('name')} ** {code}", f"{self._part('dispname')}^{text}")


def _scale_of(value: float) -> float:
    """A unit's value -> its power of ten (table units and their products are exact)."""
    if value <= 0 or not np.isfinite(value):
        return 0.0
    exponent = np.log10(value)
    return float(round(exponent)) if abs(exponent - round(exponent)) < 1e-9 else exponent


def _is_one(x) -> bool:
    try:
        return bool(x == 1)
    except (TypeError, ValueError):
        return False


def _compound(dim: Dimension, scale: float, name: str, dispname: str):
    """A unit made of units -> a Unit, registered for display (Brian2 keeps even
    ``ms/ms`` a unit; any arithmetic with it gives plain numbers again)."""
    unit = Unit(10.0**scale, dim, name, dispname, scale=scale, iscompound=True)
    register_new_unit(unit)
    return unit

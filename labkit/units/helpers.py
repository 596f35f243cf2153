"""Small questions about units: objects -> dimensions, dimensions -> units, checked calls.

Why: code outside this package (equations, groups, lessons) should ask "what dimension is
this?" or "check these arguments" through a few named functions, never by poking at
``Quantity`` internals. Names and behaviour follow Brian2 (``get_dimensions``,
``have_same_dimensions``, ``get_unit``, ``check_units``, ...).
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units import table  # noqa: F401 - importing it fills the registries read here
from labkit.units.dimension import DIMENSIONLESS, Dimension, dim_of, readable
from labkit.units.display import base_unit, describe, format_in_unit
from labkit.units.quantity import Unit
from labkit.units.registry import REGISTRIES

__all__ = ["get_dimensions", "have_same_dimensions", "is_dimensionless", "get_unit",
           "in_unit", "check_units", "fail_for_dimension_mismatch"]


def get_dimensions(obj) -> Dimension:
    """Object -> its Dimension; plain numbers and arrays are dimensionless.

    >>> from labkit.units import mV
    >>> get_dimensions(3 * mV)
    Dimension(m^2 kg s^-3 A^-1)
    >>> get_dimensions(5) is DIMENSIONLESS
    True
    """
    if isinstance(obj, Dimension):
        return obj
    dim = getattr(obj, "dim", None)
    if isinstance(dim, Dimension):
        return dim
    if isinstance(obj, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        return DIMENSIONLESS
    raise TypeError(f"objects of type {type(obj).__name__} have no dimensions")


def have_same_dimensions(a, b) -> bool:
    """a, b -> True when their dimensions are identical.

    >>> from labkit.units import mV, volt, nA
    >>> have_same_dimensions(3 * mV, volt), have_same_dimensions(mV, nA)
    (True, False)
    """
    return get_dimensions(a) is get_dimensions(b)


def is_dimensionless(obj) -> bool:
    """Object -> True when it has no physical dimension.

    >>> from labkit.units import ms
    >>> is_dimensionless(3 * ms / ms), is_dimensionless(ms)
    (True, False)
    """
    return get_dimensions(obj) is DIMENSIONLESS


def get_unit(dim) -> Unit:
    """Dimension (or quantity) -> the SI unit of that dimension, e.g. ``volt``.

    >>> from labkit.units import mV, siemens, cm
    >>> get_unit((3 * mV).dim)
    volt
    >>> print(get_unit(siemens / cm**2))
    m^-4 kg^-1 s^3 A^2
    """
    dim = get_dimensions(dim)
    if dim is DIMENSIONLESS:
        return Unit(1.0, DIMENSIONLESS, "1", "1")
    for registry in REGISTRIES:
        unit = registry.get(dim).get(1.0)
        if unit is not None:
            return unit
    shown = base_unit(dim)
    return Unit(1.0, dim, shown.code, shown.text)


def in_unit(x, unit, precision=None) -> str:
    """Quantity + unit -> text in that unit.

    >>> from labkit.units import mV, volt
    >>> in_unit(3 * mV, volt)
    '0.003 V'
    """
    return format_in_unit(x, unit, precision)


def fail_for_dimension_mismatch(a, b=None, error_message: str | None = None):
    """a, b -> (dim_a, dim_b); raises DimensionMismatchError when they differ.

    With one argument, ``a`` must be dimensionless.

    >>> from labkit.units import mV, nA
    >>> fail_for_dimension_mismatch(mV, nA, "bad")
    Traceback (most recent call last):
    ...
    labkit.errors.DimensionMismatchError: bad (units are volt, amp)
    """
    dim_a = get_dimensions(a)
    dim_b = DIMENSIONLESS if b is None else get_dimensions(b)
    if dim_a is not dim_b:
        message = error_message or "Dimensions do not match"
        raise DimensionMismatchError(message, dim_a, dim_b) if b is not None else \
            DimensionMismatchError(message, dim_a)
    return dim_a, dim_b


def _check_one(function_name: str, name: str, value, expected, arguments) -> None:
    """One argument (or the result) against its declared unit, ``1``, ``bool`` or a name."""
    if expected is None or value is None:
        return
    if expected is bool:
        if not (isinstance(value, (bool, np.bool_))
                or (isinstance(value, np.ndarray) and value.dtype == bool)):
            raise TypeError(f"Function {function_name!r} expected a boolean for argument "
                            f"{name!r} but got {value!r}")
        return
    if isinstance(expected, str):
        expected = arguments[expected]
    expected_dim = get_dimensions(expected)
    value_dim = dim_of(value)
    if value_dim is not expected_dim:
        shown = readable(expected_dim)
        raise DimensionMismatchError(
            f"Function {function_name!r} expected a quantity with unit {shown} for "
            f"{'the result' if name == 'result' else f'argument {name!r}'} but got "
            f"{describe(value)}", value_dim)


def check_units(**units):
    """Decorator: check the units of arguments (and ``result``) on every call.

    Each keyword names an argument and gives a unit (``amp``), ``1`` for dimensionless,
    ``bool`` for booleans, ``None`` for no check, or the name of another argument whose
    units this one must share.

    >>> from labkit.units import amp, ohm, volt, mV
    >>> @check_units(I=amp, R=ohm, result=volt)
    ... def voltage(I, R):
    ...     return I * R
    >>> print(voltage(2 * amp, 550 * ohm))
    1.1 kV
    >>> voltage(3 * mV, 2 * ohm)
    Traceback (most recent call last):
    ...
    labkit.errors.DimensionMismatchError: Function 'voltage' expected a quantity with unit \
amp for argument 'I' but got 3. mV (unit is volt)
    """

    def decorator(function):
        signature = inspect.signature(function)
        unknown = set(units) - set(signature.parameters) - {"result"}
        if unknown:
            raise TypeError(f"check_units: {function.__name__} has no argument(s) "
                            f"{', '.join(sorted(unknown))}")

        @functools.wraps(function)
        def checked(*args, **kwargs):
            arguments = signature.bind(*args, **kwargs).arguments
            for name, value in arguments.items():
                if name in units:
                    _check_one(function.__name__, name, value, units[name], arguments)
            result = function(*args, **kwargs)
            if "result" in units:
                _check_one(function.__name__, "result", result, units["result"], arguments)
            return result

        checked._orig_func = function
        checked._arg_units = dict(units)
        return checked

    return decorator


"""numpy ufunc + input dimensions -> output dimension(s), as a table.

Why: every arithmetic operation on a :class:`~labkit.units.quantity.Quantity` ends here, so
the dimension rules live in one dict (``RULES``: ufunc -> rule) instead of being scattered
over operator methods. A rule receives the ufunc, the original inputs and their dimensions
and returns the result dimension (a tuple for ufuncs with several outputs), or raises
:class:`~labkit.errors.DimensionMismatchError`.

Dimension arithmetic goes through small caches keyed by ``id`` (dimensions are interned and
never freed), so combining two dimensions costs a dict lookup, not a new 7-tuple.
"""

from __future__ import annotations

import numbers

import numpy as np

from labkit.errors import DimensionMismatchError, UnitError
from labkit.units.dimension import DIMENSIONLESS, Dimension
from labkit.units.display import describe

__all__ = ["RULES", "common_dim", "dim_mul", "dim_div", "dim_pow", "is_plain_zero"]

_MUL: dict[tuple[int, int], Dimension] = {}
_DIV: dict[tuple[int, int], Dimension] = {}
_POW: dict[tuple[int, float], Dimension] = {}


def dim_mul(a: Dimension, b: Dimension) -> Dimension:
    """a, b -> a*b, cached (interned dimensions live forever, so ``id`` is a safe key)."""
    if b is DIMENSIONLESS:
        return a
    if a is DIMENSIONLESS:
        return b
    key = (id(a), id(b))
    try:
        return _MUL[key]
    except KeyError:
        result = _MUL[key] = a * b
        return result


def dim_div(a: Dimension, b: Dimension) -> Dimension:
    """a, b -> a/b, cached."""
    if b is DIMENSIONLESS:
        return a
    if a is b:
        return DIMENSIONLESS
    key = (id(a), id(b))
    try:
        return _DIV[key]
    except KeyError:
        result = _DIV[key] = a / b
        return result


def dim_pow(a: Dimension, power: float) -> Dimension:
    """a, power -> a**power, cached."""
    if a is DIMENSIONLESS or power == 1:
        return a
    key = (id(a), power)
    try:
        return _POW[key]
    except KeyError:
        result = _POW[key] = a**power
        return result


def is_plain_zero(x) -> bool:
    """A plain (unit-less) number or array that is all zeros fits any dimension, as in Brian2.

    ``v > 0`` and ``clip(I, 0, ...)`` are then fine for any ``v``/``I``; ``v > 1`` is not.
    A dimensionless Quantity of zeros counts too (Brian2 checks the dimension, not the type).
    """
    if type(x) in (int, float):
        return x == 0
    if x is None:
        return False
    if hasattr(x, "dim"):
        return x.dim is DIMENSIONLESS and bool(np.all(np.asarray(x) == 0))
    if isinstance(x, numbers.Number):
        return x == 0
    try:
        return bool(np.all(np.asarray(x) == 0))
    except (TypeError, ValueError):
        return False


_SYMBOLS = {
    np.add: "+", np.subtract: "-", np.equal: "==", np.not_equal: "!=", np.less: "<",
    np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=", np.remainder: "%",
}


def mismatch(ufunc, inputs, dims, what: str = "units do not match") -> DimensionMismatchError:
    """Build the error that names both sides: 'Cannot calculate 1. V + 2. A, units ...'."""
    shown = [describe(x) for x in inputs]
    symbol = _SYMBOLS.get(ufunc)
    if symbol is not None and len(shown) == 2:
        expression = f"{shown[0]} {symbol} {shown[1]}"
    else:
        expression = f"{ufunc.__name__}({', '.join(shown)})"
    return DimensionMismatchError(f"Cannot calculate {expression}, {what}", *dims)


def common_dim(ufunc, inputs, dims) -> Dimension:
    """Inputs that must share one dimension (plain zeros are wildcards) -> that dimension."""
    first = dims[0]
    if len(dims) == 2:  # the common case, without loops
        second = dims[1]
        if second is first:
            return first
        if second is DIMENSIONLESS and is_plain_zero(inputs[1]):
            return first
        if first is DIMENSIONLESS and is_plain_zero(inputs[0]):
            return second
        raise mismatch(ufunc, inputs, dims)
    if all(d is first for d in dims):
        return first
    found = None
    for x, d in zip(inputs, dims, strict=True):
        if d is DIMENSIONLESS and is_plain_zero(x):
            continue
        if found is None:
            found = d
        elif d is not found:
            raise mismatch(ufunc, inputs, dims)
    return DIMENSIONLESS if found is None else found


def _same(ufunc, inputs, dims):
    return common_dim(ufunc, inputs, dims)


def _compare(ufunc, inputs, dims):
    common_dim(ufunc, inputs, dims)
    return DIMENSIONLESS


def _keep(ufunc, inputs, dims):
    return dims[0]


def _plain(ufunc, inputs, dims):
    return DIMENSIONLESS


def _dimensionless(ufunc, inputs, dims):
    if any(d is not DIMENSIONLESS for d in dims):
        what = f"{ufunc.__name__} needs a dimensionless argument"
        raise mismatch(ufunc, inputs, dims, what)
    return DIMENSIONLESS


def _multiply(ufunc, inputs, dims):
    return dim_mul(dims[0], dims[1])


def _divide(ufunc, inputs, dims):
    return dim_div(dims[0], dims[1])


def _reciprocal(ufunc, inputs, dims):
    return dim_div(DIMENSIONLESS, dims[0])


def _power_of(exponent: float):
    def rule(ufunc, inputs, dims):
        return dim_pow(dims[0], exponent)

    return rule


def _power(ufunc, inputs, dims):
    base, exponent = dims
    if exponent is not DIMENSIONLESS:
        raise mismatch(ufunc, inputs, dims, "the exponent must be dimensionless")
    if base is DIMENSIONLESS:
        return DIMENSIONLESS
    if type(inputs[1]) in (int, float):
        return dim_pow(base, float(inputs[1]))
    values = np.asarray(inputs[1])
    if values.size != 1 and not np.all(values == values.flat[0]):
        raise TypeError("a quantity with units can only be raised to a single (scalar) power")
    return dim_pow(base, float(values.flat[0]))


def _same_then_plain(ufunc, inputs, dims):
    common_dim(ufunc, inputs, dims)
    return DIMENSIONLESS


def _divmod(ufunc, inputs, dims):
    return DIMENSIONLESS, common_dim(ufunc, inputs, dims)


def _modf(ufunc, inputs, dims):
    return dims[0], dims[0]


def _first_dim_second_plain(ufunc, inputs, dims):
    if dims[1] is not DIMENSIONLESS:
        raise mismatch(ufunc, inputs, dims, "the second argument must be dimensionless")
    return dims[0]


RULES: dict = {}
_umath = np._core.umath if hasattr(np, "_core") else np.core.umath


def _register(rule, *ufuncs) -> None:
    for ufunc in ufuncs:
        RULES[ufunc] = rule


_register(_same, np.add, np.subtract, np.maximum, np.minimum, np.fmax, np.fmin, np.hypot,
          np.remainder, np.fmod, np.nextafter, _umath.clip)
_register(_compare, np.equal, np.not_equal, np.less, np.less_equal, np.greater,
          np.greater_equal)
_register(_keep, np.negative, np.positive, np.absolute, np.fabs, np.floor, np.ceil, np.trunc,
          np.rint, np.conjugate, np.spacing, np.copysign)
_register(_plain, np.isnan, np.isinf, np.isfinite, np.signbit, np.sign)
_register(_dimensionless, np.exp, np.exp2, np.expm1, np.log, np.log2, np.log10, np.log1p,
          np.sin, np.cos, np.tan, np.arcsin, np.arccos, np.arctan, np.sinh, np.cosh, np.tanh,
          np.arcsinh, np.arccosh, np.arctanh, np.deg2rad, np.rad2deg, np.logaddexp,
          np.logaddexp2, np.logical_and, np.logical_or, np.logical_xor, np.logical_not,
          np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert, np.left_shift,
          np.right_shift, np.gcd, np.lcm, np.heaviside)
_register(_multiply, np.multiply, np.matmul)
_register(_divide, np.divide, np.floor_divide)
_register(_reciprocal, np.reciprocal)
_register(_power_of(0.5), np.sqrt)
_register(_power_of(2.0), np.square)
_register(_power_of(1.0 / 3.0), np.cbrt)
_register(_power, np.power, np.float_power)
_register(_same_then_plain, np.arctan2)
_register(_divmod, np.divmod)
_register(_modf, np.modf)
_register(_first_dim_second_plain, np.ldexp)

#: Rules under which ``reduce``/``accumulate``/``reduceat`` keep the input's dimension.
KEEPS_ON_REDUCE = frozenset({_same})


def rule_for(ufunc, method: str, inputs, dims):
    """ufunc, method, inputs, dims -> result dimension(s); raises on a unit error."""
    rule = RULES.get(ufunc)
    if rule is None:
        if all(d is DIMENSIONLESS for d in dims):
            return (DIMENSIONLESS,) * ufunc.nout if ufunc.nout > 1 else DIMENSIONLESS
        raise UnitError(f"labkit does not know how units pass through numpy.{ufunc.__name__}")
    if method in ("__call__", "outer"):
        return rule(ufunc, inputs, dims)
    if method in ("reduce", "accumulate", "reduceat"):
        if rule in KEEPS_ON_REDUCE or dims[0] is DIMENSIONLESS:
            return dims[0]
        raise UnitError(f"numpy.{ufunc.__name__}.{method} is not defined for quantities "
                        "with units")
    if method == "at":  # ufunc.at(a, indices[, b]) updates a in place
        operands = [inputs[0], *inputs[2:]]
        result = rule(ufunc, operands, [dims[0], *dims[2:]])
        if result is not dims[0]:
            raise mismatch(ufunc, operands, [dims[0], *dims[2:]],
                           "the result would change the array's units")
        return result
    raise UnitError(f"numpy ufunc method {method!r} is not supported for quantities")

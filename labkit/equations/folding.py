"""raw sympy results -> float64-safe, printable sympy: constant folding and its guards.

sympy evaluates as it builds, which is mostly what we want and occasionally not: it
folds ``0*mV`` to a unitless ``0``, rewrites ``abs(exp(x))`` for complex numbers, keeps
``exp(exp(1000))`` as an exact number it may later try to expand, and produces ``zoo``
for ``1/0``. The expression parser passes every node it builds through these helpers,
which raise :class:`Unrepresentable` (a message without a position; the parser adds the
caret) for what has no float64 meaning.
"""

from __future__ import annotations

import functools
import math

import sympy
from sympy.core.function import AppliedUndef

from labkit.equations.functions import FUNCTIONS, rand, randn

#: Results that have no meaning as a real float64.
NOT_A_NUMBER = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)


class Unrepresentable(ValueError):
    """A constant or construct outside what a float64 kernel can compute."""


def as_double(number: sympy.Expr) -> sympy.Expr:
    """A constant as an exact rational (if float64-sized) or a float64-range Float.

    Folding every constant at once keeps later constants cheap: ``exp(exp(1000))`` fails at
    the inner ``exp`` instead of asking sympy for a number with 10**434 digits.

    >>> as_double(sympy.sqrt(2))
    1.41421356237310
    >>> as_double(sympy.Rational(1, 3))
    1/3
    """
    if number.is_Rational:
        try:
            if math.isfinite(float(number)):
                return number
        except OverflowError:
            pass
        raise Unrepresentable("this number is too large for a 64-bit float")
    value = number.evalf(53)
    if not value.is_Float:
        raise Unrepresentable("this expression is not a finite real number")
    as_float = float(value)
    if not math.isfinite(as_float) or (as_float == 0.0 and not value.is_zero):
        raise Unrepresentable("this number cannot be represented as a 64-bit float")
    return sympy.Float(as_float)


def settle_node(result: sympy.Basic) -> sympy.Basic:
    """Check (and fold, if constant) a node sympy has just built."""
    if result in NOT_A_NUMBER or any(arg in NOT_A_NUMBER for arg in result.args):
        raise Unrepresentable("this expression is not a finite real number")
    if isinstance(result, sympy.Expr) and result.is_number:
        return as_double(result)
    for arg in result.args:  # e.g. the coefficient sympy just folded into a product
        if arg.is_Float and not math.isfinite(float(arg)):
            raise Unrepresentable("this number is too large for a 64-bit float")
    return result


def fold_constants(expr: sympy.Expr) -> sympy.Expr:
    """Fold the constants sympy split off internally (``sqrt(2/tau)`` -> ``sqrt(2)*...``)."""
    return expr.replace(_is_unfolded_number, as_double)


def _is_unfolded_number(expr: sympy.Basic) -> bool:
    return (
        isinstance(expr, sympy.Expr)
        and not expr.is_Atom
        and not expr.is_Rational
        and expr.is_number
    )


def power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``base**exponent``; two numbers are raised exactly only when that stays small.

    >>> power(sympy.Integer(2), sympy.Integer(-1))
    1/2
    >>> power(sympy.Integer(9), sympy.Integer(9**9))
    Traceback (most recent call last):
    ...
    labkit.equations.folding.Unrepresentable: this number is not a finite real number
    """
    if not (base.is_number and exponent.is_number):
        return base**exponent
    small = (
        exponent.is_Integer
        and abs(int(exponent)) <= 64
        and base.is_Rational
        and max(abs(base.p), base.q).bit_length() <= 64
    )
    if small:
        return base**exponent
    try:
        value = float(base) ** float(exponent)
    except (OverflowError, ZeroDivisionError, TypeError):
        raise Unrepresentable("this number is not a finite real number") from None
    if isinstance(value, complex) or not math.isfinite(value):
        raise Unrepresentable("this number is not a finite real number")
    return sympy.Float(value)


def is_zero(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Expr) and expr.is_zero is True


def keep_zero(left: sympy.Expr, right: sympy.Expr, *, divide: bool = False) -> sympy.Expr:
    """``0*mV`` unevaluated: sympy would fold it to a dimensionless ``0``, and then
    ``v > 0*mV`` (valid) could not be told from ``v > 0`` (a unit error, as in Brian2).

    >>> keep_zero(sympy.Integer(0), sympy.Symbol("mV"))
    0*mV
    """
    if divide:
        right = sympy.Pow(right, -1, evaluate=False)
    # in sympy's canonical order, as an evaluated product would be: else ``v*(0*v)`` and
    # its printed form ``(0*v)*v`` are two expressions though one product
    return sympy.Mul(*sorted((left, right), key=sympy.default_sort_key), evaluate=False)


@functools.lru_cache(maxsize=1)
def function_classes() -> dict[type, str]:
    """Every sympy function class a parsed expression may hold -> its model-string name."""
    # Piecewise: a condition used as a number (Brian2's 'w*(rand() < p)' is 1 or 0)
    classes: dict[type, str] = {rand: "rand", randn: "randn", sympy.Mod: "%",
                                sympy.Piecewise: "int"}
    for spec in FUNCTIONS.values():
        if spec.nargs:
            built = spec.build(*sympy.symbols(f"x0:{spec.nargs}", real=True))
            for call in built.atoms(sympy.Function):
                classes.setdefault(call.func, spec.name)
    return classes


def foreign_functions(expr: sympy.Basic) -> set[type]:
    """Function classes in ``expr`` the model-string dialect cannot write (``re``, ...)."""
    known = function_classes()
    return {
        call.func
        for call in expr.atoms(sympy.Function)
        if call.func not in known and not isinstance(call, AppliedUndef)
    }

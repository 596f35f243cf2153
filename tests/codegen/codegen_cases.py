"""Expressions and sample points shared by the numeric-equivalence tests, plus a reference.

The reference is sympy's own lambdify to mpmath at 50 digits, with labkit's functions
given as mpmath implementations (exprel through mpmath.expm1).
"""

import math

import mpmath
import numpy as np
import sympy
from sympy import And, E, Max, Min, Not, Or, Piecewise, Rational, pi

from labkit.equations.functions import clip, exprel, int_
from labkit.equations.symbols import symbol

x, y, z = symbol("x"), symbol("y"), symbol("z")

CASES = [
    exprel(x),
    exprel(x * y),
    (z - x) / exprel((z - x) / 4),
    clip(x, -1, 1),
    clip(x * y, -z, z),
    int_(x * 3.7) + int_(y) / 2,
    int_(x) * y,
    sympy.sign(x) + 2 * sympy.sign(x * y),
    sympy.floor(x * 2.5) + sympy.ceiling(y / 3),
    Piecewise((x, x > y), (y, True)),
    Piecewise((1, And(x > 0, y < 1)), (2, Or(x < -1, Not(y > 0))), (0, True)),
    And(x > 0, y > 0),
    Rational(1, 2) * x + Rational(1, 3) * y - Rational(7, 5),
    (x**2 + 1) ** Rational(3, 2) + 1 / (y**2 + 1) ** 2 + x**3 - z**-2,
    sympy.sqrt(y**2 + z) + z**0.5 + 1 / sympy.sqrt(z),
    sympy.exp(-(x**2) / 2) / sympy.sqrt(2 * pi) + E,
    sympy.log(x**2 + z) + sympy.log(z, 10),
    sympy.sin(x) * sympy.cos(y) + sympy.tan(x / 4),
    sympy.sinh(x) + sympy.cosh(y) + sympy.tanh(z),
    sympy.asin(x / (sympy.Abs(x) + 1)) + sympy.acos(y / (sympy.Abs(y) + 1)) + sympy.atan(z),
    sympy.Abs(x - y) + Min(x, y) + Max(y, z),
    sympy.Mod(x, z) + 2 * sympy.Mod(y - x, -0.7) + sympy.floor(x / z),
]

X = [-2.5, -0.75, -1e-12, 0.0, 1e-300, 1e-12, 0.3, 1.7, 3.0, 20.0]
Y = [1.5, -0.4, 0.7, -3.0, 2.2, 0.0, -1e-9, 5.0, -0.25, 0.9]
Z = [0.6, 2.0, 3.5, 0.9, 7.0, 1.3, 4.0, 0.55, 10.0, 2.5]


def _exprel(a):
    return mpmath.expm1(a) / a if a != 0 else mpmath.mpf(1)


def _int(a):
    return mpmath.sign(a) * mpmath.floor(abs(a))


def _clip(a, low, high):
    return min(max(a, low), high)


def reference(expr) -> np.ndarray:
    """expr -> its values at the sample points: sympy's mpmath lambdify at 50 digits."""
    helpers = {"exprel": _exprel, "int_": _int, "clip": _clip}
    # Mod as its definition: sympy's Python printers get "2*Mod(a, b)" wrong ("2*(a) % b")
    expr = expr.replace(sympy.Mod, lambda a, b: a - b * sympy.floor(a / b))
    func = sympy.lambdify((x, y, z), expr, modules=[helpers, "mpmath"])
    with mpmath.workdps(50):
        values = [func(*map(mpmath.mpf, point)) for point in zip(X, Y, Z, strict=True)]
    return np.array([float(v) for v in values])


def assert_close(got, want, what):
    """Relative agreement to 1e-12 (exact for zeros; NaN and inf must match)."""
    got = np.broadcast_to(np.asarray(got, dtype=float), np.shape(want))
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        ok = (math.isnan(g) and math.isnan(w)) or g == w or abs(g - w) <= 1e-12 * abs(w)
        assert ok, f"{what} at point {i} (x={X[i]}, y={Y[i]}, z={Z[i]}): {g!r} != {w!r}"

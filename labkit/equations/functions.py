"""The whitelist of functions a model string may call, as data.

name -> how it becomes sympy, and what dimension its result has. The expression parser,
the dimension checks and every code printer read this one table, so adding a function is
one entry here plus one line per printer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sympy


class exprel(sympy.Function):
    """(exp(x) - 1)/x, continued by 1 at x = 0; keeps HH rate functions finite."""

    nargs = 1

    def fdiff(self, argindex=1):
        x = self.args[0]
        return (x * sympy.exp(x) - sympy.exp(x) + 1) / x**2

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sympy.S.One
        return None


class clip(sympy.Function):
    """clip(x, low, high), as numpy.clip."""

    nargs = 3


class int_(sympy.Function):
    """int(x): truncation towards zero, as Python's and C's int conversion of a float.

    Named ``int_`` so it can never be confused with the Python builtin.
    """

    nargs = 1

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    @classmethod
    def eval(cls, x):
        # A constant argument folds (int(2.5) is 2); int(True), from a condition, is 1.
        if x.is_Number:
            whole = int(x)
            # beyond 2**53 every float64 is whole; an Integer that large overflows kernels
            return sympy.Integer(whole) if abs(whole) < 2**53 else sympy.Float(float(x))
        return None


class _RandomDraw(sympy.Function):
    """A random number: real, never a constant, never evaluated numerically by sympy.

    (Without this, ``rand(0).evalf()`` would call mpmath's own ``rand``, and
    ``rand(0).is_number`` would call a random draw a constant.)
    """

    nargs = 1
    is_number = False

    def _eval_is_extended_real(self):
        return True

    def _eval_is_finite(self):
        return True

    def _eval_evalf(self, prec):
        return None

    def fdiff(self, argindex=1):
        return sympy.S.Zero


class rand(_RandomDraw):
    """A uniform random number in [0, 1); the argument only makes each call site distinct."""


class randn(_RandomDraw):
    """A standard normal random number; the argument only makes each call site distinct."""


class binomial(_RandomDraw):
    """``binomial(n, p, site)``: a count of successes in ``n`` trials of probability ``p``
    (PoissonInput's events per step); ``site`` makes each call site distinct."""

    nargs = 3


#: Every kind of random draw: a draw is never a constant, never hoisted, never shared.
RANDOM_DRAWS = (rand, randn, binomial)

_call_sites = itertools.count()


def random_call(kind: type[sympy.Function], site: int | None = None) -> sympy.Expr:
    """A fresh random draw: two calls of ``rand()`` in one string must not cancel out.

    ``site`` numbers the call site; the parser passes one from a per-parse counter (so
    parsing the same text twice gives equal expressions). Without it, a process-wide
    counter is used.
    """
    if site is None:
        site = next(_call_sites)
    return kind(sympy.Integer(site))


#: How a result's dimension follows from the arguments' dimensions:
#: ``dimensionless`` (arguments and result are dimensionless), ``same`` (result has the
#: dimension of the first argument, all arguments must share it), ``sqrt`` (half the
#: exponents), ``any-dimensionless`` (any argument, dimensionless result, e.g. sign),
#: ``none`` (no arguments, dimensionless result).
DimensionRule = Literal["dimensionless", "same", "sqrt", "any-dimensionless", "none"]


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    nargs: int
    build: Callable[..., sympy.Expr]
    rule: DimensionRule


def _spec(name, nargs, build, rule):
    return name, FunctionSpec(name, nargs, build, rule)


FUNCTIONS: dict[str, FunctionSpec] = dict(
    [
        _spec("exp", 1, sympy.exp, "dimensionless"),
        _spec("log", 1, sympy.log, "dimensionless"),
        _spec("log10", 1, lambda x: sympy.log(x, 10), "dimensionless"),
        _spec("sqrt", 1, sympy.sqrt, "sqrt"),
        _spec("sin", 1, sympy.sin, "dimensionless"),
        _spec("cos", 1, sympy.cos, "dimensionless"),
        _spec("tan", 1, sympy.tan, "dimensionless"),
        _spec("sinh", 1, sympy.sinh, "dimensionless"),
        _spec("cosh", 1, sympy.cosh, "dimensionless"),
        _spec("tanh", 1, sympy.tanh, "dimensionless"),
        _spec("arcsin", 1, sympy.asin, "dimensionless"),
        _spec("arccos", 1, sympy.acos, "dimensionless"),
        _spec("arctan", 1, sympy.atan, "dimensionless"),
        _spec("abs", 1, sympy.Abs, "same"),
        _spec("sign", 1, sympy.sign, "any-dimensionless"),
        _spec("clip", 3, clip, "same"),
        _spec("floor", 1, sympy.floor, "same"),
        _spec("ceil", 1, sympy.ceiling, "same"),
        _spec("int", 1, int_, "dimensionless"),
        _spec("exprel", 1, exprel, "dimensionless"),
        _spec("rand", 0, lambda: random_call(rand), "none"),
        _spec("randn", 0, lambda: random_call(randn), "none"),
    ]
)

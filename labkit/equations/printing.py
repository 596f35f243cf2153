"""sympy expression / Dimension -> text that the parser reads back to the same thing.

``str(Equations(...))`` must round-trip: ``Equations(str(eqs)) == eqs``. sympy's own
``str`` does not (it writes ``Eq(a, b)``, ``a & b``, ``Mod(a, b)``, ``rand(3)``, ``E``,
15-digit floats), so this printer writes the model-string dialect instead.
"""

from __future__ import annotations

import sympy
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from labkit.units.dimension import BASE_NAMES, DIMENSIONLESS, Dimension, get_or_create_dimension

_RENAMED = {
    "Abs": "abs",
    "ceiling": "ceil",
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "int_": "int",
}


class ExpressionPrinter(StrPrinter):
    """sympy's StrPrinter, speaking the model-string dialect (``and``, ``==``, ``rand()``)."""

    def _print_Float(self, expr) -> str:
        return repr(float(expr))

    def _print_Exp1(self, expr) -> str:
        return "exp(1)"

    def _print_Pi(self, expr) -> str:
        return "arccos(-1)"

    def _print_BooleanTrue(self, expr) -> str:
        return "True"

    def _print_BooleanFalse(self, expr) -> str:
        return "False"

    def _print_Piecewise(self, expr) -> str:
        """A condition used as a number, ``Piecewise((1, c), (0, True))``, is ``int(c)``."""
        one, zero = expr.args[0], expr.args[-1]
        if len(expr.args) == 2 and one.expr == 1 and zero.expr == 0 and zero.cond is sympy.true:
            return f"int({self._print(one.cond)})"
        # any other (built by a later stage): the same value as a sum of such indicators
        terms, before = [], sympy.false
        for piece in expr.args:
            holds = sympy.And(piece.cond, sympy.Not(before))
            terms.append(piece.expr * sympy.Piecewise((1, holds), (0, True), evaluate=False))
            before = sympy.Or(before, piece.cond)
        return self._print(sympy.Add(*terms, evaluate=False))

    def _print_Relational(self, expr) -> str:
        op = {"==": "==", "!=": "!="}.get(expr.rel_op, expr.rel_op)
        return f"{self._operand(expr.lhs)} {op} {self._operand(expr.rhs)}"

    def _operand(self, expr) -> str:
        text = self._print(expr)
        return f"({text})" if isinstance(expr, sympy.logic.boolalg.Boolean) and not (
            isinstance(expr, (sympy.Symbol, sympy.logic.boolalg.BooleanAtom))
        ) else text

    def _print_And(self, expr) -> str:
        return " and ".join(self._operand(arg) for arg in expr.args)

    def _print_Or(self, expr) -> str:
        return " or ".join(self._operand(arg) for arg in expr.args)

    def _print_Not(self, expr) -> str:
        return f"not {self._operand(expr.args[0])}"

    def _print_Mul(self, expr) -> str:
        """As StrPrinter, except where re-parsing would distribute a coefficient.

        sympy turns ``2*(a + b)`` into ``2*a + 2*b`` as it is built, so ``2*x*(a + b)``
        and ``-(a + b)/c`` must be written in an order that rebuilds the same tree.
        """
        coeff, _ = expr.as_coeff_Mul()
        factors = [f for f in expr.as_ordered_factors() if not f.is_Number]
        numerator = [f for f in factors if not _is_reciprocal(f)]
        denominator = [1 / f for f in factors if _is_reciprocal(f)]
        adds = [f for f in numerator if f.is_Add]
        unit_fraction = coeff.is_Rational and coeff.p == 1  # prints as (a + b)/(q*c)
        if unit_fraction or not coeff.is_Number or not adds:
            return super()._print_Mul(expr)
        others = [f for f in numerator if not f.is_Add]
        level = precedence(expr)
        text = lambda fs: "*".join(self.parenthesize(f, level, strict=False) for f in fs)  # noqa: E731
        number = self._print(coeff)
        if not (coeff.is_Integer or coeff.is_Float) or coeff.is_negative:
            number = f"({number})"
        below = ""
        if denominator:
            below = "/" + (text(denominator) if len(denominator) == 1 and not
                           denominator[0].is_Mul else f"({text(denominator)})")
        if others:
            return f"{number}*{text(others + adds)}{below}"
        if len(adds) >= 2:
            return f"{text(adds)}*{number}{below}"
        if denominator:
            return f"{number}{below}*{text(adds)}"
        return super()._print_Mul(expr)

    def _print_Mod(self, expr) -> str:
        # Always bracketed: in Python '%' binds like '*', so 'v*(a % b)' needs them.
        level = PRECEDENCE["Mul"]
        # (sympy's ``strict=False`` brackets at equal precedence too)
        a, b = expr.args
        left = self._print(a) if isinstance(a, sympy.Mod) else self.parenthesize(a, level, True)
        right = self._print(b) if isinstance(b, sympy.Mod) else self.parenthesize(b, level)
        return f"({left} % {right})"

    def _print_rand(self, expr) -> str:
        return "rand()"

    def _print_randn(self, expr) -> str:
        return "randn()"

    def _print_Function(self, expr) -> str:
        name = _RENAMED.get(expr.func.__name__, expr.func.__name__)
        return f"{name}({', '.join(self._print(arg) for arg in expr.args)})"

    def _print_Abs(self, expr) -> str:
        return self._print_Function(expr)

    def _print_ceiling(self, expr) -> str:
        return self._print_Function(expr)


def _is_reciprocal(factor) -> bool:
    return factor.is_Pow and factor.exp.is_number and factor.exp.is_negative


def expression_str(expr: sympy.Basic) -> str:
    """An expression as model-string text that parses back to the same expression.

    >>> from labkit.equations.expressions import parse_expression
    >>> expression_str(parse_expression("v > 0 and not (w == 1) or rand() < 0.1"))
    '(rand() < 0.1) or ((v > 0) and (w != 1))'
    >>> expression_str(parse_expression("ceil(abs(x)) % 3 + 0.1"))
    '(ceil(abs(x)) % 3) + 0.1'
    """
    return ExpressionPrinter().doprint(expr)


_BASE = {name: get_or_create_dimension(i * (0,) + (1,) + (6 - i) * (0,))
         for i, name in enumerate(BASE_NAMES)}
_D = get_or_create_dimension
#: Named SI units (scale 1) preferred when printing a dimension.
NAMED_UNITS: dict[str, Dimension] = {
    "volt": _D(m=2, kg=1, s=-3, A=-1),
    "amp": _D(A=1),
    "siemens": _D(m=-2, kg=-1, s=3, A=2),
    "farad": _D(m=-2, kg=-1, s=4, A=2),
    "ohm": _D(m=2, kg=1, s=-3, A=-2),
    "coulomb": _D(s=1, A=1),
    "hertz": _D(s=-1),
    "watt": _D(m=2, kg=1, s=-3),
    "joule": _D(m=2, kg=1, s=-2),
    "newton": _D(m=1, kg=1, s=-2),
    "pascal": _D(m=-1, kg=1, s=-2),
    **_BASE,
}
_DIVISORS = ("second", "metre", "metre**2", "metre**3", "second**2", "volt", "amp")


def _power_str(name: str, exponent: float) -> str:
    if exponent == 1:
        return name
    shown = int(exponent) if float(exponent).is_integer() else exponent
    return f"{name}**{shown}"


def unit_str(dim: Dimension) -> str:
    """A dimension as a unit expression the equation grammar accepts.

    >>> unit_str(get_or_create_dimension(m=2, kg=1, s=-3, A=-1))
    'volt'
    >>> unit_str(get_or_create_dimension(m=-2, A=1))
    'amp/metre**2'
    >>> unit_str(get_or_create_dimension(s=-0.5))
    'second**-0.5'
    >>> unit_str(DIMENSIONLESS)
    '1'
    """
    if dim is DIMENSIONLESS:
        return "1"
    for name, named in NAMED_UNITS.items():
        if dim is named:
            return name
    for name, named in NAMED_UNITS.items():
        for divisor in _DIVISORS:
            base, _, power = divisor.partition("**")
            if dim is named / NAMED_UNITS[base] ** float(power or 1):
                return f"{name}/{divisor}"
    parts = [
        _power_str(name, exponent)
        for name, exponent in zip(BASE_NAMES, dim.exponents, strict=True)
        if exponent != 0
    ]
    return "*".join(parts)

"""sympy expression -> source text in one language (Numba loop body, numpy, C++17).

Each language is a thin subclass of a sympy printer: a table of known functions plus a
few ``_print_X`` overrides for what labkit adds (``exprel``, ``clip``, ``int_``, ``rand``,
``randn`` from :mod:`labkit.equations.functions`) and for what must print the same way in
every language (floats round-trip exactly, Piecewise without a default gives NaN).

Conventions the code that assembles kernels relies on:

- A symbol prints as its name, or as ``rename[name]`` when given (e.g. ``_v_arr[_i]``).
- Every expression evaluates to a float (or a bool for conditions): ``int(x)`` prints as
  truncation that keeps the float type (``np.trunc``, ``std::trunc``), so ``int(x)/2``
  is true division on every device and NaN stays NaN.
- ``a % b`` (``Mod``) is Python's floored remainder everywhere: ``%`` in Numba,
  ``np.mod``, and the ``_mod`` helper in C++ (C's ``fmod`` truncates instead).
- A user function (``sympy.Function('I')``, e.g. a TimedArray) prints only when the
  caller names its callable (``functions={'I': '_timedarray_I'}``); any other unknown
  function is an error, never a comment in the output as sympy's default would be.
- Random numbers come from a ``numpy.random.Generator`` bound to ``_rng`` (Numba, numpy);
  numpy code draws ``_N`` numbers at once, where the caller binds ``_N`` to the number of
  elements, or to ``None`` for a scalar (shared) context, which draws one float. C++ calls
  ``_rand()`` / ``_randn()``, which the C++ device defines.
- The code needs the names in ``PRELUDES[language]`` (imports, or C++ helpers).

Draw order: a loop body draws element by element, numpy code draws each call site for all
elements in turn, so the streams agree with numpy's when an expression has one random call
and agree only in distribution when it has several.
"""

from __future__ import annotations

import math

import sympy
from sympy.printing.cxx import CXX17CodePrinter
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.pycode import PythonCodePrinter, _print_known_func

from labkit.codegen.support import CPP_SUPPORT

__all__ = [
    "PRELUDES",
    "PRINTERS",
    "CppPrinter",
    "NumbaPrinter",
    "NumpyPrinter",
    "print_assignment",
    "print_expr",
]

_SETTINGS = {"rename": {}, "error_on_reserved": True, "strict": True}

_MATH = "exp log sqrt sin cos tan sinh cosh tanh asin acos atan expm1 log1p log10".split()


def _float_literal(value: float) -> str:
    """finite float -> the shortest literal that reads back as the same double (``'0.1'``).

    ``repr`` always has a ``.`` or an ``e``, so C++ reads it as a double too.
    """
    return repr(float(value))


def _small_power(printer, expr, one: str) -> str | None:
    """``x**3`` -> ``(x*x*x)``, ``x**-2`` -> ``(1/(x*x))``: the same products in every language.

    Left to themselves, Numba squares (``(x*x)*(x*x)``), numpy calls ``pow`` and C++
    ``std::pow``: three roundings of ``n**4``, and three devices that drift apart in a
    Hodgkin-Huxley model. Written out, all three compute the same bits (and C++ needs no
    call). Only for exponents up to 4, where the product loses at most a few ulp.
    """
    n = expr.exp
    if not (n.is_Integer and 2 <= abs(int(n)) <= 4):
        return None
    base = printer.parenthesize(expr.base, PRECEDENCE["Mul"], strict=True)
    product = "*".join([base] * abs(int(n)))
    return f"({product})" if n > 0 else f"({one}/({product}))"


class _Shared:
    """What every language's printer does alike: names, exact floats, the custom calls,
    small powers, and Piecewise with NaN where no branch holds (as sympy defines it)."""

    _rand_call = "_rng.random()"
    _randn_call = "_rng.standard_normal()"
    _one = "1"

    def _print_Symbol(self, expr):
        rename = self._settings["rename"]
        if expr.name in rename:
            return rename[expr.name]
        return super()._print_Symbol(expr)

    def _print_Float(self, expr):
        value = float(expr)
        return _float_literal(value) if math.isfinite(value) else self._print(sympy.S(value))

    def _print_rand(self, expr):
        return self._rand_call

    def _print_randn(self, expr):
        return self._randn_call

    def _print_Pow(self, expr, rational=False):
        product = _small_power(self, expr, self._one)
        if product is not None:
            return product
        if expr.exp.is_Float and float(expr.exp) in (0.5, -0.5):  # x**0.5 -> sqrt(x)
            expr = sympy.Pow(expr.base, sympy.sign(expr.exp) / 2, evaluate=False)
        return self._print_other_power(expr, rational)

    def _print_other_power(self, expr, rational):
        return super()._print_Pow(expr, rational=rational)

    def _print_Piecewise(self, expr):
        pieces = list(expr.args)
        if pieces[-1].cond != sympy.true:  # no default branch: NaN, as sympy defines it
            pieces.append((sympy.nan, sympy.true))
        return self._print_pieces(pieces)


class NumbaPrinter(_Shared, PythonCodePrinter):
    """sympy -> scalar Python for a Numba loop body (also valid plain Python).

    >>> import sympy
    >>> from labkit.equations.functions import exprel
    >>> x = sympy.Symbol('x', real=True)
    >>> NumbaPrinter().doprint(exprel(x) + sympy.floor(x/2))
    '_exprel(x) + np.floor((1/2)*x)'
    """

    language = "Numba"
    _default_settings = {**PythonCodePrinter._default_settings, **_SETTINGS}
    _kf = {
        "Abs": "abs",
        "Min": "min",
        "Max": "max",
        **{f: "math." + f for f in _MATH},
        "floor": "np.floor",  # math.floor returns an int
        "ceiling": "np.ceil",
        "sign": "np.sign",
        "int_": "np.trunc",
        "exprel": "_exprel",
        "exp": "_lk_exp",
    }
    _kc = {"Exp1": "math.e", "E": "math.e", "Pi": "math.pi"}

    def _print_Infinity(self, expr):
        return "math.inf"

    def _print_NegativeInfinity(self, expr):
        return "-math.inf"

    def _print_NaN(self, expr):
        return "math.nan"

    _print_sign = _print_known_func  # np.sign, not sympy's copysign expression

    def _print_Mod(self, expr):
        # Always in parentheses: sympy prints -2*Mod(a, b) as "-2*(a) % b", which Python
        # reads as (-2*a) % b.
        a, b = expr.args
        prec = precedence(expr)
        return f"({self.parenthesize(a, prec, strict=True)} % {self.parenthesize(b, prec)})"

    def parenthesize(self, item, level, strict=False):
        if isinstance(item, sympy.Mod):  # already parenthesised by _print_Mod
            return self._print(item)
        return super().parenthesize(item, level, strict)

    def _print_clip(self, expr):
        x, low, high = (self._print(a) for a in expr.args)
        return f"min(max({x}, {low}), {high})"

    def _print_pieces(self, pieces):
        (value, cond), rest = pieces[0], pieces[1:]
        if cond == sympy.true:
            return self._print(value)
        other = self._print_pieces(rest)
        return f"(({self._print(value)}) if ({self._print(cond)}) else ({other}))"


class NumpyPrinter(_Shared, NumPyPrinter):
    """sympy -> vectorised numpy code over whole arrays.

    >>> import sympy
    >>> x = sympy.Symbol('x', real=True)
    >>> NumpyPrinter().doprint(sympy.Piecewise((x, x > 0), (0, True)))
    'np.where((x > 0), x, 0)'
    """

    language = "numpy"
    _module = "np"
    _rand_call = "_rng.random(_N)"
    _randn_call = "_rng.standard_normal(_N)"
    _default_settings = {**NumPyPrinter._default_settings, **_SETTINGS}
    _kf = {
        "Abs": "np.abs",
        **{f: "np." + f for f in _MATH},
        "asin": "np.arcsin",
        "acos": "np.arccos",
        "atan": "np.arctan",
        "floor": "np.floor",
        "ceiling": "np.ceil",
        "sign": "np.sign",
        "int_": "np.trunc",
        "exprel": "_exprel_vec",
        "clip": "np.clip",
    }
    _kc = {"Exp1": "np.e", "E": "np.e", "Pi": "np.pi", "NaN": "np.nan", "Infinity": "np.inf"}

    def _print_pieces(self, pieces):
        (value, cond), rest = pieces[0], pieces[1:]
        if cond == sympy.true:
            return self._print(value)
        other = self._print_pieces(rest)
        return f"np.where({self._print(cond)}, {self._print(value)}, {other})"

    def _print_other_power(self, expr, rational):
        if expr.exp is sympy.S.NegativeOne:  # 1/x, not numpy printer's x**(-1.0)
            return self._hprint_Pow(expr, rational=rational, sqrt="np.sqrt")
        return super()._print_other_power(expr, rational)

    def _print_Relational(self, expr):  # operators work on arrays and scalars alike
        return PythonCodePrinter._print_Relational(self, expr)

    def _print_logical(self, func, args):
        if len(args) == 1:
            return self._print(args[0])
        return f"np.{func}({self._print(args[0])}, {self._print_logical(func, args[1:])})"

    def _print_And(self, expr):
        return self._print_logical("logical_and", expr.args)

    def _print_Or(self, expr):
        return self._print_logical("logical_or", expr.args)

    def _print_Min(self, expr):
        return self._print_logical("minimum", expr.args)

    def _print_Max(self, expr):
        return self._print_logical("maximum", expr.args)


class CppPrinter(_Shared, CXX17CodePrinter):
    """sympy -> a C++17 expression on doubles.

    Numbers always print as doubles, so no division is ever integer division.

    >>> import sympy
    >>> x = sympy.Symbol('x', real=True)
    >>> CppPrinter().doprint(x**2/2 + sympy.Piecewise((1, x > 0), (0, True)))
    '0.5*(x*x) + ((x > 0.0) ? (1.0) : (0.0))'
    """

    language = "C++"
    _rand_call = "_rand()"
    _randn_call = "_randn()"
    _one = "1.0"
    _default_settings = {**CXX17CodePrinter._default_settings, **_SETTINGS}

    def __init__(self, settings=None):
        super().__init__({"math_macros": {}, **(settings or {})})

    def _print_exprel(self, expr):
        return f"_exprel({self._print(expr.args[0])})"

    def _print_exp(self, expr):  # labkit's vectorisable exp (see labkit.codegen.support)
        return f"_lk_exp({self._print(expr.args[0])})"

    def _print_sign(self, expr):
        return f"_sign({self._print(expr.args[0])})"

    def _print_int_(self, expr):
        return f"std::trunc({self._print(expr.args[0])})"

    def _print_Integer(self, expr):
        return f"{int(expr)}.0"

    def _print_Rational(self, expr):
        return _float_literal(float(expr)) if _exact(expr) else f"{expr.p}.0/{expr.q}.0"

    def _print_Mul(self, expr):
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Rational and not coeff.is_Integer and _exact(coeff):  # 0.5*x, not (0.5)*x
            expr = sympy.Mul(sympy.Float(coeff), rest, evaluate=False)
        return super()._print_Mul(expr)

    def _print_Pi(self, expr):
        return _float_literal(math.pi)

    def _print_Exp1(self, expr):
        return _float_literal(math.e)

    def _print_other_power(self, expr, rational):
        if expr.exp == -sympy.S.Half:
            return f"(1.0/std::sqrt({self._print(expr.base)}))"
        return CXX17CodePrinter._print_Pow(self, expr)

    def _print_pieces(self, pieces):
        text = self._print(pieces[-1][0])
        for value, cond in reversed(pieces[:-1]):
            text = f"(({self._print(cond)}) ? ({self._print(value)}) : ({text}))"
        return text

    def _print_Mod(self, expr):  # Python's floored remainder, not C's truncated fmod
        return f"_mod({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_clip(self, expr):
        x, low, high = (self._print(a) for a in expr.args)
        return f"std::min(std::max({x}, {low}), {high})"



def _exact(rational: sympy.Rational) -> bool:
    """True when p/q is a short exact binary fraction such as 1/2 or 3/4 (q a power of 2)."""
    q = int(rational.q)
    return q & (q - 1) == 0 and abs(int(rational.p)) < 2**53


#: language name -> printer class. Explicit, filled here, no side effects at import.
PRINTERS: dict[str, type] = {"numba": NumbaPrinter, "numpy": NumpyPrinter, "cpp": CppPrinter}

#: language name -> the text printed code needs before it (imports, or C++ helpers).
PRELUDES: dict[str, str] = {
    "numba": (
        "import math\n\nimport numpy as np\n\n"
        "from labkit.codegen.support_numba import _exprel, _lk_exp\n"
    ),
    "numpy": "import numpy as np\n\nfrom labkit.codegen.support import _exprel_vec\n",
    "cpp": "#include <algorithm>\n#include <cmath>\n#include <cstdint>\n#include <cstring>\n\n"
    + CPP_SUPPORT,
}


def _printer(language: str, rename, functions):
    try:
        cls = PRINTERS[language]
    except KeyError:
        known = ", ".join(sorted(PRINTERS))
        raise ValueError(f"unknown language {language!r}; known: {known}") from None
    return cls({"rename": dict(rename or {}), "user_functions": dict(functions or {})})


def print_expr(expr, language: str, rename=None, functions=None) -> str:
    """sympy expression -> source text of that expression in ``language``.

    Parameters
    ----------
    expr : sympy.Basic
        An expression or condition built by labkit's parser.
    language : {'numba', 'numpy', 'cpp'}
    rename : mapping of str to str, optional
        Symbol name -> the text to print instead (e.g. ``{'v': '_v_arr[_i]'}``).
    functions : mapping of str to str, optional
        Name of a user function (``sympy.Function('I')``, e.g. a TimedArray) -> the name
        of the callable to print. Any other unknown function is an error.

    Examples
    --------
    >>> import sympy
    >>> v, tau = sympy.symbols('v tau', real=True)
    >>> print_expr(-v/tau, 'cpp', rename={'v': '_v_arr[_i]'})
    '-_v_arr[_i]/tau'
    """
    return _printer(language, rename, functions).doprint(sympy.sympify(expr))


def print_assignment(target, expr, language: str, rename=None, functions=None) -> str:
    """(target name or symbol, expression) -> one assignment statement in ``language``.

    >>> import sympy
    >>> v = sympy.Symbol('v', real=True)
    >>> print_assignment(v, v / 2, 'cpp')
    'v = 0.5*v;'
    """
    name = target if isinstance(target, str) else target.name
    rename = dict(rename or {})
    lhs = rename.get(name, name)
    rhs = print_expr(expr, language, rename, functions)
    return f"{lhs} = {rhs};" if language == "cpp" else f"{lhs} = {rhs}"

"""Golden printer output: the exact text each language gets for a set of expressions."""

import pytest
import sympy
from sympy import And, E, Eq, Float, Not, Or, Piecewise, Rational, pi

from labkit.codegen.printers import (
    PRELUDES,
    PRINTERS,
    CppPrinter,
    NumbaPrinter,
    NumpyPrinter,
    print_assignment,
    print_expr,
)
from labkit.equations.functions import clip, exprel, int_, rand, randn
from labkit.equations.symbols import symbol

x, y, z = symbol("x"), symbol("y"), symbol("z")

# expression -> (numba, numpy, cpp)
GOLDEN = [
    (exprel(x), "_exprel(x)", "_exprel_vec(x)", "_exprel(x)"),
    (
        x**2 / 2,
        "(1/2)*(x*x)",
        "(1/2)*(x*x)",
        "0.5*(x*x)",
    ),
    (Rational(1, 3) * x, "(1/3)*x", "(1/3)*x", "(1.0/3.0)*x"),
    # small integer powers: the same products in every language (same bits on every device)
    (x**-2, "(1/(x*x))", "(1/(x*x))", "(1.0/(x*x))"),
    (x**3 + y**4, "(x*x*x) + (y*y*y*y)", "(x*x*x) + (y*y*y*y)", "(x*x*x) + (y*y*y*y)"),
    ((x + 1) ** 3, "((x + 1)*(x + 1)*(x + 1))", "((x + 1)*(x + 1)*(x + 1))",
     "((x + 1.0)*(x + 1.0)*(x + 1.0))"),
    (x**5, "x**5", "x**5", "std::pow(x, 5.0)"),
    (x ** Rational(3, 2), "x**(3/2)", "x**(3/2)", "std::pow(x, 1.5)"),
    (sympy.sqrt(x), "math.sqrt(x)", "np.sqrt(x)", "std::sqrt(x)"),
    (x**0.5, "math.sqrt(x)", "np.sqrt(x)", "std::sqrt(x)"),
    (1 / sympy.sqrt(x), "1/math.sqrt(x)", "1/np.sqrt(x)", "(1.0/std::sqrt(x))"),
    (1 / x, "1/x", "1/x", "1.0/x"),
    (x + 1, "x + 1", "x + 1", "x + 1.0"),
    (
        Float(0.1) * x + Float(1 / 3),
        "0.1*x + 0.3333333333333333",
        "0.1*x + 0.3333333333333333",
        "0.1*x + 0.3333333333333333",
    ),
    # labkit's own exp (labkit.codegen.support) in loops; numpy's for whole arrays
    (pi * sympy.exp(x), "math.pi*_lk_exp(x)", "np.pi*np.exp(x)", "3.141592653589793*_lk_exp(x)"),
    (E + x, "x + math.e", "x + np.e", "x + 2.718281828459045"),
    (sympy.log(x), "math.log(x)", "np.log(x)", "std::log(x)"),
    (
        sympy.asin(x) + sympy.atan(y),
        "math.asin(x) + math.atan(y)",
        "np.arcsin(x) + np.arctan(y)",
        "std::asin(x) + std::atan(y)",
    ),
    (sympy.tanh(x), "math.tanh(x)", "np.tanh(x)", "std::tanh(x)"),
    (sympy.Abs(x), "abs(x)", "np.abs(x)", "std::fabs(x)"),
    (sympy.sign(x), "np.sign(x)", "np.sign(x)", "_sign(x)"),
    (sympy.floor(x), "np.floor(x)", "np.floor(x)", "std::floor(x)"),
    (sympy.ceiling(x), "np.ceil(x)", "np.ceil(x)", "std::ceil(x)"),
    (int_(x) / 2, "(1/2)*np.trunc(x)", "(1/2)*np.trunc(x)", "0.5*std::trunc(x)"),
    (clip(x, y, z), "min(max(x, y), z)", "np.clip(x, y, z)", "std::min(std::max(x, y), z)"),
    (sympy.Min(x, y), "min(x, y)", "np.minimum(x, y)", "std::min(x, y)"),
    (x > y, "(x > y)", "(x > y)", "x > y"),
    (Eq(x, 2), "(x == 2)", "(x == 2)", "x == 2.0"),
    (
        And(x > 1, y < 2),
        "(x > 1) and (y < 2)",
        "np.logical_and((x > 1), (y < 2))",
        "x > 1.0 && y < 2.0",
    ),
    (
        Or(x > 1, y < 2),
        "(x > 1) or (y < 2)",
        "np.logical_or((x > 1), (y < 2))",
        "x > 1.0 || y < 2.0",
    ),
    (
        Not(And(x > 1, y < 2)),
        "not ((x > 1) and (y < 2))",
        "np.logical_not(np.logical_and((x > 1), (y < 2)))",
        "!(x > 1.0 && y < 2.0)",
    ),
    (
        Piecewise((x, x > 0), (0, True)),
        "((x) if ((x > 0)) else (0))",
        "np.where((x > 0), x, 0)",
        "((x > 0.0) ? (x) : (0.0))",
    ),
    (
        Piecewise((x, x > 0), (y, y > 0), (z, True)),
        "((x) if ((x > 0)) else (((y) if ((y > 0)) else (z))))",
        "np.where((x > 0), x, np.where((y > 0), y, z))",
        "((x > 0.0) ? (x) : (((y > 0.0) ? (y) : (z))))",
    ),
    (
        Piecewise((x, x > 0)),
        "((x) if ((x > 0)) else (math.nan))",
        "np.where((x > 0), x, np.nan)",
        "((x > 0.0) ? (x) : (NAN))",
    ),
    (
        rand(0) + 2 * randn(1),
        "_rng.random() + 2*_rng.standard_normal()",
        "_rng.random(_N) + 2*_rng.standard_normal(_N)",
        "_rand() + 2.0*_randn()",
    ),
    (sympy.oo, "math.inf", "np.inf", "INFINITY"),
    (
        2 * sympy.Mod(x + 1, y),
        "2*((x + 1) % y)",
        "2*(np.mod(x + 1, y))",
        "2.0*(_mod(x + 1.0, y))",
    ),
]


@pytest.mark.parametrize(("expr", "numba", "numpy", "cpp"), GOLDEN, ids=lambda v: str(v))
def test_golden_output(expr, numba, numpy, cpp):
    got = {lang: print_expr(expr, lang) for lang in ("numba", "numpy", "cpp")}
    assert got == {"numba": numba, "numpy": numpy, "cpp": cpp}


def test_registry_is_explicit():
    assert PRINTERS == {"numba": NumbaPrinter, "numpy": NumpyPrinter, "cpp": CppPrinter}
    assert set(PRELUDES) == set(PRINTERS)


def test_rename_maps_names_and_leaves_others():
    rename = {"v": "_v_arr[_i]"}
    v, tau = symbol("v"), symbol("tau")
    assert print_expr(-v / tau, "numba", rename) == "-_v_arr[_i]/tau"
    assert print_expr(v**2, "cpp", rename) == "(_v_arr[_i]*_v_arr[_i])"


def test_assignments():
    v = symbol("v")
    assert print_assignment(v, v / 2, "cpp") == "v = 0.5*v;"
    assert print_assignment("_v", v / 2, "numba") == "_v = (1/2)*v"
    assert print_assignment("v", v + 1, "numpy", {"v": "v[:]"}) == "v[:] = v[:] + 1"


def test_mod_keeps_its_operands_together_in_python():
    """sympy's own printer gives '-2.0*(x) % y', which Python evaluates as (-2.0*x) % y."""
    expr = -2.0 * sympy.Mod(x, y) + sympy.Mod(x - 1, 2 * y) + sympy.Mod(-x, y) ** 2
    code = print_expr(expr, "numba")
    assert code == "(((-x) % y)*((-x) % y)) - 2.0*(x % y) + ((x - 1) % (2*y))"
    values = {"x": 5.3, "y": -2.1}
    assert eval(code, values) == -2.0 * (5.3 % -2.1) + ((-5.3) % -2.1) ** 2 + (4.3 % -4.2)


def test_user_functions_print_under_the_given_name():
    current = sympy.Function("I")(symbol("t"))
    for language, want in (("numba", "2*_I(t)"), ("numpy", "2*_I(t)"), ("cpp", "2.0*_I(t)")):
        assert print_expr(2 * current, language, functions={"I": "_I"}) == want
        with pytest.raises(NotImplementedError):
            print_expr(current, language)


def test_unknown_language_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown language 'fortran'.*cpp, numba, numpy"):
        print_expr(x, "fortran")


@pytest.mark.parametrize("language", sorted(PRINTERS))
def test_unsupported_function_raises_instead_of_printing_a_comment(language):
    with pytest.raises(NotImplementedError):
        print_expr(sympy.Function("f")(x) + sympy.gamma(x), language)


@pytest.mark.parametrize("language", ["numba", "numpy"])
def test_python_keyword_as_name_is_an_error(language):
    with pytest.raises(ValueError, match="reserved"):
        print_expr(symbol("lambda") + 1, language)


def test_float_literals_round_trip_exactly():
    for value in (0.1, 1 / 3, 1e-300, 6.02214076e23, -2.5e-7):
        for language in PRINTERS:
            text = print_expr(Float(value) * x, language)
            assert repr(value).lstrip("-") in text, (language, text)


def test_cpp_never_prints_integer_literals():
    text = print_expr(x / 3 + 7 * y + Piecewise((1, x > 2), (0, True)) + (x + y) ** 5, "cpp")
    import re

    assert re.findall(r"(?<![\w.])\d+(?![\d.e])", text) == [], text

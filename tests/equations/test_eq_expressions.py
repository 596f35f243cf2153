"""parse_expression: the whitelist, sympy representation, and located errors."""

import math

import pytest
import sympy

from labkit.equations import expression_str, parse_expression
from labkit.equations.functions import clip, exprel, int_, rand, randn
from labkit.equations.symbols import symbol
from labkit.errors import ExpressionError, LabkitError

v, w, x, y, tau = (symbol(n) for n in ("v", "w", "x", "y", "tau"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(-v + w)/tau", (w - v) / tau),
        ("v**2", v**2),
        ("2**-1", sympy.Rational(1, 2)),
        ("x % y", sympy.Mod(x, y)),
        ("x // y", sympy.floor(x / y)),
        ("7 // 2", sympy.Integer(3)),
        ("-7 % 3", sympy.Integer(2)),
        ("+v", v),
        ("exp(v)", sympy.exp(v)),
        ("abs(x)", sympy.Abs(x)),
        ("ceil(x) + floor(y)", sympy.ceiling(x) + sympy.floor(y)),
        ("clip(v, 0, 1)", clip(v, 0, 1)),
        ("int(v)", int_(v)),
        ("exprel(v)", exprel(v)),
        ("arcsin(x) + arccos(y) + arctan(v)", sympy.asin(x) + sympy.acos(y) + sympy.atan(v)),
        ("sqrt(x)", sympy.sqrt(x)),
        ("True", sympy.true),
        ("False", sympy.false),
        ("v  +\n w", v + w),
    ],
)
def test_whitelisted_syntax_becomes_sympy(text, expected):
    assert parse_expression(text) == expected


def test_constants_are_folded_to_exact_rationals_or_floats():
    assert float(parse_expression("log10(x)").subs(x, 100)) == pytest.approx(2)
    assert parse_expression("sqrt(2)") == sympy.Float(2**0.5)
    assert parse_expression("exp(0)") == 1
    assert parse_expression("1/3") == sympy.Rational(1, 3)
    assert parse_expression("sqrt(2/tau)").as_coeff_Mul()[0] == sympy.Float(2**0.5)


def test_names_are_real_symbols():
    expr = parse_expression("v + xi + xi_1")
    assert all(s.is_real for s in expr.free_symbols)
    assert {s.name for s in expr.free_symbols} == {"v", "xi", "xi_1"}


def test_integer_division_is_true_division_and_exact():
    half = parse_expression("1/2")
    assert half == sympy.Rational(1, 2)
    assert float(half) == 0.5
    assert parse_expression("3/4*v") == sympy.Rational(3, 4) * v


def test_floats_stay_floats():
    expr = parse_expression("0.5*v")
    coefficient, _ = expr.as_coeff_Mul()
    assert isinstance(coefficient, sympy.Float) and float(coefficient) == 0.5
    assert isinstance(parse_expression("1e-3"), sympy.Float)


def test_comparisons_and_booleans():
    assert parse_expression("v > 1") == sympy.Gt(v, 1)
    assert parse_expression("v == w") == sympy.Eq(v, w)
    assert parse_expression("v != w") == sympy.Ne(v, w)
    assert parse_expression("v <= w") == sympy.Le(v, w)
    assert parse_expression("0 < v < 1") == sympy.And(sympy.Lt(0, v), sympy.Lt(v, 1))
    assert parse_expression("v > 1 and w < 2") == sympy.And(v > 1, w < 2)
    assert parse_expression("v > 1 or w < 2") == sympy.Or(v > 1, w < 2)
    assert parse_expression("not v > 1") == sympy.Le(v, 1)


def test_each_random_call_site_is_distinct_and_parsing_is_deterministic():
    expr = parse_expression("rand() - rand() + randn()")
    calls = expr.atoms(rand, randn)
    assert len(calls) == 3
    assert expr != 0
    assert parse_expression("rand() - rand() + randn()") == expr


def test_random_draws_are_not_numbers():
    draw = parse_expression("rand()")
    assert not draw.is_number
    assert draw.is_real
    assert sympy.N(draw) == draw  # sympy must not call mpmath's own rand


def test_user_functions_are_registered_by_name():
    expr = parse_expression("I(t) + J(t, i)", user_functions={"I": 1, "J": (1, 2)})
    assert expr == sympy.Function("I")(symbol("t")) + sympy.Function("J")(symbol("t"), symbol("i"))
    with pytest.raises(ExpressionError, match=r"I\(\) takes 1 argument, but 2 were given"):
        parse_expression("I(t, i)", user_functions={"I": 1})


def test_undefined_functions_only_when_allowed():
    with pytest.raises(ExpressionError, match="unknown function 'I'"):
        parse_expression("I(t)")
    expr = parse_expression("I(t)", allow_undefined_functions=True)
    assert expr == sympy.Function("I")(symbol("t"))


def _caret(message):
    """(quoted line, caret line) of an error message."""
    lines = message.split("\n")
    return lines[-2][4:], lines[-1][4:]


@pytest.mark.parametrize(
    "text, message, underlined",
    [
        ("__import__('os')", "unknown function '__import__'", "__import__"),
        ("v.__class__ > 0", "attribute access is not allowed", ".__class__"),
        ("().__class__", "attribute access is not allowed", ".__class__"),
        ("lambda: 0", "lambda functions are not allowed", "lambda: 0"),
        ("[1][0]", "indexing (subscripts) is not allowed", "[1][0]"),
        ("'abc'", "strings are not allowed", "'abc'"),
        ("v + b'x'", "bytes are not allowed", "b'x'"),
        ("open('x')", "unknown function 'open'", "open"),
        ("v + [1, 2]", "lists are not allowed", "[1, 2]"),
        ("v + (1, 2)", "tuples are not allowed", "(1, 2)"),
        ("{1: 2}", "dicts are not allowed", "{1: 2}"),
        ("v + [i for i in x]", "comprehensions are not allowed", "[i for i in x]"),
        ("exp(*x)", "starred arguments are not allowed", "*x"),
        ("exp(x=1)", "keyword arguments are not allowed", "x=1"),
        ("(y := 3)", "assignment expressions (:=) are not allowed", "y := 3"),
        ("f'{v}'", "f-strings are not allowed", "f'{v}'"),
        ("v if w else x", "conditional expressions", "v if w else x"),
        ("exq(v) + 1", "unknown function 'exq' (did you mean 'exp'?)", "exq"),
        ("v ^ 2", "use '**' for powers", "v ^ 2"),
        ("v in w", "'in' is not allowed", "v in w"),
        ("__builtins__", "the name '__builtins__' is not allowed", "__builtins__"),
        ("exp(1, 2)", "exp() takes 1 argument, but 2 were given", "exp(1, 2)"),
        ("rand(3)", "rand() takes 0 arguments, but 1 were given", "rand(3)"),
        ("v + 1j", "complex numbers are not allowed", "1j"),
        ("1/0", "division by zero", "1/0"),
        ("v % (0*mV)", "division by zero", "v % (0*mV)"),
        ("log(0) + v", "not a finite real number", "log(0)"),
        ("sqrt(-1)", "not a finite real number", "sqrt(-1)"),
        ("9**9**9", "not a finite real number", "9**9**9"),
        ("1e999", "too large", "1e999"),
        ("~v", "use 'not'", "~v"),
        ("(1)(2)", "only named functions can be called", "1"),
    ],
)
def test_rejected_syntax_has_a_caret_under_the_offending_part(text, message, underlined):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    error = str(info.value)
    assert message in error
    quoted, caret = _caret(error)
    assert quoted == text
    start = caret.index("^")
    assert caret.strip() == "^" * len(underlined)
    assert quoted[start:start + len(underlined)] == underlined


def test_the_example_of_the_brief_exactly():
    with pytest.raises(ExpressionError) as info:
        parse_expression("v.__class__ > 0")
    assert str(info.value) == (
        "attribute access is not allowed in expressions:\n"
        "    v.__class__ > 0\n"
        "     ^^^^^^^^^^"
    )


@pytest.mark.parametrize("text, column", [("v >", 3), ("v + (", 4), ("a b", 2), ("1 +* 2", 3)])
def test_python_syntax_errors_become_expression_errors_with_caret(text, column):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    quoted, caret = _caret(str(info.value))
    assert quoted == text
    assert caret.index("^") == column


def test_errors_are_syntax_errors_and_labkit_errors_and_name_the_context():
    with pytest.raises(SyntaxError) as info:
        parse_expression("v.x", context="threshold")
    assert isinstance(info.value, LabkitError)
    assert "(in threshold)" in str(info.value)


def test_caret_counts_characters_not_bytes():
    with pytest.raises(ExpressionError) as info:
        parse_expression("é + v.a")
    quoted, caret = _caret(str(info.value))
    assert quoted[caret.index("^"):] == ".a"


def test_empty_and_non_string_input():
    with pytest.raises(ExpressionError, match="empty expression"):
        parse_expression("   ")
    with pytest.raises(ExpressionError, match="must be a string"):
        parse_expression(3)  # type: ignore[arg-type]


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ExpressionError):
        parse_expression("(" * 500 + "v" + ")" * 500)
    with pytest.raises(ExpressionError):
        parse_expression("-" * 100_000 + "v")


def test_sympy_never_duplicates_a_random_draw():
    expr = parse_expression("sin(arctan(rand()))")
    calls = [n for n in sympy.preorder_traversal(expr) if isinstance(n, rand)]
    assert len(calls) == 1


def test_sympy_complex_rewrites_are_kept_out():
    from labkit.equations import expression_str

    expr = parse_expression("abs(exp(v**rand()))")
    assert "re(" not in expression_str(expr)
    assert parse_expression(expression_str(expr)) == expr


def test_expressions_are_stored_in_their_settled_form():
    from labkit.equations import expression_str

    expr = parse_expression("abs(-abs(v))")
    assert expr == sympy.Abs(v)
    assert parse_expression(expression_str(expr)) == expr


def test_a_literal_zero_times_a_unit_stays_unevaluated():
    expr = parse_expression("v > 0*mV")
    assert expr.rhs.is_zero and expr.rhs.free_symbols == {symbol("mV")}


def test_floor_division_by_a_subnormal_overflows_cleanly():
    # found by the printing round-trip fuzz test: the quotient's coefficient is inf in float64
    with pytest.raises(ExpressionError, match="too large for a 64-bit float"):
        parse_expression("v // 2.225073858507203e-309")


def test_condition_in_arithmetic_counts_as_one_or_zero():
    """Brian2's rule, used in ``on_pre='v_post += w * (rand() < p)'``."""
    import sympy

    from labkit.equations import parse_expression

    expr = parse_expression("2*(v > 0) + 1")
    v = sympy.Symbol("v", real=True)
    assert expr.subs(v, 1) == 3 and expr.subs(v, -1) == 1


@pytest.mark.parametrize("text, at_two, at_zero", [
    ("sin(v > 1)", math.sin(1), 0.0),          # a function's argument (was AttributeError)
    ("int(v > 1)", 1, 0),                      # Brian2's idiom
    ("int(v > 1 and not v > 3)*2", 2, 0),
    ("(v > 1) + True", 2, 1),                  # True is 1
    ("(v > 1) > 0.5", True, False),            # compared with a number
    ("exp(v < 1) - 1", 0.0, math.e - 1),
    ("int(True) + int(2.5) + int(-2.5)", 1, 1),  # constants fold, truncating towards 0
])
def test_conditions_used_as_numbers_are_one_or_zero(text, at_two, at_zero):
    expr = parse_expression(text)
    for value, expected in ((2, at_two), (0, at_zero)):
        got = expr.subs(v, value)
        assert got == expected or float(got) == pytest.approx(float(expected))
    assert parse_expression(expression_str(expr)) == expr  # prints as int(...), round-trips


def test_a_boolean_variable_compared_with_true_stays_a_condition():
    expr = parse_expression("b == True")
    assert isinstance(expr, sympy.Eq) and expr.rhs is sympy.true


@pytest.mark.parametrize("text", ["sqrt((rand() ** 10))", "(rand()**10)**(1/2)"])
def test_sympy_never_copies_a_random_draw(text):
    # found by the printing round-trip fuzz test: sqrt(r**10) -> Abs(r)*r**4 uses one draw
    # twice, which prints (and so compiles) as two independent draws
    from labkit.equations.functions import rand

    expr = parse_expression(text)
    draws = [node for node in sympy.preorder_traversal(expr) if isinstance(node, rand)]
    assert len(draws) == 1

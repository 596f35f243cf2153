"""parse_statements: reset / on_pre code."""

import re

import pytest
import sympy

from labkit.equations import Statement, parse_statements
from labkit.equations.functions import rand
from labkit.equations.symbols import symbol
from labkit.errors import ExpressionError

v, w, b = symbol("v"), symbol("w"), symbol("b")


def test_lines_semicolons_comments_and_indentation():
    code = """
        v = v_r   # back to rest
        w += b; ge *= 2
        gi -= 1 ; x /= 3
    """
    statements = parse_statements(code)
    assert [(s.target, s.op) for s in statements] == [
        ("v", "="), ("w", "+="), ("ge", "*="), ("gi", "-="), ("x", "/="),
    ]
    assert statements[0].expr == symbol("v_r")
    assert statements[1].source == "w += b"


def test_statement_value_and_str():
    (s,) = parse_statements("w += b")
    assert s == Statement("w", "+=", b, "w += b")
    assert s.value == w + b
    assert str(s) == "w += b"
    (s,) = parse_statements("v /= 2")
    assert s.value == v / 2


def test_random_call_sites_are_distinct_across_a_block():
    first, second = parse_statements("v = rand()\nw = rand()")
    assert first.expr.atoms(rand) != second.expr.atoms(rand)


def test_statements_are_frozen_and_hashable():
    (s,) = parse_statements("v = 0")
    with pytest.raises(AttributeError):
        s.target = "w"  # type: ignore[misc]
    assert hash(s) == hash(parse_statements("v = 0")[0])


def test_empty_code_gives_no_statements():
    assert parse_statements("") == ()
    assert parse_statements("  # nothing\n") == ()


@pytest.mark.parametrize(
    "code, message",
    [
        ("v", "must assign to a variable"),
        ("v = w = 0", "only one target per assignment"),
        ("v **= 2", "only =, +=, -=, *= and /= are allowed"),
        ("v.x = 1", "target of an assignment must be a variable name"),
        ("v[0] = 1", "target of an assignment must be a variable name"),
        ("import os", "only assignments"),
        ("if v > 0: v = 0", "only assignments"),
        ("v = __import__('os')", "unknown function '__import__'"),
        ("v = w.__class__", "attribute access is not allowed"),
        ("v = ", "invalid syntax"),
        ("__x = 1", "the name '__x' is not allowed"),
        ("def f(): pass", "only assignments"),
    ],
)
def test_rejected_statements(code, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse_statements(code, context="reset")


def test_error_in_a_later_line_quotes_that_line():
    with pytest.raises(ExpressionError) as info:
        parse_statements("v = 0\nw = x.y")
    lines = str(info.value).split("\n")
    assert lines[-2] == "    w = x.y"
    assert lines[-1] == "         ^^"


def test_expressions_of_statements_are_sympy():
    (s,) = parse_statements("v = v_r + 0.5*(w - v)")
    assert isinstance(s.expr, sympy.Expr)

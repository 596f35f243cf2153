"""Parsed models, expressions and statements are kept on disk: a fresh process reads the
very trees it would have parsed (labkit.equations.stored)."""

import itertools

import pytest
import sympy

from labkit.equations import Equations, parse_expression, parse_statements, stored
from labkit.equations import expressions as expressions_module
from labkit.equations.budget import time_limit
from labkit.errors import ExpressionError

MODELS = [
    """dv/dt = (ge+gi-(v-El))/taum : volt (unless refractory)
       dge/dt = -ge/taue : volt
       dgi/dt = -gi/taui : volt""",
    """dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa))/Cm : volt
       dm/dt = alpha_m*(1-m)-beta_m*m : 1
       dh/dt = 0.128*exp((17*mV-v+VT)/(18*mV))/ms*(1-h) - 4/(1+exp((40*mV-v+VT)/(5*mV)))/ms*h : 1
       alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
       beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz""",
    """dx/dt = -x/tau + sigma*xi*tau**-0.5 : 1
       y = x*(rand() < 0.5) + 0*mV/mV + clip(x, 0, 1) + int(x > 0.2) + x % 3 : 1
       z = sqrt(abs(x))*sign(x) + floor(2.5*x) : 1 (constant over dt)""",
    """dv/dt = (stimulus(t, i) - v)/tau : 1
       flag : boolean""",
]


@pytest.fixture
def fresh_process(tmp_path, monkeypatch):
    """A cache directory of our own; forgetting the memory acts as a new process."""
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stored, "_MEMORY", {})
    monkeypatch.setattr(stored, "WORTH_STORING", 0.0)

    def restart():
        stored._MEMORY.clear()
    return restart


def _trees(eqs: Equations):
    return [(eq.name, sympy.srepr(eq.expr)) for eq in eqs.values()]


@pytest.mark.parametrize("text", MODELS)
def test_a_model_read_back_is_the_model_parsed(fresh_process, tmp_path, text):
    parsed = Equations(text)
    assert list((tmp_path / "equations").glob("*.pickle"))  # stored
    fresh_process()
    read = Equations(text)
    assert read == parsed and str(read) == str(parsed)
    assert _trees(read) == _trees(parsed)  # the same trees, not just the same text
    fresh_process()
    again = read.get_substituted_expressions(include_subexpressions=True)
    fresh_process()
    stored_again = Equations(text).get_substituted_expressions(include_subexpressions=True)
    assert [(n, sympy.srepr(e)) for n, e in stored_again] == \
        [(n, sympy.srepr(e)) for n, e in again]


def test_a_damaged_store_is_parsed_again(fresh_process, tmp_path):
    parsed = Equations(MODELS[0])
    for path in (tmp_path / "equations").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    fresh_process()
    assert Equations(MODELS[0]) == parsed


def test_errors_are_raised_every_time_and_not_stored(fresh_process, tmp_path):
    for _ in range(2):
        with pytest.raises(ExpressionError, match=r"\^"):
            parse_expression("v + * 2")
        with pytest.raises(ExpressionError, match="attribute access"):
            Equations("dv/dt = v.__class__ : 1")
    assert not list(tmp_path.rglob("*.pickle"))


@pytest.mark.parametrize("text", ["rand() < 0.5 and randn() > x",
                                  "(v < x) and (v < (rand() / (v < x)))"])  # kept unevaluated
def test_expressions_keep_their_random_call_sites_numbered_by_the_caller(fresh_process, text):
    for _ in range(2):  # parsed, then read back
        fresh_process()
        ours, theirs = itertools.count(7), itertools.count(7)
        got = parse_expression(text, call_sites=ours)
        expected = expressions_module._parse(text, None, None, theirs, False)
        assert sympy.srepr(got) == sympy.srepr(expected)
        assert next(ours) == next(theirs) > 8  # the counter advanced as the parser's does
        assert {int(c.args[0]) for c in got.atoms(*_random_functions())} >= {7}
    assert parse_expression(text) == expressions_module._parse(text, None, None, None, False)


def _random_functions():
    from labkit.equations.functions import rand, randn

    return rand, randn


def test_statements_read_back(fresh_process):
    parsed = parse_statements("v = v_r*(rand() < 0.3)\nw += b; ge *= 2")
    fresh_process()
    read = parse_statements("v = v_r*(rand() < 0.3)\nw += b; ge *= 2")
    assert [str(s) for s in read] == [str(s) for s in parsed]
    assert [sympy.srepr(s.expr) for s in read] == [sympy.srepr(s.expr) for s in parsed]


def test_quick_parses_are_stored_up_to_a_bound(fresh_process, tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "WORTH_STORING", 60.0)
    monkeypatch.setattr(stored, "QUICK_STORED", 1)
    monkeypatch.setattr(stored, "_quick_stored", [0])
    assert parse_expression("a + b") == parse_expression("a + b")
    assert len(list(tmp_path.rglob("*.pickle"))) == 1  # a fresh process reads it back
    assert parse_expression("a + c") == parse_expression("a + c")
    assert len(list(tmp_path.rglob("*.pickle"))) == 1  # past the bound: in memory only


def test_time_limit_says_what_it_limits_only_when_it_expires():
    said = []
    with time_limit(lambda: said.append(1) or "printing a model"):
        pass
    assert said == []

"""Random text never escapes as anything but a labkit error; valid text round-trips."""

import os
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from labkit.equations import (
    Equations,
    budget,
    check_dimensions,
    expression_str,
    infer_dimension,
    parse_expression,
    parse_statements,
    parse_unit,
)
from labkit.equations.functions import rand, randn
from labkit.errors import LabkitError
from labkit.units.dimension import DIMENSIONLESS

# LABKIT_FUZZ_EXAMPLES=5000 for a longer hunt.
FUZZ = settings(max_examples=int(os.environ.get("LABKIT_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "v", "w", "tau", "x", "xi", "t", "0", "1", "2", "0.5", "1e3", "1e999", "True", "None",
    "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "**", "%", "//", "<", "<=", ">", ">=",
    "==", "!=", "and", "or", "not", "if", "else", "lambda", ":", "=", "+=", ",", ".", ";",
    "exp(", "log(", "sqrt(", "clip(", "rand()", "randn()", "int(", "abs(", "exprel(", "I(",
    "__import__", "__class__", "'os'", '"x"', "b'x'", "f'{v}'", "#", "\n", "\t", " ", "\\",
    "dv/dt", "d", "volt", "mV", "1/second", "(unless refractory)", "(constant)", "é", "$", "@",
    "~", "^", "&", "|", ":=", "*args", "**kw", "...", "yield", "await", "0*mV",
]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)
spaced_soup = st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join)
any_text = st.one_of(st.text(max_size=60), token_soup, spaced_soup)


def only_labkit_errors(function, text):
    try:
        function(text)
    except LabkitError:
        pass


@FUZZ
@given(any_text)
def test_parse_expression_raises_only_labkit_errors(text):
    only_labkit_errors(parse_expression, text)


@FUZZ
@given(any_text)
def test_parse_statements_raises_only_labkit_errors(text):
    only_labkit_errors(parse_statements, text)


@FUZZ
@given(any_text)
def test_parse_unit_raises_only_labkit_errors(text):
    only_labkit_errors(parse_unit, text)


def _equations_and_checks(text):
    eqs = Equations(text)
    check_dimensions(eqs, lambda name: DIMENSIONLESS)
    Equations(str(eqs))


EQUATION_PARTS = ["dv/dt = ", "dw/dt=", "x = ", "y : ", " : volt", " : 1", ": boolean",
                  " (unless refractory)", " (constant)", " (summed)", "\n", "# c\n"]


@FUZZ
@given(st.one_of(any_text, st.lists(st.sampled_from(TOKENS + EQUATION_PARTS), max_size=30)
                 .map("".join)))
def test_equations_raise_only_labkit_errors(text):
    only_labkit_errors(_equations_and_checks, text)


# -- valid expressions: printing round-trips ----------------------------------------------------

names = st.sampled_from(["v", "w", "x", "tau", "xi", "t"])
numbers = st.one_of(
    st.integers(min_value=0, max_value=1000).map(str),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(repr),
)
atoms = st.one_of(names, numbers, st.just("rand()"), st.just("randn()"))


UNARY_FUNCTIONS = ["exp", "log", "sin", "tanh", "abs", "floor", "ceil", "int", "exprel",
                   "sqrt", "sign", "arctan"]


def _binary(parts):
    return f"({parts[0]} {parts[1]} {parts[2]})"


COMPARISONS = ["<", "<=", ">", ">=", "==", "!="]

arithmetic = st.deferred(lambda: st.one_of(
    atoms, atoms, atoms,
    st.tuples(arithmetic, st.sampled_from(["+", "-", "*", "/", "**", "%", "//"]),
              arithmetic).map(_binary),
    # a comparison used as a number is 1 or 0 (Brian2's rule)
    st.tuples(arithmetic, st.sampled_from(COMPARISONS), arithmetic).map(_binary),
    st.tuples(st.sampled_from(["-", "+"]), arithmetic).map("{0[0]}({0[1]})".format),
    st.tuples(st.sampled_from(UNARY_FUNCTIONS), arithmetic).map("{0[0]}({0[1]})".format),
    st.tuples(arithmetic, arithmetic, arithmetic).map("clip({0[0]}, {0[1]}, {0[2]})".format),
))
comparison = st.tuples(arithmetic, st.sampled_from(COMPARISONS), arithmetic).map(_binary)
conditions = st.deferred(lambda: st.one_of(
    comparison, comparison,
    st.tuples(conditions, st.sampled_from(["and", "or"]), conditions).map(_binary),
    conditions.map("(not {})".format),
))


#: Seconds sympy may spend on a generated expression's first parse. A few generated
#: conditions (a clip() compared inside a comparison) keep sympy busy past labkit's own
#: 30 s limit: each was rejected only after those 30 s (five such examples made this test
#: 159 s in CI against 12 s of CPU without them). Rejected sooner, they still are rejected
#: with labkit's error; the slowest of the rest takes 0.6 s of CPU, so only a machine
#: loaded past 8x would reject one of them too (skipping its check, never failing it).
FIRST_PARSE_LIMIT = 5.0


def _round_trip(text):
    saved, budget.TIME_LIMIT = budget.TIME_LIMIT, FIRST_PARSE_LIMIT
    try:
        expr = parse_expression(text)
    except LabkitError:
        return  # e.g. log(0), 1/0, sympy past the limit: rejected on purpose
    finally:
        budget.TIME_LIMIT = saved
    printed = expression_str(expr)
    again = parse_expression(printed)
    if not expr.atoms(rand, randn):
        assert again == expr, (text, printed)
    # With several random calls only the numbering of call sites may differ.
    assert expression_str(again) == printed, (text, printed)
    assert len(again.atoms(rand, randn)) == len(expr.atoms(rand, randn))
    try:
        infer_dimension(expr, lambda name: DIMENSIONLESS)
    except LabkitError:
        pass


@FUZZ
@given(arithmetic)
# found by the fuzzer: a zero product printed with its factors swapped parsed to another
# tree; arctan(log(0)) made an interval (AccumBounds) that printed as an unknown function
@example("(v * (0 * v))")
@example("(v + (v < arctan(log((v < w)))))")
def test_arithmetic_round_trips_through_printing(text):
    _round_trip(text)


@FUZZ
@given(conditions)
def test_conditions_round_trip_through_printing(text):
    _round_trip(text)


@pytest.mark.parametrize("text", ["(0 // 0.5)", "exprel(0)", "(x ** -1)", "-(-(x))",
                                  "((v - v) < 0.0)", "(1e-05 * x)", "abs(-(rand()))"])
def test_round_trip_examples(text):
    _round_trip(text)


# -- whole models: built and run on the numpy device -------------------------------------------

_UNITS = {"tau": "1", "t": "(t/tau)", "xi": "(xi*sqrt(tau))"}  # every variable is unit-less


def _in_model(text: str) -> str:
    return re.sub(r"\b(tau|t|xi)\b", lambda m: _UNITS[m.group(1)], text)


def _model_text(dv, dw, u, with_w):
    """v and w (state, w only sometimes), u (a subexpression of any of them), x : 1."""
    lines = [f"dv/dt = ({dv})/tau : 1", f"u = {u} : 1", "x : 1"]
    if with_w:
        lines.append(f"dw/dt = ({dw})/tau : 1")
    text = "\n".join(lines)
    return text if with_w else re.sub(r"\bw\b", "u", text)


model_arithmetic = arithmetic.map(_in_model)
models = st.builds(_model_text, model_arithmetic.map(lambda s: s.replace("x", "u")),
                   model_arithmetic, model_arithmetic.map(lambda s: re.sub(r"\bu\b", "x", s)),
                   st.booleans())

#: Each example is one model built and run; sympy's share is limited (labkit's own limit,
#: lowered here), and hypothesis fails an example that still takes longer than this.
MODEL_FUZZ = settings(max_examples=int(os.environ.get("LABKIT_FUZZ_MODELS", "60")),
                      deadline=20_000, suppress_health_check=[
                          HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.slow
@MODEL_FUZZ
@given(models, st.one_of(st.none(), conditions.map(_in_model)),
       st.sampled_from([None, "euler", "exact", "rk4", "exponential_euler"]))
def test_random_models_run_or_raise_labkit_errors(monkeypatch, model, threshold, method):
    """The issue #20 hunt: comparisons as numbers, noise in odd places, sympy blow-ups."""
    from labkit import Network, NeuronGroup, ms, set_device
    from labkit.equations import budget

    monkeypatch.setattr(budget, "TIME_LIMIT", 2.0)
    set_device("numpy")
    try:
        group = NeuronGroup(2, model, threshold=threshold, reset=None if threshold is None
                            else "v = 0", method=method, namespace={"tau": 1 * ms})
        group.v = [0.5, 2]
        Network(group).run(0.3 * ms)
    except LabkitError:
        pass

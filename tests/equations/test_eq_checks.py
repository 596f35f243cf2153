"""Dimension inference and the checks of equations, conditions and statements."""

import pytest

from labkit import amp, ms, mV, nA, second, volt
from labkit.equations import (
    Equations,
    check_condition,
    check_dimensions,
    check_statement,
    infer_dimension,
    parse_expression,
    parse_statements,
    resolver,
)
from labkit.errors import DimensionMismatchError, ExpressionError, UnknownNameError
from labkit.units.dimension import DIMENSIONLESS

VOLT, AMP, SECOND = volt.dim, amp.dim, second.dim
DIMS = {"v": VOLT, "w": VOLT, "I": AMP, "tau": SECOND, "x": DIMENSIONLESS, "n": DIMENSIONLESS}


def dim(text, dims=DIMS, **kwargs):
    return infer_dimension(parse_expression(text), dims, **kwargs)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("v", VOLT),
        ("v/tau", VOLT / SECOND),
        ("v*I", VOLT * AMP),
        ("v**2", VOLT**2),
        ("v**-1", VOLT**-1),
        ("sqrt(v*v)", VOLT),
        ("sqrt(tau)", SECOND**0.5),
        ("abs(v - w)", VOLT),
        ("clip(v, w, 2*w)", VOLT),
        ("floor(v/w)", DIMENSIONLESS),
        ("exp(v/w)", DIMENSIONLESS),
        ("exprel(v/w) + 1", DIMENSIONLESS),
        ("sign(v)", DIMENSIONLESS),
        ("int(x) + rand() + randn()", DIMENSIONLESS),
        ("v % w", VOLT),
        ("v // w", DIMENSIONLESS),
        ("t", SECOND),
        ("dt/tau", DIMENSIONLESS),
        ("xi", SECOND**-0.5),
        ("xi_1*sqrt(tau)", DIMENSIONLESS),
        ("v > w", DIMENSIONLESS),
        ("v > w and x < 1", DIMENSIONLESS),
        ("x**n", DIMENSIONLESS),
        ("1/2", DIMENSIONLESS),
    ],
)
def test_inferred_dimensions(text, expected):
    assert dim(text) is expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("v + I", "the terms of 'I + v' have different units: 'I' has units of amp, 'v' has "
                  "units of volt"),
        ("v + 1", "the terms of 'v + 1' have different units"),
        ("v > 0", "the two sides of 'v > 0' have different units"),
        ("v == 0", "the two sides of 'v == 0'"),
        ("exp(v)", "the argument of exp() in 'exp(v)' must be dimensionless, but has units of "
                   "volt"),
        ("clip(v, 0, 1)", "the arguments of clip()"),
        ("x**v", "the exponent of 'x**v' must be dimensionless"),
        ("v**x", "the base has units of volt, so the exponent must be a number"),
        ("v % tau", "the arguments of %()"),
    ],
)
def test_dimension_mismatches_follow_brian2(text, message):
    with pytest.raises(DimensionMismatchError) as info:
        dim(text)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_zero_with_units_keeps_its_units_as_in_brian2():
    units = {"v": VOLT, "mV": VOLT, "ms": SECOND}
    assert dim("0*mV", units) is VOLT
    assert dim("v > 0*mV", units) is DIMENSIONLESS
    assert dim("0*mV/ms", units) is VOLT / SECOND
    assert dim("0.0*mV - v", units) is VOLT
    with pytest.raises(DimensionMismatchError):
        dim("v > 0", units)
    eqs = Equations("dv/dt = 0*mV/ms : volt")
    check_dimensions(eqs, resolver(eqs))
    assert Equations(str(eqs)) == eqs


def test_booleans_in_and_or_must_be_conditions():
    r = resolver(namespace={"x": 1.0, "v": 1 * mV, "w": 1 * mV})
    with pytest.raises(ExpressionError, match="'x' in .* is not a condition"):
        check_condition(parse_expression("x and v > w"), r)


def test_unknown_names_suggest_the_closest_known_name():
    with pytest.raises(UnknownNameError) as info:
        infer_dimension(parse_expression("v > V_t/tua"), {"v": VOLT, "V_t": VOLT, "tau": SECOND},
                        where="threshold 'v > V_t/tua'")
    message = str(info.value)
    assert message.startswith("unknown name 'tua' in threshold 'v > V_t/tua'")
    assert message.endswith("did you mean 'tau'?")
    assert isinstance(info.value, NameError)


def test_resolve_may_be_a_callable_returning_values():
    values = {"v": 3 * mV, "tau": 10 * ms, "k": 2.0}
    assert infer_dimension(parse_expression("k*v/tau"), values.__getitem__) is VOLT / SECOND


def test_check_dimensions_accepts_a_consistent_model():
    eqs = Equations(
        """
        dv/dt = (-v + R*I)/tau : volt (unless refractory)
        I = I0*sin(2*pi*f*t) : amp
        I0 : amp
        flag = v > V_t : boolean
        """
    )
    check_dimensions(eqs, resolver(eqs, {"R": 1 * volt / amp, "tau": 10 * ms,
                                         "f": 1 / second, "V_t": 1 * mV}))


def test_check_dimensions_message_of_the_design_document():
    eqs = Equations("dv/dt = (-v + I)/tau : volt\nI : volt")
    check_dimensions(eqs, resolver(eqs, {"tau": 10 * ms}))
    bad = Equations("dv/dt = I/tau : volt\nI : amp")
    with pytest.raises(DimensionMismatchError) as info:
        check_dimensions(bad, resolver(bad, {"tau": 10 * ms}))
    assert str(info.value) == (
        'in "dv/dt = I/tau : volt": the right side has units of amp/second, '
        "but dv/dt needs volt/second"
    )


def test_check_dimensions_of_subexpressions_and_inner_errors():
    eqs = Equations("I = v/R : volt\nv : volt")
    with pytest.raises(DimensionMismatchError, match='in "I = v/R : volt": the right side has '
                                                    "units of amp, but I needs volt"):
        check_dimensions(eqs, resolver(eqs, {"R": 1 * volt / amp}))
    eqs = Equations("dv/dt = (-v + I)/tau : volt\nI : amp")
    with pytest.raises(DimensionMismatchError, match='in "dv/dt = \\(-v \\+ I\\)/tau : volt": '
                                                    "the terms of 'I - v'"):
        check_dimensions(eqs, resolver(eqs, {"tau": 10 * ms}))


def test_check_dimensions_unknown_name_names_the_equation():
    eqs = Equations("dv/dt = -v/tua : volt")
    with pytest.raises(UnknownNameError, match="did you mean 'tau'"):
        check_dimensions(eqs, resolver(eqs, {"tau": 10 * ms}))


def test_check_dimensions_with_a_plain_mapping_and_default_resolver():
    eqs = Equations("dv/dt = -v/tau : volt")
    check_dimensions(eqs, {"tau": SECOND})
    with pytest.raises(UnknownNameError):
        check_dimensions(eqs)


def test_boolean_subexpression_needs_a_condition():
    eqs = Equations("b = v + w : boolean\nv : 1\nw : 1")
    with pytest.raises(ExpressionError, match="boolean subexpression needs a condition"):
        check_dimensions(eqs)


def test_timed_array_result_dimension_comes_from_resolve():
    eqs = Equations("dv/dt = (I_t(t)*R - v)/tau : volt")
    check_dimensions(eqs, {"I_t": AMP, "R": VOLT / AMP, "tau": SECOND})
    with pytest.raises(DimensionMismatchError):
        check_dimensions(eqs, {"I_t": VOLT, "R": VOLT / AMP, "tau": SECOND})


def test_noise_needs_second_to_the_minus_half():
    ok = Equations("dv/dt = -v/tau + sigma*xi*tau**-0.5 : volt")
    check_dimensions(ok, {"tau": SECOND, "sigma": VOLT})
    bad = Equations("dv/dt = -v/tau + sigma*xi/tau : volt")
    with pytest.raises(DimensionMismatchError, match="s\\^-9/2"):
        check_dimensions(bad, {"tau": SECOND, "sigma": VOLT})


def test_constants_bound_by_substitution_are_resolved():
    eqs = Equations("dv/dt = -v/tau : volt", tau=10 * ms)
    check_dimensions(eqs, resolver(eqs))
    eqs = Equations("dv/dt = -v/tau : volt", tau=10 * mV)
    with pytest.raises(DimensionMismatchError):
        check_dimensions(eqs, resolver(eqs))


@pytest.mark.parametrize("text", ["v > V_t", "v > V_t and not_refractory", "rand() < 0.5",
                                  "b", "not b or v < 2*mV", "True", "lastspike > t"])
def test_conditions(text):
    eqs = Equations("v : volt\nb : boolean")
    check_condition(parse_expression(text), resolver(eqs, {"V_t": 1 * mV}), where="threshold")


@pytest.mark.parametrize(
    "text, error, message",
    [
        ("v", ExpressionError, "threshold must be a condition"),
        ("v + 1*mV", ExpressionError, "threshold must be a condition"),
        ("v > 1", DimensionMismatchError, "in threshold: the two sides of 'v > 1'"),
        ("v > V_tt", UnknownNameError, "did you mean 'V_t'"),
    ],
)
def test_bad_conditions(text, error, message):
    eqs = Equations("v : volt\nb : boolean")
    with pytest.raises(error, match=message):
        check_condition(parse_expression(text), resolver(eqs, {"V_t": 1 * mV}), where="threshold")


def test_statements():
    eqs = Equations("dv/dt = -v/tau : volt\nI = v/R : amp\nc : 1 (constant)\ng : 1")
    r = resolver(eqs, {"tau": 10 * ms, "R": 1 * volt / amp, "V_r": 1 * mV, "w": 2 * mV})
    for code in ("v = V_r", "v += w", "v -= w", "v *= 2", "v /= g", "g = rand()"):
        check_statement(parse_statements(code)[0], r)
    with pytest.raises(DimensionMismatchError, match="units of amp, but 'v =' needs volt"):
        check_statement(parse_statements("v = 2*nA")[0], r)
    with pytest.raises(DimensionMismatchError, match="'v \\*=' needs 1"):
        check_statement(parse_statements("v *= w")[0], r)
    for target in ("I", "c", "tau"):
        with pytest.raises(ExpressionError, match=f"cannot assign to '{target}'"):
            check_statement(parse_statements(f"{target} = 0")[0], r)
    with pytest.raises(UnknownNameError, match="did you mean 'v'"):
        check_statement(parse_statements("vv = 0*mV")[0], r)
    assert nA is not None


def test_the_plain_list_of_function_names_is_the_built_in_functions():
    """labkit.equations.names.FUNCTION_NAMES (no sympy: the namespace's hints) is FUNCTIONS."""
    from labkit.equations.functions import FUNCTIONS
    from labkit.equations.names import FUNCTION_NAMES

    assert sorted(FUNCTION_NAMES) == sorted(FUNCTIONS)


def test_a_call_of_a_name_that_is_no_function_is_refused_by_a_plan_resolver():
    from labkit.equations import parse_expression
    from labkit.equations.checks import Resolver, Signature, infer_dimension

    expr = parse_expression("E(t) + 1", allow_undefined_functions=True)
    infer_dimension(expr, {"E": DIMENSIONLESS, "t": SECOND})  # unknown: not refused
    plan = Resolver({"E": DIMENSIONLESS, "t": SECOND}, functions=True)
    with pytest.raises(ExpressionError, match="calls 'E', which is not a function"):
        infer_dimension(expr, plan)
    timed = Resolver({"E": Signature(DIMENSIONLESS, (SECOND, DIMENSIONLESS)), "t": SECOND})
    with pytest.raises(ExpressionError, match=r"E\(\) takes 2 arguments \(E\(t, i\)\)"):
        infer_dimension(expr, timed)

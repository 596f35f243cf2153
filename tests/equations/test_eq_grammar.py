"""The line grammar: forms, units, flags, comments, multi-line equations, names."""

import pytest
import sympy

from labkit.equations.grammar import parse_equations
from labkit.equations.model import FLAGS
from labkit.equations.symbols import symbol
from labkit.equations.unitspec import parse_unit
from labkit.errors import EquationError, ExpressionError, UnitError
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension

VOLT = get_or_create_dimension(m=2, kg=1, s=-3, A=-1)
AMP = get_or_create_dimension(A=1)
SECOND = get_or_create_dimension(s=1)


def test_the_three_line_forms():
    diff, sub, param = parse_equations(
        """
        dv/dt = (-v + I)/tau : volt
        I = g*(E - v) : volt
        g : 1
        """
    )
    assert (diff.kind, diff.name, diff.dim) == ("diff", "v", VOLT)
    assert diff.expr == (symbol("I") - symbol("v")) / symbol("tau")
    assert (sub.kind, sub.name, sub.dim) == ("sub", "I", VOLT)
    assert (param.kind, param.name, param.dim, param.expr) == ("param", "g", DIMENSIONLESS, None)
    assert diff.source == "dv/dt = (-v + I)/tau : volt"


def test_spacing_variants_of_the_derivative():
    (eq,) = parse_equations("d v / dt=-v/tau:volt")
    assert eq.kind == "diff" and eq.name == "v"


@pytest.mark.parametrize(
    "unit, dim, var_type",
    [
        ("1", DIMENSIONLESS, "float"),
        ("boolean", DIMENSIONLESS, "boolean"),
        ("integer", DIMENSIONLESS, "integer"),
        ("volt", VOLT, "float"),
        ("amp/meter**2", AMP / get_or_create_dimension(m=2), "float"),
        ("siemens/metre**2", get_or_create_dimension(m=-4, kg=-1, s=3, A=2), "float"),
        ("1/second", get_or_create_dimension(s=-1), "float"),
        ("hertz", get_or_create_dimension(s=-1), "float"),
        ("Hz", get_or_create_dimension(s=-1), "float"),
        ("metre**2", get_or_create_dimension(m=2), "float"),
        ("second**-0.5", get_or_create_dimension(s=-0.5), "float"),
        ("second**(1/2)", get_or_create_dimension(s=0.5), "float"),
        ("ohm*metre", get_or_create_dimension(m=3, kg=1, s=-3, A=-2), "float"),
        ("kilogram", get_or_create_dimension(kg=1), "float"),
    ],
)
def test_unit_specifications(unit, dim, var_type):
    assert parse_unit(unit) == (dim, var_type)
    (eq,) = parse_equations(f"x : {unit}")
    assert (eq.dim, eq.var_type) == (dim, var_type)


@pytest.mark.parametrize(
    "unit, message",
    [
        ("mV", "'mV' is not a base unit; use 'volt' instead"),
        ("cm", "'cm' is not a base unit; use 'metre' instead"),
        ("siemens/cm**2", "'cm' is not a base unit; use 'metre' instead"),
        ("kHz", "'kHz' is not a base unit; use 'hertz' instead"),
        ("2*volt", "is a quantity, not a unit"),
        ("vlot", "unknown unit 'vlot'"),
        ("bool", "use 'boolean'"),
        ("volt**x", "exponents in 'volt\\*\\*x' must be numbers"),
        ("volt.x", "cannot read 'volt.x' as a unit"),
        ("__import__('os')", "cannot read"),
        ("volt +", "cannot read"),
    ],
)
def test_bad_units(unit, message):
    with pytest.raises(UnitError, match=message):
        parse_unit(unit)
    with pytest.raises(EquationError, match="line 1"):
        parse_equations(f"x : {unit}")


def test_every_flag_on_its_kind_of_line():
    lines = {"diff": "dx/dt = -x/tau : 1", "sub": "x = 2*y : 1", "param": "x : 1"}
    for flag, kinds in FLAGS.items():
        for kind, line in lines.items():
            text = f"{line} ({flag})"
            if kind in kinds:
                (eq,) = parse_equations(text)
                assert eq.flags == frozenset({flag})
            else:
                with pytest.raises(EquationError, match=f"the flag '{flag}' is not allowed"):
                    parse_equations(text)


def test_several_flags_and_flag_spacing():
    (eq,) = parse_equations("x : volt (constant,  shared)")
    assert eq.flags == frozenset({"constant", "shared"})


def test_unknown_flag_lists_the_allowed_ones():
    with pytest.raises(EquationError) as info:
        parse_equations("dv/dt = -v/tau : volt (unless refactory)")
    message = str(info.value)
    assert "unknown flag 'unless refactory'" in message
    assert "unless refractory" in message and "event-driven" in message


def test_duplicate_flag():
    with pytest.raises(EquationError, match="twice"):
        parse_equations("x : 1 (constant, constant)")


def test_parenthesised_unit_is_not_taken_for_flags():
    (eq,) = parse_equations("x : amp/(metre**2)")
    assert eq.dim == AMP / get_or_create_dimension(m=2) and not eq.flags


def test_comments_and_blank_lines():
    eqs = parse_equations(
        """
        # a comment line
        dv/dt = -v/tau : volt  # trailing comment (with parentheses: ok)

        w : 1 # (constant) is only a comment here
        """
    )
    assert [eq.name for eq in eqs] == ["v", "w"]
    assert eqs[1].flags == frozenset()


def test_multi_line_hodgkin_huxley_equation():
    (eq,) = parse_equations(
        """dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
                 g_na*(m*m*m)*h*(v-ENa)-
                 g_kd*(n*n*n*n)*(v-EK))/Cm : volt"""
    )
    names = {s.name for s in eq.expr.free_symbols}
    assert names == {"gl", "El", "v", "ge", "Ee", "gi", "Ei", "g_na", "m", "h", "ENa",
                     "g_kd", "n", "EK", "Cm"}
    m, n = symbol("m"), symbol("n")
    assert eq.expr.has(m**3) and eq.expr.has(n**4)


def test_line_breaks_inside_parentheses_and_comments_between():
    (eq, other) = parse_equations(
        """
        dV/dt = (-V + a*tanh(V)   # first part
                 + b*tanh(Vs)) / tau : 1
        dVs/dt = (V - Vs)/tau_s : 1
        """
    )
    assert eq.expr == (-symbol("V") + symbol("a") * sympy.tanh(symbol("V"))
                       + symbol("b") * sympy.tanh(symbol("Vs"))) / symbol("tau")
    assert other.name == "Vs"


def test_missing_unit_names_the_line():
    with pytest.raises(EquationError, match=r"line 3 .*needs ': unit'"):
        parse_equations("\nv : volt\ndw/dt = -w/tau\n")


@pytest.mark.parametrize(
    "text, message",
    [
        ("v == 1 : volt", "cannot read this line"),
        ("3v : volt", "cannot read this line"),
        ("dv/dt = : volt", "right-hand side is missing"),
        ("dv/dt = -v/tau : boolean", "needs a float variable"),
        ("v w : volt", "cannot read this line"),
    ],
)
def test_unreadable_lines(text, message):
    with pytest.raises(EquationError, match=message):
        parse_equations(text)


@pytest.mark.parametrize(
    "name", ["t", "dt", "xi", "xi_1", "i", "N", "not_refractory", "lastspike", "exp", "rand",
             "pi", "_private", "lambda", "mV", "volt", "t_in_timesteps"],
)
def test_reserved_names_cannot_be_defined(name):
    with pytest.raises(EquationError, match=f"line 2 .*'{name}'.*cannot be used as a variable"):
        parse_equations(f"\n{name} : 1")


def test_duplicate_definitions_name_both_lines():
    with pytest.raises(EquationError) as info:
        parse_equations("dv/dt = -v/tau : volt\nw : 1\nv : volt")
    message = str(info.value)
    assert "line 3" in message and "line 1" in message and "'v' is already defined" in message


def test_expression_errors_name_the_line_and_point_at_the_expression():
    with pytest.raises(ExpressionError) as info:
        parse_equations("w : 1\ndv/dt = -v.x/tau : volt")
    message = str(info.value)
    assert 'line 2, equation "dv/dt = -v.x/tau : volt"' in message
    assert message.endswith("    -v.x/tau\n      ^^")


def test_timed_array_calls_parse_without_a_namespace():
    (eq,) = parse_equations("dv/dt = (I(t) - v)/tau : volt")
    assert eq.expr.has(sympy.Function("I")(symbol("t")))


def test_non_string():
    with pytest.raises(EquationError):
        parse_equations(None)  # type: ignore[arg-type]

"""Equations: the mapping, names, substitution, +, equality/hash, str round trip."""

import pickle

import pytest
import sympy

from labkit import ms, mV, nA
from labkit.equations import Equations, SingleEquation
from labkit.equations.functions import rand
from labkit.equations.symbols import symbol
from labkit.errors import EquationError

LIF = """
dv/dt = (-v + I)/tau : volt (unless refractory)
I = g*(E - v) : volt
g : 1 (constant)
"""


def test_is_an_ordered_mapping_of_single_equations():
    eqs = Equations(LIF)
    assert list(eqs) == ["v", "I", "g"]
    assert len(eqs) == 3 and "v" in eqs and "w" not in eqs
    assert all(isinstance(eq, SingleEquation) for eq in eqs.values())
    assert eqs["I"].kind == "sub"


def test_name_attributes():
    eqs = Equations(LIF)
    assert eqs.diff_eq_names == ("v",)
    assert eqs.subexpr_names == ("I",)
    assert eqs.parameter_names == ("g",)
    assert eqs.names == ("v", "I", "g")
    assert eqs.identifiers == ("E", "tau")


def test_identifiers_exclude_time_noise_functions_but_include_timed_arrays():
    eqs = Equations("dv/dt = -v/tau + exp(t/dt)*xi/sqrt(tau) + xi_2/sqrt(tau) + I_t(t) + i : 1")
    assert eqs.identifiers == ("I_t", "i", "tau")


def test_ordered_puts_subexpressions_after_their_dependencies():
    eqs = Equations(
        """
        p : 1
        a = b + 1 : 1
        dv/dt = a/tau : 1
        b = 2*p : 1
        """
    )
    assert [eq.name for eq in eqs.ordered] == ["v", "b", "a", "p"]


def test_substituted_expressions():
    eqs = Equations(
        """
        dv/dt = (I - v)/tau : 1
        dw/dt = -w/tau : 1
        I = 2*J : 1
        J = w + 1 : 1
        K = rand() : 1 (constant over dt)
        du/dt = K/tau : 1
        """
    )
    v, w, u, tau = (symbol(n) for n in "v w u tau".split())
    result = dict(eqs.get_substituted_expressions())
    assert list(result) == ["v", "w", "u"]
    assert sympy.simplify(result["v"] - (2 * (w + 1) - v) / tau) == 0
    assert result["u"] == symbol("K") / tau  # constant over dt: not substituted
    full = dict(eqs.get_substituted_expressions(include_subexpressions=True))
    assert full["I"] == 2 * (w + 1)


def test_cycles_are_errors():
    with pytest.raises(EquationError, match="cycle"):
        Equations("dv/dt = a/tau : 1\na = b : 1\nb = a + 1 : 1")
    with pytest.raises(EquationError, match="refers to itself"):
        Equations("a = a + 1 : 1")


def test_rename_substitution_follows_brian2():
    eqs = Equations("dv/dt = (-v + I)/tau : volt\nI = 2*v : volt", tau="tau_m", I="J")
    assert str(eqs) == "dv/dt = (J - v)/tau_m : volt\nJ = 2*v : volt"
    renamed = Equations("dv/dt = -v/tau : 1", v="u")
    assert renamed.diff_eq_names == ("u",)
    assert renamed["u"].expr == -symbol("u") / symbol("tau")


def test_rename_of_a_timed_array_call():
    eqs = Equations("dv/dt = (f(t) - v)/tau : 1", f="g")
    assert eqs.identifiers == ("g", "tau")


def test_unused_substitution_is_ignored_as_in_brian2():
    assert Equations("dv/dt = -v/tau : 1", foo="bar") == Equations("dv/dt = -v/tau : 1")


def test_value_substitution_binds_a_constant():
    eqs = Equations("dv/dt = (-v + I)/tau : volt", tau=10 * ms, I=2 * mV)
    assert dict(eqs.constants) == {"tau": 10 * ms, "I": 2 * mV}
    assert eqs["v"].expr == (symbol("I") - symbol("v")) / symbol("tau")
    assert "tau=" in repr(eqs)
    assert eqs != Equations("dv/dt = (-v + I)/tau : volt")
    assert eqs == Equations("dv/dt = (-v + I)/tau : volt", tau=10 * ms, I=2 * mV)
    assert eqs != Equations("dv/dt = (-v + I)/tau : volt", tau=20 * ms, I=2 * mV)


def test_value_substitution_errors():
    with pytest.raises(EquationError, match="cannot replace the model variable 'I'"):
        Equations("dv/dt = (-v + I)/tau : volt\nI : volt", I=3 * mV)
    with pytest.raises(EquationError, match="scalar"):
        Equations("dv/dt = -v/tau : 1", tau=[1, 2] * ms)
    with pytest.raises(EquationError, match="not a valid name"):
        Equations("dv/dt = -v/tau : 1", tau="1x")
    with pytest.raises(EquationError, match="number/Quantity"):
        Equations("dv/dt = -v/tau : 1", tau=None)
    with pytest.raises(EquationError, match="special meaning"):
        Equations("dv/dt = -v/tau : 1", v="t")


def test_adding_equations():
    a = Equations("dv/dt = (I - v)/tau : volt")
    b = Equations("I = 2*nA*R : volt")
    both = a + b
    assert both.names == ("v", "I")
    assert (a + "I = 2*nA*R : volt") == both
    assert ("dv/dt = (I - v)/tau : volt" + b) == both
    with pytest.raises(EquationError, match="'v' is defined twice"):
        a + Equations("v : volt")
    with pytest.raises(TypeError):
        a + 3  # noqa: B018


def test_adding_keeps_random_call_sites_distinct():
    a = Equations("dv/dt = rand()/tau : 1")
    b = Equations("dw/dt = rand()/tau : 1")
    both = a + b
    assert both["v"].expr.atoms(rand) != both["w"].expr.atoms(rand)


def test_adding_merges_constants_and_refuses_conflicts():
    a = Equations("dv/dt = -v/tau : 1", tau=10 * ms)
    assert (a + Equations("dw/dt = -w/tau : 1", tau=10 * ms)).constants["tau"] == 10 * ms
    with pytest.raises(EquationError, match="different values"):
        a + Equations("dw/dt = -w/tau : 1", tau=20 * ms)


def test_equality_ignores_spacing_and_hash_matches():
    a = Equations("dv/dt=(-v+I)/tau:volt")
    b = Equations("dv/dt = (-v + I) / tau : volt   # same")
    assert a == b and hash(a) == hash(b)
    assert a != Equations("dv/dt = (-v + I)/tau : amp")
    assert a != Equations("dv/dt = (-v + I)/tau : volt (unless refractory)")
    assert len({a, b}) == 1
    assert a.__eq__("x") is NotImplemented


def test_equations_are_immutable():
    eqs = Equations(LIF)
    with pytest.raises(AttributeError):
        eqs._equations = {}
    with pytest.raises(TypeError):
        eqs["v"] = None  # type: ignore[index]


def test_str_round_trip_and_repr():
    eqs = Equations(
        LIF + "dw/dt = (rand() - 0.5)*sqrt(2/tau)*xi + a % b + c // d : 1\n"
        "flag = v > 0*mV and not g == 1 : boolean\nn : integer"
    )
    again = Equations(str(eqs))
    assert again == eqs
    assert str(again) == str(eqs)
    assert repr(eqs).startswith("Equations('''dv/dt = ")
    assert eval(repr(Equations(LIF)), {"Equations": Equations}) == Equations(LIF)


def test_from_equations_and_single_equations():
    eqs = Equations(LIF)
    assert Equations(eqs) == eqs
    assert Equations(list(eqs.values())) == eqs
    assert Equations(eqs, tau="tau_m").identifiers == ("E", "tau_m")
    with pytest.raises(TypeError):
        Equations([1, 2])  # type: ignore[list-item]


def test_empty_equations():
    eqs = Equations("")
    assert len(eqs) == 0 and eqs.identifiers == () and str(eqs) == ""


def test_pickle_round_trip():
    eqs = Equations(LIF, tau=10 * ms)
    assert pickle.loads(pickle.dumps(eqs)) == eqs


def test_quantity_constant_in_expression_text_is_just_a_name():
    eqs = Equations("dv/dt = (2*nA*R - v)/tau : volt")
    assert "nA" in eqs.identifiers
    assert nA is not None

"""Refusals say which variable and why; automatic choice follows Brian2; the registry."""

from __future__ import annotations

import pytest
import sympy
from intg_helpers import make_eqs

from labkit.errors import IntegrationError
from labkit.integration import (
    DEFAULT_METHODS,
    METHODS,
    choose_method,
    euler,
    exact,
    exponential_euler,
    integrate,
    milstein,
    rk4,
)
from labkit.integration.base import Method

LIF = make_eqs("dv/dt = (El - v)/tau : volt (unless refractory)")
HH = make_eqs("""
dv/dt = (gl*(El - v) - gna*m**3*h*(v - ENa) - gk*n**4*(v - EK) + I)/C : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
alpha_m = 0.1/mV*10*mV/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
beta_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
alpha_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
beta_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
alpha_n = 0.01/mV*10*mV/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
""")
OU = make_eqs("dx/dt = -x/tau + sigma*xi/sqrt(tau) : 1")
MULTIPLICATIVE = make_eqs("dx/dt = -x/tau + sigma*x*xi/sqrt(tau) : 1")


def refusal(eqs, method) -> str:
    with pytest.raises(IntegrationError) as info:
        integrate(eqs, method)
    return str(info.value)


def test_exact_refuses_hh_naming_the_variable_and_the_reason():
    message = refusal(HH, "exact")
    assert message.startswith("exact cannot integrate v because it depends non-linearly on m")


def test_exact_refuses_a_gate_with_voltage_dependent_rates():
    gate = make_eqs("""
    dm/dt = a*exp(v/k)*(1 - m) - b*m : 1
    dv/dt = -v/tau : 1
    """)
    assert "cannot integrate m because it depends non-linearly on v" in refusal(gate, "exact")


def test_exact_refuses_a_condition_on_log_of_the_variable_before_setting_it_to_zero():
    # the model fuzz test: the constant part (v = 0) was computed first, and sympy refused
    # to compare log(0) with a draw ('Invalid comparison of non-real zoo', a TypeError)
    from labkit.equations import Equations

    eqs = Equations("dv/dt = int(rand() < log(v))/tau : 1")
    assert "cannot integrate v because it depends non-linearly on v" in refusal(eqs, "exact")


def test_exact_refuses_noise_time_and_randomness():
    assert "cannot integrate x: its equation has a noise term" in refusal(OU, "exact")
    timed = make_eqs("dv/dt = (-v + sin(w*t))/tau : 1")
    assert "coefficients depend on time t" in refusal(timed, "exact")
    random = make_eqs("dv/dt = (-v + rand())/tau : 1")
    assert "depend on a random number" in refusal(random, "exact")


def test_exponential_euler_refuses_what_is_not_conditionally_linear():
    message = refusal(make_eqs("dv/dt = -v**2/tau : 1"), "exponential_euler")
    assert message.startswith("exponential_euler cannot integrate v: dv/dt is not linear in v")
    assert "method='rk4'" in message
    # v only inside a function and never as a factor: Brian2 refuses this too
    assert "not linear in v" in refusal(make_eqs("dv/dt = tanh(v)/tau : 1"),
                                        "exponential_euler")
    assert "stochastic" in refusal(OU, "exponential_euler")


def test_exponential_euler_freezes_functions_of_the_variable_as_brian2():
    # v*tanh(v): linear in the factor v, tanh(v) held at the step's start (Brian2's rule)
    block = integrate(make_eqs("dv/dt = (-v*tanh(v) + 1)/tau : 1"), "exponential_euler")
    assert "tanh(v)" in str(block)


def test_explicit_methods_refuse_noise_they_cannot_handle():
    assert "rk4 cannot integrate stochastic equations (x has a noise term)" in refusal(OU, "rk4")
    message = refusal(MULTIPLICATIVE, "euler")
    assert "euler cannot integrate x: its noise is multiplicative" in message
    assert "depends on x" in message
    shared = make_eqs("""
    dx/dt = -x/tau + s*xi_1 : 1
    dy/dt = -y/tau + s*xi_1 : 1
    """)
    assert "milstein needs diagonal noise, but xi_1 is used by several" in refusal(shared,
                                                                                 "milstein")


def test_unknown_method_lists_the_known_ones():
    message = refusal(LIF, "runge_kutta")
    assert "unknown integration method 'runge_kutta'" in message
    for name in ("euler", "exact", "exponential_euler", "heun", "milstein", "rk2", "rk4"):
        assert name in message


def test_method_names_are_case_insensitive_and_linear_is_exact():
    assert integrate(LIF, "Euler").method == "euler"
    assert integrate(LIF, "linear").method == "exact"


@pytest.mark.parametrize(
    "eqs, expected",
    [
        (LIF, "exact"),
        (HH, "euler"),  # Brian2: exact fails, euler applies
        (OU, "euler"),  # additive noise: Euler-Maruyama
        (MULTIPLICATIVE, "heun"),
        (make_eqs("dv/dt = I/tau : 1"), "euler"),  # Brian2's exact: singular matrix
        (make_eqs("dx/dt = w*y : 1\ndy/dt = -w*x : 1"), "euler"),  # complex eigenvalues
    ],
)
def test_automatic_choice_follows_brian2(eqs, expected):
    name, reason = choose_method(eqs)
    assert name == expected
    assert f"using '{expected}'" in reason
    assert integrate(eqs).method == expected


def test_choice_reason_says_why_earlier_methods_were_skipped():
    _, reason = choose_method(HH)
    assert "exact cannot integrate v because it depends non-linearly on m" in reason
    _, reason = choose_method(make_eqs("dx/dt = w*y : 1\ndy/dt = -w*x : 1"))
    assert "complex" in reason


def test_explicit_exact_still_solves_what_the_automatic_choice_skips():
    block = integrate(make_eqs("dx/dt = w*y : 1\ndy/dt = -w*x : 1"), "exact")
    assert "cos(dt*w)" in str(block)
    assert not any(s.expr.has(sympy.I) for s in block.statements)


def test_no_applicable_method_raises_with_every_reason():
    with pytest.raises(IntegrationError, match="no integration method applies: rk4 cannot"):
        integrate(OU, ["rk4", "exponential_euler"])


def test_a_list_of_methods_is_tried_in_order():
    assert integrate(HH, ["exact", "exponential_euler"]).method == "exponential_euler"


def test_registry():
    assert DEFAULT_METHODS == ("exact", "euler", "heun")
    assert set(METHODS) == {"exact", "linear", "euler", "rk2", "rk4", "exponential_euler",
                            "heun", "milstein"}
    assert all(isinstance(m, Method) for m in METHODS.values())
    assert METHODS["rk4"] is rk4 and METHODS["milstein"] is milstein


def test_methods_are_callable_and_cached():
    first = exact(LIF)
    assert exact(LIF) is first  # memoised: the second call does not re-solve
    assert euler(LIF) is integrate(LIF, "euler")
    assert exponential_euler(LIF).method == "exponential_euler"

"""The UpdateBlock hand-off: printing, statement order, flags, subexpressions, caching."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy
from intg_helpers import Stepper, make_eqs

from labkit.codegen import Statement, UpdateBlock
from labkit.equations.symbols import symbol
from labkit.errors import IntegrationError
from labkit.integration import (
    METHODS,
    cache_key,
    euler,
    integrate,
    integrate_event_driven,
    rk4,
)
from labkit.integration.explicit import heun

COUPLED = make_eqs("""
dv/dt = (w - v)/tau : 1 (unless refractory)
dw/dt = (v - w)/(2*tau) + I_syn : 1
I_syn = g*(E - v) : 1
""")


def test_print_matches_brian2_style():
    eqs = make_eqs("dv/dt = -v/tau : volt")
    assert str(euler(eqs)) == "_v = -dt*v/tau + v\nv = _v"
    assert str(rk4(eqs)).splitlines() == [
        "__k_1_v = -dt*v/tau",
        "__k_2_v = -dt*(__k_1_v/2 + v)/tau",
        "__k_3_v = -dt*(__k_2_v/2 + v)/tau",
        "__k_4_v = -dt*(__k_3_v + v)/tau",
        "_v = __k_1_v/6 + __k_2_v/3 + __k_3_v/3 + __k_4_v/6 + v",
        "v = _v",
    ]


def test_statement_and_block_are_frozen_with_readable_repr():
    statement = Statement("_v", symbol("v") + symbol("dt"))
    assert repr(statement) == "Statement('_v = dt + v')"
    block = euler(make_eqs("dv/dt = -v/tau : volt (unless refractory)"))
    assert repr(block).startswith("UpdateBlock(method='euler', state=('v',), held={v}")
    assert "_v = -dt*v/tau + v" in repr(block)
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.method = "rk4"
    assert hash(block) == hash(euler(make_eqs("dv/dt = -v/tau : volt (unless refractory)")))


@pytest.mark.parametrize("method", ["exact", "euler", "rk2", "rk4", "exponential_euler"])
def test_every_new_value_is_computed_before_any_state_is_overwritten(method):
    block = integrate(COUPLED, method)
    targets = [s.target for s in block.statements]
    first_write = min(targets.index(name) for name in block.state)
    assert all(t.startswith("_") for t in targets[:first_write])
    assert targets[first_write:] == list(block.state)
    assert all(s.expr == symbol(f"_{s.target}") for s in block.statements[first_write:])
    assert block.written == block.state == ("v", "w")


def test_temporaries_cannot_clash_with_model_names():
    # model variables called like the method's temporaries
    eqs = make_eqs("""
    dk/dt = -k/tau : 1
    dx/dt = -x/tau + k : 1
    """)
    block = rk4(eqs)
    assert all(s.target.startswith("_") for s in block.statements[:-2])
    values = Stepper(block).run(dict(k=1.0, x=0.0, tau=1.0, dt=0.01, t=0.0), 100)
    assert values["k"] == pytest.approx(np.exp(-1.0), rel=1e-8)
    assert values["x"] == pytest.approx(1.0 * np.exp(-1.0), rel=1e-8)  # x = t*exp(-t)


def test_unless_refractory_variables_are_held_not_masked():
    block = integrate(COUPLED, "euler")
    assert block.held == frozenset({"v"})
    assert "not_refractory" not in str(block)


def test_subexpressions_are_substituted():
    block = integrate(COUPLED, "euler")
    new_w = next(s.expr for s in block.statements if s.target == "_w")
    assert symbol("I_syn") not in new_w.free_symbols
    assert {symbol("g"), symbol("E")} <= new_w.free_symbols


def test_constant_over_dt_subexpressions_run_once_at_the_start():
    eqs = make_eqs("""
    dv/dt = (drive - v)/tau : 1
    drive = gain*kick + offset : 1 (constant over dt)
    kick = rand() : 1 (constant over dt)
    offset = 2*base : 1
    """)
    block = rk4(eqs)
    targets = [s.target for s in block.statements]
    assert targets[:2] == ["kick", "drive"]  # dependencies first
    assert all(symbol("drive") in s.expr.free_symbols for s in block.statements[2:3])
    assert block.statements[1].expr == symbol("gain") * symbol("kick") + 2 * symbol("base")
    assert block.written == ("kick", "drive", "v")
    assert block.state == ("v",)


def test_noise_enters_linearly_or_is_refused():
    with pytest.raises(IntegrationError, match="noise xi must enter dv/dt linearly"):
        integrate(make_eqs("dv/dt = -v/tau + xi**2 : 1"), "heun")
    # inside a comparison or Mod its derivative is free of it: the noise was dropped
    # (v < xi) or setting it to 0 divided by zero (Mod: a raw ZeroDivisionError)
    for inside in ("(v % (xi*sqrt(tau)))", "sin(xi*sqrt(tau))"):
        with pytest.raises(IntegrationError, match="noise xi must enter dv/dt linearly"):
            integrate(make_eqs(f"dv/dt = -v/tau + {inside}/tau : 1"), "euler")
    from labkit import Network, NeuronGroup, ms, set_device

    set_device("numpy")
    G = NeuronGroup(1, "dv/dt = (v < xi*sqrt(ms))/ms : 1", method="euler")
    with pytest.raises(IntegrationError, match="noise xi must enter dv/dt linearly"):
        Network(G).run(0.1 * ms)


def test_heun_with_two_noise_sources_draws_each_once():
    eqs = make_eqs("""
    dx/dt = -x/tau + s*x*xi_a : 1
    dy/dt = -y/tau + s*xi_a + s*y*xi_b : 1
    """)
    block = heun(eqs)
    draws = [s for s in block.statements if s.target.startswith("__dW_")]
    assert [d.target for d in draws] == ["__dW_xi_a", "__dW_xi_b"]
    assert len(block.random) == 2
    # x has no xi_b term: no temporary of x is computed for that noise source
    assert not any(s.target.endswith("_x_xi_b") for s in block.statements)


def test_event_driven_equations_are_left_to_the_synapse_events():
    eqs = make_eqs("""
    dapre/dt = -apre/taupre : 1 (event-driven)
    dg/dt = -g/tau : 1 (clock-driven)
    """)
    clock = integrate(eqs)
    assert clock.state == ("g",) and "apre" not in str(clock)
    events = integrate_event_driven(eqs)
    assert events.state == ("apre",)
    assert str(events).splitlines()[0] == "_apre = apre*exp(-(-lastupdate + t)/taupre)"


def test_event_driven_must_be_linear():
    eqs = make_eqs("dapre/dt = -apre**2/taupre : 1 (event-driven)")
    with pytest.raises(IntegrationError, match=r"event-driven.*Use \(clock-driven\) instead"):
        integrate_event_driven(eqs)


def test_solutions_are_memoised_per_equations_and_method():
    a, b = make_eqs("dv/dt = (I - v)/tau : 1"), make_eqs("dv/dt = (I - v)/tau : 1")
    assert a == b and a is not b
    assert integrate(a, "exact") is integrate(b, "exact")
    assert integrate(a, "exact") is not integrate(a, "euler")


def test_cache_key_is_stable_text():
    eqs = make_eqs("dv/dt = (I - v)/tau : 1")
    key = cache_key(eqs, "exact")
    assert key == cache_key(make_eqs("dv/dt = (I - v)/tau : 1"), "exact")
    assert key != cache_key(eqs, "euler") and len(key) == 64


def test_empty_model_gives_an_empty_block():
    block = integrate(make_eqs("I : amp"))
    assert block.statements == () and block.method == "exact"


def test_every_method_returns_an_update_block():
    eqs = make_eqs("dv/dt = -v/tau + s*xi : 1")
    for name in ("euler", "heun", "milstein"):
        block = METHODS[name](eqs)
        assert isinstance(block, UpdateBlock) and block.method == name
        assert all(isinstance(s.expr, sympy.Basic) for s in block.statements)

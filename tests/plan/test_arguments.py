"""Kernel arguments are named and bound in one place, so kinds never collide or disagree."""

import numpy as np
import pytest

from labkit import *
from labkit.plan.arguments import KINDS, argument, bind, constant_value, symbol


def test_each_kind_has_its_own_names():
    names = {kind: argument("_o3", "tau", kind) for kind in ("variable", "constant", "timed")}
    assert names == {"variable": "_o3_tau", "constant": "_o3__c_tau", "timed": "_o3__t_tau"}
    # a user variable (never starting with '_') cannot take a constant's argument
    assert argument("_o3", "c_tau") != argument("_o3", "tau", "constant")
    assert set(KINDS) == {"variable", "constant", "timed", "internal"}


def test_bind_keeps_booleans_and_expands_timed_arrays():
    ta = TimedArray([1.0, 2.0], dt=1 * ms)
    values = bind("_o1", {"flag": True, "off": np.bool_(False), "tau": 10 * ms, "I": ta},
                  dt=0.1e-3)
    assert values["_o1__c_flag"] is True and values["_o1__c_off"] is False
    assert values["_o1__c_tau"] == pytest.approx(0.01)
    # numpy's float64 (a float): generated numpy code then divides by 0 as compiled code does
    assert type(values["_o1__c_tau"]) is np.float64
    with np.errstate(divide="ignore"):
        assert 1.0 / bind("_o1", {"tau": 0 * ms}, dt=0.1e-3)["_o1__c_tau"] == np.inf
    assert sorted(k for k in values if k.startswith("_o1__t_I")) == [
        "_o1__t_I_K", "_o1__t_I_eps", "_o1__t_I_n", "_o1__t_I_ncols", "_o1__t_I_values"]
    assert constant_value(3) == 3.0 and constant_value(True) is True


def test_symbols_take_their_argument_from_the_owner_of_the_value():
    assert symbol("v_post", "array", "_o0", "v").arg == "_o0_v"
    assert symbol("tau", "scalar", "_o2").arg == "_o2__c_tau"
    assert symbol("i", "index").arg == "" and symbol("t", "t").arg == ""


def test_a_variable_named_like_a_constants_argument(device_name):
    """``c_tau`` (a variable) and ``tau`` (a constant) used to share ``_o0_c_tau``."""
    tau = 10 * ms  # noqa: F841 - found by run()
    G = NeuronGroup(2, "dv/dt = (c_tau - v)/tau : 1\nc_tau : 1", method="exact")
    G.c_tau = [1.0, 2.0]
    run(10 * ms)
    assert G.v[:] == pytest.approx(np.array([1.0, 2.0]) * (1 - np.exp(-1)), rel=1e-9)


def test_a_boolean_constant_stays_a_condition_in_synaptic_code(device_name):
    flag = True  # noqa: F841 - found by run()
    source = SpikeGeneratorGroup(2, [0, 1], [0, 0] * ms)
    G = NeuronGroup(1, "v : 1")
    S = Synapses(source, G, "w : 1", on_pre="v_post += int(flag and w > 0)*w")
    S.connect(j="0")
    S.w = [0.5, -1.0]
    run(1 * ms)
    assert G.v[0] == pytest.approx(0.5)

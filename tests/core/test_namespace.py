"""One name, one value: every kind of string looks its names up in Brian2's order.

Each context below resolves the external name ``x`` (or ``e``) the way a user meets it:
in a group's equations, a monitor's recorded subexpression, a synapse's equations and
``on_pre`` code, ``connect`` arguments, and strings assigned to group and synaptic
variables. Each defines ``x = 3`` and ``e = 0.5`` where it calls ``run()``/``connect()``
or assigns, as a user's script would, and returns the value the simulation used. The
order (labkit.core.namespace): defaults (units, pi, e, inf), then the object's own
``namespace=``, then ``run(namespace=...)``/``connect(namespace=...)`` if given, else the
caller's names.
"""

import logging
import math

import numpy as np
import pytest

from labkit import *
from labkit.core.namespace import Namespace, frame_namespace
from labkit.errors import UnknownNameError


@pytest.fixture(autouse=True)
def _numpy_device_and_fresh_warnings(monkeypatch):
    set_device("numpy")  # these tests are about names, not speed: no compiling
    monkeypatch.setattr("labkit.core.namespace._WARNED", set())  # each warns once


def group_model(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841 - the caller's names, found by run()
    G = NeuronGroup(1, f"dv/dt = {name}/ms : 1", method="euler", namespace=own)
    run(0.1 * ms, namespace=run_ns)
    return float(G.v[0]) / 0.1


def monitored_subexpression(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841
    G = NeuronGroup(1, f"y = {name} : 1", namespace=own)
    M = StateMonitor(G, "y", record=0)
    run(0.1 * ms, namespace=run_ns)
    return float(M.y[0, 0])


def synapse_model(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841
    G = NeuronGroup(1, "v : 1")
    S = Synapses(G, G, f"dw/dt = {name}/ms : 1 (clock-driven)", method="euler",
                 namespace=own)
    S.connect(i=0, j=0)
    run(0.1 * ms, namespace=run_ns)
    return float(S.w[0]) / 0.1


def synapse_on_pre(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841
    source = SpikeGeneratorGroup(1, [0], [0] * ms)
    G = NeuronGroup(1, "v : 1")
    S = Synapses(source, G, on_pre=f"v_post += {name}", namespace=own)
    S.connect(i=0, j=0)
    run(0.2 * ms, namespace=run_ns)
    return float(G.v[0])


def connect_condition(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841
    G = NeuronGroup(40, "v : 1")
    S = Synapses(G, G, "w : 1", namespace=own)
    # j - i == k connects 40 - k pairs: the count says which value of the name was used
    S.connect(f"j - i == int({name}*10)", namespace=run_ns)
    return (40 - len(S)) / 10


def group_assignment(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841
    G = NeuronGroup(1, "v : 1", namespace=own)
    G.v = name
    return float(G.v[0])


def synaptic_assignment(own=None, run_ns=None, name="x"):
    x, e = 3.0, 0.5  # noqa: F841
    G = NeuronGroup(1, "v : 1")
    S = Synapses(G, G, "w : 1", namespace=own)
    S.connect(i=0, j=0)
    S.w = name
    return float(S.w[0])


CONTEXTS = [group_model, monitored_subexpression, synapse_model, synapse_on_pre,
            connect_condition, group_assignment, synaptic_assignment]
#: The contexts whose call takes a namespace= of its own (run or connect).
WITH_RUN_NAMESPACE = [group_model, monitored_subexpression, synapse_model, synapse_on_pre,
                      connect_condition]


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda f: f.__name__)
def test_the_callers_names(context):
    assert context() == pytest.approx(3.0)


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda f: f.__name__)
def test_the_objects_own_namespace_beats_the_callers(context):
    assert context(own={"x": 2.0}) == pytest.approx(2.0)


@pytest.mark.parametrize("context", WITH_RUN_NAMESPACE, ids=lambda f: f.__name__)
def test_an_explicit_namespace_replaces_the_callers(context):
    assert context(run_ns={"x": 1.5}) == pytest.approx(1.5)


@pytest.mark.parametrize("context", WITH_RUN_NAMESPACE, ids=lambda f: f.__name__)
def test_the_objects_own_namespace_beats_an_explicit_one(context, caplog):
    with caplog.at_level(logging.WARNING, logger="labkit"):
        assert context(own={"x": 2.0}, run_ns={"x": 1.5}) == pytest.approx(2.0)
    assert "different values" in caplog.text and "'x'" in caplog.text


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda f: f.__name__)
def test_defaults_come_first_with_a_warning(context, caplog):
    """As in Brian2: ``e`` is Euler's number even where the caller set ``e = 0.5``."""
    with caplog.at_level(logging.WARNING, logger="labkit"):
        value = context(name="e")
    assert value == pytest.approx(math.e, abs=0.1 if context is connect_condition else 1e-9)
    assert "'e'" in caplog.text and "default" in caplog.text


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda f: f.__name__)
def test_an_unknown_name_suggests_a_known_one(context):
    with pytest.raises(UnknownNameError, match=r"'xx'.*did you mean 'x'\?"):
        context(name="xx")


def test_same_values_in_two_places_give_no_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="labkit"):
        assert group_model(own={"x": 3.0}) == pytest.approx(3.0)
    assert "different values" not in caplog.text


def test_a_name_bound_to_text_is_not_a_value():
    ns = Namespace(run={"x": "three"})
    with pytest.raises(TypeError, match="'x' used in G is the str 'three' .*not a number"):
        ns.resolve({"x"}, "G", "its model")
    assert Namespace(own={"x": 2.0}, run={"x": "three"}).resolve({"x"}, "G", "it") == \
        {"x": 2.0}


def test_an_external_name_must_be_one_value():
    with pytest.raises(TypeError, match="'x' used in G has 3 values"):
        Namespace(run={"x": np.arange(3.0)}).resolve({"x"}, "G", "its model")


def test_overrides_beat_every_other_place():
    ns = Namespace(own={"x": 2.0}, run={"x": 1.5}, overrides={"x": 9.0})
    assert ns.lookup("x") == 9.0 and float(ns.lookup("mV")) == 1e-3


def test_frame_namespace_reads_the_callers_locals_first():
    x = "local"  # noqa: F841

    def callee():
        return frame_namespace(1)

    names = callee()
    assert names["x"] == "local" and "pytest" in names  # locals, then the globals


def test_a_name_bound_to_a_string_says_how_to_fix_either_side():
    G = NeuronGroup(1, 'dv/dt = -v/tau : 1')  # noqa: F841 (run() finds it)
    tau = "ten ms"  # noqa: F841 (found by name)
    with pytest.raises(TypeError, match=r"'tau' used in NeuronGroup .* is the str 'ten ms'.*"
                       r"give it a value such as tau = 10\*ms.*rename") as info:
        run(0.1 * ms)
    from labkit.errors import LabkitError

    assert isinstance(info.value, LabkitError)


def test_a_string_given_for_one_run_is_a_run_args_error():
    # cpp_standalone's device.run(run_args={'tau': '5'}) said "rename one of them"
    namespace = Namespace(run={"tau": 1.0}, overrides={"tau": "5"})
    with pytest.raises(TypeError, match=r"run_args gives 'tau' the str '5'.*one number or "
                       r"quantity, e.g. run_args=\{'tau': 1.5\*nA\}"):
        namespace.lookup("tau")
    assert Namespace(overrides={"tau": 5 * ms}).lookup("tau") == 5 * ms


def test_a_value_bound_by_the_models_equations_beats_the_callers_name():
    """Brian2 pastes Equations(eqs, tau=10*ms)'s value into the text: the caller's tau
    (20 ms here) is not used, in the model nor in a string reaching it through a
    subexpression (spikes as Brian2 2.9's: 5.1, 15.2, 25.3 ms)."""
    start_scope()
    tau = 20 * ms  # noqa: F841 - the caller's tau, which the bound value beats
    membrane = Equations("dv/dt = (-v + I)/tau : 1 (unless refractory)", tau=10 * ms)
    G = NeuronGroup(1, membrane + Equations("I : 1\nrate = 1/tau : Hz"), threshold="v > 0.8",
                    reset="v = 0", refractory=5 * ms, method="exact")
    G.I = 2
    G.I = "rate*10*ms + 1"  # 2 with the bound tau, 1.5 with the caller's
    spikes = SpikeMonitor(G)
    run(30 * ms)
    assert np.allclose(spikes.t / ms, [5.1, 15.2, 25.3])

"""A synaptic subexpression or a TimedArray call in a string assigned to a synaptic
variable (``S.w = '0.2 + 0.1*x'``, ``S.w = 'ta2(t, i)'``), in ``on_pre``/``on_post`` and in
a reset: run from the plan store in a second process (no sympy), with the first's values
and spikes (the same as Brian2's: tests/parity/synapse_cases.py's
syn_timed_arrays_and_subexpressions_in_strings); a bad string is still refused with the
object, the string and the fix."""

import numpy as np
import pytest

from labkit import NeuronGroup, Synapses, TimedArray, ms, mV, prefs, run, start_scope
from labkit.errors import DimensionMismatchError, ExpressionError, UnknownNameError

SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
ta = TimedArray([0.1, 0.5, 0.2, 0.4], dt=5*ms)
ta2 = TimedArray([[0.1, 0.2, 0.3, 0.4], [0.3, 0.1, 0.2, 0.5]], dt=10*ms)
E = 2.0
G = NeuronGroup(4, '''dv/dt = (I - v)/(10*ms) : 1
                      I = 1.2 + g*(E - v) : 1
                      dg/dt = -g/(5*ms) : 1''', threshold='v > 1', reset='v = ta(t)',
                method='euler')
G.v = [0, 0.2, 0.4, 0.6]
S = Synapses(G, G, '''w : 1
                      x = w*I_pre : 1''',
             on_pre='g_post += x*ta2(t, j)', on_post='w += 0.1*ta(t)')
S.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
S.w = 0.3
S.w = '0.2 + 0.1*x + ta2(t + 12*ms, i)'
S.w['x > 0.3 and j != 2'] = 'w + 0.1'  # a condition indexing them: stored too
x = S.x[:].tolist()
built = 'sympy' in sys.modules
spikes = SpikeMonitor(G)
run(40*ms)
print(json.dumps(dict(built=built, ran='sympy' in sys.modules, x=x, w=S.w[:].tolist(),
                      i=spikes.i[:].tolist(), t=spikes.t_[:].tolist(), g=G.g[:].tolist())))
"""


@pytest.mark.slow
def test_a_second_process_runs_calls_and_synaptic_subexpressions_without_sympy(
        two_processes):
    first, second = two_processes(SCRIPT)
    assert first["built"] and first["ran"]  # the cold path parsed and planned
    assert not second["built"] and not second["ran"]
    assert len(first["i"]) > 5 and first == dict(second, built=True, ran=True)


@pytest.fixture()
def parses(plain_cache, monkeypatch):
    """The numpy target on a fresh cache; the synaptic strings' parses, counted."""
    import labkit.plan.structure

    prefs.codegen.target = "numpy"
    calls = []
    parse = labkit.plan.structure.parse_condition
    monkeypatch.setattr(labkit.plan.structure, "parse_condition",
                        lambda *a, **k: calls.extend(a[:1] if a[1:] == ("synaptic string",)
                                                     else ()) or parse(*a, **k))
    return calls


def _synapses(model="w : 1\nx = w*I_pre : 1", **kwargs):
    start_scope()
    G = NeuronGroup(3, """I = g*(E - v) : 1
                          v : 1
                          g : 1""", threshold="v > 10")
    G.v, G.g = [0, 0.5, 1], 1
    S = Synapses(G, G, model, **kwargs)
    S.connect(i=[0, 1, 2], j=[1, 2, 0])
    S.w = 0.5
    return G, S


def test_a_string_reading_a_synaptic_subexpression_is_evaluated_from_stored_code(parses):
    def weights(E):
        _, S = _synapses()
        S.w = "0.2 + 0.1*x"  # E: read where the string is assigned, by I_pre through x
        return S.w[:].tolist(), S.x[:].tolist()

    first = weights(2.0)
    assert first[0] == pytest.approx([0.3, 0.275, 0.25])  # x = 0.5*(2, 1.5, 1)
    assert first[1] == pytest.approx([0.6, 0.4125, 0.25])  # x with the new w
    assert len(parses) == 1
    assert weights(3.0)[0] == pytest.approx([0.35, 0.325, 0.3]) and len(parses) == 1
    # another expression behind x: its own code, the string's stays
    E = 2.0  # noqa: F841 - read by the source's I
    _, S = _synapses("w : 1\nx = 2*w*I_pre : 1")
    S.w = "0.2 + 0.1*x"
    assert S.w[:] == pytest.approx([0.4, 0.35, 0.3]) and len(parses) == 1


def test_a_condition_indexing_synapses_is_evaluated_from_stored_code(parses):
    """``S.w['x > 1.1'] = ...``: as Brian2 2.9 (E read where the condition is written)."""
    def indexed(E):
        _, S = _synapses()
        S.w = "0.5 + 0.1*j"
        S.w["x > 1.1 and i != 2"] = 0  # x = w*(E - v_pre), w = (0.6, 0.7, 0.5)
        return S.w[:].tolist(), S.indices["I_post > 1.5"].tolist()

    assert indexed(2.0) == ([0, 0.7, 0.5], [2]) and len(parses) == 3
    assert indexed(3.0) == ([0, 0, 0.5], [0, 1, 2]) and len(parses) == 3  # stored
    with pytest.raises(DimensionMismatchError, match=(
            r"the condition 'x > 1\*mV' indexing Synapses 'synapses\w*'")):
        _, S = _synapses()
        E = 2.0  # noqa: F841 - read by the source's I
        S.w["x > 1*mV"] = 0


def test_a_string_calling_a_timed_array_is_evaluated_from_stored_code(parses):
    def weights(values, dt=10 * ms):
        _, S = _synapses()
        ta2 = TimedArray(values, dt=dt)  # noqa: F841 - read by the string
        S.w = "0.1 + ta2(t + 12*ms, j)"
        return S.w[:].tolist()

    rows = [[0.1, 0.2, 0.3], [0.3, 0.1, 0.2]]
    assert weights(rows) == pytest.approx([0.2, 0.3, 0.4]) and len(parses) == 1
    assert weights(rows, dt=20 * ms) == pytest.approx([0.3, 0.4, 0.2])  # 12 ms: row 0
    assert weights([[1, 2, 3]]) == pytest.approx([2.1, 3.1, 1.1]) and len(parses) == 1
    with pytest.raises(DimensionMismatchError, match=(
            r"in '0.1 \+ ta2\(t \+ 12\*ms, j\)' assigned to Synapses 'synapses\w*', "
            r"variable 'w': .*'ta2\(12\*ms \+ t, j\)' has units of volt")):
        weights(np.array(rows) * mV)  # other units: planned again, and refused


@pytest.mark.parametrize(("code", "error", "message"), [
    ("g_post += w*ta(t, i)", ExpressionError,
     r"in the on_pre code 'g_post \+= w\*ta\(t, i\)' of Synapses 'synapses\w*': ta\(\) takes 1 "
     r"argument \(ta\(t\)\), but 'ta\(t, i\)' gives 2"),
    ("g_post += E(t)", ExpressionError,
     r"'E\(t\)' calls 'E', which is not a function .*write 'E' without parentheses"),
    ("g_post += w(t)", ExpressionError, r"calls 'w', which is not a function"),
    ("g_post += tanh2(w)", UnknownNameError,
     r"unknown name 'tanh2' in its model, on_pre or on_post strings of Synapses "
     r"'synapses\w*'.*did you mean 'tanh'\?"),
    ("g_post += w*ta(w)", DimensionMismatchError,
     r"the argument of ta\(\) in 'ta\(w\)' must have units of second \(a time, e.g. "
     r"ta\(t\)\)"),
])
def test_a_bad_call_in_on_pre_is_refused_naming_the_object_the_code_and_the_fix(
        parses, code, error, message):
    G, S = _synapses(on_pre=code)
    ta = TimedArray([0.1, 0.5], dt=5 * ms)  # noqa: F841 - read by on_pre
    E = 2.0  # noqa: F841 - read by I, and called in one of the strings
    with pytest.raises(error, match=message):
        run(1 * ms, namespace={"ta": ta, "E": E})
    assert S.N == 3 and G.N == 3


def test_a_timed_array_in_on_pre_on_post_and_a_reset(parses):
    """Each event adds the TimedArray's value at its time, as in Brian2 2.9 (which gives
    the same counts, spike times and values); labkit refused the call in statements."""
    start_scope()
    ta = TimedArray([1.0, 2.0, 4.0], dt=2 * ms)  # noqa: F841 - read by the strings
    G = NeuronGroup(2, "dv/dt = 1/ms : 1\ncount : 1", threshold="v > 2.5",
                    reset="v = ta(t) - 1", method="euler")
    S = Synapses(G, G, "w : 1", on_pre="count_post += ta(t)", on_post="w += ta(t)")
    S.connect(i=0, j=1)
    run(6 * ms)
    # spikes at 2.4 ms (ta 2: reset to 1), 3.9 ms (2: to 1), 5.4 ms (4: to 3), then at
    # each step from 5.5 ms: 2 + 2 + 6*4
    assert G.count[:].tolist() == [0, 28] and S.w[:].tolist() == [28] and np.all(G.v == 3)


def test_a_timed_array_in_run_regularly_code(parses):
    start_scope()
    ta = TimedArray([0.1, 0.5, 0.2, 0.4], dt=5 * ms)  # noqa: F841 - read by the code
    G = NeuronGroup(2, "v : 1")
    G.run_regularly("v += ta(t)", dt=1 * ms)
    run(20 * ms)
    assert G.v[:] == pytest.approx([6.0, 6.0])  # 5 steps of each value, as Brian2

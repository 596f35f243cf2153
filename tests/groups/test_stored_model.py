"""Building a group from a model seen before needs no sympy (labkit.groups.stored_model)."""

import json

import numpy as np
import pytest

from labkit import NeuronGroup, Synapses, mV, seed
from labkit.errors import DimensionMismatchError, EquationError

SCRIPT = """
import json, sys
from labkit import *
import numpy as np
defaultclock.dt = 0.1*ms
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
seed(7)
taum = 20*ms; taue = 5*ms; taui = 10*ms
Vt = -50*mV; Vr = -60*mV; El = -49*mV
eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
u = v - El : volt
'''
P = NeuronGroup(40, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact')
P.v = Vr + (Vt - Vr)*np.arange(40)/40
P.ge = 1*mV
n_exc = 30
Ce = Synapses(P, P, on_pre='ge += 1.6*mV')
Ce.connect('i<n_exc', p=0.3)
Ci = Synapses(P, P, on_pre='gi -= 9*mV')
Ci.connect(j='k for k in range(i-2, i+3) if k != i', skip_if_invalid=True)
s_mon = SpikeMonitor(P)
built_without_sympy = 'sympy' not in sys.modules
run(20*ms)
print(json.dumps(dict(sympy=not built_without_sympy, i=[int(x) for x in s_mon.i],
                      t=[float(x) for x in s_mon.t], u=float(P.u[3]),
                      synapses=[[int(x) for x in S.i] + [int(x) for x in S.j]
                                for S in (Ce, Ci)])))
"""


@pytest.mark.slow
def test_a_second_process_builds_cuba_without_sympy_and_gets_the_same_spikes(two_processes):
    first, second = two_processes(SCRIPT)
    assert first["sympy"]  # the cold path parsed the strings
    assert not second["sympy"]  # groups, synapses and connect() from the plain store
    assert first["i"] and first["synapses"][0] and first == dict(second, sympy=True)


@pytest.fixture()
def cache(plain_cache):
    return plain_cache


def _build(model):
    return NeuronGroup(3, model, threshold="v > 1", reset="v = 0", refractory="v > 2",
                       method="euler")


def test_a_damaged_entry_falls_back_to_the_cold_path(cache):
    model = "dv/dt = (w - v)/(10*ms) : 1\nw = 2*v + 1 : 1\nx : volt (constant)"
    _build(model)
    entries = list((cache / "plain").rglob("*.pickle"))
    assert {p.parent.name for p in entries} >= {"model-lines", "condition", "code-targets"}
    for damage in (lambda data: data[: len(data) // 2], lambda data: b"garbage",
                   lambda data: __import__("pickle").dumps((model, ("not", "lines")))):
        for path in entries:
            path.write_bytes(damage(path.read_bytes()))
        G = _build(model)
        assert [(v.name, v.kind) for v in G.variables.values() if not v.name.startswith("_")
                ][:3] == [("v", "state"), ("w", "subexpression"), ("x", "parameter")]
        assert G.variables["x"].dim == mV.dim
        G.v = [0, 0.5, 1]
        assert np.allclose(G.w, [1, 2, 3])  # the lazily parsed subexpression


def test_errors_are_raised_every_time_and_a_shared_reset_target_is_still_refused(cache):
    for _ in range(2):
        with pytest.raises(EquationError):
            NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nv : 1")
    model = "dv/dt = -v/(10*ms) : 1\nc : 1 (shared)"
    NeuronGroup(2, model, threshold="v > 1", reset="v = 0")
    for _ in range(2):
        with pytest.raises(Exception, match="shared"):
            NeuronGroup(2, model, threshold="v > 1", reset="v = 0; c = 1")


def test_equations_are_parsed_when_read(cache):
    G = NeuronGroup(2, "dv/dt = -v/tau_x : volt", method="exact")
    assert G.equations.diff_eq_names == ("v",)
    assert json.dumps(str(G.equations))


def _connected(n_exc):
    G = NeuronGroup(50, "v : 1", threshold="v > 1")
    S = Synapses(G, G, on_pre="v += 1")
    seed(3)
    S.connect("i < n_exc", p=0.2, namespace={"n_exc": n_exc})
    return S.i[:].tolist(), S.j[:].tolist()


def test_a_stored_connect_rule_makes_the_same_synapses_and_a_damaged_one_is_remade(cache):
    first = _connected(20)
    entries = list((cache / "plain" / "connect-rule").glob("*.pickle"))
    assert len(entries) == 1 and first[0] and max(first[0]) < 20
    assert _connected(20) == first  # from the store
    assert _connected(10) == ([i for i in first[0] if i < 10], first[1][:len(
        [i for i in first[0] if i < 10])])  # the same rule, with other values
    entries[0].write_bytes(entries[0].read_bytes()[:40])
    assert _connected(20) == first  # the cold path again
    with pytest.raises(DimensionMismatchError):  # now a voltage: the stored rule is no use
        _connected(20 * mV)


def test_a_stored_string_assignment_gives_the_same_values_and_checks_its_names(cache):
    def assign(E, text="E + (randn()*5 - 5)*mV + i*mV"):
        G = NeuronGroup(20, "v : volt\nw : 1", namespace={"E": E})
        seed(5)
        G.v = text
        return G.v_.copy()

    first = assign(-60 * mV)
    assert list((cache / "plain" / "assigned-string").glob("*.pickle"))
    np.testing.assert_array_equal(assign(-60 * mV), first)  # from the store
    np.testing.assert_allclose(assign(-50 * mV), first + 0.01)  # other values
    with pytest.raises(DimensionMismatchError):  # E is now a number: checked again
        assign(3.0)
    for path in (cache / "plain" / "assigned-string").glob("*.pickle"):
        path.write_bytes(b"")
    np.testing.assert_array_equal(assign(-60 * mV), first)


def test_a_group_with_subexpressions_is_freed_at_once(cache):
    """The lazy subexpression holds its group weakly: a deleted group frees its name."""
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nu = 2*v : 1", name="lazy_u")
    del G
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nu = 2*v : 1", name="lazy_u*")
    assert G.name == "lazy_u"
    G.v = 1
    np.testing.assert_array_equal(G.u, [2, 2])


def test_a_subexpression_read_before_is_evaluated_from_its_stored_code(cache, counted):
    import labkit.groups.subexpressions as subexpressions

    calls = counted(subexpressions, "evaluate")

    def read(gain, model="dv/dt = -v/(10*ms) : 1\nu = gain*v + i : 1"):
        G = NeuronGroup(3, model, namespace={"gain": gain})
        G.v = [1, 2, 3]
        return np.asarray(G.u).tolist(), np.asarray(G[1:].u).tolist()

    assert read(2.0) == ([2, 5, 8], [5, 8]) and len(calls) == 1  # i: the parent's
    assert read(3.0) == ([3, 7, 11], [7, 11]) and len(calls) == 1  # stored code, new value
    read(2.0, "dv/dt = -v/(10*ms) : 1\nu = gain*v - i : 1")  # another model
    assert len(calls) == 2
    read(2.0 * mV, "dv/dt = -v/(10*ms) : 1\nu = gain*v : volt")
    read(True, "dv/dt = -v/(10*ms) : 1\nu = gain*v : volt")  # another kind of name
    assert len(calls) == 4

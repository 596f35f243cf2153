"""A run of a model planned before (groups, synapses, monitors) needs no sympy
(labkit.plan.stored_ops); anything new or changed is planned again, with its errors."""


import numpy as np
import pytest

import labkit.plan.neuron_ops
from labkit import (
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    prefs,
    run,
    start_scope,
)
from labkit.errors import DimensionMismatchError

LIF = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
"""


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    import labkit.cache

    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(labkit.cache, "_plain_written", {})  # this process wrote many
    prefs.codegen.target = "numpy"  # no kernel to compile: quick
    return tmp_path


@pytest.fixture()
def planned(monkeypatch):
    """The cold path's plans, counted: [calls]."""
    calls = []
    make = labkit.plan.neuron_ops.operations

    def counted(*args, **kwargs):
        calls.append(args[0].name)
        return make(*args, **kwargs)

    monkeypatch.setattr(labkit.plan.neuron_ops, "operations", counted)
    return calls


def _lif(tau=10 * ms, threshold="v > V_t", method="exact", V_t=0.8):
    start_scope()
    G = NeuronGroup(2, LIF, threshold=threshold, reset="v = 0", refractory=5 * ms,
                    method=method, namespace={"tau": tau, "V_t": V_t})
    G.I = [1, 1.5]
    mon, spikes = StateMonitor(G, "v", record=True), SpikeMonitor(G)
    run(30 * ms)
    return mon.v[:].copy(), spikes.t_[:].tolist(), spikes.i[:].tolist()


def test_a_second_group_with_the_same_strings_is_not_planned_again(cache, planned):
    first = _lif()
    assert len(planned) == 1
    assert list((cache / "plain" / "run-ops").glob("*.pickle"))
    second = _lif()
    assert len(planned) == 1  # read back from the store
    assert np.array_equal(first[0], second[0]) and first[1:] == second[1:] and first[1]
    other = _lif(tau=20 * ms)  # another value: the same plan, other results
    assert len(planned) == 1 and other[1] != first[1]


@pytest.mark.parametrize("change", [
    {"threshold": "v > 0.9"}, {"method": "euler"}, {"V_t": True}])
def test_a_changed_string_method_or_kind_of_name_is_planned_again(cache, planned, change):
    _lif()
    _lif(**change)
    assert len(planned) == 2


def test_a_name_with_another_unit_takes_the_cold_path_and_its_error(cache, planned):
    _lif()
    with pytest.raises(DimensionMismatchError):
        _lif(tau=10 * mV)
    assert len(planned) == 2


def test_a_damaged_entry_is_planned_again_with_the_same_results(cache, planned):
    first = _lif()
    entries = list((cache / "plain" / "run-ops").glob("*.pickle"))
    for damage in (lambda data: data[: len(data) // 2], lambda data: b"garbage"):
        for path in entries:
            path.write_bytes(damage(path.read_bytes()))
        again = _lif()
        assert np.array_equal(first[0], again[0]) and first[1:] == again[1:]
    assert len(planned) == 3


SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = sys.argv[1]
defaultclock.dt = 0.01*ms
seed(11)
area = 20000*umetre**2
Cm = 1*ufarad*cm**-2 * area; gl = 5e-5*siemens*cm**-2 * area; El = -65*mV; EK = -90*mV
ENa = 50*mV; g_na = 100*msiemens*cm**-2 * area; g_kd = 30*msiemens*cm**-2 * area
VT = -63*mV
hh = '''
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = am*(1 - m) - bm*m : 1
am = 1.28/exprel((13*mV - v + VT)/(4*mV))/ms : Hz
bm = 1.4/exprel((v - VT - 40*mV)/(5*mV))/ms : Hz
dn/dt = an*(1 - n) - bn*n : 1
an = 0.16/exprel((15*mV - v + VT)/(5*mV))/ms : Hz
bn = 0.5*exp((10*mV - v + VT)/(40*mV))/ms : Hz
dh/dt = ah*(1 - h) - bh*h : 1
ah = 0.128*exp((17*mV - v + VT)/(18*mV))/ms : Hz
bh = 4/(1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
I : amp
'''
H = NeuronGroup(3, hh, threshold='v > -20*mV', refractory=3*ms, method='exponential_euler')
H.v = El; H.I = [0.5, 1, 2]*nA
tau = 10*ms
L = NeuronGroup(2, '''dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1''', threshold='v > 0.8', reset='v = 0', refractory=5*ms, method='exact')
L.I = [1, 2]
S2 = Synapses(L, L, 'w : 1', on_pre='v_post += w')
S2.connect(i=0, j=1)  # index arrays: no rule, no sympy
wscale = 0.1
S2.w = 'wscale*(1 + i_pre + j)'  # assigned before: from its stored code, no sympy
taum = 20*ms; taue = 5*ms; taui = 10*ms; Vt = -50*mV; Vr = -60*mV; Ec = -49*mV
cuba = '''
dv/dt  = (ge+gi-(v-Ec))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''
P = NeuronGroup(200, cuba, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
we = 1.62*mV; wi = -9*mV
Ce = Synapses(P, P, on_pre='ge += we'); Ce.connect('i<160', p=0.1)
Ci = Synapses(P, P, on_pre='gi += wi'); Ci.connect('i>=160', p=0.1)
trace = StateMonitor(H, 'v', record=[0, 2]); spikes = SpikeMonitor(H); lif = SpikeMonitor(L)
net = SpikeMonitor(P)
kick = 0.3
R = NeuronGroup(3, 'dv/dt = -v/(10*ms) : 1', threshold='v > 0.5', reset='v = 0',
                method='exact')
R.run_regularly('v += kick*(i + 1)', dt=2*ms)
regular = SpikeMonitor(R)
w_in = 0.05
Q = NeuronGroup(3, 'dv/dt = -v/(10*ms) : 1', threshold='v > 1', reset='v = 0', method='exact')
pin = PoissonInput(Q, 'v', 50, 100*Hz, weight='w_in*(1 + i)')
poisson = SpikeMonitor(Q)
built = 'sympy' in sys.modules
run(20*ms)
print(json.dumps(dict(built=built, ran='sympy' in sys.modules, t=[float(x) for x in spikes.t_],
                      i=[int(x) for x in spikes.i], lif=[float(x) for x in lif.t_],
                      v=trace.v_[:, ::50].tolist(), cuba=[int(x) for x in net.i],
                      cuba_t=[float(x) for x in net.t_],
                      regular=[[int(x) for x in regular.i], [float(x) for x in regular.t_]],
                      poisson=[[int(x) for x in poisson.i], [float(x) for x in poisson.t_]])))
"""


@pytest.mark.slow
@pytest.mark.parametrize("target", ["numpy", "auto"])
def test_a_second_process_runs_hh_lif_cuba_run_regularly_poisson_input_without_sympy(
        two_processes, target):
    first, second = two_processes(SCRIPT, target, timeout=300, LABKIT_FAST_START="1")
    assert first["built"] and first["ran"]  # the cold path parsed and planned
    assert not second["built"] and not second["ran"]  # all from the plain store
    assert first["i"] and first["lif"] and len(first["cuba"]) > 20 and first["regular"][0] \
        and first["poisson"][0]
    assert first == dict(second, built=True, ran=True)


def _synapses(on_pre="v_post += w", w=0.5):
    start_scope()
    G = NeuronGroup(20, "dv/dt = -v/(10*ms) : 1\nI : 1", threshold="v > 1 - I",
                    reset="v = 0", method="exact")
    G.I = np.linspace(0, 1.5, 20)
    S = Synapses(G, G, on_pre=on_pre, namespace={"w": w})
    S.connect(j="(i + 1) % 20")
    spikes = SpikeMonitor(G)
    run(20 * ms)
    return spikes.t_[:].tolist(), spikes.i[:].tolist()


@pytest.fixture()
def synapses_planned(counted):
    import labkit.plan.synapse_ops

    return counted(labkit.plan.synapse_ops, "cold_parts")


def test_synapses_planned_before_are_read_back_and_a_change_is_planned_again(
        cache, synapses_planned):
    first = _synapses()
    assert len(synapses_planned) == 1 and first[0]
    assert _synapses() == first and len(synapses_planned) == 1  # from the store
    _synapses(on_pre="v_post += 2*w")
    assert len(synapses_planned) == 2
    with pytest.raises(DimensionMismatchError):  # now a voltage: planned, and refused
        _synapses(w=0.5 * mV)
    assert len(synapses_planned) == 3


def test_another_dt_uses_the_stored_plan_and_gets_the_cold_paths_results(
        cache, planned, tmp_path_factory, monkeypatch):
    from labkit import defaultclock

    _lif()
    defaultclock.dt = 0.05 * ms
    stored = _lif()
    assert len(planned) == 1  # dt is a value of the run, not part of its plan
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path_factory.mktemp("cold")))
    defaultclock.dt = 0.05 * ms
    cold = _lif()
    assert len(planned) == 2
    assert np.array_equal(stored[0], cold[0]) and stored[1:] == cold[1:]


def test_a_poisson_group_planned_before_gives_the_same_spikes(cache, planned):
    from labkit import Hz, PoissonGroup, seed

    def spikes():
        start_scope()
        seed(4)
        P = PoissonGroup(50, np.linspace(10, 200, 50) * Hz)
        mon = SpikeMonitor(P)
        run(50 * ms)
        return mon.i[:].tolist(), mon.t_[:].tolist()

    first = spikes()
    assert spikes() == first and first[0] and len(planned) == 1


def test_a_timed_array_is_part_of_the_key_by_its_units(cache, planned):
    from labkit import TimedArray

    def trace(values):
        start_scope()
        stim = TimedArray(values, dt=1 * ms)
        G = NeuronGroup(1, "dv/dt = (stim(t) - v)/(5*ms) : 1", method="exact",
                        namespace={"stim": stim})
        mon = StateMonitor(G, "v", record=True)
        run(10 * ms)
        return mon.v[0].copy()

    first = trace(np.linspace(0, 1, 10))
    assert np.array_equal(trace(np.linspace(0, 1, 10)), first) and len(planned) == 1
    assert not np.array_equal(trace(np.linspace(1, 0, 10)), first) and len(planned) == 1
    with pytest.raises(DimensionMismatchError):  # now in volt: planned again, and refused
        trace(np.linspace(0, 1, 10) * mV)
    assert len(planned) == 2


def test_a_record_of_synaptic_variables_is_read_back(cache, counted):
    import labkit.plan.synapse_ops

    calls = counted(labkit.plan.synapse_ops, "record_parts")

    def recorded():
        start_scope()
        G = NeuronGroup(5, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact")
        G.v = np.linspace(0, 1, 5)
        S = Synapses(G, G, "w : 1", on_pre="w += 0.1; v_post += w")
        S.connect(j="(i + 1) % 5")
        mon = StateMonitor(S, ["w", "v_post"], record=True)
        run(30 * ms)
        return mon.w[:].copy(), mon.v_post[:].copy()

    first = recorded()
    again = recorded()
    assert len(calls) == 1 and first[0].any()
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_a_record_of_subexpressions_is_read_back_with_the_values_of_now(cache, counted):
    import labkit.plan.monitor_ops

    calls = counted(labkit.plan.monitor_ops, "expressions")

    def recorded(gain):
        start_scope()
        G = NeuronGroup(3, "dv/dt = (1 - v)/(10*ms) : 1\nI = gain*v : amp", method="exact",
                        namespace={"gain": gain})
        mon = StateMonitor(G, ["I", "v"], record=True)
        run(5 * ms)
        return mon.I_[:].copy(), mon.v[:].copy()

    from labkit import nA

    first = recorded(2 * nA)
    n = len(calls)
    again = recorded(4 * nA)  # another value: the same plan
    assert n and len(calls) == n  # read back: no expression made again
    assert np.array_equal(first[1], again[1]) and first[0].any()
    assert np.allclose(again[0], 2 * first[0])


def test_a_source_missing_from_disk_is_generated_from_the_stored_expressions(
        cache, planned, monkeypatch):
    import shutil

    import labkit.codegen.source_cache

    monkeypatch.setattr(labkit.codegen.source_cache, "_memory", {})  # earlier tests' sources
    first = _lif()
    shutil.rmtree(cache / "sources")  # the plan is kept, its kernel's source is not
    monkeypatch.setattr(labkit.codegen.source_cache, "_memory", {})
    again = _lif()
    assert len(planned) == 1 and list((cache / "sources").glob("*.json"))
    assert np.array_equal(first[0], again[0]) and first[1:] == again[1:]


def _equations_lif(tau=10 * ms, extra="I : 1"):
    from labkit import Equations

    start_scope()
    membrane = Equations("dv/dt = (-v + I)/tau : 1 (unless refractory)", tau=tau)
    G = NeuronGroup(2, membrane + Equations(extra), threshold="v > 0.8", reset="v = 0",
                    refractory=5 * ms, method="exact")
    G.I = [1, 1.5]
    mon, spikes = StateMonitor(G, "v", record=True), SpikeMonitor(G)
    run(30 * ms)
    return mon.v[:].copy(), spikes.t_[:].tolist(), spikes.i[:].tolist()


def test_a_model_given_as_equations_is_read_back_and_a_change_is_planned_again(
        cache, planned):
    first = _equations_lif()
    again = _equations_lif()
    assert len(planned) == 1 and first[1]  # the same lines and trees: from the store
    assert np.array_equal(first[0], again[0]) and first[1:] == again[1:]
    assert _equations_lif(tau=20 * ms)[1] != first[1] and len(planned) == 1  # a value
    _equations_lif(extra="I : 1 (constant)")  # another flag
    assert len(planned) == 2
    with pytest.raises(DimensionMismatchError):  # the bound value now in volt: refused
        _equations_lif(tau=10 * mV)
    assert len(planned) == 3


def _regular(code="v += kick*(i + 1)", kick=0.3, subgroup=False):
    start_scope()
    G = NeuronGroup(4, "dv/dt = -v/(10*ms) : 1", threshold="v > 0.5", reset="v = 0",
                    method="exact", namespace={"kick": kick})
    (G[1:3] if subgroup else G).run_regularly(code, dt=2 * ms)
    spikes = SpikeMonitor(G)
    run(20 * ms)
    return spikes.i[:].tolist(), spikes.t_[:].tolist()


@pytest.fixture()
def regular_planned(counted):
    import labkit.plan.regular_ops

    calls = counted(labkit.plan.regular_ops, "operations")
    return calls


def test_run_regularly_planned_before_is_read_back_and_a_change_is_planned_again(
        cache, regular_planned):
    first = _regular()
    assert _regular() == first and first[0] and len(regular_planned) == 1
    assert _regular(kick=0.2) != first and len(regular_planned) == 1  # a value
    part = _regular(subgroup=True)  # on a subgroup: i counts from its start
    assert part != first and len(regular_planned) == 2
    assert _regular(subgroup=True) == part and len(regular_planned) == 2
    _regular(code="v += kick*i")
    assert len(regular_planned) == 3
    _regular(kick=True)  # now a boolean: another kind of name
    assert len(regular_planned) == 4
    with pytest.raises(DimensionMismatchError):  # now a voltage: planned, and refused
        _regular(kick=0.3 * mV)
    assert len(regular_planned) == 5


def _poisson_input(weight="w_in*(1 + i)", w_in=0.05, rate=100):
    from labkit import Hz, PoissonInput, seed

    start_scope()
    seed(5)
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact", namespace={"w_in": w_in})
    pin = PoissonInput(G, "v", 50, rate * Hz, weight=weight)  # noqa: F841 - collected
    spikes = SpikeMonitor(G)
    run(50 * ms)
    return spikes.i[:].tolist(), spikes.t_[:].tolist()


def test_a_poisson_input_planned_before_is_read_back_and_a_change_is_planned_again(
        cache, counted):
    import labkit.plan.poisson_input_ops

    calls = counted(labkit.plan.poisson_input_ops, "operation")
    first = _poisson_input()
    assert _poisson_input() == first and first[0] and len(calls) == 1
    _poisson_input(rate=2000)  # N*p = 10: the normal approximation, another operation
    assert len(calls) == 2
    value = _poisson_input(weight=0.1)
    assert _poisson_input(weight=0.1) == value and len(calls) == 3
    _poisson_input(weight="w_in*(2 + i)")
    assert len(calls) == 4
    with pytest.raises(DimensionMismatchError):  # now a voltage: planned, and refused
        _poisson_input(w_in=0.05 * mV)
    assert len(calls) == 5


def test_a_synaptic_string_assigned_before_is_read_back_and_a_change_is_checked_again(
        cache, counted):
    import labkit.synapses.strings

    calls = counted(labkit.synapses.strings, "check_units")

    def weights(text="scale*abs(x_pre - j)/N_pre", scale=2.0):
        start_scope()
        G = NeuronGroup(4, "x : 1")
        G.x = [0.5, 1.0, 1.5, 2.0]
        S = Synapses(G, G, "w : 1")
        S.connect()
        S.w = text
        return S.w[:].copy()

    first = weights()
    assert np.allclose(first, 2.0 * np.abs(np.repeat([0.5, 1, 1.5, 2], 4)
                                           - np.tile(np.arange(4), 4)) / 4)
    assert np.array_equal(weights(), first) and len(calls) == 1  # from the stored code
    assert np.allclose(weights(scale=3.0), 1.5 * first) and len(calls) == 1  # a value
    weights(text="scale*abs(x_pre + j)/N_pre")
    assert len(calls) == 2
    with pytest.raises(DimensionMismatchError):  # now a voltage: checked, and refused
        weights(scale=2 * mV)
    assert len(calls) == 3


def test_a_record_of_a_synaptic_subexpression_is_read_back_with_the_values_of_now(
        cache, counted):
    import labkit.plan.synapse_ops

    calls = counted(labkit.plan.synapse_ops, "record_parts")

    def recorded(gain=2.0, sign="+"):
        start_scope()
        G = NeuronGroup(3, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact")
        G.v = np.linspace(0, 1, 3)
        S = Synapses(G, G, f"w : 1\nscaled = gain*w {sign} v_post : 1", on_pre="w += 0.1",
                     namespace={"gain": gain})
        S.connect(j="(i + 1) % 3")
        mon = StateMonitor(S, ["scaled", "w"], record=True)
        run(20 * ms)
        return mon.scaled[:].copy(), mon.w[:].copy()

    first = recorded()
    n = len(calls)
    again = recorded(gain=3.0)  # another value: the same plan
    assert n and len(calls) == n and first[1].any()
    assert np.allclose(again[0] - first[0], first[1])  # (3 - 2)*w: the value of now
    recorded(sign="-")  # another model: planned again
    assert len(calls) > n
    with pytest.raises(DimensionMismatchError):  # now a voltage: refused
        recorded(gain=2 * mV)


def test_custom_events_planned_before_are_read_back_and_a_change_is_planned_again(
        cache, planned):
    from labkit import EventMonitor

    def events(condition="v > 0.5 and c == 0", code="c = 1"):
        start_scope()
        G = NeuronGroup(3, "dv/dt = (1.2 - v)/(10*ms) : 1\nc : 1", threshold="v > 1",
                        reset="v = 0; c = 0", events={"half": condition}, method="exact")
        G.v = [0, 0.2, 0.4]
        G.run_on_event("half", code)
        mon = EventMonitor(G, "half")
        run(40 * ms)
        return mon.i[:].tolist(), mon.t_[:].tolist()

    first = events()
    assert events() == first and first[0] and len(planned) == 1
    events(condition="v > 0.6 and c == 0")
    assert len(planned) == 2
    events(code="c = 2")
    assert len(planned) == 3

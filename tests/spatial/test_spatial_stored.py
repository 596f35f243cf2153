"""A SpatialNeuron seen before is built, read and run without sympy (its group equations'
plain lines, the cable operation and its subexpressions' code from the plain store); a
changed model or cable method is planned again."""


import numpy as np
import pytest

from labkit import (
    Cylinder,
    Soma,
    SpatialNeuron,
    StateMonitor,
    cm,
    ms,
    mV,
    nA,
    ohm,
    prefs,
    run,
    siemens,
    start_scope,
    uF,
    um,
)
from labkit.codegen.stored_expr import tree_text
from labkit.errors import DimensionMismatchError

SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
defaultclock.dt = 0.025*ms
morpho = Soma(20*um)
morpho.dend = Cylinder(diameter=1*um, length=200*um, n=20)
gL = 1e-4*siemens/cm**2; EL = -70*mV; gK = 2e-4*siemens/cm**2; EK = -90*mV
eqs = '''
Im = gL*(EL - v) + gK*n*(EK - v) : amp/meter**2
dn/dt = (n_inf - n)/(2*ms) : 1
n_inf = 1/(1 + exp(-(v + 60*mV)/(5*mV))) : 1
I : amp (point current)
'''
neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1*uF/cm**2, Ri=100*ohm*cm)
neuron.v = EL
neuron.I[0] = 0.1*nA
tau = float(neuron.time_constant[0] / ms)
built = 'sympy' in sys.modules
mon = StateMonitor(neuron, ["v", "n"], record=[0, 15])
run(3*ms)
print(json.dumps(dict(built=built, ran='sympy' in sys.modules, tau=tau,
                      v=mon.v_[:, ::10].tolist(), n=mon.n[:, ::10].tolist())))
"""


@pytest.mark.slow
def test_a_second_process_builds_reads_and_runs_a_spatial_neuron_without_sympy(two_processes):
    first, second = two_processes(SCRIPT)
    assert first["built"] and first["ran"]  # the cold path parsed and planned
    assert not second["built"] and not second["ran"]  # all from the plain store
    assert first["tau"] > 0 and first["v"][0][-1] > -70e-3
    assert first == dict(second, built=True, ran=True)


@pytest.fixture()
def cable_planned(tmp_path, monkeypatch, counted):
    """A fresh cache, the numpy target; the cold path's cable operations, counted."""
    import labkit.cache
    import labkit.plan.cable_ops

    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(labkit.cache, "_plain_written", {})  # this process wrote many
    prefs.codegen.target = "numpy"
    calls = counted(labkit.plan.cable_ops, "cable_operation")
    return calls


PASSIVE = """Im = gL*(EL - v) : amp/meter**2
I : amp (point current)"""


def _run(model=PASSIVE, gL=1e-4 * siemens / cm ** 2, cable_method="backward_euler"):
    start_scope()
    morpho = Soma(20 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    neuron = SpatialNeuron(morpho, model, Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm,
                           namespace={"gL": gL, "EL": -70 * mV}, cable_method=cable_method)
    neuron.v = -70 * mV
    neuron.I[0] = 0.1 * nA
    tau = np.asarray(neuron.time_constant[:3]).copy()
    mon = StateMonitor(neuron, "v", record=[0, 9])
    run(2 * ms)
    return tau, mon.v_[:].copy(), neuron._cable_operation[1]


def test_a_spatial_neuron_planned_before_is_read_back_and_a_change_is_planned_again(
        cable_planned):
    first = _run()
    assert len(cable_planned) == 1 and first[1][0, -1] > -70e-3
    again = _run()
    assert len(cable_planned) == 1  # from the store, same trace and time constant
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert [tree_text(op.gtot) for op in (first[2], again[2])] == [
        "Symbol('gL';commutative=True,complex=True,extended_real=True,finite=True,"
        "hermitian=True,imaginary=False,infinite=False,real=True)"] * 2  # stored exactly
    assert first[2].constant_gtot and again[2].constant_gtot
    doubled = _run(gL=2e-4 * siemens / cm ** 2)  # a value: the same plans, other results
    assert len(cable_planned) == 1 and np.allclose(doubled[0], first[0] / 2)
    _run(cable_method="crank_nicolson")
    assert len(cable_planned) == 2
    other = _run(PASSIVE.replace("gL*(EL - v)", "2*gL*(EL - v)"))  # another model
    assert len(cable_planned) == 3 and np.allclose(other[0], first[0] / 2)
    with pytest.raises(DimensionMismatchError):  # gL now in volt: planned, and refused
        _run(gL=1 * mV)


#: A sweep's worker: the morphology, the model (a value bound to it) and the group's
#: equations (an ``Equations.made()`` object) pickled by the first process only, and
#: read from the pickle by both.
PICKLED = """
import json, os, pickle, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
defaultclock.dt = 0.025*ms
if not os.path.exists(sys.argv[1]):
    morpho = Soma(20*um)
    morpho.dend = Cylinder(diameter=1*um, length=200*um, n=20)
    eqs = Equations('''Im = gL*(EL - v) + gK*n*(EK - v) : amp/meter**2
                       dn/dt = (n_inf - n)/(2*ms) : 1
                       n_inf = 1/(1 + exp(-(v + 60*mV)/(5*mV))) : 1
                       I : amp (point current)''', gK=2e-4*siemens/cm**2)
    group = SpatialNeuron(morpho, eqs).equations
    with open(sys.argv[1], "wb") as f:
        pickle.dump((morpho, eqs, group), f)
with open(sys.argv[1], "rb") as f:
    morpho, eqs, group = pickle.load(f)
unpickled = 'sympy' in sys.modules
gL = 1e-4*siemens/cm**2; EL = -70*mV; EK = -90*mV
neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1*uF/cm**2, Ri=100*ohm*cm)
same = neuron.equations == group and str(neuron.equations) == str(group)
neuron.v = EL
neuron.I[0] = 0.1*nA
mon = StateMonitor(neuron, ["v", "n"], record=[0, 15])
run(3*ms)
ran = 'sympy' in sys.modules
print(json.dumps(dict(unpickled=unpickled, ran=ran, same=same, v=mon.v_[:, ::10].tolist(),
                      n=mon.n[:, ::10].tolist(), tau=str(group["time_constant"].expr))))
"""


@pytest.mark.slow
def test_a_worker_builds_and_runs_a_pickled_spatial_model_without_sympy(two_processes,
                                                                         tmp_path):
    first, second = two_processes(PICKLED, str(tmp_path / "model.pickle"))
    assert first["unpickled"] and first["ran"]  # the cold path made and planned them
    assert not second["unpickled"] and not second["ran"]  # lines, plans: all stored
    assert first["same"] and first["v"][0][-1] > -70e-3 and first["tau"] == "Cm/(gK*n + gL)"
    assert first == dict(second, unpickled=True, ran=True)


def test_a_pickled_spatial_model_travels_as_its_lines_and_remake(cable_planned):
    import pickle

    from labkit import Equations, siemens

    start_scope()
    morpho = Soma(20 * um)
    eqs = Equations(PASSIVE.replace("gL*", "gK*gL*"), gK=2)  # a value bound to the model
    neuron = SpatialNeuron(morpho, eqs, Cm=1 * uF / cm ** 2,
                           namespace={"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV})
    group = neuron.equations
    assert group.constants == {"gK": 2}  # kept, as Brian2 keeps its value in the model
    copy = pickle.loads(pickle.dumps(group))
    assert copy._parsed is None and copy == group and copy.recipe == group.recipe
    assert str(copy["time_constant"].expr) == str(group["time_constant"].expr)  # remade
    tau = np.asarray(neuron.time_constant[:]).copy()  # gK*gL: half _run()'s gL's
    assert np.allclose(tau, _run()[0][0] / 2)
    with pytest.raises(Exception, match="must define the membrane current"):
        SpatialNeuron(morpho, pickle.loads(pickle.dumps(Equations("I : amp"))))

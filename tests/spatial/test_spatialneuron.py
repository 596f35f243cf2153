"""SpatialNeuron: the cable equation against its analytic solutions, parts, errors, devices."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from labkit import (
    Cylinder,
    Morphology,
    Network,
    Soma,
    SpatialNeuron,
    StateMonitor,
    amp,
    cm,
    ms,
    mV,
    nA,
    ohm,
    run,
    set_device,
    siemens,
    uF,
    um,
)
from labkit.errors import EquationError

DATA = pathlib.Path(__file__).parent / "data"
PASSIVE = """Im = gL*(EL - v) : amp/meter**2
I : amp (point current)"""
gL, EL = 1e-4 * siemens / cm ** 2, -70 * mV


def passive(morpho, **kwargs):
    neuron = SpatialNeuron(morphology=morpho, model=PASSIVE, Cm=1 * uF / cm ** 2,
                           Ri=100 * ohm * cm, namespace={"gL": gL, "EL": EL}, **kwargs)
    neuron.v = EL
    return neuron


def test_finite_cable_steady_state_is_the_cosh_solution():
    """A sealed cable with a current into one end: V(x) = I r_a lambda cosh((L-x)/lambda)
    / sinh(L/lambda), with lambda = sqrt(d Rm / (4 Ri)) and r_a = 4 Ri / (pi d^2)."""
    d, length, current = 1e-6, 1e-3, 0.05e-9
    neuron = passive(Cylinder(diameter=1 * um, length=1000 * um, n=400))
    neuron.I[0] = 0.05 * nA
    run(150 * ms)                       # 15 membrane time constants: the steady state
    rm, ri = 1 / 1.0, 1.0               # ohm m^2 (1e-4 S/cm^2), ohm m (100 ohm cm)
    lam = np.sqrt(d * rm / (4 * ri))
    ra = 4 * ri / (np.pi * d ** 2)
    x = np.asarray(neuron.distance)
    expected = current * ra * lam * np.cosh((length - x) / lam) / np.sinh(length / lam)
    deflection = np.asarray(neuron.v) - float(EL)
    # 400 compartments of 2.5 um on a 500 um length constant: 0.1 % discretisation error
    np.testing.assert_allclose(deflection, expected, rtol=2e-3)


def test_current_is_conserved_at_the_branch_points_of_an_swc_tree():
    """In the steady state, every ampere injected at the soma leaves through the membrane."""
    morpho = Morphology.from_file(DATA / "three_point_soma.swc")
    neuron = passive(morpho)
    neuron.I[0] = 0.1 * nA
    run(200 * ms)
    leak = np.sum(np.asarray(neuron.area) * 1.0 * (np.asarray(neuron.v) - float(EL)))
    assert leak == pytest.approx(0.1e-9, rel=1e-6)
    assert np.all(np.diff(np.asarray(neuron.dend.main.v)) < 0)   # decays away from the soma


def test_point_current_and_Im_follow_brian2s_sign_and_area_rules():
    neuron = passive(Soma(diameter=20 * um))
    neuron.I = 0.1 * nA
    run(0.1 * ms)
    area = np.pi * 20e-6 ** 2
    # Im = gL*(EL - v) + I/area: the point current divided by the soma's area
    im = 1.0 * (float(EL) - float(np.asarray(neuron.v)[0])) + 0.1e-9 / area
    assert float(np.asarray(neuron.Im)[0]) == pytest.approx(im, rel=1e-9)
    # a single isopotential compartment: v - EL = I R (1 - exp(-t/tau)), backward Euler
    rm = 1.0 / area
    steps, k = 1, 0.1e-3 / 10e-3
    expected = 0.1e-9 * rm * (1 - (1 / (1 + k)) ** steps)
    assert float(np.asarray(neuron.v)[0]) - float(EL) == pytest.approx(expected, rel=1e-9)


def ball_and_stick():
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=50)
    morpho.dend.L = Cylinder(diameter=1 * um, length=100 * um, n=10)
    return morpho


def test_parts_of_the_neuron_are_subgroups_by_section_subtree_and_distance():
    neuron = passive(ball_and_stick())
    assert neuron.N == 61
    assert (neuron.dend._start, neuron.dend._stop) == (1, 61)          # the sub-tree
    assert (neuron.dend.main._start, neuron.dend.main._stop) == (1, 51)  # the section
    assert (neuron.dend.L._start, neuron.dend.L._stop) == (51, 61)
    assert (neuron.main._start, neuron.main._stop) == (0, 1)
    assert (neuron.dend[55 * um]._start, neuron.dend[55 * um]._stop) == (6, 7)
    part = neuron.dend[10 * um:30 * um]
    assert (part._start, part._stop) == (2, 4)
    assert (neuron.dend[3]._start, neuron.dend[2:5]._stop) == (4, 6)
    assert np.allclose(np.asarray(neuron.dend.L.distance)[0], 505e-6)
    assert np.allclose(np.asarray(neuron.area)[1:51], np.pi * 2e-6 * 10e-6)
    assert neuron["dend"].N == 60


def test_a_monitor_records_compartments_chosen_by_distance():
    neuron = passive(ball_and_stick())
    neuron.I[0] = 0.2 * nA
    far = neuron.dend[450 * um]
    monitor = StateMonitor(neuron, "v", record=[0, int(far._start)])
    run(5 * ms)
    near_soma, distal = np.asarray(monitor.v)[:, -1] - float(EL)
    assert near_soma > distal > 0   # attenuation along the dendrite


def test_a_passive_matrix_is_factorised_again_when_a_constant_changes_between_runs():
    """gtot = gl: with gl '(constant)' the matrix is factorised once a run (the fast path),
    with gl a plain parameter every step; both must follow a change of gl between runs."""
    neurons = []
    for flag in (" (constant)", ""):
        neuron = SpatialNeuron(ball_and_stick(), f"""Im = gl*(EL - v) : amp/meter**2
                               gl : siemens/meter**2{flag}
                               I : amp (point current)""", Cm=1 * uF / cm ** 2,
                               Ri=100 * ohm * cm, namespace={"EL": EL})
        neuron.v, neuron.gl, neuron.I[0] = EL, gL, 0.2 * nA
        neurons.append(neuron)
    net = Network(*neurons)
    net.run(1 * ms)
    for neuron in neurons:
        neuron.gl = 10 * gL
    net.run(1 * ms)
    assert [n._cable_operation[1].constant_gtot for n in neurons] == [True, False]
    fast, every_step = (np.asarray(n.v) - float(EL) for n in neurons)
    np.testing.assert_allclose(fast, every_step, rtol=1e-12)


def simulate_on(device: str, cable_method="backward_euler", **options) -> np.ndarray:
    set_device(device, **options)
    neuron = passive(ball_and_stick(), cable_method=cable_method)
    neuron.I[0] = 0.2 * nA
    run(2 * ms)
    return np.asarray(neuron.v).copy()


@pytest.mark.parametrize("cable_method", ["backward_euler", "crank_nicolson"])
def test_runtime_and_numpy_devices_agree(cable_method):
    np.testing.assert_allclose(simulate_on("runtime", cable_method),
                               simulate_on("numpy", cable_method), rtol=1e-12)


@pytest.mark.cpp
@pytest.mark.parametrize("cable_method", ["backward_euler", "crank_nicolson"])
def test_cpp_standalone_agrees_with_runtime(tmp_path, cable_method):
    cpp = simulate_on("cpp_standalone", cable_method, directory=str(tmp_path / "cpp"),
                      build_on_run=True)
    np.testing.assert_allclose(cpp, simulate_on("runtime", cable_method), rtol=1e-12)


@pytest.mark.parametrize("device", ["runtime", "numpy"])
def test_crank_nicolson_charges_one_compartment_by_the_trapezoidal_rule(device):
    """One isopotential compartment, a current step: Crank-Nicolson multiplies the distance
    to the steady state by (1 - k/2)/(1 + k/2) per step (k = dt/tau), backward Euler by
    1/(1 + k); Ic is Cm dv/dt over the step."""
    set_device(device)
    neuron = passive(Soma(diameter=20 * um), cable_method="crank_nicolson")
    neuron.I = 0.1 * nA
    run(1 * ms)
    area = np.pi * 20e-6 ** 2
    k, steps = 0.1e-3 / 10e-3, 10
    steady = 0.1e-9 / (1.0 * area)
    deflection = float(np.asarray(neuron.v)[0]) - float(EL)
    assert deflection == pytest.approx(steady * (1 - ((1 - k / 2) / (1 + k / 2)) ** steps),
                                       rel=1e-9)
    last = steady * (1 - ((1 - k / 2) / (1 + k / 2)) ** (steps - 1))
    assert float(np.asarray(neuron.Ic)[0]) == pytest.approx(
        0.01 * (deflection - last) / 0.1e-3, rel=1e-6)


@pytest.mark.parametrize("model, error, words", [
    ("dv2/dt = -v2/ms : volt", EquationError, "must define the membrane current"),
    ("Im = gL*(EL - v) : amp", EquationError, "amp/meter\\*\\*2"),
    ("Im = gL*(EL - v) + I/area : amp/meter**2\nI : volt (point current)", EquationError,
     "point current is a current"),
    ("Im = gL*(EL - v) : amp/meter**2\nv : volt", EquationError, "defines 'v' itself"),
])
def test_bad_models_are_refused_with_the_fix(model, error, words):
    with pytest.raises(error, match=words):
        SpatialNeuron(morphology=Soma(diameter=10 * um), model=model)


def test_bad_arguments_are_refused_with_the_fix():
    with pytest.raises(TypeError, match="needs a morphology first"):
        SpatialNeuron(PASSIVE)
    with pytest.raises(TypeError, match="needs a model defining Im"):
        SpatialNeuron(Soma(diameter=10 * um))
    morpho = ball_and_stick()
    with pytest.raises(TypeError, match="must be one compartment"):
        SpatialNeuron(morpho, PASSIVE, threshold="v > 0*mV",
                      threshold_location=morpho.dend[10 * um:50 * um])
    with pytest.raises(ValueError, match="'backward_euler', 'crank_nicolson'"):
        SpatialNeuron(morpho, PASSIVE, cable_method="crank-nicolson")
    neuron = passive(morpho)
    with pytest.raises(IndexError, match="outside this section"):
        neuron.dend[900 * um]
    with pytest.raises(AttributeError, match="no variable or attribute 'axon'"):
        getattr(neuron, "axon")  # noqa: B009 (the attribute access is the test)
    with pytest.raises(TypeError, match="cannot index a spatial neuron"):
        neuron[1.5]


def test_threshold_location_tests_one_compartment():
    morpho = ball_and_stick()
    neuron = SpatialNeuron(morpho, PASSIVE, threshold="v > -69*mV",
                           threshold_location=morpho.dend[250 * um], Cm=1 * uF / cm ** 2,
                           namespace={"gL": gL, "EL": EL})
    neuron.v = EL
    neuron.I[0] = 1 * nA
    run(3 * ms)
    assert set(neuron.spikes.tolist()) <= {int(neuron.dend[250 * um]._start)}
    assert float(np.asarray(neuron.v)[0]) > -69e-3   # the soma crossed, yet did not count
    neuron.I = 0 * amp


def test_time_and_space_constants_are_brian2s():
    neuron = passive(ball_and_stick())
    # 1e-4 S/cm^2 and 1 uF/cm^2: 10 ms; a 2 um cylinder at Ri = 100 ohm cm: sqrt(d/(4 Ri gL))
    np.testing.assert_allclose(np.asarray(neuron.time_constant), 10e-3, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(neuron.dend.main.space_constant),
                               np.sqrt(2e-6 / (4 * 1.0 * 1.0)), rtol=1e-12)


def test_ball_and_stick_input_resistance_is_the_cable_theory_one():
    """Soma and sealed dendrite in parallel: 1/R = gL*pi*ds^2 + 1/(r_a lambda coth(L/lambda))."""
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=200)
    neuron = passive(morpho)
    neuron.I[0] = 0.1 * nA
    run(150 * ms)
    d, length, ri, gm = 2e-6, 500e-6, 1.0, 1.0        # SI: ohm m, S/m^2
    lam = np.sqrt(d / (4 * ri * gm))
    ra = 4 * ri / (np.pi * d ** 2)
    conductance = gm * np.pi * 20e-6 ** 2 + 1 / (ra * lam / np.tanh(length / lam))
    soma = float(np.asarray(neuron.v)[0]) - float(EL)
    assert soma == pytest.approx(0.1e-9 / conductance, rel=2e-3)


def test_brian2s_ways_of_naming_parts_work():
    """What Brian2's compartmental examples write: chained short names (neuron.LL), a part
    of the morphology as record=, as a monitor's index and as a synapse's target, and a
    subexpression (space_constant) read before any run, with gL defined by the script."""
    from labkit import Network, SpikeGeneratorGroup, Synapses

    morpho = Soma(diameter=20 * um)
    morpho.L = Cylinder(diameter=1 * um, length=100 * um, n=10)
    morpho.LL = Cylinder(diameter=1 * um, length=50 * um, n=5)
    gL = 2e-4 * siemens / cm ** 2   # noqa: F841 - read by name, as a script's would be
    neuron = SpatialNeuron(morpho, PASSIVE + "\ngs : siemens",
                           Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm, namespace={"EL": EL})
    assert (neuron.LL._start, neuron.LL._stop) == (11, 16)
    lam = np.asarray(neuron.space_constant)[1]
    assert lam == pytest.approx(np.sqrt(1e-6 / (4 * 1.0 * 2.0)), rel=1e-9)   # gL = 2 S/m^2
    neuron.I[morpho.L[50 * um]] = 0.1 * nA
    assert np.flatnonzero(np.asarray(neuron.I)).tolist() == [int(morpho.L[50 * um]._indices())]
    assert float(np.asarray(neuron.I[morpho.L[50 * um]])) == pytest.approx(0.1e-9)
    monitor = StateMonitor(neuron, "v", record=morpho.L[50 * um])
    assert monitor.record.tolist() == [int(morpho.L[50 * um]._indices())]
    inp = SpikeGeneratorGroup(1, [0], [1] * ms)
    S = Synapses(inp, neuron, on_pre="gs += 1*nS")
    S.connect(i=0, j=morpho.LL[-1])
    assert np.asarray(S.j).tolist() == [15]
    neuron.v = EL
    Network(neuron, monitor, inp, S).run(2 * ms, namespace={"gL": gL})
    assert np.asarray(monitor[morpho.L[50 * um]].v).shape == (20,)
